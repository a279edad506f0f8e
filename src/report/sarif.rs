//! SARIF 2.1.0 output, for code-scanning tools (GitHub code scanning, VS Code SARIF viewer).
//!
//! Our own serde structs for the subset we emit: one run; `tool.driver.rules` lists every loaded
//! rule with its explanation as help text; each result has the rule, level, message (with the
//! arithmetic), the primary location and one related location per operand. Columns count Unicode
//! code points (`run.columnKind = "unicodeCodePoints"`); `endColumn` is exclusive. URIs are the
//! paths as given, with `/` separators (relative when the user gave relative paths).

use super::{end_of, scope_text, LineIndex, RenderOptions};
use crate::finding::{Finding, Lang};
use crate::pipeline::FileReport;
use crate::rules::Severity;
use serde::Serialize;
use std::collections::HashMap;
use std::io::{self, Write};

/// The schema URI written into the log.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'a str,
    version: &'a str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    column_kind: &'static str,
    results: Vec<SarifResult>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    invocations: Vec<Invocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    #[serde(skip_serializing_if = "Option::is_none")]
    descriptor: Option<NotificationDescriptor>,
    level: &'static str,
    message: Message,
    locations: Vec<Location>,
}

#[derive(Serialize)]
struct NotificationDescriptor {
    id: &'static str,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: String,
    name: String,
    short_description: Message,
    full_description: Message,
    help: Message,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Message,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    partial_fingerprints: HashMap<&'static str, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Message>,
}

/// Where a cell is in a DOCX/XLSX/PDF (`第2张表 第4行 第10列`, `Sheet1!C7`, `第3页`): lines
/// of gouji's text rendering mean nothing to a viewer of the original file.
#[derive(Serialize)]
struct LogicalLocation {
    name: String,
    kind: &'static str,
}

