// SPDX-License-Identifier: GPL-2.0
/*
 * kpatch-lines - give a patched C file #line directives so that the code
 * below each change compiles with the line numbers it had before.
 *
 * A hunk that adds or removes lines moves every line below it, and with
 * them __LINE__ in every function below: WARN_ON(), BUG_ON(), might_sleep()
 * and printk("%d", __LINE__) put the line number into the code, so a
 * function that the patch did not touch compiles differently and looks
 * changed.  kpatch-build runs this tool on each C file (source or header)
 * it has patched: after each change, a "#line N" line says that the next
 * line is line N of the original, and the code below compiles as before.
 *
 *   kpatch-lines [-v] [-o OUT] ORIG PATCHED
 *
 * The lines of PATCHED that are also in ORIG are found with a diff of the
 * two (Myers' algorithm, linear space).  A directive goes before the first
 * line after a change that is kept from ORIG and whose number is not
 * already its original one, at a point where a directive is lexically
 * safe: the start of a line that is not inside a block comment, a string
 * or character constant, a macro definition (the previous line ends in a
 * backslash) or a parenthesis (the arguments of a multi-line macro call,
 * where a directive is undefined behaviour), and that is not #else, #elif
 * or #endif.  When the natural point is not safe, the next safe kept line
 * gets it.  A directive inside #if/#ifdef may be skipped by the
 * preprocessor: once its group ends (#else, #elif, #endif), the next safe
 * kept line gets a directive again, whatever the numbering.
 *
 * Left alone (exit 3, nothing written): files that are not .c or .h, files
 * that have a #line directive or a line marker already (generated code
 * that says where it comes from), files where no line moved.
 *
 * Exit status: 0 written (PATCHED rewritten in place, or OUT); 3 left
 * alone; 1 error (one line on stderr).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmdline.h"
#include "log.h"

#define TOOL "kpatch-lines"

#define EXIT_WRITTEN	0
#define EXIT_ERROR	1
#define EXIT_LEFT_ALONE	3

/* A file split into lines. */
struct text {
	const char *path;	/* where it was read from */
	char *buf;		/* its bytes, NUL-terminated */
	size_t size;		/* number of bytes (without the NUL) */
	size_t nr_lines;	/* number of lines (a last line without '\n' counts) */
	size_t *start;		/* offset of each line in buf; start[nr_lines] = size */
	size_t *len;		/* length of each line without its '\n' (nor '\r') */
	uint64_t *hash;		/* FNV-1a of each line's first len bytes */
};

/* What the lexer found at the start of one line of the patched file. */
struct line_facts {
	bool safe;		/* a directive may go before this line */
	bool ends_group;	/* #else, #elif or #endif: ends an #if group */
	unsigned int level;	/* number of open #if groups before this line */
	unsigned int group;	/* for ends_group: the level of the group it ends */
	bool is_line_marker;	/* #line N or # N "file" */
};

/* The lexer's state between lines. */
struct lexer {
	bool in_comment;	/* inside a block comment */
	bool in_line_comment;	/* a // comment continued by a backslash */
	char in_quote;		/* '"' or '\'' continued by a backslash, or 0 */
	bool continued;		/* the previous line ended in a backslash */
	bool in_directive;	/* the logical line is a preprocessor directive */
	unsigned int depth;	/* open parentheses and brackets of code */
	unsigned int dir_depth;	/* the same inside the current directive */
	unsigned int nr_conds;	/* open #if groups */
	unsigned int cap_conds;	/* allocated entries of conds */
	struct cond_state {
		unsigned int depth_at_if;	/* depth when the #if was seen */
		long depth_after_first;		/* depth at the end of its first group, or -1 */
	} *conds;		/* the open #if groups, innermost last */
};

