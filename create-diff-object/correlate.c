// SPDX-License-Identifier: GPL-2.0
/*
 * correlate.c - pair every section and symbol of PATCHED.o with its twin
 * in ORIG.o.
 *
 * Names are matched exactly first.  What is left is matched by what it is:
 * the compiler renumbers clones (foo.isra.0 -> foo.isra.1), cold parts and
 * static locals (count.12 -> count.13) whenever a file changes, so those
 * are matched on their canonical name (numbers removed) when it is unique,
 * and static locals otherwise by the function that uses them.  "Special"
 * statics (__key, __warned, __func__, CSWTCH, ...) hold no state worth
 * keeping or are per-call-site; they are never correlated, so the output
 * gets its own copy.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cdo.h"
#include "hash.h"
#include "log.h"

/* Prefixes of statics that are never correlated (sorted). */
static const char *const special_static_prefixes[] = {
	"CSWTCH",
	"_entry",
	"_entry_ptr",
	"__FUNCTION__",
	"__PRETTY_FUNCTION__",
	"__UNIQUE_ID_ddebug",
	"__already_done",
	"__func__",
	"__key",
	"__msg",
	"__once",
	"__print_once",
	"__warn_once",
	"__warned",
	"descriptor",
};

bool is_special_static(const struct elf_symbol *sym)
{
	size_t i, n;

	if (!is_local_sym(sym) || (sym->type != STT_OBJECT && sym->type != STT_NOTYPE))
		return false;
	if (!sym->sec)
		return false;
	for (i = 0; i < sizeof(special_static_prefixes) / sizeof(special_static_prefixes[0]); i++) {
		n = strlen(special_static_prefixes[i]);
		if (strncmp(sym->name, special_static_prefixes[i], n))
			continue;
		/* "__key.12", "__key12" or "__key": not "__keyboard" */
		if (sym->name[n] == '\0' || sym->name[n] == '.' || isdigit((unsigned char)sym->name[n]))
			return true;
	}
	return false;
}

/* Is the dot-separated component starting at @s all digits? */
static bool is_number_component(const char *s)
{
	if (!isdigit((unsigned char)*s))
		return false;
	while (isdigit((unsigned char)*s))
		s++;
	return *s == '\0' || *s == '.';
}

void canonical_name(const char *name, char *buf, size_t len)
{
	size_t o = 0;
	const char *s = name;

	if (!len)
		return;
	while (*s && o + 1 < len) {
		if (*s == '.' && is_number_component(s + 1)) {
			buf[o++] = '.';
			s++;
			while (isdigit((unsigned char)*s))
				s++;
			continue;
		}
		buf[o++] = *s++;
	}
	buf[o] = '\0';
	/* __UNIQUE_ID_foo123 -> __UNIQUE_ID_foo */
	if (!strncmp(buf, "__UNIQUE_ID_", 12)) {
		while (o > 12 && isdigit((unsigned char)buf[o - 1]))
			buf[--o] = '\0';
	}
}

static bool has_numbering(const char *name)
{
	char canon[512];

	canonical_name(name, canon, sizeof(canon));
	return strcmp(canon, name) != 0;
}

/*
 * Labels in merged sections (the assembler keeps ".LC0" for a relocation
 * into .rodata.str1.1) are numbered by the compiler in whatever order it
 * emits strings: they are compared by contents, never correlated by name.
 */
bool is_merged_data_sym(const struct elf_symbol *s)
{
	return s->sec && (s->sec->sh.sh_flags & SHF_MERGE) && !is_section_sym(s);
}

static bool is_correlatable(const struct elf_symbol *s)
{
	if (s->index == 0 || is_section_sym(s) || is_file_sym(s) || is_merged_data_sym(s))
		return false;
	return !is_special_static(s);
}

static bool same_kind(const struct elf_symbol *a, const struct elf_symbol *b)
{
	if (is_undef_sym(a) != is_undef_sym(b))
		return false;
	if (is_undef_sym(a))
		return true;
	return a->type == b->type && is_local_sym(a) == is_local_sym(b);
}

static void make_twins(struct elf_symbol *a, struct elf_symbol *b)
{
	a->twin = b;
	b->twin = a;
}

/* Identical names of the same kind (numbered names only if @numbered). */
static void correlate_symbols_by_name(struct diff_ctx *ctx, bool numbered)
{
	struct elf_symbol *p, *o;

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
	struct elf_symbol *sym;		/* the uncorrelated symbol */
	char *canon;			/* its canonical name */
	size_t count;			/* how many share the canonical name */
	struct elf_hnode node;		/* by canonical name */
};

