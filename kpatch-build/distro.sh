# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# distro.sh - distro mode of kpatch-build (sourced by it): its own stages
# and its hooks into the pipeline (see the top of kpatch-build).
#
# The target is a Debian kernel named by its ABI (6.1.0-56-amd64): the
# running one (uname -r) or -a ABI.  Everything comes from Debian's archive
# through apt, once, into $KP_CACHE/distro/:
#
#   linux-image-ABI-unsigned   vmlinuz and the modules (parents of module patches)
#   linux-headers-ABI          the .config and Module.symvers of Debian's build
#   linux-image-ABI-dbg        vmlinux with symbols (only that file is taken out),
#                              and, once a module is patched, the units and
#                              symbols of every module (one pass)
#   linux-source-X.Y=VERSION   the source (/usr/src's when its version matches)
#   gcc-N                      the compiler named in the kernel's config
#
# The source is unpacked and prepared once (olddefconfig, modules_prepare)
# in $KP_CACHE/distro/ABI_VERSION/tree-KEY/linux.  Then only the units that
# the patch affects are compiled, before and after the patch: a .c file is
# its own unit; a header's units are found by kpatch-scan (a textual include
# scan) among the units that Debian's vmlinux and modules were built from
# (their DWARF).  Before the module is written, every function the patch
# replaces is compared, as compiled here, with the target's (kpatch-match).
#
# Layout of $KP_CACHE/distro:
#   debs/                         downloaded packages
#   ABI_VERSION/headers/          .config, Module.symvers
#   ABI_VERSION/image/            the unsigned image package, unpacked
#   ABI_VERSION/vmlinux           vmlinux with symbols
#   ABI_VERSION/units/            compile units of vmlinux and of modules
#   ABI_VERSION/dbg-all/          every module's symbols with FILE symbols
#                                 (its debug file without the debug sections)
#   ABI_VERSION/dbg/              those of the modules patched so far, checked
#   ABI_VERSION/tree-KEY/linux    the prepared source tree (KEY: the source)
#   ABI_VERSION/tree-KEY/state    what restore needs (as in the full build)

# ----------------------------------------------------------------------
# Target: which packages
# ----------------------------------------------------------------------

# The versions of package $1 in the apt sources, newest first.
apt_versions()
{
	apt-cache madison "$1" 2>/dev/null |
		awk -F'|' '{ gsub(/ /, "", $2); if ($2 != "") print $2 }' | awk '!seen[$0]++'
}

# The Debian version the running kernel says it is ("" if none).
running_debian_version()
{
	sed -n 's/.* Debian \([^ ]*\) .*/\1/p' /proc/version 2>/dev/null | head -n1
}

