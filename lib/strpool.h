/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lib/strpool.h - memory that lives as long as its object, and string
 * tables for output.
 *
 * struct obj_strpool is an arena: names, symbols and sections of one
 * struct obj are carved out of large chunks and freed all at once by
 * strpool_free().  struct strtab_out builds an ELF string table with each
 * distinct string stored once.
 */
#ifndef KP_LIB_STRPOOL_H
#define KP_LIB_STRPOOL_H

#include <stddef.h>
#include <stdint.h>

struct obj_strpool;

struct obj_strpool *strpool_new(void);			/* NULL: ENOMEM */
void strpool_free(struct obj_strpool *pool);		/* frees everything */
/* @size zeroed bytes aligned for any type; NULL: ENOMEM. */
void *strpool_alloc(struct obj_strpool *pool, size_t size);
/* A copy of @len bytes; NULL: ENOMEM. */
void *strpool_memdup(struct obj_strpool *pool, const void *buf, size_t len);
/* A copy of a NUL-terminated string; NULL: ENOMEM. */
const char *strpool_strdup(struct obj_strpool *pool, const char *s);

/* One slot of the string table's dedup index. */
struct strtab_slot {
	uint64_t hash;			/* hash_str() of the string */
	size_t offset;			/* its offset in buf; SIZE_MAX: empty slot */
};

/* An ELF string table being built ("\0" first, each string once). */
struct strtab_out {
	char *buf;			/* the table */
	size_t len;			/* bytes used in buf */
	size_t cap;			/* bytes allocated for buf */
	struct strtab_slot *slots;	/* open-addressing index of the strings */
	size_t nr_slots;		/* a power of two */
	size_t nr_used;			/* slots holding a string */
};

int strtab_init(struct strtab_out *t);			/* 0 or -1 (ENOMEM) */
void strtab_free(struct strtab_out *t);
/* The offset of @s in the table (added if new); "" is 0.  -1: ENOMEM. */
int64_t strtab_add(struct strtab_out *t, const char *s);

#endif /* KP_LIB_STRPOOL_H */
