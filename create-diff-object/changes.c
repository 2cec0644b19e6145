// SPDX-License-Identifier: GPL-2.0
/*
 * changes.c - decide what changed between ORIG.o and PATCHED.o, and refuse
 * what cannot be live patched.
 *
 * A function changed when its bytes differ outside the places that
 * relocations fill in, or when a relocation differs: another type or
 * offset, or a target that is not the twin of the original target (for
 * strings and merged constants: other contents).  Two kinds of difference
 * are not functional: the line number in a __bug_table entry (special.c
 * masks it) and a line number loaded as an immediate right before a call
 * to __might_sleep() and friends, which moves whenever lines are added
 * above a function.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "cdo.h"
#include "log.h"

bool is_init_sec(const struct obj_section *sec)
{
	return sec && !strncmp(sec->name, ".init.", 6);
}

/*
 * Offset within the target that a relocation points at.  In code, a PC-
 * relative displacement is relative to the end of the instruction, which
 * for the common forms is the end of the 4-byte field (addend = off - 4).
 * In data (`.long 1b - .`) the addend is the offset itself.
 */
static int64_t reloc_target_offset(const struct obj_reloc *r)
{
	bool in_code = r->sec && r->sec->base && is_text_sec(r->sec->base);

	return in_code && arch_reloc_is_pcrel(r->type) ? r->addend + 4 : r->addend;
}

/*
 * The named symbol a relocation points into.  A reference through a section
 * symbol is resolved to the FUNC/OBJECT covering the target offset; in code,
 * an instruction with an immediate after its displacement (`addl $1,
 * x(%rip)`) makes the estimate up to 4 bytes short, so the next bytes are
 * tried as well.
 */
struct obj_symbol *reloc_target_symbol(const struct obj_reloc *r, int64_t *addend)
{
	struct obj_symbol *s = NULL;
	int64_t off, max_adj;

	*addend = r->addend;
	if (!is_section_sym(r->sym) || !r->sym->sec)
		return r->sym;
	off = reloc_target_offset(r);
	max_adj = r->sec && r->sec->base && is_text_sec(r->sec->base) ? 4 : 0;
	for (int64_t adj = 0; adj <= max_adj && !s; adj++) {
		if (off + adj < 0)
			continue;
		s = find_symbol_covering(r->sym->sec, (uint64_t)(off + adj));
		if (!s && adj == 0)
			s = find_symbol_at(r->sym->sec, (uint64_t)off);
		if (s && is_section_sym(s))
			s = NULL;
	}
	if (!s)
		return r->sym;
	*addend = r->addend - (int64_t)s->offset;
	return s;
}

/* The NUL-terminated string at @off of string section @sec, or NULL. */
static const char *string_at(const struct obj_section *sec, int64_t off)
{
	const char *buf = sec->buf;

	if (!buf || off < 0 || (uint64_t)off >= sec->size)
		return NULL;
	if (!memchr(buf + off, '\0', sec->size - (size_t)off))
		return NULL;
	return buf + off;
}

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

/* @name's canonical name without a final dot: clang's fn._entry and fn._entry.3 are one kind. */
static void special_kind(const char *name, char *buf, size_t len)
{
	size_t n;

	canonical_name(name, buf, len);
	n = strlen(buf);
	if (n && buf[n - 1] == '.')
		buf[n - 1] = '\0';
}

/* Two never-correlated statics are equivalent when they are the same kind
 * of thing with the same contents (e.g. two __func__ strings). */
