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
    /// The cell as the form names it (`表三「予以公开」行「自然人」列`), for a table figure.
    pub cell: Option<String>,
    /// Which side of the relation it is on.
    pub side: Side,
    /// The other report a figure of a rule across reports was read from (its path as given);
    /// `None` for a figure of the finding's own report.
    pub file: Option<String>,
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
    /// The primary cell as the form names it (`表三「予以公开」行「自然人」列`), for a table figure.
    pub cell: Option<String>,
    /// The relation with values.
    pub relation: Relation,
    /// Every number involved.
    pub operands: Vec<Operand>,
    /// A likely single-cell fix, when one cell explains every failure of its table.
    pub suggestion: Option<Suggestion>,
}

/// What the failed identities of a table point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixScope {
    /// Exactly one cell explains every failure: [`Suggestion::candidates`] holds it.
    Cell,
    /// Several cells could each explain every failure on its own (a tie set): the candidates,
    /// ranked (typing-slip-looking first) and capped; [`Suggestion::more`] counts those left off.
    Set,
    /// No single cell can: at least two cells are wrong (no candidates).
    Several,
}

impl FixScope {
    /// Name used in output (`cell`, `set`, `several`).
    pub fn name(self) -> &'static str {
        match self {
            FixScope::Cell => "cell",
            FixScope::Set => "set",
            FixScope::Several => "several",
        }
    }
}

/// The kind of slip the printed and the implied value of a cell show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Slip {
    /// Two adjacent digits swapped (`21` for `12`).
    Transposed,
    /// One digit typed wrong (`17` for `18`).
    OneDigit,
    /// A digit left out (`12` for `112`).
    DroppedDigit,
    /// A digit typed twice or added (`1122` for `112`).
    ExtraDigit,
    /// The sign lost or added (`-5` for `5`).
    Sign,
    /// The value of the neighbouring cell (same row or column) typed into this one.
    Neighbour,
    /// A figure copied from another row of the same column (a total copied from elsewhere).
    CopiedRow,
    /// The figure of the same cell in the body's report of the year before, left as it was.
    CopiedLastYear,
}

impl Slip {
    /// Every kind.
    pub const ALL: [Slip; 8] = [
        Slip::Transposed,
        Slip::OneDigit,
        Slip::DroppedDigit,
        Slip::ExtraDigit,
        Slip::Sign,
        Slip::Neighbour,
        Slip::CopiedRow,
        Slip::CopiedLastYear,
    ];

    /// The kind with this [`Slip::name`].
    pub fn from_name(name: &str) -> Option<Slip> {
        Slip::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Name used in output (`transposed-digits`, `one-digit`, …).
    pub fn name(self) -> &'static str {
        match self {
            Slip::Transposed => "transposed-digits",
            Slip::OneDigit => "one-digit",
            Slip::DroppedDigit => "dropped-digit",
            Slip::ExtraDigit => "extra-digit",
            Slip::Sign => "sign",
            Slip::Neighbour => "neighbour",
            Slip::CopiedRow => "copied-row",
            Slip::CopiedLastYear => "copied-last-year",
        }
    }

    /// Does it look like a typing slip (rather than a figure put in the wrong place)?
    pub fn is_typing(self) -> bool {
        !matches!(
            self,
            Slip::Neighbour | Slip::CopiedRow | Slip::CopiedLastYear
        )
    }

