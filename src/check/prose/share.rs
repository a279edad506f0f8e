//! `[[prose.share]]` (shares of a total and rates: N2, N3, N7, N15) and `[[prose.change]]`
//! (year-on-year changes: N6). Every comparison accepts rounding *or* truncation at the printed
//! precision ([`matches_rounded`]), and a share is only reported when no base in scope fits.

use super::{exact, single, sum_term, Ctx, Reason};
use crate::extract::prose::ProseQuantity;
use crate::finding::{Side, Term};
use crate::number::{matches_rounded, Approx};
use crate::rules::expr::CmpOp;
use crate::rules::prose::{ChangeSpec, ShareBase, ShareSpec};
use crate::source::Span;
use rust_decimal::Decimal;

/// Paragraphs before the share's own whose figures may be its base.
const BASE_PARAGRAPHS: usize = 3;

fn hundred() -> Decimal {
    Decimal::ONE_HUNDRED
}

/// `part / base × 100`, if defined.
fn percent(part: Decimal, base: Decimal) -> Option<Decimal> {
    if base.is_zero() {
        return None;
    }
    part.checked_mul(hundred())?.checked_div(base)
}

/// The figure a share speaks about: the last exact non-percentage before it in its sentence,
/// in the same or the previous clause.
fn part_of<'a>(qs: &[&'a ProseQuantity], pct: &ProseQuantity) -> Option<&'a ProseQuantity> {
    let q = qs.iter().rev().find(|q| {
        q.range().end <= pct.range().start
            && q.sentence() == pct.sentence()
            && q.depth == pct.depth
            && !q.quantity.is_percent()
            && !q.quantity.is_percentage_points()
    })?;
    exact(q).then_some(*q)
}

pub(super) fn run(ctx: &mut Ctx, spec: &ShareSpec, claimed: &[Span]) {
    let Some(rule) = ctx.rule(&spec.rule) else {
        return;
    };
    let prose = ctx.prose();
    for (pi, para) in prose.paragraphs.iter().enumerate() {
        if !prose.in_paragraph(pi).any(|(_, q)| q.quantity.is_percent()) {
            continue;
        }
        let qs: Vec<&ProseQuantity> = prose.in_paragraph(pi).map(|(_, q)| q).collect();
        // Candidate bases: exact figures of this paragraph and the few before it (same segment).
        let first = pi.saturating_sub(BASE_PARAGRAPHS);
        let mut bases: Vec<&ProseQuantity> = (first..=pi)
            .flat_map(|p| prose.in_paragraph(p).map(|(_, q)| q))
            .filter(|q| q.segment() == para.segment && exact(q) && !q.quantity.is_percent())
            .collect();
        bases.sort_by_key(|q| q.range().start);
        // Shares of one partition, for the sum check: (part, percentage).
        let mut group: Vec<(&ProseQuantity, &ProseQuantity)> = Vec::new();
        for pct in qs.iter().filter(|q| q.quantity.is_percent()) {
            // A share printed after its unit (`网上咨询50人次，2.0%占`) still belongs to its item.
            let after_share = pct.label().is_empty()
                && para
                    .text
                    .get(pct.range().end..)
                    .is_some_and(|r| r.trim_start().starts_with('占'));
            let label_ok =
                spec.label.is_match(pct.label()) || (after_share && spec.label.is_match("占"));
            if !label_ok || claimed.contains(&pct.span) {
                continue;
            }
            if pct.quantity.approx != Approx::Exact {
                continue;
            }
            match spec.base {
                ShareBase::Part => {
                    let Some(part) = part_of(&qs, pct) else {
                        continue;
                    };
                    group.push((part, pct));
                }
                ShareBase::Pair => rate(ctx, rule, para, &qs, pct),
            }
        }
        if spec.base == ShareBase::Part && !group.is_empty() {
            shares(ctx, rule, spec, para, &bases, &group);
        }
    }
}