distro_resolve_target()
{
	local versions running=0 want

	for c in apt-cache apt-get dpkg-deb dpkg-query tar; do
		command -v "$c" >/dev/null || fail $E_USAGE "distro mode needs $c (a Debian system)"
	done
	if [ -z "$opt_abi" ]; then
		opt_abi=$(uname -r)
		running=1
	fi
	abi=$opt_abi
	[[ $abi =~ ^[0-9]+\.[0-9]+[.0-9]*[-+][A-Za-z0-9.+~-]+$ ]] ||
		fail $E_USAGE "'$abi' is not a Debian kernel ABI name like 6.1.0-56-amd64"
	image_pkg=linux-image-$abi-unsigned
	mapfile -t versions < <(apt_versions "$image_pkg")
	if [ ${#versions[@]} = 0 ]; then
		if [ $running = 1 ]; then
			fail $E_USAGE "the running kernel $abi is not a Debian kernel in the apt sources (no package $image_pkg): give -a ABI for a Debian kernel, or -s TREE for a kernel you built (run 'apt-get update' if the package lists are old)"
		fi
		fail $E_USAGE "no package $image_pkg in the apt sources: $abi is not a Debian kernel ABI, or the package lists are old (run 'apt-get update')"
	fi
	kver=${versions[0]}
	want=$opt_kver
	[ -z "$want" ] && [ $running = 1 ] && want=$(running_debian_version)
	if [ -n "$want" ]; then
		printf '%s\n' "${versions[@]}" | grep -qxF -- "$want" ||
			fail $E_USAGE "$image_pkg has no version $want in the apt sources (there: ${versions[*]})"
		kver=$want
	elif [ ${#versions[@]} -gt 1 ]; then
		msg "$image_pkg has ${#versions[@]} versions; using the newest, $kver (--kernel-version VERSION for another)"
	fi
	upstream=${kver%%-*}
	series=$(printf '%s' "$upstream" | cut -d. -f1,2)
	dc=$KP_CACHE/distro/${abi}_$kver
	debs=$KP_CACHE/distro/debs
	release=$abi
}

# ----------------------------------------------------------------------
# Stage: fetch distro files
# ----------------------------------------------------------------------

# fetch_deb PKG VERSION: print the path of the package file, downloading
# it into $debs first when it is not there.
fetch_deb()
{
	local pkg=$1 ver=$2 f

	local tmp

	f=$(find -H "$debs" -maxdepth 1 -name "${pkg}_${ver#*:}_*.deb" -print -quit)
	if [ -z "$f" ]; then
		msg "downloading $pkg $ver"
		# into a folder of its own, so that an interrupted download
		# never leaves a package that looks complete
		tmp=$(mktemp -d "$debs/.download.XXXXXX") || fail $E_BUILD "cannot write to $debs"
		if ! (cd "$tmp" && run apt-get download -q "$pkg=$ver"); then
			rm -rf "$tmp"
			show_log_tail 5
			fail $E_BUILD "cannot download $pkg $ver (apt-get download)"
		fi
		mv "$tmp"/*.deb "$debs/" 2>/dev/null
		rm -rf "$tmp"
		f=$(find -H "$debs" -maxdepth 1 -name "${pkg}_${ver#*:}_*.deb" -print -quit)
		[ -n "$f" ] || fail $E_BUILD "apt-get download $pkg=$ver left no package in $debs"
	fi
	printf '%s\n' "$f"
}

# deb_extract DEB DIR MEMBER...: take MEMBERs (./usr/...) out of DEB into DIR.
deb_extract()
{
	local deb=$1 dir=$2
	shift 2

	mkdir -p "$dir"
	run bash -c 'dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" --occurrence "${@:3}"' \
		_ "$deb" "$dir" "$@"
}

fetch_headers()
{
	local deb h=./usr/src/linux-headers-$abi

	[ -f "$dc/headers/.config" ] && [ -f "$dc/headers/Module.symvers" ] && return 0
	deb=$(fetch_deb "linux-headers-$abi" "$kver") || exit
	rm -rf "$dc/headers.tmp"
	deb_extract "$deb" "$dc/headers.tmp" "$h/.config" "$h/Module.symvers" ||
		{ show_log_tail 5; fail $E_BUILD "$deb has no .config and Module.symvers"; }
	rm -rf "$dc/headers"
	mv "$dc/headers.tmp/$h" "$dc/headers" && rm -rf "$dc/headers.tmp"
}

fetch_image()
{
	local deb

	[ -f "$dc/image/.complete" ] && return 0
	deb=$(fetch_deb "$image_pkg" "$kver") || exit
	rm -rf "$dc/image"
	run dpkg-deb -x "$deb" "$dc/image" || fail $E_BUILD "cannot unpack $deb"
	[ -f "$dc/image/boot/vmlinuz-$abi" ] || fail $E_BUILD "$deb has no boot/vmlinuz-$abi"
	touch "$dc/image/.complete"
}

fetch_vmlinux()
{
	local deb m=./usr/lib/debug/boot/vmlinux-$abi

	[ -f "$dc/vmlinux" ] && return 0
	deb=$(fetch_deb "linux-image-$abi-dbg" "$kver") || exit
	msg "taking vmlinux out of ${deb##*/}"
	deb_extract "$deb" "$dc/dbg.tmp" "$m" ||
		{ show_log_tail 5; fail $E_BUILD "$deb has no $m"; }
	mv "$dc/dbg.tmp/$m" "$dc/vmlinux" && rm -rf "$dc/dbg.tmp"
}

# The source: --source, /usr/src's tarball when the installed
# linux-source-X.Y is the target's version, or the package of that version.
fetch_source()
{
	local pkg=linux-source-$series installed deb m

	if [ -n "$opt_source" ]; then
		[ -e "$opt_source" ] || fail $E_USAGE "no source $opt_source (--source)"
		source_path=$(readlink -f "$opt_source")
		source_key=$(printf '%s %s\n' "$source_path" "$(stat -c '%s %Y' "$source_path")" | sha256sum | cut -c1-12)
		return 0
	fi
	source_key=debian
	installed=$(dpkg-query -W -f='${db:Status-Abbrev} ${Version}' "$pkg" 2>/dev/null)
	if [ "$installed" = "ii  $kver" ] && [ -f "/usr/src/$pkg.tar.xz" ]; then
		source_path=/usr/src/$pkg.tar.xz
		return 0
	fi
	source_path=$dc/$pkg.tar.xz
	[ -f "$source_path" ] && return 0
	deb=$(fetch_deb "$pkg" "$kver") || exit
	m=./usr/src/$pkg.tar.xz
	deb_extract "$deb" "$dc/src.tmp" "$m" || { show_log_tail 5; fail $E_BUILD "$deb has no $m"; }
	mv "$dc/src.tmp/$m" "$source_path" && rm -rf "$dc/src.tmp"
}

# The kernel version (6.1.192) of a kernel source folder.
source_kernel_version()
{
	awk -F' *= *' '$1 == "VERSION" { v = $2 } $1 == "PATCHLEVEL" { p = $2 }
		$1 == "SUBLEVEL" { s = $2 } END { if (v != "") print v "." p "." s }' \
		<(head -n 6 "$1/Makefile" 2>/dev/null)
}

# The prepared source is the target's version; with --source, loudly say
# when it is not.
check_source_version()
{
	source_version=$(source_kernel_version "$copy")
	[ -n "$source_version" ] || fail $E_USAGE "$source_path is not a kernel source (no top Makefile)"
	[ "$source_version" = "$upstream" ] && return 0
	[ -n "$opt_source" ] ||
		fail $E_BUILD "$source_path is Linux $source_version, the package says $upstream"
	warn "***"
	warn "*** the source $source_path is Linux $source_version; $abi was built from $upstream ($kver)."
	warn "*** Functions compiled from it may not be the ones the target runs: the match"
	warn "*** check compares every replaced function with the target before the module is written."
	warn "***"
}

# The files belong together: vmlinux is the ABI's and the version's, the
# compiler is the one of the config and of vmlinux (the source's version is
# checked once it is unpacked: check_source_version).
check_distro_files()
{
	local banner theirs

	banner=$(grep -a -o -m1 "Linux version $abi ([^%]*" "$vmlinux" | head -n1)
	[ -n "$banner" ] || fail $E_USAGE "$vmlinux is not the vmlinux of $abi (no 'Linux version $abi' in it)"
	[[ $banner == *"Debian $kver "* ]] ||
		fail $E_USAGE "$vmlinux is not the build $kver of $abi: it says '$banner'"
	cc_text=$(config_value CC_VERSION_TEXT | tr -d '"')
	distro_cc=${cc_text%% *}
	[[ $distro_cc =~ ^[A-Za-z0-9._+-]+$ ]] ||
		fail $E_USAGE "$config: cannot tell the compiler from CONFIG_CC_VERSION_TEXT='$cc_text'"
	[[ $distro_cc == gcc* || $distro_cc == *-gcc* ]] ||
		fail $E_REFUSED "$abi was built by '$distro_cc': only gcc-built kernels are supported"
	if ! command -v "$distro_cc" >/dev/null; then
		# x86_64-linux-gnu-gcc-12 comes with the package gcc-12
		local pkg=${distro_cc#x86_64-linux-gnu-}
		[ "$(id -u)" = 0 ] ||
			fail $E_USAGE "$abi was built by $distro_cc, which is not installed (apt-get install $pkg)"
		msg "installing $pkg, the compiler of $abi"
		run apt-get install -y -q --no-install-recommends "$pkg" ||
			{ show_log_tail 5; fail $E_BUILD "cannot install $pkg"; }
	fi
	cc_version=$("$distro_cc" --version 2>/dev/null | head -n1)
	if [ "$cc_version" != "$cc_text" ] && [ $opt_skip_cc_check = 0 ]; then
		fail $E_REFUSED "$abi was built by '$cc_text', this $distro_cc is '$cc_version': code from another compiler differs in unchanged functions (--skip-compiler-check to force)"
	fi
	theirs=$(readelf -p .comment "$vmlinux" 2>/dev/null |
		sed -n 's/^ *\[ *[0-9a-f]*\] *GCC: //p' | sort -u)
	if [ -n "$theirs" ] && [ "$theirs" != "${cc_version#* }" ] && [ $opt_skip_cc_check = 0 ]; then
		fail $E_REFUSED "$vmlinux was built by gcc '$theirs', this is '${cc_version#* }' (--skip-compiler-check to force)"
	fi
}

distro_fetch()
{
	mkdir -p "$dc" "$debs" || fail $E_BUILD "cannot create $dc"
	exec {distro_lock_fd}>>"$dc.lock"
	if ! flock -n "$distro_lock_fd"; then
		msg "waiting for $dc.lock (another kpatch-build uses this kernel)"
		flock "$distro_lock_fd"
	fi
	fetch_headers
	fetch_image
	fetch_vmlinux
	fetch_source
	config=$dc/headers/.config
	vmlinux=$dc/vmlinux
	symvers=$dc/headers/Module.symvers
	check_config_options
	check_distro_files
	# every kernel build (make_copy) and the patch module's
	make_extra=(KERNELRELEASE="$abi")
	module_make_args=(CC="$distro_cc")
	export KPATCH_REAL_CC=$distro_cc
	stage_note="$abi, Debian $kver"
}

# ----------------------------------------------------------------------
# Stage: prepare tree
# ----------------------------------------------------------------------

# The CONFIG_ lines of a config, sorted.
config_lines()
{
	grep '^CONFIG_' "$1" | sort
}

distro_prepare()
{
	local tmp diffs

	use_private_copy "$dc/tree-$source_key"
	kdir=$copy
	if [ -e "$state/dirty" ]; then
		msg "the prepared tree was left patched by an earlier run"
		restore_copy || exit $E_RESTORE
	fi
	if [ -e "$cache_dir/prepared" ] && [ -d "$copy" ]; then
		check_source_version
		stage_note="Linux $source_version, cached"
		return 0
	fi
	mkdir -p "$cache_dir" || fail $E_BUILD "cannot create $cache_dir"
	tmp=$cache_dir/linux.tmp
	rm -rf "$tmp" "$copy"
	mkdir -p "$tmp"
	msg "unpacking $source_path"
	if [ -d "$source_path" ]; then
		run cp -a --reflink=auto "$source_path/." "$tmp/" || fail $E_BUILD "cannot copy $source_path"
	else
		run tar -xf "$source_path" -C "$tmp" --strip-components=1 ||
			fail $E_BUILD "cannot unpack $source_path"
	fi
	mv "$tmp" "$copy"
	check_source_version
	cp "$config" "$copy/.config" && cp "$symvers" "$copy/Module.symvers" ||
		fail $E_BUILD "cannot copy the config to $copy"
	msg "preparing $copy (olddefconfig, modules_prepare)"
	make_copy olddefconfig || { show_log_tail 20; fail $E_BUILD "make olddefconfig fails in $copy"; }
	diffs=$(diff <(config_lines "$config") <(config_lines "$copy/.config") | grep '^[<>]' | head -n 6)
	if [ -n "$diffs" ]; then
		[ -n "$opt_source" ] ||
			fail $E_BUILD "the config of $abi does not stay as it is in $copy: $(tr '\n' ' ' <<<"$diffs")"
		warn "the config of $abi changes in this source: $(tr '\n' ' ' <<<"$diffs")"
	fi
	make_copy modules_prepare || { show_log_tail 30; fail $E_BUILD "make modules_prepare fails in $copy"; }
	install_macros_header
	touch "$cache_dir/prepared"
	stage_note="Linux $source_version"
}

# ----------------------------------------------------------------------
# Stage: find units
# ----------------------------------------------------------------------

# The source files of vmlinux's compile units, cached in $dc/units/vmlinux.
cache_vmlinux_units()
{
	local f=$dc/units/vmlinux

	[ -s "$f" ] && return 0
	mkdir -p "$dc/units"
	"$kpatch_scan" units "$vmlinux" 2>>"$log" | cut -f2 | sort -u >"$f.tmp" &&
		[ -s "$f.tmp" ] || fail $E_BUILD "cannot read the compile units of $vmlinux (kpatch-scan units)"
	mv "$f.tmp" "$f"
}

# The modules of the target (kernel/fs/binfmt_misc.ko ...).
target_modules()
{
	sed -n 's|^kernel/||p' "$dc/image/lib/modules/$abi/modules.order"
}

# The target's module M (kernel/M of the image) as an ELF file: compressed
# modules (6.12: .ko.xz) are decompressed once into $dc/ko/.
target_module_file()
{
	local m=$1 base=$dc/image/lib/modules/$abi/kernel/$1 out=$dc/ko/$1

	if [ -f "$base" ]; then
		printf '%s\n' "$base"
		return 0
	fi
	if ! [ -f "$out" ]; then
		mkdir -p "${out%/*}"
		if [ -f "$base.xz" ]; then
			xz -dc "$base.xz" >"$out.tmp"
		elif [ -f "$base.zst" ]; then
			zstd -qdc "$base.zst" >"$out.tmp"
		elif [ -f "$base.gz" ]; then
			gzip -dc "$base.gz" >"$out.tmp"
		else
			false
		fi || fail $E_BUILD "cannot find or decompress the module $base"
		mv "$out.tmp" "$out"
	fi
	printf '%s\n' "$out"
}

# What each module's debug file in the -dbg package gives, taken in one
# pass over the package (run once per target, when a patch first touches a
# module): for every module M, the .c files it is built from
# ($dc/units/modules/M.units, read by kpatch-scan from its DWARF) and its
# symbol table with the FILE symbols ($dc/dbg-all/M: the debug file without
# its debug sections, ~5% of its size).  One pass costs about what taking a
# single file out of the package costs (the package is one xz stream): a
# few minutes for all of Debian's ~4000 modules, then nothing for any later
# patch, whatever module it touches.
index_module_debug_files()
{
	local deb prefix=./usr/lib/debug/lib/modules/$abi/kernel tmp n

	[ -f "$dc/dbg-all/.complete" ] && return 0
	deb=$(fetch_deb "linux-image-$abi-dbg" "$kver") || exit
	msg "reading the compile units and symbols of every module from ${deb##*/} (once for $abi)"
	tmp=$work/dbg-member
	mkdir -p "$tmp" "$dc/units/modules" "$dc/dbg-all" || fail $E_BUILD "cannot write to $dc"
	KP_DBG_PREFIX=$prefix KP_DBG_UNITS=$dc/units/modules KP_DBG_ALL=$dc/dbg-all \
	KP_DBG_TMP=$tmp KP_DBG_SCAN=$kpatch_scan KP_DBG_MEMBER=$index_member_script \
		run bash -c 'dpkg-deb --fsys-tarfile "$1" |
			tar -x --wildcards "$2/*.ko" --to-command="bash -c \"\$KP_DBG_MEMBER\""' \
			_ "$deb" "$prefix" ||
		{ show_log_tail 5; fail $E_BUILD "cannot read the modules' debug files of $deb"; }
	rm -rf "$tmp"
	n=$(find "$dc/dbg-all" -name '*.ko' | wc -l)
	[ "$n" -gt 0 ] || fail $E_BUILD "$deb holds no debug file of a module below $prefix"
	touch "$dc/dbg-all/.complete"
}

# The work of index_module_debug_files for one member of the package, run
# by tar (--to-command) with the member's contents on stdin: the units and
# the stripped symbol table, each written under a temporary name first.
# Already cached (an earlier, interrupted pass) means skipped.
index_member_script='
set -o pipefail
m=${TAR_FILENAME#"$KP_DBG_PREFIX"/}
u=$KP_DBG_UNITS/$m.units
s=$KP_DBG_ALL/$m
if [ -f "$u" ] && [ -f "$s" ]; then cat >/dev/null; exit 0; fi
cat >"$KP_DBG_TMP/member" || exit 1
mkdir -p "${u%/*}" "${s%/*}" || exit 1
if ! [ -f "$u" ]; then
	"$KP_DBG_SCAN" units "$KP_DBG_TMP/member" | cut -f2 | sort -u >"$u.tmp" &&
		mv "$u.tmp" "$u" || { echo "kpatch-scan units fails on $m" >&2; exit 1; }
fi
objcopy --strip-debug --keep-file-symbols "$KP_DBG_TMP/member" "$s.tmp" &&
	mv "$s.tmp" "$s" || { echo "objcopy fails on $m" >&2; exit 1; }
'

# module_units UNIT...: for units not in vmlinux, write "unit<TAB>module.ko"
# lines (module.ko relative to kernel/) for those a module is built from.
# The modules that may hold a unit are those of its folder and of the
# folders above it; their unit lists come from index_module_debug_files (a
# module the -dbg package has no debug file of has none: it holds no unit).
module_units()
{
	local u d m
	declare -A by_dir=() want=() in_module=()

	while IFS= read -r m; do
		by_dir[${m%/*}]+="$m "
	done < <(target_modules)
	for u in "$@"; do
		d=${u%/*}
		while :; do
			for m in ${by_dir[$d]:-}; do
				want[$m]=1
			done
			[[ $d == */* ]] || break
			d=${d%/*}
		done
	done
	for m in "${!want[@]}"; do
		[ -f "$dc/units/modules/$m.units" ] || { index_module_debug_files; break; }
	done
	for u in "$@"; do
		in_module[$u]=1
	done
	for m in "${!want[@]}"; do
		[ -f "$dc/units/modules/$m.units" ] || continue
		while IFS= read -r u; do
			[ -n "${in_module[$u]:-}" ] && printf '%s\t%s\n' "$u" "$m"
		done <"$dc/units/modules/$m.units"
	done
}

# The name, type, binding, value and size of each symbol of an ELF file but
# FILE and SECTION symbols, in the order of its symbol table.
symbol_list()
{
	readelf -sW "$1" 2>/dev/null |
		awk '$1 ~ /^[0-9]+:$/ && $4 != "FILE" && $4 != "SECTION" { print $8, $4, $5, $2, $3 }'
}

# cache_module_debug_files M...: the symbol tables of the target's
# modules M (paths below kernel/) into $dc/dbg/M, from what
# index_module_debug_files took out of the -dbg package.  One is kept only
# when its symbols are the module's, in the same order (livepatch positions
# of same-named locals count in that order); else, or when the package has
# no debug file for M, the marker $dc/dbg/M.none says to use the module
# itself.
cache_module_debug_files()
{
	local m need=() from ko

	for m in "$@"; do
		[ -f "$dc/dbg/$m" ] || [ -f "$dc/dbg/$m.none" ] || need+=("$m")
	done
	[ ${#need[@]} -gt 0 ] || return 0
	index_module_debug_files
	for m in "${need[@]}"; do
		from=$dc/dbg-all/$m
		mkdir -p "$dc/dbg/${m%/*}" || fail $E_BUILD "cannot create $dc/dbg"
		ko=$(target_module_file "$m") || exit
		if ! [ -f "$from" ]; then
			warn "no debug file of $m in the -dbg package: its locals are found by name only"
			touch "$dc/dbg/$m.none"
		elif ! cmp -s <(symbol_list "$from") <(symbol_list "$ko"); then
			warn "the debug file of $m does not have the symbols of $m: its locals are found by name only"
			touch "$dc/dbg/$m.none"
		else
			# a rename inside the cache folder: never a partial file
			{ ln -f "$from" "$dc/dbg/$m.tmp" 2>/dev/null || cp "$from" "$dc/dbg/$m.tmp"; } &&
				mv -f "$dc/dbg/$m.tmp" "$dc/dbg/$m" || fail $E_BUILD "cannot write $dc/dbg/$m"
		fi
	done
}

# The parent symbols of the target's module M: its debug file (FILE
# symbols: a local is found in the symbols of its own source file), or,
# without one, the module itself (Debian strips the FILE symbols: a local
# is found only when its name is unique in the module).
module_symtab_file()
{
	cache_module_debug_files "$1"
	if [ -f "$dc/dbg/$1" ]; then
		printf '%s\n' "$dc/dbg/$1"
	else
		target_module_file "$1"
	fi
}

# Record the parent of each unit: $work/units has
# "object<TAB>parent<TAB>file<TAB>symbols" lines, file being vmlinux or the
# module the kernel loads, symbols the file the parent symbols are read
# from (the module's debug file when there is one).
distro_find_units()
{
	local f direct=() headers=() cands=() others=() u n nv nm ko syms
	declare -A seen=() mod_of=() is_direct=() in_vmlinux=() parents=()

	check_patches_apply
	for f in "${touched[@]}"; do
		case $f in
		*.c) [ -e "$copy/$f" ] ||
			fail $E_REFUSED "$f is a new source file: kpatch cannot add new objects"
		     direct+=("$f")
		     is_direct[$f]=1 ;;
		*.h) [ -e "$copy/$f" ] && headers+=("$f") ;;
		Documentation/*|*.rst|*.txt|MAINTAINERS) ;;
		*) fail $E_REFUSED "$f: only changes to .c and .h files can be built against a distribution kernel (--full-build builds the whole kernel)" ;;
		esac
	done
	cands=("${direct[@]}")
	if [ ${#headers[@]} -gt 0 ]; then
		"$kpatch_scan" includers -v -a "$work/all-units" "$copy" "${headers[@]}" \
			>"$work/includers" 2>>"$log" ||
			fail $E_BUILD "kpatch-scan includers failed (log: $log)"
		read -r f <"$work/all-units" &&
			fail $E_REFUSED "$f reaches every unit of the kernel (through the compiler's -include): a change to it means rebuilding the whole kernel (--full-build)"
		mapfile -t -O ${#cands[@]} cands <"$work/includers"
		msg "${headers[*]}: included by $(( ${#cands[@]} - ${#direct[@]} )) .c files of the tree"
	fi
	cache_vmlinux_units
	while IFS= read -r u; do
		in_vmlinux[$u]=1
	done <"$dc/units/vmlinux"
	: >"$work/units"
	for u in "${cands[@]}"; do
		[ -n "${seen[$u]:-}" ] && continue
		seen[$u]=1
		if [ -n "${in_vmlinux[$u]:-}" ]; then
			printf '%s\tvmlinux\t%s\n' "${u%.c}.o" "$vmlinux" >>"$work/units"
		else
			others+=("$u")
		fi
	done
	if [ ${#others[@]} -gt 0 ]; then
		module_units "${others[@]}" >"$work/unit-modules"
		while IFS=$'\t' read -r u f; do
			[ -n "${mod_of[$u]:-}" ] &&
				fail $E_REFUSED "$u is built into two modules, ${mod_of[$u]} and $f: not supported"
			mod_of[$u]=$f
		done <"$work/unit-modules"
		for u in "${others[@]}"; do
			f=${mod_of[$u]:-}
			if [ -z "$f" ]; then
				# a .c the patch changes must be built; an includer may not be
				[ -n "${is_direct[$u]:-}" ] &&
					fail $E_REFUSED "$u is not built into $abi (neither in vmlinux nor in a module): nothing to patch"
				continue
			fi
			parents[$f]=1
		done
		[ ${#parents[@]} -gt 0 ] && cache_module_debug_files "${!parents[@]}"
		for u in "${others[@]}"; do
			f=${mod_of[$u]:-}
			[ -n "$f" ] || continue
			n=${f##*/}
			n=${n%.ko}
			ko=$(target_module_file "$f") || exit
			syms=$(module_symtab_file "$f") || exit
			printf '%s\t%s\t%s\t%s\n' "${u%.c}.o" "${n//-/_}" "$ko" "$syms" >>"$work/units"
		done
	fi
	nv=$(awk -F'\t' '$2 == "vmlinux"' "$work/units" | wc -l)
	nm=$(awk -F'\t' '$2 != "vmlinux"' "$work/units" | wc -l)
	[ $((nv + nm)) -gt 0 ] ||
		fail $E_NOCHANGE "the patches change no unit that $abi is built from"
	[ $((nv + nm)) -gt 400 ] &&
		warn "the patches affect $((nv + nm)) units: each is compiled twice"
	stage_note="$((nv + nm)) units: $nv in vmlinux, $nm in modules"
}

# ----------------------------------------------------------------------
# Stages: build original objects, build patched objects
# ----------------------------------------------------------------------

# An object of the prepared tree that an earlier run built is the original:
# the tree is private and restored after every run (and before the next one
# when a run was killed), so it needs no make (kbuild's fixed cost is
# 10 s and more per invocation).
is_built_object()
{
	local dir=${1%/*}

	[ -f "$copy/$1" ] && [ -f "$copy/$dir/.${1##*/}.cmd" ]
}

# is_reached_twice OBJ: is OBJ's folder named, with more than one path
# component, by the Makefile of a folder above its parent (drivers/Makefile:
# "obj-y += char/ipmi/"; arch/x86/Makefile: "drivers-y += arch/x86/pci/")?
# Then `make OBJ` descends to it twice: through that listing, and through
# the parent folder (drivers/char/), which does not list it and takes OBJ
# for one of its own objects, compiled with its own flags (a module's unit
# built without -DMODULE, a wrong KBUILD_MODFILE), and, with -j, at the same
# time as the right compile, both writing OBJ, its .d and its .cmd.
is_reached_twice()
{
	local d=${1%/*} a rel f re

	[[ $d == */* ]] || return 1
	a=$d
	while [[ $a == */* ]]; do
		a=${a%/*}
		rel=${d#"$a"/}
		[[ $rel == */* ]] || continue
		re="(^|[[:space:]=])${rel//./\\.}/?([[:space:]]|\$)"
		for f in "$copy/$a/Makefile" "$copy/$a/Kbuild"; do
			[ -f "$f" ] && grep -qE "$re" "$f" && return 0
		done
	done
	re="(^|[[:space:]=])${d//./\\.}/?([[:space:]]|\$)"
	for f in "$copy/Kbuild" "$copy/Makefile" "$copy/arch/x86/Makefile" "$copy/arch/x86/Kbuild"; do
		[ -f "$f" ] && grep -qE "$re" "$f" && return 0
	done
	return 1
}

# build_objects ARG... OBJ...: make the objects OBJ (KPATCH_*=... and
# other arguments are passed to make_copy): those whose folder is reached twice
# (is_reached_twice) with M=FOLDER, one make per folder, which descends
# into that folder alone and compiles them with its own flags, as the
# kernel's full build does; the others in one make of the tree.
build_objects()
{
	local a args=() plain=() d
	declare -A twice=()

	for a in "$@"; do
		case $a in
		*.o) if is_reached_twice "$a"; then
			twice[${a%/*}]+=" ${a##*/}"
		     else
			plain+=("$a")
		     fi ;;
		*) args+=("$a") ;;
		esac
	done
	if [ ${#plain[@]} -gt 0 ]; then
		make_copy "${args[@]}" "${plain[@]}" || return
	fi
	for d in "${!twice[@]}"; do
		# shellcheck disable=SC2086 # the folder's objects, one word each
		make_copy "${args[@]}" M="$d" ${twice[$d]} || return
	done
}

# A .cmd file that two compilers wrote at once (an interrupted or racing
# build) stops every later make of its folder ("missing separator"): remove
# it and its object, so that the object is built again.
repair_cmd_files()
{
	local o d f

	for o in "$@"; do
		d=$copy/${o%/*}
		for f in "$d"/.*.o.cmd; do
			[ -f "$f" ] || continue
			[ "$(grep -c '^cmd_' "$f")" = 1 ] && [ "$(grep -c '^source_' "$f")" -le 1 ] &&
				[ "$(grep -c '^\$(deps_' "$f")" -le 1 ] && continue
			warn "${f#"$copy"/} is damaged (two writers): removed, its object is built again"
			f=${f%.cmd}
			rm -f "$f.cmd" "${f%/*}/${f##*/.}"
		done
	done
}

distro_build_orig()
{
	local o objs missing=()

	mapfile -t objs < <(cut -f1 "$work/units")
	repair_cmd_files "${objs[@]}"
	for o in "${objs[@]}"; do
		is_built_object "$o" || missing+=("$o")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		build_objects "${missing[@]}" || fail_build original "$copy"
	fi
	stage_note="${#objs[@]} units, $(( ${#objs[@]} - ${#missing[@]} )) already built"
}

# hook_make_patched: the units of the patch (in $work/units).
make_units_patched()
{
	local objs

	mapfile -t objs < <(cut -f1 "$work/units")
	build_objects "${objs[@]}" "$@"
}

# ----------------------------------------------------------------------
# Stages: diff objects (the parents' hooks), check target match
# ----------------------------------------------------------------------

# hook_parents: the parent, target file and symbols of each unit, as
# distro_find_units found them.
unit_parents()
{
	local rel parent file symbols

	declare -gA units_parent=() units_target=() units_symtab=()
	while IFS=$'\t' read -r rel parent file symbols; do
		units_parent[$rel]=$parent
		units_target[$rel]=$file
		units_symtab[$rel]=${symbols:-$file}
	done <"$work/units"
}

unit_parent()
{
	[ -n "${units_target[$1]:-}" ] ||
		fail $E_REFUSED "$1 was recompiled but is not one of the units of the patch"
	parent=${units_parent[$1]} target=${units_target[$1]} symtab=${units_symtab[$1]}
}

# Each function the patch replaces, as compiled here, against the target's.
distro_match()
{
	local rel out target rc funcs=0 bad=0

	while IFS=$'\t' read -r rel out target; do
		printf '\n$ kpatch-match -F %s %s %s\n' "$out" "$rel" "$target" >>"$log"
		(cd "$orig_obj" && "$kpatch_match" -d -F "$out" "$rel" "$target") >"$out.match" 2>&1
		rc=$?
		cat "$out.match" >>"$log"
		funcs=$((funcs + $(grep -c ': matches ' "$out.match")))
		case $rc in
		0) ;;
		2) grep 'error:' "$out.match" | sed 's/^/    /' >&2
		   bad=$((bad + 1)) ;;
		*) sed 's/^/    /' "$out.match" >&2
		   fail $E_BUILD "kpatch-match failed on $rel (exit $rc)" ;;
		esac
	done <"$work/diff-pairs"
	if [ $bad -gt 0 ]; then
		if [ $opt_skip_match = 1 ]; then
			warn "***"
			warn "*** --skip-match-check: $bad object(s) do not match $abi; the module is written anyway"
			warn "*** and replaces functions with code compiled from a different source, config or compiler."
			warn "***"
			stage_note="MISMATCH ignored"
			return 0
		fi
		fail $E_REFUSED "the functions above, compiled here, differ from $abi's: the source, config or compiler is not the one $abi was built from (Debian $kver, $cc_text); --skip-match-check to write the module anyway"
	fi
	stage_note="$funcs functions match $abi"
}
