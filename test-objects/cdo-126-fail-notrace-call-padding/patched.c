/* A notrace function of a CONFIG_CALL_PADDING kernel: padded and listed in
 * __patchable_function_entries like any other, but no fentry call. */
#include <kernel-lite.h>

notrace int cdo_pad_fast(int x)
{
	return x + 82;
}

int cdo_pad_traced(int x)
{
	return x + 83;
}
