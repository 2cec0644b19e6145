#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/unit/run-golden.sh - run create-diff-object on every golden case.
#
#   tests/unit/run-golden.sh [CDO]      (default: build/create-diff-object)
#
# A case is any folder under test-objects/ (at any depth) that holds
# expect, ORIG.o and PATCHED.o.  The differ runs as
#
#   CDO ORIG.o PATCHED.o PARENT-NAME PARENT-SYMTAB MODULE.SYMVERS \
#       livepatch_test OUTPUT.o
#
# in a temporary folder of its own, and every directive of expect is
# checked.  One line per case: "PASS golden/<case>" or
# "FAIL golden/<case>: <first reason>" followed by the differ's stdout and
# stderr, indented.  The last line is "golden: N passed, N failed".  Exit 1
# if any case failed.
#
# Always checked: the exit code; OUTPUT.o exists exactly when the exit
# code is 0, readelf reads it without a complaint and `ld -r` accepts it;
# exits 1 and 2 print exactly one "create-diff-object: error: " line.
#
# expect: one directive per line; a line starting with '#' is a comment, as
# is " # ..." at the end of any directive but stderr/stdout (whose regex is
# taken whole).  Lists are separated by spaces.
#   exit N            expected exit code (default 0)
#   changed F...      exact set of "changed function" names (none: empty set)
#   new F...          exact set of "new function" names
#   funcs F...        exact set of STT_FUNC symbols defined in OUTPUT.o
#   klpsym X...       each X appears as "livepatch symbol: X"
#   no-klpsym X...    none of them does
#   has-section S...  / no-section S...     sections of OUTPUT.o
#   has-symbol S...   / no-symbol S...      names in OUTPUT.o's .symtab
#   undef S...        each is an undefined symbol of OUTPUT.o
#   relocs SEC N      exactly N (plain) relocations in .rela<SEC> of OUTPUT.o
#   stderr REGEX      grep -E on the differ's stderr
#   stderr-lines N REGEX  exactly N lines of the differ's stderr match REGEX
#   stdout REGEX      grep -E on the differ's stdout
#   parent NAME       PARENT-NAME (default vmlinux)
#   objects CASE      take ORIG.o and PATCHED.o from the case CASE (a sibling
#                     folder) instead of this one: the same objects, another parent
#   symtab FILE       parent symtab, relative to the case (default ORIG.o);
#                     FILE.xz is decompressed first
#   symvers FILE      relative to the case (default test-objects/common/Module.symvers)
#   env VAR=VALUE     environment for the differ (may repeat)
#
# Environment: GOLDEN_OBJDIR (where the cases are, default test-objects/),
# GOLDEN_JOBS (cases run at once, default 2), GOLDEN_TIMEOUT
# (seconds per run, default 120), GOLDEN_FILTER (run only the cases whose
# name matches this extended regex).
#
# Starting a process is slow on some machines, so the checks parse the
# differ's output and one `readelf -aW` of OUTPUT.o with bash itself.
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OBJDIR=${GOLDEN_OBJDIR:-$ROOT/test-objects}
CDO=${1:-$ROOT/build/create-diff-object}
JOBS=${GOLDEN_JOBS:-2}
TIMEOUT=${GOLDEN_TIMEOUT:-120}
FILTER=${GOLDEN_FILTER:-}
PATCH_MODULE=livepatch_test

# ------------------------------------------------------ state of one case

# Each case runs in a subshell of its own, so these are per case.
declare -a ENVS=()		# env VAR=VALUE directives
declare -a DIRECTIVES=()	# "key rest" of the output directives
declare -A CHANGED=()		# names reported as "changed function"
declare -A NEW=()		# names reported as "new function"
declare -A KLPSYM=()		# names reported as "livepatch symbol"
declare -A SYM_NDX=()		# OUTPUT.o symbol name -> Ndx of its first entry
declare -A SYM_UNDEF=()		# OUTPUT.o names with an undefined entry
declare -A FUNCS=()		# OUTPUT.o defined STT_FUNC names
declare -A SECTIONS=()		# OUTPUT.o section names
declare -A RELOCS=()		# OUTPUT.o relocation section -> entries
EXPECT_EXIT=0
PARENT=vmlinux
SYMTAB=
SYMVERS=$OBJDIR/common/Module.symvers
# shellcheck source=SCRIPTDIR/../lib/harness.sh
. "$ROOT/tests/lib/harness.sh"
harness_suite golden

