#!/usr/bin/env python3
"""Compare `gouji check --format json` output with a gouji-gen manifest.

usage: recall.py CORPUS_DIR RESULT.json

Recall: share of injected inconsistencies for which the expected rule fired in that file with
the changed cell among its operands. False positives: error findings in files without an
injection. Exits 1 if recall < 1.
"""
import json
import os
import sys
from collections import Counter, defaultdict


def main():
    corpus, result = sys.argv[1], sys.argv[2]
    with open(result, encoding="utf-8") as f:
        out = json.load(f)
    by_file = defaultdict(list)
    for fd in out["findings"]:
        by_file[os.path.basename(fd["path"])].append(fd)
    manifest = []
    with open(os.path.join(corpus, "manifest.jsonl"), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                manifest.append(json.loads(line))
    injected = {m["file"] for m in manifest}
    found = 0
    missed = Counter()
    examples = []
    for m in manifest:
        hits = [
            fd for fd in by_file.get(m["file"], [])
            if fd["rule"] == m["rule"] and any(o["key"] == m["key"] for o in fd["operands"])
        ]
        if hits:
            found += 1
        else:
            missed[m["rule"]] += 1
            if len(examples) < 5:
                examples.append(m)
    unreadable = [fr["path"] for fr in out["files"] if fr["error"]]
    fp_files = Counter()
    for name, fds in by_file.items():
        if name not in injected:
            for fd in fds:
                if fd["severity"] == "error":
                    fp_files[fd["rule"]] += 1
    n = len(manifest)
    print(f"files checked: {out['summary']['files']}, unreadable: {len(unreadable)}")
    print(f"injected: {n}, found: {found}, recall: {found / n if n else 1:.4f}")
    print(f"error findings in clean files: {sum(fp_files.values())} {dict(fp_files)}")
    if missed:
        print(f"missed by rule: {dict(missed)}")
        for m in examples:
            print("  e.g.", json.dumps(m, ensure_ascii=False))
    if unreadable[:3]:
        print("  unreadable e.g.", unreadable[:3])
    return 0 if found == n and not unreadable else 1


if __name__ == "__main__":
    sys.exit(main())
