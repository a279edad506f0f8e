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
    // A partition's total is a quantity of the paragraph and no percentage.
    let counted = ctx.counted;
    for &pi in counted {
        let Some(para) = prose.paragraphs.get(pi) else {
            continue;
        };
        // The paragraph's quantities, gathered at the first trigger found.
        let mut qs: Option<Vec<&ProseQuantity>> = None;
        let mut seen: Vec<usize> = Vec::new();
        let sketch = ctx.sketches.get(pi);
        for trig in &spec.triggers {
            // A trigger the paragraph's sketch rules out is not in its text: not searched for.
            if sketch.is_some_and(|s| !s.may_hold(trig.as_bytes())) {
                continue;
            }
            // A punctuation trigger (`：`) follows its total directly; one followed by a word
            // trigger (`：其中`) is that trigger's list.
            let punct = trig.chars().count() == 1 && !trig.chars().all(char::is_alphanumeric);
            for (t, _) in para.text.match_indices(trig.as_str()) {
                let starts = if punct {
                    let rest = para.text.get(t + trig.len()..).unwrap_or("").trim_start();
                    !spec
                        .triggers
                        .iter()
                        .any(|w| w != trig && rest.starts_with(w.as_str()))
                } else {
                    at_clause_start(&para.text, t)
                };
                if !starts || seen.contains(&t) {
                    continue;
                }
                seen.push(t);
                let qs = qs.get_or_insert_with(|| prose.in_paragraph(pi).map(|(_, q)| q).collect());
                for p in Partition::find(para, qs, t, t + trig.len(), spec) {
                    judge(ctx, rule, spec, para, &p);
                }
            }
        }
    }
}

struct Partition<'a> {
    total: &'a ProseQuantity,
    parts: Vec<&'a ProseQuantity>,
    /// Numbers of parts where the list may end (`；` between items may end it or go on), the
    /// first reading first; always ends with `parts.len()`.
    ends: Vec<usize>,
    /// Parts that may be subsets of the part before them (`主动公开文件25115条，全文电子化主动
    /// 公开文件24902条`): a second reading leaves them out.
    maybe_subsets: Vec<usize>,
    /// Parts left out because their unit differs from the total's.
    mixed: bool,
    /// The list ends in 等/主要/如…
    open: bool,
    /// The trigger sits inside parentheses (`534条（其中…286个）`).
    nested: bool,
    distinct: bool,
    /// A distinct-count label (`主动公开`) but parts that are no channels: judged as a sum, at
    /// most a warning.
    distinct_label_only: bool,
    /// Number of parts of the list that ends with a catch-all (`其他…`), if any.
    complete: Option<usize>,
    /// The list goes on past the end of a sentence (items with shares).
    across_sentences: bool,
    /// Every stretch of the list carries a share (`占…%`).
    shared: bool,
    /// Opened by a colon right after the total: an enumeration up to the sentence end.
    colon: bool,
}

fn at_clause_start(text: &str, t: usize) -> bool {
    match text.get(..t).and_then(|b| b.chars().last()) {
        None => true,
        Some(c) => CLAUSE_DELIMS.contains(&c) || c.is_whitespace(),
    }
}

/// Does `label` name a catch-all item (`其他`, `以及其它`)?
fn is_catch_all(label: &str, spec: &PartitionSpec) -> bool {
    let l = label
        .trim_start_matches(|c: char| c.is_whitespace() || "以及和与另有“\"".contains(c))
        .trim_start();
    spec.catch_all.iter().any(|w| l.starts_with(w.as_str()))
}

fn has_any(text: &str, words: &[String]) -> bool {
    words.iter().any(|w| text.contains(w.as_str()))
}

