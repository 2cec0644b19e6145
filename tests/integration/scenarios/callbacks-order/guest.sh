# callbacks-order: the four callbacks of one patch run in the order pre-patch,
# post-patch (load), pre-unpatch, post-unpatch (unload), each once.
#@ functions main: cmdline_proc_show kp_cb_post_patch kp_cb_post_unpatch kp_cb_pre_patch kp_cb_pre_unpatch

# The callbacks' lines of the kernel log, in order, joined with ", ".
callbacks() { dmesg | sed -n 's/.*kp-cb: //p' | awk '{ printf "%s%s", (NR > 1 ? ", " : ""), $0 }'; }

sc_expect "callbacks before the load: '$(callbacks)'" '[ -z "$(callbacks)" ]'
sc_load main
sc_expect "not patched: $(cat /proc/cmdline)" 'grep -q " kpatch=callbacks-order$" /proc/cmdline'
sc_expect "after the load the callbacks were '$(callbacks)'" \
	'[ "$(callbacks)" = "pre-patch vmlinux, post-patch vmlinux" ]'
sc_unload main
sc_expect "not unpatched: $(cat /proc/cmdline)" '! grep -q "kpatch=" /proc/cmdline'
sc_show_dmesg "kp-cb"
sc_expect "after the unload the callbacks were '$(callbacks)'" \
	'[ "$(callbacks)" = "pre-patch vmlinux, post-patch vmlinux, pre-unpatch vmlinux, post-unpatch vmlinux" ]'
