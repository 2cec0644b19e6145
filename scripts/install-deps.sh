#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages that the project's build and tests need.
# Idempotent: asks dpkg which packages are missing and runs apt-get only when some
# are (then as root); returns in well under a second when everything is there.
#
# Usage: scripts/install-deps.sh [--check]
#   --check   only list the missing packages; exit 1 if any are missing

set -euo pipefail
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$(dirname "$0")/lib/common.sh"

# Sorted by what needs them.
PACKAGES=(
	# the tools themselves (Makefile: -lelf -ldw -lbsd -lz)
	gcc make libc6-dev libelf-dev libdw-dev libbsd-dev zlib1g-dev elfutils binutils
	# fuzzing and the sanitizer build
	clang libclang-rt-14-dev
	# building a kernel: objtool needs libelf-dev, sign-file/extract-cert libssl-dev,
	# BTF (Debian's config) pahole from dwarves
	bc bison flex libssl-dev dwarves kmod cpio xz-utils python3 perl
	# the kernels under test
	linux-source-6.1 linux-source-6.12
	# booting them
	qemu-system-x86 busybox-static gzip
)

usage() { echo "usage: $0 [--check]" >&2; exit 2; }

check_only=0
case ${1:-} in
"") ;;
--check) check_only=1 ;;
*) usage ;;
esac

# Print the packages of PACKAGES that dpkg does not know as installed.
missing_packages()
{
	local installed

	installed=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "${PACKAGES[@]}" 2>/dev/null |
		awk '$1 == "ii" { print $2 }') || true
	printf '%s\n' "${PACKAGES[@]}" | grep -vxF -f <(printf '%s\n' "$installed") || true
}

mapfile -t missing < <(missing_packages)
if [ ${#missing[@]} = 0 ]; then
	msg "all ${#PACKAGES[@]} packages are installed"
	exit 0
fi
msg "missing: ${missing[*]}"
[ $check_only = 0 ] || exit 1

[ "$(id -u)" = 0 ] ||
	die "installing packages needs root: run 'sudo $0' (or as root: apt-get install ${missing[*]})"

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"

mapfile -t missing < <(missing_packages)
[ ${#missing[@]} = 0 ] || die "still missing after apt-get install: ${missing[*]}"
msg "installed; all ${#PACKAGES[@]} packages are there now"
