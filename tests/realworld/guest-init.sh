#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016  # wait_for takes conditions in single quotes
#
# /init of a realworld guest (busybox sh): load many livepatch modules in
# turn.  /modules/list has one line per patch:
#
#     ID LIVEPATCH TARGET_MODULE...
#
# the target modules (the patched module's dependencies, then the module
# itself; none for a vmlinux patch) in load order.  For each line:
# insmod the target modules, load the livepatch and wait for its transition
# (klp_load), see that the livepatch patched the target module (its
# object's "patched" is 1), disable it and wait, rmmod it (klp_unload),
# rmmod the target module, and look at the kernel log.  Markers (tests/realworld/run.sh
# reads them):
#
#     T-RW-START: ID              before anything of ID is loaded
#     T-RW-NOTE: ID text          a target module that did not load (the
#                                 livepatch waits for it: still tested), or
#                                 what loading the target modules logged
#     T-RW-END: ID loaded         enabled, transition ended, disabled, removed
#     T-RW-END: ID failed: why
#
# A START without an END means that ID crashed or hung the guest.

. /guest-lib.sh
guest_setup

# Kernel log lines that fail a patch.
BAD_LOG='WARNING:|BUG:|Oops|Call Trace|general protection|kernel BUG|livepatch: .*(failed|error)'

# The log of the boot is not any patch's: show what it has, then clear it.
bad=$(dmesg | grep -E "$BAD_LOG")
[ -n "$bad" ] && echo "$bad" | sed 's/^/T-BOOT-DMESG: /'
dmesg -c >/dev/null

# insmod_target FILE ID: load FILE unless a module of that name is loaded.
insmod_target()
{
	_it_name=$(mod_name "${1%.ko}")
	[ -d "/sys/module/$_it_name" ] && return 0
	insmod "/modules/$1" 2>/tmp/insmod.err && return 0
	t_mark RW-NOTE "$2 insmod $1: $(head -n1 /tmp/insmod.err)"
	return 1
}

while read -r id lp targets; do
	[ -n "$id" ] || continue
	t_mark RW-START "$id"
	# target: the patched module, when it loaded (the last of the list)
	target=
	for m in $targets; do
		target=
		insmod_target "$m" "$id" && target=$m
	done
	# what loading the target modules printed is theirs, not the livepatch's
	# (ecdh_generic's self-test fails under TCG, for one): a note
	if [ -n "$targets" ]; then
		sleep 1
		log=$(dmesg -c | grep -E "$BAD_LOG")
		[ -n "$log" ] && t_mark RW-NOTE "$id loading the target modules logged: $(echo "$log" | head -n1 | sed 's/^\[[ 0-9.]*\] //')"
	fi
	why=
	obj=$KLP_SYSFS/$(mod_name "$lp")/$(mod_name "${target%.ko}")
	if ! klp_load "$lp.ko" "$lp"; then
		why="the livepatch did not load or its transition did not end"
		[ -d "/sys/module/$(mod_name "$lp")" ] && klp_unload "$lp" >/dev/null
	elif [ -n "$target" ] && [ "$(cat "$obj/patched" 2>/dev/null)" != 1 ]; then
		why="the target module is loaded but $obj/patched is not 1"
		klp_unload "$lp" >/dev/null
	elif ! klp_unload "$lp"; then
		why="the livepatch could not be disabled and removed"
	fi
	# the patched module goes too (its dependencies stay: others share them)
	[ -n "$target" ] && rmmod "$(mod_name "${target%.ko}")" 2>/dev/null
	log=$(dmesg -c | grep -E "$BAD_LOG")
	if [ -n "$log" ]; then
		echo "$log" | sed 's/^/T-DMESG: /'
		why="${why:+$why; }kernel log: $(echo "$log" | head -n1 | sed 's/^\[[ 0-9.]*\] //')"
	fi
	if [ -z "$why" ]; then
		t_mark RW-END "$id loaded"
	else
		t_mark RW-END "$id failed: $why"
	fi
done </modules/list
t_pass
