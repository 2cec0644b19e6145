#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/kpatch-util/run.sh - tests of kpatch/kpatch, the patch manager.
#
# Two guests of the small test kernel (tests/kernel) boot in parallel under qemu,
# kpatch at /bin/kpatch and the kernel's own sample livepatch modules in /modules:
#
#   guest "main"  load, list, info, /proc/cmdline patched, unload, refusals
#                 (wrong kernel, already loaded, not loaded), install, a boot
#                 simulated with `kpatch load --all` (KPATCH_ROOT=/kproot), the
#                 KPATCH_CMDLINE override, uninstall, a transition timeout (a
#                 kworker sleeping in a function the patch replaces) backed out
#   guest "noenable"  booted with kpatch.enable=0: `kpatch load --all` loads nothing
#
# Meanwhile the host runs what a root guest cannot show: refused when not root
# (setpriv to nobody), no livepatch support (KPATCH_SYSFS=empty folder), bad
# command lines, install/uninstall, list/info and an unload timeout on a fake
# sysfs, the same checks under dash, bash and busybox sh.
#
# Prints "PASS kpatch/NAME" or "FAIL kpatch/NAME: why" per check; exit 1 if any
# failed.  Needs root (mkinitramfs.sh makes device nodes; setpriv).
# Env: KPATCH_TEST_KEEP=DIR keeps the consoles' logs in DIR.

# Checks are shell conditions in single quotes, evaluated later by check/hcheck:
# shellcheck disable=SC2016,SC2034
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
kdir=$top/tests/kernel
kpatch_src=$top/kpatch/kpatch

# shellcheck source=SCRIPTDIR/../lib/harness.sh
. "$top/tests/lib/harness.sh"
harness_suite kpatch

if [ "$(id -u)" != 0 ]; then
	fail setup "needs root (mkinitramfs.sh makes device nodes, the not-root test uses setpriv)"
	exit 1
fi
for cmd in qemu-system-x86_64 python3 setpriv busybox dash; do
	command -v "$cmd" >/dev/null || { fail setup "'$cmd' not found"; exit 1; }
done

t_start=$(date +%s.%N)
tree=$("$kdir/build-test-kernel.sh" | tail -n1)
if [ -z "$tree" ] || [ ! -r "$tree/arch/x86/boot/bzImage" ]; then
	fail setup "no test kernel (tests/kernel/build-test-kernel.sh)"
	exit 1
fi
samples=$tree/samples/livepatch
for ko in livepatch-sample livepatch-callbacks-busymod livepatch-callbacks-demo; do
	[ -r "$samples/$ko.ko" ] || { fail setup "no $samples/$ko.ko"; exit 1; }
done

work_folder kpatch-util
chmod 0755 "$work"
install -m 0755 "$kpatch_src" "$work/kpatch"
kpatch=$work/kpatch

# A copy of livepatch-sample.ko whose vermagic names another release of the same
# length, so that only the string changes: 6.1.192 -> 6.1.0-x.
release=$(modinfo -F vermagic "$samples/livepatch-sample.ko" | cut -d' ' -f1)
fake_release=$(python3 - "$samples/livepatch-sample.ko" "$work/livepatch-sample-wrongkver.ko" <<'EOF'
import sys
src, dst = sys.argv[1], sys.argv[2]
data = open(src, "rb").read()
start = data.index(b"\0vermagic=") + len(b"\0vermagic=")
release = data[start:data.index(b" ", start)]
parts = release.split(b".")
fake = (parts[0] + b"." + parts[1] + b".0-").ljust(len(release), b"x")[:len(release)]
assert fake != release and data.count(b"vermagic=" + release + b" ") == 1
open(dst, "wb").write(data.replace(b"vermagic=" + release + b" ", b"vermagic=" + fake + b" "))
print(fake.decode())
EOF
) || { fail setup "cannot make the wrong-vermagic copy"; exit 1; }

# --- the guests ---------------------------------------------------------------

# Shell functions every guest /init starts with.
cat >"$work/guest-common.sh" <<'EOF'
. /guest-lib.sh
guest_setup
cp /modules/kpatch /bin/kpatch && chmod 0755 /bin/kpatch
M=/modules
LP=/sys/kernel/livepatch

# run CMD...: run it, keep its stdout+stderr in OUT and its status in RC.
run()
{
	OUT=$("$@" 2>&1)
	RC=$?
}

# check NAME WHY COND: a T-CHECK marker, PASS when the shell condition holds.
check()
{
	if eval "$3"; then
		t_mark CHECK "$1 PASS"
	else
		t_mark CHECK "$1 FAIL $2 (rc=$RC, output: $(printf '%s' "$OUT" | tr '\n' '|' | cut -c1-300))"
	fi
}

