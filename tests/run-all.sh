#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/run-all.sh - everything `make check` runs, in order:
#   dependencies, the build with -Werror, the sanitizer build, the library
#   unit tests, the golden objects (plain and under ASan+UBSan), bad inputs,
#   a short fuzz run, and the qemu integration tests.
# Every suite prints "PASS name" / "FAIL name: why" lines; this script counts
# them and ends with "N passed, N failed".  Exit status 1 if anything failed.
#
# Env: KP_SKIP_INTEGRATION=1 skips the qemu tests (they need ~15 minutes cold).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
log=$out/all.log
: >"$log"

# run_suite NAME CMD...: run a suite, stream its output, keep it for the tally.
run_suite()
{
	local name=$1 rc
	shift
	echo "== $name"
	"$@" 2>&1 | tee "$out/suite.log"
	rc=${PIPESTATUS[0]}
	cat "$out/suite.log" >>"$log"
	if [ "$rc" -ne 0 ] && ! grep -q "^FAIL" "$out/suite.log"; then
		echo "FAIL $name: exited $rc without a FAIL line" | tee -a "$log"
	fi
}

# run_step NAME CMD...: a step that is one test of its own.
run_step()
{
	local name=$1
	shift
	echo "== $name"
	if "$@" >"$out/step.log" 2>&1; then
		echo "PASS $name" | tee -a "$log"
	else
		tail -30 "$out/step.log"
		echo "FAIL $name: see output above" | tee -a "$log"
	fi
}

if [ "$(id -u)" = 0 ]; then
	run_step deps scripts/install-deps.sh
fi
run_step build/werror make -s all
run_step build/asan make -s asan

for t in tests/unit/test-*.c; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .c)
	run_step "unit/$name-build" make -s "build/tests/$name" "build-asan/tests/$name"
	run_suite "unit/$name" "build/tests/$name"
	run_suite "unit/$name (asan)" "build-asan/tests/$name"
done

run_suite golden tests/unit/run-golden.sh build/create-diff-object
run_suite "golden (asan)" env KP_GOLDEN_TAG=asan tests/unit/run-golden.sh build-asan/create-diff-object
run_suite badinput tests/unit/run-badinput.sh build-asan/create-diff-object
run_suite klp-module tests/unit/run-klp-module.sh build-asan
run_suite match tests/unit/run-match.sh build
run_suite "match (asan)" tests/unit/run-match.sh build-asan
run_suite scan tests/unit/run-scan.sh build
run_suite "scan (asan)" tests/unit/run-scan.sh build-asan
run_suite lines tests/unit/run-lines.sh build
run_suite "lines (asan)" tests/unit/run-lines.sh build-asan
[ -x tests/fuzz/run.sh ] && run_suite fuzz tests/fuzz/run.sh "${KP_FUZZ_SECONDS:-20}"
if [ "${KP_SKIP_INTEGRATION:-0}" != 1 ]; then
	[ -x tests/kpatch-util/run.sh ] && run_suite kpatch-util tests/kpatch-util/run.sh
	[ -x tests/integration/run.sh ] && run_suite integration tests/integration/run.sh
	run_suite integration-6.12 env KP_TEST_KERNEL=6.12 tests/integration/run.sh
	[ -x tests/integration/run-scenarios.sh ] &&
		run_suite scenarios tests/integration/run-scenarios.sh
	[ -x tests/integration/oot/run.sh ] && run_suite oot tests/integration/oot/run.sh
	run_suite sigint tests/integration/run-sigint-stages.sh
	run_suite distro tests/distro/run.sh
	run_suite realworld-subset tests/realworld/run.sh --subset
fi

passed=$(grep -c "^PASS" "$log")
failed=$(grep -c "^FAIL" "$log")
echo
grep "^FAIL" "$log" || true
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