static bool special_statics_equivalent(const struct obj_symbol *a, const struct obj_symbol *b)
{
	char ca[512], cb[512];

	special_kind(a->name, ca, sizeof(ca));
	special_kind(b->name, cb, sizeof(cb));
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

/* Relocations of @rsec within [start, start+len), sorted by offset. */
struct reloc_span {
	struct obj_reloc **relocs;	/* pointers into rsec->relocs */
	size_t nr;			/* how many */
};

static int cmp_reloc_offset(const void *a, const void *b)
{
	const struct obj_reloc *ra = *(struct obj_reloc *const *)a;
	const struct obj_reloc *rb = *(struct obj_reloc *const *)b;

	return ra->offset < rb->offset ? -1 : ra->offset > rb->offset;
}

static int collect_relocs(const struct obj_section *sec, uint64_t start, uint64_t len,
			  struct reloc_span *span)
{
	struct obj_reloc *r;

	span->relocs = NULL;
	span->nr = 0;
	if (!sec->rela)
		return 0;
	span->relocs = malloc((sec->rela->nr_relocs + 1) * sizeof(*span->relocs));
	if (!span->relocs)
		return error_obj("create-diff-object", "out of memory");
	for_each_reloc(sec->rela, r) {
		if (r->offset >= start && r->offset < start + len)
			span->relocs[span->nr++] = r;
	}
	qsort(span->relocs, span->nr, sizeof(*span->relocs), cmp_reloc_offset);
	return 0;
}

/*
 * Anonymous read-only data: a constant with no symbol of its own, reached
 * through its section's symbol (gcc's .LC constants in .rodata, clang's
 * .rodata..L__const.<fn>.<var> and .rodata..Lswitch.table.<fn>).  The
 * output gets a copy with the functions that use it, so it is compared by
 * contents: from the offset a relocation points at up to the next offset
 * that any relocation points at in that section.
 */
struct anon_targets {
	const struct obj *elf;		/* the object */
	uint64_t **offsets;		/* by section index: marked offsets, sorted */
	size_t *nr;			/* by section index: how many */
	size_t *cap;			/* by section index: allocated */
};

/* ORIG.o's and PATCHED.o's, while compare_objects() runs. */
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
	unsigned int i = sec->index;

	if (at->nr[i] == at->cap[i]) {
		size_t cap = at->cap[i] ? at->cap[i] * 2 : 8;
		uint64_t *v = realloc(at->offsets[i], cap * sizeof(*v));

		if (!v)
			return error_obj(at->elf->path, "out of memory");
		at->offsets[i] = v;
		at->cap[i] = cap;
	}
	at->offsets[i][at->nr[i]++] = off;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int anon_targets_build(struct anon_targets *at, const struct obj *elf)
{
	const struct obj_section *rsec, *sec;
	const struct obj_reloc *r;

	at->elf = elf;
	at->offsets = calloc(elf->nr_sections + 1, sizeof(*at->offsets));
	at->nr = calloc(elf->nr_sections + 1, sizeof(*at->nr));
	at->cap = calloc(elf->nr_sections + 1, sizeof(*at->cap));
	if (!at->offsets || !at->nr || !at->cap)
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
	for_each_sec(elf, sec) {
		if (at->nr[sec->index])
			qsort(at->offsets[sec->index], at->nr[sec->index], sizeof(uint64_t), cmp_u64);
	}
	return 0;
}

static void anon_targets_free(void)
{
	for (int i = 0; i < 2; i++) {
		struct anon_targets *at = &anon_targets[i];

		for (size_t k = 0; at->offsets && at->elf && k <= at->elf->nr_sections; k++)
			free(at->offsets[k]);
		free(at->offsets);
		free(at->nr);
		free(at->cap);
		memset(at, 0, sizeof(*at));
	}
}

/* The end of the anonymous constant at @off of @sec: the next marked offset. */
static uint64_t anon_end(const struct obj_section *sec, uint64_t off)
{
	for (int i = 0; i < 2; i++) {
		const struct anon_targets *at = &anon_targets[i];
		const uint64_t *v;
		size_t lo = 0, hi;

		if (!at->elf || sec->index >= at->elf->nr_sections ||
		    at->elf->sections[sec->index] != sec)
			continue;
		v = at->offsets[sec->index];
		hi = at->nr[sec->index];
		while (lo < hi) {		/* first marked offset > off */
			size_t mid = (lo + hi) / 2;

			if (v[mid] <= off)
				lo = mid + 1;
			else
				hi = mid;
		}
		return lo < at->nr[sec->index] ? v[lo] : sec->size;
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
	if (collect_relocs(sa, (uint64_t)oa, len, &ra) || collect_relocs(sb, (uint64_t)ob, len, &rb))
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

/*
 * Functions whose second argument is always __LINE__ (sorted).
 */
static const char *const line_takers[] = {
	"__cant_migrate",
	"__cant_sleep",
	"__might_fault",
	"__might_resched",
	"__might_sleep",
};

/*
 * Functions that are often passed __LINE__, but may as well be passed a
 * constant that is a real change (sorted).  An immediate that differs
 * before a call to them counts as a line only in __init code, which is
 * never patched: there a shifted printk("%d", __LINE__) must not refuse
 * the whole patch (kernel/params.c param_sysfs_init does exactly that).
 */
static const char *const maybe_line_takers[] = {
	"__warn_printk",
	"_printk",
	"panic",
	"printk",
};

static bool name_in(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(name, list[i]))
			return true;
	return false;
}

static bool is_line_taker(const char *name, bool lenient)
{
	return name_in(name, line_takers, sizeof(line_takers) / sizeof(line_takers[0])) ||
	       (lenient && name_in(name, maybe_line_takers,
				   sizeof(maybe_line_takers) / sizeof(maybe_line_takers[0])));
}

/* Is there a call to a line-taking function within 48 bytes after @pos? */
static bool line_taker_call_follows(const struct reloc_span *span, uint64_t pos, bool lenient)
{
	for (size_t i = 0; i < span->nr; i++) {
		const struct obj_reloc *r = span->relocs[i];

		if (r->offset < pos || r->offset > pos + 48)
			continue;
		if (!is_section_sym(r->sym) && is_line_taker(r->sym->name, lenient))
			return true;
	}
	return false;
}

/*
 * Bytes [lo, hi) differ at @off in a function: are they the immediate of a
 * `mov $imm32, %esi/%edx/%ecx` (b9, ba, be; r8d-r15d with a 41 prefix) that
 * loads a line number for a following call to __might_sleep() & co?
 */
static bool is_line_immediate(const unsigned char *code, uint64_t lo, uint64_t hi,
			      const struct reloc_span *span, bool lenient)
{
	for (uint64_t op = lo >= 4 ? lo - 4 : 0; op < lo; op++) {
		unsigned char b = code[op];

		if (b != 0xb9 && b != 0xba && b != 0xbe && b != 0xb8)
			continue;
		if (hi > op + 5)
			continue;
		if (line_taker_call_follows(span, op + 5, lenient))
			return true;
	}
	return false;
}

/* Compare code bytes outside relocated fields; line immediates excepted. */
static bool code_bytes_differ(const struct obj_symbol *o, const struct obj_symbol *p,
			      const struct reloc_span *ospan, const struct reloc_span *pspan,
			      bool lenient, bool *only_lines)
{
	const unsigned char *ob = (const unsigned char *)o->sec->buf + o->offset;
	const unsigned char *pb = (const unsigned char *)p->sec->buf + p->offset;
	unsigned char *mask;
	bool differ = false;
	uint64_t i;

	*only_lines = true;
	mask = calloc(p->size + 8, 1);
	if (!mask)
		return true;
	for (size_t k = 0; k < pspan->nr; k++) {
		uint64_t at = pspan->relocs[k]->offset - p->offset;
		int w = arch_reloc_width(pspan->relocs[k]->type);

		for (int j = 0; j < w && at + j < p->size; j++)
			mask[at + j] = 1;
	}
	for (i = 0; i < p->size; i++) {
		uint64_t lo, hi;

		if (mask[i] || ob[i] == pb[i])
			continue;
		lo = i;
		while (i < p->size && !mask[i] && ob[i] != pb[i])
			i++;
		hi = i;
		differ = true;
		if (!is_line_immediate(pb, lo, hi, pspan, lenient) ||
		    !is_line_immediate(ob, lo, hi, ospan, lenient))
			*only_lines = false;
	}
	free(mask);
	return differ;
}

/* Does function @o (ORIG) differ from its twin @p (PATCHED)? */
static int function_changed(const struct obj_symbol *o, const struct obj_symbol *p,
			    bool *changed)
{
	struct reloc_span ospan, pspan;
	bool only_lines;

	*changed = true;
	if (o->size != p->size || !o->sec->buf || !p->sec->buf)
		return 0;
	if (collect_relocs(o->sec, o->offset, o->size, &ospan) ||
	    collect_relocs(p->sec, p->offset, p->size, &pspan)) {
		free(ospan.relocs);
		return -1;
	}
	if (ospan.nr != pspan.nr)
		goto out;
	for (size_t i = 0; i < pspan.nr; i++) {
		const struct obj_reloc *ra = ospan.relocs[i], *rb = pspan.relocs[i];

		if (ra->offset - o->offset != rb->offset - p->offset || !relocs_equivalent(ra, rb))
			goto out;
	}
	if (code_bytes_differ(o, p, &ospan, &pspan, is_init_sec(p->sec), &only_lines) &&
	    !only_lines)
		goto out;
	*changed = false;
out:
	free(ospan.relocs);
	free(pspan.relocs);
	return 0;
}

/* Does data object @o differ from its twin @p (bytes and relocations)? */
static int object_changed(const struct obj_symbol *o, const struct obj_symbol *p, bool *changed)
{
	struct reloc_span ospan, pspan;

	*changed = true;
	if (o->size != p->size || o->sec->sh.sh_type != p->sec->sh.sh_type)
		return 0;
	if (p->sec->sh.sh_type == SHT_NOBITS) {
		*changed = false;
		return 0;
	}
	if (collect_relocs(o->sec, o->offset, o->size, &ospan) ||
	    collect_relocs(p->sec, p->offset, p->size, &pspan)) {
		free(ospan.relocs);
		return -1;
	}
	if (ospan.nr != pspan.nr)
		goto out;
	for (size_t i = 0; i < pspan.nr; i++) {
		const struct obj_reloc *ra = ospan.relocs[i], *rb = pspan.relocs[i];

		if (ra->offset - o->offset != rb->offset - p->offset || !relocs_equivalent(ra, rb))
			goto out;
	}
	if (memcmp((char *)o->sec->buf + o->offset, (char *)p->sec->buf + p->offset, p->size)) {
		/* bytes under relocations are zero in RELA objects; compare all */
		goto out;
	}
	*changed = false;
out:
	free(ospan.relocs);
	free(pspan.relocs);
	return 0;
}

/* Is @s the global alias MODULE_DEVICE_TABLE() makes (__mod_usb__foo_device_table)? */
static bool is_device_table_alias(const struct obj_symbol *s)
{
	size_t n = strlen(s->name), k = strlen("_device_table");

	return !strncmp(s->name, "__mod_", 6) && n > k && !strcmp(s->name + n - k, "_device_table");
}

/* The symbol a patch author knows @p by: not MODULE_DEVICE_TABLE's alias. */
static const struct obj_symbol *data_object_name(const struct obj_symbol *p)
{
	const struct obj_symbol *s;

	if (!is_device_table_alias(p))
		return p;
	sec_for_each_sym(p->sec, s)
		if (s != p && is_object_sym(s) && s->offset == p->offset && s->size == p->size)
			return s;
	return p;
}

/*
 * The first object whose address @o (ORIG) and @p (PATCHED) hold differs
 * and that itself changed: "imon_OEM_VFD" for a table of pointers whose
 * pointee's contents changed.  NULL when the bytes themselves differ.
 */
static const struct obj_symbol *changed_pointee(const struct obj_symbol *o, const struct obj_symbol *p)
{
	struct reloc_span ospan, pspan;
	const struct obj_symbol *found = NULL;

	if (collect_relocs(o->sec, o->offset, o->size, &ospan))
		return NULL;
	if (collect_relocs(p->sec, p->offset, p->size, &pspan)) {
		free(ospan.relocs);
		return NULL;
	}
	for (size_t i = 0; i < pspan.nr && i < ospan.nr && !found; i++) {
		int64_t add;
		struct obj_symbol *t;

		if (relocs_equivalent(ospan.relocs[i], pspan.relocs[i]))
			continue;
		t = reloc_target_symbol(pspan.relocs[i], &add);
		if (!is_section_sym(t))
			found = t;
	}
	free(ospan.relocs);
	free(pspan.relocs);
	return found;
}

static bool is_data_object(const struct obj_symbol *s)
{
	return is_object_sym(s) && s->sec && is_alloc_sec(s->sec) && !is_text_sec(s->sec) &&
	       !is_special_sec(s->sec);
}

/*
 * Data first: a changed writable object cannot be patched (the running
 * kernel's copy holds live state); a changed read-only object becomes a
 * new copy, which makes its users change (syms_equivalent).
 */
static int compare_data(struct diff_ctx *ctx)
{
	struct obj_symbol *p;
	bool changed;

	for_each_sym(ctx->patched, p) {
		if (!is_data_object(p) || p->strip || p->sec->ignore)
			continue;
		if (!p->twin) {
			p->status = ST_NEW;
			continue;
		}
		if (object_changed(p->twin, p, &changed))
			return -1;
		p->status = p->twin->status = changed ? ST_CHANGED : ST_SAME;
		if (changed && !(p->sec->sh.sh_flags & SHF_WRITE) && !is_local_sym(p)) {
			const struct obj_symbol *t = changed_pointee(p->twin, p);

			return refuse_at(ctx->orig_name, data_object_name(p)->name, 0,
					 "changed read-only global data%s%s%s: code in other objects "
					 "would keep using the running kernel's copy; make the patched "
					 "functions use a new object with another name instead",
					 t ? " (it points to " : "", t ? t->name : "",
					 t ? ", which changed)" : "");
		}
		if (changed && (p->sec->sh.sh_flags & SHF_WRITE))
			return refuse_at(ctx->orig_name, p->name, 0,
					 "changed initialised data: the running kernel's copy holds "
					 "live state that a live patch cannot rewrite; leave the "
					 "initialiser as it is and set the new value in a patch "
					 "callback, or attach new state with a shadow variable");
	}
	return 0;
}

static int compare_functions(struct diff_ctx *ctx)
{
	struct obj_symbol *p;
	bool changed;

	for_each_sym(ctx->patched, p) {
		if (!is_func_sym(p) || !p->sec)
			continue;
		if (p->strip || p->sec->ignore) {
			p->status = ST_SAME;	/* KPATCH_IGNORE_*: not patched */
			continue;
		}
		if (!p->twin) {
			p->status = ST_NEW;
			continue;
		}
		if (function_changed(p->twin, p, &changed))
			return -1;
		p->status = p->twin->status = changed ? ST_CHANGED : ST_SAME;
	}
	return 0;
}

/* A changed .cold part means its parent changed; a changed parent takes its cold part. */
static void propagate_cold_parts(struct diff_ctx *ctx)
{
	struct obj_symbol *p;

	for_each_sym(ctx->patched, p) {
		if (!is_func_sym(p) || !p->parent)
			continue;
		if ((p->status == ST_CHANGED || p->status == ST_NEW) && p->parent->status == ST_SAME)
			p->parent->status = ST_CHANGED;
	}
	for_each_sym(ctx->patched, p) {
		if (is_func_sym(p) && p->cold && p->status == ST_CHANGED && p->cold->status == ST_SAME)
			p->cold->status = ST_CHANGED;
	}
}

/*
 * ftrace sites.  An x86-64 kernel function that ftrace (and so livepatch)
 * can redirect starts with a 5-byte site, right after an endbr64 with IBT:
 * `call __fentry__` (R_X86_64_PC32 from older binutils, R_X86_64_PLT32 from
 * newer), or a 5-byte NOP in its place: objtool --mcount --mnop leaves the
 * call's relocation as R_X86_64_NONE, gcc -mnop-mcount leaves none, and
 * then the __mcount_loc entry (gcc -mrecord-mcount or objtool --mcount)
 * that points at the site is the evidence.  __patchable_function_entries
 * (the padding of CONFIG_CALL_PADDING, before the function) is no evidence:
 * notrace functions have it too.
 */
static const unsigned char endbr64_insn[] = { 0xf3, 0x0f, 0x1e, 0xfa };
static const unsigned char nop5_insn[] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };

/* The bytes of @f at @off, if @len of them are there. */
static const unsigned char *func_bytes(const struct obj_symbol *f, uint64_t off, uint64_t len)
{
	if (!f->sec->buf || f->offset + off + len > f->sec->size)
		return NULL;
	return (const unsigned char *)f->sec->buf + f->offset + off;
}

/* Is there a `call __fentry__` (or the NOP objtool made of it) at @site of @f? */
static bool is_fentry_call(const struct obj_symbol *f, uint64_t site)
{
	const unsigned char *code = func_bytes(f, site, 5);
	const struct obj_reloc *r;

	if (!code || !f->sec->rela)
		return false;
	for_each_reloc(f->sec->rela, r) {
		if (r->offset != f->offset + site + 1 || strcmp(r->sym->name, "__fentry__"))
			continue;
		if (r->type == R_X86_64_PC32 || r->type == R_X86_64_PLT32)
			return code[0] == 0xe8;
		if (r->type == R_X86_64_NONE)
			return !memcmp(code, nop5_insn, sizeof(nop5_insn));
	}
	return false;
}

/* Does an __mcount_loc entry of @elf point at @site of @f, a call or a 5-byte NOP? */
static bool is_mcount_site(const struct obj *elf, const struct obj_symbol *f, uint64_t site)
{
	const struct obj_section *mc = find_section_by_name(elf, "__mcount_loc");
	const unsigned char *code = func_bytes(f, site, 5);
	const struct obj_reloc *r;

	if (!mc || !mc->rela || !code || (code[0] != 0xe8 && memcmp(code, nop5_insn, 5)))
		return false;
	for_each_reloc(mc->rela, r) {
		uint64_t base = is_section_sym(r->sym) ? 0 : r->sym->offset;

		if (r->sym->sec == f->sec && r->type == R_X86_64_64 &&
		    base + (uint64_t)r->addend == f->offset + site)
			return true;
	}
	return false;
}

/* Offset of @f's ftrace site (0, or 4 after an endbr64), or -1 if it has none. */
static int64_t fentry_offset(const struct obj *elf, const struct obj_symbol *f)
{
	const unsigned char *code = func_bytes(f, 0, sizeof(endbr64_insn));
	uint64_t site = code && !memcmp(code, endbr64_insn, sizeof(endbr64_insn)) ? 4 : 0;

	if (is_fentry_call(f, site) || is_mcount_site(elf, f, site))
		return (int64_t)site;
	return -1;
}

static int refuse_unpatchable_functions(struct diff_ctx *ctx)
{
	struct obj_symbol *p;

	for_each_changed_func(ctx->patched, p) {
		if (is_init_sec(p->sec) && p->forced) {
			p->status = ST_SAME;	/* the author drops this change */
			continue;
		}
		if (is_init_sec(p->sec))
			return refuse_at(ctx->orig_name, p->name, 0,
					 "changed __init function: it ran at boot and its code has been "
					 "freed; make the change where the result is used, or in a "
					 "patch callback");
		if (p->parent)
			continue;	/* .cold parts are reached through their parent */
		if (fentry_offset(ctx->orig, p->twin) < 0)
			return refuse_at(ctx->orig_name, p->name, 0,
					 "changed function has no fentry call (notrace or not "
					 "traceable), so ftrace cannot redirect it; patch its callers "
					 "instead");
	}
	return 0;
}

/* Is @s a static local variable (name.N) of writable data? */
static bool is_static_local_var(const struct obj_symbol *s)
{
	return is_object_sym(s) && is_local_sym(s) && s->sec && (s->sec->sh.sh_flags & SHF_WRITE) &&
	       strchr(s->name, '.') && !is_special_static(s);
}

/* A static local of @f (either object) that has no twin in the other, or NULL. */
static struct obj_symbol *uncorrelated_static_local(const struct obj_symbol *f)
{
	struct obj_reloc *r;

	if (!f->sec->rela)
		return NULL;
	for_each_reloc(f->sec->rela, r) {
		int64_t add;
		struct obj_symbol *t = reloc_target_symbol(r, &add);

		if (!t->twin && is_static_local_var(t))
			return t;
	}
	return NULL;
}

/*
 * A function of the output (changed, or new: a .part, .isra or .cold clone
 * the compiler split out) must use the running kernel's copy of every
 * static local that was there before.  One without a twin while ORIG.o
 * has statics of the same base name without a twin is one that
 * correlate.c could not tell apart: refuse, naming the candidates.
 */
static int refuse_ambiguous_static_locals(struct diff_ctx *ctx)
{
	struct obj_symbol *p;
	char desc[2048];

	for_each_sym(ctx->patched, p) {
		const struct obj_reloc *r;

		if (!is_func_sym(p) || !p->sec || !p->sec->rela || p->forced || is_init_sec(p->sec) ||
		    (p->status != ST_CHANGED && p->status != ST_NEW))
			continue;
		if (p->parent && p->parent->status == ST_SAME)
			continue;	/* a new part of an unchanged function is not output */
		for_each_reloc(p->sec->rela, r) {
			int64_t add;
			struct obj_symbol *t;

			if (r->offset < p->offset || r->offset >= p->offset + p->size)
				continue;
			t = reloc_target_symbol(r, &add);
			if (t->twin || !is_static_local(t) ||
			    !static_local_candidates(ctx, t, desc, sizeof(desc)))
				continue;
			return refuse_at(ctx->orig_name, p->name, 0,
					 "static local '%s' matches no single one of the original's "
					 "(%s): the objects do not say which holds the running "
					 "kernel's state; move the state to a shadow variable, or mark "
					 "the function KPATCH_FORCE_UNSAFE to start from fresh copies",
					 t->name, desc);
		}
	}
	return 0;
}

/*
 * A changed function that used a static local in ORIG.o that is gone, and
 * uses one in PATCHED.o that is new, has most likely had it renamed or its
 * type changed: the patched function would start from a fresh copy and
 * silently lose the running kernel's state.  Refuse.
 */
static int refuse_lost_static_locals(struct diff_ctx *ctx)
{
	struct obj_symbol *p, *fresh, *lost;

	for_each_changed_func(ctx->patched, p) {
		if (!p->twin || p->forced)
			continue;
		fresh = uncorrelated_static_local(p);
		lost = fresh ? uncorrelated_static_local(p->twin) : NULL;
		if (lost)
			return refuse_at(ctx->orig_name, p->name, 0,
					 "static local '%s' replaces the original's '%s', so the "
					 "patched function would start from a fresh copy and lose the "
					 "running kernel's state; keep the variable's name and type, "
					 "or move the state to a shadow variable", fresh->name, lost->name);
	}
	return 0;
}

int compare_objects(struct diff_ctx *ctx)
{
	int ret = -1;

	if (anon_targets_build(&anon_targets[0], ctx->orig) ||
	    anon_targets_build(&anon_targets[1], ctx->patched) ||
	    compare_data(ctx) || compare_functions(ctx) || compare_special_entries(ctx))
		goto out;
	propagate_cold_parts(ctx);
	if (refuse_unpatchable_functions(ctx) || refuse_ambiguous_static_locals(ctx) ||
	    refuse_lost_static_locals(ctx))
		goto out;
	ret = 0;
out:
	anon_targets_free();
	return ret;
}
