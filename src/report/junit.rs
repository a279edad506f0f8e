//! JUnit XML output, for CI systems that show test reports.
//!
//! One `<testsuite>` per file; one `<testcase>` per rule that failed in it (classname = the file,
//! name = the rule id), whose `<failure>` lists every finding of that rule. A file without
//! findings gets one passing testcase named `gouji`. Only findings that fail the run (at or
//! above `--fail-on`, default `error`) are `<failure>`s: a rule whose findings are below it (a
//! warning, by default) is a passing testcase listing them in `<system-out>`, so a CI test
//! report agrees with the exit code; an unreadable file one testcase with an
//! `<error>`. A file that was not fully checked (coverage status `partial` or `no-table`) gets one
//! more testcase named `tables` marked `<skipped>` with what was not checked. The `tests`,
//! `failures`, `errors` and `skipped` attributes count exactly these elements.

use super::{scope_text, RenderOptions};
use crate::finding::Finding;
use crate::pipeline::FileReport;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Escape text for XML content and attribute values (also drops characters XML 1.0 forbids).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Escape text for element content (keeps line breaks readable).
fn escape_text(s: &str) -> String {
    escape(s)
        .replace("&#10;", "\n")
        .replace("&#9;", "\t")
        .replace("&#13;", "")
}

/// Counts of one suite: tests, failures, errors, skipped.
type Counts = (usize, usize, usize, usize);

fn suite(rep: &FileReport, opts: &RenderOptions) -> (String, Counts) {
    let mut by_rule: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &rep.findings {
        by_rule.entry(f.rule.as_str()).or_default().push(f);
    }
    let path = escape(&rep.path);
    let mut body = String::new();
    let (mut tests, mut failures, mut errors, mut skipped) = (0, 0, 0, 0);
    if let Some(line) = rep.coverage.line(opts.lang) {
        tests += 1;
        skipped += 1;
        let _ = writeln!(
            body,
            "    <testcase classname=\"{path}\" name=\"tables\">\n      <skipped message=\"{}\"/>\n    </testcase>",
            escape(&line)
        );
    }
    if let Some(e) = &rep.error {
        tests += 1;
        errors += 1;
        let _ = writeln!(
            body,
            "    <testcase classname=\"{path}\" name=\"read\">\n      <error message=\"{}\" type=\"unreadable\"/>\n    </testcase>",
            escape(e)
        );
    } else if by_rule.is_empty() && skipped == 0 {
        tests += 1;
        let _ = writeln!(body, "    <testcase classname=\"{path}\" name=\"gouji\"/>");
    }
    for (rule, findings) in &by_rule {
        tests += 1;
        let first = findings[0];
        let fails = opts
            .fail_at
            .is_some_and(|t| findings.iter().any(|f| f.severity >= t));
        let mut text = String::new();
        for f in findings {
            let at = match f.place() {
                Some(place) => format!("{}: {place}", rep.path),
                None => format!("{}:{}:{}", rep.path, f.position.line, f.position.column),
            };
            let _ = writeln!(
                text,
                "{at}: {} {} [{}]: {}",
                f.severity.label(opts.lang),
                f.message(opts.lang),
                scope_text(f),
                f.arithmetic(opts.lang)
            );
        }
        if !fails {
            let _ = writeln!(
                body,
                "    <testcase classname=\"{path}\" name=\"{}\">\n      <system-out>{}</system-out>\n    </testcase>",
                escape(rule),
                escape_text(&text)
            );
            continue;
        }
        failures += 1;
        let _ = writeln!(
            body,
            "    <testcase classname=\"{path}\" name=\"{}\">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
            escape(rule),
            escape(&format!("{} ({} findings)", first.message(opts.lang), findings.len())),
            first.severity.name(),
            escape_text(&text)
        );
    }
    let xml = format!(
        "  <testsuite name=\"{path}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\">\n{body}  </testsuite>\n"
    );
    (xml, (tests, failures, errors, skipped))
}

/// Render the run as one `<testsuites>` document.
pub fn render(reports: &[FileReport], opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let (mut tests, mut failures, mut errors, mut skipped) = (0, 0, 0, 0);
    let mut suites = String::new();
    for rep in reports {
        let (xml, (t, f, e, s)) = suite(rep, opts);
        suites.push_str(&xml);
        tests += t;
        failures += f;
        errors += e;
        skipped += s;
    }
    write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"gouji\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\">\n{suites}</testsuites>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(escape("a<b>&\"'\u{1}"), "a&lt;b&gt;&amp;&quot;&apos;");
        assert_eq!(escape_text("x\ny"), "x\ny");
    }
}
