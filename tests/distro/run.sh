#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# End-to-end tests of kpatch-build's distro mode: patches built against
# Debian's own kernel (kpatch-build -a ABI), then Debian's vmlinuz from the
# -unsigned image package (unpacked by kpatch-build, never installed) booted
# under qemu with a busybox initramfs: load the module, see the new
# behaviour, unload, see the old one.
#
# Usage: tests/distro/run.sh [NAME...]
#
# NAME is a test of tests/distro/patches/ or, for a patch that applies to the
# same source, of tests/integration/patches/ (NAME.patch and NAME.check; the
# .check format is in tests/kernel/patch-test-lib.sh; here also "#@ target:"
# picks the kernel (default 6.1), "#@ patch: NAME" takes NAME.patch, and
# "#@ boot: no" stops after the build).  Targets, found by version in the apt sources (the
# archive moves on, so never by a fixed name):
#   6.1         the amd64 image whose version is the newest linux-source-6.1
#   6.12-older  the oldest 6.12 amd64 image whose version differs from the
#               installed linux-source-6.12 (for the build-matches-target check)
# Also: "not-debian" (the running kernel, when it is not a Debian one, is
# refused with a clear message) and "sigint-restore" (SIGINT while the
# prepared tree is patched leaves it as it was).
#
# The 6.1 target is built from a cold cache: a fresh KP_CACHE for this run
# (downloads are shared with $KP_CACHE/distro/debs, the rest is not), removed
# at the end.  KP_DISTRO_WARM=1 uses the normal cache instead.
# Prints "PASS distro/NAME" or "FAIL distro/NAME: reason" per test and ends
# with "N passed, N failed".

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=SCRIPTDIR/../../scripts/lib/common.sh
. "$top/scripts/lib/common.sh"
# shellcheck source=SCRIPTDIR/../kernel/patch-test-lib.sh
. "$top/tests/kernel/patch-test-lib.sh"	# and the harness
# shellcheck source=SCRIPTDIR/lib.sh
. "$here/lib.sh"

DEFAULT_TESTS=(
	01-cmdline-string	# a .c change in vmlinux (integration's patch)
	d1-header-fdinfo	# a header change: 2 units found by the include scan
	10-new-function		# a new function (integration's patch)
	19-cross-object-new-function	# a global function added in one file, called from another
	d7-refuse-undefined-symbol	# must fail: a call to a function defined nowhere, named at the link
	d2-module-binfmt-misc	# a module target
	d6-ext4-duplicate-local	# a module with two locals of one name: symbols from its debug file
	16-refuse-init-function	# must fail: a changed __init function
	d3-mismatch-6.12-stat	# must fail: the match check (6.12 source vs older image)
	d4-skip-match-6.12-stat	# the same with --skip-match-check: written, loudly
	full-build-stages	# --full-build takes the whole-kernel path
	bad-input		# bad targets and options: one line, exit 1
	refusals		# what distro mode refuses before compiling, with why
	d5-line-shift-30	# lines that only moved: 30 files, no functional change
	not-debian		# must fail: the running kernel is not Debian's
	sigint-restore		# SIGINT while the tree is patched: restored
)

kpatch_build=$top/kpatch-build/kpatch-build
jobs=${KP_JOBS:-$(nproc)}
guest_mem=1024
harness_suite distro

# test_file NAME EXT: the test's file, from this suite or integration's.
test_file()
{
	if [ -f "$here/patches/$1.$2" ]; then
		printf '%s\n' "$here/patches/$1.$2"
	else
		printf '%s\n' "$top/tests/integration/patches/$1.$2"
	fi
}

# The cache of a target: the cold one for 6.1 (unless KP_DISTRO_WARM=1).
target_cache()
{
	if [ "$1" = 6.1 ] && [ "${KP_DISTRO_WARM:-0}" != 1 ]; then
		printf '%s\n' "$cold_cache"
	else
		printf '%s\n' "$KP_CACHE"
	fi
}

