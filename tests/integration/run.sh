#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# End-to-end tests of kpatch-build on the small test kernel (see README.md).
#
# Usage: [KP_TEST_KERNEL=6.1|6.12] tests/integration/run.sh [NAME...]
#
# NAME is a patch of tests/integration/patches/ without .patch, or
# "sigint-restore".  Prints "PASS integration/NAME" or "FAIL
# integration/NAME: reason" per test and ends with "N passed, N failed";
# exit 0 when all passed.
#
# Kernel series: KP_TEST_KERNEL (default 6.1) picks the test kernel of
# tests/kernel/build-test-kernel.sh.  With another series than 6.1 the tests
# are named integration-SERIES/NAME (e.g. "PASS integration-6.12/01-cmdline-string"),
# and patches-SERIES/ adapts the tests to that kernel:
#   - patches-SERIES/NAME.patch replaces patches/NAME.patch (same test, a patch
#     that applies to that source), patches-SERIES/NAME.check replaces
#     patches/NAME.check; either one alone falls back to patches/ for the other.
#   - patches-SERIES/SET lists the tests run when no NAME is given, in order:
#     one NAME a line (a patch or sigint-restore), "# comments", and
#     "skip NAME: reason" for a test of patches/ that does not run on that
#     series (printed as "SKIP integration-SERIES/NAME: reason", not counted).
#     Without a SET, every patch of patches/ and sigint-restore run.
# With 6.1 (the default), only patches/ is used: every patch, then sigint-restore.
#
# Env: KP_JOBS (make jobs, default nproc), KP_INTEGRATION_KEEP=1 (keep the
# work folder), KP_QEMU_TIMEOUT (seconds per boot, default 180),
# KP_TEST_KERNEL (see above).

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=SCRIPTDIR/../../scripts/lib/common.sh
. "$top/scripts/lib/common.sh"
# shellcheck source=SCRIPTDIR/../kernel/patch-test-lib.sh
. "$top/tests/kernel/patch-test-lib.sh"	# and the harness

kpatch_build=$top/kpatch-build/kpatch-build
kernel=$top/tests/kernel
patches_dir=$here/patches
series=${KP_TEST_KERNEL:-6.1}	# the test kernel: 6.1 or 6.12
series_dir=			# patches-$series/ when that series has one
jobs=${KP_JOBS:-$(nproc)}
copy=		# the private copy kpatch-build restores (from its output)

# Pick the series' test kernel and its folder of adapted tests.
select_series()
{
	case $series in
	6.1) harness_suite integration ;;
	6.12)
		harness_suite "integration-$series"
		[ -d "$here/patches-$series" ] && series_dir=$here/patches-$series
		;;
	*) die "KP_TEST_KERNEL=$series: expected 6.1 or 6.12" ;;
	esac
}

# test_file NAME EXT: the file NAME.EXT of the test, the series' own first.
test_file()
{
	if [ -n "$series_dir" ] && [ -f "$series_dir/$1.$2" ]; then
		printf '%s\n' "$series_dir/$1.$2"
	else
		printf '%s\n' "$patches_dir/$1.$2"
	fi
}

# missing_symbols KO NAME...: print the NAMEs that are not a function or
# object symbol of the module KO (e.g. a .cold part the module must carry).
missing_symbols()
{
	local ko=$1 syms n
	shift

	syms=$(readelf -sW "$ko" | awk '$4 == "FUNC" || $4 == "OBJECT" { print $8 }')
	for n in "$@"; do
		grep -qxF -- "$n" <<<"$syms" || printf '%s ' "$n"
	done
}

run_patch_test()
{
	local name=$1 patch check
	local dir=$work/$1 expect_rc expect_syms args mods rc t0 missing
	local module=livepatch-$1

	patch=$(test_file "$name" patch)
	check=$(test_file "$name" check)
	[ -f "$patch" ] || { fail "$name" "no $patch"; return 1; }
	[ -f "$check" ] || { fail "$name" "no $check"; return 1; }
	expect_rc=$(directive "$check" build-exit)
	expect_syms=$(directive "$check" module-symbols)
	args=$(directive "$check" build-args)
	mods=$(directive "$check" modules)
	mkdir -p "$dir"
	touch "$dir/stamp"
	sleep 1

	t0=$(date +%s.%N)
	# shellcheck disable=SC2086  # build-args is a word list
	"$kpatch_build" -s "$tree" -j "$jobs" -n "$module" -o "$dir" $args "$patch" \
		>"$dir/kpatch-build.out" 2>&1
	rc=$?
	msg "$name: kpatch-build exit $rc in $(elapsed "$t0") s"
	grep -E '^kpatch-build: [a-z ]+ \(' "$dir/kpatch-build.out" | sed 's/^/    /' >&2
	[ -z "$copy" ] && copy=$(sed -n 's/^kpatch-build: restored //p' "$dir/kpatch-build.out" | tail -n1)

	if [ -n "$(find "$tree" -newer "$dir/stamp" -print -quit)" ]; then
		fail "$name" "kpatch-build changed the kernel tree: $(find "$tree" -newer "$dir/stamp" | head -n3 | tr '\n' ' ')"
		return 1
	fi
	check_build_result "$name" "$check" "$dir/kpatch-build.out" "$rc" || return 1
	if [ "${expect_rc:-0}" != 0 ]; then
		pass "$name"
		return 0
	fi
	[ -f "$dir/$module.ko" ] || { fail "$name" "no $module.ko"; return 1; }
	# shellcheck disable=SC2086  # module-symbols is a word list
	missing=$(missing_symbols "$dir/$module.ko" $expect_syms)
	[ -z "$missing" ] ||
		{ fail "$name" "$module.ko has no symbol ${missing% }"; return 1; }
	# shellcheck disable=SC2086
	boot_and_check "$name" "$dir/$module.ko" "$check" $mods && pass "$name"
}

