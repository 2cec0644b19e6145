# callback-fails: a pre-patch callback that returns -EINVAL makes insmod fail
# cleanly: no module, no sysfs folder, the function unpatched, no other
# callback run, no warning; the livepatch core still loads the next patch.
#@ functions refused: cmdline_proc_show kp_fail_post_patch kp_fail_post_unpatch kp_fail_pre_patch
#@ functions ok: cmdline_proc_show

sc_refused refused
sc_expect "the pre-patch callback did not run" 'sc_dmesg_has "kp-fail: pre-patch refuses vmlinux"'
sc_expect "the kernel did not report the failed callback" \
	"sc_dmesg_has \"pre-patch callback failed for object 'vmlinux'\""
sc_expect "another callback ran: $(dmesg | grep 'kp-fail: post')" '! sc_dmesg_has "kp-fail: post-"'
sc_expect "patched after the refusal: $(cat /proc/cmdline)" '! grep -q "kpatch=" /proc/cmdline'
sc_expect "livepatches left after the refusal: $(ls "$KLP_SYSFS")" '[ -z "$(ls "$KLP_SYSFS")" ]'

sc_load ok
sc_expect "ok loaded: $(cat /proc/cmdline)" 'grep -q " kpatch=after-refusal$" /proc/cmdline'
sc_unload ok
sc_expect "ok unloaded: $(cat /proc/cmdline)" '! grep -q "kpatch=" /proc/cmdline'
sc_show_dmesg "kp-fail|livepatch:"
