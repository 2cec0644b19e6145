/* SPDX-License-Identifier: GPL-2.0 */
/* lib/hash.h - chained hash tables of embedded nodes (struct obj_htab). */
#ifndef KP_LIB_HASH_H
#define KP_LIB_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "elf.h"

/* FNV-1a of a NUL-terminated string. */
static inline uint64_t hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ull;
	return h;
}

/* Mix of two integers. */
static inline uint64_t hash_u64_pair(uint64_t a, uint64_t b)
{
	uint64_t h = a * 0x9e3779b97f4a7c15ull ^ (b + 0x7f4a7c159e3779b9ull + (a << 6));

	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ull;
	return h ^ (h >> 29);
}

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

/* Size the table for about @n entries (load factor <= 1). 0 or -1 (ENOMEM). */
int htab_init(struct obj_htab *h, size_t n);
void htab_free(struct obj_htab *h);
static inline struct obj_hnode **htab_bucket(const struct obj_htab *h, uint64_t key)
{
	return &h->buckets[key & (h->nr_buckets - 1)];
}
/* Add a node under @key (stored in node->key); grows and rehashes the
 * table when it holds more than twice as many nodes as buckets.
 * Returns 0 or -1 (ENOMEM, table unchanged). */
int htab_add(struct obj_htab *h, struct obj_hnode *node, uint64_t key);

/* Iterate the chain of the bucket for @key; callers compare the full key. */
#define htab_for_each(h, k, node) \
	for ((node) = (h)->buckets ? *htab_bucket((h), (k)) : NULL; (node); \
	     (node) = (node)->next) \
		if ((node)->key == (k))

#endif /* KP_LIB_HASH_H */
