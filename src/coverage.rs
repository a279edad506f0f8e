//! Coverage: what was read from a report and what was checked, computed once per file from its
//! [`Facts`] and the check's counts, so that no output calls a report clean when nothing in it
//! was checked.
//!
//! A file gets a [`Status`]: `checked` (tables read and their relations evaluated), `partial`
//! (some table checked, but a statutory table of the detected form is missing or none of a
//! found table's relations could be evaluated), `no-table` (no table relation could be
//! evaluated) or `unreadable`. When a table was expected but not read, [`Reason`]s say why.
//! The engine rules of `rules/gouji.toml` (`GOUJI-*`, info-level) turn the same account into
//! findings.

use crate::check::{RuleFilter, RuleStats};
use crate::extract::label::normalize;
use crate::extract::{Fact, FactValue, Facts, TableInstance};
use crate::finding::{Finding, Lang, Relation, Term};
use crate::number::{parse_cell, CellValue};
use crate::rules::expr::CmpOp;
use crate::rules::{Registry, Rule};
use crate::source::{Document, Span};
use regex::Regex;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// How much of a file could be checked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Tables were read and their relations evaluated.
    Checked,
    /// A table was checked, but a statutory table of the detected form is missing or one of the
    /// tables found could not be checked.
    Partial,
    /// No table relation could be evaluated (no table, not read, or not filled in).
    #[default]
    NoTable,
    /// The file could not be read.
    Unreadable,
}

impl Status {
    /// Name used in output (`checked`, `partial`, `no-table`, `unreadable`).
    pub fn name(self) -> &'static str {
        match self {
            Status::Checked => "checked",
            Status::Partial => "partial",
            Status::NoTable => "no-table",
            Status::Unreadable => "unreadable",
        }
    }

    /// Name in the language asked for (`部分检查`…; the output name in English).
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (_, Lang::En) => self.name(),
            (Status::Checked, Lang::Zh) => "完整检查",
            (Status::Partial, Lang::Zh) => "部分检查",
            (Status::NoTable, Lang::Zh) => "未检查统计表",
            (Status::Unreadable, Lang::Zh) => "无法读取",
        }
    }

    /// True for a file with nothing checkable in it (`no-table` or `unreadable`).
    pub fn nothing_checked(self) -> bool {
        matches!(self, Status::NoTable | Status::Unreadable)
    }
}

/// Why a table expected in a report was not (fully) read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Reason {
    /// No statistics table anywhere in the file.
    NoTable,
    /// The text points to the table as an attachment (附件/附表) that is not in the file.
    Attachment {
        /// The line that points to it.
        text: String,
    },
    /// Row labels of known tables (or a run of numbers laid out like a table) were found, but
    /// the numbers could not be placed into cells.
    NotPlaced {
        /// The tables whose labels were found (`F2021 表三`); empty for a bare run of numbers.
        tables: Vec<String>,
    },
    /// A table with figures was found, but it matches no known form.
    UnknownTable,
    /// The form is there but not filled in (a blank template).
    NotFilledIn,
    /// Statutory tables of the detected form were not found.
    Missing {
        /// The tables (`F2021 表四`).
        tables: Vec<String>,
    },
    /// Tables were found but none of their relations could be evaluated.
    NotChecked {
        /// The tables (`F2021 表四`).
        tables: Vec<String>,
    },
}