    fn text(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Slip::Transposed, Lang::Zh) => "疑为相邻两位数字颠倒",
            (Slip::OneDigit, Lang::Zh) => "疑为一位数字录错",
            (Slip::DroppedDigit, Lang::Zh) => "疑为漏了一位数字",
            (Slip::ExtraDigit, Lang::Zh) => "疑为多了一位数字",
            (Slip::Sign, Lang::Zh) => "疑为正负号错误",
            (Slip::Neighbour, Lang::Zh) => "与相邻一格的数相同，疑为错位",
            (Slip::CopiedRow, Lang::Zh) => "与同列另一行的数相同，疑为照抄",
            (Slip::CopiedLastYear, Lang::Zh) => "与上年报告同一格的数相同，疑为照抄上年",
            (Slip::CopiedLastYear, Lang::En) => {
                "same as the cell in last year's report: looks carried over unchanged"
            }
            (Slip::Transposed, Lang::En) => "looks like two digits swapped",
            (Slip::OneDigit, Lang::En) => "looks like one digit mistyped",
            (Slip::DroppedDigit, Lang::En) => "looks like a dropped digit",
            (Slip::ExtraDigit, Lang::En) => "looks like an extra digit",
            (Slip::Sign, Lang::En) => "looks like a wrong sign",
            (Slip::Neighbour, Lang::En) => "same as the neighbouring cell: looks shifted",
            (Slip::CopiedRow, Lang::En) => "same as another row of the column: looks copied",
        }
    }
}

/// One cell that could be wrong, and the value that would satisfy every failed identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Label of the cell.
    pub label: String,
    /// Fact name.
    pub key: String,
    /// Byte span of the cell in the document view.
    pub span: Span,
    /// Where it is.
    pub position: LineCol,
    /// The cell as the form names it (`表三「予以公开」行「自然人」列`).
    pub cell: Option<String>,
    /// Locator in the original document (`第2张表 第6行 第4列`), when the view is a rendering.
    pub locator: Option<String>,
    /// Value printed.
    pub current: Decimal,
    /// Value that would satisfy every identity.
    pub proposed: Decimal,
    /// The kind of slip the two values show, if any.
    pub kind: Option<Slip>,
    /// How the cell was read, when it was recovered rather than read as printed (`placed`,
    /// `undetermined`, `glued`…).
    pub read: Option<&'static str>,
    /// What the report's own text states for this cell, when it names the same figure.
    pub text_says: Option<Stated>,
    /// Why the cell, which the identities allow, was set aside (only on
    /// [`Suggestion::others`]).
    pub aside: Option<Basis>,
}

/// A figure the report's text states for a table cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stated {
    /// The value the text gives.
    pub value: Decimal,
    /// Where the text gives it.
    pub position: LineCol,
}

/// Why a suggestion names the cells it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// The identities alone: every listed cell explains every failure and no other cell does.
    Identities,
    /// The report's own text: it states the implied value of a listed cell, or repeats the
    /// printed figure of a cell set aside.
    Text,
    /// The table's inequalities: a relation that fails too (a part above its total, replies
    /// above applications) is repaired by changing the listed cells, not the others.
    Bounds,
    /// The table's heuristics (warning-severity inequalities, such as replies at most the
    /// applications received): a heuristic that fails too is repaired by changing the listed
    /// cells, or one that holds would fail if the cells set aside were changed. A heuristic has
    /// legitimate exceptions: breaking one never by itself leaves a single cell.
    Heuristics,
    /// The body's report of the year before (rules across reports): a relation with it that
    /// fails too (a running total that is not last year's plus this year's) holds if the
    /// listed cell takes the value the table's identities imply, and would fail if a cell set
    /// aside were changed instead.
    LastYear,
    /// The shape of the slip: of the cells the identities leave, only the listed one's printed
    /// value looks like a slip of its implied value. Not proof: the choice rests on the shape.
    SlipShape,
}

impl Basis {
    /// Every basis.
    pub const ALL: [Basis; 6] = [
        Basis::Identities,
        Basis::Text,
        Basis::Bounds,
        Basis::Heuristics,
        Basis::LastYear,
        Basis::SlipShape,
    ];

    /// The basis with this [`Basis::name`].
    pub fn from_name(name: &str) -> Option<Basis> {
        Basis::ALL.into_iter().find(|b| b.name() == name)
    }

