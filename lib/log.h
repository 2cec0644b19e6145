/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lib/log.h - the one place that prints.
 *
 * Deep code never prints an error and never exits: it records the first
 * error (the root cause) with error_at()/error_obj()/... which return -1,
 * and the failure travels back up as a return value.  main() then calls
 * log_report_error() once, which prints
 *
 *	tool: error: object: symbol+0xoff: what and why
 *
 * and returns the exit code that goes with the kind of error.
 */
#ifndef KP_LIB_LOG_H
#define KP_LIB_LOG_H

#include <stdbool.h>
#include <stdint.h>

/* The kind of the recorded error, which decides the exit code. */
enum error_kind {
	ERR_NONE = 0,		/* nothing recorded */
	ERR_INPUT = 1,		/* bad input, I/O, internal: exit 1 */
	ERR_UNPATCHABLE = 2,	/* a change that cannot be live patched: exit 2 */
};

void log_init(const char *tool);	/* tool name used as the prefix */
void log_set_debug(bool on);		/* enable debug() output */
bool log_debug_enabled(void);

/* Record an error "obj: sym+0xoff: msg" (sym NULL: "obj: msg"). Return -1. */
int error_at(const char *obj, const char *sym, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Record an error "obj: msg". Return -1. */
int error_obj(const char *obj, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Like error_obj, with ": <libelf message>" appended. */
int error_elf(const char *obj, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Like error_obj, with ": <strerror(errno)>" appended. */
int error_sys(const char *obj, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Record a refusal (exit 2): "obj: sym+0xoff: msg". Return -1. */
int refuse_at(const char *obj, const char *sym, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Record a refusal (exit 2): "obj: msg". Return -1. */
int refuse_obj(const char *obj, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

bool error_pending(void);		/* has an error been recorded? */
enum error_kind error_kind(void);	/* the kind of the recorded error */
const char *error_message(void);	/* the recorded message, "" if none */
void error_clear(void);			/* forget the recorded error */
/* Print "tool: error: <message>" to stderr; return the exit code (1 or 2). */
int log_report_error(void);

/* Non-fatal output: "tool: warning: ..." to stderr; "tool: debug: ..." when enabled. */
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* KP_LIB_LOG_H */