/// Judge the shares of one paragraph: each against every base in scope, then their sum.
fn shares(
    ctx: &mut Ctx,
    rule: &crate::rules::Rule,
    spec: &ShareSpec,
    para: &crate::extract::prose::ProseParagraph,
    bases: &[&ProseQuantity],
    group: &[(&ProseQuantity, &ProseQuantity)],
) {
    let parts_sum: Decimal = group.iter().map(|(p, _)| p.quantity.value).sum();
    let mut common: Option<Decimal> = None;
    let mut all_fit = true;
    for (part, pct) in group {
        let mut candidates: Vec<Decimal> = bases.iter().map(|b| b.quantity.value).collect();
        candidates.push(parts_sum);
        let fits: Vec<Decimal> = candidates
            .into_iter()
            .filter(|b| *b >= part.quantity.value)
            .filter(|b| {
                percent(part.quantity.value, *b).is_some_and(|x| matches_rounded(x, &pct.quantity))
            })
            .collect();
        ctx.evaluated(!fits.is_empty());
        if fits.is_empty() {
            all_fit = false;
            let why: Reason = (
                "在同一报告的邻近段落中找不到能得出该百分比的总数",
                "no figure nearby in the same report gives this percentage as a base",
            );
            let ops = vec![
                ctx.prose_operand(pct, Side::Left),
                ctx.prose_operand(part, Side::Right),
            ];
            let left = single(pct);
            let right = closest_ratio(
                part.quantity.value,
                bases
                    .iter()
                    .map(|b| b.quantity.value)
                    .chain(std::iter::once(parts_sum)),
                &pct.quantity,
            );
            ctx.emit(
                rule,
                Some(why),
                para,
                pct.sentence(),
                left,
                CmpOp::Eq,
                right,
                ops,
            );
        } else if fits.contains(&parts_sum) {
            common = Some(parts_sum);
        }
    }
    // N15: percentages of one full partition add to 100 within n × half a unit.
    let Some(sum_rule) = spec.sum_rule.as_deref().and_then(|id| ctx.rule(id)) else {
        return;
    };
    if !all_fit || common.is_none() || group.len() < 2 {
        return;
    }
    let total_pct: Decimal = group.iter().map(|(_, p)| p.quantity.value).sum();
    let tolerance: Decimal = group
        .iter()
        .map(|(_, p)| p.quantity.step() / Decimal::TWO)
        .sum();
    let holds = (total_pct - hundred()).abs() <= tolerance;
    ctx.evaluated(holds);
    if !holds {
        let pcts: Vec<&ProseQuantity> = group.iter().map(|(_, p)| *p).collect();
        let ops = pcts
            .iter()
            .map(|p| ctx.prose_operand(p, Side::Right))
            .collect();
        let left = Term {
            arithmetic: "100".into(),
            value: hundred(),
            single: None,
        };
        let why: Reason = (
            "各百分比分别舍入，允许少量误差",
            "each percentage is rounded, so a small drift is allowed",
        );
        ctx.emit(
            sum_rule,
            Some(why),
            para,
            group[0].1.sentence(),
            left,
            CmpOp::Eq,
            sum_term(&pcts),
            ops,
        );
    }
}

