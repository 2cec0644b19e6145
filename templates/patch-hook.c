// SPDX-License-Identifier: GPL-2.0
/*
 * patch-hook.c - the init and exit of a patch module built by kpatch-build.
 *
 * create-diff-object leaves records in three sections (kpatch-meta.h):
 *   .kpatch.funcs      struct kpatch_func, one per replaced function
 *   .kpatch.callbacks  struct kpatch_callback, the patch author's callbacks
 *   .kpatch.states     struct kpatch_state, the klp_states the patch sets
 * and kpatch.lds brackets each with __<section> and __<section>_end.
 *
 * At load time the records are grouped by object ("vmlinux" or a module
 * name) into the klp_object and klp_func arrays of one klp_patch, which is
 * handed to klp_enable_patch().
 *
 * KPATCH_REPLACE (set by kpatch-build, 0 with --non-replace) decides
 * whether this patch atomically replaces every livepatch loaded before it.
 */
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kpatch-meta.h"

#ifndef KPATCH_REPLACE
#define KPATCH_REPLACE 1
#endif

/* Defined by kpatch.lds around the records. */
extern const struct kpatch_func __kpatch_funcs[], __kpatch_funcs_end[];
extern const struct kpatch_callback __kpatch_callbacks[], __kpatch_callbacks_end[];
extern const struct kpatch_state __kpatch_states[], __kpatch_states_end[];

/*
 * Zero-length anchors: the optional sections exist, allocated, even when
 * the differ wrote no record into them, so that their kpatch.lds symbols
 * are addresses in the module rather than in a discarded section.
 */
static const struct kpatch_callback kpatch_callbacks_anchor[0]
	__used __section(KPATCH_CALLBACKS_SEC);
static const struct kpatch_state kpatch_states_anchor[0]
	__used __section(KPATCH_STATES_SEC);

