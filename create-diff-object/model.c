// SPDX-License-Identifier: GPL-2.0
/*
 * model.c - what the steps share about symbols, sections and relocations:
 * the names the compiler gives (numbered clones, static locals, "special"
 * statics that are never correlated), where a relocation points, and small
 * helpers over relocation ranges and strings.  Calls lib/ only.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "log.h"
#include "model.h"

bool is_init_sec(const struct obj_section *sec)
{
	return sec && !strncmp(sec->name, ".init.", 6);
}

/* Prefixes of statics that are never correlated (sorted). */
static const char *const special_static_prefixes[] = {
	"CSWTCH",
	"_entry",
	"_entry_ptr",
	"__FUNCTION__",
	"__PRETTY_FUNCTION__",
	"__UNIQUE_ID_ddebug",
	"__already_done",
	"__func__",
	"__key",
	"__msg",
	"__once",
	"__print_once",
	"__warn_once",
	"__warned",
	"descriptor",
};

/* Is the dot-separated component starting at @s all digits? */
static bool is_number_component(const char *s)
{
	if (!isdigit((unsigned char)*s))
		return false;
	while (isdigit((unsigned char)*s))
		s++;
	return *s == '\0' || *s == '.';
}

/*
 * The variable's own name in a static local's symbol name.  gcc appends a
 * counter ("__key.12": the whole name is looked at); clang puts the
 * function first ("cdo_init.__key", "cdo_init.__key.1": what follows the
 * first dot).  A C identifier has no dot and starts with no digit, so the
 * two cannot be confused.
 */
static const char *static_var_name(const char *name)
{
	const char *dot = name[0] == '.' ? NULL : strchr(name, '.');

	return dot && dot[1] && !is_number_component(dot + 1) ? dot + 1 : name;
}

static bool has_special_prefix(const char *name)
{
	size_t i, n;

	for (i = 0; i < sizeof(special_static_prefixes) / sizeof(special_static_prefixes[0]); i++) {
		n = strlen(special_static_prefixes[i]);
		if (strncmp(name, special_static_prefixes[i], n))
			continue;
		/* "__key.12", "__key12" or "__key": not "__keyboard" */
		if (name[n] == '\0' || name[n] == '.' || isdigit((unsigned char)name[n]))
			return true;
	}
	return false;
}

bool is_special_static(const struct obj_symbol *sym)
{
	if (!is_local_sym(sym) || (sym->type != STT_OBJECT && sym->type != STT_NOTYPE))
		return false;
	if (!sym->sec)
		return false;
	/*
	 * The compiler's own labels, when the assembler keeps them: clang's
	 * .L.str.3, .L__const.foo.buf, .L__func__.foo (GNU as keeps a label
	 * that a relocation into a merged section or a difference needs).
	 */
	if (sym->name[0] == '.' && sym->name[1] == 'L')
		return true;
	return has_special_prefix(sym->name) || has_special_prefix(static_var_name(sym->name));
}

/*
 * Numbers are the compiler's counters: "x.12" -> "x.", "foo.isra.3" ->
 * "foo.isra.", and __UNIQUE_ID_<prefix><counter> loses its counter in any
 * component ("__UNIQUE_ID_ddebug12.3" -> "__UNIQUE_ID_ddebug.", clang's
 * "foo.__UNIQUE_ID_ddebug12" -> "foo.__UNIQUE_ID_ddebug").
 */
void canonical_name(const char *name, char *buf, size_t len)
{
	const char *s = name;
	size_t o = 0;

	if (!len)
		return;
	while (*s && o + 1 < len) {
		const char *end = strchrnul(s, '.');
		size_t n = (size_t)(end - s);

		if (s == name || !is_number_component(s)) {
			if (!strncmp(s, "__UNIQUE_ID_", 12))
				while (n > 12 && isdigit((unsigned char)s[n - 1]))
					n--;
			if (n > len - 1 - o)
				n = len - 1 - o;
			memcpy(buf + o, s, n);
			o += n;
		}
		s = end;
		if (*s == '.' && o + 1 < len) {
			buf[o++] = '.';
			s++;
		}
	}
	buf[o] = '\0';
}

void base_name(const char *name, char *buf, size_t len)
{
	size_t n;

	canonical_name(name, buf, len);
	n = strlen(buf);
	if (n && buf[n - 1] == '.')
		buf[n - 1] = '\0';
}