    /// Name used in output (`identities`, `text`, `slip-shape`).
    pub fn name(self) -> &'static str {
        match self {
            Basis::Identities => "identities",
            Basis::Text => "text",
            Basis::Bounds => "bounds",
            Basis::Heuristics => "heuristics",
            Basis::LastYear => "last-year",
            Basis::SlipShape => "slip-shape",
        }
    }
}

impl Candidate {
    fn text(&self, lang: Lang) -> String {
        let kind = self.kind.map(|k| k.text(lang));
        let read = self.read.map(|r| match lang {
            Lang::Zh => format!("该格为推断读数（{r}）"),
            Lang::En => format!("the cell's reading was recovered ({r})"),
        });
        let notes: Vec<String> = kind.map(str::to_string).into_iter().chain(read).collect();
        let notes = if notes.is_empty() {
            String::new()
        } else {
            match lang {
                Lang::Zh => format!("（{}）", notes.join("；")),
                Lang::En => format!(" ({})", notes.join("; ")),
            }
        };
        format!(
            "{} {} → {}{notes}",
            self.place(lang),
            self.current,
            self.proposed
        )
    }

    /// Where the cell is: in a rendered document (DOCX, XLSX, PDF) as the form names it with the
    /// document's own address after it (`表三「予以公开」行「自然人」列（第2张表 第6行 第4列）`);
    /// in a text view by its line (`第37行「予以公开 · 自然人」`).
    pub fn place(&self, lang: Lang) -> String {
        match (place(&self.cell, &self.locator), lang) {
            (Some(p), _) => p,
            (None, Lang::Zh) => format!("第{}行「{}」", self.position.line, self.label),
            (None, Lang::En) => format!("line {}: {}", self.position.line, self.label),
        }
    }
}

/// Where the failed identities of a table point: one cell ("this cell is probably X, not Y"),
/// a tie set of cells each of which would explain every failure, or at least two wrong cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// One cell, a set, or several.
    pub scope: FixScope,
    /// The cell (scope `Cell`) or the ranked tie set (scope `Set`); empty for `Several`.
    pub candidates: Vec<Candidate>,
    /// Candidates of the tie set left off the list.
    pub more: usize,
    /// A recovered reading (`placed`, `undetermined`, …) among the cells of the failed
    /// identities: the suggestion depends on it.
    pub read: Option<&'static str>,
    /// What narrowed the cells the identities allow to the listed ones.
    pub basis: Basis,
    /// Cells the identities allow too, set aside by the evidence named in their
    /// [`Candidate::aside`] (the report's text repeats their printed figure, or their change
    /// looks like no slip).
    pub others: Vec<Candidate>,
}

impl Suggestion {
    /// The single proposed cell (scope `Cell`).
    pub fn cell(&self) -> Option<&Candidate> {
        match self.scope {
            FixScope::Cell => self.candidates.first(),
            _ => None,
        }
    }

