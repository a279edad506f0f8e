//! Findings in the form's own words: on DOCX and PDF the headline location and the suggestion
//! name the form's table, row and column (表三「…」行「…」列), with the document's own address
//! as a detail; text-like inputs keep file:line:col. One cell that explains several failures is
//! said once, before them.

use std::path::Path;

use gouji::check::AllRules;
use gouji::finding::Lang;
use gouji::pipeline::{check_document, FileReport};
use gouji::report::{render, OutputFormat, RenderOptions};
use gouji::source::read_bytes;
use serde_json::Value;

use crate::support::registry;
use crate::support::xformat::reports::{broken, f2021};
use crate::support::xformat::Format;

/// The cell the broken report changes, in the form's words.
const CELL: &str = "表三「予以公开」行「自然人」列";

/// The 2021 form with 予以公开 · 自然人 printed 1290 instead of 1288: the row total and the
/// column total both fail, and that one cell explains both.
fn broken_report(format: Format) -> FileReport {
    let report = broken(&f2021(registry()), "（一）予以公开", 3, "1290");
    let name = report.file_name(format);
    let bytes = report.write(format);
    let doc = read_bytes(&name, &bytes, Path::new(&name))
        .unwrap_or_else(|e| panic!("{name} does not read: {e}"));
    check_document(&doc, registry(), &AllRules)
}

fn rendered(file: &FileReport, format: OutputFormat, lang: Lang) -> String {
    let opts = RenderOptions {
        width: 200,
        ..RenderOptions::new(lang)
    };
    let mut out = Vec::new();
    render(format, std::slice::from_ref(file), &opts, &mut out).expect("render");
    String::from_utf8(out).expect("utf-8 output")
}

/// Does `text` address a place in `path` by line and column (`path:25:48`)?
fn has_line_column(text: &str, path: &str) -> bool {
    let at = format!("{path}:");
    text.match_indices(&at).any(|(i, _)| {
        text[i + at.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    })
}

/// Every output of a rendered document names the failing cells as the form does, with the
/// document's address (`address`: how this format addresses a cell) after them.
fn assert_form_words(format: Format, address: &str) {
    let file = broken_report(format);
    let rules: Vec<&str> = file.findings.iter().map(|f| f.rule.as_str()).collect();
    assert!(rules.contains(&"F2021-T3-ROW"), "{rules:?}");
    assert!(rules.contains(&"F2021-T3-SUM"), "{rules:?}");

    // Plain: the headline is `file: 表三「予以公开」行「总计」列（address）: 错误 RULE: …`.
    let plain = rendered(&file, OutputFormat::Plain, Lang::Zh);
    let row = plain
        .lines()
        .find(|l| l.contains(" 错误 F2021-T3-ROW: "))
        .unwrap_or_else(|| panic!("{plain}"));
    let head = row.split(" 错误 ").next().unwrap_or_default();
    assert!(
        head.contains("表三「予以公开」行「总计」列（"),
        "{format:?}: {row}"
    );
    assert!(head.contains(address), "{format:?}: {row}");
    assert!(!has_line_column(&plain, &file.path), "{plain}");
    let sum = plain
        .lines()
        .find(|l| l.contains(" 错误 F2021-T3-SUM: "))
        .unwrap_or_else(|| panic!("{plain}"));
    assert!(sum.contains("表三「总计」行「自然人」列（"), "{sum}");
    // The suggestion names the same cell as the operand it changes, said once at the top.
    let top = plain.lines().next().unwrap_or_default();
    assert!(top.contains("一格可解释 2 处不成立："), "{plain}");
    assert!(top.contains(&format!("{CELL}（")), "{top}");
    assert!(top.contains("可能应为 1288，而不是 1290"), "{top}");
    assert!(
        plain.contains(&format!("    {CELL}（")) && plain.contains(" = 1290"),
        "{plain}"
    );
    assert_eq!(plain.matches("改这一格即可").count(), 1, "{plain}");

    // Human: the snippet is headed by the cell, not by a line of gouji's rendering.
    let human = rendered(&file, OutputFormat::Human, Lang::Zh);
    assert!(
        human.contains(&format!(
            "╭─[{} · 表三「予以公开」行「总计」列（",
            file.path
        )),
        "{human}"
    );
    assert!(
        human.contains("可能应为 1288，而不是 1290") && human.contains(CELL),
        "{human}"
    );
    assert!(!has_line_column(&human, &file.path), "{human}");

    // JSON: `cell` and `place` on the finding, its operands and the suggestion.
    let json: Value =
        serde_json::from_str(&rendered(&file, OutputFormat::Json, Lang::Zh)).expect("json output");
    let f = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "F2021-T3-ROW")
        .unwrap();
    assert_eq!(f["cell"], "表三「予以公开」行「总计」列");
    let place = f["place"].as_str().unwrap();
    assert!(
        place.starts_with("表三「予以公开」行「总计」列（"),
        "{place}"
    );
    assert!(place.contains(address), "{place}");
    let s = &f["suggestion"];
    assert_eq!(s["cell"], CELL);
    assert_eq!(s["proposed"], "1288");
    let suspect = f["operands"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["value"] == "1290")
        .unwrap();
    assert_eq!(suspect["cell"], CELL);
    assert_eq!(suspect["locator"], s["locator"]);
    assert!(s["text"].as_str().unwrap().starts_with(CELL), "{s}");

    // English: the same cell, the same words of the form.
    let en = rendered(&file, OutputFormat::Plain, Lang::En);
    assert!(en.contains("one cell explains 2 failures: "), "{en}");
    assert!(
        en.contains(&format!("{CELL}（")) && en.contains("is probably 1288, not 1290"),
        "{en}"
    );
    assert!(en.contains(": error F2021-T3-ROW: "), "{en}");

    // GitHub: a file-level annotation whose message starts with the cell.
    let gh = rendered(&file, OutputFormat::Github, Lang::Zh);
    let ann = gh
        .lines()
        .find(|l| l.contains("F2021-T3-ROW"))
        .unwrap_or_else(|| panic!("{gh}"));
    assert!(!ann.contains(",line="), "{ann}");
    assert!(ann.contains("::表三「予以公开」行「总计」列（"), "{ann}");

    // SARIF: no region of gouji's rendering; the cell as a logical location.
    let sarif: Value = serde_json::from_str(&rendered(&file, OutputFormat::Sarif, Lang::Zh))
        .expect("sarif output");
    let r = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "F2021-T3-ROW")
        .unwrap();
    let loc = &r["locations"][0];
    assert!(loc["physicalLocation"]["region"].is_null(), "{loc}");
    let name = loc["logicalLocations"][0]["name"].as_str().unwrap();
    assert!(name.starts_with("表三「予以公开」行「总计」列（"), "{name}");
}

