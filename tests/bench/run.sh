#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/bench/run.sh - how fast create-diff-object is, and how it grows.
#
# Prints a table of build/create-diff-object runs, each the median of
# $KP_BENCH_RUNS runs (default 15): wall time, CPU time (user + system),
# minor page faults, peak memory, and where the wall time goes, from the
# differ's own --timing (KPATCH_TIMING=1) phases: "start" is exec, the
# dynamic linker and exit (the wall time minus the differ's total), then
# read (ORIG.o, PATCHED.o), symtab (PARENT-SYMTAB, MODULE.SYMVERS), diff,
# output, write and free.  Cases:
#   fork     the golden case kernel-6.1/big-object-fork (kernel/fork.o, 94 KB)
#            with the whole vmlinux symbol table as the parent: as readelf
#            text (vmlinux.symtab.xz), as the test kernel's ELF vmlinux (when
#            built) and as Debian's 6.1 vmlinux with DWARF (when distro mode
#            has fetched one: another build, so it times the lookups only)
#   kernel   the 5 largest C objects of the test kernel, recompiled with
#            -ffunction-sections -fdata-sections, and again with a one-line
#            change in one function; parent: the tree's vmlinux and
#            Module.symvers (skipped when no test kernel has been built)
#   gen-N    generated objects of N small functions (tests/bench/gen-funcs.py,
#            BENCH_SIZES in bench.mk); parent: the ORIG object itself
# then the growth from the smallest to the largest generated object, flagged
# "quadratic?" when the time ratio exceeds 8 for a 5x larger input, the
# machine's load while measuring, and kpatch-build's stage timings with a
# cold and a warm cache, in custom mode (the test kernel) and in distro mode
# (Debian's 6.1 kernel).
#
# Objects are cached in build-bench/.  Env:
#   KP_BENCH_TREE=DIR          the kernel tree (default: the newest built test kernel)
#   KP_BENCH_KERNEL_OBJS=N     how many kernel objects (default 5; 0 skips them)
#   KP_BENCH_RUNS=N            runs per measurement (default 15; the median is shown)
#   KP_BENCH_CDO=PATH          the differ to time (default build/create-diff-object)
#   KP_BENCH_INSTR=1           also count the instructions of each fork case
#                              (callgrind; slow)
#   KP_BENCH_ONLY=differ       the differ's cases only (no kpatch-build stages)
#   KP_BENCH_PROFILE=1         profile the slowest case (perf, else callgrind)
#   KP_BENCH_KPATCH_BUILD=auto|cold|warm|0
#                              auto (default): kpatch-build with an empty cache
#                              (a full kernel build) then warm, the first time;
#                              later runs time warm only and show the saved cold
#                              column; cold: measure cold again; 0: skip
#   KP_BENCH_DISTRO=auto|cold|warm|0
#                              the same for distro mode (kpatch-build -a ABI of
#                              Debian's 6.1 kernel), cold including downloads
# Exit status: 1 if the tools could not be built, else 0 (a benchmark
# reports; it does not judge).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
# shellcheck source=SCRIPTDIR/../../scripts/lib/common.sh
. scripts/lib/common.sh

cdo=${KP_BENCH_CDO:-$top/build/create-diff-object}
bb=$top/build-bench
runstat=$bb/runstat
runs=${KP_BENCH_RUNS:-15}
nr_kernel_objs=${KP_BENCH_KERNEL_OBJS:-5}
kernel_target_s=0.5

work=$(mktemp -d "${TMPDIR:-/tmp}/kp-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Results, one row per case (filled by measure).
rows=()
phase_rows=()
declare -A time_of rss_of

say() { printf '%s\n' "$*"; }

build_tools()
{
	local targets=(bench-build)

	# KP_BENCH_CDO names a differ built elsewhere: build/ is left alone.
	[ -n "${KP_BENCH_CDO:-}" ] || targets=(all bench-build)
	say "building the tools and the generated objects (cached in build-bench/)..."
	if ! make -s "${targets[@]}" BENCH_SIZES="$(bench_sizes)" >"$work/build.log" 2>&1; then
		tail -n 30 "$work/build.log"
		say "FAIL bench/build: make all bench-build failed"
		exit 1
	fi
}

# Number of defined functions in object $1.
count_funcs()
{
	readelf -sW "$1" 2>/dev/null | awk '$4 == "FUNC" && $7 != "UND" { n++ } END { print n + 0 }'
}

# The median of the numbers on stdin (one a line).
median()
{
	sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print 0 }'
}

