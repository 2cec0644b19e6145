# state: s1 sets up system state 7 (version 1) in its post-patch callback; s2,
# cumulative, also declares state 7 version 1 and its pre-patch callback
# refuses to load unless a loaded patch set the state up (klp_get_prev_state).
# The livepatch core's own rules: low (-R, state 7 version 0) is refused over
# s1's version 1; none (replace mode, no state 7) is refused because a
# cumulative patch must take over every state of the patches it replaces.
#@ build-args low: -R
#@ functions s1: cmdline_proc_show kp_state_post_patch
#@ functions s2: cmdline_proc_show kp_state_pre_patch
#@ functions low: cmdline_proc_show
#@ functions none: cmdline_proc_show

cmdline() { cat /proc/cmdline; }
# busybox insmod runs init_module after a failed finit_module: a refused
# module's init runs twice, so count refusals rather than expect one line.
refusals() { sc_dmesg_count "kp-state: s2 refused: no loaded patch set up state 7"; }
incompatible() { sc_dmesg_has "Livepatch patch ($(sc_mod "$1")) is not compatible"; }

sc_refused s2
sc_expect "s2 alone: no refusal in the kernel log" '[ "$(refusals)" -ge 1 ]'

sc_load s1
sc_expect "s1 loaded: /proc/cmdline is '$(cmdline)'" 'cmdline | grep -q " kpatch=state-s1$"'
sc_expect "s1's post-patch callback did not set state 7" \
	'sc_dmesg_has "kp-state: s1 post-patch: state 7 version 1 data 0x5eed1"'

sc_refused low
sc_expect "low: the kernel did not say why it was refused" 'incompatible low'
sc_refused none
sc_expect "none: the kernel did not say why it was refused" 'incompatible none'
sc_expect "the refusals changed /proc/cmdline: '$(cmdline)'" 'cmdline | grep -q " kpatch=state-s1$"'

sc_load s2
sc_expect "s2 did not take over s1's state" \
	'sc_dmesg_has "kp-state: s2 pre-patch: took over state 7 version 1 data 0x5eed1"'
sc_expect "s2 loaded: /proc/cmdline is '$(cmdline)'" 'cmdline | grep -q " kpatch=state-s2$"'
sc_replaced s1

sc_unload s2
sc_expect "s2 unloaded: /proc/cmdline is '$(cmdline)'" '! cmdline | grep -q "kpatch="'

before=$(refusals)
sc_refused s2
sc_expect "s2 after unloading everything: no new refusal" '[ "$(refusals)" -gt "$before" ]'
sc_show_dmesg "kp-state|livepatch:"
