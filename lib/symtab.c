// SPDX-License-Identifier: GPL-2.0
/*
 * lib/symtab.c - the parent's symbol table (from ELF or readelf text),
 * FILE groups, sympos, and Module.symvers.
 *
 * Both readers fill the same array of struct parent_sym in symbol table
 * order (index 0 is the null symbol, as in ELF), then symtab_index() builds
 * everything else: FILE groups, the by-name table and every sympos.
 */
#include "symtab.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hash.h"
#include "log.h"

#define for_each_parent_sym(st, s) \
	for ((s) = (st)->syms; (s) < (st)->syms + (st)->nr_syms; (s)++)

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
	char *buf = malloc(cap), *bigger;
	ssize_t got;

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

/* ------------------------------------------------------------------ */
/* Reading an ELF .symtab                                              */

/* Find the SHT_SYMTAB section (there is at most one). */
static Elf_Scn *find_symtab_section(Elf *elf, GElf_Shdr *sh)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		if (gelf_getshdr(scn, sh) && sh->sh_type == SHT_SYMTAB)
			return scn;
	}
	return NULL;
}

/* The string table @symsh links to, checked and NUL-terminated. */
static Elf_Data *get_linked_strtab(struct parent_symtab *st, Elf *elf,
				   const GElf_Shdr *symsh)
{
	GElf_Shdr strsh;
	Elf_Scn *strscn;
	Elf_Data *data;
	size_t shnum;

	if (elf_getshdrnum(elf, &shnum)) {
		error_elf(st->path, "cannot count sections");
		return NULL;
	}
	if (symsh->sh_link == 0 || symsh->sh_link >= shnum) {
		error_obj(st->path, ".symtab links to bad section index %u", symsh->sh_link);
		return NULL;
	}
	strscn = elf_getscn(elf, symsh->sh_link);
	if (!strscn || !gelf_getshdr(strscn, &strsh)) {
		error_elf(st->path, "cannot read the .symtab string table header");
		return NULL;
	}
	if (strsh.sh_type != SHT_STRTAB) {
		error_obj(st->path, ".symtab links to section %u which is not a string table",
			  symsh->sh_link);
		return NULL;
	}
	data = elf_getdata(strscn, NULL);
	if (!data) {
		error_elf(st->path, "cannot read the .symtab string table");
		return NULL;
	}
	if (!data->d_size || !data->d_buf ||
	    ((const char *)data->d_buf)[data->d_size - 1] != '\0') {
		error_obj(st->path, "the .symtab string table is empty or not NUL-terminated");
		return NULL;
	}
	return data;
}

/* Is @shndx, as stored in a symbol, a valid section reference? */
static bool is_valid_shndx(unsigned int shndx, size_t shnum)
{
	return shndx < shnum || shndx >= SHN_LORESERVE;
}

static int read_elf_syms(struct parent_symtab *st, Elf *elf)
{
	GElf_Shdr symsh;
	Elf_Data *symdata, *strdata;
	size_t shnum, entsize, i;
	Elf_Scn *symscn;
	GElf_Sym sym;

	symscn = find_symtab_section(elf, &symsh);
	if (!symscn)
		return error_obj(st->path, "no .symtab (is the file stripped?)");
	entsize = gelf_fsize(elf, ELF_T_SYM, 1, EV_CURRENT);
	if (!entsize || symsh.sh_entsize != entsize || symsh.sh_size % entsize)
		return error_obj(st->path, ".symtab has bad entry size %llu or size %llu",
				 (unsigned long long)symsh.sh_entsize,
				 (unsigned long long)symsh.sh_size);
	strdata = get_linked_strtab(st, elf, &symsh);
	if (!strdata)
		return -1;
	symdata = elf_getdata(symscn, NULL);
	if (!symdata)
		return error_elf(st->path, "cannot read .symtab");
	if (elf_getshdrnum(elf, &shnum))
		return error_elf(st->path, "cannot count sections");

	st->nr_syms = symdata->d_size / entsize;
	st->syms = calloc(st->nr_syms ? st->nr_syms : 1, sizeof(*st->syms));
	st->text = malloc(strdata->d_size);
	if (!st->syms || !st->text)
		return error_sys(st->path, "cannot allocate %zu symbols", st->nr_syms);
	memcpy(st->text, strdata->d_buf, strdata->d_size);

	for (i = 0; i < st->nr_syms; i++) {
		struct parent_sym *s = &st->syms[i];

		if (!gelf_getsym(symdata, (int)i, &sym))
			return error_elf(st->path, "cannot read symbol %zu", i);
		if (sym.st_name >= strdata->d_size)
			return error_obj(st->path, "symbol %zu: name offset %u is out of the string table",
					 i, sym.st_name);
		if (!is_valid_shndx(sym.st_shndx, shnum))
			return error_obj(st->path, "symbol %zu: bad section index %u",
					 i, sym.st_shndx);
		/* As in the readelf reader: section symbols are nameless. */
		s->name = GELF_ST_TYPE(sym.st_info) == STT_SECTION ? "" : st->text + sym.st_name;
		s->value = sym.st_value;
		s->size = sym.st_size;
		s->bind = GELF_ST_BIND(sym.st_info);
		s->type = GELF_ST_TYPE(sym.st_info);
		s->defined = sym.st_shndx != SHN_UNDEF;
	}
	return 0;
}

