//! Cross-format test: the same report written as text, Markdown, HTML (UTF-8, GBK), DOCX, XLSX
//! and PDF (by the fixture builder in `support/xformat`) yields identical facts and findings.

use std::path::Path;

use gouji::check::AllRules;
use gouji::extract::extract;
use gouji::finding::{Finding, Lang};
use gouji::pipeline::check_document;
use gouji::report::{render, OutputFormat, RenderOptions};
use gouji::source::{read_bytes, Document, InputFormat};

use crate::support::registry;
use crate::support::xformat::reports::{broken, f2014, f2019, f2021};
use crate::support::xformat::{Format, Report};

/// (pack id, table id, row key, column key, value).
type FactKey = (String, String, String, String, String);

/// What must agree across formats about one finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct FindingKey {
    rule: String,
    severity: String,
    scope: Option<String>,
    left: String,
    right: String,
    operands: Vec<(String, String, bool)>,
}

struct Outcome {
    format: Format,
    doc: Document,
    facts: Vec<FactKey>,
    findings: Vec<Finding>,
    rendered: String,
}

fn finding_key(f: &Finding) -> FindingKey {
    let mut operands: Vec<(String, String, bool)> = f
        .operands
        .iter()
        .map(|o| (o.key.clone(), o.value.normalize().to_string(), o.blank))
        .collect();
    operands.sort();
    FindingKey {
        rule: f.rule.clone(),
        severity: format!("{:?}", f.severity),
        scope: f.scope.clone(),
        left: f.relation.left.value.normalize().to_string(),
        right: f.relation.right.value.normalize().to_string(),
        operands,
    }
}

fn run(report: &Report, format: Format) -> Outcome {
    let bytes = report.write(format);
    let name = report.file_name(format);
    let doc = read_bytes(&name, &bytes, Path::new(&name))
        .unwrap_or_else(|e| panic!("{name} does not read: {e}"));
    let reg = registry();
    let mut facts: Vec<FactKey> = extract(&doc, reg)
        .tables
        .iter()
        .flat_map(|t| {
            let pack = &reg.packs[t.pack];
            let table = pack.tables[t.table].id.clone();
            t.facts.iter().map(move |f| {
                (
                    pack.id.clone(),
                    table.clone(),
                    f.row.to_string(),
                    f.column.to_string(),
                    format!("{:?}", f.value),
                )
            })
        })
        .collect();
    facts.sort();
    let file = check_document(&doc, reg, &AllRules);
    let mut out = Vec::new();
    let opts = RenderOptions {
        width: 200,
        ..RenderOptions::new(Lang::Zh)
    };
    render(
        OutputFormat::Human,
        std::slice::from_ref(&file),
        &opts,
        &mut out,
    )
    .expect("render");
    Outcome {
        format,
        doc,
        facts,
        findings: file.findings,
        rendered: String::from_utf8(out).expect("utf-8 output"),
    }
}

fn expected_input_format(f: Format) -> InputFormat {
    match f {
        Format::Text => InputFormat::Text,
        Format::Markdown => InputFormat::Markdown,
        Format::HtmlUtf8 | Format::HtmlGbk => InputFormat::Html,
        Format::Docx => InputFormat::Docx,
        Format::Xlsx => InputFormat::Xlsx,
        Format::Pdf => InputFormat::Pdf,
    }
}

/// Facts that differ between two sorted lists, for the failure message.
fn diff(a: &[FactKey], b: &[FactKey]) -> String {
    let only_a: Vec<&FactKey> = a.iter().filter(|x| !b.contains(x)).take(40).collect();
    let only_b: Vec<&FactKey> = b.iter().filter(|x| !a.contains(x)).take(40).collect();
    format!("only in text: {only_a:#?}\nonly in other: {only_b:#?}")
}

/// Facts a format cannot show, by (format, pack, table, row, column); each must be Blank in the
/// text version. PDF: the 处理决定数量 cell of the F2019 form's 第二十条第（八）项 row is blank, is the
/// last cell of its line, and its column header is blank too: nothing on the printed page shows
/// that the column exists there (the other formats carry the empty cell itself).
const INVISIBLE: &[(Format, &str, &str, &str, &str)] =
    &[(Format::Pdf, "F2019", "t2b", "disclose.fees", "decisions")];

/// The text version's facts as `format` can show them.
fn expected_facts(base: &[FactKey], format: Format) -> Vec<FactKey> {
    base.iter()
        .filter(|f| {
            !INVISIBLE.iter().any(|&(fmt, p, t, r, c)| {
                fmt == format && f.0 == p && f.1 == t && f.2 == r && f.3 == c && f.4 == "Blank"
            })
        })
        .cloned()
        .collect()
}

/// Check one report in every format against its text version; return the outcomes.
fn cross_check(report: &Report) -> Vec<Outcome> {
    let outcomes: Vec<Outcome> = Format::ALL.iter().map(|&f| run(report, f)).collect();
    let base = &outcomes[0];
    assert!(
        !base.facts.is_empty(),
        "{}: no facts from text",
        report.name
    );
    let base_findings: Vec<FindingKey> = {
        let mut v: Vec<FindingKey> = base.findings.iter().map(finding_key).collect();
        v.sort();
        v
    };
    for o in &outcomes {
        assert_eq!(
            o.doc.format,
            expected_input_format(o.format),
            "{} {:?}",
            report.name,
            o.format
        );
        let expected = expected_facts(&base.facts, o.format);
        assert_eq!(
            o.facts,
            expected,
            "{} {:?}: facts differ from text ({} vs {})\n{}",
            report.name,
            o.format,
            o.facts.len(),
            expected.len(),
            diff(&expected, &o.facts)
        );
        let mut keys: Vec<FindingKey> = o.findings.iter().map(finding_key).collect();
        keys.sort();
        assert_eq!(
            keys, base_findings,
            "{} {:?}: findings differ",
            report.name, o.format
        );
    }
    outcomes
}

