/* Callbacks: pre-patch and post-unpatch records for the patch module. */
#include <kernel-lite.h>
#include "kpatch-macros.h"

int cdo_feature(int x)
{
	return x + 11;
}

static int cdo_pre(struct klp_object *obj)
{
	printk("cdo: pre-patch %p\n", obj);
	return 0;
}
KPATCH_PRE_PATCH_CALLBACK(cdo_pre);

static void cdo_post_unpatch(struct klp_object *obj)
{
	printk("cdo: post-unpatch %p %p\n", obj, kpatch_this_patch());
}
KPATCH_POST_UNPATCH_CALLBACK(cdo_post_unpatch);
