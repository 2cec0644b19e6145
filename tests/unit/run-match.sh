#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/unit/run-match.sh [BUILD-DIR] - kpatch-match, the check that the
# functions compiled here (ORIG.o) are the ones the target kernel runs.
#
# Everything is compiled at test time from tests/unit/data/match/*.c:
#   ORIG.o     ma-a.c (or ma-b.c) with function sections, as kpatch-build does
#   vmlinux    ma-a.c + ma-b.c without function sections, linked into an
#              ET_EXEC at 0xffffffff81000000 (calls and data references
#              become resolved addresses: only the masking makes them match)
#   mod.ko     the same objects combined with `ld -r` (ET_REL, relocations
#              of its own) and a .modinfo "name=ma_mod"
# and variants of the target built with one macro changed (see ma-a.c).
# The -F cases run build/create-diff-object on a golden case of
# test-objects/ and check the functions of its .kpatch.funcs records.
#
# One line per test, "PASS match/<name>" or "FAIL match/<name>: why" (with
# the tool's stderr below), then "match: N passed, N failed".  Exit 1 if
# any test failed.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$(cd "${1:-$ROOT/build}" && pwd) || exit 1
KPM=$BIN/kpatch-match
CDO=$BIN/create-diff-object
DATA=$ROOT/tests/unit/data/match
SYMVERS=$ROOT/test-objects/common/Module.symvers
CFLAGS=(-O2 -fno-pic -mcmodel=kernel -mno-red-zone -fno-asynchronous-unwind-tables
	-fno-stack-protector -fcf-protection=none)
TEXT_ADDR=0xffffffff81000000
# shellcheck source=SCRIPTDIR/../lib/harness.sh
. "$ROOT/tests/lib/harness.sh"
harness_suite match
work_folder
cd "$work" || exit 1
fail_details err	# the tool's stderr, under each FAIL line

# ------------------------------------------------------------ building

# compile OUT SRC [FLAGS...]: one object from a test source
compile() { local out=$1 src=$2; shift 2; gcc "${CFLAGS[@]}" "$@" -c "$DATA/$src" -o "$out"; }

# link_exec OUT OBJ...: an ET_EXEC "vmlinux"; every symbol that no object
# defines is given an address near the text so that PC-relative references fit.
link_exec()
{
	local out=$1 sym defs=()
	shift
	for sym in $(comm -23 <(nm -u "$@" | awk '{print $2}' | sort -u) \
			      <(nm --defined-only "$@" | awk 'NF == 3 {print $3}' | sort -u)); do
		defs+=("--defsym=$sym=0xffffffff81f00000")
	done
	ld -nostdlib -static -z noexecstack -e 0 -Ttext=$TEXT_ADDR "${defs[@]}" \
		-o "$out" "$@" 2>/dev/null
}

# link_module OUT NAME OBJ...: a .ko-like ET_REL with .modinfo "name=NAME"
link_module()
{
	local out=$1 name=$2
	shift 2
	printf '__attribute__((section(".modinfo"), used)) static const char mi[] = "name=%s";\n' \
		"$name" >"modinfo-$name.c"
	gcc -O2 -c "modinfo-$name.c" -o "modinfo-$name.o" &&
		ld -r -z noexecstack -o "$out" "$@" "modinfo-$name.o"
}

# target NAME [FLAGS...]: vmlinux NAME.vmlinux and module NAME.ko of a variant
target()
{
	local name=$1
	shift
	compile "$name-a.o" ma-a.c "$@" && compile "$name-b.o" ma-b.c "$@" &&
		link_exec "$name.vmlinux" "$name-a.o" "$name-b.o" &&
		link_module "$name.ko" ma_mod "$name-a.o" "$name-b.o"
}

setup()
{
	compile orig-a.o ma-a.c -ffunction-sections -fdata-sections &&
		compile orig-b.o ma-b.c -ffunction-sections -fdata-sections &&
		target good && target scale -DMA_SCALE=5 && target extra -DMA_EXTRA &&
		target cold -DMA_COLD_ADD=9 && target drop -DMA_DROP &&
		target two -DMA_SCALE=5 -DMA_EXTRA &&
		link_module fs.ko ma_mod orig-a.o orig-b.o
}

