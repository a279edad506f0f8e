//! Numbers: every numeric token becomes a [`Quantity`] (exact decimal value, unit, scale,
//! printed precision, approximation marker). Never uses floating point.
//!
//! * [`parse_cell`] reads the text of one table cell;
//! * [`scan`] finds every quantity in a sentence of prose and skips what only looks like one
//!   (dates, document numbers, phone numbers, ordinals, identifiers, URLs);
//! * [`Quantity::interval`] and [`matches_rounded`] compare printed figures honestly, taking the
//!   printed precision, the scale word and the approximation marker into account.

mod cell;
mod charset;
mod exclude;
#[cfg(test)]
mod exclude_tests;
mod lex;
mod scan;
#[cfg(test)]
mod scan_tests;

pub use cell::parse_cell;
pub(crate) use cell::{has_digit, is_not_applicable};
pub use scan::{parse_chinese_numeral, scan, NumberToken};

use rust_decimal::{Decimal, RoundingStrategy};

/// How exact a printed figure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Approx {
    /// An exact figure.
    Exact,
    /// 约, 大约, 近, 接近, 将近, 左右, 上下: about this value (rounded at the printed precision).
    /// Conflicting markers (`近千余`) also give `About`.
    About,
    /// 余, 多, 以上, 超过, 逾, 不低于, 不少于: at least this value.
    AtLeast,
    /// 不到, 不足, 以下, 以内: at most this value.
    AtMost,
}

/// A parsed number with everything needed to compare it honestly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quantity {
    /// Value with scale applied (`5.54万` → 55400).
    pub value: Decimal,
    /// Decimal places printed (before applying the scale): `55.4万` → 1, `98.40%` → 2.
    pub precision: u32,
    /// Scale multiplier printed (1, 10⁴ for 万, 10⁸ for 亿); a Chinese numeral ending in 万
    /// (`两千三百万`) counts as scaled by 10⁴ too.
    pub scale: Scale,
    /// Unit printed after the number, without the scale word: `78874.11万元` → `元`,
    /// `50余万人次` → `人次`; `%` and `个百分点` for percentages and percentage points.
    /// [`Quantity::printed_unit`] gives the printed form (`万元`). Units come from a fixed
    /// vocabulary, so a quantity keeps only the unit's place in it ([`Unit::get`] reads it).
    pub unit: Unit,
    /// Approximation marker.
    pub approx: Approx,
}

/// A unit of a quantity, kept as its place in the vocabulary of units (one byte of every
/// figure of a page instead of a 16-byte string reference); [`Unit::NONE`] for no unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Unit(u8);

impl Unit {
    /// No unit.
    pub const NONE: Unit = Unit(0);

    /// The unit `unit` (one of the units the lexer reads; any other word reads as no unit).
    pub fn of(unit: Option<&str>) -> Unit {
        let Some(unit) = unit else {
            return Unit::NONE;
        };
        let place = lex::UNITS.iter().position(|u| *u == unit);
        debug_assert!(place.is_some(), "{unit} is not a unit of the lexer");
        place
            .and_then(|i| u8::try_from(i + 1).ok())
            .map_or(Unit::NONE, Unit)
    }

    /// The unit as printed, if any.
    pub fn get(self) -> Option<&'static str> {
        usize::from(self.0)
            .checked_sub(1)
            .and_then(|i| lex::UNITS.get(i).copied())
    }

    /// True when there is no unit.
    pub fn is_none(self) -> bool {
        self == Unit::NONE
    }

    /// True when there is a unit.
    pub fn is_some(self) -> bool {
        !self.is_none()
    }
}

/// A scale multiplier: a power of ten, kept as its exponent (a quantity is read for every
/// figure of a page, and the multiplier as a [`Decimal`] would take 16 bytes of it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale(u8);

impl Scale {
    /// No scale word (×1).
    pub const ONE: Scale = Scale(0);

    /// The scale of a multiplier, when it is a power of ten up to 10²⁸.
    pub fn of(multiplier: Decimal) -> Option<Scale> {
        if multiplier == Decimal::ONE {
            return Some(Scale::ONE);
        }
        (1..=28u8).map(Scale).find(|s| s.get() == multiplier)
    }

    /// The multiplier.
    pub fn get(self) -> Decimal {
        match self.0 {
            0 => Decimal::ONE,
            k => Decimal::try_from_i128_with_scale(10i128.pow(u32::from(k)), 0)
                .unwrap_or(Decimal::ONE),
        }
    }
}

impl Quantity {
    /// An exact integer quantity without unit.
    pub fn integer(v: i64) -> Self {
        Quantity {
            value: Decimal::from(v),
            precision: 0,
            scale: Scale::ONE,
            unit: Unit::NONE,
            approx: Approx::Exact,
        }
    }

