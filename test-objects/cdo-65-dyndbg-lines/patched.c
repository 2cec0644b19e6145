/* Dynamic debug: lines move above a pr_debug(); its descriptor's lineno changes. */
#include <kernel-lite.h>
/* three
 * more
 * lines */

struct _ddebug {
	const char *modname, *function, *filename, *format;
	unsigned int lineno:18;
	unsigned int class_id:6;
	unsigned int flags:8;
} __attribute__((aligned(8)));

extern void __dynamic_pr_debug(struct _ddebug *d, const char *fmt, ...);

#define cdo_pr_debug(fmt, ...) do {						\
	static struct _ddebug __attribute__((section("__dyndbg"), aligned(8)))	\
		descriptor = { "cdo", __func__, __FILE__, fmt, __LINE__, 0, 0 };	\
	if (descriptor.flags & 1)						\
		__dynamic_pr_debug(&descriptor, fmt, ##__VA_ARGS__);		\
} while (0)

int cdo_dbg(int x)
{
	cdo_pr_debug("cdo: x=%d\n", x);
	return x * 2;
}
