/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lib/elf.h - the in-memory model of an x86-64 relocatable ELF object.
 *
 * An object is read once with libelf, validated (every index, offset, size
 * and link checked against the file) and then lives in plain arrays:
 * sections[] and symbols[] indexed by their ELF index, each rela section's
 * relocs[] in file order.  Hash tables find a section or symbol by name and
 * a relocation by (section, offset); each section keeps its symbols sorted
 * by offset so that the symbol covering an offset is a binary search.
 *
 * The same model is used to build a new object from nothing (obj_create)
 * and write it (obj_write).  Nothing here knows about livepatch: the
 * differ's per-entity state lives in the generic 'twin', 'status' and
 * 'include' fields.
 *
 * Every function that can fail returns 0 / a pointer on success and -1 /
 * NULL on failure after recording the reason with error_elf() (log.h).
 */
#ifndef KP_LIB_ELF_H
#define KP_LIB_ELF_H

#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct obj;
struct obj_section;
struct obj_symbol;
struct obj_strpool;
struct image;

/* Result of correlating an entity with its twin in the other object. */
enum obj_status {
	ST_UNKNOWN = 0,		/* not compared yet */
	ST_SAME,		/* twin exists and is equivalent */
	ST_CHANGED,		/* twin exists and differs */
	ST_NEW,			/* no twin: only in the patched object */
};

/* A chained hash table node; embedded in the entity it indexes. */
struct obj_hnode {
	struct obj_hnode *next;	/* next node in the same bucket */
	uint64_t key;		/* full hash of the entity's key (for rehashing) */
};

/* A chained hash table of embedded nodes. */
struct obj_htab {
	struct obj_hnode **buckets;	/* bucket heads, nr_buckets of them */
	size_t nr_buckets;		/* a power of two */
	size_t nr_entries;		/* nodes added (grows the table at 2x) */
};

/* One relocation of a SHT_RELA section. */
struct obj_reloc {
	uint64_t offset;		/* r_offset in the base section */
	uint32_t type;			/* ELF64_R_TYPE (R_X86_64_*) */
	int64_t addend;			/* r_addend */
	struct obj_symbol *sym;		/* target symbol */
	struct obj_section *sec;	/* the rela section holding it */
	struct obj_hnode by_offset;	/* elf->reloc_htab: (base, offset) */
};

/* One section; sections[0] is the null section. */
struct obj_section {
	GElf_Shdr sh;			/* header; sh_name/sh_link/sh_info are
					   recomputed on write */
	const char *name;		/* name (points into the object) */
	unsigned int index;		/* ELF index in this object */
	void *buf;			/* contents (NULL for SHT_NOBITS or empty) */
	size_t size;			/* bytes in buf (sh_size, 0 for NOBITS) */
	struct obj_section *base;	/* rela section: the section it applies to */
	struct obj_section *rela;	/* the rela section applying to this one */
	struct obj_reloc *relocs;	/* rela section: its relocations */
	size_t nr_relocs;		/* number of relocs */
	struct obj_symbol *secsym;	/* its STT_SECTION symbol, if any */
	struct obj_symbol **syms;	/* non-section symbols defined here,
					   sorted by (offset, size desc) */
	size_t nr_syms;			/* number of syms */
	struct obj_section *twin;	/* correlated section in the other object */
	enum obj_status status;		/* differ's verdict */
	bool include;			/* differ: copy into the output */
	bool ignore;			/* differ: changes here do not matter */
	bool removed;			/* obj_remove_section: not written */
	void *priv;			/* free for the caller (e.g. output twin) */
	struct obj_hnode by_name;	/* elf->sec_name_htab */
	/* Bookkeeping of lib/elf.c; callers only read these, if at all. */
	size_t buf_alloc;		/* bytes allocated for buf */
	bool buf_in_image;		/* buf points into elf->image: never freed,
					 * copied before it grows */
	size_t relocs_alloc;		/* entries allocated for relocs */
	size_t syms_alloc;		/* entries allocated for syms/syms_end */
	uint64_t *syms_end;		/* syms_end[i]: highest offset+size of the
					   FUNC/OBJECT syms[0..i] */
	size_t *reloc_order;		/* rela section: relocs[] indexes sorted
					   by (offset, index); NULL while relocs[]
					   itself is in that order */
};

