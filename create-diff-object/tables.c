// SPDX-License-Identifier: GPL-2.0
/*
 * tables.c - the kernel's special sections: tables of fixed-size entries,
 * each entry belonging to the function its first relocation points into
 * (the "key").  An included function takes its entries along; an entry
 * that differs makes its function changed.
 *
 * Entry sizes come from, in order: the environment override (e.g.
 * BUG_STRUCT_SIZE), the struct's size in the parent's DWARF when
 * PARENT-SYMTAB is an ELF file with debug info, the section's sh_entsize,
 * the x86-64 layouts of 4.x-6.x kernels (6.1's first: struct alt_instr is
 * 12 bytes in 6.1, 14 from 6.3, 13 in older 5.x), and last the spacing of
 * the section's relocations.  The first size that fits the object wins: it
 * divides the section and every entry holds a relocation at its start and
 * the same relocations as the others.  An override that does not fit (a
 * pipeline that sets it once for objects of several kernels) is replaced by
 * the size the object shows, with one warning per variable; a section that
 * no size fits is an error that lists what was tried.
 *
 * Each object's tables are loaded once (load_special_tables) and kept in
 * the diff context; special.c compares and copies their entries,
 * include.c follows them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf.h"
#include "log.h"
#include "model.h"

/*
 * Sorted by name.  Layouts: alt_instr 12 (5.x-6.2), 14 (6.3+: u32
 * ft_flags), 13 (older 5.x: u8 padlen); paravirt_patch_site 16 (u8 *instr,
 * to 6.5), 8 and 6 (s32 instr_offset, later 6.x, padded then packed);
 * bug_entry 12 (relative, verbose), 8 (no file and line); exception_table_
 * entry 12 (insn, fixup, handler or data), 8 (insn, fixup: 4.x); jump_entry
 * 16 (relative), 24 (absolute).  Rows without sizes are special sections
 * but no tables of their own: replacement code that .altinstructions points
 * into, and .orc_unwind, the parallel array of .orc_unwind_ip.  Sections
 * that follow the code (ftrace sites, ORC, the printk index) are never a
 * change by themselves.  A jump label's key is its last 8 bytes (both
 * layouts), a static call site's key follows its 4-byte address.
 */
static const struct special_sec specials[] = {
	{ ".altinstr_aux", .replacement = true },
	{ ".altinstr_replacement", .replacement = true },
	{ ".altinstructions", "ALT_STRUCT_SIZE", "alt_instr", { 12, 14, 13 } },
	{ ".call_sites", NULL, NULL, { 4 } },
	{ ".ibt_endbr_seal", NULL, NULL, { 4 } },
	{ ".orc_unwind" },
	{ ".orc_unwind_ip", NULL, NULL, { 4 }, .parallel = ".orc_unwind", .parallel_size = 6,
	  .parallel_env = "ORC_STRUCT_SIZE", .follows_code = true },
	{ ".parainstructions", "PARA_STRUCT_SIZE", "paravirt_patch_site", { 16, 8, 6 } },
	{ ".printk_index", "PRINTK_INDEX_STRUCT_SIZE", NULL, { 8 }, .printk_index = true,
	  .follows_code = true },
	{ ".retpoline_sites", NULL, NULL, { 4 } },
	{ ".return_sites", NULL, NULL, { 4 } },
	{ ".smp_locks", NULL, NULL, { 4 } },
	{ ".static_call_sites", "STATIC_CALL_STRUCT_SIZE", "static_call_site", { 8 },
	  .key = KEY_STATIC_CALL, .key_at = 4 },
	{ "__bug_table", "BUG_STRUCT_SIZE", "bug_entry", { 12, 8 }, 8, 2 },
	{ "__ex_table", "EX_STRUCT_SIZE", "exception_table_entry", { 12, 8 } },
	{ "__jump_table", "JUMP_STRUCT_SIZE", "jump_entry", { 16, 24 }, .key = KEY_JUMP_LABEL,
	  .key_at = -8 },
	{ "__mcount_loc", NULL, NULL, { 8 }, .follows_code = true },
	{ "__patchable_function_entries", NULL, NULL, { 8 }, .follows_code = true },
};

