//! The one diagnostic model: a [`Finding`] is what every renderer prints.
//!
//! A finding is data, not text: the relation that failed, both sides' values, and every operand
//! with its provenance. Messages are made at render time, in the language asked for.

use crate::rules::expr::CmpOp;
use crate::rules::Severity;
use crate::source::{LineCol, Span};
use rust_decimal::Decimal;

/// One number taking part in a failed relation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operand {
    /// Fact name (`apply.new[total]`).
    pub key: String,
    /// Human label (`本年新收政府信息公开申请数量 · 总计`).
    pub label: String,
    /// Value used in the arithmetic (blank cells count as 0).
    pub value: Decimal,
    /// True if the cell was blank or not applicable.
    pub blank: bool,
    /// Cell text as printed.
    pub text: String,
    /// Byte span in the document view.
    pub span: Span,
    /// Line and column in the view.
    pub position: LineCol,
    /// Locator in the original document, when the view is a rendering.
    pub locator: Option<String>,
    /// Which side of the relation it is on.
    pub side: Side,
}

impl Operand {
    /// The value as shown to people: blank cells say so, approximate or scaled figures are shown
    /// as printed with their value (`约55.4万条 (554000)`), others as the exact number.
    pub fn shown(&self, lang: Lang) -> String {
        if self.blank {
            match lang {
                Lang::Zh => "空（按 0 计）".to_string(),
                Lang::En => "blank (counted as 0)".to_string(),
            }
        } else if is_approximate(&self.text) {
            format!("{} ({})", self.text.trim(), self.value)
        } else {
            self.value.to_string()
        }
    }
}

/// Side of a relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// Left of the comparison (usually the total).
    Left,
    /// Right of the comparison (usually the parts).
    Right,
    /// Read by the rule's precondition (`when`), shown for context.
    Condition,
}

/// One side of a relation, written out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The arithmetic with values substituted (`5 + 1 + 2`).
    pub arithmetic: String,
    /// Its value.
    pub value: Decimal,
    /// When the side is a single fact: its label (so messages can say "总计 says 19").
    pub single: Option<String>,
}

/// The failed relation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    /// Left side.
    pub left: Term,
    /// The comparison that should hold.
    pub op: CmpOp,
    /// Right side.
    pub right: Term,
}

/// A problem found in a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Rule id (`F2019-T3-BAL`).
    pub rule: String,
    /// Rule name (`applications-do-not-balance`).
    pub rule_name: String,
    /// Severity after overrides.
    pub severity: Severity,
    /// Message in Chinese.
    pub message_zh: String,
    /// Message in English.
    pub message_en: String,
    /// Table title or other scope (`收到和处理政府信息公开申请情况`).
    pub table: String,
    /// The column or row the rule was applied to (`自然人`), if it iterates.
    pub scope: Option<String>,
    /// Primary span (the total, or the first operand).
    pub span: Span,
    /// Position of the primary span.
    pub position: LineCol,
    /// Locator of the primary span.
    pub locator: Option<String>,
    /// The relation with values.
    pub relation: Relation,
    /// Every number involved.
    pub operands: Vec<Operand>,
    /// A likely single-cell fix, when one cell explains every failure of its table.
    pub suggestion: Option<Suggestion>,
}

/// "This cell is probably X, not Y": the one cell whose change repairs every failed identity of
/// its table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// Label of the cell.
    pub label: String,
    /// Fact name.
    pub key: String,
    /// Where it is.
    pub position: LineCol,
    /// Value printed.
    pub current: Decimal,
    /// Value that would satisfy every identity.
    pub proposed: Decimal,
}

impl Suggestion {
    /// The suggestion as a sentence.
    pub fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!(
                "第{}行「{}」可能应为 {}，而不是 {}（改这一格即可使本表所有不成立的等式成立）",
                self.position.line, self.label, self.proposed, self.current
            ),
            Lang::En => format!(
                "line {}: {} is probably {}, not {} (changing this one cell satisfies every failed identity of the table)",
                self.position.line, self.label, self.proposed, self.current
            ),
        }
    }
}

impl Finding {
    /// The arithmetic written out in English (`17 + 1 = 18, but 总计 says 19`).
    pub fn arithmetic_en(&self) -> String {
        arithmetic(&self.relation, Lang::En)
    }

    /// The arithmetic written out in Chinese.
    pub fn arithmetic_zh(&self) -> String {
        arithmetic(&self.relation, Lang::Zh)
    }

    /// Message in the given language.
    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.message_zh,
            Lang::En => &self.message_en,
        }
    }

    /// Arithmetic in the given language.
    pub fn arithmetic(&self, lang: Lang) -> String {
        arithmetic(&self.relation, lang)
    }
}

/// Output language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Chinese.
    #[default]
    Zh,
    /// English.
    En,
}

