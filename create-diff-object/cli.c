// SPDX-License-Identifier: GPL-2.0
/* cli.c - the create-diff-object program; the work is in cdo_main(). */
#include "cdo.h"

int main(int argc, char **argv)
{
	return cdo_main(argc, argv);
}
