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

kpatch_build=$top/kpatch-build/kpatch-build
kernel=$top/tests/kernel
patches_dir=$here/patches
series=${KP_TEST_KERNEL:-6.1}	# the test kernel: 6.1 or 6.12
series_dir=			# patches-$series/ when that series has one
suite=integration		# the prefix of the test names
jobs=${KP_JOBS:-$(nproc)}
passed=0
failed=0
skipped=0
copy=		# the private copy kpatch-build restores (from its output)

pass() { echo "PASS $suite/$1"; passed=$((passed + 1)); }
fail() { echo "FAIL $suite/$1: $2"; failed=$((failed + 1)); return 1; }
skip() { echo "SKIP $suite/$1: $2"; skipped=$((skipped + 1)); }

# Pick the series' test kernel and its folder of adapted tests.
select_series()
{
	case $series in
	6.1) ;;
	6.12)
		suite=integration-$series
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

# directive FILE KEY: the value of the "#@ KEY: value" line of a .check file.
directive()
{
	sed -n "s/^#@ *$2: *//p" "$1" | head -n1
}

# directives FILE KEY: the values of every "#@ KEY: value" line, one a line.
directives()
{
	sed -n "s/^#@ *$2: *//p" "$1"
}

# Show the end of a file on stderr, indented.
show_tail()
{
	tail -n "${2:-15}" "$1" 2>/dev/null | sed 's/^/    /' >&2
}

elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# The /init of a guest: load the extra modules, then observe the behaviour
# before, while and after the patch is loaded.
write_guest_init()
{
	local out=$1 name=$2 extra=$3 patch_first=$4

	cat >"$out" <<EOF
#!/bin/sh
. /guest-lib.sh
guest_setup
. /modules/test.check
load_modules()
{
	for m in $extra; do
		insmod /modules/\$m || t_fail "insmod \$m"
	done
}
[ "$patch_first" = yes ] || load_modules
# optional in the .check: observe, is_patched, is_unpatched; they may read T_STAGE
type observe >/dev/null 2>&1 || observe() { :; }
type is_patched >/dev/null 2>&1 || is_patched() { cat >/dev/null; }
type is_unpatched >/dev/null 2>&1 || is_unpatched() { cat >/dev/null; }

T_STAGE=before
out=\$(observe 2>&1)
t_mark BEFORE "\$out"
echo "\$out" | is_unpatched || t_fail "before the patch: not the original behaviour"
klp_load $name.ko $name || t_fail "klp_load $name"
[ "$patch_first" = yes ] && load_modules
T_STAGE=patched
out=\$(observe 2>&1)
t_mark PATCHED "\$out"
echo "\$out" | is_patched || t_fail "patched: the new behaviour is not seen"
klp_unload $name || t_fail "klp_unload $name"
T_STAGE=after
out=\$(observe 2>&1)
t_mark AFTER "\$out"
echo "\$out" | is_unpatched || t_fail "after unloading: not the original behaviour"
check_dmesg_clean || t_fail "the kernel log has warnings"
t_pass
EOF
}

# Show the observations of a guest's console log on stderr, with the lines
# that follow a marker (observe's output may have several lines).
show_markers()
{
	awk '/^T-(BEFORE|PATCHED|AFTER|KLP): / { sub(/^T-/, ""); print "    " $0; more = 1; next }
	     /^T-/ { more = 0 }
	     more { print "        " $0 }' "$1" >&2
}

