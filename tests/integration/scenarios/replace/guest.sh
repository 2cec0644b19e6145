# replace: patch b (replace mode, the default) takes over from patch a, both
# changing cmdline_proc_show; unloading b brings the original back, not a.
#@ functions a: cmdline_proc_show
#@ functions b: cmdline_proc_show

cmdline() { cat /proc/cmdline; }

sc_step "before: $(cmdline)"
sc_expect "patched before any load: $(cmdline)" '! cmdline | grep -q "kpatch="'

sc_load a
sc_expect "a loaded, /proc/cmdline is '$(cmdline)'" 'cmdline | grep -q " kpatch=replace-A$"'

sc_load b
sc_expect "b loaded, /proc/cmdline is '$(cmdline)'" 'cmdline | grep -q " kpatch=replace-B$"'
sc_replaced a
sc_expect "b lost a's replacement: '$(cmdline)'" 'cmdline | grep -q " kpatch=replace-B$"'
sc_expect "b is not the only patch: $(ls "$KLP_SYSFS")" '[ "$(ls "$KLP_SYSFS")" = "$(sc_mod b)" ]'

sc_unload b
sc_expect "b unloaded, /proc/cmdline is '$(cmdline)'" '! cmdline | grep -q "kpatch="'