#[test]
fn docx_findings_are_named_in_the_forms_words() {
    assert_form_words(Format::Docx, "第2张表 第6行 第10列");
}

#[test]
fn pdf_findings_are_named_in_the_forms_words() {
    assert_form_words(Format::Pdf, "第1页");
}

#[test]
fn xlsx_findings_are_named_in_the_forms_words() {
    assert_form_words(Format::Xlsx, "!J6");
}

#[test]
fn text_like_inputs_keep_file_line_column() {
    for format in [Format::Text, Format::Markdown, Format::HtmlUtf8] {
        let file = broken_report(format);
        let plain = rendered(&file, OutputFormat::Plain, Lang::Zh);
        let row = plain
            .lines()
            .find(|l| l.contains(" 错误 F2021-T3-ROW: "))
            .unwrap_or_else(|| panic!("{plain}"));
        let at = format!("{}:", file.path);
        let rest = row.strip_prefix(&at).unwrap_or_else(|| panic!("{row}"));
        let mut parts = rest.splitn(3, ':');
        let line = parts.next().unwrap_or_default();
        let column = parts.next().unwrap_or_default();
        assert!(
            line.parse::<usize>().is_ok() && column.parse::<usize>().is_ok(),
            "{format:?}: {row}"
        );
        let gh = rendered(&file, OutputFormat::Github, Lang::Zh);
        assert!(gh.contains(",line="), "{gh}");
        // The suggestion is still said once, at the top.
        assert!(plain.starts_with(&format!("{}: 一格可解释 2 处不成立：", file.path)));
    }
}

