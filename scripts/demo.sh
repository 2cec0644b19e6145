#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/demo.sh (`make demo`): the whole job end to end on a built-in default.
#
#  1. installs what it needs (Debian packages; needs root);
#  2. builds the tools and a small livepatch-capable kernel from Debian's
#     linux-source-6.1 (cached in ${XDG_CACHE_HOME:-$HOME/.cache}/kpatch);
#  3. builds a livepatch module from examples/cmdline-demo.patch with kpatch-build;
#  4. boots the kernel under qemu and shows /proc/cmdline before the module is
#     loaded, while it is loaded, and after it is disabled and removed.
#
# Env: KP_DEMO_PATCH (another patch to build; the display still reads /proc/cmdline),
#      KP_JOBS (make jobs).  Exit status 0 when the live change was seen.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib/common.sh
. "$top/scripts/lib/common.sh"
# shellcheck source=../kpatch-build/guest/boot.sh
. "$top/kpatch-build/guest/boot.sh"

patch=${KP_DEMO_PATCH:-$top/examples/cmdline-demo.patch}
name=livepatch-demo
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "1/5 installing dependencies"
"$top/scripts/install-deps.sh"

step "2/5 building the tools"
make -C "$top" -s all

step "3/5 building the test kernel (cached; ~5 minutes the first time)"
tree=$("$top/tests/kernel/build-test-kernel.sh" 6.1 | tail -n1)
echo "kernel tree: $tree"

step "4/5 building the livepatch module from $(basename "$patch")"
"$top/kpatch-build/kpatch-build" -s "$tree" -n "$name" -o "$work" -j "${KP_JOBS:-$(nproc)}" "$patch"

step "5/5 booting the kernel under qemu and loading the module"
cat >"$work/init" <<'EOF'
#!/bin/sh
. /guest-lib.sh
guest_setup
t_mark BEFORE "$(cat /proc/cmdline)"
klp_load livepatch-demo.ko livepatch-demo || t_fail "the module did not load"
t_mark PATCHED "$(cat /proc/cmdline)"
klp_unload livepatch-demo || t_fail "the module did not unload"
t_mark AFTER "$(cat /proc/cmdline)"
check_dmesg_clean || t_fail "the kernel log has a warning"
t_pass
EOF
# the verdict is read from the markers below
KP_QEMU_TIMEOUT=180 guest_boot demo "$work" "$tree/arch/x86/boot/bzImage" "$work/init" \
	"$work/$name.ko" >/dev/null || true

marker() { sed -n "s/^T-$1: //p" "$work/console.log" | head -n1; }
echo
echo "  /proc/cmdline before loading:   $(marker BEFORE)"
echo "  /proc/cmdline while patched:    $(marker PATCHED)"
echo "  /proc/cmdline after unloading:  $(marker AFTER)"
if [ "$(marker RESULT)" = PASS ] && [ "$(marker BEFORE)" != "$(marker PATCHED)" ] &&
	[ "$(marker BEFORE)" = "$(marker AFTER)" ]; then
	echo
	echo "demo: the running kernel was patched live and restored."
	exit 0
fi
echo "demo: FAILED; the guest's console:" >&2
grep -E '^T-|Oops|BUG|WARNING' "$work/console.log" | tail -n 30 >&2
exit 1
