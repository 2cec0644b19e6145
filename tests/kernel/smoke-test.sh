#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prove that the test kernel and the guest helpers work: boot the test kernel,
# load the kernel's own samples/livepatch/livepatch-sample.ko, see /proc/cmdline
# become "this has been live patched", unload it, see the old line back.
#
# Usage: tests/kernel/smoke-test.sh [6.1|6.12]        exit 0 on PASS, 1 on FAIL

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../../scripts/lib/common.sh
. "$here/../../scripts/lib/common.sh"
# shellcheck source=SCRIPTDIR/../../kpatch-build/guest/boot.sh
. "$here/../../kpatch-build/guest/boot.sh"

version=${1:-6.1}
tree=$("$here/build-test-kernel.sh" "$version" | tail -n1) || die "no test kernel"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/init" <<'EOF'
#!/bin/sh
. /guest-lib.sh
guest_setup
t_mark READ1 "$(cat /proc/cmdline)"
klp_load livepatch-sample.ko livepatch_sample || t_fail "klp_load"
t_mark READ2 "$(cat /proc/cmdline)"
klp_unload livepatch_sample || t_fail "klp_unload"
t_mark READ3 "$(cat /proc/cmdline)"
[ -z "$(lsmod | grep livepatch_sample)" ] || t_fail "livepatch_sample still loaded"
check_dmesg_clean || t_fail "the kernel log has warnings"
t_pass
EOF

KP_QEMU_TIMEOUT=120 guest_boot smoke-test "$work" "$tree/arch/x86/boot/bzImage" "$work/init" \
	"$tree/samples/livepatch/livepatch-sample.ko"
[ "$guest_why" != "mkinitramfs failed" ] || die "mkinitramfs failed"
rc=$guest_rc
log=$work/console.log
[ -z "${KP_SMOKE_LOG:-}" ] || cp "$log" "$KP_SMOKE_LOG"

marker() { sed -n "s/^T-$1: //p" "$log" | head -n1; }
read1=$(marker READ1)
read2=$(marker READ2)
read3=$(marker READ3)
result=$(marker RESULT)
printf 'kernel %s\n' "$(marker UNAME)" >&2
printf 'before: [%s]\npatched: [%s]\nafter: [%s]\n' "$read1" "$read2" "$read3" >&2

if [ "$rc" = 0 ] && [ "$result" = PASS ] && [ -n "$read1" ] &&
	[ "$read2" = "this has been live patched" ] && [ "$read1" = "$read3" ]; then
	echo "smoke-test: PASS"
	exit 0
fi
grep -E '^T-|Kernel panic|BUG|WARNING' "$log" | head -n 60 >&2
echo "smoke-test: FAIL"
exit 1
