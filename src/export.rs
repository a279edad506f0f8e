//! `gouji extract`: the facts of reports as data, one row per fact (CSV or JSON).
//!
//! Rows come from the extraction stage ([`crate::extract::extract`]); nothing is re-parsed. The
//! issuer and year of a report are those the rules across reports group it by
//! ([`crate::across::identify`]: the title line, the 落款, `由某某人民政府编制`, the statistics
//! period, then the path), the issuer normalised (`莆田市科技局` → `莆田市科学技术局`, `莆田市` →
//! `莆田市人民政府`); a file holding several reports gives each table its own report's year and
//! issuer. They are left blank when not found.
//!
//! Next to the facts, a per-file manifest ([`ManifestRow`], `--manifest FILE`) keeps the account
//! of [`crate::coverage`]: input format, detected forms, facts read and the same status as
//! `gouji check` (`checked`, `partial`, `no-table` with its reasons, `unreadable` with the
//! error), so that "no table" and "not read" can be told apart without a second run.

mod concepts;

use crate::check::{check, AllRules};
use crate::coverage::{self, Coverage};
use crate::extract::{extract, FactValue};
use crate::finding::Lang;
use crate::rules::Registry;
use crate::source::Document;
use regex::Regex;
use serde::Serialize;
use std::borrow::Cow;
use std::io::{self, Write};
use std::sync::LazyLock;

/// How many lines from the top are searched for the issuer and year.
const HEAD_LINES: usize = 40;

static TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*([^\s\d，。,、：:；;（）()《》“”]{2,40}?)\s*(\d{4})\s*年度?\s*(?:[^\s\d，。,]{0,12}?)政府信息公开(?:工作)?年度?报告\s*$")
        .expect("static regex")
});
static YEAR_IN_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{4})\s*年度?[^。\n\d]{0,12}?政府信息公开(?:工作)?年度?报告")
        .expect("static regex")
});
static YEAR_IN_PERIOD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:统计期限|统计期)[^。\n]{0,8}?(\d{4})\s*年\s*1\s*月\s*1\s*日")
        .expect("static regex")
});
static ISSUER_BY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"由\s*([^\s\d，。,、：:；;（）()《》“”]{2,30}?(?:人民政府办公室|人民政府办公厅|人民政府|政府办公室|办公厅|办公室|委员会|管理局|局|厅|委))")
        .expect("static regex")
});

/// Issuer and year of a report, when its first lines say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportMeta {
    /// Issuing body (`北京市密云区古北口镇人民政府`).
    pub issuer: Option<String>,
    /// Reporting year.
    pub year: Option<u32>,
}

/// Guess issuer and year from the first lines of a view.
pub fn report_meta(view: &str) -> ReportMeta {
    let mut meta = ReportMeta::default();
    let head: Vec<&str> = view.lines().take(HEAD_LINES).collect();
    for line in &head {
        if let Some(c) = TITLE.captures(line) {
            meta.issuer = Some(c[1].to_string());
            meta.year = c[2].parse().ok();
            return meta;
        }
    }
    let text = head.join("\n");
    meta.year = YEAR_IN_TITLE
        .captures(&text)
        .or_else(|| YEAR_IN_PERIOD.captures(&text))
        .and_then(|c| c[1].parse().ok());
    meta.issuer = ISSUER_BY.captures(&text).map(|c| c[1].to_string());
    meta
}

