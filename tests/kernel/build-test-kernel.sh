#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build, once, the small livepatch-capable test kernel from Debian's linux-source
# package and print the path of its tree as the last line on stdout.
#
# Usage: tests/kernel/build-test-kernel.sh [6.1|6.12]        (default 6.1)
#
# The tree is kept in $KP_CACHE/testkernel/<srcversion>-<hash>/linux, where <hash>
# covers livepatch-tiny.config, the gcc version and this recipe.  A "done" marker is
# written last, so a second call returns at once; a flock keeps two concurrent
# callers from building twice.  The build log is <dir>/build.log.
#
# The kernel is built with the normal flags (this is the kernel that boots).  Objects
# for the differ are compiled separately with KCFLAGS="-ffunction-sections
# -fdata-sections" (see test-objects/kernel-6.1/make-pairs.sh): a kernel linked from
# such objects does not boot.
#
# Env: KP_JOBS (default: nproc)

set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../../scripts/lib/common.sh
. "$here/../../scripts/lib/common.sh"

# Bump when the steps below change in a way that changes the result.
RECIPE=1

usage() { echo "usage: $0 [6.1|6.12]" >&2; exit 2; }

version=${1:-6.1}
case $version in
6.1|6.12) ;;
-h|--help) usage ;;
*) usage ;;
esac

tarball=/usr/src/linux-source-$version.tar.xz
fragment=$here/livepatch-tiny.config
[ -r "$tarball" ] ||
	die "$tarball not found: run scripts/install-deps.sh as root (package linux-source-$version)"
need_cmd gcc make flex bison bc xz flock

source_version()
{
	local v

	v=$(dpkg-query -W -f='${Version}' "linux-source-$version" 2>/dev/null) || v=
	if [ -z "$v" ]; then
		v=$version-$(stat -c '%s-%Y' "$tarball" | short_hash)
	fi
	printf '%s\n' "$v"
}

build_key()
{
	{
		cat "$fragment"
		gcc --version | head -n1
		echo "recipe $RECIPE"
	} | short_hash
}

dir=$KP_CACHE/testkernel/$(source_version)-$(build_key)
tree=$dir/linux
log=$dir/build.log
kmake=(make -C "$tree" ARCH=x86_64)

is_built() { [ -e "$dir/done" ] && [ -f "$tree/arch/x86/boot/bzImage" ]; }

# Print the last lines of the log and fail.
fail_build()
{
	msg "$* (last lines of $log follow)"
	tail -n 30 "$log" >&2 || true
	exit 1
}

# Run one logged step; print how long it took.
step()
{
	local name=$1 t0=$SECONDS
	shift
	printf '\n=== %s: %s\n' "$name" "$*" >>"$log"
	"$@" >>"$log" 2>&1 || fail_build "step '$name' failed"
	msg "$name: $((SECONDS - t0)) s"
}

unpack_source()
{
	local tmp=$dir/unpack

	rm -rf "$tmp" "$tree"
	mkdir -p "$tmp"
	tar -C "$tmp" -xf "$tarball"
	mv "$tmp/linux-source-$version" "$tree"
	rmdir "$tmp"
}

configure()
{
	"${kmake[@]}" tinyconfig
	(cd "$tree" && scripts/kconfig/merge_config.sh -m .config "$fragment")
	"${kmake[@]}" olddefconfig
}

# Every "CONFIG_X=v" line of the fragment must be in .config as it is; every
# "# CONFIG_X is not set" line must be there or X must be absent.
verify_config()
{
	local line sym got bad=0

	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF -- "$line" "$tree/.config" && continue
			sym=${line%%=*}
			;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }
			sym=${sym%% *}
			grep -qxF -- "$line" "$tree/.config" && continue
			grep -q "^$sym=" "$tree/.config" || continue
			;;
		*)
			continue
			;;
		esac
		got=$(grep -E "^(# )?${sym}[= ]" "$tree/.config" || echo "absent")
		msg "config: '$line' did not stick (.config has: $got)"
		bad=1
	done <"$fragment"
	[ $bad = 0 ] || die "the kernel config lacks lines of $fragment: a dependency is missing"
}

build_kernel()
{
	local t0=$SECONDS

	rm -f "$dir/done"
	mkdir -p "$dir"
	: >"$log"
	msg "building the $version test kernel in $dir (log: $log)"
	step unpack unpack_source
	step configure configure
	verify_config
	cp "$tree/.config" "$dir/config"
	step build "${kmake[@]}" -j"${KP_JOBS:-$(nproc)}" bzImage modules
	[ -f "$tree/arch/x86/boot/bzImage" ] || fail_build "no bzImage after the build"
	[ -f "$tree/samples/livepatch/livepatch-sample.ko" ] ||
		fail_build "no samples/livepatch/livepatch-sample.ko after the build"
	{
		echo "source $tarball $(source_version)"
		echo "gcc $(gcc --version | head -n1)"
		echo "fragment $fragment"
		echo "kernelrelease $(cat "$tree/include/config/kernel.release")"
	} >"$dir/info"
	touch "$dir/done"
	msg "built in $((SECONDS - t0)) s"
}

if ! is_built; then
	lock_take "$dir.lock"
	is_built || build_kernel
	lock_release
fi
printf '%s\n' "$tree"
