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

/* The relocations of @o (ORIG) and of @p (PATCHED) in their ranges. */
static int spans_of(const struct obj_symbol *o, const struct obj_symbol *p,
		    struct reloc_span *ospan, struct reloc_span *pspan)
{
	if (relocs_in(o->sec, o->offset, o->size, ospan))
		return -1;
	if (relocs_in(p->sec, p->offset, p->size, pspan)) {
		free(ospan->relocs);
		return -1;
	}
	return 0;
}

/* Do the relocations of @o and @p match, offset for offset? */
static bool spans_match(const struct obj_symbol *o, const struct obj_symbol *p,
			const struct reloc_span *ospan, const struct reloc_span *pspan)
{
	if (ospan->nr != pspan->nr)
		return false;
	for (size_t i = 0; i < pspan->nr; i++) {
		const struct obj_reloc *ra = ospan->relocs[i], *rb = pspan->relocs[i];

		if (ra->offset - o->offset != rb->offset - p->offset || !relocs_equivalent(ra, rb))
			return false;
	}
	return true;
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
	if (spans_of(o, p, &ospan, &pspan))
		return -1;
	*changed = !spans_match(o, p, &ospan, &pspan) ||
		   (code_bytes_differ(o, p, &ospan, &pspan, is_init_sec(p->sec), &only_lines) &&
		    !only_lines);
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
	if (spans_of(o, p, &ospan, &pspan))
		return -1;
	/* bytes under relocations are zero in RELA objects; compare all */
	*changed = !spans_match(o, p, &ospan, &pspan) ||
		   memcmp((char *)o->sec->buf + o->offset, (char *)p->sec->buf + p->offset, p->size);
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

	if (spans_of(o, p, &ospan, &pspan))
		return NULL;
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

/* "'lock.2' (used by cdo_a, cdo_b)": the static and the functions using it. */
static void describe_static(const struct obj *elf, const struct obj_symbol *s,
			    char *buf, size_t len, size_t *used)
{
	const struct obj_section *rsec;
	const struct obj_reloc *r;
	const struct obj_symbol *seen[8];
	size_t nr = 0, more = 0;

	for_each_sec(elf, rsec) {
		if (!is_rela_sec(rsec) || !rsec->base || !is_text_sec(rsec->base))
			continue;
		for_each_reloc(rsec, r) {
			int64_t add;
			const struct obj_symbol *f;
			size_t k;

			if (reloc_target_symbol(r, &add) != s || !(f = reloc_function(rsec, r)))
				continue;
			for (k = 0; k < nr && seen[k] != f; k++)
				;
			if (k < nr)
				continue;
			if (nr < sizeof(seen) / sizeof(seen[0]))
				seen[nr++] = f;
			else
				more++;
		}
	}
	appendf(buf, len, used, "'%s' (", s->name);
	if (!nr)
		appendf(buf, len, used, "used by no function");
	for (size_t k = 0; k < nr; k++)
		appendf(buf, len, used, "%s%s", k ? ", " : "used by ", seen[k]->name);
	if (more)
		appendf(buf, len, used, ", ...");
	appendf(buf, len, used, ")");
}

/* List @elf's untwinned static locals of base name @base. */
static size_t describe_statics_of_base(const struct obj *elf, const char *base,
				       char *buf, size_t len, size_t *used)
{
	struct obj_symbol *s;
	char sbase[512];
	size_t n = 0;

	for_each_sym(elf, s) {
		if (s->twin || !is_static_local(s))
			continue;
		base_name(s->name, sbase, sizeof(sbase));
		if (strcmp(sbase, base))
			continue;
		if (n++)
			appendf(buf, len, used, ", ");
		describe_static(elf, s, buf, len, used);
	}
	return n;
}

/*
 * Describe into @buf the untwinned static locals of both objects that share
 * untwinned static local @p's base name, with the functions using them;
 * returns how many ORIG.o has.
 */
static size_t static_local_candidates(const struct diff_ctx *ctx, const struct obj_symbol *p,
				      char *buf, size_t len)
{
	char base[512];
	size_t used = 0, n;

	if (!len)
		return 0;
	buf[0] = '\0';
	base_name(p->name, base, sizeof(base));
	appendf(buf, len, &used, "ORIG.o has ");
	n = describe_statics_of_base(ctx->orig, base, buf, len, &used);
	appendf(buf, len, &used, "; PATCHED.o has ");
	describe_statics_of_base(ctx->patched, base, buf, len, &used);
	return n;
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
	return compare_data(ctx) || compare_functions(ctx) ? -1 : 0;
}

int refuse_unpatchable_changes(struct diff_ctx *ctx)
{
	propagate_cold_parts(ctx);
	return refuse_unpatchable_functions(ctx) || refuse_ambiguous_static_locals(ctx) ||
	       refuse_lost_static_locals(ctx) ? -1 : 0;
}