/// Findings of rendered formats name a locator of their kind, and the human output shows it and
/// the rendered text around the cell.
fn assert_locators(report: &Report, outcomes: &[Outcome]) {
    for o in outcomes {
        let pattern = match o.format {
            Format::Docx => regex_lite(r"^第\d+张表 第\d+行 第\d+列$"),
            Format::Xlsx => regex_lite(r"^Sheet\d+![A-Z]+\d+$"),
            Format::Pdf => regex_lite(r"^第\d+页$"),
            _ => continue,
        };
        assert!(
            !o.findings.is_empty(),
            "{} {:?}: no findings",
            report.name,
            o.format
        );
        for f in &o.findings {
            let loc = f.locator.as_deref().unwrap_or_else(|| {
                panic!("{} {:?}: {} has no locator", report.name, o.format, f.rule)
            });
            assert!(
                pattern.is_match(loc),
                "{} {:?}: locator {loc}",
                report.name,
                o.format
            );
            assert!(
                o.rendered.contains(loc),
                "{} {:?}: rendered output lacks {loc}:\n{}",
                report.name,
                o.format,
                o.rendered
            );
            // The rendered line of the view holding the primary cell is shown.
            let line = o.doc.line_text(f.position.line).trim();
            let shown = line.chars().take(40).collect::<String>();
            assert!(
                o.rendered.contains(&shown),
                "{} {:?}: rendered output lacks the view line {line:?}",
                report.name,
                o.format
            );
        }
    }
}

/// A tiny anchored matcher for the three locator shapes (avoids a regex dev-dependency).
struct Pattern(&'static str);

fn regex_lite(p: &'static str) -> Pattern {
    Pattern(p)
}

impl Pattern {
    fn is_match(&self, s: &str) -> bool {
        let re = regex::Regex::new(self.0).expect("pattern");
        re.is_match(s)
    }
}

#[test]
fn builder_is_deterministic_and_pdf_text_extracts() {
    let r = f2019();
    for f in Format::ALL {
        assert_eq!(r.write(f), r.write(f), "{f:?}");
    }
    let doc = read_bytes("x.pdf", &r.write(Format::Pdf), Path::new("x.pdf")).expect("pdf");
    assert!(
        doc.view.contains("一、本年新收政府信息公开申请数量"),
        "{}",
        doc.view
    );
    let gbk = r.write(Format::HtmlGbk);
    assert!(
        std::str::from_utf8(&gbk).is_err(),
        "GBK output is not UTF-8"
    );
    let doc = read_bytes("x.html", &gbk, Path::new("x.html")).expect("gbk html");
    assert_eq!(doc.encoding.as_deref(), Some("GBK"));
}

#[test]
fn f2021_same_facts_and_findings_in_every_format() {
    let report = f2021(registry());
    let outcomes = cross_check(&report);
    assert!(
        outcomes[0].facts.len() >= 180,
        "{}",
        outcomes[0].facts.len()
    );
}

#[test]
fn f2019_same_facts_and_findings_in_every_format() {
    let report = f2019();
    let outcomes = cross_check(&report);
    assert!(
        outcomes[0].facts.len() >= 150,
        "{}",
        outcomes[0].facts.len()
    );
}

#[test]
fn f2014_same_facts_and_findings_in_every_format() {
    let report = f2014();
    let outcomes = cross_check(&report);
    assert!(outcomes[0].facts.len() >= 50, "{}", outcomes[0].facts.len());
}

#[test]
fn broken_f2019_same_findings_with_locators_in_every_format() {
    // 予以公开 · 自然人 5 → 7: the row total (6) and the column total (总计 17) both fail.
    let report = broken(&f2019(), "（一）予以公开", 3, "7");
    let outcomes = cross_check(&report);
    let rules: Vec<&str> = outcomes[0]
        .findings
        .iter()
        .map(|f| f.rule.as_str())
        .collect();
    assert!(rules.len() >= 2, "{rules:?}");
    assert_locators(&report, &outcomes);
}

#[test]
fn broken_f2021_same_findings_with_locators_in_every_format() {
    let report = broken(&f2021(registry()), "（一）予以公开", 3, "1290");
    let outcomes = cross_check(&report);
    assert!(outcomes[0].findings.len() >= 2);
    assert_locators(&report, &outcomes);
}

/// Write every report in every format under `$XFORMAT_OUT` (for inspecting the fixtures by hand:
/// `XFORMAT_OUT=/tmp/xf cargo test --test integration xformat::dump -- --ignored`).
#[test]
#[ignore]
fn dump() {
    let Some(dir) = std::env::var_os("XFORMAT_OUT") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("output dir");
    let base = [f2021(registry()), f2019(), f2014()];
    for r in &base {
        for f in Format::ALL {
            std::fs::write(dir.join(r.file_name(f)), r.write(f)).expect("write");
        }
    }
}