# The phases of the differ's "timing:" line on stderr file $1, as
# "read 0.41 symtab 2.10 ... total 6.02" (milliseconds).
timing_phases()
{
	sed -n 's/^create-diff-object: timing: //p' "$1" | tr ',' '\n' |
		awk '$1 != "" { printf "%s %s ", $1, $2 } END { print "" }'
}

# measure LABEL ORIG PATCHED PARENT-NAME PARENT-SYMTAB SYMVERS
# Runs the differ $runs times with KPATCH_TIMING=1; keeps the median of each
# figure (wall, CPU, faults, peak memory, every phase).
measure()
{
	local label=$1 orig=$2 patched=$3 parent=$4 symtab=$5 symvers=$6
	local i t m rc u sy f last_rc='' note='' col
	local -A med

	: >"$work/runs"
	for ((i = 0; i < runs; i++)); do
		KPATCH_TIMING=1 "$runstat" "$work/stat" "$cdo" "$orig" "$patched" "$parent" \
			"$symtab" "$symvers" bench_patch "$work/out.o" >"$work/cdo.out" 2>"$work/cdo.err"
		read -r t m rc u sy f <"$work/stat"
		last_rc=$rc
		printf 'wall %s cpu %s faults %s rss %s %s\n' "$(awk -v t="$t" 'BEGIN { print t * 1000 }')" \
			"$(awk -v u="$u" -v s="$sy" 'BEGIN { print (u + s) * 1000 }')" "$f" "$m" \
			"$(timing_phases "$work/cdo.err")" >>"$work/runs"
	done
	rm -f "$work/out.o"
	for col in wall cpu faults rss read symtab diff output write free total; do
		med[$col]=$(awk -v c="$col" '{ for (i = 1; i < NF; i += 2) if ($i == c) print $(i + 1) }' \
			"$work/runs" | median)
	done
	med[start]=$(awk '{ for (i = 1; i < NF; i += 2) { if ($i == "wall") w = $(i + 1); if ($i == "total") t = $(i + 1) } print w - t }' \
		"$work/runs" | median)
	case $last_rc in
	0) ;;
	3) note="no change" ;;
	2) note="refused: $(sed -n 's/^create-diff-object: error: //p' "$work/cdo.err" | head -n 1)" ;;
	*) note="ERROR: $(grep -v ': timing: ' "$work/cdo.err" | head -n 1)" ;;
	esac
	if [ "${label%%:*}" = kernel ] &&
		awk -v a="${med[wall]}" -v b="$kernel_target_s" 'BEGIN { exit !(a > b * 1000) }'; then
		note="SLOW (> ${kernel_target_s} s) $note"
	fi
	time_of[$label]=$(awk -v w="${med[wall]}" 'BEGIN { print w / 1000 }')
	rss_of[$label]=${med[rss]}
	rows+=("$(printf '%-40s %6d %6d %4s %8.1f %7.1f %6d %7.1f  %s' "$label" \
		$(( $(stat -c %s "$orig") / 1024 )) "$(count_funcs "$orig")" "$last_rc" \
		"${med[wall]}" "${med[cpu]}" "${med[faults]}" \
		"$(awk -v k="${med[rss]}" 'BEGIN { print k / 1024 }')" "$note")")
	phase_rows+=("$(printf '%-40s %7.1f %7.1f %7.1f %7.1f %7.1f %7.1f %7.1f' "$label" \
		"${med[start]}" "${med[read]}" "${med[symtab]}" "${med[diff]}" "${med[output]}" \
		"${med[write]}" "${med[free]}")")
}

