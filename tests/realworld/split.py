#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Split the stable delta between two kernel source trees into one patch per
changed .c file, and tie the Debian changelog's subjects to those files.

Usage: split.py candidates CHANGED
       split.py split OLD NEW CHANGED UNITS CHANGELOG OUT

candidates: print the changed .c files that may be part of the corpus (the
filter below, before the units are known).
split:

  OLD, NEW    the two source trees (linux-source-6.1 of two Debian versions)
  CHANGED     the files that differ, one path a line, relative to the trees
  UNITS       "path.c<TAB>target" lines: the .c files Debian's amd64 kernel is
              built from, target being "vmlinux" or the module (kernel/...ko)
  CHANGELOG   the changelog entries between the two versions (plain text)
  OUT         the corpus folder to write: patches/, index.tsv, dropped.tsv,
              unmatched.txt

A patch is the diff of one .c file (ID.patch).  The changed headers it may
need are written as ID.headers.patch, used only when the .c does not compile
alone: those the patched file includes (directly or through other headers, by a
textual scan) that are local to a driver or subsystem folder, or that
declare (in their added lines: a macro, function, structure member or enum
constant) a name that the file's added lines use, and the new headers it
reaches.

index.tsv: ID, module name, the .c file, target, patch, headers patch (""
if none), the headers (space separated), the subjects (" | " separated),
the CVE ids (space separated).  dropped.tsv: path, why.

