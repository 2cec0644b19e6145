/*
 * __UNIQUE_ID_ names carry a __COUNTER__ value.  The patch adds a
 * MODULE_DESCRIPTION (which takes a __UNIQUE_ID) before the table, so the
 * table's number goes from 0 to 1.  The names are spelled out because the
 * code must refer to the table.
 */
#include <kernel-lite.h>

static const char __UNIQUE_ID_cdo_tbl0[] = "abcdefghijklmnop";

int cdo_tbl_at(unsigned int i)
{
	return __UNIQUE_ID_cdo_tbl0[i & 15];
}
