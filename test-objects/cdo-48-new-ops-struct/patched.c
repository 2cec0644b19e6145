/* The patch adds a new const ops table pointing at a new function. */
#include <kernel-lite.h>

struct cdo_ops {
	int (*op)(int);
};

const struct cdo_ops *cdo_last_ops;

static int cdo_default_op(int x)
{
	return x + 100;
}

static const struct cdo_ops cdo_default_ops = {
	.op = cdo_default_op,
};

int cdo_call(const struct cdo_ops *ops, int x)
{
	if (!ops)
		ops = &cdo_default_ops;
	cdo_last_ops = ops;
	return ops->op(x);
}