/// One fact of one report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FactRow {
    /// File path as given.
    pub file: String,
    /// Issuer, when found.
    pub issuer: Option<String>,
    /// Year, when found.
    pub year: Option<u32>,
    /// Pack (report format) id.
    pub pack: String,
    /// Table id in the pack.
    pub table_id: String,
    /// 1-based number of the table in the document.
    pub table_number: usize,
    /// Row key.
    pub row_key: String,
    /// Row label.
    pub row_label: String,
    /// Column key.
    pub column_key: String,
    /// Column label.
    pub column_label: String,
    /// Exact decimal value as printed (before a scale word: `1.1499万元` → 1.1499, unit 万元); empty
    /// for blank and not-applicable cells.
    pub value: String,
    /// Unit as printed, if any.
    pub unit: Option<String>,
    /// 1-based line in the view.
    pub line: usize,
    /// 1-based character column in the view.
    pub column: usize,
    /// Locator in the original document, if the view is a rendering.
    pub locator: Option<String>,
    /// How the figure was read (`grid`, `stream`, `placed`, `zero-somewhere`, `undetermined`):
    /// see [`crate::extract::Reading`].
    pub read: &'static str,
    /// Input format of the file (`text`, `markdown`, `html`, `docx`, `xlsx`, `pdf`).
    pub input_format: String,
    /// The figure's key across forms (`applications.received`), when the pack gives one
    /// (`[[table.concept]]`): the same key for the same figure in every form that has it, next to
    /// the form's own `row_key`/`column_key`. Added columns go last in the CSV, so consumers
    /// reading columns by header name or position are unaffected.
    pub concept: Option<String>,
}

/// One file of an `extract` run: what was read from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManifestRow {
    /// File path as given.
    pub path: String,
    /// Input format (empty when the file could not be read).
    pub input_format: String,
    /// Detected report formats (pack ids), `;`-separated in the CSV.
    pub forms: Vec<String>,
    /// Tables read (`F2021 表三`), `;`-separated in the CSV.
    pub tables: Vec<String>,
    /// Facts read.
    pub facts: usize,
    /// Status as in `gouji check`: `checked`, `partial`, `no-table`, `unreadable`.
    pub status: String,
    /// Why a table was not (fully) read, in English (empty when checked).
    pub reasons: String,
    /// Why the file could not be read.
    pub error: Option<String>,
}

impl ManifestRow {
    /// The row of a file that could not be read.
    pub fn unreadable(path: &str, error: &str) -> Self {
        ManifestRow {
            path: path.to_string(),
            input_format: String::new(),
            forms: Vec::new(),
            tables: Vec::new(),
            facts: 0,
            status: coverage::Status::Unreadable.name().to_string(),
            reasons: String::new(),
            error: Some(error.to_string()),
        }
    }

    fn of(doc: &Document, cov: &Coverage, forms: Vec<String>, facts: usize) -> Self {
        let mut tables: Vec<String> = Vec::new();
        for t in &cov.tables {
            let n = format!("{} {}", t.pack, t.name);
            if !tables.contains(&n) {
                tables.push(n);
            }
        }
        ManifestRow {
            path: doc.path.clone(),
            input_format: doc.format.name().to_string(),
            forms,
            tables,
            facts,
            status: cov.status.name().to_string(),
            reasons: cov.reasons_text(Lang::En),
            error: None,
        }
    }
}

/// The manifest CSV header, matching [`ManifestRow`]'s fields.
pub const MANIFEST_HEADER: &[&str] = &[
    "path",
    "input_format",
    "forms",
    "tables",
    "facts",
    "status",
    "reasons",
    "error",
];

/// Write the manifest as CSV (with its header).
pub fn write_manifest_csv(rows: &[ManifestRow], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}", MANIFEST_HEADER.join(","))?;
    for r in rows {
        let fields: [String; 8] = [
            r.path.clone(),
            r.input_format.clone(),
            r.forms.join(";"),
            r.tables.join(";"),
            r.facts.to_string(),
            r.status.clone(),
            r.reasons.clone(),
            r.error.clone().unwrap_or_default(),
        ];
        let line: Vec<Cow<str>> = fields.iter().map(|f| csv_field(f)).collect();
        writeln!(out, "{}", line.join(","))?;
    }
    Ok(())
}

