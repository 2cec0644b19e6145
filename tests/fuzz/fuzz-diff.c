// SPDX-License-Identifier: GPL-2.0
/*
 * tests/fuzz/fuzz-diff.c - libFuzzer target for the whole differ.
 *
 * Each input is a PATCHED.o, diffed by cdo_main() against a fixed, valid
 * ORIG.o: the golden ORIG.o whose case name appears in the input as the
 * object's FILE symbol "<case>.c" (so every golden PATCHED.o meets its own
 * ORIG.o), or the first golden case.  The ORIG.o doubles as the parent's
 * symbol table; the symbol versions are test-objects/common/Module.symvers.
 * All of them are embedded at build time (build-fuzz/origs.S) and served
 * from memfds.  The output goes to a private directory under $TMPDIR that
 * is emptied after every input and removed at exit.
 *
 * A few KiB of input must never make a file of more than MAX_OUTPUT_BYTES:
 * RLIMIT_FSIZE turns a runaway write (say, padding to a fuzzed sh_addralign
 * of 2^62) into SIGXFSZ, which libFuzzer reports as a crash, instead of
 * filling the disk until -timeout fires.
 */
#include <dirent.h>
#include <string.h>
#include <sys/resource.h>

#include "cdo.h"
#include "log.h"
#include "fuzz-common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One embedded golden ORIG.o (the table is build-fuzz/origs.S). */
struct fuzz_orig {
	const char *name;		/* case folder, e.g. "cdo-01-changed-func" */
	const char *parent;		/* PARENT-NAME for the case: vmlinux or a module */
	const unsigned char *data;	/* the ORIG.o bytes */
	size_t size;			/* their number */
};

/* An embedded file that is not an object. */
struct fuzz_blob {
	const unsigned char *data;	/* the bytes */
	size_t size;			/* their number */
};

#define MAX_OUTPUT_BYTES (64UL << 20)

extern const struct fuzz_orig fuzz_origs[];	/* ends with a NULL name */
extern const struct fuzz_blob fuzz_symvers;	/* common/Module.symvers */

/* The state set up once by LLVMFuzzerInitialize. */
static struct {
	struct mem_file *origs;		/* one memfd per fuzz_origs entry */
	size_t nr_origs;		/* entries of fuzz_origs and origs */
	struct mem_file symvers;	/* Module.symvers */
	struct mem_file patched;	/* the input */
	char out_dir[4096];		/* private output directory */
	char out_path[4200];		/* OUTPUT.o inside out_dir */
} fz;

/* Remove whatever the differ left in out_dir (OUTPUT.o, OUTPUT.o.tmp.<pid>). */
static void empty_out_dir(void)
{
	struct dirent *de;
	DIR *d = opendir(fz.out_dir);

	if (!d)
		return;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
}

static void remove_out_dir(void)
{
	empty_out_dir();
	rmdir(fz.out_dir);
}

static void make_out_dir(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(fz.out_dir, sizeof(fz.out_dir), "%s/kp-fuzz-diff.XXXXXX",
		 tmp && tmp[0] ? tmp : "/tmp");
	if (!mkdtemp(fz.out_dir))
		fuzz_die("mkdtemp");
	snprintf(fz.out_path, sizeof(fz.out_path), "%s/OUTPUT.o", fz.out_dir);
	atexit(remove_out_dir);
}

static void limit_file_size(void)
{
	struct rlimit rl = { MAX_OUTPUT_BYTES, MAX_OUTPUT_BYTES };

	if (setrlimit(RLIMIT_FSIZE, &rl))
		fuzz_die("setrlimit(RLIMIT_FSIZE)");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	limit_file_size();
	while (fuzz_origs[fz.nr_origs].name)
		fz.nr_origs++;
	if (!fz.nr_origs) {
		fprintf(stderr, "fuzz-diff: no golden ORIG.o was embedded\n");
		abort();
	}
	fz.origs = calloc(fz.nr_origs, sizeof(*fz.origs));
	if (!fz.origs)
		fuzz_die("calloc");
	for (size_t i = 0; i < fz.nr_origs; i++) {
		mem_file_create(&fz.origs[i], fuzz_origs[i].name);
		mem_file_set(&fz.origs[i], fuzz_origs[i].data, fuzz_origs[i].size);
	}
	mem_file_create(&fz.symvers, "Module.symvers");
	mem_file_set(&fz.symvers, fuzz_symvers.data, fuzz_symvers.size);
	mem_file_create(&fz.patched, "PATCHED.o");
	make_out_dir();
	return 0;
}

/* The case whose "\0<name>.c\0" FILE symbol name is in the input, else 0. */
static size_t pick_orig(const uint8_t *data, size_t size)
{
	char needle[256];

	for (size_t i = 0; i < fz.nr_origs; i++) {
		int n = snprintf(needle, sizeof(needle), "%c%s.c", 0, fuzz_origs[i].name);

		if (n <= 0 || (size_t)n >= sizeof(needle) - 1)
			continue;
		/* the terminating NUL is part of the needle */
		if (memmem(data, size, needle, (size_t)n + 1))
			return i;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i = pick_orig(data, size);
	char *argv[] = {
		"create-diff-object",
		fz.origs[i].path,
		fz.patched.path,
		(char *)fuzz_origs[i].parent,
		fz.origs[i].path,
		fz.symvers.path,
		"fuzz_patch",
		fz.out_path,
		NULL,
	};

	mem_file_set(&fz.patched, data, size);
	cdo_main((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv);
	fflush(stdout);
	empty_out_dir();
	return 0;
}
