// SPDX-License-Identifier: GPL-2.0
/*
 * tests/unit/test-elf.c - checks of the ELF object model (lib/elf.c).
 *
 * Builds objects from nothing, writes them, reads them back; reads real
 * gcc output, kernel-module-like objects and library objects; feeds the
 * reader broken files.  One line per check, "PASS: name" or "FAIL: name";
 * the exit status is 1 when anything failed.
 *
 *	test-elf [object...]	extra objects to round-trip (e.g. kernel .o)
 *
 * Needs gcc, ld, readelf and objdump in PATH for the checks that use them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arch.h"
#include "elf.h"
#include "log.h"

#define SHN_LIVEPATCH		0xff20
#define SHF_RELA_LIVEPATCH	0x00100000

static int failures, passes;
static char tmpdir[] = "/tmp/test-elf.XXXXXX";

static bool check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", ok ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (!ok && error_pending())
		printf(" [%s]", error_message());
	putchar('\n');
	fflush(stdout);
	if (ok)
		passes++;
	else
		failures++;
	error_clear();
	return ok;
}

static void skip(const char *what)
{
	printf("SKIP: %s\n", what);
}

static const char *tpath(const char *name)
{
	static char bufs[8][4096];
	static int n;
	char *p = bufs[n++ % 8];

	snprintf(p, sizeof(bufs[0]), "%s/%s", tmpdir, name);
	return p;
}

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return st == -1 ? -1 : WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static bool have_tool(const char *tool)
{
	return run("command -v %s >/dev/null 2>&1", tool) == 0;
}

static int write_bytes(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	int err = 0;

	if (!f)
		return -1;
	if (len && fwrite(buf, 1, len, f) != len)
		err = -1;
	if (fclose(f))
		err = -1;
	return err;
}

static unsigned char *read_bytes(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

static bool file_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* No file in tmpdir whose name contains ".tmp." (a leftover of obj_write). */
static bool no_temp_files(void)
{
	return run("ls %s | grep -q '\\.tmp\\.'", tmpdir) != 0;
}

/* readelf and objdump read the file without a warning. */
static bool binutils_accept(const char *path)
{
	if (!have_tool("readelf"))
		return true;
	return run("readelf -aW %s 2>&1 >/dev/null | grep -q . && exit 1; "
		   "objdump -dr %s 2>&1 >/dev/null | grep -q . && exit 1; exit 0",
		   path, path) == 0;
}

/* ------------------------------------------------------------------ */
/* Objects built from nothing                                          */
/* ------------------------------------------------------------------ */

/*
 * .text:  gfunc (global, 0..16): call printk; mov lfunc(%rip)...; ret
 *         lfunc (local, 16..32)
 * .data, .bss, .rodata.str1.1, a COMDAT group, a livepatch rela section.
 * The locals (lfunc, lobj, the FILE symbol) are added after globals so
 * that writing must reorder them and re-point the relocations.
 */
static const unsigned char text_bytes[32] = {
	0xe8, 0, 0, 0, 0,		/* 0: call printk (PLT32 at 1) */
	0x8b, 0x05, 0, 0, 0, 0,		/* 5: mov x(%rip),%eax (PC32 at 7) */
	0xe8, 0, 0, 0, 0,		/* 11: call (klp PC32 at 12) */
	0x48, 0x8b, 0x05, 0, 0, 0, 0,	/* 16: lfunc: mov .data+4(%rip) (PC32 at 19) */
	0xc3, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90,
};

struct built {
	struct obj *elf;
	struct obj_section *text, *data, *bss, *str, *comdat, *group, *klp;
	struct obj_symbol *gfunc, *lfunc, *lobj, *printk, *klpsym, *dup1, *dup2;
};

static struct obj_section *add_sec(struct obj *elf, const char *name, uint32_t type,
				   uint64_t flags, uint64_t align, const void *buf, size_t size)
{
	GElf_Shdr sh = { .sh_type = type, .sh_flags = flags, .sh_addralign = align };

	return obj_add_section(elf, name, &sh, buf, size);
}