/// The longest common suffix of two labels, in characters.
fn common_suffix(a: &str, b: &str) -> usize {
    a.chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

impl<'a> Partition<'a> {
    fn find(
        para: &ProseParagraph,
        qs: &[&'a ProseQuantity],
        t: usize,
        after: usize,
        spec: &PartitionSpec,
    ) -> Vec<Self> {
        Self::find_inner(para, qs, t, after, spec).unwrap_or_default()
    }

    fn find_inner(
        para: &ProseParagraph,
        qs: &[&'a ProseQuantity],
        t: usize,
        after: usize,
        spec: &PartitionSpec,
    ) -> Option<Vec<Self>> {
        let depth = para.depth_at(t);
        let sentence = para.sentence_of(t);
        // The total: the last figure before the trigger at this depth or shallower.
        let total = *qs
            .iter()
            .rev()
            .find(|q| q.range().end <= t && q.depth <= depth && !q.quantity.is_percent())?;
        if total.quantity.is_percentage_points() {
            return None;
        }
        let same_sentence = total.sentence() == sentence;
        let opens_sentence = para
            .text
            .get(para.sentences.get(sentence)?.start..t)
            .is_some_and(|s| s.trim().is_empty());
        let previous_sentence = total.sentence() + 1 == sentence && opens_sentence;
        if !(same_sentence || previous_sentence) {
            return None;
        }
        let max_gap = if para
            .text
            .get(t..after)
            .is_some_and(|w| w.chars().count() == 1)
        {
            0
        } else {
            MAX_GAP
        };
        if gap(para, qs, total.range().end, t, depth) > max_gap {
            return None;
        }
        // A total that is the last of a run of parallel figures (收到…件，受理…件，办结…件，其中…)
        // has no certain referent for the parts — unless the run is two series of one measure
        // (134条，累计1346条。其中…6条，累计141条…).
        let list_start = para
            .text
            .get(..total.range().start)
            .and_then(|b| b.rfind(LIST_END))
            .unwrap_or(0);
        let run: Vec<&ProseQuantity> = qs
            .iter()
            .copied()
            .filter(|q| {
                q.range().start >= list_start
                    && q.range().end <= total.range().start
                    && q.depth == total.depth
                    && q.quantity.unit == total.quantity.unit
                    && !q.quantity.is_percent()
            })
            .collect();
        let series = |q: &ProseQuantity| has_any(q.label(), &spec.series_words);
        let first_series = match run.as_slice() {
            [] => None,
            [p0] if series(total) && !series(p0) && p0.sentence() == total.sentence() => Some(*p0),
            _ => return None,
        };
        // The parts: figures after the trigger at its depth, up to the end of the list.
        let allowed = total_units(para, total);
        let first = Self::segment(para, qs, after, depth, total, &allowed, spec)?;
        let (mut parts, mut mixed, mut subsets) = (first.parts, first.mixed, first.subsets);
        let mut ends = vec![parts.len()];
        let mut across_sentences = false;
        let has_share = |from: usize, to: usize| {
            qs.iter()
                .any(|q| q.quantity.is_percent() && q.range().start >= from && q.range().end <= to)
        };
        let mut shared = has_share(after, first.end);
        let mut end = first.end;
        let mut stopped = first.stopped;
        // Items separated by `；` (or by `。` when every item carries its share) go on while
        // the next stretch reads as one more item.
        while !stopped {
            let Some(sep) = para.text.get(end..).and_then(|r| r.chars().next()) else {
                break;
            };
            let sentence_end = "。！？!?".contains(sep);
            if !(sep == '；' || sep == ';' || (sentence_end && opens_sentence)) {
                break;
            }
            let next_start = end + sep.len_utf8();
            let Some(next) = Self::segment(para, qs, next_start, depth, total, &allowed, spec)
            else {
                break;
            };
            if !next.item_like || next.parts.is_empty() {
                break;
            }
            let next_shared = has_share(next_start, next.end);
            if sentence_end {
                if !(shared && next_shared) {
                    break;
                }
                across_sentences = true;
            }
            shared &= next_shared;
            let offset = parts.len();
            subsets.extend(next.subsets.iter().map(|i| i + offset));
            parts.extend(next.parts);
            mixed |= next.mixed;
            ends.push(parts.len());
            end = next.end;
            stopped = next.stopped;
        }
        if parts.len() < spec.min_parts {
            return None;
        }
        let list_text = para.text.get(after..end).unwrap_or("");
        let open = spec
            .open_words
            .iter()
            .any(|w| list_text.contains(w.as_str()));
        let complete = ends
            .iter()
            .copied()
            .find(|&n| n > 0 && is_catch_all(parts[n - 1].label(), spec));
        let sentence_text = para
            .sentences
            .get(sentence)
            .and_then(|s| para.text.get(s.clone()))
            .unwrap_or("");
        let by_label = has_any(total.label(), &spec.distinct_labels);
        let by_marker = has_any(sentence_text, &spec.distinct_markers);
        let channels = spec.channel_words.is_empty()
            || parts
                .iter()
                .any(|q| has_any(q.label(), &spec.channel_words));
        let distinct = by_marker || (by_label && channels);
        let distinct_label_only = by_label && !distinct;
        let make = |total: &'a ProseQuantity,
                    parts: Vec<&'a ProseQuantity>,
                    subsets: Vec<usize>,
                    ends: Vec<usize>,
                    complete: Option<usize>| Partition {
            total,
            parts,
            ends,
            maybe_subsets: subsets,
            mixed,
            open,
            nested: depth > total.depth,
            distinct,
            distinct_label_only,
            complete,
            across_sentences,
            shared,
            colon: max_gap == 0,
        };
        if let Some(p0) = first_series {
            // Two series: the parts carrying the series word add up to the total, the others to
            // the figure before it; both series must have one figure per item.
            let (b, a): (Vec<&ProseQuantity>, Vec<&ProseQuantity>) =
                parts.iter().copied().partition(|q| series(q));
            if a.len() != b.len() || a.len() < spec.min_parts {
                return None;
            }
            let la = a.len();
            let lb = b.len();
            return Some(vec![
                make(p0, a, Vec::new(), vec![la], None),
                make(total, b, Vec::new(), vec![lb], None),
            ]);
        }
        Some(vec![make(total, parts, subsets, ends, complete)])
    }

    /// The parts of one stretch of the list (up to `；`, the sentence end or the closing
    /// parenthesis), at `depth`.
    fn segment(
        para: &ProseParagraph,
        qs: &[&'a ProseQuantity],
        from: usize,
        depth: u32,
        total: &ProseQuantity,
        allowed: &[String],
        spec: &PartitionSpec,
    ) -> Option<Stretch<'a>> {
        let end = list_end(para, from, depth);
        let bare = first_bare_clause(para, qs, from, end, depth);
        let cut = bare.unwrap_or(end);
        let stretch = para.text.get(from..end).unwrap_or("");
        let mut out = Stretch {
            parts: Vec::new(),
            subsets: Vec::new(),
            mixed: false,
            end,
            stopped: bare.is_some(),
            item_like: true,
        };
        // Sub-lists of a part (`区政府公开18200条，其中全文电子化17950条`): their figures are
        // subsets of that part, not siblings.
        let inner: Vec<(usize, usize)> = spec
            .triggers
            .iter()
            .chain(spec.sub_triggers.iter())
            .flat_map(|tr| {
                stretch
                    .match_indices(tr.as_str())
                    .map(move |(i, _)| (from + i, from + i + tr.len()))
            })
            .filter(|(i, _)| at_clause_start(&para.text, *i) && para.depth_at(*i) == depth)
            .map(|(i, j)| {
                let e = para
                    .text
                    .get(j..end)
                    .and_then(|r| {
                        r.find(|c: char| ITEM_DELIMS.contains(&c) && c != '：' && c != ':')
                    })
                    .map(|k| j + k)
                    .unwrap_or(end);
                (i, e.max(j))
            })
            .collect();
        let first_label = qs
            .iter()
            .find(|q| q.range().start >= from && q.depth == depth && !q.quantity.is_percent())
            .map(|q| q.label());
        if let Some(l) = &first_label {
            let l = l.trim();
            let item = !l.is_empty()
                && l.chars().count() <= 24
                && !["共", "合计", "总", "全年", "同比", "较"]
                    .iter()
                    .any(|w| l.contains(w));
            let scoped = |l: &str| {
                spec.scope_words
                    .iter()
                    .filter(|w| l.contains(w.as_str()))
                    .count()
            };
            out.item_like = item && inner.is_empty() && scoped(l) <= scoped(total.label());
        } else {
            out.item_like = false;
        }
        for q in qs
            .iter()
            .filter(|q| q.range().start >= from && q.range().end <= cut)
        {
            if q.depth != depth || q.quantity.is_percent() || q.quantity.is_percentage_points() {
                continue;
            }
            if inner
                .iter()
                .any(|(a, b)| q.range().start >= *a && q.range().end <= *b)
            {
                continue;
            }
            // Another measure (历年累计… after this year's parts) ends the list.
            let scoped = |l: &str| {
                spec.scope_words
                    .iter()
                    .filter(|w| l.contains(w.as_str()))
                    .count()
            };
            if let Some(first) = out.parts.first() {
                if scoped(q.label()) > scoped(total.label()).max(scoped(first.label())) {
                    out.stopped = true;
                    out.end = q.clause().start;
                    break;
                }
            }
            let unit_ok = match q.quantity.unit.get() {
                // A bare figure after a total with a unit is another measure (粉丝3.7万).
                None => {
                    total.quantity.unit.is_none() || q.quantity.scale == crate::number::Scale::ONE
                }
                Some(u) => allowed.iter().any(|a| *a == u),
            };
            if !unit_ok {
                out.mixed = true;
                continue;
            }
            if let Some(prev) = out.parts.last() {
                let sub = common_suffix(prev.label(), q.label()) >= 4
                    && q.quantity.value <= prev.quantity.value
                    && q.label().chars().count() > common_suffix(prev.label(), q.label());
                if sub {
                    out.subsets.push(out.parts.len());
                }
            }
            out.parts.push(*q);
        }
        Some(out)
    }
}

/// One stretch of a list.
struct Stretch<'a> {
    parts: Vec<&'a ProseQuantity>,
    subsets: Vec<usize>,
    mixed: bool,
    end: usize,
    /// The list cannot go on after this stretch.
    stopped: bool,
    /// The stretch opens with an item (`label figure`), not with a new total or sub-list.
    item_like: bool,
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
            .any(|q| q.quantity.is_percent() && q.range().start <= at && at < q.range().end)
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
            .any(|q| q.range().start >= a && q.range().end <= b && q.depth == depth);
        if !has_figure {
            return Some(a);
        }
    }
    None
}

/// Units a part may have: the total's, plus those listed right after it (`条（份/项/次/册）`).
fn total_units(para: &ProseParagraph, total: &ProseQuantity) -> Vec<String> {
    let mut out: Vec<String> = total
        .quantity
        .unit
        .get()
        .iter()
        .map(|u| u.to_string())
        .collect();
    let rest = para.text.get(total.range().end..).unwrap_or("");
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

/// Does a sum interval meet the total's?
fn meets(total: (Decimal, Decimal), sum: (Decimal, Decimal)) -> bool {
    sum.0 <= total.1 && sum.1 >= total.0
}

fn judge(
    ctx: &mut Ctx,
    rule: &crate::rules::Rule,
    spec: &PartitionSpec,
    para: &ProseParagraph,
    p: &Partition,
) {
    let (tlo, thi) = p.total.quantity.interval();
    let sentence = p.total.sentence();
    let operands = |ctx: &Ctx, parts: &[&ProseQuantity]| {
        let mut v = vec![ctx.prose_operand(p.total, Side::Left)];
        v.extend(parts.iter().map(|q| ctx.prose_operand(q, Side::Right)));
        v
    };
    match spec.mode {
        PartitionMode::Distinct if p.distinct && !p.nested => {
            let parts = &p.parts[..p.ends[0]];
            let (_, shi) = sum_interval(parts);
            // Each channel ≤ total.
            for q in parts {
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
                let ops = operands(ctx, parts);
                ctx.emit(
                    rule,
                    Some(why),
                    para,
                    sentence,
                    sum_term(parts),
                    CmpOp::Ge,
                    single(p.total),
                    ops,
                );
            }
        }
        PartitionMode::Sum if !p.distinct || p.nested => {
            // Every reading: each place the list may end, with and without the figures that
            // may be subsets of the part before them.
            let mut readings: Vec<Vec<&ProseQuantity>> = Vec::new();
            let guesses: Vec<usize> = p.maybe_subsets.iter().copied().take(6).collect();
            for &n in &p.ends {
                // Every combination of the guessed subsets left out.
                for mask in 0u32..(1 << guesses.len()) {
                    let out: Vec<usize> = guesses
                        .iter()
                        .enumerate()
                        .filter(|(b, &i)| mask & (1 << b) != 0 && i < n)
                        .map(|(_, &i)| i)
                        .collect();
                    if mask != 0 && out.is_empty() {
                        continue;
                    }
                    readings.push(
                        p.parts[..n]
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| !out.contains(i))
                            .map(|(_, q)| *q)
                            .collect(),
                    );
                }
            }
            let fits = readings.iter().any(|r| {
                meets((tlo, thi), sum_interval(r))
                    || repeated_partition(p.total.quantity.value, r)
                    || (p.nested && p.complete.is_none() && sum_interval(r).0 <= thi)
            });
            // A list read on past its first stretch is only reported when its shape says it is
            // one list: a catch-all at its end, a share in every stretch, or three stretches.
            let first_n = p.ends[0];
            if !fits
                && first_n < spec.min_parts
                && p.complete.is_none()
                && !(p.shared || p.colon || p.ends.len() >= 3)
            {
                return;
            }
            ctx.evaluated(fits);
            if fits {
                return;
            }
            // The reading reported: the complete list (ending with a catch-all) if any, else the
            // first stretch (with the sub-items of a part left out when it is certain).
            let n = p.complete.unwrap_or(if p.ends[0] >= spec.min_parts {
                p.ends[0]
            } else {
                p.parts.len()
            });
            let extended = n > p.ends[0];
            let parts: Vec<&ProseQuantity> = p.parts[..n].to_vec();
            let (slo, shi) = sum_interval(&parts);
            let all_exact = exact(p.total) && parts.iter().all(|q| exact(q));
            let complete = p.complete.is_some();
            let guessed_subsets = p.maybe_subsets.iter().any(|&i| i < n);
            if p.nested && !complete {
                // A parenthetical 其中 names some sub-items: Σ ≤ total (failed above).
                let why: Reason = (
                    "括号内“其中”只列出部分子项",
                    "a parenthetical list names only some sub-items",
                );
                let ops = operands(ctx, &parts);
                ctx.emit(
                    rule,
                    Some(why),
                    para,
                    sentence,
                    sum_term(&parts),
                    CmpOp::Le,
                    single(p.total),
                    ops,
                );
                return;
            }
            let over = slo > thi;
            let under = shi < tlo && !p.open && !p.mixed;
            if !(over || under) {
                return;
            }
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
            } else if guessed_subsets {
                Some((
                    "某些分项可能是前一分项的子项，两种读法都对不上",
                    "some parts may be subsets of the part before them; neither reading matches",
                ))
            } else if extended && !complete {
                Some((
                    "分项列表以分号或句号续接，按同一列表判断",
                    "the list goes on after `；` or a sentence end and was read as one list",
                ))
            } else if p.across_sentences {
                Some((
                    "分项列表跨越句号，按同一列表判断",
                    "the list of parts runs past the end of a sentence and was read as one list",
                ))
            } else if p.distinct_label_only {
                Some((
                    "“主动公开”总数可能按不同渠道去重计数",
                    "a total of published items may count each item once across channels",
                ))
            } else if under && !complete {
                Some((
                    "分项之和小于总数，所列分项可能并非全部",
                    "the parts fall short of the total; the list may not name every part",
                ))
            } else {
                None
            };
            let ops = operands(ctx, &parts);
            ctx.emit(
                rule,
                why,
                para,
                sentence,
                single(p.total),
                CmpOp::Eq,
                sum_term(&parts),
                ops,
            );
        }
        _ => {}
    }
}

