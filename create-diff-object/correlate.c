// SPDX-License-Identifier: GPL-2.0
/*
 * correlate.c - pair every section and symbol of PATCHED.o with its twin
 * in ORIG.o.
 *
 * Names are matched exactly first.  What is left is matched by what it is:
 * the compiler renumbers clones (foo.isra.0 -> foo.isra.1) and cold parts
 * whenever a file changes, so those are matched on their canonical name
 * (numbers removed) when it is unique.  Static locals have a pass of their
 * own (see correlate_static_locals).  "Special" statics (__key, __warned,
 * __func__, CSWTCH, the compiler's .L labels, ...) hold no state worth
 * keeping or are per-call-site; they are never correlated, so the output
 * gets its own copy.
 */
#include <stdlib.h>
#include <string.h>

#include "cdo.h"
#include "hash.h"
#include "log.h"

static bool has_numbering(const char *name)
{
	char canon[512];

	canonical_name(name, canon, sizeof(canon));
	return strcmp(canon, name) != 0;
}

/* Matched by name in the passes below; static locals have their own. */
static bool is_correlatable(const struct obj_symbol *s)
{
	if (s->index == 0 || is_section_sym(s) || is_file_sym(s) || is_merged_data_sym(s))
		return false;
	return !is_special_static(s) && !is_static_local(s);
}

static bool same_kind(const struct obj_symbol *a, const struct obj_symbol *b)
{
	if (is_undef_sym(a) != is_undef_sym(b))
		return false;
	if (is_undef_sym(a))
		return true;
	return a->type == b->type && is_local_sym(a) == is_local_sym(b);
}

static void make_twins(struct obj_symbol *a, struct obj_symbol *b)
{
	a->twin = b;
	b->twin = a;
}

/* Identical names of the same kind (numbered names only if @numbered). */
static void correlate_symbols_by_name(struct diff_ctx *ctx, bool numbered)
{
	struct obj_symbol *p, *o;

	for_each_sym(ctx->patched, p) {
		if (p->twin || !is_correlatable(p) || has_numbering(p->name) != numbered)
			continue;
		o = find_symbol_by_name(ctx->orig, p->name);
		if (!o || o->twin || !is_correlatable(o) || !same_kind(o, p))
			continue;
		make_twins(o, p);
	}
}

/* A symbol of the other object that has no twin yet, by canonical name. */
struct canon_entry {
	struct obj_symbol *sym;		/* the uncorrelated symbol */
	char *canon;			/* its canonical name */
	size_t count;			/* how many share the canonical name */
	struct obj_hnode node;		/* by canonical name */
};

struct canon_index {
	struct canon_entry *entries;	/* one per uncorrelated, numbered symbol */
	size_t nr;			/* entries used */
	struct obj_htab htab;		/* entries by canonical name */
};

static int canon_index_build(struct obj *elf, struct canon_index *ci)
{
	struct obj_symbol *s;
	struct obj_hnode *n;
	char canon[512];

	memset(ci, 0, sizeof(*ci));
	ci->entries = calloc(elf->nr_symbols + 1, sizeof(*ci->entries));
	if (!ci->entries || htab_init(&ci->htab, elf->nr_symbols + 1))
		return error_obj(elf->path, "out of memory");
	for_each_sym(elf, s) {
		struct canon_entry *e, *first = NULL;
		uint64_t key;

		if (s->twin || !is_correlatable(s) || !has_numbering(s->name))
			continue;
		canonical_name(s->name, canon, sizeof(canon));
		key = hash_str(canon);
		htab_for_each(&ci->htab, key, n) {
			e = container_of(n, struct canon_entry, node);
			if (!strcmp(e->canon, canon) && same_kind(e->sym, s)) {
				first = e;
				break;
			}
		}
		if (first) {
			first->count++;
			continue;
		}
		e = &ci->entries[ci->nr++];
		e->sym = s;
		e->canon = strdup(canon);
		e->count = 1;
		if (!e->canon || htab_add(&ci->htab, &e->node, key))
			return error_obj(elf->path, "out of memory");
	}
	return 0;
}

