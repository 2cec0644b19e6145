/* User-space reads with __ex_table entries (and stac/clac alternatives). */
#include <kernel-lite.h>

int cdo_get_flag(const u32 __user *uptr, u32 *out)
{
	u32 v;

	stac();
	get_user_u32(v, uptr, efault);
	clac();
	*out = v & 1;
	return 0;
efault:
	clac();
	return -EFAULT;
}

int cdo_get_word(const u32 __user *uptr, u32 *out)
{
	u32 v;

	stac();
	get_user_u32(v, uptr, efault);
	clac();
	*out = v;
	return 0;
efault:
	clac();
	return -EFAULT;
}
