#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/unit/run-badinput.sh - create-diff-object on broken inputs.
#
#   tests/unit/run-badinput.sh [CDO]    (default: build/create-diff-object)
#
# Every broken input is made in a temporary folder from the objects of a
# good case (test-objects/cdo-01-changed-func): empty, truncated, random,
# corrupted headers, offsets and indexes, another architecture, not a
# relocatable object, missing files, an output folder that does not exist.
# For each the differ must
#   - exit 1 (not crash, not hang, not report a patch),
#   - print exactly one line on stderr, "create-diff-object: error: ...",
#   - leave nothing in the output folder and in its TMPDIR,
#   - leave its input files as they were.
# Bad command lines must exit 1 with a usage message.  A run on the good
# inputs (which must succeed) shows that the failures are not the harness's.
#
# One line per test, "PASS badinput/<name>" or "FAIL badinput/<name>: why"
# (with the differ's stderr below), then "badinput: N passed, N failed".
# Exit 1 if any test failed.
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CDO=${1:-$ROOT/build/create-diff-object}
CASE=$ROOT/test-objects/cdo-01-changed-func
SYMVERS=$ROOT/test-objects/common/Module.symvers
TIMEOUT=${BADINPUT_TIMEOUT:-60}
# shellcheck source=SCRIPTDIR/../lib/harness.sh
. "$ROOT/tests/lib/harness.sh"
harness_suite badinput

# ----------------------------------------------------------- byte editing

# Write the little-endian value $3 as $4 bytes at offset $2 of file $1.
put_le() {
	local file=$1 off=$2 val=$3 len=$4 i esc='' byte

	for ((i = 0; i < len; i++)); do
		printf -v byte '\\%03o' $(( (val >> (8 * i)) & 0xff ))
		esc+=$byte
	done
	printf '%b' "$esc" | dd of="$file" bs=1 seek="$off" conv=notrunc status=none
}

# Print the little-endian value of $3 bytes at offset $2 of file $1.
get_le() {
	local file=$1 off=$2 len=$3 i val=0
	local -a bytes

	read -r -a bytes < <(od -An -tu1 -j "$off" -N "$len" "$file")
	for ((i = len - 1; i >= 0; i--)); do
		val=$(( (val << 8) | bytes[i] ))
	done
	echo "$val"
}

# $3 pseudo-random bytes (seed $2) into file $1: the same every run.
random_bytes() {
	local file=$1 n=$3 i esc='' byte

	RANDOM=$2
	for ((i = 0; i < n; i++)); do
		printf -v byte '\\%03o' $((RANDOM & 0xff))
		esc+=$byte
	done
	printf '%b' "$esc" > "$file"
}

# Index of the section named $2 in object $1.
section_index() {
	readelf -SW "$1" | sed -n "s/^ *\[ *\([0-9]*\)\] $2 .*/\1/p" | head -n 1
}

# File offset of the section header of section $2 in object $1.
shdr_offset() {
	local shoff shentsize

	shoff=$(get_le "$1" 40 8)
	shentsize=$(get_le "$1" 58 2)
	echo $((shoff + $2 * shentsize))
}

# ------------------------------------------------------------- the checks

# Run the differ with the arguments "$@" (paths as given) from folder $DIR,
# output folder $DIR/out, TMPDIR $DIR/tmp.  Sets RC, ERR (stderr file).
run_cdo() {
	(cd "$DIR" && TMPDIR=$DIR/tmp timeout "$TIMEOUT" "$CDO" "$@" \
		> "$DIR/stdout" 2> "$DIR/stderr" < /dev/null)
	RC=$?
	ERR=$DIR/stderr
}

# Report test $1: PASS if no reason was given, else FAIL with the stderr.
report() {
	verdict "$1" && return
	if [ -s "$DIR/stderr" ]; then
		echo "  stderr:"
		head -n 20 "$DIR/stderr" | sed 's/^/    /'
	fi
}

# Names of the entries of folder $1, hidden ones too, on one line.
files_in() {
	local -a entries

	shopt -s nullglob dotglob
	entries=("$1"/*)
	shopt -u nullglob dotglob
	[ ${#entries[@]} -eq 0 ] || echo "${entries[*]##*/}"
}

