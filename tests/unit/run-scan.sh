#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/unit/run-scan.sh [BUILD-DIR] - kpatch-scan, the tool that finds the
# translation units a patch affects (distro mode of kpatch-build):
#   includers  on a small kernel-like tree made here (search path, quoted
#              includes, a .c that includes a .c, the suffix fallback, the
#              -include headers that reach every unit, -u), exact outputs;
#   units      on objects compiled here with DWARF 5 and DWARF 4;
#   bad input  exit 1 with one line on stderr;
#   real tree  includers of include/linux/binfmts.h on the built 6.1 test
#              kernel (tests/kernel/build-test-kernel.sh), checked against
#              the header lists gcc wrote into the tree's .*.o.cmd files.
#              "SKIP" (not a pass) when that tree is not there.
# One "PASS scan/<name>" or "FAIL scan/<name>: why" line each, then
# "N passed, N failed".  Env: KP_SCAN_TREE=<built 6.1 tree> overrides the
# search of $KP_CACHE/testkernel.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(cd "${1:-$top/build}" && pwd) || exit 1
scan=$bin/kpatch-scan
# shellcheck source=SCRIPTDIR/../lib/harness.sh
. "$top/tests/lib/harness.sh"
harness_suite scan
work_folder

# mk PATH LINE...: a file of the mini tree, one argument a line
mk()
{
	local path=$tree/$1
	shift
	mkdir -p "$(dirname "$path")"
	printf '%s\n' "$@" >"$path"
}

# ----------------------------------------------------------------------
# The mini tree.  Who includes whom:
#   include/linux/a.h            <linux/b.h>, "#  include <asm/c.h>", "a_inner.h"
#   include/linux/a_inner.h      (found in a.h's own folder)
#   arch/x86/include/asm/c.h     (found through the search path)
#   fs/x/local.h                 <linux/a.h>
#   fs/x/main.c                  "local.h"
#   fs/x/impl.c                  <linux/b.h>      fs/x/helper.c  "impl.c"
#   fs/y/other.c                 "local.h": fs/y/local.h, not fs/x/local.h
#   drivers/d/a_inner.h          (nobody: a.h's "a_inner.h" is its neighbour)
#   kernel/one.c                 <linux/a.h>      kernel/two.c   <asm/c.h>
#   drivers/d/sub/dev.c          "regs.h": lives in drivers/d/include (a
#                                folder's own -I), found by suffix, which
#                                also matches sound/regs.h
#   drivers/d/sub/rel.c          "../include/regs.h"
#   kernel/macro.c               #include TRACE_INCLUDE(...): ignored
#   kernel/strings.c             #include only in a comment and a string
#   include/linux/kconfig.h      <generated/autoconf.h> (every unit: -include)
#   not units: fs/x/main.mod.c, fs/x/.hidden.c, tools/t.c,
#   arch/arm/kernel/arm.c, Documentation/doc.c (all include <linux/b.h>)
tree=$work/tree
mk Makefile "# top"
mk Kconfig "# top"
mk include/linux/kconfig.h "#include <generated/autoconf.h>"
mk include/generated/autoconf.h "#define CONFIG_X 1"
mk include/linux/compiler_types.h "#ifndef __ASSEMBLY__" "#include <linux/compiler_attributes.h>" "#endif"
mk include/linux/compiler_attributes.h "#define __x"
mk include/linux/a.h "#include <linux/b.h>" "#  include <asm/c.h>" "	#include \"a_inner.h\""
mk include/linux/a_inner.h "struct inner;"
mk include/linux/b.h "struct b;"
mk include/linux/lonely.h "struct lonely;"
mk arch/x86/include/asm/c.h "struct c;"
mk arch/arm/include/asm/c.h "#include <linux/lonely.h>"
mk arch/arm/kernel/arm.c "#include <linux/b.h>"
mk fs/x/local.h "#include <linux/a.h>"
mk fs/x/main.c "#include \"local.h\"" "int main_x;"
mk fs/x/impl.c "#include <linux/b.h>"
mk fs/x/helper.c "/* one unit, two files */" "#include \"impl.c\""
mk fs/y/local.h "struct y_local;"
mk fs/y/other.c "#include \"local.h\""
mk drivers/d/a_inner.h "struct not_inner;"
mk fs/x/main.mod.c "#include <linux/b.h>"
mk fs/x/.hidden.c "#include <linux/b.h>"
mk kernel/one.c "#include <linux/a.h>"
mk kernel/two.c "# include <asm/c.h>"
mk kernel/macro.c "#define TRACE_INCLUDE(x) <x.h>" "#include TRACE_INCLUDE(linux/b)"
mk kernel/strings.c "/*" " * #include <linux/b.h>" " */" \
	"static const char s[] = \"#include <linux/b.h>\";" "#includes <linux/b.h>"
