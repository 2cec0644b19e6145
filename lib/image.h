/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lib/image.h - a read-only view of an x86-64 ELF file as it lies on disk:
 * a vmlinux (ET_EXEC), a module .ko or an object (ET_REL).
 *
 * The file is mapped and its header and section headers are checked once
 * (every section's contents lie inside the file); nothing is copied.  The
 * symbol table and which relocation section applies to which section are
 * found on first use.  This is the reader for a 600 MB vmlinux of which a
 * few sections are read; lib/elf.h's object model, which copies and
 * indexes everything so that it can be rewritten, is for the objects the
 * differ changes.
 *
 * Functions that can fail return -1 / NULL after recording the reason
 * (log.h), naming the file.
 */
#ifndef KP_LIB_IMAGE_H
#define KP_LIB_IMAGE_H

#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A mapped ELF file. */
struct image {
	char *path;			/* file name, for messages (owned) */
	const unsigned char *map;	/* the file, mapped read-only */
	size_t size;			/* its size */
	const Elf64_Ehdr *ehdr;		/* ELF header (the start of map) */
	const Elf64_Shdr *shdrs;	/* section headers */
	size_t nr_sections;		/* entries of shdrs (extended count resolved) */
	size_t shstrndx;		/* section name table (extended index resolved) */
	/* Found on first use (image_symbols, image_relocs_of). */
	const Elf64_Sym *syms;		/* .symtab, NULL until read */
	size_t nr_syms;			/* its entries */
	const char *strtab;		/* its string table, NUL-terminated */
	size_t strtab_size;		/* bytes of strtab */
	size_t *rela_of;		/* rela_of[i]: the SHT_RELA section applying
					   to section i, 0 none; NULL until built */
};

/* Map @path; "not an ELF file" when it is not one (see image_is_elf). */
struct image *image_open(const char *path);
void image_close(struct image *im);
/* Do the first bytes of @path say ELF?  (false also when it cannot be read) */
bool image_is_elf(const char *path);

static inline bool image_is_relocatable(const struct image *im)
{
	return im->ehdr->e_type == ET_REL;
}

/* Section @index's header, or NULL when there is no such section. */
const Elf64_Shdr *image_section(const struct image *im, size_t index);
/* Its name ("?" when unreadable). */
const char *image_section_name(const struct image *im, size_t index);
/* Its contents in the mapping (sh_size bytes), NULL for SHT_NOBITS or empty. */
const void *image_section_data(const struct image *im, size_t index);
/* The index of the first section called @name, or 0. */
size_t image_find_section(const struct image *im, const char *name);
/* The SHF_ALLOC section whose addresses hold [@addr, @addr+@size), or 0. */
size_t image_section_at(const struct image *im, uint64_t addr, uint64_t size);

/* Find and check .symtab and its string table (once); 0 or -1. */
int image_symbols(struct image *im);
/* Symbol @i's name (NULL when st_name lies outside the string table). */
const char *image_symbol_name(const struct image *im, const Elf64_Sym *sym);
/* The relocations applying to section @index (*@nr = 0 when none); 0 or -1. */
int image_relocs_of(struct image *im, size_t index, const Elf64_Rela **relas, size_t *nr);

#endif /* KP_LIB_IMAGE_H */
