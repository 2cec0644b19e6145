// SPDX-License-Identifier: GPL-2.0
/*
 * include.c - decide what the output holds.
 *
 * The changed and new functions, with their .cold parts, and new global
 * variables are the roots.
 * From each included section, every relocation target is either
 *  - in the running kernel already (a twin that did not change): it stays
 *    a reference, resolved later as an export or a livepatch relocation;
 *  - new, changed read-only data, a never-correlated special static, or
 *    anonymous data (strings, switch tables, replacement code): its section
 *    is included and its own relocations are followed in turn.
 */
#include <stdlib.h>
#include <string.h>

#include "cdo.h"
#include "log.h"

/* A stack of sections whose relocations have not been followed yet. */
struct worklist {
	struct obj_section **secs;	/* pending sections */
	size_t nr, cap;			/* used and allocated entries */
};

static struct worklist work;

static int include_section(struct obj_section *sec)
{
	struct obj_symbol *s;

	if (sec->include)
		return 0;
	if (is_init_sec(sec))
		return error_obj(sec->name, "included code would use __init section %s, which is "
				 "freed after boot", sec->name);
	sec->include = true;
	if (sec->secsym)
		sec->secsym->include = true;
	/* everything defined in an included section comes along */
	sec_for_each_sym(sec, s)
		s->include = true;
	if (work.nr == work.cap) {
		size_t cap = work.cap ? work.cap * 2 : 64;
		struct obj_section **n = realloc(work.secs, cap * sizeof(*n));

		if (!n)
			return error_obj("create-diff-object", "out of memory");
		work.secs = n;
		work.cap = cap;
	}
	work.secs[work.nr++] = sec;
	return 0;
}

static int include_symbol(struct obj_symbol *sym)
{
	if (sym->include)
		return 0;
	sym->include = true;
	if (is_func_sym(sym) && sym->cold && include_symbol(sym->cold))
		return -1;
	if (!sym->sec)
		return 0;
	return include_section(sym->sec);
}

/* Does a reference to @sym need a copy of it in the output? */
static bool needs_copy(const struct obj_symbol *sym)
{
	if (is_undef_sym(sym) || !sym->sec)
		return false;
	if (is_special_static(sym) || is_merged_data_sym(sym))
		return true;
	if (!sym->twin)
		return true;	/* new */
	return sym->status == ST_CHANGED && !is_func_sym(sym);	/* changed read-only data */
}

static int include_target(struct diff_ctx *ctx, const struct obj_reloc *r)
{
	struct obj_symbol *t = r->sym;
	int64_t add;

	(void)ctx;
	if (is_section_sym(t)) {
		if (!t->sec)
			return 0;
		if (t->sec->sh.sh_flags & SHF_MERGE)
			return include_section(t->sec);
		t = reloc_target_symbol(r, &add);
		if (is_section_sym(t))
			return include_section(t->sec);	/* anonymous: a copy */
	}
	if (needs_copy(t))
		return include_symbol(t);
	return 0;
}

static int follow_relocations(struct diff_ctx *ctx)
{
	while (work.nr) {
		struct obj_section *sec = work.secs[--work.nr];
		struct obj_reloc *r;

		if (!sec->rela)
			continue;
		for_each_reloc(sec->rela, r)
			if (include_target(ctx, r))
				return -1;
	}
	return 0;
}

/*
 * What the entries of included functions point to, other than the function
 * (replacement code, fixups): the key of a printk index entry is the entry
 * itself, which points to the format string.
 */
static int include_special_targets(struct diff_ctx *ctx)
{
	const struct special_tables *tabs = &ctx->tables[1];

	for (size_t i = 0; i < tabs->nr; i++) {
		const struct special_table *t = &tabs->t[i];

		for (size_t e = 0; e < t->nr; e++) {
			if (!t->entries[e].func || !t->entries[e].func->include)
				continue;
			for (uint64_t k = t->sp->printk_index ? 0 : 1; k < t->size; k++) {
				const struct obj_reloc *r =
					find_reloc_by_offset(ctx->patched, t->sec, t->entries[e].offset + k);

				if (r && include_target(ctx, r))
					return -1;
			}
		}
	}
	return 0;
}

/*
 * A new global variable: another object of the patch may be the one that
 * uses it (a.c adds it, b.c reads it), so it is a root like a new function
 * and the module link resolves b.c's reference to it.
 */
static bool is_new_global_data(const struct obj_symbol *p)
{
	return is_object_sym(p) && p->sec && p->status == ST_NEW && !is_local_sym(p) &&
	       !is_init_sec(p->sec);
}

int include_changed_functions(struct diff_ctx *ctx)
{
	struct obj_symbol *p;
	int ret = -1;

	for_each_sym(ctx->patched, p)
		if (is_new_global_data(p) && include_symbol(p))
			goto out;
	for_each_sym(ctx->patched, p) {
		if (!is_func_sym(p) || !p->sec)
			continue;
		if (p->status == ST_CHANGED || (p->status == ST_NEW && !is_init_sec(p->sec))) {
			if (p->parent && p->status == ST_NEW && p->parent->status == ST_SAME)
				continue;
			if (include_symbol(p))
				goto out;
		}
	}
	/* special entries can point at more (replacement code, fixups) */
	for (int round = 0; round < 8; round++) {
		size_t before;

		if (follow_relocations(ctx))
			goto out;
		before = work.nr;
		if (include_special_targets(ctx))
			goto out;
		if (work.nr == before)
			break;
	}
	if (follow_relocations(ctx))
		goto out;
	ret = 0;
out:
	free(work.secs);
	memset(&work, 0, sizeof(work));
	return ret;
}
