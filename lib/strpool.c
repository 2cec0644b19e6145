// SPDX-License-Identifier: GPL-2.0
/* lib/strpool.c - an allocation arena, and deduplicated string tables. */
#include "strpool.h"

#include <errno.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"

#define CHUNK_SIZE	(256 * 1024)
#define ARENA_ALIGN	alignof(max_align_t)

/* One block of the arena. */
struct pool_chunk {
	struct pool_chunk *next;	/* older chunk */
	size_t used;			/* bytes handed out from data */
	size_t size;			/* bytes in data */
	alignas(max_align_t) unsigned char data[];	/* the memory */
};

struct obj_strpool {
	struct pool_chunk *chunks;	/* newest (current) chunk first */
};

struct obj_strpool *strpool_new(void)
{
	struct obj_strpool *pool = calloc(1, sizeof(*pool));

	if (!pool)
		errno = ENOMEM;
	return pool;
}

void strpool_free(struct obj_strpool *pool)
{
	struct pool_chunk *c, *next;

	if (!pool)
		return;
	for (c = pool->chunks; c; c = next) {
		next = c->next;
		free(c);
	}
	free(pool);
}

static struct pool_chunk *chunk_new(size_t size)
{
	struct pool_chunk *c = calloc(1, sizeof(*c) + size);

	if (!c) {
		errno = ENOMEM;
		return NULL;
	}
	c->size = size;
	return c;
}

void *strpool_alloc(struct obj_strpool *pool, size_t size)
{
	struct pool_chunk *c = pool->chunks;
	size_t need = (size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);

	if (need < size) {
		errno = ENOMEM;
		return NULL;
	}
	/* Big requests get a chunk of their own behind the current one. */
	if (need > CHUNK_SIZE / 4) {
		struct pool_chunk *big = chunk_new(need);

		if (!big)
			return NULL;
		if (c) {
			big->next = c->next;
			c->next = big;
		} else {
			pool->chunks = big;
		}
		big->used = need;
		return big->data;
	}
	if (!c || c->size - c->used < need) {
		c = chunk_new(CHUNK_SIZE);
		if (!c)
			return NULL;
		c->next = pool->chunks;
		pool->chunks = c;
	}
	c->used += need;
	return c->data + c->used - need;
}

void *strpool_memdup(struct obj_strpool *pool, const void *buf, size_t len)
{
	void *p = strpool_alloc(pool, len ? len : 1);

	if (p && len)
		memcpy(p, buf, len);
	return p;
}

const char *strpool_strdup(struct obj_strpool *pool, const char *s)
{
	return strpool_memdup(pool, s, strlen(s) + 1);
}

int strtab_init(struct strtab_out *t)
{
	memset(t, 0, sizeof(*t));
	t->cap = 4096;
	t->buf = malloc(t->cap);
	t->nr_slots = 1024;
	t->slots = malloc(t->nr_slots * sizeof(*t->slots));
	if (!t->buf || !t->slots) {
		strtab_free(t);
		errno = ENOMEM;
		return -1;
	}
	for (size_t i = 0; i < t->nr_slots; i++)
		t->slots[i].offset = SIZE_MAX;
	t->buf[0] = '\0';
	t->len = 1;
	return 0;
}

void strtab_free(struct strtab_out *t)
{
	free(t->buf);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

/* Double the index and re-place every string by its stored hash. */
static int strtab_grow_index(struct strtab_out *t)
{
	size_t nr = t->nr_slots * 2;
	struct strtab_slot *slots = malloc(nr * sizeof(*slots));

	if (!slots) {
		errno = ENOMEM;
		return -1;
	}
	for (size_t i = 0; i < nr; i++)
		slots[i].offset = SIZE_MAX;
	for (size_t i = 0; i < t->nr_slots; i++) {
		size_t j;

		if (t->slots[i].offset == SIZE_MAX)
			continue;
		for (j = t->slots[i].hash & (nr - 1); slots[j].offset != SIZE_MAX;
		     j = (j + 1) & (nr - 1))
			;
		slots[j] = t->slots[i];
	}
	free(t->slots);
	t->slots = slots;
	t->nr_slots = nr;
	return 0;
}

/* Append @len bytes plus a NUL to the table; the offset or -1. */
static int64_t strtab_append(struct strtab_out *t, const char *s, size_t len)
{
	size_t off = t->len;

	if (t->cap - t->len < len + 1) {
		size_t cap = t->cap;
		char *buf;

		while (cap - t->len < len + 1)
			cap *= 2;
		buf = realloc(t->buf, cap);
		if (!buf) {
			errno = ENOMEM;
			return -1;
		}
		t->buf = buf;
		t->cap = cap;
	}
	memcpy(t->buf + off, s, len);
	t->buf[off + len] = '\0';
	t->len += len + 1;
	return (int64_t)off;
}

int64_t strtab_add(struct strtab_out *t, const char *s)
{
	uint64_t h;
	size_t i, len;
	int64_t off;

	if (!*s)
		return 0;
	if (2 * (t->nr_used + 1) > t->nr_slots && strtab_grow_index(t))
		return -1;
	h = hash_str(s);
	for (i = h & (t->nr_slots - 1); t->slots[i].offset != SIZE_MAX;
	     i = (i + 1) & (t->nr_slots - 1)) {
		if (t->slots[i].hash == h && !strcmp(t->buf + t->slots[i].offset, s))
			return (int64_t)t->slots[i].offset;
	}
	len = strlen(s);
	off = strtab_append(t, s, len);
	if (off < 0)
		return -1;
	t->slots[i].hash = h;
	t->slots[i].offset = (size_t)off;
	t->nr_used++;
	return off;
}