static struct canon_entry *canon_index_find(struct canon_index *ci, const char *canon,
					    const struct obj_symbol *like)
{
	struct obj_hnode *n;
	uint64_t key = hash_str(canon);

	htab_for_each(&ci->htab, key, n) {
		struct canon_entry *e = container_of(n, struct canon_entry, node);

		if (!strcmp(e->canon, canon) && same_kind(e->sym, like))
			return e;
	}
	return NULL;
}

static void canon_index_free(struct canon_index *ci)
{
	for (size_t i = 0; i < ci->nr; i++)
		free(ci->entries[i].canon);
	free(ci->entries);
	htab_free(&ci->htab);
}

/*
 * Pass 2: renumbered names.  A canonical name that is unique among the
 * uncorrelated symbols on both sides is a match.
 */
static int correlate_renumbered_symbols(struct diff_ctx *ctx)
{
	struct canon_index orig_ci, patched_ci;
	struct obj_symbol *p;
	char canon[512];
	int ret = -1;

	if (canon_index_build(ctx->orig, &orig_ci) ||
	    canon_index_build(ctx->patched, &patched_ci))
		goto out;
	for_each_sym(ctx->patched, p) {
		struct canon_entry *oe, *pe;

		if (p->twin || !is_correlatable(p) || !has_numbering(p->name))
			continue;
		canonical_name(p->name, canon, sizeof(canon));
		oe = canon_index_find(&orig_ci, canon, p);
		pe = canon_index_find(&patched_ci, canon, p);
		if (!oe || !pe)
			continue;
		if (oe->count == 1 && pe->count == 1 && !oe->sym->twin)
			make_twins(oe->sym, p);
	}
	ret = 0;
out:
	canon_index_free(&orig_ci);
	canon_index_free(&patched_ci);
	return ret;
}

/* ----------------------------------------------------------- static locals */

/*
 * Static locals.  Their numbers are the compiler's counters (gcc's lock.N
 * counts across the file, clang's fn.lock.N across the module), so a patch
 * anywhere in the file renumbers them: lock.65414 in ORIG.o may be
 * lock.65417 in PATCHED.o while another function's lock takes lock.65414.
 * They are grouped by base name (the name without its counter: "lock",
 * clang's "fn.lock") and matched, in this order:
 *  - a base name that one static has on each side: those two;
 *  - by position: a function that kept its layout (same size, relocations
 *    of the same types at the same offsets) uses at each place the twin of
 *    what it used there before;
 *  - one to one by the functions that use them: on both sides a function
 *    of the same origin uses it (the name before the first dot, so that
 *    foo, foo.part.0, foo.isra.0 and foo.cold are one: a static follows its
 *    code into a split-out part), and no other candidate is left.
 * What is still ambiguous stays unmatched: a changed or new function that
 * uses it is refused (changes.c) with the candidates named.
 */

/* One function that uses one static local. */
struct static_use {
	unsigned int sym;		/* the static's symbol index */
	const struct obj_symbol *func;	/* a function whose code references it */
};

/* The static locals of one object and the functions that use them. */
struct static_side {
	struct obj *elf;		/* the object */
	struct static_use *uses;	/* sorted by (sym, origin of func), unique */
	size_t nr_uses;			/* entries in uses */
	size_t *first_use;		/* by symbol index: its first entry in uses */
	long *group;			/* by symbol index: its group, or -1 */
};

/* A static local without a twin, in the list sorted by base name. */
struct static_entry {
	struct obj_symbol *sym;		/* the static */
	char *base;			/* its base name */
	int side;			/* 0: ORIG.o, 1: PATCHED.o */
};

/* The statics of one base name: ORIG.o's entries, then PATCHED.o's. */
struct static_group {
	size_t start;			/* first entry */
	size_t nr_orig;			/* ORIG.o's entries */
	size_t nr_patched;		/* PATCHED.o's entries, after those */
};

/* Everything the static-local pass works on. */
struct static_pass {
	struct static_side side[2];	/* ORIG.o, PATCHED.o */
	struct static_entry *entries;	/* both sides' statics, by (base, side, index) */
	size_t nr_entries;		/* entries used */
	struct static_group *groups;	/* runs of one base name in entries */
	size_t nr_groups;		/* groups used */
};

