// SPDX-License-Identifier: GPL-2.0
/*
 * special.c - the kernel's special sections: tables of fixed-size entries,
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
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "cdo.h"
#include "dwarf.h"
#include "log.h"

#define MAX_LAYOUTS 4

/* How a special section is laid out and what to keep of it. */
struct special_sec {
	const char *name;		/* section name */
	const char *env;		/* environment override of the entry size */
	const char *dwarf_struct;	/* struct name in the kernel's DWARF */
	size_t sizes[MAX_LAYOUTS];	/* entry sizes of its x86-64 layouts, 6.1's first; 0 ends */
	uint16_t ignore_off, ignore_len;	/* bytes that do not count (bug line) */
	const char *parallel;		/* section with a parallel array (orc) */
	size_t parallel_size;		/* entry size in the parallel section */
	const char *parallel_env;	/* its override */
	bool printk_index;		/* key is a pi_entry naming the function */
};

/*
 * Sorted by name.  Layouts: alt_instr 12 (5.x-6.2), 14 (6.3+: u32
 * ft_flags), 13 (older 5.x: u8 padlen); paravirt_patch_site 16 (u8 *instr,
 * to 6.5), 8 and 6 (s32 instr_offset, later 6.x, padded then packed);
 * bug_entry 12 (relative, verbose), 8 (no file and line); exception_table_
 * entry 12 (insn, fixup, handler or data), 8 (insn, fixup: 4.x); jump_entry
 * 16 (relative), 24 (absolute).
 */
static const struct special_sec specials[] = {
	{ ".altinstructions", "ALT_STRUCT_SIZE", "alt_instr", { 12, 14, 13 } },
	{ ".call_sites", NULL, NULL, { 4 } },
	{ ".ibt_endbr_seal", NULL, NULL, { 4 } },
	{ ".orc_unwind_ip", NULL, NULL, { 4 }, .parallel = ".orc_unwind", .parallel_size = 6,
	  .parallel_env = "ORC_STRUCT_SIZE" },
	{ ".parainstructions", "PARA_STRUCT_SIZE", "paravirt_patch_site", { 16, 8, 6 } },
	{ ".printk_index", "PRINTK_INDEX_STRUCT_SIZE", NULL, { 8 }, .printk_index = true },
	{ ".retpoline_sites", NULL, NULL, { 4 } },
	{ ".return_sites", NULL, NULL, { 4 } },
	{ ".smp_locks", NULL, NULL, { 4 } },
	{ ".static_call_sites", "STATIC_CALL_STRUCT_SIZE", "static_call_site", { 8 } },
	{ "__bug_table", "BUG_STRUCT_SIZE", "bug_entry", { 12, 8 }, 8, 2 },
	{ "__ex_table", "EX_STRUCT_SIZE", "exception_table_entry", { 12, 8 } },
	{ "__jump_table", "JUMP_STRUCT_SIZE", "jump_entry", { 16, 24 } },
	{ "__mcount_loc", NULL, NULL, { 8 } },
	{ "__patchable_function_entries", NULL, NULL, { 8 } },
};

#define NR_SPECIALS (sizeof(specials) / sizeof(specials[0]))

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