#define for_each_record(r, sec) \
	for ((r) = __kpatch_##sec; (r) < __kpatch_##sec##_end; (r)++)

/* The patch; objs[], each objs[i].funcs[] and states[] end with a zeroed entry. */
static struct klp_patch *kpatch_patch;

/* For the patch author (kpatch-macros.h), e.g. klp_get_state(kpatch_this_patch(), id). */
struct klp_patch *kpatch_this_patch(void)
{
	return kpatch_patch;
}

static const char *kpatch_str(kpm_u64 field)
{
	return (const char *)(unsigned long)field;
}

/* klp_object.name of a record's object name: NULL means vmlinux. */
static const char *klp_object_name(kpm_u64 obj_name)
{
	const char *name = kpatch_str(obj_name);

	return strcmp(name, "vmlinux") ? name : NULL;
}

static bool is_same_object(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Index of the object named @name in objs[0..*nr), added when missing. */
static size_t object_index(struct klp_object *objs, size_t *nr, kpm_u64 obj_name)
{
	const char *name = klp_object_name(obj_name);
	size_t i;

	for (i = 0; i < *nr; i++)
		if (is_same_object(objs[i].name, name))
			return i;
	objs[*nr].name = name;
	return (*nr)++;
}

static void free_patch(struct klp_patch *patch)
{
	struct klp_object *obj;

	if (!patch)
		return;
	for (obj = patch->objs; obj && obj->funcs; obj++)
		kfree(obj->funcs);
	kfree(patch->objs);
	kfree(patch->states);
	kfree(patch);
}

static int check_records(void)
{
	const struct kpatch_func *f;
	const struct kpatch_callback *cb;
	const struct kpatch_state *st;

	if (__kpatch_funcs_end - __kpatch_funcs == 0) {
		pr_err("kpatch: %s: no functions to patch\n", THIS_MODULE->name);
		return -EINVAL;
	}
	for_each_record(f, funcs)
		if (!f->new_func || !f->old_name || !f->obj_name)
			goto bad;
	for_each_record(cb, callbacks)
		if (!cb->func || !cb->obj_name || cb->kind > KPATCH_POST_UNPATCH)
			goto bad;
	for_each_record(st, states)
		if (!st->id)	/* 0 ends the klp_state array */
			goto bad;
	return 0;
bad:
	pr_err("kpatch: %s: an incomplete record\n", THIS_MODULE->name);
	return -EINVAL;
}

/* Set @field of @c to @fn unless it is set already. */
#define set_callback(c, field, fn) \
	((c)->field ? -EEXIST : ((c)->field = (typeof((c)->field))(fn), 0))

/* The callback of @cb for @obj: one callback of each kind per object. */
static int add_callback(struct klp_object *obj, const struct kpatch_callback *cb)
{
	struct klp_callbacks *c = &obj->callbacks;
	unsigned long fn = (unsigned long)cb->func;
	int ret;

	switch (cb->kind) {
	case KPATCH_PRE_PATCH:
		ret = set_callback(c, pre_patch, fn);
		break;
	case KPATCH_POST_PATCH:
		ret = set_callback(c, post_patch, fn);
		break;
	case KPATCH_PRE_UNPATCH:
		ret = set_callback(c, pre_unpatch, fn);
		break;
	default:
		ret = set_callback(c, post_unpatch, fn);
		break;
	}
	if (ret)
		pr_err("kpatch: %s: two callbacks of kind %llu for %s\n", THIS_MODULE->name,
		       (unsigned long long)cb->kind, obj->name ? obj->name : "vmlinux");
	return ret;
}

static struct klp_state *build_states(void)
{
	size_t nr = __kpatch_states_end - __kpatch_states, i = 0;
	const struct kpatch_state *st;
	struct klp_state *states;

	if (!nr)
		return NULL;
	states = kcalloc(nr + 1, sizeof(*states), GFP_KERNEL);
	if (!states)
		return ERR_PTR(-ENOMEM);
	for_each_record(st, states) {
		states[i].id = (unsigned long)st->id;
		states[i].version = (unsigned int)st->version;
		i++;
	}
	return states;
}

/*
 * Objects come from the functions and the callbacks: count the functions of
 * each object, allocate, then fill.  There are a few objects (usually just
 * vmlinux), so the object lookup is a short scan.
 */
static int build_objects(struct klp_patch *patch)
{
	size_t nr_funcs = __kpatch_funcs_end - __kpatch_funcs;
	size_t nr_cbs = __kpatch_callbacks_end - __kpatch_callbacks;
	size_t nr_objs = 0, i, *count;
	const struct kpatch_func *f;
	const struct kpatch_callback *cb;
	int ret = -ENOMEM;

	count = kcalloc(nr_funcs + nr_cbs, sizeof(*count), GFP_KERNEL);
	patch->objs = kcalloc(nr_funcs + nr_cbs + 1, sizeof(*patch->objs), GFP_KERNEL);
	if (!count || !patch->objs)
		goto out;

	for_each_record(f, funcs)
		count[object_index(patch->objs, &nr_objs, f->obj_name)]++;
	for_each_record(cb, callbacks)
		object_index(patch->objs, &nr_objs, cb->obj_name);
	for (i = 0; i < nr_objs; i++) {
		/* an object with callbacks only gets an empty funcs[] */
		patch->objs[i].funcs = kcalloc(count[i] + 1, sizeof(struct klp_func),
					       GFP_KERNEL);
		if (!patch->objs[i].funcs)
			goto out;
		count[i] = 0;
	}
	for_each_record(f, funcs) {
		i = object_index(patch->objs, &nr_objs, f->obj_name);
		patch->objs[i].funcs[count[i]++] = (struct klp_func) {
			.old_name = kpatch_str(f->old_name),
			.new_func = (void *)(unsigned long)f->new_func,
			.old_sympos = (unsigned long)f->old_sympos,
		};
	}
	for_each_record(cb, callbacks) {
		ret = add_callback(&patch->objs[object_index(patch->objs, &nr_objs,
							      cb->obj_name)], cb);
		if (ret)
			goto out;
	}
	ret = 0;
out:
	kfree(count);
	return ret;
}

static struct klp_patch *build_patch(void)
{
	struct klp_patch *patch;
	int ret = check_records();

	if (ret)
		return ERR_PTR(ret);
	patch = kzalloc(sizeof(*patch), GFP_KERNEL);
	if (!patch)
		return ERR_PTR(-ENOMEM);
	ret = build_objects(patch);
	if (!ret) {
		patch->states = build_states();
		if (IS_ERR(patch->states)) {
			ret = PTR_ERR(patch->states);
			patch->states = NULL;
		}
	}
	if (ret) {
		free_patch(patch);
		return ERR_PTR(ret);
	}
	patch->mod = THIS_MODULE;
	patch->replace = KPATCH_REPLACE;
	return patch;
}

static int __init kpatch_init(void)
{
	int ret;

	kpatch_patch = build_patch();
	if (IS_ERR(kpatch_patch))
		return PTR_ERR(kpatch_patch);
	/* on failure klp_enable_patch() has released its references */
	ret = klp_enable_patch(kpatch_patch);
	if (ret) {
		free_patch(kpatch_patch);
		kpatch_patch = NULL;
	}
	return ret;
}

/* The module can only go once livepatch has let go of the patch. */
static void __exit kpatch_exit(void)
{
	free_patch(kpatch_patch);
}

module_init(kpatch_init);
module_exit(kpatch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("live patch built by kpatch-build");
