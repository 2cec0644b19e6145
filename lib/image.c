// SPDX-License-Identifier: GPL-2.0
/*
 * lib/image.c - a mapped ELF file, read in place.
 *
 * The structures are read straight from the mapping (ELF64, little-endian,
 * as on x86-64), so each table is checked to lie inside the file and to be
 * aligned for its entries before it is used.
 */
#include "image.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

bool image_is_elf(const char *path)
{
	unsigned char magic[SELFMAG];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool is_elf;

	if (fd < 0)
		return false;
	is_elf = pread(fd, magic, SELFMAG, 0) == SELFMAG && !memcmp(magic, ELFMAG, SELFMAG);
	close(fd);
	return is_elf;
}

/* Do @size bytes at @offset lie inside the file? */
static bool is_in_file(const struct image *im, uint64_t offset, uint64_t size)
{
	return offset <= im->size && size <= im->size - offset;
}

/* A regular file, mapped privately (the object model changes its copy). */
static int map_file(struct image *im)
{
	struct stat st;
	void *map = MAP_FAILED;
	int fd = open(im->path, O_RDONLY | O_CLOEXEC), ret = -1;

	if (fd < 0)
		return error_sys(im->path, "cannot open");
	if (fstat(fd, &st))
		error_sys(im->path, "cannot stat");
	else if (!S_ISREG(st.st_mode))
		error_obj(im->path, "not a regular file");
	else if (st.st_size == 0)
		error_obj(im->path, "empty file");
	else if ((map = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd,
			     0)) == MAP_FAILED)
		error_sys(im->path, "cannot map");
	else
		ret = 0;
	close(fd);
	im->map = ret ? NULL : map;
	im->size = ret ? 0 : (size_t)st.st_size;
	return ret;
}

static const char *const machine_names[] = {
	[EM_386] = "i386", [EM_AARCH64] = "aarch64", [EM_ARM] = "arm", [EM_PPC] = "ppc",
	[EM_PPC64] = "ppc64", [EM_S390] = "s390", [EM_RISCV] = "riscv", [EM_MIPS] = "mips",
	[EM_SPARCV9] = "sparc64",
};

/* e_ident, machine and class, from the raw bytes (e_machine first: a
 * 32-bit header has it at the same place). */
static int check_header(struct image *im)
{
	const unsigned char *p = im->map;
	unsigned int machine;

	if (im->size < EI_NIDENT || memcmp(p, ELFMAG, SELFMAG))
		return error_obj(im->path, "not an ELF file");
	if (p[EI_DATA] != ELFDATA2LSB)
		return error_obj(im->path, "not a little-endian ELF file");
	if (im->size < 20)
		return error_obj(im->path, "truncated ELF header");
	machine = p[18] | (unsigned int)p[19] << 8;
	if (machine != EM_X86_64 && machine < sizeof(machine_names) / sizeof(machine_names[0]) &&
	    machine_names[machine])
		return error_obj(im->path, "wrong architecture: %s, expected x86-64",
				 machine_names[machine]);
	if (machine != EM_X86_64)
		return error_obj(im->path, "wrong architecture: e_machine %u, expected x86-64",
				 machine);
	if (p[EI_CLASS] != ELFCLASS64)
		return error_obj(im->path, "not a 64-bit ELF file (EI_CLASS %u)", p[EI_CLASS]);
	if (im->size < sizeof(Elf64_Ehdr))
		return error_obj(im->path, "truncated ELF header");
	im->ehdr = (const Elf64_Ehdr *)p;
	return 0;
}

/* The section header table and every section's contents lie in the file. */
static int read_section_headers(struct image *im)
{
	const Elf64_Ehdr *eh = im->ehdr;

	if (eh->e_shoff == 0)
		return error_obj(im->path, "no section header table");
	if (eh->e_shentsize != sizeof(Elf64_Shdr))
		return error_obj(im->path, "bad section header size %u", eh->e_shentsize);
	if (!is_in_file(im, eh->e_shoff, sizeof(Elf64_Shdr)))
		return error_obj(im->path, "truncated: section header table outside the file");
	if (eh->e_shoff % _Alignof(Elf64_Shdr))
		return error_obj(im->path, "section header table at a misaligned offset");
	im->shdrs = (const Elf64_Shdr *)(im->map + eh->e_shoff);
	im->nr_sections = eh->e_shnum ? eh->e_shnum : im->shdrs[0].sh_size;
	if (im->nr_sections < 2)
		return error_obj(im->path, "no sections");
	if (im->nr_sections > (im->size - eh->e_shoff) / sizeof(Elf64_Shdr))
		return error_obj(im->path, "truncated: section header table outside the file");
	im->shstrndx = eh->e_shstrndx == SHN_XINDEX ? im->shdrs[0].sh_link : eh->e_shstrndx;
	if (im->shstrndx == 0 || im->shstrndx >= im->nr_sections)
		return error_obj(im->path, "section name table index %zu out of range", im->shstrndx);
	for (size_t i = 1; i < im->nr_sections; i++) {
		const Elf64_Shdr *sh = &im->shdrs[i];

		if (sh->sh_type != SHT_NOBITS && !is_in_file(im, sh->sh_offset, sh->sh_size))
			return error_obj(im->path, "truncated: section %zu contents outside the file", i);
	}
	return 0;
}

struct image *image_open(const char *path)
{
	struct image *im = calloc(1, sizeof(*im));

