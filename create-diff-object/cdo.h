/* SPDX-License-Identifier: GPL-2.0 */
/*
 * create-diff-object/cdo.h - the differ's steps.
 *
 * Layers, each calling only the ones below it:
 *   tools   main.c (run(): the list of steps), cli.c
 *   steps   correlate.c, changes.c, special.c, include.c, marks.c, output.c
 *           (cdo.h); no step calls another
 *   emit    emit.c (emit.h): sections, symbols, relocations, metadata
 *           strings and parent references written into OUTPUT.o
 *   model   equiv.c, tables.c, then model.c (model.h): the run's state,
 *           names and predicates, relocation targets, equivalence, the
 *           special-section tables loaded once per object
 *   lib/    the object model, symbol tables, DWARF, log
 * Each step returns 0 or -1 (error recorded with lib/log.h).
 */
#ifndef KP_CDO_H
#define KP_CDO_H

#include "emit.h"

/* main.c: the whole command; returns the exit status. */
int cdo_main(int argc, char **argv);
/* The program, not the fuzzer: cdo_main() leaves the freeing to exit. */
void cdo_exit_without_freeing(void);

/* correlate.c: pair sections and symbols of orig and patched (twin). */
int correlate(struct diff_ctx *ctx);

/* marks.c: what the author said with kpatch-macros.h. */
int read_author_marks(struct diff_ctx *ctx);
void propagate_author_marks(struct diff_ctx *ctx);	/* after correlate() */
int output_author_records(struct diff_ctx *ctx);	/* callbacks and states */

/* changes.c: decide which functions changed; refuse what cannot be patched. */
int compare_objects(struct diff_ctx *ctx);		/* data and functions */
int refuse_unpatchable_changes(struct diff_ctx *ctx);	/* after every comparison */

/* special.c: the entries of special sections (tables from load_special_tables()). */
int compare_special_entries(struct diff_ctx *ctx);	/* mark their functions changed */
int output_special_sections(struct diff_ctx *ctx);	/* copy those of included functions */

/* include.c: mark what the output must hold. */
int include_changed_functions(struct diff_ctx *ctx);

/* output.c: build the output object and the livepatch metadata. */
int start_output(struct diff_ctx *ctx);		/* FILE symbol, metadata sections */
int copy_included_sections(struct diff_ctx *ctx);	/* and their symbols */
int copy_included_relocations(struct diff_ctx *ctx);
int output_func_records(struct diff_ctx *ctx);		/* .kpatch.funcs */
/* Print what the output holds (after it was written). */
void report_output(struct diff_ctx *ctx);

#endif /* KP_CDO_H */
