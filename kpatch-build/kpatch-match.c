// SPDX-License-Identifier: GPL-2.0
/*
 * kpatch-match - prove that an object compiled here is what the target
 * kernel runs, before a patch module is built from it.
 *
 *   kpatch-match [-d] [-f FUNC[,POS]]... [-F DIFF.o]... ORIG.o TARGET
 *
 * In distro mode kpatch-build compiles the original translation units of a
 * distribution kernel here and diffs them against the patched ones.  If the
 * source version, the config or the compiler is not exactly the one the
 * distribution used, the differ still finds "changed functions", and the
 * module would replace running code with code built for another kernel.
 * So for every function the patch replaces, its bytes in ORIG.o are
 * compared with the bytes of the same function in TARGET (vmlinux with
 * symbols, ET_EXEC, or a module .ko, ET_REL).  Bytes that a relocation
 * covers are skipped on both sides: here they hold the addend, there the
 * linked address (vmlinux) or the addend of TARGET's own relocation (.ko).
 *
 * TARGET may be a 600 MB vmlinux with DWARF, so it is not read through the
 * object model (lib/elf.h copies every section): lib/image.h maps it and only the
 * sections holding the compared functions (and, for a module, their
 * relocation sections) are touched.  Its symbols and their livepatch
 * positions come from lib/symtab.h, the numbering the differ uses.
 *
 * Exit status: 0 every function matches; 2 a function differs or is not in
 * TARGET (one line for each, the build must be refused); 1 bad usage or
 * input.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "cmdline.h"
#include "elf.h"
#include "hash.h"
#include "image.h"
#include "kpatch-meta.h"
#include "log.h"
#include "symtab.h"

#define TOOL		"kpatch-match"
#define COLD_SUFFIX	".cold"
#define MAX_OBJ_NAME	64	/* a module name as the kernel knows it, NUL included */

/* One function to check. */
struct match_request {
	char *name;			/* function name (owned) */
	unsigned long sympos;		/* its livepatch position in TARGET, 0 = unique */
};

/* TARGET, mapped; only the sections needed are read. */
struct target {
	const char *path;		/* file name, for messages */
	struct image *image;		/* the file */
	struct parent_symtab *symtab;	/* names, sympos and FILE groups */
	char obj_name[MAX_OBJ_NAME];	/* "vmlinux" or the module's name */
};

/* The bytes of one function on one side. */
struct func_bytes {
	const uint8_t *buf;		/* first byte of the function */
	uint64_t size;			/* st_size */
	uint64_t addr;			/* st_value (for messages) */
	size_t shndx;			/* index of its section */
	uint64_t offset;		/* where in that section it starts */
};

/* How a function here compares with its counterpart in TARGET. */
struct comparison {
	const char *name;		/* the part compared: "foo" or "foo.cold" */
	uint64_t size_here;		/* st_size in ORIG.o */
	uint64_t size_there;		/* st_size in TARGET */
	uint64_t nr_masked;		/* bytes of the common part covered by relocations */
	uint64_t nr_differ;		/* other bytes of the common part that differ */
	uint64_t first_differ;		/* offset of the first of them; the end of the
					   common part when only the sizes differ */
	uint64_t addr_there;		/* the function's st_value in TARGET */
	const char *cold_name;		/* its .cold part, compared too and the same */
	bool valid;			/* a comparison was made */
};

/* What the steps share. */
struct match_ctx {
	const char *orig_path;		/* ORIG.o */
	struct obj *orig;		/* its model */
	struct target target;		/* TARGET */
	const char **diff_paths;	/* the -F objects */
	size_t nr_diff_paths;		/* entries in diff_paths */
	struct match_request *reqs;	/* the functions to check, in order */
	size_t nr_reqs;			/* entries in reqs */
	size_t cap_reqs;		/* allocated entries of reqs */
	size_t nr_matched;		/* functions that match */
	char **refusals;		/* why each refused function was refused,
					   without the leading "ORIG.o: " (owned) */
	size_t nr_refused;		/* entries in refusals */
};

/* ------------------------------------------------------------------ */
/* Requests                                                            */
/* ------------------------------------------------------------------ */

