#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/realworld/run.sh - the project's judge: real stable fixes built
# against Debian's kernel and loaded on it.
#
# Debian's linux-source-6.1 at 6.1.187-1 (what Debian's 6.1.0-53-amd64 was
# built from) and at 6.1.190-1 (the next update) give the real stable delta;
# it is split into one patch per changed .c file (tests/realworld/split.py),
# each patch is built with kpatch-build's distro mode against 6.1.0-53-amd64,
# and every module written is loaded on that kernel's own vmlinuz under qemu:
# target module first, livepatch enabled, transition ended, disabled,
# removed, no WARNING/BUG/Oops in the kernel log.
#
# Usage: tests/realworld/run.sh [--subset] [--only REGEX] [--fresh]
#                               [--reuse] [--redo LIST] [--report]
#
#   (nothing)     the whole corpus; writes tests/realworld/RESULTS.md
#   --subset      the patches of tests/realworld/subset.txt, each with its
#                 expected outcome: "PASS realworld/ID" or "FAIL realworld/ID:
#                 why" lines and "N passed, N failed" (what `make check` runs;
#                 builds in a private folder, RESULTS.md is not touched)
#   --only REGEX  only the patches whose ID matches (RESULTS.md is not touched)
#   --fresh       rebuild every patch (the full run otherwise keeps the result
#                 of a patch whose text and tools have not changed since)
#   --reuse       keep stored results even when the tools changed since ...
#   --redo LIST   ... except those whose outcome is in LIST (comma separated:
#                 refused, failed, loadfail, nocompile, nochange, loaded);
#                 RESULTS.md counts the results of earlier tools
#   --report      only rewrite RESULTS.md from the stored results (patches
#                 not tried yet are counted as such)
#
# Env: KP_JOBS (make jobs, default nproc), KPATCH_BIN_DIR (the tools, as for
# kpatch-build), KP_REALWORLD_BATCH (livepatches per boot, default 40),
# KP_QEMU_STALL (seconds without console output before a guest is called
# hung, default 300), KP_REALWORLD_MAX_INCLUDERS (a patch that does not
# compile alone is tried with its headers only when they reach at most this
# many .c files, default 150).
#
# Cache, ${XDG_CACHE_HOME:-$HOME/.cache}/kpatch/realworld:
#   debs/              linux-source-6.1 of both versions
#   src-VERSION/       the two source trees, unpacked (with changelog.txt)
#   image/             Debian's unsigned image package of 6.1.0-53, unpacked
#   units/             the .c files of vmlinux and of each module (DWARF)
#   corpus/            the split: patches/, index.tsv, dropped.tsv
#   results/ID/        the last full run's build output, result and load
# Debian's image and debug packages are shared with kpatch-build's
# downloads ($KP_CACHE/distro/debs).

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=SCRIPTDIR/../../scripts/lib/common.sh
. "$top/scripts/lib/common.sh"
# shellcheck source=SCRIPTDIR/../kernel/patch-test-lib.sh
. "$top/tests/kernel/patch-test-lib.sh"	# and the harness

OLD=6.1.187-1		# what the fleet's kernel was built from
NEW=6.1.190-1		# the next update: its fixes are the corpus
ABI=6.1.0-53-amd64	# the fleet's kernel (Debian 6.1.187-1)

rw=$KP_CACHE/realworld
debs=$KP_CACHE/distro/debs
kpatch_build=$top/kpatch-build/kpatch-build
bindir=${KPATCH_BIN_DIR:-$top/build}
jobs=${KP_JOBS:-$(nproc)}
batch_size=${KP_REALWORLD_BATCH:-40}
stall=${KP_QEMU_STALL:-300}
max_includers=${KP_REALWORLD_MAX_INCLUDERS:-150}
subset=0
report_only=0
only=
fresh=0
reuse=0
redo=
harness_suite realworld

# ----------------------------------------------------------------------
# Fetch: both source packages, the image package, unpacked once
# ----------------------------------------------------------------------

