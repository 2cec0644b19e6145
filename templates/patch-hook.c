// SPDX-License-Identifier: GPL-2.0
/*
 * patch-hook.c - the init and exit of a patch module built by kpatch-build.
 *
 * create-diff-object leaves one struct kpatch_func record per replaced
 * function in .kpatch.funcs; kpatch.lds brackets that section with
 * __kpatch_funcs and __kpatch_funcs_end.  At load time the records are
 * grouped by object ("vmlinux" or a module name) into the klp_object and
 * klp_func arrays of one klp_patch, which is handed to klp_enable_patch().
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

/* Defined by kpatch.lds around the .kpatch.funcs records. */
extern const struct kpatch_func __kpatch_funcs[], __kpatch_funcs_end[];

#define for_each_kpatch_func(f) \
	for ((f) = __kpatch_funcs; (f) < __kpatch_funcs_end; (f)++)

/* The patch; its objs[] and each objs[i].funcs[] end with a zeroed entry. */
static struct klp_patch *kpatch_patch;

static const char *kpatch_str(kpm_u64 field)
{
	return (const char *)(unsigned long)field;
}

/* klp_object.name of a record: NULL means vmlinux. */
static const char *klp_object_name(const struct kpatch_func *f)
{
	const char *name = kpatch_str(f->obj_name);

	return strcmp(name, "vmlinux") ? name : NULL;
}

static bool is_same_object(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Index of the object named @name in objs[0..*nr), added when missing. */
static size_t object_index(struct klp_object *objs, size_t *nr, const char *name)
{
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
	kfree(patch);
}

static int check_records(size_t nr)
{
	const struct kpatch_func *f;

	if (!nr) {
		pr_err("kpatch: %s: no functions to patch\n", THIS_MODULE->name);
		return -EINVAL;
	}
	for_each_kpatch_func(f) {
		if (!f->new_func || !f->old_name || !f->obj_name) {
			pr_err("kpatch: %s: record %ld is incomplete\n", THIS_MODULE->name,
			       (long)(f - __kpatch_funcs));
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * Two passes over the records: count the functions of each object, then
 * fill the arrays.  There are a few objects (usually just vmlinux), so the
 * object lookup is a short scan.
 */
static struct klp_patch *build_patch(void)
{
	size_t nr = __kpatch_funcs_end - __kpatch_funcs, nr_objs = 0, i;
	const struct kpatch_func *f;
	struct klp_patch *patch;
	size_t *count;

	if (check_records(nr))
		return ERR_PTR(-EINVAL);
	patch = kzalloc(sizeof(*patch), GFP_KERNEL);
	count = kcalloc(nr, sizeof(*count), GFP_KERNEL);
	if (!patch || !count)
		goto nomem;
	patch->objs = kcalloc(nr + 1, sizeof(*patch->objs), GFP_KERNEL);
	if (!patch->objs)
		goto nomem;

	for_each_kpatch_func(f)
		count[object_index(patch->objs, &nr_objs, klp_object_name(f))]++;
	for (i = 0; i < nr_objs; i++) {
		patch->objs[i].funcs = kcalloc(count[i] + 1, sizeof(struct klp_func),
					       GFP_KERNEL);
		if (!patch->objs[i].funcs)
			goto nomem;
		count[i] = 0;
	}
	for_each_kpatch_func(f) {
		i = object_index(patch->objs, &nr_objs, klp_object_name(f));
		patch->objs[i].funcs[count[i]++] = (struct klp_func) {
			.old_name = kpatch_str(f->old_name),
			.new_func = (void *)(unsigned long)f->new_func,
			.old_sympos = (unsigned long)f->old_sympos,
		};
	}
	kfree(count);

	patch->mod = THIS_MODULE;
	patch->replace = KPATCH_REPLACE;
	return patch;

nomem:
	kfree(count);
	free_patch(patch);
	return ERR_PTR(-ENOMEM);
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