static int add_request(struct match_ctx *ctx, const char *name, size_t len,
		       unsigned long sympos)
{
	struct match_request *bigger, *req;

	if (ctx->nr_reqs == ctx->cap_reqs) {
		size_t cap = ctx->cap_reqs ? ctx->cap_reqs * 2 : 16;

		bigger = realloc(ctx->reqs, cap * sizeof(*bigger));
		if (!bigger)
			return error_sys(TOOL, "cannot allocate %zu requests", cap);
		ctx->reqs = bigger;
		ctx->cap_reqs = cap;
	}
	req = &ctx->reqs[ctx->nr_reqs];
	req->name = strndup(name, len);
	if (!req->name)
		return error_sys(TOOL, "cannot allocate a function name");
	req->sympos = sympos;
	ctx->nr_reqs++;
	return 0;
}

static bool parse_ulong(const char *s, unsigned long *val)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*val = strtoul(s, &end, 10);
	return !errno && !*end;
}

/* "-f FUNC[,POS]" */
static int add_request_arg(struct match_ctx *ctx, const char *arg)
{
	const char *comma = strrchr(arg, ',');
	size_t len = comma ? (size_t)(comma - arg) : strlen(arg);
	unsigned long sympos = 0;

	if (!len)
		return error_obj(TOOL, "-f '%s': no function name", arg);
	if (comma && !parse_ulong(comma + 1, &sympos))
		return error_obj(TOOL, "-f '%s': the position after ',' is not a number", arg);
	return add_request(ctx, arg, len, sympos);
}

static void free_requests(struct match_ctx *ctx)
{
	for (size_t i = 0; i < ctx->nr_reqs; i++)
		free(ctx->reqs[i].name);
	free(ctx->reqs);
}

/*
 * Mark the bytes, up to @len, that a relocation of @type at @off patches:
 * they are not compared (4 bytes for PC32/PLT32/32/32S/GOTPCREL*, 8 for
 * 64/PC64, as lib/arch says).
 */
static void mask_bytes(uint8_t *mask, uint64_t len, uint64_t off, uint32_t type)
{
	uint64_t end = off + (uint64_t)arch_reloc_width(type);

	for (; off < end && off < len; off++)
		mask[off] = 1;
}

/* ------------------------------------------------------------------ */
/* TARGET                                                              */
/* ------------------------------------------------------------------ */

static bool is_target_module(const struct target *t)
{
	return image_is_relocatable(t->image);
}

/*
 * The name of the kernel object TARGET is: "vmlinux", or a module's name
 * from "name=" in .modinfo (modpost writes it), else from its file name.
 */
static void target_find_obj_name(struct target *t)
{
	static const char key[] = "name=";
	const size_t klen = sizeof(key) - 1;
	size_t modinfo = image_find_section(t->image, ".modinfo");
	const char *data = image_section_data(t->image, modinfo);
	size_t size = data ? t->image->shdrs[modinfo].sh_size : 0;

	if (!is_target_module(t)) {
		strcpy(t->obj_name, "vmlinux");
		return;
	}
	module_name_from_path(t->path, t->obj_name, sizeof(t->obj_name));
	for (size_t off = 0, len; off < size; off += len + 1) {
		const char *s = data + off;

		len = strnlen(s, size - off);
		if (off + len < size && len > klen && !strncmp(s, key, klen) &&
		    len - klen < sizeof(t->obj_name)) {
			memcpy(t->obj_name, s + klen, len - klen + 1);
			break;
		}
	}
}

static int target_open(struct target *t, const char *path)
{
	uint16_t type;

	t->path = path;
	t->image = image_open(path);
	if (!t->image)
		return -1;
	type = t->image->ehdr->e_type;
	if (type != ET_EXEC && type != ET_REL)
		return error_obj(path, "neither a vmlinux (ET_EXEC) nor a module (ET_REL): "
				 "e_type %u", type);
	if (image_symbols(t->image))
		return -1;
	target_find_obj_name(t);
	t->symtab = parent_symtab_load(path, is_target_module(t));
	return t->symtab ? 0 : -1;
}

static void target_close(struct target *t)
{
	parent_symtab_free(t->symtab);
	image_close(t->image);
}

#define for_each_target_sym_named(t, nm, s, node)				\
	htab_for_each(&(t)->symtab->by_name, hash_str(nm), node)		\
		if (((s) = container_of(node, struct parent_sym, by_name)),	\
		    !strcmp((s)->name, (nm)))

static bool is_target_func(const struct parent_sym *s)
{
	return s->defined && s->type == STT_FUNC;
}

