// SPDX-License-Identifier: GPL-2.0
/*
 * tests/unit/test-symtab.c - lib/symtab.c and lib/dwarf.c.
 *
 * Compiles a few small C files with gcc into a temporary directory (three
 * static dup() in three files, two of them called a.c), loads the result
 * as ELF and as `readelf -s --wide` text, and checks FILE groups, sympos,
 * lookups, Module.symvers parsing, error reporting and DWARF struct sizes.
 * Fixed text inputs are in tests/unit/data/symtab/.
 *
 * Usage: test-symtab [DATA_DIR]   (prints PASS:/FAIL: lines; exit 1 on failure)
 */
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dwarf.h"
#include "image.h"
#include "log.h"
#include "symtab.h"

#define TEST_TMPDIR "/tmp/test-symtab.XXXXXX"
#include "test-util.h"
static char datadir[2048];

/* Check that an error was recorded and mentions @what; then forget it. */
static void check_error(const char *name, bool failed, const char *what)
{
	bool ok = failed && error_pending() && strstr(error_message(), what);

	if (!ok)
		fprintf(stderr, "  %s: recorded error: '%s'\n", name, error_message());
	check(name, ok);
	error_clear();
}

static const char *data_path(const char *name)
{
	static char buf[8][4096];
	static int next;
	char *p = buf[next++ % 8];

	snprintf(p, sizeof(buf[0]), "%s/%s", datadir, name);
	return p;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/*
 * one/a.c and two/a.c: two FILE groups both called "a.c", each with a
 * static dup().  b.c: a third dup() placed in .text.unlikely, which the
 * default linker script puts before .text, so that in the linked .so the
 * address order of the three dup() differs from their file order.
 */
static const char src_one_a[] =
	"static int dup(void) { return 1; }\n"
	"static int only_one(void) { return 11; }\n"
	"int g1(void) { return dup() + only_one(); }\n";
static const char src_two_a[] =
	"static int dup(void) { return 2; }\n"
	"static int only_two(void) { return 22; }\n"
	"int g2(void) { return dup() + only_two(); }\n";
static const char src_b[] =
	"struct thing { int a; long b; };\n"
	"struct opaque;\n"
	"struct opaque *opaque_ptr;\n"
	"struct thing thing_b;\n"
	"__attribute__((section(\".text.unlikely.dup\"))) static int dup(void) { return 3; }\n"
	"int g3(void) { return dup() + thing_b.a; }\n"
	"__attribute__((weak)) int w3(void) { return 0; }\n";

static int build_objects(void)
{
	if (!mkdtemp(tmpdir))
		return -1;
	if (run("mkdir -p %s/one %s/two", tmpdir, tmpdir) ||
	    write_file(tmp_path("one/a.c"), src_one_a) ||
	    write_file(tmp_path("two/a.c"), src_two_a) ||
	    write_file(tmp_path("b.c"), src_b))
		return -1;
	return run("cd %s && gcc -O0 -fPIC -c one/a.c -o one/a.o && "
		   "gcc -O0 -fPIC -c two/a.c -o two/a.o && "
		   "gcc -O0 -fPIC -c b.c -o b.o && "
		   "gcc -O0 -g -fPIC -c b.c -o b-g.o && "
		   "gcc -nostdlib -shared one/a.o two/a.o b.o -o combined.so && "
		   "gcc -nostdlib -shared one/a.o two/a.o b-g.o -o combined-g.so && "
		   "ld -r one/a.o two/a.o b.o -o combined.o && "
		   "readelf -s --wide combined.so > combined.so.txt && "
		   "readelf -s --wide combined.o > combined.o.txt && "
		   "strip -o stripped.so combined.so && "
		   ": > empty", tmpdir);
}

/* The FILE group of the first symbol called @only_local (a name that only
 * one group defines). */
static unsigned int group_of(const struct parent_symtab *st, const char *only_local)
{
	size_t i;

	for (i = 0; i < st->nr_syms; i++) {
		if (!strcmp(st->syms[i].name, only_local))
			return st->syms[i].file;
	}
	return 0;
}

static bool same_symtabs(const struct parent_symtab *a, const struct parent_symtab *b)
{
	size_t i;

	if (a->nr_syms != b->nr_syms || a->nr_files != b->nr_files)
		return false;
	for (i = 0; i < a->nr_syms; i++) {
		const struct parent_sym *x = &a->syms[i], *y = &b->syms[i];

		if (strcmp(x->name, y->name) || x->value != y->value || x->size != y->size ||
		    x->bind != y->bind || x->type != y->type || x->defined != y->defined ||
		    x->file != y->file || x->sympos != y->sympos) {
			fprintf(stderr, "  symbol %zu differs: '%s' vs '%s'\n", i, x->name, y->name);
			return false;
		}
	}
	for (i = 0; i < a->nr_files; i++) {
		if (strcmp(a->files[i].name, b->files[i].name) ||
		    a->files[i].first != b->files[i].first || a->files[i].last != b->files[i].last)
			return false;
	}
	return true;
}

/* The three dup(): in one/a.c, two/a.c and b.c. */
struct dups {
	const struct parent_sym *one, *two, *b;
};

static struct dups find_dups(const struct parent_symtab *st)
{
	struct dups d;

	d.one = parent_find_local(st, group_of(st, "only_one"), "dup");
	d.two = parent_find_local(st, group_of(st, "only_two"), "dup");
	d.b = NULL;
	for (size_t f = 1; f < st->nr_files; f++) {
		if (!strcmp(st->files[f].name, "b.c"))
			d.b = parent_find_local(st, (unsigned int)f, "dup");
	}
	return d;
}

/* 1-based rank of @s among the three dups by table order. */
static unsigned int table_rank(const struct dups *d, const struct parent_sym *s)
{
	return 1 + (d->one < s) + (d->two < s) + (d->b < s);
}

static void test_elf_vmlinux(void)
{
	struct parent_symtab *st = parent_symtab_load(tmp_path("combined.so"), false);
	const struct parent_sym *g;
	struct dups d;

	check("elf: load combined.so", st != NULL);
	if (!st)
		return;
	d = find_dups(st);
	check("elf: three dup() found by group", d.one && d.two && d.b && d.one != d.two);
	check("elf: count_name(dup) == 3", parent_count_name(st, "dup") == 3);
	check("elf: count_name(g1) == 1", parent_count_name(st, "g1") == 1);
	check("elf: count_name(nosuch) == 0", parent_count_name(st, "nosuch") == 0);
	if (d.one && d.two && d.b) {
		check("elf: .text.unlikely dup is first by address", d.b->value < d.one->value &&
		      d.one->value < d.two->value);
		check("elf: vmlinux sympos by address",
		      d.b->sympos == 1 && d.one->sympos == 2 && d.two->sympos == 3);
	}
	g = parent_find_global(st, "g1");
	check("elf: find_global(g1)", g && g->bind == STB_GLOBAL && g->sympos == 0 &&
	      g->file == 0 && g->type == STT_FUNC);
	g = parent_find_global(st, "w3");
	check("elf: find_global(w3) finds a weak symbol", g && g->bind == STB_WEAK);
	check("elf: find_global(dup) is NULL (local)", !parent_find_global(st, "dup"));
	check("elf: find_global(nosuch) is NULL", !parent_find_global(st, "nosuch"));
	check("elf: only_one is unique", parent_find_local(st, group_of(st, "only_one"),
							    "only_one")->sympos == 0);
	check("elf: find_local in the wrong group is NULL",
	      !parent_find_local(st, group_of(st, "only_two"), "only_one"));
	check("elf: files[0] is no file", st->nr_files >= 4 && !strcmp(st->files[0].name, ""));
	parent_symtab_free(st);
}

static void test_elf_module(void)
{
	struct parent_symtab *st = parent_symtab_load(tmp_path("combined.so"), true);
	struct dups d;

	check("elf module: load", st != NULL);
	if (!st)
		return;
	d = find_dups(st);
	check("elf module: sympos in table order", d.one && d.two && d.b &&
	      d.one->sympos == table_rank(&d, d.one) && d.two->sympos == table_rank(&d, d.two) &&
	      d.b->sympos == table_rank(&d, d.b));
	parent_symtab_free(st);
}

static void test_text_matches_elf(const char *elf_name, const char *txt_name, bool is_module)
{
	struct parent_symtab *e = parent_symtab_load(tmp_path(elf_name), is_module);
	struct parent_symtab *t = parent_symtab_load(tmp_path(txt_name), is_module);
	char name[256];

	snprintf(name, sizeof(name), "text: %s gives the same table as %s%s", txt_name,
		 elf_name, is_module ? " (module)" : "");
	check(name, e && t && same_symtabs(e, t));
	if (!e || !t)
		fprintf(stderr, "  error: %s\n", error_message());
	parent_symtab_free(e);
	parent_symtab_free(t);
}

static void test_file_groups(void)
{
	struct parent_symtab *st = parent_symtab_load(tmp_path("combined.o"), false);
	const char *one[] = { "dup", "only_one" };
	const char *two[] = { "only_two", "dup" };
	const char *ambiguous[] = { "dup" };
	long f;

	check("groups: load ld -r object", st != NULL);
	if (!st)
		return;
	f = parent_find_file_group(st, "kernel/one/a.c", one, 2);
	check("groups: one/a.c chosen by its locals",
	      f > 0 && (unsigned int)f == group_of(st, "only_one") && !error_pending());
	f = parent_find_file_group(st, "a.c", two, 2);
	check("groups: two/a.c chosen by its locals",
	      f > 0 && (unsigned int)f == group_of(st, "only_two"));
	f = parent_find_file_group(st, "a.c", ambiguous, 1);
	check_error("groups: equal match is an error", f == -1, "a.c");
	f = parent_find_file_group(st, "dir/b.c", ambiguous, 1);
	check("groups: b.c found by basename", f > 0 && !strcmp(st->files[f].name, "b.c"));
	f = parent_find_file_group(st, "c.c", one, 2);
	check("groups: unknown file gives 0", f == 0 && !error_pending());
	f = parent_find_file_group(st, "b.c", NULL, 0);
	check("groups: single group matches with no locals", f > 0);
	check("groups: group ranges hold their locals",
	      st->files[group_of(st, "only_one")].first <= st->files[group_of(st, "only_one")].last);
	parent_symtab_free(st);
}

static void test_fixed_text(void)
{
	struct parent_symtab *st = parent_symtab_load(data_path("vmlinux-syms.txt"), false);
	const struct parent_sym *s;
	unsigned int fork, exitf, core;

	check("fixed text: load", st != NULL);
	if (!st) {
		fprintf(stderr, "  error: %s\n", error_message());
		error_clear();
		return;
	}
	check("fixed text: .symtab chosen over .dynsym", st->nr_syms == 15 &&
	      !parent_find_global(st, "dynsym_only"));
	check("fixed text: 4 FILE groups", st->nr_files == 4);
	fork = (unsigned int)parent_find_file_group(st, "kernel/fork.c", NULL, 0);
	exitf = (unsigned int)parent_find_file_group(st, "kernel/exit.c", NULL, 0);
	core = (unsigned int)parent_find_file_group(st, "kernel/sched/core.c", NULL, 0);
	check("fixed text: groups found", fork && exitf && core && !error_pending());
	check("fixed text: sympos by address",
	      parent_find_local(st, exitf, "dup_fn")->sympos == 1 &&
	      parent_find_local(st, core, "dup_fn")->sympos == 2 &&
	      parent_find_local(st, fork, "dup_fn")->sympos == 3);
	check("fixed text: counter sympos by address",
	      parent_find_local(st, fork, "counter")->sympos == 1 &&
	      parent_find_local(st, exitf, "counter")->sympos == 2);
	check("fixed text: group ranges", st->files[fork].first == 3 && st->files[fork].last == 5 &&
	      st->files[core].first == 9 && st->files[core].last == 11);
	s = parent_find_global(st, "big_fn");
	check("fixed text: hex size", s && s->size == 0x1ffff && s->value == 0xffffffff81006000ull);
	s = parent_find_global(st, "weak_fn");
	check("fixed text: weak global", s && s->bind == STB_WEAK);
	check("fixed text: undefined is not found", !parent_find_global(st, "undefined_sym") &&
	      parent_count_name(st, "undefined_sym") == 0);
	check("fixed text: section symbol is nameless", st->syms[1].type == STT_SECTION &&
	      !strcmp(st->syms[1].name, ""));
	check("fixed text: globals have no file", parent_find_global(st, "do_fork")->file == 0);
	parent_symtab_free(st);

	st = parent_symtab_load(data_path("vmlinux-syms.txt"), true);
	check("fixed text module: sympos by table order", st &&
	      parent_find_local(st, 1, "dup_fn")->sympos == 1 &&
	      parent_find_local(st, 2, "dup_fn")->sympos == 2 &&
	      parent_find_local(st, 3, "dup_fn")->sympos == 3);
	parent_symtab_free(st);
}

static void test_load_errors(void)
{
	char bad[4096];
	struct image *im;
	int fd;
	uint32_t name = 0x7fffffff;
	uint16_t shndx = 0x7000;
	off_t symoff = 0;

	check_error("errors: bad value has a line number",
		    !parent_symtab_load(data_path("bad-value.txt"), false), "line 5");
	check_error("errors: bad size has a line number",
		    !parent_symtab_load(data_path("bad-size.txt"), false), "line 4");
	check_error("errors: truncated name",
		    !parent_symtab_load(data_path("truncated.txt"), false), "--wide");
	check_error("errors: text shorter than its header says",
		    !parent_symtab_load(data_path("short.txt"), false), "truncated?");
	check_error("errors: no symbols in text",
		    !parent_symtab_load(data_path("no-symbols.txt"), false), "no symbols");
	check_error("errors: empty file", !parent_symtab_load(tmp_path("empty"), false),
		    "no symbols");
	check_error("errors: missing file", !parent_symtab_load(tmp_path("nosuch"), false),
		    "cannot open");
	check_error("errors: stripped ELF", !parent_symtab_load(tmp_path("stripped.so"), false),
		    "no .symtab");

	/* Corrupt st_name, then st_shndx, of symbol 2 in a copy. */
	snprintf(bad, sizeof(bad), "%s", tmp_path("corrupt.so"));
	if (run("cp %s %s", tmp_path("combined.so"), bad))
		return;
	im = image_open(bad);
	if (im && !image_symbols(im))
		symoff = (off_t)((const unsigned char *)(im->syms + 2) - im->map);
	image_close(im);
	fd = open(bad, O_RDWR);
	check("errors: found .symtab to corrupt", symoff > 0);
	if (symoff <= 0 || pwrite(fd, &name, 4, symoff) != 4) {
		close(fd);
		return;
	}
	check_error("errors: name offset out of range",
		    !parent_symtab_load(bad, false), "string table");
	name = 1;
	if (pwrite(fd, &name, 4, symoff) != 4 || pwrite(fd, &shndx, 2, symoff + 6) != 2) {
		close(fd);
		return;
	}
	close(fd);
	check_error("errors: bad section index", !parent_symtab_load(bad, false),
		    "bad section index");
}

static void test_symvers(void)
{
	struct symvers *sv = symvers_load(data_path("Module.symvers"));
	const struct symvers_entry *e;
	char buf[64];

	check("symvers: load", sv && sv->nr_entries == 4);
	if (sv) {
		e = symvers_find(sv, "printk");
		check("symvers: printk from vmlinux", e && !strcmp(e->module, "vmlinux"));
		e = symvers_find(sv, "ext4_thing");
		check("symvers: namespaced export", e && !strcmp(e->module, "fs/ext4/ext4"));
		check("symvers: missing export", !symvers_find(sv, "nosuch"));
		symvers_free(sv);
	}
	sv = symvers_load("/dev/null");
	check("symvers: /dev/null has no exports", sv && sv->nr_entries == 0 &&
	      !symvers_find(sv, "printk"));
	symvers_free(sv);
	sv = symvers_load(tmp_path("empty"));
	check("symvers: empty file has no exports", sv && sv->nr_entries == 0);
	symvers_free(sv);
	check_error("symvers: malformed line", !symvers_load(data_path("Module.symvers.bad")),
		    "line 3");
	check_error("symvers: bad crc", !symvers_load(data_path("Module.symvers.badcrc")),
		    "line 2");
	check_error("symvers: missing file", !symvers_load(tmp_path("nosuch")), "cannot open");

	module_name_from_path("fs/ext4/ext4", buf, sizeof(buf));
	check("module name: fs/ext4/ext4", !strcmp(buf, "ext4"));
	module_name_from_path("sound/core/snd-pcm.ko", buf, sizeof(buf));
	check("module name: snd-pcm.ko", !strcmp(buf, "snd_pcm"));
	module_name_from_path("vmlinux", buf, 4);
	check("module name: truncated", !strcmp(buf, "vml"));
}

static void test_dwarf(void)
{
	size_t size = 0;
	int ret;

	ret = debuginfo_struct_size(tmp_path("b-g.o"), "thing", &size);
	check("dwarf: struct thing in a -g object", ret == 0 && size == 16);
	size = 0;
	ret = debuginfo_struct_size(tmp_path("combined-g.so"), "thing", &size);
	check("dwarf: struct thing in a linked .so", ret == 0 && size == 16);
	check("dwarf: missing struct", debuginfo_struct_size(tmp_path("b-g.o"), "nosuch", &size) == 1);
	check("dwarf: declaration only", debuginfo_struct_size(tmp_path("b-g.o"), "opaque", &size) == 1);
	check("dwarf: no DWARF", debuginfo_struct_size(tmp_path("b.o"), "thing", &size) == 1 &&
	      !error_pending());
	check_error("dwarf: not ELF", debuginfo_struct_size(data_path("Module.symvers"), "thing",
							&size) == -1, "ELF");
	check_error("dwarf: missing file", debuginfo_struct_size(tmp_path("nosuch"), "thing",
							     &size) == -1, "cannot open");
}

int main(int argc, char **argv)
{
	char self[4096];

	if (argc > 1) {
		snprintf(datadir, sizeof(datadir), "%s", argv[1]);
	} else {
		snprintf(self, sizeof(self), "%s", __FILE__);
		snprintf(datadir, sizeof(datadir), "%s/data/symtab", dirname(self));
	}
	log_init("test-symtab");
	if (build_objects()) {
		printf("FAIL: build test objects\n");
		return 1;
	}
	test_elf_vmlinux();
	test_elf_module();
	test_text_matches_elf("combined.so", "combined.so.txt", false);
	test_text_matches_elf("combined.so", "combined.so.txt", true);
	test_text_matches_elf("combined.o", "combined.o.txt", false);
	test_file_groups();
	test_fixed_text();
	test_load_errors();
	test_symvers();
	test_dwarf();
	if (!failures)
		run("rm -rf %s", tmpdir);
	else
		fprintf(stderr, "test files kept in %s\n", tmpdir);
	printf("%d failed\n", failures);
	return failures ? 1 : 0;
}
