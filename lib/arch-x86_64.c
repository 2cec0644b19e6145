// SPDX-License-Identifier: GPL-2.0
/* lib/arch-x86_64.c - the x86-64 relocation types (psABI table 4.9). */
#include "arch.h"

#include <elf.h>
#include <stddef.h>

/* What one relocation type does to the bytes it patches. */
struct reloc_fact {
	const char *name;	/* "R_X86_64_PC32"; NULL: slot not a known type */
	unsigned char width;	/* bytes patched (0: none or marker only) */
	bool pcrel;		/* value is relative to the patched place */
};

#define FACT(t, w, pc) [R_X86_64_##t] = { "R_X86_64_" #t, w, pc }

/* Indexed by type; 39 and 40 (the retired *_BND types) stay unknown. */
static const struct reloc_fact reloc_facts[] = {
	FACT(NONE, 0, false),
	FACT(64, 8, false),
	FACT(PC32, 4, true),
	FACT(GOT32, 4, false),
	FACT(PLT32, 4, true),
	FACT(COPY, 0, false),
	FACT(GLOB_DAT, 8, false),
	FACT(JUMP_SLOT, 8, false),
	FACT(RELATIVE, 8, false),
	FACT(GOTPCREL, 4, true),
	FACT(32, 4, false),
	FACT(32S, 4, false),
	FACT(16, 2, false),
	FACT(PC16, 2, true),
	FACT(8, 1, false),
	FACT(PC8, 1, true),
	FACT(DTPMOD64, 8, false),
	FACT(DTPOFF64, 8, false),
	FACT(TPOFF64, 8, false),
	FACT(TLSGD, 4, true),
	FACT(TLSLD, 4, true),
	FACT(DTPOFF32, 4, false),
	FACT(GOTTPOFF, 4, true),
	FACT(TPOFF32, 4, false),
	FACT(PC64, 8, true),
	FACT(GOTOFF64, 8, false),
	FACT(GOTPC32, 4, true),
	FACT(GOT64, 8, false),
	FACT(GOTPCREL64, 8, true),
	FACT(GOTPC64, 8, true),
	FACT(GOTPLT64, 8, false),
	FACT(PLTOFF64, 8, false),
	FACT(SIZE32, 4, false),
	FACT(SIZE64, 8, false),
	FACT(GOTPC32_TLSDESC, 4, true),
	FACT(TLSDESC_CALL, 0, false),
	FACT(TLSDESC, 16, false),
	FACT(IRELATIVE, 8, false),
	FACT(RELATIVE64, 8, false),
	FACT(GOTPCRELX, 4, true),
	FACT(REX_GOTPCRELX, 4, true),
};

static const struct reloc_fact *reloc_fact(uint32_t type)
{
	if (type >= sizeof(reloc_facts) / sizeof(reloc_facts[0]))
		return NULL;
	if (!reloc_facts[type].name)
		return NULL;
	return &reloc_facts[type];
}

bool arch_reloc_is_known(uint32_t type)
{
	return reloc_fact(type) != NULL;
}

int arch_reloc_width(uint32_t type)
{
	const struct reloc_fact *f = reloc_fact(type);

	return f ? f->width : 0;
}

bool arch_reloc_is_pcrel(uint32_t type)
{
	const struct reloc_fact *f = reloc_fact(type);

	return f && f->pcrel;
}

const char *arch_reloc_name(uint32_t type)
{
	const struct reloc_fact *f = reloc_fact(type);

	return f ? f->name : NULL;
}
