# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2016  # wait_for takes conditions in single quotes
#
# Shell functions for the /init script of a test guest (busybox sh).
# mkinitramfs.sh puts this file at /guest-lib.sh; an /init starts with
#
#     . /guest-lib.sh
#     guest_setup
#
# Everything the host reads is a marker line on the console: "T-NAME: text".
# A run ends with t_pass (prints "T-RESULT: PASS") or t_fail (prints "T-FAIL: why"
# and "T-RESULT: FAIL"); both end the VM.  Modules are in /modules.

KLP_SYSFS=/sys/kernel/livepatch
GUEST_MODULES=/modules

# t_mark NAME TEXT...: print the marker line "T-NAME: TEXT".
t_mark()
{
	_t_name=$1
	shift
	echo "T-$_t_name: $*"
}

# Mount what the tests need and send all output to the console.
guest_setup()
{
	/bin/busybox --install -s /bin
	export PATH=/bin
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	# CONFIG_DEVTMPFS_MOUNT does not apply to an initramfs
	mount -t devtmpfs devtmpfs /dev 2>/dev/null
	exec </dev/console >/dev/console 2>&1
	# the firmware's escape sequences end without a newline: start markers on a line of their own
	echo
	t_mark UNAME "$(uname -r)"
}

# End the VM.  qemu runs with -no-reboot, so a reset makes it exit; poweroff -f
# only ends qemu when ACPI works, which the tiny test kernel does not have.
vm_exit()
{
	sync
	if [ -e /sys/firmware/acpi/tables/DSDT ]; then
		poweroff -f
	else
		reboot -f
	fi
	sleep 60
}

t_pass()
{
	t_mark RESULT PASS
	vm_exit
}

t_fail()
{
	t_mark FAIL "$*"
	dmesg | tail -n 40 | sed 's/^/T-DMESG: /'
	t_mark RESULT FAIL
	vm_exit
}

# wait_for COND TENTHS: evaluate the shell condition COND every 0.1 s until it
# holds (return 0) or TENTHS tenths of a second have passed (return 1).
wait_for()
{
	_wf_i=0
	while ! eval "$1"; do
		_wf_i=$((_wf_i + 1))
		[ "$_wf_i" -ge "$2" ] && return 1
		usleep 100000
	done
	return 0
}

# The module name as the kernel spells it: dashes become underscores.
mod_name()
{
	echo "$1" | tr - _
}

# klp_load KO NAME: load the livepatch module KO (a path, or a file in /modules)
# and wait until the patch NAME is enabled and its transition has finished.
klp_load()
{
	_kl_ko=$1
	_kl_dir=$KLP_SYSFS/$(mod_name "$2")
	case $_kl_ko in
	*/*) ;;
	*) _kl_ko=$GUEST_MODULES/$_kl_ko ;;
	esac
	if ! insmod "$_kl_ko"; then
		t_mark KLP "insmod $_kl_ko failed"
		return 1
	fi
	if [ ! -d "$_kl_dir" ]; then
		t_mark KLP "no $_kl_dir after insmod"
		return 1
	fi
	if ! wait_for '[ "$(cat $_kl_dir/transition)" = 0 ]' 300; then
		t_mark KLP "the enable transition of $2 did not finish in 30 s"
		return 1
	fi
	if [ "$(cat "$_kl_dir/enabled")" != 1 ]; then
		t_mark KLP "$2 is not enabled after its transition"
		return 1
	fi
	t_mark KLP "$2 enabled"
	return 0
}

# klp_unload NAME: disable the patch NAME, wait until the kernel has removed its
# sysfs folder (the unpatch transition has finished) and remove the module.
klp_unload()
{
	_ku_name=$(mod_name "$1")
	_ku_dir=$KLP_SYSFS/$_ku_name
	if [ -d "$_ku_dir" ] && ! echo 0 >"$_ku_dir/enabled"; then
		t_mark KLP "cannot disable $1"
		return 1
	fi
	if ! wait_for '[ ! -d $_ku_dir ]' 300; then
		t_mark KLP "the disable transition of $1 did not finish in 30 s"
		return 1
	fi
	if ! wait_for 'rmmod $_ku_name 2>/dev/null' 100; then
		t_mark KLP "rmmod $_ku_name did not succeed in 10 s"
		return 1
	fi
	t_mark KLP "$1 unloaded"
	return 0
}

# check_dmesg_clean: fail (return 1, the lines as T-DMESG markers) when the kernel
# log has a warning, a BUG, an Oops or a call trace.
check_dmesg_clean()
{
	_cd_bad=$(dmesg | grep -E 'WARNING:|BUG:|Oops|Call Trace|general protection|kernel BUG')
	[ -z "$_cd_bad" ] && return 0
	echo "$_cd_bad" | sed 's/^/T-DMESG: /'
	return 1
}
