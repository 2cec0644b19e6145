/*
 * A static local whose owner is split by the patch: gcc moves the body,
 * and with it the static, into cdo_sum_buf.part.0.  Another function has a
 * static of the same name, so the name alone does not say which is which.
 */
#include <kernel-lite.h>

struct cdo_buf {
	int len;
	int data[64];
};

extern void cdo_log_buf(const struct cdo_buf *b, int s);
extern int cdo_weigh(int x);

int cdo_other(int x)
{
	static int calls;

	return calls += x;
}

static int cdo_sum_buf(const struct cdo_buf *b)
{
	static int calls;
	int i, s = 0;

	if (likely(!b->len))
		return 0;
	calls++;
	for (i = 0; i < b->len; i++)
		s += cdo_weigh(b->data[i]) * (i + 1);
	for (i = 0; i < b->len; i++)
		s ^= cdo_weigh(b->data[i] >> (i & 7));
	for (i = 0; i < b->len; i++)
		s -= cdo_weigh(b->data[i] + s);
	cdo_log_buf(b, s + calls);
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

int cdo_sum_calls(void)
{
	static int calls;

	return ++calls;
}
