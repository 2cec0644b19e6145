/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/unit/test-util.h - what the library's test programs share: the
 * PASS:/FAIL: line of a check, paths in the program's temporary folder, and
 * running a shell command.
 *
 * Define TEST_TMPDIR ("/tmp/test-NAME.XXXXXX", for mkdtemp) before
 * including it.  The program returns failures ? 1 : 0 in the end.
 */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static int failures;			/* FAIL lines printed so far */
static char tmpdir[] = TEST_TMPDIR;	/* the program's temporary folder */

/* One "PASS: name" or "FAIL: name" line. */
static inline void check(const char *name, bool ok)
{
	printf("%s: %s\n", ok ? "PASS" : "FAIL", name);
	if (!ok)
		failures++;
}

/* @name in tmpdir; the last 8 results stay valid. */
static inline const char *tmp_path(const char *name)
{
	static char buf[8][4096];
	static int next;
	char *p = buf[next++ % 8];

	snprintf(p, sizeof(buf[0]), "%s/%s", tmpdir, name);
	return p;
}

/* system() of the formatted command; says which command failed. */
static inline int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int run(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	ret = system(cmd);
	if (ret)
		fprintf(stderr, "command failed (%d): %s\n", ret, cmd);
	return ret;
}

#endif
