// SPDX-License-Identifier: GPL-2.0
/*
 * equiv.c - are a relocation of ORIG.o and one of PATCHED.o the same?
 * Their targets must be twins at the same offset, or, for what is never
 * correlated (strings and merged constants, anonymous read-only data,
 * special statics), hold the same contents.  changes.c compares functions
 * and data with it, special.c the entries of special sections.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "model.h"

/* Same contents at the referenced places of two mergeable sections? */
static bool merged_data_equal(const struct obj_section *a, int64_t off_a,
			      const struct obj_section *b, int64_t off_b)
{
	size_t n;

	if (is_string_sec(a) && is_string_sec(b)) {
		const char *sa = string_at(a, off_a), *sb = string_at(b, off_b);

		return sa && sb && !strcmp(sa, sb);
	}
	n = a->sh.sh_entsize ? a->sh.sh_entsize : 8;
	if (!a->buf || !b->buf || off_a < 0 || off_b < 0 ||
	    (uint64_t)off_a + n > a->size || (uint64_t)off_b + n > b->size)
		return false;
	return !memcmp((char *)a->buf + off_a, (char *)b->buf + off_b, n);
}

/*
 * A dynamic debug descriptor (struct _ddebug: four pointers, then an 18-bit
 * lineno and the flags) records the line of its pr_debug(); lines that
 * move above it are not a change.
 */
static bool ddebug_equal_but_line(const unsigned char *a, const unsigned char *b, size_t size)
{
	enum { LINENO_OFF = 32 };

	if (size < LINENO_OFF + 4)
		return !memcmp(a, b, size);
	if (memcmp(a, b, LINENO_OFF) ||
	    memcmp(a + LINENO_OFF + 4, b + LINENO_OFF + 4, size - LINENO_OFF - 4))
		return false;
	/* lineno is bits 0-17 of the 32-bit word; the flags above it must match */
	return (a[LINENO_OFF + 2] & 0xfc) == (b[LINENO_OFF + 2] & 0xfc) &&
	       a[LINENO_OFF + 3] == b[LINENO_OFF + 3];
}

/* Two never-correlated statics are equivalent when they are the same kind
 * of thing with the same contents (e.g. two __func__ strings). */
static bool special_statics_equivalent(const struct obj_symbol *a, const struct obj_symbol *b)
{
	char ca[512], cb[512];

	base_name(a->name, ca, sizeof(ca));
	base_name(b->name, cb, sizeof(cb));
	if (strcmp(ca, cb) || a->size != b->size)
		return false;
	if (!a->sec->buf || !b->sec->buf)
		return a->sec->sh.sh_type == b->sec->sh.sh_type;
	if (a->offset + a->size > a->sec->size || b->offset + b->size > b->sec->size)
		return false;
	/* gcc's __UNIQUE_ID_ddebug12.3, clang's fn.__UNIQUE_ID_ddebug12, older "descriptor" */
	if (!strcmp(a->sec->name, "__dyndbg") || !strcmp(ca, "descriptor"))
		return ddebug_equal_but_line((unsigned char *)a->sec->buf + a->offset,
					     (unsigned char *)b->sec->buf + b->offset, a->size);
	return !memcmp((char *)a->sec->buf + a->offset, (char *)b->sec->buf + b->offset, a->size);
}

static bool is_in_merged_sec(const struct obj_symbol *s)
{
	return s->sec && (s->sec->sh.sh_flags & SHF_MERGE);
}

/* @a is from ORIG.o, @b from PATCHED.o; addends are compared as well. */
bool syms_equivalent(const struct obj_symbol *a, const struct obj_symbol *b,
		     int64_t addend_a, int64_t addend_b)
{
	if (is_undef_sym(a) || is_undef_sym(b))
		return is_undef_sym(a) && is_undef_sym(b) && !strcmp(a->name, b->name) &&
		       addend_a == addend_b;
	if (is_in_merged_sec(a) || is_in_merged_sec(b))
		return is_in_merged_sec(a) && is_in_merged_sec(b) &&
		       merged_data_equal(a->sec, (int64_t)a->offset + addend_a,
					 b->sec, (int64_t)b->offset + addend_b);
	if (is_section_sym(a) && is_section_sym(b)) {
		if (!a->sec || !b->sec)
			return false;
		return a->sec->twin == b->sec && addend_a == addend_b &&
		       b->sec->status != ST_CHANGED;
	}
	if (is_section_sym(a) != is_section_sym(b))
		return false;
	if (is_special_static(a) && is_special_static(b))
		return addend_a == addend_b && special_statics_equivalent(a, b);
	if (a->twin != b || addend_a != addend_b)
		return false;
	/* A read-only object that changed is a new copy: users change too. */
	return !(is_object_sym(b) && b->status == ST_CHANGED);
}

/*
 * Anonymous read-only data: a constant with no symbol of its own, reached
 * through its section's symbol (gcc's .LC constants in .rodata, clang's
 * .rodata..L__const.<fn>.<var> and .rodata..Lswitch.table.<fn>).  The
 * output gets a copy with the functions that use it, so it is compared by
 * contents: from the offset a relocation points at up to the next offset
 * that any relocation points at in that section.
 */
struct anon_offsets {
	uint64_t *v;			/* marked offsets of one section, sorted */
	size_t nr, cap;			/* used and allocated */
};

struct anon_targets {
	const struct obj *elf;		/* the object */
	struct anon_offsets *secs;	/* by section index */
	size_t nr_secs;			/* entries of secs */
};

/* ORIG.o's and PATCHED.o's, from index_anon_data() to forget_anon_data(). */
static struct anon_targets anon_targets[2];

/* Read-only data with no named symbol in it (an offset outside the named
 * symbols of a section is an index trick such as gcc's "lext - 257"). */
