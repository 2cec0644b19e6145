// SPDX-License-Identifier: GPL-2.0
/* lib/cmdline.c - the options every C tool has (see cmdline.h). */
#include "cmdline.h"

#include <string.h>

#include "log.h"

/* getopt_long said '?': an unknown option, or one without its argument. */
static int bad_option(const struct cmdline *cl, char **argv)
{
	bool is_short = optopt > 0 && optopt < 256;
	const char *opt = is_short ? strchr(cl->shortopts, optopt) : NULL;

	if (opt && opt[1] == ':')
		return error_obj("command line", "option -%c needs an argument (see --help for the "
				 "usage)", optopt);
	if (is_short)
		return error_obj("command line", "unknown option -%c (see --help for the usage)",
				 optopt);
	return error_obj("command line", "%s option '%s' (see --help for the usage)",
			 optopt ? "an argument is missing after the" : "unknown", argv[optind - 1]);
}

int cmdline_next(struct cmdline *cl, int argc, char **argv)
{
	int c;

	if (!cl->started) {
		optind = 0;	/* a full reset: the tool may parse more than once (fuzzer) */
		opterr = 0;
		cl->started = true;
	}
	for (;;) {
		c = getopt_long(argc, argv, cl->shortopts, cl->longopts, NULL);
		switch (c) {
		case 'd':
			log_set_debug(true);
			continue;
		case 'h':
			cl->usage(stdout);
			return CMDLINE_EXIT;
		case CMDLINE_VERSION:
			printf("%s %s\n", cl->tool, KP_VERSION);
			return CMDLINE_EXIT;
		case '?':
			bad_option(cl, argv);
			return CMDLINE_ERROR;
		default:
			return c < 0 ? CMDLINE_END : c;
		}
	}
}
