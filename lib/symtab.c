// SPDX-License-Identifier: GPL-2.0
/*
 * lib/symtab.c - the parent's symbol table (from ELF or readelf text),
 * FILE groups, sympos, and Module.symvers.
 *
 * One scanner reads the table in order (index 0 is the null symbol, as in
 * ELF), checks every entry and works out the FILE groups; what it keeps
 * depends on how the table was opened:
 *
 *   parent_symtab_load()  every symbol in syms[], a by-name table and every
 *                         sympos (kpatch-match, the unit tests);
 *   parent_symtab_open()  only a lookup index: symbol numbers chained by
 *                         name hash (6 bytes a symbol, 10 for text), that
 *                         lead back to the entries in the file, which
 *                         stays mapped.  A lookup reads the entries
 *                         of its name from there and works out their group
 *                         and sympos then.
 *
 * Why: pipelines run the differ once per changed object, with the whole
 * vmlinux table as the parent (34,000 symbols for a small kernel, 200,000
 * for a distribution's), and look up a few dozen names.  Copying the table
 * into memory touched for the first time (a page fault per 4 KiB, which
 * costs tens of microseconds on virtual machines) was most of a run; the
 * mapped file costs next to nothing.  Both ways share every line of the
 * parsing, so they fail on the same input with the same message, and the
 * unit tests check that they answer every lookup alike.  The text is read
 * where it lies (never copied, never written), readelf's own layout at
 * fixed columns; any other line by a general tokenizer.
 */
#include "symtab.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash.h"
#include "image.h"
#include "log.h"
#include "strpool.h"

#define for_each_parent_sym(st, s) \
	for ((s) = (st)->syms; (s) < (st)->syms + (st)->nr_syms; (s)++)

/* Where the table comes from, and the lookup index of an opened table. */
struct parent_source {
	const char *text;		/* readelf text: the whole file (mapped or read) */
	size_t text_len;		/* its length */
	bool text_mapped;		/* text is a mapping of the file, else malloc'd */
	struct image *image;		/* ELF: the file, mapped */
	struct obj_strpool *pool;	/* names copied out of the text, looked-up entries */
	char *line;			/* text: copy of the header, or of a last line
					 * that no newline ends */
	size_t line_cap;		/* bytes allocated for line */
	uint32_t *heads;		/* index: per bucket, 1 + first symbol, 0 none */
	size_t nr_heads;		/* entries of heads[] (about one per 2 symbols) */
	uint32_t *next;			/* per symbol, 1 + the next in its bucket, 0 none */
	uint32_t *name_at;		/* text: per symbol, offset of its name in text */
};

/* Would the kernel's kallsyms list it (and so count it for sympos)? */
static bool is_kallsyms_sym(const struct parent_sym *s)
{
	return s->defined && s->name[0] &&
	       (s->type == STT_FUNC || s->type == STT_OBJECT || s->type == STT_NOTYPE);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/*
 * Read all of @path (any kind of file, /dev/null included) into a
 * NUL-terminated buffer.  NULL with an error recorded on failure.
 */
static char *read_whole_file(const char *path, int fd, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf, *bigger;
	struct stat sb;
	ssize_t got;

	/* A regular file is read into a buffer of its size (+1: the NUL and EOF). */
	if (!fstat(fd, &sb) && S_ISREG(sb.st_mode) && (uint64_t)sb.st_size < SIZE_MAX / 2)
		cap = (size_t)sb.st_size + 2;
	buf = malloc(cap);
	if (!buf) {
		error_sys(path, "cannot allocate a read buffer");
		return NULL;
	}
	for (;;) {
		if (n + 1 == cap) {
			bigger = realloc(buf, cap * 2);
			if (!bigger) {
				error_sys(path, "cannot allocate a read buffer");
				goto fail;
			}
			buf = bigger;
			cap *= 2;
		}
		got = read(fd, buf + n, cap - 1 - n);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			error_sys(path, "read failed");
			goto fail;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	free(buf);
	return NULL;
}

/*
 * The whole of file @fd as text (not NUL-terminated: *@len bytes): mapped
 * when it is a regular file (nothing copied, nothing written: *@mapped),
 * else read into memory.  NULL with an error recorded on failure.
 */
static const char *map_text(const char *path, int fd, size_t *len, bool *mapped)
{
	struct stat sb;
	void *map;

	*mapped = false;
	if (!fstat(fd, &sb) && S_ISREG(sb.st_mode) && sb.st_size > 0 &&
	    (uint64_t)sb.st_size < SIZE_MAX / 2) {
		map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map != MAP_FAILED) {
			*len = (size_t)sb.st_size;
			*mapped = true;
			return map;
		}
	}
	return read_whole_file(path, fd, len);
}

static void unmap_text(const char *text, size_t len, bool mapped)
{
	if (mapped)
		munmap((void *)text, len);
	else
		free((char *)text);
}

/* ------------------------------------------------------------------ */
/* The scanner: every symbol in table order, FILE groups                */

/* State of one scan of the table. */
struct scan {
	struct parent_symtab *st;	/* table being filled */
	struct parent_source *src;	/* its source */
	bool keep_all;			/* parent_symtab_load(): fill syms[] */
	size_t syms_cap;		/* allocated entries of st->syms */
	size_t files_cap;		/* allocated entries of st->files */
	size_t cur_file;		/* FILE group being filled, 0 = none */
	size_t max_syms;		/* index: symbols next[] has room for */
	unsigned long line;		/* text: number of the current line (1-based) */
};

/* A NUL-terminated copy of the @len bytes at @s in the arena (NULL: ENOMEM). */
static const char *keep_name(struct parent_symtab *st, const char *s, size_t len)
{
	char *copy = strpool_alloc(st->src->pool, len + 1);

	if (!copy) {
		error_sys(st->path, "cannot allocate symbol names");
		return NULL;
	}
	memcpy(copy, s, len);
	copy[len] = '\0';
	return copy;
}

static int add_file_group(struct scan *sc, const char *name, size_t first)
{
	struct parent_symtab *st = sc->st;
	struct parent_file *bigger;

	if (st->nr_files == sc->files_cap) {
		sc->files_cap = sc->files_cap ? sc->files_cap * 2 : 64;
		bigger = realloc(st->files, sc->files_cap * sizeof(*bigger));
		if (!bigger)
			return error_sys(st->path, "cannot allocate %zu FILE groups", sc->files_cap);
		st->files = bigger;
	}
	st->files[st->nr_files].name = name;
	st->files[st->nr_files].first = first;
	st->files[st->nr_files].last = first;
	st->nr_files++;
	return 0;
}

/*
 * A FILE symbol starts a group; the local symbols after it belong to it
 * until the next FILE symbol or the first non-local one.  (vmlinux lists
 * all locals, grouped by FILE, before all globals.)  Sets s->file; the
 * symbol is called @name (@len bytes, copied when @copy_name).
 */
static int track_file_group(struct scan *sc, struct parent_sym *s, size_t i,
			    const char *name, size_t len, bool copy_name)
{
	struct parent_symtab *st = sc->st;

	if (s->bind != STB_LOCAL) {
		if (sc->cur_file)
			st->files[sc->cur_file].last = i;
		sc->cur_file = 0;
	} else if (s->type == STT_FILE) {
		if (sc->cur_file)
			st->files[sc->cur_file].last = i;
		if (copy_name)
			name = keep_name(st, name, len);
		if (!name || add_file_group(sc, name, i + 1))
			return -1;
		sc->cur_file = st->nr_files - 1;
	}
	s->file = (unsigned int)sc->cur_file;
	return 0;
}

static int end_file_groups(struct scan *sc)
{
	if (sc->cur_file)
		sc->st->files[sc->cur_file].last = sc->st->nr_syms;
	return 0;
}

/*
 * The index's hash of a name of @len bytes: eight bytes a step (a
 * distribution's vmlinux has 130,000 names to enter; hash_str() takes one
 * byte a step).
 */
static uint64_t hash_name_len(const char *s, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ len, w;

	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
		h ^= h >> 31;
	}
	w = 0;
	memcpy(&w, s, len);
	h = (h ^ w) * 0x94d049bb133111ebull;
	return h ^ (h >> 29);
}

