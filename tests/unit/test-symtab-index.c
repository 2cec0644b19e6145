// SPDX-License-Identifier: GPL-2.0
/*
 * tests/unit/test-symtab-index.c - parent_symtab_open() (the lookup index
 * the differ uses) answers exactly what parent_symtab_load() (the whole
 * table) answers.
 *
 * Tables: the test kernel's vmlinux (test-objects/kernel-6.1/
 * vmlinux.symtab.xz, 34,000 symbols, as vmlinux and as a module), its
 * kobject-example.ko, an `ld -r` of every kernel-6.1 golden ORIG.o (ELF,
 * with one FILE group per object, and its readelf text), and the fixed
 * texts of tests/unit/data/symtab/.  For every name of each table, both
 * must give the same global, the same count, the same local of each FILE
 * group (all fields, sympos included), and the same FILE group of each
 * file name; names that are not there must be missing from both.  Broken
 * texts must fail with the same message.  Module.symvers (read the same
 * lazy way) must find every export, the first listed, with its module.
 * The readelf text of an ELF file must give the ELF file's table, field by
 * field (the text reader has a fast path for readelf's own layout): the
 * golden objects' `ld -r`, and the test kernel's vmlinux against
 * vmlinux.symtab.xz when that kernel is built (~/.cache/kpatch/testkernel).
 *
 * Usage: test-symtab-index [ROOT]   (PASS:/FAIL: lines; exit 1 on failure)
 */
#include <glob.h>
#include <libgen.h>
#include <search.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "symtab.h"

#define TEST_TMPDIR "/tmp/test-symtab-index.XXXXXX"
#include "test-util.h"
static char root[2048];

static const char *path_in(const char *dir, const char *name)
{
	static char buf[8][4096];
	static int next;
	char *p = buf[next++ % 8];

	snprintf(p, sizeof(buf[0]), "%s/%s", dir, name);
	return p;
}

/* Both NULL, or the same symbol: every field a lookup gives. */
static bool same_sym(const struct parent_sym *a, const struct parent_sym *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a->name, b->name) && a->value == b->value && a->size == b->size &&
	       a->bind == b->bind && a->type == b->type && a->defined == b->defined &&
	       a->file == b->file && a->sympos == b->sympos;
}

static void describe(const char *what, const char *name, const struct parent_sym *a,
		     const struct parent_sym *b)
{
	fprintf(stderr, "  %s(%s): load %s value %llx file %u sympos %u, open %s value %llx file %u sympos %u\n",
		what, name, a ? a->name : "NULL", a ? (unsigned long long)a->value : 0ull,
		a ? a->file : 0, a ? a->sympos : 0, b ? b->name : "NULL",
		b ? (unsigned long long)b->value : 0ull, b ? b->file : 0, b ? b->sympos : 0);
}

/* Every lookup of @name (in group @file too) alike; false on a difference. */
static bool same_lookups(const struct parent_symtab *l, const struct parent_symtab *o,
			 const char *name, unsigned int file)
{
	const struct parent_sym *a, *b;

	a = parent_find_global(l, name);
	b = parent_find_global(o, name);
	if (!same_sym(a, b)) {
		describe("find_global", name, a, b);
		return false;
	}
	if (parent_count_name(l, name) != parent_count_name(o, name)) {
		fprintf(stderr, "  count_name(%s): %zu vs %zu\n", name,
			parent_count_name(l, name), parent_count_name(o, name));
		return false;
	}
	for (unsigned int f = 0; f <= file; f += file ? file : 1) {
		a = parent_find_local(l, f, name);
		b = parent_find_local(o, f, name);
		if (!same_sym(a, b)) {
			describe("find_local", name, a, b);
			return false;
		}
		if (parent_count_local(l, f, name) != parent_count_local(o, f, name)) {
			fprintf(stderr, "  count_local(%u, %s) differs\n", f, name);
			return false;
		}
	}
	return true;
}

/* The FILE group lookup of each file name, with that group's first locals. */
static bool same_file_groups(const struct parent_symtab *l, const struct parent_symtab *o)
{
	const char *locals[8];
	size_t f, i, n;
	long a, b;
	bool ok = true;

	for (f = 1; f < l->nr_files && ok; f++) {
		n = 0;
		for (i = l->files[f].first; i < l->files[f].last && n < 8; i++)
			if (l->syms[i].name[0])
				locals[n++] = l->syms[i].name;
		a = parent_find_file_group(l, l->files[f].name, locals, n);
		error_clear();
		b = parent_find_file_group(o, l->files[f].name, locals, n);
		error_clear();
		if (a != b) {
			fprintf(stderr, "  find_file_group(%s): %ld vs %ld\n", l->files[f].name, a, b);
			ok = false;
		}
	}
	return ok;
}

