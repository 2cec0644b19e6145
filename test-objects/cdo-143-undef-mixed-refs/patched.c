/* One changed function with the three kinds of reference to what the
 * object does not define: an export (cdo_exported_api, Module.symvers), a
 * non-exported global of vmlinux (cdo_backend, defined here as in the
 * kernel: a livepatch relocation) and a name nobody knows
 * (cdo_patch_helper: left for the module link). */
#include <kernel-lite.h>

int cdo_exported_api(int x);
int cdo_patch_helper(int x);

noinline int cdo_backend(int x)
{
	return x * 3;
}

int cdo_frontend(int x)
{
	return cdo_exported_api(x) + cdo_backend(x) + cdo_patch_helper(x);
}