/*
 * The function @name at livepatch position @sympos: 0 (or 1) for a name
 * that is unique in TARGET, else the sympos-th of the same-named symbols.
 * Refuses (exit 2) when there is none, or when 0 is given for a name that
 * is not unique.
 */
static const struct parent_sym *find_target_func(struct match_ctx *ctx, const char *name,
						 unsigned long sympos)
{
	const struct parent_symtab *st = ctx->target.symtab;
	size_t count = parent_count_name(st, name);
	const struct parent_sym *s;
	struct obj_hnode *node;

	if (sympos == 0 && count > 1) {
		refuse_at(ctx->orig_path, NULL, 0,
			  "%s: not unique in %s (%zu symbols of that name; position 0 means a unique name)",
			  name, ctx->target.path, count);
		return NULL;
	}
	for_each_target_sym_named(&ctx->target, name, s, node) {
		if (!is_target_func(s))
			continue;
		if (s->sympos == sympos || (count == 1 && sympos <= 1))
			return s;
	}
	refuse_at(ctx->orig_path, NULL, 0,
		  "%s: not in %s (no function of that name at position %lu)",
		  name, ctx->target.path, sympos);
	return NULL;
}

/*
 * Where @psym's bytes are: its section and the offset in it.  The symbol
 * is read again from .symtab for its st_shndx; the ELF reader of
 * lib/symtab keeps the symbols in .symtab order, checked here.
 */
static int target_func_place(struct match_ctx *ctx, const struct parent_sym *psym,
			     size_t *shndx, uint64_t *offset)
{
	struct target *t = &ctx->target;
	size_t index = (size_t)(psym - t->symtab->syms);
	const Elf64_Sym *sym = index < t->image->nr_syms ? &t->image->syms[index] : NULL;
	const Elf64_Shdr *sh;
	uint64_t base;

	if (!sym || sym->st_value != psym->value || sym->st_size != psym->size)
		return error_obj(t->path, "%s: symbol %zu does not match the symbol table read",
				 psym->name, index);
	*shndx = sym->st_shndx;
	/* vmlinux: an absolute (or extended-index) symbol lies where its address does. */
	if (!is_target_module(t) && *shndx >= SHN_LORESERVE)
		*shndx = image_section_at(t->image, sym->st_value, sym->st_size);
	sh = image_section(t->image, *shndx);
	if (!sh)
		return error_obj(t->path, "%s: defined in no section (st_shndx %u)",
				 psym->name, sym->st_shndx);
	if (sh->sh_type == SHT_NOBITS)
		return error_obj(t->path, "%s: section %s has no contents (SHT_NOBITS): a debug-only "
				 "file? use the vmlinux or module that holds the code",
				 psym->name, image_section_name(t->image, *shndx));
	/* A module's st_value is an offset, vmlinux's an address. */
	base = is_target_module(t) ? 0 : sh->sh_addr;
	if (sym->st_value < base || sym->st_value - base > sh->sh_size ||
	    sym->st_size > sh->sh_size - (sym->st_value - base))
		return error_obj(t->path, "%s: 0x%" PRIx64 "+0x%" PRIx64 " lies outside section %s",
				 psym->name, (uint64_t)sym->st_value, (uint64_t)sym->st_size,
				 image_section_name(t->image, *shndx));
	*offset = sym->st_value - base;
	return 0;
}

/* @psym's bytes in TARGET. */
static int target_func_bytes(struct match_ctx *ctx, const struct parent_sym *psym,
			     struct func_bytes *fb)
{
	if (target_func_place(ctx, psym, &fb->shndx, &fb->offset))
		return -1;
	fb->buf = (const uint8_t *)image_section_data(ctx->target.image, fb->shndx) + fb->offset;
	fb->size = psym->size;
	fb->addr = psym->value;
	return 0;
}

/*
 * Mark the bytes of TARGET's function @fb that TARGET's own relocations
 * cover, up to @len (a module only: in vmlinux they are linked, and
 * ORIG.o's relocations mark the same places).
 */