    /// True if the figure is a percentage.
    pub fn is_percent(&self) -> bool {
        self.unit.get() == Some("%")
    }

    /// True if the figure is a difference of percentages (`个百分点`).
    pub fn is_percentage_points(&self) -> bool {
        matches!(self.unit.get(), Some("个百分点" | "百分点"))
    }

    /// The unit as printed, scale word included: `万元`, `万人次`, `万` (no unit), `件`.
    pub fn printed_unit(&self) -> Option<String> {
        let word = scale_word(self.scale.get());
        match (word, self.unit.get()) {
            (None, None) => None,
            (w, u) => Some(format!("{}{}", w.unwrap_or(""), u.unwrap_or(""))),
        }
    }

    /// Value in printed units (before the scale word): `55.4万` → 55.4.
    pub fn printed_value(&self) -> Decimal {
        let scale = self.scale.get();
        if scale.is_zero() {
            return self.value;
        }
        self.value.checked_div(scale).unwrap_or(self.value)
    }

    /// Place value of the last printed digit, in absolute units: `55.4万` → 1000, `98.40%` →
    /// 0.01, `6件` → 1. For an [`Approx::About`] integer the last non-zero digit counts
    /// (`约5000` → 1000), because trailing zeros of a round figure carry no precision.
    pub fn step(&self) -> Decimal {
        let base = pow10_neg(self.precision)
            .checked_mul(self.scale.get())
            .unwrap_or(Decimal::MAX);
        if self.approx != Approx::About || self.precision > 0 {
            return base;
        }
        let mut printed = self.printed_value().abs().trunc();
        let mut step = base;
        let ten = Decimal::TEN;
        while !printed.is_zero() && (printed % ten).is_zero() {
            printed /= ten;
            step = match step.checked_mul(ten) {
                Some(s) => s,
                None => break,
            };
        }
        step
    }

    /// True if the printed figure is itself the rounding of a truer value: a decimal, a scaled
    /// figure (`55万`), a percentage or an approximate figure. Plain integer counts (`6件`)
    /// are not.
    pub fn is_rounded(&self) -> bool {
        self.precision > 0
            || self.scale != Scale::ONE
            || self.is_percent()
            || self.is_percentage_points()
            || self.approx == Approx::About
    }

    /// The closed range `[lo, hi]` of true values the printed figure allows.
    ///
    /// Convention: for a rounded figure this is the *closed hull* of the rounding interval,
    /// `[v − step/2, v + step/2]`, so the boundary itself is accepted (lenient by design: a
    /// linter must not flag a figure that one reasonable rounding rule produces). Use
    /// [`Quantity::integer_interval`] for the exact set of integers (`约55.4万` →
    /// 553500..=554499).
    ///
    /// * exact plain integer (`6件`) → `[6, 6]`;
    /// * exact decimal, scaled or percentage → the rounding interval at the printed precision
    ///   (`98.4%` → `[98.35, 98.45]`, `55.4万` → `[553500, 554500]`);
    /// * [`Approx::About`] → the rounding interval, at the last non-zero digit for integers
    ///   (`约5000` → `[4500, 5500]`);
    /// * [`Approx::AtLeast`] → `[v, Decimal::MAX]`; [`Approx::AtMost`] → `[Decimal::MIN, v]`.
    pub fn interval(&self) -> (Decimal, Decimal) {
        let v = self.value;
        match self.approx {
            Approx::AtLeast => (v, Decimal::MAX),
            Approx::AtMost => (Decimal::MIN, v),
            Approx::Exact if !self.is_rounded() => (v, v),
            Approx::Exact | Approx::About => {
                let half = self.step() / Decimal::TWO;
                (
                    v.checked_sub(half).unwrap_or(Decimal::MIN),
                    v.checked_add(half).unwrap_or(Decimal::MAX),
                )
            }
        }
    }

    /// The integers `[lo, hi]` whose rounding (half away from zero) at the printed precision
    /// gives the printed figure: `约55.4万` → `(553500, 554499)`, `6件` → `(6, 6)`,
    /// `200余` → `(200, Decimal::MAX)`. `None` if no integer fits (`3.5` printed exactly).
    pub fn integer_interval(&self) -> Option<(Decimal, Decimal)> {
        let (lo, hi) = self.interval();
        let v = self.value;
        // Which ends are open: rounding half away from zero keeps the edge nearer zero.
        let (lo_open, hi_open) = match self.approx {
            Approx::AtLeast | Approx::AtMost => (false, false),
            Approx::Exact if !self.is_rounded() => (false, false),
            _ if v.is_sign_positive() && !v.is_zero() => (false, true),
            _ if v.is_zero() => (true, true),
            _ => (true, false),
        };
        let ilo = if lo == Decimal::MIN {
            lo
        } else if lo_open {
            lo.floor().checked_add(Decimal::ONE).unwrap_or(Decimal::MAX)
        } else {
            lo.ceil()
        };
        let ihi = if hi == Decimal::MAX {
            hi
        } else if hi_open {
            hi.ceil().checked_sub(Decimal::ONE).unwrap_or(Decimal::MIN)
        } else {
            hi.floor()
        };
        (ilo <= ihi).then_some((ilo, ihi))
    }