static bool same_files(const struct parent_symtab *l, const struct parent_symtab *o)
{
	if (l->nr_files != o->nr_files || l->nr_syms != o->nr_syms)
		return false;
	for (size_t f = 0; f < l->nr_files; f++) {
		if (strcmp(l->files[f].name, o->files[f].name) ||
		    l->files[f].first != o->files[f].first || l->files[f].last != o->files[f].last)
			return false;
	}
	return true;
}

/* Compare the two ways of reading @path; @min_syms guards against an empty input. */
static void compare_table(const char *label, const char *path, bool is_module, size_t min_syms)
{
	struct parent_symtab *l = parent_symtab_load(path, is_module);
	struct parent_symtab *o = parent_symtab_open(path, is_module);
	char name[512];
	size_t i, bad = 0, dups = 0;

	snprintf(name, sizeof(name), "%s: both read it (%zu symbols)", label, l ? l->nr_syms : 0);
	check(name, l && o && l->nr_syms >= min_syms);
	if (!l || !o) {
		fprintf(stderr, "  error: %s\n", error_message());
		error_clear();
		goto out;
	}
	snprintf(name, sizeof(name), "%s: the index keeps no syms[]", label);
	check(name, !o->syms && l->syms);
	snprintf(name, sizeof(name), "%s: same FILE groups", label);
	check(name, same_files(l, o));
	for (i = 0; i < l->nr_syms && bad < 5; i++) {
		const struct parent_sym *s = &l->syms[i];

		if (!s->name[0])
			continue;
		if (s->sympos > 1)
			dups++;
		if (!same_lookups(l, o, s->name, s->file))
			bad++;
	}
	snprintf(name, sizeof(name), "%s: every name looks up alike (%zu with sympos > 1)",
		 label, dups);
	check(name, bad == 0);
	snprintf(name, sizeof(name), "%s: missing names are missing from both", label);
	check(name, same_lookups(l, o, "no_such_symbol_anywhere", 1) &&
	      !parent_find_global(o, "no_such_symbol_anywhere") &&
	      same_lookups(l, o, "", 0));
	snprintf(name, sizeof(name), "%s: same FILE group for each file name", label);
	check(name, same_file_groups(l, o));
out:
	parent_symtab_free(l);
	parent_symtab_free(o);
}

/*
 * symvers_find() of every name of @path against a plain reading of the
 * file: the first line of a name gives its module.
 */
static void compare_symvers(const char *label, const char *path)
{
	struct symvers *sv = symvers_load(path);
	const struct symvers_entry *e;
	char line[4096], *name, *module, *rest, msg[256];
	size_t lines = 0, bad = 0, i;
	FILE *f = fopen(path, "r");
	ENTRY item, *first;
	char **owned = calloc(200000, sizeof(*owned));
	size_t nr_owned = 0;

	if (!owned || !hcreate(100000))
		sv = (symvers_free(sv), NULL);
	while (sv && f && fgets(line, sizeof(line), f)) {
		if (line[0] == '\n')
			continue;
		lines++;
		name = strchr(line, '\t');
		module = name ? strchr(++name, '\t') : NULL;
		rest = module ? strchr(++module, '\t') : NULL;
		if (!rest) {
			bad++;
			continue;
		}
		module[-1] = '\0';
		*rest = '\0';
		item.key = name;
		first = hsearch(item, FIND);
		if (!first && nr_owned + 2 <= 200000) {
			item.key = owned[nr_owned++] = strdup(name);
			item.data = owned[nr_owned++] = strdup(module);
			hsearch(item, ENTER);
			first = &item;
		}
		if (!first || !first->key || !first->data) {
			bad++;
			continue;
		}
		e = symvers_find(sv, name);
		if (!e || strcmp(e->name, name) || strcmp(e->module, first->data)) {
			if (bad++ < 3)
				fprintf(stderr, "  %s: %s -> %s\n", name, (char *)first->data,
					e ? e->module : "NULL");
		}
	}
	snprintf(msg, sizeof(msg), "%s: every export found, the first of its name (%zu)",
		 label, lines);
	check(msg, sv && f && lines > 0 && bad == 0 && sv->nr_entries == lines &&
	      !symvers_find(sv, "no_such_export") && !symvers_find(sv, ""));
	hdestroy();
	for (i = 0; i < nr_owned; i++)
		free(owned[i]);
	free(owned);
	if (f)
		fclose(f);
	symvers_free(sv);
}

/* The text @txt and the ELF file @elf hold the same table, field by field. */
static void compare_text_elf(const char *label, const char *txt, const char *elf)
{
	struct parent_symtab *t = parent_symtab_load(txt, false);
	struct parent_symtab *e = parent_symtab_load(elf, false);
	size_t i, bad = 0;
	char msg[256];

	for (i = 0; t && e && t->nr_syms == e->nr_syms && i < t->nr_syms; i++) {
		const struct parent_sym *a = &t->syms[i], *b = &e->syms[i];

		if (same_sym(a, b))
			continue;
		if (bad++ < 3)
			describe("symbol", a->name, a, b);
	}
	snprintf(msg, sizeof(msg), "%s: the text reads as the ELF file (%zu symbols)", label,
		 t ? t->nr_syms : 0);
	check(msg, t && e && t->nr_syms == e->nr_syms && t->nr_syms > 0 && !bad &&
	      same_files(t, e));
	error_clear();
	parent_symtab_free(t);
	parent_symtab_free(e);
}

