/* SPDX-License-Identifier: GPL-2.0 */
/*
 * create-diff-object/cdo.h - the differ's shared state and its steps.
 *
 * main() reads as the table of contents: load, correlate, compare, refuse
 * what cannot be patched, include what the changed functions need, write.
 * Each step lives in its own file and returns 0 or -1 (error recorded with
 * lib/log.h).
 */
#ifndef KP_CDO_H
#define KP_CDO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elf.h"
#include "symtab.h"

/* Everything one run of the differ works on. */
struct diff_ctx {
	struct obj *orig;		/* ORIG.o */
	struct obj *patched;		/* PATCHED.o */
	struct obj *out;		/* the output object being built */
	const char *orig_name;		/* basename of ORIG.o, for messages and reports */
	const char *parent_name;	/* "vmlinux" or the parent module's name */
	bool parent_is_module;		/* parent_name != "vmlinux" */
	const char *patch_name;		/* PATCH-MODULE-NAME */
	struct parent_symtab *parent;	/* the parent's symbol table */
	struct symvers *symvers;	/* the kernel's exports */
	long file_group;		/* FILE group of this object in the parent, 0 = unknown */
	bool file_group_done;		/* file_group has been looked up */
	size_t nr_changed;		/* changed functions found */
	size_t nr_new;			/* new functions found */
	struct obj_section *out_strings;	/* output .kpatch.strings */
	struct obj_section *out_funcs;		/* output .kpatch.funcs */
	struct obj_section *out_klp_relocs;	/* output .kpatch.klp_relocs */
};

/* main.c: the whole command; returns the exit status. */
int cdo_main(int argc, char **argv);
/* The program, not the fuzzer: cdo_main() leaves the freeing to exit. */
void cdo_exit_without_freeing(void);

/* correlate.c: pair sections and symbols of orig and patched (twin). */
int correlate(struct diff_ctx *ctx);
bool is_special_static(const struct obj_symbol *sym);
bool is_merged_data_sym(const struct obj_symbol *sym);
/* A static local variable: var.N (gcc), fn.var or fn.var.N (clang). */
bool is_static_local(const struct obj_symbol *sym);
/*
 * Describe into @buf the untwinned static locals of both objects that share
 * untwinned static local @p's base name, with the functions using them;
 * returns how many ORIG.o has.
 */
size_t static_local_candidates(const struct diff_ctx *ctx, const struct obj_symbol *p,
			       char *buf, size_t len);
/* Name without compiler-added numbering (".isra.3" -> ".isra", "x.12" -> "x."). */
void canonical_name(const char *name, char *buf, size_t len);

/* changes.c: decide which functions changed; refuse what cannot be patched. */
int compare_objects(struct diff_ctx *ctx);
bool is_init_sec(const struct obj_section *sec);
bool relocs_equivalent(const struct obj_reloc *a, const struct obj_reloc *b);
bool syms_equivalent(const struct obj_symbol *a, const struct obj_symbol *b,
		     int64_t addend_a, int64_t addend_b);

/* special.c: the table of special sections and their entries. */
struct special_sec;
const struct special_sec *find_special(const char *name);
bool is_special_sec(const struct obj_section *sec);
/* Compare the entries that belong to each function; mark functions changed. */
int compare_special_entries(struct diff_ctx *ctx);
/* Include what the entries of included functions point to. */
int include_special_targets(struct diff_ctx *ctx,
			    int (*include_target)(struct diff_ctx *, const struct obj_reloc *));
/* Copy the entries of included functions into the output. */
int output_special_sections(struct diff_ctx *ctx);

/* include.c: mark what the output must hold. */
int include_changed_functions(struct diff_ctx *ctx);

/* marks.c: what the author said with kpatch-macros.h. */
bool is_author_sec(const struct obj_section *sec);
int read_author_marks(struct diff_ctx *ctx);
void propagate_author_marks(struct diff_ctx *ctx);
int output_author_records(struct diff_ctx *ctx);

/* output.c: build the output object and the livepatch metadata. */
/* Point the u64 at @off of @sec at string @s of .kpatch.strings. */
int output_meta_string(struct diff_ctx *ctx, struct obj_section *sec, uint64_t off,
		       const char *s);
int build_output(struct diff_ctx *ctx);
/* Print what the output holds (after it was written); frees the report. */
void report_output(struct diff_ctx *ctx);
void report_output_discard(void);	/* forget it (the write failed) */
/* Copy relocation @r of an included patched section to output section @osec. */
int output_reloc(struct diff_ctx *ctx, struct obj_section *osec,
		 uint64_t offset, const struct obj_reloc *r);
/* @sec's header with the fields that name other sections cleared. */
GElf_Shdr output_shdr(const struct obj_section *sec);
/* The output symbol for included patched symbol @sym (created on demand). */
struct obj_symbol *output_symbol(struct diff_ctx *ctx, struct obj_symbol *sym);

/* The function (FUNC symbol) a relocation target refers to, resolving
 * section symbols through the covering symbol. */
struct obj_symbol *reloc_target_symbol(const struct obj_reloc *r, int64_t *addend);

#define for_each_changed_func(elf, s)					\
	for_each_sym(elf, s)						\
		if (is_func_sym(s) && (s)->status == ST_CHANGED)

#endif /* KP_CDO_H */