impl Reason {
    /// The reason as a phrase.
    pub fn text(&self, lang: Lang) -> String {
        let list = |t: &[String]| t.join(if lang == Lang::Zh { "、" } else { ", " });
        match (self, lang) {
            (Reason::NoTable, Lang::Zh) => "未找到统计表".into(),
            (Reason::NoTable, Lang::En) => "no statistics table found".into(),
            (Reason::Attachment { .. }, Lang::Zh) => "统计表为附件，不在本文件中".into(),
            (Reason::Attachment { .. }, Lang::En) => {
                "the statistics table is an attachment (附件/附表), not in this file".into()
            }
            (Reason::NotPlaced { tables }, Lang::Zh) if tables.is_empty() => {
                "有成列的数字，但无法对应到任何已知表格的行".into()
            }
            (Reason::NotPlaced { tables }, Lang::En) if tables.is_empty() => {
                "numbers laid out like a table were found, but they could not be placed in any known form".into()
            }
            (Reason::NotPlaced { tables }, Lang::Zh) => {
                format!("找到了{}的行标签，但数字无法对应到单元格", list(tables))
            }
            (Reason::NotPlaced { tables }, Lang::En) => format!(
                "row labels of {} found but the numbers could not be placed",
                list(tables)
            ),
            (Reason::UnknownTable, Lang::Zh) => "找到了表格，但不是已知的统计表格式".into(),
            (Reason::UnknownTable, Lang::En) => {
                "a table with figures was found, but it matches no known form".into()
            }
            (Reason::NotFilledIn, Lang::Zh) => "表格未填写（空白模板）".into(),
            (Reason::NotFilledIn, Lang::En) => "the form is not filled in (blank template)".into(),
            (Reason::Missing { tables }, Lang::Zh) => format!("{}未找到", list(tables)),
            (Reason::Missing { tables }, Lang::En) => format!("{} not found", list(tables)),
            (Reason::NotChecked { tables }, Lang::Zh) => {
                format!("{}的勾稽关系均无法检查", list(tables))
            }
            (Reason::NotChecked { tables }, Lang::En) => {
                format!("none of the relations of {} could be checked", list(tables))
            }
        }
    }
}

/// One table read from the document with one pack table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TableRead {
    /// Pack (form) id (`F2021`).
    pub pack: String,
    /// Table id in the pack (`t3`).
    pub table: String,
    /// Short name (`表三`).
    pub name: String,
    /// Title.
    pub title: String,
    /// 1-based number of the table in the document.
    pub number: usize,
    /// Cells read (facts).
    pub cells: usize,
    /// Cells that held a number.
    pub numbers: usize,
    /// Cells whose value was recovered rather than read as printed.
    pub recovered: usize,
    /// Table relations evaluated, failed, not applicable and not checkable.
    pub rules: RuleStats,
}

/// The per-file account.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Coverage {
    /// Overall status.
    pub status: Status,
    /// Tables read, in document order.
    pub tables: Vec<TableRead>,
    /// Cells read from tables.
    pub cells: usize,
    /// Cells that held a number.
    pub numbers: usize,
    /// Cells recovered (see [`is_recovered`]).
    pub recovered: usize,
    /// Table relations (prose rules excluded): evaluated, failed, not applicable, not checkable.
    pub relations: RuleStats,
    /// Why a table expected in the report was not (fully) read; empty when `checked`.
    pub reasons: Vec<Reason>,
    /// Reporting year of the (first) report in the file, when known.
    pub year: Option<i32>,
}

impl Coverage {
    /// The account of a file that could not be read.
    pub fn unreadable() -> Self {
        Coverage {
            status: Status::Unreadable,
            ..Coverage::default()
        }
    }

    /// The reasons as one phrase (`表四 not found; …`).
    pub fn reasons_text(&self, lang: Lang) -> String {
        let sep = if lang == Lang::Zh { "；" } else { "; " };
        self.reasons
            .iter()
            .map(|r| r.text(lang))
            .collect::<Vec<_>>()
            .join(sep)
    }

