#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/unit/run-lines.sh [BUILD-DIR] - kpatch-lines, the tool that gives a
# patched C file #line directives so that the code below each change
# compiles with its original line numbers (kpatch-build runs it on every
# C file it patches).
#
# Each case makes an ORIG file and a PATCHED one (lines that the "patch"
# adds hold the word CHANGED), runs kpatch-lines and checks:
#   - where the directives go (the -v output, exactly);
#   - what gcc -E makes of the result: every line of ORIG's preprocessed
#     text appears at the same line number in the rewritten file's, but
#     for CHANGED lines and the lines a case names as moved (those in an
#     unsafe region right after a change: inside a comment, a macro
#     definition, a multi-line macro call);
#   - __LINE__ values: a function below the changes returns the same
#     line numbers as in ORIG.
# Then: the files left alone (exit 3), in-place rewriting, bad input
# (exit 1, one line on stderr), and the diff itself against diff -d on
# random files (a longest common subsequence, lines that really match).
# One "PASS lines/<name>" or "FAIL lines/<name>: why" line each, then
# "N passed, N failed".
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(cd "${1:-$top/build}" && pwd) || exit 1
lines=$bin/kpatch-lines
# shellcheck source=SCRIPTDIR/../lib/harness.sh
. "$top/tests/lib/harness.sh"
harness_suite lines
work_folder

cd "$work" || exit 1

