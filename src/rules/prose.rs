//! The prose part of a rule pack: `[[prose.partition]]`, `[[prose.share]]`, `[[prose.change]]`,
//! `[[prose.fact]]` and `[[prose.status]]` tables. Each is one generic mechanism, implemented once
//! in `check::prose` and parameterised here by words and regular expressions; each names the
//! `[[rule]]` (with `prose = "<mechanism>"`) whose id, severity, messages and explanation its
//! findings carry.

use super::pattern::{Compile, Pattern};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::ops::Range;
use toml::Spanned;

/// The mechanism a prose rule uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProseKind {
    /// A total followed by its parts after a trigger word.
    Partition,
    /// A share of a total or a rate.
    Share,
    /// Percentages of one partition adding to 100.
    ShareSum,
    /// A year-on-year change.
    Change,
    /// A named prose figure against the table fact of the same report.
    Fact,
    /// Status words that imply a figure.
    Status,
}

impl ProseKind {
    /// Parse the `prose = "…"` value of a rule.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "partition" => ProseKind::Partition,
            "share" => ProseKind::Share,
            "share-sum" => ProseKind::ShareSum,
            "change" => ProseKind::Change,
            "fact" => ProseKind::Fact,
            "status" => ProseKind::Status,
            _ => return None,
        })
    }

    /// Name as written in packs.
    pub fn name(self) -> &'static str {
        match self {
            ProseKind::Partition => "partition",
            ProseKind::Share => "share",
            ProseKind::ShareSum => "share-sum",
            ProseKind::Change => "change",
            ProseKind::Fact => "fact",
            ProseKind::Status => "status",
        }
    }

    /// The relation written out for `gouji explain`.
    pub fn relation(self) -> &'static str {
        match self {
            ProseKind::Partition => "Σ parts = total (exhaustive list) · part ≤ total, Σ parts ≥ total (distinct-count total)",
            ProseKind::Share => "part / base × 100 = p (rounded or truncated at the printed precision) for some base in scope",
            ProseKind::ShareSum => "Σ p = 100 within n × half a unit of the printed precision",
            ProseKind::Change => "(x − b) / b × 100 = ±p for some integer base b",
            ProseKind::Fact => "prose figure = table fact of the same report (interval for approximate figures)",
            ProseKind::Status => "figure implied by the status words = figure stated",
        }
    }

    /// The relation in Chinese, as `gouji explain --lang zh` prints it.
    pub fn relation_zh(self) -> &'static str {
        match self {
            ProseKind::Partition => "分项之和 = 总数（列全的列举）· 分项 ≤ 总数、分项之和 ≥ 总数（按不同信息计数的总数）",
            ProseKind::Share => "分项 / 基数 × 100 = p（按印出的精度四舍五入或截断），基数为范围内的某个数字",
            ProseKind::ShareSum => "各 p 之和 = 100，误差在分项数 × 印出精度的半个单位以内",
            ProseKind::Change => "(x − b) / b × 100 = ±p，b 为某个整数基数",
            ProseKind::Fact => "正文数字 = 同一报告统计表中的对应格（约数按区间比较）",
            ProseKind::Status => "状态措辞隐含的数字 = 所写的数字",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Raw (as written).

/// `[prose]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawProse {
    #[serde(default)]
    partition: Vec<RawPartition>,
    #[serde(default)]
    share: Vec<RawShare>,
    #[serde(default)]
    change: Vec<RawChange>,
    #[serde(default)]
    fact: Vec<RawFact>,
    #[serde(default)]
    status: Vec<RawStatus>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPartition {
    rule: Spanned<String>,
    triggers: Vec<String>,
    #[serde(default)]
    open_words: Vec<String>,
    #[serde(default)]
    distinct_labels: Vec<String>,
    #[serde(default)]
    distinct_markers: Vec<String>,
    #[serde(default = "two")]
    min_parts: usize,
    mode: Spanned<String>,
    #[serde(default)]
    catch_all: Vec<String>,
    #[serde(default)]
    scope_words: Vec<String>,
    #[serde(default)]
    series_words: Vec<String>,
    #[serde(default)]
    channel_words: Vec<String>,
    #[serde(default)]
    sub_triggers: Vec<String>,
}

fn two() -> usize {
    2
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawShare {
    rule: Spanned<String>,
    label: Spanned<String>,
    base: Spanned<String>,
    #[serde(default)]
    sum_rule: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChange {
    rule: Spanned<String>,
    label: Spanned<String>,
    up: Vec<String>,
    down: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFact {
    rule: Spanned<String>,
    key: Spanned<String>,
    pattern: Spanned<String>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    or_sum: Vec<String>,
    #[serde(default)]
    uncertain: Option<RawReason>,
    #[serde(default)]
    certain_if: Vec<String>,
    #[serde(default)]
    context_exclude: Vec<String>,
    #[serde(default)]
    or_with: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReason {
    zh: String,
    en: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStatus {
    rule: Spanned<String>,
    pattern: Spanned<String>,
    implies: Spanned<String>,
    #[serde(default)]
    rate_label: Option<Spanned<String>>,
    #[serde(default)]
    table_keys: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
}

// ---------------------------------------------------------------------------------------------
// Compiled.

/// A total followed by its parts (N1, N5, N8, N9, N11).
#[derive(Debug, Clone)]
pub struct PartitionSpec {
    /// Rule id.
    pub rule: String,
    /// Words that open the list of parts (`其中`).
    pub triggers: Vec<String>,
    /// Words that make the list non-exhaustive (`等`, `主要`, `如`).
    pub open_words: Vec<String>,
    /// Words in the total's label that make it a distinct count (`主动公开`).
    pub distinct_labels: Vec<String>,
    /// Words anywhere in the sentence that make the total a distinct count.
    pub distinct_markers: Vec<String>,
    /// Fewest parts worth checking.
    pub min_parts: usize,
    /// Which totals this spec judges.
    pub mode: PartitionMode,
    /// Words opening the label of a catch-all part (`其他`): a list ending with one is complete,
    /// so its parts must make the total exactly (also inside parentheses).
    pub catch_all: Vec<String>,
    /// Words that make a figure another measure than the total (`累计`, `历年`): a clause whose
    /// label has one the total's lacks ends the list.
    pub scope_words: Vec<String>,
    /// Words marking a second series of figures (`134条，累计1346条。其中…6条，累计141条`):
    /// parts whose label has one add up to the total so labelled, the others to the plain one.
    pub series_words: Vec<String>,
    /// Words of a channel (`网站`, `微博`): a total distinct only by its label (`主动公开`) is a
    /// distinct count when one of its parts names a channel; otherwise its parts (departments,
    /// categories) partition it, which is judged as a warning. Empty: the label alone decides.
    pub channel_words: Vec<String>,
    /// Words that open a sub-list inside one part (`包含`), besides the triggers: its figures
    /// are subsets of that part, not siblings.
    pub sub_triggers: Vec<String>,
}

/// How a partition is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartitionMode {
    /// Σ parts = total (lists at depth 0 whose total is not a distinct count); a list inside
    /// parentheses only needs Σ parts ≤ total.
    Sum,
    /// Distinct-count totals: each part ≤ total and Σ parts ≥ total.
    Distinct,
}

/// Where a share finds its base.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareBase {
    /// `占总数的p%`: the part is the figure before; the base is any figure in scope.
    Part,
    /// `办结率p%`: numerator and denominator are any two figures of the sentence (or the one before).
    Pair,
}

/// A share or rate (N2, N3, N7, N15).
#[derive(Debug, Clone)]
pub struct ShareSpec {
    /// Rule id.
    pub rule: String,
    /// Regex on the percentage's label phrase.
    pub label: Pattern,
    /// Where the base comes from.
    pub base: ShareBase,
    /// Rule id for "the shares of one partition add to 100".
    pub sum_rule: Option<String>,
}

/// A year-on-year change (N6).
#[derive(Debug, Clone)]
pub struct ChangeSpec {
    /// Rule id.
    pub rule: String,
    /// Regex on the percentage's label phrase, with a group `dir`.
    pub label: Pattern,
    /// Words of an increase.
    pub up: Vec<String>,
    /// Words of a decrease.
    pub down: Vec<String>,
}

/// A named prose figure mapped to a table fact (N4, N14).
#[derive(Debug, Clone)]
pub struct FactSpec {
    /// Rule id.
    pub rule: String,
    /// Table fact name (`response.total`, `apply.new[total]`).
    pub key: String,
    /// Regex with a `num` group where the figure is.
    pub pattern: Pattern,
    /// Words in the sentence that change the scope (then no comparison).
    pub exclude: Vec<String>,
    /// A second reading of the same words: the sum of these table facts (`收到申请` may count
    /// 新收 or 新收 + 上年结转). The prose figure agrees if it matches either reading, and a
    /// mismatch is then never certain.
    pub or_sum: Vec<String>,
    /// Why the wording does not name the table cell for certain (Chinese, English): a mismatch
    /// is then at most a warning, and its message gives this reason.
    pub uncertain: Option<(String, String)>,
    /// Table facts (names) whose presence in the same report makes the comparison certain: a
    /// table without them may count their cases under the compared row (a 2008 table with no
    /// 其他 answer row counts those answers as 部分公开), so a mismatch is then a warning.
    pub certain_if: Vec<String>,
    /// Words that, anywhere in the figure's sentence before it, change its scope (`截至…累计`
    /// opening a sentence whose later clauses list running totals; `市本级` before a part).
    pub context_exclude: Vec<String>,
    /// Patterns (with `{num}`) of a sibling category the prose states apart in the same
    /// sentence: a table without a row of its own may count it in this cell, so the figure
    /// plus the sibling's is a second reading (已主动公开52件；同意公开259件 against 同意公开 311).
    pub or_with: Vec<Pattern>,
}

/// Status words that imply a figure (N13).
#[derive(Debug, Clone)]
pub struct StatusSpec {
    /// Rule id.
    pub rule: String,
    /// Regex of the status words; an optional `num` group is the count they speak about.
    pub pattern: Pattern,
    /// The implied value.
    pub implies: Decimal,
    /// Regex on the label of percentages the status contradicts (`办结率`).
    pub rate_label: Option<Pattern>,
    /// Table facts (names) that must equal the implied value.
    pub table_keys: Vec<String>,
    /// Words that, later in the same clause, narrow what the status denies (`未发生行政复议纠错`
    /// denies corrections, not reviews): then the status says nothing about the figure.
    pub exclude: Vec<String>,
}

/// All prose specs of a pack.
#[derive(Debug, Clone, Default)]
pub struct ProseSpecs {
    /// Partitions.
    pub partitions: Vec<PartitionSpec>,
    /// Shares and rates.
    pub shares: Vec<ShareSpec>,
    /// Changes.
    pub changes: Vec<ChangeSpec>,
    /// Facts.
    pub facts: Vec<FactSpec>,
    /// Status words.
    pub statuses: Vec<StatusSpec>,
}

impl ProseSpecs {
    /// True when the pack has no prose specs.
    pub fn is_empty(&self) -> bool {
        self.partitions.is_empty()
            && self.shares.is_empty()
            && self.changes.is_empty()
            && self.facts.is_empty()
            && self.statuses.is_empty()
    }
}

/// Compiles prose specs (their patterns now or on first use, as `when` says), reporting
/// problems through `push(span, message)`.
pub(crate) fn compile_prose(
    raw: &RawProse,
    when: Compile,
    rule_kind: &dyn Fn(&str) -> Option<Option<ProseKind>>,
    push: &mut dyn FnMut(Range<usize>, String),
) -> ProseSpecs {
    let mut out = ProseSpecs::default();
    let check_rule =
        |r: &Spanned<String>, want: ProseKind, push: &mut dyn FnMut(Range<usize>, String)| {
            match rule_kind(r.get_ref()) {
                None => push(r.span(), format!("unknown rule `{}`", r.get_ref())),
                Some(k) if k != Some(want) => push(
                    r.span(),
                    format!(
                        "rule `{}` must have `prose = \"{}\"`",
                        r.get_ref(),
                        want.name()
                    ),
                ),
                Some(_) => {}
            }
        };
    // A template written twice (the same fact read under two keys) is parsed once.
    let made: std::cell::RefCell<Vec<Pattern>> = Default::default();
    let regex = |s: &Spanned<String>, push: &mut dyn FnMut(Range<usize>, String)| {
        let template = s.get_ref();
        if let Some(p) = made.borrow().iter().find(|p| p.template() == template) {
            return Some(p.clone());
        }
        match Pattern::new(template, when) {
            Ok(r) => {
                made.borrow_mut().push(r.clone());
                Some(r)
            }
            Err(e) => {
                push(s.span(), format!("invalid regular expression: {e}"));
                None
            }
        }
    };
    for p in &raw.partition {
        check_rule(&p.rule, ProseKind::Partition, push);
        if p.triggers.is_empty() {
            push(
                p.rule.span(),
                "a partition needs at least one trigger".into(),
            );
        }
        let mode = match p.mode.get_ref().as_str() {
            "sum" => PartitionMode::Sum,
            "distinct" => PartitionMode::Distinct,
            other => {
                push(
                    p.mode.span(),
                    format!("unknown mode `{other}`; expected one of: sum, distinct"),
                );
                PartitionMode::Sum
            }
        };
        out.partitions.push(PartitionSpec {
            mode,
            rule: p.rule.get_ref().clone(),
            triggers: p.triggers.clone(),
            open_words: p.open_words.clone(),
            distinct_labels: p.distinct_labels.clone(),
            distinct_markers: p.distinct_markers.clone(),
            min_parts: p.min_parts.max(1),
            catch_all: p.catch_all.clone(),
            scope_words: p.scope_words.clone(),
            series_words: p.series_words.clone(),
            channel_words: p.channel_words.clone(),
            sub_triggers: p.sub_triggers.clone(),
        });
    }
    for s in &raw.share {
        check_rule(&s.rule, ProseKind::Share, push);
        if let Some(sr) = &s.sum_rule {
            check_rule(sr, ProseKind::ShareSum, push);
        }
        let base = match s.base.get_ref().as_str() {
            "part" => ShareBase::Part,
            "pair" => ShareBase::Pair,
            other => {
                push(
                    s.base.span(),
                    format!("unknown base `{other}`; expected one of: part, pair"),
                );
                ShareBase::Part
            }
        };
        if let Some(label) = regex(&s.label, push) {
            out.shares.push(ShareSpec {
                rule: s.rule.get_ref().clone(),
                label,
                base,
                sum_rule: s.sum_rule.as_ref().map(|r| r.get_ref().clone()),
            });
        }
    }
    for c in &raw.change {
        check_rule(&c.rule, ProseKind::Change, push);
        if let Some(label) = regex(&c.label, push) {
            out.changes.push(ChangeSpec {
                rule: c.rule.get_ref().clone(),
                label,
                up: c.up.clone(),
                down: c.down.clone(),
            });
        }
    }
    for f in &raw.fact {
        check_rule(&f.rule, ProseKind::Fact, push);
        if !f.pattern.get_ref().contains("{num}") {
            push(
                f.pattern.span(),
                "a fact pattern needs a `{num}` placeholder".into(),
            );
        }
        if let Some(pattern) = regex(&f.pattern, push) {
            out.facts.push(FactSpec {
                rule: f.rule.get_ref().clone(),
                key: f.key.get_ref().clone(),
                pattern,
                exclude: f.exclude.clone(),
                or_sum: f.or_sum.clone(),
                uncertain: f.uncertain.as_ref().map(|r| (r.zh.clone(), r.en.clone())),
                certain_if: f.certain_if.clone(),
                context_exclude: f.context_exclude.clone(),
                or_with: f.or_with.iter().filter_map(|r| regex(r, push)).collect(),
            });
        }
    }
    for s in &raw.status {
        check_rule(&s.rule, ProseKind::Status, push);
        let implies = match s.implies.get_ref().parse::<Decimal>() {
            Ok(d) => d,
            Err(_) => {
                push(s.implies.span(), "`implies` must be a number".into());
                Decimal::ZERO
            }
        };
        if s.rate_label.is_none() && s.table_keys.is_empty() {
            push(
                s.rule.span(),
                "a status needs `rate_label` or `table_keys`".into(),
            );
        }
        let rate_label = s.rate_label.as_ref().and_then(|r| regex(r, push));
        if let Some(pattern) = regex(&s.pattern, push) {
            out.statuses.push(StatusSpec {
                rule: s.rule.get_ref().clone(),
                pattern,
                implies,
                rate_label,
                table_keys: s.table_keys.clone(),
                exclude: s.exclude.clone(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::rules::pack::{compile, PackError};

    const HEAD: &str = r#"
[pack]
id = "P"
name = "p"

[[rule]]
id = "P-SUM"
name = "sum"
prose = "partition"
severity = "error"
message = { zh = "z", en = "e" }
reference = "r"
explain = { what = "w", why = "y", example = "x" }
"#;

    fn problems(extra: &str) -> Vec<String> {
        match compile("p.toml", &format!("{HEAD}{extra}")) {
            Ok(_) => Vec::new(),
            Err(PackError::Invalid { problems, .. }) => {
                problems.iter().map(|p| p.to_string()).collect()
            }
            Err(e) => vec![e.to_string()],
        }
    }

    #[test]
    fn valid_prose_specs_compile() {
        let ok = "[[prose.partition]]\nrule = \"P-SUM\"\nmode = \"sum\"\ntriggers = [\"其中\"]\n";
        let pack = compile("p.toml", &format!("{HEAD}{ok}")).expect("valid");
        assert_eq!(pack.prose.partitions.len(), 1);
        assert_eq!(pack.rules[0].pack, "P");
    }

    #[test]
    fn problems_point_at_the_pack_file() {
        let bad = "[[prose.partition]]\nrule = \"P-NONE\"\nmode = \"both\"\ntriggers = [\"其中\"]\n\n[[prose.fact]]\nrule = \"P-SUM\"\nkey = \"k\"\npattern = \"(\"\n";
        let p = problems(bad);
        assert!(
            p.iter()
                .any(|m| m.contains("p.toml:15:8") && m.contains("unknown rule `P-NONE`")),
            "{p:?}"
        );
        assert!(p.iter().any(|m| m.contains("unknown mode `both`")), "{p:?}");
        assert!(
            p.iter().any(|m| m.contains("must have `prose = \"fact\"`")),
            "{p:?}"
        );
        assert!(
            p.iter().any(|m| m.contains("invalid regular expression")),
            "{p:?}"
        );
        assert!(p.iter().any(|m| m.contains("needs a `{num}`")), "{p:?}");
    }
}