# fetch_deb PKG VERSION DIR: the path of the package file in DIR, downloaded
# first when it is in neither DIR nor kpatch-build's downloads (a package
# downloaded here is linked there too, so kpatch-build takes it as is).
fetch_deb()
{
	local pkg=$1 ver=$2 dir=$3 name f tmp

	name=${pkg}_${ver}_
	f=$(find "$dir" "$debs" -maxdepth 1 -name "$name*.deb" -print -quit 2>/dev/null)
	if [ -z "$f" ]; then
		msg "downloading $pkg $ver"
		mkdir -p "$dir" && tmp=$(mktemp -d "$dir/.download.XXXXXX") || return 1
		(cd "$tmp" && apt-get download -q "$pkg=$ver" >"$tmp/apt.log" 2>&1) ||
			{ tail -n 5 "$tmp/apt.log" >&2; rm -rf "$tmp"; return 1; }
		mv "$tmp"/*.deb "$dir/" && rm -rf "$tmp"
		f=$(find "$dir" -maxdepth 1 -name "$name*.deb" -print -quit)
		[ -n "$f" ] || return 1
	fi
	if [ "${f%/*}" != "$debs" ] && ! [ -e "$debs/${f##*/}" ]; then
		mkdir -p "$debs" && { ln "$f" "$debs/" 2>/dev/null || cp "$f" "$debs/"; }
	fi
	printf '%s\n' "$f"
}

# unpack_source VERSION: src-VERSION/ with the tree and changelog.txt.
unpack_source()
{
	local ver=$1 dir=$rw/src-$1 deb

	[ -f "$dir/.complete" ] && return 0
	deb=$(fetch_deb linux-source-6.1 "$ver" "$rw/debs") || die "cannot download linux-source-6.1 $ver"
	msg "unpacking linux-source-6.1 $ver"
	rm -rf "$dir" && mkdir -p "$dir/linux" "$dir/pkg"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir/pkg" \
		./usr/share/doc/linux-source-6.1/changelog.Debian.gz ./usr/src/linux-source-6.1.tar.xz ||
		die "cannot unpack $deb"
	tar -xf "$dir/pkg/usr/src/linux-source-6.1.tar.xz" -C "$dir/linux" --strip-components=1 ||
		die "cannot unpack the source of $deb"
	gzip -dc "$dir/pkg/usr/share/doc/linux-source-6.1/changelog.Debian.gz" >"$dir/changelog.Debian"
	rm -rf "$dir/pkg"
	touch "$dir/.complete"
}

# The image package: vmlinuz, the modules and modules.order.
unpack_image()
{
	local deb

	[ -f "$rw/image/.complete" ] && return 0
	deb=$(fetch_deb "linux-image-$ABI-unsigned" "$OLD" "$debs") ||
		die "cannot download linux-image-$ABI-unsigned $OLD"
	rm -rf "$rw/image"
	dpkg-deb -x "$deb" "$rw/image" || die "cannot unpack $deb"
	touch "$rw/image/.complete"
}

stage_fetch()
{
	unpack_source "$OLD"
	unpack_source "$NEW"
	unpack_image
}

# ----------------------------------------------------------------------
# Units: which .c files Debian's vmlinux and modules are built from
# ----------------------------------------------------------------------

# The changed files between the two trees, relative paths.
changed_files()
{
	local f=$rw/changed.txt

	if ! [ -s "$f" ]; then
		{ diff -rq "$rw/src-$OLD/linux" "$rw/src-$NEW/linux"; [ $? -le 1 ]; } |
			sed -n "s|^Files $rw/src-$OLD/linux/\([^ ]*\) and .*|\1|p;
				s|^Only in $rw/src-$OLD/linux/*\([^:]*\): \(.*\)|\1/\2|p;
				s|^Only in $rw/src-$NEW/linux/*\([^:]*\): \(.*\)|\1/\2|p" |
			sed 's|^/||' | sort -u >"$f.tmp" && mv "$f.tmp" "$f"
	fi
	printf '%s\n' "$f"
}

# $rw/units/units.tsv: "path.c<TAB>target" for every changed .c file that
# Debian's amd64 kernel is built from (target: vmlinux, or kernel/...ko).
# The compile units come from the DWARF of the debug package (kpatch-scan
# units), read for vmlinux and for the modules of the changed files'
# folders (and the folders above them), in one pass over the package.
stage_units()
{
	units=$rw/units/units.tsv
	if [ $subset = 1 ]; then
		units=$work/units.tsv
		subset_lines | awk '{ print $1 "\t" $2 }' >"$units"
		return 0
	fi
	full_units
}

# The lines of subset.txt: "path.c target expected-outcome".
subset_lines()
{
	sed 's/#.*//' "$here/subset.txt" | awk 'NF >= 3'
}

