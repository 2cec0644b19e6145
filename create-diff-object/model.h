/* SPDX-License-Identifier: GPL-2.0 */
/*
 * create-diff-object/model.h - the differ's lowest layer: the state of one
 * run (struct diff_ctx) and what more than one step needs to know of the
 * lib/ object model: names and predicates, relocation targets (model.c),
 * the equivalence of relocations (equiv.c), and the special-section tables,
 * loaded once per object (tables.c).  Nothing here calls emit.c or a step.
 */
#ifndef KP_CDO_MODEL_H
#define KP_CDO_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elf.h"
#include "symtab.h"

#define MAX_LAYOUTS 4

/* What the key relocation of an entry names (special.c's check_entry_keys). */
enum special_key {
	KEY_NONE,			/* no key */
	KEY_JUMP_LABEL,			/* a static key (jump label) */
	KEY_STATIC_CALL,		/* a static call */
};

/* How a special section is laid out and what to keep of it (tables.c). */
struct special_sec {
	const char *name;		/* section name */
	const char *env;		/* environment override of the entry size */
	const char *dwarf_struct;	/* struct name in the kernel's DWARF */
	size_t sizes[MAX_LAYOUTS];	/* entry sizes of its x86-64 layouts, 6.1's first; none:
					 * not a table of its own */
	uint16_t ignore_off, ignore_len;	/* bytes that do not count (bug line) */
	const char *parallel;		/* section with a parallel array (orc) */
	size_t parallel_size;		/* entry size in the parallel section */
	const char *parallel_env;	/* its override */
	bool printk_index;		/* key is a pi_entry naming the function */
	bool follows_code;		/* never a change by itself: it follows the code */
	bool replacement;		/* replacement code: entries pointing here compare bytes */
	enum special_key key;		/* what the key relocation names */
	int8_t key_at;			/* its offset in an entry; < 0: from the entry's end */
};

/* One entry of a special section and the function that owns it. */
struct special_entry {
	uint64_t offset;		/* entry offset in the section */
	struct obj_symbol *func;	/* owning function, or NULL */
};

/* The entries of one special section of one object. */
struct special_table {
	const struct special_sec *sp;	/* its description */
	struct obj_section *sec;	/* the section */
	size_t size;			/* entry size */
	struct special_entry *entries;	/* sec->size / size of them */
	size_t nr;			/* number of entries */
};

/* The special-section tables of one object, in section order. */
struct special_tables {
	struct special_table *t;	/* one per special section with entries */
	size_t nr;			/* how many */
};

/* Everything one run of the differ works on. */
struct diff_ctx {
	struct obj *orig;		/* ORIG.o */
	struct obj *patched;		/* PATCHED.o */
	struct obj *out;		/* the output object being built */
	const char *orig_name;		/* basename of ORIG.o, for messages and reports */
	const char *parent_name;	/* "vmlinux" or the parent module's name */
	bool parent_is_module;		/* parent_name != "vmlinux" */
	const char *patch_name;		/* PATCH-MODULE-NAME */
	struct parent_symtab *parent;	/* the parent's symbol table */
	struct symvers *symvers;	/* the kernel's exports */
	long file_group;		/* FILE group of this object in the parent, 0 = unknown */
	bool file_group_done;		/* file_group has been looked up */
	struct special_tables tables[2];	/* special tables of ORIG.o [0] and PATCHED.o [1] */
	uint32_t warned_overrides;	/* size overrides warned about, a bit per specials[] row */
	struct obj_section *out_strings;	/* output .kpatch.strings */
	struct obj_section *out_funcs;		/* output .kpatch.funcs */
	struct obj_section *out_klp_relocs;	/* output .kpatch.klp_relocs */
};

#define for_each_changed_func(elf, s)					\
	for_each_sym(elf, s)						\
		if (is_func_sym(s) && (s)->status == ST_CHANGED)

/* model.c: names, predicates and relocation targets. */
bool is_init_sec(const struct obj_section *sec);
bool is_special_static(const struct obj_symbol *sym);
bool is_merged_data_sym(const struct obj_symbol *sym);
/* A static local variable: var.N (gcc), fn.var or fn.var.N (clang). */
bool is_static_local(const struct obj_symbol *sym);
/* Name without compiler-added numbering (".isra.3" -> ".isra", "x.12" -> "x."). */
void canonical_name(const char *name, char *buf, size_t len);
/* The canonical name without its final dot: "lock" of lock.12, clang's "fn.lock". */
void base_name(const char *name, char *buf, size_t len);
/* Offset within the target that relocation @r points at. */
int64_t reloc_target_offset(const struct obj_reloc *r);
/* The named symbol a relocation points into, resolving section symbols
 * through the covering symbol; *@addend relative to it. */
struct obj_symbol *reloc_target_symbol(const struct obj_reloc *r, int64_t *addend);
/* The function of code that relocation @r of @rsec sits in, or NULL. */
const struct obj_symbol *reloc_function(const struct obj_section *rsec, const struct obj_reloc *r);
/* The NUL-terminated string at @off of @sec, or NULL. */
const char *string_at(const struct obj_section *sec, int64_t off);

/* Relocations of a section within a range, sorted by offset. */
struct reloc_span {
	struct obj_reloc **relocs;	/* pointers into the section's relocations */
	size_t nr;			/* how many */
};

/* The relocations of @sec within [start, start+len); free span->relocs. */
int relocs_in(const struct obj_section *sec, uint64_t start, uint64_t len,
	      struct reloc_span *span);
/* Append @fmt to @buf (of @len bytes, @*used of them used), truncating. */
void appendf(char *buf, size_t len, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* equiv.c: are two relocations or symbols (ORIG.o's, PATCHED.o's) the same? */
int index_anon_data(struct diff_ctx *ctx);	/* before the first comparison */
void forget_anon_data(void);
bool relocs_equivalent(const struct obj_reloc *a, const struct obj_reloc *b);
bool syms_equivalent(const struct obj_symbol *a, const struct obj_symbol *b,
		     int64_t addend_a, int64_t addend_b);

/* tables.c: the kernel's special sections and their entries. */
const struct special_sec *find_special(const char *name);
bool is_special_sec(const struct obj_section *sec);
/* Code that entries of another table point into (.altinstr_replacement). */
bool is_replacement_code(const struct obj_section *sec);
/* Load both objects' tables once: entry sizes and owners (PATCHED.o first). */
int load_special_tables(struct diff_ctx *ctx);
void free_special_tables(struct diff_ctx *ctx);
/* @tabs' table of section kind @sp, or NULL. */
struct special_table *find_table(const struct special_tables *tabs, const struct special_sec *sp);
/* The parallel array of @t (.orc_unwind for .orc_unwind_ip) in @par; par->sec NULL: none. */
int load_parallel(struct diff_ctx *ctx, const struct special_table *t, struct special_table *par);

#endif /* KP_CDO_MODEL_H */