has() { printf '%s\n' "$OUT" | grep -q -- "$1"; }
EOF

cat >"$work/init-main" <<EOF
#!/bin/sh
. /modules/guest-common.sh
RELEASE=$release
FAKE_RELEASE=$fake_release
EOF
cat >>"$work/init-main" <<'EOF'
ORIG=$(cat /proc/cmdline)
PATCHED="this has been live patched"

run kpatch load $M/livepatch-sample.ko
check load "kpatch load failed" '[ $RC = 0 ] && [ -d $LP/livepatch_sample ]'
check patched "cmdline: $(cat /proc/cmdline)" '[ "$(cat /proc/cmdline)" = "$PATCHED" ]'
run kpatch list
check list "list does not show livepatch_sample enabled" \
	'[ $RC = 0 ] && has "livepatch_sample  *\[enabled\]"'
run kpatch info livepatch_sample
check info "info lacks enabled, transition or the function" \
	'[ $RC = 0 ] && has "^enabled: *1$" && has "^transition: *0$" && has "^object: *vmlinux" && has "^function: *vmlinux: cmdline_proc_show,1$"'
run kpatch info $M/livepatch-sample.ko
check info-file "info FILE lacks vermagic" \
	'[ $RC = 0 ] && has "^vermagic: *$RELEASE " && has "^livepatch: *Y$" && has "^loaded: *yes$"'
run kpatch load $M/livepatch-sample.ko
check load-twice "a second load is not refused" '[ $RC = 1 ] && has "already loaded"'
run kpatch unload livepatch_sample
check unload "unload failed" \
	'[ $RC = 0 ] && [ ! -d $LP/livepatch_sample ] && ! grep -q "^livepatch_sample " /proc/modules'
check unpatched "cmdline: $(cat /proc/cmdline)" '[ "$(cat /proc/cmdline)" = "$ORIG" ]'
run kpatch unload livepatch_sample
check unload-not-loaded "expected exit 5" '[ $RC = 5 ] && has "not loaded"'
run kpatch info livepatch_sample
check info-unknown "expected exit 5" '[ $RC = 5 ]'

run kpatch load $M/livepatch-sample-wrongkver.ko
check wrong-kernel "expected exit 7 and 'built for $FAKE_RELEASE, running $RELEASE'" \
	'[ $RC = 7 ] && has "built for $FAKE_RELEASE, running $RELEASE" && [ ! -d $LP/livepatch_sample ]'

export KPATCH_ROOT=/kproot
run kpatch install $M/livepatch-sample.ko
check install "not in /kproot/var/lib/kpatch/$RELEASE" \
	'[ $RC = 0 ] && [ -f /kproot/var/lib/kpatch/$RELEASE/livepatch-sample.ko ]'
run kpatch list
check list-installed "list does not show the installed module" \
	'[ $RC = 0 ] && has "^  livepatch-sample.ko  *livepatch_sample$"'
echo "$ORIG kpatch.enable=0" >/tmp/cmdline-off
run env KPATCH_CMDLINE=/tmp/cmdline-off kpatch load --all
check cmdline-override "load --all with KPATCH_CMDLINE holding kpatch.enable=0 loaded something" \
	'[ $RC = 0 ] && has "kpatch.enable=0" && [ ! -d $LP/livepatch_sample ]'
# The simulated boot: what kpatch.service runs.
run kpatch load --all
check boot-load-all "load --all did not apply the installed patch" \
	'[ $RC = 0 ] && [ "$(cat /proc/cmdline)" = "$PATCHED" ]'
run kpatch load --all
check load-all-again "a second load --all is not a no-op" '[ $RC = 0 ] && has "already loaded, skipped"'
run kpatch info livepatch_sample
check info-installed "info lacks the installed file" \
	'[ $RC = 0 ] && has "^file: */kproot/var/lib/kpatch/$RELEASE/livepatch-sample.ko$" && has "^enabled: *1$"'
run kpatch unload --all
check unload-all "unload --all failed" \
	'[ $RC = 0 ] && [ ! -d $LP/livepatch_sample ] && [ "$(cat /proc/cmdline)" = "$ORIG" ]'
run kpatch uninstall livepatch_sample
check uninstall "the installed file is still there" \
	'[ $RC = 0 ] && [ ! -e /kproot/var/lib/kpatch/$RELEASE/livepatch-sample.ko ]'
unset KPATCH_ROOT

