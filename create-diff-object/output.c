// SPDX-License-Identifier: GPL-2.0
/*
 * output.c - the steps that build OUTPUT.o with emit.c: the included
 * sections and symbols of PATCHED.o, their relocations re-pointed, and the
 * livepatch metadata (templates/kpatch-meta.h):
 *  - .kpatch.funcs: which new function replaces which old one;
 *  - .kpatch.klp_relocs: every reference the module loader cannot
 *    resolve (emit.c);
 *  - .kpatch.strings: the names both point to;
 * then the report of what was written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cdo.h"
#include "kpatch-meta.h"
#include "log.h"

static int create_meta_sections(struct diff_ctx *ctx)
{
	GElf_Shdr sh = { .sh_type = SHT_PROGBITS, .sh_flags = SHF_ALLOC, .sh_addralign = 1 };

	GElf_Shdr note = { .sh_type = SHT_PROGBITS, .sh_addralign = 1 };

	/* no executable stack (ld warns about objects without the note) */
	if (!obj_add_section(ctx->out, ".note.GNU-stack", &note, NULL, 0))
		return -1;
	ctx->out_strings = obj_add_section(ctx->out, KPATCH_STRINGS_SEC, &sh, NULL, 0);
	sh.sh_addralign = 8;
	ctx->out_funcs = obj_add_section(ctx->out, KPATCH_FUNCS_SEC, &sh, NULL, 0);
	ctx->out_klp_relocs = obj_add_section(ctx->out, KPATCH_KLP_RELOCS_SEC, &sh, NULL, 0);
	if (!ctx->out_strings || !ctx->out_funcs || !ctx->out_klp_relocs)
		return -1;
	return 0;
}

int copy_included_sections(struct diff_ctx *ctx)
{
	struct obj_section *sec;
	struct obj_symbol *s;

	for_each_sec(ctx->patched, sec) {
		if (!sec->include || is_rela_sec(sec))
			continue;
		GElf_Shdr sh = emit_shdr(sec);

		sec->priv = obj_add_section(ctx->out, sec->name, &sh, sec->buf, sec->size);
		if (!sec->priv)
			return -1;
		((struct obj_section *)sec->priv)->sh.sh_size = sec->sh.sh_size;
	}
	for_each_sym(ctx->patched, s) {
		if (s->include && !is_section_sym(s) && s->sec && s->sec->include &&
		    !emit_symbol(ctx, s))
			return -1;
	}
	return 0;
}

int copy_included_relocations(struct diff_ctx *ctx)
{
	struct obj_section *sec;
	struct obj_reloc *r;

	for_each_sec(ctx->patched, sec) {
		if (!sec->include || is_rela_sec(sec) || !sec->rela)
			continue;
		for_each_reloc(sec->rela, r)
			if (emit_reloc(ctx, sec->priv, r->offset, r))
				return -1;
	}
	return 0;
}

/* One .kpatch.funcs record per replaced function. */
int output_func_records(struct diff_ctx *ctx)
{
	struct obj_symbol *p;
	struct parent_ref ref;

	for_each_changed_func(ctx->patched, p) {
		struct kpatch_func rec = { 0 };
		int64_t at;

		if (p->parent || !p->include)
			continue;	/* .cold parts have no fentry of their own */
		if (resolve_parent_symbol(ctx, p, &ref))
			return -1;
		rec.old_sympos = ref.sympos;
		at = obj_section_append(ctx->out_funcs, &rec, sizeof(rec), 8);
		if (at < 0)
			return -1;
		if (!obj_add_reloc(ctx->out, ctx->out_funcs,
				   (uint64_t)at + offsetof(struct kpatch_func, new_func), R_X86_64_64,
				   emit_symbol(ctx, p), 0))
			return -1;
		if (emit_string_ref(ctx, ctx->out_funcs,
				    (uint64_t)at + offsetof(struct kpatch_func, old_name), ref.name) ||
		    emit_string_ref(ctx, ctx->out_funcs,
				    (uint64_t)at + offsetof(struct kpatch_func, obj_name), ref.obj))
			return -1;
	}
	return 0;
}

/*
 * A new global of the output named like a global of the parent: within the
 * module, the patch's own references get the new one (the module link
 * resolves them), the kernel's callers keep the parent's.  In a full kernel
 * build the two would clash unless the parent's is weak.
 */
static void warn_new_globals_named_like_parent(struct diff_ctx *ctx)
{
	struct obj_symbol *p;

	for_each_sym(ctx->patched, p) {
		if (p->status != ST_NEW || !p->include || is_local_sym(p) || is_undef_sym(p) ||
		    !(is_func_sym(p) || is_object_sym(p)) ||
		    !parent_find_global(ctx->parent, p->name))
			continue;
		warn("%s: %s: the new global %s has the name of a global of %s: the patch's "
		     "references get the new one, the kernel's keep %s's; rename it or make it "
		     "static unless that is meant", ctx->orig_name, p->name,
		     is_func_sym(p) ? "function" : "variable", ctx->parent_name, ctx->parent_name);
	}
}

void report_output(struct diff_ctx *ctx)
{
	struct obj_symbol *p;

	warn_new_globals_named_like_parent(ctx);

	for_each_sym(ctx->patched, p) {
		if (!is_func_sym(p) || !p->include || p->parent)
			continue;
		if (p->status == ST_CHANGED)
			printf("%s: changed function: %s\n", ctx->orig_name, p->name);
	}
	for_each_sym(ctx->patched, p) {
		if (!is_func_sym(p) || !p->include || p->parent)
			continue;
		if (p->status == ST_NEW)
			printf("%s: new function: %s\n", ctx->orig_name, p->name);
	}
	for_each_sym(ctx->patched, p)
		if (is_object_sym(p) && p->include && p->status == ST_NEW && !is_local_sym(p))
			printf("%s: new variable: %s\n", ctx->orig_name, p->name);
	emit_report(ctx);
}

static int add_file_symbol(struct diff_ctx *ctx)
{
	struct obj_symbol *s;

	for_each_sym(ctx->orig, s)
		if (is_file_sym(s)) {
			struct obj_symbol *f = obj_add_symbol(ctx->out, s->name, STB_LOCAL, STT_FILE,
							      NULL, 0, 0);

			if (!f)
				return -1;
			f->sym.st_shndx = SHN_ABS;
			return 0;
		}
	return 0;
}

int start_output(struct diff_ctx *ctx)
{
	ctx->out = obj_create("OUTPUT.o");
	if (!ctx->out)
		return -1;
	return add_file_symbol(ctx) || create_meta_sections(ctx) ? -1 : 0;
}
