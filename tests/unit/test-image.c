// SPDX-License-Identifier: GPL-2.0
/*
 * tests/unit/test-image.c - lib/image.c, the read-only view of a mapped
 * ELF file.
 *
 * Compiles a small C file with gcc into an object (ET_REL, one section per
 * function) and a program (ET_EXEC), and checks sections, symbols, the
 * relocations of a section, addresses, and the errors on broken files.
 *
 * Usage: test-image   (prints PASS:/FAIL: lines; exit 1 on failure)
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image.h"
#include "log.h"

#define TEST_TMPDIR "/tmp/test-image.XXXXXX"
#include "test-util.h"

/* @im is NULL, and the error recorded mentions @what; then forget it. */
static void check_error(const char *name, struct image *im, const char *what)
{
	bool ok = !im && error_pending() && strstr(error_message(), what);

	if (!ok)
		fprintf(stderr, "  %s: recorded error: '%s'\n", name, error_message());
	check(name, ok);
	image_close(im);
	error_clear();
}

/* f() is called by g(); counter lives in .bss. */
static const char src[] =
	"int counter;\n"
	"__attribute__((noinline)) int f(int x) { return x * 3 + counter; }\n"
	"int g(int x) { return f(x) + 1; }\n"
	"void _start(void) { for (;;) counter = g(counter); }\n";

static int build_files(void)
{
	FILE *f;

	if (!mkdtemp(tmpdir))
		return -1;
	f = fopen(tmp_path("a.c"), "w");
	if (!f || fputs(src, f) < 0 || fclose(f))
		return -1;
	return run("cd %s && cc -O2 -fno-pie -ffunction-sections -fdata-sections -c a.c -o a.o && "
		   "cc -O2 -fno-pie -no-pie -nostdlib -static a.c -o a.exe && "
		   "cp a.exe stripped.exe && strip -s stripped.exe && "
		   "head -c $(( $(stat -c %%s a.o) / 2 )) a.o > half.o && "
		   "echo 'not an ELF file at all, just some text' > text.txt", tmpdir);
}

/* The index of symbol @name in @im, or 0. */
static size_t find_sym(const struct image *im, const char *name)
{
	for (size_t i = 1; i < im->nr_syms; i++) {
		const char *s = image_symbol_name(im, &im->syms[i]);

		if (s && !strcmp(s, name))
			return i;
	}
	return 0;
}

static void test_object(void)
{
	struct image *im = image_open(tmp_path("a.o"));
	const Elf64_Rela *relas = NULL;
	size_t text_f, text_g, bss, f, nr = 0;
	bool calls_f = false;

	check("object: opens", im != NULL);
	if (!im)
		return;
	check("object: is relocatable", image_is_relocatable(im));
	text_f = image_find_section(im, ".text.f");
	text_g = image_find_section(im, ".text.g");
	bss = image_find_section(im, ".bss.counter");
	check("object: finds .text.f and .text.g", text_f && text_g && text_f != text_g);
	check("object: a section's name is the one looked up",
	      !strcmp(image_section_name(im, text_g), ".text.g"));
	check("object: no such section gives 0", !image_find_section(im, ".text.nosuch"));
	check("object: section 0 and past the end have no header",
	      !image_section(im, 0) && !image_section(im, im->nr_sections) &&
	      !strcmp(image_section_name(im, im->nr_sections), "?"));
	check("object: .bss has no contents", bss && !image_section_data(im, bss));
	check("object: symbols", !image_symbols(im) && im->nr_syms > 3);
	f = find_sym(im, "f");
	check("object: f is defined in .text.f with its bytes",
	      f && im->syms[f].st_shndx == text_f && im->syms[f].st_size > 0 &&
	      im->syms[f].st_size <= image_section(im, text_f)->sh_size &&
	      image_section_data(im, text_f) != NULL);
	check("object: .text.g's relocations", !image_relocs_of(im, text_g, &relas, &nr) && nr > 0);
	for (size_t i = 0; i < nr; i++) {
		uint32_t type = ELF64_R_TYPE(relas[i].r_info);

		if (ELF64_R_SYM(relas[i].r_info) == f &&
		    (type == R_X86_64_PLT32 || type == R_X86_64_PC32))
			calls_f = true;
	}
	check("object: g's call of f is a relocation to f", calls_f);
	check("object: a section without relocations",
	      !image_relocs_of(im, bss, &relas, &nr) && nr == 0);
	image_close(im);
}

static void test_program(void)
{
	struct image *im = image_open(tmp_path("a.exe"));
	size_t f, text;

	check("program: opens, not relocatable", im && !image_is_relocatable(im));
	if (!im)
		return;
	text = image_find_section(im, ".text");
	f = image_symbols(im) ? 0 : find_sym(im, "f");
	check("program: f lies in .text by its address",
	      f && text && image_section_at(im, im->syms[f].st_value, im->syms[f].st_size) == text);
	check("program: no section at address 0", !image_section_at(im, 0, 1));
	image_close(im);
	im = image_open(tmp_path("stripped.exe"));
	check("program: stripped has no .symtab",
	      im && image_symbols(im) && strstr(error_message(), "no .symtab"));
	error_clear();
	image_close(im);
}

/* A copy of a.o with @len bytes at @off replaced by @bytes. */
static const char *patched_copy(const char *name, off_t off, const void *bytes, size_t len)
{
	const char *path = tmp_path(name);
	int fd;

	if (run("cp %s %s", tmp_path("a.o"), path))
		return path;
	fd = open(path, O_WRONLY);
	if (fd < 0 || pwrite(fd, bytes, len, off) != (ssize_t)len)
		fprintf(stderr, "cannot write %s\n", path);
	close(fd);
	return path;
}

static void test_errors(void)
{
	uint16_t i386 = EM_386;
	uint64_t far = 1ull << 40;
	off_t shoff;
	struct image *im;

	check("errors: image_is_elf", image_is_elf(tmp_path("a.o")) &&
	      !image_is_elf(tmp_path("text.txt")) && !image_is_elf(tmp_path("nosuch")));
	check_error("errors: missing file", image_open(tmp_path("nosuch")), "cannot open");
	check_error("errors: text", image_open(tmp_path("text.txt")), "not an ELF file");
	check_error("errors: not a regular file", image_open("/dev/null"), "not a regular file");
	check_error("errors: half an object", image_open(tmp_path("half.o")), "truncated");
	check_error("errors: another architecture",
		    image_open(patched_copy("i386.o", offsetof(Elf64_Ehdr, e_machine), &i386, 2)),
		    "wrong architecture");
	im = image_open(tmp_path("a.o"));
	shoff = im ? (off_t)im->ehdr->e_shoff : 0;
	image_close(im);
	/* Section 1's sh_offset far beyond the end of the file. */
	check_error("errors: a section outside the file",
		    image_open(patched_copy("far.o", shoff + (off_t)sizeof(Elf64_Shdr) +
					    (off_t)offsetof(Elf64_Shdr, sh_offset), &far, 8)),
		    "section 1 contents outside the file");
}

int main(void)
{
	log_init("test-image");
	if (build_files()) {
		printf("FAIL: build test files\n");
		return 1;
	}
	test_object();
	test_program();
	test_errors();
	if (!failures)
		run("rm -rf %s", tmpdir);
	else
		fprintf(stderr, "test files kept in %s\n", tmpdir);
	printf("%d failed\n", failures);
	return failures ? 1 : 0;
}