bool is_special_sec(const struct obj_section *sec)
{
	if (find_special(sec->name) || !strcmp(sec->name, ".orc_unwind") ||
	    !strcmp(sec->name, ".altinstr_replacement") || !strcmp(sec->name, ".altinstr_aux"))
		return true;
	return !strncmp(sec->name, ".discard.", 9) || !strcmp(sec->name, ".discard");
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

static void note_tried(struct size_trial *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note_tried(struct size_trial *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->len >= sizeof(t->tried) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->tried + t->len, sizeof(t->tried) - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len = t->len + (size_t)n < sizeof(t->tried) ? t->len + (size_t)n : sizeof(t->tried) - 1;
}

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

/* Variables already warned about (an override is judged once per run). */
static bool warned_env[NR_SPECIALS + 1];

/* Warn once per run that override @var=@given was replaced by @used (why: @why). */
static void warn_override_once(const struct obj *elf, const struct obj_section *sec,
			       const char *var, bool *warned, size_t given, const char *why,
			       size_t used, const char *source)
{
	if (*warned)
		return;
	*warned = true;
	warn("%s: %s=%zu contradicts %s (%s): using %zu, from %s", elf->path, var, given,
	     sec->name, why, used, source);
}

/* The entry size of @sec (0 with an error recorded when nothing fits). */
static size_t entry_size(const struct diff_ctx *ctx, const struct obj *elf,
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
	if (!n && sp->env) {
		error_obj(elf->path, "%s: no entry size fits its %zu bytes and relocations (tried %s); "
			  "set %s to the size of the struct of the kernel the object was built for",
			  sec->name, sec->size, t.tried, sp->env);
		return 0;
	}
	if (!n) {
		error_obj(elf->path, "%s: no entry size fits its %zu bytes and relocations (tried %s); "
			  "the object is not from an x86-64 kernel this tool knows", sec->name,
			  sec->size, t.tried);
		return 0;
	}
	if (given) {
		char why[96];

		if (sec->size % given)
			snprintf(why, sizeof(why), "%zu bytes, not a multiple of %zu", sec->size, given);
		else
			snprintf(why, sizeof(why), "its relocations do not repeat every %zu bytes", given);
		warn_override_once(elf, sec, sp->env, &warned_env[sp - specials], given, why, n,
				   t.source);
	}
	return n;
}

/* One entry of a special section and the function that owns it. */
struct special_entry {
	uint64_t offset;		/* entry offset in the section */
	struct obj_symbol *func;	/* owning function, or NULL */
};

/* The entries of one special section of one object. */
struct special_table {
	const struct special_sec *sp;	/* its description */
	struct obj_section *sec;	/* the section */
	size_t size;			/* entry size */
	struct special_entry *entries;	/* sec->size / size of them */
	size_t nr;			/* number of entries */
};

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
	if (!fr || !fr->sym->sec || !fr->sym->sec->buf)
		return NULL;
	func_str = fr->sym;
	at = func_str->offset + (uint64_t)fr->addend;
	if (at >= func_str->sec->size ||
	    !memchr((char *)func_str->sec->buf + at, '\0', func_str->sec->size - at))
		return NULL;
	name = (char *)func_str->sec->buf + at;
	func_str = find_symbol_by_name(elf, name);
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

static int load_table(const struct diff_ctx *ctx, const struct obj *elf, struct obj_section *sec,
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

/* Entries owned by @f in table order. */
static size_t entries_of(const struct special_table *t, const struct obj_symbol *f,
			 uint64_t *offs, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < t->nr; i++)
		if (t->entries[i].func == f) {
			if (n < max)
				offs[n] = t->entries[i].offset;
			n++;
		}
	return n;
}

static bool in_ignored(const struct special_sec *sp, uint64_t rel)
{
	return sp->ignore_len && rel >= sp->ignore_off && rel < (uint64_t)sp->ignore_off + sp->ignore_len;
}

/* Are two entries (of twin functions) the same, ignoring the line field? */
static bool entries_equal(const struct obj *oelf, const struct special_table *ot, uint64_t ooff,
			  const struct obj *pelf, const struct special_table *pt, uint64_t poff)
{
	const unsigned char *ob = (unsigned char *)ot->sec->buf + ooff;
	const unsigned char *pb = (unsigned char *)pt->sec->buf + poff;

	for (uint64_t i = 0; i < pt->size; i++) {
		const struct obj_reloc *ra = find_reloc_by_offset(oelf, ot->sec, ooff + i);
		const struct obj_reloc *rb = find_reloc_by_offset(pelf, pt->sec, poff + i);

		if (!ra != !rb)
			return false;
		if (ra) {
			const struct obj_symbol *fa = ra->sym, *fb = rb->sym;

			if (ra->type != rb->type)
				return false;
			/* Relocations into the owning function: offsets must match. */
			if (fa->sec && fb->sec && is_text_sec(fa->sec) && is_text_sec(fb->sec)) {
				struct obj_symbol *sa, *sb;
				int64_t aa, ab;

				sa = reloc_target_symbol(ra, &aa);
				sb = reloc_target_symbol(rb, &ab);
				if (sa->twin != sb || aa != ab) {
					/* replacement code: compare its bytes instead */
					if (!strncmp(fa->sec->name, ".altinstr_", 10))
						goto next;
					return false;
				}
			} else if (!relocs_equivalent(ra, rb)) {
				return false;
			}
next:
			i += (uint64_t)arch_reloc_width(ra->type) - 1;
			continue;
		}
		if (in_ignored(pt->sp, i))
			continue;
		if (ob[i] != pb[i])
			return false;
	}
	return true;
}

/* Collect the special tables of one object, as an array. */
static int load_tables(const struct diff_ctx *ctx, const struct obj *elf,
		       struct special_table **tables, size_t *nr)
{
	struct obj_section *sec;

	*tables = calloc(NR_SPECIALS + 1, sizeof(**tables));
	*nr = 0;
	if (!*tables)
		return error_obj(elf->path, "out of memory");
	for_each_sec(elf, sec) {
		const struct special_sec *sp = find_special(sec->name);

		if (!sp || !sec->buf || !sec->size)
			continue;
		if (*nr >= NR_SPECIALS)
			return error_obj(elf->path, "%s: special section appears twice", sec->name);
		if (load_table(ctx, elf, sec, sp, &(*tables)[*nr]))
			return -1;
		(*nr)++;
	}
	return 0;
}

static void free_tables(struct special_table *tables, size_t nr)
{
	for (size_t i = 0; tables && i < nr; i++)
		free(tables[i].entries);
	free(tables);
}

static struct special_table *table_named(struct special_table *tables, size_t nr, const char *name)
{
	for (size_t i = 0; i < nr; i++)
		if (!strcmp(tables[i].sec->name, name))
			return &tables[i];
	return NULL;
}

/* Which entries of each function changed?  Functions gain ST_CHANGED. */
static int compare_table(struct diff_ctx *ctx, struct special_table *pt, struct special_table *ot)
{
	uint64_t oo[64], po[64];

	for (size_t i = 0; i < pt->nr; i++) {
		struct obj_symbol *f = pt->entries[i].func;
		size_t no, np;

		if (!f || f->status != ST_SAME || !f->twin || f->strip)
			continue;
		if (!ot) {
			f->status = f->twin->status = ST_CHANGED;
			continue;
		}
		np = entries_of(pt, f, po, 64);
		no = entries_of(ot, f->twin, oo, 64);
		if (np != no) {
			f->status = f->twin->status = ST_CHANGED;
			continue;
		}
		for (size_t k = 0; k < np && k < 64; k++)
			if (!entries_equal(ctx->orig, ot, oo[k], ctx->patched, pt, po[k])) {
				f->status = f->twin->status = ST_CHANGED;
				break;
			}
	}
	/* Entries that disappeared from a function also change it. */
	for (size_t i = 0; ot && i < ot->nr; i++) {
		struct obj_symbol *f = ot->entries[i].func;

		if (f && f->twin && f->twin->status == ST_SAME && !f->strip &&
		    !entries_of(pt, f->twin, po, 0))
			f->status = f->twin->status = ST_CHANGED;
	}
	return 0;
}

int compare_special_entries(struct diff_ctx *ctx)
{
	struct special_table *ptabs = NULL, *otabs = NULL;
	size_t np = 0, no = 0;
	int ret = -1;

	if (load_tables(ctx, ctx->patched, &ptabs, &np) || load_tables(ctx, ctx->orig, &otabs, &no))
		goto out;
	for (size_t i = 0; i < np; i++) {
		if (!strcmp(ptabs[i].sec->name, "__mcount_loc") ||
		    !strcmp(ptabs[i].sec->name, "__patchable_function_entries") ||
		    !strcmp(ptabs[i].sec->name, ".orc_unwind_ip") ||
		    !strcmp(ptabs[i].sec->name, ".printk_index"))
			continue;	/* follow the code; never a change by themselves */
		if (compare_table(ctx, &ptabs[i], table_named(otabs, no, ptabs[i].sec->name)))
			goto out;
	}
	/* entries only in ORIG (a removed WARN_ON) */
	for (size_t i = 0; i < no; i++)
		if (!table_named(ptabs, np, otabs[i].sec->name))
			for (size_t k = 0; k < otabs[i].nr; k++) {
				struct obj_symbol *f = otabs[i].entries[k].func;

				if (f && f->twin && f->twin->status == ST_SAME && !f->strip)
					f->status = f->twin->status = ST_CHANGED;
			}
	ret = 0;
out:
	free_tables(ptabs, np);
	free_tables(otabs, no);
	return ret;
}

/* Is @name the key of a tracepoint (its jump label is off until traced)? */
static bool is_tracepoint_key(const char *name)
{
	return !strncmp(name, "__tracepoint_", 13);
}

/* Is @name a dynamic-debug descriptor (gcc's or clang's name; the key is in it)? */
static bool is_dyndbg_key(const char *name)
{
	return strstr(name, "__UNIQUE_ID_ddebug") != NULL;
}

/*
 * Decide an entry of a jump-label or static-call table of a module patch
 * whose key lives in the parent module: the module sets its own jump labels
 * and static calls (a module notifier) before livepatch relocates the key,
 * so such an entry cannot go into the patch module.  Without it the site
 * keeps the code it was compiled with, which is safe in three cases, as
 * upstream kpatch-build also judges: a static call site calls through its
 * trampoline, which the module keeps current (a call is a call); a
 * tracepoint's jump label stays at its default, off (the patched function
 * does not emit that trace event); a pr_debug site stays at its compiled
 * default.  Any other static key would freeze a branch the running kernel
 * may have switched: refused.  0 keep, 1 drop (warned), -1 refused.
 */
static int check_entry_keys(struct diff_ctx *ctx, struct special_table *t, uint64_t off)
{
	const char *func = t->entries[off / t->size].func->name;
	const struct obj_reloc *r;
	struct obj_symbol *key;
	bool is_jump;
	int64_t add;
	uint64_t at;

	if (!ctx->parent_is_module)
		return 0;
	is_jump = !strcmp(t->sec->name, "__jump_table");
	if (is_jump)
		at = off + t->size - 8;	/* the key is last (relative and absolute layouts) */
	else if (!strcmp(t->sec->name, ".static_call_sites"))
		at = off + 4;
	else
		return 0;
	r = find_reloc_by_offset(ctx->patched, t->sec, at);
	if (!r)
		return 0;
	key = reloc_target_symbol(r, &add);
	if (key->include)
		return 0;	/* a new key of the patch itself */
	if (is_undef_sym(key) && !parent_find_global(ctx->parent, key->name))
		return 0;	/* a key of vmlinux or another module */
	if (!is_jump) {
		warn("%s: %s: the static call site of '%s' (a key of module %s) calls "
		     "through its trampoline in the patch module", ctx->orig_name, func,
		     key->name, ctx->parent_name);
		return 1;
	}
	if (is_tracepoint_key(key->name) || is_dyndbg_key(key->name)) {
		warn("%s: %s: the jump label of '%s' (a key of module %s) stays at its "
		     "default in the patch module: %s", ctx->orig_name, func, key->name,
		     ctx->parent_name, is_tracepoint_key(key->name) ?
		     "this trace event is not emitted from the patched function" :
		     "this pr_debug() keeps its compiled default");
		return 1;
	}
	return refuse_at(ctx->orig_name, func, 0,
			 "%s entry uses key '%s' of module %s: the module applies its own "
			 "jump labels before livepatch can relocate the key; "
			 "use a plain branch (static_key_enabled()) in the patched code",
			 t->sec->name, key->name, ctx->parent_name);
}

/* Copy the entries of @t whose function is included into a new output section. */
static int output_table(struct diff_ctx *ctx, struct special_table *t, struct special_table *par)
{
	struct obj_section *osec = NULL, *opar = NULL;

	for (size_t i = 0; i < t->nr; i++) {
		struct obj_symbol *f = t->entries[i].func;
		uint64_t off = t->entries[i].offset;
		const struct obj_reloc *r;
		int64_t at;

		if (!f || !f->include)
			continue;
		switch (check_entry_keys(ctx, t, off)) {
		case 0:
			break;
		case 1:
			continue;
		default:
			return -1;
		}
		if (!osec) {
			GElf_Shdr sh = output_shdr(t->sec);

			osec = obj_add_section(ctx->out, t->sec->name, &sh, NULL, 0);
			if (!osec)
				return -1;
			if (par) {
				GElf_Shdr psh = output_shdr(par->sec);

				opar = obj_add_section(ctx->out, par->sec->name, &psh, NULL, 0);
				if (!opar)
					return -1;
			}
		}
		at = obj_section_append(osec, (char *)t->sec->buf + off, t->size, 1);
		if (at < 0)
			return -1;
		for (uint64_t k = 0; k < t->size; k++) {
			r = find_reloc_by_offset(ctx->patched, t->sec, off + k);
			if (r && output_reloc(ctx, osec, (uint64_t)at + k, r))
				return -1;
		}
		if (opar) {
			size_t psz = par->size;

			if (obj_section_append(opar, (char *)par->sec->buf + i * psz, psz, 1) < 0)
				return -1;
		}
	}
	return 0;
}

/* The parallel array of @t (.orc_unwind for .orc_unwind_ip), sized like it. */
static int load_parallel(const struct diff_ctx *ctx, struct special_table *t,
			 struct special_table *par)
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
		warn_override_once(ctx->patched, psec, t->sp->parallel_env, &warned_env[NR_SPECIALS],
				   given, why, sz, "the entry count");
	}
	par->sec = psec;
	par->size = sz;
	par->nr = t->nr;
	return 0;
}