/* Length of the origin of function @name: "foo" of foo.part.0 and foo.cold. */
static size_t origin_len(const char *name)
{
	const char *dot = name[0] == '.' ? NULL : strchr(name, '.');

	return dot ? (size_t)(dot - name) : strlen(name);
}

static int cmp_origin(const struct obj_symbol *a, const struct obj_symbol *b)
{
	size_t la = origin_len(a->name), lb = origin_len(b->name);
	int c = strncmp(a->name, b->name, la < lb ? la : lb);

	return c ? c : (la > lb) - (la < lb);
}

static int cmp_static_use(const void *x, const void *y)
{
	const struct static_use *a = x, *b = y;

	if (a->sym != b->sym)
		return a->sym < b->sym ? -1 : 1;
	return cmp_origin(a->func, b->func);
}

/* Which functions use which static local: one pass over the code's relocations. */
static int static_uses_build(struct static_side *sd)
{
	struct obj *elf = sd->elf;
	struct obj_section *rsec;
	struct obj_reloc *r;
	size_t cap = 0, n = 0, i;

	sd->first_use = calloc(elf->nr_symbols + 2, sizeof(*sd->first_use));
	sd->group = malloc((elf->nr_symbols + 1) * sizeof(*sd->group));
	if (!sd->first_use || !sd->group)
		return error_obj(elf->path, "out of memory");
	for (i = 0; i <= elf->nr_symbols; i++)
		sd->group[i] = -1;
	for_each_sec(elf, rsec) {
		if (!is_rela_sec(rsec) || !rsec->base || !is_text_sec(rsec->base))
			continue;
		for_each_reloc(rsec, r) {
			int64_t add;
			const struct obj_symbol *t = reloc_target_symbol(r, &add);
			const struct obj_symbol *f;

			if (!is_static_local(t) || !(f = reloc_function(rsec, r)))
				continue;
			if (n == cap) {
				size_t ncap = cap ? cap * 2 : 64;
				struct static_use *u = realloc(sd->uses, ncap * sizeof(*u));

				if (!u)
					return error_obj(elf->path, "out of memory");
				sd->uses = u;
				cap = ncap;
			}
			sd->uses[n].sym = t->index;
			sd->uses[n++].func = f;
		}
	}
	if (n)
		qsort(sd->uses, n, sizeof(*sd->uses), cmp_static_use);
	for (i = 0; i < n; i++) {
		if (sd->nr_uses && !cmp_static_use(&sd->uses[sd->nr_uses - 1], &sd->uses[i]))
			continue;
		sd->uses[sd->nr_uses++] = sd->uses[i];
	}
	/* first_use[s] .. first_use[s + 1]: the uses of symbol s */
	for (i = 0; i < sd->nr_uses; i++)
		sd->first_use[sd->uses[i].sym + 1]++;
	for (i = 1; i <= elf->nr_symbols + 1; i++)
		sd->first_use[i] += sd->first_use[i - 1];
	return 0;
}

/*
 * Could @a (ORIG.o) and @b (PATCHED.o) be one static?  Yes if functions of
 * one origin use both, or if code uses either not at all (nothing says no).
 */
static bool uses_share_origin(const struct static_pass *sp, const struct obj_symbol *a,
			      const struct obj_symbol *b)
{
	const struct static_side *sa = &sp->side[0], *sb = &sp->side[1];
	size_t i = sa->first_use[a->index], ie = sa->first_use[a->index + 1];
	size_t j = sb->first_use[b->index], je = sb->first_use[b->index + 1];

	if (i == ie || j == je)
		return true;
	while (i < ie && j < je) {
		int c = cmp_origin(sa->uses[i].func, sb->uses[j].func);

		if (!c)
			return true;
		if (c < 0)
			i++;
		else
			j++;
	}
	return false;
}