# boot_and_check NAME KO CHECK EXTRA...: run the guest, judge its markers.
boot_and_check()
{
	local name=$1 ko=$2 check=$3 dir=$work/$1 extra=() m rc result why t0 mod
	local patch_first
	shift 3

	patch_first=$(directive "$check" patch-first)

	mod=${ko##*/}
	mod=${mod%.ko}

	for m in "$@"; do
		[ -f "$tree/$m" ] || { fail "$name" "no module $tree/$m for #@ modules"; return 1; }
		extra+=("$tree/$m")
	done
	cp "$check" "$dir/test.check"
	write_guest_init "$dir/init" "$mod" "$(for m in "$@"; do printf '%s ' "${m##*/}"; done)" \
		"${patch_first:-no}"
	"$kernel/mkinitramfs.sh" "$dir/initramfs.cpio.gz" "$dir/init" "$ko" "$dir/test.check" \
		"${extra[@]}" 2>"$dir/mkinitramfs.err" ||
		{ show_tail "$dir/mkinitramfs.err"; fail "$name" "mkinitramfs failed"; return 1; }
	t0=$(date +%s.%N)
	"$kernel/qemu-run.sh" "$tree/arch/x86/boot/bzImage" "$dir/initramfs.cpio.gz" \
		"$dir/console.log" "${KP_QEMU_TIMEOUT:-180}"
	rc=$?
	msg "$name: guest ran in $(elapsed "$t0") s (qemu exit $rc)"
	result=$(sed -n 's/^T-RESULT: //p' "$dir/console.log" | head -n1)
	show_markers "$dir/console.log"
	if [ "$rc" = 0 ] && [ "$result" = PASS ]; then
		return 0
	fi
	why=$(sed -n 's/^T-FAIL: //p' "$dir/console.log" | head -n1)
	grep -E '^T-DMESG|Kernel panic|BUG:|WARNING:' "$dir/console.log" | tail -n 30 >&2
	fail "$name" "${why:-guest ended without a result (qemu exit $rc, log $dir/console.log)}"
}

# The functions kpatch-build reported, sorted, on one line.
reported_functions()
{
	sed -n 's/^[^ ]*: \(changed\|new\) function: //p' "$1" | sort -u | tr '\n' ' ' | sed 's/ $//'
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

# check_build_messages NAME CHECK OUT: every "#@ build-message" line of CHECK
# is in the kpatch-build output OUT.
check_build_messages()
{
	local name=$1 check=$2 out=$3 m

	while IFS= read -r m; do
		[ -n "$m" ] || continue
		grep -qF -- "$m" "$out" && continue
		show_tail "$out"
		fail "$name" "kpatch-build did not say '$m'"
		return 1
	done < <(directives "$check" build-message)
}

run_patch_test()
{
	local name=$1 patch check
	local dir=$work/$1 expect_rc expect_funcs expect_syms args mods rc t0 got missing
	local module=livepatch-$1

	patch=$(test_file "$name" patch)
	check=$(test_file "$name" check)
	[ -f "$patch" ] || { fail "$name" "no $patch"; return 1; }
	[ -f "$check" ] || { fail "$name" "no $check"; return 1; }
	expect_rc=$(directive "$check" build-exit)
	expect_funcs=$(directive "$check" functions)
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
	if [ "$rc" != "${expect_rc:-0}" ]; then
		show_tail "$dir/kpatch-build.out"
		fail "$name" "kpatch-build exit $rc, expected ${expect_rc:-0}"
		return 1
	fi
	check_build_messages "$name" "$check" "$dir/kpatch-build.out" || return 1
	if [ -n "$expect_funcs" ]; then
		got=$(reported_functions "$dir/kpatch-build.out")
		# shellcheck disable=SC2086  # functions is a word list
		expect_funcs=$(printf '%s\n' $expect_funcs | sort -u | tr '\n' ' ' | sed 's/ $//')
		[ "$got" = "$expect_funcs" ] ||
			{ fail "$name" "changed/new functions are '$got', expected '$expect_funcs'"; return 1; }
	fi
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
tree_checksum()
{
	(cd "$1" && find . -type f ! -path './.git/*' -print0 | LC_ALL=C sort -z |
		xargs -0 sha256sum) | sha256sum | cut -c1-16
}

# The files of the private copy that a patched build may touch.
copy_checksum()
{
	(cd "$1" && find . -type f \( -name '*.[cho]' -o -name '.*.cmd' -o -name '*.a' \) \
		! -name vmlinux.o ! -path './.tmp_*' -print0 | LC_ALL=C sort -z |
		xargs -0 sha256sum) | sha256sum | cut -c1-16
}

# SIGINT while the patched objects are being built: the run must end with
# 130, say "restored", and leave the user's tree and the private copy as
# they were.
run_sigint_test()
{
	local name=sigint-restore dir=$work/sigint-restore patch
	local tree_before copy_before pid rc state i

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

	# job control: a background job of a script would otherwise ignore SIGINT
	set -m
	"$kpatch_build" -s "$tree" -j "$jobs" -n livepatch-sigint -o "$dir" "$patch" \
		>"$dir/kpatch-build.out" 2>&1 &
	pid=$!
	set +m
	for ((i = 0; i < 6000; i++)); do
		[ -s "$state/record" ] && [ -e "$state/dirty" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if ! [ -s "$state/record" ]; then
		wait "$pid"
		show_tail "$dir/kpatch-build.out"
		fail "$name" "the patched build never started"
		return 1
	fi
	kill -INT "$pid"
	wait "$pid"
	rc=$?
	show_tail "$dir/kpatch-build.out" 4
	[ "$rc" = 130 ] || { fail "$name" "exit $rc after SIGINT, expected 130"; return 1; }
	grep -q "^kpatch-build: restored $copy" "$dir/kpatch-build.out" ||
		{ fail "$name" "kpatch-build did not say it restored $copy"; return 1; }
	[ ! -e "$state/dirty" ] || { fail "$name" "the copy is still marked patched"; return 1; }
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
	[ "$(id -u)" = 0 ] || die "needs root (mkinitramfs.sh)"
	work=$(mktemp -d "${TMPDIR:-/tmp}/kpatch-integration.XXXXXX")
	if [ "${KP_INTEGRATION_KEEP:-0}" = 1 ]; then
		msg "work folder: $work"
	else
		trap 'rm -rf "$work"' EXIT
	fi

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
	[ "$skipped" = 0 ] || msg "$skipped skipped (the SKIP lines say why)"
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
}

main "$@"
