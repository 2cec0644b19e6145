// SPDX-License-Identifier: GPL-2.0
/*
 * lib/dwarf.c - struct sizes from DWARF, with libdw.
 *
 * The file is opened through libdwfl's offline reporting because a
 * relocatable object (a .o, a .ko) needs its .rela.debug_* applied before
 * its DWARF can be read (string offsets are in the relocations); libdwfl
 * does that, libdw alone does not.  No separate debuginfo file is looked
 * for: the answer is about the file we were given.
 *
 * The differ asks the same parent for the same six structs for each of
 * its two objects.  Opening a distribution's vmlinux for DWARF takes
 * milliseconds and looking for a struct it does not have reads every unit
 * (about a second), so the file stays open between calls and every answer
 * is remembered, until the file changes or dwarf_forget().
 */
#include "dwarf.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

/*
 * Does the ELF file have DWARF (plain or compressed) at all?  0 and *@has
 * set, 1 when it is not an ELF file (a readelf text: nothing mapped, no
 * error recorded), -1 with an error recorded.
 */
static int has_debug_info(const char *path, bool *has)
{
	unsigned char magic[SELFMAG];
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	Elf *elf = NULL;
	int fd, ret = -1;

	*has = false;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return error_elf(path, "libelf is out of date");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error_sys(path, "cannot open");
	if (pread(fd, magic, SELFMAG, 0) != SELFMAG || memcmp(magic, ELFMAG, SELFMAG)) {
		ret = 1;
		goto out;
	}
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf) {
		error_elf(path, "cannot open as ELF");
		goto out;
	}
	if (elf_kind(elf) != ELF_K_ELF) {
		ret = 1;
		goto out;
	}
	if (elf_getshdrstrndx(elf, &shstrndx)) {
		error_elf(path, "cannot read the section name table index");
		goto out;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		const char *name;

		if (!gelf_getshdr(scn, &sh)) {
			error_elf(path, "cannot read a section header");
			goto out;
		}
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (name && (!strcmp(name, ".debug_info") || !strcmp(name, ".zdebug_info"))) {
			*has = true;
			break;
		}
	}
	ret = 0;
out:
	elf_end(elf);
	close(fd);
	return ret;
}

/* Never look for a separate debuginfo file. */
static int no_separate_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname,
				 Dwarf_Addr base, const char *file_name,
				 const char *debuglink_file, GElf_Word debuglink_crc,
				 char **debuginfo_file_name)
{
	(void)mod; (void)userdata; (void)modname; (void)base; (void)file_name;
	(void)debuglink_file; (void)debuglink_crc; (void)debuginfo_file_name;
	return -1;
}

static const Dwfl_Callbacks offline_callbacks = {
	.find_debuginfo = no_separate_debuginfo,
	.section_address = dwfl_offline_section_address,
};

static bool is_struct_definition(Dwarf_Die *die, const char *name)
{
	const char *die_name;

	if (dwarf_tag(die) != DW_TAG_structure_type || dwarf_hasattr(die, DW_AT_declaration))
		return false;
	die_name = dwarf_diename(die);
	return die_name && !strcmp(die_name, name);
}

/*
 * Look among the top-level DIEs of one unit (file-scope types live
 * there).  0 found, 1 not found, -1 broken DWARF.
 */
static int unit_find_struct(Dwarf_Die *unit, const char *name, size_t *size)
{
	Dwarf_Die die;
	int ret, bytes;

	ret = dwarf_child(unit, &die);
	while (ret == 0) {
		if (is_struct_definition(&die, name)) {
			bytes = dwarf_bytesize(&die);
			if (bytes >= 0) {
				*size = (size_t)bytes;
				return 0;
			}
		}
		ret = dwarf_siblingof(&die, &die);
	}
	return ret < 0 ? -1 : 1;
}

static int dwarf_find_struct(const char *path, Dwarf *dw, const char *name, size_t *size)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Die unit;
	int ret;

	while ((ret = dwarf_get_units(dw, cu, &cu, NULL, NULL, &unit, NULL)) == 0) {
		ret = unit_find_struct(&unit, name, size);
		if (ret < 0)
			return error_obj(path, "broken DWARF: %s", dwarf_errmsg(-1));
		if (ret == 0)
			return 0;
	}
	if (ret < 0)
		return error_obj(path, "broken DWARF units: %s", dwarf_errmsg(-1));
	return 1;
}

