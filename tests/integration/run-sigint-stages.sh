#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# SIGINT in every stage of kpatch-build: each run must end with exit 130 and
# leave the test kernel tree and kpatch-build's private copy as they were.
# kpatch-build pauses at the start of the stage named by
# KPATCH_TEST_PAUSE_STAGE, which makes the moment of the signal exact.
# Prints "PASS sigint/<stage>" or "FAIL sigint/<stage>: why" per stage.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=SCRIPTDIR/../lib/harness.sh
. "$top/tests/lib/harness.sh"
harness_suite sigint
kpatch_build=$top/kpatch-build/kpatch-build
patch=$here/patches/01-cmdline-string.patch
stages=("check inputs" "build original objects" "build patched objects" "restore"
	"diff objects" "build module" "finish module")

tree=$("$top/tests/kernel/build-test-kernel.sh" 6.1 | tail -n1) || abort setup "no test kernel"
work_folder kpatch-sigint

# Checksum of the sources and objects of a tree (the user's, or the private
# copy).  Archives and vmlinux.o are left out: a later build relinks them
# from the restored objects anyway.
checksum()
{
	files_checksum "$1" \( -name '*.[chSo]' -o -name '.config' -o -name 'Makefile' \
		-o -name 'Kconfig*' \) ! -name vmlinux.o ! -path './.tmp_*'
}

# A complete run first: it finds (or builds) the private copy.
if ! "$kpatch_build" -s "$tree" -n livepatch-sigint -o "$work" "$patch" >"$work/warmup" 2>&1; then
	tail -n 20 "$work/warmup" | sed 's/^/    /'
	abort setup "kpatch-build failed"
fi
copy=$(sed -n 's/^kpatch-build: restored //p' "$work/warmup" | tail -n1)
[ -d "$copy" ] || abort setup "no private copy named in the output"
tree_before=$(checksum "$tree")
copy_before=$(checksum "$copy")

for stage in "${stages[@]}"; do
	name=${stage// /-}
	out=$work/$name.out
	rm -f "$work/livepatch-sigint.ko"
	interrupt_at_stage "$stage" "$out" "$kpatch_build" -s "$tree" -n livepatch-sigint \
		-o "$work" "$patch"
	rc=$?
	why=
	[ "$rc" = 255 ] && why="kpatch-build never reached the stage"
	[ -z "$why" ] && [ "$rc" != 130 ] && why="exit $rc, want 130"
	[ -z "$why" ] && [ -e "$work/livepatch-sigint.ko" ] && why="a module was written"
	[ -z "$why" ] && [ "$(checksum "$copy")" != "$copy_before" ] && why="the private copy changed"
	if [ -n "$why" ]; then
		fail "$name" "$why"
		sed 's/^/    /' "$out" | tail -n 10
	else
		pass "$name"
	fi
done
if [ "$(checksum "$tree")" = "$tree_before" ]; then
	pass user-tree-unchanged
else
	fail user-tree-unchanged "the test kernel tree changed"
fi
harness_status
