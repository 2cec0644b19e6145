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

/* Do @size bytes at @offset lie inside the file, aligned to @align? */
static bool is_in_file(const struct image *im, uint64_t offset, uint64_t size, size_t align)
{
	return offset <= im->size && size <= im->size - offset && offset % align == 0;
}

static int map_file(struct image *im)
{
	struct stat st;
	int fd = open(im->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return error_sys(im->path, "cannot open");
	if (fstat(fd, &st)) {
		close(fd);
		return error_sys(im->path, "cannot stat");
	}
	im->size = (size_t)st.st_size;
	if (im->size < sizeof(Elf64_Ehdr)) {
		close(fd);
		return error_obj(im->path, "not an ELF file (%zu bytes)", im->size);
	}
	im->map = mmap(NULL, im->size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (im->map == MAP_FAILED) {
		im->map = NULL;
		return error_sys(im->path, "cannot map");
	}
	return 0;
}

static int check_header(struct image *im)
{
	const Elf64_Ehdr *eh = im->ehdr = (const Elf64_Ehdr *)im->map;

	if (memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return error_obj(im->path, "not an ELF file");
	/* e_machine lies where it does in a 32-bit header too */
	if (eh->e_machine != EM_X86_64)
		return error_obj(im->path, "wrong architecture: e_machine %u, expected x86-64",
				 eh->e_machine);
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return error_obj(im->path, "not a 64-bit little-endian ELF file");
	if (eh->e_shoff && eh->e_shentsize != sizeof(Elf64_Shdr))
		return error_obj(im->path, "bad section header size %u", eh->e_shentsize);
	return 0;
}

/* Read the section header table; extended numbering is in section 0. */
static int read_section_headers(struct image *im)
{
	const Elf64_Ehdr *eh = im->ehdr;
	uint64_t nr = eh->e_shnum;

	if (!eh->e_shoff)
		return 0;
	if (!is_in_file(im, eh->e_shoff, sizeof(Elf64_Shdr), _Alignof(Elf64_Shdr)))
		return error_obj(im->path, "truncated: the section headers lie outside the file");
	im->shdrs = (const Elf64_Shdr *)(im->map + eh->e_shoff);
	if (!nr)
		nr = im->shdrs[0].sh_size;
	if (nr > (im->size - eh->e_shoff) / sizeof(Elf64_Shdr))
		return error_obj(im->path, "truncated: the section headers lie outside the file");
	im->nr_sections = (size_t)nr;
	im->shstrndx = eh->e_shstrndx == SHN_XINDEX ? im->shdrs[0].sh_link : eh->e_shstrndx;
	for (size_t i = 1; i < im->nr_sections; i++) {
		const Elf64_Shdr *sh = &im->shdrs[i];

		if (sh->sh_type != SHT_NOBITS && !is_in_file(im, sh->sh_offset, sh->sh_size, 1))
			return error_obj(im->path, "truncated: section %zu lies outside the file", i);
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