/// A rate (`办结率98.3%`): some two figures of its sentence or the one before give it.
fn rate(
    ctx: &mut Ctx,
    rule: &crate::rules::Rule,
    para: &crate::extract::prose::ProseParagraph,
    qs: &[&ProseQuantity],
    pct: &ProseQuantity,
) {
    let pool: Vec<&ProseQuantity> = qs
        .iter()
        .copied()
        .filter(|q| {
            (q.sentence() == pct.sentence() || q.sentence() + 1 == pct.sentence())
                && exact(q)
                && !q.quantity.is_percent()
        })
        .collect();
    // A rate needs two figures, and its numerator must be named (办结率 needs a 办结 count):
    // `共受理5210件，办结率达98.6%` cannot be checked.
    let stem: String = pct
        .label()
        .split('率')
        .next()
        .unwrap_or("")
        .chars()
        .rev()
        .take(2)
        .collect::<Vec<char>>()
        .into_iter()
        .rev()
        .collect();
    let named = |q: &ProseQuantity| stem.chars().count() == 2 && q.label().contains(stem.as_str());
    if pool.len() < 2 || !pool.iter().any(|q| named(q)) {
        return;
    }
    let holds = pool.iter().enumerate().any(|(i, a)| {
        pool.iter().enumerate().any(|(j, b)| {
            i != j
                && a.quantity.value <= b.quantity.value
                && percent(a.quantity.value, b.quantity.value)
                    .is_some_and(|x| matches_rounded(x, &pct.quantity))
        })
    });
    ctx.evaluated(holds);
    if !holds {
        let why: Reason = (
            "分子、分母未在句中明确，已尝试句中所有数字组合",
            "numerator and denominator are not named; every pair of figures in the sentence was tried",
        );
        let mut ops = vec![ctx.prose_operand(pct, Side::Left)];
        ops.extend(pool.iter().map(|q| ctx.prose_operand(q, Side::Right)));
        let right = pool
            .iter()
            .enumerate()
            .map(|(i, a)| {
                closest_ratio(
                    a.quantity.value,
                    pool.iter()
                        .enumerate()
                        .filter(|(j, b)| *j != i && b.quantity.value >= a.quantity.value)
                        .map(|(_, b)| b.quantity.value),
                    &pct.quantity,
                )
            })
            .filter(|t| t.arithmetic.contains('/'))
            .min_by_key(|t| (t.value - pct.quantity.value).abs())
            .unwrap_or_else(|| single(pct));
        ctx.emit(
            rule,
            Some(why),
            para,
            pct.sentence(),
            single(pct),
            CmpOp::Eq,
            right,
            ops,
        );
    }
}

/// `[[prose.change]]`: `较去年同期增长55%` after a count x needs an integer base b with
/// (x − b) / b × 100 = 55 at the printed precision.
pub(super) fn change(ctx: &mut Ctx, spec: &ChangeSpec) {
    let Some(rule) = ctx.rule(&spec.rule) else {
        return;
    };
    let prose = ctx.prose();
    for (pi, para) in prose.paragraphs.iter().enumerate() {
        let qs: Vec<&ProseQuantity> = prose.in_paragraph(pi).map(|(_, q)| q).collect();
        for pct in qs.iter().filter(|q| q.quantity.is_percent()) {
            let Some(caps) = spec.label.captures(pct.label()) else {
                continue;
            };
            let dir = caps.name("dir").map(|m| m.as_str()).unwrap_or("");
            let up = spec.up.iter().any(|w| w == dir);
            let down = spec.down.iter().any(|w| w == dir);
            if up == down || pct.quantity.approx != Approx::Exact {
                continue;
            }
            let Some(x) = part_of(&qs, pct) else { continue };
            if x.quantity.value.fract() != Decimal::ZERO || x.quantity.value <= Decimal::ZERO {
                continue;
            }
            let holds = some_base(x.quantity.value, &pct.quantity, up);
            ctx.evaluated(holds);
            let nearest = nearest_base(x.quantity.value, &pct.quantity, up);
            if !holds {
                let why: Reason = (
                    "上年基数未在本报告中给出，已尝试所有整数基数",
                    "last year's figure is not given; every integer base was tried",
                );
                let ops = vec![
                    ctx.prose_operand(pct, Side::Left),
                    ctx.prose_operand(x, Side::Right),
                ];
                let xv = x.quantity.value.normalize();
                let line = |b: Decimal| {
                    let diff = if up { xv - b } else { b - xv };
                    let v = percent(diff, b).unwrap_or_default().round_dp(2).normalize();
                    let text = if up {
                        format!("({xv} − {b}) / {b} × 100 = {v}")
                    } else {
                        format!("({b} − {xv}) / {b} × 100 = {v}")
                    };
                    (text, v)
                };
                // The two integer bases around the one the percentage implies.
                let right = match nearest {
                    Some((b, v)) => {
                        let other = if (v > pct.quantity.value) == up {
                            b + Decimal::ONE
                        } else {
                            b - Decimal::ONE
                        };
                        let mut pair = vec![line(b)];
                        if other >= Decimal::ONE {
                            pair.push(line(other));
                        }
                        pair.sort_by_key(|a| a.1);
                        Term {
                            arithmetic: pair
                                .iter()
                                .map(|(t, _)| t.as_str())
                                .collect::<Vec<_>>()
                                .join("; "),
                            value: v.round_dp(2).normalize(),
                            single: None,
                        }
                    }
                    None => Term {
                        arithmetic: format!("{xv}"),
                        value: xv,
                        single: None,
                    },
                };
                ctx.emit(
                    rule,
                    Some(why),
                    para,
                    pct.sentence(),
                    single(pct),
                    CmpOp::Eq,
                    right,
                    ops,
                );
            }
        }
    }
}

