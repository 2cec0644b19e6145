# stack: two non-replace patches (-R) to two functions are active together;
# removing the second leaves the first.
#@ build-args cmdline: -R
#@ build-args version: -R
#@ functions cmdline: cmdline_proc_show
#@ functions version: version_proc_show

cmdline() { cat /proc/cmdline; }
version() { cat /proc/version; }
cmdline_patched() { cmdline | grep -q " kpatch=stack$"; }
version_patched() { version | grep -q "^kpatch=stack-version$"; }

sc_expect "cmdline patched before any load" '! cmdline_patched'
sc_expect "version patched before any load" '! version_patched'

sc_load cmdline
sc_expect "cmdline loaded: /proc/cmdline is '$(cmdline)'" 'cmdline_patched'
sc_expect "cmdline loaded: /proc/version changed" '! version_patched'

sc_load version
sc_expect "both loaded: /proc/version is '$(version)'" 'version_patched'
sc_expect "version replaced cmdline: /proc/cmdline is '$(cmdline)'" 'cmdline_patched'
sc_expect "both loaded: cmdline's $(sc_dir cmdline) is gone" '[ -d "$(sc_dir cmdline)" ]'
sc_expect "both loaded: cmdline is not enabled" '[ "$(cat "$(sc_dir cmdline)/enabled")" = 1 ]'

sc_unload version
sc_expect "version unloaded: /proc/version is '$(version)'" '! version_patched'
sc_expect "version unloaded: /proc/cmdline lost its patch: '$(cmdline)'" 'cmdline_patched'

sc_unload cmdline
sc_expect "all unloaded: /proc/cmdline is '$(cmdline)'" '! cmdline_patched'
sc_expect "all unloaded: /proc/version is '$(version)'" '! version_patched'
