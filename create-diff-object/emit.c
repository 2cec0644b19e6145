// SPDX-License-Identifier: GPL-2.0
/*
 * emit.c - the primitives the output steps write with: a section header,
 * a symbol and a relocation of PATCHED.o copied into OUTPUT.o, a reference
 * to a string of .kpatch.strings, and the parent's copy of a symbol.  A
 * relocation to what the output does not hold becomes an undefined symbol
 * for the module loader or the module link, or a livepatch relocation
 * (.kpatch.klp_relocs, which create-klp-module turns into .klp.rela
 * sections after the module link).  The names that need the kernel or the
 * link are collected for the report printed after the output is written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "kpatch-meta.h"
#include "log.h"
#include "strpool.h"

/* Names reported once each, sorted, after the output is written. */
static struct strtab_out klp_names;	/* "livepatch symbol:" lines: "obj.name,pos" */
static struct strtab_out link_names;	/* "undefined symbol:" lines */

static int report_set_add(struct strtab_out *set, const char *text)
{
	if ((!set->buf && strtab_init(set)) || strtab_add(set, text) < 0)
		return error_obj("create-diff-object", "out of memory");
	return 0;
}

static int note_klp_symbol(const char *obj, const char *name, unsigned int pos)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "%s.%s,%u", obj, name, pos);
	return report_set_add(&klp_names, buf);
}

/* Offset of @s in .kpatch.strings (appended once per distinct string). */
static int64_t meta_string(struct diff_ctx *ctx, const char *s)
{
	const char *buf = ctx->out_strings->buf;
	size_t len = strlen(s) + 1;

	for (size_t off = 0; buf && off + len <= ctx->out_strings->size;) {
		if (!memcmp(buf + off, s, len))
			return (int64_t)off;
		off += strlen(buf + off) + 1;
	}
	return obj_section_append(ctx->out_strings, s, len, 1);
}

int emit_string_ref(struct diff_ctx *ctx, struct obj_section *sec, uint64_t off, const char *s)
{
	int64_t at = meta_string(ctx, s);

	if (at < 0)
		return -1;
	return obj_add_reloc(ctx->out, sec, off, R_X86_64_64,
			     obj_section_symbol(ctx->out, ctx->out_strings), at) ? 0 : -1;
}

static long object_file_group(struct diff_ctx *ctx)
{
	const char **locals;
	struct obj_symbol *s, *file = NULL;
	size_t n = 0;

	if (ctx->file_group_done)
		return ctx->file_group;
	ctx->file_group_done = true;
	locals = calloc(ctx->orig->nr_symbols + 1, sizeof(*locals));
	if (!locals)
		return error_obj("create-diff-object", "out of memory");
	for_each_sym(ctx->orig, s) {
		if (is_file_sym(s) && !file)
			file = s;
		if (is_local_sym(s) && (is_func_sym(s) || is_object_sym(s)))
			locals[n++] = s->name;
	}
	ctx->file_group = file ? parent_find_file_group(ctx->parent, file->name, locals, n) : 0;
	free(locals);
	return ctx->file_group;
}

/*
 * A module stripped of its FILE symbols (distribution modules are: strip
 * --strip-debug drops them) has all its locals in group 0: a name is found
 * only when it is unique in the module.
 */
static bool is_stripped_module(const struct parent_symtab *parent)
{
	return parent->is_module && parent->nr_files <= 1;
}

static int resolve_stripped_module_local(struct diff_ctx *ctx, const struct obj_symbol *o,
					 struct parent_ref *ref)
{
	const struct parent_sym *ps = parent_find_local(ctx->parent, 0, o->name);
	size_t n = parent_count_local(ctx->parent, 0, o->name);

	if (!ps)
		return error_at(ctx->orig_name, o->name, 0,
				"local symbol not found in the parent (%s), so it cannot be "
				"referenced; it may have been inlined or discarded in the kernel",
				ctx->parent->path);
	if (n > 1)
		return error_at(ctx->orig_name, o->name, 0,
				"the parent module (%s) has no FILE symbols and %zu local symbols "
				"of this name: cannot tell which one this object's is", ctx->parent->path, n);
	ref->sympos = ps->sympos;
	return 0;
}

int resolve_parent_symbol(struct diff_ctx *ctx, const struct obj_symbol *p,
			  struct parent_ref *ref)
{
	const struct obj_symbol *o = p->twin ? p->twin : p;
	const struct parent_sym *ps;
	long group;

