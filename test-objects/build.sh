#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test-objects/build.sh - regenerate the objects of the synthetic cases.
#
#   test-objects/build.sh [CASE...]     (default: every synthetic case)
#
# A case is a folder test-objects/<case>/ with orig.c, patched.c and expect.
# Both sources are compiled under the same name, <case>.c, so that the FILE
# symbol and __FILE__ match, with the kernel's x86-64 code generation flags
# and test-objects/include/kernel-lite.h.  An optional file <case>/cflags
# adds flags for that case (e.g. retpolines); an optional <case>/asm-passes
# lists (one a line, '#' comments) the extra passes below that the case's
# assembly goes through.  The objects are committed: the tests never run
# the compiler, this script only remakes them.
#
# An optional file <case>/cc names the compiler of the case (its first line
# that is not a '#' comment, e.g. "clang-14"; default $CC, else gcc).  A
# clang case is built the way the kernel builds with clang: clang-14 has no
# -mrecord-mcount on x86-64, so the objtool-mcount pass below is implied
# (objtool --mcount writes __mcount_loc in a clang kernel build), and the
# integrated assembler assembles the output unless <case>/cflags says
# -fno-integrated-as (the kernel's LLVM_IAS=0: GNU as, which keeps the .L
# labels of merged strings as symbols).  clang spells call and jmp "callq"
# and "jmpq": the passes read both spellings.
#
# Compilation goes through assembly so that an "objtool-lite" pass can add
# the sections objtool writes in a real build:
#   call/jmp __SCT__<name>              -> .static_call_sites {s32 addr; s32 key}
#   call/jmp __x86_indirect_thunk_<r>   -> .retpoline_sites   s32
#   jmp __x86_return_thunk              -> .return_sites      s32
# and, when asm-passes names them (the ftrace site of older toolchains and
# of objtool's mcount, instead of gcc's):
#   fentry-pc32          call __fentry__ with R_X86_64_PC32 (binutils < 2.31)
#   objtool-mcount-mnop  call __fentry__ -> 5-byte NOP, its relocation turned
#                        into R_X86_64_NONE, and an __mcount_loc entry
#                        (objtool --mcount --mnop; build with -mno-record-mcount)
#   objtool-prefix       a __pfx_<func> symbol over the 16 bytes of padding
#                        that -fpatchable-function-entry=16,16 puts before each
#                        function, bound like it (objtool --prefix=16, 6.2+)
#   objtool-mcount       call __fentry__ kept, and an __mcount_loc entry
#                        (objtool --mcount; implied for clang cases)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
DEFAULT_CC=${CC:-gcc}

# gcc's own __mcount_loc (-mrecord-mcount) is added for gcc cases only.
KFLAGS=(-O2 -std=gnu11 -ffunction-sections -fdata-sections -pg -mfentry
	-mcmodel=kernel -fno-PIE -mno-red-zone -ffreestanding
	-nostdinc -fno-stack-protector -fno-asynchronous-unwind-tables -mno-sse
	-mno-mmx -mno-sse2 -fno-common -fno-strict-aliasing
	-fno-delete-null-pointer-checks -Wall -Wno-unused-function
	-I"$HERE/include" -I"$HERE/../templates")

PASSES=""	# the asm-passes of the case being built

