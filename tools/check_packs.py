#!/usr/bin/env python3
"""Check the built-in rule packs (rules/*.toml) against the schema of rules/README.md.

Checks, per pack:
  * keys and required fields of [pack], [[table]], [[table.row]], [[table.virtual]], [[rule]];
  * severities, for_each values, kebab-case names, rule ids (prefix, uniqueness across packs);
  * expressions (virtuals, `when`, `expr`) parse with the README grammar and only name declared
    row keys, column keys, virtuals, `value` and globs that match at least one row key;
  * labels: non-empty after normalisation, unique within a table unless told apart by `after`,
    `after` naming a row declared earlier;
  * against the corpus seeds: every row label is found (after normalisation) in the table region
    of the seed that shows that format, in order of `after`; table and pack detection fire on the
    seeds of their own format and not on the others.

Usage: python3 tools/check_packs.py [--rules DIR] [--seeds DIR]
Exit status 0 when clean, 1 when any error was found.
"""

from __future__ import annotations

import argparse
import fnmatch
import re
import sys
import tomllib
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEEDS = Path("/work/shared/corpus/seeds")

PACK_KEYS = {"id", "name", "description", "reference", "priority", "detect"}
PACK_REQUIRED = PACK_KEYS
TABLE_KEYS = {"id", "title", "detect", "align", "columns", "row", "virtual"}
TABLE_REQUIRED = {"id", "title", "detect", "row"}
DETECT_KEYS = {"any", "all", "none"}
COLUMN_KEYS = {"key", "label"}
ROW_KEYS = {"key", "label", "aliases", "after", "unlabeled"}
VIRTUAL_KEYS = {"key", "expr", "label"}
RULE_KEYS = {"id", "name", "table", "severity", "for_each", "columns", "rows", "when", "expr",
             "message", "reference", "explain"}
RULE_REQUIRED = {"id", "name", "table", "severity", "expr", "message", "reference", "explain"}
SEVERITIES = {"error", "warning", "info"}
FOR_EACH = {"column", "row", "cell"}
KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")

# ---------------------------------------------------------------------------------------------
# Label normalisation (rules/README.md "Label matching")

QUOTES = "\"'“”‘’「」『』〝〞"
MARKER = re.compile(
    r"^(?:其中:|[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|\(\d+\)|\d+[.、])"
)
TRAILING_NOTE = re.compile(r"\([^()]*\)$")