if ! setup >setup.log 2>&1; then
	echo "FAIL match/setup: cannot build the test objects"
	sed 's/^/    /' setup.log
	echo "match: 0 passed, 1 failed"
	exit 1
fi
if [ "$(readelf -h good.vmlinux | awk '/Type:/ {print $2}')" != EXEC ] ||
   [ "$(readelf -h good.ko | awk '/Type:/ {print $2}')" != REL ]; then
	echo "FAIL match/setup: the targets are not an ET_EXEC and an ET_REL"
	exit 1
fi

# ------------------------------------------------------------ running

RC=0
# run ARGS...: kpatch-match; exit code in RC, stdout in out, stderr in err
run() { "$KPM" "$@" >out 2>err; RC=$?; }

# Lines of err that are not debug lines.
error_lines() { grep -v '^kpatch-match: debug: ' err; }

# A sanitizer report or any stray line on stderr fails every test.
is_clean_stderr() { ! grep -qE 'Sanitizer|runtime error|^==[0-9]+==' err; }

# expect_ok NAME ARGS...: exit 0, no error line
expect_ok()
{
	local name=$1
	shift
	run "$@"
	if [ "$RC" != 0 ]; then
		fail "$name" "exit $RC, expected 0"
	elif [ -n "$(error_lines)" ] || ! is_clean_stderr; then
		fail "$name" "exit 0 but stderr has more than debug lines"
	else
		pass "$name"
	fi
}

# expect_refused NAME 'REGEX...' ARGS...: exit 2, one error line per
# REGEX (separated by '|||'), in that order, each matching its REGEX
expect_refused()
{
	local name=$1 regexes=$2 re i=0 lines
	shift 2
	run "$@"
	mapfile -t lines < <(error_lines)
	IFS=$'\a' read -r -a res <<<"${regexes//|||/$'\a'}"
	if [ "$RC" != 2 ]; then
		fail "$name" "exit $RC, expected 2"
		return
	fi
	if ! is_clean_stderr || [ "${#lines[@]}" != "${#res[@]}" ]; then
		fail "$name" "${#lines[@]} error lines, expected ${#res[@]}"
		return
	fi
	for re in "${res[@]}"; do
		if ! [[ ${lines[i]} =~ ^kpatch-match:\ error:\ .*$re ]]; then
			fail "$name" "line $((i + 1)) does not match: $re"
			return
		fi
		i=$((i + 1))
	done
	pass "$name"
}

# expect_input_error NAME 'REGEX' ARGS...: exit 1, exactly one line,
# "kpatch-match: error: ..." matching REGEX
expect_input_error()
{
	local name=$1 re=$2
	shift 2
	run "$@"
	if [ "$RC" != 1 ]; then
		fail "$name" "exit $RC, expected 1"
	elif [ "$(wc -l <err)" != 1 ] || ! is_clean_stderr; then
		fail "$name" "$(wc -l <err) lines on stderr, expected 1"
	elif ! grep -qE "^kpatch-match: error: .*$re" err; then
		fail "$name" "stderr does not match: $re"
	else
		pass "$name"
	fi
}

# checked_names: the functions of -d's "NAME,POS: matches" lines, sorted
checked_names()
{
	sed -n 's/^kpatch-match: debug: \([^,]*\),[0-9]*: \(matches\|differs\).*/\1/p' err | sort
}

# first_diff OBJ1 OBJ2 SECTION: offset of the first differing byte (hex)
first_diff()
{
	objcopy -O binary --only-section="$3" "$1" d1.bin &&
		objcopy -O binary --only-section="$3" "$2" d2.bin &&
		cmp d1.bin d2.bin | awk '{ printf "%x\n", $5 - 1 }'
}

# func_size OBJ NAME: st_size of the function NAME
func_size() { readelf -sW "$1" | awk -v n="$2" '$4 == "FUNC" && $8 == n { print $3; exit }'; }

ALL_A=(-f ma_scale -f ma_check -f ma_total -f ma_gone -f ma_dup,1)

# ------------------------------------------------ (a) vmlinux, (b) module