    /// A few words for a headline: `probably 12, not 21 (two digits swapped)`, `one of 3
    /// cells`, `at least two cells wrong`; `?` marks a suggestion resting on a recovered reading.
    pub fn headline(&self, lang: Lang) -> String {
        let unsure = if self.read.is_some() || self.candidates.iter().any(|c| c.read.is_some()) {
            "?"
        } else {
            ""
        };
        match (self.scope, lang) {
            (FixScope::Cell, _) => {
                let Some(c) = self.candidates.first() else {
                    return String::new();
                };
                let kind = c.kind.map(|k| k.text(lang));
                // A pick the identities alone do not make says what it rests on.
                let basis = match (self.basis, lang) {
                    (Basis::Identities, _) => "",
                    (Basis::Text, Lang::Zh) => "（据正文）",
                    (Basis::Text, Lang::En) => " (as the text says)",
                    (Basis::Bounds, Lang::Zh) => "（据本表的大小关系）",
                    (Basis::Bounds, Lang::En) => " (by the table's bounds)",
                    (Basis::Heuristics, Lang::Zh) => "（据本表的经验关系）",
                    (Basis::Heuristics, Lang::En) => " (by the table's heuristics)",
                    (Basis::LastYear, Lang::Zh) => "（据上年报告）",
                    (Basis::LastYear, Lang::En) => " (by last year's report)",
                    (Basis::SlipShape, Lang::Zh) => "（仅据录入形态）",
                    (Basis::SlipShape, Lang::En) => " (by the slip's shape only)",
                };
                match lang {
                    Lang::Zh => format!(
                        "{}可能应为 {}，而不是 {}{}{basis}{unsure}",
                        c.place(lang),
                        c.proposed,
                        c.current,
                        kind.map(|k| format!("（{k}）")).unwrap_or_default()
                    ),
                    Lang::En => format!(
                        "{} probably {}, not {}{}{basis}{unsure}",
                        c.place(lang),
                        c.proposed,
                        c.current,
                        kind.map(|k| format!(" ({k})")).unwrap_or_default()
                    ),
                }
            }
            (FixScope::Set, Lang::Zh) => {
                format!("{} 格之一有误{unsure}", self.candidates.len() + self.more)
            }
            (FixScope::Set, Lang::En) => format!(
                "one of {} cells is wrong{unsure}",
                self.candidates.len() + self.more
            ),
            (FixScope::Several, Lang::Zh) => format!("至少两格有误{unsure}"),
            (FixScope::Several, Lang::En) => format!("at least two cells are wrong{unsure}"),
        }
    }

    /// What set the other cells aside and what supports the listed one, as a clause starting
    /// with `；` / `; ` (empty when the identities alone decide).
    fn evidence(&self, lang: Lang) -> String {
        let mut parts = Vec::new();
        if let (FixScope::Cell, Some(c)) = (self.scope, self.candidates.first()) {
            if let Some(t) = c.text_says.filter(|t| t.value == c.proposed) {
                parts.push(match lang {
                    Lang::Zh => format!("正文第{}行写的正是 {}", t.position.line, t.value),
                    Lang::En => format!(
                        "the report's text gives {} for it (line {})",
                        t.value, t.position.line
                    ),
                });
            }
        }
        let count = |b: Basis| self.others.iter().filter(|c| c.aside == Some(b)).count();
        let repeated = |c: &&Candidate| c.text_says.is_some_and(|t| t.value == c.current);
        let by_text = self
            .others
            .iter()
            .filter(|c| c.aside == Some(Basis::Text))
            .filter(repeated)
            .count();
        let outweighed = count(Basis::Text) - by_text;
        if outweighed > 0 {
            parts.push(match lang {
                Lang::Zh => format!("另有 {outweighed} 格在算术上也能解释，但正文支持上面这一格"),
                Lang::En => format!(
                    "{outweighed} other cell(s) could explain it too, but the text supports this one"
                ),
            });
        }
        if by_text > 0 {
            parts.push(match lang {
                Lang::Zh => format!("另有 {by_text} 格在算术上也能解释，但正文重复了它们印出的数字"),
                Lang::En => format!(
                    "{by_text} other cell(s) could explain it too, but the report's text repeats their printed figures"
                ),
            });
        }
        let by_bounds = count(Basis::Bounds);
        if by_bounds > 0 {
            parts.push(match lang {
                Lang::Zh => format!(
                    "另有 {by_bounds} 格在算术上也能解释，但改动它们不能消除本表另一条不成立的大小关系"
                ),
                Lang::En => format!(
                    "{by_bounds} other cell(s) could explain it too, but changing them leaves another failed bound of the table failing"
                ),
            });
        }
        let by_heuristics = count(Basis::Heuristics);
        if by_heuristics > 0 {
            parts.push(match lang {
                Lang::Zh => format!(
                    "另有 {by_heuristics} 格在算术上也能解释，但改动它们与本表的经验关系（如答复总数不大于受理总数）不符：经验关系有例外，请一并核对"
                ),
                Lang::En => format!(
                    "{by_heuristics} other cell(s) could explain it too, but changing them fits the table's heuristics (such as replies at most the applications) worse: heuristics have exceptions, check them too"
                ),
            });
        }
        let by_last_year = count(Basis::LastYear);
        if by_last_year > 0 {
            parts.push(match lang {
                Lang::Zh => format!(
                    "另有 {by_last_year} 格在算术上也能解释本表，但只有改这一格才与上年报告相符（上年数加本年数，或上年结转数）"
                ),
                Lang::En => format!(
                    "{by_last_year} other cell(s) could explain the table too, but only this one agrees with last year's report (last year's figure plus this year's, or last year's carry-over)"
                ),
            });
        }
        let by_shape = count(Basis::SlipShape);
        if by_shape > 0 {
            parts.push(match lang {
                Lang::Zh => format!(
                    "另有 {by_shape} 格在算术上也能解释，但其改动不像录入错误：此判断仅依据录入错误的形态"
                ),
                Lang::En => format!(
                    "{by_shape} other cell(s) could explain it too, but their change looks like no typing slip: the choice rests on the shape of the slip"
                ),
            });
        }
        let sep = match lang {
            Lang::Zh => "；",
            Lang::En => "; ",
        };
        parts.iter().map(|p| format!("{sep}{p}")).collect()
    }