static int target_mask_relocs(struct match_ctx *ctx, const struct func_bytes *fb,
			      uint64_t len, uint8_t *mask)
{
	const Elf64_Rela *relas;
	size_t nr;

	if (!is_target_module(&ctx->target))
		return 0;
	if (image_relocs_of(ctx->target.image, fb->shndx, &relas, &nr))
		return -1;
	for (size_t i = 0; i < nr; i++) {
		if (relas[i].r_offset >= fb->offset && relas[i].r_offset - fb->offset < len)
			mask_bytes(mask, len, relas[i].r_offset - fb->offset,
				   (uint32_t)ELF64_R_TYPE(relas[i].r_info));
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* ORIG.o                                                              */
/* ------------------------------------------------------------------ */

static bool is_orig_func(const struct obj_symbol *s)
{
	return is_func_sym(s) && s->sec;
}

#define for_each_orig_func_named(elf, nm, s, node)				\
	htab_for_each(&(elf)->sym_name_htab, hash_str(nm), node)		\
		if (((s) = container_of(node, struct obj_symbol, by_name)),	\
		    !strcmp((s)->name, (nm)) && is_orig_func(s))

static int orig_func_bytes(struct match_ctx *ctx, const struct obj_symbol *sym,
			   struct func_bytes *fb)
{
	const struct obj_section *sec = sym->sec;

	if (!sec->buf || sym->offset > sec->size || sym->size > sec->size - sym->offset)
		return error_at(ctx->orig_path, sym->name, 0,
				"lies outside the contents of section %s", sec->name);
	fb->buf = (const uint8_t *)sec->buf + sym->offset;
	fb->size = sym->size;
	fb->addr = sym->offset;
	fb->shndx = sec->index;
	fb->offset = sym->offset;
	return 0;
}

/* Mark the bytes of @sym that ORIG.o's relocations cover, up to @len. */
static void orig_mask_relocs(const struct obj_symbol *sym, uint64_t len, uint8_t *mask)
{
	const struct obj_section *rela = sym->sec->rela;
	const struct obj_reloc *r;

	if (!rela)
		return;
	for_each_reloc(rela, r) {
		if (r->offset >= sym->offset && r->offset - sym->offset < len)
			mask_bytes(mask, len, r->offset - sym->offset, r->type);
	}
}

/* ------------------------------------------------------------------ */
/* Comparing                                                           */
/* ------------------------------------------------------------------ */

static bool is_same(const struct comparison *c)
{
	return c->valid && c->size_here == c->size_there && !c->nr_differ;
}

/* Is @a a closer match than @b (which may not be valid yet)? */
static bool is_closer(const struct comparison *a, const struct comparison *b)
{
	if (!b->valid)
		return true;
	if (is_same(a) != is_same(b))
		return is_same(a);
	if ((a->size_here == a->size_there) != (b->size_here == b->size_there))
		return a->size_here == a->size_there;
	return a->nr_differ < b->nr_differ;
}

static void compare_masked(const struct func_bytes *here, const struct func_bytes *there,
			   const uint8_t *mask, uint64_t len, struct comparison *c)
{
	c->first_differ = len;
	for (uint64_t i = 0; i < len; i++) {
		if (mask[i]) {
			c->nr_masked++;
		} else if (here->buf[i] != there->buf[i]) {
			if (!c->nr_differ)
				c->first_differ = i;
			c->nr_differ++;
		}
	}
}

/* Compare @sym of ORIG.o with @psym of TARGET, relocated bytes masked. */
static int compare_one(struct match_ctx *ctx, const struct obj_symbol *sym,
		       const struct parent_sym *psym, struct comparison *c)
{
	struct func_bytes here = { 0 }, there = { 0 };
	uint8_t *mask;
	uint64_t len;
	int ret;

	if (orig_func_bytes(ctx, sym, &here) || target_func_bytes(ctx, psym, &there))
		return -1;
	memset(c, 0, sizeof(*c));
	c->name = sym->name;
	c->size_here = here.size;
	c->size_there = there.size;
	c->addr_there = there.addr;
	c->valid = true;
	len = here.size < there.size ? here.size : there.size;
	mask = calloc(len ? len : 1, 1);
	if (!mask)
		return error_sys(ctx->orig_path, "cannot allocate %" PRIu64 " bytes", len);
	orig_mask_relocs(sym, len, mask);
	ret = target_mask_relocs(ctx, &there, len, mask);
	if (!ret)
		compare_masked(&here, &there, mask, len, c);
	free(mask);
	return ret;
}

/*
 * The .cold part of TARGET's @psym named @cold_name: in the same FILE
 * group when @psym is a local of one, else any function of that name.
 * Compares @cold with each and keeps the closest in @c (not valid when
 * TARGET has no such part).
 */
static int compare_cold(struct match_ctx *ctx, const struct obj_symbol *cold,
			const struct parent_sym *psym, struct comparison *c)
{
	struct comparison one;
	const struct parent_sym *s;
	struct obj_hnode *node;

	memset(c, 0, sizeof(*c));
	for_each_target_sym_named(&ctx->target, cold->name, s, node) {
		if (!is_target_func(s))
			continue;
		if (psym->bind == STB_LOCAL && psym->file && s->file != psym->file)
			continue;
		if (compare_one(ctx, cold, s, &one))
			return -1;
		if (is_closer(&one, c))
			*c = one;
	}
	return 0;
}

/*
 * Compare function @sym of ORIG.o (and its .cold part when both sides have
 * one) with @psym; @c is the comparison that decides: the first part that
 * differs, else the function itself.
 */
static int compare_func(struct match_ctx *ctx, const struct obj_symbol *sym,
			const struct parent_sym *psym, struct comparison *c)
{
	struct comparison cold;

	if (compare_one(ctx, sym, psym, c))
		return -1;
	if (!is_same(c) || !sym->cold)
		return 0;
	if (compare_cold(ctx, sym->cold, psym, &cold))
		return -1;
	if (!cold.valid)
		debug("%s: %s has no %s; not compared", sym->cold->name, ctx->target.path,
		      sym->cold->name);
	else if (!is_same(&cold))
		*c = cold;
	else
		c->cold_name = cold.name;
	return 0;
}

static int refuse_mismatch(struct match_ctx *ctx, const struct comparison *c)
{
	uint64_t common = c->size_here < c->size_there ? c->size_here : c->size_there;

	if (!c->nr_differ)
		return refuse_at(ctx->orig_path, c->name, c->first_differ,
				 "differs from %s (size here %" PRIu64 ", there %" PRIu64
				 "; the first %" PRIu64 " bytes are the same): the source, config "
				 "or compiler is not the one %s was built from",
				 ctx->target.path, c->size_here, c->size_there, common,
				 ctx->target.path);
	return refuse_at(ctx->orig_path, c->name, c->first_differ,
			 "differs from %s (size here %" PRIu64 ", there %" PRIu64 "; %" PRIu64
			 " byte%s differ from +0x%" PRIx64 "): the source, config or compiler "
			 "is not the one %s was built from",
			 ctx->target.path, c->size_here, c->size_there, c->nr_differ,
			 c->nr_differ == 1 ? "" : "s", c->first_differ, ctx->target.path);
}

/*
 * Check one function: find it in TARGET, compare each ORIG.o function of
 * that name (an object may hold several locals of one name) and accept
 * when one matches.  Returns 0 when it matches, -1 with a refusal (exit 2)
 * or an input error (exit 1) recorded.
 */
static int check_function(struct match_ctx *ctx, const struct match_request *req)
{
	const struct parent_sym *psym;
	struct comparison best = { 0 }, one;
	struct obj_symbol *sym;
	struct obj_hnode *node;

	psym = find_target_func(ctx, req->name, req->sympos);
	if (!psym)
		return -1;
	for_each_orig_func_named(ctx->orig, req->name, sym, node) {
		if (compare_func(ctx, sym, psym, &one))
			return -1;
		if (is_closer(&one, &best))
			best = one;
	}
	if (!best.valid)
		return error_obj(ctx->orig_path, "%s: no function of that name here", req->name);
	if (!is_same(&best)) {
		debug("%s,%lu: differs", req->name, req->sympos);
		return refuse_mismatch(ctx, &best);
	}
	debug("%s,%lu: matches %s at 0x%" PRIx64 " (size %" PRIu64 ", %" PRIu64 " bytes masked%s%s)",
	      req->name, req->sympos, ctx->target.path, best.addr_there, best.size_here,
	      best.nr_masked, best.cold_name ? "; and " : "", best.cold_name ? best.cold_name : "");
	return 0;
}

/* Keep the refusal just recorded, to be reported once all checks are done. */
static int keep_refusal(struct match_ctx *ctx)
{
	const char *msg = error_message();
	size_t len = strlen(ctx->orig_path);
	char *copy;

	if (!strncmp(msg, ctx->orig_path, len) && !strncmp(msg + len, ": ", 2))
		msg += len + 2;
	copy = strdup(msg);
	if (!copy)
		return -1;
	ctx->refusals[ctx->nr_refused++] = copy;
	error_clear();
	return 0;
}

/*
 * Check every request.  A refusal is kept and the check goes on, so that
 * every function that differs is named; an input error stops everything,
 * and is then the only thing reported.
 */
static int check_all(struct match_ctx *ctx)
{
	ctx->refusals = calloc(ctx->nr_reqs ? ctx->nr_reqs : 1, sizeof(*ctx->refusals));
	if (!ctx->refusals)
		return error_sys(TOOL, "cannot allocate %zu messages", ctx->nr_reqs);
	for (size_t i = 0; i < ctx->nr_reqs; i++) {
		if (!check_function(ctx, &ctx->reqs[i])) {
			ctx->nr_matched++;
			continue;
		}
		if (error_kind() != ERR_UNPATCHABLE)
			return -1;
		if (keep_refusal(ctx))
			return error_sys(TOOL, "cannot allocate a message");
	}
	return 0;
}

/* One "kpatch-match: error: ORIG.o: ..." line per refused function. */
static void report_refusals(struct match_ctx *ctx)
{
	for (size_t i = 0; i < ctx->nr_refused; i++) {
		refuse_at(ctx->orig_path, NULL, 0, "%s", ctx->refusals[i]);
		log_report_error();
		error_clear();
	}
}

static void free_refusals(struct match_ctx *ctx)
{
	for (size_t i = 0; i < ctx->nr_refused; i++)
		free(ctx->refusals[i]);
	free(ctx->refusals);
}

/* ------------------------------------------------------------------ */
/* DIFF.o: the functions its .kpatch.funcs records replace             */
/* ------------------------------------------------------------------ */

/* The NUL-terminated string an R_X86_64_64 relocation at @off of @funcs points to. */
static const char *record_string(const struct obj *diff, const struct obj_section *funcs,
				 uint64_t off, const char *field)
{
	const struct obj_reloc *r = find_reloc_by_offset(diff, funcs, off);
	const struct obj_section *sec;
	int64_t at;

	if (!r || r->type != R_X86_64_64 || !r->sym || !r->sym->sec) {
		error_at(diff->path, KPATCH_FUNCS_SEC, off,
			 "field %s: expected an R_X86_64_64 relocation to a defined symbol", field);
		return NULL;
	}
	sec = r->sym->sec;
	at = (int64_t)r->sym->offset + r->addend;
	if (at < 0 || !sec->buf || (uint64_t)at >= sec->size ||
	    !memchr((const char *)sec->buf + at, '\0', sec->size - (uint64_t)at)) {
		error_at(diff->path, KPATCH_FUNCS_SEC, off,
			 "field %s: no NUL-terminated string at %s+0x%" PRIx64, field, sec->name,
			 (uint64_t)at);
		return NULL;
	}
	return (const char *)sec->buf + at;
}

static int add_record(struct match_ctx *ctx, const struct obj *diff,
		      const struct obj_section *funcs, uint64_t at)
{
	const char *name, *obj;
	struct kpatch_func rec;

	memcpy(&rec, (const uint8_t *)funcs->buf + at, sizeof(rec));
	name = record_string(diff, funcs, at + offsetof(struct kpatch_func, old_name), "old_name");
	obj = record_string(diff, funcs, at + offsetof(struct kpatch_func, obj_name), "obj_name");
	if (!name || !obj)
		return -1;
	if (strcmp(obj, ctx->target.obj_name))
		return error_at(diff->path, KPATCH_FUNCS_SEC, at,
				"%s belongs to %s, but %s is %s", name, obj, ctx->target.path,
				ctx->target.obj_name);
	if (rec.old_sympos > UINT32_MAX)
		return error_at(diff->path, KPATCH_FUNCS_SEC, at, "%s: bad position %" PRIu64,
				name, (uint64_t)rec.old_sympos);
	return add_request(ctx, name, strlen(name), (unsigned long)rec.old_sympos);
}

static int read_diff_object(struct match_ctx *ctx, const char *path)
{
	const struct obj_section *funcs;
	struct obj *diff;
	int ret = 0;

	diff = obj_open_read(path);
	if (!diff)
		return -1;
	funcs = find_section_by_name(diff, KPATCH_FUNCS_SEC);
	if (!funcs)
		ret = error_obj(path, "no %s section: not an output of create-diff-object",
				KPATCH_FUNCS_SEC);
	else if (funcs->size % sizeof(struct kpatch_func) || (funcs->size && !funcs->buf))
		ret = error_obj(path, "%s: size %zu is not a multiple of %zu", KPATCH_FUNCS_SEC,
				funcs->size, sizeof(struct kpatch_func));
	for (uint64_t at = 0; !ret && funcs && at < funcs->size; at += sizeof(struct kpatch_func))
		ret = add_record(ctx, diff, funcs, at);
	obj_close(diff);
	return ret;
}

static int read_diff_objects(struct match_ctx *ctx)
{
	for (size_t i = 0; i < ctx->nr_diff_paths; i++)
		if (read_diff_object(ctx, ctx->diff_paths[i]))
			return -1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Main                                                                */
/* ------------------------------------------------------------------ */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: kpatch-match [-d] [-f FUNC[,POS]]... [-F DIFF.o]... ORIG.o TARGET\n"
		"\n"
		"Check that the functions a patch replaces were compiled here (ORIG.o) exactly\n"
		"as in the kernel they patch (TARGET: vmlinux with symbols, or a module .ko):\n"
		"same size, same bytes, the bytes covered by relocations not compared.\n"
		"\n"
		"  -f FUNC[,POS]   check FUNC; POS is its livepatch position in TARGET\n"
		"                  (0 or none: the name is unique there)\n"
		"  -F DIFF.o       check every function that the %s records of\n"
		"                  create-diff-object's output DIFF.o replace\n"
		"  -d, --debug     one line per function checked, and a summary\n"
		"  -h, --help      this text;  --version  the version\n"
		"\n"
		"Exit status: 0 every function matches; 2 a function differs or is not in\n"
		"TARGET (one line each: the build must be refused); 1 bad usage or input.\n",
		KPATCH_FUNCS_SEC);
}

/* What the command line asks for: 0 go on, else exit with *status. */
static int parse_args(struct match_ctx *ctx, int argc, char **argv, int *status)
{
	static const struct option opts[] = {
		{ "debug", no_argument, NULL, 'd' },
		CMDLINE_COMMON_OPTIONS,
		{ 0 }
	};
	struct cmdline cl = { TOOL, usage, "df:F:h", opts, false };
	int c;

	*status = 1;
	while ((c = cmdline_next(&cl, argc, argv)) >= 0) {
		if (c == 'F')
			ctx->diff_paths[ctx->nr_diff_paths++] = optarg;
		else if (add_request_arg(ctx, optarg))
			return -1;
	}
	if (c == CMDLINE_EXIT)
		*status = 0;
	if (c != CMDLINE_END)
		return -1;
	if (argc - optind != 2)
		return error_obj(TOOL, "expected ORIG.o and TARGET, found %d file name%s (see --help)",
				 argc - optind, argc - optind == 1 ? "" : "s");
	if (!ctx->nr_reqs && !ctx->nr_diff_paths)
		return error_obj(TOOL, "nothing to check: give -f FUNC or -F DIFF.o (see --help)");
	ctx->orig_path = argv[optind];
	ctx->target.path = argv[optind + 1];
	return 0;
}

static int open_orig(struct match_ctx *ctx)
{
	ctx->orig = obj_open_read(ctx->orig_path);
	return ctx->orig ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct match_ctx ctx = { 0 };
	int err, status;

	log_init(TOOL);
	ctx.diff_paths = calloc((size_t)argc, sizeof(*ctx.diff_paths));
	if (!ctx.diff_paths) {
		error_sys(TOOL, "cannot allocate the argument list");
		return log_report_error();
	}
	err = parse_args(&ctx, argc, argv, &status);
	if (err && !error_pending()) {
		free(ctx.diff_paths);
		return status;
	}
	err = err ?: open_orig(&ctx);
	err = err ?: target_open(&ctx.target, ctx.target.path);
	err = err ?: read_diff_objects(&ctx);
	err = err ?: check_all(&ctx);
	if (!err)
		report_refusals(&ctx);
	if (ctx.orig)
		obj_close(ctx.orig);
	target_close(&ctx.target);
	free_requests(&ctx);
	free_refusals(&ctx);
	free(ctx.diff_paths);
	if (err)
		return log_report_error();
	debug("%zu functions checked: %zu match, %zu differ or are missing",
	      ctx.nr_matched + ctx.nr_refused, ctx.nr_matched, ctx.nr_refused);
	return ctx.nr_refused ? ERR_UNPATCHABLE : 0;
}