static bool build_object(struct built *b, const char *path)
{
	struct obj *elf = obj_create(path);
	static const char strs[] = "hello\0world\0";
	static const unsigned char data[16] = { 42, 0, 0, 0, 7 };
	struct obj_symbol *file, *sig;
	uint32_t grp[2] = { GRP_COMDAT, 0 };
	GElf_Shdr klp = { .sh_type = SHT_RELA, .sh_addralign = 8, .sh_entsize = 24,
			  .sh_flags = SHF_ALLOC | SHF_INFO_LINK | SHF_RELA_LIVEPATCH };

	memset(b, 0, sizeof(*b));
	if (!elf)
		return false;
	b->elf = elf;
	b->text = add_sec(elf, ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 16,
			  text_bytes, sizeof(text_bytes));
	b->data = add_sec(elf, ".data", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 8, data, sizeof(data));
	b->bss = add_sec(elf, ".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE, 32, NULL, 64);
	b->str = add_sec(elf, ".rodata.str1.1", SHT_PROGBITS,
			 SHF_ALLOC | SHF_MERGE | SHF_STRINGS, 1, strs, sizeof(strs));
	if (!b->text || !b->data || !b->bss || !b->str)
		return false;
	b->str->sh.sh_entsize = 1;

	b->gfunc = obj_add_symbol(elf, "gfunc", STB_GLOBAL, STT_FUNC, b->text, 0, 16);
	b->printk = obj_add_symbol(elf, "printk", STB_GLOBAL, STT_NOTYPE, NULL, 0, 0);
	b->klpsym = obj_add_symbol(elf, ".klp.sym.vmlinux.printk,0", STB_GLOBAL, STT_FUNC,
				   NULL, 0, 0);
	file = obj_add_symbol(elf, "test.c", STB_LOCAL, STT_FILE, NULL, 0, 0);
	b->lfunc = obj_add_symbol(elf, "lfunc", STB_LOCAL, STT_FUNC, b->text, 16, 16);
	b->lobj = obj_add_symbol(elf, "lobj", STB_LOCAL, STT_OBJECT, b->data, 0, 8);
	b->dup1 = obj_add_symbol(elf, "dup", STB_LOCAL, STT_OBJECT, b->data, 8, 4);
	b->dup2 = obj_add_symbol(elf, "dup", STB_LOCAL, STT_OBJECT, b->data, 12, 4);
	if (!b->gfunc || !b->printk || !b->klpsym || !file || !b->lfunc || !b->lobj ||
	    !b->dup1 || !b->dup2 ||
	    !obj_add_symbol(elf, "gbss", STB_GLOBAL, STT_OBJECT, b->bss, 0, 64) ||
	    !obj_add_symbol(elf, "wdata", STB_WEAK, STT_OBJECT, b->data, 8, 8))
		return false;
	b->klpsym->sym.st_shndx = SHN_LIVEPATCH;

	/* Relocations, deliberately not in offset order. */
	if (!obj_add_reloc(elf, b->text, 19, R_X86_64_PC32, obj_section_symbol(elf, b->data), 0) ||
	    !obj_add_reloc(elf, b->text, 1, R_X86_64_PLT32, b->printk, -4) ||
	    !obj_add_reloc(elf, b->text, 7, R_X86_64_PC32, b->lfunc, -4) ||
	    !obj_add_reloc(elf, b->data, 0, R_X86_64_64, b->gfunc, 0))
		return false;

	/* A COMDAT group of one section. */
	b->comdat = add_sec(elf, ".text.comdat", SHT_PROGBITS,
			    SHF_ALLOC | SHF_EXECINSTR | SHF_GROUP, 1, "\xc3", 1);
	if (!b->comdat)
		return false;
	sig = obj_add_symbol(elf, "comdat_fn", STB_WEAK, STT_FUNC, b->comdat, 0, 1);
	if (!sig)
		return false;
	grp[1] = b->comdat->index;
	b->group = add_sec(elf, ".group", SHT_GROUP, 0, 4, grp, sizeof(grp));
	if (!b->group)
		return false;
	b->group->sh.sh_entsize = 4;
	b->group->sh.sh_info = sig->index;

	/* A livepatch relocation section next to the ordinary .rela.text. */
	klp.sh_info = b->text->index;
	b->klp = obj_add_section(elf, ".klp.rela.vmlinux..text", &klp, NULL, 0);
	return b->klp && obj_rela_add_reloc(elf, b->klp, 12, R_X86_64_PC32, b->klpsym, -4);
}

static bool same_bytes(const struct obj_section *a, const void *buf, size_t len)
{
	return a && a->size == len && (!len || !memcmp(a->buf, buf, len));
}

static bool reloc_is(const struct obj_reloc *r, const char *sym, uint32_t type, int64_t addend)
{
	return r && r->sym && !strcmp(r->sym->name, sym) && r->type == type && r->addend == addend;
}

static bool locals_first(const struct obj *elf)
{
	struct obj_symbol *sym;
	bool seen_global = false;

	for_each_sym(elf, sym) {
		if (!is_local_sym(sym))
			seen_global = true;
		else if (seen_global)
			return false;
		if (sym->index != __j)
			return false;
	}
	return true;
}

static size_t first_global(const struct obj *elf)
{
	struct obj_symbol *sym;

	for_each_sym(elf, sym)
		if (!is_local_sym(sym))
			return sym->index;
	return elf->nr_symbols;
}

static void test_lookups(struct obj *elf, const char *what)
{
	struct obj_section *text = find_section_by_name(elf, ".text");
	struct obj_section *data = find_section_by_name(elf, ".data");
	struct obj_symbol *dup = find_symbol_by_name(elf, "dup");
	struct obj_reloc *r;

	check(text && data && !find_section_by_name(elf, ".nope"),
	      "%s: find_section_by_name", what);
	if (!text || !data)
		return;
	check(find_symbol_by_name(elf, "gfunc") && find_symbol_by_name(elf, "gfunc")->sec == text &&
	      !find_symbol_by_name(elf, "nope"), "%s: find_symbol_by_name", what);
	check(dup && dup->offset == 8, "%s: duplicate names: the lowest index wins", what);
	check(find_symbol_by_index(elf, 0) == elf->symbols[0] &&
	      find_symbol_by_index(elf, elf->nr_symbols - 1) == elf->symbols[elf->nr_symbols - 1] &&
	      !find_symbol_by_index(elf, elf->nr_symbols), "%s: find_symbol_by_index", what);

	check(reloc_is(find_reloc_by_offset(elf, text, 1), "printk", R_X86_64_PLT32, -4) &&
	      reloc_is(find_reloc_by_offset(elf, text, 7), "lfunc", R_X86_64_PC32, -4) &&
	      !find_reloc_by_offset(elf, text, 2) && !find_reloc_by_offset(elf, data, 1),
	      "%s: find_reloc_by_offset", what);
	r = find_reloc_by_offset(elf, text, 19);
	check(r && is_section_sym(r->sym) && r->sym->sec == data, "%s: reloc to a section symbol",
	      what);
	r = find_reloc_by_offset(elf, text, 12);
	check(r && (r->sec->sh.sh_flags & SHF_RELA_LIVEPATCH) &&
	      reloc_is(r, ".klp.sym.vmlinux.printk,0", R_X86_64_PC32, -4),
	      "%s: livepatch reloc found by offset", what);
	check(reloc_is(find_reloc_in_range(elf, text, 0, 16), "printk", R_X86_64_PLT32, -4) &&
	      reloc_is(find_reloc_in_range(elf, text, 2, 10), "lfunc", R_X86_64_PC32, -4) &&
	      find_reloc_in_range(elf, text, 16, 16) &&
	      find_reloc_in_range(elf, text, 16, 16)->offset == 19 &&
	      !find_reloc_in_range(elf, text, 8, 11) && !find_reloc_in_range(elf, text, 20, 100) &&
	      !find_reloc_in_range(elf, text, 1, 0) &&
	      find_reloc_in_range(elf, text, 1, UINT64_MAX),
	      "%s: find_reloc_in_range", what);
	check(find_symbol_covering(text, 0) && !strcmp(find_symbol_covering(text, 0)->name, "gfunc") &&
	      !strcmp(find_symbol_covering(text, 15)->name, "gfunc") &&
	      !strcmp(find_symbol_covering(text, 16)->name, "lfunc") &&
	      !strcmp(find_symbol_covering(text, 31)->name, "lfunc") &&
	      !find_symbol_covering(text, 32) && !find_symbol_covering(data, 100),
	      "%s: find_symbol_covering", what);
	check(find_symbol_covering(data, 9) && find_symbol_covering(data, 9)->size == 4,
	      "%s: find_symbol_covering prefers the innermost symbol", what);
	check(find_symbol_at(text, 16) && !strcmp(find_symbol_at(text, 16)->name, "lfunc") &&
	      !find_symbol_at(text, 17) && find_symbol_at(data, 8) &&
	      find_symbol_at(data, 8)->size == 8, "%s: find_symbol_at", what);
	check(data->secsym && is_section_sym(data->secsym), "%s: section symbol linked", what);
}

static void test_built_object(void)
{
	const char *path = tpath("built.o");
	struct built b;
	struct obj *e;
	struct obj_section *s;
	struct obj_symbol *sym;
	bool ok;

	ok = build_object(&b, path);
	check(ok, "build an object from nothing");
	if (!ok) {
		obj_close(b.elf);
		return;
	}
	test_lookups(b.elf, "built model");
	check(obj_write(b.elf, path) == 0 && file_exists(path) && no_temp_files(),
	      "write the built object");
	check(obj_write(b.elf, tpath("built2.o")) == 0 &&
	      run("cmp -s %s %s", path, tpath("built2.o")) == 0,
	      "writing twice gives the same bytes");
	check(binutils_accept(path), "readelf/objdump accept the built object");
	obj_close(b.elf);

	e = obj_open_read(path);
	check(e != NULL, "read the built object back");
	if (!e)
		return;
	test_lookups(e, "reread");
	check(locals_first(e) && e->symtab->sh.sh_info == first_global(e),
	      "locals first, .symtab sh_info is the first global");
	sym = find_symbol_by_name(e, "lfunc");
	check(sym && sym->index < first_global(e) && is_func_sym(sym) && sym->offset == 16 &&
	      sym->size == 16, "local added after globals moved before them");
	sym = find_symbol_by_name(e, ".klp.sym.vmlinux.printk,0");
	check(sym && !sym->sec && sym->sym.st_shndx == SHN_LIVEPATCH,
	      "SHN_LIVEPATCH symbol survives a write");
	sym = find_symbol_by_name(e, "test.c");
	check(sym && is_file_sym(sym) && sym->sym.st_shndx == SHN_ABS, "FILE symbol is SHN_ABS");
	sym = find_symbol_by_name(e, "printk");
	check(sym && is_undef_sym(sym) && !is_local_sym(sym), "undefined symbol");
	sym = find_symbol_by_name(e, "wdata");
	check(sym && sym->bind == STB_WEAK && sym->sec && !strcmp(sym->sec->name, ".data"),
	      "weak symbol");
	sym = find_symbol_by_name(e, "gbss");
	check(sym && sym->sec && sym->sec->sh.sh_type == SHT_NOBITS && sym->size == 64,
	      "symbol in .bss");
	s = find_section_by_name(e, ".klp.rela.vmlinux..text");
	check(s && is_rela_sec(s) && (s->sh.sh_flags & SHF_RELA_LIVEPATCH) &&
	      (s->sh.sh_flags & SHF_ALLOC) && s->base == find_section_by_name(e, ".text") &&
	      s->nr_relocs == 1, "SHF_RELA_LIVEPATCH section survives a write");
	s = find_section_by_name(e, ".text");
	check(s && s->rela && !strcmp(s->rela->name, ".rela.text") && s->rela->nr_relocs == 3 &&
	      (s->rela->sh.sh_flags & SHF_INFO_LINK) && s->rela->sh.sh_link == e->symtab->index &&
	      s->rela->sh.sh_info == s->index, "ordinary .rela.text stays the primary one");
	check(same_bytes(find_section_by_name(e, ".text"), text_bytes, sizeof(text_bytes)) &&
	      same_bytes(find_section_by_name(e, ".rodata.str1.1"), "hello\0world\0", 13),
	      "section contents round trip");
	s = find_section_by_name(e, ".bss");
	check(s && s->sh.sh_type == SHT_NOBITS && s->sh.sh_size == 64 && !s->buf &&
	      s->sh.sh_addralign == 32, "NOBITS section round trip");
	s = find_section_by_name(e, ".group");
	if (check(s && s->sh.sh_type == SHT_GROUP && s->size == 8, "group section round trip")) {
		uint32_t w[2];

		memcpy(w, s->buf, sizeof(w));
		sym = find_symbol_by_index(e, s->sh.sh_info);
		check(w[0] == GRP_COMDAT && w[1] == find_section_by_name(e, ".text.comdat")->index &&
		      sym && !strcmp(sym->name, "comdat_fn"), "group members and signature remapped");
	}
	obj_close(e);
}

/* The built object's code and data, linked into a program and run. */
static void test_built_object_runs(void)
{
	static const unsigned char code[] = {
		0x8b, 0x05, 0, 0, 0, 0,		/* mov value(%rip),%eax */
		0x03, 0x05, 0, 0, 0, 0,		/* add .data+4(%rip),%eax */
		0xc3,
	};
	static const unsigned char data[8] = { 40, 0, 0, 0, 2 };
	struct obj *elf = obj_create(tpath("answer.o"));
	struct obj_section *text, *dsec;
	struct obj_symbol *value;
	bool ok;

	if (!have_tool("gcc")) {
		skip("built object links and runs (no gcc)");
		obj_close(elf);
		return;
	}
	ok = elf != NULL;
	text = ok ? add_sec(elf, ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 16, NULL, 0) : NULL;
	dsec = ok ? add_sec(elf, ".data", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 4, NULL, 0) : NULL;
	ok = text && dsec;
	ok = ok && obj_section_append(text, "\x90", 1, 1) == 0;
	ok = ok && obj_section_append(text, code, sizeof(code), 16) == 16;
	ok = ok && obj_section_append(dsec, data, sizeof(data), 4) == 0;
	ok = ok && obj_add_symbol(elf, "answer", STB_GLOBAL, STT_FUNC, text, 16, sizeof(code));
	value = ok ? obj_add_symbol(elf, "value", STB_LOCAL, STT_OBJECT, dsec, 0, 4) : NULL;
	ok = value && obj_add_reloc(elf, text, 16 + 8, R_X86_64_PC32,
				    obj_section_symbol(elf, dsec), 4 - 4);
	ok = ok && obj_add_reloc(elf, text, 16 + 2, R_X86_64_PC32, value, -4);
	ok = ok && text->size == 16 + sizeof(code) && text->sh.sh_addralign == 16;
	ok = ok && add_sec(elf, ".note.GNU-stack", SHT_PROGBITS, 0, 1, NULL, 0);
	ok = ok && obj_write(elf, tpath("answer.o")) == 0;
	obj_close(elf);
	check(ok, "build answer.o with obj_section_append");
	if (!ok)
		return;
	write_bytes(tpath("main.c"), "int answer(void);\nint main(void) { return answer(); }\n",
		    strlen("int answer(void);\nint main(void) { return answer(); }\n"));
	check(run("cd %s && gcc -o answer main.c answer.o 2>&1 && ./answer; test $? = 42",
		  tmpdir) == 0, "built object links with gcc and returns 42");
	check(run("cd %s && ld -r -o answer-r.o answer.o", tmpdir) == 0, "ld -r accepts it");
}

static void test_append_and_align(void)
{
	struct obj *elf = obj_create(tpath("append.o"));
	struct obj_section *s, *bss;
	bool ok;

	if (!elf) {
		check(false, "obj_section_append");
		return;
	}
	s = add_sec(elf, ".rodata", SHT_PROGBITS, SHF_ALLOC, 1, "abc", 3);
	bss = add_sec(elf, ".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE, 1, NULL, 5);
	ok = s && bss && obj_section_append(s, "xy", 2, 8) == 8 && s->size == 10 &&
	     !memcmp(s->buf, "abc\0\0\0\0\0xy", 10) && s->sh.sh_size == 10 &&
	     s->sh.sh_addralign == 8;
	check(ok, "obj_section_append pads and aligns");
	check(bss && obj_section_append(bss, NULL, 10, 16) == 16 && bss->sh.sh_size == 26 &&
	      !bss->buf, "obj_section_append on NOBITS grows sh_size");
	check(s && obj_section_append(s, NULL, 0, 1) == 10 && s->size == 10 &&
	      obj_section_append(add_sec(elf, ".empty", SHT_PROGBITS, 0, 1, NULL, 0), NULL, 0, 4) == 0,
	      "obj_section_append of nothing");
	check(s && obj_section_append(s, "z", 1, 3) == -1 && error_pending(),
	      "obj_section_append refuses a bad alignment");
	for (int i = 0; s && i < 100000; i++)
		if (obj_section_append(s, "0123456789", 10, 1) < 0)
			s = NULL;
	check(s && s->size == 10 + 1000000, "100000 appends");
	obj_close(elf);
}

/* ------------------------------------------------------------------ */
/* gcc output                                                          */
/* ------------------------------------------------------------------ */

static const char module_c[] =
	"#include <stdio.h>\n"
	"#include <stdlib.h>\n"
	"static int counter;\n"
	"int table[64] = { 1, 2, 3 };\n"
	"static const char modinfo[] __attribute__((section(\".modinfo\"), used)) =\n"
	"\t\"license=GPL\\0author=test\";\n"
	"static const char versions[64] __attribute__((section(\"__versions\"), used)) = \"v\";\n"
	"struct module { char name[56]; void *init; };\n"
	"int init_module(void);\n"
	"struct module __this_module __attribute__((section(\".gnu.linkonce.this_module\"))) =\n"
	"\t{ .name = \"test\", .init = init_module };\n"
	"__attribute__((noinline)) static int helper(int x) { return x * 3 + counter++; }\n"
	"__attribute__((noinline)) int unused_fn(int x) { return x ^ 0x55; }\n"
	"void __attribute__((cold, noinline, noreturn)) die(const char *m)\n"
	"{ fprintf(stderr, \"%s\\n\", m); abort(); }\n"
	"int foo(int x)\n"
	"{\n"
	"\tif (__builtin_expect(x < 0, 0)) {\n"
	"\t\tfprintf(stderr, \"negative %d\\n\", x);\n"
	"\t\tdie(\"negative\");\n"
	"\t}\n"
	"\treturn helper(x) + table[x % 64];\n"
	"}\n"
	"int init_module(void) { return foo(3); }\n"
	"extern void __attribute__((cold)) report(const char *m, int a, int b);\n"
	"int with_cold(int x, int y)\n"
	"{\n"
	"\tint r = table[x & 63];\n"
	"\tif (y > 3) {\n"
	"\t\treport(\"bad value\", x, y);\n"
	"\t\tr += table[y & 63] * 5 + x;\n"
	"\t\ttable[x & 7] = r;\n"
	"\t}\n"
	"\treturn r * 3;\n"
	"}\n";

static bool compile(const char *src, size_t len, const char *name, const char *flags)
{
	char c[64];

	snprintf(c, sizeof(c), "%s.c", name);
	if (write_bytes(tpath(c), src, len))
		return false;
	return run("cd %s && gcc %s -c -o %s.o %s.c 2>/dev/null", tmpdir, flags, name, name) == 0;
}

/* objdump -dr and -s of @a and @b match apart from the file name line. */
static bool same_disassembly(const char *a, const char *b)
{
	return run("objdump -dr -s %s | tail -n +3 > %s.dis && objdump -dr -s %s | tail -n +3 > %s.dis && "
		   "cmp -s %s.dis %s.dis", a, a, b, b, a, b) == 0;
}

static bool same_debug_info(const char *a, const char *b)
{
	return run("readelf --debug-dump=info %s | tail -n +3 > %s.dbg && "
		   "readelf --debug-dump=info %s | tail -n +3 > %s.dbg && cmp -s %s.dbg %s.dbg",
		   a, a, b, b, a, b) == 0;
}

/* Read, write, read again; the two models and binutils' views agree. */
static bool round_trip(const char *in, const char *out, bool quiet)
{
	struct obj *a = obj_open_read(in), *b;
	bool ok;

	if (!a) {
		if (!quiet)
			check(false, "read %s", in);
		return false;
	}
	ok = obj_write(a, out) == 0;
	b = ok ? obj_open_read(out) : NULL;
	ok = b != NULL;
	if (ok) {
		struct obj_section *s;
		size_t ra = 0, rb = 0, na = 0, nb = 0;

		for_each_sec(a, s) {
			ra += s->nr_relocs;
			na += s->nr_syms;
		}
		for_each_sec(b, s) {
			rb += s->nr_relocs;
			nb += s->nr_syms;
		}
		ok = ra == rb && na == nb && a->nr_symbols == b->nr_symbols && locals_first(b);
	}
	if (ok && have_tool("objdump"))
		ok = same_disassembly(in, out);
	if (!quiet)
		check(ok, "round trip %s", in);
	obj_close(a);
	obj_close(b);
	return ok;
}

static void test_gcc_object(void)
{
	struct obj *e;
	struct obj_symbol *foo, *cold;
	struct obj_section *s;
	const char *o = tpath("mod.o");

	if (!have_tool("gcc") || !compile(module_c, sizeof(module_c) - 1, "mod",
					  "-O2 -g -ffunction-sections -fdata-sections")) {
		skip("gcc objects (cannot compile)");
		return;
	}
	e = obj_open_read(o);
	check(e != NULL, "read gcc -O2 -g -ffunction-sections object");
	if (!e)
		return;
	foo = find_symbol_by_name(e, "with_cold");
	cold = find_symbol_by_name(e, "with_cold.cold");
	if (cold)
		check(foo && foo->cold == cold && cold->parent == foo && is_func_sym(cold) &&
		      !foo->parent && !cold->cold, "with_cold.cold is linked to with_cold");
	else
		skip("with_cold.cold (gcc made no cold part)");
	foo = find_symbol_by_name(e, "foo");
	s = find_section_by_name(e, ".text.foo");
	check(s && foo && foo->sec == s && find_symbol_covering(s, foo->size - 1) == foo &&
	      find_symbol_at(s, 0) == foo && s->rela && s->rela->base == s &&
	      find_reloc_in_range(e, s, 0, foo->size), "gcc object: lookups in .text.foo");
	s = find_section_by_name(e, ".rela.debug_info");
	check(s && is_debug_sec(s) && is_debug_sec(find_section_by_name(e, ".debug_info")) &&
	      !is_debug_sec(find_section_by_name(e, ".text.foo")), "is_debug_sec");
	obj_close(e);

	check(round_trip(o, tpath("mod-rt.o"), true), "gcc object round trip (objdump -dr -s equal)");
	check(same_debug_info(o, tpath("mod-rt.o")), "gcc object round trip (DWARF equal)");
	check(binutils_accept(tpath("mod-rt.o")), "readelf/objdump accept the rewritten object");
	check(run("ld -r -o %s %s", tpath("mod-ld.o"), tpath("mod-rt.o")) == 0,
	      "ld -r accepts the rewritten object");

	/* Compressed debug sections: relocations are checked against ch_size. */
	if (compile(module_c, sizeof(module_c) - 1, "modz",
		    "-O2 -g -gz -ffunction-sections -fdata-sections")) {
		check(round_trip(tpath("modz.o"), tpath("modz-rt.o"), true) &&
		      same_debug_info(tpath("modz.o"), tpath("modz-rt.o")),
		      "gcc -gz object (SHF_COMPRESSED) round trip");
	} else {
		skip("gcc -gz object (cannot compile)");
	}
}

/* Read a .ko-like object, remove, add livepatch parts, write: the rest survives. */
static void test_module_rewrite(void)
{
	static const char *const keep[] = {
		".modinfo", "__versions", ".gnu.linkonce.this_module", ".bss", ".data.table",
		".note.GNU-stack", ".comment", ".debug_info", ".rodata.foo.str1.1",
	};
	const char *o = tpath("mod.o"), *out = tpath("mod-klp.o");
	struct obj *e = obj_open_read(o), *r;
	struct obj_section *text, *klp, *unused;
	struct obj_symbol *ksym, *sym;
	GElf_Shdr sh = { .sh_type = SHT_RELA, .sh_addralign = 8, .sh_entsize = 24,
			 .sh_flags = SHF_ALLOC | SHF_INFO_LINK | SHF_RELA_LIVEPATCH };
	bool ok;

	if (!e) {
		skip("module rewrite (no gcc object)");
		error_clear();
		return;
	}
	text = find_section_by_name(e, ".text.foo");
	unused = find_section_by_name(e, ".text.unused_fn");
	ok = text && unused;
	/* .text.unused_fn is referenced by debug info: drop that too. */
	if (ok) {
		obj_remove_section(e, unused);
		check(obj_write(e, out) != 0 && error_pending() && !file_exists(out) &&
		      no_temp_files(), "relocation to a dropped symbol fails the write, no output");
		obj_remove_section(e, find_section_by_name(e, ".debug_info"));
		obj_remove_section(e, find_section_by_name(e, ".debug_aranges"));
		obj_remove_section(e, find_section_by_name(e, ".debug_rnglists"));
		obj_remove_section(e, find_section_by_name(e, ".debug_line"));
		obj_remove_section(e, find_section_by_name(e, ".debug_frame"));
		obj_remove_section(e, find_section_by_name(e, ".eh_frame"));
		obj_remove_section(e, find_section_by_name(e, ".debug_loclists"));
	}
	ksym = ok ? obj_add_symbol(e, ".klp.sym.vmlinux.printk,0", STB_GLOBAL, STT_FUNC,
				   NULL, 0, 0) : NULL;
	ok = ksym != NULL;
	if (ok) {
		ksym->sym.st_shndx = SHN_LIVEPATCH;
		sh.sh_info = text->index;
		klp = obj_add_section(e, ".klp.rela.vmlinux..text.foo", &sh, NULL, 0);
		ok = klp && obj_rela_add_reloc(e, klp, 1, R_X86_64_PLT32, ksym, -4);
	}
	ok = ok && obj_write(e, out) == 0;
	check(ok, "module: remove sections, add a livepatch rela section and symbol, write");
	r = ok ? obj_open_read(out) : NULL;
	check(r != NULL, "module: read the rewritten module");
	if (!r) {
		obj_close(e);
		return;
	}
	check(!find_section_by_name(r, ".text.unused_fn") &&
	      !find_section_by_name(r, ".rela.text.unused_fn") &&
	      !find_symbol_by_name(r, "unused_fn"), "module: removed section and its symbol are gone");
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		struct obj_section *a = find_section_by_name(e, keep[i]);
		struct obj_section *b = find_section_by_name(r, keep[i]);

		if (!a && !strcmp(keep[i], ".debug_info"))
			continue;	/* removed above */
		if (!a) {
			skip(keep[i]);
			continue;
		}
		check(b && a->sh.sh_type == b->sh.sh_type && a->sh.sh_flags == b->sh.sh_flags &&
		      a->sh.sh_size == b->sh.sh_size && a->sh.sh_addralign == b->sh.sh_addralign &&
		      a->size == b->size && (!a->size || !memcmp(a->buf, b->buf, a->size)),
		      "module: %s survives intact", keep[i]);
	}
	klp = find_section_by_name(r, ".klp.rela.vmlinux..text.foo");
	sym = find_symbol_by_name(r, ".klp.sym.vmlinux.printk,0");
	check(klp && (klp->sh.sh_flags & SHF_RELA_LIVEPATCH) && klp->base &&
	      !strcmp(klp->base->name, ".text.foo") && klp->nr_relocs == 1 &&
	      klp->relocs[0].sym == sym && sym && sym->sym.st_shndx == SHN_LIVEPATCH,
	      "module: livepatch relocation and SHN_LIVEPATCH symbol survive");
	text = find_section_by_name(r, ".text.foo");
	check(text && text->rela && !(text->rela->sh.sh_flags & SHF_RELA_LIVEPATCH),
	      "module: the ordinary .rela stays the primary relocation section");
	check(binutils_accept(out), "module: readelf/objdump accept it");
	obj_close(r);
	obj_close(e);
}

static void test_group_removal(void)
{
	struct built b;
	struct obj *e;
	bool ok = build_object(&b, tpath("grp.o"));

	if (ok) {
		obj_remove_section(b.elf, b.comdat);
		ok = obj_write(b.elf, tpath("grp.o")) == 0;
	}
	obj_close(b.elf);
	e = ok ? obj_open_read(tpath("grp.o")) : NULL;
	check(e && !find_section_by_name(e, ".group") && !find_section_by_name(e, ".text.comdat") &&
	      !find_symbol_by_name(e, "comdat_fn"), "a group whose members are all removed is dropped");
	obj_close(e);

	ok = build_object(&b, tpath("grp2.o"));
	if (ok) {
		obj_remove_section(b.elf, b.data);
		ok = obj_write(b.elf, tpath("grp2.o")) != 0 && error_pending() &&
		     !file_exists(tpath("grp2.o")) && no_temp_files();
	}
	obj_close(b.elf);
	check(ok, "removing .data while .text refers to it fails cleanly");

	ok = build_object(&b, tpath("grp3.o"));
	if (ok) {
		obj_remove_section(b.elf, b.text);
		ok = obj_write(b.elf, tpath("grp3.o")) == 0;
		/* .data's R_X86_64_64 to gfunc in removed .text must fail */
		ok = !ok && error_pending();
	}
	obj_close(b.elf);
	check(ok, "relocation from kept .data to removed .text's symbol is an error");
	b.elf = obj_create(tpath("nodir.o"));
	check(b.elf && obj_write(b.elf, "/nonexistent-dir/x.o") != 0 && error_pending(),
	      "write into a missing directory fails with an error");
	obj_close(b.elf);
}

/* ------------------------------------------------------------------ */
/* Bad input                                                           */
/* ------------------------------------------------------------------ */

/* obj_open_read fails with exactly one one-line error containing @expect. */
static bool rejects(const char *path, const char *expect)
{
	struct obj *e;
	const char *msg;
	bool ok;

	error_clear();
	e = obj_open_read(path);
	msg = error_message();
	ok = !e && error_pending() && *msg && !strchr(msg, '\n') &&
		  (!expect || strstr(msg, expect));

	if (!ok && e)
		printf("  (accepted %s)\n", path);
	else if (!ok)
		printf("  (message: %s)\n", msg);
	obj_close(e);
	return ok;
}

static bool reads_back(const char *path)
{
	struct obj *e;
	bool ok;

	error_clear();
	e = obj_open_read(path);
	ok = e != NULL;

	if (!ok)
		printf("  (cannot read back %s: %s)\n", path, error_message());
	obj_close(e);
	return ok;
}

/* Either a model or one error; never a crash (ASan/UBSan watch the rest). */
static bool survives(const char *path)
{
	struct obj *e;
	bool ok;

	error_clear();
	e = obj_open_read(path);
	ok = e ? !error_pending() : error_pending() && !strchr(error_message(), '\n');

	if (e) {
		struct obj_section *s;

		for_each_sec(e, s) {
			find_symbol_covering(s, 0);
			find_reloc_in_range(e, s, 0, 64);
		}
		if (obj_write(e, tpath("fuzz-out.o")) == 0)
			ok = ok && reads_back(tpath("fuzz-out.o"));
		error_clear();
	}
	obj_close(e);
	error_clear();
	return ok;
}


static Elf64_Shdr *raw_shdr(unsigned char *img, size_t i)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;

	return (Elf64_Shdr *)(img + eh->e_shoff + i * sizeof(Elf64_Shdr));
}

