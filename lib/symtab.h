/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lib/symtab.h - the symbols of the parent (vmlinux or a module) and the
 * kernel's exports.
 *
 * The parent symbol table is read either from an ELF file (vmlinux, a .ko)
 * or from the text of `readelf -s --wide` of one.  Symbols are kept in file
 * order; local symbols remember the FILE symbol group they follow, which is
 * how two static functions of the same name in different files are told
 * apart.  The position (sympos) of a symbol is what the livepatch core
 * expects: 0 when the name is unique in the parent, otherwise the 1-based
 * rank among the same-named symbols in kallsyms order (by address for
 * vmlinux, in symbol table order for a module).
 *
 * parent_symtab_load() keeps every symbol (syms[], by_name); a table from
 * parent_symtab_open() answers the lookups below from the mapped file and
 * has no syms[] (what a single lookup-driven run needs: see symtab.c).
 */
#ifndef KP_LIB_SYMTAB_H
#define KP_LIB_SYMTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elf.h"

/* One symbol of the parent. */
struct parent_sym {
	const char *name;		/* symbol name */
	uint64_t value;			/* st_value */
	uint64_t size;			/* st_size */
	unsigned char bind;		/* STB_* */
	unsigned char type;		/* STT_* */
	bool defined;			/* st_shndx != SHN_UNDEF */
	bool is_dup_name;		/* another symbol has the same name (load: while indexing) */
	unsigned int file;		/* FILE group (index into files[]), 0 = none */
	unsigned int sympos;		/* livepatch position, 0 = unique name */
	struct obj_hnode by_name;	/* parent_symtab.by_name */
};

/* One FILE symbol of the parent and the locals that follow it. */
struct parent_file {
	const char *name;		/* the FILE symbol's name, e.g. "fork.c" */
	size_t first, last;		/* its locals: syms[first..last) */
};

struct parent_source;

/* A parent's symbol table. */
struct parent_symtab {
	const char *path;		/* file it was read from, for messages */
	bool is_module;			/* parent is a module: sympos in table order */
	struct parent_sym *syms;	/* all symbols in file order (load); NULL (open) */
	size_t nr_syms;			/* number of symbols in the table */
	struct parent_file *files;	/* FILE groups; [0] is "no file" */
	size_t nr_files;		/* entries in files[] */
	struct obj_htab by_name;	/* syms by name, all same-named chained (load) */
	struct parent_source *src;	/* the file, names, lookup index (symtab.c) */
};

/* Read @path (ELF or readelf -s --wide text) whole, compute every sympos. */
struct parent_symtab *parent_symtab_load(const char *path, bool is_module);
/*
 * Check @path as parent_symtab_load() does (the same errors), keep only
 * what the lookups below need: syms is NULL, files[] is filled.  A symbol
 * returned by a lookup lives as long as the table.
 */
struct parent_symtab *parent_symtab_open(const char *path, bool is_module);
void parent_symtab_free(struct parent_symtab *st);

/* The defined global (or weak) symbol @name, or NULL. */
const struct parent_sym *parent_find_global(const struct parent_symtab *st,
					    const char *name);
/* Number of defined symbols called @name. */
size_t parent_count_name(const struct parent_symtab *st, const char *name);

/*
 * The FILE group of the parent that an object's local symbols came from:
 * the group named @file_name (basename compared) that contains the most of
 * @locals (names of the object's local FUNC and OBJECT symbols).  Returns
 * the group index (> 0), 0 when no group has that name, or -1 (with an
 * error recorded) when two groups match equally well.
 */
long parent_find_file_group(const struct parent_symtab *st, const char *file_name,
			    const char *const *locals, size_t nr_locals);
/* How many locals named @name FILE group @file defines. */
size_t parent_count_local(const struct parent_symtab *st, unsigned int file, const char *name);
/* The local @name defined in FILE group @file, or NULL. */
const struct parent_sym *parent_find_local(const struct parent_symtab *st,
					   unsigned int file, const char *name);

/* Module.symvers: which symbols are exported, and by whom. */
struct symvers_entry {
	const char *name;		/* exported symbol */
	const char *module;		/* "vmlinux" or the module path, e.g. "fs/ext4/ext4" */
};

struct symvers_source;

struct symvers {
	size_t nr_entries;		/* exports listed */
	struct symvers_source *src;	/* the file and its index (symtab.c) */
};

/* Read Module.symvers (an empty file or /dev/null gives no exports). */
struct symvers *symvers_load(const char *path);
void symvers_free(struct symvers *sv);
/* The export of @name (the first listed), or NULL if it is not exported;
 * it lives as long as @sv. */
const struct symvers_entry *symvers_find(const struct symvers *sv, const char *name);
/* "fs/ext4/ext4" -> "ext4" (the module name as the kernel knows it: '-' -> '_'). */
void module_name_from_path(const char *path, char *buf, size_t len);

#endif /* KP_LIB_SYMTAB_H */
