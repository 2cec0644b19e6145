/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lib/arch.h - facts about the target architecture's relocations.
 *
 * Only x86-64 exists today (arch-x86_64.c); another architecture would be
 * another arch-<name>.c implementing the same three functions.
 */
#ifndef KP_LIB_ARCH_H
#define KP_LIB_ARCH_H

#include <stdbool.h>
#include <stdint.h>

/* Bytes patched by relocation @type; 0 for R_*_NONE, markers and unknown types. */
int arch_reloc_width(uint32_t type);
/* Is @type computed relative to the place it patches (S + A - P)? */
bool arch_reloc_is_pcrel(uint32_t type);
/* "R_X86_64_PC32", ...; NULL for an unknown type. */
const char *arch_reloc_name(uint32_t type);
/* Is @type a relocation type this architecture knows? */
bool arch_reloc_is_known(uint32_t type);

#endif /* KP_LIB_ARCH_H */