    /// The suggestion as a sentence.
    pub fn text(&self, lang: Lang) -> String {
        let evidence = self.evidence(lang);
        let caveat = match (self.read, lang) {
            (None, _) => String::new(),
            (Some(r), Lang::Zh) => format!("；此判断依赖于对本表的推断读数（{r}），请核对原表"),
            (Some(r), Lang::En) => format!(
                "; this rests on a recovered reading of the table ({r}): check the printed table"
            ),
        };
        match (self.scope, lang) {
            (FixScope::Cell, _) => {
                let Some(c) = self.candidates.first() else {
                    return String::new();
                };
                let kind = c.kind.map(|k| k.text(lang));
                // The table-wide caveat below already names a recovered reading.
                let recovered = c.read.filter(|_| self.read.is_none()).map(|r| match lang {
                    Lang::Zh => format!("；该格为推断读数（{r}）"),
                    Lang::En => format!("; the cell's reading was recovered ({r})"),
                });
                match lang {
                    Lang::Zh => format!(
                        "{}可能应为 {}，而不是 {}（{}改这一格即可使本表所有不成立的等式成立{}{evidence}{caveat}）",
                        c.place(lang),
                        c.proposed,
                        c.current,
                        kind.map(|k| format!("{k}；")).unwrap_or_default(),
                        recovered.unwrap_or_default()
                    ),
                    Lang::En => format!(
                        "{} is probably {}, not {} ({}changing this one cell satisfies every failed identity of the table{}{evidence}{caveat})",
                        c.place(lang),
                        c.proposed,
                        c.current,
                        kind.map(|k| format!("{k}; ")).unwrap_or_default(),
                        recovered.unwrap_or_default()
                    ),
                }
            }
            (FixScope::Set, _) => {
                let list: Vec<String> = self.candidates.iter().map(|c| c.text(lang)).collect();
                let more = match (self.more, lang) {
                    (0, _) => String::new(),
                    (n, Lang::Zh) => format!("；另有 {n} 格"),
                    (n, Lang::En) => format!("; and {n} more"),
                };
                match lang {
                    Lang::Zh => format!(
                        "以下各格中任一格改动即可使本表所有不成立的等式成立，无法确定是哪一格（按录入错误的可能性排列）：{}{more}{evidence}{caveat}",
                        list.join("；")
                    ),
                    Lang::En => format!(
                        "any one of these cells would satisfy every failed identity of the table; which one cannot be told (most typing-slip-like first): {}{more}{evidence}{caveat}",
                        list.join("; ")
                    ),
                }
            }
            (FixScope::Several, Lang::Zh) => format!(
                "没有哪一格单独改动能使本表所有不成立的等式成立：至少有两格有误{caveat}"
            ),
            (FixScope::Several, Lang::En) => format!(
                "no single cell satisfies every failed identity of the table: at least two cells are wrong{caveat}"
            ),
        }
    }
}

