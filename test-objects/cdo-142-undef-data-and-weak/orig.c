/* A changed function reads a variable and calls a weak function that
 * neither vmlinux nor Module.symvers knows: both stay undefined for the
 * module link; the weak one stays weak (0 if nothing defines it). */
#include <kernel-lite.h>

int cdo_read(int x)
{
	return x;
}
