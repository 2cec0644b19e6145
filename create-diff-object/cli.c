// SPDX-License-Identifier: GPL-2.0
/* cli.c - the create-diff-object program; the work is in cdo_main(). */
#include "cdo.h"

int main(int argc, char **argv)
{
#ifndef __SANITIZE_ADDRESS__	/* sanitizer builds free all, so that leaks show */
	cdo_exit_without_freeing();
#endif
	return cdo_main(argc, argv);
}