    /// One sentence for a file that was not fully checked (`None` when it was): what was read
    /// and what was not.
    pub fn line(&self, lang: Lang) -> Option<String> {
        let why = self.reasons_text(lang);
        let (zh, en) = match self.status {
            Status::Checked | Status::Unreadable => return None,
            Status::Partial => ("部分检查", "partly checked"),
            Status::NoTable => ("未检查统计表", "table not checked"),
        };
        let read: Vec<String> = {
            let mut names: Vec<String> = Vec::new();
            for t in &self.tables {
                let n = format!("{} {}", t.pack, t.name);
                if !names.contains(&n) {
                    names.push(n);
                }
            }
            names
        };
        Some(match lang {
            Lang::Zh => {
                let mut s = format!("{zh}：{why}");
                if self.status == Status::Partial || self.cells > 0 {
                    s.push_str(&format!(
                        "（读到 {}，{} 个单元格，检查了 {} 条勾稽关系，{} 条无法检查）",
                        if read.is_empty() {
                            "无表格".to_string()
                        } else {
                            read.join("、")
                        },
                        self.cells,
                        self.relations.evaluated,
                        self.relations.not_checkable + self.relations.not_applicable
                    ));
                } else {
                    s.push_str("，表格数字未经检查");
                }
                s
            }
            Lang::En => {
                let mut s = format!("{en}: {why}");
                if self.status == Status::Partial || self.cells > 0 {
                    s.push_str(&format!(
                        " (read {}, {} cells; {} relations checked, {} not checkable)",
                        if read.is_empty() {
                            "no table".to_string()
                        } else {
                            read.join(", ")
                        },
                        self.cells,
                        self.relations.evaluated,
                        self.relations.not_checkable + self.relations.not_applicable
                    ));
                } else {
                    s.push_str("; no table figure was checked");
                }
                s
            }
        })
    }
}

/// Whether a fact's value was recovered (put back by the form from a degraded layout) rather
/// than read from a cell of its own: see [`crate::extract::Reading::is_recovered`].
pub fn is_recovered(fact: &Fact) -> bool {
    fact.read.is_recovered()
}

/// Lines of bare numbers outside any table from which a run "laid out like a table" is assumed.
const NUMBER_RUN: usize = 12;

/// Distinct row labels of one pack table on lines of their own that say "its labels are here".
const LABELS_FOUND: usize = 3;

/// Figures in one document table below which it is not taken for a statistics table.
const TABLE_FIGURES: usize = 6;

/// The first report year (≥ this) from which every annual report has a statistics table.
pub const FIRST_TABLE_YEAR: i32 = 2008;

static ATTACHMENT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.．、])?\s*(?:需要说明的(?:其他)?事项(?:与|和|及))?附[件表]\s*\d*\s*[:：]?\s*(?:.{0,40}统计表.{0,10})?$",
    )
    .ok()
});
static ATTACHED_FILE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:统计表|年度报告|附件|附表).{0,40}\.(?:docx?|xlsx?|wps|et|pdf)\b").ok()
});

/// The year of a table cell that says only which year it counts (`2020年`, `2020年度数据`,
/// `2020年统计数`), its text stripped of whitespace: `^(\d{4})\s*年度?(?:数据|统计数|数)?$`
/// with the year read as a number (so in ASCII digits).
fn year_cell(t: &str) -> Option<i32> {
    let digits = t
        .get(..4)
        .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))?;
    let rest = t[4..].strip_prefix('年')?;
    let rest = rest.strip_prefix('度').unwrap_or(rest);
    matches!(rest, "" | "数据" | "统计数" | "数")
        .then(|| digits.parse().ok())
        .flatten()
}