	ref->obj = ctx->parent_name;
	ref->name = o->name;
	if (!is_local_sym(o)) {
		ps = parent_find_global(ctx->parent, o->name);
		if (!ps)
			return error_at(ctx->orig_name, o->name, 0,
					"global symbol not found in the parent's symbol table (%s); "
					"is PARENT-SYMTAB from the same build as ORIG.o?",
					ctx->parent->path);
		ref->sympos = ps->sympos;
		return 0;
	}
	if (is_stripped_module(ctx->parent))
		return resolve_stripped_module_local(ctx, o, ref);
	group = object_file_group(ctx);
	if (group < 0)
		return -1;
	if (group == 0)
		return error_at(ctx->orig_name, o->name, 0,
				"this object's FILE symbol matches no file in the parent's symbol "
				"table (%s); is it linked into %s?", ctx->parent->path, ctx->parent_name);
	ps = parent_find_local(ctx->parent, (unsigned int)group, o->name);
	if (!ps)
		return error_at(ctx->orig_name, o->name, 0,
				"local symbol not found in the parent (%s), so it cannot be "
				"referenced; it may have been inlined or discarded in the kernel",
				ctx->parent->path);
	ref->sympos = ps->sympos;
	return 0;
}

/* An undefined symbol of the output (@bind: STB_GLOBAL or STB_WEAK), left
 * for the module link and the module loader. */
static struct obj_symbol *output_undefined(struct diff_ctx *ctx, const char *name,
					   unsigned char bind)
{
	struct obj_symbol *s = find_symbol_by_name(ctx->out, name);

	if (s && is_undef_sym(s))
		return s;
	return obj_add_symbol(ctx->out, name, bind, STT_NOTYPE, NULL, 0, 0);
}

static int add_klp_reloc(struct diff_ctx *ctx, struct obj_section *osec, uint64_t offset,
			 const struct obj_reloc *r, int64_t addend, const struct parent_ref *ref)
{
	struct kpatch_klp_reloc rec = { .addend = addend, .type = r->type, .sympos = ref->sympos };
	struct obj_section *k = ctx->out_klp_relocs;
	int64_t at;

	at = obj_section_append(k, &rec, sizeof(rec), 8);
	if (at < 0)
		return -1;
	if (!obj_add_reloc(ctx->out, k, (uint64_t)at + offsetof(struct kpatch_klp_reloc, dest),
			   R_X86_64_64, obj_section_symbol(ctx->out, osec), (int64_t)offset))
		return -1;
	if (emit_string_ref(ctx, k, (uint64_t)at + offsetof(struct kpatch_klp_reloc, sym_name),
			    ref->name) ||
	    emit_string_ref(ctx, k, (uint64_t)at + offsetof(struct kpatch_klp_reloc, obj_name),
			    ref->obj))
		return -1;
	/* the loader insists on zero bytes where a livepatch relocation goes */
	if (osec->buf && offset + 4 <= osec->size)
		memset((char *)osec->buf + offset, 0, r->type == R_X86_64_64 ? 8 : 4);
	return note_klp_symbol(ref->obj, ref->name, ref->sympos);
}

/* Provided by the patch module itself (patch-hook.c), e.g. kpatch_this_patch(). */
static bool is_patch_module_symbol(const char *name)
{
	return !strncmp(name, "kpatch_", 7);
}

/* A relocation to an undefined symbol that the module loader resolves. */
static int output_loader_reloc(struct diff_ctx *ctx, struct obj_section *osec, uint64_t offset,
			       const struct obj_reloc *r, const char *name, int64_t addend)
{
	struct obj_symbol *u = output_undefined(ctx, name, STB_GLOBAL);

	return u && obj_add_reloc(ctx->out, osec, offset, r->type, u, addend) ? 0 : -1;
}

/*
 * A relocation to @t, undefined in PATCHED.o and known to neither the
 * parent nor MODULE.SYMVERS: a plain relocation to an undefined symbol,
 * left for the module link.  Another object of the same patch may define
 * it (a new global function in a.c called from b.c); create-klp-module
 * refuses the module if nothing does (a weak reference may stay 0).
 */
static int output_link_reloc(struct diff_ctx *ctx, struct obj_section *osec, uint64_t offset,
			     const struct obj_reloc *r, const struct obj_symbol *t,
			     const char *name, int64_t addend)
{
	bool weak = t->bind == STB_WEAK;
	struct obj_symbol *u = output_undefined(ctx, name, weak ? STB_WEAK : STB_GLOBAL);
	char text[1024];

	if (!u || !obj_add_reloc(ctx->out, osec, offset, r->type, u, addend))
		return -1;
	debug("%s+0x%llx: %s is neither in %s nor exported: left for the module link",
	      osec->name, (unsigned long long)offset, name, ctx->parent_name);
	snprintf(text, sizeof(text), "%s (%sleft for the module link)", name,
		 u->bind == STB_WEAK ? "weak, " : "");
	return report_set_add(&link_names, text);
}

