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
# The caller defines pass NAME, fail NAME WHY, msg TEXT, and sets:
#   work               a folder for the test's files ($work/NAME)
#   guest_kernel       the kernel image to boot
#   guest_module_dir   where "#@ modules:" paths are
#   guest_mem          guest memory in MiB (optional)

here_lib=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

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

# Show the end of a file on stderr, indented.
show_tail()
{
	tail -n "${2:-15}" "$1" 2>/dev/null | sed 's/^/    /' >&2
}

elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# The /init of a guest: load the extra modules, then observe the behaviour
# before, while and after the patch is loaded.
write_guest_init()
{
	local out=$1 name=$2 extra=$3 patch_first=$4

	cat >"$out" <<GUEST
#!/bin/sh
. /guest-lib.sh
guest_setup
. /modules/test.check
load_modules()
{
	for m in $extra; do
		insmod /modules/\$m || t_fail "insmod \$m"
	done
}
[ "$patch_first" = yes ] || load_modules
# optional in the .check: observe, is_patched, is_unpatched; they may read T_STAGE
type observe >/dev/null 2>&1 || observe() { :; }
type is_patched >/dev/null 2>&1 || is_patched() { cat >/dev/null; }
type is_unpatched >/dev/null 2>&1 || is_unpatched() { cat >/dev/null; }

T_STAGE=before
out=\$(observe 2>&1)
t_mark BEFORE "\$out"
echo "\$out" | is_unpatched || t_fail "before the patch: not the original behaviour"
klp_load $name.ko $name || t_fail "klp_load $name"
[ "$patch_first" = yes ] && load_modules
T_STAGE=patched
out=\$(observe 2>&1)
t_mark PATCHED "\$out"
echo "\$out" | is_patched || t_fail "patched: the new behaviour is not seen"
klp_unload $name || t_fail "klp_unload $name"
T_STAGE=after
out=\$(observe 2>&1)
t_mark AFTER "\$out"
echo "\$out" | is_unpatched || t_fail "after unloading: not the original behaviour"
check_dmesg_clean || t_fail "the kernel log has warnings"
t_pass
GUEST
}

# Show the observations of a guest's console log on stderr, with the lines
# that follow a marker (observe's output may have several lines).
show_markers()
{
	awk '/^T-(BEFORE|PATCHED|AFTER|KLP): / { sub(/^T-/, ""); print "    " $0; more = 1; next }
	     /^T-/ { more = 0 }
	     more { print "        " $0 }' "$1" >&2
}

# boot_and_check NAME KO CHECK EXTRA...: run the guest, judge its markers.
boot_and_check()
{
	local name=$1 ko=$2 check=$3 dir=$work/$1 extra=() m rc result why t0 mod
	local patch_first
	shift 3

	patch_first=$(directive "$check" patch-first)
	mod=${ko##*/}
	mod=${mod%.ko}
	for m in "$@"; do
		[ -f "$guest_module_dir/$m" ] ||
			{ fail "$name" "no module $guest_module_dir/$m for #@ modules"; return 1; }
		extra+=("$guest_module_dir/$m")
	done
	cp "$check" "$dir/test.check"
	write_guest_init "$dir/init" "$mod" "$(for m in "$@"; do printf '%s ' "${m##*/}"; done)" \
		"${patch_first:-no}"
	"$here_lib/mkinitramfs.sh" "$dir/initramfs.cpio.gz" "$dir/init" "$ko" "$dir/test.check" \
		"${extra[@]}" 2>"$dir/mkinitramfs.err" ||
		{ show_tail "$dir/mkinitramfs.err"; fail "$name" "mkinitramfs failed"; return 1; }
	t0=$(date +%s.%N)
	KP_QEMU_MEM=${guest_mem:-512} "$here_lib/qemu-run.sh" "$guest_kernel" \
		"$dir/initramfs.cpio.gz" "$dir/console.log" "${KP_QEMU_TIMEOUT:-180}"
	rc=$?
	msg "$name: guest ran in $(elapsed "$t0") s (qemu exit $rc)"
	result=$(sed -n 's/^T-RESULT: //p' "$dir/console.log" | head -n1)
	show_markers "$dir/console.log"
	if [ "$rc" = 0 ] && [ "$result" = PASS ]; then
		return 0
	fi
	why=$(sed -n 's/^T-FAIL: //p' "$dir/console.log" | head -n1)
	grep -E '^T-DMESG|Kernel panic|BUG:|WARNING:' "$dir/console.log" | tail -n 30 >&2
	fail "$name" "${why:-guest ended without a result (qemu exit $rc, log $dir/console.log)}"
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

# interrupt_patched_build STATE OUT CMD...: run CMD (a kpatch-build) in the
# background, its output in OUT; once STATE/dirty and a non-empty
# STATE/record say the tree is patched and being rebuilt, send it SIGINT.
# Returns CMD's exit status, or 255 (OUT's end shown) when the patched
# build never started.
interrupt_patched_build()
{
	local state=$1 out=$2 pid i
	shift 2

	# job control: a background job of a script would otherwise ignore SIGINT
	set -m
	"$@" >"$out" 2>&1 &
	pid=$!
	set +m
	for ((i = 0; i < 6000; i++)); do
		[ -e "$state/dirty" ] && [ -s "$state/record" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if ! [ -e "$state/dirty" ] || ! [ -s "$state/record" ]; then
		wait "$pid"
		show_tail "$out"
		return 255
	fi
	kill -INT "$pid"
	wait "$pid"
}
