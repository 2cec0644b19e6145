/*
 * A module's id table, made global by MODULE_DEVICE_TABLE()'s alias, points
 * to a descriptor whose contents the patch changes (drivers/media/rc/imon.c
 * in Debian's 6.1.190 update).  Refused, and the message names the table
 * and the descriptor, not the alias.
 */
#include <kernel-lite.h>

struct cdo_descr {
	int keys[4];
};

struct cdo_id {
	int vendor;
	const struct cdo_descr *info;
};

static const struct cdo_descr cdo_oem_descr = { { 1, 2, 3, 4 } };

static const struct cdo_id cdo_id_table[] = {
	{ 0x15c2, &cdo_oem_descr },
	{ 0, NULL },
};
extern typeof(cdo_id_table) __mod_usb__cdo_id_table_device_table
	__attribute__((unused, alias("cdo_id_table")));

int cdo_probe(int i)
{
	return cdo_id_table[i].info->keys[0];
}
