// SPDX-License-Identifier: GPL-2.0
/*
 * create-klp-module - finish a linked patch module: turn the
 * struct kpatch_klp_reloc records of .kpatch.klp_relocs into the livepatch
 * relocation sections and symbols the kernel expects
 * (Documentation/livepatch/module-elf-format.rst):
 *
 *   .klp.rela.<obj>.<section>  SHT_RELA, SHF_ALLOC | SHF_INFO_LINK |
 *                              SHF_RELA_LIVEPATCH, sh_info = <section>
 *   .klp.sym.<obj>.<name>,<sympos>  STB_GLOBAL, st_shndx SHN_LIVEPATCH
 *
 *   create-klp-module [-d|--debug] [--symvers FILE]... [--object SOURCE=OBJ]...
 *                     IN.ko OUT.ko
 *
 * With --symvers it first checks the module link: every undefined symbol
 * of IN.ko must be exported (one of the Module.symvers files).  The differ
 * leaves a reference to a name that neither the parent nor the exports
 * know undefined, because another object of the same patch may define it
 * (a new function in a.c called from b.c); if none does, the kernel could
 * not load the module.  --object names the differ's outputs by their
 * source, so that the refusal says which changed files reference it.
 *
 * Why after the module link: modpost and the module link must not see the
 * livepatch symbols (modpost would call them unresolved), and the records
 * are only rewritten once the section layout of the .ko is final.
 *
 * The relocation section belongs to the object that defines the symbol,
 * because the kernel applies .klp.rela.<obj>.* only when <obj> is loaded
 * and forbids a module's section to name a vmlinux symbol
 * (klp_resolve_symbols() in kernel/livepatch/core.c).
 *
 * Exit status: 0 OUT.ko written, 1 error, 2 refused: a symbol stays
 * undefined that the kernel cannot resolve (nothing written).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "cmdline.h"
#include "elf.h"
#include "kpatch-meta.h"
#include "log.h"
#include "symtab.h"

#ifndef SHN_LIVEPATCH
#define SHN_LIVEPATCH		0xff20
#endif
#ifndef SHF_RELA_LIVEPATCH
#define SHF_RELA_LIVEPATCH	0x00100000
#endif

#define KLP_SYM_PREFIX		".klp.sym."
#define KLP_RELA_PREFIX		".klp.rela."
/* The kernel parses names with sscanf(".klp.sym.%55[^.].%511[^,],%lu"). */
#define KLP_MAX_OBJ_NAME	55
#define KLP_MAX_SYM_NAME	511

/* One decoded struct kpatch_klp_reloc record. */
struct klp_record {
	size_t index;			/* record number in .kpatch.klp_relocs */
	struct obj_section *target;	/* section the relocation patches */
	uint64_t offset;		/* where in @target */
	const char *sym_name;		/* the symbol it refers to */
	const char *obj_name;		/* "vmlinux" or the module defining it */
	int64_t addend;			/* r_addend */
	uint32_t type;			/* R_X86_64_* */
	uint32_t sympos;		/* kallsyms position, 0 = unique */
};

/* A differ output linked into the module (--object SOURCE=OBJ). */
struct patch_object {
	const char *source;		/* the changed file it came from, for messages */
	const char *path;		/* the differ's OUTPUT.o */
};

/* What the steps share. */
struct klp_ctx {
	struct obj *elf;		/* the patch module being finished */
	const char *path;		/* its file name, for messages */
	struct obj_section *records;	/* .kpatch.klp_relocs, NULL if none */
	size_t nr_converted;		/* relocations written to .klp.rela.* */
	size_t nr_symbols;		/* .klp.sym.* symbols created */
	struct symvers **symvers;	/* --symvers: the exports the kernel resolves */
	size_t nr_symvers;		/* entries in symvers[] */
	struct patch_object *objects;	/* --object: the outputs, by source */
	size_t nr_objects;		/* entries in objects[] */
};

static bool has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static bool is_livepatch_sym(const struct obj_symbol *s)
{
	return !s->sec && s->sym.st_shndx == SHN_LIVEPATCH;
}

static bool is_livepatch_rela_sec(const struct obj_section *s)
{
	return is_rela_sec(s) && (s->sh.sh_flags & SHF_RELA_LIVEPATCH);
}

/* ------------------------------------------------------------------ */
/* Checks of the input                                                 */
/* ------------------------------------------------------------------ */