mk drivers/d/include/regs.h "#define REG 1"
mk drivers/d/sub/dev.c "#include \"regs.h\""
mk drivers/d/sub/rel.c "#include \"../include/regs.h\""
mk sound/regs.h "#define SOUND_REG 1"
mk tools/t.c "#include <linux/b.h>"
mk Documentation/doc.c "#include <linux/b.h>"
all_units="drivers/d/sub/dev.c drivers/d/sub/rel.c fs/x/helper.c fs/x/impl.c fs/x/main.c
fs/y/other.c kernel/macro.c kernel/one.c kernel/strings.c kernel/two.c"

# includers NAME "EXPECTED UNITS" [OPTIONS] FILE...: exact stdout, exit 0
includers()
{
	local name=$1 want rc
	want=$(for u in $2; do echo "$u"; done)
	shift 2
	"$scan" includers "$@" >out 2>err
	rc=$?
	if [ "$rc" != 0 ]; then
		fail "$name" "exit $rc: $(cat err)"
	elif [ "$(cat out)" != "$want" ]; then
		fail "$name" "got [$(tr '\n' ' ' <out)], want [${want//$'\n'/ }]"
	elif [ -s err ]; then
		fail "$name" "stderr without -v: $(cat err)"
	else
		pass "$name"
	fi
}

cd "$work" || exit 1
includers search-path "fs/x/helper.c fs/x/impl.c fs/x/main.c kernel/one.c" \
	"$tree" include/linux/b.h
includers arch-include "fs/x/main.c kernel/one.c kernel/two.c" \
	"$tree" arch/x86/include/asm/c.h
includers quoted-own-folder "fs/x/main.c" "$tree" fs/x/local.h
includers quoted-header-folder "fs/x/main.c kernel/one.c" "$tree" include/linux/a_inner.h
includers quoted-same-name "fs/y/other.c" "$tree" fs/y/local.h
includers nobody-same-name "" "$tree" drivers/d/a_inner.h
includers c-includes-c "fs/x/helper.c fs/x/impl.c" "$tree" fs/x/impl.c
includers c-itself "kernel/one.c" "$tree" kernel/one.c
includers suffix-fallback "drivers/d/sub/dev.c drivers/d/sub/rel.c" \
	"$tree" drivers/d/include/regs.h
includers suffix-superset "drivers/d/sub/dev.c" "$tree" sound/regs.h
includers nobody "" "$tree" include/linux/lonely.h
includers several-files "fs/x/main.c kernel/two.c" \
	"$tree" include/linux/lonely.h ./fs/x/local.h kernel/two.c
includers tree-prefix "fs/x/main.c" "$tree" "$tree/fs/x/local.h"
includers forced-kconfig "$all_units" "$tree" include/generated/autoconf.h
includers forced-compiler-types "$all_units" "$tree" include/linux/compiler_attributes.h

printf '%s\n' "vmlinux	kernel/one.c" "fs/x/main.c" "vmlinux	./kernel/two.c" \
	"vmlinux	crypto/gen.asn1.c" "" >units.txt
includers units-restrict "fs/x/main.c kernel/one.c" -u units.txt "$tree" include/linux/b.h
includers units-forced "fs/x/main.c kernel/one.c kernel/two.c" \
	-u units.txt "$tree" include/generated/autoconf.h

# -v: counts on stderr, and the note that every unit is affected
if "$scan" includers -v "$tree" include/generated/autoconf.h >out 2>err &&
	grep -q "include/generated/autoconf.h is included by every unit" err &&
	grep -q "10 units printed" err && [ "$(wc -l <out)" = 10 ]; then
	pass verbose-forced
else
	fail verbose-forced "stderr: $(cat err)"
fi
if "$scan" includers -v "$tree" include/linux/b.h >out 2>err &&
	grep -q "macro includes ignored" err && ! grep -q "every unit (through" err; then
	pass verbose-counts