/// The suggestions of single cells that explain more than one failure, each with the number of
/// failures it explains, in the order of their first finding. A renderer says each once, before
/// the failures, instead of repeating it under every one.
pub fn shared_suggestions(findings: &[Finding]) -> Vec<(&Suggestion, usize)> {
    let mut out: Vec<(&Suggestion, usize)> = Vec::new();
    for s in findings.iter().filter_map(|f| f.suggestion.as_ref()) {
        if s.scope != FixScope::Cell {
            continue;
        }
        match out.iter_mut().find(|(t, _)| *t == s) {
            Some(e) => e.1 += 1,
            None => out.push((s, 1)),
        }
    }
    out.retain(|(_, n)| *n > 1);
    out
}

impl Suggestion {
    /// The sentence said once for a cell that explains `n` failures:
    /// `一格可解释 2 处不成立：表三「…」行「…」列可能应为 12，而不是 21（…）`.
    pub fn shared_text(&self, n: usize, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!("一格可解释 {n} 处不成立：{}", self.text(lang)),
            Lang::En => format!("one cell explains {n} failures: {}", self.text(lang)),
        }
    }

    /// The short pointer written under each failure a shared suggestion explains.
    pub fn see_above(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!("见上：{}", self.headline(lang)),
            Lang::En => format!("see above: {}", self.headline(lang)),
        }
    }
}

/// The cell as the form names it: `表三「予以公开」行「自然人」列`, `表二「规章」`.
pub fn form_cell(table: &str, row_label: &str, column_label: &str) -> String {
    match (row_label.is_empty(), column_label.is_empty()) {
        (false, false) => format!("{table}「{row_label}」行「{column_label}」列"),
        (false, true) => format!("{table}「{row_label}」"),
        (true, false) => format!("{table}「{column_label}」列"),
        (true, true) => table.to_string(),
    }
}

/// Where a figure is in a rendered document (DOCX, XLSX, PDF), in the form's words with the
/// document's own address after it (`表三「予以公开」行「自然人」列（第2张表 第6行 第4列）`);
/// the address alone for a figure outside the form's tables (`第12段`); `None` for a text view
/// (no locator), whose address is file:line:col.
pub fn place(cell: &Option<String>, locator: &Option<String>) -> Option<String> {
    match (cell, locator) {
        (Some(c), Some(l)) => Some(format!("{c}（{l}）")),
        (None, Some(l)) => Some(l.clone()),
        (_, None) => None,
    }
}

/// The kind of slip that turns `proposed` (what the identities imply) into `current` (what was
/// printed), judged on the digits alone.
pub fn digit_slip(current: Decimal, proposed: Decimal) -> Option<Slip> {
    if current == proposed {
        return None;
    }
    if current == -proposed {
        return Some(Slip::Sign);
    }
    let digits = |d: Decimal| -> Vec<char> {
        d.abs()
            .normalize()
            .to_string()
            .chars()
            .filter(char::is_ascii_digit)
            .collect()
    };
    if (current < Decimal::ZERO) != (proposed < Decimal::ZERO)
        || current.normalize().scale() != proposed.normalize().scale()
    {
        return None;
    }
    let (c, p) = (digits(current), digits(proposed));
    let drop_one = |long: &[char], short: &[char]| {
        (0..long.len()).any(|i| long[..i].iter().chain(&long[i + 1..]).eq(short.iter()))
    };
    if c.len() == p.len() {
        let diff: Vec<usize> = (0..c.len()).filter(|&i| c[i] != p[i]).collect();
        match diff.as_slice() {
            [_] => return Some(Slip::OneDigit),
            [a, b] if *b == a + 1 && c[*a] == p[*b] && c[*b] == p[*a] => {
                return Some(Slip::Transposed)
            }
            _ => {}
        }
    } else if p.len() == c.len() + 1 && drop_one(&p, &c) {
        return Some(Slip::DroppedDigit);
    } else if c.len() == p.len() + 1 && drop_one(&c, &p) {
        return Some(Slip::ExtraDigit);
    }
    None
}