print_table()
{
	say ""
	say "create-diff-object ($cdo), median of $runs runs each:"
	printf '%-40s %6s %6s %4s %8s %7s %6s %7s  %s\n' case KiB funcs exit "wall ms" "cpu ms" \
		faults "RSS MiB" note
	printf '%s\n' "${rows[@]}"
	say ""
	say "where the wall time goes (median ms; start = exec, dynamic linking and exit):"
	printf '%-40s %7s %7s %7s %7s %7s %7s %7s\n' case start read symtab diff output write free
	printf '%s\n' "${phase_rows[@]}"
}

# The machine's load average and what else is running, for the record.
print_load()
{
	say ""
	say "load average while measuring: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs);" \
		"busiest other processes:"
	ps -eo pcpu=,comm= --sort=-pcpu 2>/dev/null | awk '$1 > 5 { printf "    %5.1f%% %s\n", $1, $2 }' |
		head -n 5
}

# ----------------------------------------------------------------------
# Generated objects
# ----------------------------------------------------------------------

# The sizes of the generated objects: $BENCH_SIZES, else bench.mk's default.
bench_sizes()
{
	printf '%s\n' "${BENCH_SIZES:-$(sed -n 's/^BENCH_SIZES *?= *//p' tests/bench/bench.mk)}"
}

bench_generated()
{
	local n d

	for n in $(bench_sizes); do
		d=$bb/gen/$n
		measure "gen-$n" "$d/ORIG.o" "$d/PATCHED.o" vmlinux "$d/ORIG.o" "$bb/bench.symvers"
	done
}

# The exports the generated objects need (they call only __fentry__).
write_bench_symvers()
{
	printf '0x00000000\t__fentry__\tvmlinux\tEXPORT_SYMBOL\t\n' >"$bb/bench.symvers"
}