/* Options of the command line. */
struct options {
	const char *orig;	/* ORIG */
	const char *patched;	/* PATCHED */
	const char *out;	/* -o OUT, or NULL: rewrite PATCHED */
	bool verbose;		/* -v: print each directive */
	bool print_map;		/* --map: print the kept lines, write nothing */
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: kpatch-lines [-v] [-o OUT] ORIG PATCHED\n"
		"\n"
		"Insert #line directives into PATCHED (a C source or header after a patch;\n"
		"ORIG is the same file before it) so that every line kept from ORIG below a\n"
		"change compiles with its line number in ORIG: __LINE__ (WARN_ON, BUG_ON,\n"
		"might_sleep, printk) is then the same in the functions the patch did not\n"
		"change.  A directive goes at the first lexically safe point after a\n"
		"change: the start of a line outside block comments, strings, macro\n"
		"definitions (backslash continuations), parentheses (multi-line macro\n"
		"calls), and not #else/#elif/#endif; after the end of an #if group that\n"
		"holds a directive, the next safe point gets one again.\n"
		"\n"
		"  -o OUT         write the result to OUT (default: rewrite PATCHED)\n"
		"  -v, --verbose  print each directive: PATCHED:LINE: #line N\n"
		"      --map      print 'PATCHED-LINE ORIG-LINE' for each kept line and\n"
		"                 write nothing (exit 3)\n"
		"  -h, --help     this text;  --version  the version\n"
		"\n"
		"Left alone: files that are not .c or .h, files with a #line directive or a\n"
		"line marker already, files in which no kept line moved.\n"
		"\n"
		"Exit status: 0 written; 3 left alone (nothing written, the reason on\n"
		"stdout); 1 error (one line on stderr).\n");
}

/* ------------------------------------------------------------------ */
/* Reading a file into lines                                           */
/* ------------------------------------------------------------------ */

static void free_text(struct text *t)
{
	free(t->buf);
	free(t->start);
	free(t->len);
	free(t->hash);
	memset(t, 0, sizeof(*t));
}

static int read_whole_file(const char *path, char **bufp, size_t *sizep)
{
	FILE *f = fopen(path, "rbe");
	char *buf = NULL;
	size_t size = 0, cap = 0, n;

	if (!f)
		return error_sys(path, "cannot open");
	do {
		if (cap - size < 65536) {
			char *grown;

			cap = cap ? cap * 2 : 65536 * 2;
			grown = realloc(buf, cap + 1);
			if (!grown) {
				free(buf);
				fclose(f);
				return error_obj(path, "out of memory");
			}
			buf = grown;
		}
		n = fread(buf + size, 1, cap - size, f);
		size += n;
	} while (n > 0);
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return error_sys(path, "cannot read");
	}
	fclose(f);
	buf[size] = '\0';
	if (memchr(buf, '\0', size)) {
		free(buf);
		return error_obj(path, "has NUL bytes: not a C file");
	}
	*bufp = buf;
	*sizep = size;
	return 0;
}

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (n--)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ull;
	return h;
}

static int read_text(const char *path, struct text *t)
{
	size_t i, nr = 0, line = 0, off = 0;

	memset(t, 0, sizeof(*t));
	t->path = path;
	if (read_whole_file(path, &t->buf, &t->size))
		return -1;
	for (i = 0; i < t->size; i++)
		if (t->buf[i] == '\n')
			nr++;
	if (t->size && t->buf[t->size - 1] != '\n')
		nr++;
	t->nr_lines = nr;
	t->start = calloc(nr + 1, sizeof(*t->start));
	t->len = calloc(nr + 1, sizeof(*t->len));
	t->hash = calloc(nr + 1, sizeof(*t->hash));
	if (!t->start || !t->len || !t->hash) {
		free_text(t);
		return error_obj(path, "out of memory");
	}
	while (line < nr) {
		const char *nl = memchr(t->buf + off, '\n', t->size - off);
		size_t end = nl ? (size_t)(nl - t->buf) : t->size;
		size_t len = end - off;

		if (len && t->buf[off + len - 1] == '\r')
			len--;
		t->start[line] = off;
		t->len[line] = len;
		t->hash[line] = hash_bytes(t->buf + off, len);
		line++;
		off = nl ? end + 1 : end;
	}
	t->start[nr] = t->size;
	return 0;
}

