//! `[[prose.partition]]`: a total followed by its parts after a trigger word (N1, N5, N8, N9,
//! N11).

use super::{exact, single, sum_term, Ctx, Reason};
use crate::extract::prose::{ProseParagraph, ProseQuantity, CLAUSE_DELIMS};
use crate::finding::Side;
use crate::rules::expr::CmpOp;
use crate::rules::prose::{PartitionMode, PartitionSpec};
use rust_decimal::Decimal;

/// Most non-delimiter characters allowed between a total and its trigger (`占总数的` etc.).
const MAX_GAP: usize = 8;

/// Delimiters that end a list of parts.
const LIST_END: &[char] = &['；', ';', '。', '！', '？', '!', '?', '\n'];

pub(super) fn run(ctx: &mut Ctx, spec: &PartitionSpec) {
    let Some(rule) = ctx.rule(&spec.rule) else {
        return;
    };
    let prose = ctx.prose();
    for (pi, para) in prose.paragraphs.iter().enumerate() {
        let qs: Vec<&ProseQuantity> = prose.in_paragraph(pi).map(|(_, q)| q).collect();
        for trig in &spec.triggers {
            for (t, _) in para.text.match_indices(trig.as_str()) {
                if !at_clause_start(&para.text, t) {
                    continue;
                }
                let Some(p) = Partition::find(para, &qs, t, t + trig.len(), spec) else {
                    continue;
                };
                judge(ctx, rule, spec, para, &p);
            }
        }
    }
}

struct Partition<'a> {
    total: &'a ProseQuantity,
    parts: Vec<&'a ProseQuantity>,
    /// Parts left out because their unit differs from the total's.
    mixed: bool,
    /// The list ends in 等/主要/如…
    open: bool,
    /// The trigger sits inside parentheses (`534条（其中…286个）`).
    nested: bool,
    distinct: bool,
}

fn at_clause_start(text: &str, t: usize) -> bool {
    match text.get(..t).and_then(|b| b.chars().last()) {
        None => true,
        Some(c) => CLAUSE_DELIMS.contains(&c) || c.is_whitespace(),
    }
}