#[test]
fn html_marks_the_suspect_cell_with_its_proposed_value() {
    let file = broken_report(Format::Docx);
    let html = rendered(&file, OutputFormat::Html, Lang::Zh);
    // The suspect cell is marked apart from the other operands, its value proposed inline.
    assert_eq!(html.matches("<mark class=\"sev-error suspect\"").count(), 1);
    let at = html.find("suspect\"").unwrap();
    let after = &html[at..];
    let mark_end = after.find("</mark>").unwrap();
    assert!(
        after[..mark_end].ends_with(">1290"),
        "{}",
        &after[..mark_end]
    );
    assert!(
        after[mark_end..]
            .starts_with("</mark><ins class=\"proposed\" title=\"可能应为\">→ 1288</ins>"),
        "{}",
        &after[mark_end..mark_end + 80]
    );
    assert!(html.matches("<mark ").count() > 20);
    // The location column names the cell in the form's words.
    assert!(html.contains("<td>表三「予以公开」行「总计」列（第2张表 第6行 第10列）</td>"));
    assert!(
        html.contains("<th>表式</th><th>读到的数字</th>"),
        "headings in Chinese"
    );
}

// ---------------------------------------------------------------------------------------------
// Chinese throughout: with LANG=zh_CN.UTF-8 nothing a user reads is an English sentence.

use assert_cmd::Command;

fn gouji_zh() -> Command {
    let mut c = Command::cargo_bin("gouji").expect("gouji binary");
    c.env_remove("GOUJI_FORMAT")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "zh_CN.UTF-8");
    c
}

/// Words that may appear in Chinese output: names of formats, tools, platforms and of gouji
/// itself (lower case).
const ALLOWED: &[&str] = &[
    "gouji",
    "docx",
    "xlsx",
    "pdf",
    "html",
    "htm",
    "txt",
    "md",
    "json",
    "sarif",
    "junit",
    "csv",
    "zip",
    "xls",
    "doc",
    "wps",
    "word",
    "utf",
    "gbk",
    "nul",
    "eocd",
    "pdftotext",
    "poppler",
    "utils",
    "data",
    "brew",
    "install",
    "apt",
    "get",
    "macos",
    "windows",
    "debian",
    "ubuntu",
    "bin",
    "path",
    "libreoffice",
    "soffice",
    "git",
    "toml",
    "prev",
];

/// English words in `text` outside the allowed names: maximal runs of ASCII letters (a word
/// joined to digits, `-`, `_`, `.`, `/` or `[` is an id, a file name or an expression, and
/// stays; an upper-case word is an acronym or an id). Returns each offending line with its
/// words.
fn english_words(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        let mut words = Vec::new();
        for token in line.split(|c: char| !c.is_ascii() || c.is_ascii_whitespace()) {
            let t = token.trim_matches(|c: char| {
                matches!(
                    c,
                    '(' | ')' | ',' | ';' | ':' | '!' | '?' | '"' | '\'' | '`' | '<' | '>'
                )
            });
            let t = t.strip_suffix('.').unwrap_or(t);
            // Upper-case words are acronyms and ids (PDF, LED in a report, the PROSE pack).
            if t.len() < 3
                || !t.chars().all(|c| c.is_ascii_alphabetic())
                || t.chars().all(|c| c.is_ascii_uppercase())
            {
                continue;
            }
            if !ALLOWED.contains(&t.to_ascii_lowercase().as_str()) {
                words.push(t.to_string());
            }
        }
        if !words.is_empty() {
            found.push(format!("{words:?} in: {line}"));
        }
    }
    found
}