/* Index of the first section of @type (and name, if given), 0 if none. */
static size_t raw_find(unsigned char *img, uint32_t type, const char *name)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	const char *names = (char *)img + raw_shdr(img, eh->e_shstrndx)->sh_offset;

	for (size_t i = 1; i < eh->e_shnum; i++) {
		Elf64_Shdr *sh = raw_shdr(img, i);

		if (sh->sh_type == type && (!name || !strcmp(names + sh->sh_name, name)))
			return i;
	}
	return 0;
}

/* Index of the first FUNC symbol defined in a section. */
static Elf64_Sym *raw_func_sym(unsigned char *img)
{
	Elf64_Shdr *st = raw_shdr(img, raw_find(img, SHT_SYMTAB, NULL));
	Elf64_Sym *syms = (Elf64_Sym *)(img + st->sh_offset);

	for (size_t i = 1; i < st->sh_size / sizeof(*syms); i++)
		if (ELF64_ST_TYPE(syms[i].st_info) == STT_FUNC && syms[i].st_shndx &&
		    syms[i].st_shndx < SHN_LORESERVE)
			return &syms[i];
	return NULL;
}

/* One corruption of a valid object and the error it must give. */
struct mutation {
	const char *what;		/* the check's name */
	const char *expect;		/* a part of the error message */
};

