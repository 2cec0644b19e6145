// SPDX-License-Identifier: GPL-2.0
/*
 * lib/dwarf.c - compile units and struct layouts from DWARF, with libdw.
 *
 * A relocatable file (a .o, a .ko) is opened through libdwfl's offline
 * reporting, because its .rela.debug_* must be applied before its DWARF
 * can be read (string offsets are in the relocations): libdwfl does that,
 * libdw alone does not.  A linked file (vmlinux) is read by libdw
 * directly.  No separate debuginfo file is looked for: the answer is about
 * the file we were given.
 *
 * The differ asks the same parent for the same six structs for each of
 * its two objects.  Opening a distribution's vmlinux for DWARF takes
 * milliseconds and looking for a struct it does not have reads every unit
 * (about a second), so the file stays open between calls and every answer
 * is remembered, until the file changes, three other files were asked
 * about since, or debuginfo_forget().
 */
#include "dwarf.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image.h"
#include "log.h"

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

/* One struct looked up in the open file. */
struct dwarf_answer {
	char *name;			/* as asked for */
	struct debuginfo_type *layout;	/* its layout; NULL: no complete definition */
};

/* A file asked about, and what it answered. */
struct debuginfo {
	char *path;			/* as given; NULL: nothing open */
	struct stat st;			/* its identity then (device, inode, size, mtime) */
	bool is_elf;			/* it is an ELF file */
	bool has_dwarf;			/* it has .debug_info */
	int fd;				/* open for libdw (a linked file), else -1 */
	Elf *elf;			/* libelf handle of fd */
	Dwfl *dwfl;			/* libdwfl session (a relocatable file) */
	Dwarf *dw;			/* its DWARF, NULL until opened */
	struct dwarf_answer *answers;	/* every struct asked for */
	size_t nr_answers;		/* entries of answers[] */
	unsigned long last_used;	/* when it was last asked about */
};

/* The files asked about last (the differ: the parent; a layout check: two objects too). */
#define MAX_OPEN_FILES 4
static struct debuginfo open_files[MAX_OPEN_FILES];
static unsigned long nr_calls;

static void free_layout(struct debuginfo_type *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nr_members; i++) {
		free(t->members[i].name);
		free(t->members[i].type);
	}
	free(t->members);
	free(t->name);
	free(t);
}

static void close_dwarf(struct debuginfo *di)
{
	if (di->dwfl)
		dwfl_end(di->dwfl);
	else if (di->dw)
		dwarf_end(di->dw);
	if (di->elf)
		elf_end(di->elf);
	if (di->fd > 0)
		close(di->fd);
	di->dwfl = NULL;
	di->dw = NULL;
	di->elf = NULL;
	di->fd = 0;
}

static void forget_file(struct debuginfo *di)
{
	close_dwarf(di);
	for (size_t i = 0; i < di->nr_answers; i++) {
		free(di->answers[i].name);
		free_layout(di->answers[i].layout);
	}
	free(di->answers);
	free(di->path);
	memset(di, 0, sizeof(*di));
}

void debuginfo_forget(void)
{
	for (size_t i = 0; i < MAX_OPEN_FILES; i++)
		forget_file(&open_files[i]);
}

static bool is_same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* The slot of @path: its own, else an empty one or the least recently used. */
static struct debuginfo *pick_slot(const char *path)
{
	struct debuginfo *oldest = &open_files[0];

	for (size_t i = 0; i < MAX_OPEN_FILES; i++) {
		if (open_files[i].path && !strcmp(open_files[i].path, path))
			return &open_files[i];
		if (open_files[i].last_used < oldest->last_used)
			oldest = &open_files[i];
	}
	return oldest;
}

/* The open file that is @path (opened again when it changed), or NULL. */
static struct debuginfo *cache_file(const char *path)
{
	struct debuginfo *di = pick_slot(path);
	struct image *im;
	struct stat st;

	if (stat(path, &st)) {
		error_sys(path, "cannot open");
		return NULL;
	}
	di->last_used = ++nr_calls;
	if (di->path && !strcmp(di->path, path) && is_same_file(&di->st, &st))
		return di;
	forget_file(di);
	di->is_elf = image_is_elf(path);
	im = di->is_elf ? image_open(path) : NULL;
	if (di->is_elf && !im)
		return NULL;
	di->has_dwarf = im && (image_find_section(im, ".debug_info") ||
			       image_find_section(im, ".zdebug_info"));
	image_close(im);
	di->path = strdup(path);
	di->st = st;
	if (!di->path)
		error_sys(path, "cannot allocate");
	return di->path ? di : NULL;
}