/// The text a reader of an HTML page sees: no style, script or markup; tooltips kept.
fn page_text(html: &str) -> String {
    let mut s = html.to_string();
    for (open, close) in [("<style", "</style>"), ("<script", "</script>")] {
        while let Some(a) = s.find(open) {
            let b = s[a..].find(close).map_or(s.len(), |b| a + b + close.len());
            s.replace_range(a..b, "");
        }
    }
    let mut out = String::new();
    let mut rest = s.as_str();
    while let Some(a) = rest.find('<') {
        out.push_str(&rest[..a]);
        let b = rest[a..].find('>').map_or(rest.len(), |b| a + b + 1);
        let tag = &rest[a..b];
        if let Some(t) = tag.split("title=\"").nth(1) {
            out.push('\n');
            out.push_str(t.split('"').next().unwrap_or_default());
            out.push('\n');
        }
        rest = &rest[b..];
    }
    out.push_str(rest);
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[test]
fn chinese_mode_says_nothing_in_english() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut files: Vec<std::path::PathBuf> = [
        "formats/seed_000.txt",
        "formats/seed_001.txt",
        "formats/seed_002.txt",
    ]
    .iter()
    .map(|r| crate::support::fixture(r))
    .collect();
    for f in [Format::Docx, Format::Pdf] {
        let report = broken(&f2021(registry()), "（一）予以公开", 3, "1290");
        let path = dir.path().join(report.file_name(f));
        std::fs::write(&path, report.write(f)).expect("write");
        files.push(path);
    }
    let damaged = dir.path().join("damaged.docx");
    std::fs::write(&damaged, b"PK\x03\x04 not a package").expect("write");
    let binary = dir.path().join("binary.txt");
    std::fs::write(&binary, b"abc\x00\x01\x02def").expect("write");
    let missing = dir.path().join("missing.txt");
    files.extend([damaged, binary, missing]);

    let mut said = Vec::new();
    for format in ["human", "plain", "html"] {
        let out = gouji_zh()
            .args([
                "check",
                "--no-config",
                "--fail-on",
                "never",
                "--format",
                format,
            ])
            .args(&files)
            .output()
            .expect("run gouji check");
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(stdout.contains("F2021-T3-ROW"), "{format}: {stdout}");
        let text = if format == "html" {
            page_text(&stdout)
        } else {
            stdout
        };
        said.push((format!("check --format {format}"), text));
        said.push((format!("check --format {format} (stderr)"), stderr));
    }
    let rules = gouji_zh().arg("rules").output().expect("run gouji rules");
    let rules = String::from_utf8_lossy(&rules.stdout).to_string();
    let ids: Vec<String> = rules
        .lines()
        .filter_map(|l| l.strip_prefix("  "))
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect();
    assert!(ids.len() > 80, "{rules}");
    said.push(("rules".into(), rules));
    for id in &ids {
        let out = gouji_zh()
            .args(["explain", id])
            .output()
            .expect("run gouji explain");
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        // The relation is written in the pack's own expression language (fact names), not prose.
        let prose: String = text
            .split("\n## ")
            .filter(|section| !section.starts_with("关系式"))
            .collect::<Vec<_>>()
            .join("\n");
        said.push((format!("explain {id}"), prose));
    }

    let mut english = Vec::new();
    for (what, text) in &said {
        for line in english_words(text) {
            english.push(format!("{what}: {line}"));
        }
    }
    assert!(
        english.is_empty(),
        "English in Chinese mode:\n{}",
        english.join("\n")
    );
}

#[test]
fn english_words_are_found_and_names_are_not() {
    assert!(english_words("gouji: a.docx: 表三 F2021-T3-ROW(row-total) 1290 PDF").is_empty());
    assert!(english_words("apply.new[total] == sum(apply.way.*)").is_empty());
    assert_eq!(english_words("无法读取：invalid Zip archive").len(), 1);
    assert_eq!(english_words("  help: 1 + 2").len(), 1);
}

#[test]
fn prose_against_table_names_both_figures_in_the_users_language() {
    // Seed 000: the 2015 report's prose says 88 responses, its table 80.
    let path = crate::support::fixture("formats/seed_000.txt");
    let bytes = std::fs::read(&path).expect("fixture");
    let doc = read_bytes("seed_000.txt", &bytes, &path).expect("readable");
    let checked = check_document(&doc, registry(), &AllRules);
    let f = checked
        .findings
        .iter()
        .find(|f| f.rule == "PROSE-TABLE")
        .expect("a PROSE-TABLE finding");
    assert_eq!(
        f.arithmetic(Lang::Zh),
        "回应公众关注热点和重大舆情 88次（正文），政府信息公开情况统计表「回应公众关注热点或重大舆情数（不同方式回应同一热点或舆情计1次）」 80"
    );
    assert_eq!(
        f.arithmetic(Lang::En),
        "the text says 回应公众关注热点和重大舆情 88次, the table's 政府信息公开情况统计表「回应公众关注热点或重大舆情数（不同方式回应同一热点或舆情计1次）」 says 80"
    );
    // The table figure's operand names its cell the same way.
    let table = f
        .operands
        .iter()
        .find(|o| o.key != "prose")
        .expect("table operand");
    assert_eq!(
        table.cell.as_deref(),
        Some("政府信息公开情况统计表「回应公众关注热点或重大舆情数（不同方式回应同一热点或舆情计1次）」")
    );
}