# A transition that cannot finish: busymod's work item sleeps 12 s inside
# busymod_work_func, which livepatch-callbacks-demo replaces.
insmod $M/livepatch-callbacks-busymod.ko sleep_secs=12
sleep 1
T0=$(date +%s)
run kpatch load -t 3 $M/livepatch-callbacks-demo.ko
T1=$(date +%s)
check timeout "expected exit 8, a kworker named, the patch reversed and removed in < 10 s" \
	'[ $RC = 8 ] && has "transition timeout after 3 s" && has "held by.*kworker" && [ ! -d $LP/livepatch_callbacks_demo ] && ! grep -q "^livepatch_callbacks_demo " /proc/modules && [ $((T1 - T0)) -lt 10 ]'
t_mark TIMEOUT-OUTPUT "$(printf '%s' "$OUT" | tr '\n' '|')"

OUT=$(check_dmesg_clean 2>&1)
RC=$?
check dmesg-clean "the kernel log has warnings" '[ $RC = 0 ]'
t_pass
EOF

cat >"$work/init-noenable" <<'EOF'
#!/bin/sh
. /modules/guest-common.sh
export KPATCH_ROOT=/kproot
ORIG=$(cat /proc/cmdline)
kpatch install $M/livepatch-sample.ko
run kpatch load --all
check enable0-boot "load --all loaded a patch although kpatch.enable=0 is on the command line" \
	'[ $RC = 0 ] && has "kpatch.enable=0" && [ ! -d $LP/livepatch_sample ] && [ "$(cat /proc/cmdline)" = "$ORIG" ] && case "$ORIG" in *kpatch.enable=0*) true ;; *) false ;; esac'
echo "console=ttyS0" >/tmp/cmdline-on
run env KPATCH_CMDLINE=/tmp/cmdline-on kpatch load --all
check enable0-override "with KPATCH_CMDLINE without the flag load --all did not load" \
	'[ $RC = 0 ] && [ -d $LP/livepatch_sample ]'
t_pass
EOF

modules=("$kpatch" "$work/guest-common.sh" "$samples/livepatch-sample.ko"
	"$work/livepatch-sample-wrongkver.ko" "$samples/livepatch-callbacks-busymod.ko"
	"$samples/livepatch-callbacks-demo.ko")
main_checks="load patched list info info-file load-twice unload unpatched unload-not-loaded
	info-unknown wrong-kernel install list-installed cmdline-override boot-load-all
	load-all-again info-installed unload-all uninstall timeout dmesg-clean"
noenable_checks="enable0-boot enable0-override"

for g in main noenable; do
	if ! "$top/kpatch-build/guest/mkinitramfs.sh" "$work/$g.cpio.gz" "$work/init-$g" "${modules[@]}"; then
		fail setup "mkinitramfs.sh for the $g guest failed"
		exit 1
	fi
done
bzimage=$tree/arch/x86/boot/bzImage
"$top/kpatch-build/guest/qemu-run.sh" "$bzimage" "$work/main.cpio.gz" "$work/main.log" 90 &
pid_main=$!
KP_QEMU_APPEND="kpatch.enable=0" \
	"$top/kpatch-build/guest/qemu-run.sh" "$bzimage" "$work/noenable.cpio.gz" "$work/noenable.log" 90 &
pid_noenable=$!

# --- host checks, while the guests run ------------------------------------------

# hrun CMD...: run it, OUT and RC as in the guest.
hrun()
{
	OUT=$("$@" 2>&1)
	RC=$?
}
has() { printf '%s\n' "$OUT" | grep -q -- "$1"; }
# hcheck NAME WHY COND
hcheck()
{
	if eval "$3"; then
		pass "$1"
	else
		fail "$1" "$2 (rc=$RC, output: $(printf '%s' "$OUT" | tr '\n' '|' | cut -c1-300))"
	fi
}

sample=$samples/livepatch-sample.ko
empty_sys=$work/empty-sys
fake_sys=$work/fake-sys
mkdir -p "$empty_sys" "$fake_sys/kernel/livepatch"

