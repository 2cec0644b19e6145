#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/unit/run-klp-module.sh [BUILD-DIR] - create-klp-module on a small
# stand-in for a linked patch module: the differ's output of a golden case
# (two references that must become livepatch relocations) linked with
# .gnu.linkonce.this_module and .modinfo "livepatch=Y".  Checks the
# .klp.rela section (flags, target), the .klp.sym symbols (SHN_LIVEPATCH),
# that the metadata section is gone, and the refusals of bad input.  Then
# the link check (--symvers, --object) on the outputs of a two-file patch
# (cdo-140, cdo-143: b.c calls cdo_patch_helper; cdo-145: a.c defines it):
# refused (exit 2) naming the symbol and both referencing files when a.c's
# output is missing, finished when it is there.
# One "PASS klp-module/<name>" or "FAIL klp-module/<name>: why" line each.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(cd "${1:-$top/build}" && pwd) || exit 1
cdo=$bin/create-diff-object
ckm=$bin/create-klp-module
case=$top/test-objects/cdo-29-nonexported-global
# shellcheck source=SCRIPTDIR/../lib/harness.sh
. "$top/tests/lib/harness.sh"
harness_suite klp-module
work_folder

cd "$work" || exit 1
"$cdo" "$case/ORIG.o" "$case/PATCHED.o" vmlinux "$case/ORIG.o" \
	"$top/test-objects/common/Module.symvers" test out.o >cdo.out 2>&1 ||
	{ fail setup "create-diff-object failed: $(cat cdo.out)"; exit 1; }

# make_module NAME MODINFO [THIS_MODULE=1] [OBJECT...]: link the objects
# (default out.o) into a stand-in .ko
make_module()
{
	local name=$1 info=$2 this=${3:-1}

	shift $(($# < 3 ? $# : 3))
	[ $# -gt 0 ] || set -- out.o
	{
		[ "$this" = 1 ] &&
			echo '__attribute__((section(".gnu.linkonce.this_module"), used)) static char m[64];'
		echo "__attribute__((section(\".modinfo\"), used)) static const char mi[] = \"$info\";"
	} >"$name.c"
	gcc -c -O2 "$name.c" -o "$name-info.o" && ld -r -z noexecstack -o "$name.ko" "$@" "$name-info.o"
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

# ---------------------------------------------------------- the link check

symvers=$top/test-objects/common/Module.symvers
# diff CASE OUT: the differ's output of a golden case
diff_case()
{
	local c=$top/test-objects/$1

	"$cdo" "$c/ORIG.o" "$c/PATCHED.o" vmlinux "$c/ORIG.o" "$symvers" test "$2" >"$2.log" 2>&1 ||
		{ fail "setup-$1" "create-diff-object failed: $(cat "$2.log")"; exit 1; }
}
diff_case cdo-140-undef-new-callee show.o	# b.c: calls cdo_patch_helper
diff_case cdo-143-undef-mixed-refs front.o	# b2.c: calls it too
diff_case cdo-145-new-globals-for-other-objects helper.o	# a.c: defines it
diff_case cdo-142-undef-data-and-weak read.o	# reads cdo_patch_counter, weak hook
objects=(--object fs/b/show.c="$work/show.o" --object fs/b2/front.c="$work/front.o"
	 --object fs/a/helper.c="$work/helper.o" --object fs/c/read.c="$work/read.o")

# link_refused NAME WANT-REGEX MODULE: exit 2, one line, no output file
link_refused()
{
	local rc

	"$ckm" --symvers "$symvers" "${objects[@]}" "$3" "refused-$1.ko" >ckm.out 2>&1
	rc=$?
	if [ "$rc" != 2 ]; then
		fail "$1" "exit $rc, want 2: $(cat ckm.out)"
	elif [ "$(wc -l <ckm.out)" != 1 ] || ! grep -Eq "^create-klp-module: error: .*$2" ckm.out; then
		fail "$1" "message: $(cat ckm.out)"
	elif [ -e "refused-$1.ko" ]; then
		fail "$1" "left an output file behind"
	else
		pass "$1"
	fi
}

# link_finished NAME MODULE: exit 0 with the check on
link_finished()
{
	if "$ckm" --symvers "$symvers" "${objects[@]}" "$2" "finished-$1.ko" >ckm.out 2>&1 &&
	   [ -s "finished-$1.ko" ]; then
		pass "$1"
	else
		fail "$1" "exit $?: $(cat ckm.out)"
	fi
}

make_module b-only "livepatch=Y" 1 show.o front.o
make_module a-and-b "livepatch=Y" 1 show.o front.o helper.o
make_module weak-only "livepatch=Y" 1 read.o helper.o
make_module counter-missing "livepatch=Y" 1 read.o show.o

link_refused undefined-names-every-referencing-file \
	"b-only\.ko: cdo_patch_helper: undefined symbol, referenced by fs/b/show\.c and fs/b2/front\.c, is neither exported .* nor defined by the patch" \
	b-only.ko
link_finished undefined-defined-by-another-object a-and-b.ko
if readelf -sW finished-undefined-defined-by-another-object.ko 2>/dev/null |
	grep -Eq ' UND cdo_patch_helper$'; then
	fail undefined-resolved-by-link "cdo_patch_helper is still undefined after the link"
else
	pass undefined-resolved-by-link
fi
link_finished weak-undefined-allowed weak-only.ko
# the first in name order is named, the others counted; the weak hook is not
link_refused undefined-first-and-others \
	"cdo_patch_counter: undefined symbol, referenced by fs/c/read\.c, .*; also undefined: cdo_patch_helper$" \
	counter-missing.ko
# without --symvers the check is off (the module loader would refuse it)
if "$ckm" b-only.ko unchecked.ko >ckm.out 2>&1; then
	pass link-check-needs-symvers
else
	fail link-check-needs-symvers "exit $?: $(cat ckm.out)"
fi
"$ckm" --object nonsense b-only.ko bad-object.ko >ckm.out 2>&1
rc=$?
if [ $rc = 1 ] && grep -q -- '--object wants SOURCE=OBJ' ckm.out && [ ! -e bad-object.ko ]; then
	pass bad-object-option
else
	fail bad-object-option "exit $rc: $(cat ckm.out)"
fi
harness_status