static int load_elf(struct parent_symtab *st, int fd)
{
	GElf_Ehdr eh;
	Elf *elf;
	int ret = -1;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return error_elf(st->path, "libelf is out of date");
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf)
		return error_elf(st->path, "cannot open as ELF");
	if (elf_kind(elf) != ELF_K_ELF) {
		error_obj(st->path, "not an ELF file");
		goto out;
	}
	if (!gelf_getehdr(elf, &eh)) {
		error_elf(st->path, "cannot read the ELF header");
		goto out;
	}
	if (eh.e_type != ET_REL && eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
		error_obj(st->path, "unexpected ELF type %u", eh.e_type);
		goto out;
	}
	ret = read_elf_syms(st, elf);
out:
	elf_end(elf);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Reading the text of `readelf -s --wide`                             */

/* Cursor over the lines of the readelf text (modified in place). */
struct text_reader {
	struct parent_symtab *st;	/* table being filled */
	char *next;			/* start of the next unread line */
	unsigned long line;		/* number of the current line (1-based) */
	size_t cap;			/* allocated entries of st->syms */
};

static const char table_header[] = "Symbol table '";

static bool is_table_header(const char *line)
{
	return !strncmp(line, table_header, sizeof(table_header) - 1);
}

static bool is_symtab_header(const char *line)
{
	static const char symtab_header[] = "Symbol table '.symtab'";

	return !strncmp(line, symtab_header, sizeof(symtab_header) - 1);
}

/*
 * Where the symbol table to read starts: the line after the header of
 * ".symtab" if there is one, else after the first header, else the
 * start of the text (entries without any header).
 */
static char *find_wanted_table(char *text, unsigned long *line_nr)
{
	char *first = NULL, *p = text;
	unsigned long nr = 1, first_nr = 1;

	while (*p) {
		char *eol = strchr(p, '\n');

		if (is_symtab_header(p)) {
			*line_nr = nr;
			return p;
		}
		if (!first && is_table_header(p)) {
			first = p;
			first_nr = nr;
		}
		if (!eol)
			break;
		p = eol + 1;
		nr++;
	}
	*line_nr = first ? first_nr : 0;
	return first ? first : text;
}

/* Cut the next line out of the text; NULL at the end. */
static char *next_line(struct text_reader *r)
{
	char *line = r->next, *eol;

	if (!line || !*line)
		return NULL;
	eol = strchr(line, '\n');
	if (eol) {
		*eol = '\0';
		r->next = eol + 1;
	} else {
		r->next = NULL;
	}
	r->line++;
	return line;
}

/* Cut the next space-separated token out of *@p; "" when none is left. */
static char *next_token(char **p)
{
	char *s = *p, *tok;

	while (*s == ' ' || *s == '\t')
		s++;
	tok = s;
	while (*s && *s != ' ' && *s != '\t')
		s++;
	if (*s)
		*s++ = '\0';
	*p = s;
	return tok;
}

/* A symbol entry looks like "   12: ..." (junk lines do not). */
static bool is_entry_line(const char *line)
{
	while (*line == ' ')
		line++;
	if (*line < '0' || *line > '9')
		return false;
	while (*line >= '0' && *line <= '9')
		line++;
	return *line == ':';
}

static bool parse_u64(const char *tok, int base, uint64_t *val)
{
	char *end;

	if (!*tok || *tok == '-' || *tok == '+' || *tok == ' ')
		return false;
	errno = 0;
	*val = strtoull(tok, &end, base);
	return !errno && !*end;
}

/* readelf prints sizes in decimal, or in hex with "0x" when they are large. */
static bool parse_size(const char *tok, uint64_t *val)
{
	if (!strncmp(tok, "0x", 2))
		return parse_u64(tok + 2, 16, val);
	return parse_u64(tok, 10, val);
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

static int lookup_name(const char * const *names, size_t nr, const char *tok)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		if (names[i] && !strcmp(names[i], tok))
			return (int)i;
	}
	return -1;
}