static const char *line_text(const struct text *t, size_t i)
{
	return t->buf + t->start[i];
}

/* ------------------------------------------------------------------ */
/* Which lines of PATCHED are kept from ORIG: Myers' diff               */
/* ------------------------------------------------------------------ */

/* The two files and, per patched line, its original line or -1. */
struct differ {
	const struct text *a;	/* ORIG */
	const struct text *b;	/* PATCHED */
	long *orig_of;		/* b line -> a line, or -1 (a changed line) */
	long *v_fwd;		/* furthest x per diagonal, forward search */
	long *v_bwd;		/* the same for the backward search */
};

static bool same_line(const struct differ *d, size_t i, size_t j)
{
	return d->a->hash[i] == d->b->hash[j] && d->a->len[i] == d->b->len[j] &&
	       !memcmp(line_text(d->a, i), line_text(d->b, j), d->a->len[i]);
}

/*
 * Find a point (x, y) on a shortest edit path of a[a0..a0+n) and
 * b[b0..b0+m) that splits it in two halves (the forward and backward
 * searches of Myers' paper meet there).  Returns false if none was found,
 * which cannot happen for n, m > 0.
 */
static bool find_split(struct differ *d, size_t a0, size_t n, size_t b0, size_t m,
		       size_t *split_x, size_t *split_y)
{
	long N = (long)n, M = (long)m, delta = N - M;
	long max_d = (N + M + 1) / 2, off = max_d, len = 2 * max_d + 2;
	bool front = delta & 1;
	long k1_lo = 0, k1_hi = 0, k2_lo = 0, k2_hi = 0, dd, k, i;

	for (i = 0; i < len; i++)
		d->v_fwd[i] = d->v_bwd[i] = -1;
	d->v_fwd[off + 1] = 0;
	d->v_bwd[off + 1] = 0;
	for (dd = 0; dd < max_d; dd++) {
		for (k = -dd + k1_lo; k <= dd - k1_hi; k += 2) {
			long x, y, ko = off + k;

			if (k == -dd || (k != dd && d->v_fwd[ko - 1] < d->v_fwd[ko + 1]))
				x = d->v_fwd[ko + 1];
			else
				x = d->v_fwd[ko - 1] + 1;
			y = x - k;
			while (x < N && y < M && same_line(d, a0 + (size_t)x, b0 + (size_t)y)) {
				x++;
				y++;
			}
			d->v_fwd[ko] = x;
			if (x > N) {
				k1_hi += 2;
			} else if (y > M) {
				k1_lo += 2;
			} else if (front) {
				long k2o = off + delta - k;

				if (k2o >= 0 && k2o < len && d->v_bwd[k2o] != -1 &&
				    x >= N - d->v_bwd[k2o]) {
					*split_x = (size_t)x;
					*split_y = (size_t)y;
					return true;
				}
			}
		}
		for (k = -dd + k2_lo; k <= dd - k2_hi; k += 2) {
			long x, y, ko = off + k;

			if (k == -dd || (k != dd && d->v_bwd[ko - 1] < d->v_bwd[ko + 1]))
				x = d->v_bwd[ko + 1];
			else
				x = d->v_bwd[ko - 1] + 1;
			y = x - k;
			while (x < N && y < M &&
			       same_line(d, a0 + (size_t)(N - x - 1), b0 + (size_t)(M - y - 1))) {
				x++;
				y++;
			}
			d->v_bwd[ko] = x;
			if (x > N) {
				k2_hi += 2;
			} else if (y > M) {
				k2_lo += 2;
			} else if (!front) {
				long k1o = off + delta - k;

				if (k1o >= 0 && k1o < len && d->v_fwd[k1o] != -1) {
					long x1 = d->v_fwd[k1o], y1 = off + x1 - k1o;

					if (x1 >= N - x) {
						*split_x = (size_t)x1;
						*split_y = (size_t)y1;
						return true;
					}
				}
			}
		}
	}
	return false;
}