static bool is_anon_rodata_sec(const struct obj_section *sec)
{
	return sec && sec->sh.sh_type == SHT_PROGBITS && is_alloc_sec(sec) && !is_text_sec(sec) &&
	       !(sec->sh.sh_flags & (SHF_WRITE | SHF_MERGE)) && !is_special_sec(sec) &&
	       !sec->nr_syms;
}

static int anon_mark(struct anon_targets *at, const struct obj_section *sec, uint64_t off)
{
	struct anon_offsets *o = &at->secs[sec->index];

	if (o->nr == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 8;
		uint64_t *v = realloc(o->v, cap * sizeof(*v));

		if (!v)
			return error_obj(at->elf->path, "out of memory");
		o->v = v;
		o->cap = cap;
	}
	o->v[o->nr++] = off;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int anon_targets_build(struct anon_targets *at, const struct obj *elf)
{
	const struct obj_section *rsec;
	const struct obj_reloc *r;

	at->elf = elf;
	at->nr_secs = elf->nr_sections + 1;
	at->secs = calloc(at->nr_secs, sizeof(*at->secs));
	if (!at->secs)
		return error_obj(elf->path, "out of memory");
	for_each_sec(elf, rsec) {
		if (!is_rela_sec(rsec))
			continue;
		for_each_reloc(rsec, r) {
			int64_t off = reloc_target_offset(r);

			if (is_section_sym(r->sym) && is_anon_rodata_sec(r->sym->sec) && off >= 0 &&
			    anon_mark(at, r->sym->sec, (uint64_t)off))
				return -1;
		}
	}
	for (size_t i = 0; i < at->nr_secs; i++)
		if (at->secs[i].nr)
			qsort(at->secs[i].v, at->secs[i].nr, sizeof(uint64_t), cmp_u64);
	return 0;
}

int index_anon_data(struct diff_ctx *ctx)
{
	return anon_targets_build(&anon_targets[0], ctx->orig) ||
	       anon_targets_build(&anon_targets[1], ctx->patched) ? -1 : 0;
}

void forget_anon_data(void)
{
	for (int i = 0; i < 2; i++) {
		struct anon_targets *at = &anon_targets[i];

		for (size_t k = 0; at->secs && k < at->nr_secs; k++)
			free(at->secs[k].v);
		free(at->secs);
		memset(at, 0, sizeof(*at));
	}
}

/* The end of the anonymous constant at @off of @sec: the next marked offset. */
static uint64_t anon_end(const struct obj_section *sec, uint64_t off)
{
	for (int i = 0; i < 2; i++) {
		const struct anon_targets *at = &anon_targets[i];
		const struct anon_offsets *o;
		size_t lo = 0, hi;

		if (!at->elf || sec->index >= at->elf->nr_sections ||
		    at->elf->sections[sec->index] != sec)
			continue;
		o = &at->secs[sec->index];
		hi = o->nr;
		while (lo < hi) {		/* first marked offset > off */
			size_t mid = (lo + hi) / 2;

			if (o->v[mid] <= off)
				lo = mid + 1;
			else
				hi = mid;
		}
		return lo < o->nr ? o->v[lo] : sec->size;
	}
	return sec->size;
}

/* Are the anonymous constants that @a and @b point at the same? */
static bool anon_data_equal(const struct obj_reloc *a, const struct obj_reloc *b)
{
	static unsigned int depth;	/* constants that point at constants */
	const struct obj_section *sa = a->sym->sec, *sb = b->sym->sec;
	int64_t oa = reloc_target_offset(a), ob = reloc_target_offset(b);
	struct reloc_span ra = { 0 }, rb = { 0 };
	uint64_t len;
	bool equal = false;

	if (oa < 0 || ob < 0 || (uint64_t)oa > sa->size || (uint64_t)ob > sb->size)
		return sa->twin == sb && a->addend == b->addend;	/* not into the data */
	len = anon_end(sa, (uint64_t)oa) - (uint64_t)oa;
	if (len != anon_end(sb, (uint64_t)ob) - (uint64_t)ob || !sa->buf || !sb->buf ||
	    memcmp((char *)sa->buf + oa, (char *)sb->buf + ob, len))
		return false;
	if (depth > 4)
		return sa->twin == sb && oa == ob;
	if (relocs_in(sa, (uint64_t)oa, len, &ra) || relocs_in(sb, (uint64_t)ob, len, &rb))
		goto out;
	if (ra.nr != rb.nr)
		goto out;
	depth++;
	equal = true;
	for (size_t i = 0; i < ra.nr && equal; i++)
		equal = ra.relocs[i]->offset - (uint64_t)oa == rb.relocs[i]->offset - (uint64_t)ob &&
			relocs_equivalent(ra.relocs[i], rb.relocs[i]);
	depth--;
out:
	free(ra.relocs);
	free(rb.relocs);
	return equal;
}

/* Compare two relocations of twin sections (offsets already matched). */
bool relocs_equivalent(const struct obj_reloc *a, const struct obj_reloc *b)
{
	struct obj_symbol *ta, *tb;
	int64_t aa, ab;

	if (a->type != b->type)
		return false;
	if (a->sym->sec && b->sym->sec && (a->sym->sec->sh.sh_flags & SHF_MERGE))
		return syms_equivalent(a->sym, b->sym, reloc_target_offset(a), reloc_target_offset(b));
	ta = reloc_target_symbol(a, &aa);
	tb = reloc_target_symbol(b, &ab);
	if (is_section_sym(ta) && is_section_sym(tb) && is_anon_rodata_sec(ta->sec) &&
	    is_anon_rodata_sec(tb->sec))
		return anon_data_equal(a, b);
	return syms_equivalent(ta, tb, aa, ab);
}
