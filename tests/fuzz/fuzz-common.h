/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/fuzz/fuzz-common.h - what both fuzz targets share: in-memory files.
 *
 * The library opens objects by path, so each input is written to a memfd
 * and opened as /proc/self/fd/N.  A memfd lives only as long as the
 * process: nothing is left in /tmp, not even after a crash.
 */
#ifndef KP_FUZZ_COMMON_H
#define KP_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* A memfd and the path that reopens it. */
struct mem_file {
	int fd;			/* the memfd, -1 before mem_file_create */
	char path[32];		/* "/proc/self/fd/<fd>" */
};

/* The harness itself is broken (not the code under test): stop loudly. */
static inline void fuzz_die(const char *what)
{
	perror(what);
	abort();
}

static inline void mem_file_create(struct mem_file *f, const char *name)
{
	f->fd = memfd_create(name, MFD_CLOEXEC);
	if (f->fd < 0)
		fuzz_die("memfd_create");
	snprintf(f->path, sizeof(f->path), "/proc/self/fd/%d", f->fd);
}

/* Replace the whole content of @f with @size bytes of @data. */
static inline void mem_file_set(struct mem_file *f, const void *data, size_t size)
{
	const uint8_t *p = data;
	size_t done = 0;

	if (ftruncate(f->fd, 0))
		fuzz_die("ftruncate");
	while (done < size) {
		ssize_t n = pwrite(f->fd, p + done, size - done, (off_t)done);

		if (n <= 0)
			fuzz_die("pwrite");
		done += (size_t)n;
	}
}

#endif /* KP_FUZZ_COMMON_H */
