// SPDX-License-Identifier: GPL-2.0
/*
 * special.c - the steps on the kernel's special sections (their tables are
 * loaded once by tables.c): compare the entries that belong to each
 * function, marking functions changed, and copy the entries of included
 * functions into the output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "cdo.h"
#include "log.h"

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
					if (is_replacement_code(fa->sec))
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
	const struct special_tables *ptabs = &ctx->tables[1], *otabs = &ctx->tables[0];

	for (size_t i = 0; i < ptabs->nr; i++) {
		if (ptabs->t[i].sp->follows_code)
			continue;	/* never a change by themselves */
		if (compare_table(ctx, &ptabs->t[i], find_table(otabs, ptabs->t[i].sp)))
			return -1;
	}
	/* entries only in ORIG (a removed WARN_ON) */
	for (size_t i = 0; i < otabs->nr; i++)
		if (!find_table(ptabs, otabs->t[i].sp))
			for (size_t k = 0; k < otabs->t[i].nr; k++) {
				struct obj_symbol *f = otabs->t[i].entries[k].func;

				if (f && f->twin && f->twin->status == ST_SAME && !f->strip)
					f->status = f->twin->status = ST_CHANGED;
			}
	return 0;
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
	bool is_jump = t->sp->key == KEY_JUMP_LABEL;
	int64_t add;

	if (!ctx->parent_is_module || t->sp->key == KEY_NONE)
		return 0;
	/* key_at bytes into the entry; < 0: from its end (wraps to the same sum) */
	r = find_reloc_by_offset(ctx->patched, t->sec,
				 off + (t->sp->key_at < 0 ? t->size : 0) + (uint64_t)t->sp->key_at);
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
			GElf_Shdr sh = emit_shdr(t->sec);

			osec = obj_add_section(ctx->out, t->sec->name, &sh, NULL, 0);
			if (!osec)
				return -1;
			if (par) {
				GElf_Shdr psh = emit_shdr(par->sec);

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
			if (r && emit_reloc(ctx, osec, (uint64_t)at + k, r))
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

int output_special_sections(struct diff_ctx *ctx)
{
	for (size_t i = 0; i < ctx->tables[1].nr; i++) {
		struct special_table *t = &ctx->tables[1].t[i], par;

		if (load_parallel(ctx, t, &par) || output_table(ctx, t, par.sec ? &par : NULL))
			return -1;
	}
	return 0;
}
