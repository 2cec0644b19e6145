#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/unit/run-klp-module.sh [BUILD-DIR] - create-klp-module on a small
# stand-in for a linked patch module: the differ's output of a golden case
# (two references that must become livepatch relocations) linked with
# .gnu.linkonce.this_module and .modinfo "livepatch=Y".  Checks the
# .klp.rela section (flags, target), the .klp.sym symbols (SHN_LIVEPATCH),
# that the metadata section is gone, and the refusals of bad input.
# One "PASS klp-module/<name>" or "FAIL klp-module/<name>: why" line each.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(cd "${1:-$top/build}" && pwd) || exit 1
cdo=$bin/create-diff-object
ckm=$bin/create-klp-module
case=$top/test-objects/cdo-29-nonexported-global
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

pass() { echo "PASS klp-module/$1"; }
fail() { echo "FAIL klp-module/$1: $2"; failed=1; }

cd "$work" || exit 1
"$cdo" "$case/ORIG.o" "$case/PATCHED.o" vmlinux "$case/ORIG.o" \
	"$top/test-objects/common/Module.symvers" test out.o >cdo.out 2>&1 ||
	{ fail setup "create-diff-object failed: $(cat cdo.out)"; exit 1; }

# make_module NAME MODINFO [THIS_MODULE=1]: link out.o into a stand-in .ko
make_module()
{
	{
		[ "${3:-1}" = 1 ] &&
			echo '__attribute__((section(".gnu.linkonce.this_module"), used)) static char m[64];'
		echo "__attribute__((section(\".modinfo\"), used)) static const char mi[] = \"$2\";"
	} >"$1.c"
	gcc -c -O2 "$1.c" -o "$1-info.o" && ld -r -z noexecstack -o "$1.ko" out.o "$1-info.o"
}

make_module good "livepatch=Y"
if "$ckm" good.ko final.ko >ckm.out 2>&1; then
	readelf -SW final.ko >sections
	readelf -sW final.ko >symbols
	readelf -rW final.ko >relocs
	rela=$(grep -o '\.klp\.rela\.vmlinux\.\.text\.cdo_frontend' sections | head -n1)
	if [ -z "$rela" ]; then
		fail klp-rela "no .klp.rela.vmlinux..text.cdo_frontend section"
	elif ! grep "$rela" sections | grep -q ' AIo '; then
		fail klp-rela "section flags are not A, I and o (SHF_RELA_LIVEPATCH): $(grep "$rela" sections)"
	else
		pass klp-rela
	fi
	for s in cdo_limit cdo_backend; do
		if grep -q "OS \[0xff20\] \.klp\.sym\.vmlinux\.$s,0$" symbols; then
			pass "klp-sym-$s"
		else
			fail "klp-sym-$s" "no SHN_LIVEPATCH symbol .klp.sym.vmlinux.$s,0"
		fi
	done
	if [ "$(grep -c '\.klp\.sym\.' relocs)" = 2 ]; then
		pass klp-relocs
	else
		fail klp-relocs "want 2 relocations against .klp.sym symbols, got $(grep -c '\.klp\.sym\.' relocs)"
	fi
	if grep -q 'kpatch\.klp_relocs' sections; then
		fail metadata-removed ".kpatch.klp_relocs is still there"
	else
		pass metadata-removed
	fi
else
	fail convert "exit $?: $(cat ckm.out)"
fi

# refuse NAME EXPECTED-MESSAGE FILE: exit 1, one line, no output file
refuse()
{
	local rc
	"$ckm" "$3" "refused-$1.ko" >ckm.out 2>&1
	rc=$?
	if [ "$rc" != 1 ]; then
		fail "$1" "exit $rc, want 1"
	elif [ "$(wc -l <ckm.out)" != 1 ] || ! grep -q "^create-klp-module: error: .*$2" ckm.out; then
		fail "$1" "message: $(cat ckm.out)"
	elif [ -e "refused-$1.ko" ]; then
		fail "$1" "left an output file behind"
	else
		pass "$1"
	fi
}

make_module nolp "license=GPL"
make_module nothis "livepatch=Y" 0
head -c 100 good.ko >truncated.ko
refuse not-livepatch "livepatch=Y" nolp.ko
refuse not-module "this_module" nothis.ko
refuse truncated "" truncated.ko
refuse missing "" does-not-exist.ko
exit $failed
