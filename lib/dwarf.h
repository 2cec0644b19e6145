/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lib/dwarf.h - facts read from the DWARF of a target (vmlinux, a module,
 * an object): its compile units, and the layout of its structs (the sizes
 * of the structs that special sections are arrays of, so that they need not
 * be passed in by hand; the members whose layout a patch must not change).
 *
 * A file stays open, with every answer remembered, until it changes (its
 * inode, size or mtime), four other files were asked about since (the
 * least recently used is closed), or debuginfo_forget().  Functions that can fail
 * return -1 after recording the reason (log.h).
 */
#ifndef KP_LIB_DWARF_H
#define KP_LIB_DWARF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct debuginfo;		/* an ELF file open for its DWARF (dwarf.c) */
struct Dwarf_CU;

/* One unit of the DWARF, as debuginfo_next_unit() gives it. */
struct debuginfo_unit {
	const char *name;		/* DW_AT_name of the unit, NULL if none */
	const char *comp_dir;		/* DW_AT_comp_dir, NULL if none */
	unsigned int version;		/* its DWARF version (2-5) */
	bool is_compile;		/* a compile unit (not a type or partial unit) */
	struct Dwarf_CU *cu;		/* where the walk is; NULL before the first */
};

/* One member of a struct or union. */
struct debuginfo_member {
	char *name;			/* "" for an anonymous struct or union */
	char *type;			/* its type, spelt like C: "unsigned int",
					   "struct list_head *", "char [16]" */
	uint64_t offset;		/* byte offset in the struct (a bitfield: of
					   the byte holding its first bit) */
	uint64_t size;			/* bytes of its type (0: flexible array) */
	uint64_t bit_offset;		/* a bitfield: its first bit, counted from
					   the start of the struct; else 0 */
	unsigned int bit_size;		/* a bitfield: its width; else 0 */
};

/* The layout of one struct or union. */
struct debuginfo_type {
	char *name;			/* as asked for: "foo", "union foo" */
	bool is_union;			/* a union, else a struct */
	uint64_t size;			/* its size in bytes */
	struct debuginfo_member *members; /* in declaration order */
	size_t nr_members;		/* entries of members */
};

/*
 * The DWARF of the ELF file @path: 0 with *@di set, 1 when the file has no
 * .debug_info, -1 (not ELF, unreadable, broken DWARF).
 */
int debuginfo_open(const char *path, struct debuginfo **di);
/* Close the open file and forget every answer. */
void debuginfo_forget(void);

/* The next unit of @di after @unit->cu: 1, 0 when there is none, -1. */
int debuginfo_next_unit(struct debuginfo *di, struct debuginfo_unit *unit);
#define for_each_unit(di, unit, ret)						\
	for ((unit)->cu = NULL; ((ret) = debuginfo_next_unit((di), (unit))) > 0; )

/*
 * The layout of "struct @name" ("union foo" for a union) defined at file
 * scope in the DWARF of @path: 0 with *@layout set (it lives until the
 * file is forgotten), 1 when the file has no DWARF or no complete
 * (non-declaration) definition, -1 (not ELF, unreadable, broken DWARF).
 */
int debuginfo_struct_layout(const char *path, const char *name,
			    const struct debuginfo_type **layout);
/* Its size alone, with the same results. */
int debuginfo_struct_size(const char *path, const char *name, size_t *size);

#endif /* KP_LIB_DWARF_H */