else
	fail verbose-counts "stderr: $(cat err)"
fi

# ----------------------------------------------------------------------
# units: objects compiled here, named three ways (relative, ./, absolute)

# units_check NAME OBJ WANT-VERSION "EXPECTED PATHS"
units_check()
{
	local name=$1 obj=$2 version=$3 want got
	want=$(for u in $4; do printf '%s\t%s\n' "$obj" "$u"; done)
	got=$(readelf --debug-dump=info "$obj" 2>/dev/null | sed -n 's/^ *Version: *\([0-9]*\)$/\1/p' | sort -u)
	if [ "$got" != "$version" ]; then
		fail "$name" "the object has DWARF version(s) [$got], want $version"
	elif ! "$scan" units "$obj" >out 2>err; then
		fail "$name" "exit $?: $(cat err)"
	elif [ "$(cat out)" != "$want" ]; then
		fail "$name" "got [$(cat out)], want [$want]"
	else
		pass "$name"
	fi
}

src=$work/src
mkdir -p "$src/fs/demo"
printf 'int demo_value = 1;\nint demo(void) { return demo_value; }\n' >"$src/fs/demo/unit.c"
printf 'int demo(void);\nint main(void) { return demo(); }\n' >"$src/fs/demo/main.c"
printf 'int demo_mod;\n' >"$src/fs/demo/demo.mod.c"
printf '\t.text\n\t.globl asm_fn\nasm_fn:\n\tret\n' >"$src/fs/demo/entry.S"
(
	cd "$src" &&
	gcc -g -O1 -c fs/demo/unit.c -o "$work/dwarf5.o" &&
	gcc -gdwarf-4 -O1 -c fs/demo/unit.c -o "$work/dwarf4.o" &&
	gcc -g -O1 -c ./fs/demo/unit.c -o "$work/dotslash.o" &&
	gcc -g -O1 -c "$src/fs/demo/unit.c" -o "$work/absolute.o" &&
	gcc -g -O1 -c fs/demo/main.c -o "$work/main.o" &&
	gcc -g -O1 -c fs/demo/demo.mod.c -o "$work/mod.o" &&
	gcc -g -c fs/demo/entry.S -o "$work/entry.o" &&
	gcc -O1 -c fs/demo/unit.c -o "$work/nodebug.o"
) || fail units-setup "gcc failed"
units_check units-dwarf5 dwarf5.o 5 fs/demo/unit.c
units_check units-dwarf4 dwarf4.o 4 fs/demo/unit.c
units_check units-dot-slash dotslash.o 5 fs/demo/unit.c
units_check units-absolute absolute.o 5 fs/demo/unit.c
# A linked executable (not ET_REL: read without relocation) with an
# assembler unit and a .mod.c unit, which are not listed.
if gcc -o prog main.o dwarf5.o mod.o entry.o 2>err; then
	units_check units-executable prog 5 "fs/demo/main.c fs/demo/unit.c"
else
	fail units-executable "link failed: $(cat err)"
fi
# Several files, in order; the same object in DWARF 4 and 5.
if "$scan" units dwarf4.o dwarf5.o >out 2>err &&
	[ "$(cat out)" = "$(printf 'dwarf4.o\tfs/demo/unit.c\ndwarf5.o\tfs/demo/unit.c')" ]; then
	pass units-several
else
	fail units-several "got [$(cat out)] $(cat err)"
fi
# The output of units, as -u of includers, against a tree with that unit.
mkdir -p "$tree/fs/demo" && cp "$src/fs/demo/unit.c" "$tree/fs/demo/" &&
	printf '#include <linux/b.h>\n' >>"$tree/fs/demo/unit.c"
"$scan" units prog >prog.units 2>/dev/null
includers units-output-as-u "fs/demo/unit.c" -u prog.units "$tree" include/linux/b.h
rm -rf "$tree/fs/demo"

# ----------------------------------------------------------------------
# bad input: exit 1, one line "kpatch-scan: error: ..."

# refuse NAME EXPECTED-MESSAGE ARG...
refuse()
{
	local name=$1 msg=$2 rc
	shift 2
	"$scan" "$@" >out 2>err
	rc=$?
	if [ "$rc" != 1 ]; then
		fail "$name" "exit $rc, want 1"
	elif [ "$(wc -l <err)" != 1 ] || ! grep -q "^kpatch-scan: error: .*$msg" err; then
		fail "$name" "message: $(cat err)"
	elif [ -s out ]; then
		fail "$name" "printed on stdout: $(cat out)"
	else
		pass "$name"
	fi
}