def squash(text: str) -> str:
    """NFKC, no whitespace, no quotes: the form detection strings are compared in."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text)
    return "".join(ch for ch in text if ch not in QUOTES)


def normalise(label: str) -> str:
    """squash(), then strip leading item markers and trailing parenthetical notes."""
    text = squash(label)
    while True:
        stripped = MARKER.sub("", text, count=1)
        stripped = TRAILING_NOTE.sub("", stripped) if stripped else stripped
        if stripped == text:
            return text
        text = stripped


# ---------------------------------------------------------------------------------------------
# Expressions

TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*(?:\.\*)?(?:\[[A-Za-z0-9_.]+\])?)"
    r"|(?P<op>==|!=|<=|>=|<|>|[-+*/(),]))"
)
COMPARISONS = {"==", "!=", "<=", ">=", "<", ">"}


class ExprError(Exception):
    """An expression that does not parse."""


def tokenize(src: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    src = src.rstrip()
    while pos < len(src):
        m = TOKEN.match(src, pos)
        if not m or m.end() == pos:
            raise ExprError(f"unexpected text at {pos}: {src[pos:pos + 12]!r}")
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class Parser:
    """Recursive descent over the README grammar; collects names and globs."""

    def __init__(self, src: str):
        self.toks = tokenize(src)
        self.i = 0
        self.names: list[str] = []
        self.globs: list[str] = []
        self.comparisons = 0
        self.connectives = 0

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def take(self, value=None):
        tok = self.peek()
        if tok[0] is None or (value is not None and tok[1] != value):
            raise ExprError(f"expected {value or 'a token'}, found {tok[1]!r}")
        self.i += 1
        return tok

    def done(self):
        if self.i != len(self.toks):
            raise ExprError(f"trailing tokens from {self.peek()[1]!r}")

    def condition(self):
        self.comparison()
        while self.peek() in (("name", "and"), ("name", "or")):
            self.take()
            self.connectives += 1
            self.comparison()

    def comparison(self):
        self.arith()
        kind, value = self.peek()
        if value not in COMPARISONS:
            raise ExprError("expected a comparison")
        self.take()
        self.comparisons += 1
        self.arith()

    def arith(self):
        self.term()
        while self.peek()[1] in ("+", "-"):
            self.take()
            self.term()

    def term(self):
        self.factor()
        while self.peek()[1] in ("*", "/"):
            self.take()
            self.factor()

    def factor(self, in_sum=False):
        kind, value = self.peek()
        if kind == "num":
            self.take()
        elif value == "-":
            self.take()
            self.factor()
        elif value == "(":
            self.take()
            self.arith()
            self.take(")")
        elif kind == "name" and value == "sum":
            self.take()
            self.take("(")
            self.sum_arg()
            while self.peek()[1] == ",":
                self.take()
                self.sum_arg()
            self.take(")")
        elif kind == "name" and value not in ("and", "or"):
            if value.endswith(".*") or ".*[" in value:
                raise ExprError(f"glob {value!r} outside sum()")
            self.take()
            self.names.append(value)
        else:
            raise ExprError(f"unexpected {value!r}")

    def sum_arg(self):
        kind, value = self.peek()
        if kind == "name" and (value.endswith(".*") or ".*[" in value):
            self.take()
            self.globs.append(value)
        else:
            self.arith()


def parse(src: str, mode: str) -> Parser:
    """mode: 'arith' (virtual), 'expr' (one comparison), 'when' (comparisons with and/or)."""
    p = Parser(src)
    if mode == "arith":
        p.arith()
    elif mode == "expr":
        p.comparison()
    else:
        p.condition()
    p.done()
    return p


# ---------------------------------------------------------------------------------------------
# Schema


class Report:
    def __init__(self):
        self.errors: list[str] = []
        self.notes: list[str] = []

    def err(self, where: str, msg: str):
        self.errors.append(f"ERROR {where}: {msg}")

    def note(self, msg: str):
        self.notes.append(msg)


def unknown_keys(rep, where, obj, allowed):
    for k in obj:
        if k not in allowed:
            rep.err(where, f"unknown key {k!r}")


def missing_keys(rep, where, obj, required):
    for k in sorted(required):
        if k not in obj:
            rep.err(where, f"missing required key {k!r}")


def nonempty_str(rep, where, obj, key):
    v = obj.get(key)
    if v is not None and (not isinstance(v, str) or not v.strip()):
        rep.err(where, f"{key!r} must be a non-empty string")


def check_detect(rep, where, det, allowed):
    if not isinstance(det, dict):
        rep.err(where, "detect must be a table")
        return
    unknown_keys(rep, where, det, allowed)
    for k, v in det.items():
        if not isinstance(v, list) or not all(isinstance(s, str) and s.strip() for s in v):
            rep.err(where, f"detect.{k} must be a list of non-empty strings")
    if not det.get("any") and not det.get("all"):
        rep.err(where, "detect needs at least one string in any or all")


class TableInfo:
    def __init__(self, tid, columns, rows, virtuals, labels):
        self.id = tid
        self.columns = columns          # list of column keys
        self.rows = rows                # list of row keys (may include "")
        self.virtuals = virtuals        # list of virtual keys
        self.labels = labels            # row key -> (normalised label set, after)

    def row_keys(self):
        return [r for r in self.rows if r] + self.virtuals

    def glob_matches(self, glob):
        prefix = glob[:-1]  # "x.*" -> "x."
        return [k for k in self.row_keys() if k.startswith(prefix)]


def check_table(rep, pack_id, t, idx) -> TableInfo | None:
    where = f"{pack_id} table[{idx}] {t.get('id', '?')}"
    unknown_keys(rep, where, t, TABLE_KEYS)
    missing_keys(rep, where, t, TABLE_REQUIRED)
    for k in ("id", "title"):
        nonempty_str(rep, where, t, k)
    if "detect" in t:
        check_detect(rep, where, t["detect"], DETECT_KEYS)
    if t.get("align", "left") not in ("left", "right"):
        rep.err(where, f"align must be left or right, not {t['align']!r}")
    columns = []
    for j, c in enumerate(t.get("columns", [])):
        cw = f"{where} column[{j}]"
        unknown_keys(rep, cw, c, COLUMN_KEYS)
        missing_keys(rep, cw, c, COLUMN_KEYS)
        if not KEY.match(c.get("key", "")):
            rep.err(cw, f"bad column key {c.get('key')!r}")
        if c.get("key") in columns:
            rep.err(cw, f"duplicate column key {c['key']!r}")
        columns.append(c.get("key"))
    if "columns" in t and not columns:
        rep.err(where, "columns is empty: omit it for a single unnamed value column")
    rows, labels = [], {}
    seen_norm: dict[tuple[str, str | None], str] = {}
    for j, r in enumerate(t.get("row", [])):
        rw = f"{where} row[{j}] {r.get('key', '?')}"
        unknown_keys(rep, rw, r, ROW_KEYS)
        key = r.get("key")
        if key is None:
            rep.err(rw, "missing required key 'key'")
            continue
        unl = r.get("unlabeled", False)
        if not isinstance(unl, bool):
            rep.err(rw, "unlabeled must be a boolean")
        if key == "":
            if not unl:
                rep.err(rw, "an empty row key is only allowed on an unlabeled row")
            if not columns:
                rep.err(rw, "an unlabeled row with an empty key needs named columns")
        elif not KEY.match(key):
            rep.err(rw, f"bad row key {key!r}")
        if key in rows:
            rep.err(rw, f"duplicate row key {key!r}")
        after = r.get("after")
        if after is not None and after not in rows:
            rep.err(rw, f"after = {after!r} does not name a row declared earlier")
        if unl:
            if "label" in r or "aliases" in r:
                rep.err(rw, "an unlabeled row has no label or aliases")
            rows.append(key)
            continue
        if "label" not in r:
            rep.err(rw, "missing required key 'label'")
            rows.append(key)
            continue
        forms = [r["label"]] + list(r.get("aliases", []))
        norms = set()
        for f in forms:
            if not isinstance(f, str) or not normalise(f):
                rep.err(rw, f"label/alias {f!r} is empty after normalisation")
                continue
            n = normalise(f)
            norms.add(n)
            other = seen_norm.get((n, after))
            if other is not None:
                rep.err(rw, f"label {f!r} normalises like the label of {other!r} "
                            f"with the same 'after' ({after!r})")
            seen_norm[(n, after)] = key
        rows.append(key)
        labels[key] = (norms, after)
    if not rows:
        rep.err(where, "a table needs at least one row")
    # duplicate labels not told apart by `after` at all
    by_norm: dict[str, list[str]] = {}
    for key, (norms, _after) in labels.items():
        for n in norms:
            by_norm.setdefault(n, []).append(key)
    for n, keys in by_norm.items():
        for k in keys[1:]:
            if labels[k][1] is None:
                rep.err(where, f"label {n!r} of row {k!r} repeats the label of {keys[0]!r}: "
                               f"it needs 'after'")
    virtuals = []
    info = TableInfo(t.get("id"), columns, rows, virtuals, labels)
    for j, v in enumerate(t.get("virtual", [])):
        vw = f"{where} virtual[{j}] {v.get('key', '?')}"
        unknown_keys(rep, vw, v, VIRTUAL_KEYS)
        missing_keys(rep, vw, v, VIRTUAL_KEYS)
        key = v.get("key", "")
        if not KEY.match(key):
            rep.err(vw, f"bad virtual key {key!r}")
        if key in rows or key in virtuals:
            rep.err(vw, f"virtual key {key!r} collides with a row or virtual")
        try:
            p = parse(v.get("expr", ""), "arith")
            check_names(rep, vw, info, p, scope="column")
            for g in p.globs:
                if key in info.glob_matches(g):
                    rep.err(vw, f"glob {g!r} includes the virtual itself")
        except ExprError as e:
            rep.err(vw, f"expr: {e}")
        virtuals.append(key)
    return info


def full_names(info: TableInfo) -> set[str]:
    names = set()
    if info.columns:
        for r in info.row_keys():
            for c in info.columns:
                names.add(f"{r}[{c}]")
        if "" in info.rows:
            names.update(info.columns)
    else:
        names.update(info.row_keys())
    return names


def check_names(rep, where, info: TableInfo, p: Parser, scope: str | None):
    allowed = full_names(info)
    if scope == "column":
        allowed |= set(info.row_keys())
    elif scope == "row":
        allowed |= set(info.columns)
    elif scope == "cell":
        allowed.add("value")
    for n in p.names:
        if n not in allowed:
            rep.err(where, f"name {n!r} is not a declared fact name in this context")
    for g in p.globs:
        if "[" in g:
            base, col = g[:-1].split("[")
            if col not in info.columns:
                rep.err(where, f"glob {g!r}: unknown column {col!r}")
            g = base
        elif info.columns and scope != "column":
            rep.err(where, f"glob {g!r} needs a column here (for_each is not 'column')")
        if not info.glob_matches(g):
            rep.err(where, f"glob {g!r} matches no row key")


def check_rule(rep, pack_id, r, idx, tables: dict[str, TableInfo], ids: dict[str, str]):
    where = f"{pack_id} rule[{idx}] {r.get('id', '?')}"
    unknown_keys(rep, where, r, RULE_KEYS)
    missing_keys(rep, where, r, RULE_REQUIRED)
    for k in ("id", "name", "table", "reference", "expr", "when"):
        nonempty_str(rep, where, r, k)
    rid = r.get("id", "")
    if not rid.startswith(pack_id + "-"):
        rep.err(where, f"rule id must start with {pack_id + '-'!r}")
    if not re.match(r"^[A-Z0-9]+(-[A-Z0-9]+)+$", rid):
        rep.err(where, "rule id must be upper-case words joined by '-'")
    if rid in ids:
        rep.err(where, f"duplicate rule id (also in {ids[rid]})")
    ids[rid] = pack_id
    if not KEBAB.match(r.get("name", "")):
        rep.err(where, f"name {r.get('name')!r} is not kebab-case")
    if r.get("severity") not in SEVERITIES:
        rep.err(where, f"severity {r.get('severity')!r} not in {sorted(SEVERITIES)}")
    fe = r.get("for_each")
    if fe is not None and fe not in FOR_EACH:
        rep.err(where, f"for_each {fe!r} not in {sorted(FOR_EACH)}")
    msg = r.get("message", {})
    if not isinstance(msg, dict) or set(msg) != {"zh", "en"} or not all(
            isinstance(v, str) and v.strip() for v in msg.values()):
        rep.err(where, "message must be { zh = \"…\", en = \"…\" }, both non-empty")
    ex = r.get("explain", {})
    if not isinstance(ex, dict) or set(ex) != {"what", "why", "example"} or not all(
            isinstance(v, str) and v.strip() for v in ex.values()):
        rep.err(where, "[rule.explain] must have non-empty what, why and example (nothing else)")
    info = tables.get(r.get("table"))
    if info is None:
        rep.err(where, f"table {r.get('table')!r} is not declared in the pack")
        return
    if "columns" in r:
        if fe != "column":
            rep.err(where, "columns is only allowed with for_each = \"column\"")
        for c in r["columns"]:
            if c not in info.columns:
                rep.err(where, f"unknown column {c!r}")
    if fe == "column" and not info.columns:
        rep.err(where, "for_each = \"column\" on a table without named columns")
    if fe == "row" and not info.columns:
        rep.err(where, "for_each = \"row\" on a table without named columns")
    if "rows" in r:
        if fe not in ("row", "cell"):
            rep.err(where, "rows is only allowed with for_each = \"row\" or \"cell\"")
        for g in r["rows"]:
            pat = g
            if not any(fnmatch.fnmatchcase(k, pat) or k == pat for k in info.row_keys()):
                rep.err(where, f"rows entry {g!r} matches no row key")
    for field, mode in (("expr", "expr"), ("when", "when")):
        if field not in r:
            continue
        try:
            p = parse(r[field], mode)
            check_names(rep, f"{where} {field}", info, p, scope=fe)
        except ExprError as e:
            rep.err(where, f"{field}: {e}")


def check_pack(rep, path: Path, ids: dict[str, str]) -> dict | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        rep.err(path.name, f"does not parse: {e}")
        return None
    unknown_keys(rep, path.name, data, {"pack", "table", "rule"})
    pack = data.get("pack", {})
    pid = pack.get("id", path.stem)
    where = f"{pid} [pack]"
    unknown_keys(rep, where, pack, PACK_KEYS)
    missing_keys(rep, where, pack, PACK_REQUIRED)
    for k in ("id", "name", "description", "reference"):
        nonempty_str(rep, where, pack, k)
    if not isinstance(pack.get("priority", 0), int):
        rep.err(where, "priority must be an integer")
    if "detect" in pack:
        check_detect(rep, where, pack["detect"], {"any"})
    tables: dict[str, TableInfo] = {}
    for i, t in enumerate(data.get("table", [])):
        info = check_table(rep, pid, t, i)
        if info and info.id in tables:
            rep.err(f"{pid} table[{i}]", f"duplicate table id {info.id!r}")
        if info:
            tables[info.id] = info
    if not tables:
        rep.err(pid, "no [[table]]")
    rules = data.get("rule", [])
    for i, r in enumerate(rules):
        check_rule(rep, pid, r, i, tables, ids)
    data["_tables"] = tables
    return data


# ---------------------------------------------------------------------------------------------
# Seeds

# (seed file prefix, first line, last line) of each table region; 1-based, inclusive.
REGIONS = {
    "f2014_000": ("000", 62, 259),
    "zj2013_000": ("000", 283, 391),
    "f2014_001": ("001", 35, 271),
    "f2019_t2_002": ("002", 15, 32),
    "f2019_t3_002": ("002", 34, 59),
    "f2019_t4_002": ("002", 61, 64),
}


def is_bj(key: str) -> bool:
    return key == "active.key_areas" or key.startswith("active.key_areas.")


# (pack id, table id, region, row filter, required?) — a label not found in a required check is
# an error; in an informational check it is only listed.
LABEL_CHECKS = [
    ("F2014", "stats", "f2014_000", lambda k: not is_bj(k), True),
    ("F2014", "stats", "f2014_001", is_bj, True),
    ("F2014", "stats", "f2014_001", lambda k: not is_bj(k), False),
    ("F2019", "t2", "f2019_t2_002", lambda k: True, True),
    ("F2019", "t2b", "f2019_t2_002", lambda k: True, True),
    ("F2019", "t2c", "f2019_t2_002", lambda k: True, True),
    ("F2019", "t3", "f2019_t3_002", lambda k: True, True),
    ("ZJ2013", "stats", "zj2013_000", lambda k: True, True),
    # F2021 has no seed: its rows shared with F2019 must be found in seed 002
    ("F2021", "t3", "f2019_t3_002",
     lambda k: not k.startswith("apply.result.other") and k != "apply.result.total", True),
    ("F2021", "t2b", "f2019_t2_002", lambda k: True, True),
    ("F2021", "t2", "f2019_t2_002", lambda k: k == "disclose.rules", True),
]

# (pack id, table id, region, must the table's detect fire?)
DETECT_CHECKS = [
    ("F2014", "stats", "f2014_000", True), ("F2014", "stats", "f2014_001", True),
    ("F2014", "stats", "zj2013_000", False), ("ZJ2013", "stats", "zj2013_000", True),
    ("ZJ2013", "stats", "f2014_000", False), ("ZJ2013", "stats", "f2014_001", False),
    ("F2019", "t2", "f2019_t2_002", True), ("F2019", "t2b", "f2019_t2_002", True),
    ("F2019", "t2c", "f2019_t2_002", True), ("F2019", "t3", "f2019_t3_002", True),
    ("F2019", "t4", "f2019_t4_002", True),
    ("F2021", "t2", "f2019_t2_002", False), ("F2021", "t2b", "f2019_t2_002", False),
    ("F2021", "t3", "f2019_t3_002", False), ("F2021", "t4", "f2019_t4_002", True),
    ("F2019", "t3", "f2014_000", False), ("F2014", "stats", "f2019_t3_002", False),
]

# (pack id, seed, must the pack's detect fire?)
PACK_DETECT = [
    ("F2014", "000", True), ("F2014", "001", True), ("F2014", "002", False),
    ("ZJ2013", "000", True), ("ZJ2013", "001", False), ("ZJ2013", "002", False),
    ("F2019", "002", True), ("F2021", "002", False), ("F2021", "000", False),
    ("F2021", "001", False),
]


def seed_lines(seeds: Path, prefix: str) -> list[str]:
    [path] = sorted(seeds.glob(prefix + "_*.txt"))
    return path.read_text(encoding="utf-8").splitlines()


def region_cells(seeds, region) -> list[tuple[int, str]]:
    prefix, first, last = REGIONS[region]
    lines = seed_lines(seeds, prefix)
    cells = []
    for no in range(first, last + 1):
        for cell in lines[no - 1].split("|"):
            n = normalise(cell)
            if n:
                cells.append((no, n))
    return cells


def region_text(seeds, region) -> str:
    prefix, first, last = REGIONS[region]
    return squash("\n".join(seed_lines(seeds, prefix)[first - 1:last]))


def detect_fires(det: dict, text: str) -> bool:
    anys = [squash(s) for s in det.get("any", [])]
    alls = [squash(s) for s in det.get("all", [])]
    nones = [squash(s) for s in det.get("none", [])]
    if anys and not any(s in text for s in anys):
        return False
    if not all(s in text for s in alls):
        return False
    return not any(s in text for s in nones)


def check_seeds(rep, packs: dict[str, dict], seeds: Path):
    for pid, tid, region, keep, required in LABEL_CHECKS:
        info: TableInfo = packs[pid]["_tables"][tid]
        cells = region_cells(seeds, region)
        found_at: dict[str, int] = {}
        missing = []
        checked = 0
        for key in info.rows:
            if key not in info.labels or not keep(key):
                continue
            checked += 1
            norms, after = info.labels[key]
            start = 0
            if after is not None:
                if after not in found_at:
                    missing.append(f"{key} (its 'after' row {after} was not found)")
                    continue
                start = found_at[after] + 1
            hit = next((i for i, (_, n) in enumerate(cells) if i >= start and n in norms), None)
            if hit is None:
                missing.append(f"{key} {sorted(norms)}")
                continue
            clash = [k for k, i in found_at.items() if i == hit]
            if clash:
                rep.err(f"{pid}/{tid} labels in {region}",
                        f"{key} and {clash[0]} match the same cell (L{cells[hit][0]})")
            found_at[key] = hit
            later = [cells[i][0] for i in range(hit + 1, len(cells)) if cells[i][1] in norms]
            if later and after is None:
                rep.note(f"  note {pid}/{tid}: label of {key} also occurs at "
                         f"{region} L{later} (first match L{cells[hit][0]} is used)")
        tag = "required" if required else "informational"
        status = "ok" if not missing else f"{len(missing)} missing"
        rep.note(f"labels {pid}/{tid} in {region} ({tag}): {checked - len(missing)}/{checked} "
                 f"found, {status}")
        for m in missing:
            if required:
                rep.err(f"{pid}/{tid} labels in {region}", f"not found: {m}")
            else:
                rep.note(f"  not found (informational): {m}")
    for pid, tid, region, expected in DETECT_CHECKS:
        det = next(t["detect"] for t in packs[pid]["table"] if t["id"] == tid)
        fired = detect_fires(det, region_text(seeds, region))
        rep.note(f"detect {pid}/{tid} on {region}: {'fires' if fired else 'silent'}"
                 f"{'' if fired == expected else '  <-- WRONG'}")
        if fired != expected:
            rep.err(f"{pid}/{tid} detect", f"on {region} expected "
                                            f"{'to fire' if expected else 'silence'}")
    for pid, prefix, expected in PACK_DETECT:
        text = squash("\n".join(seed_lines(seeds, prefix)))
        fired = detect_fires(packs[pid]["pack"]["detect"], text)
        rep.note(f"pack detect {pid} on seed {prefix}: {'fires' if fired else 'silent'}"
                 f"{'' if fired == expected else '  <-- WRONG'}")
        if fired != expected:
            rep.err(f"{pid} pack detect", f"on seed {prefix} expected "
                                          f"{'to fire' if expected else 'silence'}")


def self_test():
    """The normaliser must treat the README's examples alike."""
    assert normalise("（二）部分公开（区分处理的，只计这一情形，不计其他情形）") == "部分公开"
    assert normalise("(二)部分公开") == "部分公开"
    assert normalise("其中：主动公开规范性文件数") == "主动公开规范性文件数"
    assert normalise("统 计 指 标") == "统计指标"
    assert normalise("3.危及“三安全一稳定”") == "危及三安全一稳定"
    assert normalise("1．当面申请数") == "当面申请数"
    assert normalise("（1）当面申请数") == "当面申请数"
    assert normalise("(一)主动公开政府信息数 (不同渠道和方式公开相同信息计1条)") == "主动公开政府信息数"
    p = parse("a.b + sum(c.*, d) == e[total]", "expr")
    assert p.names == ["a.b", "d", "e[total]"] and p.globs == ["c.*"]
    for bad, mode in (("a + b", "expr"), ("a == b and c == d", "expr"), ("a == ", "expr"),
                      ("x.* == 1", "expr")):
        try:
            parse(bad, mode)
        except ExprError:
            continue
        raise AssertionError(f"{bad!r} should not parse as {mode}")
    parse("a > 0 and b <= 2 or c == 1", "when")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rules", type=Path, default=ROOT / "rules")
    ap.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    args = ap.parse_args()
    self_test()
    rep = Report()
    ids: dict[str, str] = {}
    packs = {}
    for path in sorted(args.rules.glob("*.toml")):
        data = check_pack(rep, path, ids)
        if data is None:
            continue
        pid = data.get("pack", {}).get("id", path.stem)
        if pid in packs:
            rep.err(path.name, f"duplicate pack id {pid!r}")
        packs[pid] = data
        rules = data.get("rule", [])
        sev = {s: sum(1 for r in rules if r.get("severity") == s) for s in sorted(SEVERITIES)}
        rep.note(f"pack {pid} ({path.name}): {len(data['_tables'])} tables, "
                 f"{sum(len(t.rows) for t in data['_tables'].values())} rows, "
                 f"{len(rules)} rules {sev}")
        rep.note("  rules: " + " ".join(r.get("id", "?") for r in rules))
    if all(p in packs for p in ("F2014", "F2019", "F2021", "ZJ2013")) and args.seeds.is_dir():
        check_seeds(rep, packs, args.seeds)
    else:
        rep.note("seed checks skipped (a built-in pack or the seed directory is missing)")
    for line in rep.notes:
        print(line)
    for line in rep.errors:
        print(line)
    print(f"{len(packs)} packs, {len(ids)} rules, {len(rep.errors)} errors")
    return 1 if rep.errors else 0


if __name__ == "__main__":
    sys.exit(main())