expect_ok vmlinux-same "${ALL_A[@]}" orig-a.o good.vmlinux
expect_ok module-same "${ALL_A[@]}" orig-a.o good.ko
expect_ok vmlinux-other-file -f ma_other -f ma_report -f ma_fail -f ma_dup,2 orig-b.o good.vmlinux
expect_ok module-other-file -f ma_other -f ma_dup,2 orig-b.o good.ko

# ORIG.o without function sections: its calls to a static of the same
# section are resolved by the assembler, where a target built with function
# sections has relocations of its own.  Only masking those matches.
expect_ok module-own-relocs -f ma_gone -f ma_scale -f ma_check good-a.o fs.ko

# The debug output names each function checked, its .cold part too.
run -d "${ALL_A[@]}" orig-a.o good.vmlinux
if [ "$RC" = 0 ] && [ "$(checked_names | tr '\n' ' ')" = "ma_check ma_dup ma_gone ma_scale ma_total " ] &&
   grep -q 'ma_check,0: matches .*ma_check\.cold' err &&
   grep -q 'debug: 5 functions checked: 5 match' err; then
	pass debug-lines
else
	fail debug-lines "exit $RC; checked: $(checked_names | tr '\n' ' ')"
fi

# Same-named statics: position 1 is ma-a.c's, 2 is ma-b.c's; 0 is ambiguous.
expect_refused vmlinux-sympos-other 'ma_dup\+0x[0-9a-f]+: differs from .*good\.vmlinux' \
	-f ma_dup,2 orig-a.o good.vmlinux
expect_refused module-sympos-other 'ma_dup\+0x[0-9a-f]+: differs from .*good\.ko' \
	-f ma_dup,2 orig-a.o good.ko
expect_refused vmlinux-sympos-wrong-b 'ma_dup\+0x[0-9a-f]+: differs' \
	-f ma_dup,1 orig-b.o good.vmlinux
expect_refused sympos-ambiguous 'ma_dup: not unique in .*good\.vmlinux \(2 symbols' \
	-f ma_dup orig-a.o good.vmlinux
expect_refused sympos-too-high 'ma_dup: not in .*good\.ko \(no function of that name at position 3\)' \
	-f ma_dup,3 orig-a.o good.ko
expect_ok sympos-1-unique -f ma_scale,1 orig-a.o good.vmlinux

# set_abs IN OUT NAME: a copy of IN whose symbol NAME is absolute (SHN_ABS)
set_abs()
{
	local off num
	off=$(readelf -SW "$1" | sed 's/^ *\[ *[0-9]*\]//' | awk '$1 == ".symtab" { print $4 }')
	num=$(readelf -sW "$1" | awk -v n="$3" '$8 == n { sub(":", "", $1); print $1; exit }')
	[ -n "$off" ] && [ -n "$num" ] || return 1
	cp "$1" "$2" &&
		printf '\xf1\xff' | dd of="$2" bs=1 seek=$((0x$off + num * 24 + 6)) conv=notrunc status=none
}

# An absolute function symbol: found by its address in vmlinux, refused
# (it has no section) in a module.
if set_abs good.vmlinux abs.vmlinux ma_scale && set_abs good.ko abs.ko ma_scale &&
   readelf -sW abs.vmlinux | grep -q 'FUNC .* ABS ma_scale$'; then
	expect_ok vmlinux-abs-symbol -f ma_scale orig-a.o abs.vmlinux
	expect_input_error module-abs-symbol 'abs\.ko: ma_scale: defined in no section \(st_shndx 65521\)' \
		-f ma_scale orig-a.o abs.ko
else
	: >err
	fail abs-symbol "cannot make ma_scale absolute"
fi

# ------------------------------------------------ (c) one constant changed

# Where the bytes differ, found independently: the two sources compiled
# with function sections, compared with cmp.
off=$(compile scale-fs.o ma-a.c -ffunction-sections -DMA_SCALE=5 &&
	first_diff orig-a.o scale-fs.o .text.ma_scale)
size=$(func_size orig-a.o ma_scale)
for t in vmlinux ko; do
	expect_refused "changed-constant-$t" \
		"orig-a\.o: ma_scale\+0x$off: differs from .*scale\.$t \(size here $size, there $size; 1 byte differ from \+0x$off\): the source, config or compiler is not the one" \
		-f ma_total -f ma_scale -f ma_gone orig-a.o "scale.$t"