static const struct mutation mutations[] = {
	{ "rela sh_link out of range", "sh_link" },
	{ "rela entry size", "entry size" },
	{ "r_sym out of range", "out of range" },
	{ "unknown relocation type", "unsupported relocation type 200" },
	{ "r_offset beyond the section", "beyond the end" },
	{ "st_shndx out of range", "section index" },
	{ "st_name beyond the string table", "name offset" },
	{ "FUNC symbol outside its section", "outside section" },
	{ "SHT_REL section", "SHT_REL" },
	{ "two symbol tables", "several symbol tables" },
	{ "string table not NUL-terminated", "NUL-terminated" },
	{ "no symbol table", "no symbol table" },
	{ "section contents outside the file", "outside the file" },
	{ "section header table outside the file", "outside the file" },
	{ "ELFCLASS32", "64-bit" },
	{ "rela sh_info 0", "not a valid section" },
	{ "SHN_XINDEX without SHT_SYMTAB_SHNDX", "SHN_XINDEX" },
	{ "big-endian", "little-endian" },
	{ "e_shstrndx out of range", "section name table" },
	{ "symtab entry size", "entry size" },
	{ "e_machine aarch64", "wrong architecture: aarch64, expected x86-64" },
	{ "ET_EXEC header", "ET_EXEC" },
	{ "rela size not a multiple of 24", "multiple" },
	{ "rela sh_link not the symbol table", "not the symbol table" },
	{ "symtab without string table", "string table" },
	{ "e_shentsize", "section header size" },
	{ "section name table not a string table", "not a string table" },
	{ "sh_name beyond the name table", "name offset" },
	{ "rela sh_info out of range", "sh_info" },
	{ "empty symbol table", "symbol table" },
};