static int text_error(struct text_reader *r, const char *what, const char *tok)
{
	return error_obj(r->st->path, "line %lu: %s '%s'", r->line, what, tok);
}

static struct parent_sym *text_new_sym(struct text_reader *r)
{
	struct parent_symtab *st = r->st;
	struct parent_sym *bigger;

	if (st->nr_syms == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 1024;

		bigger = realloc(st->syms, cap * sizeof(*bigger));
		if (!bigger) {
			error_sys(st->path, "cannot allocate %zu symbols", cap);
			return NULL;
		}
		st->syms = bigger;
		r->cap = cap;
	}
	bigger = &st->syms[st->nr_syms++];
	memset(bigger, 0, sizeof(*bigger));
	return bigger;
}

/* The name is the rest of the line; a versioned .dynsym name ends in " (N)". */
static int parse_text_name(struct text_reader *r, char *rest, const char **name)
{
	char *end;

	while (*rest == ' ' || *rest == '\t')
		rest++;
	end = strchr(rest, ' ');
	if (end)
		*end = '\0';
	end = rest + strlen(rest);
	if (end - rest >= 5 && !strcmp(end - 5, "[...]"))
		return text_error(r, "truncated symbol name (use readelf --wide)", rest);
	*name = rest;
	return 0;
}

/* "   Num:    Value          Size Type    Bind   Vis      Ndx Name" */
static int parse_text_entry(struct text_reader *r, char *line)
{
	char *p = line, *num, *value, *size, *type, *bind, *vis, *ndx;
	struct parent_sym *s;
	uint64_t n;
	int t, b;

	num = next_token(&p);
	value = next_token(&p);
	size = next_token(&p);
	type = next_token(&p);
	bind = next_token(&p);
	vis = next_token(&p);
	ndx = next_token(&p);
	/* Some architectures add "[...]" notes after the visibility. */
	while (ndx[0] == '[') {
		while (*ndx && ndx[strlen(ndx) - 1] != ']')
			ndx = next_token(&p);
		ndx = next_token(&p);
	}
	if (!*vis || !*ndx)
		return error_obj(r->st->path, "line %lu: too few fields in a symbol entry", r->line);
	num[strlen(num) - 1] = '\0';	/* the ':' */
	if (!parse_u64(num, 10, &n) || n != r->st->nr_syms)
		return text_error(r, "bad or out of order symbol number", num);

	s = text_new_sym(r);
	if (!s)
		return -1;
	if (!parse_u64(value, 16, &s->value))
		return text_error(r, "bad symbol value", value);
	if (!parse_size(size, &s->size))
		return text_error(r, "bad symbol size", size);
	t = lookup_name(type_names, sizeof(type_names) / sizeof(type_names[0]), type);
	if (t < 0)
		return text_error(r, "unknown symbol type", type);
	b = lookup_name(bind_names, sizeof(bind_names) / sizeof(bind_names[0]), bind);
	if (b < 0)
		return text_error(r, "unknown symbol binding", bind);
	s->type = (unsigned char)t;
	s->bind = (unsigned char)b;
	s->defined = strcmp(ndx, "UND") != 0;
	if (ndx[0] >= '0' && ndx[0] <= '9' && !parse_u64(ndx, 10, &n))
		return text_error(r, "bad section index", ndx);
	if (!strcmp(ndx, "OS") && *p == '[')	/* "OS [0xff20]" */
		next_token(&p);
	if (parse_text_name(r, p, &s->name))
		return -1;
	/* readelf shows a section symbol under its section's name; ELF has none. */
	if (s->type == STT_SECTION)
		s->name = "";
	return 0;
}

