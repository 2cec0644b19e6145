// SPDX-License-Identifier: GPL-2.0
/*
 * create-diff-object - compare an object compiled before and after a
 * source patch and write the object a livepatch module is built from.
 *
 *   create-diff-object [-d|--debug] ORIG.o PATCHED.o PARENT-NAME
 *                      PARENT-SYMTAB MODULE.SYMVERS PATCH-MODULE-NAME OUTPUT.o
 *
 * Exit status: 0 output written, 3 no functional change, 2 a change that
 * cannot be live patched, 1 any other error.
 */
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cdo.h"
#include "log.h"

#define EXIT_CHANGED	0
#define EXIT_ERROR	1
#define EXIT_REFUSED	2
#define EXIT_NO_CHANGE	3

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: create-diff-object [-d|--debug] ORIG.o PATCHED.o PARENT-NAME PARENT-SYMTAB\n"
		"                          MODULE.SYMVERS PATCH-MODULE-NAME OUTPUT.o\n"
		"\n"
		"Compare ORIG.o and PATCHED.o (one object compiled before and after a patch, with\n"
		"-ffunction-sections -fdata-sections) and write OUTPUT.o: the changed and new\n"
		"functions with what they need, and the livepatch metadata.\n"
		"\n"
		"  PARENT-NAME     vmlinux, or the module the object is linked into\n"
		"  PARENT-SYMTAB   the parent's symbols: an ELF file or `readelf -s --wide` text\n"
		"  MODULE.SYMVERS  the kernel's exports (/dev/null for none)\n"
		"  -d, --debug     explain every decision on stderr\n"
		"  -h, --help      this text;  --version  the version\n"
		"\n"
		"Exit status: 0 OUTPUT.o written; 3 no functional change (no output);\n"
		"2 a change that cannot be live patched; 1 any other error.\n");
}

static int load_inputs(struct diff_ctx *ctx, char **argv)
{
	ctx->orig = elf_open_read(argv[0]);
	if (!ctx->orig)
		return -1;
	ctx->patched = elf_open_read(argv[1]);
	if (!ctx->patched)
		return -1;
	ctx->parent = parent_symtab_load(argv[3], ctx->parent_is_module);
	if (!ctx->parent)
		return -1;
	ctx->symvers = symvers_load(argv[4]);
	if (!ctx->symvers)
		return -1;
	return 0;
}

static void debug_report(struct diff_ctx *ctx)
{
	struct elf_symbol *s;
	static const char *const status[] = { "unknown", "same", "changed", "new" };

	if (!log_debug_enabled())
		return;
	for_each_sym(ctx->patched, s) {
		if (!is_func_sym(s) && !is_object_sym(s))
			continue;
		debug("%s %s: %s%s%s%s", is_func_sym(s) ? "function" : "object", s->name,
		      status[s->status], s->twin ? ", twin " : ", no twin",
		      s->twin ? s->twin->name : "", s->include ? ", included" : "");
	}
}

static bool has_changes(struct diff_ctx *ctx)
{
	struct elf_symbol *s;

	for_each_sym(ctx->patched, s)
		if (is_func_sym(s) && s->include)
			return true;
	return false;
}

static void free_ctx(struct diff_ctx *ctx)
{
	if (ctx->orig)
		elf_close(ctx->orig);
	if (ctx->patched)
		elf_close(ctx->patched);
	if (ctx->out)
		elf_close(ctx->out);
	if (ctx->parent)
		parent_symtab_free(ctx->parent);
	if (ctx->symvers)
		symvers_free(ctx->symvers);
}

static int run(struct diff_ctx *ctx, char **argv)
{
	const char *output = argv[6];

	if (load_inputs(ctx, argv) || read_author_marks(ctx) || correlate(ctx))
		return -1;
	propagate_author_marks(ctx);
	if (compare_objects(ctx) || include_changed_functions(ctx))
		return -1;
	debug_report(ctx);
	if (!has_changes(ctx)) {
		printf("%s: no functional change\n", ctx->orig_name);
		unlink(output);
		return EXIT_NO_CHANGE;
	}
	if (build_output(ctx))
		return -1;
	if (elf_write(ctx->out, output)) {
		report_output_discard();
		return -1;
	}
	report_output(ctx);
	return EXIT_CHANGED;
}

int cdo_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "debug", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct diff_ctx ctx = { 0 };
	char *orig_copy;
	int c, ret;

	log_init("create-diff-object");
	error_clear();
	optind = 0;	/* callable more than once (the fuzzer) */
	while ((c = getopt_long(argc, argv, "dh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			log_set_debug(true);
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("create-diff-object %s\n", KP_VERSION);
			return 0;
		default:
			usage(stderr);
			return EXIT_ERROR;
		}
	}
	if (argc - optind != 7) {
		fprintf(stderr, "create-diff-object: error: expected 7 arguments, got %d; usage: "
			"create-diff-object [-d] ORIG.o PATCHED.o PARENT-NAME PARENT-SYMTAB "
			"MODULE.SYMVERS PATCH-MODULE-NAME OUTPUT.o\n", argc - optind);
		return EXIT_ERROR;
	}
	argv += optind;
	orig_copy = strdup(argv[0]);
	ctx.orig_name = orig_copy ? basename(orig_copy) : argv[0];
	ctx.parent_name = argv[2];
	ctx.parent_is_module = strcmp(argv[2], "vmlinux") != 0;
	ctx.patch_name = argv[5];

	ret = run(&ctx, argv);
	if (ret < 0) {
		unlink(argv[6]);
		ret = log_report_error();
	}
	free_ctx(&ctx);
	free(orig_copy);
	return ret;
}
