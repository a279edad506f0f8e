//! `[[prose.fact]]` (a named prose figure against the table fact of the same report: N4, N14)
//! and `[[prose.status]]` (status words that imply a figure: N13).

use super::{exact, fact_value, single, Ctx, Reason};
use crate::extract::prose::ProseQuantity;
use crate::finding::{Side, Term};
use crate::number::matches_rounded;
use crate::rules::expr::CmpOp;
use crate::rules::pattern::Pattern;
use crate::rules::prose::{FactSpec, StatusSpec};

/// The quantity whose token overlaps the `num` group of a match.
fn quantity_at<'a>(qs: &[&'a ProseQuantity], caps: &regex::Captures) -> Option<&'a ProseQuantity> {
    let m = caps.name("num")?;
    qs.iter().copied().find(|q| {
        q.range().start <= m.start() && m.start() < q.range().end.max(q.range().start + 1)
            || m.start() <= q.range().start && q.range().start < m.end()
    })
}

/// The clause of the total a figure is a part of: the clause before the last `其中` of its
/// sentence that comes before it (empty when the figure follows no 其中).
fn list_total_clause<'t>(
    para: &'t crate::extract::prose::ProseParagraph,
    q: &ProseQuantity,
) -> &'t str {
    let Some(sentence) = para.sentences.get(q.sentence()) else {
        return "";
    };
    let before = para.text.get(sentence.start..q.range().start).unwrap_or("");
    let Some(t) = before.rfind("其中") else {
        return "";
    };
    let head = &before[..t];
    let head = head.trim_end_matches(|c: char| {
        crate::extract::prose::CLAUSE_DELIMS.contains(&c) || c.is_whitespace()
    });
    let start = head
        .char_indices()
        .rev()
        .find(|(_, c)| crate::extract::prose::CLAUSE_DELIMS.contains(c))
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    &head[start..]
}

/// Could `pattern` match the text of paragraph `pi` (its gate, answered from the paragraph's
/// sketch)? Where it could, the regex's captures are searched at once: most paragraphs the gate
/// admits do match, and a match test first would search them twice.
fn admitted(ctx: &Ctx, pattern: &Pattern, pi: usize, text: &str) -> bool {
    match ctx.sketches.get(pi) {
        Some(sketch) => pattern.admits_in(text, &sketch),
        None => pattern.admits(text),
    }
}