/// The cell as the form names it, with the document's own address
/// (`表三「予以公开」行「自然人」列（第2张表 第6行 第4列）`); nothing in a text view.
fn logical(cell: &Option<String>, locator: &Option<String>) -> Vec<LogicalLocation> {
    crate::finding::place(cell, locator)
        .into_iter()
        .map(|name| LogicalLocation {
            name,
            kind: "element",
        })
        .collect()
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

/// SARIF level of a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A path as a relative URI reference: `/` separators, spaces and `%` escaped.
fn uri(path: &str) -> String {
    let p = path.replace('\\', "/");
    let p = p.strip_prefix("./").unwrap_or(&p);
    let mut out = String::with_capacity(p.len());
    for c in p.chars() {
        match c {
            '%' => out.push_str("%25"),
            ' ' => out.push_str("%20"),
            '#' => out.push_str("%23"),
            '?' => out.push_str("%3F"),
            _ => out.push(c),
        }
    }
    out
}

fn result(
    path: &str,
    f: &Finding,
    index: Option<&LineIndex>,
    opts: &RenderOptions,
    rule_index: Option<usize>,
) -> SarifResult {
    let region = |span: &std::ops::Range<usize>, start: crate::source::LineCol, text: &str| {
        let end = end_of(index, span.end, start, text);
        Region {
            start_line: start.line.max(1),
            start_column: start.column.max(1),
            end_line: end.line.max(start.line.max(1)),
            end_column: end.column.max(1),
        }
    };
    let primary_text = f
        .operands
        .first()
        .map(|o| o.text.as_str())
        .unwrap_or_default();
    let related: Vec<Location> = f
        .operands
        .iter()
        .enumerate()
        .map(|(i, o)| Location {
            id: Some(i + 1),
            physical_location: PhysicalLocation {
                // A figure of the other report (a rule across reports) lives in its own artifact.
                artifact_location: ArtifactLocation {
                    uri: uri(o.file.as_deref().unwrap_or(path)),
                },
                region: o.locator.is_none().then(|| match &o.file {
                    None => region(&o.span, o.position, &o.text),
                    Some(_) => Region {
                        start_line: o.position.line.max(1),
                        start_column: o.position.column.max(1),
                        end_line: o.position.line.max(1),
                        end_column: o.position.column.max(1) + o.text.trim().chars().count(),
                    },
                }),
            },
            logical_locations: logical(&o.cell, &o.locator),
            message: Some(Message {
                text: format!("{} = {}", o.label, o.shown(opts.lang)),
            }),
        })
        .collect();
    // The cells the suggestion names (the suspect cell, or each candidate of a tie set).
    let mut related = related;
    if let Some(s) = &f.suggestion {
        let n = related.len();
        // Cells set aside by the evidence follow the candidates: they remain possible.
        related.extend(
            s.candidates
                .iter()
                .chain(&s.others)
                .enumerate()
                .map(|(i, c)| {
                    let printed = f
                        .operands
                        .iter()
                        .find(|o| o.span == c.span)
                        .map(|o| o.text.clone())
                        .unwrap_or_else(|| c.current.to_string());
                    let role = match (s.scope, opts.lang) {
                        _ if c.aside.is_some() && opts.lang == Lang::Zh => "另一可能格",
                        _ if c.aside.is_some() => "also possible",
                        (crate::finding::FixScope::Cell, Lang::Zh) => "疑误格",
                        (crate::finding::FixScope::Cell, Lang::En) => "suspect cell",
                        (_, Lang::Zh) => "候选格",
                        (_, Lang::En) => "candidate",
                    };
                    let kind = c
                        .kind
                        .map(|k| format!(" [{}]", k.name()))
                        .unwrap_or_default();
                    Location {
                        id: Some(n + i + 1),
                        physical_location: PhysicalLocation {
                            artifact_location: ArtifactLocation { uri: uri(path) },
                            region: c
                                .locator
                                .is_none()
                                .then(|| region(&c.span, c.position, &printed)),
                        },
                        logical_locations: logical(&c.cell, &c.locator),
                        message: Some(Message {
                            text: format!(
                                "{role}: {} {} → {}{kind}",
                                c.cell.as_deref().unwrap_or(&c.label),
                                c.current,
                                c.proposed
                            ),
                        }),
                    }
                }),
        );
    }
    let scope = match f.place() {
        // A rendered document: the message names the cell (the region cannot).
        Some(place) if scope_text(f).is_empty() => place,
        Some(place) => format!("{} · {place}", scope_text(f)),
        None => scope_text(f),
    };
    let mut text = format!("{}: {}", f.message(opts.lang), f.arithmetic(opts.lang));
    if !scope.is_empty() {
        text = format!(
            "{} ({scope}): {}",
            f.message(opts.lang),
            f.arithmetic(opts.lang)
        );
    }
    if let Some(s) = &f.suggestion {
        text.push_str(&format!(". {}", s.text(opts.lang)));
    }
    let mut fp = HashMap::new();
    fp.insert(
        "gouji/v1",
        crate::finding::fingerprint::fingerprint(&uri(path), f),
    );
    SarifResult {
        rule_id: f.rule.clone(),
        rule_index,
        level: level(f.severity),
        message: Message { text },
        locations: vec![Location {
            id: None,
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation { uri: uri(path) },
                region: f
                    .locator
                    .is_none()
                    .then(|| region(&f.span, f.position, primary_text)),
            },
            logical_locations: logical(&f.cell, &f.locator),
            message: None,
        }],
        related_locations: related,
        partial_fingerprints: fp,
    }
}