mkdir -p notkernel && touch notkernel/Makefile
printf 'not an ELF file\n' >text.o
refuse bad-tree-missing "no-such-tree: cannot open" includers no-such-tree include/linux/b.h
refuse bad-tree-not-kernel "notkernel: not a kernel tree" includers notkernel Makefile
refuse bad-file-not-in-tree "include/linux/nope.h: not a file of" \
	includers "$tree" include/linux/nope.h
refuse bad-file-outside "/etc/passwd: not a file of" includers "$tree" /etc/passwd
refuse bad-units-list "missing.txt: cannot open" \
	includers -u missing.txt "$tree" include/linux/b.h
refuse bad-includers-no-file "need a TREE and a FILE" includers "$tree"
refuse bad-option "unknown option -x" includers -x "$tree" include/linux/b.h
refuse bad-units-not-elf "text.o: not an ELF file" units text.o
refuse bad-units-missing "missing.o: cannot open" units missing.o
refuse bad-units-no-dwarf "nodebug.o: cannot read DWARF" units nodebug.o
refuse bad-units-none "no ELF file given" units
refuse bad-subcommand "frobnicate: unknown subcommand" frobnicate x
if "$scan" --version | grep -qx "kpatch-scan [0-9.]*" && "$scan" --help | grep -q "includers"; then
	pass version-help
else
	fail version-help "--version or --help output"
fi

# ----------------------------------------------------------------------
# The real 6.1 tree, if the test kernel was built.

find_real_tree()
{
	local cache=${KP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kpatch} done_file

	if [ -n "${KP_SCAN_TREE:-}" ]; then
		printf '%s\n' "$KP_SCAN_TREE"
		return
	fi
	done_file=$(find "$cache/testkernel" -mindepth 2 -maxdepth 2 -path '*/6.1.*/done' \
		2>/dev/null | head -n 1)
	[ -n "$done_file" ] && printf '%s\n' "$(dirname "$done_file")/linux"
}

real=$(find_real_tree)
if [ -z "$real" ] || [ ! -f "$real/fs/exec.c" ] || [ ! -f "$real/fs/.exec.o.cmd" ]; then
	echo "SKIP scan/real-tree: no built 6.1 test kernel (tests/kernel/build-test-kernel.sh)"
else
	start=${EPOCHREALTIME/./}
	if "$scan" includers "$real" include/linux/binfmts.h >real.out 2>err; then
		msecs=$(((${EPOCHREALTIME/./} - start) / 1000))
		missing=
		for u in fs/exec.c fs/binfmt_misc.c kernel/fork.c; do
			grep -qx "$u" real.out || missing="$missing $u"
		done
		extra=
		for u in lib/sort.c mm/slub.c; do
			grep -qx "$u" real.out && extra="$extra $u"
		done
		if [ -n "$missing$extra" ]; then
			fail real-binfmts "missing [$missing], listed but should not be [$extra]"
		else
			pass real-binfmts
		fi
		# gcc's own dependency lists: every unit it compiled with binfmts.h
		# must be listed (the scan is a superset).
		(cd "$real" && find . -name '.*.o.cmd' -exec grep -l '^ *include/linux/binfmts.h \\$' {} +) |
			while read -r cmd; do
				sed -n 's/^source_[^ ]* := \(\.\/\)\{0,1\}\(.*\.c\)$/\2/p' "$real/$cmd"
			done | grep -v -e '\.mod\.c$' -e '^samples/' -e '^scripts/' -e '^tools/' |
			sort -u >gcc.units
		not_listed=$(comm -23 gcc.units <(sort real.out) | tr '\n' ' ')
		if [ ! -s gcc.units ]; then
			fail real-vs-gcc "no .o.cmd file of the tree lists include/linux/binfmts.h"
		elif [ -n "$not_listed" ]; then
			fail real-vs-gcc "gcc included binfmts.h in units not listed: $not_listed"
		else
			pass real-vs-gcc
		fi
		echo "     ($(wc -l <real.out) units, gcc compiled $(wc -l <gcc.units) with it; $msecs ms)"
	else
		fail real-binfmts "exit $?: $(cat err)"
	fi
fi

summary
