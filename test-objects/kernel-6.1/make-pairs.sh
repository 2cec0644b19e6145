#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Make the ORIG.o / PATCHED.o pairs of the kernel-6.1 golden cases.
#
# Usage: test-objects/kernel-6.1/make-pairs.sh [CASE...]     (default: every case)
#
# For each folder <case>/ with a change.patch: compile the object of the one .c file
# the patch touches in the test kernel tree (tests/kernel/build-test-kernel.sh 6.1),
# with the kernel's own flags plus KCFLAGS="-ffunction-sections -fdata-sections",
# before (ORIG.o) and after (PATCHED.o) applying the patch.  The work is done in a
# private copy of the tree, so the cached tree is never changed.  Also writes
# vmlinux.symtab.xz (readelf -sW of the test kernel's vmlinux) and Module.symvers.
# The expect files are written by hand: see README.md.

set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=SCRIPTDIR/../../scripts/lib/common.sh
. "$top/scripts/lib/common.sh"

KCFLAGS_DIFF="-ffunction-sections -fdata-sections"

need_cmd make patch readelf xz

tree=$("$top/tests/kernel/build-test-kernel.sh" 6.1 | tail -n1)
[ -f "$tree/vmlinux" ] || die "no vmlinux in $tree"

if [ $# -gt 0 ]; then
	cases=("$@")
else
	mapfile -t cases < <(cd "$here" && for p in */change.patch; do dirname "$p"; done)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/make-pairs.XXXXXX")
trap 'rm -rf "$work"' EXIT
log=$work/make.log

# The one .c file a patch changes.
patched_source()
{
	local files

	files=$(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$1")
	[ "$(printf '%s\n' "$files" | wc -l)" = 1 ] || die "$1 must change exactly one file"
	case $files in
	*.c) printf '%s\n' "$files" ;;
	*) die "$1 changes $files, not a .c file" ;;
	esac
}

compile_object()
{
	make -C "$work/linux" ARCH=x86_64 KCFLAGS="$KCFLAGS_DIFF" "$1" >>"$log" 2>&1 ||
		{ tail -n 30 "$log" >&2; die "compiling $1 failed"; }
}

make_pair()
{
	local name=$1 dir=$here/$1 src obj

	[ -f "$dir/change.patch" ] || die "no $dir/change.patch"
	src=$(patched_source "$dir/change.patch")
	obj=${src%.c}.o
	compile_object "$obj"
	cp "$work/linux/$obj" "$dir/ORIG.o"
	patch -d "$work/linux" -p1 --forward --quiet <"$dir/change.patch" ||
		die "$name: change.patch does not apply"
	compile_object "$obj"
	cp "$work/linux/$obj" "$dir/PATCHED.o"
	patch -d "$work/linux" -p1 -R --quiet <"$dir/change.patch" ||
		die "$name: change.patch does not revert"
	if cmp -s "$dir/ORIG.o" "$dir/PATCHED.o"; then
		msg "$name: $obj (ORIG.o and PATCHED.o are identical)"
	else
		msg "$name: $obj"
	fi
}

msg "copying $tree"
cp -a "$tree" "$work/linux"
for c in "${cases[@]}"; do
	make_pair "${c%/}"
done

readelf -sW "$tree/vmlinux" | xz -9 >"$here/vmlinux.symtab.xz"
cp "$tree/Module.symvers" "$here/Module.symvers"
ko=$tree/samples/kobject/kobject-example.ko
[ ! -f "$ko" ] || readelf -sW "$ko" | xz -9 >"$here/kobject-example.symtab.xz"
msg "done: ${#cases[@]} cases"