static int cmp_static_entry(const void *x, const void *y)
{
	const struct static_entry *a = x, *b = y;
	int c = strcmp(a->base, b->base);

	if (c)
		return c;
	if (a->side != b->side)
		return a->side - b->side;
	return a->sym->index < b->sym->index ? -1 : a->sym->index > b->sym->index;
}

/* Both sides' static locals without a twin, grouped by base name. */
static int static_groups_build(struct static_pass *sp)
{
	size_t cap = sp->side[0].elf->nr_symbols + sp->side[1].elf->nr_symbols + 2;
	char base[512];

	sp->entries = calloc(cap, sizeof(*sp->entries));
	sp->groups = calloc(cap, sizeof(*sp->groups));
	if (!sp->entries || !sp->groups)
		return error_obj("create-diff-object", "out of memory");
	for (int side = 0; side < 2; side++) {
		struct obj_symbol *s;

		for_each_sym(sp->side[side].elf, s) {
			struct static_entry *e;

			if (s->twin || !is_static_local(s))
				continue;
			base_name(s->name, base, sizeof(base));
			e = &sp->entries[sp->nr_entries++];
			e->sym = s;
			e->side = side;
			e->base = strdup(base);
			if (!e->base)
				return error_obj("create-diff-object", "out of memory");
		}
	}
	if (sp->nr_entries)
		qsort(sp->entries, sp->nr_entries, sizeof(*sp->entries), cmp_static_entry);
	for (size_t i = 0; i < sp->nr_entries; i++) {
		struct static_entry *e = &sp->entries[i];
		struct static_group *g = sp->nr_groups ? &sp->groups[sp->nr_groups - 1] : NULL;

		if (!g || strcmp(sp->entries[g->start].base, e->base)) {
			g = &sp->groups[sp->nr_groups++];
			g->start = i;
		}
		if (e->side)
			g->nr_patched++;
		else
			g->nr_orig++;
		sp->side[e->side].group[e->sym->index] = (long)(g - sp->groups);
	}
	return 0;
}

static bool is_multi_group(const struct static_group *g)
{
	return g->nr_orig > 1 || g->nr_patched > 1;
}

/* The group of an untwinned static local of side @side, or NULL. */
static struct static_group *group_of(struct static_pass *sp, int side, const struct obj_symbol *s)
{
	long g = sp->side[side].group[s->index];

	return g < 0 || s->twin ? NULL : &sp->groups[g];
}

static struct obj_symbol conflicting_evidence;	/* marks a static seen with two twins */

/* Record that @o (ORIG.o) and @p (PATCHED.o) sit at the same place. */
static void note_position(struct obj_symbol **twin_of_p, struct obj_symbol **twin_of_o,
			  struct obj_symbol *o, struct obj_symbol *p)
{
	if (!twin_of_p[p->index])
		twin_of_p[p->index] = o;
	else if (twin_of_p[p->index] != o)
		twin_of_p[p->index] = &conflicting_evidence;
	if (!twin_of_o[o->index])
		twin_of_o[o->index] = p;
	else if (twin_of_o[o->index] != p)
		twin_of_o[o->index] = &conflicting_evidence;
}

/* Statics that twin functions (or data) of one layout use at the same places. */
static void note_positions_in(struct static_pass *sp, const struct obj_symbol *p,
			      struct obj_symbol **twin_of_p, struct obj_symbol **twin_of_o)
{
	const struct obj_symbol *o = p->twin;
	struct reloc_span os = { 0 }, ps = { 0 };
	size_t i;

	if (!o || o->type != p->type || o->size != p->size || !o->sec || !p->sec)
		return;
	if (relocs_in(o->sec, o->offset, o->size, &os) || relocs_in(p->sec, p->offset, p->size, &ps) ||
	    !os.relocs || !ps.relocs || os.nr != ps.nr)
		goto out;
	for (i = 0; i < ps.nr; i++)
		if (os.relocs[i]->offset - o->offset != ps.relocs[i]->offset - p->offset ||
		    os.relocs[i]->type != ps.relocs[i]->type)
			goto out;
	for (i = 0; i < ps.nr; i++) {
		int64_t add;
		struct obj_symbol *to = reloc_target_symbol(os.relocs[i], &add);
		struct obj_symbol *tp = reloc_target_symbol(ps.relocs[i], &add);
		struct static_group *go = group_of(sp, 0, to), *gp = group_of(sp, 1, tp);

		if (go && go == gp && is_multi_group(go))
			note_position(twin_of_p, twin_of_o, to, tp);
	}
out:
	free(os.relocs);
	free(ps.relocs);
}

