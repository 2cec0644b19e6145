// SPDX-License-Identifier: GPL-2.0
/*
 * create-diff-object - compare an object compiled before and after a
 * source patch and write the object a livepatch module is built from.
 *
 *   create-diff-object [-d|--debug] [--timing] ORIG.o PATCHED.o PARENT-NAME
 *                      PARENT-SYMTAB MODULE.SYMVERS PATCH-MODULE-NAME OUTPUT.o
 *
 * Exit status: 0 output written, 3 no functional change, 2 a change that
 * cannot be live patched, 1 any other error.
 */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cdo.h"
#include "cmdline.h"
#include "dwarf.h"
#include "log.h"

#define EXIT_CHANGED	0
#define EXIT_ERROR	1
#define EXIT_REFUSED	2
#define EXIT_NO_CHANGE	3

/*
 * Where the time of one run goes (--timing or KPATCH_TIMING=1): the wall
 * time of each phase and the page faults it took (memory touched for the
 * first time, which costs more than the instructions on some machines),
 * printed as one line on stderr at the end.  What happens before main()
 * (exec, the dynamic linker) and after it is not seen here: a benchmark
 * gets it as its own wall time minus "total".
 */
enum phase {
	PHASE_READ,		/* ORIG.o and PATCHED.o read and indexed */
	PHASE_SYMTAB,		/* PARENT-SYMTAB and MODULE.SYMVERS read */
	PHASE_DIFF,		/* marks, correlation, comparison, inclusion */
	PHASE_OUTPUT,		/* the output object built (parent lookups) */
	PHASE_WRITE,		/* OUTPUT.o written and the report (or the error) printed */
	PHASE_FREE,		/* everything freed */
	NR_PHASES
};

static const char *const phase_names[NR_PHASES] = {
	[PHASE_READ] = "read", [PHASE_SYMTAB] = "symtab", [PHASE_DIFF] = "diff",
	[PHASE_OUTPUT] = "output", [PHASE_WRITE] = "write", [PHASE_FREE] = "free",
};

/* The phase clock of the run. */
struct phase_timer {
	bool on;			/* timing asked for */
	struct timespec start;		/* when main() started */
	struct timespec mark;		/* end of the last phase */
	long faults_start;		/* minor page faults when main() started */
	long faults_mark;		/* ... at the end of the last phase */
	double ms[NR_PHASES];		/* wall milliseconds of each phase */
	long faults[NR_PHASES];		/* minor page faults of each phase */
};

static struct phase_timer timer;

/*
 * Freeing everything before exit costs a run two milliseconds of its
 * fifteen on virtual machines, where each munmap() of a mapping or an
 * arena chunk takes 0.1 to 0.4 ms; the kernel takes a process's memory
 * back in one go.  The program skips it; the fuzzer, which calls
 * cdo_main() again and again, and the sanitizer builds do not.
 */
static bool free_before_exit = true;

void cdo_exit_without_freeing(void)
{
	free_before_exit = false;
}

static double ms_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e3 + (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

static long minor_faults(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) ? 0 : ru.ru_minflt;
}

static void timer_start(bool on)
{
	timer = (struct phase_timer){ .on = on };
	if (!on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &timer.start);
	timer.mark = timer.start;
	timer.faults_start = timer.faults_mark = minor_faults();
}

/* Charge the time since the last mark to @phase. */
static void timer_mark(enum phase phase)
{
	struct timespec now;
	long faults;

	if (!timer.on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	timer.ms[phase] += ms_between(&timer.mark, &now);
	timer.mark = now;
	faults = minor_faults();
	timer.faults[phase] += faults - timer.faults_mark;
	timer.faults_mark = faults;
}

/* "create-diff-object: timing: read 0.41 ms 52 faults, ..., total 3.02 ms 410 faults" */
static void timer_report(void)
{
	int i;

	if (!timer.on)
		return;
	fflush(stdout);
	fprintf(stderr, "create-diff-object: timing:");
	for (i = 0; i < NR_PHASES; i++)
		fprintf(stderr, " %s %.2f ms %ld faults,", phase_names[i], timer.ms[i],
			timer.faults[i]);
	fprintf(stderr, " total %.2f ms %ld faults\n", ms_between(&timer.start, &timer.mark),
		timer.faults_mark - timer.faults_start);
}

static bool is_timing_env_set(void)
{
	const char *v = getenv("KPATCH_TIMING");

	return v && *v && strcmp(v, "0") != 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: create-diff-object [-d|--debug] [--timing] ORIG.o PATCHED.o PARENT-NAME\n"
		"                          PARENT-SYMTAB MODULE.SYMVERS PATCH-MODULE-NAME OUTPUT.o\n"
		"\n"
		"Compare ORIG.o and PATCHED.o (one object compiled before and after a patch, with\n"
		"-ffunction-sections -fdata-sections) and write OUTPUT.o: the changed and new\n"
		"functions with what they need, and the livepatch metadata.\n"
		"\n"
		"  PARENT-NAME     vmlinux, or the module the object is linked into\n"
		"  PARENT-SYMTAB   the parent's symbols: an ELF file or `readelf -s --wide` text\n"
		"  MODULE.SYMVERS  the kernel's exports (/dev/null for none)\n"
		"  -d, --debug     explain every decision on stderr\n"
		"  --timing        print the time of each phase on stderr at the end\n"
		"                  (also with KPATCH_TIMING=1 in the environment)\n"
		"  -h, --help      this text;  --version  the version\n"
		"\n"
		"Exit status: 0 OUTPUT.o written; 3 no functional change (no output);\n"
		"2 a change that cannot be live patched; 1 any other error.\n");
}