run_patch_test()
{
	local name=$1 patch check target abi ver cache dir=$work/$1 args mods rc t0
	local module=livepatch-${1//./-}

	check=$(test_file "$name" check)
	patch=$(test_file "$(directive "$check" patch)" patch)
	[ -n "$(directive "$check" patch)" ] || patch=$(test_file "$name" patch)
	[ -f "$patch" ] && [ -f "$check" ] || { fail "$name" "no $name.patch and .check"; return 1; }
	target=$(directive "$check" target)
	target=${target:-6.1}
	read -r abi ver < <(target_abi "$target") ||
		{ fail "$name" "no Debian kernel for target $target in the apt sources"; return 1; }
	cache=$(target_cache "$target")
	args=$(directive "$check" build-args)
	mods=$(directive "$check" modules)
	mkdir -p "$dir"
	msg "$name: kpatch-build -a $abi --kernel-version $ver (cache $cache)"
	t0=$(date +%s.%N)
	# shellcheck disable=SC2086  # build-args is a word list
	KP_CACHE=$cache "$kpatch_build" -a "$abi" --kernel-version "$ver" -j "$jobs" \
		-n "$module" -o "$dir" $args "$patch" >"$dir/kpatch-build.out" 2>&1
	rc=$?
	msg "$name: kpatch-build exit $rc in $(elapsed "$t0") s"
	grep -E '^kpatch-build: [a-z ]+ \(' "$dir/kpatch-build.out" | sed 's/^/    /' >&2
	check_build_result "$name" "$check" "$dir/kpatch-build.out" "$rc" || return 1
	if [ "$(directive "$check" build-exit)" ]; then
		pass "$name"
		return 0
	fi
	[ -f "$dir/$module.ko" ] || { fail "$name" "no $module.ko"; return 1; }
	if [ "$(directive "$check" boot)" = no ]; then
		pass "$name"
		return 0
	fi
	guest_kernel=$cache/distro/${abi}_$ver/image/boot/vmlinuz-$abi
	guest_module_dir=$cache/distro/${abi}_$ver/image/lib/modules/$abi/kernel
	# shellcheck disable=SC2086  # modules is a word list
	boot_and_check "$name" "$dir/$module.ko" "$check" $mods && pass "$name"
}

# The running kernel, when it is not a Debian one, is refused with exit 1
# and a message that says what to do.
run_not_debian_test()
{
	local name=not-debian out=$work/not-debian.out rc

	if [ -n "$(apt_versions "linux-image-$(uname -r)-unsigned")" ]; then
		skip "$name" "the running kernel $(uname -r) is a Debian kernel"
		return 0
	fi
	"$kpatch_build" -n lp-not-debian -o "$work" "$(test_file 01-cmdline-string patch)" \
		>"$out" 2>&1
	rc=$?
	[ $rc = 1 ] || { show_tail "$out"; fail "$name" "exit $rc, expected 1"; return 1; }
	grep -q "the running kernel $(uname -r) is not a Debian kernel.*-a ABI.*-s TREE" "$out" ||
		{ show_tail "$out"; fail "$name" "no clear message"; return 1; }
	[ "$(wc -l <"$out")" -le 3 ] || { show_tail "$out"; fail "$name" "more than a short error"; return 1; }
	pass "$name"
}

# A checksum of the sources and build results of a prepared tree.
tree_checksum() { files_checksum "$1" \( -name '*.[cho]' -o -name '.*.cmd' \) ! -path './.tmp_*'; }

# SIGINT while the patched units are being built (the tree is patched): the
# run ends with 130, says "restored", and the prepared tree is as it was.
run_sigint_test()
{
	local name=sigint-restore dir=$work/sigint-restore abi ver cache tree state before

	read -r abi ver < <(target_abi 6.1) || { fail "$name" "no Debian 6.1 kernel"; return 1; }
	cache=$(target_cache 6.1)
	tree=$cache/distro/${abi}_$ver/tree-debian/linux
	state=${tree%/linux}/state
	[ -d "$tree" ] || { fail "$name" "no prepared tree $tree (run a 6.1 test first)"; return 1; }
	mkdir -p "$dir"
	before=$(tree_checksum "$tree")
	interrupt_patched_build "$state" "$dir/kpatch-build.out" \
		env KP_CACHE="$cache" "$kpatch_build" -a "$abi" --kernel-version "$ver" -j "$jobs" \
		-n livepatch-sigint -o "$dir" "$(test_file d1-header-fdinfo patch)"
	sigint_restored "$name" $? "$dir/kpatch-build.out" "$state" || return 1
	[ "$(tree_checksum "$tree")" = "$before" ] ||
		{ fail "$name" "the prepared tree differs from before the run"; return 1; }
	[ ! -e "$dir/livepatch-sigint.ko" ] || { fail "$name" "a module was written"; return 1; }
	pass "$name"
}

# --full-build goes from the prepared tree to custom mode's full build: it
# is paused (KPATCH_TEST_PAUSE_STAGE) before that build and interrupted, so
# the test takes seconds, not hours.
run_full_build_test()
{
	local name=full-build-stages dir=$work/full-build abi ver cache rc

	read -r abi ver < <(target_abi 6.1) || { fail "$name" "no Debian 6.1 kernel"; return 1; }
	cache=$(target_cache 6.1)
	mkdir -p "$dir"
	KP_CACHE=$cache interrupt_at_stage "build original objects" "$dir/kpatch-build.out" \
		"$kpatch_build" -a "$abi" --kernel-version "$ver" --full-build -n livepatch-full \
		-o "$dir" "$(test_file 01-cmdline-string patch)"
	rc=$?
	[ $rc != 255 ] && grep -q '^kpatch-build: prepare tree (' "$dir/kpatch-build.out" &&
		! grep -q '^kpatch-build: find units' "$dir/kpatch-build.out" ||
		{ show_tail "$dir/kpatch-build.out"; fail "$name" "not the full-build stages"; return 1; }
	[ "$rc" = 130 ] || { fail "$name" "exit $rc after SIGINT, expected 130"; return 1; }
	pass "$name"
}

# make_patch TREE FILE OUT [SED]: a patch of FILE (relative to TREE) that
# adds a comment line at its top, or with SED applied; FILE may be new.
make_patch()
{
	local tree=$1 f=$2 out=$3 sed=${4:-1i/* kpatch test */} d=$work/mkpatch

	rm -rf "$d"
	mkdir -p "$d/a/${f%/*}" "$d/b/${f%/*}"
	if [ -f "$tree/$f" ]; then
		cp "$tree/$f" "$d/a/$f"
		sed "$sed" "$tree/$f" >"$d/b/$f"
		(cd "$d" && diff -u "a/$f" "b/$f") >"$out"
	else
		printf 'int kpatch_test_new(void) { return 1; }\n' >"$d/b/$f"
		(cd "$d" && diff -u /dev/null "b/$f" | sed "1s|^--- /dev/null.*|--- /dev/null|") >"$out"
	fi
	[ -s "$out" ]
}

# What distro mode refuses before it compiles anything (exit 2, the reason):
# a header every unit gets, a new .c, a build file, a .c this kernel does
# not build, and a compiler that is not the one of the kernel (a gcc-12 on
# PATH that says another version).
run_refusals_test()
{
	local name=refusals abi ver cache tree out=$work/refusals.out rc c f sed expect
	local -a cases=(
		"include/linux/kconfig.h||reaches every unit of the kernel"
		"fs/proc/kpatch_new.c||is a new source file"
		"fs/proc/Makefile|1i# kpatch test|only changes to .c and .h files"
		"fs/proc/nommu.c||is not built into"
		"fs/proc/cmdline.c|fake-cc|this gcc-12 is"
	)

	read -r abi ver < <(target_abi 6.1) || { fail "$name" "no Debian 6.1 kernel"; return 1; }
	cache=$(target_cache 6.1)
	tree=$cache/distro/${abi}_$ver/tree-debian/linux
	[ -d "$tree" ] || { fail "$name" "no prepared tree $tree (run a 6.1 test first)"; return 1; }
	mkdir -p "$work/fake-cc"
	printf '#!/bin/sh\necho "gcc-12 (Debian 12.2.0-14+deb12u1) 12.9.9"\n' >"$work/fake-cc/gcc-12"
	chmod +x "$work/fake-cc/gcc-12"
	for c in "${cases[@]}"; do
		f=${c%%|*}
		sed=${c#*|}
		expect=${sed#*|}
		sed=${sed%%|*}
		local path=$PATH
		if [ "$sed" = fake-cc ]; then
			path=$work/fake-cc:$PATH
			sed=
		fi
		make_patch "$tree" "$f" "$work/refusal.patch" ${sed:+"$sed"} ||
			{ fail "$name" "cannot make a patch of $f"; return 1; }
		PATH=$path KP_CACHE=$cache "$kpatch_build" -a "$abi" --kernel-version "$ver" \
			-n livepatch-refusal -o "$work" "$work/refusal.patch" >"$out" 2>&1
		rc=$?
		[ $rc = 2 ] && grep -q "^kpatch-build: error: .*$expect" "$out" ||
			{ show_tail "$out"; fail "$name" "$f: exit $rc, expected 2 and '$expect'"; return 1; }
		grep "^kpatch-build: error:" "$out" | sed "s/^/    /" >&2
		[ ! -e "$work/livepatch-refusal.ko" ] || { fail "$name" "$f: a module was written"; return 1; }
	done
	pass "$name"
}

# Lines that only moved: one blank or comment line added at the top of 30
# .c files of Debian's kernel (net/core/sock.c, net/ipv4/tcp_input.c, and
# units of vmlinux and of modules picked with a fixed seed from the units
# kpatch-scan finds in their DWARF), one patch: every object must end in
# "no functional change", kpatch-build exit 4, no module.  Each file gets
# #line directives (kpatch-lines), so __LINE__ below the new line is what it
# was (without them, sock.c reports __sk_destruct, tcp_input.c tcp_ack).
LINE_SHIFT_SEED=kpatch-line-shift-1
LINE_SHIFT_VMLINUX=18	# seeded picks among vmlinux's units
LINE_SHIFT_MODULES=10	# seeded picks among modules' units (one per module)

# The units kpatch-build can patch: .c files of the tree outside the paths
# it refuses or ignores (lib/, boot, vdso, realmode, generated files).
line_shift_candidates()
{
	local tree=$1 u
	while IFS= read -r u; do
		case $u in
		lib/*|arch/x86/boot/*|*/vdso/*|arch/x86/realmode/*|scripts/*|tools/*|usr/*|init/version*|*.mod.c) continue ;;
		esac
		[ -f "$tree/$u" ] && printf '%s\n' "$u"
	done
}

# seeded_pick N: N lines of stdin, the same ones for the same input.
seeded_pick()
{
	shuf -n "$1" --random-source=<(yes "$LINE_SHIFT_SEED")
}

# line_shift_units DC TREE OUT ABI VERSION: the 30 units, one a line, into OUT.
line_shift_units()
{
	local dc=$1 tree=$2 out=$3 abi=$4 ver=$5 d=$work/line-shift scan m u n=0
	local prefix=./usr/lib/debug/lib/modules/$abi/kernel deb mods=()
	declare -A in_vmlinux=() taken=()

	scan=${KPATCH_BIN_DIR:-$top/build}/kpatch-scan
	if [ -s "$dc/units/vmlinux" ]; then
		cp "$dc/units/vmlinux" "$d/vmlinux.units"
	else
		"$scan" units "$dc/vmlinux" | cut -f2 | sort -u >"$d/vmlinux.units" || return 1
	fi
	while IFS= read -r u; do in_vmlinux[$u]=1; done <"$d/vmlinux.units"
	[ -n "${in_vmlinux[net/core/sock.c]:-}" ] && [ -n "${in_vmlinux[net/ipv4/tcp_input.c]:-}" ] ||
		{ echo "sock.c or tcp_input.c is not in vmlinux" >&2; return 1; }
	printf '%s\n' net/core/sock.c net/ipv4/tcp_input.c >"$d/fixed"
	cp "$d/fixed" "$out"
	line_shift_candidates "$tree" <"$d/vmlinux.units" | grep -vxF -f "$d/fixed" |
		seeded_pick "$LINE_SHIFT_VMLINUX" >>"$out"
	# modules: a few more than needed, their debug files in one pass
	mapfile -t mods < <(sed -n 's|^kernel/||p' "$dc/image/lib/modules/$abi/modules.order" |
		seeded_pick $((LINE_SHIFT_MODULES + 8)))
	deb=$dc/../debs/linux-image-$abi-dbg_${ver}_amd64.deb
	[ -f "$deb" ] || { echo "no $deb" >&2; return 1; }
	mkdir -p "$d/dbg"
	# tar stops once it has them all (dpkg-deb then dies of SIGPIPE)
	dpkg-deb --fsys-tarfile "$deb" 2>/dev/null | tar -x -C "$d/dbg" --occurrence "${mods[@]/#/$prefix/}"
	[ "${PIPESTATUS[1]}" = 0 ] || { echo "cannot take module debug files out of $deb" >&2; return 1; }
	for m in "${mods[@]}"; do
		[ $n -lt "$LINE_SHIFT_MODULES" ] || break
		u=$("$scan" units "$d/dbg/$prefix/$m" | cut -f2 | sort -u | line_shift_candidates "$tree" |
			while IFS= read -r u; do
				[ -z "${in_vmlinux[$u]:-}" ] && printf '%s\n' "$u"
			done | seeded_pick 1)
		[ -n "$u" ] && [ -z "${taken[$u]:-}" ] || continue
		taken[$u]=1
		printf '%s\n' "$u" >>"$out"
		n=$((n + 1))
	done
	rm -rf "$d/dbg"
	[ "$(sort -u "$out" | wc -l)" = 30 ] || { echo "$(wc -l <"$out") units, not 30" >&2; return 1; }
}

run_line_shift_test()
{
	local name=d5-line-shift-30 d=$work/line-shift abi ver cache dc tree rc t0 f i=0 kept o bad=()

	read -r abi ver < <(target_abi 6.1) || { fail "$name" "no Debian 6.1 kernel"; return 1; }
	cache=$(target_cache 6.1)
	dc=$cache/distro/${abi}_$ver
	tree=$dc/tree-debian/linux
	[ -d "$tree" ] && [ -f "$dc/vmlinux" ] ||
		{ fail "$name" "no prepared tree $tree (run a 6.1 test first)"; return 1; }
	mkdir -p "$d"
	t0=$(date +%s.%N)
	line_shift_units "$dc" "$tree" "$d/units" "$abi" "$ver" 2>"$d/units.err" ||
		{ show_tail "$d/units.err"; fail "$name" "cannot pick the units"; return 1; }
	msg "$name: 30 units picked in $(elapsed "$t0") s: $(tr '\n' ' ' <"$d/units")"
	: >"$d/shift.patch"
	while IFS= read -r f; do
		if [ $((i++ % 2)) = 0 ]; then
			make_patch "$tree" "$f" "$d/one.patch" '1i/* kpatch line-shift test */'
		else
			make_patch "$tree" "$f" "$d/one.patch" '1i\\'
		fi || { fail "$name" "cannot make a patch of $f"; return 1; }
		cat "$d/one.patch" >>"$d/shift.patch"
	done <"$d/units"
	t0=$(date +%s.%N)
	KP_CACHE=$cache "$kpatch_build" -a "$abi" --kernel-version "$ver" -j "$jobs" --skip-cleanup \
		-n livepatch-line-shift -o "$d" "$d/shift.patch" >"$d/kpatch-build.out" 2>&1
	rc=$?
	msg "$name: kpatch-build exit $rc in $(elapsed "$t0") s"
	grep -E '^kpatch-build: [a-z ]+ \(' "$d/kpatch-build.out" | sed 's/^/    /' >&2
	kept=$(sed -n 's/^kpatch-build: kept the work folder //p' "$d/kpatch-build.out")
	while IFS= read -r f; do
		o=${f%.c}.o
		# what the differ said of it: the log from its command line on
		sed -n "\|^[$] create-diff-object $o |,/^[$] /p" "$kept/build.log" 2>/dev/null >"$d/verdict"
		grep -q ": no functional change$" "$d/verdict" && continue
		bad+=("$o")
		grep -E 'changed function|error' "$d/verdict" | head -n 3 | sed "s|^|    $o: |" >&2
	done <"$d/units"
	[ -n "$kept" ] && rm -rf "$kept"
	[ ${#bad[@]} = 0 ] ||
		{ show_tail "$d/kpatch-build.out" 6; fail "$name" "no 'no functional change' for ${#bad[@]} of 30 objects: ${bad[*]}"; return 1; }
	[ "$rc" = 4 ] || { show_tail "$d/kpatch-build.out"; fail "$name" "exit $rc, expected 4"; return 1; }
	grep -q '^kpatch-build: build patched objects (30 recompiled, #line in 30 files' "$d/kpatch-build.out" ||
		{ fail "$name" "kpatch-build does not say it put #line into the 30 files"; return 1; }
	[ ! -e "$d/livepatch-line-shift.ko" ] || { fail "$name" "a module was written"; return 1; }
	pass "$name"
}

# Bad targets and options: exit 1 with one line that says what is wrong,
# before anything is downloaded.
run_bad_input_test()
{
	local name=bad-input out=$work/bad-input.out patch rc args expect
	local -a cases=(
		"-a not-an-abi|is not a Debian kernel ABI name"
		"-a 9.9.0-99-amd64|no package linux-image-9.9.0-99-amd64-unsigned in the apt sources"
		"-a 9.9.0-99-amd64 -s /tmp|options of distro mode (without -s)"
		"-s /tmp --full-build|options of distro mode (without -s)"
		"-t vmlinux|options of custom mode (-s TREE)"
		"--kernel-version 0.0-0|has no version 0.0-0 in the apt sources"
	)

	patch=$(test_file 01-cmdline-string patch)
	for expect in "${cases[@]}"; do
		args=${expect%%|*}
		expect=${expect#*|}
		[[ $args == --kernel-version* ]] && args="-a $(target_abi 6.1 | cut -d' ' -f1) $args"
		# shellcheck disable=SC2086  # a word list
		KP_CACHE=$work/bad-cache "$kpatch_build" $args -o "$work" "$patch" >"$out" 2>&1
		rc=$?
		[ $rc = 1 ] && [ "$(grep -c . "$out")" -le 2 ] && grep -qF -- "$expect" "$out" ||
			{ show_tail "$out"; fail "$name" "kpatch-build $args: exit $rc, expected 1 and '$expect'"; return 1; }
		[ ! -d "$work/bad-cache/distro/debs" ] ||
			[ -z "$(ls -A "$work/bad-cache/distro/debs")" ] ||
			{ fail "$name" "kpatch-build $args downloaded something"; return 1; }
	done
	pass "$name"
}

main()
{
	local tests=("$@") t

	[ ${#tests[@]} -gt 0 ] || tests=("${DEFAULT_TESTS[@]}")
	need_cmd apt-cache apt-get dpkg-deb qemu-system-x86_64
	work=$(mktemp -d "${TMPDIR:-/tmp}/kpatch-distro.XXXXXX")
	mkdir -p "$KP_CACHE/distro/debs"
	cold_cache=$(mktemp -d "$KP_CACHE/cold-distro.XXXXXX")
	mkdir -p "$cold_cache/distro"
	ln -s "$KP_CACHE/distro/debs" "$cold_cache/distro/debs"
	# shellcheck disable=SC2064  # expand now
	trap "rm -rf '$cold_cache'; [ '${KP_DISTRO_KEEP:-0}' = 1 ] || rm -rf '$work'" EXIT
	make -s -C "$top" all || { fail build "make all failed"; exit 1; }
	for t in "${tests[@]}"; do
		case $t in
		not-debian) run_not_debian_test ;;
		sigint-restore) run_sigint_test ;;
		full-build-stages) run_full_build_test ;;
		bad-input) run_bad_input_test ;;
		refusals) run_refusals_test ;;
		d5-line-shift-30) run_line_shift_test ;;
		*) run_patch_test "$t" ;;
		esac
	done
	summary
}

main "$@"
