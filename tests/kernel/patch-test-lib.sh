# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# What the end-to-end patch tests share: a test is NAME.patch with NAME.check,
# a shell file that the guest sources (observe, is_patched, is_unpatched) and
# whose "#@ key: value" lines tell the host what to expect:
#
#   #@ build-exit: N         kpatch-build's exit status (default 0)
#   #@ build-message: TEXT   a line kpatch-build must print (repeatable)
#   #@ build-args: ARGS      extra kpatch-build arguments
#   #@ functions: F...       the changed and new functions it must report
#   #@ modules: M...         modules to load in the guest (below guest_module_dir)
#   #@ patch-first: yes      load the patch before those modules
#
# It sources tests/lib/harness.sh (pass, fail, SIGINT) and the product's guest
# side, kpatch-build/guest/boot.sh.  The caller names its suite and sets:
#   work               a folder for the test's files ($work/NAME)
#   guest_kernel       the kernel image to boot
#   guest_module_dir   where "#@ modules:" paths are
#   guest_mem          guest memory in MiB (optional)

here_lib=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/../lib/harness.sh
. "$here_lib/../lib/harness.sh"
# shellcheck source=SCRIPTDIR/../../kpatch-build/guest/boot.sh
. "$here_lib/../../kpatch-build/guest/boot.sh"

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

# boot_and_check NAME KO CHECK EXTRA...: run the guest, judge its markers.
boot_and_check()
{
	local name=$1 ko=$2 check=$3 dir=$work/$1 extra=() m mod rc
	shift 3

	mod=${ko##*/}
	mod=${mod%.ko}
	for m in "$@"; do
		[ -f "$guest_module_dir/$m" ] ||
			{ fail "$name" "no module $guest_module_dir/$m for #@ modules"; return 1; }
		extra+=("$guest_module_dir/$m")
	done
	cp "$check" "$dir/test.check"
	guest_check_init "$dir/init" "$mod" "$(for m in "$@"; do printf '%s ' "${m##*/}"; done)" \
		"$(directive "$check" patch-first)"
	KP_QEMU_MEM=${guest_mem:-512} guest_boot "$name" "$dir" "$guest_kernel" "$dir/init" \
		"$ko" "$dir/test.check" "${extra[@]}"
	rc=$?
	[ -f "$dir/console.log" ] && guest_show_markers "$dir/console.log" BEFORE PATCHED AFTER KLP
	[ $rc = 0 ] || fail "$name" "$guest_why"
}

# The functions kpatch-build reported, sorted, on one line.
reported_functions()
{
	sed -n 's/^[^ ]*: \(changed\|new\) function: //p' "$1" | sort -u | tr '\n' ' ' | sed 's/ $//'
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

# check_build_result NAME CHECK OUT RC: kpatch-build's exit status, messages
# and reported functions are what CHECK expects.
check_build_result()
{
	local name=$1 check=$2 out=$3 rc=$4 expect_rc expect_funcs got

	expect_rc=$(directive "$check" build-exit)
	expect_funcs=$(directive "$check" functions)
	if [ "$rc" != "${expect_rc:-0}" ]; then
		show_tail "$out"
		fail "$name" "kpatch-build exit $rc, expected ${expect_rc:-0}"
		return 1
	fi
	check_build_messages "$name" "$check" "$out" || return 1
	if [ -n "$expect_funcs" ]; then
		got=$(reported_functions "$out")
		# shellcheck disable=SC2086  # functions is a word list
		expect_funcs=$(printf '%s\n' $expect_funcs | sort -u | tr '\n' ' ' | sed 's/ $//')
		[ "$got" = "$expect_funcs" ] ||
			{ fail "$name" "changed/new functions are '$got', expected '$expect_funcs'"; return 1; }
	fi
	return 0
}