#define NR_SPECIALS (sizeof(specials) / sizeof(specials[0]))
/* ctx->warned_overrides: a bit per row, and one for the parallel arrays' override */
#define WARNED_PARALLEL (1u << NR_SPECIALS)
_Static_assert(NR_SPECIALS < 32, "ctx->warned_overrides has a bit per row");

const struct special_sec *find_special(const char *name)
{
	size_t lo = 0, hi = NR_SPECIALS;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(name, specials[mid].name);

		if (!c)
			return &specials[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

bool is_replacement_code(const struct obj_section *sec)
{
	const struct special_sec *sp = find_special(sec->name);

	return sp && sp->replacement;
}

bool is_special_sec(const struct obj_section *sec)
{
	return find_special(sec->name) || !strncmp(sec->name, ".discard.", 9) ||
	       !strcmp(sec->name, ".discard");
}

static size_t env_size(const char *var)
{
	const char *v = var ? getenv(var) : NULL;
	char *end;
	unsigned long n;

	if (!v || !*v)
		return 0;
	n = strtoul(v, &end, 0);
	return *end ? 0 : n;
}

/* Is there a relocation at the start of every entry of size @size? */
static bool size_fits(const struct obj *elf, const struct obj_section *sec, size_t size)
{
	if (!size || sec->size % size)
		return false;
	for (uint64_t off = 0; off < sec->size; off += size)
		if (!find_reloc_by_offset(elf, sec, off))
			return false;
	return true;
}

/* Does every entry of size @size hold the same offsets of relocations? */
static bool relocs_repeat(const struct obj *elf, const struct obj_section *sec, size_t size)
{
	const struct obj_reloc *r;
	size_t nr_entries = sec->size / size, in_first = 0, all = 0;

	if (!sec->rela)
		return false;
	for_each_reloc(sec->rela, r) {
		all++;
		if (r->offset < size)
			in_first++;
	}
	if (!in_first || all != in_first * nr_entries)
		return false;
	for_each_reloc(sec->rela, r) {
		if (!find_reloc_by_offset(elf, sec, r->offset % size))
			return false;
	}
	return true;
}

static bool has_relocs(const struct obj_section *sec)
{
	return sec->rela && sec->rela->nr_relocs;
}

/*
 * Does @size fit @sec: does it divide the section, and (when the section
 * has relocations) does every entry start with one and hold the same ones?
 */
static bool size_is_consistent(const struct obj *elf, const struct obj_section *sec, size_t size)
{
	if (!size || size > sec->size || sec->size % size)
		return false;
	return !has_relocs(sec) || (size_fits(elf, sec, size) && relocs_repeat(elf, sec, size));
}

/* The smallest size that makes two or more entries with the same relocations. */
static size_t size_from_reloc_spacing(const struct obj *elf, const struct obj_section *sec)
{
	if (!has_relocs(sec))
		return 0;
	for (size_t size = 1; size <= sec->size / 2; size++)
		if (size_is_consistent(elf, sec, size))
			return size;
	return 0;
}

/* The sizes tried for one section, for the messages. */
struct size_trial {
	char tried[256];		/* "PARA_STRUCT_SIZE=12, x86-64 layouts 16 8 6, ..." */
	size_t len;			/* used bytes of tried */
	const char *source;		/* where the chosen size came from */
};

#define note_tried(t, ...) appendf((t)->tried, sizeof((t)->tried), &(t)->len, __VA_ARGS__)

/* The entry size the object itself shows, or 0; t->source says from what. */
static size_t object_entry_size(const struct diff_ctx *ctx, const struct obj *elf,
				const struct obj_section *sec, const struct special_sec *sp,
				struct size_trial *t)
{
	size_t n;

	if (sp->dwarf_struct && ctx->parent && ctx->parent->path) {
		if (debuginfo_struct_size(ctx->parent->path, sp->dwarf_struct, &n) == 0) {
			if (size_is_consistent(elf, sec, n)) {
				t->source = "the parent's DWARF";
				return n;
			}
			note_tried(t, "%sstruct %s in the parent's DWARF %zu", t->len ? ", " : "",
				   sp->dwarf_struct, n);
		}
		error_clear();
	}
	n = sec->sh.sh_entsize;
	if (n) {
		if (size_is_consistent(elf, sec, n)) {
			t->source = "its sh_entsize";
			return n;
		}
		note_tried(t, "%ssh_entsize %zu", t->len ? ", " : "", n);
	}
	for (size_t i = 0; i < MAX_LAYOUTS && sp->sizes[i]; i++)
		if (size_is_consistent(elf, sec, sp->sizes[i])) {
			t->source = "an x86-64 layout";
			return sp->sizes[i];
		}
	note_tried(t, "%sx86-64 layout%s", t->len ? ", " : "", sp->sizes[1] ? "s" : "");
	for (size_t i = 0; i < MAX_LAYOUTS && sp->sizes[i]; i++)
		note_tried(t, " %zu", sp->sizes[i]);
	n = size_from_reloc_spacing(elf, sec);
	if (n) {
		t->source = "the spacing of its relocations";
		return n;
	}
	note_tried(t, ", relocation spacing");
	return 0;
}

/* Warn once per run that override @var=@given was replaced by @used (why: @why). */
static void warn_override_once(struct diff_ctx *ctx, const struct obj *elf,
			       const struct obj_section *sec, const char *var, uint32_t bit,
			       size_t given, const char *why, size_t used, const char *source)
{
	if (ctx->warned_overrides & bit)
		return;
	ctx->warned_overrides |= bit;
	warn("%s: %s=%zu contradicts %s (%s): using %zu, from %s", elf->path, var, given,
	     sec->name, why, used, source);
}

/* The entry size of @sec (0 with an error recorded when nothing fits). */
static size_t entry_size(struct diff_ctx *ctx, const struct obj *elf,
			 const struct obj_section *sec, const struct special_sec *sp)
{
	struct size_trial t = { .len = 0 };
	size_t given = env_size(sp->env), n;

	if (given) {
		if (size_is_consistent(elf, sec, given))
			return given;
		note_tried(&t, "%s=%zu", sp->env, given);
	}
	n = object_entry_size(ctx, elf, sec, sp, &t);
	if (!n) {
		error_obj(elf->path, "%s: no entry size fits its %zu bytes and relocations (tried %s); "
			  "%s%s%s", sec->name, sec->size, t.tried,
			  sp->env ? "set " : "the object is not from an x86-64 kernel this tool knows",
			  sp->env ? sp->env : "",
			  sp->env ? " to the size of the struct of the kernel the object was built for" : "");
		return 0;
	}
	if (given) {
		char why[96];

		if (sec->size % given)
			snprintf(why, sizeof(why), "%zu bytes, not a multiple of %zu", sec->size, given);
		else
			snprintf(why, sizeof(why), "its relocations do not repeat every %zu bytes", given);
		warn_override_once(ctx, elf, sec, sp->env, 1u << (sp - specials), given, why, n,
				   t.source);
	}
	return n;
}

/* The function named by a printk index entry's pi_entry.func string. */
static struct obj_symbol *printk_index_owner(const struct obj *elf, const struct obj_reloc *key)
{
	struct obj_symbol *entry, *func_str;
	const struct obj_reloc *fr;
	const char *name;
	int64_t add;
	uint64_t at;

	entry = reloc_target_symbol(key, &add);
	if (!entry || !entry->sec || is_section_sym(entry))
		return NULL;
	at = entry->offset + (uint64_t)add + 8;	/* pi_entry.func */
	fr = find_reloc_by_offset(elf, entry->sec, at);
	if (!fr || !fr->sym->sec)
		return NULL;
	name = string_at(fr->sym->sec, (int64_t)(fr->sym->offset + (uint64_t)fr->addend));
	func_str = name ? find_symbol_by_name(elf, name) : NULL;
	return func_str && is_func_sym(func_str) ? func_str : NULL;
}

static struct obj_symbol *entry_owner(const struct obj *elf, const struct special_table *t,
				      uint64_t off)
{
	const struct obj_reloc *key = find_reloc_by_offset(elf, t->sec, off);
	struct obj_symbol *s;
	int64_t add;

	if (!key)
		return NULL;
	if (t->sp->printk_index)
		return printk_index_owner(elf, key);
	s = reloc_target_symbol(key, &add);
	if (s && is_func_sym(s))
		return s;
	if (!key->sym->sec || !is_text_sec(key->sym->sec) || key->addend < 0)
		return NULL;
	s = find_symbol_covering(key->sym->sec, (uint64_t)key->addend);
	/* ORC ends each function with an entry at its end address */
	if (!s && key->addend > 0)
		s = find_symbol_covering(key->sym->sec, (uint64_t)key->addend - 1);
	return s;
}

static int load_table(struct diff_ctx *ctx, const struct obj *elf, struct obj_section *sec,
		      const struct special_sec *sp, struct special_table *t)
{
	memset(t, 0, sizeof(*t));
	t->sp = sp;
	t->sec = sec;
	t->size = entry_size(ctx, elf, sec, sp);
	if (!t->size)
		return -1;
	t->nr = sec->size / t->size;
	t->entries = calloc(t->nr + 1, sizeof(*t->entries));
	if (!t->entries)
		return error_obj(elf->path, "out of memory");
	for (size_t i = 0; i < t->nr; i++) {
		t->entries[i].offset = i * t->size;
		t->entries[i].func = entry_owner(elf, t, i * t->size);
	}
	return 0;
}

/* Collect the special tables of one object, in section order. */
static int load_tables(struct diff_ctx *ctx, const struct obj *elf, struct special_tables *tabs)
{
	struct obj_section *sec;

	tabs->t = calloc(NR_SPECIALS + 1, sizeof(*tabs->t));
	tabs->nr = 0;
	if (!tabs->t)
		return error_obj(elf->path, "out of memory");
	for_each_sec(elf, sec) {
		const struct special_sec *sp = find_special(sec->name);

		if (!sp || !sp->sizes[0] || !sec->buf || !sec->size)
			continue;
		if (tabs->nr >= NR_SPECIALS)
			return error_obj(elf->path, "%s: special section appears twice", sec->name);
		if (load_table(ctx, elf, sec, sp, &tabs->t[tabs->nr]))
			return -1;
		tabs->nr++;
	}
	return 0;
}

int load_special_tables(struct diff_ctx *ctx)
{
	return load_tables(ctx, ctx->patched, &ctx->tables[1]) ||
	       load_tables(ctx, ctx->orig, &ctx->tables[0]) ? -1 : 0;
}

void free_special_tables(struct diff_ctx *ctx)
{
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; ctx->tables[k].t && i < ctx->tables[k].nr; i++)
			free(ctx->tables[k].t[i].entries);
		free(ctx->tables[k].t);
		ctx->tables[k] = (struct special_tables){ 0 };
	}
}