# The keys of the associative array named $1, sorted, on one line.
keys_of() {
	local -n arr=$1

	[ ${#arr[@]} -gt 0 ] || return 0
	printf '%s\n' "${!arr[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}

# Print $1 indented (the differ's output under a FAIL line).
indent() {
	local line

	while IFS= read -r line; do
		printf '    %s\n' "$line"
	done < "$1"
}

# ------------------------------------------------------------ reading

# Read expect: run parameters now, output directives into DIRECTIVES.
read_expect() {
	local dir=$1 tmp=$2 key rest

	while read -r key rest; do
		case $key in
		''|'#'*) continue ;;
		stderr|stdout|stderr-lines) ;;
		*) rest=${rest%%[[:space:]]#*} ;;
		esac
		case $key in
		exit)
			[[ $rest =~ ^[0-9]+$ ]] || { reason "expect: bad exit '$rest'"; return; }
			EXPECT_EXIT=$rest ;;
		parent) PARENT=$rest ;;
		objects)
			[ -f "$dir/../$rest/ORIG.o" ] && [ -f "$dir/../$rest/PATCHED.o" ] ||
				{ reason "expect: no objects in case $rest"; return; }
			OBJS=$(cd "$dir/../$rest" && pwd) ;;
		symtab)
			if [[ $rest == *.xz ]]; then
				xz -dc "$dir/$rest" > "$tmp/parent.symtab" ||
					{ reason "expect: cannot decompress $rest"; return; }
				SYMTAB=$tmp/parent.symtab
			else
				SYMTAB=$dir/$rest
			fi ;;
		symvers) SYMVERS=$dir/$rest ;;
		env) ENVS+=("$rest") ;;
		changed|new|funcs|klpsym|no-klpsym|has-section|no-section|has-symbol|no-symbol|undef|relocs|stderr|stdout|stderr-lines)
			DIRECTIVES+=("$key $rest") ;;
		*) reason "expect: unknown directive '$key'"; return ;;
		esac
	done < "$dir/expect"
}

# Collect the facts the differ printed on stdout.
# shellcheck disable=SC2034 # CHANGED and NEW are read through check_set
read_stdout() {
	local line re='^[^ ]+: (changed function|new function|livepatch symbol): (.+)$'

	while IFS= read -r line; do
		[[ $line =~ $re ]] || continue
		case ${BASH_REMATCH[1]} in
		'changed function') CHANGED[${BASH_REMATCH[2]}]=1 ;;
		'new function') NEW[${BASH_REMATCH[2]}]=1 ;;
		'livepatch symbol') KLPSYM[${BASH_REMATCH[2]}]=1 ;;
		esac
	done < "$1"
}

# Collect sections, symbols and relocation counts of OUTPUT.o from one
# `readelf -aW`, which must not complain.
# shellcheck disable=SC2034 # FUNCS is read through check_set
read_output() {
	local tmp=$1 line msg
	local re_sec='^ +\[ *[0-9]+\] ([^ ]+) '
	local re_sym='^ +[0-9]+: [0-9a-f]+ +[0-9]+ ([A-Z_0-9]+) +[A-Z_0-9]+ +[A-Z_0-9]+ +([A-Z0-9]+) ?(.*)$'
	local re_rel="^Relocation section '([^']+)' at offset [^ ]+ contains ([0-9]+) entr"

	readelf -aW "$tmp/OUTPUT.o" > "$tmp/readelf" 2> "$tmp/readelf.err"
	if [ -s "$tmp/readelf.err" ]; then
		IFS= read -r msg < "$tmp/readelf.err"
		reason "readelf complains about OUTPUT.o: $msg"
		return
	fi
	while IFS= read -r line; do
		if [[ $line =~ $re_sym ]]; then
			local type=${BASH_REMATCH[1]} ndx=${BASH_REMATCH[2]} name=${BASH_REMATCH[3]}
			[ -n "$name" ] || continue
			[ -n "${SYM_NDX[$name]+x}" ] || SYM_NDX[$name]=$ndx
			[ "$ndx" != UND ] || SYM_UNDEF[$name]=1
			[ "$type" != FUNC ] || [ "$ndx" = UND ] || FUNCS[$name]=1
		elif [[ $line =~ $re_sec ]]; then
			SECTIONS[${BASH_REMATCH[1]}]=1
		elif [[ $line =~ $re_rel ]]; then
			RELOCS[${BASH_REMATCH[1]}]=$(( ${RELOCS[${BASH_REMATCH[1]}]:-0} + BASH_REMATCH[2] ))
		fi
	done < "$tmp/readelf"
}