/// Every fact of a document as rows, with the document's manifest row.
pub fn read(doc: &Document, registry: &Registry) -> (Vec<FactRow>, ManifestRow) {
    let facts = extract(doc, registry);
    let result = check(doc, &facts, registry, &AllRules);
    let cov = coverage::account(doc, &facts, &result.tables, registry);
    let manifest = ManifestRow::of(doc, &cov, facts.formats(registry), facts.count());
    (fact_rows(doc, &facts, registry), manifest)
}

/// The CSV header, matching [`FactRow`]'s fields.
pub const CSV_HEADER: &[&str] = &[
    "file",
    "issuer",
    "year",
    "pack",
    "table_id",
    "table_number",
    "row_key",
    "row_label",
    "column_key",
    "column_label",
    "value",
    "unit",
    "line",
    "column",
    "locator",
    "read",
    "input_format",
    "concept",
];

/// Every fact of a document as rows.
pub fn rows(doc: &Document, registry: &Registry) -> Vec<FactRow> {
    fact_rows(doc, &extract(doc, registry), registry)
}

fn fact_rows(doc: &Document, facts: &crate::extract::Facts, registry: &Registry) -> Vec<FactRow> {
    // The report's issuer (normalised, as the rules across reports group reports) and year.
    let identity = crate::across::identify(&doc.view, &doc.path);
    let meta = ReportMeta {
        issuer: identity.issuer.clone(),
        year: identity.year.and_then(|y| u32::try_from(y).ok()),
    };
    let several = facts.prose.segments.len() > 1;
    let mut out = Vec::new();
    for t in &facts.tables {
        let pack = &registry.packs[t.pack];
        let def = &pack.tables[t.table];
        // A file can hold several reports (a scraped page): the table's own report segment says
        // its year and, when it opened with a title, its issuer.
        let segment = facts
            .prose
            .segments
            .get(facts.prose.segment_at(t.span.start));
        let own = |y: Option<i32>| y.and_then(|y| u32::try_from(y).ok());
        // A segment opened by a title of its own is a report of its own; one opened only by
        // a year mentioned in the text is not (`2019年以来…` in a 2021 report).
        let titled = several && segment.is_some_and(|s| s.title.is_some());
        let year = if titled || identity.year_from != Some(crate::across::Source::Title) {
            own(segment.and_then(|s| s.year)).or(meta.year)
        } else {
            meta.year
        };
        let issuer = segment
            .filter(|_| titled)
            .and_then(|s| s.title.as_deref())
            .and_then(|title| report_meta(title).issuer)
            .map(|i| crate::across::normalize_issuer(&i))
            .or_else(|| meta.issuer.clone());
        let mut listed: Vec<&crate::extract::Fact> = t
            .facts
            .iter()
            .filter(|f| f.read != crate::extract::Reading::Dropped)
            .collect();
        listed.sort_by_key(|f| f.provenance.span.start);
        let (named, computed) = concepts::of(def, t);
        for f in listed {
            let pos = doc.line_col(f.provenance.span.start);
            let (value, unit) = match &f.value {
                // As printed: `1.1499万元` is 1.1499 in 万元, the unit the form asks for.
                FactValue::Number(q) => (
                    q.printed_value().normalize().to_string(),
                    q.printed_unit()
                        .or_else(|| f.provenance.unit.as_deref().map(str::to_string)),
                ),
                FactValue::Blank | FactValue::NotApplicable => (
                    String::new(),
                    f.provenance.unit.as_deref().map(str::to_string),
                ),
            };
            // A form that prints no unit in its cells fixes it (件, 万元).
            let unit = unit.or_else(|| def.unit_of(&f.row, &f.column).map(str::to_string));
            let concept = named
                .iter()
                .find(|(fact, _)| std::ptr::eq(*fact, f))
                .map(|(_, c)| c.to_string());
            out.push(FactRow {
                file: doc.path.clone(),
                issuer: issuer.clone(),
                year,
                pack: pack.id.clone(),
                table_id: def.id.clone(),
                table_number: t.table_number,
                row_key: f.row.to_string(),
                row_label: f.provenance.row_label.to_string(),
                column_key: f.column.to_string(),
                column_label: f.provenance.column_label.to_string(),
                value,
                unit,
                line: pos.line,
                column: pos.column,
                locator: f.provenance.locator.as_deref().map(String::from),
                read: f.read.name(),
                input_format: doc.format.name().to_string(),
                concept,
            });
        }
        // Concepts the form gives as a sum of its cells (表三's 不予公开, 表四's lawsuits).
        for c in computed {
            let pos = doc.line_col(c.span_start);
            out.push(FactRow {
                file: doc.path.clone(),
                issuer: issuer.clone(),
                year,
                pack: pack.id.clone(),
                table_id: def.id.clone(),
                table_number: t.table_number,
                row_key: c.row_key,
                row_label: c.row_label,
                column_key: c.column_key,
                column_label: c.column_label,
                value: c.value,
                unit: c.unit,
                line: pos.line,
                column: pos.column,
                locator: c.locator,
                read: c.read,
                input_format: doc.format.name().to_string(),
                concept: Some(c.concept),
            });
        }
    }
    out
}

