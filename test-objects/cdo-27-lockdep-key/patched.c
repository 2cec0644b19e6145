/* mutex_init() makes "static struct lock_class_key __key": special. */
#include <kernel-lite.h>

struct cdo_dev {
	struct mutex lock;
	int users;
};

void cdo_dev_init(struct cdo_dev *d)
{
	mutex_init(&d->lock);
	d->users = 1;
}