# The checks shared by every failing run.
check_clean_failure() {
	local left

	if [ "$RC" -eq 124 ]; then
		reason "timed out after ${TIMEOUT}s"
	elif [ "$RC" -ne 1 ]; then
		reason "exit $RC, want 1"
	fi
	left=$(files_in "$DIR/out")
	[ -z "$left" ] || reason "left behind in the output folder: $left"
	left=$(files_in "$DIR/tmp")
	[ -z "$left" ] || reason "left behind in TMPDIR: $left"
	if [ -d "$DIR/in" ] && ! cmp -s "$DIR/in/ORIG.o" "$DIR/pristine/ORIG.o"; then
		reason "ORIG.o was modified"
	fi
	if [ -d "$DIR/in" ] && ! cmp -s "$DIR/in/PATCHED.o" "$DIR/pristine/PATCHED.o"; then
		reason "PATCHED.o was modified"
	fi
}

# A new test folder: in/ (good ORIG.o, PATCHED.o), out/, tmp/.
new_test() {
	DIR=$(mktemp -d "$work/t.XXXXXX")
	mkdir "$DIR/in" "$DIR/out" "$DIR/tmp" "$DIR/pristine"
	cp "$CASE/ORIG.o" "$CASE/PATCHED.o" "$DIR/in/"
	h_reason=
}

# Snapshot the (possibly broken) inputs, to see that they are not modified.
snapshot_inputs() {
	cp "$DIR/in/ORIG.o" "$DIR/in/PATCHED.o" "$DIR/pristine/"
}

# The usual seven arguments, with the inputs in in/ and the output in out/.
std_args() {
	echo "in/ORIG.o in/PATCHED.o vmlinux $CASE/ORIG.o $SYMVERS livepatch_test out/OUTPUT.o"
}

# Test $1: call the function $2 to break the inputs (given the test
# folder), run with the usual arguments, expect a clean failure with one
# error line.
bad_input() {
	local name=$1 breaker=$2 line n=0
	local -a args

	new_test
	"$breaker" "$DIR" || reason "could not build the broken input"
	if cmp -s "$DIR/in/ORIG.o" "$CASE/ORIG.o" && cmp -s "$DIR/in/PATCHED.o" "$CASE/PATCHED.o"; then
		reason "the breaker left the inputs intact"
	fi
	snapshot_inputs
	read -r -a args <<< "$(std_args)"
	run_cdo "${args[@]}"
	check_clean_failure
	while IFS= read -r line; do
		n=$((n + 1))
		[[ $line == 'create-diff-object: error: '* ]] ||
			reason "stderr line does not start with 'create-diff-object: error: ': $line"
	done < "$ERR"
	[ "$n" -eq 1 ] || reason "want exactly one line on stderr, got $n"
	report "$name"
}

# Test $1: the arguments "${@:2}" are a bad command line: exit 1, usage.
bad_cmdline() {
	local name=$1

	shift
	new_test
	snapshot_inputs
	run_cdo "$@"
	check_clean_failure
	grep -qi 'usage' "$ERR" || reason "no usage message on stderr"
	report "$name"
}

# ---------------------------------------------------------- the breakers

empty_orig()		{ : > "$1/in/ORIG.o"; }
empty_patched()		{ : > "$1/in/PATCHED.o"; }
truncate_to()		{ head -c "$2" "$CASE/$3" > "$1/in/$3"; }
trunc_16()		{ truncate_to "$1" 16 ORIG.o; }
trunc_64()		{ truncate_to "$1" 64 ORIG.o; }
trunc_300()		{ truncate_to "$1" 300 ORIG.o; }
trunc_half()		{ truncate_to "$1" $(( $(stat -c %s "$CASE/ORIG.o") / 2 )) ORIG.o; }
trunc_minus1()		{ truncate_to "$1" $(( $(stat -c %s "$CASE/ORIG.o") - 1 )) ORIG.o; }
trunc_patched()		{ truncate_to "$1" $(( $(stat -c %s "$CASE/PATCHED.o") * 3 / 4 )) PATCHED.o; }
random_4k()		{ random_bytes "$1/in/ORIG.o" 42 4096; }
not_elf()		{ echo "this is not an ELF file" > "$1/in/ORIG.o"; }

# A valid ELF header followed by noise.
random_after_header() {
	local size

	size=$(stat -c %s "$CASE/ORIG.o")
	random_bytes "$1/noise" 7 $((size - 64))
	{ head -c 64 "$CASE/ORIG.o"; cat "$1/noise"; } > "$1/in/ORIG.o"
	rm -f "$1/noise"
}

