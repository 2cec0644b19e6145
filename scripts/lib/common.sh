# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Small helpers shared by the project's bash scripts.  Source it:
#     . "$(dirname "$0")/../scripts/lib/common.sh"
#
# Provides:
#   KP_CACHE              the cache folder (${XDG_CACHE_HOME:-$HOME/.cache}/kpatch)
#   msg TEXT...           "prog: TEXT" on stderr
#   warn TEXT...          "prog: warning: TEXT" on stderr
#   die TEXT...           "prog: error: TEXT" on stderr, then exit 1
#   need_cmd CMD...       die unless every CMD is on $PATH
#   lock_take FILE [SECS] take an exclusive flock on FILE (waits, SECS default 3600);
#                         the lock is held until lock_release or the script exits
#   lock_release          drop the lock taken by lock_take
#   with_lock FILE CMD... run CMD holding an exclusive flock on FILE
#   short_hash            12 hex digits of the sha256 of stdin

[ -n "${KP_COMMON_SH:-}" ] && return 0
KP_COMMON_SH=1

KP_CACHE=${KP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kpatch}
KP_PROG=${KP_PROG:-${0##*/}}

msg()  { printf '%s: %s\n' "$KP_PROG" "$*" >&2; }
warn() { printf '%s: warning: %s\n' "$KP_PROG" "$*" >&2; }
die()  { printf '%s: error: %s\n' "$KP_PROG" "$*" >&2; exit 1; }

need_cmd()
{
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 ||
			die "'$c' not found (scripts/install-deps.sh installs what the project needs)"
	done
}

# The lock lives on a file descriptor of the calling shell, so it is dropped
# automatically when the script ends, however it ends.
KP_LOCK_FD=

lock_take()
{
	local file=$1 secs=${2:-3600}

	[ -z "$KP_LOCK_FD" ] || die "lock_take: a lock is already held"
	mkdir -p "$(dirname "$file")" || die "cannot create the folder of $file"
	exec {KP_LOCK_FD}>>"$file" || die "cannot open lock file $file"
	if ! flock -n "$KP_LOCK_FD"; then
		msg "waiting for $file (another run holds it)"
		flock -w "$secs" "$KP_LOCK_FD" || die "timed out after ${secs}s waiting for $file"
	fi
}

lock_release()
{
	[ -n "$KP_LOCK_FD" ] || return 0
	flock -u "$KP_LOCK_FD"
	exec {KP_LOCK_FD}>&-
	KP_LOCK_FD=
}

with_lock()
{
	local file=$1
	shift
	mkdir -p "$(dirname "$file")" || return 1
	flock -w 3600 "$file" "$@"
}

short_hash()
{
	sha256sum | cut -c1-12
}