static void mutate(unsigned char *img, size_t len, size_t which)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	size_t rela = raw_find(img, SHT_RELA, NULL), symtab = raw_find(img, SHT_SYMTAB, NULL);
	Elf64_Shdr *rs = raw_shdr(img, rela), *ss = raw_shdr(img, symtab);
	Elf64_Shdr *strs = raw_shdr(img, ss->sh_link);
	Elf64_Rela *r = (Elf64_Rela *)(img + rs->sh_offset);
	Elf64_Sym *fs = raw_func_sym(img);
	size_t comment = raw_find(img, SHT_PROGBITS, ".comment");

	switch (which) {
	case 0: rs->sh_link = eh->e_shnum + 5; break;
	case 1: rs->sh_entsize = 16; break;
	case 2: r->r_info = ELF64_R_INFO(0xffffff, ELF64_R_TYPE(r->r_info)); break;
	case 3: r->r_info = ELF64_R_INFO(ELF64_R_SYM(r->r_info), 200); break;
	case 4: r->r_offset = 1ull << 40; break;
	case 5: fs->st_shndx = eh->e_shnum + 3; break;
	case 6: fs->st_name = (Elf64_Word)strs->sh_size + 10; break;
	case 7: fs->st_size = 1u << 30; break;
	case 8: rs->sh_type = SHT_REL; break;
	case 9: raw_shdr(img, comment)->sh_type = SHT_SYMTAB; break;
	case 10: img[strs->sh_offset + strs->sh_size - 1] = 'x'; break;
	case 11: ss->sh_type = SHT_PROGBITS; break;
	case 12: raw_shdr(img, comment)->sh_offset = len + 100; break;
	case 13: eh->e_shoff = len - 10; break;
	case 14: img[EI_CLASS] = ELFCLASS32; break;
	case 15: rs->sh_info = 0; break;
	case 16: fs->st_shndx = SHN_XINDEX; break;
	case 17: img[EI_DATA] = ELFDATA2MSB; break;
	case 18: eh->e_shstrndx = eh->e_shnum + 1; break;
	case 19: ss->sh_entsize = 16; break;
	case 20: eh->e_machine = EM_AARCH64; break;
	case 21: eh->e_type = ET_EXEC; break;
	case 22: rs->sh_size = 25; break;
	case 23: rs->sh_link = ss->sh_link; break;
	case 24: ss->sh_link = 0; break;
	case 25: eh->e_shentsize = 40; break;
	case 26: raw_shdr(img, eh->e_shstrndx)->sh_type = SHT_PROGBITS; break;
	case 27: raw_shdr(img, 1)->sh_name = 0x7fffffff; break;
	case 28: rs->sh_info = eh->e_shnum + 1; break;
	case 29: ss->sh_size = 0; break;
	}
}