static int load_text(struct parent_symtab *st, int fd)
{
	struct text_reader r = { .st = st };
	size_t len, expected = SIZE_MAX;
	unsigned long header_line;
	char *line;

	st->text = read_whole_file(st->path, fd, &len);
	if (!st->text)
		return -1;
	if (strlen(st->text) != len)
		return error_obj(st->path, "neither ELF nor readelf text (contains NUL bytes)");
	r.next = find_wanted_table(st->text, &header_line);
	if (header_line) {
		r.line = header_line - 1;
		line = next_line(&r);	/* "Symbol table '.symtab' contains N entries:" */
		if (sscanf(line, "Symbol table '%*[^']' contains %zu entr", &expected) != 1)
			expected = SIZE_MAX;
	}
	while ((line = next_line(&r))) {
		if (is_table_header(line))
			break;
		if (is_entry_line(line) && parse_text_entry(&r, line))
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
/* FILE groups, by-name table, sympos                                  */

/*
 * A FILE symbol starts a group; the local symbols after it belong to it
 * until the next FILE symbol or the first non-local one.  (vmlinux lists
 * all locals, grouped by FILE, before all globals.)
 */
static int build_file_groups(struct parent_symtab *st)
{
	struct parent_sym *s;
	size_t nr = 1, cur = 0;

	for_each_parent_sym(st, s) {
		if (s->type == STT_FILE && s->bind == STB_LOCAL)
			nr++;
	}
	st->files = calloc(nr, sizeof(*st->files));
	if (!st->files)
		return error_sys(st->path, "cannot allocate %zu FILE groups", nr);
	st->files[0].name = "";
	st->nr_files = 1;

	for_each_parent_sym(st, s) {
		size_t i = (size_t)(s - st->syms);

		if (s->bind != STB_LOCAL) {
			if (cur)
				st->files[cur].last = i;
			cur = 0;
		} else if (s->type == STT_FILE) {
			if (cur)
				st->files[cur].last = i;
			cur = st->nr_files++;
			st->files[cur].name = s->name;
			st->files[cur].first = i + 1;
		}
		s->file = (unsigned int)cur;
	}
	if (cur)
		st->files[cur].last = st->nr_syms;
	return 0;
}

static int index_by_name(struct parent_symtab *st)
{
	struct parent_sym *s;

	if (htab_init(&st->by_name, st->nr_syms))
		return error_sys(st->path, "cannot allocate the symbol name table");
	for_each_parent_sym(st, s) {
		if (s->name[0] && htab_add(&st->by_name, &s->by_name, hash_str(s->name)))
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
 * Sort the kallsyms-visible symbols by (name, address or 0, index); each
 * run of one name then lists the symbols in kallsyms order.
 */
static int compute_sympos(struct parent_symtab *st)
{
	struct sympos_key *keys;
	size_t nr = 0, i, j, k;
	struct parent_sym *s;

	keys = malloc((st->nr_syms ? st->nr_syms : 1) * sizeof(*keys));
	if (!keys)
		return error_sys(st->path, "cannot allocate sympos keys");
	for_each_parent_sym(st, s) {
		s->sympos = 0;
		if (!is_kallsyms_sym(s))
			continue;
		keys[nr].name = s->name;
		keys[nr].addr = st->is_module ? 0 : s->value;
		keys[nr].index = (size_t)(s - st->syms);
		nr++;
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

static int symtab_index(struct parent_symtab *st)
{
	if (build_file_groups(st) || index_by_name(st) || compute_sympos(st))
		return -1;
	return 0;
}

static bool is_elf_file(int fd)
{
	unsigned char magic[SELFMAG];

	return pread(fd, magic, SELFMAG, 0) == SELFMAG && !memcmp(magic, ELFMAG, SELFMAG);
}

struct parent_symtab *parent_symtab_load(const char *path, bool is_module)
{
	struct parent_symtab *st;
	int fd, ret;

	st = calloc(1, sizeof(*st));
	if (!st || !(st->path = strdup(path))) {
		error_sys(path, "cannot allocate a symbol table");
		free(st);
		return NULL;
	}
	st->is_module = is_module;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		error_sys(path, "cannot open");
		parent_symtab_free(st);
		return NULL;
	}
	ret = is_elf_file(fd) ? load_elf(st, fd) : load_text(st, fd);
	close(fd);
	if (ret || symtab_index(st)) {
		parent_symtab_free(st);
		return NULL;
	}
	return st;
}

void parent_symtab_free(struct parent_symtab *st)
{
	if (!st)
		return;
	htab_free(&st->by_name);
	free(st->files);
	free(st->syms);
	free(st->text);
	free((char *)st->path);
	free(st);
}

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
	struct elf_hnode *node;
	struct parent_sym *s;

	for_each_sym_named(st, name, s, node) {
		if (s->defined && (s->bind == STB_GLOBAL || s->bind == STB_WEAK))
			found = first_of(found, s);
	}
	return found;
}

/* Counts what sympos counts: defined symbols that kallsyms would list. */
size_t parent_count_name(const struct parent_symtab *st, const char *name)
{
	struct elf_hnode *node;
	struct parent_sym *s;
	size_t n = 0;

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
	struct elf_hnode *node;
	struct parent_sym *s;

	for_each_sym_named(st, name, s, node) {
		if (s->file == file && s->bind == STB_LOCAL && s->defined &&
		    s->type != STT_FILE && s->type != STT_SECTION)
			found = first_of(found, s);
	}
	return found;
}

size_t parent_count_local(const struct parent_symtab *st, unsigned int file, const char *name)
{
	struct elf_hnode *node;
	struct parent_sym *s;
	size_t n = 0;

	for_each_sym_named(st, name, s, node) {
		if (s->file == file && s->bind == STB_LOCAL && s->defined &&
		    s->type != STT_FILE && s->type != STT_SECTION)
			n++;
	}
	return n;
}

/* How many of @locals group @file defines (each name counted once). */
static size_t count_group_hits(const struct parent_symtab *st, unsigned int file,
			       const char *const *locals, size_t nr_locals)
{
	size_t i, hits = 0;

	for (i = 0; i < nr_locals; i++) {
		if (parent_find_local(st, file, locals[i]))
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

/* Split @line at tabs into at most @max fields; returns the count. */
static size_t split_tabs(char *line, char **fields, size_t max)
{
	size_t n = 0;

	while (n < max) {
		char *tab = strchr(line, '\t');

		fields[n++] = line;
		if (!tab)
			return n;
		*tab = '\0';
		line = tab + 1;
	}
	return n + 1;	/* more fields than allowed */
}

static bool is_hex_crc(const char *s)
{
	size_t n;

	if (strncmp(s, "0x", 2))
		return false;
	s += 2;
	n = strspn(s, "0123456789abcdefABCDEF");
	return n && n <= 16 && !s[n];
}

/* "0xcrc\tsymbol\tmodule\tEXPORT_SYMBOL[_GPL][\tnamespace]" */
static int parse_symvers_line(struct symvers *sv, const char *path,
			      unsigned long nr, char *line)
{
	struct symvers_entry *e;
	char *f[5];
	size_t n;

	n = split_tabs(line, f, 5);
	if (n < 4 || n > 5)
		return error_obj(path, "line %lu: expected 4 or 5 tab-separated fields, found %zu",
				 nr, n);
	if (!is_hex_crc(f[0]))
		return error_obj(path, "line %lu: bad CRC '%s'", nr, f[0]);
	if (!*f[1] || !*f[2])
		return error_obj(path, "line %lu: empty symbol or module name", nr);
	if (strncmp(f[3], "EXPORT_SYMBOL", 13))
		return error_obj(path, "line %lu: bad export type '%s'", nr, f[3]);
	e = &sv->entries[sv->nr_entries++];
	e->name = f[1];
	e->module = f[2];
	return 0;
}

static size_t count_lines(const char *text)
{
	size_t n = 1;

	while ((text = strchr(text, '\n'))) {
		n++;
		text++;
	}
	return n;
}

static int parse_symvers(struct symvers *sv, const char *path)
{
	char *line = sv->text, *eol;
	unsigned long nr = 0;
	size_t i;

	sv->entries = calloc(count_lines(sv->text), sizeof(*sv->entries));
	if (!sv->entries)
		return error_sys(path, "cannot allocate the exports");
	while (line && *line) {
		eol = strchr(line, '\n');
		if (eol)
			*eol = '\0';
		nr++;
		if (*line && parse_symvers_line(sv, path, nr, line))
			return -1;
		line = eol ? eol + 1 : NULL;
	}
	if (htab_init(&sv->by_name, sv->nr_entries))
		return error_sys(path, "cannot allocate the export name table");
	for (i = 0; i < sv->nr_entries; i++) {
		if (htab_add(&sv->by_name, &sv->entries[i].by_name,
			     hash_str(sv->entries[i].name)))
			return error_sys(path, "cannot grow the export name table");
	}
	return 0;
}

struct symvers *symvers_load(const char *path)
{
	struct symvers *sv;
	size_t len;
	int fd;

	sv = calloc(1, sizeof(*sv));
	if (!sv) {
		error_sys(path, "cannot allocate the exports");
		return NULL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		error_sys(path, "cannot open");
		free(sv);
		return NULL;
	}
	sv->text = read_whole_file(path, fd, &len);
	close(fd);
	if (!sv->text || parse_symvers(sv, path)) {
		symvers_free(sv);
		return NULL;
	}
	return sv;
}

void symvers_free(struct symvers *sv)
{
	if (!sv)
		return;
	htab_free(&sv->by_name);
	free(sv->entries);
	free(sv->text);
	free(sv);
}

const struct symvers_entry *symvers_find(const struct symvers *sv, const char *name)
{
	const struct symvers_entry *found = NULL;
	struct elf_hnode *node;

	htab_for_each(&sv->by_name, hash_str(name), node) {
		const struct symvers_entry *e =
			container_of(node, struct symvers_entry, by_name);

		if (!strcmp(e->name, name) && (!found || e < found))
			found = e;
	}
	return found;
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