static uint64_t hash_name(const char *s)
{
	return hash_name_len(s, strlen(s));
}

/* Bucket of @hash in an index of @nr (multiply-shift, any size), bits mixed first. */
static size_t bucket_of(uint64_t hash, size_t nr)
{
	hash ^= hash >> 31;
	hash *= 0xbf58476d1ce4e5b9ull;
	hash ^= hash >> 29;
	return (size_t)(((unsigned __int128)hash * nr) >> 64);
}

/*
 * Chained buckets of symbol numbers, about two symbols a bucket: a name
 * that 500 symbols share ("__func__.0") costs nothing more to enter.
 */
static int index_init(struct scan *sc, size_t nr_syms, bool from_text)
{
	struct parent_source *src = sc->st->src;

	sc->max_syms = nr_syms;
	src->nr_heads = nr_syms / 2 + 1;
	src->heads = calloc(src->nr_heads, sizeof(*src->heads));
	src->next = malloc((nr_syms ? nr_syms : 1) * sizeof(*src->next));
	if (from_text)
		src->name_at = malloc((nr_syms ? nr_syms : 1) * sizeof(*src->name_at));
	if (!src->heads || !src->next || (from_text && !src->name_at))
		return error_sys(sc->st->path, "cannot allocate the symbol index");
	return 0;
}

/* Enter symbol @i (name offset @name_at in the text) under @hash. */
static void index_add(struct scan *sc, uint64_t hash, size_t i, size_t name_at)
{
	struct parent_source *src = sc->st->src;
	uint32_t *head;

	/* More entries than the header said: the count check refuses the text. */
	if (i >= sc->max_syms)
		return;
	head = &src->heads[bucket_of(hash, src->nr_heads)];
	src->next[i] = *head;
	*head = (uint32_t)i + 1;
	if (src->name_at)
		src->name_at[i] = (uint32_t)name_at;
}

/*
 * Symbol number st->nr_syms, read and checked, called @name (@len bytes;
 * s->name is not used).  @text_name: offset of the name in the readelf
 * text (not NUL-terminated there), SIZE_MAX for ELF (@name is in the
 * mapped string table).
 */
