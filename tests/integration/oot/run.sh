#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# End-to-end test of kpatch-build --oot-module on the small test kernel.
#
# Usage: tests/integration/oot/run.sh
#
# Builds the out-of-tree module kp-oot/ (which shows /sys/kernel/kp_oot/value)
# normally against the test kernel, builds a livepatch for it from
# value-string.patch with kpatch-build --oot-module, then boots the kernel
# with both modules: insmod kp-oot.ko, check the original string, load the
# patch, check the new string, unload it, check the original string again;
# then the other order: load the patch, insmod kp-oot.ko, check the new
# string, unload the patch.
# Also checks that kpatch-build left the module's source folder untouched.
# Prints "PASS oot/value-string" or "FAIL oot/value-string: why"; exit 1 on
# failure.
#
# Env: KP_JOBS (make jobs, default nproc), KP_INTEGRATION_KEEP=1 (keep the
# work folder), KP_QEMU_TIMEOUT (seconds per boot, default 180).

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
# shellcheck source=SCRIPTDIR/../../lib/harness.sh
. "$top/tests/lib/harness.sh"
# shellcheck source=SCRIPTDIR/../../../kpatch-build/guest/boot.sh
. "$top/kpatch-build/guest/boot.sh"

kpatch_build=$top/kpatch-build/kpatch-build
kernel=$top/tests/kernel
jobs=${KP_JOBS:-$(nproc)}
name=value-string
patch=$here/$name.patch
livepatch='livepatch-kp-oot'
harness_suite oot

# A checksum of every file of a folder (names, contents and times).
dir_checksum()
{
	(cd "$1" && find . -type f -printf '%P %T@\n' | LC_ALL=C sort &&
		find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) |
		sha256sum | cut -c1-16
}

write_guest_init()
{
	cat >"$1" <<'INIT'
#!/bin/sh
. /guest-lib.sh
guest_setup
value() { cat /sys/kernel/kp_oot/value 2>&1; }
insmod /modules/kp-oot.ko || t_fail "insmod kp-oot.ko"
v=$(value)
t_mark BEFORE "$v"
[ "$v" = "kp_oot original" ] || t_fail "before the patch: '$v'"
klp_load livepatch-kp-oot.ko livepatch_kp_oot || t_fail "klp_load livepatch-kp-oot.ko"
v=$(value)
t_mark PATCHED "$v"
[ "$v" = "kp_oot patched" ] || t_fail "patched: '$v'"
klp_unload livepatch_kp_oot || t_fail "klp_unload livepatch_kp_oot"
v=$(value)
t_mark AFTER "$v"
[ "$v" = "kp_oot original" ] || t_fail "after unloading: '$v'"
rmmod kp_oot || t_fail "rmmod kp_oot"
# the patch first, then the module: the kernel patches it as it loads
klp_load livepatch-kp-oot.ko livepatch_kp_oot || t_fail "klp_load before the module"
insmod /modules/kp-oot.ko || t_fail "insmod kp-oot.ko under the patch"
v=$(value)
t_mark LATE "$v"
[ "$v" = "kp_oot patched" ] || t_fail "module loaded after the patch: '$v'"
klp_unload livepatch_kp_oot || t_fail "klp_unload livepatch_kp_oot (second)"
v=$(value)
[ "$v" = "kp_oot original" ] || t_fail "after the second unload: '$v'"
rmmod kp_oot || t_fail "rmmod kp_oot (second)"
check_dmesg_clean || t_fail "the kernel log has warnings"
t_pass
INIT
}

main()
{
	local tree src rc t0 sum_before

	[ -x "$top/build/create-diff-object" ] && [ -x "$top/build/create-klp-module" ] ||
		die "build the tools first (make)"
	[ "$(id -u)" = 0 ] || die "needs root (mkinitramfs.sh)"
	tree=$("$kernel/build-test-kernel.sh" 6.1 | tail -n1) || die "no test kernel"
	work_folder kpatch-oot "${KP_INTEGRATION_KEEP:-0}"

	# the module as its user builds it (in its own folder)
	src=$work/kp-oot
	cp -a "$here/kp-oot" "$src" || abort "$name" "cannot copy kp-oot"
	t0=$(date +%s.%N)
	make -C "$tree" M="$src" -j"$jobs" modules >"$work/module-build.out" 2>&1 ||
		{ show_tail "$work/module-build.out"; abort "$name" "kp-oot does not build"; }
	msg "kp-oot built in $(elapsed "$t0") s"
	[ -f "$src/kp-oot.ko" ] || abort "$name" "no kp-oot.ko after the build"
	sum_before=$(dir_checksum "$src")

	t0=$(date +%s.%N)
	"$kpatch_build" -s "$tree" -j "$jobs" --oot-module "$src/kp-oot.ko" --oot-module-src "$src" \
		-n "$livepatch" -o "$work/out" "$patch" >"$work/kpatch-build.out" 2>&1
	rc=$?
	msg "kpatch-build exit $rc in $(elapsed "$t0") s"
	grep -E '^kpatch-build: [a-z ]+ \(' "$work/kpatch-build.out" | sed 's/^/    /' >&2
	[ "$rc" = 0 ] || { show_tail "$work/kpatch-build.out"; abort "$name" "kpatch-build exit $rc"; }
	[ "$(dir_checksum "$src")" = "$sum_before" ] ||
		abort "$name" "kpatch-build changed the module's source folder $src"
	grep -q 'changed function: value_show$' "$work/kpatch-build.out" ||
		{ show_tail "$work/kpatch-build.out"; abort "$name" "kpatch-build did not report value_show"; }
	[ -f "$work/out/$livepatch.ko" ] || abort "$name" "no $livepatch.ko"

	write_guest_init "$work/init"
	guest_boot "$name" "$work" "$tree/arch/x86/boot/bzImage" "$work/init" "$src/kp-oot.ko" \
		"$work/out/$livepatch.ko"
	rc=$?
	[ -f "$work/console.log" ] &&
		guest_show_markers "$work/console.log" BEFORE PATCHED AFTER LATE KLP
	[ $rc = 0 ] || abort "$name" "$guest_why"
	pass "$name"
}

main "$@"