bad_shoff()		{ put_le "$1/in/ORIG.o" 40 $((0x7ffffff0)) 8; }
bad_shnum()		{ put_le "$1/in/ORIG.o" 60 $((0xffff)) 2; }
bad_shstrndx()		{ put_le "$1/in/ORIG.o" 62 $((0xfff0)) 2; }
bad_shentsize()		{ put_le "$1/in/ORIG.o" 58 17 2; }
wrong_machine()		{ put_le "$1/in/ORIG.o" 18 183 2; }	# EM_AARCH64
elf_class32()		{ put_le "$1/in/ORIG.o" 4 1 1; }	# ELFCLASS32 in a 64-bit file
big_endian()		{ put_le "$1/in/ORIG.o" 5 2 1; }	# ELFDATA2MSB
et_exec()		{ put_le "$1/in/ORIG.o" 16 2 2; }
et_dyn_patched()	{ put_le "$1/in/PATCHED.o" 16 3 2; }

# A section whose data lies far beyond the end of the file.
bad_section_offset() {
	local idx off

	idx=$(section_index "$1/in/ORIG.o" .text.cdo_add) || return 1
	off=$(shdr_offset "$1/in/ORIG.o" "$idx")
	put_le "$1/in/ORIG.o" $((off + 24)) $((0x7fff0000)) 8
}

# A section whose size runs past the end of the file.
bad_section_size() {
	local idx off

	idx=$(section_index "$1/in/ORIG.o" .strtab) || return 1
	off=$(shdr_offset "$1/in/ORIG.o" "$idx")
	put_le "$1/in/ORIG.o" $((off + 32)) $((0x10000000)) 8
}

# The last relocation of .rela.text.cdo_add names symbol index $2 (in $3).
reloc_symbol() {
	local obj=$1/in/$3 idx off sec_off sec_size

	idx=$(section_index "$obj" '\.rela\.text\.cdo_add') || return 1
	off=$(shdr_offset "$obj" "$idx")
	sec_off=$(get_le "$obj" $((off + 24)) 8)
	sec_size=$(get_le "$obj" $((off + 32)) 8)
	[ "$sec_size" -ge 24 ] || return 1
	put_le "$obj" $((sec_off + sec_size - 24 + 12)) "$2" 4
}

# Number of symbols in the .symtab of $1.
symbol_count() {
	local idx off

	idx=$(section_index "$1" '\.symtab')
	off=$(shdr_offset "$1" "$idx")
	echo $(( $(get_le "$1" $((off + 32)) 8) / 24 ))
}

reloc_sym_huge()	{ reloc_symbol "$1" $((0x7fffffff)) ORIG.o; }
reloc_sym_past_end()	{ reloc_symbol "$1" "$(symbol_count "$1/in/PATCHED.o")" PATCHED.o; }

# Relocation section whose sh_info names a section that does not exist.
reloc_bad_info() {
	local obj=$1/in/ORIG.o idx off

	idx=$(section_index "$obj" '\.rela\.text\.cdo_add') || return 1
	off=$(shdr_offset "$obj" "$idx")
	put_le "$obj" $((off + 44)) 999 4
}

# Symbol cdo_add: section index $2, or name offset $3 past .strtab.
symbol_field() {
	local obj=$1/in/ORIG.o idx off sec_off i name_off want

	idx=$(section_index "$obj" '\.symtab') || return 1
	off=$(shdr_offset "$obj" "$idx")
	sec_off=$(get_le "$obj" $((off + 24)) 8)
	want=$(readelf -sW "$obj" | awk '$8 == "cdo_add" { sub(":", "", $1); print $1 }')
	[ -n "$want" ] || return 1
	i=$((sec_off + want * 24))
	if [ "$2" = shndx ]; then
		put_le "$obj" $((i + 6)) 900 2
	else
		name_off=$(get_le "$obj" "$i" 4)
		put_le "$obj" "$i" $((name_off + 0x100000)) 4
	fi
}
symbol_bad_shndx()	{ symbol_field "$1" shndx; }
symbol_bad_name()	{ symbol_field "$1" name; }

# The case compiled for i386 (gcc -m32), or, without a 32-bit gcc, the
# 64-bit object relabelled EM_386.
wrong_arch_i386() {
	local src=$CASE/orig.c

	if gcc -m32 -O2 -ffreestanding -nostdinc -fno-pic \
		-I"$ROOT/test-objects/include" -c -o "$1/in/ORIG.o" "$src" 2>/dev/null &&
	   gcc -m32 -O2 -ffreestanding -nostdinc -fno-pic \
		-I"$ROOT/test-objects/include" -c -o "$1/in/PATCHED.o" "$CASE/patched.c" 2>/dev/null; then
		return 0
	fi
	cp "$CASE/ORIG.o" "$CASE/PATCHED.o" "$1/in/"
	put_le "$1/in/ORIG.o" 18 3 2
	put_le "$1/in/PATCHED.o" 18 3 2
}

