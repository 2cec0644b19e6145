/* Retpoline thunks and return thunks, listed by objtool-lite. */
#include <kernel-lite.h>

struct cdo_ops {
	int (*handle)(int);
	int (*undo)(int);
};

int cdo_dispatch(const struct cdo_ops *ops, int x)
{
	if (!ops->handle)
		return 0;
	return ops->handle(x) + 2;
}

int cdo_rollback(const struct cdo_ops *ops, int x)
{
	if (!ops->undo)
		return 0;
	return ops->undo(x) - 1;
}