struct canon_index {
	struct canon_entry *entries;	/* one per uncorrelated, numbered symbol */
	size_t nr;			/* entries used */
	struct elf_htab htab;		/* entries by canonical name */
};

static int canon_index_build(struct elf *elf, struct canon_index *ci)
{
	struct elf_symbol *s;
	struct elf_hnode *n;
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
					    const struct elf_symbol *like)
{
	struct elf_hnode *n;
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
 * For every symbol of @elf, the function whose code references it first
 * (through a relocation), indexed by symbol index; one pass over the
 * relocations of all code sections.
 */
static struct elf_symbol **first_referrers(struct elf *elf)
{
	struct elf_symbol **users = calloc(elf->nr_symbols + 1, sizeof(*users));
	struct elf_section *rsec;
	struct elf_reloc *r;

	if (!users) {
		error_obj(elf->path, "out of memory");
		return NULL;
	}
	for_each_sec(elf, rsec) {
		if (!is_rela_sec(rsec) || !rsec->base || !is_text_sec(rsec->base))
			continue;
		for_each_reloc(rsec, r) {
			int64_t addend;
			struct elf_symbol *t = reloc_target_symbol(r, &addend);

			if (!users[t->index])
				users[t->index] = find_symbol_covering(rsec->base, r->offset);
		}
	}
	return users;
}

/*
 * Pass 2: renumbered names.  A canonical name that is unique among the
 * uncorrelated symbols on both sides is a match; for static locals that
 * share a canonical name (two functions each with a static "count"), the
 * one used by the twin of the function using ours is the match.
 */
static int correlate_renumbered_symbols(struct diff_ctx *ctx)
{
	struct canon_index orig_ci, patched_ci;
	struct elf_symbol **orig_users = NULL, **patched_users = NULL;
	struct elf_symbol *p;
	char canon[512];
	int ret = -1;

	if (canon_index_build(ctx->orig, &orig_ci) ||
	    canon_index_build(ctx->patched, &patched_ci))
		goto out;
	orig_users = first_referrers(ctx->orig);
	patched_users = first_referrers(ctx->patched);
	if (!orig_users || !patched_users)
		goto out;
	for_each_sym(ctx->patched, p) {
		struct canon_entry *oe, *pe;
		struct elf_symbol *user, *o;

		if (p->twin || !is_correlatable(p) || !has_numbering(p->name))
			continue;
		canonical_name(p->name, canon, sizeof(canon));
		oe = canon_index_find(&orig_ci, canon, p);
		pe = canon_index_find(&patched_ci, canon, p);
		if (!oe || !pe)
			continue;
		if (oe->count == 1 && pe->count == 1) {
			if (!oe->sym->twin)
				make_twins(oe->sym, p);
			continue;
		}
		if (p->type != STT_OBJECT)
			continue;
		/* Ambiguous static local: match through the function using it. */
		user = patched_users[p->index];
		if (!user || !user->twin)
			continue;
		for_each_sym(ctx->orig, o) {
			char ocanon[512];

			if (o->twin || o->type != STT_OBJECT || !is_correlatable(o) ||
			    orig_users[o->index] != user->twin)
				continue;
			canonical_name(o->name, ocanon, sizeof(ocanon));
			if (!strcmp(ocanon, canon)) {
				make_twins(o, p);
				break;
			}
		}
	}
	ret = 0;
out:
	free(orig_users);
	free(patched_users);
	canon_index_free(&orig_ci);
	canon_index_free(&patched_ci);
	return ret;
}

/* The symbol that owns section @sec when -f*-sections gave it its own. */
static struct elf_symbol *section_owner(struct elf_section *sec)
{
	struct elf_symbol *s;

	sec_for_each_sym(sec, s) {
		if ((is_func_sym(s) || is_object_sym(s)) && s->offset == 0 && !s->parent)
			return s;
	}
	return NULL;
}

static void correlate_sections(struct diff_ctx *ctx)
{
	struct elf_section *p, *o;
	struct elf_symbol *owner;

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
 * shift whenever the file changes: cnt.1 in ORIG.o may be cnt.2 in
 * PATCHED.o while another function's counter takes cnt.1); what is still
 * ambiguous after that falls back to the identical name.
 */
int correlate(struct diff_ctx *ctx)
{
	correlate_symbols_by_name(ctx, false);
	if (correlate_renumbered_symbols(ctx))
		return -1;
	correlate_symbols_by_name(ctx, true);
	correlate_sections(ctx);
	return 0;
}
