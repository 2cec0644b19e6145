// SPDX-License-Identifier: GPL-2.0
/*
 * tests/unit/test-dwarf.c - lib/dwarf.c: compile units and struct layouts.
 *
 * The struct below is compiled into this program and, with -g, into
 * objects (DWARF 4 and DWARF 5, which describe bitfields differently) and
 * a shared object; the layouts read from their DWARF must be the ones the
 * compiler gave this program (offsetof, sizeof), member by member.
 *
 * Usage: test-dwarf   (prints PASS:/FAIL: lines; exit 1 on failure)
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dwarf.h"
#include "log.h"

#define LAYOUT								\
	struct inner { short s; };					\
	struct layout {							\
		char c;							\
		unsigned int bf1 : 3;					\
		unsigned int bf2 : 5;					\
		long l;							\
		const char *name;					\
		int arr[4];						\
		union { int i; float f; };				\
		struct inner in;					\
		void (*fn)(int);					\
		char tail[];						\
	};								\
	union u { int i; long l; };
#define STRING(x)	#x
#define TEXT(x)		STRING(x)

LAYOUT

static const char src[] = TEXT(LAYOUT)
	"\nstruct layout *use_layout; union u use_u; struct declared *use_declared;\n";
static const char src_v2[] = "struct layout { char c; int added; long l; } use_layout;\n";

#define TEST_TMPDIR "/tmp/test-dwarf.XXXXXX"
#include "test-util.h"

/* @ret is -1 and the error recorded mentions @what; then forget it. */
static void check_error(const char *name, int ret, const char *what)
{
	bool ok = ret == -1 && error_pending() && strstr(error_message(), what);

	if (!ok)
		fprintf(stderr, "  %s: ret %d, recorded error: '%s'\n", name, ret, error_message());
	check(name, ok);
	error_clear();
}

static int write_file(const char *name, const char *text)
{
	FILE *f = fopen(tmp_path(name), "w");

	return !f || fputs(text, f) < 0 || fclose(f) ? -1 : 0;
}

static int build_files(void)
{
	if (!mkdtemp(tmpdir) || write_file("layout.c", src) || write_file("v2.c", src_v2))
		return -1;
	return run("cd %s && cc -g -gdwarf-4 -c layout.c -o dwarf4.o && "
		   "cc -g -gdwarf-5 -c layout.c -o dwarf5.o && "
		   "cc -g -shared -fPIC layout.c -o layout.so && "
		   "cc -c layout.c -o nodebug.o && cc -g -c v2.c -o v2.o", tmpdir);
}

/* One member as this program's compiler laid it out. */
struct want {
	const char *name, *type;
	size_t offset, size;
	unsigned int bit_offset, bit_size;
};

#define MEMBER(m, t)	{ #m, t, offsetof(struct layout, m), sizeof(((struct layout *)0)->m), 0, 0 }

static const struct want wanted[] = {
	MEMBER(c, "char"),
	{ "bf1", "unsigned int", 1, sizeof(unsigned int), 8, 3 },	/* after c, in its unit */
	{ "bf2", "unsigned int", 1, sizeof(unsigned int), 11, 5 },
	MEMBER(l, "long int"),
	MEMBER(name, "const char *"),
	MEMBER(arr, "int [4]"),
	{ "", "union <anonymous>", offsetof(struct layout, i), sizeof(int), 0, 0 },
	MEMBER(in, "struct inner"),
	MEMBER(fn, "void (...) *"),
	{ "tail", "char []", offsetof(struct layout, tail), 0, 0, 0 },
};

static bool is_member(const struct debuginfo_member *m, const struct want *w)
{
	bool ok = !strcmp(m->name, w->name) && !strcmp(m->type, w->type) &&
		  m->offset == w->offset && m->size == w->size && m->bit_offset == w->bit_offset &&
		  m->bit_size == w->bit_size;

	if (!ok)
		fprintf(stderr, "  member '%s' '%s' offset %llu size %llu bits %llu:%u, want "
			"'%s' '%s' %zu %zu %u:%u\n", m->name, m->type,
			(unsigned long long)m->offset, (unsigned long long)m->size,
			(unsigned long long)m->bit_offset, m->bit_size, w->name, w->type,
			w->offset, w->size, w->bit_offset, w->bit_size);
	return ok;
}