/// Quote a CSV field when it holds a comma, quote or line break (RFC 4180).
pub fn csv_field(s: &str) -> Cow<'_, str> {
    if s.contains([',', '"', '\n', '\r']) {
        Cow::Owned(format!("\"{}\"", s.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(s)
    }
}

/// Write the header line.
pub fn write_csv_header(out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}", CSV_HEADER.join(","))
}

/// Write rows as CSV lines (no header).
pub fn write_csv_rows(rows: &[FactRow], out: &mut dyn Write) -> io::Result<()> {
    for r in rows {
        let year = r.year.map(|y| y.to_string()).unwrap_or_default();
        let fields: [&str; 18] = [
            &r.file,
            r.issuer.as_deref().unwrap_or(""),
            &year,
            &r.pack,
            &r.table_id,
            &r.table_number.to_string(),
            &r.row_key,
            &r.row_label,
            &r.column_key,
            &r.column_label,
            &r.value,
            r.unit.as_deref().unwrap_or(""),
            &r.line.to_string(),
            &r.column.to_string(),
            r.locator.as_deref().unwrap_or(""),
            r.read,
            &r.input_format,
            r.concept.as_deref().unwrap_or(""),
        ];
        let line: Vec<Cow<str>> = fields.iter().map(|f| csv_field(f)).collect();
        writeln!(out, "{}", line.join(","))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(csv_field("abc"), "abc");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"x\""), "\"say \"\"x\"\"\"");
        assert_eq!(csv_field("a\nb"), "\"a\nb\"");
    }

    #[test]
    fn meta_from_a_title_line() {
        let m = report_meta("目录\n北京市朝阳区人民政府2019年政府信息公开工作年度报告\n正文");
        assert_eq!(m.issuer.as_deref(), Some("北京市朝阳区人民政府"));
        assert_eq!(m.year, Some(2019));
    }

    #[test]
    fn meta_from_prose() {
        let m = report_meta("本报告是根据《条例》要求,由北京市密云区古北口镇人民政府编制的2017年度政府信息公开工作年度报告。");
        assert_eq!(m.issuer.as_deref(), Some("北京市密云区古北口镇人民政府"));
        assert_eq!(m.year, Some(2017));
        let m = report_meta("本报告由淮阴区人民政府办公室根据《条例》规定编制。报告所列统计期限自2020年1月1日至2020年12月31日。");
        assert_eq!(m.issuer.as_deref(), Some("淮阴区人民政府办公室"));
        assert_eq!(m.year, Some(2020));
    }

    #[test]
    fn meta_absent_stays_blank() {
        assert_eq!(
            report_meta("选择特殊符号\n请输入搜索"),
            ReportMeta::default()
        );
    }
}