# ------------------------------------------------------------ checking

# Compare the associative array named $1 with the words $3... as sets.
check_set() {
	local name=$1 what=$2 x
	local -n have=$1
	declare -A want=()

	shift 2
	for x in "$@"; do
		want[$x]=1
	done
	for x in "${!want[@]}"; do
		[ -n "${have[$x]+x}" ] || { reason "$what: got [$(keys_of "$name")], want [$(keys_of want)]"; return; }
	done
	for x in "${!have[@]}"; do
		[ -n "${want[$x]+x}" ] || { reason "$what: got [$(keys_of "$name")], want [$(keys_of want)]"; return; }
	done
}

# Check one output directive ("key rest").
check_directive() {
	local tmp=$1 key=${2%% *} rest x n
	local -a words

	rest=${2#"$key"}
	rest=${rest# }
	read -r -a words <<< "$rest"
	case $key in
	stderr) grep -Eq -- "$rest" "$tmp/stderr" || reason "stderr does not match /$rest/" ;;
	stdout) grep -Eq -- "$rest" "$tmp/stdout" || reason "stdout does not match /$rest/" ;;
	stderr-lines)
		n=$(grep -Ec -- "${rest#* }" "$tmp/stderr")
		[[ ${words[0]} =~ ^[0-9]+$ ]] && [ "$n" -eq "${words[0]}" ] ||
			reason "$n lines of stderr match /${rest#* }/, want ${words[0]}" ;;
	changed) check_set CHANGED "changed functions" "${words[@]}" ;;
	new) check_set NEW "new functions" "${words[@]}" ;;
	funcs) check_set FUNCS "functions defined in OUTPUT.o" "${words[@]}" ;;
	klpsym)
		for x in "${words[@]}"; do
			[ -n "${KLPSYM[$x]+x}" ] || reason "no livepatch symbol $x (got: $(keys_of KLPSYM))"
		done ;;
	no-klpsym)
		for x in "${words[@]}"; do
			[ -z "${KLPSYM[$x]+x}" ] || reason "unexpected livepatch symbol $x"
		done ;;
	has-section)
		for x in "${words[@]}"; do
			[ -n "${SECTIONS[$x]+x}" ] || reason "OUTPUT.o has no section $x"
		done ;;
	no-section)
		for x in "${words[@]}"; do
			[ -z "${SECTIONS[$x]+x}" ] || reason "OUTPUT.o has section $x"
		done ;;
	has-symbol)
		for x in "${words[@]}"; do
			[ -n "${SYM_NDX[$x]+x}" ] || reason "OUTPUT.o has no symbol $x"
		done ;;
	no-symbol)
		for x in "${words[@]}"; do
			[ -z "${SYM_NDX[$x]+x}" ] || reason "OUTPUT.o has symbol $x"
		done ;;
	undef)
		for x in "${words[@]}"; do
			if [ -z "${SYM_NDX[$x]+x}" ]; then
				reason "OUTPUT.o has no symbol $x (want it undefined)"
			elif [ -z "${SYM_UNDEF[$x]+x}" ]; then
				reason "symbol $x is defined in OUTPUT.o (want it undefined)"
			fi
		done ;;
	relocs)
		if [ ${#words[@]} -ne 2 ] || ! [[ ${words[1]} =~ ^[0-9]+$ ]]; then
			reason "expect: relocs wants SECTION COUNT"
			return
		fi
		n=$(( ${RELOCS[.rela${words[0]}]:-0} + ${RELOCS[.rel${words[0]}]:-0} ))
		[ "$n" -eq "${words[1]}" ] ||
			reason "OUTPUT.o has $n relocations in .rela${words[0]}, want ${words[1]}" ;;
	esac
}

# Check the exit code, OUTPUT.o, the error line, then each directive.
check_results() {
	local tmp=$1 rc=$2 line errors=0 d msg

	if [ "$rc" -eq 124 ]; then
		reason "timed out after ${TIMEOUT}s"
		return
	fi
	[ "$rc" -eq "$EXPECT_EXIT" ] || { reason "exit $rc, want $EXPECT_EXIT"; return; }
	if [ "$rc" -eq 0 ]; then
		[ -f "$tmp/OUTPUT.o" ] || { reason "exit 0 but no OUTPUT.o"; return; }
		read_output "$tmp"
		msg=$(ld -r -o "$tmp/linked.o" "$tmp/OUTPUT.o" 2>&1)
		if [ -n "$msg" ] || [ ! -f "$tmp/linked.o" ]; then
			reason "ld -r rejects OUTPUT.o: ${msg%%$'\n'*}"
		fi
	else
		[ ! -e "$tmp/OUTPUT.o" ] || reason "exit $rc but OUTPUT.o was left behind"
	fi
	if [ "$rc" -eq 1 ] || [ "$rc" -eq 2 ]; then
		while IFS= read -r line; do
			[[ $line != 'create-diff-object: error: '* ]] || errors=$((errors + 1))
		done < "$tmp/stderr"
		[ "$errors" -eq 1 ] ||
			reason "want exactly one 'create-diff-object: error: ' line on stderr, got $errors"
	fi
	read_stdout "$tmp/stdout"
	for d in "${DIRECTIVES[@]}"; do
		case ${d%% *} in
		stderr|stdout|stderr-lines) ;;
		*)
			if [ "$rc" -ne 0 ]; then
				reason "expect: '${d%% *}' needs an OUTPUT.o (exit 0)"
				return
			fi ;;
		esac
		check_directive "$tmp" "$d"
	done
}