/// Build the account of one checked document.
pub fn account(
    doc: &Document,
    facts: &Facts,
    table_stats: &[RuleStats],
    registry: &Registry,
) -> Coverage {
    let mut cov = Coverage {
        year: facts.prose.segments.iter().find_map(|s| s.year),
        ..Coverage::default()
    };
    for (i, inst) in facts.tables.iter().enumerate() {
        let pack = &registry.packs[inst.pack];
        let def = &pack.tables[inst.table];
        let numbers = inst
            .facts
            .iter()
            .filter(|f| matches!(f.value, FactValue::Number(_)))
            .count();
        let recovered = inst.facts.iter().filter(|f| is_recovered(f)).count();
        let rules = table_stats.get(i).copied().unwrap_or_default();
        cov.cells += inst.facts.len();
        cov.numbers += numbers;
        cov.recovered += recovered;
        cov.relations.evaluated += rules.evaluated;
        cov.relations.failed += rules.failed;
        cov.relations.not_applicable += rules.not_applicable;
        cov.relations.not_checkable += rules.not_checkable;
        cov.tables.push(TableRead {
            pack: pack.id.clone(),
            table: def.id.clone(),
            name: def.short.clone(),
            title: def.title.clone(),
            number: inst.table_number,
            cells: inst.facts.len(),
            numbers,
            recovered,
            rules,
        });
    }
    if cov.tables.is_empty() {
        cov.status = Status::NoTable;
        cov.reasons.push(unread_reason(doc, facts, registry));
    } else if cov.relations.evaluated == 0 {
        cov.status = Status::NoTable;
        let names = names(cov.tables.iter());
        cov.reasons.push(if cov.numbers == 0 && cov.cells > 0 {
            Reason::NotFilledIn
        } else if cov.cells == 0 {
            Reason::NotPlaced { tables: names }
        } else {
            Reason::NotChecked { tables: names }
        });
    } else {
        let missing = missing_tables(facts, registry);
        if !missing.is_empty() {
            cov.reasons.push(Reason::Missing { tables: missing });
        }
        // A table found but none of whose relations could be evaluated, when another instance
        // of the same printed table was not checked either.
        let checked: HashSet<String> = names(cov.tables.iter().filter(|t| t.rules.evaluated > 0))
            .into_iter()
            .collect();
        let unchecked: Vec<String> = names(
            cov.tables
                .iter()
                .filter(|t| t.rules.evaluated == 0 && has_rules(registry, &t.pack, &t.table)),
        )
        .into_iter()
        .filter(|n| !checked.contains(n))
        .collect();
        if !unchecked.is_empty() {
            cov.reasons.push(Reason::NotChecked { tables: unchecked });
        }
        cov.status = if cov.reasons.is_empty() {
            Status::Checked
        } else {
            Status::Partial
        };
    }
    cov
}