    /// True if `value` lies in [`Quantity::interval`].
    pub fn contains(&self, value: Decimal) -> bool {
        let (lo, hi) = self.interval();
        lo <= value && value <= hi
    }
}

/// True if the exact value `exact` (in the same units as `printed.value`, so percentages as
/// 4.3478, not 0.043478) can honestly be printed as `printed`.
///
/// Accepts rounding half away from zero (四舍五入) *and* truncation at the printed precision
/// (Shanghai 2019: 35/805 = 4.3478 printed `4.34%`): both 4.34 and 4.35 pass. For
/// [`Approx::About`] figures the whole [`Quantity::interval`] is accepted; for
/// [`Approx::AtLeast`]/[`Approx::AtMost`] the bound is compared directly.
pub fn matches_rounded(exact: Decimal, printed: &Quantity) -> bool {
    match printed.approx {
        Approx::AtLeast => return exact >= printed.value,
        Approx::AtMost => return exact <= printed.value,
        Approx::About if printed.contains(exact) => return true,
        _ => {}
    }
    let scale = match printed.scale.get() {
        s if s.is_zero() => Decimal::ONE,
        s => s,
    };
    let (Some(x), Some(p)) = (exact.checked_div(scale), printed.value.checked_div(scale)) else {
        return false;
    };
    let dp = printed.precision;
    x.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero) == p
        || x.round_dp_with_strategy(dp, RoundingStrategy::ToZero) == p
}

/// 10^-p as a Decimal (p capped at 28).
fn pow10_neg(p: u32) -> Decimal {
    Decimal::new(1, p.min(28))
}

/// The Chinese scale word for a multiplier, if it is one.
fn scale_word(scale: Decimal) -> Option<&'static str> {
    if scale == Decimal::from(10_000i64) {
        Some("万")
    } else if scale == Decimal::from(100_000_000i64) {
        Some("亿")
    } else if scale == Decimal::from(1_000_000_000_000i64) {
        Some("万亿")
    } else {
        None
    }
}

/// Unit words as statistics tables print them in a unit column of their own (`统计指标 | 单位 |
/// 统计数`), or after a number.
pub const UNIT_WORDS: &[&str] = &[
    "件",
    "条",
    "次",
    "人",
    "个",
    "篇",
    "项",
    "元",
    "万元",
    "亿元",
    "千元",
    "人次",
    "件次",
    "场",
    "场次",
    "期",
    "家",
    "份",
    "所",
    "天",
    "日",
    "户",
    "批",
    "册",
    "起",
    "宗",
    "套",
    "部",
    "名",
    "处",
    "种",
    "%",
    "％",
    "‰",
    "个工作日",
    "工作日",
    "小时",
    "万人次",
    "条次",
    "篇次",
];

/// What a table cell holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellValue {
    /// Nothing printed.
    Blank,
    /// `—`, `——`, `-`, `－`, `/`, `无`, `不适用`: not applicable.
    NotApplicable,
    /// A number.
    Number(Quantity),
    /// Anything else (labels, units, prose).
    Text,
}

/// Helpers shared by the number layer's tests.
#[cfg(test)]
pub(crate) mod test_util {
    use super::{parse_cell, CellValue, Quantity};
    use rust_decimal::Decimal;

