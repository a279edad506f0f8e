#!/usr/bin/env python3
"""Stress input for the prose reader: the prose lines with figures of the text reports in SRC
(sentences with numbers, no table rows), repeated until TARGET bytes, written twice to OUT:
`oneline.txt` holds them as one line, `split.txt` the same text with a line break after each
original line. Reading time should be linear in length: the one line takes at most about twice
the time of the split text (scripts/bench.sh times both).

usage: scripts/oneline.py SRC_DIR OUT_DIR [TARGET_BYTES=1500000]
"""
import os
import re
import sys

src, out = sys.argv[1], sys.argv[2]
target = int(sys.argv[3]) if len(sys.argv) > 3 else 1_500_000

lines = []
for name in sorted(os.listdir(src)):
    if not name.endswith(".txt"):
        continue
    with open(os.path.join(src, name), encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            # Prose with figures: a full sentence, some digits, no table separators.
            if len(line) >= 30 and re.search(r"\d", line) and line.endswith("。") \
                    and "|" not in line and "\t" not in line:
                lines.append(line)
if not lines:
    sys.exit(f"no prose lines with figures in {src}")

picked, size, i = [], 0, 0
while size < target:
    line = lines[i % len(lines)]
    picked.append(line)
    size += len(line.encode("utf-8"))
    i += 1

os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "oneline.txt"), "w", encoding="utf-8") as f:
    f.write("".join(picked) + "\n")
with open(os.path.join(out, "split.txt"), "w", encoding="utf-8") as f:
    f.write("\n".join(picked) + "\n")
print(f"{len(picked)} sentences, {size} bytes: {out}/oneline.txt and {out}/split.txt")
