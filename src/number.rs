//! Numbers: every numeric token becomes a [`Quantity`] (exact decimal value, unit, scale,
//! printed precision, approximation marker). Never uses floating point.

use rust_decimal::Decimal;

/// How exact a printed figure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Approx {
    /// An exact figure.
    Exact,
    /// 约, 近, 左右: about this value (rounded at the printed precision).
    About,
    /// 余, 多, 以上, 超过, 不低于: at least this value.
    AtLeast,
    /// 不到, 不足, 以下: at most this value.
    AtMost,
}

/// A parsed number with everything needed to compare it honestly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quantity {
    /// Value with scale applied (`5.54万` → 55400).
    pub value: Decimal,
    /// Decimal places printed (before applying the scale): `55.4万` → 1, `98.40%` → 2.
    pub precision: u32,
    /// Scale multiplier printed (1, 10⁴ for 万, 10⁸ for 亿).
    pub scale: Decimal,
    /// Unit as printed after the number, e.g. `件`, `条`, `万元`, `%`.
    pub unit: Option<String>,
    /// Approximation marker.
    pub approx: Approx,
}

impl Quantity {
    /// An exact integer quantity without unit.
    pub fn integer(v: i64) -> Self {
        Quantity {
            value: Decimal::from(v),
            precision: 0,
            scale: Decimal::ONE,
            unit: None,
            approx: Approx::Exact,
        }
    }

    /// True if the figure is a percentage.
    pub fn is_percent(&self) -> bool {
        self.unit.as_deref() == Some("%")
    }
}

/// What a table cell holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellValue {
    /// Nothing printed.
    Blank,
    /// `—`, `——`, `-`, `/`, `无`: not applicable.
    NotApplicable,
    /// A number.
    Number(Quantity),
    /// Anything else (labels, units, prose).
    Text,
}

/// Interpret the text of a table cell. (Placeholder: ASCII integers only.)
pub fn parse_cell(text: &str) -> CellValue {
    let t = text.trim();
    if t.is_empty() {
        return CellValue::Blank;
    }
    if matches!(t, "—" | "——" | "-" | "/" | "无") {
        return CellValue::NotApplicable;
    }
    match t.parse::<i64>() {
        Ok(v) => CellValue::Number(Quantity::integer(v)),
        Err(_) => CellValue::Text,
    }
}
