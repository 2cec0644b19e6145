// SPDX-License-Identifier: GPL-2.0
/*
 * kp-oot: a tiny out-of-tree module for the kpatch-build --oot-module test.
 * /sys/kernel/kp_oot/value prints "<label> original"; the test patch changes
 * it to "<label> patched".  The label is a static variable of this module, so
 * the patched function refers to a local symbol of the module: the livepatch
 * has to resolve it through a .klp.rela section (label= can change it).
 */
#include <linux/init.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/sysfs.h>

static struct kobject *kp_oot_kobj;
static char kp_oot_label[16] = "kp_oot";
module_param_string(label, kp_oot_label, sizeof(kp_oot_label), 0444);

static ssize_t value_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%s original\n", kp_oot_label);
}

static struct kobj_attribute value_attr = __ATTR_RO(value);

static int __init kp_oot_init(void)
{
	int ret;

	kp_oot_kobj = kobject_create_and_add("kp_oot", kernel_kobj);
	if (!kp_oot_kobj)
		return -ENOMEM;
	ret = sysfs_create_file(kp_oot_kobj, &value_attr.attr);
	if (ret)
		kobject_put(kp_oot_kobj);
	return ret;
}

static void __exit kp_oot_exit(void)
{
	kobject_put(kp_oot_kobj);
}

module_init(kp_oot_init);
module_exit(kp_oot_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kpatch-build out-of-tree module test");
