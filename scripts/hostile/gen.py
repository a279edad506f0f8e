# Generate the large hostile inputs of issue 16 into /tmp/h/in (see scripts/hostile/measure.sh).
import os, zipfile, stat
D='/tmp/h/in'; os.makedirs(D, exist_ok=True)
H='/work/shared/hostile'
def w(n, s, mode='w'):
    with open(os.path.join(D,n), mode) as f: f.write(s)
# 2 html rowspan
w('rowspan.html', '<table><tr>' + '<td rowspan="0">2'*256 + ''.join('<tr><td>2' for _ in range(300000)) + '</table>')
# 4 nested
w('nested.html', '<table><tr><td>x'*20000)
w('nested100k.html', '<table><tr><td>x'*100000)
# 5 xlsx merges
def xlsx(name, sheet_xml):
    with zipfile.ZipFile(os.path.join(D,name),'w',zipfile.ZIP_DEFLATED) as z:
        z.writestr('[Content_Types].xml','<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        z.writestr('_rels/.rels','<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr('xl/workbook.xml','<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr('xl/_rels/workbook.xml.rels','<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr('xl/worksheets/sheet1.xml', sheet_xml)
import random
random.seed(1)
def col(n):
    s=''
    n+=1
    while n: n,r=divmod(n-1,26); s=chr(65+r)+s
    return s
merges=[]
for i in range(50000):
    r=random.randrange(1,1990); c=random.randrange(0,1990)
    merges.append(f'<mergeCell ref="{col(c)}{r}:{col(c+random.randrange(0,10))}{r+random.randrange(0,10)}"/>')
xlsx('merges.xlsx','<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="2000"><c r="BXX2000"><v>2</v></c></row></sheetData><mergeCells count="50000">'+''.join(merges)+'</mergeCells></worksheet>')
# 3 prose one line
w('prose-line.txt', '本年新收政府信息公开申请数量12件，'*50000)
# 12 output amplification
w('prose-out.txt', '共收到申请426件，其中当面申请355件、传真和信函申请45件、网上申请20件。'*1000)
# 6 memory: 20MB pipe dump
w('pipe.txt', ''.join('| 2 | 3 | 4 | 5 |\n' for _ in range(1200000)))
# 6 48MB html 10M cells
w('cells.html', '<table>' + ''.join('<tr>'+'<td>2'*10 for _ in range(1000000)) + '</table>')
# 10 pack 100k rules
rules=''.join(f'[[rule]]\nid = "X{i}"\nname = "r{i}"\nexpr = "a == b"\n\n' for i in range(100000))
w('pack100k.toml', rules)
# 14 evil name
w('evil\n\x1b[31mRED\x1b[0m.txt', '共收到申请426件，其中当面申请355件、传真和信函申请45件、网上申请20件。\n')
w('r.txt', '共收到申请426件，其中当面申请355件、传真和信函申请45件、网上申请20件。\n')
# 11 pdftotext wrapper
w('slowpdf.sh', '#!/bin/sh\nsleep 200 &\ncat >/dev/null\necho hello\n'); os.chmod(os.path.join(D,'slowpdf.sh'),0o755)
# 5b: 50,000 merged 2×2 blocks inside a 1000×1000 grid (within the cell budget: the merge lookup
# itself must be linear)
merges = []
k = 0
for r in range(1, 1000, 4):
    for c in range(0, 1000, 4):
        if k < 50000:
            merges.append(f'<mergeCell ref="{col(c)}{r}:{col(c+1)}{r+1}"/>')
            k += 1
xlsx('merges2.xlsx', '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1000"><c r="ALL1000"><v>2</v></c></row></sheetData><mergeCells count="%d">' % k + ''.join(merges) + '</mergeCells></worksheet>')
# 10: a valid pack with 100,000 rules (21 MB) and one cut to 4 MiB (~19,800 rules)
s = open(H + '/pack-expr-chain-stack-overflow.toml').read()
i = s.index('[[rule]]'); j = s.index('expr =', i); k2 = s.index('\n', j)
rule, tail, head = s[i:j], s[k2 + 1:], s[:i]
parts = [rule.replace('"X-1"', f'"X-{n}"').replace('"r1"', f'"r{n}"') + 'expr = "total == total"\n' + tail for n in range(100000)]
open(D + '/pack100k.toml', 'w').write(head + ''.join(parts))
out = head
for p in parts:
    if len(out) + len(p) > 4 * 1024 * 1024 - 100:
        break
    out += p
open(D + '/pack19k.toml', 'w').write(out)
# 13: a damaged ODS and XLS, a PDF whose page tree loops
with zipfile.ZipFile(D + '/bad.ods', 'w') as z:
    z.writestr('mimetype', 'application/vnd.oasis.opendocument.spreadsheet')
    z.writestr('content.xml', '<garbage')
open(D + '/bad.xls', 'wb').write(bytes.fromhex('D0CF11E0A1B11AE1') + b'\0' * 600)
# The walked tree and FIFOs are made in the shell:
#   mkdir -p /tmp/h/tree/sub && cd /tmp/h/tree && cp ../in/r.txt a.txt && mkfifo fifo.txt &&
#   ln -s a.txt link.txt && ln -s nowhere.txt dangling.txt && ln -s loop.txt loop.txt &&
#   ln -s .. sub/up && cp ../in/r.txt notes.dat && mkfifo /tmp/h/in/fifo.txt /tmp/h/in/fifo.toml
#   cp fixtures/pdf/hongze-2024.pdf /tmp/h/in/a.pdf
