#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel and an initramfs under qemu (TCG), the serial console going to LOG.
#
# Usage: kpatch-build/guest/qemu-run.sh BZIMAGE INITRAMFS LOG [TIMEOUT_S]   (default 300)
#
# Exit status: 0 when qemu ended by itself (the guest rebooted: -no-reboot), 124 on
# timeout, otherwise qemu's own.  Carriage returns are removed from LOG afterwards;
# qemu's own messages go to LOG.qemu.
#
# Env: KP_QEMU_MEM (MiB, default 512), KP_QEMU_APPEND (added to the kernel command line)
#
# KVM is not used: /dev/kvm on these machines does not run ordinary guests; TCG
# boots the tiny kernel in about 2 s.

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../../scripts/lib/common.sh
. "$here/../../scripts/lib/common.sh"

[ $# -ge 3 ] || { echo "usage: $0 BZIMAGE INITRAMFS LOG [TIMEOUT_S]" >&2; exit 2; }
bzimage=$1
initramfs=$2
log=$3
timeout_s=${4:-300}
[ -r "$bzimage" ] || die "no kernel image $bzimage"
[ -r "$initramfs" ] || die "no initramfs $initramfs"
need_cmd qemu-system-x86_64 timeout

append="console=ttyS0 panic=-1 oops=panic quiet loglevel=4${KP_QEMU_APPEND:+ $KP_QEMU_APPEND}"
rm -f "$log"
timeout --foreground -k 5 "$timeout_s" qemu-system-x86_64 -accel tcg \
	-m "${KP_QEMU_MEM:-512}" -smp 1 -nic none \
	-kernel "$bzimage" -initrd "$initramfs" -append "$append" \
	-nographic -no-reboot -monitor none -serial "file:$log" -display none \
	</dev/null >"$log.qemu" 2>&1
rc=$?
if [ -f "$log" ]; then
	tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"
fi
[ $rc = 124 ] && msg "qemu timed out after ${timeout_s}s (log: $log)"
exit $rc
