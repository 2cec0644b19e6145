/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kpatch-meta.h - the metadata that create-diff-object writes into its
 * output object, create-klp-module reads after the module link, and the
 * patch module (patch-hook.c) walks at load time.  One layout, three users;
 * it compiles both in the kernel and in user space.
 *
 * Every pointer-sized field is a u64 filled by an R_X86_64_64 relocation,
 * so it survives `ld -r` and the module link unchanged and is resolved by
 * the module loader (or, for .kpatch.klp_relocs, read back from the
 * relocation by create-klp-module).
 */
#ifndef KPATCH_META_H
#define KPATCH_META_H

#ifdef __KERNEL__
#include <linux/types.h>
typedef u64 kpm_u64;
typedef u32 kpm_u32;
typedef s64 kpm_s64;
#else
#include <stdint.h>
typedef uint64_t kpm_u64;
typedef uint32_t kpm_u32;
typedef int64_t kpm_s64;
#endif

/* Section holding struct kpatch_func records, one per replaced function. */
#define KPATCH_FUNCS_SEC	".kpatch.funcs"
/* Section holding struct kpatch_klp_reloc records (removed by create-klp-module). */
#define KPATCH_KLP_RELOCS_SEC	".kpatch.klp_relocs"
/* Section holding the NUL-terminated names the records point to. */
#define KPATCH_STRINGS_SEC	".kpatch.strings"

/* A function of the running kernel replaced by a function of the module. */
struct kpatch_func {
	kpm_u64 new_func;	/* reloc: the new function's symbol */
	kpm_u64 old_name;	/* reloc: name of the function it replaces */
	kpm_u64 obj_name;	/* reloc: "vmlinux" or the module's name */
	kpm_u64 old_sympos;	/* position among same-named symbols, 0 = unique */
};

/*
 * A relocation that the module loader cannot resolve (the target is not
 * exported, or is local, or lives in a module that may not be loaded yet)
 * and that must become a livepatch relocation in .klp.rela.<obj>.<sec>
 * against the symbol .klp.sym.<obj>.<name>,<sympos>.
 */
struct kpatch_klp_reloc {
	kpm_u64 dest;		/* reloc: section symbol + offset where it applies */
	kpm_u64 sym_name;	/* reloc: name of the target symbol */
	kpm_u64 obj_name;	/* reloc: "vmlinux" or the module defining it */
	kpm_s64 addend;		/* r_addend of the relocation */
	kpm_u32 type;		/* R_X86_64_* type */
	kpm_u32 sympos;		/* position among same-named symbols, 0 = unique */
};

/* Section holding struct kpatch_callback records (patch author callbacks). */
#define KPATCH_CALLBACKS_SEC	".kpatch.callbacks"
/* Section holding struct kpatch_state records (klp_state id/version). */
#define KPATCH_STATES_SEC	".kpatch.states"

/* When a callback runs; the klp_callbacks field it fills. */
enum kpatch_callback_kind {
	KPATCH_PRE_PATCH = 0,	/* int (*)(struct klp_object *), may fail the load */
	KPATCH_POST_PATCH = 1,	/* void (*)(struct klp_object *) */
	KPATCH_PRE_UNPATCH = 2,	/* void (*)(struct klp_object *) */
	KPATCH_POST_UNPATCH = 3,	/* void (*)(struct klp_object *) */
};

/* A callback of the patch for one object. */
struct kpatch_callback {
	kpm_u64 func;		/* reloc: the callback function */
	kpm_u64 obj_name;	/* reloc: "vmlinux" or the module's name */
	kpm_u64 kind;		/* enum kpatch_callback_kind */
};

/* A system state the patch sets or keeps (struct klp_state). */
struct kpatch_state {
	kpm_u64 id;		/* klp_state.id */
	kpm_u64 version;	/* klp_state.version */
};

/*
 * Sections that kpatch-macros.h puts into the patched object for the
 * differ; none of them reaches the module as such.
 */
#define KPATCH_IGNORE_FUNCTIONS_SEC	".kpatch.ignore.functions"	/* u64 -> function */
#define KPATCH_IGNORE_SECTIONS_SEC	".kpatch.ignore.sections"	/* u64 -> name */
#define KPATCH_FORCE_FUNCTIONS_SEC	".kpatch.force.functions"	/* u64 -> function */
#define KPATCH_AUTHOR_CALLBACKS_PREFIX	".kpatch.callbacks."		/* + pre_patch ... */
#define KPATCH_AUTHOR_STATES_SEC	".kpatch.author.states"		/* struct kpatch_state */

#endif /* KPATCH_META_H */
