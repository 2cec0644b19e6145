/*
 * HWMON_CHANNEL_INFO() tables: a table of pointers to compound literals
 * that themselves point to compound literals (the config arrays), all
 * __compound_literal.N, in writable data (drivers/nvme/host/hwmon.c).
 * The tables do not change; the patch changes a function (in Debian's
 * 6.1.190 update, a header that hwmon.c includes changed).  The literals
 * of the second level are paired through the first level's, not refused
 * as "changed initialised data".
 */
#include <kernel-lite.h>

struct cdo_channel_info {
	int type;
	const unsigned int *config;
};

#define CDO_CHANNEL_INFO(t, ...) \
	(&(struct cdo_channel_info) { .type = t, .config = (unsigned int []) { __VA_ARGS__, 0 } })

static const struct cdo_channel_info *cdo_info[] = {
	CDO_CHANNEL_INFO(1, 0x10),
	CDO_CHANNEL_INFO(2, 0x20, 0x21, 0x22),
	NULL
};

const struct cdo_channel_info **cdo_get_info(void)
{
	return cdo_info;
}

int cdo_read(int channel)
{
	return cdo_info[0]->config[0] + channel * 2;
}