# A checksum of every file of a folder (names and contents).
tree_checksum() { files_checksum "$1" ! -path './.git/*'; }

# The files of the private copy that a patched build may touch.
copy_checksum()
{
	files_checksum "$1" \( -name '*.[cho]' -o -name '.*.cmd' -o -name '*.a' \) \
		! -name vmlinux.o ! -path './.tmp_*'
}

# SIGINT while the patched objects are being built: the run must end with
# 130, say "restored", and leave the user's tree and the private copy as
# they were.
run_sigint_test()
{
	local name=sigint-restore dir=$work/sigint-restore patch
	local tree_before copy_before state

	patch=$(test_file 01-cmdline-string patch)
	mkdir -p "$dir"
	if [ -z "$copy" ]; then
		# a first, complete run finds (and if need be builds) the private copy
		"$kpatch_build" -s "$tree" -j "$jobs" -n livepatch-sigint -o "$dir" "$patch" \
			>"$dir/warmup.out" 2>&1
		copy=$(sed -n 's/^kpatch-build: restored //p' "$dir/warmup.out" | tail -n1)
	fi
	[ -d "$copy" ] || { fail "$name" "cannot find the private copy"; return 1; }
	state=${copy%/linux}/state
	tree_before=$(tree_checksum "$tree")
	copy_before=$(copy_checksum "$copy")

	interrupt_patched_build "$state" "$dir/kpatch-build.out" \
		"$kpatch_build" -s "$tree" -j "$jobs" -n livepatch-sigint -o "$dir" "$patch"
	sigint_restored "$name" $? "$dir/kpatch-build.out" "$state" "$copy" || return 1
	[ "$(tree_checksum "$tree")" = "$tree_before" ] ||
		{ fail "$name" "the kernel tree $tree changed"; return 1; }
	[ "$(copy_checksum "$copy")" = "$copy_before" ] ||
		{ fail "$name" "the private copy $copy was not restored"; return 1; }
	pass "$name"
}

# read_set FILE: the tests of a series' SET into names[]; a "skip NAME:
# reason" line becomes "skip:NAME:reason", printed as SKIP in its turn.
read_set()
{
	local line n why

	while IFS= read -r line; do
		line=${line%%#*}
		read -r n why <<<"$line" || true
		case $n in
		'') ;;
		skip)
			if [[ $why != ?*:*[![:space:]]* ]]; then
				die "$1: a skip line needs 'skip NAME: reason': $line"
			fi
			n=${why%%:*}
			why=${why#*:}
			names+=("skip:${n%"${n##*[![:space:]]}"}:${why#"${why%%[![:space:]]*}"}")
			;;
		*) names+=("$n") ;;
		esac
	done <"$1"
}

# The default tests into names[]: the series' SET, or every patch then
# sigint-restore.
default_tests()
{
	local n

	if [ -n "$series_dir" ] && [ -f "$series_dir/SET" ]; then
		read_set "$series_dir/SET"
		return
	fi
	for n in "$patches_dir"/*.patch; do
		n=${n##*/}
		names+=("${n%.patch}")
	done
	names+=(sigint-restore)
}

names=()	# the tests to run, in order

main()
{
	local n

	if ! [ -x "$top/build/create-diff-object" ] || ! [ -x "$top/build/create-klp-module" ]; then
		die "build the tools first (make)"
	fi
	select_series
	tree=$("$kernel/build-test-kernel.sh" "$series" | tail -n1) || die "no $series test kernel"
	guest_kernel=$tree/arch/x86/boot/bzImage
	guest_module_dir=$tree
	[ "$(id -u)" = 0 ] || die "needs root (mkinitramfs.sh)"
	work_folder kpatch-integration "${KP_INTEGRATION_KEEP:-0}"

	if [ $# -gt 0 ]; then
		names=("$@")
	else
		default_tests
	fi
	for n in "${names[@]}"; do
		case $n in
		sigint-restore) run_sigint_test ;;
		skip:*:*) n=${n#skip:}; skip "${n%%:*}" "${n#*:}" ;;
		*) run_patch_test "$n" ;;
		esac
	done
	[ "$h_skipped" = 0 ] || msg "$h_skipped skipped (the SKIP lines say why)"
	summary
}

main "$@"
