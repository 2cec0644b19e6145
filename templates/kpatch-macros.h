/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kpatch-macros.h - what a patch author may write in a patch.
 *
 * kpatch-build puts this header on the include path of the patched build, so
 * a patch adds `#include "kpatch-macros.h"` to the file it changes.  Each
 * macro leaves a record in a section of the patched object that
 * create-diff-object reads (see kpatch-meta.h); nothing here adds code to
 * the running kernel's functions.
 *
 *   KPATCH_PRE_PATCH_CALLBACK(fn)     int fn(struct klp_object *obj): runs before
 *                                     the patch is enabled for this object; an
 *                                     error fails the load cleanly
 *   KPATCH_POST_PATCH_CALLBACK(fn)    void fn(struct klp_object *obj): after
 *   KPATCH_PRE_UNPATCH_CALLBACK(fn)   void fn(struct klp_object *obj): before disable
 *   KPATCH_POST_UNPATCH_CALLBACK(fn)  void fn(struct klp_object *obj): after disable
 *   KPATCH_IGNORE_FUNCTION(fn)        fn changed only as a side effect: do not patch it
 *   KPATCH_IGNORE_SECTION("name")     changes in this section do not matter
 *   KPATCH_FORCE_UNSAFE(fn)           patch fn even though the differ would refuse
 *                                     (a renamed static local, a changed __init
 *                                     function whose change may be dropped): the
 *                                     author vouches for it
 *   KPATCH_SYSTEM_STATE(id, version)  the patch sets or keeps klp_state @id at
 *                                     @version (cumulative patches; see
 *                                     Documentation/livepatch/system-state.rst)
 *   kpatch_this_patch()               the patch's struct klp_patch, e.g. for
 *                                     klp_get_state(kpatch_this_patch(), id)
 *
 * Shadow variables need no macro: call the kernel's klp_shadow_get(),
 * klp_shadow_alloc(), klp_shadow_get_or_alloc(), klp_shadow_free() and
 * klp_shadow_free_all() from <linux/livepatch.h> directly.
 */
#ifndef KPATCH_MACROS_H
#define KPATCH_MACROS_H

struct klp_object;
struct klp_patch;

#define __KPATCH_CAT2(a, b) a##b
#define __KPATCH_CAT(a, b) __KPATCH_CAT2(a, b)
#define __KPATCH_RECORD(sec, type, value) \
	static __typeof__(type) __KPATCH_CAT(__kpatch_record_, __COUNTER__) \
	__attribute__((__used__, __section__(sec), __aligned__(8))) = value

#define KPATCH_PRE_PATCH_CALLBACK(fn) \
	__KPATCH_RECORD(".kpatch.callbacks.pre_patch", int (*)(struct klp_object *), fn)
#define KPATCH_POST_PATCH_CALLBACK(fn) \
	__KPATCH_RECORD(".kpatch.callbacks.post_patch", void (*)(struct klp_object *), fn)
#define KPATCH_PRE_UNPATCH_CALLBACK(fn) \
	__KPATCH_RECORD(".kpatch.callbacks.pre_unpatch", void (*)(struct klp_object *), fn)
#define KPATCH_POST_UNPATCH_CALLBACK(fn) \
	__KPATCH_RECORD(".kpatch.callbacks.post_unpatch", void (*)(struct klp_object *), fn)

#define KPATCH_IGNORE_FUNCTION(fn) \
	__KPATCH_RECORD(".kpatch.ignore.functions", void *, (void *)(fn))
#define KPATCH_IGNORE_SECTION(name) \
	__KPATCH_RECORD(".kpatch.ignore.sections", const char *, (name))
#define KPATCH_FORCE_UNSAFE(fn) \
	__KPATCH_RECORD(".kpatch.force.functions", void *, (void *)(fn))

struct kpatch_author_state {
	unsigned long long id, version;
};
#define KPATCH_SYSTEM_STATE(_id, _version) \
	__KPATCH_RECORD(".kpatch.author.states", struct kpatch_author_state, \
			((struct kpatch_author_state){ .id = (_id), .version = (_version) }))

/* Provided by the patch module (patch-hook.c). */
struct klp_patch *kpatch_this_patch(void);

#endif /* KPATCH_MACROS_H */