/*
 * A reference from included code to @t, which the output does not hold:
 *  - an export (of vmlinux, or of another module) stays an undefined
 *    symbol for the module loader;
 *  - anything of the parent module, exported or not, becomes a livepatch
 *    relocation, since that module may load after the patch;
 *  - a non-exported or local symbol of vmlinux becomes a livepatch
 *    relocation with its sympos;
 *  - an undefined symbol that neither the parent nor MODULE.SYMVERS knows
 *    stays undefined for the module link (output_link_reloc()).
 */
static int output_external_reloc(struct diff_ctx *ctx, struct obj_section *osec,
				 uint64_t offset, const struct obj_reloc *r,
				 struct obj_symbol *t, int64_t addend)
{
	const char *name = t->twin ? t->twin->name : t->name;
	const struct parent_sym *ps;
	struct parent_ref ref;

	if (is_undef_sym(t) && is_patch_module_symbol(name))
		return output_loader_reloc(ctx, osec, offset, r, name, addend);
	if (is_undef_sym(t)) {
		ps = parent_find_global(ctx->parent, name);
		if (symvers_find(ctx->symvers, name) && !(ctx->parent_is_module && ps))
			return output_loader_reloc(ctx, osec, offset, r, name, addend);
		if (!ps)
			return output_link_reloc(ctx, osec, offset, r, t, name, addend);
		ref.obj = ctx->parent_name;
		ref.name = name;
		ref.sympos = ps->sympos;
		return add_klp_reloc(ctx, osec, offset, r, addend, &ref);
	}
	if (!is_local_sym(t) && !ctx->parent_is_module && symvers_find(ctx->symvers, name))
		return output_loader_reloc(ctx, osec, offset, r, name, addend);
	if (resolve_parent_symbol(ctx, t, &ref))
		return -1;
	return add_klp_reloc(ctx, osec, offset, r, addend, &ref);
}

GElf_Shdr emit_shdr(const struct obj_section *sec)
{
	GElf_Shdr sh = sec->sh;

	sh.sh_link = 0;
	sh.sh_info = 0;
	sh.sh_flags &= ~(GElf_Xword)(SHF_GROUP | SHF_LINK_ORDER);
	return sh;
}

struct obj_symbol *emit_symbol(struct diff_ctx *ctx, struct obj_symbol *sym)
{
	struct obj_section *osec;
	struct obj_symbol *o;

	if (sym->priv)
		return sym->priv;
	if (is_section_sym(sym)) {
		osec = sym->sec ? sym->sec->priv : NULL;
		o = osec ? obj_section_symbol(ctx->out, osec) : NULL;
	} else {
		osec = sym->sec ? sym->sec->priv : NULL;
		if (!osec)
			return NULL;
		o = obj_add_symbol(ctx->out, sym->name, sym->bind, sym->type, osec, sym->offset,
				   sym->size);
	}
	sym->priv = o;
	return o;
}

int emit_reloc(struct diff_ctx *ctx, struct obj_section *osec, uint64_t offset,
	       const struct obj_reloc *r)
{
	struct obj_symbol *t = r->sym, *o;
	int64_t addend = r->addend;

	if (is_section_sym(t) && t->sec && !t->sec->include)
		t = reloc_target_symbol(r, &addend);
	if (t->sec && t->sec->include) {
		o = emit_symbol(ctx, t);
		if (!o)
			return error_at(ctx->orig_name, t->name, 0, "cannot copy symbol to output");
		return obj_add_reloc(ctx->out, osec, offset, r->type, o, addend) ? 0 : -1;
	}
	if (is_section_sym(t))
		return error_at(ctx->orig_name, osec->name, offset,
				"reference to anonymous data in %s that is neither copied nor named",
				t->sec ? t->sec->name : "?");
	return output_external_reloc(ctx, osec, offset, r, t, addend);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void print_report_set(struct diff_ctx *ctx, struct strtab_out *set, const char *what)
{
	const char **names = set->buf ? malloc((set->nr_used + 1) * sizeof(*names)) : NULL;
	size_t n = 0;

	/* the table: "\0" first, then each name once */
	for (size_t off = 1; names && off < set->len; off += strlen(set->buf + off) + 1)
		names[n++] = set->buf + off;
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++)
		printf("%s: %s: %s\n", ctx->orig_name, what, names[i]);
	free(names);
}

void emit_report(struct diff_ctx *ctx)
{
	print_report_set(ctx, &klp_names, "livepatch symbol");
	print_report_set(ctx, &link_names, "undefined symbol");
}

void emit_forget(void)
{
	strtab_free(&klp_names);
	strtab_free(&link_names);
}