static int scan_add(struct scan *sc, struct parent_sym *s, const char *name, size_t len,
		    size_t text_name)
{
	struct parent_symtab *st = sc->st;
	size_t i = st->nr_syms;
	bool from_text = text_name != SIZE_MAX;
	struct parent_sym *kept;

	if (track_file_group(sc, s, i, name, len, from_text))
		return -1;
	if (sc->keep_all) {
		if (i == sc->syms_cap) {
			sc->syms_cap = sc->syms_cap ? sc->syms_cap * 2 : 1024;
			kept = realloc(st->syms, sc->syms_cap * sizeof(*kept));
			if (!kept)
				return error_sys(st->path, "cannot allocate %zu symbols", sc->syms_cap);
			st->syms = kept;
		}
		kept = &st->syms[i];
		*kept = *s;
		kept->name = from_text && len ? keep_name(st, name, len) : from_text ? "" : name;
		if (!kept->name)
			return -1;
	} else if (len) {
		index_add(sc, hash_name_len(name, len), i, text_name);
	}
	st->nr_syms++;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Reading an ELF .symtab                                              */

/* Is @shndx, as stored in a symbol, a valid section reference? */
static bool is_valid_shndx(unsigned int shndx, size_t shnum)
{
	return shndx < shnum || shndx >= SHN_LORESERVE;
}

/* The parent_sym of the (already checked) ELF symbol @sym. */
static void parent_sym_from_elf(const struct image *im, const Elf64_Sym *sym,
				struct parent_sym *s)
{
	memset(s, 0, sizeof(*s));
	/* As in the readelf reader: section symbols are nameless. */
	s->name = ELF64_ST_TYPE(sym->st_info) == STT_SECTION ? "" : im->strtab + sym->st_name;
	s->value = sym->st_value;
	s->size = sym->st_size;
	s->bind = ELF64_ST_BIND(sym->st_info);
	s->type = ELF64_ST_TYPE(sym->st_info);
	s->defined = sym->st_shndx != SHN_UNDEF;
}

/* Read the .symtab of the ELF file @path; src->image keeps it mapped (the names). */
static int load_elf(struct scan *sc, const char *path)
{
	struct parent_symtab *st = sc->st;
	struct image *im = st->src->image = image_open(path);
	const Elf64_Sym *sym;
	struct parent_sym s;
	uint16_t type;

	if (!im)
		return -1;
	type = im->ehdr->e_type;
	if (type != ET_REL && type != ET_EXEC && type != ET_DYN)
		return error_obj(st->path, "unexpected ELF type %u", type);
	if (image_symbols(im))
		return -1;
	if (im->nr_syms >= UINT32_MAX)	/* more than the index can number */
		sc->keep_all = true;
	if (!sc->keep_all && index_init(sc, im->nr_syms, false))
		return -1;
	for (size_t i = 0; i < im->nr_syms; i++) {
		sym = &im->syms[i];
		if (!image_symbol_name(im, sym))
			return error_obj(st->path, "symbol %zu: name offset %u is out of the string table",
					 i, sym->st_name);
		if (!is_valid_shndx(sym->st_shndx, im->nr_sections))
			return error_obj(st->path, "symbol %zu: bad section index %u",
					 i, sym->st_shndx);
		parent_sym_from_elf(im, sym, &s);
		if (scan_add(sc, &s, s.name, strlen(s.name), SIZE_MAX))
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Reading the text of `readelf -s --wide`                             */

static const char table_header[] = "Symbol table '";

static bool is_table_header(const char *line, size_t len)
{
	return len >= sizeof(table_header) - 1 && line[0] == 'S' &&
	       !memcmp(line, table_header, sizeof(table_header) - 1);
}

static bool is_symtab_header(const char *line, size_t len)
{
	static const char symtab_header[] = "Symbol table '.symtab'";

	return len >= sizeof(symtab_header) - 1 &&
	       !memcmp(line, symtab_header, sizeof(symtab_header) - 1);
}

/*
 * Where the symbol table to read starts: the header of ".symtab" if there
 * is one, else the first header, else the start of the text (entries
 * without any header).  *@line_nr: the header's line number, 0 for none.
 */
static size_t find_wanted_table(const char *text, size_t len, unsigned long *line_nr)
{
	const char *first = NULL, *found = NULL, *p = text, *end = text + len;

	/* Headers are rare: look for their text, not at every line. */
	while ((p = memmem(p, (size_t)(end - p), table_header, sizeof(table_header) - 1))) {
		if (p == text || p[-1] == '\n') {
			if (is_symtab_header(p, (size_t)(end - p))) {
				found = p;
				break;
			}
			if (!first)
				first = p;
		}
		p += sizeof(table_header) - 1;
	}
	if (!found)
		found = first;
	if (!found) {
		*line_nr = 0;
		return 0;
	}
	*line_nr = 1;
	for (p = text; (p = memchr(p, '\n', (size_t)(found - p))); p++)
		(*line_nr)++;
	return (size_t)(found - text);
}

/*
 * Copy the line at *@pos of the text into src->line (NUL-terminated,
 * without its newline; the text itself is never written), set *@start to
 * *@pos and move *@pos past the line.  Returns 1, 0 at the end of the
 * text, -1 when out of memory (error recorded).
 */
static int copy_line(struct parent_symtab *st, size_t *pos, size_t *start)
{
	struct parent_source *src = st->src;
	const char *line = src->text + *pos, *eol;
	size_t len, rest = src->text_len - *pos;
	char *bigger;

	if (!rest)
		return 0;
	eol = memchr(line, '\n', rest);
	len = eol ? (size_t)(eol - line) : rest;
	if (len + 1 > src->line_cap) {
		bigger = realloc(src->line, (len + 1) * 2);
		if (!bigger)
			return error_sys(st->path, "cannot allocate a line buffer");
		src->line = bigger;
		src->line_cap = (len + 1) * 2;
	}
	memcpy(src->line, line, len);
	src->line[len] = '\0';
	*start = *pos;
	*pos += eol ? len + 1 : len;
	return 1;
}

/* A token of a text line: @len bytes at @p. */
struct token {
	const char *p;			/* its first byte */
	size_t len;			/* its length, 0: no token left */
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * The next space- or tab-separated token at or after *@p; *@p moves past
 * it and the one separator after it.  The line is read where it lies,
 * nothing is cut: it ends in a newline or a NUL (see entry_line()), which
 * ends the scan without a bounds check.
 */
static struct token next_token(const char **p)
{
	static const bool is_token_end[256] = {
		['\0'] = true, [' '] = true, ['\t'] = true, ['\n'] = true,
	};
	const char *s = *p;
	struct token t;

	while (is_blank(*s))
		s++;
	t.p = s;
	while (!is_token_end[(unsigned char)*s])
		s++;
	t.len = (size_t)(s - t.p);
	*p = is_blank(*s) ? s + 1 : s;
	return t;
}

/* Is @t the NUL-terminated @word? */
static bool is_token(struct token t, const char *word)
{
	return !memcmp(t.p, word, t.len) && word[t.len] == '\0';
}

/* A symbol entry looks like "   12: ..." (junk lines do not). */
static bool is_entry_line(const char *line, const char *end)
{
	while (line < end && *line == ' ')
		line++;
	if (line == end || *line < '0' || *line > '9')
		return false;
	while (line < end && *line >= '0' && *line <= '9')
		line++;
	return line < end && *line == ':';
}

/* 1 + the value of each character as a hex digit; 0 for any other character. */
static const unsigned char digit_values[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* The value of @c as a hex digit; UINT_MAX when it is none. */
static unsigned int digit_value(char c)
{
	return (unsigned int)digit_values[(unsigned char)c] - 1;
}

/*
 * The whole of @tok as an unsigned number in @base (10 or 16), as strtoull
 * takes it (base 16: an optional "0x"), without sign, space or overflow.
 * By hand: a vmlinux table has 100,000s of values and sizes to read.
 */
static bool parse_u64(struct token t, unsigned int base, uint64_t *val)
{
	const char *s = t.p, *end = t.p + t.len;
	uint64_t v = 0;
	unsigned int d;

	if (base == 16 && t.len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
	    digit_value(s[2]) < 16)
		s += 2;
	if (s == end)
		return false;
	for (; s < end; s++) {
		d = digit_value(*s);
		if (d >= base || __builtin_mul_overflow(v, base, &v) ||
		    __builtin_add_overflow(v, d, &v))
			return false;
	}
	*val = v;
	return true;
}

/* readelf prints sizes in decimal, or in hex with "0x" when they are large. */
static bool parse_size(struct token t, uint64_t *val)
{
	if (t.len >= 2 && !memcmp(t.p, "0x", 2))
		return parse_u64((struct token){ t.p + 2, t.len - 2 }, 16, val);
	return parse_u64(t, 10, val);
}

/* Names as readelf prints them, in order of the STT_* / STB_* value. */
static const char * const type_names[] = {
	[STT_NOTYPE] = "NOTYPE", [STT_OBJECT] = "OBJECT", [STT_FUNC] = "FUNC",
	[STT_SECTION] = "SECTION", [STT_FILE] = "FILE", [STT_COMMON] = "COMMON",
	[STT_TLS] = "TLS", [STT_GNU_IFUNC] = "IFUNC",
};
static const char * const bind_names[] = {
	[STB_LOCAL] = "LOCAL", [STB_GLOBAL] = "GLOBAL", [STB_WEAK] = "WEAK",
	[STB_GNU_UNIQUE] = "UNIQUE",
};

static int lookup_name(const char * const *names, size_t nr, struct token t)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		if (names[i] && t.len && names[i][0] == t.p[0] &&
		    strnlen(names[i], t.len + 1) == t.len && is_token(t, names[i]))
			return (int)i;
	}
	return -1;
}

static int text_error(struct scan *sc, const char *what, struct token t)
{
	return error_obj(sc->st->path, "line %lu: %s '%.*s'", sc->line, what,
			 (int)(t.len < 1024 ? t.len : 1024), t.p);
}

/* The name is the rest of the line; a versioned .dynsym name ends in " (N)". */
static int parse_text_name(struct scan *sc, const char *rest, const char *end,
			   struct token *name)
{
	const char *space;

	while (rest < end && is_blank(*rest))
		rest++;
	space = memchr(rest, ' ', (size_t)(end - rest));
	name->p = rest;
	name->len = (size_t)((space ? space : end) - rest);
	if (name->len >= 5 && !memcmp(rest + name->len - 5, "[...]", 5))
		return text_error(sc, "truncated symbol name (use readelf --wide)", *name);
	return 0;
}

/* The decimal number right-aligned in columns [@from, @to). */
static bool padded_number(const char *line, size_t from, size_t to, uint64_t *val)
{
	size_t i = from;

	while (i < to && line[i] == ' ')
		i++;
	return i < to && parse_u64((struct token){ line + i, to - i }, 10, val);
}

/* Which of @nr words of @len bytes (names padded with spaces) @p starts with. */
static int padded_lookup(const char *p, const char (*words)[9], int nr, size_t len)
{
	for (int i = 0; i < nr; i++)
		if (words[i][0] && !memcmp(p, words[i], len))
			return i;
	return -1;
}

/*
 * Columns 31-38, 39-45 and 46-53 of readelf's layout: the type, binding
 * and visibility padded with spaces, each with the space after it.
 * Indexed by STT_* / STB_* value.
 */
static const char fixed_types[][9] = {
	[STT_NOTYPE] = "NOTYPE  ", [STT_OBJECT] = "OBJECT  ", [STT_FUNC] = "FUNC    ",
	[STT_SECTION] = "SECTION ", [STT_FILE] = "FILE    ", [STT_COMMON] = "COMMON  ",
	[STT_TLS] = "TLS     ", [STT_GNU_IFUNC] = "IFUNC   ",
};
static const char fixed_binds[][9] = {
	[STB_LOCAL] = "LOCAL  ", [STB_GLOBAL] = "GLOBAL ", [STB_WEAK] = "WEAK   ",
	[STB_GNU_UNIQUE] = "UNIQUE ",
};
static const char fixed_vis[][9] = { "DEFAULT ", "HIDDEN  " };

/*
 * The entry as readelf lays out a 64-bit one, "%6u: %016lx %5lu %-7s %-6s
 * %-7s %4s %s": every field checked where it must be, without scanning for
 * tokens (a vmlinux table is 34,000 to 200,000 lines).  Any other line
 * (a wider number or size, notes after the visibility, a field the
 * general parser would refuse) is left to the general parser: false,
 * nothing recorded.  Where both read a line they read the same.
 */
static bool parse_fixed_entry(const char *line, const char *end, size_t want,
			      struct parent_sym *s, size_t *num_out)
{
	size_t i = 54;
	uint64_t n, v = 0, shndx;
	unsigned int d;
	int t, b;

	if (end - line < 59 || line[6] != ':' || line[7] != ' ' || line[24] != ' ' ||
	    line[30] != ' ' || line[58] != ' ')
		return false;
	if (!padded_number(line, 0, 6, &n) || (want != SIZE_MAX && n != want))
		return false;
	for (const char *p = line + 8; p < line + 24; p++) {
		d = digit_value(*p);
		if (d >= 16)
			return false;
		v = v << 4 | d;
	}
	if (!padded_number(line, 25, 30, &s->size))
		return false;
	t = padded_lookup(line + 31, fixed_types, sizeof(fixed_types) / sizeof(fixed_types[0]), 8);
	b = padded_lookup(line + 39, fixed_binds, sizeof(fixed_binds) / sizeof(fixed_binds[0]), 7);
	if (t < 0 || b < 0 || padded_lookup(line + 46, fixed_vis, 2, 8) < 0)
		return false;
	/* Ndx, right-aligned in 54-57: a section number, UND, ABS, COM... */
	while (i < 57 && line[i] == ' ')
		i++;
	for (size_t k = i; k < 58; k++)
		if (line[k] == ' ' || line[k] == '\t' || line[k] == '[')
			return false;
	if (line[i] >= '0' && line[i] <= '9' &&
	    !parse_u64((struct token){ line + i, 58 - i }, 10, &shndx))
		return false;
	if (58 - i == 2 && !memcmp(line + i, "OS", 2))
		return false;
	s->value = v;
	s->type = (unsigned char)t;
	s->bind = (unsigned char)b;
	s->defined = !(58 - i == 3 && !memcmp(line + i, "UND", 3));
	*num_out = (size_t)n;
	return true;
}

/*
 * "   Num:    Value          Size Type    Bind   Vis      Ndx Name"
 * Parse the entry [@line, @end) into @s and its name; *@end is a newline
 * or a NUL.  Its number must be @want (SIZE_MAX: any; *@num_out receives
 * it).
 */
static int parse_text_entry(struct scan *sc, const char *line, const char *end, size_t want,
			    struct parent_sym *s, struct token *name, size_t *num_out)
{
	struct token num, value, size, type, bind, vis, ndx;
	const char *p = line;
	uint64_t n;
	int t, b;

	memset(s, 0, sizeof(*s));
	s->name = "";
	if (parse_fixed_entry(line, end, want, s, num_out)) {
		if (parse_text_name(sc, line + 59, end, name))
			return -1;
		if (s->type == STT_SECTION)
			name->len = 0;
		return 0;
	}
	num = next_token(&p);
	value = next_token(&p);
	size = next_token(&p);
	type = next_token(&p);
	bind = next_token(&p);
	vis = next_token(&p);
	ndx = next_token(&p);
	/* Some architectures add "[...]" notes after the visibility. */
	while (ndx.len && ndx.p[0] == '[') {
		while (ndx.len && ndx.p[ndx.len - 1] != ']')
			ndx = next_token(&p);
		ndx = next_token(&p);
	}
	if (!vis.len || !ndx.len)
		return error_obj(sc->st->path, "line %lu: too few fields in a symbol entry", sc->line);
	num.len--;	/* the ':' */
	if (!parse_u64(num, 10, &n) || (want != SIZE_MAX && n != want))
		return text_error(sc, "bad or out of order symbol number", num);
	*num_out = (size_t)n;

	memset(s, 0, sizeof(*s));
	s->name = "";
	if (!parse_u64(value, 16, &s->value))
		return text_error(sc, "bad symbol value", value);
	if (!parse_size(size, &s->size))
		return text_error(sc, "bad symbol size", size);
	t = lookup_name(type_names, sizeof(type_names) / sizeof(type_names[0]), type);
	if (t < 0)
		return text_error(sc, "unknown symbol type", type);
	b = lookup_name(bind_names, sizeof(bind_names) / sizeof(bind_names[0]), bind);
	if (b < 0)
		return text_error(sc, "unknown symbol binding", bind);
	s->type = (unsigned char)t;
	s->bind = (unsigned char)b;
	s->defined = !is_token(ndx, "UND");
	if (ndx.p[0] >= '0' && ndx.p[0] <= '9' && !parse_u64(ndx, 10, &n))
		return text_error(sc, "bad section index", ndx);
	if (is_token(ndx, "OS") && p < end && *p == '[')	/* "OS [0xff20]" */
		next_token(&p);
	if (parse_text_name(sc, p, end, name))
		return -1;
	/* readelf shows a section symbol under its section's name; ELF has none. */
	if (s->type == STT_SECTION)
		name->len = 0;
	return 0;
}

/* The file as text, in src: see map_text(); checked for NUL bytes. */
static int get_text(struct parent_symtab *st, int fd)
{
	struct parent_source *src = st->src;

	src->text = map_text(st->path, fd, &src->text_len, &src->text_mapped);
	if (!src->text)
		return -1;
	if (memchr(src->text, '\0', src->text_len))
		return error_obj(st->path, "neither ELF nor readelf text (contains NUL bytes)");
	return 0;
}

/*
 * The line [@line, *@end) of the text as parse_text_entry() reads it: in
 * place when a newline ends it, else (the last line of the text) a
 * NUL-terminated copy; *@end is moved to the copy's end then.  NULL when
 * out of memory.
 */
static const char *entry_line(const struct parent_symtab *st, const char *line,
			      const char **end)
{
	struct parent_source *src = st->src;
	size_t pos = (size_t)(line - src->text), start;

	if (*end < src->text + src->text_len)
		return line;
	if (copy_line((struct parent_symtab *)st, &pos, &start) < 0)
		return NULL;
	*end = src->line + (*end - line);
	return src->line;
}

static int load_text(struct scan *sc, int fd)
{
	struct parent_symtab *st = sc->st;
	size_t pos, start, num, expected = SIZE_MAX;
	const char *line, *eol, *end, *text_end, *parsed;
	struct parent_source *src;
	struct parent_sym s;
	struct token name;

	if (get_text(st, fd))
		return -1;
	src = st->src;
	text_end = src->text + src->text_len;
	pos = find_wanted_table(src->text, src->text_len, &sc->line);
	if (sc->line) {
		/* "Symbol table '.symtab' contains N entries:" */
		if (copy_line(st, &pos, &start) < 0)
			return -1;
		if (sscanf(src->line, "Symbol table '%*[^']' contains %zu entr", &expected) != 1)
			expected = SIZE_MAX;
	}
	/*
	 * The index is sized from the header's count (the count check below
	 * refuses a text that lists another number of entries); a text with
	 * no count, or too large for 32-bit offsets, is kept whole.
	 */
	if (expected == SIZE_MAX || src->text_len >= UINT32_MAX)
		sc->keep_all = true;
	if (!sc->keep_all && index_init(sc, expected < src->text_len / 16 + 1 ?
					    expected : src->text_len / 16 + 1, true))
		return -1;
	/* Each line is read where it lies, up to its newline. */
	for (line = src->text + pos; line < text_end; line = eol ? eol + 1 : text_end) {
		eol = memchr(line, '\n', (size_t)(text_end - line));
		end = eol ? eol : text_end;
		sc->line++;
		if (is_table_header(line, (size_t)(end - line)))
			break;
		if (!is_entry_line(line, end))
			continue;
		parsed = entry_line(st, line, &end);
		if (!parsed || parse_text_entry(sc, parsed, end, st->nr_syms, &s, &name, &num) ||
		    scan_add(sc, &s, name.p, name.len,
			     (size_t)(line - src->text) + (size_t)(name.p - parsed)))
			return -1;
	}
	if (!st->nr_syms)
		return error_obj(st->path, "no symbols found in the readelf text");
	if (expected != SIZE_MAX && expected != st->nr_syms)
		return error_obj(st->path, "the symbol table has %zu entries, the text lists %zu (truncated?)",
				 expected, st->nr_syms);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The whole table: by-name table, sympos                              */

/* An earlier symbol of the same name as @s in the table, or NULL. */
static struct parent_sym *find_same_name(struct parent_symtab *st, const struct parent_sym *s,
					 uint64_t key)
{
	struct obj_hnode *node;
	struct parent_sym *o;

	htab_for_each(&st->by_name, key, node) {
		o = container_of(node, struct parent_sym, by_name);
		if (!strcmp(o->name, s->name))
			return o;
	}
	return NULL;
}

/* Remember @s as one of several symbols of its name (for sympos). */
static int note_dup_name(struct parent_symtab *st, struct parent_sym *s,
			 struct parent_sym ***dups, size_t *nr, size_t *cap)
{
	struct parent_sym **bigger;

	if (s->is_dup_name)
		return 0;
	s->is_dup_name = true;
	if (!is_kallsyms_sym(s))
		return 0;
	if (*nr == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		bigger = realloc(*dups, *cap * sizeof(*bigger));
		if (!bigger)
			return error_sys(st->path, "cannot allocate sympos keys");
		*dups = bigger;
	}
	(*dups)[(*nr)++] = s;
	return 0;
}

/*
 * Fill the by-name table; @dups receives the kallsyms symbols whose name
 * some other symbol has too (a few percent of vmlinux), the only ones
 * whose sympos is not 0.
 */
static int index_by_name(struct parent_symtab *st, struct parent_sym ***dups, size_t *nr_dups)
{
	struct parent_sym *s, *same;
	size_t cap = 0;
	uint64_t key;

	*dups = NULL;
	*nr_dups = 0;
	if (htab_init(&st->by_name, st->nr_syms))
		return error_sys(st->path, "cannot allocate the symbol name table");
	for_each_parent_sym(st, s) {
		if (!s->name[0])
			continue;
		key = hash_str(s->name);
		same = find_same_name(st, s, key);
		if (same && (note_dup_name(st, same, dups, nr_dups, &cap) ||
			     note_dup_name(st, s, dups, nr_dups, &cap)))
			return -1;
		if (htab_add(&st->by_name, &s->by_name, key))
			return error_sys(st->path, "cannot grow the symbol name table");
	}
	return 0;
}

/* What kallsyms orders same-named symbols by. */
struct sympos_key {
	const char *name;		/* symbol name */
	uint64_t addr;			/* st_value for vmlinux, 0 for a module */
	size_t index;			/* index in syms[] (table order) */
};

static int compare_sympos_keys(const void *a, const void *b)
{
	const struct sympos_key *ka = a, *kb = b;
	int c = strcmp(ka->name, kb->name);

	if (c)
		return c;
	if (ka->addr != kb->addr)
		return ka->addr < kb->addr ? -1 : 1;
	return ka->index < kb->index ? -1 : ka->index > kb->index;
}

/*
 * Sort the kallsyms-visible symbols of names that are not unique (@dups)
 * by (name, address or 0, index); each run of one name then lists the
 * symbols in kallsyms order.  Every other symbol keeps sympos 0.
 */
static int compute_sympos(struct parent_symtab *st, struct parent_sym **dups, size_t nr)
{
	struct sympos_key *keys;
	size_t i, j, k;

	keys = malloc((nr ? nr : 1) * sizeof(*keys));
	if (!keys)
		return error_sys(st->path, "cannot allocate sympos keys");
	for (i = 0; i < nr; i++) {
		keys[i].name = dups[i]->name;
		keys[i].addr = st->is_module ? 0 : dups[i]->value;
		keys[i].index = (size_t)(dups[i] - st->syms);
	}
	qsort(keys, nr, sizeof(*keys), compare_sympos_keys);
	for (i = 0; i < nr; i = j) {
		for (j = i + 1; j < nr && !strcmp(keys[i].name, keys[j].name); j++)
			;
		if (j - i == 1)
			continue;
		for (k = i; k < j; k++)
			st->syms[keys[k].index].sympos = (unsigned int)(k - i + 1);
	}
	free(keys);
	return 0;
}

static int index_whole_table(struct parent_symtab *st)
{
	struct parent_sym **dups = NULL;
	size_t nr_dups = 0;
	int ret = -1;

	if (!index_by_name(st, &dups, &nr_dups) && !compute_sympos(st, dups, nr_dups))
		ret = 0;
	free(dups);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Opening and freeing                                                 */

static struct parent_symtab *symtab_read(const char *path, bool is_module, bool keep_all)
{
	struct scan sc = { .keep_all = keep_all };
	struct parent_symtab *st;
	int fd, ret;

	st = calloc(1, sizeof(*st));
	if (!st || !(st->path = strdup(path)) || !(st->src = calloc(1, sizeof(*st->src))) ||
	    !(st->src->pool = strpool_new())) {
		error_sys(path, "cannot allocate a symbol table");
		parent_symtab_free(st);
		return NULL;
	}
	st->is_module = is_module;
	sc.st = st;
	if (add_file_group(&sc, "", 0))	/* files[0]: "no file" */
		goto fail;
	if (image_is_elf(path)) {
		ret = load_elf(&sc, path);
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			error_sys(path, "cannot open");
			goto fail;
		}
		ret = load_text(&sc, fd);
		close(fd);
	}
	if (ret || end_file_groups(&sc) || (sc.keep_all && index_whole_table(st)))
		goto fail;
	if (sc.keep_all) {
		/* A table kept whole answers lookups from syms[]. */
		free(st->src->heads);
		free(st->src->next);
		free(st->src->name_at);
		st->src->heads = st->src->next = st->src->name_at = NULL;
		st->src->nr_heads = 0;
	}
	return st;
fail:
	parent_symtab_free(st);
	return NULL;
}

struct parent_symtab *parent_symtab_load(const char *path, bool is_module)
{
	return symtab_read(path, is_module, true);
}

struct parent_symtab *parent_symtab_open(const char *path, bool is_module)
{
	return symtab_read(path, is_module, false);
}

void parent_symtab_free(struct parent_symtab *st)
{
	struct parent_source *src;

	if (!st)
		return;
	src = st->src;
	htab_free(&st->by_name);
	free(st->files);
	free(st->syms);
	if (src) {
		unmap_text(src->text, src->text_len, src->text_mapped);
		image_close(src->image);
		strpool_free(src->pool);
		free(src->line);
		free(src->heads);
		free(src->next);
		free(src->name_at);
		free(src);
	}
	free((char *)st->path);
	free(st);
}

/* ------------------------------------------------------------------ */
/* Lookups in the lookup index (parent_symtab_open)                    */

/* One symbol found through the index. */
struct index_hit {
	struct parent_sym sym;		/* its entry (text: name is the looked-up name) */
	size_t index;			/* its index in the table */
};

/* The walk over the bucket of one name. */
struct name_walk {
	const struct parent_symtab *st;	/* the table */
	const char *name;		/* the name looked up */
	size_t len;			/* strlen(name) */
	uint32_t next;			/* 1 + the next symbol to look at, 0 none */
};

static void walk_start(struct name_walk *w, const struct parent_symtab *st, const char *name)
{
	w->st = st;
	w->name = name;
	w->len = strlen(name);
	w->next = st->src->heads[bucket_of(hash_name(name), st->src->nr_heads)];
}

/* Does the name at @off of the text read @w->name? */
static bool is_text_name_at(const struct name_walk *w, size_t off)
{
	const struct parent_source *src = w->st->src;
	size_t end = off + w->len;

	return end <= src->text_len && !memcmp(src->text + off, w->name, w->len) &&
	       (end == src->text_len || src->text[end] == ' ' || src->text[end] == '\n');
}

/* Parse again the text entry whose name starts at @off (checked when read). */
static int text_entry_at(const struct parent_symtab *st, size_t off, struct index_hit *hit)
{
	struct parent_source *src = st->src;
	struct scan sc = { .st = (struct parent_symtab *)st };
	const char *line = src->text + off, *end, *parsed;
	struct token name;

	while (line > src->text && line[-1] != '\n')
		line--;
	end = memchr(line, '\n', src->text_len - (size_t)(line - src->text));
	if (!end)
		end = src->text + src->text_len;
	parsed = entry_line(st, line, &end);
	if (!parsed)
		return -1;
	return parse_text_entry(&sc, parsed, end, SIZE_MAX, &hit->sym, &name, &hit->index);
}

/* The next symbol called @w->name: 1 found, 0 no more, -1 error. */
static int walk_next(struct name_walk *w, struct index_hit *hit)
{
	const struct parent_source *src = w->st->src;
	const struct image *im = src->image;
	size_t i;

	while (w->next) {
		i = w->next - 1;
		w->next = src->next[i];
		if (src->text) {
			if (!is_text_name_at(w, src->name_at[i]))
				continue;
			if (text_entry_at(w->st, src->name_at[i], hit))
				return -1;
			hit->sym.name = w->name;	/* not the line copy, which changes */
		} else {
			if (strcmp(im->strtab + im->syms[i].st_name, w->name))
				continue;
			parent_sym_from_elf(im, &im->syms[i], &hit->sym);	/* name in the mapping */
			hit->index = i;
		}
		return 1;
	}
	return 0;
}

#define for_each_hit(w, st, nm, hit, ret)					\
	for (walk_start(&(w), (st), (nm)); ((ret) = walk_next(&(w), &(hit))) > 0; )

/* The FILE group of symbol @index (what track_file_group gave it). */
static unsigned int group_of_index(const struct parent_symtab *st, size_t index)
{
	size_t lo = 1, hi = st->nr_files;

	/* The last group whose FILE symbol (at first - 1) is at or before @index. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (st->files[mid].first <= index + 1)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 1)
		return 0;
	lo--;
	/* The FILE symbol itself is at first - 1 < last, its locals in [first, last). */
	return index < st->files[lo].last ? (unsigned int)lo : 0;
}

/* Is kallsyms symbol @a listed before @b (same name)? */
static bool is_kallsyms_before(const struct parent_symtab *st, const struct index_hit *a,
			       const struct index_hit *b)
{
	uint64_t aa = st->is_module ? 0 : a->sym.value, ab = st->is_module ? 0 : b->sym.value;

	return aa != ab ? aa < ab : a->index < b->index;
}

/* Fill in hit->sym.file and .sympos, as the whole table would have them. */
static int complete_hit(const struct parent_symtab *st, struct index_hit *hit)
{
	struct index_hit other;
	struct name_walk w;
	size_t count = 0, before = 0;
	int ret;

	hit->sym.file = hit->sym.bind == STB_LOCAL ? group_of_index(st, hit->index) : 0;
	hit->sym.sympos = 0;
	if (!is_kallsyms_sym(&hit->sym))
		return 0;
	for_each_hit(w, st, hit->sym.name, other, ret) {
		if (!is_kallsyms_sym(&other.sym))
			continue;
		count++;
		if (is_kallsyms_before(st, &other, hit))
			before++;
	}
	if (ret < 0)
		return -1;
	if (count > 1)
		hit->sym.sympos = (unsigned int)(before + 1);
	return 0;
}

/* A lasting copy of @hit (kept until the table is freed), or NULL. */
static const struct parent_sym *keep_hit(const struct parent_symtab *st, struct index_hit *hit)
{
	struct parent_sym *s;

	if (complete_hit(st, hit))
		return NULL;
	s = strpool_alloc(st->src->pool, sizeof(*s));
	if (!s) {
		error_sys(st->path, "cannot allocate a symbol");
		return NULL;
	}
	*s = hit->sym;
	/* ELF names stay in the mapped string table; text names are copied. */
	if (st->src->text)
		s->name = keep_name((struct parent_symtab *)st, hit->sym.name,
				    strlen(hit->sym.name));
	return s->name ? s : NULL;
}

static bool is_global_def(const struct parent_sym *s)
{
	return s->defined && (s->bind == STB_GLOBAL || s->bind == STB_WEAK);
}

static bool is_local_def(const struct parent_sym *s)
{
	return s->bind == STB_LOCAL && s->defined && s->type != STT_FILE && s->type != STT_SECTION;
}

static const struct parent_sym *index_find_global(const struct parent_symtab *st,
						  const char *name)
{
	struct index_hit hit, best = { .index = SIZE_MAX };
	struct name_walk w;
	int ret;

	for_each_hit(w, st, name, hit, ret) {
		if (is_global_def(&hit.sym) && hit.index < best.index)
			best = hit;
	}
	if (ret < 0 || best.index == SIZE_MAX)
		return NULL;
	return keep_hit(st, &best);
}

static size_t index_count_name(const struct parent_symtab *st, const char *name)
{
	struct index_hit hit;
	struct name_walk w;
	size_t n = 0;
	int ret;

	for_each_hit(w, st, name, hit, ret) {
		if (is_kallsyms_sym(&hit.sym))
			n++;
	}
	return n;
}

/* The locals named @name of group @file: how many, and the first in table order. */
static size_t index_find_locals(const struct parent_symtab *st, unsigned int file,
				const char *name, struct index_hit *first)
{
	struct index_hit hit;
	struct name_walk w;
	size_t n = 0;
	int ret;

	first->index = SIZE_MAX;
	for_each_hit(w, st, name, hit, ret) {
		if (!is_local_def(&hit.sym) || group_of_index(st, hit.index) != file)
			continue;
		n++;
		if (hit.index < first->index)
			*first = hit;
	}
	if (ret < 0)
		first->index = SIZE_MAX;
	return n;
}

/* ------------------------------------------------------------------ */
/* Lookups                                                             */

#define for_each_sym_named(st, nm, s, node)					\
	htab_for_each(&(st)->by_name, hash_str(nm), node)			\
		if (((s) = container_of(node, struct parent_sym, by_name)),	\
		    !strcmp((s)->name, (nm)))

/* Of several matches, the first in table order (chains are unordered). */
static const struct parent_sym *first_of(const struct parent_sym *a,
					 const struct parent_sym *b)
{
	return !a || b < a ? b : a;
}

const struct parent_sym *parent_find_global(const struct parent_symtab *st,
					    const char *name)
{
	const struct parent_sym *found = NULL;
	struct obj_hnode *node;
	struct parent_sym *s;

	if (st->src->heads)
		return index_find_global(st, name);
	for_each_sym_named(st, name, s, node) {
		if (is_global_def(s))
			found = first_of(found, s);
	}
	return found;
}

/* Counts what sympos counts: defined symbols that kallsyms would list. */
size_t parent_count_name(const struct parent_symtab *st, const char *name)
{
	struct obj_hnode *node;
	struct parent_sym *s;
	size_t n = 0;

	if (st->src->heads)
		return index_count_name(st, name);
	for_each_sym_named(st, name, s, node) {
		if (is_kallsyms_sym(s))
			n++;
	}
	return n;
}

const struct parent_sym *parent_find_local(const struct parent_symtab *st,
					   unsigned int file, const char *name)
{
	const struct parent_sym *found = NULL;
	struct obj_hnode *node;
	struct parent_sym *s;
	struct index_hit first;

	if (st->src->heads) {
		index_find_locals(st, file, name, &first);
		return first.index == SIZE_MAX ? NULL : keep_hit(st, &first);
	}
	for_each_sym_named(st, name, s, node) {
		if (s->file == file && is_local_def(s))
			found = first_of(found, s);
	}
	return found;
}

size_t parent_count_local(const struct parent_symtab *st, unsigned int file, const char *name)
{
	struct obj_hnode *node;
	struct parent_sym *s;
	struct index_hit first;
	size_t n = 0;

	if (st->src->heads)
		return index_find_locals(st, file, name, &first);
	for_each_sym_named(st, name, s, node) {
		if (s->file == file && is_local_def(s))
			n++;
	}
	return n;
}

/* How many of @locals group @file defines (each name counted once). */
static size_t count_group_hits(const struct parent_symtab *st, unsigned int file,
			       const char *const *locals, size_t nr_locals)
{
	struct index_hit first;
	size_t i, hits = 0;

	for (i = 0; i < nr_locals; i++) {
		if (st->src->heads ? index_find_locals(st, file, locals[i], &first) > 0 :
		    parent_find_local(st, file, locals[i]) != NULL)
			hits++;
	}
	return hits;
}

long parent_find_file_group(const struct parent_symtab *st, const char *file_name,
			    const char *const *locals, size_t nr_locals)
{
	const char *want = base_name(file_name);
	size_t f, hits, best_hits = 0;
	long best = 0, tied = 0;

	for (f = 1; f < st->nr_files; f++) {
		if (strcmp(base_name(st->files[f].name), want))
			continue;
		hits = count_group_hits(st, (unsigned int)f, locals, nr_locals);
		if (!best || hits > best_hits) {
			best = (long)f;
			best_hits = hits;
			tied = 0;
		} else if (hits == best_hits) {
			tied = (long)f;
		}
	}
	if (tied)
		return error_obj(st->path,
				 "%s: FILE groups %ld and %ld both match %zu of %zu local symbols; cannot tell which one the object came from",
				 file_name, best, tied, best_hits, nr_locals);
	return best;
}

/* ------------------------------------------------------------------ */
/* Module.symvers                                                      */

/*
 * Checked line by line where it lies (mapped, never written), and indexed
 * by name like an opened parent table: a distribution's has 25,000 lines
 * (1.7 MB) and a run looks up a few dozen names.
 */
struct symvers_source {
	const char *text;		/* the file (mapped or read) */
	size_t len;			/* its length, up to a NUL byte if any */
	size_t map_len;			/* the length mapped or allocated */
	bool mapped;			/* text is a mapping of the file */
	uint32_t *heads;		/* per bucket, 1 + first entry, 0 none */
	size_t nr_heads;		/* entries of heads[] */
	uint32_t *next;			/* per entry, 1 + the next in its bucket */
	uint32_t *name_at;		/* per entry, offset of its name in text */
	size_t cap;			/* entries next[] and name_at[] have room for */
	struct obj_strpool *pool;	/* the entries found (name, module) */
};

/* One line cut at its tabs, in place: field i is [f[i], f[i] + len[i]). */
struct symvers_line {
	const char *f[5];		/* the fields */
	size_t len[5];			/* their lengths */
	size_t n;			/* fields found; 6 when there are more than 5 */
};

/* "0xcrc\tsymbol\tmodule\tEXPORT_SYMBOL[_GPL][\tnamespace]" */
static void split_symvers_line(const char *line, size_t len, struct symvers_line *l)
{
	const char *end = line + len, *tab;

	l->n = 0;
	for (;;) {
		if (l->n == 5) {
			l->n = 6;	/* more fields than allowed */
			return;
		}
		tab = memchr(line, '\t', (size_t)(end - line));
		l->f[l->n] = line;
		l->len[l->n++] = (size_t)((tab ? tab : end) - line);
		if (!tab)
			return;
		line = tab + 1;
	}
}

static bool is_hex_crc(const char *s, size_t len)
{
	size_t i;

	if (len < 3 || len > 18 || strncmp(s, "0x", 2))
		return false;
	for (i = 2; i < len; i++)
		if (digit_value(s[i]) >= 16)
			return false;
	return true;
}

/* A field for a message (cut at 200 bytes). */
static const char *field_text(const char *f, size_t len, char *buf, size_t size)
{
	snprintf(buf, size, "%.*s", (int)(len < 200 ? len : 200), f);
	return buf;
}

static int check_symvers_line(const char *path, unsigned long nr, const struct symvers_line *l)
{
	char buf[256];

	if (l->n < 4 || l->n > 5)
		return error_obj(path, "line %lu: expected 4 or 5 tab-separated fields, found %zu",
				 nr, l->n);
	if (!is_hex_crc(l->f[0], l->len[0]))
		return error_obj(path, "line %lu: bad CRC '%s'", nr,
				 field_text(l->f[0], l->len[0], buf, sizeof(buf)));
	if (!l->len[1] || !l->len[2])
		return error_obj(path, "line %lu: empty symbol or module name", nr);
	if (l->len[3] < 13 || strncmp(l->f[3], "EXPORT_SYMBOL", 13))
		return error_obj(path, "line %lu: bad export type '%s'", nr,
				 field_text(l->f[3], l->len[3], buf, sizeof(buf)));
	return 0;
}

static int symvers_reserve(struct symvers *sv, const char *path)
{
	struct symvers_source *src = sv->src;
	size_t cap = src->cap ? src->cap * 2 : 1024;
	uint32_t *next, *name_at;

	next = realloc(src->next, cap * sizeof(*next));
	if (next)
		src->next = next;
	name_at = next ? realloc(src->name_at, cap * sizeof(*name_at)) : NULL;
	if (!name_at)
		return error_sys(path, "cannot allocate the exports");
	src->name_at = name_at;
	src->cap = cap;
	return 0;
}

/* Check every line; note where each export's name is. */
static int parse_symvers(struct symvers *sv, const char *path)
{
	struct symvers_source *src = sv->src;
	const char *line = src->text, *end = src->text + src->len, *eol;
	struct symvers_line l;
	unsigned long nr = 0;
	size_t len;

	for (; line < end; line = eol ? eol + 1 : end) {
		eol = memchr(line, '\n', (size_t)(end - line));
		len = (size_t)((eol ? eol : end) - line);
		nr++;
		if (!len)
			continue;
		split_symvers_line(line, len, &l);
		if (check_symvers_line(path, nr, &l))
			return -1;
		if (sv->nr_entries == src->cap && symvers_reserve(sv, path))
			return -1;
		src->name_at[sv->nr_entries++] = (uint32_t)(l.f[1] - src->text);
	}
	return 0;
}

/* Chain every export by the hash of its name. */
static int index_symvers(struct symvers *sv, const char *path)
{
	struct symvers_source *src = sv->src;
	const char *name;
	uint32_t *head;
	size_t i, len;

	src->nr_heads = sv->nr_entries / 2 + 1;
	src->heads = calloc(src->nr_heads, sizeof(*src->heads));
	if (!src->heads)
		return error_sys(path, "cannot allocate the export index");
	for (i = 0; i < sv->nr_entries; i++) {
		name = src->text + src->name_at[i];
		len = (size_t)((const char *)memchr(name, '\t', src->len - src->name_at[i]) - name);
		head = &src->heads[bucket_of(hash_name_len(name, len), src->nr_heads)];
		src->next[i] = *head;
		*head = (uint32_t)i + 1;
	}
	return 0;
}

struct symvers *symvers_load(const char *path)
{
	struct symvers_source *src;
	struct symvers *sv;
	int fd;

	sv = calloc(1, sizeof(*sv));
	if (!sv || !(sv->src = calloc(1, sizeof(*sv->src))) || !(sv->src->pool = strpool_new())) {
		error_sys(path, "cannot allocate the exports");
		symvers_free(sv);
		return NULL;
	}
	src = sv->src;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		error_sys(path, "cannot open");
		symvers_free(sv);
		return NULL;
	}
	src->text = map_text(path, fd, &src->map_len, &src->mapped);
	close(fd);
	if (!src->text) {
		symvers_free(sv);
		return NULL;
	}
	/* As a C string: what follows a NUL byte is not read. */
	src->len = strnlen(src->text, src->map_len);
	if (src->len >= UINT32_MAX) {
		error_obj(path, "too large for a Module.symvers (4 GiB or more)");
		symvers_free(sv);
		return NULL;
	}
	if (parse_symvers(sv, path) || index_symvers(sv, path)) {
		symvers_free(sv);
		return NULL;
	}
	return sv;
}

void symvers_free(struct symvers *sv)
{
	struct symvers_source *src;

	if (!sv)
		return;
	src = sv->src;
	if (src) {
		if (src->text)
			unmap_text(src->text, src->map_len, src->mapped);
		free(src->heads);
		free(src->next);
		free(src->name_at);
		strpool_free(src->pool);
		free(src);
	}
	free(sv);
}

/* Does the export at @i have the name @name (@len bytes)? */
static bool is_export_named(const struct symvers_source *src, size_t i, const char *name,
			    size_t len)
{
	size_t at = src->name_at[i];

	return at + len < src->len && src->text[at + len] == '\t' &&
	       !memcmp(src->text + at, name, len);
}

/* A lasting entry for export @i, called @name. */
static const struct symvers_entry *keep_export(const struct symvers *sv, size_t i,
					       const char *name, size_t len)
{
	const struct symvers_source *src = sv->src;
	const char *module = src->text + src->name_at[i] + len + 1;
	const char *end = memchr(module, '\t', src->len - (size_t)(module - src->text));
	struct symvers_entry *e = strpool_alloc(src->pool, sizeof(*e));
	char *copy = e && end ? strpool_alloc(src->pool, len + 1 + (size_t)(end - module) + 1) : NULL;

	if (!copy) {
		error_sys("Module.symvers", "cannot allocate an export");
		return NULL;
	}
	memcpy(copy, name, len + 1);
	memcpy(copy + len + 1, module, (size_t)(end - module));
	copy[len + 1 + (end - module)] = '\0';
	e->name = copy;
	e->module = copy + len + 1;
	return e;
}

const struct symvers_entry *symvers_find(const struct symvers *sv, const char *name)
{
	const struct symvers_source *src = sv->src;
	size_t len = strlen(name), found = SIZE_MAX, i;
	uint32_t v;

	if (!sv->nr_entries)
		return NULL;
	for (v = src->heads[bucket_of(hash_name(name), src->nr_heads)]; v; v = src->next[i]) {
		i = v - 1;
		if (i < found && is_export_named(src, i, name, len))
			found = i;
	}
	return found == SIZE_MAX ? NULL : keep_export(sv, found, name, len);
}

void module_name_from_path(const char *path, char *buf, size_t len)
{
	const char *base = base_name(path);
	size_t n = strlen(base), i;

	if (!len)
		return;
	if (n > 3 && !strcmp(base + n - 3, ".ko"))
		n -= 3;
	if (n >= len)
		n = len - 1;
	for (i = 0; i < n; i++)
		buf[i] = base[i] == '-' ? '_' : base[i];
	buf[n] = '\0';
}
