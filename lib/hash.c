// SPDX-License-Identifier: GPL-2.0
/* lib/hash.c - chained hash tables of embedded nodes. */
#include "hash.h"

#include <errno.h>
#include <stdlib.h>

#define HTAB_MIN_BUCKETS 16

int htab_init(struct obj_htab *h, size_t n)
{
	size_t nr = HTAB_MIN_BUCKETS;

	while (nr < n && nr < ((size_t)1 << 40))
		nr <<= 1;
	h->buckets = calloc(nr, sizeof(*h->buckets));
	if (!h->buckets) {
		h->nr_buckets = 0;
		h->nr_entries = 0;
		errno = ENOMEM;
		return -1;
	}
	h->nr_buckets = nr;
	h->nr_entries = 0;
	return 0;
}

void htab_free(struct obj_htab *h)
{
	free(h->buckets);
	h->buckets = NULL;
	h->nr_buckets = 0;
	h->nr_entries = 0;
}

/* Double the buckets and move every node by its stored key. */
static int htab_grow(struct obj_htab *h)
{
	size_t nr = h->nr_buckets * 2;
	struct obj_hnode **buckets = calloc(nr, sizeof(*buckets));

	if (!buckets) {
		errno = ENOMEM;
		return -1;
	}
	for (size_t i = 0; i < h->nr_buckets; i++) {
		struct obj_hnode *node = h->buckets[i], *next;

		for (; node; node = next) {
			struct obj_hnode **b = &buckets[node->key & (nr - 1)];

			next = node->next;
			node->next = *b;
			*b = node;
		}
	}
	free(h->buckets);
	h->buckets = buckets;
	h->nr_buckets = nr;
	return 0;
}

int htab_add(struct obj_htab *h, struct obj_hnode *node, uint64_t key)
{
	struct obj_hnode **b;

	if (!h->buckets && htab_init(h, HTAB_MIN_BUCKETS))
		return -1;
	if (h->nr_entries >= 2 * h->nr_buckets && htab_grow(h))
		return -1;
	node->key = key;
	b = htab_bucket(h, key);
	node->next = *b;
	*b = node;
	h->nr_entries++;
	return 0;
}
