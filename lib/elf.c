// SPDX-License-Identifier: GPL-2.0
/*
 * lib/elf.c - read, validate, index, build and write x86-64 relocatable
 * ELF objects.
 *
 * Reading maps the file privately with lib/image, which checks the raw
 * ELF header and section header table; every index, offset, size and link
 * is then checked before the model is built, so that nothing after
 * obj_open_read() has to.  The contents of a section stay in the mapping
 * when they are as aligned as malloc() would have them (copied otherwise,
 * and before one grows): memory touched for the first time costs a run
 * more than its instructions on virtual machines.  The model owns copies
 * of the names.
 *
 * Writing never changes the model: new section and symbol indexes live in
 * the writer's maps, so an object can be written more than once.
 */
#include "elf.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch.h"
#include "hash.h"
#include "image.h"
#include "log.h"
#include "strpool.h"

#define SYM_ENTSIZE	sizeof(Elf64_Sym)
#define RELA_ENTSIZE	sizeof(Elf64_Rela)
#define SHDR_SIZE	sizeof(Elf64_Shdr)
#define RELA_LIVEPATCH	0x00100000	/* SHF_RELA_LIVEPATCH (kernel) */
#define LLVM_ADDRSIG	0x6fff4c03	/* SHT_LLVM_ADDRSIG: symbol indexes */
#define MAX_FILE_ALIGN	4096		/* largest padding of a file offset */

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "the writer stores Elf64 structures in host byte order");

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

static bool fits(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static bool is_power_of_2(uint64_t x)
{
	return x && !(x & (x - 1));
}

/* Grow an array of @elem-byte entries to hold at least @need entries. */
static int grow_array(void **arr, size_t *alloc, size_t need, size_t elem)
{
	size_t n = *alloc ? *alloc : 8;
	void *p;

	if (need <= *alloc)
		return 0;
	while (n < need) {
		if (n > SIZE_MAX / 2 / elem)
			goto nomem;
		n *= 2;
	}
	p = realloc(*arr, n * elem);
	if (!p)
		goto nomem;
	*arr = p;
	*alloc = n;
	return 0;
nomem:
	errno = ENOMEM;
	return -1;
}

/* The size of the section's contents as relocations see them. */
static uint64_t sec_data_size(const struct obj_section *sec)
{
	Elf64_Chdr ch;

	if (sec->sh.sh_type == SHT_NOBITS)
		return 0;
	if ((sec->sh.sh_flags & SHF_COMPRESSED) && sec->size >= sizeof(ch)) {
		memcpy(&ch, sec->buf, sizeof(ch));
		return ch.ch_size;
	}
	return sec->size;
}

static bool sec_belongs(const struct obj *elf, const struct obj_section *sec)
{
	return sec && sec->index < elf->nr_sections && elf->sections[sec->index] == sec;
}

static bool sym_belongs(const struct obj *elf, const struct obj_symbol *sym)
{
	return sym && sym->index < elf->nr_symbols && elf->symbols[sym->index] == sym;
}

static bool is_livepatch_rela(const struct obj_section *sec)
{
	return (sec->sh.sh_flags & RELA_LIVEPATCH) != 0;
}

bool is_debug_sec(const struct obj_section *s)
{
	const char *name = s->name;

	if (!strncmp(name, ".rela", 5))
		name += 5;
	return !strncmp(name, ".debug_", 7) || !strncmp(name, ".zdebug_", 8);
}

/* ------------------------------------------------------------------ */
/* Allocation of the model                                             */
/* ------------------------------------------------------------------ */

static struct obj *obj_alloc(const char *path)
{
	struct obj *elf = calloc(1, sizeof(*elf));

	if (!elf) {
		error_sys(path, "cannot allocate the object");
		return NULL;
	}
	elf->path = path;
	elf->strings = strpool_new();
	if (!elf->strings) {
		error_sys(path, "cannot allocate the object");
		free(elf);
		return NULL;
	}
	elf->path = strpool_strdup(elf->strings, path);
	if (!elf->path) {
		error_sys(path, "cannot allocate the object");
		strpool_free(elf->strings);
		free(elf);
		return NULL;
	}
	return elf;
}

void obj_close(struct obj *elf)
{
	if (!elf)
		return;
	for (size_t i = 0; elf->sections && i < elf->nr_sections; i++) {
		struct obj_section *sec = elf->sections[i];

		if (!sec)
			continue;
		if (!sec->buf_in_image)
			free(sec->buf);
		free(sec->relocs);
		free(sec->syms);
		free(sec->syms_end);
		free(sec->reloc_order);
	}
	image_close(elf->image);
	free(elf->sections);
	free(elf->symbols);
	htab_free(&elf->sec_name_htab);
	htab_free(&elf->sym_name_htab);
	htab_free(&elf->reloc_htab);
	strpool_free(elf->strings);
	free(elf);
}

/* Append a zeroed section to sections[] (no name, no index tables). */
static struct obj_section *new_section(struct obj *elf)
{
	struct obj_section *sec;

	if (grow_array((void **)&elf->sections, &elf->cap_sections,
		       elf->nr_sections + 1, sizeof(*elf->sections)))
		return NULL;
	sec = strpool_alloc(elf->strings, sizeof(*sec));
	if (!sec)
		return NULL;
	sec->index = (unsigned int)elf->nr_sections;
	sec->name = "";
	elf->sections[elf->nr_sections++] = sec;
	return sec;
}

/* Append a zeroed symbol to symbols[]. */
static struct obj_symbol *new_symbol(struct obj *elf)
{
	struct obj_symbol *sym;

	if (grow_array((void **)&elf->symbols, &elf->cap_symbols,
		       elf->nr_symbols + 1, sizeof(*elf->symbols)))
		return NULL;
	sym = strpool_alloc(elf->strings, sizeof(*sym));
	if (!sym)
		return NULL;
	sym->index = (unsigned int)elf->nr_symbols;
	sym->name = "";
	elf->symbols[elf->nr_symbols++] = sym;
	return sym;
}

/* ------------------------------------------------------------------ */
/* Indexes: per-section symbol order, relocation order, hash tables    */
/* ------------------------------------------------------------------ */

static uint64_t sym_end(const struct obj_symbol *s)
{
	if (!is_func_sym(s) && !is_object_sym(s))
		return 0;
	return s->offset + s->size < s->offset ? UINT64_MAX : s->offset + s->size;
}

/* Order of sec->syms: offset ascending, size descending, index ascending. */
static int cmp_sym_pos(const struct obj_symbol *a, const struct obj_symbol *b)
{
	if (a->offset != b->offset)
		return a->offset < b->offset ? -1 : 1;
	if (a->size != b->size)
		return a->size > b->size ? -1 : 1;
	if (a->index != b->index)
		return a->index < b->index ? -1 : 1;
	return 0;
}

static int qsort_sym_pos(const void *a, const void *b)
{
	return cmp_sym_pos(*(struct obj_symbol * const *)a,
			   *(struct obj_symbol * const *)b);
}

static void recompute_syms_end(struct obj_section *sec, size_t from)
{
	for (size_t i = from; i < sec->nr_syms; i++) {
		uint64_t end = sym_end(sec->syms[i]);

		if (i && sec->syms_end[i - 1] > end)
			end = sec->syms_end[i - 1];
		sec->syms_end[i] = end;
	}
}

/* Does this symbol go into its section's sorted syms[]? */
static bool is_positioned_sym(const struct obj_symbol *sym)
{
	return sym->sec && !is_section_sym(sym) && !is_file_sym(sym);
}

/* Insert @sym into sec->syms keeping the order; O(1) when appended in order. */
static int sec_insert_sym(struct obj_section *sec, struct obj_symbol *sym)
{
	size_t alloc = sec->syms_alloc, lo = 0, hi = sec->nr_syms;

	if (grow_array((void **)&sec->syms, &alloc, sec->nr_syms + 1, sizeof(*sec->syms)))
		return -1;
	alloc = sec->syms_alloc;
	if (grow_array((void **)&sec->syms_end, &alloc, sec->nr_syms + 1,
		       sizeof(*sec->syms_end)))
		return -1;
	sec->syms_alloc = alloc;
	if (hi && cmp_sym_pos(sec->syms[hi - 1], sym) > 0) {
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (cmp_sym_pos(sec->syms[mid], sym) <= 0)
				lo = mid + 1;
			else
				hi = mid;
		}
	} else {
		lo = hi;
	}
	memmove(sec->syms + lo + 1, sec->syms + lo, (sec->nr_syms - lo) * sizeof(*sec->syms));
	sec->syms[lo] = sym;
	sec->nr_syms++;
	recompute_syms_end(sec, lo);
	return 0;
}