/// The integer base nearest to the printed change, with the change it gives.
fn nearest_base(x: Decimal, p: &crate::number::Quantity, up: bool) -> Option<(Decimal, Decimal)> {
    let rate = p.value / hundred();
    let denom = if up {
        Decimal::ONE + rate
    } else {
        Decimal::ONE - rate
    };
    let b = x.checked_div(denom)?.round().max(Decimal::ONE);
    let diff = if up { x - b } else { b - x };
    Some((b, percent(diff, b)?))
}

/// Is there an integer base b with (x − b)/b × 100 (or (b − x)/b × 100) printing as `p`?
fn some_base(x: Decimal, p: &crate::number::Quantity, up: bool) -> bool {
    let rate = p.value / hundred();
    let denom = if up {
        Decimal::ONE + rate
    } else {
        Decimal::ONE - rate
    };
    if denom <= Decimal::ZERO {
        return false;
    }
    let Some(guess) = x.checked_div(denom) else {
        return false;
    };
    let g = guess.round();
    let lo = (g - Decimal::from(3)).max(Decimal::ONE);
    let mut b = lo;
    while b <= g + Decimal::from(3) {
        let diff = if up { x - b } else { b - x };
        if diff >= Decimal::ZERO && percent(diff, b).is_some_and(|v| matches_rounded(v, p)) {
            return true;
        }
        b += Decimal::ONE;
    }
    false
}

/// When `computed` rounds to one unit of the printed last digit away from `printed` (8.0% printed
/// for 7.9%), say so.
fn off_by_one_unit(
    computed: Decimal,
    printed: &crate::number::Quantity,
) -> Option<(String, String)> {
    let step = printed.step();
    let rounded = computed.round_dp(printed.precision);
    let diff = (rounded - printed.value).abs();
    (diff == step).then(|| {
        let r = rounded.normalize();
        let r = if printed.precision > 0 {
            format!("{:.*}", printed.precision as usize, r)
        } else {
            r.to_string()
        };
        (
            format!("应为 {r}%，末位差一"),
            format!("should be {r}%, off by one in the last digit"),
        )
    })
}

/// `part / base × 100` for the base (among `bases`) that comes closest to the printed share.
fn closest_ratio(
    part: Decimal,
    bases: impl Iterator<Item = Decimal>,
    printed: &crate::number::Quantity,
) -> Term {
    let best = bases
        .filter_map(|b| percent(part, b).map(|v| (b, v)))
        .min_by_key(|(_, v)| (*v - printed.value).abs());
    match best {
        Some((b, v)) => {
            let shown = v
                .round_dp_with_strategy(
                    printed.precision + 2,
                    rust_decimal::RoundingStrategy::ToZero,
                )
                .normalize();
            let note = off_by_one_unit(v, printed)
                .map(|(zh, _)| format!("（{zh}）"))
                .unwrap_or_default();
            Term {
                arithmetic: format!("{} / {} = {shown}%{note}", part.normalize(), b.normalize()),
                value: shown,
                single: None,
            }
        }
        None => Term {
            arithmetic: part.normalize().to_string(),
            value: part.normalize(),
            single: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::number::scan;

    fn pct(s: &str) -> crate::number::Quantity {
        scan(s).remove(0).quantity
    }

    #[test]
    fn change_bases() {
        // 18 with +55%: base 12 gives 50.0, base 11 gives 63.6.
        assert!(!some_base(Decimal::from(18), &pct("55%"), true));
        assert!(some_base(Decimal::from(18), &pct("50%"), true));
        // Truncation accepted: 17 vs 11 = 54.54…% printed 54%.
        assert!(some_base(Decimal::from(17), &pct("54%"), true));
        // Decreases.
        assert!(some_base(Decimal::from(8), &pct("20%"), false));
    }
}