/* A relocatable file: libdwfl applies its .rela.debug_* first. */
static int open_relocated_dwarf(struct debuginfo *di)
{
	Dwfl_Module *mod;
	Dwarf_Addr bias;

	di->dwfl = dwfl_begin(&offline_callbacks);
	if (!di->dwfl)
		return error_obj(di->path, "cannot start libdwfl: %s", dwfl_errmsg(-1));
	dwfl_report_begin(di->dwfl);
	mod = dwfl_report_offline(di->dwfl, di->path, di->path, -1);
	if (!mod || dwfl_report_end(di->dwfl, NULL, NULL))
		return error_obj(di->path, "cannot open for DWARF: %s", dwfl_errmsg(-1));
	di->dw = dwfl_module_getdwarf(mod, &bias);
	if (!di->dw)
		return error_obj(di->path, "cannot read DWARF: %s", dwfl_errmsg(-1));
	return 0;
}

/* Open @di for DWARF (once; a failure is tried again next time). */
static int open_dwarf(struct debuginfo *di)
{
	GElf_Ehdr eh;
	int ret = -1;

	if (di->dw)
		return 0;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return error_elf(di->path, "libelf is out of date");
	di->fd = open(di->path, O_RDONLY | O_CLOEXEC);
	if (di->fd < 0)
		return error_sys(di->path, "cannot open");
	di->elf = elf_begin(di->fd, ELF_C_READ_MMAP, NULL);
	if (!di->elf || !gelf_getehdr(di->elf, &eh))
		error_elf(di->path, "cannot open as ELF");
	else if (eh.e_type == ET_REL)
		ret = open_relocated_dwarf(di);
	else if (!(di->dw = dwarf_begin_elf(di->elf, DWARF_C_READ, NULL)))
		error_obj(di->path, "cannot read DWARF: %s", dwarf_errmsg(-1));
	else
		ret = 0;
	if (ret)
		close_dwarf(di);
	return ret;
}

int debuginfo_open(const char *path, struct debuginfo **di)
{
	*di = cache_file(path);
	if (!*di)
		return -1;
	if (!(*di)->is_elf)
		return error_obj(path, "not an ELF file");
	if (!(*di)->has_dwarf)
		return 1;
	return open_dwarf(*di);
}

int debuginfo_next_unit(struct debuginfo *di, struct debuginfo_unit *unit)
{
	Dwarf_Die die;
	Dwarf_Attribute attr;
	Dwarf_Half version;
	uint8_t type;
	int ret;

	ret = dwarf_get_units(di->dw, unit->cu, &unit->cu, &version, &type, &die, NULL);
	if (ret < 0)
		return error_obj(di->path, "bad DWARF: %s", dwarf_errmsg(-1));
	if (ret > 0)
		return 0;
	unit->version = version;
	unit->is_compile = type == DW_UT_compile && dwarf_tag(&die) == DW_TAG_compile_unit;
	unit->name = dwarf_diename(&die);
	unit->comp_dir = dwarf_formstring(dwarf_attr(&die, DW_AT_comp_dir, &attr));
	return 1;
}

/* ------------------------------------------------------------------ */
/* Struct layouts                                                      */

/* Text being put together, cut at its size. */
struct spelling {
	char buf[256];			/* the text, NUL-terminated */
	size_t len;			/* bytes used */
};

static void spell(struct spelling *sp, const char *fmt, const char *s)
{
	int n = snprintf(sp->buf + sp->len, sizeof(sp->buf) - sp->len, fmt, s);

	sp->len = n < 0 ? sp->len : sp->len + (size_t)n;
	if (sp->len >= sizeof(sp->buf))
		sp->len = sizeof(sp->buf) - 1;	/* cut: snprintf kept what fits */
}

static bool get_type(Dwarf_Die *die, Dwarf_Die *type)
{
	Dwarf_Attribute attr;

	return dwarf_attr_integrate(die, DW_AT_type, &attr) && dwarf_formref_die(&attr, type);
}

/* DW_AT_@at of @die as a number: a constant, or DW_OP_plus_uconst N. */
static bool get_number(Dwarf_Die *die, unsigned int at, Dwarf_Word *val)
{
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	size_t nr;

	if (!dwarf_attr(die, at, &attr))
		return false;
	if (!dwarf_formudata(&attr, val))
		return true;
	if (dwarf_getlocation(&attr, &ops, &nr) || nr != 1 || ops[0].atom != DW_OP_plus_uconst)
		return false;
	*val = ops[0].number;
	return true;
}

