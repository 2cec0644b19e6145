/* CONFIG_CALL_PADDING and IBT: 16 bytes of padding before each function,
 * listed in __patchable_function_entries, then endbr64 and call __fentry__. */
#include <kernel-lite.h>

int cdo_pad(int x)
{
	return x * 72;
}

int cdo_pad_other(int x)
{
	return x * 73;
}
