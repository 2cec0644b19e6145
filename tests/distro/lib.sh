# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Finding Debian kernels in the apt sources by version (the archive moves on,
# so never by a fixed name); shared by tests/distro/run.sh and tests/bench.

# The versions of package $1 in the apt sources, newest first.
apt_versions()
{
	apt-cache madison "$1" 2>/dev/null |
		awk -F'|' '{ gsub(/ /, "", $2); if ($2 != "") print $2 }' | awk '!seen[$0]++'
}

# The amd64 image ABIs of series $1 (6.1, 6.12) with version $2.
abis_of_version()
{
	local series=$1 ver=$2 pkg

	apt-cache search --names-only "^linux-image-${series//./\\.}\\.[0-9]+[-+][^ ]*-amd64-unsigned\$" |
		awk '{ print $1 }' | grep -v -- '-cloud-\|-rt-' | while IFS= read -r pkg; do
		apt_versions "$pkg" | grep -qxF -- "$ver" || continue
		pkg=${pkg#linux-image-}
		printf '%s\n' "${pkg%-unsigned}"
	done
}

# target_abi TARGET: print "ABI VERSION" of a test target:
#   6.1         the amd64 image whose version is the newest linux-source-6.1
#   6.12-older  the oldest 6.12 amd64 image whose version differs from the
#               installed linux-source-6.12
target_abi()
{
	local ver installed abi v

	case $1 in
	6.1)
		ver=$(apt_versions linux-source-6.1 | head -n1)
		abi=$(abis_of_version 6.1 "$ver" | head -n1)
		;;
	6.12-older)
		installed=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null)
		abi=
		while IFS= read -r v; do
			[ "$v" = "$installed" ] && continue
			abi=$(abis_of_version 6.12 "$v" | head -n1)
			ver=$v
			[ -n "$abi" ] && break
		done < <(apt_versions linux-source-6.12 | tac)
		;;
	*) return 1 ;;
	esac
	[ -n "$abi" ] || return 1
	printf '%s %s\n' "$abi" "$ver"
}