for tag in dash bash busybox; do
	sh=("$tag")
	[ "$tag" = busybox ] && sh=(busybox sh)
	hrun setpriv --reuid=nobody --regid=nogroup --clear-groups "${sh[@]}" "$kpatch" load "$sample"
	hcheck "host/not-root-load($tag)" "expected exit 3" '[ $RC = 3 ] && has "must be run as root"'
	hrun env KPATCH_SYSFS="$empty_sys" "${sh[@]}" "$kpatch" load "$sample"
	hcheck "host/no-livepatch($tag)" "expected exit 4" '[ $RC = 4 ] && has "no livepatch support"'
	hrun env KPATCH_SYSFS="$fake_sys" "${sh[@]}" "$kpatch" load "$work/no-such.ko"
	hcheck "host/file-missing($tag)" "expected exit 5" '[ $RC = 5 ] && has "no such file"'
	hrun env KPATCH_SYSFS="$fake_sys" "${sh[@]}" "$kpatch" load "$tree/samples/kobject/kobject-example.ko"
	hcheck "host/not-livepatch($tag)" "expected exit 6" '[ $RC = 6 ] && has "not a livepatch module"'
	hrun env KPATCH_SYSFS="$fake_sys" "${sh[@]}" "$kpatch" load "$work/livepatch-sample-wrongkver.ko"
	hcheck "host/wrong-kernel($tag)" "expected exit 7" \
		'[ $RC = 7 ] && has "built for $fake_release, running $(uname -r)"'
done

hrun setpriv --reuid=nobody --regid=nogroup --clear-groups sh "$kpatch" unload livepatch_sample
hcheck host/not-root-unload "expected exit 3" '[ $RC = 3 ]'
hrun setpriv --reuid=nobody --regid=nogroup --clear-groups sh "$kpatch" install "$sample"
hcheck host/not-root-install "expected exit 3" '[ $RC = 3 ]'

bad_usage_ok=1
for args in "" "bogus" "load" "load -t x $sample" "load -t 0 $sample" "unload a b" \
	"install" "install -k" "info" "list extra" "load --frobnicate"; do
	# shellcheck disable=SC2086  # the words of $args are the arguments
	hrun "$kpatch" $args
	[ "$RC" = 2 ] || { bad_usage_ok=0; break; }
done
hcheck host/usage "'kpatch $args' did not exit 2" '[ $bad_usage_ok = 1 ]'

# has_all WORD...: OUT has every WORD.
has_all()
{
	local w
	for w in "$@"; do
		has "$w" || return 1
	done
}
hrun "$kpatch" --help
help=$OUT
hcheck host/help "--help failed or lacks a command" \
	'[ $RC = 0 ] && has_all load unload list info install uninstall version -t -k KPATCH_TIMEOUT KPATCH_ROOT KPATCH_SYSFS KPATCH_CMDLINE'
hrun "$kpatch" version
hcheck host/version "no version" '[ $RC = 0 ] && has "^kpatch [0-9]"'

# Every exit status of the script is in --help and in the man page.
man=$top/man/kpatch.1
codes_ok=1
missing=
while read -r code; do
	printf '%s\n' "$help" | grep -q "^  $code  " || { codes_ok=0; missing="$missing help:$code"; }
	grep -A1 '^\.TP' "$man" | grep -q "^\.B $code\$" || { codes_ok=0; missing="$missing man:$code"; }
done < <(sed -n 's/^E_[A-Z_]*=\([0-9]*\).*/\1/p' "$kpatch")
OUT=$missing RC=-
hcheck host/exit-codes-documented "exit statuses missing from --help or man/kpatch.1" '[ $codes_ok = 1 ]'
hrun man --warnings -l -Tutf8 "$man"
hcheck host/man-renders "man -l warns" '[ $RC = 0 ] && ! has "warning"'

# install / uninstall into a prefix, as root and as nobody (a prefix needs no root).
kroot=$work/kroot
hrun env KPATCH_ROOT="$kroot" "$kpatch" install -k 9.9.9 "$sample"
hcheck host/install-wrong-kver "expected exit 7" '[ $RC = 7 ] && [ ! -e "$kroot/var/lib/kpatch/9.9.9" ]'
hrun env KPATCH_ROOT="$kroot" "$kpatch" install "$sample"
hcheck host/install "not in $kroot/var/lib/kpatch/$release" \
	'[ $RC = 0 ] && [ -f "$kroot/var/lib/kpatch/$release/livepatch-sample.ko" ]'
hrun env KPATCH_ROOT="$kroot" "$kpatch" uninstall livepatch_sample
hcheck host/uninstall-default-kver "expected exit 5 (uname -r is not $release)" '[ $RC = 5 ]'
hrun env KPATCH_ROOT="$kroot" "$kpatch" uninstall -k "$release" livepatch-sample.ko
hcheck host/uninstall "still installed" \
	'[ $RC = 0 ] && [ ! -e "$kroot/var/lib/kpatch/$release/livepatch-sample.ko" ]'