/* One symbol; symbols[0] is the null symbol. */
struct obj_symbol {
	GElf_Sym sym;			/* as read; st_name/st_shndx recomputed
					   on write from name/sec */
	const char *name;		/* name ("" when none) */
	unsigned int index;		/* ELF index in .symtab */
	unsigned char bind;		/* GELF_ST_BIND */
	unsigned char type;		/* GELF_ST_TYPE */
	struct obj_section *sec;	/* defining section; NULL if undefined,
					   absolute or common */
	uint64_t offset;		/* st_value (offset within sec) */
	uint64_t size;			/* st_size */
	struct obj_symbol *cold;	/* the foo.cold part of this function */
	struct obj_symbol *parent;	/* for foo.cold: foo */
	struct obj_symbol *twin;	/* correlated symbol in the other object */
	enum obj_status status;		/* differ's verdict */
	bool include;			/* differ: copy into the output */
	bool strip;			/* differ: ignore this symbol */
	bool forced;			/* differ: the author vouches for it */
	void *priv;			/* free for the caller (e.g. output twin) */
	struct obj_hnode by_name;	/* elf->sym_name_htab */
};

/* A whole object. */
struct obj {
	const char *path;		/* file name, for messages */
	struct image *image;		/* the file read (lib/image.h), mapped
					   privately: sections point into it */
	GElf_Ehdr ehdr;			/* ELF header */
	struct obj_section **sections;	/* by ELF index; [0] is the null section */
	size_t nr_sections;		/* entries in sections[] */
	size_t cap_sections;		/* allocated entries */
	struct obj_symbol **symbols;	/* by .symtab index; [0] is the null symbol */
	size_t nr_symbols;		/* entries in symbols[] */
	size_t cap_symbols;		/* allocated entries */
	struct obj_section *symtab;	/* .symtab */
	struct obj_section *strtab;	/* its string table */
	struct obj_htab sec_name_htab;	/* sections by name */
	struct obj_htab sym_name_htab;	/* symbols by name */
	struct obj_htab reloc_htab;	/* relocs by (base section, offset) */
	struct obj_strpool *strings;	/* owned copies of names made by obj_add_* */
	struct obj_section *shstrtab;	/* section name table (e_shstrndx) */
	struct obj_section *symtab_shndx; /* SHT_SYMTAB_SHNDX of .symtab, if any */
};

#define for_each_sec(elf, s)						\
	for (size_t __i = 1; __i < (elf)->nr_sections &&		\
	     ((s) = (elf)->sections[__i], 1); __i++)
#define for_each_sym(elf, s)						\
	for (size_t __j = 1; __j < (elf)->nr_symbols &&			\
	     ((s) = (elf)->symbols[__j], 1); __j++)
#define for_each_reloc(rsec, r)						\
	for ((r) = (rsec)->relocs; (r) && (r) < (rsec)->relocs + (rsec)->nr_relocs; (r)++)
#define sec_for_each_sym(sec, s)					\
	for (size_t __k = 0; __k < (sec)->nr_syms &&			\
	     ((s) = (sec)->syms[__k], 1); __k++)

/* Reading */
struct obj *obj_open_read(const char *path);	/* open, validate, index */
void obj_close(struct obj *elf);		/* free everything */

/* Lookups: all O(1) expected or O(log n). */
struct obj_section *find_section_by_name(const struct obj *elf, const char *name);
struct obj_symbol *find_symbol_by_name(const struct obj *elf, const char *name);
struct obj_symbol *find_symbol_by_index(const struct obj *elf, size_t index);
/* The first relocation of base section @sec at exactly @offset. */
struct obj_reloc *find_reloc_by_offset(const struct obj *elf,
				       const struct obj_section *sec,
				       uint64_t offset);
/* The first relocation of @sec in [offset, offset+len), or NULL. */
struct obj_reloc *find_reloc_in_range(const struct obj *elf,
				      const struct obj_section *sec,
				      uint64_t offset, uint64_t len);
/* The FUNC/OBJECT symbol of @sec whose [offset, offset+size) covers @offset. */
struct obj_symbol *find_symbol_covering(const struct obj_section *sec,
					uint64_t offset);