static int load_inputs(struct diff_ctx *ctx, char **argv)
{
	ctx->orig = obj_open_read(argv[0]);
	if (!ctx->orig)
		return -1;
	ctx->patched = obj_open_read(argv[1]);
	if (!ctx->patched)
		return -1;
	timer_mark(PHASE_READ);
	ctx->parent = parent_symtab_open(argv[3], ctx->parent_is_module);
	if (!ctx->parent)
		return -1;
	ctx->symvers = symvers_load(argv[4]);
	if (!ctx->symvers)
		return -1;
	timer_mark(PHASE_SYMTAB);
	return 0;
}

static void debug_report(struct diff_ctx *ctx)
{
	struct obj_symbol *s;
	static const char *const status[] = { "unknown", "same", "changed", "new" };

	if (!log_debug_enabled())
		return;
	for_each_sym(ctx->patched, s) {
		if (!is_func_sym(s) && !is_object_sym(s))
			continue;
		debug("%s %s: %s%s%s%s", is_func_sym(s) ? "function" : "object", s->name,
		      status[s->status], s->twin ? ", twin " : ", no twin",
		      s->twin ? s->twin->name : "", s->include ? ", included" : "");
	}
}

static bool has_changes(struct diff_ctx *ctx)
{
	struct obj_symbol *s;

	for_each_sym(ctx->patched, s)
		if (s->include && (is_func_sym(s) || (is_object_sym(s) && s->status == ST_NEW &&
						      !is_local_sym(s))))
			return true;	/* a new global variable is for other objects */
	return false;
}

static void free_ctx(struct diff_ctx *ctx)
{
	free_special_tables(ctx);
	forget_anon_data();
	emit_forget();
	if (ctx->orig)
		obj_close(ctx->orig);
	if (ctx->patched)
		obj_close(ctx->patched);
	if (ctx->out)
		obj_close(ctx->out);
	if (ctx->parent)
		parent_symtab_free(ctx->parent);
	if (ctx->symvers)
		symvers_free(ctx->symvers);
	debuginfo_forget();
}

static int run(struct diff_ctx *ctx, char **argv)
{
	const char *output = argv[6];

	if (load_inputs(ctx, argv) || read_author_marks(ctx) || correlate(ctx))
		return -1;
	propagate_author_marks(ctx);
	if (index_anon_data(ctx) || compare_objects(ctx) || load_special_tables(ctx) ||
	    compare_special_entries(ctx) || refuse_unpatchable_changes(ctx) ||
	    include_changed_functions(ctx))
		return -1;
	debug_report(ctx);
	timer_mark(PHASE_DIFF);
	if (!has_changes(ctx)) {
		printf("%s: no functional change\n", ctx->orig_name);
		unlink(output);
		return EXIT_NO_CHANGE;
	}
	if (start_output(ctx) || copy_included_sections(ctx) || copy_included_relocations(ctx) ||
	    output_special_sections(ctx) || output_func_records(ctx) || output_author_records(ctx))
		return -1;
	timer_mark(PHASE_OUTPUT);
	if (obj_write(ctx->out, output))
		return -1;
	report_output(ctx);
	return EXIT_CHANGED;
}

int cdo_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "debug", no_argument, NULL, 'd' },
		{ "timing", no_argument, NULL, 'T' },
		CMDLINE_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct cmdline cl = { "create-diff-object", usage, "dh", opts, false };
	struct diff_ctx ctx = { 0 };
	char *orig_copy;
	bool timing = is_timing_env_set();
	int c, ret;

	log_init("create-diff-object");
	error_clear();
	while ((c = cmdline_next(&cl, argc, argv)) == 'T')
		timing = true;
	if (c == CMDLINE_EXIT)
		return 0;
	if (c == CMDLINE_END && argc - optind != 7)
		error_obj("command line", "expected 7 arguments, got %d; usage: "
			  "create-diff-object [-d] ORIG.o PATCHED.o PARENT-NAME PARENT-SYMTAB "
			  "MODULE.SYMVERS PATCH-MODULE-NAME OUTPUT.o", argc - optind);
	if (error_pending())
		return log_report_error();
	argv += optind;
	orig_copy = strdup(argv[0]);
	ctx.orig_name = orig_copy ? basename(orig_copy) : argv[0];
	ctx.parent_name = argv[2];
	ctx.parent_is_module = strcmp(argv[2], "vmlinux") != 0;
	ctx.patch_name = argv[5];

	timer_start(timing);
	ret = run(&ctx, argv);
	if (ret < 0) {
		unlink(argv[6]);
		ret = log_report_error();
	}
	timer_mark(PHASE_WRITE);
	if (free_before_exit) {
		free_ctx(&ctx);
		free(orig_copy);
	}
	timer_mark(PHASE_FREE);
	timer_report();
	return ret;
}