/// Render the run as one SARIF log.
pub fn render(reports: &[FileReport], opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let mut rules = Vec::new();
    let mut by_id = HashMap::new();
    if let Some(reg) = &opts.registry {
        let mut all: Vec<_> = reg.rules().collect();
        all.sort_by(|a, b| a.1.id.cmp(&b.1.id));
        for (pack, r) in all {
            by_id.insert(r.id.clone(), rules.len());
            let short = match opts.lang {
                Lang::Zh => r.message_zh.clone(),
                Lang::En => r.message_en.clone(),
            };
            rules.push(ReportingDescriptor {
                id: r.id.clone(),
                name: r.name.clone(),
                short_description: Message { text: short },
                full_description: Message {
                    text: r.explain.what.trim().to_string(),
                },
                help: Message {
                    text: format!(
                        "{}\n\n{}\n\nExample: {}\n\nRelation: {}\nSource: {} ({})",
                        r.explain.what.trim(),
                        r.explain.why.trim(),
                        r.explain.example.trim(),
                        r.expr_text,
                        r.reference,
                        pack.name
                    ),
                },
                default_configuration: Configuration {
                    level: level(r.severity),
                },
            });
        }
    }
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    let mut failed = false;
    let file_location = |path: &str| Location {
        id: None,
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation { uri: uri(path) },
            region: None,
        },
        logical_locations: Vec::new(),
        message: None,
    };
    for rep in reports {
        if let Some(e) = &rep.error {
            failed = true;
            notifications.push(Notification {
                descriptor: None,
                level: "error",
                message: Message { text: e.clone() },
                locations: vec![file_location(&rep.path)],
            });
        } else if let Some(line) = rep.coverage.line(opts.lang) {
            // A file not fully checked: a note, so a clean result is not taken for a full check.
            notifications.push(Notification {
                descriptor: Some(NotificationDescriptor {
                    id: match rep.coverage.status {
                        crate::coverage::Status::Partial => "gouji/partial",
                        _ => "gouji/no-table",
                    },
                }),
                level: "note",
                message: Message { text: line },
                locations: vec![file_location(&rep.path)],
            });
        }
        let index = rep.view.as_deref().map(|v| LineIndex::new(v));
        for f in &rep.findings {
            results.push(result(
                &rep.path,
                f,
                index.as_ref(),
                opts,
                by_id.get(&f.rule).copied(),
            ));
        }
    }
    let invocations = if notifications.is_empty() {
        Vec::new()
    } else {
        vec![Invocation {
            execution_successful: !failed,
            tool_execution_notifications: notifications,
        }]
    };
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "gouji",
                    version: env!("CARGO_PKG_VERSION"),
                    rules,
                },
            },
            column_kind: "unicodeCodePoints",
            results,
            invocations,
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// A SARIF log for a run that could not start: no results, one `toolConfigurationNotification`
/// of level `error` per problem (`file:line:col: message`, with the file as location), and
/// `executionSuccessful: false`. Written instead of an empty file, so a code-scanning upload
/// shows why the gate failed.
pub fn render_config_failure(problems: &[(String, String)], out: &mut dyn Write) -> io::Result<()> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct FailedInvocation {
        execution_successful: bool,
        tool_configuration_notifications: Vec<Notification>,
    }
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct FailedRun {
        tool: Tool,
        column_kind: &'static str,
        results: Vec<SarifResult>,
        invocations: Vec<FailedInvocation>,
    }
    #[derive(Serialize)]
    struct FailedLog<'a> {
        #[serde(rename = "$schema")]
        schema: &'a str,
        version: &'a str,
        runs: Vec<FailedRun>,
    }
    // `file:line:col: message` → a region at that line and column.
    let region = |text: &str| -> Option<Region> {
        let (head, _) = text.split_once(": ")?;
        let mut parts = head.rsplitn(3, ':');
        let col: usize = parts.next()?.parse().ok()?;
        let line: usize = parts.next()?.parse().ok()?;
        Some(Region {
            start_line: line,
            start_column: col,
            end_line: line,
            end_column: col + 1,
        })
    };
    let notifications = problems
        .iter()
        .map(|(file, text)| Notification {
            descriptor: Some(NotificationDescriptor {
                id: "gouji/configuration",
            }),
            level: "error",
            message: Message { text: text.clone() },
            locations: if file.is_empty() {
                Vec::new()
            } else {
                vec![Location {
                    id: None,
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation { uri: uri(file) },
                        region: region(text),
                    },
                    logical_locations: Vec::new(),
                    message: None,
                }]
            },
        })
        .collect();
    let log = FailedLog {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![FailedRun {
            tool: Tool {
                driver: Driver {
                    name: "gouji",
                    version: env!("CARGO_PKG_VERSION"),
                    rules: Vec::new(),
                },
            },
            column_kind: "unicodeCodePoints",
            results: Vec::new(),
            invocations: vec![FailedInvocation {
                execution_successful: false,
                tool_configuration_notifications: notifications,
            }],
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log).map_err(io::Error::from)?;
    writeln!(out)
}