The changelog lists commit subjects, not files: a subject is tied to files
by a heuristic (the identifiers of its text found in a file's changed lines
or hunk headers, its "subsystem:" prefix found in the file's path).
"""

import hashlib
import os
import re
import subprocess
import sys

# Top folders that are not kernel code built for amd64 (arch/ is filtered
# apart: only arch/x86 is kept).
DROPPED_TOPS = {
    "Documentation": "documentation",
    "tools": "user-space tools",
    "scripts": "build scripts",
    "samples": "sample code",
    "usr": "initramfs tooling",
    "LICENSES": "licences",
}

# Words of a subject's prefix that say nothing about where the change is.
GENERIC_PREFIX = {"revert", "fix", "fixes", "drivers", "driver", "stable", "backport",
                  "partial", "treewide", "linux", "the", "and", "of", "for"}

# Words of a subject's text too common to point at a file.
STOPWORDS = set("""
a an the and or of in on for to from with without when while after before into
by at as is are be been not no fix fixes fixed add adds remove removes use uses
check checks missing possible potential avoid handle handling properly correct
correctly proper error errors return returns value values case cases only also
this that it its if then than out up down off over under via per new old more
less all any some such can may must should would could do does don't doesn't
free leak leaks memory null pointer dereference overflow underflow bounds
out-of-bounds use-after-free uaf race condition deadlock warning crash bug
""".split())


def read_lines(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return [line.rstrip("\n") for line in f]


def drop_reason(path):
    """Why a changed file is not part of the corpus ("" if it is kept)."""
    top = path.split("/", 1)[0]
    if top in DROPPED_TOPS:
        return DROPPED_TOPS[top]
    if path.startswith("arch/") and not path.startswith("arch/x86/"):
        return "another architecture"
    if path == "Makefile":
        return "the version bump"
    if not path.endswith((".c", ".h")):
        return "not C (build files, device trees, assembly, text)"
    return ""


def file_diff(old, new, path):
    """The unified diff of one file, -p1 paths, with C function names."""
    a = os.path.join(old, path)
    b = os.path.join(new, path)
    args = ["diff", "-up", "--label", "a/" + path, "--label", "b/" + path,
            a if os.path.exists(a) else "/dev/null",
            b if os.path.exists(b) else "/dev/null"]
    out = subprocess.run(args, stdout=subprocess.PIPE, check=False).stdout
    return out.decode("utf-8", errors="replace")


# ---------------------------------------------------------------------------
# Which changed headers a .c file includes (a textual scan, like kpatch-scan's
# but forward: from one file to what it reaches)
# ---------------------------------------------------------------------------

INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
SYSTEM_DIRS = ["arch/x86/include", "arch/x86/include/generated", "include",
               "arch/x86/include/uapi", "arch/x86/include/generated/uapi", "include/uapi"]


class IncludeScanner:
    """Resolves #include lines of the OLD tree and caches each file's."""

    def __init__(self, tree):
        self.tree = tree        # the source tree the includes are read from
        self.direct = {}        # path -> the paths it includes (resolved)

    def exists(self, path):
        return os.path.isfile(os.path.join(self.tree, path))

    def resolve(self, including, kind, name, unit_dir):
        """The path an include names, or None when it resolves nowhere known."""
        cands = []
        if kind == '"':
            cands.append(os.path.normpath(os.path.join(os.path.dirname(including), name)))
            cands.append(os.path.normpath(os.path.join(unit_dir, name)))
        cands += [os.path.normpath(os.path.join(d, name)) for d in SYSTEM_DIRS]
        for c in cands:
            if not c.startswith("..") and self.exists(c):
                return c
        return None

    def includes_of(self, path, unit_dir):
        key = (path, unit_dir)
        if key not in self.direct:
            try:
                with open(os.path.join(self.tree, path), encoding="utf-8",
                          errors="replace") as f:
                    text = f.read()
            except OSError:
                text = ""
            found = []
            for kind, name in INCLUDE_RE.findall(text):
                r = self.resolve(path, kind, name, unit_dir)
                if r:
                    found.append(r)
            self.direct[key] = found
        return self.direct[key]

    def reached(self, unit):
        """Every file unit reaches through #include, itself excluded."""
        unit_dir = os.path.dirname(unit)
        seen = set()
        todo = [unit]
        while todo:
            p = todo.pop()
            for inc in self.includes_of(p, unit_dir):
                if inc not in seen:
                    seen.add(inc)
                    todo.append(inc)
        return seen


def is_local_header(h):
    """A header of a driver or subsystem folder, not of include/."""
    return not h.startswith(("include/", "arch/x86/include/"))


DECLARATION_RES = [
    re.compile(r"^\s*#\s*define\s+(\w+)"),                     # macros
    re.compile(r"^[\w\s\*]*\(\s*\*\s*(\w+)\s*\)\s*\("),       # function pointers
    re.compile(r"^[A-Za-z_][\w\s\*]*?\b(\w+)\s*\("),          # functions, at column 0
    re.compile(r"^\s+[\w\s\*]*?\b(\w+)\s*(\[[^\]]*\])?\s*(:\s*\d+\s*)?;"),  # members
    re.compile(r"^\s+([A-Z][A-Z0-9_]+)\s*[=,]"),               # enum constants
]

# C's own words: never a name that a header declares.
C_WORDS = set("""
auto break case char const continue default do double else enum extern float
for goto if inline int long register restrict return short signed sizeof
static struct switch typedef union unsigned void volatile while bool
""".split())


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//.*", " ", text)


def declared_names(diff):
    """The names a header's added lines declare: macros, functions,
    structure members, enum constants."""
    added = "\n".join(line[1:] for line in diff.splitlines()
                      if line.startswith("+") and not line.startswith("+++"))
    names = set()
    for line in strip_comments(added).splitlines():
        for r in DECLARATION_RES:
            m = r.match(line)
            if m:
                names.add(m.group(1))
                break
    return {n for n in names if len(n) >= 4 and n not in C_WORDS}


def added_identifiers(diff):
    """The identifiers of a diff's added lines (comments left out)."""
    added = "\n".join(line[1:] for line in diff.splitlines()
                      if line.startswith("+") and not line.startswith("+++"))
    return set(IDENT_RE.findall(strip_comments(added)))


# ---------------------------------------------------------------------------
# The changelog: subjects and CVE ids
# ---------------------------------------------------------------------------

CVE_RE = re.compile(r"CVE-\d{4}-\d{4,}")


def changelog_entries(lines):
    """The subjects of the changelog: "    - subject" items of the upstream
    stable lists and Debian's own "  * subject" items, continuation lines
    joined.  Returns a list of (subject, [CVE ids])."""
    entries = []
    cur = None
    for line in lines:
        m = re.match(r"^    - (.*)$", line) or re.match(r"^  \* (.*)$", line)
        if m:
            if cur is not None:
                entries.append(cur)
            cur = m.group(1).strip()
            continue
        if cur is not None and re.match(r"^      \S", line):
            cur += " " + line.strip()
            continue
        if cur is not None:
            entries.append(cur)
            cur = None
    if cur is not None:
        entries.append(cur)
    out = []
    for e in entries:
        if e.startswith("New upstream stable update") or e.startswith("http"):
            continue
        cves = CVE_RE.findall(e)
        subject = re.sub(r"\s*\((CVE-\d{4}-\d+[ ,]*)+\)\s*$", "", e).strip()
        out.append((subject, cves))
    return out


IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def is_identifier(word, after):
    """A word of a subject that names code: has an underscore, is called
    (followed by "("), or mixes letters and digits (vpid02, w83793)."""
    if "_" in word.strip("_") or after == "(":
        return True
    return any(c.isdigit() for c in word) and any(c.isalpha() for c in word) and len(word) >= 4


def is_other_arch(subject):
    """A subject tagged for other architectures only ("[powerpc*] ...")."""
    m = re.match(r"^\[([^\]]*)\]", subject)
    return bool(m) and not re.search(r"x86|amd64", m.group(1))


def split_subject(subject):
    """(prefix tokens in order, identifiers, words) of a subject."""
    s = re.sub(r"^\[[^\]]*\]\s*", "", subject)          # "[x86] ..." arch tags
    s = re.sub(r'^Revert\s+"(.*)"$', r"\1", s)
    if ": " in s:
        prefix, text = s.rsplit(": ", 1)
    else:
        prefix, text = "", s
    ptoks = []
    for t in re.split(r"[:/,\s]+", prefix.lower()):
        t = t.strip("[]()").replace("-", "_")
        if len(t) >= 2 and t not in GENERIC_PREFIX and t not in ptoks:
            ptoks.append(t)
    idents = set()
    words = set()
    for m in IDENT_RE.finditer(text):
        w = m.group(0)
        if is_identifier(w, text[m.end():m.end() + 1]):
            idents.add(w)
        elif len(w) >= 4 and w.lower() not in STOPWORDS:
            words.add(w.lower())
    return ptoks, idents, words


class FileFacts:
    """What a changed file offers the matcher."""

    def __init__(self, path, diff):
        self.path = path
        parts = path[:-2].lower().replace("-", "_").split("/")
        self.tokens = set(parts)            # folders and the file's stem
        self.stem = parts[-1]               # the file name without .c
        changed = []
        for line in diff.splitlines():
            if line.startswith(("+++", "---")):
                continue
            if line.startswith("@@"):
                changed.append(line.split("@@")[-1])
            elif line.startswith(("+", "-")):
                changed.append(line[1:])
        text = "\n".join(changed)
        self.idents = set(IDENT_RE.findall(text))   # identifiers near the change
        self.text = text.lower()                    # for plain words


# Subsystem names of subjects that are not the name of their folder.
PREFIX_ALIASES = {"tracing": "trace", "ftrace": "trace", "driver_core": "base",
                  "netfilter": "netfilter", "ipv4": "ipv4", "ipv6": "ipv6",
                  "mm": "mm", "sched": "sched", "alsa": "sound", "asoc": "soc",
                  "wifi": "wireless", "bluetooth": "bluetooth", "hid": "hid"}


def token_matches(t, facts):
    """1 when a prefix token is a folder or the stem of the file, 0.5 when it
    is a part of the stem or the stem a part of it, else 0."""
    t = PREFIX_ALIASES.get(t, t)
    if t in facts.tokens:
        return 1.0
    flat_t = t.replace("_", "")
    flat_stem = facts.stem.replace("_", "")
    if len(flat_t) >= 3 and (flat_t in flat_stem or (len(flat_stem) >= 4 and flat_stem in flat_t)):
        return 0.5
    return 0.0


def prefix_score(ptoks, facts):
    """The subsystem prefix's fit: 0 unless its last (most specific) token
    matches (when only partly, another token must name a folder); then the
    matches of all its tokens."""
    if not ptoks:
        return 0.0
    last = token_matches(ptoks[-1], facts)
    if last == 0:
        return 0.0
    others = [token_matches(t, facts) for t in ptoks[:-1]]
    # "mm/damon/core-kunit" is not arch/x86/events/intel/core.c: a partial
    # last token needs another token of the prefix to name a folder
    if last < 1 and others and max(others) < 1:
        return 0.0
    return last + sum(others)


def match_subjects(entries, files):
    """{path: [(subject, cves)]} and the subjects tied to no file.

    A subject goes to the files where its specific identifiers (named in
    the changed lines of at most 3 files of the corpus: not NULL or
    kfree) are found, or where its "subsystem: part:" prefix names the
    file's folders and name; the best score wins; a tie of more than 3
    files on the prefix alone is left unmatched."""
    df = {}
    for f in files:
        for i in f.idents:
            df[i] = df.get(i, 0) + 1
    tied = {f.path: [] for f in files}
    unmatched = []
    for subject, cves in entries:
        if is_other_arch(subject):
            continue
        ptoks, idents, words = split_subject(subject)
        specific = {i for i in idents if df.get(i, 0) <= 3}
        best = 0.0
        best_files = []
        best_has_ident = False
        for f in files:
            ids = len(specific & f.idents)
            ps = prefix_score(ptoks, f)
            if ids == 0 and ps == 0:
                continue
            ws = sum(0.25 for w in words if w in f.text)
            score = 2 * ids + ps + ws
            if score > best:
                best, best_files, best_has_ident = score, [f], ids > 0
            elif score == best:
                best_files.append(f)
                best_has_ident = best_has_ident or ids > 0
        if not best_files or (not best_has_ident and len(best_files) > 3):
            unmatched.append((subject, cves))
            continue
        for f in best_files:
            tied[f.path].append((subject, cves))
    return tied, unmatched


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------

def module_name(path):
    """A livepatch module name for the patch of path: rw-<stem>-<hash>."""
    stem = re.sub(r"[^a-z0-9]+", "-", os.path.basename(path)[:-2].lower()).strip("-")
    h = hashlib.sha256(path.encode()).hexdigest()[:6]
    return "rw-%s-%s" % (stem[:32], h)


def patch_id(path):
    return path[:-2].replace("/", "__")


def clean(text):
    return text.replace("\t", " ").replace("\n", " ")


def print_candidates(changed_list):
    for p in read_lines(changed_list):
        if p.endswith(".c") and not drop_reason(p):
            print(p)
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "candidates":
        return print_candidates(argv[2])
    if len(argv) != 8 or argv[1] != "split":
        sys.stderr.write(__doc__)
        return 2
    old, new, changed_list, units_file, changelog, out = argv[2:]
    changed = [p for p in read_lines(changed_list) if p]
    units = {}
    for line in read_lines(units_file):
        if "\t" in line:
            u, t = line.split("\t", 1)
            units[u] = t
    os.makedirs(os.path.join(out, "patches"), exist_ok=True)

    dropped = []
    kept_c = []
    kept_h = []
    for p in sorted(changed):
        why = drop_reason(p)
        if not why and not os.path.exists(os.path.join(new, p)):
            why = "a removed file"
        if not why and p.endswith(".c"):
            if not os.path.exists(os.path.join(old, p)):
                why = "a new file (not in the old tree)"
            elif p not in units:
                why = "not built by Debian's amd64 config"
        if why:
            dropped.append((p, why))
        elif p.endswith(".c"):
            kept_c.append(p)
        else:
            kept_h.append(p)

    diffs = {p: file_diff(old, new, p) for p in kept_c + kept_h}
    facts = [FileFacts(p, diffs[p]) for p in kept_c]
    tied, unmatched = match_subjects(changelog_entries(read_lines(changelog)), facts)

    scanner = IncludeScanner(new)     # the patched files: a fix may add an #include
    changed_h = set(kept_h)
    h_new = {h: declared_names(diffs[h]) for h in kept_h}
    with open(os.path.join(out, "index.tsv"), "w") as idx:
        for p in kept_c:
            pid = patch_id(p)
            patch = os.path.join("patches", pid + ".patch")
            with open(os.path.join(out, patch), "w") as f:
                f.write(diffs[p])
            uses = added_identifiers(diffs[p])
            reached = scanner.reached(p) & changed_h
            headers = sorted(h for h in reached
                             if is_local_header(h) or h_new[h] & uses or
                             not os.path.exists(os.path.join(old, h)))
            hpatch = ""
            if headers:
                hpatch = os.path.join("patches", pid + ".headers.patch")
                with open(os.path.join(out, hpatch), "w") as f:
                    for h in headers:
                        f.write(diffs[h])
            subjects = [clean(s) for s, _ in tied[p]]
            cves = []
            for _, cs in tied[p]:
                cves += [c for c in cs if c not in cves]
            idx.write("\t".join([pid, module_name(p), p, units[p], patch, hpatch,
                                 " ".join(headers), " | ".join(subjects),
                                 " ".join(cves)]) + "\n")
    with open(os.path.join(out, "dropped.tsv"), "w") as f:
        for p, why in dropped:
            f.write("%s\t%s\n" % (p, why))
        for h in kept_h:
            f.write("%s\t%s\n" % (h, "a header: part of the patches of the .c files that include it"))
    with open(os.path.join(out, "unmatched.txt"), "w") as f:
        for s, cves in unmatched:
            f.write("%s%s\n" % (s, " (" + ", ".join(cves) + ")" if cves else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
