/* A static function that gcc turns into an .isra clone changes. */
#include <kernel-lite.h>

struct cdo_cfg {
	int mul;
	int unused[8];
	int add;
};

static noinline int cdo_scale(const struct cdo_cfg *cfg, int x)
{
	return x * cfg->mul + cfg->add;
}

int cdo_apply(const struct cdo_cfg *cfg, int x)
{
	return cdo_scale(cfg, x) + cdo_scale(cfg, x + 1);
}