struct special_table *find_table(const struct special_tables *tabs, const struct special_sec *sp)
{
	for (size_t i = 0; i < tabs->nr; i++)
		if (tabs->t[i].sp == sp)
			return &tabs->t[i];
	return NULL;
}

/* The parallel array of @t (.orc_unwind for .orc_unwind_ip), sized like it. */
int load_parallel(struct diff_ctx *ctx, const struct special_table *t, struct special_table *par)
{
	struct obj_section *psec;
	size_t sz, given;

	memset(par, 0, sizeof(*par));
	if (!t->sp->parallel)
		return 0;
	psec = find_section_by_name(ctx->patched, t->sp->parallel);
	if (!psec || !psec->buf)
		return 0;
	/* one entry per entry of @t: the object shows the size */
	given = env_size(t->sp->parallel_env);
	if (!t->nr || psec->size % t->nr)
		return error_obj(ctx->patched->path, "%s: no entry size fits its %zu bytes for the "
				 "%zu entries of %s (tried %s%zu)", psec->name, psec->size, t->nr,
				 t->sec->name, given ? "the override " : "", given ? given : t->sp->parallel_size);
	sz = psec->size / t->nr;
	if (given && given != sz) {
		char why[96];

		snprintf(why, sizeof(why), "%zu bytes for the %zu entries of %s", psec->size, t->nr,
			 t->sec->name);
		warn_override_once(ctx, ctx->patched, psec, t->sp->parallel_env, WARNED_PARALLEL,
				   given, why, sz, "the entry count");
	}
	par->sec = psec;
	par->size = sz;
	par->nr = t->nr;
	return 0;
}
