/* An ops table in .data..read_mostly is pointed at another function. */
#include <kernel-lite.h>

struct cdo_ops {
	int (*op)(int);
};

static noinline int cdo_op_v1(int x)
{
	return x + 1;
}

static noinline int cdo_op_v2(int x)
{
	return x + 2;
}

struct cdo_ops cdo_ops_table __read_mostly = {
	.op = cdo_op_v2,
};

int cdo_run_op(int x)
{
	return cdo_ops_table.op(x) + cdo_op_v1(x) + cdo_op_v2(x);
}
