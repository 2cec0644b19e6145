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
kpatch_build=$top/kpatch-build/kpatch-build
patch=$here/patches/01-cmdline-string.patch
stages=("check inputs" "build original objects" "build patched objects" "restore"
	"diff objects" "build module" "finish module")
failed=0

tree=$("$top/tests/kernel/build-test-kernel.sh" 6.1 | tail -n1) || { echo "FAIL sigint/setup: no test kernel"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Checksum of the sources and objects of a tree (the user's, or the private
# copy).  Archives and vmlinux.o are left out: a later build relinks them
# from the restored objects anyway.
checksum()
{
	(cd "$1" && find . -type f \( -name '*.[chSo]' -o -name '.config' -o -name 'Makefile' \
		-o -name 'Kconfig*' \) ! -name vmlinux.o ! -path './.tmp_*' -print0 |
		LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16
}

# A complete run first: it finds (or builds) the private copy.
if ! "$kpatch_build" -s "$tree" -n livepatch-sigint -o "$work" "$patch" >"$work/warmup" 2>&1; then
	tail -n 20 "$work/warmup" | sed 's/^/    /'
	echo "FAIL sigint/setup: kpatch-build failed"
	exit 1
fi
copy=$(sed -n 's/^kpatch-build: restored //p' "$work/warmup" | tail -n1)
[ -d "$copy" ] || { echo "FAIL sigint/setup: no private copy named in the output"; exit 1; }
tree_before=$(checksum "$tree")
copy_before=$(checksum "$copy")

for stage in "${stages[@]}"; do
	name=${stage// /-}
	out=$work/$name.out
	rm -f "$work/livepatch-sigint.ko"
	set -m	# a background job of a script would otherwise ignore SIGINT
	KPATCH_TEST_PAUSE_STAGE=$stage "$kpatch_build" -s "$tree" -n livepatch-sigint -o "$work" \
		"$patch" >"$out" 2>&1 &
	pid=$!
	set +m
	for ((i = 0; i < 3000; i++)); do
		grep -q "paused at stage" "$out" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if ! grep -q "paused at stage '$stage'" "$out"; then
		wait "$pid"
		echo "FAIL sigint/$name: kpatch-build never reached the stage"
		sed 's/^/    /' "$out" | tail -n 10
		failed=1
		continue
	fi
	kill -INT "$pid"
	wait "$pid"
	rc=$?
	why=
	[ "$rc" = 130 ] || why="exit $rc, want 130"
	[ -z "$why" ] && [ -e "$work/livepatch-sigint.ko" ] && why="a module was written"
	[ -z "$why" ] && [ "$(checksum "$copy")" != "$copy_before" ] && why="the private copy changed"
	if [ -n "$why" ]; then
		echo "FAIL sigint/$name: $why"
		sed 's/^/    /' "$out" | tail -n 10
		failed=1
	else
		echo "PASS sigint/$name"
	fi
done
if [ "$(checksum "$tree")" = "$tree_before" ]; then
	echo "PASS sigint/user-tree-unchanged"
else
	echo "FAIL sigint/user-tree-unchanged: the test kernel tree changed"
	failed=1
fi
exit $failed