mkdir -p "$work/nobody-root" && chown nobody "$work/nobody-root"
cp "$sample" "$work/readable-sample.ko" && chmod 0644 "$work/readable-sample.ko"
hrun setpriv --reuid=nobody --regid=nogroup --clear-groups env KPATCH_ROOT="$work/nobody-root" \
	busybox sh "$kpatch" install "$work/readable-sample.ko"
hcheck host/install-prefix-unprivileged "install into a KPATCH_ROOT as nobody failed" \
	'[ $RC = 0 ] && [ -f "$work/nobody-root/var/lib/kpatch/$release/readable-sample.ko" ]'

# A fake patch in a fake sysfs: list and info read it; an unload whose
# transition never ends is signalled, times out and is reversed.
fp=$fake_sys/kernel/livepatch/fake_patch
mkdir -p "$fp/vmlinux/cmdline_proc_show,1"
echo 1 >"$fp/enabled"
echo 1 >"$fp/transition"
echo 0 >"$fp/signal"
echo 1 >"$fp/vmlinux/patched"
hrun env KPATCH_SYSFS="$fake_sys" KPATCH_ROOT="$kroot" dash "$kpatch" list
hcheck host/list-fake "list does not show the fake patch in transition" \
	'[ $RC = 0 ] && has "fake_patch  *\[enabled, in transition\]"'
hrun env KPATCH_SYSFS="$fake_sys" dash "$kpatch" info fake_patch
hcheck host/info-fake "info lacks the object or function" \
	'[ $RC = 0 ] && has "^object: *vmlinux (patched: 1)$" && has "^function: *vmlinux: cmdline_proc_show,1$" && has "^transition: *1$"'
hrun env KPATCH_SYSFS="$fake_sys" dash "$kpatch" unload -t 2 fake_patch
hcheck host/unload-timeout "expected exit 8, the signal written and enabled back to 1" \
	'[ $RC = 8 ] && has "transition timeout after 2 s" && [ "$(cat "$fp/signal")" = 1 ] && [ "$(cat "$fp/enabled")" = 1 ]'
hrun env KPATCH_SYSFS="$fake_sys" KPATCH_TIMEOUT=abc dash "$kpatch" unload fake_patch
hcheck host/bad-timeout-env "expected exit 2" '[ $RC = 2 ]'

if command -v systemd-analyze >/dev/null; then
	# The unit names /usr/local/sbin/kpatch and man:kpatch(1), which need not
	# be installed here.
	hrun systemd-analyze verify "$top/kpatch/kpatch.service"
	hcheck host/service-verify "systemd-analyze verify complains" \
		'! printf "%s\n" "$OUT" | grep -v -e "/usr/local/sbin/kpatch is not executable" -e "man kpatch(1)" | grep -q .'
fi
hrun cat "$top/kpatch/kpatch.service"
hcheck host/service "the unit lacks a required setting" \
	'has "^Type=oneshot$" && has "^RemainAfterExit=yes$" && has "^ConditionKernelCommandLine=!kpatch.enable=0$" && has "^ExecStart=.*kpatch load --all$"'

# --- guest results --------------------------------------------------------------

# guest_results NAME RC CHECKS: one PASS/FAIL per expected check of a guest.
guest_results()
{
	local g=$1 rc=$2 checks=$3 log=$work/$1.log c line
	for c in $checks; do
		line=$(sed -n "s/^T-CHECK: $c //p" "$log" 2>/dev/null | head -n1)
		case $line in
		PASS) pass "$c" ;;
		FAIL*) fail "$c" "${line#FAIL }" ;;
		*) fail "$c" "no result from the $g guest (qemu exit $rc, result: $(sed -n 's/^T-RESULT: //p' "$log" 2>/dev/null))" ;;
		esac
	done
}

wait "$pid_main"
rc_main=$?
wait "$pid_noenable"
rc_noenable=$?
guest_results main "$rc_main" "$main_checks"
guest_results noenable "$rc_noenable" "$noenable_checks"

if ! harness_status; then
	for g in main noenable; do
		echo "--- $g guest console (markers, warnings):"
		grep -E '^T-|Kernel panic|BUG|WARNING|livepatch' "$work/$g.log" 2>/dev/null | head -n 80
	done
fi
if [ -n "${KPATCH_TEST_KEEP:-}" ]; then
	mkdir -p "$KPATCH_TEST_KEEP" && cp "$work"/*.log "$KPATCH_TEST_KEEP/"
fi
printf 'kpatch-util: %d failed, %.1f s\n' "$h_failed" "$(echo "$(date +%s.%N) - $t_start" | bc)" >&2
harness_status
