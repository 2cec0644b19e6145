/*
 * clang's strings: the integrated assembler leaves no labels, only
 * .rodata.str1.1 + offset (gcc keeps .LC labels in .rodata.<fn>.str1.1).
 * One string grows: every other string moves in the section, but only the
 * function using the changed one is changed.
 */
#include <kernel-lite.h>

int cdo_hello(int x)
{
	pr_info("cdo: hello there, %d\n", x);
	return x + 1;
}

int cdo_bye(int x)
{
	pr_info("%s: bye %d\n", __func__, x);
	return x + 2;
}

const char *cdo_word(int x)
{
	return x ? "yes" : "no";
}