/* One struct looked up in the cached file. */
struct dwarf_answer {
	char *name;			/* the struct's name */
	int ret;			/* 0 found, 1 no complete definition */
	size_t size;			/* its size when found */
};

/* The file last asked about, and what it answered. */
struct dwarf_cache {
	char *path;			/* as given; NULL: nothing cached */
	struct stat st;			/* its identity then (device, inode, size, mtime) */
	bool is_elf;			/* it is an ELF file */
	bool has_dwarf;			/* it has .debug_info */
	Dwfl *dwfl;			/* open for DWARF once a struct was looked up */
	Dwarf *dw;			/* its DWARF */
	struct dwarf_answer *answers;	/* every struct asked for */
	size_t nr_answers;		/* entries of answers[] */
};

static struct dwarf_cache cache;

void dwarf_forget(void)
{
	size_t i;

	if (cache.dwfl)
		dwfl_end(cache.dwfl);
	for (i = 0; i < cache.nr_answers; i++)
		free(cache.answers[i].name);
	free(cache.answers);
	free(cache.path);
	memset(&cache, 0, sizeof(cache));
}

static bool is_same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* Make the cache about @path (0), or -1 with an error recorded. */
static int cache_file(const char *path)
{
	struct stat st;
	bool has;
	int ret;

	if (stat(path, &st))
		return error_sys(path, "cannot open");

	if (cache.path && !strcmp(cache.path, path) && is_same_file(&cache.st, &st))
		return 0;
	dwarf_forget();
	ret = has_debug_info(path, &has);
	if (ret < 0)
		return -1;
	cache.path = strdup(path);
	if (!cache.path)
		return error_sys(path, "cannot allocate");
	cache.st = st;
	cache.is_elf = ret == 0;
	cache.has_dwarf = has;
	return 0;
}

/* Open the cached file for DWARF (once; a failure is tried again next time). */
static int cache_open_dwarf(void)
{
	const char *path = cache.path;
	Dwfl_Module *mod;
	Dwarf_Addr bias;
	int ret = -1;

	if (cache.dw)
		return 0;
	cache.dwfl = dwfl_begin(&offline_callbacks);
	if (!cache.dwfl)
		return error_obj(path, "cannot start libdwfl: %s", dwfl_errmsg(-1));
	dwfl_report_begin(cache.dwfl);
	mod = dwfl_report_offline(cache.dwfl, path, path, -1);
	if (!mod || dwfl_report_end(cache.dwfl, NULL, NULL)) {
		error_obj(path, "cannot open for DWARF: %s", dwfl_errmsg(-1));
		goto out;
	}
	cache.dw = dwfl_module_getdwarf(mod, &bias);
	if (!cache.dw) {
		error_obj(path, "cannot read DWARF: %s", dwfl_errmsg(-1));
		goto out;
	}
	ret = 0;
out:
	if (ret) {
		dwfl_end(cache.dwfl);
		cache.dwfl = NULL;
	}
	return ret;
}

static const struct dwarf_answer *find_answer(const char *struct_name)
{
	size_t i;

	for (i = 0; i < cache.nr_answers; i++)
		if (!strcmp(cache.answers[i].name, struct_name))
			return &cache.answers[i];
	return NULL;
}

/* Remember @ret/@size for @struct_name (nothing if out of memory). */
static void keep_answer(const char *struct_name, int ret, size_t size)
{
	struct dwarf_answer *bigger;
	char *name = strdup(struct_name);

	bigger = name ? realloc(cache.answers, (cache.nr_answers + 1) * sizeof(*bigger)) : NULL;
	if (!bigger) {
		free(name);
		return;
	}
	cache.answers = bigger;
	cache.answers[cache.nr_answers++] = (struct dwarf_answer){ name, ret, size };
}

int dwarf_struct_size(const char *path, const char *struct_name, size_t *size)
{
	const struct dwarf_answer *known;
	int ret;

	if (cache_file(path))
		return -1;
	if (!cache.is_elf)
		return error_obj(path, "not an ELF file");
	if (!cache.has_dwarf)
		return 1;
	known = find_answer(struct_name);
	if (known) {
		if (known->ret == 0)
			*size = known->size;
		return known->ret;
	}
	if (cache_open_dwarf())
		return -1;
	ret = dwarf_find_struct(path, cache.dw, struct_name, size);
	if (ret >= 0)
		keep_answer(struct_name, ret, ret == 0 ? *size : 0);
	return ret;
}