/*
 * One round of match_statics_by_position: note where each twinned function
 * or object that uses a static of an ambiguous group has its statics, and
 * pair those seen at one place only.  Returns how many pairs it made.
 */
static size_t match_positions_once(struct static_pass *sp, struct obj_symbol **twin_of_p,
				   struct obj_symbol **twin_of_o, bool *seen)
{
	struct static_side *ps = &sp->side[1];
	struct obj_section *rsec;
	struct obj_symbol *p;
	struct obj_reloc *r;
	size_t made = 0;

	for_each_sec(ps->elf, rsec) {
		if (!is_rela_sec(rsec) || !rsec->base)
			continue;
		for_each_reloc(rsec, r) {
			int64_t add;
			const struct obj_symbol *t = reloc_target_symbol(r, &add);
			const struct static_group *g = group_of(sp, 1, t);
			const struct obj_symbol *user;

			if (!g || !is_multi_group(g))
				continue;
			user = find_symbol_covering(rsec->base, r->offset);
			if (!user || seen[user->index] || (!is_func_sym(user) && !is_object_sym(user)))
				continue;
			seen[user->index] = true;
			note_positions_in(sp, user, twin_of_p, twin_of_o);
		}
	}
	for_each_sym(ps->elf, p) {
		struct obj_symbol *o = twin_of_p[p->index];

		if (o && o != &conflicting_evidence && twin_of_o[o->index] == p &&
		    !o->twin && !p->twin) {
			make_twins(o, p);
			made++;
		}
	}
	return made;
}

/*
 * Pair the statics of ambiguous groups that unchanged layouts pair: those
 * of functions, and those of data (gcc's __compound_literal.N of a table of
 * pointers, used by no code).  Statics that a static just paired points to
 * (HWMON_CHANNEL_INFO's literal that points to its config array) are paired
 * in the next round, until a round pairs nothing.
 */
static int match_statics_by_position(struct static_pass *sp)
{
	size_t np = sp->side[1].elf->nr_symbols + 1, no = sp->side[0].elf->nr_symbols + 1;
	struct obj_symbol **twin_of_p, **twin_of_o;
	bool *seen;
	int ret = -1;

	twin_of_p = calloc(np, sizeof(*twin_of_p));
	twin_of_o = calloc(no, sizeof(*twin_of_o));
	seen = calloc(np, sizeof(*seen));
	if (!twin_of_p || !twin_of_o || !seen) {
		error_obj("create-diff-object", "out of memory");
		goto out;
	}
	while (match_positions_once(sp, twin_of_p, twin_of_o, seen)) {
		memset(twin_of_p, 0, np * sizeof(*twin_of_p));
		memset(twin_of_o, 0, no * sizeof(*twin_of_o));
		memset(seen, 0, np * sizeof(*seen));
	}
	ret = 0;
out:
	free(twin_of_p);
	free(twin_of_o);
	free(seen);
	return ret;
}

/*
 * The only untwinned static of the group's other side that @s could be,
 * or NULL when there are none or several.
 */
static struct obj_symbol *sole_candidate(const struct static_pass *sp,
					 const struct static_group *g, const struct obj_symbol *s,
					 int side)
{
	size_t from = g->start + (side ? 0 : g->nr_orig);
	size_t to = side ? g->start + g->nr_orig : g->start + g->nr_orig + g->nr_patched;
	struct obj_symbol *found = NULL;

	for (size_t i = from; i < to; i++) {
		struct obj_symbol *c = sp->entries[i].sym;

		if (c->twin || !(side ? uses_share_origin(sp, c, s) : uses_share_origin(sp, s, c)))
			continue;
		if (found)
			return NULL;
		found = c;
	}
	return found;
}