pub(super) fn run(ctx: &mut Ctx, spec: &FactSpec) {
    let Some(rule) = ctx.rule(&spec.rule) else {
        return;
    };
    let prose = ctx.prose();
    // A figure is compared only if it is a quantity of the paragraph and no percentage.
    let counted = ctx.counted;
    for &pi in counted {
        let Some(para) = prose.paragraphs.get(pi) else {
            continue;
        };
        // The paragraph's quantities, gathered at the first match only (most paragraphs have none).
        let mut qs: Option<Vec<&ProseQuantity>> = None;
        if !admitted(ctx, &spec.pattern, pi, &para.text) {
            continue;
        }
        let mut seen: Vec<usize> = Vec::new();
        // The gate admitted the text already: the regex alone.
        for caps in spec.pattern.regex().captures_iter(&para.text) {
            let qs = qs.get_or_insert_with(|| prose.in_paragraph(pi).map(|(_, q)| q).collect());
            let Some(q) = quantity_at(qs, &caps) else {
                continue;
            };
            if seen.contains(&q.range().start) || q.quantity.is_percent() {
                continue;
            }
            // A figure inside a table (a cell read as a line of text) is no prose figure.
            if ctx
                .facts
                .tables
                .iter()
                .any(|t| t.span.start <= q.span.start && q.span.end <= t.span.end)
            {
                continue;
            }
            seen.push(q.range().start);
            let clause = para.text.get(q.clause()).unwrap_or("");
            // A part of a 其中 list keeps the scope of its total (历年累计受理申请35条，其中同意公开
            // 答复27条: 27 is a running total too).
            let total_clause = list_total_clause(para, q);
            if spec
                .exclude
                .iter()
                .any(|w| clause.contains(w.as_str()) || total_clause.contains(w.as_str()))
            {
                continue;
            }
            let before = para
                .sentences
                .get(q.sentence())
                .and_then(|r| para.text.get(r.start..q.range().start.max(r.start)))
                .unwrap_or("");
            if spec
                .context_exclude
                .iter()
                .any(|w| before.contains(w.as_str()))
            {
                continue;
            }
            let table = ctx.table_facts(para.segment, &spec.key);
            let Some(f) = table.first() else { continue };
            let Some(v) = fact_value(f) else { continue };
            let agrees = |x| matches_rounded(x, &q.quantity) || q.quantity.value == x;
            // The second reading (e.g. 新收 + 上年结转), when every part of it is in the table.
            let other: Option<rust_decimal::Decimal> = if spec.or_sum.is_empty() {
                None
            } else {
                spec.or_sum
                    .iter()
                    .map(|k| {
                        ctx.table_facts(para.segment, k)
                            .first()
                            .map(|f| fact_value(f).unwrap_or_default())
                    })
                    .sum()
            };
            // A sibling stated apart in the same sentence, which the table may count here.
            let sentence_text = para
                .sentences
                .get(q.sentence())
                .and_then(|r| para.text.get(r.clone()))
                .unwrap_or("");
            let with_sibling = spec.or_with.iter().any(|re| {
                re.captures_iter(sentence_text).any(|c| {
                    c.name("num")
                        .and_then(|m| crate::number::scan(m.as_str()).into_iter().next())
                        .is_some_and(|t| {
                            q.quantity
                                .value
                                .checked_add(t.quantity.value)
                                .is_some_and(|sum| sum == v)
                        })
                })
            });
            let holds = agrees(v) || other.is_some_and(agrees) || with_sibling;
            ctx.evaluated(holds);
            let year_known = prose
                .segments
                .get(para.segment)
                .is_some_and(|s| s.year.is_some());
            let lacks_row = spec
                .certain_if
                .iter()
                .any(|k| ctx.table_facts(para.segment, k).is_empty());
            // One reading only: the text states this cell's figure.
            if exact(q)
                && table.len() == 1
                && spec.or_sum.is_empty()
                && spec.uncertain.is_none()
                && !with_sibling
                && !lacks_row
                && year_known
            {
                ctx.statements.push(super::Statement {
                    cell: f.provenance.span.clone(),
                    value: q.quantity.value,
                    span: q.span.clone(),
                });
            }
            if holds {
                continue;
            }
            let why: Option<Reason> = if let Some((zh, en)) = &spec.uncertain {
                Some((zh.as_str(), en.as_str()))
            } else if lacks_row {
                Some((
                    "统计表没有单列与之并列的类别，表中数字可能包含了该类别",
                    "the table has no separate row for a sibling category, so its figure may include it",
                ))
            } else if !spec.or_sum.is_empty() {
                Some((
                    "正文措辞可指本年新收或新收加上年结转，两种读法都对不上",
                    "the wording may mean new applications or new plus carried-over ones; neither matches",
                ))
            } else if !exact(q) {
                Some((
                    "正文数字为约数，按区间比较",
                    "the prose figure is approximate and was compared as an interval",
                ))
            } else if !year_known {
                Some((
                    "无法确定正文与表格属于同一年度报告",
                    "the prose and the table cannot be placed in one report year",
                ))
            } else {
                None
            };
            let ops = vec![
                ctx.prose_operand(q, Side::Left),
                ctx.table_operand(f, Side::Right),
            ];
            let right = Term {
                arithmetic: v.normalize().to_string(),
                value: v.normalize(),
                single: Some(f.label()),
            };
            let mut left = single(q);
            left.single = match (caps.get(0), caps.name("num")) {
                (Some(all), Some(num)) => para
                    .text
                    .get(all.start()..num.start().max(all.start()))
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
                _ => None,
            }
            .or(left.single);
            ctx.emit(rule, why, para, q.sentence(), left, CmpOp::Eq, right, ops);
        }
    }
}