done

# ------------------------------------------------ (d) size differs

here=$(func_size orig-a.o ma_total)
there=$(func_size extra.vmlinux ma_total)
if [ -n "$here" ] && [ "$here" != "$there" ]; then
	expect_refused size-differs "ma_total\+0x[0-9a-f]+: differs from .*extra\.vmlinux \(size here $here, there $there;" \
		-f ma_total orig-a.o extra.vmlinux
else
	fail size-differs "MA_EXTRA does not change the size of ma_total ($here, $there)"
fi

# Every function that differs is named, in order, before the exit.
expect_refused all-reported 'ma_scale\+0x[0-9a-f]+: differs|||ma_total\+0x[0-9a-f]+: differs' \
	-f ma_scale -f ma_gone -f ma_total orig-a.o two.vmlinux

# Only the .cold part differs.
if [ "$(func_size orig-a.o ma_check)" = "$(func_size cold-a.o ma_check)" ]; then
	expect_refused cold-part 'ma_check\.cold\+0x[0-9a-f]+: differs from .*cold\.ko' \
		-f ma_check orig-a.o cold.ko
else
	fail cold-part "MA_COLD_ADD changes ma_check itself, not only ma_check.cold"
fi

# ------------------------------------------------ (e) missing in the target

expect_refused missing 'orig-a\.o: ma_gone: not in .*drop\.vmlinux \(no function of that name at position 0\)' \
	-f ma_scale -f ma_gone orig-a.o drop.vmlinux
expect_refused missing-object 'ma_counter: not in .*good\.ko \(no function of that name' \
	-f ma_counter orig-a.o good.ko
expect_input_error missing-here 'orig-b\.o: ma_gone: no function of that name here' \
	-f ma_gone orig-b.o good.vmlinux

# ------------------------------------------------ (f) -F: create-diff-object's output

CASE=$ROOT/test-objects/cdo-11-inlined-callers
if "$CDO" "$CASE/ORIG.o" "$CASE/PATCHED.o" vmlinux "$CASE/ORIG.o" "$SYMVERS" test diff.o \
	>cdo.out 2>&1 &&
   "$CDO" "$CASE/ORIG.o" "$CASE/PATCHED.o" cdomod "$CASE/ORIG.o" "$SYMVERS" test diff-mod.o \
	>cdo-mod.out 2>&1 &&
   link_exec cdo.vmlinux "$CASE/ORIG.o" && link_exec cdo-patched.vmlinux "$CASE/PATCHED.o" &&
   link_module cdo.ko cdomod "$CASE/ORIG.o"; then
	want=$(sed -n 's/.*changed function: //p' cdo.out | sort | tr '\n' ' ')
	run -d -F diff.o "$CASE/ORIG.o" cdo.vmlinux
	got=$(checked_names | tr '\n' ' ')
	if [ -z "$want" ]; then
		fail diff-funcs "create-diff-object reported no changed function"
	elif [ "$RC" != 0 ] || [ "$got" != "$want" ]; then
		fail diff-funcs "exit $RC; checked '$got', expected '$want'"
	else
		pass diff-funcs
	fi
	refused=()
	for f in $want; do
		refused+=("$f\+0x[0-9a-f]+: differs from .*cdo-patched\.vmlinux")
	done
	expect_refused diff-funcs-patched "$(IFS='|'; echo "${refused[*]}" | sed 's/|/|||/g')" \
		-F diff.o "$CASE/ORIG.o" cdo-patched.vmlinux
	expect_ok diff-funcs-module -F diff-mod.o "$CASE/ORIG.o" cdo.ko
	expect_input_error diff-wrong-object 'diff\.o: .*belongs to vmlinux, but .*cdo\.ko is cdomod' \
		-F diff.o "$CASE/ORIG.o" cdo.ko
	expect_input_error diff-not-cdo-output 'no \.kpatch\.funcs section' \
		-F "$CASE/ORIG.o" "$CASE/ORIG.o" cdo.vmlinux