static void test_mutations(void)
{
	const char *src = "static int s; int g[4];\n"
			  "__attribute__((noinline)) static int h(int x) { return x + s++; }\n"
			  "int f(int x) { return h(x) + g[x & 3]; }\n";
	unsigned char *img, *copy;
	size_t len;

	if (!compile(src, strlen(src), "mut", "-O2 -ffunction-sections") ||
	    !(img = read_bytes(tpath("mut.o"), &len))) {
		skip("corrupted objects (cannot compile)");
		return;
	}
	copy = malloc(len);
	for (size_t i = 0; copy && i < sizeof(mutations) / sizeof(mutations[0]); i++) {
		memcpy(copy, img, len);
		mutate(copy, len, i);
		write_bytes(tpath("mutated.o"), copy, len);
		check(rejects(tpath("mutated.o"), mutations[i].expect), "rejects %s",
		      mutations[i].what);
	}
	free(copy);
	free(img);

	/* A group member out of range, in an object with a group. */
	img = read_bytes(tpath("built.o"), &len);
	if (img && raw_find(img, SHT_GROUP, NULL)) {
		Elf64_Shdr *g = raw_shdr(img, raw_find(img, SHT_GROUP, NULL));
		uint32_t bad = 9999;

		memcpy(img + g->sh_offset + 4, &bad, sizeof(bad));
		write_bytes(tpath("mutated.o"), img, len);
		check(rejects(tpath("mutated.o"), "member"), "rejects a group member out of range");
	}
	free(img);
}