full_units()
{
	local u=$rw/units cands deb prefix m d c tmp
	local need=()
	declare -A by_dir=() want=() in_vmlinux=()

	[ -s "$units" ] && return 0
	mkdir -p "$u/modules"
	cands=$u/candidates
	python3 "$here/split.py" candidates "$(changed_files)" >"$cands" || die "split.py candidates failed"
	while IFS= read -r m; do
		by_dir[${m%/*}]+="$m "
	done < <(sed -n 's|^kernel/||p' "$rw/image/lib/modules/$ABI/modules.order")
	while IFS= read -r c; do
		d=${c%/*}
		while :; do
			for m in ${by_dir[$d]:-}; do
				want[$m]=1
			done
			[[ $d == */* ]] || break
			d=${d%/*}
		done
	done <"$cands"
	for m in "${!want[@]}"; do
		[ -f "$u/modules/$m.units" ] || need+=("$m")
	done
	prefix=./usr/lib/debug/lib/modules/$ABI/kernel
	if [ ${#need[@]} -gt 0 ] || ! [ -s "$u/vmlinux" ]; then
		deb=$(fetch_deb "linux-image-$ABI-dbg" "$OLD" "$debs") || die "cannot download linux-image-$ABI-dbg"
		tmp=$(mktemp -d "$rw/.dbg.XXXXXX")
		msg "reading the compile units of vmlinux and ${#need[@]} modules from ${deb##*/}"
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" \
			"./usr/lib/debug/boot/vmlinux-$ABI" "${need[@]/#/$prefix/}" ||
			{ rm -rf "$tmp"; die "cannot take the debug files out of $deb"; }
		"$bindir/kpatch-scan" units "$tmp/usr/lib/debug/boot/vmlinux-$ABI" | cut -f2 | sort -u >"$u/vmlinux.tmp" &&
			mv "$u/vmlinux.tmp" "$u/vmlinux" || { rm -rf "$tmp"; die "kpatch-scan units failed on vmlinux"; }
		for m in "${need[@]}"; do
			mkdir -p "$u/modules/${m%/*}"
			"$bindir/kpatch-scan" units "$tmp/$prefix/$m" | cut -f2 | sort -u >"$u/modules/$m.units" ||
				{ rm -rf "$tmp"; die "kpatch-scan units failed on $m"; }
		done
		rm -rf "$tmp"
	fi
	while IFS= read -r c; do
		in_vmlinux[$c]=1
	done <"$u/vmlinux"
	declare -A of=()
	for m in "${!want[@]}"; do
		while IFS= read -r c; do
			of[$c]=kernel/$m
		done <"$u/modules/$m.units"
	done
	while IFS= read -r c; do
		if [ -n "${in_vmlinux[$c]:-}" ]; then
			printf '%s\tvmlinux\n' "$c"
		elif [ -n "${of[$c]:-}" ]; then
			printf '%s\t%s\n' "$c" "${of[$c]}"
		fi
	done <"$cands" >"$u/units.tsv.tmp" && mv "$u/units.tsv.tmp" "$u/units.tsv"
}

# ----------------------------------------------------------------------
# Split: one patch per changed .c file (split.py)
# ----------------------------------------------------------------------

stage_split()
{
	local c=$corpus

	[ -s "$c/index.tsv" ] && [ "$c/index.tsv" -nt "$here/split.py" ] && return 0
	# the entries above the old version's
	awk -v old="$OLD" 'index($0, "linux (" old ")") == 1 { exit } { print }' \
		"$rw/src-$NEW/changelog.Debian" >"$rw/changelog.txt"
	rm -rf "$c.tmp"
	python3 "$here/split.py" split "$rw/src-$OLD/linux" "$rw/src-$NEW/linux" "$(changed_files)" \
		"$units" "$rw/changelog.txt" "$c.tmp" || die "split.py failed"
	rm -rf "$c" && mv "$c.tmp" "$c"
	msg "corpus: $(wc -l <"$c/index.tsv") patches ($(wc -l <"$c/dropped.tsv") changed files dropped)"
}

# ----------------------------------------------------------------------
# Build: kpatch-build -a ABI for each patch
# ----------------------------------------------------------------------

# The tools a result depends on: kpatch-build, its helpers, templates and
# binaries.  A stored result is kept only while these and the patch are
# the same.
tools_key()
{
	{
		cat "$top"/kpatch-build/{kpatch-build,distro.sh,kpatch-cc} "$top"/templates/*
		find "$bindir" -maxdepth 1 -type f -perm -u+x -print0 | sort -z | xargs -0 cat
	} 2>/dev/null | short_hash
}

# The patch files of an index line: the .c alone, or with its headers.
patch_key()
{
	local f k=

	for f in "$@"; do
		k+=$(short_hash <"$corpus/$f")
	done
	printf '%s %s\n' "$k" "$tools"
}

# The line of a build output that says why: a tool's own error (indented
# under kpatch-build's), modpost's, the compiler's, else kpatch-build's.
why_line()
{
	local l re

	for re in '^    (create-diff-object|create-klp-module|kpatch-[a-z]+): (error|[^ ]+: error): ' \
		'^    ERROR: modpost: ' '^    [^ ]+:[0-9]+:[0-9]+: (fatal )?error: ' '^kpatch-build: error: '; do
		l=$(grep -m1 -E "$re" "$1" | sed 's/^ *//; s/^kpatch-build: error: //')
		[ -n "$l" ] && break
	done
	printf '%s\n' "${l:-no error message (exit status only)}"
}

# Stored results take the outcome and why of today's classify and why_line
# (they may improve).
refresh_whys()
{
	local d outcome rc secs hdr why

	for d in "$results"/*/; do
		[ -f "$d/result" ] && [ -f "$d/build.out" ] || continue
		IFS=$'\t' read -r outcome rc secs hdr why <"$d/result"
		[ "$outcome" = built ] && continue
		d=${d%/}
		outcome=$(classify "$rc" "$d/build.out" "${d##*/}")
		why=$(needs_other_file "$d/build.out" "${d##*/}") || why=$(why_line "$d/build.out")
		printf '%s\t%s\t%s\t%s\t%s\n' "$outcome" "$rc" "$secs" "$hdr" "$why" >"$d/result"
	done
}

# is_reusable DIR KEY: the stored result in DIR stands: same patch, and
# same tools (or --reuse, unless its outcome is one of --redo's).
is_reusable()
{
	local dir=$1 key=$2 stored outcome

	[ $fresh = 0 ] && [ -f "$dir/result" ] || return 1
	stored=$(cat "$dir/key" 2>/dev/null)
	[ "${stored%% *}" = "${key%% *}" ] || return 1
	[ "$stored" = "$key" ] && return 0
	[ $reuse = 1 ] || return 1
	outcome=$(cut -f1 "$dir/result")
	[ "$outcome" = built ] && [ -f "$dir/load" ] && outcome=$(cut -f1 "$dir/load" | head -n1 |
		sed 's/^loaded$/loaded/; s/^failed$/loadfail/')
	[[ ,$redo, != *",$outcome,"* ]]
}

# build_patch DIR NAME PATCH...: run kpatch-build into DIR; prints "rc seconds".
build_patch()
{
	local dir=$1 name=$2 t0 rc
	shift 2

	t0=$(date +%s.%N)
	"$kpatch_build" -a "$ABI" --kernel-version "$OLD" -j "$jobs" -n "$name" -o "$dir" \
		"${@/#/$corpus/}" >"$dir/build.out" 2>&1
	rc=$?
	printf '%s %s\n' "$rc" "$(elapsed "$t0")"
}

# needs_other_file OUT ID: when the module does not link because a symbol
# is missing that another patch of the corpus adds (defines or exports),
# print "needs SYM, which the delta adds in FILE".
needs_other_file()
{
	local sym f

	sym=$(sed -n 's/^ *create-klp-module: error: [^ ]*: \([A-Za-z0-9_.]*\): undefined symbol.*/\1/p' "$1" | head -n1)
	[ -n "$sym" ] || return 1
	# a .c file of the delta first (where it is defined), then a header
	f=$(grep -l -E "^\+.*\b$sym\b" "$corpus"/patches/*.patch 2>/dev/null |
		grep -v "/$2\.\(headers\.\)\{0,1\}patch\$" |
		awk '{ print (/\.headers\.patch$/ ? 1 : 0) "\t" $0 }' | sort -s -k1,1n | cut -f2 | head -n1)
	[ -n "$f" ] || return 1
	printf 'needs %s, which the delta adds in %s\n' "$sym" "$(sed -n '1s|^--- a/||p' "$f")"
}

# classify RC OUT [ID]: the outcome of a build:
#   built      a module was written (the load decides)
#   nochange   no functional change
#   nocompile  the patched file does not compile (the compiler says so, or
#              make reports the compile of an object failing), or
#              the module does not link for want of a symbol that another
#              patch of the delta adds
#   refused    kpatch-build refused (exit 2)
#   failed     anything else (a tool or a build failed)
classify()
{
	case $1 in
	0) echo built ;;
	4) echo nochange ;;
	2) if [ -n "${3:-}" ] && needs_other_file "$2" "$3" >/dev/null; then
		echo nocompile
	   else
		echo refused
	   fi ;;
	3) if grep -q '^kpatch-build: error: the patched units do not build' "$2" &&
		grep -qE '^    ([^ ]+:[0-9]+:[0-9]+: (fatal )?error: |make\[[0-9]+\]: \*\*\* \[scripts/Makefile.build:[0-9]+: [^]]+\.o\] Error 1)' "$2"; then
		echo nocompile
	   else
		echo failed
	   fi ;;
	*) echo failed ;;
	esac
}

# is_wide DIR ID: the headers of ID reach more than $max_includers .c files
# of the tree (kpatch-scan includers): the build with them would compile
# each twice (hours), so it is not tried; DIR/wide says which and how many.
is_wide()
{
	local dir=$1 id=$2 headers n

	headers=$(awk -F'\t' -v id="$id" '$1 == id { print $7 }' "$corpus/index.tsv")
	# shellcheck disable=SC2086  # a word list
	n=$("$bindir/kpatch-scan" includers "$rw/src-$NEW/linux" $headers 2>/dev/null | wc -l)
	[ "$n" -gt "$max_includers" ] || return 1
	printf '%s\t%s\n' "$n" "$headers" >"$dir/wide"
	return 0
}

# build_one ID NAME TARGET PATCH HPATCH: build a patch (the .c alone, then,
# if it does not compile, with its headers) unless a result with the same
# key is stored; writes DIR/result: outcome, rc, seconds, headers (0/1), why.
build_one()
{
	local id=$1 name=$2 patch=$4 hpatch=$5 dir=$results/$1 key rc secs outcome why hdr=0
	local t1

	key=$(patch_key "$patch" ${hpatch:+"$hpatch"})
	is_reusable "$dir" "$key" && return 0
	rm -rf "$dir" && mkdir -p "$dir"
	read -r rc secs < <(build_patch "$dir" "$name" "$patch")
	outcome=$(classify "$rc" "$dir/build.out" "$id")
	if [ "$outcome" = nocompile ] && ! needs_other_file "$dir/build.out" "$id" >/dev/null && [ -n "$hpatch" ] && ! is_wide "$dir" "$id"; then
		mv "$dir/build.out" "$dir/build-alone.out"
		read -r rc t1 < <(build_patch "$dir" "$name" "$patch" "$hpatch")
		secs=$(awk -v a="$secs" -v b="$t1" 'BEGIN { printf "%.1f", a + b }')
		outcome=$(classify "$rc" "$dir/build.out" "$id")
		hdr=1
	fi
	why=
	[ "$outcome" = built ] || [ "$outcome" = nochange ] || why=$(why_line "$dir/build.out")
	[ "$outcome" = nocompile ] && needs_other_file "$dir/build.out" "$id" >/dev/null &&
		why=$(needs_other_file "$dir/build.out" "$id")
	[ "$outcome" = nochange ] && why=$(why_line "$dir/build.out")
	printf '%s\t%s\t%s\t%s\t%s\n' "$outcome" "$rc" "$secs" "$hdr" "$why" >"$dir/result"
	printf '%s\n' "$key" >"$dir/key"
	rm -f "$dir/load"
	msg "$id: $outcome (exit $rc, $secs s)${why:+: $why}"
}

# The index lines of this run (--only, --subset), in index order, fields
# separated by US (\037), not tabs: read does not merge empty fields then.
selected()
{
	selected_tsv | tr '\t' '\037'
}

selected_tsv()
{
	local ids

	if [ -n "$only" ]; then
		awk -F'\t' -v re="$only" '$1 ~ re' "$corpus/index.tsv"
	else
		cat "$corpus/index.tsv"
	fi
}

stage_build()
{
	local id name path target patch hpatch rest n=0 total pending=0

	tools=$(tools_key)
	total=$(selected | wc -l)
	while IFS=$'\037' read -r id name path target patch hpatch rest; do
		n=$((n + 1))
		[ $((n % 25)) = 1 ] && msg "building $n of $total"
		build_one "$id" "$name" "$target" "$patch" "$hpatch" </dev/null
		# load as the build goes: a batch as soon as there is one
		if [ "$(cut -f1 "$results/$id/result")" = built ] && ! [ -f "$results/$id/load" ]; then
			pending=$((pending + 1))
			if [ $pending -ge "$batch_size" ]; then
				stage_load </dev/null
				pending=0
			fi
		fi
	done < <(selected)
}

# ----------------------------------------------------------------------
# Load: the written modules on Debian's own vmlinuz, many per boot
# ----------------------------------------------------------------------

# Module name -> path below the image's kernel/ folder.
declare -A module_path=()

load_module_paths()
{
	local m n

	[ ${#module_path[@]} -gt 0 ] && return 0
	while IFS= read -r m; do
		n=${m##*/}
		n=${n%.ko}
		module_path[${n//-/_}]=${m#kernel/}
	done <"$rw/image/lib/modules/$ABI/modules.order"
}

# module_chain KO: the modules to insmod for the image's module KO
# (kernel/...ko): its dependencies (modinfo's depends, recursively), then
# KO, as paths below the image's kernel/ folder.
declare -A chain_seen=()
module_chain()
{
	local ko=${1#kernel/} d deps

	[ -n "${chain_seen[$ko]:-}" ] && return 0
	chain_seen[$ko]=1
	deps=$(modinfo -F depends "$rw/image/lib/modules/$ABI/kernel/$ko" 2>/dev/null)
	for d in ${deps//,/ }; do
		[ -n "${module_path[${d//-/_}]:-}" ] && module_chain "${module_path[${d//-/_}]}"
	done
	# "softdep: pre: crc32c" (libcrc32c): its init fails without the
	# algorithm; the name is a module's or an alias (crc32c_generic)
	for d in $(modinfo -F softdep "$rw/image/lib/modules/$ABI/kernel/$ko" 2>/dev/null |
		   sed -n 's/^pre: *//p'); do
		d=${d//-/_}
		for d in "$d" "${d}_generic"; do
			if [ -n "${module_path[$d]:-}" ]; then
				module_chain "${module_path[$d]}"
				break
			fi
		done
	done
	printf '%s\n' "$ko"
}

# boot_batch BATCHDIR: boot one guest for the lines of BATCHDIR/list and
# record each one's outcome; a START without an END (the guest crashed or
# hung) is recorded for that patch, and the patches after it are left for
# the next boot.  Prints the number of patches done.
boot_batch()
{
	local b=$1 log=$1/console.log pid size last=0 now quiet=0 rc id rest why started

	"$top/kpatch-build/guest/mkinitramfs.sh" "$b/initramfs.cpio.gz" "$here/guest-init.sh" \
		"$b"/files/* 2>"$b/mkinitramfs.err" || { cat "$b/mkinitramfs.err" >&2; die "mkinitramfs failed"; }
	setsid env KP_QEMU_MEM=2048 "$top/kpatch-build/guest/qemu-run.sh" "$rw/image/boot/vmlinuz-$ABI" \
		"$b/initramfs.cpio.gz" "$log" $((600 + 120 * $(wc -l <"$b/files/list"))) &
	pid=$!
	# a guest that prints nothing for $stall seconds is stuck: end it
	while kill -0 "$pid" 2>/dev/null; do
		sleep 5
		size=$(stat -c %s "$log" 2>/dev/null || echo 0)
		if [ "$size" != "$last" ]; then
			last=$size
			quiet=0
		else
			quiet=$((quiet + 5))
			if [ $quiet -ge "$stall" ]; then
				msg "the guest printed nothing for ${stall}s: stopping it"
				kill -TERM -- "-$pid" 2>/dev/null
				sleep 5
				kill -KILL -- "-$pid" 2>/dev/null
				break
			fi
		fi
	done
	wait "$pid"
	rc=$?
	[ -f "$log" ] && tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"
	started=
	while IFS= read -r line; do
		case $line in
		T-RW-START:\ *) started=${line#T-RW-START: } ;;
		T-RW-END:\ *)
			rest=${line#T-RW-END: }
			id=${rest%% *}
			rest=${rest#* }
			if [ "$rest" = loaded ]; then
				printf 'loaded\t\n' >"$results/$id/load"
			else
				printf 'failed\t%s\n' "${rest#failed: }" >"$results/$id/load"
			fi
			notes_of "$log" "$id" >>"$results/$id/load"
			started= ;;
		esac
	done < <(grep -a -E '^T-RW-(START|END): ' "$log")
	if [ -n "$started" ]; then
		why=$(grep -a -m1 -E 'Kernel panic|BUG:|Oops|general protection|WARNING:' "$log" | sed 's/^\[[ 0-9.]*\] //')
		if [ -n "$why" ]; then
			why="crashed the guest: $why"
		else
			why="the guest hung (no output for ${stall}s, qemu exit $rc)"
		fi
		printf 'failed\t%s\n' "$why" >"$results/$started/load"
		cp "$log" "$results/$started/console.log"
	elif ! grep -q '^T-RESULT: PASS' "$log"; then
		msg "the guest ended before its list (qemu exit $rc): see $log"
		cp "$log" "$rw/last-bad-console.log"
	fi
}

# notes_of LOG ID: the guest's notes about ID (a target module that did not
# load), as "note<TAB>text" lines.
notes_of()
{
	grep -a "^T-RW-NOTE: $2 " "$1" | sed "s/^T-RW-NOTE: $2 /note\t/"
}

# The built patches of this run that have no load result yet.
unloaded()
{
	local id rest

	while IFS=$'\037' read -r id rest; do
		[ "$(cut -f1 "$results/$id/result" 2>/dev/null)" = built ] || continue
		[ -f "$results/$id/load" ] && continue
		printf '%s\n' "$id"
	done < <(selected)
}

stage_load()
{
	local ids id name target b n boots=0 m todo

	load_module_paths
	declare -A name_of=() target_of=()
	while IFS=$'\037' read -r id name _ target _; do
		name_of[$id]=$name
		target_of[$id]=$target
	done < <(selected)
	while :; do
		mapfile -t ids < <(unloaded)
		[ ${#ids[@]} -gt 0 ] || break
		boots=$((boots + 1))
		[ $boots -le $(( ${#ids[@]} + 20 )) ] || die "too many boots: the load stage does not progress"
		b=$work/boot-$boots
		rm -rf "$b" && mkdir -p "$b/files"
		: >"$b/files/list"
		n=0
		for id in "${ids[@]}"; do
			[ $n -lt "$batch_size" ] || break
			n=$((n + 1))
			name=${name_of[$id]}
			cp "$results/$id/$name.ko" "$b/files/"
			todo=
			if [ "${target_of[$id]}" != vmlinux ]; then
				chain_seen=()
				while IFS= read -r m; do
					cp -n "$rw/image/lib/modules/$ABI/kernel/$m" "$b/files/"
					todo+=" ${m##*/}"
				done < <(module_chain "${target_of[$id]}")
			fi
			printf '%s %s%s\n' "$id" "$name" "$todo" >>"$b/files/list"
		done
		msg "boot $boots: $n livepatch modules"
		boot_batch "$b"
		# a guest that ended early without naming a patch: the first one
		# left is called the culprit, so that the stage always progresses
		id=${ids[0]}
		if ! [ -f "$results/$id/load" ] && [ -z "$(grep -a '^T-RW-' "$b/console.log" 2>/dev/null)" ]; then
			printf 'failed\t%s\n' "the guest ended before loading anything (see the run's log)" >"$results/$id/load"
		fi
	done
}

# ----------------------------------------------------------------------
# Report: RESULTS.md, or the subset's PASS/FAIL lines
# ----------------------------------------------------------------------

stage_report()
{
	refresh_whys
	python3 "$here/report.py" results "$corpus" "$results" "$here/reviews.txt" \
		"$here/RESULTS.md" old="$OLD" new="$NEW" abi="$ABI" \
		date="$(date -u +%Y-%m-%d)" commit="$(git -C "$top" rev-parse --short HEAD 2>/dev/null)" \
		tools="$tools" "wall time"="$(elapsed "$t_start") s on $(nproc) cores" ||
		die "report.py failed"
	sed -n '/^## Totals/,/^## Patches/p' "$here/RESULTS.md" | grep '^|' >&2
	msg "wrote $here/RESULTS.md"
}

# Each patch of subset.txt ends as its line says.
stage_check_subset()
{
	local id want got detail

	declare -A expect=()
	while read -r id _ want; do
		id=${id%.c}
		expect[${id//\//__}]=$want
	done < <(subset_lines)
	while IFS=$'\t' read -r id got detail; do
		want=${expect[$id]}
		unset "expect[$id]"
		if [ "$got" = "$want" ]; then
			pass "$id"
		else
			fail "$id" "$got${detail:+ ($detail)}, expected $want (output: $results/$id)"
		fi
	done < <(python3 "$here/report.py" outcomes "$corpus" "$results" "${!expect[@]}")
	for id in "${!expect[@]}"; do
		fail "$id" "not in the corpus"
	done
}

main()
{
	while [ $# -gt 0 ]; do
		case $1 in
		--subset) subset=1 ;;
		--only) only=$2; shift ;;
		--fresh) fresh=1 ;;
		--reuse) reuse=1 ;;
		--redo) redo=$2; reuse=1; shift ;;
		--report) report_only=1 ;;
		-h|--help) sed -n '3,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
		*) die "unknown argument '$1' (--subset, --only REGEX, --fresh, --reuse, --redo LIST, --report)" ;;
		esac
		shift
	done
	need_cmd apt-get dpkg-deb python3 qemu-system-x86_64 modinfo
	[ "$(id -u)" = 0 ] || die "needs root (the guest's initramfs has device nodes)"
	t_start=$(date +%s.%N)
	mkdir -p "$rw"
	lock_take "$rw/.lock"
	work=$(mktemp -d "${TMPDIR:-/tmp}/kpatch-realworld.XXXXXX")
	# shellcheck disable=SC2064  # expand now
	trap "[ '${KP_REALWORLD_KEEP:-0}' = 1 ] || rm -rf '$work'" EXIT
	if [ $subset = 1 ]; then
		results=$work/results
		corpus=$work/corpus
		fresh=1
	else
		results=$rw/results
		corpus=$rw/corpus
	fi
	if [ $report_only = 1 ]; then
		tools=$(tools_key)
		stage_report
		return
	fi
	stage_fetch
	stage_units
	stage_split
	stage_build
	stage_load
	if [ $subset = 1 ]; then
		stage_check_subset
		msg "subset done in $(elapsed "$t_start") s"
		summary
		return
	fi
	[ -n "$only" ] || stage_report
	msg "done in $(elapsed "$t_start") s"
}

main "$@"; exit
