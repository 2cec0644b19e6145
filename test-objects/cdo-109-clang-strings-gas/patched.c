/*
 * clang's strings assembled by GNU as (LLVM_IAS=0): .L.str.N labels are
 * kept as symbols of .rodata.str1.1 where GNU as needs them (the file name
 * of a __bug_table entry: .L.str.N - .), renumbered whenever strings are
 * added.  cdo_hello's string changes and a new function with strings comes
 * first: the labels are renumbered and every other string moves, but only
 * cdo_hello is changed.
 */
#include <kernel-lite.h>

int cdo_first(int x)
{
	WARN_ON(x < 0);
	pr_info("cdo: first %d\n", x);
	return x;
}

int cdo_hello(int x)
{
	pr_info("cdo: hello there, %d\n", x);
	return x + 1;
}

int cdo_bye(int x)
{
	pr_info("%s: bye %d\n", __func__, x);
	WARN_ON(x > 100);
	return x + 2;
}

const char *cdo_word(int x)
{
	return x ? "yes" : "no";
}