fn side_text(t: &Term) -> String {
    if t.single.is_some() && is_approximate(&t.arithmetic) {
        // A single printed figure such as 约55.4万: show it as printed, not as a bare number.
        t.arithmetic.clone()
    } else if t.single.is_some() || t.arithmetic == t.value.to_string() {
        t.value.to_string()
    } else if t.arithmetic.contains(" = ") {
        // The side already spells out its results (several candidates tried).
        t.arithmetic.clone()
    } else {
        format!("{} = {}", t.arithmetic, t.value)
    }
}

/// Does a printed figure carry an approximation word or a scale (约, 余, 多, 近, 万, 亿…)?
fn is_approximate(printed: &str) -> bool {
    ["约", "余", "多", "近", "以上", "超过", "左右", "万", "亿"]
        .iter()
        .any(|w| printed.contains(w))
}

/// A single figure as stated: a percentage keeps its printed precision (`8.0%`, not 8), an
/// approximate figure its words (`22.88万条`).
fn stated(t: &Term) -> String {
    let printed = t.arithmetic.trim();
    let percent = printed.ends_with('%') || printed.ends_with('％');
    if percent || is_approximate(printed) {
        printed.to_string()
    } else {
        t.value.to_string()
    }
}

fn arithmetic(r: &Relation, lang: Lang) -> String {
    let neg = r.op.negated_symbol();
    match (&r.left.single, r.op, lang) {
        (Some(label), crate::rules::expr::CmpOp::Eq, Lang::En) => {
            format!(
                "{}, but {} says {}",
                side_text(&r.right),
                label,
                stated(&r.left)
            )
        }
        (Some(label), crate::rules::expr::CmpOp::Eq, Lang::Zh) => {
            format!("{}，但{}为 {}", side_text(&r.right), label, stated(&r.left))
        }
        // A figure against a constant (`举办各类培训班数 > 0`): name the figure.
        (Some(label), op, lang)
            if r.right.single.is_none() && r.right.arithmetic == r.right.value.to_string() =>
        {
            match lang {
                Lang::En => format!(
                    "{label} is {}, but it should be {} {}",
                    r.left.value,
                    op.symbol(),
                    r.right.value
                ),
                Lang::Zh => format!(
                    "{label}为 {}，但应 {} {}",
                    r.left.value,
                    op.symbol(),
                    r.right.value
                ),
            }
        }
        _ => {
            let l = side_text(&r.left);
            let rt = side_text(&r.right);
            match lang {
                Lang::En => format!("{l} {neg} {rt} (expected {})", r.op.symbol()),
                Lang::Zh => format!("{l} {neg} {rt}（应为 {}）", r.op.symbol()),
            }
        }
    }
}

/// Stable fingerprints of findings, shared by the baseline and SARIF's `partialFingerprints`.
///
/// FNV-1a 64 over a canonical string of the file's path key, the rule id, the table and scope
/// and the operands' fact keys and values (sorted); line numbers are not part of it. FNV is
/// implemented here because std's `DefaultHasher` is not stable across Rust releases.
pub mod fingerprint {
    use super::Finding;
    use std::path::{Path, PathBuf};

    /// FNV-1a, 64 bits.
    pub fn fnv1a64(bytes: &[u8]) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h
    }

    /// The canonical text a fingerprint is computed from.
    pub fn canonical(path_key: &str, f: &Finding) -> String {
        let mut ops: Vec<String> = f
            .operands
            .iter()
            .map(|o| {
                let v = if o.blank {
                    "blank".to_string()
                } else {
                    o.value.normalize().to_string()
                };
                format!("{}={}", o.key, v)
            })
            .collect();
        ops.sort();
        format!(
            "gouji-fp-1\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
            path_key,
            f.rule,
            f.table,
            f.scope.as_deref().unwrap_or(""),
            ops.join("\u{1e}")
        )
    }

    /// The fingerprint of a finding in the file with key `path_key`, as 16 hex digits.
    pub fn fingerprint(path_key: &str, f: &Finding) -> String {
        format!("{:016x}", fnv1a64(canonical(path_key, f).as_bytes()))
    }

    /// The path of a checked file as recorded in a baseline whose folder is `root`.
    pub fn path_key(root: &Path, path: &str) -> String {
        let abs = absolute(Path::new(path));
        let key = match abs.strip_prefix(absolute(root)) {
            Ok(rel) => rel.to_path_buf(),
            Err(_) => PathBuf::from(path.strip_prefix("./").unwrap_or(path)),
        };
        key.to_string_lossy().replace('\\', "/")
    }

    /// `path` made absolute against the working directory, with `.` components dropped.
    pub fn absolute(path: &Path) -> PathBuf {
        let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        abs.components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect()
    }
}
