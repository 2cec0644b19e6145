/* Lines added in one function move a printk(__LINE__) in an __init function below it. */
#include <kernel-lite.h>

int cdo_flag(int x)
{
	return x & 1;
}

static int __init cdo_setup(void)
{
	_printk("cdo: %s (%d)\n", __FILE__, __LINE__);
	return 0;
}
int (*cdo_setup_ptr)(void) = cdo_setup;