/* Match the lines of a[a0..a1) and b[b0..b1) (a longest common subsequence). */
static void diff_range(struct differ *d, size_t a0, size_t a1, size_t b0, size_t b1)
{
	size_t x, y;

	while (a0 < a1 && b0 < b1 && same_line(d, a0, b0))
		d->orig_of[b0++] = (long)a0++;
	while (a0 < a1 && b0 < b1 && same_line(d, a1 - 1, b1 - 1))
		d->orig_of[--b1] = (long)--a1;
	if (a0 == a1 || b0 == b1)
		return;
	if (!find_split(d, a0, a1 - a0, b0, b1 - b0, &x, &y))
		return;
	/* a split at a corner would not make the problem smaller */
	if ((x == 0 && y == 0) || (x == a1 - a0 && y == b1 - b0))
		return;
	diff_range(d, a0, a0 + x, b0, b0 + y);
	diff_range(d, a0 + x, a1, b0 + y, b1);
}

static int map_kept_lines(const struct text *orig, const struct text *patched, long **orig_of)
{
	struct differ d = { .a = orig, .b = patched };
	size_t nv = orig->nr_lines + patched->nr_lines + 4, i;

	d.orig_of = calloc(patched->nr_lines + 1, sizeof(*d.orig_of));
	d.v_fwd = calloc(nv, sizeof(*d.v_fwd));
	d.v_bwd = calloc(nv, sizeof(*d.v_bwd));
	if (!d.orig_of || !d.v_fwd || !d.v_bwd) {
		free(d.orig_of);
		free(d.v_fwd);
		free(d.v_bwd);
		return error_obj(patched->path, "out of memory");
	}
	for (i = 0; i < patched->nr_lines; i++)
		d.orig_of[i] = -1;
	diff_range(&d, 0, orig->nr_lines, 0, patched->nr_lines);
	free(d.v_fwd);
	free(d.v_bwd);
	*orig_of = d.orig_of;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The lexer: where a directive may go                                  */
/* ------------------------------------------------------------------ */

static bool is_ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* The directive name of a line starting with '#' at @p ("" if none). */
static size_t directive_name(const char *p, const char *end, const char **name)
{
	const char *q;

	p++;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	q = p;
	while (q < end && is_ident_char(*q))
		q++;
	*name = p;
	return (size_t)(q - p);
}

static bool name_is(const char *name, size_t n, const char *word)
{
	return n == strlen(word) && !memcmp(name, word, n);
}

static int push_cond(struct lexer *lx, const char *path)
{
	if (lx->nr_conds == lx->cap_conds) {
		unsigned int cap = lx->cap_conds ? lx->cap_conds * 2 : 16;
		struct cond_state *grown = realloc(lx->conds, cap * sizeof(*grown));

		if (!grown)
			return error_obj(path, "out of memory");
		lx->conds = grown;
		lx->cap_conds = cap;
	}
	lx->conds[lx->nr_conds].depth_at_if = lx->depth;
	lx->conds[lx->nr_conds].depth_after_first = -1;
	lx->nr_conds++;
	return 0;
}

/*
 * A conditional directive.  The groups of one #if may each open or close
 * parentheses ("if (a &&" / "#else" / "if (b &&" / "#endif"): each group
 * starts at the depth of the #if, and after #endif the depth is that of
 * the end of the first group.
 */
static int lex_conditional(struct lexer *lx, struct line_facts *f, const char *name, size_t n,
			   const char *path)
{
	struct cond_state *c;

	if (name_is(name, n, "if") || name_is(name, n, "ifdef") || name_is(name, n, "ifndef"))
		return push_cond(lx, path);
	if (!lx->nr_conds)
		return 0;	/* unbalanced: the compiler will say so */
	c = &lx->conds[lx->nr_conds - 1];
	if (name_is(name, n, "elif") || name_is(name, n, "else") ||
	    name_is(name, n, "elifdef") || name_is(name, n, "elifndef")) {
		f->ends_group = true;
		f->group = lx->nr_conds;
		if (c->depth_after_first < 0)
			c->depth_after_first = lx->depth;
		lx->depth = c->depth_at_if;
	} else if (name_is(name, n, "endif")) {
		f->ends_group = true;
		f->group = lx->nr_conds;
		if (c->depth_after_first >= 0)
			lx->depth = (unsigned int)c->depth_after_first;
		lx->nr_conds--;
	}
	return 0;
}

/* Skip a string or character constant from @p (after its quote). */
static const char *skip_quoted(struct lexer *lx, const char *p, const char *end)
{
	while (p < end) {
		if (*p == '\\' && p + 1 < end) {
			p += 2;
			continue;
		}
		if (*p == lx->in_quote) {
			lx->in_quote = 0;
			return p + 1;
		}
		p++;
	}
	return end;
}

static void count_bracket(struct lexer *lx, char c)
{
	unsigned int *depth = lx->in_directive ? &lx->dir_depth : &lx->depth;

	if (c == '(' || c == '[')
		(*depth)++;
	else if ((c == ')' || c == ']') && *depth)
		(*depth)--;
}

/* Does the line end in a backslash (trailing blanks allowed, as gcc does)? */
static bool ends_in_backslash(const char *s, size_t len)
{
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return len && s[len - 1] == '\\';
}

static const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\f' || *p == '\v'))
		p++;
	return p;
}