/* Pair one to one through the functions that use them, until nothing changes. */
static void match_group_by_users(const struct static_pass *sp, const struct static_group *g)
{
	bool progress = true;

	while (progress) {
		progress = false;
		for (size_t i = g->start + g->nr_orig; i < g->start + g->nr_orig + g->nr_patched; i++) {
			struct obj_symbol *p = sp->entries[i].sym, *o;

			if (p->twin || !(o = sole_candidate(sp, g, p, 1)))
				continue;
			if (sole_candidate(sp, g, o, 0) == p) {
				make_twins(o, p);
				progress = true;
			}
		}
	}
}

static void static_pass_free(struct static_pass *sp)
{
	for (int side = 0; side < 2; side++) {
		free(sp->side[side].uses);
		free(sp->side[side].first_use);
		free(sp->side[side].group);
	}
	for (size_t i = 0; i < sp->nr_entries; i++)
		free(sp->entries[i].base);
	free(sp->entries);
	free(sp->groups);
}

static int correlate_static_locals(struct diff_ctx *ctx)
{
	struct static_pass sp = { .side = { { .elf = ctx->orig }, { .elf = ctx->patched } } };
	int ret = -1;

	if (static_uses_build(&sp.side[0]) || static_uses_build(&sp.side[1]) ||
	    static_groups_build(&sp))
		goto out;
	for (size_t i = 0; i < sp.nr_groups; i++) {
		struct static_group *g = &sp.groups[i];

		if (g->nr_orig == 1 && g->nr_patched == 1)
			make_twins(sp.entries[g->start].sym, sp.entries[g->start + 1].sym);
	}
	if (match_statics_by_position(&sp))
		goto out;
	for (size_t i = 0; i < sp.nr_groups; i++)
		if (sp.groups[i].nr_orig && sp.groups[i].nr_patched)
			match_group_by_users(&sp, &sp.groups[i]);
	ret = 0;
out:
	static_pass_free(&sp);
	return ret;
}

/* The symbol that owns section @sec when -f*-sections gave it its own. */
static struct obj_symbol *section_owner(struct obj_section *sec)
{
	struct obj_symbol *s;

	sec_for_each_sym(sec, s) {
		if ((is_func_sym(s) || is_object_sym(s)) && s->offset == 0 && !s->parent)
			return s;
	}
	return NULL;
}

static void correlate_sections(struct diff_ctx *ctx)
{
	struct obj_section *p, *o;
	struct obj_symbol *owner;

	for_each_sec(ctx->patched, p) {
		if (is_rela_sec(p))
			continue;
		o = NULL;
		owner = section_owner(p);
		if (owner && owner->twin && owner->twin->sec &&
		    section_owner(owner->twin->sec) == owner->twin)
			o = owner->twin->sec;
		else if (owner && is_special_static(owner))
			o = NULL;	/* never correlated, see above */
		else if (!owner || owner->twin)
			o = find_section_by_name(ctx->orig, p->name);
		if (!o || o->twin || is_rela_sec(o))
			continue;
		p->twin = o;
		o->twin = p;
		if (p->secsym && o->secsym)
			make_twins(o->secsym, p->secsym);
	}
	for_each_sec(ctx->patched, p) {
		if (!is_rela_sec(p) || !p->base || !p->base->twin || !p->base->twin->rela)
			continue;
		p->twin = p->base->twin->rela;
		p->twin->twin = p;
	}
}

/*
 * Plain names first; then numbered names by what they are (the numbers
 * shift whenever the file changes: foo.isra.1 in ORIG.o may be foo.isra.2
 * in PATCHED.o); what is still ambiguous after that falls back to the
 * identical name.  Static locals last: matching them by position needs
 * the functions' twins.
 */
int correlate(struct diff_ctx *ctx)
{
	correlate_symbols_by_name(ctx, false);
	if (correlate_renumbered_symbols(ctx))
		return -1;
	correlate_symbols_by_name(ctx, true);
	if (correlate_static_locals(ctx))
		return -1;
	correlate_sections(ctx);
	return 0;
}
