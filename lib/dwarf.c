// SPDX-License-Identifier: GPL-2.0
/*
 * lib/dwarf.c - struct sizes from DWARF, with libdw.
 *
 * The file is opened through libdwfl's offline reporting because a
 * relocatable object (a .o, a .ko) needs its .rela.debug_* applied before
 * its DWARF can be read (string offsets are in the relocations); libdwfl
 * does that, libdw alone does not.  No separate debuginfo file is looked
 * for: the answer is about the file we were given.
 */
#include "dwarf.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

/* Does the ELF file have DWARF (plain or compressed) at all? */
static int has_debug_info(const char *path, bool *has)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	Elf *elf;
	int fd, ret = -1;

	*has = false;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return error_elf(path, "libelf is out of date");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error_sys(path, "cannot open");
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf) {
		error_elf(path, "cannot open as ELF");
		goto out;
	}
	if (elf_kind(elf) != ELF_K_ELF) {
		error_obj(path, "not an ELF file");
		goto out;
	}
	if (elf_getshdrstrndx(elf, &shstrndx)) {
		error_elf(path, "cannot read the section name table index");
		goto out;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		const char *name;

		if (!gelf_getshdr(scn, &sh)) {
			error_elf(path, "cannot read a section header");
			goto out;
		}
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (name && (!strcmp(name, ".debug_info") || !strcmp(name, ".zdebug_info"))) {
			*has = true;
			break;
		}
	}
	ret = 0;
out:
	elf_end(elf);
	close(fd);
	return ret;
}

/* Never look for a separate debuginfo file. */
static int no_separate_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname,
				 Dwarf_Addr base, const char *file_name,
				 const char *debuglink_file, GElf_Word debuglink_crc,
				 char **debuginfo_file_name)
{
	(void)mod; (void)userdata; (void)modname; (void)base; (void)file_name;
	(void)debuglink_file; (void)debuglink_crc; (void)debuginfo_file_name;
	return -1;
}

static const Dwfl_Callbacks offline_callbacks = {
	.find_debuginfo = no_separate_debuginfo,
	.section_address = dwfl_offline_section_address,
};

static bool is_struct_definition(Dwarf_Die *die, const char *name)
{
	const char *die_name;

	if (dwarf_tag(die) != DW_TAG_structure_type || dwarf_hasattr(die, DW_AT_declaration))
		return false;
	die_name = dwarf_diename(die);
	return die_name && !strcmp(die_name, name);
}

/*
 * Look among the top-level DIEs of one unit (file-scope types live
 * there).  0 found, 1 not found, -1 broken DWARF.
 */
static int unit_find_struct(Dwarf_Die *unit, const char *name, size_t *size)
{
	Dwarf_Die die;
	int ret, bytes;

	ret = dwarf_child(unit, &die);
	while (ret == 0) {
		if (is_struct_definition(&die, name)) {
			bytes = dwarf_bytesize(&die);
			if (bytes >= 0) {
				*size = (size_t)bytes;
				return 0;
			}
		}
		ret = dwarf_siblingof(&die, &die);
	}
	return ret < 0 ? -1 : 1;
}

static int dwarf_find_struct(const char *path, Dwarf *dw, const char *name, size_t *size)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Die unit;
	int ret;

	while ((ret = dwarf_get_units(dw, cu, &cu, NULL, NULL, &unit, NULL)) == 0) {
		ret = unit_find_struct(&unit, name, size);
		if (ret < 0)
			return error_obj(path, "broken DWARF: %s", dwarf_errmsg(-1));
		if (ret == 0)
			return 0;
	}
	if (ret < 0)
		return error_obj(path, "broken DWARF units: %s", dwarf_errmsg(-1));
	return 1;
}

int dwarf_struct_size(const char *path, const char *struct_name, size_t *size)
{
	Dwfl_Module *mod;
	Dwarf_Addr bias;
	bool has;
	Dwfl *dwfl;
	Dwarf *dw;
	int ret = -1;

	if (has_debug_info(path, &has))
		return -1;
	if (!has)
		return 1;
	dwfl = dwfl_begin(&offline_callbacks);
	if (!dwfl)
		return error_obj(path, "cannot start libdwfl: %s", dwfl_errmsg(-1));
	dwfl_report_begin(dwfl);
	mod = dwfl_report_offline(dwfl, path, path, -1);
	if (!mod || dwfl_report_end(dwfl, NULL, NULL)) {
		error_obj(path, "cannot open for DWARF: %s", dwfl_errmsg(-1));
		goto out;
	}
	dw = dwfl_module_getdwarf(mod, &bias);
	if (!dw) {
		error_obj(path, "cannot read DWARF: %s", dwfl_errmsg(-1));
		goto out;
	}
	ret = dwarf_find_struct(path, dw, struct_name, size);
out:
	dwfl_end(dwfl);
	return ret;
}
