#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scenarios that need several livepatch modules in one booted guest (see
# scenarios/README.md): replace, stacking, callbacks, shadow variables, states.
#
# Usage: tests/integration/run-scenarios.sh [NAME...]
#
# NAME is a folder of tests/integration/scenarios/ (default: all of them).
# For each scenario: build every PATCH.patch of its folder with kpatch-build
# into the module kps-NAME-PATCH, boot the test kernel once with them, run the
# folder's guest.sh, and print "PASS scenario/NAME" or "FAIL scenario/NAME: why".
# Exit 0 when all passed, 1 otherwise.
#
# Env: KP_JOBS (make jobs, default nproc), KP_INTEGRATION_KEEP=1 (keep the
# work folder), KP_QEMU_TIMEOUT (seconds per boot, default 180).

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=SCRIPTDIR/../../scripts/lib/common.sh
. "$top/scripts/lib/common.sh"

kpatch_build=$top/kpatch-build/kpatch-build
kernel=$top/tests/kernel
scenarios_dir=$here/scenarios
jobs=${KP_JOBS:-$(nproc)}
passed=0
failed=0
tree=		# the test kernel tree
work=		# the work folder: one sub-folder per scenario

pass() { echo "PASS scenario/$1"; passed=$((passed + 1)); }
fail() { echo "FAIL scenario/$1: $2"; failed=$((failed + 1)); return 1; }

elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# Show the end of a file on stderr, indented.
show_tail()
{
	tail -n "${2:-15}" "$1" 2>/dev/null | sed 's/^/    /' >&2
}

# patch_directive GUEST KEY PATCH: the value of "#@ KEY PATCH: value" in guest.sh.
patch_directive()
{
	sed -n "s/^#@ *$2 \+$3: *//p" "$1" | head -n1
}

# The module name of patch PATCH of scenario NAME.
module_name()
{
	echo "kps-$1-$2"
}

# The functions kpatch-build reported, sorted, on one line.
reported_functions()
{
	sed -n 's/^[^ ]*: \(changed\|new\) function: //p' "$1" | sort -u | tr '\n' ' ' | sed 's/ $//'
}

# build_module NAME PATCH: build $work/NAME/kps-NAME-PATCH.ko with the
# scenario's build-args for PATCH, check the reported functions if the
# scenario lists them.
build_module()
{
	local name=$1 patch=$2 dir=$work/$1 guest=$scenarios_dir/$1/guest.sh
	local module args expect got rc t0 out

	module=$(module_name "$name" "$patch")
	out=$dir/$patch.kpatch-build.out
	args=$(patch_directive "$guest" build-args "$patch")
	t0=$(date +%s.%N)
	# shellcheck disable=SC2086  # build-args is a word list
	"$kpatch_build" -s "$tree" -j "$jobs" -n "$module" -o "$dir" $args \
		"$scenarios_dir/$name/$patch.patch" >"$out" 2>&1
	rc=$?
	msg "$name: $patch.patch${args:+ ($args)}: kpatch-build exit $rc in $(elapsed "$t0") s"
	if [ "$rc" != 0 ] || [ ! -f "$dir/$module.ko" ]; then
		show_tail "$out"
		fail "$name" "kpatch-build $patch.patch: exit $rc (log $out)"
		return 1
	fi
	expect=$(patch_directive "$guest" functions "$patch")
	[ -z "$expect" ] && return 0
	got=$(reported_functions "$out")
	# shellcheck disable=SC2086  # a word list
	expect=$(printf '%s\n' $expect | sort -u | tr '\n' ' ' | sed 's/ $//')
	[ "$got" = "$expect" ] && return 0
	fail "$name" "$patch.patch: changed/new functions are '$got', expected '$expect'"
}

# The /init of a scenario's guest: the helpers, then guest.sh, then the
# checks every scenario ends with.
write_guest_init()
{
	cat >"$1" <<EOF
#!/bin/sh
. /guest-lib.sh
guest_setup
SC_NAME=$2
. /modules/scenario-lib.sh
. /modules/guest.sh
check_dmesg_clean || t_fail "the kernel log has warnings"
t_pass
EOF
}

# boot_scenario NAME KO...: boot once with the modules, judge the markers.
boot_scenario()
{
	local name=$1 dir=$work/$1 rc result why t0
	shift

	write_guest_init "$dir/init" "$name"
	"$kernel/mkinitramfs.sh" "$dir/initramfs.cpio.gz" "$dir/init" \
		"$scenarios_dir/scenario-lib.sh" "$scenarios_dir/$name/guest.sh" "$@" \
		2>"$dir/mkinitramfs.err" ||
		{ show_tail "$dir/mkinitramfs.err"; fail "$name" "mkinitramfs failed"; return 1; }
	t0=$(date +%s.%N)
	"$kernel/qemu-run.sh" "$tree/arch/x86/boot/bzImage" "$dir/initramfs.cpio.gz" \
		"$dir/console.log" "${KP_QEMU_TIMEOUT:-180}"
	rc=$?
	msg "$name: guest ran in $(elapsed "$t0") s (qemu exit $rc)"
	sed -n 's/^T-\(STEP\|KLP\): /    /p' "$dir/console.log" >&2
	result=$(sed -n 's/^T-RESULT: //p' "$dir/console.log" | head -n1)
	[ "$rc" = 0 ] && [ "$result" = PASS ] && return 0
	why=$(sed -n 's/^T-FAIL: //p' "$dir/console.log" | head -n1)
	grep -E '^T-DMESG|Kernel panic|BUG:|WARNING:' "$dir/console.log" | head -n 30 >&2
	fail "$name" "${why:-guest ended without a result (qemu exit $rc, log $dir/console.log)}"
}

run_scenario()
{
	local name=$1 src=$scenarios_dir/$1 dir=$work/$1 kos=() p patch t0

	[ -f "$src/guest.sh" ] || { fail "$name" "no $src/guest.sh"; return 1; }
	mkdir -p "$dir"
	t0=$(date +%s.%N)
	for p in "$src"/*.patch; do
		[ -f "$p" ] || { fail "$name" "no patch in $src"; return 1; }
		patch=${p##*/}
		patch=${patch%.patch}
		build_module "$name" "$patch" || return 1
		kos+=("$dir/$(module_name "$name" "$patch").ko")
	done
	boot_scenario "$name" "${kos[@]}" || return 1
	msg "$name: $(elapsed "$t0") s in all"
	pass "$name"
}

main()
{
	local names=() n

	[ -x "$top/build/create-diff-object" ] && [ -x "$top/build/create-klp-module" ] ||
		die "build the tools first (make)"
	tree=$("$kernel/build-test-kernel.sh" 6.1 | tail -n1) || die "no test kernel"
	[ "$(id -u)" = 0 ] || die "needs root (mkinitramfs.sh)"
	work=$(mktemp -d "${TMPDIR:-/tmp}/kpatch-scenarios.XXXXXX")
	if [ "${KP_INTEGRATION_KEEP:-0}" = 1 ]; then
		msg "work folder: $work"
	else
		trap 'rm -rf "$work"' EXIT
	fi

	if [ $# -gt 0 ]; then
		names=("$@")
	else
		for n in "$scenarios_dir"/*/guest.sh; do
			[ -f "$n" ] || continue
			n=${n%/guest.sh}
			names+=("${n##*/}")
		done
	fi
	for n in "${names[@]}"; do
		run_scenario "$n"
	done
	msg "$passed passed, $failed failed"
	[ "$failed" = 0 ]
}

main "$@"