/* Does .modinfo hold the NUL-terminated entry @entry ("livepatch=Y")? */
static bool modinfo_has(const struct obj *elf, const char *entry)
{
	const struct obj_section *mi = find_section_by_name(elf, ".modinfo");
	size_t len = strlen(entry) + 1;

	if (!mi || !mi->buf)
		return false;
	for (size_t off = 0; off + len <= mi->size; off++)
		if (!memcmp((const char *)mi->buf + off, entry, len) &&
		    (off == 0 || ((const char *)mi->buf)[off - 1] == '\0'))
			return true;
	return false;
}

/* The input must be a livepatch module made from kpatch metadata. */
static int check_patch_module(struct klp_ctx *ctx)
{
	const struct obj_section *funcs;

	if (ctx->elf->ehdr.e_type != ET_REL)
		return error_obj(ctx->path, "not a relocatable object (a kernel module)");
	if (!find_section_by_name(ctx->elf, ".gnu.linkonce.this_module"))
		return error_obj(ctx->path, "no .gnu.linkonce.this_module: not a linked kernel "
				 "module (run after the module link)");
	if (!modinfo_has(ctx->elf, "livepatch=Y"))
		return error_obj(ctx->path, "no livepatch=Y in .modinfo: the kernel would not "
				 "load it as a livepatch (MODULE_INFO(livepatch, \"Y\"))");
	funcs = find_section_by_name(ctx->elf, KPATCH_FUNCS_SEC);
	if (!funcs || funcs->size < sizeof(struct kpatch_func))
		return error_obj(ctx->path, "no %s records: the module replaces no function",
				 KPATCH_FUNCS_SEC);
	if (funcs->size % sizeof(struct kpatch_func))
		return error_obj(ctx->path, "%s: size %zu is not a multiple of %zu",
				 KPATCH_FUNCS_SEC, funcs->size, sizeof(struct kpatch_func));

	ctx->records = find_section_by_name(ctx->elf, KPATCH_KLP_RELOCS_SEC);
	if (!ctx->records)
		return 0;
	if (ctx->records->sh.sh_type == SHT_NOBITS ||
	    ctx->records->size % sizeof(struct kpatch_klp_reloc))
		return error_obj(ctx->path, "%s: size %zu is not a multiple of %zu",
				 KPATCH_KLP_RELOCS_SEC, ctx->records->size,
				 sizeof(struct kpatch_klp_reloc));
	if (ctx->records->size && !ctx->records->rela)
		return error_obj(ctx->path, "%s has records but no relocation section",
				 KPATCH_KLP_RELOCS_SEC);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The module link: nothing undefined that the kernel cannot resolve   */
/* ------------------------------------------------------------------ */

static bool is_exported(const struct klp_ctx *ctx, const char *name)
{
	for (size_t i = 0; i < ctx->nr_symvers; i++)
		if (symvers_find(ctx->symvers[i], name))
			return true;
	return false;
}

/* An undefined symbol the module loader would fail on (a weak one is 0). */
static bool is_unresolved_sym(const struct klp_ctx *ctx, const struct obj_symbol *s)
{
	return is_undef_sym(s) && *s->name && s->bind != STB_WEAK && !is_livepatch_sym(s) &&
	       !is_exported(ctx, s->name);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Does the object at @path have an undefined symbol @name? */
static int object_references(const char *path, const char *name, bool *refs)
{
	struct obj *obj = obj_open_read(path);
	struct obj_symbol *s;

	if (!obj)
		return -1;
	s = find_symbol_by_name(obj, name);
	*refs = s && is_undef_sym(s);
	obj_close(obj);
	return 0;
}

/* "a.c", "a.c and b.c", "a.c, b.c and c.c": the objects that reference @name. */
static int referencing_sources(struct klp_ctx *ctx, const char *name, char *buf, size_t len)
{
	size_t n = 0, at = 0;
	const char **found;

	buf[0] = '\0';
	found = calloc(ctx->nr_objects + 1, sizeof(*found));
	if (!found)
		return error_sys(ctx->path, "cannot allocate");
	for (size_t i = 0; i < ctx->nr_objects; i++) {
		bool refs;

		if (object_references(ctx->objects[i].path, name, &refs)) {
			free(found);
			return -1;
		}
		if (refs)
			found[n++] = ctx->objects[i].source;
	}
	for (size_t i = 0; i < n && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%s",
				       i == 0 ? "" : i + 1 == n ? " and " : ", ", found[i]);
	if (!n)
		snprintf(buf, len, ctx->nr_objects ? "the module's own code (none of its --object files)"
						    : "the module");
	free(found);
	return 0;
}

/*
 * Every undefined symbol of the linked module must be one the module
 * loader resolves: an export.  Refuse (exit 2) naming the first one in name
 * order, every changed file that references it, and how many others there
 * are.
 */
static int check_link(struct klp_ctx *ctx)
{
	const char **names;
	struct obj_symbol *s;
	char refs[512], more[256] = "";
	size_t n = 0;
	int ret = 0;

	if (!ctx->nr_symvers)
		return 0;
	names = calloc(ctx->elf->nr_symbols + 1, sizeof(*names));
	if (!names)
		return error_sys(ctx->path, "cannot allocate");
	for_each_sym(ctx->elf, s)
		if (is_unresolved_sym(ctx, s))
			names[n++] = s->name;
	if (!n)
		goto out;
	qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 1, at = 0; i < n && at < sizeof(more); i++)
		at += (size_t)snprintf(more + at, sizeof(more) - at, "%s%s",
				       i == 1 ? "; also undefined: " : ", ", names[i]);
	ret = referencing_sources(ctx, names[0], refs, sizeof(refs));
	if (!ret)
		ret = refuse_obj(ctx->path, "%s: undefined symbol, referenced by %s, is neither "
				 "exported by the kernel (Module.symvers) nor defined by the patch, "
				 "so the kernel cannot load the module: define it in one of the "
				 "patched files or call an exported function instead%s",
				 names[0], refs, more);
out:
	free(names);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Decoding the records                                                */
/* ------------------------------------------------------------------ */

/* The R_X86_64_64 relocation that fills the u64 field at @off of the records. */
static struct obj_reloc *field_reloc(struct klp_ctx *ctx, size_t index, uint64_t off,
				     const char *field)
{
	struct obj_reloc *r = find_reloc_by_offset(ctx->elf, ctx->records, off);

	if (!r) {
		error_at(ctx->path, KPATCH_KLP_RELOCS_SEC, off,
			 "record %zu: field %s has no relocation", index, field);
		return NULL;
	}
	if (r->type != R_X86_64_64 || !r->sym || !r->sym->sec) {
		error_at(ctx->path, KPATCH_KLP_RELOCS_SEC, off,
			 "record %zu: field %s: expected R_X86_64_64 to a defined symbol, "
			 "found %s to %s", index, field,
			 arch_reloc_name(r->type) ? arch_reloc_name(r->type) : "unknown type",
			 r->sym && *r->sym->name ? r->sym->name : "an undefined symbol");
		return NULL;
	}
	return r;
}

/* Where a relocation points: section and offset (symbol value + addend). */
static int reloc_place(const struct obj_reloc *r, struct obj_section **sec, uint64_t *off)
{
	int64_t at = (int64_t)r->sym->offset + r->addend;

	if (at < 0)
		return -1;
	*sec = r->sym->sec;
	*off = (uint64_t)at;
	return 0;
}

/* The NUL-terminated string the u64 field at @off of the records points to. */
static const char *field_string(struct klp_ctx *ctx, size_t index, uint64_t off,
				const char *field)
{
	struct obj_reloc *r = field_reloc(ctx, index, off, field);
	struct obj_section *sec;
	uint64_t at;
	const char *s;

	if (!r)
		return NULL;
	if (reloc_place(r, &sec, &at) || !sec->buf || at >= sec->size) {
		error_at(ctx->path, KPATCH_KLP_RELOCS_SEC, off,
			 "record %zu: field %s points outside section %s", index, field,
			 r->sym->sec->name);
		return NULL;
	}
	s = (const char *)sec->buf + at;
	if (!memchr(s, '\0', sec->size - at)) {
		error_at(ctx->path, KPATCH_KLP_RELOCS_SEC, off,
			 "record %zu: field %s: string in %s is not NUL-terminated",
			 index, field, sec->name);
		return NULL;
	}
	return s;
}

/* Names must survive the kernel's sscanf() of .klp.sym.<obj>.<name>,<pos>. */
static int check_record_names(struct klp_ctx *ctx, const struct klp_record *rec)
{
	size_t olen = strlen(rec->obj_name), slen = strlen(rec->sym_name);

	if (!olen || olen > KLP_MAX_OBJ_NAME || strchr(rec->obj_name, '.'))
		return error_obj(ctx->path, "record %zu: object name '%s' is empty, longer than "
				 "%d or has a '.'", rec->index, rec->obj_name, KLP_MAX_OBJ_NAME);
	if (!slen || slen > KLP_MAX_SYM_NAME || strchr(rec->sym_name, ','))
		return error_obj(ctx->path, "record %zu: symbol name '%s' is empty, longer than "
				 "%d or has a ','", rec->index, rec->sym_name, KLP_MAX_SYM_NAME);
	return 0;
}

/* The place must be inside an allocated section, unrelocated and zero. */
static int check_record_place(struct klp_ctx *ctx, const struct klp_record *rec)
{
	const struct obj_section *t = rec->target;
	int width = arch_reloc_width(rec->type);
	const struct obj_reloc *other;

	if (!arch_reloc_is_known(rec->type) || width <= 0)
		return error_obj(ctx->path, "record %zu (%s): unsupported relocation type %u",
				 rec->index, rec->sym_name, rec->type);
	/* apply_relocations() skips relocation sections of non-SHF_ALLOC targets */
	if (!is_alloc_sec(t) || t->sh.sh_type == SHT_NOBITS || !t->buf)
		return error_at(ctx->path, t->name, rec->offset,
				"record %zu (%s): target section is not allocated program data",
				rec->index, rec->sym_name);
	if (rec->offset > t->size || (uint64_t)width > t->size - rec->offset)
		return error_at(ctx->path, t->name, rec->offset,
				"record %zu (%s): %s relocation beyond the end of the section",
				rec->index, rec->sym_name, arch_reloc_name(rec->type));
	/* the ordinary .rela of the target, then any section (other records) */
	other = find_reloc_in_range(ctx->elf, t, rec->offset, (uint64_t)width);
	if (!other)
		other = find_reloc_by_offset(ctx->elf, t, rec->offset);
	if (other)
		return error_at(ctx->path, t->name, other->offset,
				"record %zu (%s): the place already has a relocation (to %s in %s)",
				rec->index, rec->sym_name,
				*other->sym->name ? other->sym->name : "a section",
				other->sec->name);
	/* x86 apply_relocate_add() refuses a place whose bytes are not zero */
	for (int i = 0; i < width; i++)
		if (((const unsigned char *)t->buf)[rec->offset + (uint64_t)i])
			return error_at(ctx->path, t->name, rec->offset,
					"record %zu (%s): the place holds nonzero bytes",
					rec->index, rec->sym_name);
	return 0;
}

static int decode_record(struct klp_ctx *ctx, size_t index, struct klp_record *rec)
{
	uint64_t base = index * sizeof(struct kpatch_klp_reloc);
	struct kpatch_klp_reloc raw;
	struct obj_reloc *dest;

	memcpy(&raw, (const char *)ctx->records->buf + base, sizeof(raw));
	memset(rec, 0, sizeof(*rec));
	rec->index = index;
	rec->addend = raw.addend;
	rec->type = raw.type;
	rec->sympos = raw.sympos;

	dest = field_reloc(ctx, index, base + offsetof(struct kpatch_klp_reloc, dest), "dest");
	if (!dest)
		return -1;
	if (reloc_place(dest, &rec->target, &rec->offset))
		return error_at(ctx->path, KPATCH_KLP_RELOCS_SEC, base,
				"record %zu: dest points before section %s", index,
				dest->sym->sec->name);
	rec->sym_name = field_string(ctx, index,
				     base + offsetof(struct kpatch_klp_reloc, sym_name), "sym_name");
	if (!rec->sym_name)
		return -1;
	rec->obj_name = field_string(ctx, index,
				     base + offsetof(struct kpatch_klp_reloc, obj_name), "obj_name");
	if (!rec->obj_name)
		return -1;
	return check_record_names(ctx, rec) ?: check_record_place(ctx, rec);
}

/* ------------------------------------------------------------------ */
/* Writing .klp.sym symbols and .klp.rela sections                     */
/* ------------------------------------------------------------------ */

/* The symbol .klp.sym.<obj>.<name>,<sympos>, created on first use. */
static struct obj_symbol *klp_symbol(struct klp_ctx *ctx, const struct klp_record *rec)
{
	struct obj_symbol *sym;
	char *name;

	if (asprintf(&name, KLP_SYM_PREFIX "%s.%s,%u", rec->obj_name, rec->sym_name,
		     rec->sympos) < 0) {
		error_sys(ctx->path, "cannot allocate");
		return NULL;
	}
	sym = find_symbol_by_name(ctx->elf, name);
	if (sym && !is_livepatch_sym(sym)) {
		error_obj(ctx->path, "symbol %s exists and is not a livepatch symbol", name);
		sym = NULL;
	} else if (!sym) {
		sym = obj_add_symbol(ctx->elf, name, STB_GLOBAL, STT_NOTYPE, NULL, 0, 0);
		if (sym) {
			sym->sym.st_shndx = SHN_LIVEPATCH;
			ctx->nr_symbols++;
			debug("symbol %s", name);
		}
	}
	free(name);
	return sym;
}

/* The section .klp.rela.<obj>.<target>, created on first use. */
static struct obj_section *klp_rela_section(struct klp_ctx *ctx, const struct klp_record *rec)
{
	GElf_Shdr sh = {
		.sh_type = SHT_RELA,
		.sh_flags = SHF_ALLOC | SHF_INFO_LINK | SHF_RELA_LIVEPATCH,
		.sh_addralign = 8,
		.sh_entsize = sizeof(Elf64_Rela),
		.sh_link = ctx->elf->symtab->index,
		.sh_info = rec->target->index,
	};
	struct obj_section *rsec;
	char *name;

	if (asprintf(&name, KLP_RELA_PREFIX "%s.%s", rec->obj_name, rec->target->name) < 0) {
		error_sys(ctx->path, "cannot allocate");
		return NULL;
	}
	rsec = find_section_by_name(ctx->elf, name);
	if (rsec && (!is_livepatch_rela_sec(rsec) || rsec->base != rec->target)) {
		error_obj(ctx->path, "section %s exists and is not the livepatch relocation "
			  "section of %s", name, rec->target->name);
		rsec = NULL;
	} else if (!rsec) {
		rsec = obj_add_section(ctx->elf, name, &sh, NULL, 0);
		if (rsec)
			debug("section %s", name);
	}
	free(name);
	return rsec;
}

static int convert_record(struct klp_ctx *ctx, const struct klp_record *rec)
{
	struct obj_section *rsec = klp_rela_section(ctx, rec);
	struct obj_symbol *sym = rsec ? klp_symbol(ctx, rec) : NULL;

	if (!sym)
		return -1;
	if (!obj_rela_add_reloc(ctx->elf, rsec, rec->offset, rec->type, sym, rec->addend))
		return -1;
	debug("%s+0x%llx: %s %s%+lld", rec->target->name, (unsigned long long)rec->offset,
	      arch_reloc_name(rec->type), sym->name, (long long)rec->addend);
	ctx->nr_converted++;
	return 0;
}

static int convert_records(struct klp_ctx *ctx)
{
	size_t nr;

	if (!ctx->records)
		return 0;
	nr = ctx->records->size / sizeof(struct kpatch_klp_reloc);
	for (size_t i = 0; i < nr; i++) {
		struct klp_record rec;

		if (decode_record(ctx, i, &rec) || convert_record(ctx, &rec))
			return -1;
	}
	obj_remove_section(ctx->elf, ctx->records);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Checks of the result                                                */
/* ------------------------------------------------------------------ */

/* Every .klp.* symbol is a livepatch symbol and every livepatch symbol is
 * used by livepatch relocation sections only: an ordinary relocation to one
 * would be applied by the module loader with the value 0. */
static int check_symbols(struct klp_ctx *ctx)
{
	struct obj_symbol *s;
	struct obj_section *sec;
	struct obj_reloc *r;

	for_each_sym(ctx->elf, s) {
		if (is_livepatch_sym(s) && !has_prefix(s->name, KLP_SYM_PREFIX))
			return error_obj(ctx->path, "livepatch symbol %s lacks the %s prefix",
					 s->name, KLP_SYM_PREFIX);
		if (has_prefix(s->name, ".klp") && !is_livepatch_sym(s))
			return error_obj(ctx->path, "symbol %s is not marked SHN_LIVEPATCH%s",
					 s->name, is_undef_sym(s) ?
					 " (the module loader cannot resolve it)" : "");
	}
	for_each_sec(ctx->elf, sec) {
		if (!is_rela_sec(sec) || sec->removed)
			continue;
		for_each_reloc(sec, r) {
			bool lp = r->sym && is_livepatch_sym(r->sym);

			if (lp != is_livepatch_rela_sec(sec))
				return error_at(ctx->path, sec->base->name, r->offset,
						"%s: relocation to %s %s", sec->name,
						r->sym && *r->sym->name ? r->sym->name : "a section",
						lp ? "in an ordinary relocation section"
						   : "is not to a livepatch symbol");
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Main                                                                */
/* ------------------------------------------------------------------ */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: create-klp-module [-d|--debug] [--symvers FILE]... [--object SOURCE=OBJ]...\n"
		"                         IN.ko OUT.ko\n"
		"\n"
		"Turn the %s records of a linked patch module into livepatch relocation\n"
		"sections (.klp.rela.<obj>.<section>) and symbols (.klp.sym.<obj>.<name>,<pos>)\n"
		"and write OUT.ko (IN.ko may be OUT.ko).\n"
		"\n"
		"  -d, --debug           print every relocation written\n"
		"  -s, --symvers FILE    the kernel's exports (Module.symvers; may repeat): refuse\n"
		"                        a module with an undefined symbol that none exports\n"
		"  --object SOURCE=OBJ   a create-diff-object output linked into IN.ko and the\n"
		"                        changed file it came from (may repeat): the refusal\n"
		"                        names the files that reference the symbol\n"
		"  -h, --help            this text;  --version  the version\n"
		"\n"
		"Exit status: 0 OUT.ko written; 1 error; 2 refused: a symbol stays undefined\n"
		"that the kernel cannot resolve (nothing written in either case).\n",
		KPATCH_KLP_RELOCS_SEC);
}

/* --symvers FILE: load the exports. */
static int add_symvers(struct klp_ctx *ctx, const char *path)
{
	struct symvers **sv = realloc(ctx->symvers, (ctx->nr_symvers + 1) * sizeof(*sv));

	if (!sv)
		return error_sys(path, "cannot allocate");
	ctx->symvers = sv;
	sv[ctx->nr_symvers] = symvers_load(path);
	if (!sv[ctx->nr_symvers])
		return -1;
	ctx->nr_symvers++;
	return 0;
}

/* --object SOURCE=OBJ */
static int add_object(struct klp_ctx *ctx, char *arg)
{
	char *eq = strchr(arg, '=');
	struct patch_object *o;

	if (!eq || eq == arg || !eq[1])
		return error_obj(arg, "--object wants SOURCE=OBJ (the changed file and the "
				 "create-diff-object output made from it)");
	o = realloc(ctx->objects, (ctx->nr_objects + 1) * sizeof(*o));
	if (!o)
		return error_sys(arg, "cannot allocate");
	ctx->objects = o;
	*eq = '\0';
	o[ctx->nr_objects].source = arg;
	o[ctx->nr_objects].path = eq + 1;
	ctx->nr_objects++;
	return 0;
}

static void free_ctx(struct klp_ctx *ctx)
{
	if (ctx->elf)
		obj_close(ctx->elf);
	for (size_t i = 0; i < ctx->nr_symvers; i++)
		symvers_free(ctx->symvers[i]);
	free(ctx->symvers);
	free(ctx->objects);
}

int main(int argc, char **argv)
{
	enum { OPT_OBJECT = 256 };
	static const struct option opts[] = {
		{ "debug", no_argument, NULL, 'd' },
		{ "symvers", required_argument, NULL, 's' },
		{ "object", required_argument, NULL, OPT_OBJECT },
		CMDLINE_COMMON_OPTIONS,
		{ 0 }
	};
	struct cmdline cl = { "create-klp-module", usage, "ds:h", opts, false };
	struct klp_ctx ctx = { 0 };
	int c, err = 0;

	log_init("create-klp-module");
	while ((c = cmdline_next(&cl, argc, argv)) >= 0)
		err = err ?: c == 's' ? add_symvers(&ctx, optarg) : add_object(&ctx, optarg);
	if (c == CMDLINE_EXIT) {
		free_ctx(&ctx);
		return 0;
	}
	if (!err && c == CMDLINE_END && argc - optind != 2)
		err = error_obj("command line", "expected IN.ko and OUT.ko, found %d file name%s "
				"(see --help for the usage)", argc - optind, argc - optind == 1 ? "" : "s");
	if (c == CMDLINE_ERROR)
		err = -1;
	if (!err) {
		ctx.path = argv[optind];
		ctx.elf = obj_open_read(ctx.path);
		err = ctx.elf ? 0 : -1;
	}
	err = err ?: check_patch_module(&ctx);
	err = err ?: check_link(&ctx);
	err = err ?: convert_records(&ctx);
	err = err ?: check_symbols(&ctx);
	err = err ?: obj_write(ctx.elf, argv[optind + 1]);
	free_ctx(&ctx);
	if (err)
		return log_report_error();
	debug("%zu livepatch relocations, %zu livepatch symbols", ctx.nr_converted,
	      ctx.nr_symbols);
	return 0;
}
