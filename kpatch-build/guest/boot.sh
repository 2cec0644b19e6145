# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The host side of a guest boot: the kernel booted under qemu with a busybox
# initramfs whose /init (on top of guest-lib.sh) loads patch modules and says
# what it saw in "T-NAME: text" marker lines on the serial console, the
# verdict read from that log.  Source it (bash):
#
#   guest_boot NAME DIR KERNEL INIT [FILE...]
#       INIT becomes /init, the FILEs go to /modules (mkinitramfs.sh); boots
#       KERNEL (qemu-run.sh, KP_QEMU_TIMEOUT seconds, default 180; KP_QEMU_MEM
#       MiB) with the console in DIR/console.log.  Returns 0 when qemu ended
#       by itself and the guest said "T-RESULT: PASS"; otherwise 1, with the
#       reason in guest_why (the guest's "T-FAIL: why", or how it ended) and
#       the log's warnings on stderr.  Sets guest_rc (qemu's exit status).
#   guest_show_markers LOG NAME...
#       the markers T-NAME of LOG on stderr, with the lines that follow each one
#   guest_check_init OUT PATCH EXTRA PATCH_FIRST
#       write the /init of a check: load the modules EXTRA (file names in
#       /modules, before the patch unless PATCH_FIRST is yes), run the
#       check script /modules/test.check's observe before, while and after
#       the patch module PATCH.ko is loaded (T-BEFORE, T-PATCHED, T-AFTER),
#       judge each with its is_unpatched / is_patched, end with a clean kernel log

guest_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
guest_rc=
guest_why=

guest_boot()
{
	local name=$1 dir=$2 kernel=$3 init=$4 t0 result
	shift 4

	guest_rc=
	if ! "$guest_dir/mkinitramfs.sh" "$dir/initramfs.cpio.gz" "$init" "$@" \
			2>"$dir/mkinitramfs.err"; then
		tail -n 15 "$dir/mkinitramfs.err" | sed 's/^/    /' >&2
		guest_why="mkinitramfs failed"
		return 1
	fi
	t0=$(date +%s.%N)
	"$guest_dir/qemu-run.sh" "$kernel" "$dir/initramfs.cpio.gz" "$dir/console.log" \
		"${KP_QEMU_TIMEOUT:-180}"
	guest_rc=$?
	msg "$name: guest ran in $(awk -v a="$t0" -v b="$(date +%s.%N)" \
		'BEGIN { printf "%.1f", b - a }') s (qemu exit $guest_rc)"
	result=$(sed -n 's/^T-RESULT: //p' "$dir/console.log" | head -n1)
	[ "$guest_rc" = 0 ] && [ "$result" = PASS ] && return 0
	guest_why=$(sed -n 's/^T-FAIL: //p' "$dir/console.log" | head -n1)
	: "${guest_why:=guest ended without a result (qemu exit $guest_rc, log $dir/console.log)}"
	grep -E '^T-DMESG|Kernel panic|BUG:|WARNING:' "$dir/console.log" | tail -n 30 >&2
	return 1
}

guest_show_markers()
{
	local log=$1 names
	shift
	names=$(IFS='|'; echo "$*")
	awk -v re="^T-($names): " '$0 ~ re { sub(/^T-/, ""); print "    " $0; more = 1; next }
	     /^T-/ { more = 0 }
	     more { print "        " $0 }' "$log" >&2
}

guest_check_init()
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
