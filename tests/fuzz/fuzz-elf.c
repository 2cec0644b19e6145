// SPDX-License-Identifier: GPL-2.0
/*
 * tests/fuzz/fuzz-elf.c - libFuzzer target for the ELF reader.
 *
 * Each input is an object file: obj_open_read() must either reject it with a
 * recorded error or build a model whose lookups answer consistently; then
 * obj_close() must free everything (LeakSanitizer checks).  The lookups
 * check only what their contract in lib/elf.h promises about the returned
 * entity, so a failed check is a real bug, reported through abort().
 */
#include <sanitizer/common_interface_defs.h>
#include <string.h>

#include "elf.h"
#include "log.h"
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct mem_file input = { .fd = -1 };

/*
 * An invariant of the model does not hold: report it as a crash.  The
 * message goes through the sanitizer's report channel, which libFuzzer
 * keeps open when it closes stderr (-close_fd_mask=2).
 */
static void check(bool ok, const char *what, const char *name)
{
	char msg[512];

	if (ok)
		return;
	snprintf(msg, sizeof(msg), "fuzz-elf: model check failed: %s (\"%s\")",
		 what, name ? name : "?");
	__sanitizer_report_error_summary(msg);
	abort();
}

static void check_sections(const struct obj *elf)
{
	struct obj_section *sec, *found;

	for_each_sec(elf, sec) {
		if (sec->removed)
			continue;
		check(sec->name != NULL, "section without a name", "");
		(void)is_debug_sec(sec);
		if (!sec->name[0])
			continue;
		found = find_section_by_name(elf, sec->name);
		check(found && !strcmp(found->name, sec->name),
		      "find_section_by_name misses", sec->name);
	}
	(void)find_section_by_name(elf, ".text");
	(void)find_section_by_name(elf, "__mcount_loc");
}

static void check_symbols(const struct obj *elf)
{
	struct obj_symbol *sym, *found;

	for_each_sym(elf, sym) {
		check(find_symbol_by_index(elf, sym->index) == sym,
		      "find_symbol_by_index", sym->name);
		if (!sym->name || !sym->name[0])
			continue;
		found = find_symbol_by_name(elf, sym->name);
		check(found && !strcmp(found->name, sym->name),
		      "find_symbol_by_name misses", sym->name);
		if (!sym->sec || (!is_func_sym(sym) && !is_object_sym(sym)) || !sym->size)
			continue;
		found = find_symbol_covering(sym->sec, sym->offset);
		check(!found || (found->offset <= sym->offset &&
				 sym->offset - found->offset < found->size),
		      "find_symbol_covering returns a symbol not covering", sym->name);
		found = find_symbol_at(sym->sec, sym->offset);
		check(found && found->offset == sym->offset,
		      "find_symbol_at misses", sym->name);
	}
	(void)find_symbol_by_index(elf, elf->nr_symbols);
	(void)find_symbol_by_index(elf, (size_t)-1);
}

static void check_relocs(const struct obj *elf)
{
	struct obj_section *rsec;
	struct obj_reloc *r, *found;

	for_each_sec(elf, rsec) {
		if (!is_rela_sec(rsec) || !rsec->base || rsec->removed)
			continue;
		for_each_reloc(rsec, r) {
			found = find_reloc_by_offset(elf, rsec->base, r->offset);
			check(found && found->offset == r->offset &&
			      found->sec && found->sec->base == rsec->base,
			      "find_reloc_by_offset misses", rsec->name);
			/* A base may have a second rela section (.klp.rela.*);
			 * the range search sees the one in base->rela only. */
			if (rsec->base->rela != rsec)
				continue;
			found = find_reloc_in_range(elf, rsec->base, r->offset, 1);
			check(found && found->offset == r->offset,
			      "find_reloc_in_range misses", rsec->name);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct obj *elf;

	if (input.fd < 0)
		mem_file_create(&input, "fuzz-elf-input");
	mem_file_set(&input, data, size);

	error_clear();
	elf = obj_open_read(input.path);
	if (!elf) {
		check(error_pending(), "obj_open_read failed without recording an error", "");
		error_clear();
		return 0;
	}
	check_sections(elf);
	check_symbols(elf);
	check_relocs(elf);
	obj_close(elf);
	return 0;
}
