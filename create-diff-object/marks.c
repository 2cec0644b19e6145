// SPDX-License-Identifier: GPL-2.0
/*
 * marks.c - what the patch author said with kpatch-macros.h.
 *
 * The macros leave records in .kpatch.* sections of PATCHED.o: functions
 * and sections to ignore, functions forced in, callbacks and system
 * states.  The first three steer the differ; the last two go to the output
 * as .kpatch.callbacks / .kpatch.states records for the patch module.
 * None of the author's sections is itself compared or copied.
 */
#include <stdlib.h>
#include <string.h>

#include "cdo.h"
#include "kpatch-meta.h"
#include "log.h"

/* Author callback sections and the kind each one fills (sorted). */
static const struct {
	const char *name;		/* section name */
	enum kpatch_callback_kind kind;	/* klp_callbacks field */
} callback_secs[] = {
	{ ".kpatch.callbacks.post_patch", KPATCH_POST_PATCH },
	{ ".kpatch.callbacks.post_unpatch", KPATCH_POST_UNPATCH },
	{ ".kpatch.callbacks.pre_patch", KPATCH_PRE_PATCH },
	{ ".kpatch.callbacks.pre_unpatch", KPATCH_PRE_UNPATCH },
};

static bool is_author_sec(const struct obj_section *sec)
{
	const char *name = is_rela_sec(sec) && sec->base ? sec->base->name : sec->name;

	return !strncmp(name, ".kpatch.", 8);
}

static int callback_kind(const char *name)
{
	for (size_t i = 0; i < sizeof(callback_secs) / sizeof(callback_secs[0]); i++)
		if (!strcmp(name, callback_secs[i].name))
			return (int)callback_secs[i].kind;
	return -1;
}

/* The function an author record at @r points to, or NULL with an error. */
static struct obj_symbol *record_function(struct diff_ctx *ctx, const struct obj_reloc *r)
{
	int64_t add;
	struct obj_symbol *f = reloc_target_symbol(r, &add);

	if (!is_func_sym(f) || add != 0 || !f->sec) {
		error_at(ctx->orig_name, r->sec->base->name, r->offset,
			 "record does not point to a function of this file");
		return NULL;
	}
	return f;
}

/* The string an author record at @r points to (KPATCH_IGNORE_SECTION). */
static const char *record_string(struct diff_ctx *ctx, const struct obj_reloc *r)
{
	const struct obj_section *sec = r->sym->sec;
	const char *s = sec ? string_at(sec, (int64_t)(r->sym->offset + (uint64_t)r->addend)) : NULL;

	if (!s)
		error_at(ctx->orig_name, r->sec->base->name, r->offset,
			 "record does not point to a string");
	return s;
}

static void ignore_section_named(struct obj *elf, const char *name)
{
	struct obj_section *sec = find_section_by_name(elf, name);
	struct obj_symbol *s;

	if (!sec)
		return;
	sec->ignore = true;
	sec_for_each_sym(sec, s)
		s->strip = true;
}

static int read_ignore_and_force(struct diff_ctx *ctx, struct obj_section *sec)
{
	bool ignore_funcs = !strcmp(sec->name, KPATCH_IGNORE_FUNCTIONS_SEC);
	bool ignore_secs = !strcmp(sec->name, KPATCH_IGNORE_SECTIONS_SEC);
	bool force = !strcmp(sec->name, KPATCH_FORCE_FUNCTIONS_SEC);
	struct obj_reloc *r;

	if ((!ignore_funcs && !ignore_secs && !force) || !sec->rela)
		return 0;
	for_each_reloc(sec->rela, r) {
		if (ignore_secs) {
			const char *name = record_string(ctx, r);

			if (!name)
				return -1;
			ignore_section_named(ctx->patched, name);
			ignore_section_named(ctx->orig, name);
			debug("ignoring section %s", name);
			continue;
		}
		struct obj_symbol *f = record_function(ctx, r);

		if (!f)
			return -1;
		if (ignore_funcs) {
			f->strip = true;
			debug("ignoring function %s", f->name);
		} else {
			f->forced = true;
			debug("forcing function %s", f->name);
		}
	}
	return 0;
}

int read_author_marks(struct diff_ctx *ctx)
{
	struct obj_section *sec;

	for_each_sec(ctx->patched, sec) {
		if (!is_author_sec(sec))
			continue;
		sec->ignore = true;
		if (!is_rela_sec(sec) && read_ignore_and_force(ctx, sec))
			return -1;
	}
	for_each_sec(ctx->orig, sec)
		if (is_author_sec(sec))
			sec->ignore = true;
	return 0;
}

/* Twins of ignored functions are ignored too (correlation is done). */
void propagate_author_marks(struct diff_ctx *ctx)
{
	struct obj_symbol *s;

	for_each_sym(ctx->patched, s) {
		if (s->twin && s->strip)
			s->twin->strip = true;
		if (s->twin && s->forced)
			s->twin->forced = true;
	}
}

static int output_callbacks_of(struct diff_ctx *ctx, struct obj_section *sec, int kind,
			       struct obj_section **out)
{
	struct obj_reloc *r;

	if (!sec->rela)
		return 0;
	for_each_reloc(sec->rela, r) {
		struct kpatch_callback rec = { .kind = (kpm_u64)kind };
		struct obj_symbol *f = record_function(ctx, r), *of;
		int64_t at;

		if (!f)
			return -1;
		of = emit_symbol(ctx, f);
		if (!of)
			return error_at(ctx->orig_name, f->name, 0, "callback is not in the output");
		if (!*out) {
			GElf_Shdr sh = { .sh_type = SHT_PROGBITS, .sh_flags = SHF_ALLOC,
					 .sh_addralign = 8 };

			*out = obj_add_section(ctx->out, KPATCH_CALLBACKS_SEC, &sh, NULL, 0);
			if (!*out)
				return -1;
		}
		at = obj_section_append(*out, &rec, sizeof(rec), 8);
		if (at < 0 ||
		    !obj_add_reloc(ctx->out, *out, (uint64_t)at + offsetof(struct kpatch_callback, func),
				   R_X86_64_64, of, 0) ||
		    emit_string_ref(ctx, *out, (uint64_t)at + offsetof(struct kpatch_callback, obj_name),
				    ctx->parent_name))
			return -1;
		debug("%s callback: %s", sec->name + strlen(KPATCH_AUTHOR_CALLBACKS_PREFIX), f->name);
	}
	return 0;
}

int output_author_records(struct diff_ctx *ctx)
{
	struct obj_section *sec, *callbacks = NULL, *states = NULL;

	for_each_sec(ctx->patched, sec) {
		int kind = callback_kind(sec->name);

		if (kind >= 0 && output_callbacks_of(ctx, sec, kind, &callbacks))
			return -1;
		if (!strcmp(sec->name, KPATCH_AUTHOR_STATES_SEC) && sec->buf) {
			GElf_Shdr sh = { .sh_type = SHT_PROGBITS, .sh_flags = SHF_ALLOC,
					 .sh_addralign = 8 };

			if (sec->size % sizeof(struct kpatch_state))
				return error_obj(ctx->orig_name, "%s: size %zu is not a multiple of %zu",
						 sec->name, sec->size, sizeof(struct kpatch_state));
			states = obj_add_section(ctx->out, KPATCH_STATES_SEC, &sh, sec->buf, sec->size);
			if (!states)
				return -1;
		}
	}
	return 0;
}