# --------------------------------------------------------- special runs

# The unbroken inputs must give a patch: otherwise every "exit 1" below
# would prove nothing.
control_good() {
	local -a args

	new_test
	read -r -a args <<< "$(std_args)"
	run_cdo "${args[@]}"
	[ "$RC" -eq 0 ] || reason "the good inputs give exit $RC, want 0"
	[ -f "$DIR/out/OUTPUT.o" ] || reason "the good inputs give no OUTPUT.o"
	report control-good-input
}

# A file argument that does not exist (position $2 of 1..7).
missing_arg() {
	local name=$1 pos=$2 line n=0
	local -a args

	new_test
	snapshot_inputs
	read -r -a args <<< "$(std_args)"
	args[pos - 1]=$3
	run_cdo "${args[@]}"
	check_clean_failure
	while IFS= read -r line; do
		n=$((n + 1))
		[[ $line == 'create-diff-object: error: '* ]] ||
			reason "stderr line does not start with 'create-diff-object: error: ': $line"
	done < "$ERR"
	[ "$n" -eq 1 ] || reason "want exactly one line on stderr, got $n"
	report "$name"
}

main() {
	if [ ! -x "$CDO" ]; then
		echo "FAIL badinput: no differ at $CDO (run make)"
		echo "badinput: 0 passed, 1 failed"
		exit 1
	fi
	case $CDO in /*) ;; *) CDO=$PWD/$CDO ;; esac
	work_folder run-badinput

	control_good

	bad_input empty-orig empty_orig
	bad_input empty-patched empty_patched
	bad_input truncated-16 trunc_16
	bad_input truncated-64-header-only trunc_64
	bad_input truncated-300 trunc_300
	bad_input truncated-half trunc_half
	bad_input truncated-minus-1 trunc_minus1
	bad_input truncated-patched trunc_patched
	bad_input random-bytes random_4k
	bad_input random-after-elf-header random_after_header
	bad_input not-elf-text not_elf
	bad_input bad-section-header-offset bad_shoff
	bad_input bad-section-count bad_shnum
	bad_input bad-shstrndx bad_shstrndx
	bad_input bad-shentsize bad_shentsize
	bad_input bad-section-data-offset bad_section_offset
	bad_input bad-section-size bad_section_size
	bad_input reloc-symbol-index-huge reloc_sym_huge
	bad_input reloc-symbol-index-past-end reloc_sym_past_end
	bad_input reloc-section-bad-info reloc_bad_info
	bad_input symbol-bad-section-index symbol_bad_shndx
	bad_input symbol-bad-name-offset symbol_bad_name
	bad_input wrong-arch-i386 wrong_arch_i386
	bad_input wrong-machine-aarch64 wrong_machine
	bad_input elfclass32-header elf_class32
	bad_input big-endian-header big_endian
	bad_input et-exec et_exec
	bad_input et-dyn-patched et_dyn_patched

	missing_arg missing-orig 1 in/NOPE.o
	missing_arg missing-patched 2 in/NOPE.o
	missing_arg orig-is-directory 1 in
	missing_arg missing-parent-symtab 4 in/no-such-symtab
	missing_arg missing-symvers 5 in/no-such-Module.symvers
	missing_arg output-dir-missing 7 out/no-such-dir/OUTPUT.o
	missing_arg output-is-directory 7 out

	bad_cmdline no-arguments
	bad_cmdline six-arguments in/ORIG.o in/PATCHED.o vmlinux "$CASE/ORIG.o" "$SYMVERS" livepatch_test
	bad_cmdline eight-arguments in/ORIG.o in/PATCHED.o vmlinux "$CASE/ORIG.o" "$SYMVERS" livepatch_test out/OUTPUT.o extra
	bad_cmdline debug-and-six-arguments -d in/ORIG.o in/PATCHED.o vmlinux "$CASE/ORIG.o" "$SYMVERS" livepatch_test
	bad_cmdline unknown-option --bogus in/ORIG.o in/PATCHED.o vmlinux "$CASE/ORIG.o" "$SYMVERS" livepatch_test out/OUTPUT.o

	summary badinput
}

main "$@"