/* The test kernel's vmlinux, if built: its table is vmlinux.symtab.xz. */
static void compare_test_kernel(const char *txt)
{
	const char *cache = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char pattern[4096];
	glob_t g;

	snprintf(pattern, sizeof(pattern), "%s%s/kpatch/testkernel/6.1.[0-9]*/linux/vmlinux",
		 cache ? cache : home ? home : "", cache ? "" : "/.cache");
	if (glob(pattern, 0, NULL, &g) || !g.gl_pathc) {
		printf("SKIP: vmlinux text against the ELF vmlinux: no test kernel built\n");
		return;
	}
	compare_text_elf("vmlinux", txt, g.gl_pathv[g.gl_pathc - 1]);
	globfree(&g);
}

/* Both fail on @path, with the same message. */
static void compare_error(const char *file)
{
	char msg[1024], name[256];
	struct parent_symtab *l, *o;

	l = parent_symtab_load(path_in(root, file), false);
	snprintf(msg, sizeof(msg), "%s", error_message());
	error_clear();
	o = parent_symtab_open(path_in(root, file), false);
	snprintf(name, sizeof(name), "errors: %s fails alike", file);
	check(name, !l && !o && msg[0] && !strcmp(msg, error_message()));
	if (strcmp(msg, error_message()))
		fprintf(stderr, "  load: '%s'\n  open: '%s'\n", msg, error_message());
	error_clear();
	parent_symtab_free(l);
	parent_symtab_free(o);
}

int main(int argc, char **argv)
{
	static const char *const bad[] = {
		"tests/unit/data/symtab/bad-value.txt", "tests/unit/data/symtab/bad-size.txt",
		"tests/unit/data/symtab/truncated.txt", "tests/unit/data/symtab/short.txt",
		"tests/unit/data/symtab/no-symbols.txt", "tests/unit/data/symtab/Module.symvers",
		"no/such/file",
	};
	const char *k = "test-objects/kernel-6.1";
	char self[4096];

	if (argc > 1) {
		snprintf(root, sizeof(root), "%s", argv[1]);
	} else {
		snprintf(self, sizeof(self), "%s", __FILE__);
		snprintf(root, sizeof(root), "%s/../..", dirname(self));
	}
	log_init("test-symtab-index");
	if (!mkdtemp(tmpdir) ||
	    run("cd %s && xz -dc %s/vmlinux.symtab.xz >%s/vmlinux.txt && "
		"xz -dc %s/kobject-example.symtab.xz >%s/kobject.txt && "
		"ld -r -z muldefs -o %s/combined.o %s/*/ORIG.o && "
		"readelf -sW %s/combined.o >%s/combined.txt",
		root, k, tmpdir, k, tmpdir, tmpdir, k, tmpdir, tmpdir)) {
		printf("FAIL: prepare the tables\n");
		return 1;
	}
	compare_table("vmlinux text", path_in(tmpdir, "vmlinux.txt"), false, 30000);
	compare_table("vmlinux text as a module", path_in(tmpdir, "vmlinux.txt"), true, 30000);
	compare_table("module text", path_in(tmpdir, "kobject.txt"), true, 10);
	compare_table("ld -r of the golden objects (ELF)", path_in(tmpdir, "combined.o"),
		      false, 1000);
	compare_table("ld -r of the golden objects (ELF, module)",
		      path_in(tmpdir, "combined.o"), true, 1000);
	compare_table("ld -r of the golden objects (text)", path_in(tmpdir, "combined.txt"),
		      false, 1000);
	compare_table("fixed text", path_in(root, "tests/unit/data/symtab/vmlinux-syms.txt"),
		      false, 10);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		compare_error(bad[i]);
	compare_text_elf("ld -r of the golden objects", path_in(tmpdir, "combined.txt"),
			 path_in(tmpdir, "combined.o"));
	compare_test_kernel(path_in(tmpdir, "vmlinux.txt"));
	compare_symvers("kernel-6.1 Module.symvers",
			path_in(root, "test-objects/kernel-6.1/Module.symvers"));
	compare_symvers("common Module.symvers",
			path_in(root, "test-objects/common/Module.symvers"));
	if (!failures)
		run("rm -rf %s", tmpdir);
	else
		fprintf(stderr, "test files kept in %s\n", tmpdir);
	printf("%d failed\n", failures);
	return failures ? 1 : 0;
}
