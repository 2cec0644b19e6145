#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Make a busybox-static initramfs for a guest.
#
# Usage: kpatch-build/guest/mkinitramfs.sh OUT.cpio.gz INIT_SCRIPT [FILE...]
#
# INIT_SCRIPT becomes /init, guest-lib.sh becomes /guest-lib.sh, every FILE is
# copied into /modules.  Needs root (mknod of /dev/console and /dev/null: the
# kernel opens the console before /init can mount devtmpfs).

set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../../scripts/lib/common.sh
. "$here/../../scripts/lib/common.sh"

[ $# -ge 2 ] || { echo "usage: $0 OUT.cpio.gz INIT_SCRIPT [FILE...]" >&2; exit 2; }
out=$(realpath -m "$1")
init=$2
shift 2

BUSYBOX=${BUSYBOX:-/bin/busybox}
[ -r "$init" ] || die "no init script $init"
[ -x "$BUSYBOX" ] || die "no $BUSYBOX: install busybox-static (scripts/install-deps.sh)"
! readelf -lW "$BUSYBOX" 2>/dev/null | grep -q 'Requesting program interpreter' ||
	die "$BUSYBOX is not statically linked: install busybox-static"
[ "$(id -u)" = 0 ] || die "needs root (mknod for /dev/console)"
need_cmd cpio gzip

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,tmp,modules}
cp "$BUSYBOX" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
install -m 0755 "$init" "$root/init"
install -m 0644 "$here/guest-lib.sh" "$root/guest-lib.sh"
for f in "$@"; do
	[ -r "$f" ] || die "no file $f"
	cp "$f" "$root/modules/"
done
mknod -m 600 "$root/dev/console" c 5 1
mknod -m 666 "$root/dev/null" c 1 3

(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc -R 0:0 --quiet) | gzip -6 >"$out"