/// `F2021 表三` names of tables, deduplicated, in order.
fn names<'a>(tables: impl Iterator<Item = &'a TableRead>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in tables {
        let n = format!("{} {}", t.pack, t.name);
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

fn has_rules(registry: &Registry, pack: &str, table: &str) -> bool {
    registry.rules_of(pack, table).any(|r| r.across.is_none())
}

/// Statutory tables of every pack with a table read, that were not read (by short name).
fn missing_tables(facts: &Facts, registry: &Registry) -> Vec<String> {
    let mut out = Vec::new();
    let mut packs: Vec<usize> = facts.tables.iter().map(|t| t.pack).collect();
    packs.dedup();
    let mut seen = HashSet::new();
    for pi in packs {
        if !seen.insert(pi) {
            continue;
        }
        let pack = &registry.packs[pi];
        let found: HashSet<&str> = facts
            .tables
            .iter()
            .filter(|t| t.pack == pi)
            .map(|t| pack.tables[t.table].short.as_str())
            .collect();
        for def in pack.tables.iter().filter(|d| !d.optional) {
            let name = format!("{} {}", pack.id, def.short);
            if !found.contains(def.short.as_str()) && !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

/// Lines of the prose (outside tables) with their view spans.
fn prose_lines<'a>(facts: &'a Facts) -> impl Iterator<Item = (&'a str, Span)> + 'a {
    facts.prose.paragraphs.iter().flat_map(|p| {
        let mut at = 0;
        p.text.split('\n').map(move |line| {
            let start = at;
            at += line.len() + 1;
            (line, p.view_span(start..start + line.len()))
        })
    })
}

/// What the prose of a document with no table read looks like.
struct Scan {
    /// Tables of packs detected in the document whose row labels stand on lines of their own
    /// (`F2021 表三`).
    tables: Vec<String>,
    /// Lines that are a bare number.
    bare_numbers: usize,
    /// Where the unread table starts: the first such label line, else the first bare number.
    at: Option<Span>,
}

fn scan(doc: &Document, facts: &Facts, registry: &Registry) -> Scan {
    let doc_text = crate::extract::label::fold(&doc.view);
    // Row labels of the tables whose signatures (or whose pack's) the document carries.
    let mut wanted: HashMap<&str, Vec<(usize, usize, usize)>> = HashMap::new();
    for (pi, pack) in registry.packs.iter().enumerate() {
        let pack_signed = pack.detect.matches(&doc_text);
        for (ti, def) in pack.tables.iter().enumerate() {
            if !pack_signed && !def.detect.matches(&doc_text) {
                continue;
            }
            for (ri, row) in def.rows.iter().enumerate() {
                for l in row.match_labels.iter().filter(|l| l.chars().count() >= 4) {
                    wanted.entry(l.as_str()).or_default().push((pi, ti, ri));
                }
            }
        }
    }
    let mut hits: HashMap<(usize, usize), HashSet<usize>> = HashMap::new();
    let mut bare_numbers = 0;
    let (mut first_label, mut first_number) = (None, None);
    for (line, span) in prose_lines(facts) {
        let t = line.trim().trim_end_matches('|').trim();
        if t.is_empty() || t.chars().count() > 60 {
            continue;
        }
        if matches!(parse_cell(t), CellValue::Number(_)) {
            bare_numbers += 1;
            first_number.get_or_insert(span);
            continue;
        }
        if let Some(rows) = wanted.get(normalize(t).as_str()) {
            first_label.get_or_insert(span);
            for &(pi, ti, ri) in rows {
                hits.entry((pi, ti)).or_default().insert(ri);
            }
        }
    }
    let mut labelled: Vec<(usize, usize)> = hits
        .iter()
        .filter(|(_, rows)| rows.len() >= LABELS_FOUND)
        .map(|(k, _)| *k)
        .collect();
    labelled.sort();
    let mut tables: Vec<String> = Vec::new();
    for (pi, ti) in labelled {
        let pack = &registry.packs[pi];
        let name = format!("{} {}", pack.id, pack.tables[ti].short);
        if !tables.contains(&name) {
            tables.push(name);
        }
    }
    let at = if tables.is_empty() {
        first_number
    } else {
        first_label
    };
    Scan {
        tables,
        bare_numbers,
        at,
    }
}

/// Why no table was read from a document with no table instance.
fn unread_reason(doc: &Document, facts: &Facts, registry: &Registry) -> Reason {
    let scan = scan(doc, facts, registry);
    if !scan.tables.is_empty() || scan.bare_numbers >= NUMBER_RUN {
        return Reason::NotPlaced {
            tables: scan.tables,
        };
    }
    let figures = |t: &crate::source::Table| {
        t.rows
            .iter()
            .flat_map(|r| r.cells.iter())
            .filter(|c| matches!(parse_cell(&c.text), CellValue::Number(_)))
            .count()
    };
    if doc.tables().any(|t| figures(t) >= TABLE_FIGURES) {
        return Reason::UnknownTable;
    }
    if let Some((text, _)) = attachment(facts) {
        return Reason::Attachment { text };
    }
    Reason::NoTable
}

/// The line pointing to an attached table, with its span.
fn attachment(facts: &Facts) -> Option<(String, Span)> {
    let (heading, file) = (ATTACHMENT.as_ref()?, ATTACHED_FILE.as_ref()?);
    prose_lines(facts).find_map(|(line, span)| {
        let t = line.trim();
        (t.chars().count() <= 80 && (heading.is_match(t) || file.is_match(t)))
            .then(|| (t.to_string(), span))
    })
}

/// The findings of the engine rules (`GOUJI-*`) for one document, for the rules `filter` lets
/// through.
pub fn findings(
    doc: &Document,
    facts: &Facts,
    cov: &Coverage,
    registry: &Registry,
    filter: &dyn RuleFilter,
) -> Vec<Finding> {
    let rule = |id: &str| {
        registry
            .rule(id)
            .map(|(_, r)| r)
            .filter(|r| r.engine && filter.enabled(r))
    };
    let mut out = Vec::new();
    let start_span = facts
        .prose
        .segments
        .first()
        .map(|s| s.start..s.start)
        .unwrap_or(0..0);
    for reason in &cov.reasons {
        match reason {
            Reason::Attachment { text } => {
                if let (Some(r), Some((_, span))) =
                    (rule("GOUJI-TABLE-ATTACHED"), attachment(facts))
                {
                    let detail = (format!("「{text}」"), format!("“{text}”"));
                    out.push(engine_finding(doc, r, TABLES_READ, Some(detail), span));
                }
            }
            Reason::NotPlaced { .. } | Reason::UnknownTable => {
                if let Some(r) = rule("GOUJI-NO-TABLE") {
                    let span = scan(doc, facts, registry).at.unwrap_or(start_span.clone());
                    let detail = (reason.text(Lang::Zh), reason.text(Lang::En));
                    out.push(engine_finding(doc, r, TABLES_READ, Some(detail), span));
                }
            }
            Reason::NoTable => {
                let year = cov.year.unwrap_or(0);
                if let (Some(r), true) = (rule("GOUJI-NO-TABLE"), year >= FIRST_TABLE_YEAR) {
                    let detail = (
                        format!("{year}年度报告中未找到统计表"),
                        format!("no statistics table found in this {year} report"),
                    );
                    out.push(engine_finding(
                        doc,
                        r,
                        TABLES_READ,
                        Some(detail),
                        start_span.clone(),
                    ));
                }
            }
            Reason::Missing { tables } => {
                let Some(r) = rule("GOUJI-TABLE-MISSING") else {
                    continue;
                };
                for name in tables {
                    let pack = name.split(' ').next().unwrap_or("");
                    let span = facts
                        .tables
                        .iter()
                        .find(|t| registry.packs[t.pack].id == pack)
                        .map(|t| t.span.start..t.span.start)
                        .unwrap_or(start_span.clone());
                    let one = Reason::Missing {
                        tables: vec![name.clone()],
                    };
                    let detail = (one.text(Lang::Zh), one.text(Lang::En));
                    out.push(engine_finding(doc, r, name, Some(detail), span));
                }
            }
            Reason::NotFilledIn | Reason::NotChecked { .. } => {}
        }
    }
    if let Some(r) = rule("GOUJI-TABLE-YEAR") {
        out.extend(year_findings(doc, facts, r, registry));
    }
    if let Some(r) = rule("GOUJI-CELL-NOT-NUMBER") {
        for bad in facts.tables.iter().flat_map(|t| t.not_numbers.iter()) {
            let detail = if bad.glued {
                (
                    format!(
                        "{}：{}（数字连在一起，没有一种拆分能使该行各栏之和等于总计）",
                        bad.row_label, bad.text
                    ),
                    format!(
                        "{}: {} (digits run together; no split makes the row add up to its total)",
                        bad.row_label, bad.text
                    ),
                )
            } else {
                (
                    format!("{}：{}", bad.row_label, bad.text),
                    format!("{}: {}", bad.row_label, bad.text),
                )
            };
            let mut f = engine_finding(doc, r, &bad.row_label, Some(detail), bad.span.clone());
            f.relation.left.single = Some(format!("{}（{}）", bad.row_label, bad.text));
            out.push(f);
        }
    }
    out
}

/// `<what> = 0, but it should be > 0`.
fn count_term(what: &str) -> Relation {
    Relation {
        left: Term {
            arithmetic: "0".into(),
            value: Decimal::ZERO,
            single: Some(what.to_string()),
        },
        op: CmpOp::Gt,
        right: Term {
            arithmetic: "0".into(),
            value: Decimal::ZERO,
            single: None,
        },
    }
}

/// What a count relation of the coverage findings counts when no table was read.
const TABLES_READ: &str = "读到的统计表";

/// A coverage finding: `<what> = 0, but it should be > 0`, with the detail (zh, en) appended to
/// the rule's message.
fn engine_finding(
    doc: &Document,
    rule: &Rule,
    what: &str,
    detail: Option<(String, String)>,
    span: Span,
) -> Finding {
    let (message_zh, message_en) = match detail {
        Some((zh, en)) => (
            format!("{}：{zh}", rule.message_zh),
            format!("{}: {en}", rule.message_en),
        ),
        None => (rule.message_zh.clone(), rule.message_en.clone()),
    };
    Finding {
        rule: rule.id.clone(),
        rule_name: rule.name.clone(),
        severity: rule.severity,
        message_zh,
        message_en,
        table: String::new(),
        scope: None,
        relation: count_term(what),
        position: doc.line_col(span.start),
        span,
        locator: None,
        cell: None,
        operands: Vec::new(),
        suggestion: None,
    }
}

/// Tables headed with a year other than their report's (and never with the report's own).
fn year_findings(doc: &Document, facts: &Facts, rule: &Rule, registry: &Registry) -> Vec<Finding> {
    let tables: Vec<&crate::source::Table> = doc.tables().collect();
    let mut done = HashSet::new();
    let mut out = Vec::new();
    for inst in &facts.tables {
        if !done.insert(inst.table_number) {
            continue;
        }
        let Some(table) = tables.get(inst.table_number.saturating_sub(1)) else {
            continue;
        };
        let seg = facts.prose.segment_at(inst.span.start);
        let Some(report_year) = facts.prose.segments.get(seg).and_then(|s| s.year) else {
            continue;
        };
        let first_fact = first_fact_row(inst, table);
        let mut other: Option<(i32, Span)> = None;
        let mut own = false;
        for row in table.rows.iter().take(first_fact) {
            for cell in &row.cells {
                let t: String = cell.text.chars().filter(|c| !c.is_whitespace()).collect();
                let Some(y) = year_cell(&t) else {
                    continue;
                };
                if y == report_year {
                    own = true;
                } else if other.is_none() {
                    other = Some((y, cell.span.clone()));
                }
            }
        }
        let (Some((year, span)), false) = (other, own) else {
            continue;
        };
        let def = &registry.packs[inst.pack].tables[inst.table];
        let zh = format!("表头为{year}年度，报告为{report_year}年度");
        let en = format!("the table is headed {year}, the report is for {report_year}");
        out.push(Finding {
            rule: rule.id.clone(),
            rule_name: rule.name.clone(),
            severity: rule.severity,
            message_zh: format!("{}（{zh}）", rule.message_zh),
            message_en: format!("{} ({en})", rule.message_en),
            table: def.short.clone(),
            scope: None,
            position: doc.line_col(span.start),
            locator: None,
            cell: None,
            relation: Relation {
                left: Term {
                    arithmetic: year.to_string(),
                    value: Decimal::from(year),
                    single: Some("表头年度".into()),
                },
                op: CmpOp::Eq,
                right: Term {
                    arithmetic: report_year.to_string(),
                    value: Decimal::from(report_year),
                    single: Some("报告年度".into()),
                },
            },
            span,
            operands: Vec::new(),
            suggestion: None,
        });
    }
    out
}

/// Index of the first table row holding a fact of `inst` (the rows above it are the header).
fn first_fact_row(inst: &TableInstance, table: &crate::source::Table) -> usize {
    let first = inst.facts.iter().map(|f| f.provenance.span.start).min();
    match first {
        Some(at) => table
            .rows
            .iter()
            .position(|r| r.cells.iter().any(|c| c.span.end > at))
            .unwrap_or(table.rows.len()),
        None => table.rows.len().min(3),
    }
}

#[cfg(test)]
mod tests {
    use super::year_cell;

    /// `year_cell` reads what the regex it replaces read: every string of up to four pieces
    /// around the pattern's edges.
    #[test]
    fn year_cell_reads_what_the_regex_read() {
        let re = regex::Regex::new(r"^(\d{4})\s*年度?(?:数据|统计数|数)?$").expect("regex");
        let pieces = [
            "2020",
            "２０２０",
            "202",
            "20201",
            "٢٠٢٠",
            "年",
            "度",
            "数据",
            "统计数",
            "数",
            "统计",
            "据",
            "表",
            "x",
            "",
        ];
        let mut n = 0;
        let mut years = 0;
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for d in pieces {
                        let t = format!("{a}{b}{c}{d}");
                        let want = re
                            .captures(&t)
                            .and_then(|c| c.get(1))
                            .and_then(|m| m.as_str().parse::<i32>().ok());
                        assert_eq!(year_cell(&t), want, "{t}");
                        n += 1;
                        years += usize::from(want.is_some());
                    }
                }
            }
        }
        assert!(n > 10_000 && years > 20, "{n} strings, {years} years");
    }
}