/* Each dimension of the array @die: "[N]", "[]" when unknown. */
static void spell_dimensions(struct spelling *sp, Dwarf_Die *die)
{
	Dwarf_Die sub;
	Dwarf_Word n;
	char num[32];
	int ret;

	for (ret = dwarf_child(die, &sub); ret == 0; ret = dwarf_siblingof(&sub, &sub)) {
		if (dwarf_tag(&sub) != DW_TAG_subrange_type)
			continue;
		num[0] = '\0';
		if (get_number(&sub, DW_AT_count, &n) || (get_number(&sub, DW_AT_upper_bound, &n) && ++n))
			snprintf(num, sizeof(num), "%llu", (unsigned long long)n);
		spell(sp, sp->buf[sp->len - 1] == ']' ? "[%s]" : " [%s]", num);
	}
}

/* C's spelling of type @die (a declarator's pointers and arrays after it). */
static void spell_type(struct spelling *sp, Dwarf_Die *die, int depth)
{
	static const char *const prefix[] = {
		[DW_TAG_structure_type] = "struct ", [DW_TAG_union_type] = "union ",
		[DW_TAG_enumeration_type] = "enum ", [DW_TAG_const_type] = "const ",
		[DW_TAG_volatile_type] = "volatile ",
	};
	int tag = dwarf_tag(die);
	const char *name = dwarf_diename(die);
	const char *pre = tag >= 0 && tag <= DW_TAG_volatile_type ? prefix[tag] : NULL;
	Dwarf_Die inner;
	bool is_wrapper = tag == DW_TAG_pointer_type || tag == DW_TAG_const_type ||
			  tag == DW_TAG_volatile_type || tag == DW_TAG_array_type ||
			  tag == DW_TAG_subroutine_type;

	spell(sp, "%s", pre ? pre : "");
	if (!is_wrapper) {	/* base types, typedefs, struct/union/enum */
		spell(sp, "%s", name ? name : pre ? "<anonymous>" : "?");
		return;
	}
	if (depth < 16 && get_type(die, &inner))
		spell_type(sp, &inner, depth + 1);
	else
		spell(sp, "%s", "void");
	if (tag == DW_TAG_array_type)
		spell_dimensions(sp, die);	/* " [4]" */
	spell(sp, "%s", tag == DW_TAG_pointer_type ? " *" : tag == DW_TAG_subroutine_type ? " (...)" : "");
}

/*
 * A bitfield's first bit: DW_AT_data_bit_offset (DWARF 4+), or the older
 * DW_AT_bit_offset, counted from the most significant bit of its storage
 * unit at DW_AT_data_member_location (little-endian here).
 */
static void read_bitfield(Dwarf_Die *die, struct debuginfo_member *m)
{
	Dwarf_Word bits = 0, storage = m->size, old;

	get_number(die, DW_AT_bit_size, &bits);
	m->bit_size = (unsigned int)bits;
	if (get_number(die, DW_AT_data_bit_offset, &m->bit_offset)) {
		m->offset = m->bit_offset / 8;
		return;
	}
	get_number(die, DW_AT_byte_size, &storage);
	if (get_number(die, DW_AT_bit_offset, &old))
		m->bit_offset = m->offset * 8 + storage * 8 - old - bits;
	m->offset = m->bit_offset / 8;
}

static int read_member(Dwarf_Die *die, struct debuginfo_member *m)
{
	struct spelling sp = { .len = 0 };
	const char *name = dwarf_diename(die);
	Dwarf_Word size = 0;
	Dwarf_Die type;

	if (!get_type(die, &type))
		return -1;
	spell_type(&sp, &type, 0);
	m->name = strdup(name ? name : "");
	m->type = strdup(sp.buf);
	if (!m->name || !m->type)
		return -1;
	if (dwarf_aggregate_size(&type, &size))
		size = 0;
	m->size = size;
	get_number(die, DW_AT_data_member_location, &m->offset);
	if (dwarf_hasattr(die, DW_AT_bit_size))
		read_bitfield(die, m);
	return 0;
}