/// Labels that open a total, not an item.
const TOTAL_WORDS: &[&str] = &[
    "共", "合计", "总", "全年", "同比", "较", "累计", "历年", "截至",
];

/// A label that reads as one item of a list (`机构职能类信息`).
fn item_label(label: &str) -> bool {
    let l = label.trim();
    !l.is_empty() && l.chars().count() <= 24 && !TOTAL_WORDS.iter().any(|w| l.contains(w))
}

/// Does `a` share a run of `n` characters with `b`?
fn shares_run(a: &str, b: &str, n: usize) -> bool {
    let chars: Vec<char> = a.chars().collect();
    chars
        .windows(n)
        .any(|w| b.contains(w.iter().collect::<String>().as_str()))
}

/// A breakdown in a paragraph of its own (`（二）主要类别` / `机构职能类377条，……`) of a total
/// stated in the paragraph before: parts exceeding that total are reported (an error when every
/// figure is exact and the breakdown names the total's measure); falling short is only
/// reported when the list ends with a catch-all.
pub(super) fn later(ctx: &mut Ctx, spec: &PartitionSpec) {
    let Some(rule) = ctx.rule(&spec.rule) else {
        return;
    };
    if spec.mode != PartitionMode::Sum || spec.catch_all.is_empty() {
        return;
    }
    let prose = ctx.prose();
    for (pi, para) in prose.paragraphs.iter().enumerate() {
        let qs: Vec<&ProseQuantity> = prose
            .in_paragraph(pi)
            .map(|(_, q)| q)
            .filter(|q| q.depth == 0 && !q.quantity.is_percent())
            .collect();
        let Some(first) = qs.first() else { continue };
        let lead = para.text.get(..first.range().start).unwrap_or("");
        let words: Vec<&String> = spec
            .triggers
            .iter()
            .filter(|t| t.chars().any(char::is_alphanumeric))
            .collect();
        if words.iter().any(|t| lead.contains(t.as_str()))
            || TOTAL_WORDS.iter().any(|w| lead.contains(w))
            || first.quantity.unit.is_none()
        {
            continue;
        }
        // The items: every figure of the paragraph, each an item of the same unit.
        let items_ok = qs
            .iter()
            .all(|q| item_label(q.label()) && q.quantity.unit == first.quantity.unit && exact(q));
        let text = &para.text[..];
        if !items_ok
            || qs.len() < 3
            || words.iter().any(|t| text.contains(t.as_str()))
            || spec
                .open_words
                .iter()
                .any(|w| text[first.range().start..].contains(w.as_str()))
        {
            continue;
        }
        // The paragraph before, past at most two headings (paragraphs without figures).
        let mut heading = String::new();
        let mut prev = None;
        for back in 1..=3 {
            let Some(j) = pi.checked_sub(back) else { break };
            let Some(p) = prose.paragraphs.get(j) else {
                break;
            };
            if p.segment != para.segment {
                break;
            }
            if prose.in_paragraph(j).next().is_none() {
                heading.push_str(&p.text);
                continue;
            }
            prev = Some(j);
            break;
        }
        let Some(j) = prev else { continue };
        let total = prose
            .in_paragraph(j)
            .map(|(_, q)| q)
            .filter(|q| {
                q.depth == 0
                    && exact(q)
                    && q.quantity.unit == first.quantity.unit
                    && !spec
                        .scope_words
                        .iter()
                        .any(|w| q.label().contains(w.as_str()))
            })
            .max_by_key(|q| q.quantity.value);
        let Some(total) = total else { continue };
        // A total is at least its largest part and is said as one (共, 全年, 合计…) or named by
        // the breakdown's heading.
        let largest = qs
            .iter()
            .map(|q| q.quantity.value)
            .max()
            .unwrap_or_default();
        let named = shares_run(&format!("{heading}{lead}"), total.label(), 4);
        let said_total = ["共", "合计", "总", "全年"]
            .iter()
            .any(|w| total.label().contains(w));
        if total.quantity.value < largest || !(said_total || named) {
            continue;
        }
        let sum: Decimal = qs.iter().map(|q| q.quantity.value).sum();
        let complete = qs.last().is_some_and(|q| is_catch_all(q.label(), spec));
        let over = sum > total.quantity.value;
        let under = complete && sum < total.quantity.value;
        ctx.evaluated(!(over || under));
        if !(over || under) {
            continue;
        }
        let why: Option<Reason> = if named && over {
            None
        } else {
            Some((
                "分项在下一段列出，总数取自上一段",
                "the parts are listed in a paragraph of their own; the total is taken from the paragraph before",
            ))
        };
        let mut ops = vec![ctx.prose_operand(total, Side::Left)];
        ops.extend(qs.iter().map(|q| ctx.prose_operand(q, Side::Right)));
        let Some(tpara) = prose.paragraphs.get(j) else {
            continue;
        };
        ctx.emit(
            rule,
            why,
            tpara,
            total.sentence(),
            single(total),
            CmpOp::Eq,
            sum_term(&qs),
            ops,
        );
    }
}