static uint64_t reloc_key(const struct obj_reloc *r)
{
	return hash_u64_pair(r->sec->base->index, r->offset);
}

/* Remove @node from @h (the bucket is found from its stored key). */
static void htab_unlink(struct obj_htab *h, struct obj_hnode *node)
{
	struct obj_hnode **link = htab_bucket(h, node->key);

	for (; *link; link = &(*link)->next) {
		if (*link == node) {
			*link = node->next;
			h->nr_entries--;
			return;
		}
	}
}

static int cmp_reloc_order(const void *a, const void *b, void *arg)
{
	const struct obj_reloc *relocs = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	if (relocs[x].offset != relocs[y].offset)
		return relocs[x].offset < relocs[y].offset ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* reloc_order stays NULL while relocs[] is sorted by offset already. */
static int build_reloc_order(struct obj_section *rsec)
{
	bool sorted = true;

	for (size_t i = 1; i < rsec->nr_relocs && sorted; i++)
		sorted = rsec->relocs[i - 1].offset <= rsec->relocs[i].offset;
	free(rsec->reloc_order);
	rsec->reloc_order = NULL;
	if (sorted)
		return 0;
	rsec->reloc_order = malloc((rsec->relocs_alloc ? rsec->relocs_alloc : 1) *
				   sizeof(*rsec->reloc_order));
	if (!rsec->reloc_order) {
		errno = ENOMEM;
		return -1;
	}
	for (size_t i = 0; i < rsec->nr_relocs; i++)
		rsec->reloc_order[i] = i;
	qsort_r(rsec->reloc_order, rsec->nr_relocs, sizeof(*rsec->reloc_order),
		cmp_reloc_order, rsec->relocs);
	return 0;
}

static struct obj_reloc *reloc_at_rank(const struct obj_section *rsec, size_t rank)
{
	return &rsec->relocs[rsec->reloc_order ? rsec->reloc_order[rank] : rank];
}

/* Record the newest reloc (the last of relocs[]) in reloc_order. */
static int order_new_reloc(struct obj_section *rsec)
{
	size_t n = rsec->nr_relocs - 1, lo = 0, hi = n;
	uint64_t off = rsec->relocs[n].offset;

	if (!rsec->reloc_order) {
		if (!n || reloc_at_rank(rsec, n - 1)->offset <= off)
			return 0;
		return build_reloc_order(rsec);
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (reloc_at_rank(rsec, mid)->offset <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(rsec->reloc_order + lo + 1, rsec->reloc_order + lo,
		(n - lo) * sizeof(*rsec->reloc_order));
	rsec->reloc_order[lo] = n;
	return 0;
}

/* Make room for one more reloc; the hash nodes move with the array. */
static int reserve_reloc(struct obj *elf, struct obj_section *rsec)
{
	size_t alloc = rsec->relocs_alloc;
	struct obj_reloc *old = rsec->relocs;

	if (rsec->nr_relocs < alloc)
		return 0;
	for (size_t i = 0; i < rsec->nr_relocs; i++)
		htab_unlink(&elf->reloc_htab, &old[i].by_offset);
	if (grow_array((void **)&rsec->relocs, &alloc, rsec->nr_relocs + 1,
		       sizeof(*rsec->relocs)) == 0 && rsec->reloc_order) {
		size_t *order = realloc(rsec->reloc_order, alloc * sizeof(*order));

		if (order)
			rsec->reloc_order = order;
		else
			alloc = 0;
	}
	/* Re-adding as many nodes as were unlinked never grows the table. */
	for (size_t i = 0; i < rsec->nr_relocs; i++)
		htab_add(&elf->reloc_htab, &rsec->relocs[i].by_offset,
			 reloc_key(&rsec->relocs[i]));
	if (alloc <= rsec->nr_relocs) {
		errno = ENOMEM;
		return -1;
	}
	rsec->relocs_alloc = alloc;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Cold parts                                                          */
/* ------------------------------------------------------------------ */

/* For "foo.cold" or "foo.cold.N": the length of "foo"; 0 otherwise. */
static size_t cold_parent_len(const char *name)
{
	const char *p, *last = NULL, *s;

	for (p = strstr(name, ".cold"); p; p = strstr(p + 1, ".cold"))
		last = p;
	if (!last || last == name)
		return 0;
	s = last + 5;
	if (*s) {
		if (*s != '.' || !s[1])
			return 0;
		for (s++; *s; s++)
			if (!isdigit((unsigned char)*s))
				return 0;
	}
	return (size_t)(last - name);
}

/*
 * Link FUNC @cold to its parent: a FUNC named like @cold without the
 * ".cold[.N]" suffix.  gcc makes foo.cold local even when foo is global, so
 * the binding class is a preference, not a rule: same class first, then
 * locals, then (for locals) the one in the same FILE group (@scope gives
 * each symbol's FILE group, or is NULL).
 */
static void link_cold_part(struct obj *elf, struct obj_symbol *cold, const size_t *scope)
{
	size_t len = cold_parent_len(cold->name);
	struct obj_symbol *best = NULL;
	struct obj_hnode *node;
	int best_rank = -1;
	char *name;
	uint64_t key;

	if (!len || !is_func_sym(cold) || cold->parent)
		return;
	name = strndup(cold->name, len);
	if (!name)
		return;
	key = hash_str(name);
	htab_for_each(&elf->sym_name_htab, key, node) {
		struct obj_symbol *s = container_of(node, struct obj_symbol, by_name);
		int rank;

		if (s == cold || !is_func_sym(s) || strcmp(s->name, name))
			continue;
		rank = (is_local_sym(s) == is_local_sym(cold)) * 4 + is_local_sym(s) * 2;
		if (scope && is_local_sym(s) && scope[s->index] == scope[cold->index])
			rank++;
		if (rank > best_rank || (rank == best_rank && s->index < best->index)) {
			best = s;
			best_rank = rank;
		}
	}
	free(name);
	if (!best)
		return;
	cold->parent = best;
	if (!best->cold)
		best->cold = cold;
}

/* ------------------------------------------------------------------ */
/* Reading: sections                                                   */
/* ------------------------------------------------------------------ */

/* What the reader carries between its steps. */
struct reader {
	struct obj *elf;		/* the model being built */
	const char *path;		/* for messages */
	struct image *image;		/* the file, mapped and its headers checked */
	size_t shnum;			/* sections, extended numbering resolved */
	const char *strtab;		/* copy of the symbol string table */
	size_t strtab_size;		/* its size */
	size_t *scope;			/* per symbol: index of its FILE group */
};

static const char *type_name(unsigned int type)
{
	switch (type) {
	case ET_NONE:	return "ET_NONE";
	case ET_EXEC:	return "an executable (ET_EXEC)";
	case ET_DYN:	return "a shared object or PIE (ET_DYN)";
	case ET_CORE:	return "a core file (ET_CORE)";
	default:	return "of an unknown type";
	}
}

/* Map the file; lib/image checks the header and where every section lies. */
static int open_image(struct reader *r)
{
	r->image = r->elf->image = image_open(r->path);
	if (!r->image)
		return -1;
	r->elf->ehdr = *r->image->ehdr;
	r->shnum = r->image->nr_sections;
	if (r->elf->ehdr.e_type != ET_REL)
		return error_obj(r->path, "not a relocatable object: %s",
				 type_name(r->elf->ehdr.e_type));
	return 0;
}

/*
 * Copy the contents of @sec into sec->buf, straight from the image (the
 * range was checked by check_section_table): libelf's data conversion
 * would refuse e.g. a symbol table of a bad size before the checks below
 * could say what is wrong with it.
 */
static int read_section_contents(struct reader *r, struct obj_section *sec)
{
	if (sec->sh.sh_type == SHT_NOBITS || sec->sh.sh_size == 0)
		return 0;
	if (sec->sh.sh_offset % alignof(max_align_t) == 0) {
		sec->buf = (unsigned char *)r->image->map + sec->sh.sh_offset;
		sec->buf_in_image = true;
		sec->size = sec->sh.sh_size;
		return 0;
	}
	sec->buf = malloc(sec->sh.sh_size);
	if (!sec->buf)
		return error_sys(r->path, "cannot allocate %llu bytes",
				 (unsigned long long)sec->sh.sh_size);
	memcpy(sec->buf, r->image->map + sec->sh.sh_offset, sec->sh.sh_size);
	sec->size = sec->sh.sh_size;
	sec->buf_alloc = sec->size;
	return 0;
}

static int check_string_table(struct reader *r, const struct obj_section *sec, const char *what)
{
	if (sec->sh.sh_type != SHT_STRTAB)
		return error_obj(r->path, "%s (section %u) is not a string table", what, sec->index);
	if (!sec->size || ((const char *)sec->buf)[sec->size - 1] != '\0')
		return error_obj(r->path, "%s (section %u) is not NUL-terminated", what, sec->index);
	return 0;
}

/* Header checks that need only the header: links and info in range. */
static int check_section_header(struct reader *r, const struct obj_section *sec)
{
	const GElf_Shdr *sh = &sec->sh;

	if (sh->sh_link >= r->shnum)
		return error_obj(r->path, "section %s: sh_link %u out of range", sec->name, sh->sh_link);
	if ((sh->sh_type == SHT_RELA || sh->sh_type == SHT_REL ||
	     (sh->sh_flags & SHF_INFO_LINK)) && sh->sh_info >= r->shnum)
		return error_obj(r->path, "section %s: sh_info %u out of range", sec->name, sh->sh_info);
	if (sh->sh_type == SHT_REL)
		return error_obj(r->path, "section %s: SHT_REL relocations are not supported",
				 sec->name);
	if (sh->sh_addralign > 1 && !is_power_of_2(sh->sh_addralign))
		return error_obj(r->path, "section %s: alignment %llu is not a power of two",
				 sec->name, (unsigned long long)sh->sh_addralign);
	return 0;
}

static int read_sections(struct reader *r)
{
	struct obj *elf = r->elf;
	struct obj_section *shstrtab;
	const char *names;

	if (grow_array((void **)&elf->sections, &elf->cap_sections, r->shnum,
		       sizeof(*elf->sections)))
		return error_sys(r->path, "cannot allocate");
	for (size_t i = 0; i < r->shnum; i++) {
		struct obj_section *sec = new_section(elf);

		if (!sec)
			return error_sys(r->path, "cannot allocate");
		if (i)
			sec->sh = r->image->shdrs[i];
	}
	shstrtab = elf->sections[r->image->shstrndx];
	elf->shstrtab = shstrtab;
	shstrtab->name = ".shstrtab";
	if (read_section_contents(r, shstrtab) ||
	    check_string_table(r, shstrtab, "section name table"))
		return -1;
	names = strpool_memdup(elf->strings, shstrtab->buf, shstrtab->size);
	if (!names)
		return error_sys(r->path, "cannot allocate");
	for (size_t i = 1; i < r->shnum; i++) {
		struct obj_section *sec = elf->sections[i];

		if (sec->sh.sh_name >= shstrtab->size)
			return error_obj(r->path, "section %zu: name offset %u beyond the section name table",
					 i, sec->sh.sh_name);
		sec->name = names + sec->sh.sh_name;
		if (check_section_header(r, sec))
			return -1;
		if (sec != shstrtab && read_section_contents(r, sec))
			return -1;
	}
	return 0;
}

/* Find the one SHT_SYMTAB, its string table and its SHT_SYMTAB_SHNDX. */
static int find_symbol_table(struct reader *r)
{
	struct obj *elf = r->elf;
	struct obj_section *sec;

	for_each_sec(elf, sec) {
		if (sec->sh.sh_type == SHT_SYMTAB) {
			if (elf->symtab)
				return error_obj(r->path, "several symbol tables (%s, %s)",
						 elf->symtab->name, sec->name);
			elf->symtab = sec;
		}
	}
	if (!elf->symtab)
		return error_obj(r->path, "no symbol table");
	sec = elf->symtab;
	if (sec->sh.sh_entsize != SYM_ENTSIZE)
		return error_obj(r->path, "symbol table: entry size %llu, expected %zu",
				 (unsigned long long)sec->sh.sh_entsize, SYM_ENTSIZE);
	if (sec->size % SYM_ENTSIZE || sec->size < SYM_ENTSIZE)
		return error_obj(r->path, "symbol table: size %zu is not a multiple of %zu",
				 sec->size, SYM_ENTSIZE);
	if (sec->sh.sh_info > sec->size / SYM_ENTSIZE)
		return error_obj(r->path, "symbol table: first global %u out of range",
				 sec->sh.sh_info);
	if (sec->sh.sh_link == 0 || sec->sh.sh_link == sec->index)
		return error_obj(r->path, "symbol table: bad string table link %u", sec->sh.sh_link);
	elf->strtab = elf->sections[sec->sh.sh_link];
	if (check_string_table(r, elf->strtab, "symbol string table"))
		return -1;
	for_each_sec(elf, sec) {
		if (sec->sh.sh_type != SHT_SYMTAB_SHNDX)
			continue;
		if (elf->symtab_shndx)
			return error_obj(r->path, "several SHT_SYMTAB_SHNDX sections");
		if (sec->sh.sh_link != elf->symtab->index)
			return error_obj(r->path, "section %s: sh_link is not the symbol table", sec->name);
		if (sec->size != elf->symtab->size / SYM_ENTSIZE * sizeof(Elf32_Word))
			return error_obj(r->path, "section %s: size does not match the symbol table",
					 sec->name);
		elf->symtab_shndx = sec;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Reading: symbols                                                    */
/* ------------------------------------------------------------------ */

/* Resolve st_shndx (SHN_XINDEX through the extension table). */
static int resolve_sym_section(struct reader *r, struct obj_symbol *sym)
{
	struct obj *elf = r->elf;
	size_t shndx = sym->sym.st_shndx;

	if (shndx == SHN_XINDEX) {
		Elf32_Word x;

		if (!elf->symtab_shndx)
			return error_obj(r->path, "symbol %s: SHN_XINDEX without SHT_SYMTAB_SHNDX",
					 sym->name);
		memcpy(&x, (char *)elf->symtab_shndx->buf + sym->index * sizeof(x), sizeof(x));
		shndx = x;
		if (shndx == 0)
			return error_obj(r->path, "symbol %s: extended section index 0", sym->name);
	} else if (shndx == SHN_UNDEF || shndx >= SHN_LORESERVE) {
		return 0;	/* undefined, SHN_ABS, SHN_COMMON, SHN_LIVEPATCH, ... */
	}
	if (shndx >= r->shnum)
		return error_obj(r->path, "symbol %s: section index %zu out of range",
				 sym->name, shndx);
	sym->sec = elf->sections[shndx];
	return 0;
}

static int check_symbol_extent(struct reader *r, const struct obj_symbol *sym)
{
	const struct obj_section *sec = sym->sec;
	uint64_t size;

	if (!sec || sec->sh.sh_type == SHT_NOBITS || (!is_func_sym(sym) && !is_object_sym(sym)))
		return 0;
	size = sec_data_size(sec);
	if (!fits(sym->offset, sym->size, size))
		return error_obj(r->path, "symbol %s: [0x%llx, 0x%llx) outside section %s (size 0x%llx)",
				 sym->name, (unsigned long long)sym->offset,
				 (unsigned long long)(sym->offset + sym->size), sec->name,
				 (unsigned long long)size);
	return 0;
}

static int read_symbols(struct reader *r)
{
	struct obj *elf = r->elf;
	size_t nr = elf->symtab->size / SYM_ENTSIZE, file = 0;
	struct obj_symbol *syms;

	r->strtab_size = elf->strtab->size;
	r->strtab = strpool_memdup(elf->strings, elf->strtab->buf, r->strtab_size);
	syms = strpool_alloc(elf->strings, nr * sizeof(*syms));
	r->scope = calloc(nr, sizeof(*r->scope));
	if (!r->strtab || !syms || !r->scope ||
	    grow_array((void **)&elf->symbols, &elf->cap_symbols, nr, sizeof(*elf->symbols)))
		return error_sys(r->path, "cannot allocate");
	for (size_t i = 0; i < nr; i++) {
		struct obj_symbol *sym = &syms[i];

		elf->symbols[elf->nr_symbols++] = sym;
		sym->index = (unsigned int)i;
		memcpy(&sym->sym, (char *)elf->symtab->buf + i * SYM_ENTSIZE, SYM_ENTSIZE);
		if (sym->sym.st_name >= r->strtab_size)
			return error_obj(r->path, "symbol %zu: name offset %u beyond the string table",
					 i, sym->sym.st_name);
		sym->name = r->strtab + sym->sym.st_name;
		sym->bind = GELF_ST_BIND(sym->sym.st_info);
		sym->type = GELF_ST_TYPE(sym->sym.st_info);
		sym->offset = sym->sym.st_value;
		sym->size = sym->sym.st_size;
		if (resolve_sym_section(r, sym) || check_symbol_extent(r, sym))
			return -1;
		if (is_file_sym(sym))
			file = i;
		r->scope[i] = file;
		if (is_section_sym(sym) && sym->sec && !sym->sec->secsym)
			sym->sec->secsym = sym;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Reading: relocations and groups                                     */
/* ------------------------------------------------------------------ */

static int check_rela_header(struct reader *r, const struct obj_section *rsec)
{
	const GElf_Shdr *sh = &rsec->sh;

	if (sh->sh_entsize != RELA_ENTSIZE)
		return error_obj(r->path, "section %s: entry size %llu, expected %zu", rsec->name,
				 (unsigned long long)sh->sh_entsize, RELA_ENTSIZE);
	if (rsec->size % RELA_ENTSIZE)
		return error_obj(r->path, "section %s: size %zu is not a multiple of %zu",
				 rsec->name, rsec->size, RELA_ENTSIZE);
	if (sh->sh_link != r->elf->symtab->index)
		return error_obj(r->path, "section %s: sh_link %u is not the symbol table",
				 rsec->name, sh->sh_link);
	if (sh->sh_info == 0 || sh->sh_info == rsec->index ||
	    r->elf->sections[sh->sh_info]->sh.sh_type == SHT_NULL)
		return error_obj(r->path, "section %s: sh_info %u is not a valid section",
				 rsec->name, sh->sh_info);
	return 0;
}

static int read_reloc(struct reader *r, struct obj_section *rsec, size_t i)
{
	struct obj_reloc *rel = &rsec->relocs[i];
	struct obj_section *base = rsec->base;
	size_t sym = 0;
	GElf_Rela rela;
	int width;

	memcpy(&rela, (char *)rsec->buf + i * RELA_ENTSIZE, RELA_ENTSIZE);
	sym = GELF_R_SYM(rela.r_info);
	rel->type = GELF_R_TYPE(rela.r_info);
	rel->offset = rela.r_offset;
	rel->addend = rela.r_addend;
	rel->sec = rsec;
	if (sym >= r->elf->nr_symbols)
		return error_at(r->path, base->name, rel->offset,
				"relocation symbol index %zu out of range", sym);
	rel->sym = r->elf->symbols[sym];
	if (!arch_reloc_is_known(rel->type))
		return error_at(r->path, base->name, rel->offset,
				"unsupported relocation type %u", rel->type);
	width = arch_reloc_width(rel->type);
	if (!fits(rel->offset, (uint64_t)width, sec_data_size(base)))
		return error_at(r->path, base->name, rel->offset,
				"%s relocation beyond the end of the section (size 0x%llx)",
				arch_reloc_name(rel->type),
				(unsigned long long)sec_data_size(base));
	return 0;
}

static int read_relocs(struct reader *r)
{
	struct obj *elf = r->elf;
	struct obj_section *rsec;

	for_each_sec(elf, rsec) {
		struct obj_section *base;
		size_t nr;

		if (rsec->sh.sh_type != SHT_RELA)
			continue;
		if (check_rela_header(r, rsec))
			return -1;
		base = elf->sections[rsec->sh.sh_info];
		rsec->base = base;
		if (!base->rela || (is_livepatch_rela(base->rela) && !is_livepatch_rela(rsec)))
			base->rela = rsec;
		nr = rsec->size / RELA_ENTSIZE;
		if (!nr)
			continue;
		rsec->relocs = calloc(nr, sizeof(*rsec->relocs));
		if (!rsec->relocs)
			return error_sys(r->path, "cannot allocate");
		rsec->relocs_alloc = nr;
		rsec->nr_relocs = nr;
		for (size_t i = 0; i < nr; i++)
			if (read_reloc(r, rsec, i))
				return -1;
	}
	return 0;
}

static int check_group(struct reader *r, const struct obj_section *grp)
{
	Elf32_Word member;

	if (grp->sh.sh_link != r->elf->symtab->index)
		return error_obj(r->path, "group %s: sh_link is not the symbol table", grp->name);
	if (grp->sh.sh_info >= r->elf->nr_symbols)
		return error_obj(r->path, "group %s: signature symbol %u out of range",
				 grp->name, grp->sh.sh_info);
	if (grp->size < sizeof(member) || grp->size % sizeof(member))
		return error_obj(r->path, "group %s: bad size %zu", grp->name, grp->size);
	for (size_t i = 1; i < grp->size / sizeof(member); i++) {
		memcpy(&member, (char *)grp->buf + i * sizeof(member), sizeof(member));
		if (member == 0 || member >= r->shnum || member == grp->index)
			return error_obj(r->path, "group %s: member %u out of range", grp->name, member);
	}
	return 0;
}

static int check_groups(struct reader *r)
{
	struct obj_section *sec;

	for_each_sec(r->elf, sec)
		if (sec->sh.sh_type == SHT_GROUP && check_group(r, sec))
			return -1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Reading: indexes                                                    */
/* ------------------------------------------------------------------ */

static int index_sections(struct obj *elf)
{
	struct obj_section *sec;

	if (htab_init(&elf->sec_name_htab, elf->nr_sections))
		return -1;
	for_each_sec(elf, sec)
		if (*sec->name && htab_add(&elf->sec_name_htab, &sec->by_name, hash_str(sec->name)))
			return -1;
	return 0;
}

static int index_symbols(struct obj *elf)
{
	struct obj_symbol *sym;
	struct obj_section *sec;

	if (htab_init(&elf->sym_name_htab, elf->nr_symbols))
		return -1;
	for_each_sym(elf, sym) {
		if (*sym->name && htab_add(&elf->sym_name_htab, &sym->by_name, hash_str(sym->name)))
			return -1;
		if (is_positioned_sym(sym))
			sym->sec->syms_alloc++;
	}
	for_each_sec(elf, sec) {
		if (!sec->syms_alloc)
			continue;
		sec->syms = malloc(sec->syms_alloc * sizeof(*sec->syms));
		sec->syms_end = malloc(sec->syms_alloc * sizeof(*sec->syms_end));
		if (!sec->syms || !sec->syms_end)
			return -1;
	}
	for_each_sym(elf, sym)
		if (is_positioned_sym(sym))
			sym->sec->syms[sym->sec->nr_syms++] = sym;
	for_each_sec(elf, sec) {
		if (!sec->nr_syms)
			continue;
		qsort(sec->syms, sec->nr_syms, sizeof(*sec->syms), qsort_sym_pos);
		recompute_syms_end(sec, 0);
	}
	return 0;
}

static int index_relocs(struct obj *elf)
{
	struct obj_section *rsec;
	size_t total = 0;

	for_each_sec(elf, rsec)
		total += rsec->nr_relocs;
	if (htab_init(&elf->reloc_htab, total))
		return -1;
	for_each_sec(elf, rsec) {
		for (size_t i = 0; i < rsec->nr_relocs; i++)
			if (htab_add(&elf->reloc_htab, &rsec->relocs[i].by_offset,
				     reloc_key(&rsec->relocs[i])))
				return -1;
		if (rsec->nr_relocs && build_reloc_order(rsec))
			return -1;
	}
	return 0;
}

static int build_indexes(struct reader *r)
{
	struct obj_symbol *sym;

	if (index_sections(r->elf) || index_symbols(r->elf) || index_relocs(r->elf))
		return error_sys(r->path, "cannot allocate the indexes");
	for_each_sym(r->elf, sym)
		link_cold_part(r->elf, sym, r->scope);
	return 0;
}

struct obj *obj_open_read(const char *path)
{
	struct reader r = { .path = path };
	int err;

	r.elf = obj_alloc(path);
	if (!r.elf)
		return NULL;
	r.path = r.elf->path;
	err = open_image(&r);
	err = err ?: read_sections(&r);
	err = err ?: find_symbol_table(&r);
	err = err ?: read_symbols(&r);
	err = err ?: read_relocs(&r);
	err = err ?: check_groups(&r);
	err = err ?: build_indexes(&r);

	free(r.scope);
	if (err) {
		obj_close(r.elf);
		return NULL;
	}
	return r.elf;
}

/* ------------------------------------------------------------------ */
/* Lookups                                                             */
/* ------------------------------------------------------------------ */

struct obj_section *find_section_by_name(const struct obj *elf, const char *name)
{
	uint64_t key = hash_str(name);
	struct obj_section *best = NULL;
	struct obj_hnode *node;

	htab_for_each(&elf->sec_name_htab, key, node) {
		struct obj_section *sec = container_of(node, struct obj_section, by_name);

		if (sec->removed || strcmp(sec->name, name))
			continue;
		if (!best || sec->index < best->index)
			best = sec;
	}
	return best;
}

struct obj_symbol *find_symbol_by_name(const struct obj *elf, const char *name)
{
	uint64_t key = hash_str(name);
	struct obj_symbol *best = NULL;
	struct obj_hnode *node;

	htab_for_each(&elf->sym_name_htab, key, node) {
		struct obj_symbol *sym = container_of(node, struct obj_symbol, by_name);

		if (strcmp(sym->name, name))
			continue;
		if (!best || sym->index < best->index)
			best = sym;
	}
	return best;
}

struct obj_symbol *find_symbol_by_index(const struct obj *elf, size_t index)
{
	return index < elf->nr_symbols ? elf->symbols[index] : NULL;
}

/* Is @a a better "first" relocation of @base than @b? */
static bool reloc_before(const struct obj_section *base, const struct obj_reloc *a,
			 const struct obj_reloc *b)
{
	if (!b)
		return true;
	if (a->sec != b->sec) {
		if (a->sec == base->rela || b->sec == base->rela)
			return a->sec == base->rela;
		return a->sec->index < b->sec->index;
	}
	return a < b;
}

struct obj_reloc *find_reloc_by_offset(const struct obj *elf, const struct obj_section *sec,
				       uint64_t offset)
{
	uint64_t key = hash_u64_pair(sec->index, offset);
	struct obj_reloc *best = NULL;
	struct obj_hnode *node;

	htab_for_each(&elf->reloc_htab, key, node) {
		struct obj_reloc *r = container_of(node, struct obj_reloc, by_offset);

		if (r->sec->base != sec || r->offset != offset || r->sec->removed)
			continue;
		if (reloc_before(sec, r, best))
			best = r;
	}
	return best;
}

struct obj_reloc *find_reloc_in_range(const struct obj *elf, const struct obj_section *sec,
				      uint64_t offset, uint64_t len)
{
	const struct obj_section *rsec = sec->rela;
	uint64_t end = len > UINT64_MAX - offset ? UINT64_MAX : offset + len;
	size_t lo = 0, hi;
	struct obj_reloc *r;

	(void)elf;
	if (!rsec || rsec->removed || !len)
		return NULL;
	hi = rsec->nr_relocs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (reloc_at_rank(rsec, mid)->offset < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == rsec->nr_relocs)
		return NULL;
	r = reloc_at_rank(rsec, lo);
	return r->offset < end ? r : NULL;
}

/* The number of syms[] entries at offsets <= @offset. */
static size_t syms_upto(const struct obj_section *sec, uint64_t offset)
{
	size_t lo = 0, hi = sec->nr_syms;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sec->syms[mid]->offset <= offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct obj_symbol *find_symbol_covering(const struct obj_section *sec, uint64_t offset)
{
	struct obj_symbol *best = NULL;

	/* Walk back from the last symbol starting at or before @offset; stop
	 * once no earlier FUNC/OBJECT reaches @offset.  The innermost (latest
	 * start, then smallest) covering symbol wins, lowest index on ties. */
	for (size_t i = syms_upto(sec, offset); i-- > 0;) {
		struct obj_symbol *s = sec->syms[i];

		if (sec->syms_end[i] <= offset)
			break;
		if (best && (s->offset != best->offset || s->size != best->size))
			break;
		if ((is_func_sym(s) || is_object_sym(s)) && sym_end(s) > offset)
			best = s;
	}
	return best;
}

struct obj_symbol *find_symbol_at(const struct obj_section *sec, uint64_t offset)
{
	struct obj_symbol *first = NULL;
	size_t lo = 0, hi = sec->nr_syms;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sec->syms[mid]->offset < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < sec->nr_syms && sec->syms[lo]->offset == offset; lo++) {
		struct obj_symbol *s = sec->syms[lo];

		if (is_func_sym(s) || is_object_sym(s))
			return s;
		if (!first)
			first = s;
	}
	return first;
}

/* ------------------------------------------------------------------ */
/* Building                                                            */
/* ------------------------------------------------------------------ */

static struct obj_section *add_section(struct obj *elf, const char *name, const GElf_Shdr *sh)
{
	struct obj_section *sec = new_section(elf);

	if (!sec)
		return NULL;
	sec->name = strpool_strdup(elf->strings, name);
	if (!sec->name)
		return NULL;
	sec->sh = *sh;
	sec->sh.sh_name = 0;
	if (*sec->name && htab_add(&elf->sec_name_htab, &sec->by_name, hash_str(sec->name)))
		return NULL;
	return sec;
}

struct obj *obj_create(const char *path)
{
	GElf_Shdr strtab = { .sh_type = SHT_STRTAB, .sh_addralign = 1 };
	GElf_Shdr symtab = { .sh_type = SHT_SYMTAB, .sh_addralign = 8,
			     .sh_entsize = SYM_ENTSIZE };
	struct obj *elf = obj_alloc(path);
	unsigned char *id;

	if (!elf)
		return NULL;
	id = elf->ehdr.e_ident;
	memcpy(id, ELFMAG, SELFMAG);
	id[EI_CLASS] = ELFCLASS64;
	id[EI_DATA] = ELFDATA2LSB;
	id[EI_VERSION] = EV_CURRENT;
	id[EI_OSABI] = ELFOSABI_NONE;
	elf->ehdr.e_type = ET_REL;
	elf->ehdr.e_machine = EM_X86_64;
	elf->ehdr.e_version = EV_CURRENT;
	elf->ehdr.e_ehsize = sizeof(Elf64_Ehdr);
	elf->ehdr.e_shentsize = SHDR_SIZE;

	if (!new_section(elf) || !new_symbol(elf) ||
	    !(elf->shstrtab = add_section(elf, ".shstrtab", &strtab)) ||
	    !(elf->strtab = add_section(elf, ".strtab", &strtab)) ||
	    !(elf->symtab = add_section(elf, ".symtab", &symtab))) {
		error_sys(path, "cannot allocate the object");
		obj_close(elf);
		return NULL;
	}
	elf->symtab->sh.sh_link = elf->strtab->index;
	return elf;
}

/* Fill relocs[] of a new SHT_RELA section from raw Elf64_Rela entries. */
static int add_raw_relocs(struct obj *elf, struct obj_section *rsec, const void *buf, size_t size)
{
	Elf64_Rela rela;

	if (size % RELA_ENTSIZE)
		return error_obj(elf->path, "section %s: size %zu is not a multiple of %zu",
				 rsec->name, size, RELA_ENTSIZE);
	for (size_t i = 0; i < size / RELA_ENTSIZE; i++) {
		size_t sym;

		memcpy(&rela, (const char *)buf + i * RELA_ENTSIZE, sizeof(rela));
		sym = ELF64_R_SYM(rela.r_info);
		if (sym >= elf->nr_symbols)
			return error_obj(elf->path, "section %s: symbol index %zu out of range",
					 rsec->name, sym);
		if (!obj_rela_add_reloc(elf, rsec, rela.r_offset, ELF64_R_TYPE(rela.r_info),
					elf->symbols[sym], rela.r_addend))
			return -1;
	}
	return 0;
}

struct obj_section *obj_add_section(struct obj *elf, const char *name, const GElf_Shdr *sh,
				    const void *buf, size_t size)
{
	struct obj_section *sec;
	bool is_rela = sh->sh_type == SHT_RELA;

	if (is_rela && (sh->sh_info == 0 || sh->sh_info >= elf->nr_sections)) {
		error_obj(elf->path, "section %s: sh_info %u is not a valid section",
			  name, sh->sh_info);
		return NULL;
	}
	sec = add_section(elf, name, sh);
	if (!sec) {
		error_sys(elf->path, "cannot add section %s", name);
		return NULL;
	}
	if (is_rela) {
		sec->base = elf->sections[sh->sh_info];
		if (!sec->base->rela || sec->base->rela->removed)
			sec->base->rela = sec;
		sec->sh.sh_size = 0;
		if (buf && add_raw_relocs(elf, sec, buf, size))
			return NULL;
		return sec;
	}
	sec->sh.sh_size = size;
	if (sh->sh_type == SHT_NOBITS || !size)
		return sec;
	sec->buf = buf ? malloc(size) : calloc(1, size);
	if (!sec->buf) {
		error_sys(elf->path, "cannot add section %s", name);
		return NULL;
	}
	if (buf)
		memcpy(sec->buf, buf, size);
	sec->size = size;
	sec->buf_alloc = size;
	return sec;
}

struct obj_section *obj_add_rela_section(struct obj *elf, struct obj_section *base)
{
	GElf_Shdr sh = { .sh_type = SHT_RELA, .sh_flags = SHF_INFO_LINK,
			 .sh_addralign = 8, .sh_entsize = RELA_ENTSIZE };
	char *name;
	struct obj_section *rsec;

	if (!sec_belongs(elf, base) || base->index == 0 || is_rela_sec(base)) {
		error_obj(elf->path, "cannot add a relocation section for %s",
			  base ? base->name : "(null)");
		return NULL;
	}
	if (base->rela && !base->rela->removed)
		return base->rela;
	if (asprintf(&name, ".rela%s", base->name) < 0) {
		error_sys(elf->path, "cannot add a relocation section for %s", base->name);
		return NULL;
	}
	sh.sh_link = elf->symtab ? elf->symtab->index : 0;
	sh.sh_info = base->index;
	rsec = obj_add_section(elf, name, &sh, NULL, 0);
	free(name);
	if (rsec)
		base->rela = rsec;
	return rsec;
}

static void sym_set_shndx(struct obj_symbol *sym)
{
	if (sym->sec)
		sym->sym.st_shndx = sym->sec->index < SHN_LORESERVE ? sym->sec->index : SHN_XINDEX;
}

struct obj_symbol *obj_add_symbol(struct obj *elf, const char *name, unsigned char bind,
				  unsigned char type, struct obj_section *sec, uint64_t offset,
				  uint64_t size)
{
	struct obj_symbol *sym;

	if (sec && !sec_belongs(elf, sec)) {
		error_obj(elf->path, "symbol %s: section is not in this object", name);
		return NULL;
	}
	sym = new_symbol(elf);
	if (!sym || !(sym->name = strpool_strdup(elf->strings, name)))
		goto nomem;
	sym->bind = bind;
	sym->type = type;
	sym->sec = sec;
	sym->offset = offset;
	sym->size = size;
	sym->sym.st_info = GELF_ST_INFO(bind, type);
	sym->sym.st_value = offset;
	sym->sym.st_size = size;
	sym_set_shndx(sym);
	if (is_file_sym(sym) && !sec)
		sym->sym.st_shndx = SHN_ABS;
	if (*sym->name && htab_add(&elf->sym_name_htab, &sym->by_name, hash_str(sym->name)))
		goto nomem;
	if (is_positioned_sym(sym) && sec_insert_sym(sec, sym))
		goto nomem;
	if (is_section_sym(sym) && sec && !sec->secsym)
		sec->secsym = sym;
	link_cold_part(elf, sym, NULL);
	return sym;
nomem:
	error_sys(elf->path, "cannot add symbol %s", name);
	return NULL;
}

struct obj_symbol *obj_section_symbol(struct obj *elf, struct obj_section *sec)
{
	if (sec->secsym)
		return sec->secsym;
	return obj_add_symbol(elf, "", STB_LOCAL, STT_SECTION, sec, 0, 0);
}

struct obj_reloc *obj_rela_add_reloc(struct obj *elf, struct obj_section *rsec,
				     uint64_t offset, uint32_t type,
				     struct obj_symbol *sym, int64_t addend)
{
	struct obj_reloc *r;

	if (!sec_belongs(elf, rsec) || !is_rela_sec(rsec) || !rsec->base) {
		error_obj(elf->path, "%s: not a relocation section", rsec ? rsec->name : "(null)");
		return NULL;
	}
	if (!arch_reloc_is_known(type)) {
		error_at(elf->path, rsec->base->name, offset, "unsupported relocation type %u", type);
		return NULL;
	}
	if (!sym)
		sym = elf->symbols[0];
	if (!sym_belongs(elf, sym)) {
		error_at(elf->path, rsec->base->name, offset,
			 "relocation symbol %s is not in this object", sym->name);
		return NULL;
	}
	if (reserve_reloc(elf, rsec)) {
		error_sys(elf->path, "cannot add a relocation to %s", rsec->name);
		return NULL;
	}
	r = &rsec->relocs[rsec->nr_relocs];
	memset(r, 0, sizeof(*r));
	r->offset = offset;
	r->type = type;
	r->addend = addend;
	r->sym = sym;
	r->sec = rsec;
	if (htab_add(&elf->reloc_htab, &r->by_offset, reloc_key(r))) {
		error_sys(elf->path, "cannot add a relocation to %s", rsec->name);
		return NULL;
	}
	rsec->nr_relocs++;
	rsec->sh.sh_size = rsec->nr_relocs * RELA_ENTSIZE;
	if (order_new_reloc(rsec)) {
		error_sys(elf->path, "cannot add a relocation to %s", rsec->name);
		return NULL;
	}
	return r;
}

struct obj_reloc *obj_add_reloc(struct obj *elf, struct obj_section *base, uint64_t offset,
				uint32_t type, struct obj_symbol *sym, int64_t addend)
{
	struct obj_section *rsec = obj_add_rela_section(elf, base);

	return rsec ? obj_rela_add_reloc(elf, rsec, offset, type, sym, addend) : NULL;
}

/* Give @sec contents of its own (they were in the mapped file). */
static int copy_out_of_image(struct obj_section *sec)
{
	void *copy = malloc(sec->size ? sec->size : 1);

	if (!copy)
		return error_sys(sec->name, "cannot allocate %zu bytes", sec->size);
	memcpy(copy, sec->buf, sec->size);
	sec->buf = copy;
	sec->buf_alloc = sec->size;
	sec->buf_in_image = false;
	return 0;
}

int64_t obj_section_append(struct obj_section *sec, const void *buf, size_t len, size_t align)
{
	uint64_t cur = sec->sh.sh_type == SHT_NOBITS ? sec->sh.sh_size : sec->size;
	uint64_t off, end;

	if (!align)
		align = 1;
	if (!is_power_of_2(align))
		return error_obj(sec->name, "bad alignment %zu", align);
	off = (cur + align - 1) & ~((uint64_t)align - 1);
	end = off + len;
	if (off < cur || end < off || end > INT64_MAX)
		return error_obj(sec->name, "section too large");
	if (sec->sh.sh_addralign < align)
		sec->sh.sh_addralign = align;
	if (sec->sh.sh_type == SHT_NOBITS) {
		sec->sh.sh_size = end;
		return (int64_t)off;
	}
	if (!end)
		return 0;
	if (sec->buf_in_image && copy_out_of_image(sec))
		return -1;
	if (grow_array(&sec->buf, &sec->buf_alloc, end, 1))
		return error_sys(sec->name, "cannot grow section");
	memset((char *)sec->buf + cur, 0, off - cur);
	if (buf)
		memcpy((char *)sec->buf + off, buf, len);
	else
		memset((char *)sec->buf + off, 0, len);
	sec->size = end;
	sec->sh.sh_size = end;
	return (int64_t)off;
}

void obj_remove_section(struct obj *elf, struct obj_section *sec)
{
	(void)elf;
	if (!sec)
		return;
	sec->removed = true;
	if (sec->rela)
		sec->rela->removed = true;
}

/* ------------------------------------------------------------------ */
/* Writing                                                             */
/* ------------------------------------------------------------------ */

/* One section of the output. */
struct out_sec {
	struct obj_section *sec;	/* model section; NULL: new .symtab_shndx */
	GElf_Shdr sh;			/* header as written */
	const void *data;		/* contents (NULL: zeros) */
	void *owned;			/* generated contents, freed with the writer */
};

/* What the writer carries between its steps. */
struct writer {
	struct obj *elf;		/* the model (not modified) */
	const char *path;		/* for messages */
	size_t *sec_map;		/* model section index -> output index, 0: dropped */
	size_t *sym_map;		/* model symbol index -> output index, 0: dropped */
	struct obj_symbol **syms;	/* output symbols in order, [0] null */
	size_t nr_syms;			/* entries in syms */
	size_t first_global;		/* output index of the first non-local */
	struct out_sec *out;		/* output sections by index, [0] null */
	size_t nr_out;			/* entries in out */
	size_t out_symtab, out_strtab, out_shstrtab, out_shndx; /* their indexes */
	struct strtab_out strtab;	/* symbol names */
	struct strtab_out shstrtab;	/* section names (unless shared) */
	struct strtab_out *shnames;	/* &shstrtab, or &strtab when shared */
	GElf_Ehdr ehdr;			/* header as written */
	uint64_t shoff;			/* offset of the section header table */
};

static bool is_table_sec(const struct obj *elf, const struct obj_section *sec)
{
	return sec == elf->symtab || sec == elf->strtab || sec == elf->shstrtab ||
	       sec == elf->symtab_shndx;
}

/* Are all kept?  Non-rela, non-group sections first; relas follow their
 * base; a group survives while one of its members does. */
static bool keep_plain_sec(const struct obj *elf, const struct obj_section *sec)
{
	if (sec->removed || sec == elf->symtab_shndx || sec->sh.sh_type == LLVM_ADDRSIG)
		return false;
	return sec->sh.sh_type != SHT_RELA && sec->sh.sh_type != SHT_GROUP;
}

static bool group_has_kept_member(struct writer *w, const struct obj_section *grp, bool *kept)
{
	Elf32_Word m;

	for (size_t i = 1; i < grp->size / sizeof(m); i++) {
		memcpy(&m, (char *)grp->buf + i * sizeof(m), sizeof(m));
		if (m < w->elf->nr_sections && kept[m])
			return true;
	}
	return false;
}

static int plan_sections(struct writer *w)
{
	struct obj *elf = w->elf;
	struct obj_section *sec;
	bool *kept = calloc(elf->nr_sections, sizeof(*kept));
	size_t n = 1;

	if (!kept)
		return error_sys(w->path, "cannot allocate");
	if (!elf->symtab || elf->symtab->removed || !elf->strtab || elf->strtab->removed ||
	    !elf->shstrtab || elf->shstrtab->removed) {
		free(kept);
		return error_obj(w->path, "cannot write without symbol and string tables");
	}
	for_each_sec(elf, sec)
		kept[sec->index] = keep_plain_sec(elf, sec);
	for_each_sec(elf, sec)
		if (is_rela_sec(sec) && !sec->removed)
			kept[sec->index] = sec->base && sec_belongs(elf, sec->base) &&
					   kept[sec->base->index];
	for_each_sec(elf, sec)
		if (sec->sh.sh_type == SHT_GROUP && !sec->removed)
			kept[sec->index] = group_has_kept_member(w, sec, kept);

	/* Ordinary sections in model order, then the tables. */
	for_each_sec(elf, sec)
		if (kept[sec->index] && !is_table_sec(elf, sec))
			w->sec_map[sec->index] = n++;
	w->out_symtab = w->sec_map[elf->symtab->index] = n++;
	if (elf->strtab != elf->shstrtab)
		w->out_strtab = w->sec_map[elf->strtab->index] = n++;
	if (n + 2 >= SHN_LORESERVE)
		w->out_shndx = n++;
	w->out_shstrtab = w->sec_map[elf->shstrtab->index] = n++;
	if (elf->strtab == elf->shstrtab)
		w->out_strtab = w->out_shstrtab;
	free(kept);

	w->nr_out = n;
	w->out = calloc(n, sizeof(*w->out));
	if (!w->out)
		return error_sys(w->path, "cannot allocate");
	for (size_t i = 0; i < elf->nr_sections; i++)
		if (w->sec_map[i])
			w->out[w->sec_map[i]].sec = elf->sections[i];
	return 0;
}

/* Which symbols survive, and their order: locals first, else as in the model. */
static int plan_symbols(struct writer *w)
{
	struct obj *elf = w->elf;
	struct obj_symbol *sym;

	w->syms = calloc(elf->nr_symbols ? elf->nr_symbols : 1, sizeof(*w->syms));
	if (!w->syms)
		return error_sys(w->path, "cannot allocate");
	w->syms[0] = elf->nr_symbols ? elf->symbols[0] : NULL;
	w->nr_syms = 1;
	for (int pass = 0; pass < 2; pass++) {
		for_each_sym(elf, sym) {
			if (is_local_sym(sym) != (pass == 0))
				continue;
			if (sym->sec && !sec_belongs(elf, sym->sec))
				return error_obj(w->path, "symbol %s: section is not in this object",
						 sym->name);
			if (sym->sec && !w->sec_map[sym->sec->index])
				continue;	/* defined in a dropped section */
			w->sym_map[sym->index] = w->nr_syms;
			w->syms[w->nr_syms++] = sym;
		}
		if (pass == 0)
			w->first_global = w->nr_syms;
	}
	return 0;
}

static int build_symtab(struct writer *w)
{
	size_t n = w->nr_syms;
	Elf64_Sym *tab = calloc(n, sizeof(*tab));
	Elf32_Word *shndx = w->out_shndx ? calloc(n, sizeof(*shndx)) : NULL;

	w->out[w->out_symtab].owned = tab;
	if (w->out_shndx)
		w->out[w->out_shndx].owned = shndx;
	if (!tab || (w->out_shndx && !shndx))
		return error_sys(w->path, "cannot allocate");
	for (size_t i = 1; i < n; i++) {
		const struct obj_symbol *sym = w->syms[i];
		Elf64_Sym *s = &tab[i];
		int64_t name = strtab_add(&w->strtab, sym->name);

		if (name < 0 || name > UINT32_MAX)
			return error_sys(w->path, "cannot build the string table");
		s->st_name = (Elf64_Word)name;
		s->st_info = GELF_ST_INFO(sym->bind, sym->type);
		s->st_other = sym->sym.st_other;
		s->st_value = sym->offset;
		s->st_size = sym->size;
		if (sym->sec) {
			size_t idx = w->sec_map[sym->sec->index];

			s->st_shndx = idx < SHN_LORESERVE ? (Elf64_Half)idx : SHN_XINDEX;
			if (shndx)
				shndx[i] = (Elf32_Word)(idx < SHN_LORESERVE ? 0 : idx);
		} else if (sym->sym.st_shndx >= SHN_LORESERVE && sym->sym.st_shndx != SHN_XINDEX) {
			s->st_shndx = sym->sym.st_shndx;	/* ABS, COMMON, LIVEPATCH, ... */
		} else {
			s->st_shndx = SHN_UNDEF;
		}
	}
	w->out[w->out_symtab].data = tab;
	w->out[w->out_symtab].sh.sh_size = n * SYM_ENTSIZE;
	if (shndx) {
		w->out[w->out_shndx].data = shndx;
		w->out[w->out_shndx].sh.sh_size = n * sizeof(*shndx);
	}
	return 0;
}

static int build_rela(struct writer *w, struct out_sec *o)
{
	const struct obj_section *rsec = o->sec, *base = rsec->base;
	Elf64_Rela *tab = calloc(rsec->nr_relocs ? rsec->nr_relocs : 1, sizeof(*tab));
	const struct obj_reloc *r;

	o->owned = tab;
	if (!tab)
		return error_sys(w->path, "cannot allocate");
	for_each_reloc(rsec, r) {
		Elf64_Rela *e = &tab[r - rsec->relocs];
		size_t sym = 0;

		if (r->sym && r->sym->index) {
			if (!sym_belongs(w->elf, r->sym))
				return error_at(w->path, base->name, r->offset,
						"relocation symbol %s is not in this object",
						r->sym->name);
			sym = w->sym_map[r->sym->index];
			if (!sym)
				return error_at(w->path, base->name, r->offset,
						"relocation to %s, which is in removed section %s",
						r->sym->name, r->sym->sec->name);
		}
		if (!arch_reloc_is_known(r->type))
			return error_at(w->path, base->name, r->offset,
					"unsupported relocation type %u", r->type);
		if (base->sh.sh_type != SHT_NOBITS &&
		    !fits(r->offset, (uint64_t)arch_reloc_width(r->type), sec_data_size(base)))
			return error_at(w->path, base->name, r->offset,
					"%s relocation beyond the end of the section",
					arch_reloc_name(r->type));
		e->r_offset = r->offset;
		e->r_info = ELF64_R_INFO(sym, r->type);
		e->r_addend = r->addend;
	}
	o->data = tab;
	o->sh.sh_size = rsec->nr_relocs * RELA_ENTSIZE;
	o->sh.sh_entsize = RELA_ENTSIZE;
	o->sh.sh_link = (Elf64_Word)w->out_symtab;
	o->sh.sh_info = (Elf64_Word)w->sec_map[base->index];
	o->sh.sh_flags |= SHF_INFO_LINK;
	if (!o->sh.sh_addralign)
		o->sh.sh_addralign = 8;
	return 0;
}

static int build_group(struct writer *w, struct out_sec *o, bool *in_group)
{
	const struct obj_section *grp = o->sec;
	size_t nr = grp->size / sizeof(Elf32_Word), n = 1;
	Elf32_Word *tab = calloc(nr, sizeof(*tab));
	size_t sig = grp->sh.sh_info;

	o->owned = tab;
	if (!tab)
		return error_sys(w->path, "cannot allocate");
	memcpy(&tab[0], grp->buf, sizeof(tab[0]));
	for (size_t i = 1; i < nr; i++) {
		Elf32_Word m;

		memcpy(&m, (char *)grp->buf + i * sizeof(m), sizeof(m));
		if (m >= w->elf->nr_sections || !w->sec_map[m])
			continue;
		tab[n++] = (Elf32_Word)w->sec_map[m];
		in_group[w->sec_map[m]] = true;
	}
	if (sig >= w->elf->nr_symbols || (sig && !w->sym_map[sig]))
		return error_obj(w->path, "group %s: its signature symbol is dropped", grp->name);
	o->data = tab;
	o->sh.sh_size = n * sizeof(*tab);
	o->sh.sh_link = (Elf64_Word)w->out_symtab;
	o->sh.sh_info = (Elf64_Word)w->sym_map[sig];
	o->sh.sh_entsize = sizeof(*tab);
	return 0;
}

/* sh_link (and sh_info with SHF_INFO_LINK) of other sections are section indexes. */
static int map_section_link(struct writer *w, struct out_sec *o, Elf64_Word *field,
			    const char *what)
{
	size_t old = *field;

	if (!old)
		return 0;
	if (old >= w->elf->nr_sections || !w->sec_map[old])
		return error_obj(w->path, "section %s: %s %zu is a removed or invalid section",
				 o->sec->name, what, old);
	*field = (Elf64_Word)w->sec_map[old];
	return 0;
}

static int build_section(struct writer *w, size_t i, bool *in_group)
{
	struct out_sec *o = &w->out[i];
	const struct obj_section *sec = o->sec;
	int64_t name;

	if (!sec) {	/* the new .symtab_shndx */
		o->sh.sh_type = SHT_SYMTAB_SHNDX;
		o->sh.sh_addralign = 4;
		o->sh.sh_entsize = sizeof(Elf32_Word);
		o->sh.sh_link = (Elf64_Word)w->out_symtab;
		name = strtab_add(w->shnames, ".symtab_shndx");
		goto named;
	}
	o->sh = sec->sh;
	name = strtab_add(w->shnames, sec->name);
	if (sec == w->elf->symtab) {
		o->sh.sh_link = (Elf64_Word)w->out_strtab;
		o->sh.sh_info = (Elf64_Word)w->first_global;
		o->sh.sh_entsize = SYM_ENTSIZE;
		if (!o->sh.sh_addralign)
			o->sh.sh_addralign = 8;
		o->sh.sh_size = w->nr_syms * SYM_ENTSIZE;
	} else if (sec == w->elf->strtab || sec == w->elf->shstrtab) {
		o->sh.sh_link = o->sh.sh_info = 0;	/* sizes set once complete */
	} else if (is_rela_sec(sec)) {
		if (build_rela(w, o))
			return -1;
	} else if (sec->sh.sh_type == SHT_GROUP) {
		if (build_group(w, o, in_group))
			return -1;
	} else {
		if (map_section_link(w, o, &o->sh.sh_link, "sh_link") ||
		    ((o->sh.sh_flags & SHF_INFO_LINK) &&
		     map_section_link(w, o, &o->sh.sh_info, "sh_info")))
			return -1;
		if (sec->sh.sh_type != SHT_NOBITS) {
			o->data = sec->buf;
			o->sh.sh_size = sec->size;
		}
	}
named:
	if (name < 0 || name > UINT32_MAX)
		return error_sys(w->path, "cannot build the section name table");
	o->sh.sh_name = (Elf64_Word)name;
	return 0;
}

static int build_sections(struct writer *w)
{
	bool *in_group = calloc(w->nr_out, sizeof(*in_group));

	if (!in_group)
		return error_sys(w->path, "cannot allocate");
	for (size_t i = 1; i < w->nr_out; i++) {
		if (build_section(w, i, in_group)) {
			free(in_group);
			return -1;
		}
	}
	/* A member whose group is gone is no longer a member. */
	for (size_t i = 1; i < w->nr_out; i++)
		if (!in_group[i])
			w->out[i].sh.sh_flags &= ~(uint64_t)SHF_GROUP;
	free(in_group);

	w->out[w->out_strtab].data = w->strtab.buf;
	w->out[w->out_strtab].sh.sh_size = w->strtab.len;
	if (w->out_shstrtab != w->out_strtab) {
		w->out[w->out_shstrtab].data = w->shstrtab.buf;
		w->out[w->out_shstrtab].sh.sh_size = w->shstrtab.len;
	}
	return 0;
}

/* File offsets: the ELF header, the contents in index order, the headers. */
static int layout(struct writer *w)
{
	uint64_t off = sizeof(Elf64_Ehdr);
	GElf_Ehdr *eh = &w->ehdr;

	for (size_t i = 1; i < w->nr_out; i++) {
		GElf_Shdr *sh = &w->out[i].sh;
		uint64_t align = sh->sh_addralign > 1 ? sh->sh_addralign : 1;

		/* sh_addralign constrains the address a loader gives the
		 * section, not its file offset: cap the padding in the file. */
		if (align > MAX_FILE_ALIGN)
			align = MAX_FILE_ALIGN;

		off = (off + align - 1) / align * align;
		sh->sh_offset = off;
		if (sh->sh_type != SHT_NOBITS)
			off += sh->sh_size;
	}
	w->shoff = (off + 7) & ~(uint64_t)7;
	*eh = w->elf->ehdr;
	eh->e_type = ET_REL;
	eh->e_phoff = 0;
	eh->e_phnum = 0;
	eh->e_phentsize = 0;
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_shentsize = SHDR_SIZE;
	eh->e_shoff = w->shoff;
	eh->e_shnum = w->nr_out < SHN_LORESERVE ? (Elf64_Half)w->nr_out : 0;
	eh->e_shstrndx = w->out_shstrtab < SHN_LORESERVE ? (Elf64_Half)w->out_shstrtab : SHN_XINDEX;
	memset(&w->out[0].sh, 0, sizeof(w->out[0].sh));
	if (w->nr_out >= SHN_LORESERVE)
		w->out[0].sh.sh_size = w->nr_out;
	if (w->out_shstrtab >= SHN_LORESERVE)
		w->out[0].sh.sh_link = (Elf64_Word)w->out_shstrtab;
	return 0;
}

static int write_zeros(FILE *f, uint64_t n)
{
	static const char zeros[4096];

	while (n) {
		size_t k = n < sizeof(zeros) ? (size_t)n : sizeof(zeros);

		if (fwrite(zeros, 1, k, f) != k)
			return -1;
		n -= k;
	}
	return 0;
}

static int write_contents(struct writer *w, FILE *f)
{
	uint64_t pos = sizeof(Elf64_Ehdr);

	if (fwrite(&w->ehdr, sizeof(w->ehdr), 1, f) != 1)
		return -1;
	for (size_t i = 1; i < w->nr_out; i++) {
		const struct out_sec *o = &w->out[i];

		if (o->sh.sh_type == SHT_NOBITS)
			continue;
		if (write_zeros(f, o->sh.sh_offset - pos))
			return -1;
		pos = o->sh.sh_offset + o->sh.sh_size;
		if (!o->sh.sh_size)
			continue;
		if (o->data ? fwrite(o->data, 1, o->sh.sh_size, f) != o->sh.sh_size
			    : write_zeros(f, o->sh.sh_size))
			return -1;
	}
	if (write_zeros(f, w->shoff - pos))
		return -1;
	for (size_t i = 0; i < w->nr_out; i++)
		if (fwrite(&w->out[i].sh, sizeof(w->out[i].sh), 1, f) != 1)
			return -1;
	return 0;
}

/* Write to "<path>.tmp.<pid>" and rename; no partial output on failure. */
static int write_file(struct writer *w, const char *path)
{
	char *tmp;
	FILE *f;
	int fd, err;

	if (asprintf(&tmp, "%s.tmp.%ld", path, (long)getpid()) < 0)
		return error_sys(path, "cannot allocate");
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		error_sys(path, "cannot create %s", tmp);
		free(tmp);
		return -1;
	}
	f = fdopen(fd, "wb");
	if (!f) {
		close(fd);
		err = error_sys(path, "cannot write");
		goto fail;
	}
	err = write_contents(w, f);
	if (err) {
		error_sys(path, "cannot write");
		fclose(f);
		goto fail;
	}
	if (fclose(f)) {
		err = error_sys(path, "cannot write");
		goto fail;
	}
	if (rename(tmp, path)) {
		err = error_sys(path, "cannot rename %s", tmp);
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	unlink(tmp);
	free(tmp);
	return err ? err : -1;
}

static void writer_free(struct writer *w)
{
	for (size_t i = 0; w->out && i < w->nr_out; i++)
		free(w->out[i].owned);
	free(w->out);
	free(w->sec_map);
	free(w->sym_map);
	free(w->syms);
	strtab_free(&w->strtab);
	strtab_free(&w->shstrtab);
}

int obj_write(struct obj *elf, const char *path)
{
	struct writer w = { .elf = elf, .path = path };
	int err = 0;

	w.sec_map = calloc(elf->nr_sections ? elf->nr_sections : 1, sizeof(*w.sec_map));
	w.sym_map = calloc(elf->nr_symbols ? elf->nr_symbols : 1, sizeof(*w.sym_map));
	if (!w.sec_map || !w.sym_map || strtab_init(&w.strtab) || strtab_init(&w.shstrtab))
		err = error_sys(path, "cannot allocate");
	w.shnames = elf->shstrtab == elf->strtab ? &w.strtab : &w.shstrtab;
	err = err ?: plan_sections(&w);
	err = err ?: plan_symbols(&w);
	err = err ?: build_symtab(&w);
	err = err ?: build_sections(&w);
	err = err ?: layout(&w);
	err = err ?: write_file(&w, path);
	writer_free(&w);
	return err;
}
