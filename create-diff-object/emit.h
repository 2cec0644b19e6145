/* SPDX-License-Identifier: GPL-2.0 */
/*
 * create-diff-object/emit.h - the output primitives (emit.c), below the
 * steps that build OUTPUT.o (output.c, special.c, marks.c) and above
 * model.h.  Nothing here calls a step.
 */
#ifndef KP_CDO_EMIT_H
#define KP_CDO_EMIT_H

#include "model.h"

/* Where a parent symbol lives: kernel object name and sympos. */
struct parent_ref {
	const char *obj;		/* "vmlinux" or module name */
	const char *name;		/* symbol name in the parent */
	unsigned int sympos;		/* livepatch position */
};

/* @sec's header with the fields that name other sections cleared: links and
 * infos name sections of PATCHED.o (the writer recomputes them for rela
 * sections), groups and link-order pairs do not survive a selection. */
GElf_Shdr emit_shdr(const struct obj_section *sec);
/* The output symbol for included patched symbol @sym (created on demand). */
struct obj_symbol *emit_symbol(struct diff_ctx *ctx, struct obj_symbol *sym);
/* Copy relocation @r of an included patched section to @offset of output section @osec. */
int emit_reloc(struct diff_ctx *ctx, struct obj_section *osec, uint64_t offset,
	       const struct obj_reloc *r);
/* Point the u64 at @off of @sec at string @s of .kpatch.strings. */
int emit_string_ref(struct diff_ctx *ctx, struct obj_section *sec, uint64_t off, const char *s);
/* Find the parent's copy of unchanged symbol @p (PATCHED.o; its twin is
 * what the kernel has).  Returns 0 and fills @ref, or -1. */
int resolve_parent_symbol(struct diff_ctx *ctx, const struct obj_symbol *p,
			  struct parent_ref *ref);
/* Print the livepatch and undefined symbols the output needs, sorted. */
void emit_report(struct diff_ctx *ctx);
void emit_forget(void);		/* free the names collected for the report */

#endif /* KP_CDO_EMIT_H */