# Run case folder $1 (named $2); write the PASS/FAIL report to $3.
run_case() {
	local dir=$1 name=$2 report=$3 tmp rc

	tmp=$(mktemp -d "$work/case.XXXXXX")
	SYMTAB=
	OBJS=$dir
	read_expect "$dir" "$tmp"
	: "${SYMTAB:=$OBJS/ORIG.o}"
	if [ -z "$h_reason" ]; then
		(cd "$tmp" && env "${ENVS[@]}" timeout "$TIMEOUT" "$CDO" \
			"$OBJS/ORIG.o" "$OBJS/PATCHED.o" "$PARENT" "$SYMTAB" \
			"$SYMVERS" "$PATCH_MODULE" "$tmp/OUTPUT.o" \
			> "$tmp/stdout" 2> "$tmp/stderr" < /dev/null)
		rc=$?
		check_results "$tmp" "$rc"
	fi
	if ! verdict "$name" > "$report"; then
		if [ -s "$tmp/stdout" ]; then
			echo "  stdout:"
			indent "$tmp/stdout"
		fi >> "$report"
		if [ -s "$tmp/stderr" ]; then
			echo "  stderr:"
			indent "$tmp/stderr"
		fi >> "$report"
	fi
	rm -rf "$tmp"
}

# ------------------------------------------------------------- all cases

# Case folders (relative to test-objects), sorted.
list_cases() {
	local expect dir

	find "$OBJDIR" -name expect -type f | sort | while read -r expect; do
		dir=${expect%/expect}
		if { [ ! -f "$dir/ORIG.o" ] || [ ! -f "$dir/PATCHED.o" ]; } &&
			! grep -q '^objects ' "$expect"; then
			echo "run-golden: skipping ${dir#"$OBJDIR"/}: no ORIG.o/PATCHED.o" >&2
			continue
		fi
		echo "${dir#"$OBJDIR"/}"
	done
}

# Print the reports of finished cases in case order, from case $NEXT on.
NEXT=0
flush_reports() {
	local first

	while [ -f "$work/done.$NEXT" ]; do
		if [ -s "$work/report.$NEXT" ]; then
			cat "$work/report.$NEXT"
			IFS= read -r first < "$work/report.$NEXT"
			count_line "$first"
		fi
		NEXT=$((NEXT + 1))
	done
}

main() {
	local -a cases
	local i running=0

	if [ ! -x "$CDO" ]; then
		echo "FAIL golden: no differ at $CDO (run make)"
		echo "golden: 0 passed, 1 failed"
		exit 1
	fi
	case $CDO in /*) ;; *) CDO=$PWD/$CDO ;; esac
	work_folder run-golden
	mapfile -t cases < <(list_cases)
	for i in "${!cases[@]}"; do
		if [ -n "$FILTER" ] && ! [[ ${cases[$i]} =~ $FILTER ]]; then
			: > "$work/report.$i"	# empty report: not run, not counted
			: > "$work/done.$i"
			continue
		fi
		(run_case "$OBJDIR/${cases[$i]}" "${cases[$i]}" "$work/report.$i"
		 : > "$work/done.$i") &
		running=$((running + 1))
		while [ "$running" -ge "$JOBS" ]; do
			wait -n
			running=$((running - 1))
			flush_reports
		done
		flush_reports
	done
	wait
	flush_reports
	summary golden
}

main "$@"
