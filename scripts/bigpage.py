#!/usr/bin/env python3
"""One big HTML page holding many reports (a scraped "annual reports" compilation page): the
text reports of SRC, each line a `<p>` with the inline Word styles such pages carry, reports one
after another in a single page, until TARGET bytes. It stays under the HTML reader's budget of
1,000,000 tokens (tags and text runs): generated HTML reports, with a tag pair around every cell,
would exceed it after ~400 reports, so the lines of the text reports (tables as `|` rows) are
used instead. scripts/bench.sh reads it for time and peak memory.

usage: scripts/bigpage.py SRC_DIR OUT_FILE [TARGET_BYTES=60000000]
"""
import html
import os
import sys

src, out = sys.argv[1], sys.argv[2]
target = int(sys.argv[3]) if len(sys.argv) > 3 else 60_000_000

STYLE = ('class="MsoNormal" style="margin:0cm;margin-bottom:.0001pt;text-indent:24.0pt;'
         'line-height:28.0pt;font-size:16.0pt;font-family:仿宋_GB2312;mso-font-kerning:1.0pt;'
         'mso-ansi-language:EN-US"')
HEAD = ('<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        "<title>政府信息公开工作年度报告汇编</title>\n</head>\n<body>\n")
TAIL = "\n</body>\n</html>\n"

size, reports = len(HEAD.encode()) + len(TAIL.encode()), 0
with open(out, "w", encoding="utf-8") as f:
    f.write(HEAD)
    for name in sorted(os.listdir(src)):
        if not name.endswith(".txt"):
            continue
        with open(os.path.join(src, name), encoding="utf-8") as r:
            lines = [line.strip() for line in r if line.strip()]
        # No white space between tags: every text run between them would be one more token.
        body = "".join(f"<p {STYLE}>{html.escape(line, quote=False)}</p>" for line in lines)
        f.write(body)
        size += len(body.encode())
        reports += 1
        if size >= target:
            break
    f.write(TAIL)
if size < target:
    sys.exit(f"only {size} bytes from {reports} reports in {src}: generate more")
print(f"{out}: {reports} reports, {size} bytes")
