#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/fuzz/run.sh [SECONDS] - build the libFuzzer targets, replay the saved
# reproducers, then fuzz every target for SECONDS/2 (default SECONDS: 600).
#
#   PASS fuzz/<target> (N execs)
#   FAIL fuzz/<target>: crash, reproducer saved at tests/fuzz/crashes/<target>/...
#
# Targets (tests/fuzz/fuzz.mk): fuzz-elf (the ELF reader) and fuzz-diff (the
# whole differ on a PATCHED.o against a golden ORIG.o).  The seed corpus is
# the golden objects test-objects/*/{ORIG,PATCHED}.o, copied at run time to
# build-fuzz/seed/; what the fuzzer learns is kept in build-fuzz/corpus/<target>/.
#
# Reproducers of crashes, leaks, timeouts and out-of-memory are written to
# tests/fuzz/crashes/<target>/ and stay there as regression inputs: every run
# replays them first, and a target whose saved reproducer still fails is not
# fuzzed again (that would only pile up variants of the same bug).  Replay one
# by hand with: build-fuzz/<target> tests/fuzz/crashes/<target>/<file>
#
# The targets run side by side when there are two or more CPUs.  Temporary
# files live in one directory that is removed on exit.  Exit status 1 if
# anything failed.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1

seconds=${1:-600}
case $seconds in
''|*[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac
targets=(fuzz-elf fuzz-diff)
per_target=$((seconds / 2 > 0 ? seconds / 2 : 1))
build="build-fuzz"
crashes=tests/fuzz/crashes
seed_max_bytes=65536
# shellcheck source=SCRIPTDIR/../lib/harness.sh
. "$top/tests/lib/harness.sh"
harness_suite fuzz
work_folder kp-fuzz
# The targets' own temporary files (fuzz-diff's output) go here too.
export TMPDIR=$work
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
if command -v llvm-symbolizer >/dev/null; then
	export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-$(command -v llvm-symbolizer)}
fi

# The sanitizer's (or the harness's) report in log $1: its first lines.
print_report()
{
	awk '
	!on && /==ERROR: |runtime error: |model check failed|ALARM: |out-of-memory|Test unit written/ { on = 1 }
	on && n < 45 { print "    " $0; n++ }
	on && n > 1 && /^SUMMARY: / { exit }
	' "$1"
}

build_targets()
{
	if ! make -s -j"$(nproc)" fuzz-build >"$work/build.log" 2>&1; then
		sed 's/^/    /' "$work/build.log" | tail -n 30
		fail build "make fuzz-build failed"
		exit 1
	fi
}

# Fresh copy of the golden objects (small ones only) into $build/seed/,
# test-objects/<case>/ORIG.o becoming <case>-ORIG.o (one tar, not a cp per
# file: forks are slow here and this runs in every `make check`).
copy_seeds()
{
	rm -rf "$build/seed"
	mkdir -p "$build/seed"
	find test-objects -mindepth 2 -maxdepth 2 \( -name ORIG.o -o -name PATCHED.o \) \
		-size -$((seed_max_bytes + 1))c -print0 |
		tar --null -T - -cf - |
		tar -C "$build/seed" --transform 's|^test-objects/||;s|/|-|g' -xf -
}

# Options common to every run of a target.
fuzz_opts()
{
	printf '%s\n' -timeout=10 -rss_limit_mb=2048 -close_fd_mask=3 \
		-print_final_stats=1 -dict=tests/fuzz/elf.dict
}

# Replay the saved reproducers of target $1; return 1 if one still fails.
replay_crashes()
{
	local t=$1 f n=0 bad=0 log=$work/replay-$1.log
	local -a opts

	mapfile -t opts < <(fuzz_opts)
	for f in "$crashes/$t"/*; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		if ! "$build/$t" "${opts[@]}" -artifact_prefix="$work/" "$f" >"$log" 2>&1; then
			fail "$t/replay" "$f still fails"
			print_report "$log"
			bad=1
		fi
	done
	[ $n = 0 ] || [ $bad = 1 ] || pass "$t/replay ($n saved inputs)"
	return $bad
}

# Fuzz target $1 for $per_target seconds; the log is $work/fuzz-$1.log.
fuzz_target()
{
	local t=$1
	local -a opts

	mapfile -t opts < <(fuzz_opts)
	mkdir -p "$build/corpus/$t" "$crashes/$t"
	"$build/$t" "${opts[@]}" -artifact_prefix="$crashes/$t/" -max_total_time="$per_target" \
		"$build/corpus/$t" "$build/seed" >"$work/fuzz-$t.log" 2>&1
	echo $? >"$work/fuzz-$t.rc"
}

# Print the verdict of the finished run of target $1.
report_target()
{
	local t=$1 log=$work/fuzz-$1.log rc execs artifact kind

	rc=$(cat "$work/fuzz-$t.rc" 2>/dev/null || echo 1)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	[ -n "$execs" ] || execs=$(grep -o '^#[0-9]*' "$log" | tail -n 1 | tr -d '#')
	artifact=$(sed -n 's/.*Test unit written to //p' "$log" | head -n 1)
	if [ "$rc" = 0 ] && [ -z "$artifact" ]; then
		pass "$t (${execs:-0} execs)"
		return
	fi
	if [ -n "$artifact" ]; then
		kind=$(basename "$artifact")
		kind=${kind%%-*}
		[ "$kind" = crash ] && kind= || kind=" ($kind)"
		fail "$t" "crash$kind, reproducer saved at $artifact"
	else
		fail "$t" "exited $rc without a reproducer (log follows)"
		tail -n 20 "$log" | sed 's/^/    /'
	fi
	print_report "$log"
}

build_targets
copy_seeds

runnable=()
for t in "${targets[@]}"; do
	if replay_crashes "$t"; then
		runnable+=("$t")
	else
		echo "    (fuzz/$t not fuzzed: fix the saved reproducer first)"
	fi
done

if [ "$(nproc)" -ge 2 ]; then
	for t in "${runnable[@]}"; do
		fuzz_target "$t" &
	done
	wait
else
	for t in "${runnable[@]}"; do
		fuzz_target "$t"
	done
fi
for t in "${runnable[@]}"; do
	report_target "$t"
done
harness_status
