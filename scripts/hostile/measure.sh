#!/bin/bash
# Measure the hostile cases of issue 16 (exit code, wall time, peak RSS, first stderr line).
# Generate the inputs first: python3 scripts/hostile/gen.py (writes /tmp/h/in), then
#   scripts/hostile/measure.sh target/release/gouji after   -> /tmp/h/res-after.tsv
# usage: measure.sh BIN LABEL   -> appends rows to /tmp/h/res-LABEL.tsv
B=$1; L=$2; H=/work/shared/hostile; I=/tmp/h/in; OUT=/tmp/h/res-$L.tsv; : > $OUT
cd /tmp/h/in
run() { # name timeout cmd...
  local name=$1 to=$2; shift 2
  if [[ -n "$ONLY" && ! "$name" =~ $ONLY ]]; then return; fi
  local err=/tmp/h/err-$L-$name.txt
  ( ulimit -v 6000000; /usr/bin/time -v -o /tmp/h/time.txt timeout -s KILL $to "$@" >/tmp/h/out-$L-$name.txt 2>$err ) 2>/dev/null
  local rc=$?
  local rss=$(grep 'Maximum resident' /tmp/h/time.txt | awk '{print $6}')
  local wall=$(grep 'Elapsed (wall' /tmp/h/time.txt | awk '{print $8}')
  local outsz=$(stat -c %s /tmp/h/out-$L-$name.txt)
  local msg=$(grep -v '^\s*$' $err | head -c 300 | tr '\n\t\033' '  E' | cut -c1-220)
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$rc" "$wall" "$((rss/1024))MB" "$outsz" "$msg" >> $OUT
}
run 01-xlsx-XFD 60 $B check --format plain $H/xlsx-sparse-A1-XFD1048576-alloc-abort.xlsx r.txt
run 01b-xlsx-CV 60 $B check --format plain $H/xlsx-sparse-A1-CV1048576-3GB-rss.xlsx r.txt
run 02-html-rowspan 60 $B check --format plain rowspan.html r.txt
run 03-prose-line 60 $B check --format plain prose-line.txt r.txt
run 04-nested-20k 60 $B check --format plain nested.html r.txt
run 04b-nested-100k 60 $B check --format plain nested100k.html r.txt
run 05-xlsx-merges 60 $B check --format plain merges.xlsx r.txt
run 05b-xlsx-merges-1Mgrid 60 $B check --format plain merges2.xlsx r.txt
run 06-pipe-20MB 60 $B check --format plain pipe.txt r.txt
run 06b-html-10Mcells 60 $B check --format plain cells.html r.txt
run 07-pack-chain 60 $B check --format plain --pack $H/pack-expr-chain-stack-overflow.toml r.txt
run 08-fifo-arg 20 $B check --format plain fifo.txt r.txt
run 08b-devzero 20 $B check --format plain /dev/zero r.txt
run 08c-tree 20 $B check -v --format plain /tmp/h/tree
run 09-fifo-pack 10 $B check --format plain --pack fifo.toml r.txt
run 09b-fifo-config 10 $B check --format plain --config fifo.toml r.txt
run 09c-fifo-baseline 10 $B check --format plain --baseline fifo.toml r.txt
run 10-pack-100k 60 $B check --format plain --pack pack100k.toml r.txt
run 10b-pack-19k-4MB 60 $B check --format plain --pack pack19k.toml r.txt
GOUJI_PDFTOTEXT=/tmp/h/in/slowpdf.sh run 11-pdftotext-grandchild 30 $B check --format plain a.pdf r.txt
run 12-human-amplif 60 $B check --format human prose-out.txt
run 13-ods-msg 20 $B check --format plain bad.ods bad.xls /tmp/h/tree/loop.txt
run 14-evil-name 20 $B check --format plain $'evil\n\033[31mRED\033[0m.txt'
cp r.txt r2.txt; run 15-write-baseline 20 $B check --write-baseline r2.txt r2.txt; head -c 80 r2.txt | tr '\n' ' ' > /tmp/h/r2-$L.txt
run 16-two-spellings 20 $B check --format json r.txt ./r.txt ../in/r.txt
run 17-cellref-col 20 $B check --format plain $H/xlsx-calamine-cellref-col-mul-overflow.xlsx r.txt
run 17b-cellref-row 20 $B check --format plain $H/xlsx-calamine-cellref-row-mul-overflow.xlsx r.txt