# Append the objtool-generated special sections to gcc's assembly ($1 -> $2).
objtool_lite() {
	awk -v passes=" $PASSES " '
	function fentry_site(label) {
		n++
		if (label != "")
			print label
		if (index(passes, " objtool-mcount-mnop ")) {
			printf ".Lobjtool_lite_%d:\n", n
			printf "\t.byte 0x0f, 0x1f, 0x44, 0x00, 0x00\n"
			printf "\t.reloc .Lobjtool_lite_%d + 1, R_X86_64_NONE, __fentry__ - 4\n", n
			printf "\t.pushsection __mcount_loc,\"a\"\n\t.balign 8\n"
			printf "\t.quad .Lobjtool_lite_%d\n\t.popsection\n", n
		} else if (index(passes, " objtool-mcount ")) {
			printf ".Lobjtool_lite_%d:\n%s\n", n, $0
			printf "\t.pushsection __mcount_loc,\"a\"\n\t.balign 8\n"
			printf "\t.quad .Lobjtool_lite_%d\n\t.popsection\n", n
		} else {
			printf "\t.byte 0xe8\n\t.long __fentry__ - . - 4\n"
		}
	}
	passes ~ / objtool-prefix / && $1 == ".globl" { global[$2] = 1 }
	passes ~ / objtool-prefix / && /^\.LPFE[0-9]+:$/ { print; padding = 1; nbuf = 0; next }
	padding && $1 == ".type" {
		name = $2
		sub(/,$/, "", name)
		if (name in global)
			printf "\t.globl __pfx_%s\n", name
		printf "\t.type __pfx_%s, @function\n__pfx_%s:\n", name, name
		for (i = 1; i <= nbuf; i++)
			print buf[i]
		printf "\t.size __pfx_%s, . - __pfx_%s\n", name, name
		padding = 0
	}
	padding { buf[++nbuf] = $0; next }
	passes ~ / (fentry-pc32|objtool-mcount-mnop|objtool-mcount) / &&
	$0 ~ /^([0-9]+:)?[ \t]*callq?[ \t]+__fentry__[ \t]*$/ {
		fentry_site($1 ~ /:$/ ? $1 : "")
		next
	}
	function site(sec, key) {
		n++
		printf ".Lobjtool_lite_%d:\n%s\n", n, $0
		printf "\t.pushsection %s,\"a\"\n\t.balign 4\n", sec
		printf "\t.long .Lobjtool_lite_%d - .\n", n
		if (key != "")
			printf "\t.long %s - .\n", key
		printf "\t.popsection\n"
	}
	$1 ~ /^(callq?|jmpq?)$/ && $2 ~ /^__SCT__/ {
		key = "__SCK__" substr($2, 8)
		if ($1 ~ /^jmp/)
			key = key " + 1"
		site(".static_call_sites", key)
		next
	}
	$1 ~ /^(callq?|jmpq?)$/ && $2 ~ /^__x86_indirect_thunk_/ {
		site(".retpoline_sites", "")
		next
	}
	$1 ~ /^jmpq?$/ && $2 == "__x86_return_thunk" {
		site(".return_sites", "")
		next
	}
	{ print }
	' "$1" > "$2"
}

# Is compiler $1 clang?
is_clang() {
	"$1" --version 2>/dev/null | head -n 1 | grep -q clang
}

# Compile $1 (a C file) as <case>.c into the object $2 with compiler $5 and
# the extra flags $4.
compile_one() {
	local src=$1 obj=$2 case_name=$3 extra=$4 cc=$5 tmp rc=0
	local -a ccflags=(-mrecord-mcount) asflags=()

	if is_clang "$cc"; then
		ccflags=()
		[[ " $extra " != *" -fno-integrated-as "* ]] || asflags=(-fno-integrated-as)
	fi
	tmp=$(mktemp -d)
	cp "$src" "$tmp/$case_name.c"
	# The prefix map keeps the temporary folder out of DWARF (cases with -g).
	# shellcheck disable=SC2086 # $extra is a list of flags
	(cd "$tmp" && "$cc" "${KFLAGS[@]}" "${ccflags[@]}" -ffile-prefix-map="$tmp"=. $extra \
		-S -o "$case_name.s" "$case_name.c" &&
	 objtool_lite "$case_name.s" "$case_name.lite.s" &&
	 "$cc" "${asflags[@]}" -c -o out.o "$case_name.lite.s") || rc=1
	[ $rc -ne 0 ] || mv "$tmp/out.o" "$obj"
	rm -rf "$tmp"
	return $rc
}

build_case() {
	local dir=$1 name extra="" cc=$DEFAULT_CC

	name=$(basename "$dir")
	if [ -f "$dir/cflags" ]; then
		extra=$(grep -v '^#' "$dir/cflags" | tr '\n' ' ')
	fi
	PASSES=""
	if [ -f "$dir/asm-passes" ]; then
		PASSES=$(grep -v '^#' "$dir/asm-passes" | tr '\n' ' ')
	fi
	if [ -f "$dir/cc" ]; then
		cc=$(grep -v '^#' "$dir/cc" | grep -m 1 .)
	fi
	if is_clang "$cc" && [[ " $PASSES " != *" objtool-mcount"* ]]; then
		PASSES="$PASSES objtool-mcount"
	fi
	compile_one "$dir/orig.c" "$dir/ORIG.o" "$name" "$extra" "$cc"
	compile_one "$dir/patched.c" "$dir/PATCHED.o" "$name" "$extra" "$cc"
	echo "built $name ($cc)"
}

main() {
	local dir

	if [ $# -gt 0 ]; then
		for dir in "$@"; do
			[ -d "$dir" ] || dir=$HERE/$(basename "$dir")
			build_case "${dir%/}"
		done
		return
	fi
	for dir in "$HERE"/*/; do
		dir=${dir%/}
		if [ ! -f "$dir/orig.c" ] || [ ! -f "$dir/patched.c" ]; then
			continue
		fi
		build_case "$dir"
	done
}

main "$@"