static void test_random_mutations(const char *src_path, int rounds)
{
	unsigned char *img, *copy;
	size_t len;
	int bad = 0;

	img = read_bytes(src_path, &len);
	if (!img || len < 64) {
		free(img);
		skip("random corruption (no object)");
		return;
	}
	copy = malloc(len);
	for (int i = 0; copy && i < rounds; i++) {
		int flips = 1 + rand() % 8;

		memcpy(copy, img, len);
		for (int k = 0; k < flips; k++) {
			size_t at = (size_t)rand() % len;

			/* Aim half of the flips at the headers, where they hurt. */
			if (k & 1) {
				Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
				size_t tab = eh->e_shnum * sizeof(Elf64_Shdr);

				at = rand() % 3 ? eh->e_shoff + (size_t)rand() % tab
						: (size_t)rand() % sizeof(*eh);
			}
			copy[at] = rand() % 4 ? (unsigned char)rand() : copy[at] ^ 0x80;
		}
		write_bytes(tpath("fuzz.o"), copy, len);
		if (!survives(tpath("fuzz.o")))
			bad++;
	}
	free(copy);
	free(img);
	check(bad == 0, "%d randomly corrupted copies of %s: a model or one error each", rounds,
	      strrchr(src_path, '/') + 1);
}

static void test_bad_inputs(void)
{
	unsigned char *img, buf[4096];
	size_t len;
	int bad = 0, n = 0;

	write_bytes(tpath("empty.o"), "", 0);
	check(rejects(tpath("empty.o"), "empty file"), "rejects an empty file");
	check(rejects(tpath("missing.o"), "cannot open"), "rejects a missing file");
	check(rejects(tmpdir, "not a regular file"), "rejects a directory");
	for (int i = 0; i < 8; i++) {
		size_t sz = 1 + (size_t)rand() % sizeof(buf);

		for (size_t k = 0; k < sz; k++)
			buf[k] = (unsigned char)rand();
		write_bytes(tpath("random.o"), buf, sz);
		if (!rejects(tpath("random.o"), NULL))
			bad++;
	}
	check(bad == 0, "rejects random bytes");
	bad = 0;
	for (int i = 0; i < 200; i++) {
		static const unsigned char ident[] = {
			0x7f, 'E', 'L', 'F', ELFCLASS64, ELFDATA2LSB, EV_CURRENT, 0,
			0, 0, 0, 0, 0, 0, 0, 0, ET_REL, 0, EM_X86_64, 0,
		};
		size_t sz = 64 + (size_t)rand() % (sizeof(buf) - 64);

		for (size_t k = 0; k < sz; k++)
			buf[k] = (unsigned char)rand();
		memcpy(buf, ident, sizeof(ident));
		write_bytes(tpath("random.o"), buf, sz);
		if (!survives(tpath("random.o")))
			bad++;
	}
	check(bad == 0, "random bytes behind a valid ELF identification: no crash, one error");

	img = read_bytes(tpath("mod.o"), &len);
	if (!img)
		img = read_bytes(tpath("built.o"), &len);
	if (img) {
		bad = 0;
		for (size_t cut = 1; cut < len; cut += cut < 128 ? 1 : 1 + (size_t)rand() % (len / 40 + 1)) {
			write_bytes(tpath("trunc.o"), img, cut);
			if (!rejects(tpath("trunc.o"), NULL))
				bad++;
			n++;
		}
		write_bytes(tpath("trunc.o"), img, len - 1);
		bad += !rejects(tpath("trunc.o"), "truncated");
		check(bad == 0, "rejects %d truncated copies of a valid object", n + 1);
		free(img);
	}

	write_bytes(tpath("i386.c"), "int x = 1; int f(void) { return x; }\n", 38);
	if (run("cd %s && gcc -m32 -c -o i386.o i386.c 2>/dev/null", tmpdir) == 0) {
		check(rejects(tpath("i386.o"), "wrong architecture: i386, expected x86-64"),
		      "rejects an i386 object (gcc -m32)");
	} else if ((img = read_bytes(tpath("built.o"), &len))) {
		((Elf64_Ehdr *)img)->e_machine = EM_386;
		write_bytes(tpath("i386.o"), img, len);
		free(img);
		check(rejects(tpath("i386.o"), "wrong architecture: i386, expected x86-64"),
		      "rejects an i386 object (patched e_machine)");
	}
	if (run("cd %s && gcc -no-pie -o exec main.c answer.o 2>/dev/null", tmpdir) == 0)
		check(rejects(tpath("exec"), "ET_EXEC"), "rejects an ET_EXEC executable");
	else
		skip("ET_EXEC (cannot link)");
	check(rejects("/proc/self/status", NULL), "rejects a file that is not regular");
}

/* ------------------------------------------------------------------ */
/* Real objects                                                        */
/* ------------------------------------------------------------------ */

static void round_trip_list(const char *what, char **paths, int nr)
{
	int bad = 0, done = 0;

	for (int i = 0; i < nr; i++) {
		char out[64];

		snprintf(out, sizeof(out), "rt-%d.o", i);
		error_clear();
		if (!round_trip(paths[i], tpath(out), true)) {
			if (strstr(error_message(), "no symbol table")) {
				printf("  (not applicable, no symbol table: %s)\n", paths[i]);
				error_clear();
				continue;
			}
			printf("  (round trip failed: %s: %s)\n", paths[i],
			       error_pending() ? error_message() : "differs");
			bad++;
		}
		error_clear();
		unlink(tpath(out));
		done++;
	}
	check(bad == 0, "round trip of %d %s", done, what);
}

static void test_system_objects(void)
{
	static char *crt[] = {
		"/usr/lib/x86_64-linux-gnu/crt1.o",
		"/usr/lib/x86_64-linux-gnu/crti.o",
		"/usr/lib/x86_64-linux-gnu/crtn.o",
		"/usr/lib/x86_64-linux-gnu/Scrt1.o",
	};
	char *paths[64];
	int nr = 0;
	FILE *f;

	for (size_t i = 0; i < sizeof(crt) / sizeof(crt[0]); i++)
		if (file_exists(crt[i]))
			paths[nr++] = crt[i];
	if (nr)
		round_trip_list("crt objects", paths, nr);
	else
		skip("crt objects (none found)");

	/* Some members of libc.a: assembler, groups, IFUNCs, TLS. */
	nr = 0;
	if (run("mkdir -p %s/libc && cd %s/libc && ar t /usr/lib/x86_64-linux-gnu/libc.a 2>/dev/null"
		" | awk 'NR %% 40 == 1' | head -60 | xargs -r ar x /usr/lib/x86_64-linux-gnu/libc.a"
		" 2>/dev/null && ls *.o > ../libc.list", tmpdir, tmpdir) == 0 &&
	    (f = fopen(tpath("libc.list"), "r"))) {
		char line[512];

		while (nr < 64 && fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = '\0';
			if (asprintf(&paths[nr], "%s/libc/%s", tmpdir, line) > 0)
				nr++;
		}
		fclose(f);
	}
	if (nr)
		round_trip_list("libc.a members", paths, nr);
	else
		skip("libc.a members (none found)");
	for (int i = 0; i < nr; i++)
		free(paths[i]);
}