# records FILE [INCLUDE-DIR]: "LINE<TAB>TEXT" of each non-blank line that
# gcc -E writes for FILE (or, with INCLUDE-DIR, for inc.h included from
# main.c), LINE being the line gcc says the text comes from.
records()
{
	local want=${1##*/}
	[ $# -gt 1 ] && want=inc.h
	if [ $# -gt 1 ]; then
		gcc -E -I"$2" "$1"
	else
		gcc -E -x c "$1"
	fi | awk -v want="$want" '
		/^# [0-9]+ "/ { line = $2; file = $3; gsub(/"/, "", file); sub(/.*\//, "", file); next }
		{ if (file == want && $0 ~ /[^ \t]/) print line "\t" $0; line++ }'
}

# check_case NAME EXPECTED-V-OUTPUT [MOVED-REGEX]: run kpatch-lines -v on
# $work/NAME/{orig,patched}.c, compare the directives, then the gcc -E
# records of orig.c and of the result (out.c) without the CHANGED lines and
# those matching MOVED-REGEX.
check_case()
{
	local name=$1 want=$2 moved=${3:-^$} d=$work/$1 rc got
	(
		cd "$d" || exit 1
		"$lines" -v -o out.c orig.c patched.c >v.out 2>v.err
		echo $? >rc
	)
	rc=$(cat "$d/rc")
	[ "$rc" = 0 ] || { fail "$name" "exit $rc: $(cat "$d/v.err")"; return; }
	got=$(grep ': #line ' "$d/v.out")
	[ "$got" = "$want" ] ||
		{ fail "$name" "directives [${got//$'\n'/; }], want [${want//$'\n'/; }]"; return; }
	records "$d/orig.c" | grep -v CHANGED | grep -Ev "$moved" >"$d/orig.rec"
	records "$d/out.c" | grep -v CHANGED | grep -Ev "$moved" >"$d/out.rec"
	[ -s "$d/orig.rec" ] || { fail "$name" "gcc -E gave no records"; return; }
	if ! diff "$d/orig.rec" "$d/out.rec" >"$d/rec.diff"; then
		fail "$name" "gcc -E line numbers differ: $(head -4 "$d/rec.diff" | tr '\n' ' ')"
		return
	fi
	# __LINE__ as compiled: lines_below() returns the line numbers of ORIG
	if grep -q lines_below "$d/orig.c"; then
		local a b
		a=$(printf '#include <stdio.h>\nint lines_below(void);\nint main(void){printf("%%d\\n",lines_below());return 0;}\n' |
			gcc -x c - -x c "$d/orig.c" -o "$d/a.out" 2>&1 && "$d/a.out")
		b=$(printf '#include <stdio.h>\nint lines_below(void);\nint main(void){printf("%%d\\n",lines_below());return 0;}\n' |
			gcc -x c - -x c "$d/out.c" -o "$d/b.out" 2>&1 && "$d/b.out")
		[ -n "$a" ] && [ "$a" = "$b" ] ||
			{ fail "$name" "lines_below(): $a in ORIG, $b rewritten"; return; }
	fi
	pass "$name"
}

# newcase NAME: a case folder; orig.c from stdin
newcase()
{
	mkdir -p "$work/$1"
	cat >"$work/$1/orig.c"
}

# A file with a bit of everything, used by several cases.
base_file()
{
	cat <<'EOF'
// SPDX-License-Identifier: GPL-2.0
#define WARN(c, fmt, ...) ((c) ? __LINE__ : 0)

/*
 * A block comment
 * over several lines.
 */
static int first(int x)
{
	return x + __LINE__;
}

#define TWO_LINES(a) \
	((a) + \
	 __LINE__)

static const char *s = "a string \
continued";

static int second(int x)
{
	int r = WARN(x > 1,
		     "a message %d",
		     x);
	return r + TWO_LINES(x);
}

int lines_below(void)
{
	return first(0) * 1000000 + second(0) * 1000 + __LINE__ + (s[0] == 'a');
}
EOF
}

# comments: a line added at the top of the file (kpatch-build's
# reviewers' test: one blank or comment line at the top)
base_file | newcase top-comment
sed '1i/* CHANGED: a new first line */' top-comment/orig.c >top-comment/patched.c
check_case top-comment "patched.c:2: #line 1"
base_file | newcase top-blank
sed '1i\\' top-blank/orig.c >top-blank/patched.c
check_case top-blank "patched.c:2: #line 1"

# removed lines: two lines of a comment go (the next line, " */", is
# still inside the comment: the directive goes after it)
base_file | newcase removed
sed '5,6d' removed/orig.c >removed/patched.c
check_case removed "patched.c:6: #line 8"
base_file | newcase removed-code
sed '12d' removed-code/orig.c >removed-code/patched.c
check_case removed-code "patched.c:12: #line 13"

# several hunks: one line added in first(), two removed from the comment
# above it, one changed line in second() (no line moves: no directive),
# two added in lines_below()
base_file | newcase several-hunks
sed -e '5,6d' -e '10i\	x += 0 * sizeof("CHANGED");' \
	-e 's/int r = WARN(x > 1,/int r = WARN(x > sizeof("CHANGED"),/' \
	-e '31i\	/* CHANGED */\n\t/* CHANGED */' several-hunks/orig.c >several-hunks/patched.c
check_case several-hunks "patched.c:6: #line 8
patched.c:9: #line 10
patched.c:32: #line 31" 'int r = '

# inside a block comment: the directive waits for the end of the comment
base_file | newcase in-comment
sed '5i\ * CHANGED: a new comment line' in-comment/orig.c >in-comment/patched.c
check_case in-comment "patched.c:9: #line 8"

# a string continued by a backslash: the directive goes after it
base_file | newcase in-string
sed 's/^static const char \*s = "a string \\$/static const char *s = "another \\\n\\/' \
	in-string/orig.c >in-string/patched.c
check_case in-string "patched.c:20: #line 19" 'continued'

# a macro definition (continuation lines): after its last line
base_file | newcase in-macro
sed 's/^#define TWO_LINES(a) \\$/#define TWO_LINES(a) \\\n\t0 + \/* CHANGED *\/ \\/' \
	in-macro/orig.c >in-macro/patched.c
check_case in-macro "patched.c:17: #line 16" 'return r \+'

# a multi-line macro call: after its closing parenthesis
base_file | newcase in-macro-call
sed 's/^\t\t     "a message %d",$/\t\t     "a message %d",\n\t\t     "CHANGED",/' \
	in-macro-call/orig.c >in-macro-call/patched.c
check_case in-macro-call "patched.c:26: #line 25" '^2[2-5]	'

# a directive inside #ifdef may be skipped: the #else group and the code
# after #endif get one of their own
newcase conditional <<'EOF'
int lines_below(void)
{
	int r = 0;
#ifdef NOT_DEFINED
	r += 1;
	r += 2;
#else
	r += 3;
#endif
	r += __LINE__;
	return r;
}
EOF
sed '5d' conditional/orig.c >conditional/patched.c
check_case conditional "patched.c:5: #line 6
patched.c:7: #line 8
patched.c:9: #line 10"

# parentheses opened differently in the two groups of an #ifdef: the
# #else group starts at the depth of the #ifdef, and after #endif the depth
# is that of the end of the first group (inside "if (")
newcase cond-parens <<'EOF2'
int lines_below(void)
{
	int a = 1, b = 0, r = 0;
#ifdef NOT_DEFINED
	if (a &&
#else
	if (b ||
#endif
	    a)
		r = 1;
	return r + __LINE__;
}
EOF2
sed '5a\	    b && /* CHANGED */' cond-parens/orig.c >cond-parens/patched.c
check_case cond-parens "patched.c:8: #line 7
patched.c:11: #line 10"

# a header: the lines of inc.h as main.c sees them through gcc -E
name=header
mkdir -p header/orig header/patched
cat >header/orig/inc.h <<'EOF'
#ifndef INC_H
#define INC_H
struct one { int a; };
static inline int inc_line(void) { return __LINE__; }
struct two { int b; };
#endif
EOF
sed '3i/* a new struct */\nstruct CHANGED { int c; };' header/orig/inc.h >header/patched/inc.h
printf '#include "inc.h"\nint use(void) { return inc_line(); }\n' >header/main.c
if ! (cd header && "$lines" -v -o out.h orig/inc.h patched/inc.h >v.out 2>v.err); then
	fail $name "exit $?: $(cat header/v.err)"
elif [ "$(grep ': #line ' header/v.out)" != "patched/inc.h:5: #line 3" ]; then
	fail $name "directives: $(cat header/v.out)"
else
	mkdir -p header/out && cp header/out.h header/out/inc.h
	records header/main.c header/orig | grep -v CHANGED >header/orig.rec
	records header/main.c header/out | grep -v CHANGED >header/out.rec
	if [ ! -s header/orig.rec ] || ! diff -q header/orig.rec header/out.rec >/dev/null; then
		fail $name "gcc -E line numbers of inc.h differ"
	else
		pass $name
	fi
fi

# left alone: exit 3, the reason, nothing written
left_alone()
{
	local name=$1 orig=$2 patched=$3 why=$4 rc
	rm -f out.any
	"$lines" -o out.any "$orig" "$patched" >la.out 2>la.err
	rc=$?
	if [ $rc != 3 ]; then
		fail "$name" "exit $rc, want 3: $(cat la.out la.err)"
	elif ! grep -q "left alone: $why" la.out; then
		fail "$name" "no reason '$why': $(cat la.out)"
	elif [ -e out.any ]; then
		fail "$name" "wrote the output"
	else
		pass "$name"
	fi
}
mkdir -p alone
base_file >alone/orig.c
{ echo '#line 1 "gen.y"'; base_file; } >alone/marked-orig.c
{ echo '/* CHANGED */'; echo '#line 1 "gen.y"'; base_file; } >alone/marked.c
{ echo '/* CHANGED */'; echo '# 7 "gen.y"'; base_file; } >alone/marker.c
{ echo '/* CHANGED */'; base_file; } >alone/asm.S
sed 's/first(0)/first(1)/' alone/orig.c >alone/same-lines.c
left_alone alone-has-line alone/marked-orig.c alone/marked.c "it has #line"
left_alone alone-has-marker alone/orig.c alone/marker.c "it has #line"
left_alone alone-assembly alone/orig.c alone/asm.S "not a .c or .h"
left_alone alone-no-move alone/orig.c alone/same-lines.c "no kept line moved"

# in place: PATCHED itself is rewritten, its mode kept
name=in-place
base_file >ip-orig.c
base_file | sed '1i/* CHANGED */' >ip.c
chmod 640 ip.c
if ! "$lines" ip-orig.c ip.c >ip.out 2>ip.err; then
	fail $name "exit $?: $(cat ip.err)"
elif [ "$(sed -n 2p ip.c)" != "#line 1" ] || [ "$(stat -c %a ip.c)" != 640 ]; then
	fail $name "ip.c line 2 is '$(sed -n 2p ip.c)', mode $(stat -c %a ip.c)"
elif ls ip.c.kpatch-lines.* >/dev/null 2>&1; then
	fail $name "left a temporary file"
elif [ "$(cat ip.out)" != "ip.c: 1 #line directive" ]; then
	fail $name "stdout: $(cat ip.out)"
else
	pass $name
fi

# bad input: exit 1, one line on stderr
bad()
{
	local name=$1 want=$2 rc
	shift 2
	"$lines" "$@" >bad.out 2>bad.err
	rc=$?
	if [ $rc != 1 ] || [ "$(wc -l <bad.err)" != 1 ] || ! grep -q "^kpatch-lines: error: .*$want" bad.err; then
		fail "$name" "exit $rc, stderr: $(cat bad.err)"
	else
		pass "$name"
	fi
}
bad bad-missing "cannot open" no-such.c ip.c
bad bad-args "need ORIG and PATCHED" ip.c
bad bad-option "unknown option -x" -x ip.c ip.c
printf 'int a;\0\n' >nul.c
bad bad-nul "NUL bytes" nul.c ip.c

# The diff: on random files, the kept lines are equal lines, in order, and
# as many as diff -d (a minimal diff) keeps.
name=diff-random
bad_diff=
for seed in $(seq 1 60); do
	awk -v seed="$seed" 'BEGIN {
		srand(seed); n = 20 + int(rand() * 300); k = 2 + int(rand() * 12)
		for (i = 0; i < n; i++) { print "l" int(rand() * k) > "ra.c"
			if (rand() < 0.8) print "l" int(rand() * k) > "rb.c" }
		for (i = 0; i < int(rand() * 50); i++) print "l" int(rand() * k) > "rb.c" }'
	touch ra.c rb.c
	"$lines" --map ra.c rb.c >map.txt
	kept=$(wc -l <map.txt)
	want=$(diff -d --old-line-format= --new-line-format= --unchanged-line-format=$'x\n' ra.c rb.c | wc -l)
	ok=$(awk 'NR == FNR { a[FNR] = $0; next }
		FILENAME == ARGV[2] { b[FNR] = $0; next }
		{ if ($1 <= lp || $2 <= lo || a[$2] != b[$1]) bad = 1; lp = $1; lo = $2 }
		END { print bad ? "bad" : "ok" }' ra.c rb.c map.txt)
	if [ "$kept" != "$want" ] || [ "$ok" != ok ]; then
		bad_diff="seed $seed: $kept kept, diff -d keeps $want, mapping $ok"
		break
	fi
	rm -f ra.c rb.c
done
[ -z "$bad_diff" ] && pass $name || fail $name "$bad_diff"

summary