impl<'a> Partition<'a> {
    fn find(
        para: &ProseParagraph,
        qs: &[&'a ProseQuantity],
        t: usize,
        after: usize,
        spec: &PartitionSpec,
    ) -> Option<Self> {
        let depth = para.depth_at(t);
        let sentence = para.sentence_of(t);
        // The total: the last figure before the trigger at this depth or shallower.
        let total = *qs
            .iter()
            .rev()
            .find(|q| q.range.end <= t && q.depth <= depth && !q.quantity.is_percent())?;
        if total.quantity.is_percentage_points() {
            return None;
        }
        let same_sentence = total.sentence == sentence;
        let previous_sentence = total.sentence + 1 == sentence
            && para
                .text
                .get(para.sentences.get(sentence)?.start..t)
                .is_some_and(|s| s.trim().is_empty());
        if !(same_sentence || previous_sentence) {
            return None;
        }
        if gap(para, qs, total.range.end, t, depth) > MAX_GAP {
            return None;
        }
        // A total that is the last of a run of parallel figures (收到…件，受理…件，办结…件，其中…)
        // has no certain referent for the parts.
        let list_start = para
            .text
            .get(..total.range.start)
            .and_then(|b| b.rfind(LIST_END))
            .unwrap_or(0);
        if qs.iter().any(|q| {
            q.range.start >= list_start
                && q.range.end <= total.range.start
                && q.depth == total.depth
                && q.quantity.unit == total.quantity.unit
                && !q.quantity.is_percent()
        }) {
            return None;
        }
        // The parts: figures after the trigger at its depth, up to the end of the list.
        let end = list_end(para, after, depth);
        let end = first_bare_clause(para, qs, after, end, depth).unwrap_or(end);
        let allowed = total_units(para, total);
        let mut parts = Vec::new();
        let mut mixed = false;
        for q in qs
            .iter()
            .filter(|q| q.range.start >= after && q.range.end <= end)
        {
            if q.depth != depth || q.quantity.is_percent() || q.quantity.is_percentage_points() {
                continue;
            }
            let unit_ok = match &q.quantity.unit {
                None => true,
                Some(u) => allowed.iter().any(|a| a == u),
            };
            if unit_ok {
                parts.push(*q);
            } else {
                mixed = true;
            }
        }
        if parts.len() < spec.min_parts {
            return None;
        }
        let list_text = para.text.get(after..end).unwrap_or("");
        let open = spec
            .open_words
            .iter()
            .any(|w| list_text.contains(w.as_str()));
        let sentence_text = para
            .sentences
            .get(sentence)
            .and_then(|s| para.text.get(s.clone()))
            .unwrap_or("");
        let distinct = spec
            .distinct_labels
            .iter()
            .any(|w| total.label.contains(w.as_str()))
            || spec
                .distinct_markers
                .iter()
                .any(|w| sentence_text.contains(w.as_str()));
        Some(Partition {
            total,
            parts,
            mixed,
            open,
            nested: depth > total.depth,
            distinct,
        })
    }
}

/// Non-delimiter characters between `from` and `to`, ignoring deeper parentheses and
/// percentages (`，占总数的4.88%，`).
fn gap(para: &ProseParagraph, qs: &[&ProseQuantity], from: usize, to: usize, depth: u32) -> usize {
    let mut n = 0;
    let mut d = para.depth_at(from);
    for (i, c) in para.text.get(from..to).unwrap_or("").char_indices() {
        let at = from + i;
        match c {
            '（' | '(' => {
                d += 1;
                continue;
            }
            '）' | ')' => {
                d = d.saturating_sub(1);
                continue;
            }
            _ => {}
        }
        if d > depth || CLAUSE_DELIMS.contains(&c) || c.is_whitespace() {
            continue;
        }
        if qs
            .iter()
            .any(|q| q.quantity.is_percent() && q.range.start <= at && at < q.range.end)
        {
            continue;
        }
        n += 1;
    }
    n
}

/// Where the list of parts starting at `from` ends: the first `；` or sentence end at `depth`, or
/// the parenthesis closing it.
fn list_end(para: &ProseParagraph, from: usize, depth: u32) -> usize {
    let mut d = depth;
    for (i, c) in para.text.get(from..).unwrap_or("").char_indices() {
        match c {
            '（' | '(' => d += 1,
            '）' | ')' => {
                if d == depth && depth > 0 {
                    return from + i;
                }
                d = d.saturating_sub(1);
            }
            c if d == depth && LIST_END.contains(&c) => return from + i,
            _ => {}
        }
    }
    para.text.len()
}

/// Separators of the clauses of a list (not `、`, which joins words inside one item).
const ITEM_DELIMS: &[char] = &['，', ',', '：', ':'];

/// The start of the first clause of the list (at `depth`) that holds no figure: the list of parts
/// stops there (`其中“要闻”“政务公开”四大栏目…` is no enumeration).
fn first_bare_clause(
    para: &ProseParagraph,
    qs: &[&ProseQuantity],
    from: usize,
    to: usize,
    depth: u32,
) -> Option<usize> {
    let mut start = from;
    let mut d = depth;
    let text = para.text.get(from..to).unwrap_or("");
    let mut bounds: Vec<(usize, usize)> = Vec::new();
    for (i, c) in text.char_indices() {
        match c {
            '（' | '(' => d += 1,
            '）' | ')' => d = d.saturating_sub(1),
            c if d == depth && ITEM_DELIMS.contains(&c) => {
                bounds.push((start, from + i));
                start = from + i + c.len_utf8();
            }
            _ => {}
        }
    }
    bounds.push((start, to));
    for (a, b) in bounds {
        let words = para.text.get(a..b).unwrap_or("").trim();
        if words.is_empty() {
            continue;
        }
        let has_figure = qs
            .iter()
            .any(|q| q.range.start >= a && q.range.end <= b && q.depth == depth);
        if !has_figure {
            return Some(a);
        }
    }
    None
}

/// Units a part may have: the total's, plus those listed right after it (`条（份/项/次/册）`).
fn total_units(para: &ProseParagraph, total: &ProseQuantity) -> Vec<String> {
    let mut out: Vec<String> = total.quantity.unit.iter().cloned().collect();
    let rest = para.text.get(total.range.end..).unwrap_or("");
    let rest = rest.trim_start();
    if let Some(inner) = rest
        .strip_prefix('（')
        .or_else(|| rest.strip_prefix('('))
        .and_then(|r| r.split([')', '）']).next())
    {
        if inner.contains('/') && inner.chars().count() <= 12 {
            out.extend(inner.split('/').map(|u| u.trim().to_string()));
        }
    }
    out
}

/// Interval of a sum of quantities.
fn sum_interval(parts: &[&ProseQuantity]) -> (Decimal, Decimal) {
    let mut lo = Decimal::ZERO;
    let mut hi = Decimal::ZERO;
    for q in parts {
        let (a, b) = q.quantity.interval();
        lo = lo.checked_add(a).unwrap_or(Decimal::MIN);
        hi = hi.checked_add(b).unwrap_or(Decimal::MAX);
    }
    (lo, hi)
}

/// Do the parts make `k ≥ 2` consecutive partitions of the total (衢州: 10180+38273 and
/// 9145+39308, each = 48453)?
fn repeated_partition(total: Decimal, parts: &[&ProseQuantity]) -> bool {
    if total <= Decimal::ZERO {
        return false;
    }
    let mut acc = Decimal::ZERO;
    let mut groups = 0;
    for q in parts {
        acc += q.quantity.value;
        if acc == total {
            groups += 1;
            acc = Decimal::ZERO;
        } else if acc > total {
            return false;
        }
    }
    acc.is_zero() && groups >= 2
}

fn judge(
    ctx: &mut Ctx,
    rule: &crate::rules::Rule,
    spec: &PartitionSpec,
    para: &ProseParagraph,
    p: &Partition,
) {
    let (tlo, thi) = p.total.quantity.interval();
    let (slo, shi) = sum_interval(&p.parts);
    let all_exact = exact(p.total) && p.parts.iter().all(|q| exact(q));
    let sentence = p.total.sentence;
    let operands = |ctx: &Ctx, parts: &[&ProseQuantity]| {
        let mut v = vec![ctx.prose_operand(p.total, Side::Left)];
        v.extend(parts.iter().map(|q| ctx.prose_operand(q, Side::Right)));
        v
    };
    match spec.mode {
        PartitionMode::Distinct if p.distinct && !p.nested => {
            // Each channel ≤ total.
            for q in &p.parts {
                let (qlo, _) = q.quantity.interval();
                let holds = qlo <= thi;
                ctx.evaluated(holds);
                if !holds {
                    let why: Reason = (
                        "总数按不同渠道去重计数，只能判断单项不超过总数",
                        "the total counts distinct items, so only part ≤ total can be judged",
                    );
                    let ops = operands(ctx, &[q]);
                    ctx.emit(
                        rule,
                        Some(why),
                        para,
                        sentence,
                        single(q),
                        CmpOp::Le,
                        single(p.total),
                        ops,
                    );
                }
            }
            let holds = shi >= tlo;
            ctx.evaluated(holds);
            if !holds {
                let why: Reason = (
                    "各渠道之和应不小于去重后的总数",
                    "channels summed should be at least the distinct total",
                );
                let ops = operands(ctx, &p.parts);
                ctx.emit(
                    rule,
                    Some(why),
                    para,
                    sentence,
                    sum_term(&p.parts),
                    CmpOp::Ge,
                    single(p.total),
                    ops,
                );
            }
        }
        PartitionMode::Sum if !p.distinct || p.nested => {
            if p.nested {
                // A parenthetical 其中 names some sub-items: Σ ≤ total.
                let holds = slo <= thi;
                ctx.evaluated(holds);
                if !holds {
                    let why: Reason = (
                        "括号内“其中”只列出部分子项",
                        "a parenthetical list names only some sub-items",
                    );
                    let ops = operands(ctx, &p.parts);
                    ctx.emit(
                        rule,
                        Some(why),
                        para,
                        sentence,
                        sum_term(&p.parts),
                        CmpOp::Le,
                        single(p.total),
                        ops,
                    );
                }
                return;
            }
            if repeated_partition(p.total.quantity.value, &p.parts) {
                ctx.evaluated(true);
                return;
            }
            let over = slo > thi;
            let under = shi < tlo && !p.open && !p.mixed;
            ctx.evaluated(!(over || under));
            if over {
                let why: Option<Reason> = if !all_exact {
                    Some((
                        "含约数，按区间比较",
                        "approximate figures, compared as intervals",
                    ))
                } else if p.mixed {
                    Some((
                        "部分分项单位不同，已剔除",
                        "parts with another unit were left out",
                    ))
                } else {
                    None
                };
                let ops = operands(ctx, &p.parts);
                ctx.emit(
                    rule,
                    why,
                    para,
                    sentence,
                    single(p.total),
                    CmpOp::Eq,
                    sum_term(&p.parts),
                    ops,
                );
            } else if under {
                let why: Reason = (
                    "分项之和小于总数，所列分项可能并非全部",
                    "the parts fall short of the total; the list may not name every part",
                );
                let ops = operands(ctx, &p.parts);
                ctx.emit(
                    rule,
                    Some(why),
                    para,
                    sentence,
                    single(p.total),
                    CmpOp::Eq,
                    sum_term(&p.parts),
                    ops,
                );
            }
        }
        _ => {}
    }
}
