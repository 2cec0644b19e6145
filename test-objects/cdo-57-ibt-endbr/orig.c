/* With IBT the fentry call sits after an endbr64, at offset 4. */
#include <kernel-lite.h>

int cdo_ibt(int x)
{
	return x * 11;
}

int cdo_ibt_other(int x)
{
	return x * 13;
}
