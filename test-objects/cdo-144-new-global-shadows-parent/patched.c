/* The patch adds a global function whose name a global of vmlinux already
 * has (vmlinux.symtab: cdo_shared_name in another file).  The new function
 * is included; the differ warns that the kernel keeps its own. */
#include <kernel-lite.h>

int cdo_user(int x)
{
	return x;
}

int cdo_shared_name(int x)
{
	return x * 7;
}
