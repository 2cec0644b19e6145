# shadow: the patched kernel_clone gives every new task a shadow variable, the
# patched proc_pid_status shows it as "KpatchShadow:" in /proc/<pid>/status,
# the patched free_task frees it; the post-unpatch callback frees the rest
# (klp_shadow_free_all) and logs the counts: every allocation freed.
#@ functions main: free_task kernel_clone kp_shadow_ctor kp_shadow_dtor kp_shadow_post_unpatch proc_pid_status

# shadow_of PID: the KpatchShadow value of a task ("" when it has none).
shadow_of() { sed -n 's/^KpatchShadow:[[:space:]]*//p' "/proc/$1/status"; }
# The value of a process started now (cat reads its own status).
new_shadow() { sed -n 's/^KpatchShadow:[[:space:]]*//p' /proc/self/status; }

sc_expect "a field before the load: $(new_shadow)" '[ -z "$(new_shadow)" ] && ! grep -q "^KpatchShadow:" /proc/1/status'

sc_load main
sc_expect "pid 1 (started before the load) has a shadow: $(shadow_of 1)" '[ -z "$(shadow_of 1)" ]'
first=$(new_shadow)
second=$(new_shadow)
sc_step "new processes: KpatchShadow $first, then $second"
sc_expect "a process started after the load has no KpatchShadow" '[ -n "$first" ] && [ "$first" -ge 1 ]'
sc_expect "two processes got the same shadow value $first" '[ -n "$second" ] && [ "$second" -gt "$first" ]'
sleep 60 &
sleeper=$!
sc_expect "a background process has no KpatchShadow" '[ -n "$(shadow_of $sleeper)" ]'
kill "$sleeper"
wait "$sleeper" 2>/dev/null

sc_unload main
sc_expect "a field after the unload: $(new_shadow)" '[ -z "$(new_shadow)" ]'
counts=$(dmesg | sed -n 's/.*kp-shadow: //p')
sc_step "counts: $counts"
allocated=$(echo "$counts" | sed -n 's/^allocated \([0-9]*\) .*/\1/p')
freed=$(echo "$counts" | sed -n 's/.* freed \([0-9]*\) .*/\1/p')
at_exit=$(echo "$counts" | sed -n 's/.*at task exit \([0-9]*\),.*/\1/p')
sc_expect "the post-unpatch callback did not log its counts" '[ -n "$allocated" ] && [ -n "$freed" ] && [ -n "$at_exit" ]'
sc_expect "allocated $allocated shadows, freed $freed" '[ "$allocated" -ge 3 ] && [ "$allocated" = "$freed" ]'
sc_expect "no shadow was freed at task exit (patched free_task)" '[ "$at_exit" -ge 1 ]'
sc_show_dmesg "kp-shadow|livepatch:"