/* ------------------------------------------------------------------ */
/* Scale                                                               */
/* ------------------------------------------------------------------ */

#if defined(__SANITIZE_ADDRESS__)
#define TIME_LIMIT 6.0		/* sanitizers are slower */
#else
#define TIME_LIMIT 1.0
#endif

/* CPU time of this process: other work on the machine does not count. */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* @n functions calling each other, each in its own section or all in one. */
static bool build_many(const char *path, int n, bool own_sections)
{
	static const unsigned char fn[16] = { 0xe8, 0, 0, 0, 0, 0xc3 };
	struct obj *elf = obj_create(path);
	struct obj_symbol **syms = calloc((size_t)n, sizeof(*syms));
	struct obj_section *text = NULL;
	bool ok = elf && syms;
	char name[64];

	if (ok && !own_sections)
		ok = (text = add_sec(elf, ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 16,
				     NULL, 0)) != NULL;
	obj_add_symbol(elf, "many.c", STB_LOCAL, STT_FILE, NULL, 0, 0);
	for (int i = 0; ok && i < n; i++) {
		struct obj_section *s = text;
		int64_t off = 0;

		if (own_sections) {
			snprintf(name, sizeof(name), ".text.f%d", i);
			s = add_sec(elf, name, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 16, fn,
				    sizeof(fn));
		} else {
			off = obj_section_append(s, fn, sizeof(fn), 16);
		}
		snprintf(name, sizeof(name), "f%d", i);
		/* globals and locals interleaved: the writer must sort them */
		syms[i] = s && off >= 0 ? obj_add_symbol(elf, name, i % 3 ? STB_GLOBAL : STB_LOCAL,
							STT_FUNC, s, (uint64_t)off, 6) : NULL;
		ok = syms[i] != NULL;
	}
	for (int i = 0; ok && i < n; i++)
		ok = obj_add_reloc(elf, syms[i]->sec, syms[i]->offset + 1, R_X86_64_PLT32,
				   syms[(i + 1) % n], -4) != NULL;
	ok = ok && obj_write(elf, path) == 0;
	free(syms);
	obj_close(elf);
	return ok;
}

static void test_scale(const char *what, int n, bool own_sections)
{
	const char *path = tpath(own_sections ? "many-sections.o" : "many-funcs.o");
	struct obj *e;
	double t0, t1, t2, best, build;
	bool ok = true;
	char name[64];

	t0 = now();
	if (!check(build_many(path, n, own_sections), "%s: build and write %d functions", what, n))
		return;
	t1 = now();
	build = t1 - t0;
	e = obj_open_read(path);
	t2 = now();
	check(e != NULL, "%s: read back", what);
	if (!e)
		return;
	best = t2 - t1;
	for (int i = 0; i < 2; i++) {	/* the best of three */
		struct obj *again;

		t1 = now();
		again = obj_open_read(path);
		t2 = now();
		obj_close(again);
		if (t2 - t1 < best)
			best = t2 - t1;
	}
	printf("  (%s: build+write %.3fs, read %.3fs CPU, %zu sections, %zu symbols)\n", what,
	       build, best, e->nr_sections, e->nr_symbols);
	check(best < TIME_LIMIT, "%s: %d functions load in %.3fs CPU (< %.1fs)", what, n, best,
	      TIME_LIMIT);
	t1 = now();
	for (int i = 0; ok && i < n; i++) {
		struct obj_symbol *s, *next;
		struct obj_reloc *r;

		snprintf(name, sizeof(name), "f%d", i);
		s = find_symbol_by_name(e, name);
		snprintf(name, sizeof(name), "f%d", (i + 1) % n);
		next = find_symbol_by_name(e, name);
		ok = s && next && is_func_sym(s) && s->size == 6 &&
		     find_symbol_covering(s->sec, s->offset + 3) == s &&
		     find_symbol_at(s->sec, s->offset) == s;
		r = ok ? find_reloc_by_offset(e, s->sec, s->offset + 1) : NULL;
		ok = ok && r && r->sym == next && r->type == R_X86_64_PLT32 && r->addend == -4 &&
		     find_reloc_in_range(e, s->sec, s->offset, 16) == r;
	}
	t2 = now();
	check(ok && locals_first(e), "%s: every function, its call and its place found again", what);
	check(t2 - t1 < TIME_LIMIT, "%s: %d x 6 lookups in %.3fs", what, n, t2 - t1);
	if (own_sections)
		check(e->nr_sections > SHN_LORESERVE && e->symtab_shndx && e->ehdr.e_shnum == 0 &&
		      e->ehdr.e_shstrndx == SHN_XINDEX, "%s: extended section numbering", what);
	obj_close(e);
	if (own_sections && have_tool("readelf"))
		check(run("readelf -hSs %s 2>&1 >/dev/null | grep -q . && exit 1; exit 0", path) == 0,
		      "%s: readelf accepts %d sections", what, 2 * n);
}

static void test_extra_objects(int argc, char **argv)
{
	if (argc > 1)
		round_trip_list("objects from the command line", argv + 1, argc - 1);
}

int main(int argc, char **argv)
{
	int rounds;

	log_init("test-elf");
	srand(12345);
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	check(arch_reloc_width(R_X86_64_PC32) == 4 && arch_reloc_width(R_X86_64_64) == 8 &&
	      arch_reloc_width(R_X86_64_NONE) == 0 && arch_reloc_width(999) == 0 &&
	      arch_reloc_is_pcrel(R_X86_64_PLT32) && !arch_reloc_is_pcrel(R_X86_64_32S) &&
	      !strcmp(arch_reloc_name(R_X86_64_PC32), "R_X86_64_PC32") && !arch_reloc_name(39) &&
	      !arch_reloc_name(1000), "x86-64 relocation table");
	test_built_object();
	test_built_object_runs();
	test_append_and_align();
	test_group_removal();
	test_gcc_object();
	test_module_rewrite();
	test_mutations();
	test_bad_inputs();
	rounds = getenv("TEST_ELF_FUZZ_ROUNDS") ? atoi(getenv("TEST_ELF_FUZZ_ROUNDS")) : 1500;
	test_random_mutations(tpath("mut.o"), rounds);
	test_random_mutations(tpath("built.o"), rounds);
	test_random_mutations(tpath("modz.o"), rounds / 3);
	test_system_objects();
	test_scale("one section per function", 50000, true);
	test_scale("one .text", 50000, false);
	test_extra_objects(argc, argv);

	printf("%d passed, %d failed\n", passes, failures);
	if (!getenv("KEEP_TMP"))
		run("rm -rf %s", tmpdir);
	else
		printf("kept %s\n", tmpdir);
	return failures ? 1 : 0;
}