/* Mark what the entries of included functions point to (e.g. replacement code). */
int include_special_targets(struct diff_ctx *ctx, int (*include_target)(struct diff_ctx *,
							 const struct obj_reloc *))
{
	struct special_table *tabs = NULL;
	size_t nr = 0;
	int ret = -1;

	if (load_tables(ctx, ctx->patched, &tabs, &nr))
		goto out;
	for (size_t i = 0; i < nr; i++) {
		struct special_table *t = &tabs[i];

		for (size_t e = 0; e < t->nr; e++) {
			if (!t->entries[e].func || !t->entries[e].func->include)
				continue;
			for (uint64_t k = 1; k < t->size; k++) {
				const struct obj_reloc *r =
					find_reloc_by_offset(ctx->patched, t->sec, t->entries[e].offset + k);

				if (r && include_target(ctx, r))
					goto out;
			}
			if (t->sp->printk_index) {
				const struct obj_reloc *r =
					find_reloc_by_offset(ctx->patched, t->sec, t->entries[e].offset);

				if (r && include_target(ctx, r))
					goto out;
			}
		}
	}
	ret = 0;
out:
	free_tables(tabs, nr);
	return ret;
}

int output_special_sections(struct diff_ctx *ctx)
{
	struct special_table *tabs = NULL;
	size_t nr = 0;
	int ret = -1;

	if (load_tables(ctx, ctx->patched, &tabs, &nr))
		goto out;
	for (size_t i = 0; i < nr; i++) {
		struct special_table par;

		if (load_parallel(ctx, &tabs[i], &par) ||
		    output_table(ctx, &tabs[i], par.sec ? &par : NULL))
			goto out;
	}
	ret = 0;
out:
	free_tables(tabs, nr);
	return ret;
}