/* Lex line @i of @t: its facts, and the state for the next line. */
static int lex_line(struct lexer *lx, const struct text *t, size_t i, struct line_facts *f)
{
	const char *p = line_text(t, i), *end = p + t->len[i], *first;
	bool continued = lx->continued;

	memset(f, 0, sizeof(*f));
	f->level = lx->nr_conds;
	first = skip_blanks(p, end);
	if (!continued) {
		lx->in_directive = false;
		lx->in_line_comment = false;
		lx->in_quote = 0;
	}
	f->safe = !continued && !lx->in_comment && lx->depth == 0 &&
		  !(first < end && *first == '(');
	if (!continued && !lx->in_comment && first < end && *first == '#') {
		const char *name;
		size_t n = directive_name(first, end, &name);

		lx->in_directive = true;
		lx->dir_depth = 0;
		if (lex_conditional(lx, f, name, n, t->path))
			return -1;
		if (f->ends_group)
			f->safe = false;
		f->is_line_marker = name_is(name, n, "line") || (n && *name >= '0' && *name <= '9');
		p = first + 1;
	}
	if (lx->in_line_comment)
		p = end;
	if (lx->in_quote)
		p = skip_quoted(lx, p, end);
	while (p < end) {
		if (lx->in_comment) {
			const char *close = memmem(p, (size_t)(end - p), "*/", 2);

			if (!close) {
				p = end;
				break;
			}
			lx->in_comment = false;
			p = close + 2;
			continue;
		}
		if (p[0] == '/' && p + 1 < end && p[1] == '*') {
			lx->in_comment = true;
			p += 2;
		} else if (p[0] == '/' && p + 1 < end && p[1] == '/') {
			lx->in_line_comment = true;
			p = end;
		} else if (*p == '"' || *p == '\'') {
			lx->in_quote = *p;
			p = skip_quoted(lx, p + 1, end);
		} else {
			count_bracket(lx, *p);
			p++;
		}
	}
	lx->continued = ends_in_backslash(line_text(t, i), t->len[i]);
	/* an unterminated constant ends with its line unless it is continued */
	if (!lx->continued) {
		lx->in_quote = 0;
		lx->in_line_comment = false;
	}
	return 0;
}

