/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lib/dwarf.h - facts read from the DWARF of a target (vmlinux, a module):
 * the sizes of the structs that special sections are arrays of, so that
 * they need not be passed in by hand.
 */
#ifndef KP_LIB_DWARF_H
#define KP_LIB_DWARF_H

#include <stddef.h>

/*
 * The size of "struct @struct_name" in the DWARF of the ELF file @path.
 * Returns 0 and sets *@size when a complete (non-declaration) definition
 * exists, 1 when the file has no DWARF or no such complete struct, -1 with
 * an error recorded when the file cannot be read as ELF or its DWARF is
 * broken.
 */
int dwarf_struct_size(const char *path, const char *struct_name, size_t *size);
/*
 * dwarf_struct_size() keeps the last file open and remembers its answers
 * (checked against the file's inode, size and mtime on each call); this
 * closes it and forgets them.
 */
void dwarf_forget(void);

#endif /* KP_LIB_DWARF_H */