    /// A decimal from its text.
    pub fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    /// The quantity of a table-cell text.
    pub fn q(text: &str) -> Quantity {
        match parse_cell(text) {
            CellValue::Number(q) => q,
            other => panic!("{text:?} → {other:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_util::{d, q};
    use super::*;

    #[test]
    fn intervals() {
        // (printed, lo, hi, integer lo, integer hi)
        type Case<'a> = (&'a str, &'a str, &'a str, Option<(&'a str, &'a str)>);
        let cases: &[Case] = &[
            ("6件", "6", "6", Some(("6", "6"))),
            ("0", "0", "0", Some(("0", "0"))),
            ("约55.4万条", "553500", "554500", Some(("553500", "554499"))),
            ("55.4万", "553500", "554500", Some(("553500", "554499"))),
            ("55万", "545000", "555000", Some(("545000", "554999"))),
            ("98.4%", "98.35", "98.45", None),
            ("98.40%", "98.395", "98.405", None),
            ("25%", "24.5", "25.5", Some(("25", "25"))),
            ("约5000", "4500", "5500", Some(("4500", "5499"))),
            ("约5000件", "4500", "5500", Some(("4500", "5499"))),
            ("约50万", "450000", "550000", Some(("450000", "549999"))),
            ("约5.0", "4.95", "5.05", Some(("5", "5"))),
            ("约0", "-0.5", "0.5", Some(("0", "0"))),
            ("约5350", "5345", "5355", Some(("5345", "5354"))),
            ("3.5", "3.45", "3.55", None),
            ("-1.5万", "-15500", "-14500", Some(("-15499", "-14500"))),
            ("-21.5", "-21.55", "-21.45", None),
        ];
        for (text, lo, hi, ints) in cases {
            let quantity = q(text);
            assert_eq!(quantity.interval(), (d(lo), d(hi)), "interval of {text:?}");
            assert_eq!(
                quantity.integer_interval(),
                ints.map(|(a, b)| (d(a), d(b))),
                "integer interval of {text:?}"
            );
        }
    }

    #[test]
    fn bounds() {
        assert_eq!(q("200余人次").interval(), (d("200"), Decimal::MAX));
        assert_eq!(q("不到100件").interval(), (Decimal::MIN, d("100")));
        assert_eq!(
            q("100件以下").integer_interval(),
            Some((Decimal::MIN, d("100")))
        );
        let thousand_odd = &scan("千余条")[0].quantity;
        assert_eq!(thousand_odd.interval(), (d("1000"), Decimal::MAX));
        assert!(q("200余人次").contains(d("210")));
        assert!(!q("200余人次").contains(d("199")));
    }

    #[test]
    fn steps() {
        assert_eq!(q("55.4万").step(), d("1000"));
        assert_eq!(q("98.40%").step(), d("0.01"));
        assert_eq!(q("6件").step(), d("1"));
        assert_eq!(q("约5000").step(), d("1000"));
        assert_eq!(q("约50万").step(), d("100000"));
        assert_eq!(q("5000").step(), d("1"));
    }

    #[test]
    fn rounding_and_truncation_both_pass() {
        let r = |a: i64, b: i64| Decimal::from(a * 100) / Decimal::from(b);
        // (exact, printed, expected)
        let cases: &[(Decimal, &str, bool)] = &[
            (r(35, 805), "4.34%", true), // Shanghai: truncated
            (r(35, 805), "4.35%", true), // rounded
            (r(35, 805), "4.33%", false),
            (r(35, 805), "4.3%", true),
            (r(2528, 2569), "98.4%", true),
            (r(2526, 2569), "98.3%", true),
            (r(2526, 2528), "98.3%", false),
            (r(1450, 1454), "99.72%", true),
            (r(3, 13), "23.08%", true),
            (r(3, 13), "23.07%", true),
            (r(3, 13), "23.1%", true),
            (r(114, 123), "92%", true), // truncation only (rounding gives 93)
            (r(114, 123), "93%", true),
            (r(114, 123), "91%", false),
            (r(76432, 288905), "26.5%", true),
            (r(703, 288905), "0.2%", true),
            (r(78777, 79977), "98.5%", true),
            (d("2.5"), "3", true), // half away from zero, not banker's
            (d("-2.5"), "-3", true),
            (d("2.4"), "3", false),
            (d("0.125"), "0.13", true),
            (d("0.125"), "0.12", true),
            (d("553621"), "约55.4万", true),
            (d("691007"), "约55.4万", false),
            (d("554321"), "55.4万", true),
            (d("556000"), "55.4万", false),
            (d("210"), "200余", true),
            (d("199"), "200余", false),
            (d("99"), "不到100", true),
            (d("101"), "不到100", false),
            (d("6"), "6件", true),
            (d("7"), "6件", false),
        ];
        for (exact, printed, expected) in cases {
            assert_eq!(
                matches_rounded(*exact, &q(printed)),
                *expected,
                "{exact} printed as {printed}"
            );
        }
    }

    #[test]
    fn quantity_helpers() {
        assert!(q("4.34%").is_percent());
        assert!(q("2.5个百分点").is_percentage_points());
        assert!(!q("2.5个百分点").is_percent());
        assert!(!q("6件").is_rounded());
        assert!(q("6万").is_rounded());
        assert_eq!(Quantity::integer(6), q("6"));
        // Extreme values stay panic-free.
        let mut huge = q("7.9亿");
        huge.value = Decimal::MAX;
        let _ = (huge.interval(), huge.integer_interval(), huge.step());
        huge.value = Decimal::MIN;
        huge.approx = Approx::About;
        let _ = (huge.interval(), huge.integer_interval(), huge.step());
        assert!(!matches_rounded(Decimal::MAX, &huge));
        assert_eq!(q("50万人次").printed_unit().as_deref(), Some("万人次"));
    }
}
