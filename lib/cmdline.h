/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lib/cmdline.h - what the command lines of the C tools have in common:
 * -h/--help, --version, -d/--debug, and one message for a bad option.
 * A tool loops on cmdline_next() for its own options; then argv[optind] is
 * its first operand.
 */
#ifndef KP_LIB_CMDLINE_H
#define KP_LIB_CMDLINE_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

/* What cmdline_next() returns instead of an option. */
enum {
	CMDLINE_END = -1,	/* no more options: argv[optind] is the first operand */
	CMDLINE_EXIT = -2,	/* --help or --version was printed: exit 0 */
	CMDLINE_ERROR = -3,	/* a bad option, recorded (log.h): exit 1 */
	CMDLINE_VERSION = 0x1000, /* the option value of --version */
};

/* The long options every tool has; put them in its struct option list. */
#define CMDLINE_COMMON_OPTIONS							\
	{ "help", no_argument, NULL, 'h' },					\
	{ "version", no_argument, NULL, CMDLINE_VERSION }

/* One tool's command line. */
struct cmdline {
	const char *tool;		/* its name: messages and --version */
	void (*usage)(FILE *f);		/* prints its --help text */
	const char *shortopts;		/* getopt_long's short options, "h" among them */
	const struct option *longopts;	/* its long options, CMDLINE_COMMON_OPTIONS among them */
	bool started;			/* cmdline_next() was called (getopt reset) */
};

/*
 * The next option for the tool to handle, or CMDLINE_END, CMDLINE_EXIT or
 * CMDLINE_ERROR.  -h, --version, and -d/--debug (turns debug() output on)
 * are handled here.  The first call starts getopt afresh.
 */
int cmdline_next(struct cmdline *cl, int argc, char **argv);

#endif /* KP_LIB_CMDLINE_H */