static int read_members(Dwarf_Die *die, struct debuginfo_type *t)
{
	struct debuginfo_member *bigger;
	Dwarf_Die child;
	int ret;

	for (ret = dwarf_child(die, &child); ret == 0; ret = dwarf_siblingof(&child, &child)) {
		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		bigger = realloc(t->members, (t->nr_members + 1) * sizeof(*bigger));
		if (!bigger)
			return -1;
		t->members = bigger;
		memset(&t->members[t->nr_members], 0, sizeof(*bigger));
		if (read_member(&child, &t->members[t->nr_members++]))
			return -1;
	}
	return ret < 0 ? -1 : 0;
}

/* "union foo" -> the union foo; "foo" -> struct foo. */
static bool is_definition_of(Dwarf_Die *die, const char *name)
{
	int tag = dwarf_tag(die);
	const char *die_name;

	if (!strncmp(name, "union ", 6)) {
		if (tag != DW_TAG_union_type)
			return false;
		name += 6;
	} else if (tag != DW_TAG_structure_type) {
		return false;
	}
	die_name = dwarf_diename(die);
	return die_name && !strcmp(die_name, name) && !dwarf_hasattr(die, DW_AT_declaration);
}

/* The layout of the definition @die: 0, or -1 with nothing kept. */
static int read_layout(struct debuginfo *di, Dwarf_Die *die, const char *name,
		       struct debuginfo_type **layout)
{
	struct debuginfo_type *t = calloc(1, sizeof(*t));
	int bytes = dwarf_bytesize(die);

	if (!t || bytes < 0 || !(t->name = strdup(name)) || read_members(die, t)) {
		free_layout(t);
		return error_obj(di->path, "struct %s: cannot read its layout", name);
	}
	t->is_union = dwarf_tag(die) == DW_TAG_union_type;
	t->size = (uint64_t)bytes;
	*layout = t;
	return 0;
}

/* Look in every unit's top-level DIEs (file-scope types live there): 0, 1, -1. */
static int find_layout(struct debuginfo *di, const char *name, struct debuginfo_type **layout)
{
	struct debuginfo_unit unit;
	Dwarf_Die cudie, die;
	int ret, found;

	for_each_unit(di, &unit, ret) {
		if (!dwarf_cu_die(unit.cu, &cudie, NULL, NULL, NULL, NULL, NULL, NULL))
			return error_obj(di->path, "broken DWARF: %s", dwarf_errmsg(-1));
		for (found = dwarf_child(&cudie, &die); found == 0;
		     found = dwarf_siblingof(&die, &die))
			if (is_definition_of(&die, name) && dwarf_bytesize(&die) >= 0)
				return read_layout(di, &die, name, layout);
		if (found < 0)
			return error_obj(di->path, "broken DWARF: %s", dwarf_errmsg(-1));
	}
	return ret < 0 ? -1 : 1;
}

static const struct dwarf_answer *find_answer(const struct debuginfo *di, const char *name)
{
	for (size_t i = 0; i < di->nr_answers; i++)
		if (!strcmp(di->answers[i].name, name))
			return &di->answers[i];
	return NULL;
}

/* Remember @layout for @name; 0, or -1 (out of memory, @layout freed). */
static int keep_answer(struct debuginfo *di, const char *name, struct debuginfo_type *layout)
{
	struct dwarf_answer *bigger;
	char *copy = strdup(name);

	bigger = copy ? realloc(di->answers, (di->nr_answers + 1) * sizeof(*bigger)) : NULL;
	if (!bigger) {
		free(copy);
		free_layout(layout);
		return error_sys(di->path, "cannot allocate");
	}
	di->answers = bigger;
	di->answers[di->nr_answers++] = (struct dwarf_answer){ copy, layout };
	return 0;
}

int debuginfo_struct_layout(const char *path, const char *name,
			    const struct debuginfo_type **layout)
{
	const struct dwarf_answer *known;
	struct debuginfo_type *found = NULL;
	struct debuginfo *di;
	int ret = debuginfo_open(path, &di);

	if (ret)
		return ret;
	known = find_answer(di, name);
	if (!known) {
		ret = find_layout(di, name, &found);
		if (ret < 0 || keep_answer(di, name, found))
			return -1;
		known = &di->answers[di->nr_answers - 1];
	}
	*layout = known->layout;
	return known->layout ? 0 : 1;
}

int debuginfo_struct_size(const char *path, const char *name, size_t *size)
{
	const struct debuginfo_type *t;
	int ret = debuginfo_struct_layout(path, name, &t);

	if (!ret)
		*size = (size_t)t->size;
	return ret;
}
