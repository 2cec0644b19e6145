/* gcc splits a function with a cheap early exit: the rest is foo.part.N. */
#include <kernel-lite.h>

struct cdo_buf {
	int len;
	int data[64];
};

extern void cdo_log_buf(const struct cdo_buf *b, int s);
extern int cdo_weigh(int x);
static int cdo_sum_buf(const struct cdo_buf *b)
{
	int i, s = 0;

	if (likely(!b->len))
		return 0;
	for (i = 0; i < b->len; i++)
		s += cdo_weigh(b->data[i]) * (i + 1);
	for (i = 0; i < b->len; i++)
		s ^= cdo_weigh(b->data[i] >> (i & 7));
	for (i = 0; i < b->len; i++)
		s -= cdo_weigh(b->data[i] + s);
	cdo_log_buf(b, s);
	cdo_log_buf(b, s + 1);
	cdo_log_buf(b, s + 2);
	cdo_log_buf(b, s + 3);
	cdo_log_buf(b, s + 4);
	cdo_log_buf(b, s + 5);
	return s;
}
int cdo_sum_a(const struct cdo_buf *b)
{
	return cdo_sum_buf(b) + 1;
}

int cdo_sum_b(const struct cdo_buf *b)
{
	return cdo_sum_buf(b) + 2;
}

int cdo_sum_c(const struct cdo_buf *b)
{
	return cdo_sum_buf(b) + 3;
}

int cdo_sum_d(const struct cdo_buf *b)
{
	return cdo_sum_buf(b) + 4;
}

