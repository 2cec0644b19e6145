# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# What every test suite shares.  Source it, then name the suite (harness_suite scan).
#   pass NAME / fail NAME WHY / skip NAME WHY   "PASS SUITE/NAME", "FAIL SUITE/NAME:
#       WHY" (returns 1), "SKIP SUITE/NAME: WHY"; counted in h_passed, h_failed,
#       h_skipped; abort NAME WHY fails and exits 1; fail_details FILE shows FILE,
#       indented, under each FAIL line
#   reason WHY, verdict NAME   a case that checks many things keeps its first
#       reason, then passes or fails once; count_line LINE counts a PASS/FAIL
#       line printed by a subshell
#   summary [LABEL]     "[LABEL: ]N passed, N failed" (tests/run-all.sh and CI read
#       it); true when none failed, as is harness_status
#   work_folder [PREFIX] [KEEP]   a fresh $work, removed at exit unless KEEP is 1
#   show_tail FILE [N], elapsed T0, files_checksum DIR [FIND-TEST...] (16 hex
#       digits over the names and contents of DIR's files)
# SIGINT (kpatch-build must restore every tree it patched):
#   interrupt_when COND TENTHS OUT CMD...   CMD in the background (output in OUT),
#       SIGINT once the shell condition COND holds; CMD's exit status, or 255 when
#       COND did not hold within TENTHS tenths of a second (CMD is interrupted too)
#   interrupt_at_stage STAGE OUT CMD...      once kpatch-build's test seam paused it
#       at the start of STAGE
#   interrupt_patched_build STATE OUT CMD... once STATE/dirty and STATE/record say
#       the tree is patched and being rebuilt
#   sigint_restored NAME RC OUT STATE [RESTORED]   after the latter: exit 130,
#       "kpatch-build: restored RESTORED" said, STATE/dirty gone

[ -n "${KP_HARNESS_SH:-}" ] && return 0
KP_HARNESS_SH=1
# shellcheck source=SCRIPTDIR/../../scripts/lib/common.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/lib/common.sh"

h_suite=	# the prefix of the test names
h_passed=0
h_failed=0
h_skipped=0
h_reason=	# the first reason the current case fails
h_details=	# a file shown under each FAIL line

harness_suite() { h_suite=$1; }

pass() { echo "PASS $h_suite/$1"; h_passed=$((h_passed + 1)); }

fail()
{
	local name=$1
	shift
	echo "FAIL $h_suite/$name: $*"
	[ -n "$h_details" ] && [ -s "$h_details" ] && sed 's/^/    /' "$h_details"
	h_failed=$((h_failed + 1))
	return 1
}

abort() { fail "$@"; exit 1; }

fail_details() { h_details=$1; }

skip()
{
	local name=$1
	shift
	echo "SKIP $h_suite/$name: $*"
	h_skipped=$((h_skipped + 1))
}

reason() { [ -n "$h_reason" ] || h_reason=$*; }

verdict()
{
	local why=$h_reason

	h_reason=
	[ -z "$why" ] && { pass "$1"; return 0; }
	fail "$1" "$why"
}

count_line()
{
	case $1 in
	'PASS '*) h_passed=$((h_passed + 1)) ;;
	'FAIL '*) h_failed=$((h_failed + 1)) ;;
	esac
}

summary()
{
	echo "${1:+$1: }$h_passed passed, $h_failed failed"
	harness_status
}

harness_status() { [ "$h_failed" = 0 ]; }

work_folder()
{
	work=$(mktemp -d "${TMPDIR:-/tmp}/${1:-kpatch-test}.XXXXXX") ||
		die "cannot create a work folder"
	if [ "${2:-0}" = 1 ]; then
		msg "work folder: $work"
	else
		trap 'rm -rf "$work"' EXIT
	fi
}

show_tail() { tail -n "${2:-15}" "$1" 2>/dev/null | sed 's/^/    /' >&2; }

elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

files_checksum()
{
	local dir=$1
	shift
	(cd "$dir" && find . -type f "$@" -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) |
		sha256sum | cut -c1-16
}

interrupt_when()
{
	local cond=$1 tenths=$2 out=$3 pid i rc held=0
	shift 3

	# job control: a background job of a script would otherwise ignore SIGINT;
	# env: a suite started in the background (make check &) passes SIGINT on
	# ignored, and a signal ignored at a shell's start cannot be trapped
	set -m
	env --default-signal=INT "$@" >"$out" 2>&1 &
	pid=$!
	set +m
	for ((i = 0; i < tenths; i++)); do
		eval "$cond" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	eval "$cond" && held=1
	kill -INT "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	[ $held = 1 ] || return 255
	return $rc
}

interrupt_at_stage()
{
	local stage=$1 out=$2
	shift 2
	KPATCH_TEST_PAUSE_STAGE=$stage \
		interrupt_when "grep -q \"paused at stage '$stage'\" '$out' 2>/dev/null" 3000 "$out" "$@"
}

interrupt_patched_build()
{
	local state=$1 out=$2 rc
	shift 2
	interrupt_when "[ -e '$state/dirty' ] && [ -s '$state/record' ]" 6000 "$out" "$@"
	rc=$?
	[ $rc = 255 ] && show_tail "$out"
	return $rc
}

sigint_restored()
{
	local name=$1 rc=$2 out=$3 state=$4 restored=${5:-}

	[ "$rc" = 255 ] && { fail "$name" "the patched build never started"; return 1; }
	show_tail "$out" 4
	[ "$rc" = 130 ] || { fail "$name" "exit $rc after SIGINT, expected 130"; return 1; }
	grep -q "^kpatch-build: restored $restored" "$out" ||
		{ fail "$name" "kpatch-build did not say it restored ${restored:-the tree}"; return 1; }
	[ ! -e "$state/dirty" ] || { fail "$name" "the tree is still marked patched"; return 1; }
}