else
	: >err
	fail diff-setup "create-diff-object or the link failed: $(head -n 3 cdo.out)"
fi

# ------------------------------------------------ (g) bad input

echo 'not an object' >text.txt
head -c 64 good.vmlinux >trunc-header.vmlinux
head -c $(($(stat -c %s good.vmlinux) / 2)) good.vmlinux >trunc-half.vmlinux
head -c $(($(stat -c %s orig-a.o) / 2)) orig-a.o >trunc-half.o
objcopy -O elf32-i386 orig-a.o i386.o 2>/dev/null
objcopy --only-keep-debug good.vmlinux debug-only.vmlinux 2>/dev/null
printf 'int main(void) { return 0; }\n' >prog.c && gcc -O2 -o prog prog.c

expect_input_error no-orig 'nosuch\.o: cannot open' -f ma_scale nosuch.o good.vmlinux
expect_input_error no-target 'nosuch\.vmlinux: cannot open' -f ma_scale orig-a.o nosuch.vmlinux
expect_input_error no-diff 'nosuch-diff\.o: cannot open' -F nosuch-diff.o orig-a.o good.vmlinux
expect_input_error text-orig 'text\.txt: not an ELF' -f ma_scale text.txt good.vmlinux
expect_input_error text-target 'text\.txt: not an ELF' -f ma_scale orig-a.o text.txt
expect_input_error empty-target 'null' -f ma_scale orig-a.o /dev/null
expect_input_error trunc-header-target 'trunc-header\.vmlinux' -f ma_scale orig-a.o trunc-header.vmlinux
expect_input_error trunc-half-target 'trunc-half\.vmlinux' -f ma_scale orig-a.o trunc-half.vmlinux
expect_input_error trunc-orig 'trunc-half\.o' -f ma_scale trunc-half.o good.vmlinux
expect_input_error i386-orig 'i386\.o: wrong architecture' -f ma_scale i386.o good.vmlinux
expect_input_error i386-target 'i386\.o: wrong architecture' -f ma_scale orig-a.o i386.o
expect_input_error not-exec-or-rel 'prog: neither a vmlinux' -f ma_scale orig-a.o prog
expect_input_error debug-only-target 'ma_scale: section \.text has no contents \(SHT_NOBITS\)' \
	-f ma_scale orig-a.o debug-only.vmlinux
expect_input_error unknown-option 'unknown option .--frobnicate' --frobnicate orig-a.o good.vmlinux
expect_input_error unknown-short-option 'unknown option -x' -x orig-a.o good.vmlinux
expect_input_error f-without-arg 'option -f needs an argument' orig-a.o good.vmlinux -f
expect_input_error bad-position "-f 'ma_dup,x'" -f ma_dup,x orig-a.o good.vmlinux
expect_input_error one-file 'expected ORIG\.o and TARGET, found 1' -f ma_scale orig-a.o
expect_input_error nothing-to-check 'nothing to check' orig-a.o good.vmlinux

run --version
if [ "$RC" = 0 ] && [ "$(cat out)" = "kpatch-match 0.1.0" ]; then
	pass version
else
	fail version "exit $RC, printed '$(cat out)'"
fi
run --help
if [ "$RC" = 0 ] && grep -q '^Usage: kpatch-match \[-d\] \[-f FUNC\[,POS\]\]\.\.\. \[-F DIFF\.o\]\.\.\. ORIG\.o TARGET$' out; then
	pass help
else
	fail help "exit $RC, no usage line"
fi

# ------------------------------------------------ time on a large target

# The debug vmlinux of the running distribution, when present: loading it
# must not read its DWARF (well under two seconds).
BIG=${MATCH_BIG_VMLINUX:-$(ls /usr/lib/debug/boot/vmlinux-* 2>/dev/null | head -n1)}
if [ -n "$BIG" ] && [ -r "$BIG" ]; then
	start=$(date +%s%N)
	run -f ma_scale orig-a.o "$BIG"
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	if [ "$RC" = 2 ] && [ "$ms" -lt 2000 ] && is_clean_stderr; then
		pass "large-target-${ms}ms"
	else
		fail large-target "exit $RC after $ms ms"
	fi
fi

summary match