impl Finding {
    /// The headline location in a rendered document (DOCX, XLSX, PDF): the form's table, row
    /// and column, then the document's own address. `None` for text views (txt, md, html), whose
    /// headline stays file:line:col.
    pub fn place(&self) -> Option<String> {
        place(&self.cell, &self.locator)
    }

    /// Does the finding relate two reports (a rule across reports)?
    pub fn is_across(&self) -> bool {
        self.operands.iter().any(|o| o.file.is_some())
    }

    /// The arithmetic written out in English (`17 + 1 = 18, but 总计 says 19`).
    pub fn arithmetic_en(&self) -> String {
        self.arithmetic(Lang::En)
    }

    /// The arithmetic written out in Chinese.
    pub fn arithmetic_zh(&self) -> String {
        self.arithmetic(Lang::Zh)
    }

    /// A prose figure against the table's figure, both named where they are printed:
    /// `共收到申请 26件（正文），表三「本年新收政府信息公开申请数量」行「总计」列 25`.
    fn prose_against_table(&self, lang: Lang) -> Option<String> {
        let r = &self.relation;
        let [prose, table] = self.operands.as_slice() else {
            return None;
        };
        if r.op != CmpOp::Eq
            || prose.key != "prose"
            || prose.side != Side::Left
            || table.key == "prose"
            || table.side != Side::Right
            || r.right.single.is_none()
        {
            return None;
        }
        let said = r.left.single.as_deref().unwrap_or(&prose.label);
        let printed = r.left.arithmetic.trim();
        let printed = if printed.is_empty() {
            prose.value.to_string()
        } else {
            printed.to_string()
        };
        let cell = table.cell.as_deref().unwrap_or(&table.label);
        let value = table.shown(lang);
        Some(match lang {
            Lang::Zh => format!("{said} {printed}（正文），{cell} {value}"),
            Lang::En => format!("the text says {said} {printed}, the table's {cell} says {value}"),
        })
    }

    /// Message in the given language.
    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.message_zh,
            Lang::En => &self.message_en,
        }
    }

    /// Arithmetic in the given language; a prose figure against the table names both figures
    /// and where each is printed.
    pub fn arithmetic(&self, lang: Lang) -> String {
        self.prose_against_table(lang)
            .unwrap_or_else(|| arithmetic(&self.relation, lang))
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

#[cfg(test)]
mod slip_tests {
    use super::*;

    fn slip(current: i64, proposed: i64) -> Option<Slip> {
        digit_slip(Decimal::from(current), Decimal::from(proposed))
    }

    #[test]
    fn slips_are_named_from_the_digits() {
        assert_eq!(slip(21, 12), Some(Slip::Transposed));
        assert_eq!(slip(1324, 1234), Some(Slip::Transposed));
        assert_eq!(slip(17, 18), Some(Slip::OneDigit));
        assert_eq!(slip(12, 112), Some(Slip::DroppedDigit));
        assert_eq!(slip(1122, 112), Some(Slip::ExtraDigit));
        assert_eq!(slip(-5, 5), Some(Slip::Sign));
        assert_eq!(slip(31, 12), None);
        assert_eq!(slip(19, 20), None);
        assert_eq!(slip(7, 7), None);
    }
}
