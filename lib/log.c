// SPDX-License-Identifier: GPL-2.0
/* lib/log.c - record the first error, print it once. */
#include "log.h"

#include <errno.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *tool_name = "kpatch";
static bool debug_on;
static char message[1024];
static enum error_kind kind = ERR_NONE;

void log_init(const char *tool) { tool_name = tool; }
void log_set_debug(bool on) { debug_on = on; }
bool log_debug_enabled(void) { return debug_on; }

/* Record the message unless an earlier error (the root cause) is pending. */
static int record(enum error_kind k, const char *prefix, const char *fmt,
		  va_list ap, const char *suffix)
{
	size_t n;

	if (kind != ERR_NONE)
		return -1;
	kind = k;
	n = (size_t)snprintf(message, sizeof(message), "%s", prefix);
	if (n < sizeof(message))
		vsnprintf(message + n, sizeof(message) - n, fmt, ap);
	if (suffix) {
		n = strlen(message);
		snprintf(message + n, sizeof(message) - n, ": %s", suffix);
	}
	return -1;
}

static void where(char *buf, size_t len, const char *obj, const char *sym, uint64_t off)
{
	if (sym)
		snprintf(buf, len, "%s: %s+0x%llx: ", obj, sym, (unsigned long long)off);
	else
		snprintf(buf, len, "%s: ", obj);
}

int error_at(const char *obj, const char *sym, uint64_t off, const char *fmt, ...)
{
	char prefix[512];
	va_list ap;

	where(prefix, sizeof(prefix), obj, sym, off);
	va_start(ap, fmt);
	record(ERR_INPUT, prefix, fmt, ap, NULL);
	va_end(ap);
	return -1;
}

int refuse_at(const char *obj, const char *sym, uint64_t off, const char *fmt, ...)
{
	char prefix[512];
	va_list ap;

	where(prefix, sizeof(prefix), obj, sym, off);
	va_start(ap, fmt);
	record(ERR_UNPATCHABLE, prefix, fmt, ap, NULL);
	va_end(ap);
	return -1;
}

int refuse_obj(const char *obj, const char *fmt, ...)
{
	char prefix[512];
	va_list ap;

	where(prefix, sizeof(prefix), obj, NULL, 0);
	va_start(ap, fmt);
	record(ERR_UNPATCHABLE, prefix, fmt, ap, NULL);
	va_end(ap);
	return -1;
}

int error_obj(const char *obj, const char *fmt, ...)
{
	char prefix[512];
	va_list ap;

	where(prefix, sizeof(prefix), obj, NULL, 0);
	va_start(ap, fmt);
	record(ERR_INPUT, prefix, fmt, ap, NULL);
	va_end(ap);
	return -1;
}

int error_elf(const char *obj, const char *fmt, ...)
{
	char prefix[512];
	const char *msg = elf_errmsg(-1);
	va_list ap;

	where(prefix, sizeof(prefix), obj, NULL, 0);
	va_start(ap, fmt);
	record(ERR_INPUT, prefix, fmt, ap, msg ? msg : "unknown libelf error");
	va_end(ap);
	return -1;
}

int error_sys(const char *obj, const char *fmt, ...)
{
	char prefix[512];
	const char *msg = strerror(errno);
	va_list ap;

	where(prefix, sizeof(prefix), obj, NULL, 0);
	va_start(ap, fmt);
	record(ERR_INPUT, prefix, fmt, ap, msg);
	va_end(ap);
	return -1;
}

bool error_pending(void) { return kind != ERR_NONE; }
enum error_kind error_kind(void) { return kind; }
const char *error_message(void) { return message; }

void error_clear(void)
{
	kind = ERR_NONE;
	message[0] = '\0';
}

int log_report_error(void)
{
	if (kind == ERR_NONE) {
		fprintf(stderr, "%s: error: failed without a recorded reason\n", tool_name);
		return ERR_INPUT;
	}
	fprintf(stderr, "%s: error: %s\n", tool_name, message);
	return kind;
}

void warn(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: warning: ", tool_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void debug(const char *fmt, ...)
{
	va_list ap;

	if (!debug_on)
		return;
	fprintf(stderr, "%s: debug: ", tool_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
