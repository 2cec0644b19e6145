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
	cases=("${@%/}")
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

# Compile objects (paths relative to the tree) in the private copy.
compile_objects()
{
	make -C "$work/linux" ARCH=x86_64 KCFLAGS="$KCFLAGS_DIFF" -j"$(nproc)" "$@" >>"$log" 2>&1 ||
		{ tail -n 30 "$log" >&2; die "compiling $* failed"; }
}

# patch_cases apply|revert CASE...: apply or revert the change.patch of each CASE.
patch_cases()
{
	local how=$1 c
	local args=(-d "$work/linux" -p1 --quiet)

	if [ "$how" = apply ]; then
		args+=(--forward)
	else
		args+=(-R)
	fi
	for c in "${@:2}"; do
		patch "${args[@]}" <"$here/$c/change.patch" || die "$c: change.patch does not $how"
	done
}

# obj_of[case]: the object to compile; round_of[case]: in which round its patch is
# applied (cases that change the same file go to different rounds)
declare -A obj_of round_of cases_of_src
rounds=0
for c in "${cases[@]}"; do
	[ -f "$here/$c/change.patch" ] || die "no $here/$c/change.patch"
	src=$(patched_source "$here/$c/change.patch")
	obj_of[$c]=${src%.c}.o
	round_of[$c]=$((${cases_of_src[$src]:-0} + 1))
	cases_of_src[$src]=${round_of[$c]}
	[ "${round_of[$c]}" -le "$rounds" ] || rounds=${round_of[$c]}
done

msg "copying $tree"
t0=$SECONDS
cp -a "$tree" "$work/linux"
msg "copied in $((SECONDS - t0)) s"

t0=$SECONDS
mapfile -t objs < <(printf '%s\n' "${obj_of[@]}" | sort -u)
compile_objects "${objs[@]}"
for c in "${cases[@]}"; do
	cp "$work/linux/${obj_of[$c]}" "$here/$c/ORIG.o"
done

for ((r = 1; r <= rounds; r++)); do
	batch=()
	for c in "${cases[@]}"; do
		[ "${round_of[$c]}" = $r ] && batch+=("$c")
	done
	patch_cases apply "${batch[@]}"
	objs=()
	for c in "${batch[@]}"; do
		objs+=("${obj_of[$c]}")
	done
	compile_objects "${objs[@]}"
	for c in "${batch[@]}"; do
		cp "$work/linux/${obj_of[$c]}" "$here/$c/PATCHED.o"
		if cmp -s "$here/$c/ORIG.o" "$here/$c/PATCHED.o"; then
			msg "$c: ${obj_of[$c]} (ORIG.o and PATCHED.o are identical)"
		else
			msg "$c: ${obj_of[$c]}"
		fi
	done
	patch_cases revert "${batch[@]}"
done
msg "compiled in $((SECONDS - t0)) s"

readelf -sW "$tree/vmlinux" | xz -9 >"$here/vmlinux.symtab.xz"
cp "$tree/Module.symvers" "$here/Module.symvers"
ko=$tree/samples/kobject/kobject-example.ko
[ ! -f "$ko" ] || readelf -sW "$ko" | xz -9 >"$here/kobject-example.symtab.xz"
msg "done: ${#cases[@]} cases"