/* The symbol defined at exactly @offset of @sec (prefers FUNC/OBJECT). */
struct obj_symbol *find_symbol_at(const struct obj_section *sec, uint64_t offset);

/* Predicates */
static inline bool is_func_sym(const struct obj_symbol *s) { return s->type == STT_FUNC; }
static inline bool is_object_sym(const struct obj_symbol *s) { return s->type == STT_OBJECT; }
static inline bool is_section_sym(const struct obj_symbol *s) { return s->type == STT_SECTION; }
static inline bool is_file_sym(const struct obj_symbol *s) { return s->type == STT_FILE; }
static inline bool is_local_sym(const struct obj_symbol *s) { return s->bind == STB_LOCAL; }
static inline bool is_undef_sym(const struct obj_symbol *s)
{
	return s->sym.st_shndx == SHN_UNDEF && !is_file_sym(s) && s->index != 0;
}
static inline bool is_rela_sec(const struct obj_section *s) { return s->sh.sh_type == SHT_RELA; }
static inline bool is_text_sec(const struct obj_section *s)
{
	return (s->sh.sh_flags & SHF_EXECINSTR) != 0;
}
static inline bool is_string_sec(const struct obj_section *s)
{
	return (s->sh.sh_flags & SHF_STRINGS) != 0;
}
static inline bool is_alloc_sec(const struct obj_section *s)
{
	return (s->sh.sh_flags & SHF_ALLOC) != 0;
}
bool is_debug_sec(const struct obj_section *s);	/* .debug_*, .rela.debug_* */

/* Building a new object (for the output) */
struct obj *obj_create(const char *path);	/* empty x86-64 ET_REL */
/* Adds a section (a copy of @buf is kept); sh fields other than name are
 * taken from @sh; sh_size is set from @size. */
struct obj_section *obj_add_section(struct obj *elf, const char *name,
				    const GElf_Shdr *sh, const void *buf,
				    size_t size);
/* Adds (or returns the existing) SHT_RELA section for @base. */
struct obj_section *obj_add_rela_section(struct obj *elf,
					 struct obj_section *base);
/* Adds a symbol.  st_name and st_info come from name/bind/type.  With @sec
 * NULL the written st_shndx is whatever sym->sym.st_shndx holds: SHN_UNDEF
 * (0) as created, or set it to SHN_ABS, SHN_COMMON or SHN_LIVEPATCH. */
struct obj_symbol *obj_add_symbol(struct obj *elf, const char *name,
				  unsigned char bind, unsigned char type,
				  struct obj_section *sec, uint64_t offset,
				  uint64_t size);
/* The STT_SECTION symbol of @sec, created on first use. */
struct obj_symbol *obj_section_symbol(struct obj *elf, struct obj_section *sec);
/* Appends a relocation to the rela section of @base (created on demand). */
struct obj_reloc *obj_add_reloc(struct obj *elf, struct obj_section *base,
				uint64_t offset, uint32_t type,
				struct obj_symbol *sym, int64_t addend);
/* Appends a relocation to the SHT_RELA section @rsec itself, e.g. a
 * .klp.rela.* section made with obj_add_section(SHT_RELA, sh_info = base
 * index) for a base that already has its ordinary .rela section. */
struct obj_reloc *obj_rela_add_reloc(struct obj *elf, struct obj_section *rsec,
				     uint64_t offset, uint32_t type,
				     struct obj_symbol *sym, int64_t addend);
/* Appends @len bytes to a section, aligned to @align; returns the offset. */
int64_t obj_section_append(struct obj_section *sec, const void *buf,
			   size_t len, size_t align);
/* Drops @sec (and its rela section) from the object: the entry stays in
 * sections[] with 'removed' set until obj_write renumbers everything;
 * symbols defined in it are dropped on write. */
void obj_remove_section(struct obj *elf, struct obj_section *sec);
/* Writes the object: symbols are reordered locals-first, indexes,
 * sh_link/sh_info and string tables are recomputed.  Written to a
 * temporary file and renamed, so a failure leaves no partial output. */
int obj_write(struct obj *elf, const char *path);

#endif /* KP_LIB_ELF_H */