print_growth()
{
	local sizes small large tr mr flag=

	read -r -a sizes <<<"$(bench_sizes)"
	[ ${#sizes[@]} -ge 2 ] || return 0
	small=gen-${sizes[0]}
	large=gen-${sizes[${#sizes[@]} - 1]}
	[ -n "${time_of[$small]:-}" ] && [ -n "${time_of[$large]:-}" ] || return 0
	tr=$(awk -v a="${time_of[$large]}" -v b="${time_of[$small]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
	mr=$(awk -v a="${rss_of[$large]}" -v b="${rss_of[$small]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
	awk -v r="$tr" 'BEGIN { exit !(r > 8) }' && flag="  quadratic?"
	say ""
	say "growth $large / $small ($((sizes[${#sizes[@]} - 1] / sizes[0]))x the functions):" \
		"time ${tr}x, peak memory ${mr}x$flag"
}

# ----------------------------------------------------------------------
# Kernel objects
# ----------------------------------------------------------------------

find_tree()
{
	local done_file

	if [ -n "${KP_BENCH_TREE:-}" ]; then
		printf '%s\n' "$KP_BENCH_TREE"
		return
	fi
	done_file=$(find "$KP_CACHE"/testkernel -mindepth 2 -maxdepth 2 -name 'done' \
		-printf '%T@ %p\n' 2>/dev/null | sort -rn | head -n 1 | cut -d' ' -f2-)
	[ -n "$done_file" ] && printf '%s\n' "$(dirname "$done_file")/linux"
}

# The compile command kbuild saved for object $2 (relative) of tree $1.
saved_command()
{
	local cmdfile

	cmdfile=$1/$(dirname "$2")/.$(basename "$2").cmd

	[ -f "$cmdfile" ] && sed -n '1s/^\(saved\)\?cmd_[^ ]* := //p' "$cmdfile"
}

# The $2 largest objects of tree $1 compiled from one C file
# with -pg (kernel/trace/ and a few others are built without: nothing in
# them can be live patched, and the differ would only refuse).
largest_objects()
{
	local tree=$1 rel cmd

	(cd "$tree" && find . -name '*.o' -type f \
		-not -path './tools/*' -not -path './scripts/*' -not -path './usr/*' \
		-not -path './arch/x86/boot/*' -not -path './arch/x86/realmode/*' \
		-not -path '*/vdso/*' -not -name '*.mod.o' -not -name 'vmlinux.o' \
		-printf '%s %P\n') | sort -rn | while read -r _ rel; do
		[ -f "$tree/${rel%.o}.c" ] || continue
		cmd=$(saved_command "$tree" "$rel")
		[[ $cmd == *" -c -o $rel ${rel%.o}.c"* && $cmd == *" -pg "* ]] || continue
		printf '%s\n' "$rel"
	done | head -n "$2"
}

# compile_kernel_obj TREE REL SRC OUT: kbuild's command for REL, compiling
# SRC (a copy of the source, outside the tree) to OUT, with function and
# data sections; objtool (if the command runs it) processes OUT.
compile_kernel_obj()
{
	local tree=$1 rel=$2 src=$3 out=$4 cmd dir

	cmd=$(saved_command "$tree" "$rel") || return 1
	dir=$(dirname "$rel")
	cmd=${cmd//"-Wp,-MMD,$dir/.$(basename "$rel").d"/"-Wp,-MMD,$out.d"}
	cmd=${cmd//" -c -o $rel ${rel%.o}.c"/" -ffunction-sections -fdata-sections -iquote ./$dir -fmacro-prefix-map=$(dirname "$src")/=$dir/ -c -o $out $src"}
	cmd=${cmd//" $rel"/" $out"}
	(cd "$tree" && bash -c "$cmd") >"$out.log" 2>&1
}

# Line numbers of the "{" opening a function that a one-line change may
# touch: at column 0 after a line ending in ")", with no __init, inline,
# notrace... in the lines of the declaration.
function_bodies()
{
	awk '
	/^[;}]/ || /^$/ || /^#/ { decl = ""; next }
	/^\{/ {
		if (prev ~ /\)[ \t]*$/ &&
		    decl !~ /__init|__exit|inline|notrace|noinstr|__naked|__cpuidle|__kprobes|__always|__attribute__|__visible|asmlinkage|SYSCALL_DEFINE/)
			print NR
		decl = ""
		next
	}
	{ decl = decl " " $0; prev = $0 }
	' "$1"
}

# Candidates of file $1, starting from the middle of the file.
candidate_lines()
{
	local -a all
	local i n mid

	mapfile -t all < <(function_bodies "$1")
	n=${#all[@]}
	[ "$n" -gt 0 ] || return 0
	mid=$((n / 2))
	for ((i = 0; i < n && i < 6; i++)); do
		printf '%s\n' "${all[$(((mid + i) % n))]}"
	done
}

# prepare_kernel_pair TREE REL DIR: DIR/ORIG.o and DIR/PATCHED.o, cached
# (also the verdict that REL has no usable function, e.g. a file that only
# #includes other .c files).  Bump the recipe when this changes the result.
kernel_pair_recipe=1
prepare_kernel_pair()
{
	local tree=$1 rel=$2 dir=$3 src stamp line rc

	stamp="recipe $kernel_pair_recipe $tree $(stat -c %Y "$tree/$rel")"
	if [ "$(cat "$dir/stamp" 2>/dev/null)" = "$stamp" ]; then
		[ -f "$dir/PATCHED.o" ]
		return
	fi
	rm -rf "$dir"
	mkdir -p "$dir/src"
	src=$dir/src/$(basename "$rel" .o).c
	cp "$tree/${rel%.o}.c" "$src"
	compile_kernel_obj "$tree" "$rel" "$src" "$dir/ORIG.o" ||
		{ msg "cannot compile $rel (see $dir/ORIG.o.log)"; return 1; }
	for line in $(candidate_lines "$tree/${rel%.o}.c"); do
		sed "${line}a\\	int __kp_bench_nop __attribute__((unused)) = ({ asm volatile(\"nop\"); 0; });" \
			"$tree/${rel%.o}.c" >"$src"
		compile_kernel_obj "$tree" "$rel" "$src" "$dir/PATCHED.o" || continue
		"$cdo" "$dir/ORIG.o" "$dir/PATCHED.o" vmlinux "$tree/vmlinux" \
			"$tree/Module.symvers" bench_patch "$work/probe.o" >/dev/null 2>&1
		rc=$?
		rm -f "$work/probe.o"
		printf 'line %s of %s, exit %s\n' "$line" "${rel%.o}.c" "$rc" >"$dir/change"
		[ $rc = 0 ] && break
	done
	printf '%s\n' "$stamp" >"$dir/stamp"
	[ -f "$dir/PATCHED.o" ] ||
		{ msg "$rel: no function to change in its own source; taking the next object"; return 1; }
}

# The golden fork.o pair with the whole vmlinux table as the parent, in
# each form there is: readelf text, the test kernel's ELF, Debian's ELF with
# DWARF (newest under $KP_CACHE/distro/).
bench_fork()
{
	local d=test-objects/kernel-6.1/big-object-fork k=test-objects/kernel-6.1 tree debian

	[ -f "$d/ORIG.o" ] || return 0
	fork_cases=()
	xz -dc "$k/vmlinux.symtab.xz" >"$work/vmlinux.symtab" || return 0
	fork_case "fork.o, vmlinux readelf text" "$work/vmlinux.symtab"
	tree=$(find_tree)
	if [ -n "$tree" ] && [ -f "$tree/vmlinux" ]; then
		fork_case "fork.o, test kernel's vmlinux (ELF)" "$tree/vmlinux"
	else
		say "SKIP fork.o with the ELF vmlinux: no built test kernel"
	fi
	debian=$(ls -t "$KP_CACHE"/distro/*/vmlinux 2>/dev/null | head -n 1)
	if [ -n "$debian" ]; then
		fork_case "fork.o, Debian vmlinux (ELF, DWARF)" "$debian"
		say "  (Debian vmlinux: $debian)"
	else
		say "SKIP fork.o with Debian's vmlinux: none under $KP_CACHE/distro (distro mode fetches one)"
	fi
}

# fork_case LABEL SYMTAB: measure the fork.o pair against parent SYMTAB.
fork_case()
{
	local d=test-objects/kernel-6.1/big-object-fork

	measure "$1" "$d/ORIG.o" "$d/PATCHED.o" vmlinux "$2" test-objects/kernel-6.1/Module.symvers
	fork_cases+=("$1"$'\t'"$2")
}

# KP_BENCH_INSTR=1: instructions of each fork case (callgrind: the same on
# any load), the differ's start-up included.
print_fork_instructions()
{
	local c label symtab n d=test-objects/kernel-6.1/big-object-fork

	[ "${KP_BENCH_INSTR:-0}" = 1 ] && [ ${#fork_cases[@]} -gt 0 ] || return 0
	if ! command -v valgrind >/dev/null; then
		say "SKIP instruction counts: valgrind is not installed"
		return 0
	fi
	say ""
	say "instructions (callgrind, whole process):"
	for c in "${fork_cases[@]}"; do
		label=${c%%$'\t'*}
		symtab=${c#*$'\t'}
		n=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$cdo" "$d/ORIG.o" \
			"$d/PATCHED.o" vmlinux "$symtab" test-objects/kernel-6.1/Module.symvers \
			bench_patch "$work/out.o" 2>&1 >/dev/null | sed -n 's/.*Collected : //p')
		printf '  %-40s %12s\n' "$label" "${n:-?}"
	done
	rm -f "$work/out.o"
}

bench_kernel()
{
	local tree rel dir done_objs=0

	[ "$nr_kernel_objs" -gt 0 ] || return 0
	tree=$(find_tree)
	if [ -z "$tree" ] || [ ! -f "$tree/vmlinux" ]; then
		say "SKIP kernel objects: no built test kernel (tests/kernel/build-test-kernel.sh" \
			"builds one; or set KP_BENCH_TREE)"
		return 0
	fi
	say "kernel objects of $tree (compiled once, cached in build-bench/kernel/)..."
	for rel in $(largest_objects "$tree" $((nr_kernel_objs * 3))); do
		[ "$done_objs" -lt "$nr_kernel_objs" ] || break
		dir=$bb/kernel/${rel//\//_}
		prepare_kernel_pair "$tree" "$rel" "$dir" || continue
		done_objs=$((done_objs + 1))
		measure "kernel:$rel" "$dir/ORIG.o" "$dir/PATCHED.o" vmlinux "$tree/vmlinux" \
			"$tree/Module.symvers"
		say "  $rel: one-line change at $(cat "$dir/change")"
	done
}

# ----------------------------------------------------------------------
# Profile (KP_BENCH_PROFILE=1)
# ----------------------------------------------------------------------

profile_slowest()
{
	local label best=0 args

	[ "${KP_BENCH_PROFILE:-0}" = 1 ] || return 0
	for label in "${!time_of[@]}"; do
		awk -v a="${time_of[$label]}" -v b="$best" 'BEGIN { exit !(a > b) }' || continue
		best=${time_of[$label]}
		args=$label
	done
	[ -n "${args:-}" ] || return 0
	say ""
	say "profile of $args (${best} s):"
	profile_case "$args"
}

profile_case()
{
	local label=$1 orig patched symtab symvers dir tree

	case $label in
	gen-*)
		dir=$bb/gen/${label#gen-}
		orig=$dir/ORIG.o patched=$dir/PATCHED.o symtab=$dir/ORIG.o symvers=$bb/bench.symvers
		;;
	fork.o*)
		local c
		for c in "${fork_cases[@]}"; do
			[ "${c%%$'\t'*}" = "$label" ] && symtab=${c#*$'\t'}
		done
		dir=test-objects/kernel-6.1/big-object-fork
		orig=$dir/ORIG.o patched=$dir/PATCHED.o symvers=test-objects/kernel-6.1/Module.symvers
		;;
	kernel:*)
		tree=$(find_tree)
		dir=$bb/kernel/$(printf '%s' "${label#kernel:}" | tr / _)
		orig=$dir/ORIG.o patched=$dir/PATCHED.o symtab=$tree/vmlinux symvers=$tree/Module.symvers
		;;
	esac
	local cmd=("$cdo" "$orig" "$patched" vmlinux "$symtab" "$symvers" bench_patch "$work/out.o")
	if perf record -q -g -o "$work/perf.data" "${cmd[@]}" >/dev/null 2>"$work/perf.err"; then
		perf report -i "$work/perf.data" --stdio --no-children --sort symbol 2>/dev/null |
			grep -E '^ +[0-9.]+%' | head -n 20
	elif command -v valgrind >/dev/null; then
		say "(perf unavailable: $(head -n 1 "$work/perf.err"); using callgrind)"
		valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "${cmd[@]}" \
			>/dev/null 2>&1
		callgrind_annotate "$work/cg.out" 2>/dev/null | sed -n '/^Ir/,$p' | head -n 25
	else
		say "(neither perf nor valgrind is available)"
	fi
	rm -f "$work/out.o"
}

# ----------------------------------------------------------------------
# kpatch-build stage timings
# ----------------------------------------------------------------------

# A one-function patch of the tree: fs/proc/cmdline.c (the function the
# kernel's livepatch sample replaces, so it is built in this config).
write_kpb_patch()
{
	local tree=$1 file=fs/proc/cmdline.c line

	line=$(grep -n '^static int cmdline_proc_show' "$tree/$file" | cut -d: -f1)
	[ -n "$line" ] || return 1
	mkdir -p "$work/a/fs/proc" "$work/b/fs/proc"
	cp "$tree/$file" "$work/a/$file"
	awk -v l="$line" '{ print } NR > l && !done && /^\{/ { print "\tasm volatile(\"nop\");"; done = 1 }' \
		"$tree/$file" >"$work/b/$file"
	(cd "$work" && diff -u "a/$file" "b/$file") >"$work/one-func.patch"
	[ -s "$work/one-func.patch" ]
}

# time_kpb LABEL CACHE TREE: run kpatch-build; keep its output (the stage
# lines) and "<exit status> <seconds>" in $bb/kpatch-build/LABEL.{out,total}.
time_kpb()
{
	local label=$1 cache=$2 tree=$3 rc t0 t1 out=$bb/kpatch-build

	mkdir -p "$out" "$work/kpb-out"
	t0=$(date +%s.%N)
	KP_CACHE=$cache kpatch-build/kpatch-build -s "$tree" -n livepatch-bench \
		-o "$work/kpb-out" "$work/one-func.patch" >"$out/$label.out" 2>&1
	rc=$?
	t1=$(date +%s.%N)
	printf '%s %s\n' "$rc" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')" \
		>"$out/$label.total"
}

# KP_BENCH_KPATCH_BUILD: auto (default) runs cold + warm the first time (no
# cache in build-bench/kpatch-cache yet), then warm only and shows the cold
# column measured then; cold forces a new cold run; warm skips it; 0 skips all.
bench_kpatch_build()
{
	local mode=${KP_BENCH_KPATCH_BUILD:-auto} tree cache=$bb/kpatch-cache label
	local -a labels

	say ""
	if [ ! -x kpatch-build/kpatch-build ]; then
		say "SKIP kpatch-build stages: kpatch-build/kpatch-build is not there yet"
		return 0
	fi
	if [ "$mode" = 0 ]; then
		say "SKIP kpatch-build stages: KP_BENCH_KPATCH_BUILD=0"
		return 0
	fi
	tree=$(find_tree)
	if [ -z "$tree" ] || [ ! -f "$tree/vmlinux" ]; then
		say "SKIP kpatch-build stages: no built test kernel"
		return 0
	fi
	if ! write_kpb_patch "$tree"; then
		say "SKIP kpatch-build stages: no cmdline_proc_show in $tree/fs/proc/cmdline.c"
		return 0
	fi
	if [ "$mode" = auto ] && [ -d "$cache/build" ] && [ -f "$bb/kpatch-build/cold.total" ]; then
		mode=warm
	fi
	if [ "$mode" = warm ]; then
		say "kpatch-build, one-function patch (fs/proc/cmdline.c), warm cache ($cache)..."
		time_kpb warm "$cache" "$tree"
		labels=(warm)
		[ -f "$bb/kpatch-build/cold.total" ] && labels=(cold warm)
	else
		say "kpatch-build, one-function patch (fs/proc/cmdline.c), cold cache:" \
			"a full kernel build, many minutes (KP_BENCH_KPATCH_BUILD=0 skips)..."
		rm -rf "$cache"
		for label in cold warm; do
			time_kpb "$label" "$cache" "$tree"
		done
		labels=(cold warm)
	fi
	print_kpb_stages "${labels[@]}"
	if [ "$mode" = warm ] && [ ${#labels[@]} = 2 ]; then
		say "(cold column measured $(date -r "$bb/kpatch-build/cold.total" '+%F %T');" \
			"KP_BENCH_KPATCH_BUILD=cold measures it again)"
	fi
}

# The seconds of stage $2 in the output $1 ("kpatch-build: NAME (..., 1.2s)").
stage_seconds()
{
	awk -v stage="$2" '
	index($0, "kpatch-build: " stage " (") == 1 && match($0, /[0-9.]+s\)$/) {
		print substr($0, RSTART, RLENGTH - 2)
		exit
	}' "$1"
}

# Table of stage times, one column per run.
print_kpb_stages()
{
	local label stage rc t dir=$bb/kpatch-build
	local -a stages

	mapfile -t stages < <(sed -n 's/^kpatch-build: \(.*\) (\(.*, \)\{0,1\}[0-9.]*s)$/\1/p' \
		"$dir/$1.out" "$dir/${!#}.out" | awk '!seen[$0]++')
	printf '%-28s' stage
	for label in "$@"; do printf ' %14s' "$label"; done
	printf '\n'
	for stage in "${stages[@]}"; do
		printf '%-28s' "$stage"
		for label in "$@"; do
			t=$(stage_seconds "$dir/$label.out" "$stage")
			printf ' %14s' "${t:+${t}s}"
		done
		printf '\n'
	done
	printf '%-28s' "total (exit status)"
	for label in "$@"; do
		read -r rc t <"$dir/$label.total"
		printf ' %14s' "${t}s ($rc)"
	done
	printf '\n'
	for label in "$@"; do
		read -r rc _ <"$dir/$label.total"
		[ "$rc" = 0 ] && continue
		say "kpatch-build ($label) exited $rc; its last lines ($dir/$label.out):"
		tail -n 8 "$dir/$label.out" | sed 's/^/    /'
	done
}

# ----------------------------------------------------------------------
# kpatch-build distro mode: Debian's own kernel
# ----------------------------------------------------------------------

# time_distro LABEL CACHE ABI VERSION: kpatch-build -a ABI of the one-file
# patch tests/integration/patches/01-cmdline-string.patch.
time_distro()
{
	local label=$1 cache=$2 abi=$3 ver=$4 rc t0 t1 out=$bb/kpatch-build

	mkdir -p "$out" "$work/kpb-out"
	t0=$(date +%s.%N)
	KP_CACHE=$cache kpatch-build/kpatch-build -a "$abi" --kernel-version "$ver" \
		-n livepatch-bench -o "$work/kpb-out" \
		tests/integration/patches/01-cmdline-string.patch >"$out/$label.out" 2>&1
	rc=$?
	t1=$(date +%s.%N)
	printf '%s %s\n' "$rc" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')" \
		>"$out/$label.total"
}

# KP_BENCH_DISTRO: auto (default) measures cold (an empty cache, downloads
# included) then warm the first time, later warm only with the saved cold
# column; cold forces a new cold run; 0 skips.  The cache is
# $KP_CACHE/bench-distro (about 5 GB; kept for the warm runs).
bench_distro()
{
	local mode=${KP_BENCH_DISTRO:-auto} cache=$KP_CACHE/bench-distro abi ver label
	local -a labels

	say ""
	if [ "$mode" = 0 ]; then
		say "SKIP kpatch-build distro mode: KP_BENCH_DISTRO=0"
		return 0
	fi
	# shellcheck source=SCRIPTDIR/../distro/lib.sh
	. tests/distro/lib.sh
	if ! read -r abi ver < <(target_abi 6.1); then
		say "SKIP kpatch-build distro mode: no Debian 6.1 kernel in the apt sources"
		return 0
	fi
	if [ "$mode" = auto ] && [ -d "$cache/distro" ] && [ -f "$bb/kpatch-build/distro-cold.total" ]; then
		mode=warm
	fi
	if [ "$mode" = warm ]; then
		say "kpatch-build -a $abi, one-file patch (fs/proc/cmdline.c), warm cache ($cache)..."
		time_distro distro-warm "$cache" "$abi" "$ver"
		labels=(distro-warm)
		[ -f "$bb/kpatch-build/distro-cold.total" ] && labels=(distro-cold distro-warm)
	else
		say "kpatch-build -a $abi ($ver), one-file patch (fs/proc/cmdline.c)," \
			"cold cache (downloads of about 1 GB included), then warm..."
		rm -rf "$cache"
		for label in distro-cold distro-warm; do
			time_distro "$label" "$cache" "$abi" "$ver"
		done
		labels=(distro-cold distro-warm)
	fi
	print_kpb_stages "${labels[@]}"
	if [ "$mode" = warm ] && [ ${#labels[@]} = 2 ]; then
		say "(cold column measured $(date -r "$bb/kpatch-build/distro-cold.total" '+%F %T');" \
			"KP_BENCH_DISTRO=cold measures it again)"
	fi
}

# ----------------------------------------------------------------------

KP_CACHE=${KP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kpatch}
fork_cases=()
build_tools
write_bench_symvers
bench_fork
bench_kernel
bench_generated
print_table
print_growth
print_load
print_fork_instructions
profile_slowest
[ "${KP_BENCH_ONLY:-}" = differ ] && exit 0
bench_kpatch_build
bench_distro
exit 0