static void test_layout(const char *file)
{
	const size_t nr = sizeof(wanted) / sizeof(wanted[0]);
	const struct debuginfo_type *t = NULL, *again = NULL;
	char name[256];
	size_t size = 0;
	bool ok;

	snprintf(name, sizeof(name), "layout of %s: struct layout", file);
	ok = debuginfo_struct_layout(tmp_path(file), "layout", &t) == 0 && t && !t->is_union &&
	     t->size == sizeof(struct layout) && t->nr_members == nr;
	for (size_t i = 0; ok && i < nr; i++)
		ok = is_member(&t->members[i], &wanted[i]);
	check(name, ok);
	snprintf(name, sizeof(name), "layout of %s: asked again, the same answer", file);
	check(name, debuginfo_struct_layout(tmp_path(file), "layout", &again) == 0 && again == t);
	snprintf(name, sizeof(name), "layout of %s: struct size", file);
	check(name, debuginfo_struct_size(tmp_path(file), "layout", &size) == 0 &&
	      size == sizeof(struct layout));
	snprintf(name, sizeof(name), "layout of %s: union u", file);
	check(name, debuginfo_struct_layout(tmp_path(file), "union u", &t) == 0 && t->is_union &&
	      t->size == sizeof(union u) && t->nr_members == 2 && !t->members[1].offset &&
	      !strcmp(t->members[1].name, "l") && t->members[1].size == sizeof(long));
	snprintf(name, sizeof(name), "layout of %s: a union is not a struct", file);
	check(name, debuginfo_struct_layout(tmp_path(file), "u", &t) == 1 && !error_pending());
}

static void test_changed_layout(void)
{
	const struct debuginfo_type *v1, *v2;

	check("changed layout: both read",
	      debuginfo_struct_layout(tmp_path("dwarf5.o"), "layout", &v1) == 0 &&
	      debuginfo_struct_layout(tmp_path("v2.o"), "layout", &v2) == 0);
	/* Both files stay open: v1 is still valid. */
	check("changed layout: a member added shifts the next one",
	      v1->members[3].offset == offsetof(struct layout, l) && v2->members[1].offset == 4 &&
	      !strcmp(v2->members[1].name, "added") && v2->members[2].offset == 8 &&
	      v2->size == 16);
}

static void test_units(void)
{
	struct debuginfo_unit unit;
	struct debuginfo *di;
	int ret, nr = 0, versions = 0;
	bool named = false;

	check("units: open a relocatable object", debuginfo_open(tmp_path("dwarf4.o"), &di) == 0);
	for_each_unit(di, &unit, ret) {
		nr++;
		versions = versions * 10 + (int)unit.version;
		named = unit.is_compile && unit.name && strstr(unit.name, "layout.c") &&
			unit.comp_dir && !strcmp(unit.comp_dir, tmpdir);
	}
	check("units: one compile unit, layout.c in the folder it was compiled in, DWARF 4",
	      ret == 0 && nr == 1 && named && versions == 4);
	check("units: open a linked object", debuginfo_open(tmp_path("layout.so"), &di) == 0);
	named = false;
	for_each_unit(di, &unit, ret)
		named |= unit.is_compile && unit.name && strstr(unit.name, "layout.c");
	check("units: the linked object has layout.c", ret == 0 && named);
}

static void test_missing(void)
{
	const struct debuginfo_type *t;
	struct debuginfo *di;
	size_t size;

	check("missing: no such struct", debuginfo_struct_layout(tmp_path("dwarf4.o"), "nosuch",
								 &t) == 1 && !error_pending());
	check("missing: a declaration only",
	      debuginfo_struct_layout(tmp_path("dwarf4.o"), "declared", &t) == 1);
	check("missing: no DWARF", debuginfo_open(tmp_path("nodebug.o"), &di) == 1 &&
	      debuginfo_struct_size(tmp_path("nodebug.o"), "layout", &size) == 1 &&
	      !error_pending());
	check_error("missing: not ELF", debuginfo_struct_layout(tmp_path("layout.c"), "layout", &t),
		    "not an ELF file");
	check_error("missing: no file", debuginfo_open(tmp_path("nosuch.o"), &di), "cannot open");
}

int main(void)
{
	log_init("test-dwarf");
	if (build_files()) {
		printf("FAIL: build test files\n");
		return 1;
	}
	test_layout("dwarf4.o");
	test_layout("dwarf5.o");
	test_layout("layout.so");
	test_changed_layout();
	test_units();
	test_missing();
	debuginfo_forget();
	test_layout("dwarf5.o");	/* opened again after forgetting */
	debuginfo_forget();
	if (!failures)
		run("rm -rf %s", tmpdir);
	else
		fprintf(stderr, "test files kept in %s\n", tmpdir);
	printf("%d failed\n", failures);
	return failures ? 1 : 0;
}
