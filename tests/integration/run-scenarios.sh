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
# shellcheck source=SCRIPTDIR/../kernel/patch-test-lib.sh
. "$top/tests/kernel/patch-test-lib.sh"	# and the harness, and the guest side

kpatch_build=$top/kpatch-build/kpatch-build
kernel=$top/tests/kernel
scenarios_dir=$here/scenarios
jobs=${KP_JOBS:-$(nproc)}
tree=		# the test kernel tree
work=		# the work folder: one sub-folder per scenario
harness_suite scenario

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
	local name=$1 dir=$work/$1 rc
	shift

	write_guest_init "$dir/init" "$name"
	guest_boot "$name" "$dir" "$tree/arch/x86/boot/bzImage" "$dir/init" \
		"$scenarios_dir/scenario-lib.sh" "$scenarios_dir/$name/guest.sh" "$@"
	rc=$?
	[ -f "$dir/console.log" ] && guest_show_markers "$dir/console.log" STEP KLP
	[ $rc = 0 ] || fail "$name" "$guest_why"
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
	work_folder kpatch-scenarios "${KP_INTEGRATION_KEEP:-0}"

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
	summary "$KP_PROG" >&2	# "run-scenarios.sh: N passed, N failed", as msg prints it
}

main "$@"