	if (!im || !(im->path = strdup(path))) {
		free(im);
		error_sys(path, "cannot allocate");
		return NULL;
	}
	if (map_file(im) || check_header(im) || read_section_headers(im)) {
		image_close(im);
		return NULL;
	}
	return im;
}

void image_close(struct image *im)
{
	if (!im)
		return;
	if (im->map)
		munmap((void *)im->map, im->size);
	free(im->rela_of);
	free(im->path);
	free(im);
}

const Elf64_Shdr *image_section(const struct image *im, size_t index)
{
	return index && index < im->nr_sections ? &im->shdrs[index] : NULL;
}

const char *image_section_name(const struct image *im, size_t index)
{
	const Elf64_Shdr *names = image_section(im, im->shstrndx);
	const Elf64_Shdr *sh = image_section(im, index);
	const char *s;

	if (!sh || !names || names->sh_type == SHT_NOBITS || sh->sh_name >= names->sh_size)
		return "?";
	s = (const char *)im->map + names->sh_offset + sh->sh_name;
	return memchr(s, '\0', names->sh_size - sh->sh_name) ? s : "?";
}

const void *image_section_data(const struct image *im, size_t index)
{
	const Elf64_Shdr *sh = image_section(im, index);

	if (!sh || sh->sh_type == SHT_NOBITS || !sh->sh_size)
		return NULL;
	return im->map + sh->sh_offset;
}

size_t image_find_section(const struct image *im, const char *name)
{
	for (size_t i = 1; i < im->nr_sections; i++)
		if (!strcmp(image_section_name(im, i), name))
			return i;
	return 0;
}

size_t image_section_at(const struct image *im, uint64_t addr, uint64_t size)
{
	for (size_t i = 1; i < im->nr_sections; i++) {
		const Elf64_Shdr *sh = &im->shdrs[i];

		if ((sh->sh_flags & SHF_ALLOC) && addr >= sh->sh_addr &&
		    addr - sh->sh_addr <= sh->sh_size && size <= sh->sh_size - (addr - sh->sh_addr))
			return i;
	}
	return 0;
}

/* The string table @symsh links to, checked to end in a NUL. */
static int read_linked_strtab(struct image *im, const Elf64_Shdr *symsh)
{
	const Elf64_Shdr *strsh = image_section(im, symsh->sh_link);

	if (!strsh)
		return error_obj(im->path, ".symtab links to bad section index %u", symsh->sh_link);
	if (strsh->sh_type != SHT_STRTAB)
		return error_obj(im->path, ".symtab links to section %u which is not a string table",
				 symsh->sh_link);
	im->strtab = image_section_data(im, symsh->sh_link);
	im->strtab_size = strsh->sh_size;
	if (!im->strtab || im->strtab[im->strtab_size - 1] != '\0')
		return error_obj(im->path, "the .symtab string table is empty or not NUL-terminated");
	return 0;
}

int image_symbols(struct image *im)
{
	const Elf64_Shdr *sh = NULL;
	size_t i;

	if (im->syms)
		return 0;
	for (i = 1; i < im->nr_sections && !sh; i++)
		if (im->shdrs[i].sh_type == SHT_SYMTAB)
			sh = &im->shdrs[i];
	if (!sh)
		return error_obj(im->path, "no .symtab (is the file stripped?)");
	if (sh->sh_entsize != sizeof(Elf64_Sym) || sh->sh_size % sizeof(Elf64_Sym) ||
	    !sh->sh_size || sh->sh_offset % _Alignof(Elf64_Sym))
		return error_obj(im->path, ".symtab has bad entry size %llu or size %llu",
				 (unsigned long long)sh->sh_entsize,
				 (unsigned long long)sh->sh_size);
	if (read_linked_strtab(im, sh))
		return -1;
	im->nr_syms = sh->sh_size / sizeof(Elf64_Sym);
	im->syms = (const Elf64_Sym *)(im->map + sh->sh_offset);
	return 0;
}

const char *image_symbol_name(const struct image *im, const Elf64_Sym *sym)
{
	return sym->st_name < im->strtab_size ? im->strtab + sym->st_name : NULL;
}

/* rela_of[]: for each section, the SHT_RELA section applying to it. */
static int index_relocs(struct image *im)
{
	im->rela_of = calloc(im->nr_sections ? im->nr_sections : 1, sizeof(*im->rela_of));
	if (!im->rela_of)
		return error_sys(im->path, "cannot allocate the section index");
	for (size_t i = 1; i < im->nr_sections; i++) {
		const Elf64_Shdr *sh = &im->shdrs[i];

		if (sh->sh_type == SHT_RELA && sh->sh_info && sh->sh_info < im->nr_sections)
			im->rela_of[sh->sh_info] = i;
	}
	return 0;
}

int image_relocs_of(struct image *im, size_t index, const Elf64_Rela **relas, size_t *nr)
{
	const Elf64_Shdr *sh;

	*nr = 0;
	if (!im->rela_of && index_relocs(im))
		return -1;
	sh = index < im->nr_sections ? image_section(im, im->rela_of[index]) : NULL;
	if (!sh)
		return 0;
	if (sh->sh_entsize != sizeof(Elf64_Rela) || sh->sh_size % sizeof(Elf64_Rela) ||
	    sh->sh_offset % _Alignof(Elf64_Rela))
		return error_obj(im->path, "%s has a bad entry size",
				 image_section_name(im, im->rela_of[index]));
	*relas = (const Elf64_Rela *)(im->map + sh->sh_offset);
	*nr = sh->sh_size / sizeof(Elf64_Rela);
	return 0;
}