/*
 * Labels in merged sections (the assembler keeps ".LC0" for a relocation
 * into .rodata.str1.1) are numbered by the compiler in whatever order it
 * emits strings: they are compared by contents, never correlated by name.
 */
bool is_merged_data_sym(const struct obj_symbol *s)
{
	return s->sec && (s->sec->sh.sh_flags & SHF_MERGE) && !is_section_sym(s);
}

/*
 * A static local: a local OBJECT named var.N (gcc) or fn.var, fn.var.N
 * (clang).  File-scope statics have no dot in their names.
 */
bool is_static_local(const struct obj_symbol *s)
{
	return is_object_sym(s) && is_local_sym(s) && s->sec && s->name[0] != '.' &&
	       strchr(s->name, '.') && !is_merged_data_sym(s) && !is_special_static(s);
}

/*
 * Offset within the target that a relocation points at.  In code, a PC-
 * relative displacement is relative to the end of the instruction, which
 * for the common forms is the end of the 4-byte field (addend = off - 4).
 * In data (`.long 1b - .`) the addend is the offset itself.
 */
int64_t reloc_target_offset(const struct obj_reloc *r)
{
	bool in_code = r->sec && r->sec->base && is_text_sec(r->sec->base);

	return in_code && arch_reloc_is_pcrel(r->type) ? r->addend + 4 : r->addend;
}

/*
 * The named symbol a relocation points into.  A reference through a section
 * symbol is resolved to the FUNC/OBJECT covering the target offset; in code,
 * an instruction with an immediate after its displacement (`addl $1,
 * x(%rip)`) makes the estimate up to 4 bytes short, so the next bytes are
 * tried as well.
 */
struct obj_symbol *reloc_target_symbol(const struct obj_reloc *r, int64_t *addend)
{
	struct obj_symbol *s = NULL;
	int64_t off, max_adj;

	*addend = r->addend;
	if (!is_section_sym(r->sym) || !r->sym->sec)
		return r->sym;
	off = reloc_target_offset(r);
	max_adj = r->sec && r->sec->base && is_text_sec(r->sec->base) ? 4 : 0;
	for (int64_t adj = 0; adj <= max_adj && !s; adj++) {
		if (off + adj < 0)
			continue;
		s = find_symbol_covering(r->sym->sec, (uint64_t)(off + adj));
		if (!s && adj == 0)
			s = find_symbol_at(r->sym->sec, (uint64_t)off);
		if (s && is_section_sym(s))
			s = NULL;
	}
	if (!s)
		return r->sym;
	*addend = r->addend - (int64_t)s->offset;
	return s;
}

/* The NUL-terminated string at @off of string section @sec, or NULL. */
const char *string_at(const struct obj_section *sec, int64_t off)
{
	const char *buf = sec->buf;

	if (!buf || off < 0 || (uint64_t)off >= sec->size)
		return NULL;
	if (!memchr(buf + off, '\0', sec->size - (size_t)off))
		return NULL;
	return buf + off;
}

const struct obj_symbol *reloc_function(const struct obj_section *rsec, const struct obj_reloc *r)
{
	const struct obj_symbol *f = find_symbol_covering(rsec->base, r->offset);

	return f && is_func_sym(f) ? f : NULL;
}

static int cmp_reloc_offset(const void *a, const void *b)
{
	const struct obj_reloc *ra = *(struct obj_reloc *const *)a;
	const struct obj_reloc *rb = *(struct obj_reloc *const *)b;

	return ra->offset < rb->offset ? -1 : ra->offset > rb->offset;
}

int relocs_in(const struct obj_section *sec, uint64_t start, uint64_t len,
	      struct reloc_span *span)
{
	struct obj_reloc *r;

	span->relocs = NULL;
	span->nr = 0;
	if (!sec->rela)
		return 0;
	span->relocs = malloc((sec->rela->nr_relocs + 1) * sizeof(*span->relocs));
	if (!span->relocs)
		return error_obj("create-diff-object", "out of memory");
	for_each_reloc(sec->rela, r) {
		if (r->offset >= start && r->offset < start + len)
			span->relocs[span->nr++] = r;
	}
	qsort(span->relocs, span->nr, sizeof(*span->relocs), cmp_reloc_offset);
	return 0;
}

void appendf(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, len - *used, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used = *used + (size_t)n < len ? *used + (size_t)n : len - 1;
}