static int lex_file(const struct text *t, struct line_facts **factsp)
{
	struct lexer lx = { 0 };
	struct line_facts *facts = calloc(t->nr_lines + 1, sizeof(*facts));
	size_t i;

	if (!facts)
		return error_obj(t->path, "out of memory");
	for (i = 0; i < t->nr_lines; i++) {
		if (lex_line(&lx, t, i, &facts[i])) {
			free(facts);
			free(lx.conds);
			return -1;
		}
	}
	free(lx.conds);
	*factsp = facts;
	return 0;
}

/* Does the file have a #line directive or a line marker? */
static int has_line_marker(const struct text *t, bool *has)
{
	struct line_facts *facts;
	size_t i;

	if (lex_file(t, &facts))
		return -1;
	*has = false;
	for (i = 0; i < t->nr_lines && !*has; i++)
		*has = facts[i].is_line_marker;
	free(facts);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Placing the directives                                               */
/* ------------------------------------------------------------------ */

/*
 * directive_before[j] = N > 0: "#line N" goes before patched line j.
 * Returns the number of directives.
 *
 * Line j (0-based) of the output compiles as number base + (j - base_at)
 * after the last directive (before any: 1 + j).  A directive that was
 * placed inside an #if group (level > 0) may have been skipped: once that
 * group ends, the numbering is unknown until the next directive.
 */
static size_t place_directives(const struct text *patched, const long *orig_of,
			       const struct line_facts *facts, long *directive_before)
{
	long base = 1, base_at = 0;
	unsigned int placed_level = 0;
	bool unknown = false;
	size_t j, nr = 0;

	for (j = 0; j < patched->nr_lines; j++) {
		const struct line_facts *f = &facts[j];
		long want;

		directive_before[j] = 0;
		if (f->ends_group && nr && f->group <= placed_level) {
			unknown = true;
			continue;
		}
		if (orig_of[j] < 0 || !f->safe)
			continue;
		want = orig_of[j] + 1;
		if (!unknown && base + ((long)j - base_at) == want)
			continue;
		directive_before[j] = want;
		base = want;
		base_at = (long)j;
		placed_level = f->level;
		unknown = false;
		nr++;
	}
	return nr;
}

/* ------------------------------------------------------------------ */
/* Writing the result                                                   */
/* ------------------------------------------------------------------ */

static int write_rewritten(const struct text *patched, const long *directive_before,
			   const char *out, bool verbose)
{
	char *tmp = NULL;
	const char *dst = out;
	FILE *f;
	size_t j;
	int err = 0;

	if (!out) {
		/* in place: a temporary file next to PATCHED, then rename */
		if (asprintf(&tmp, "%s.kpatch-lines.%d", patched->path, (int)getpid()) < 0)
			return error_obj(patched->path, "out of memory");
		dst = tmp;
	}
	f = fopen(dst, "we");
	if (!f) {
		err = error_sys(dst, "cannot create");
		free(tmp);
		return err;
	}
	for (j = 0; j < patched->nr_lines; j++) {
		if (directive_before[j]) {
			fprintf(f, "#line %ld\n", directive_before[j]);
			if (verbose)
				printf("%s:%zu: #line %ld\n", patched->path, j + 1, directive_before[j]);
		}
		fwrite(line_text(patched, j), 1, patched->start[j + 1] - patched->start[j], f);
	}
	if (ferror(f) | fclose(f))
		err = error_sys(dst, "cannot write");
	if (!err && tmp) {
		struct stat st;

		if (!stat(patched->path, &st))
			chmod(tmp, st.st_mode & 07777);
		if (rename(tmp, patched->path))
			err = error_sys(patched->path, "cannot replace");
	}
	if (err && tmp)
		unlink(tmp);
	free(tmp);
	return err;
}

/* ------------------------------------------------------------------ */

static void print_map(const struct text *patched, const long *orig_of)
{
	size_t j;

	for (j = 0; j < patched->nr_lines; j++)
		if (orig_of[j] >= 0)
			printf("%zu %ld\n", j + 1, orig_of[j] + 1);
}

static bool is_c_file(const char *path)
{
	size_t n = strlen(path);

	return n > 2 && path[n - 2] == '.' && (path[n - 1] == 'c' || path[n - 1] == 'h');
}

/* Rewrite; *written tells whether anything was written. */
static int rewrite(const struct options *o, bool *written)
{
	struct text orig, patched;
	struct line_facts *facts = NULL;
	long *orig_of = NULL, *directive_before = NULL;
	bool marked_orig = false, marked_patched = false;
	size_t nr = 0;
	int err;

	*written = false;
	if (!is_c_file(o->patched)) {
		printf("%s: left alone: not a .c or .h file\n", o->patched);
		return 0;
	}
	if (read_text(o->orig, &orig))
		return -1;
	if (read_text(o->patched, &patched)) {
		free_text(&orig);
		return -1;
	}
	err = has_line_marker(&orig, &marked_orig) ?: has_line_marker(&patched, &marked_patched);
	if (!err && (marked_orig || marked_patched)) {
		printf("%s: left alone: it has #line directives or line markers already\n",
		       o->patched);
		goto out;
	}
	err = err ?: map_kept_lines(&orig, &patched, &orig_of);
	if (!err && o->print_map) {
		print_map(&patched, orig_of);
		goto out;
	}
	err = err ?: lex_file(&patched, &facts);
	if (!err) {
		directive_before = calloc(patched.nr_lines + 1, sizeof(*directive_before));
		if (!directive_before)
			err = error_obj(o->patched, "out of memory");
	}
	if (!err)
		nr = place_directives(&patched, orig_of, facts, directive_before);
	if (!err && !nr)
		printf("%s: left alone: no kept line moved\n", o->patched);
	if (!err && nr) {
		err = write_rewritten(&patched, directive_before, o->out, o->verbose);
		if (!err) {
			printf("%s: %zu #line directive%s\n", o->patched, nr, nr == 1 ? "" : "s");
			*written = true;
		}
	}
out:
	free(facts);
	free(orig_of);
	free(directive_before);
	free_text(&orig);
	free_text(&patched);
	return err;
}

static int parse_options(int argc, char **argv, struct options *o, int *exit_now)
{
	static const struct option longopts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "map", no_argument, NULL, 'm' },
		CMDLINE_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct cmdline cl = { TOOL, usage, "+vo:h", longopts, false };
	int c;

	*exit_now = -1;
	while ((c = cmdline_next(&cl, argc, argv)) >= 0) {
		if (c == 'v')
			o->verbose = true;
		else if (c == 'o')
			o->out = optarg;
		else
			o->print_map = true;
	}
	if (c == CMDLINE_EXIT)
		*exit_now = 0;
	if (c != CMDLINE_END)
		return c == CMDLINE_EXIT ? 0 : -1;
	if (argc - optind != 2)
		return error_obj(TOOL, "need ORIG and PATCHED (try --help)");
	o->orig = argv[optind];
	o->patched = argv[optind + 1];
	return 0;
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	bool written = false;
	int exit_now, err;

	log_init(TOOL);
	err = parse_options(argc, argv, &o, &exit_now);
	if (!err && exit_now >= 0)
		return exit_now;
	err = err ?: rewrite(&o, &written);
	if (fflush(stdout) && !err)
		err = error_sys("stdout", "cannot write");
	if (err) {
		log_report_error();
		return EXIT_ERROR;
	}
	return written ? EXIT_WRITTEN : EXIT_LEFT_ALONE;
}
