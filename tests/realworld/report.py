#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The outcomes of a realworld run, and RESULTS.md.

Usage: report.py outcomes CORPUS RESULTS [ID...]
       report.py results CORPUS RESULTS REVIEWS OUT.md KEY=VALUE...

outcomes: one "ID<TAB>outcome<TAB>detail" line per patch (all of the index,
or the IDs given), outcome being one of
    loaded       built, loaded, transition ended, disabled, removed, clean log
    loadfail     built, but the guest did not load it cleanly
    unloaded     built, not loaded yet
    refused      kpatch-build refused it (exit 2)
    nocompile    the patched file does not compile (alone, then with headers),
                 or needs a symbol another file of the delta adds
    nochange     no functional change
    failed       a tool or a build failed (exit 3, 1, ...)
    notbuilt     not built yet

results: write the markdown table (totals at the top).  REVIEWS has one
review a line, "ID VERDICT sentence", VERDICT being "unsafe" (a refusal
that is right, for the reason the sentence gives), "defect" (a refusal or
failure that is the tool's fault) or "note" (anything else worth saying).
KEY=VALUE pairs are facts of the run shown under the totals (date, tools,
commit, time).
"""

import os
import sys

LABELS = {
    "loaded": "loaded",
    "loadfail": "built, load failed",
    "unloaded": "built, not loaded",
    "refused": "refused",
    "nocompile": "does not compile as a patch alone",
    "nochange": "no functional change",
    "failed": "tool or build failure",
    "notbuilt": "not built",
}


def read_tsv(path):
    rows = []
    if os.path.exists(path):
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                rows.append(line.rstrip("\n").split("\t"))
    return rows


class Patch:
    """One line of index.tsv and what the run made of it."""

    def __init__(self, row, results):
        (self.id, self.name, self.path, self.target, self.patch, self.hpatch,
         headers, subjects, cves) = row + [""] * (9 - len(row))
        self.headers = headers.split()          # changed headers it includes
        self.subjects = [s for s in subjects.split(" | ") if s]
        self.cves = cves.split()
        self.wide = 0       # with headers not tried: the .c files they reach
        self.outcome, self.detail, self.secs, self.with_headers = self.read(results)

    def read(self, results):
        d = os.path.join(results, self.id)
        res = read_tsv(os.path.join(d, "result"))
        if not res:
            return "notbuilt", "", "", False
        outcome, _rc, secs, hdr, why = (res[0] + [""] * 5)[:5]
        with_headers = hdr == "1"
        wide = read_tsv(os.path.join(d, "wide"))
        self.wide = int(wide[0][0]) if wide and wide[0][0].isdigit() else 0
        if outcome != "built":
            return outcome, why, secs, with_headers
        load = read_tsv(os.path.join(d, "load"))
        if not load:
            return "unloaded", "", secs, with_headers
        notes = "; ".join(r[1] for r in load[1:] if len(r) > 1 and r[0] == "note")
        if load[0][0] == "loaded":
            return "loaded", notes, secs, with_headers
        why = load[0][1] if len(load[0]) > 1 else ""
        return "loadfail", why + ("; " + notes if notes else ""), secs, with_headers


def load_patches(corpus, results, ids=None):
    patches = [Patch(r, results) for r in read_tsv(os.path.join(corpus, "index.tsv"))]
    if ids:
        want = set(ids)
        patches = [p for p in patches if p.id in want]
    return patches


def read_reviews(path):
    reviews = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                parts = line.split(None, 2)
                if len(parts) == 3:
                    reviews[parts[0]] = (parts[1], parts[2])
    return reviews


def md(text):
    return text.replace("|", "\\|").replace("\n", " ")


def pct(n, d):
    return "%.1f %%" % (100.0 * n / d) if d else "-"


def outcome_cell(p, reviews):
    label = LABELS[p.outcome]
    if p.outcome == "nocompile" and p.detail.startswith("needs "):
        cell = label + " (it links to what another file of the delta adds): " + p.detail
    elif p.outcome == "nocompile":
        if p.with_headers:
            cell = label + " (nor with %s)" % ", ".join("`%s`" % h for h in p.headers)
        elif p.wide:
            cell = label + " (with %s not tried: %d .c files include them)" % (
                ", ".join("`%s`" % h for h in p.headers), p.wide)
        else:
            cell = label + " (no changed header it includes declares what it uses)"
        cell += ": " + p.detail
    elif p.outcome == "loaded":
        cell = label
        if p.with_headers:
            cell += " (with %s)" % ", ".join("`%s`" % h for h in p.headers)
        if p.detail:
            cell += " (" + p.detail + ")"
    elif p.detail:
        cell = "%s: `%s`" % (label, p.detail)
    else:
        cell = label
    if p.id in reviews:
        verdict, text = reviews[p.id]
        cell += " — **%s**: %s" % ({"unsafe": "unsafe", "defect": "tool defect",
                                    "note": "note"}.get(verdict, verdict), text)
    return md(cell)


def write_results(corpus, results, reviews_path, out, facts):
    patches = load_patches(corpus, results)
    reviews = read_reviews(reviews_path)
    dropped = read_tsv(os.path.join(corpus, "dropped.tsv"))
    count = {k: 0 for k in LABELS}
    for p in patches:
        count[p.outcome] += 1
    n = len(patches)
    # a patch not built, or built and not loaded yet, is not counted
    compiled = n - count["nocompile"] - count["notbuilt"] - count["unloaded"]
    judged = compiled - count["nochange"]
    refused = [p for p in patches if p.outcome == "refused"]
    justified = [p for p in refused if reviews.get(p.id, ("",))[0] == "unsafe"]
    not_ok = [p for p in patches if p.outcome in ("refused", "loadfail", "failed")]
    defects = [p for p in not_ok if reviews.get(p.id, ("",))[0] == "defect"]
    unreviewed = [p for p in not_ok if p.id not in reviews]
    drop_why = {}
    for row in dropped:
        if len(row) >= 2:
            drop_why[row[1]] = drop_why.get(row[1], 0) + 1
    in_vmlinux = sum(1 for p in patches if p.target == "vmlinux")

    o = []
    o.append("# Real-world corpus: Debian's stable fixes, built and loaded")
    o.append("")
    o.append("Generated by `tests/realworld/run.sh` (`make realworld`); do not edit by hand: "
             "the reviews come from `tests/realworld/reviews.txt`.  The delta between "
             "Debian's linux-source-6.1 %s and %s, one patch per changed `.c` file, built "
             "with `kpatch-build -a %s` (distro mode) and loaded on that kernel's vmlinuz "
             "under qemu.  See `tests/realworld/README.md`."
             % (facts.get("old", "?"), facts.get("new", "?"), facts.get("abi", "?")))
    o.append("")
    o.append("## Totals")
    o.append("")
    o.append("| | count | share |")
    o.append("|---|---:|---:|")
    o.append("| patches (changed `.c` files built by Debian's amd64 config) | %d | |" % n)
    if count["unloaded"] or count["notbuilt"]:
        tried = n - count["unloaded"] - count["notbuilt"]
        o.append("| **tried so far** (the run is resumed with `--reuse`) | **%d** | %s of patches |"
                 % (tried, pct(tried, n)))
    o.append("| ... to vmlinux / to modules | %d / %d | |" % (in_vmlinux, n - in_vmlinux))
    o.append("| do not compile as a patch alone | %d | %s of patches |"
             % (count["nocompile"], pct(count["nocompile"], n)))
    o.append("| **compile** | **%d** | %s of patches |" % (compiled, pct(compiled, n)))
    o.append("| ... no functional change | %d | %s of those that compile |"
             % (count["nochange"], pct(count["nochange"], compiled)))
    o.append("| ... **built and loaded** | **%d** | **%s** of those that compile, "
             "%s of those that change code |"
             % (count["loaded"], pct(count["loaded"], compiled), pct(count["loaded"], judged)))
    o.append("| ... refused | %d | %s of those that compile |"
             % (count["refused"], pct(count["refused"], compiled)))
    o.append("| ... ... refusals reviewed as justified (unsafe) | %d | %s of refusals |"
             % (len(justified), pct(len(justified), len(refused))))
    o.append("| ... built, load failed | %d | |" % count["loadfail"])
    o.append("| ... tool or build failure | %d | |" % count["failed"])
    if count["unloaded"] or count["notbuilt"]:
        o.append("| not run (built, not loaded / not built) | %d / %d | |"
                 % (count["unloaded"], count["notbuilt"]))
    o.append("| failures and refusals reviewed as tool defects | %d | |" % len(defects))
    o.append("| failures and refusals not reviewed | %d | |" % len(unreviewed))
    o.append("")
    o.append("The changed files that are not patches of the corpus (%d):"
             % len(dropped))
    o.append("")
    for why, k in sorted(drop_why.items(), key=lambda x: -x[1]):
        o.append("- %d: %s" % (k, why))
    o.append("")
    facts_text = ", ".join("%s %s" % (k, v) for k, v in facts.items()
                           if k not in ("old", "new", "abi"))
    if facts_text:
        o.append("Run: %s." % facts_text)
        o.append("")
    o.append("Subjects and CVE ids come from Debian's changelog, tied to files by a heuristic "
             "(see the README): a subject may be missing or misplaced.")
    o.append("")
    o.append("## Patches")
    o.append("")
    o.append("| patch | target | upstream subjects / CVEs | outcome | time (s) |")
    o.append("|---|---|---|---|---:|")
    for p in patches:
        subj = "; ".join(p.subjects) if p.subjects else "(no subject matched)"
        if p.cves:
            subj += " — " + ", ".join(p.cves)
        target = "vmlinux" if p.target == "vmlinux" else os.path.basename(p.target)
        o.append("| `%s` | %s | %s | %s | %s |" % (p.path, target, md(subj),
                                                   outcome_cell(p, reviews), p.secs))
    o.append("")
    with open(out, "w") as f:
        f.write("\n".join(o))


def main(argv):
    if len(argv) >= 4 and argv[1] == "outcomes":
        for p in load_patches(argv[2], argv[3], argv[4:]):
            print("%s\t%s\t%s" % (p.id, p.outcome, p.detail))
        return 0
    if len(argv) >= 6 and argv[1] == "results":
        facts = {}
        for kv in argv[6:]:
            k, _, v = kv.partition("=")
            facts[k] = v
        write_results(argv[2], argv[3], argv[4], argv[5], facts)
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