pub(super) fn status(ctx: &mut Ctx, spec: &StatusSpec) {
    let Some(rule) = ctx.rule(&spec.rule) else {
        return;
    };
    let prose = ctx.prose();
    for (pi, para) in prose.paragraphs.iter().enumerate() {
        if !admitted(ctx, &spec.pattern, pi, &para.text) {
            continue;
        }
        // The paragraph's quantities, gathered at the first match only.
        let mut qs: Option<Vec<&ProseQuantity>> = None;
        // The gate admitted the text already: the regex alone.
        for caps in spec.pattern.regex().captures_iter(&para.text) {
            let Some(m) = caps.get(0) else { continue };
            let qs = qs.get_or_insert_with(|| prose.in_paragraph(pi).map(|(_, q)| q).collect());
            let rest = &para.text[m.end()..];
            let clause_end = rest
                .find(['，', '。', '；', ',', ';'])
                .unwrap_or(rest.len());
            if spec
                .exclude
                .iter()
                .any(|w| rest[..clause_end].contains(w.as_str()))
            {
                continue;
            }
            let count = quantity_at(qs, &caps);
            if let Some(rate_label) = &spec.rate_label {
                // Percentages of the same report about the same count.
                let Some(count) = count.filter(|c| exact(c)) else {
                    continue;
                };
                for pct in prose.quantities.iter().filter(|q| {
                    q.segment() == para.segment
                        && q.quantity.is_percent()
                        && rate_label.is_match(q.label())
                }) {
                    let Some(ppara) = prose.paragraphs.get(pct.paragraph as usize) else {
                        continue;
                    };
                    let same_subject = prose.quantities.iter().any(|o| {
                        o.paragraph == pct.paragraph
                            && o.sentence() == pct.sentence()
                            && !o.quantity.is_percent()
                            && o.quantity.value == count.quantity.value
                    });
                    if !same_subject {
                        continue;
                    }
                    let holds = matches_rounded(spec.implies, &pct.quantity);
                    ctx.evaluated(holds);
                    if !holds {
                        let why: Reason = (
                            "措辞矛盾：状态词所含的数值与所写比率不符",
                            "a wording conflict: the status words imply another rate than the one printed",
                        );
                        let ops = vec![
                            ctx.prose_operand(pct, Side::Left),
                            ctx.prose_operand(count, Side::Right),
                        ];
                        let right = Term {
                            arithmetic: spec.implies.normalize().to_string(),
                            value: spec.implies.normalize(),
                            single: Some(m.as_str().to_string()),
                        };
                        ctx.emit(
                            rule,
                            Some(why),
                            ppara,
                            pct.sentence(),
                            single(pct),
                            CmpOp::Eq,
                            right,
                            ops,
                        );
                    }
                }
            }
            for key in &spec.table_keys {
                for f in ctx.table_facts(para.segment, key) {
                    let Some(v) = fact_value(f) else { continue };
                    let holds = v == spec.implies;
                    ctx.evaluated(holds);
                    if holds {
                        continue;
                    }
                    let words = ProseQuantity::words(pi, para, m.range());
                    let mut ops = vec![ctx.prose_operand(&words, Side::Left)];
                    ops[0].value = spec.implies;
                    ops.push(ctx.table_operand(f, Side::Right));
                    let left = Term {
                        arithmetic: spec.implies.normalize().to_string(),
                        value: spec.implies.normalize(),
                        single: Some(m.as_str().to_string()),
                    };
                    let right = Term {
                        arithmetic: v.normalize().to_string(),
                        value: v.normalize(),
                        single: Some(f.label()),
                    };
                    let why: Reason = ("由措辞推断的数值", "a value inferred from wording");
                    ctx.emit(
                        rule,
                        Some(why),
                        para,
                        words.sentence(),
                        left,
                        CmpOp::Eq,
                        right,
                        ops,
                    );
                }
            }
        }
    }
}
