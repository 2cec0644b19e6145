# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2016  # wait_for takes conditions in single quotes
#
# Guest helpers for the scenarios (busybox sh), on top of kpatch-build/guest/guest-lib.sh.
# run-scenarios.sh sets SC_NAME (the scenario) and sources this file before
# guest.sh.  A scenario's patch P is the module kps-$SC_NAME-P
# (/modules/kps-$SC_NAME-P.ko, /sys/kernel/livepatch/kps_${SC_NAME}_P).

# sc_step TEXT...: a progress line, shown by the host.
sc_step()
{
	t_mark STEP "$*"
}

# sc_ko P, sc_mod P, sc_dir P: the .ko, the kernel's module name, the sysfs folder.
sc_ko()
{
	echo "/modules/kps-$SC_NAME-$1.ko"
}

sc_mod()
{
	mod_name "kps-$SC_NAME-$1"
}

sc_dir()
{
	echo "$KLP_SYSFS/$(sc_mod "$1")"
}

# sc_is_loaded P: the module of patch P is in /proc/modules.
sc_is_loaded()
{
	grep -q "^$(sc_mod "$1") " /proc/modules
}

# sc_load P: insmod patch P and wait for its transition (t_fail otherwise).
sc_load()
{
	sc_step "load $1"
	klp_load "$(sc_ko "$1")" "$(sc_mod "$1")" || t_fail "loading $1 failed"
}

# sc_unload P: disable patch P, wait, rmmod (t_fail otherwise).
sc_unload()
{
	sc_step "unload $1"
	klp_unload "$(sc_mod "$1")" || t_fail "unloading $1 failed"
}

# sc_refused P: insmod of patch P must fail and leave nothing behind: no
# module, no sysfs folder (t_fail otherwise).
sc_refused()
{
	sc_step "load $1 (must be refused)"
	insmod "$(sc_ko "$1")" 2>/dev/null && t_fail "insmod $1 succeeded, expected a refusal"
	[ -d "$(sc_dir "$1")" ] && t_fail "refused $1 left $(sc_dir "$1")"
	sc_is_loaded "$1" && t_fail "refused $1 is still in /proc/modules"
	return 0
}

# sc_replaced P: patch P was replaced by a later cumulative patch: its sysfs
# folder goes away (asynchronously), its module stays loaded until rmmod.
sc_replaced()
{
	sc_step "$1 replaced"
	# wait_for evals in its own function: no $1 in the conditions
	_sr_dir=$(sc_dir "$1")
	_sr_mod=$(sc_mod "$1")
	wait_for '[ ! -d "$_sr_dir" ]' 100 || t_fail "$1 was not replaced: $_sr_dir remains"
	sc_is_loaded "$1" || t_fail "the replaced $1 is not in /proc/modules"
	wait_for 'rmmod "$_sr_mod" 2>/dev/null' 100 || t_fail "rmmod of the replaced $1 failed"
	sc_is_loaded "$1" && t_fail "the replaced $1 is still in /proc/modules after rmmod"
	return 0
}

# sc_expect WHAT COND: t_fail "WHAT" unless the shell condition COND holds.
sc_expect()
{
	eval "$2" || t_fail "$1"
}

# sc_dmesg_has TEXT: the kernel log has a line containing TEXT (fixed string).
sc_dmesg_has()
{
	dmesg | grep -qF -- "$1"
}

# sc_dmesg_count TEXT: how many kernel log lines contain TEXT.
sc_dmesg_count()
{
	dmesg | grep -cF -- "$1"
}

# sc_show_dmesg REGEX: show the kernel log lines matching REGEX (grep -E) as steps.
sc_show_dmesg()
{
	dmesg | grep -E -- "$1" | sed 's/^\[[^]]*\] //; s/^/T-STEP:   kernel: /'
}
