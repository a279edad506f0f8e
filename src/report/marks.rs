//! Which spans of a report's view a page highlights: every operand of a finding, and the cells a
//! suggestion names (the suspect cell, or the candidates of a tie set) with their proposed values.
//! One model for every page that draws the report: the HTML report marks the text view with it,
//! `gouji serve` marks the drawn tables and prose.

use crate::finding::{FixScope, Lang};
use crate::pipeline::FileReport;
use crate::rules::Severity;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The part a suggestion gives a marked span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// One of several cells that could each explain the failures (a tie set).
    Candidate,
    /// The one cell that, changed alone, makes every failed identity hold.
    Suspect,
}

impl Role {
    /// Lower-case name (CSS class, JSON).
    pub fn name(self) -> &'static str {
        match self {
            Role::Candidate => "candidate",
            Role::Suspect => "suspect",
        }
    }

    /// What a tooltip calls the cell, in Chinese.
    pub fn word_zh(self) -> &'static str {
        match self {
            Role::Candidate => "候选格",
            Role::Suspect => "疑误格",
        }
    }

    /// What a tooltip calls the cell, in English.
    pub fn word_en(self) -> &'static str {
        match self {
            Role::Candidate => "candidate",
            Role::Suspect => "suspect cell",
        }
    }
}

/// One highlighted span.
#[derive(Debug, Clone)]
pub struct Mark {
    /// Indices of the findings (in the report's order) the span takes part in.
    pub findings: Vec<usize>,
    /// Tooltip lines: each finding's rule, operand label and arithmetic; the suggestion.
    pub tips: Vec<String>,
    /// The worst severity of those findings.
    pub severity: Severity,
    /// The part a suggestion gives the span, if any (a suspect wins over a candidate).
    pub role: Option<Role>,
    /// The value the suggestion proposes for the span (with `role`).
    pub proposed: Option<Decimal>,
}

/// The marks of a report's own findings (operands read from another file are left out), keyed by
/// byte span of `view`; spans outside the view or empty are left out. Identical spans share one
/// mark; overlapping ones are kept (a renderer drawing inline text skips the later one).
pub fn marks(view: &str, rep: &FileReport, lang: Lang) -> BTreeMap<(usize, usize), Mark> {
    let mut marks: BTreeMap<(usize, usize), Mark> = BTreeMap::new();
    let usable = |start: usize, end: usize| start < end && view.get(start..end).is_some();
    for (i, f) in rep.findings.iter().enumerate() {
        for o in f.operands.iter().filter(|o| o.file.is_none()) {
            if !usable(o.span.start, o.span.end) {
                continue;
            }
            let e = marks
                .entry((o.span.start, o.span.end))
                .or_insert_with(|| Mark {
                    findings: Vec::new(),
                    tips: Vec::new(),
                    severity: f.severity,
                    role: None,
                    proposed: None,
                });
            if !e.findings.contains(&i) {
                e.findings.push(i);
                e.tips
                    .push(format!("{} {}: {}", f.rule, o.label, f.arithmetic(lang)));
            }
            e.severity = e.severity.max(f.severity);
        }
        let Some(sg) = &f.suggestion else { continue };
        let role = match sg.scope {
            FixScope::Cell => Role::Suspect,
            _ => Role::Candidate,
        };
        // Cells set aside by the evidence stay marked as candidates: they remain possible.
        let listed = sg.candidates.iter().map(|c| (c, role));
        for (c, role) in listed.chain(sg.others.iter().map(|c| (c, Role::Candidate))) {
            if !usable(c.span.start, c.span.end) {
                continue;
            }
            let e = marks
                .entry((c.span.start, c.span.end))
                .or_insert_with(|| Mark {
                    findings: vec![i],
                    tips: Vec::new(),
                    severity: f.severity,
                    role: None,
                    proposed: None,
                });
            if e.role.is_none() {
                e.tips.push(match lang {
                    Lang::Zh => format!("{}：{} → {}", role.word_zh(), c.current, c.proposed),
                    Lang::En => format!("{}: {} → {}", role.word_en(), c.current, c.proposed),
                });
            }
            if e.role.is_none_or(|r| role > r) {
                e.role = Some(role);
                e.proposed = Some(c.proposed);
            }
        }
    }
    marks
}
