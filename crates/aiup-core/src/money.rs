//! Integer won and rates in basis points. No floating point anywhere.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount of Korean won. Always whole won; never a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Won(pub i64);

impl Won {
    pub const ZERO: Won = Won(0);

    pub fn min(self, other: Won) -> Won {
        Won(self.0.min(other.0))
    }

    pub fn max(self, other: Won) -> Won {
        Won(self.0.max(other.0))
    }

    /// Saturating at zero: amounts owed are never negative.
    pub fn saturating_sub_floor_zero(self, other: Won) -> Won {
        Won((self.0 - other.0).max(0))
    }

    /// `per_unit × count`, saturating instead of overflowing.
    pub fn times(self, count: i64) -> Won {
        Won(self.0.saturating_mul(count))
    }
}

impl std::ops::Add for Won {
    type Output = Won;
    fn add(self, rhs: Won) -> Won {
        Won(self.0.saturating_add(rhs.0))
    }
}

impl std::ops::Sub for Won {
    type Output = Won;
    fn sub(self, rhs: Won) -> Won {
        Won(self.0.saturating_sub(rhs.0))
    }
}

/// A whole number with thousands separators: 1234567 → "1,234,567", -1234 → "-1,234".
pub fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

impl fmt::Display for Won {
    /// Renders as `₩1,234,000` (`-₩1,234` below zero).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = grouped(self.0);
        match text.strip_prefix('-') {
            Some(magnitude) => write!(f, "-₩{magnitude}"),
            None => write!(f, "₩{text}"),
        }
    }
}

/// How a fractional won is settled. Written down in the policy files
/// (`rounding.rate_amounts`), never chosen in code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundingMode {
    /// Drop the fraction (원 미만 절사).
    Floor,
    /// Round half away from zero (사사오입).
    HalfUp,
    /// Round any fraction up (원 미만 절상).
    Ceil,
}

impl RoundingMode {
    pub fn parse(s: &str) -> Option<RoundingMode> {
        match s {
            "floor" => Some(RoundingMode::Floor),
            "half_up" => Some(RoundingMode::HalfUp),
            "ceil" => Some(RoundingMode::Ceil),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RoundingMode::Floor => "floor",
            RoundingMode::HalfUp => "half_up",
            RoundingMode::Ceil => "ceil",
        }
    }

    /// As `divide`, in i64.
    fn divide_i64(self, numerator: i64, denominator: i64) -> i64 {
        let quotient = numerator / denominator;
        let remainder = numerator % denominator;
        match self {
            RoundingMode::Floor => quotient,
            RoundingMode::Ceil => quotient + i64::from(remainder > 0),
            RoundingMode::HalfUp => quotient + i64::from(remainder * 2 >= denominator),
        }
    }

    /// `numerator / denominator` for non-negative operands, settled by this mode.
    fn divide(self, numerator: i128, denominator: i128) -> i128 {
        let quotient = numerator / denominator;
        let remainder = numerator % denominator;
        match self {
            RoundingMode::Floor => quotient,
            RoundingMode::Ceil => quotient + i128::from(remainder > 0),
            RoundingMode::HalfUp => quotient + i128::from(remainder * 2 >= denominator),
        }
    }
}

/// A rate in basis points: 10000 = 100 %. Multipliers above 100 % (for
/// example 300 % of the unit price) are rates too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Rate(pub u32);

impl Rate {
    pub const ZERO: Rate = Rate(0);
    pub const FULL: Rate = Rate(10_000);

    /// Parses `"90%"`, `"12.5%"`, `"300%"`. Up to two decimal places.
    pub fn parse_percent(text: &str) -> Option<Rate> {
        let number = text.trim().strip_suffix('%')?.trim();
        let (whole, fraction) = match number.split_once('.') {
            Some((w, f)) => (w, f),
            None => (number, ""),
        };
        if whole.is_empty()
            || fraction.len() > 2
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !fraction.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let whole: u32 = whole.parse().ok()?;
        let mut fraction_bp: u32 = if fraction.is_empty() { 0 } else { fraction.parse().ok()? };
        if fraction.len() == 1 {
            fraction_bp *= 10;
        }
        whole.checked_mul(100)?.checked_add(fraction_bp).map(Rate)
    }

    /// `amount × rate`, settled by `rounding`. Amounts are never negative here.
    pub fn apply(self, amount: Won, rounding: RoundingMode) -> Won {
        let amount = amount.0.max(0);
        // i64 when the product fits (always, for amounts up to ₩10¹⁴): i128
        // division is a slow library call on the batch path.
        match amount.checked_mul(i64::from(self.0)) {
            Some(product) => Won(rounding.divide_i64(product, 10_000)),
            None => {
                let settled = rounding.divide(i128::from(amount) * i128::from(self.0), 10_000);
                Won(i64::try_from(settled).unwrap_or(i64::MAX))
            }
        }
    }

    /// The complement `100 % − self`, floored at zero.
    pub fn complement(self) -> Rate {
        Rate(10_000u32.saturating_sub(self.0))
    }

    /// True when `part / whole ≥ self`, computed exactly in integers.
    pub fn is_met_by(self, part: u32, whole: u32) -> bool {
        u64::from(part) * 10_000 >= u64::from(self.0) * u64::from(whole)
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / 100;
        let fraction = self.0 % 100;
        if fraction == 0 {
            write!(f, "{whole}%")
        } else if fraction.is_multiple_of(10) {
            write!(f, "{whole}.{}%", fraction / 10)
        } else {
            write!(f, "{whole}.{fraction:02}%")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn won_renders_with_thousands_separators() {
        assert_eq!(Won(0).to_string(), "₩0");
        assert_eq!(Won(5_800).to_string(), "₩5,800");
        assert_eq!(Won(254_000_000_000).to_string(), "₩254,000,000,000");
        assert_eq!(Won(-300_000).to_string(), "-₩300,000");
    }

    #[test]
    fn percentages_parse_exactly() {
        assert_eq!(Rate::parse_percent("90%"), Some(Rate(9_000)));
        assert_eq!(Rate::parse_percent("12.5%"), Some(Rate(1_250)));
        assert_eq!(Rate::parse_percent("0.25%"), Some(Rate(25)));
        assert_eq!(Rate::parse_percent("300%"), Some(Rate(30_000)));
        assert_eq!(Rate::parse_percent("90"), None);
        assert_eq!(Rate::parse_percent("-5%"), None);
        assert_eq!(Rate::parse_percent("1.234%"), None);
        assert_eq!(Rate(1_250).to_string(), "12.5%");
        assert_eq!(Rate(25).to_string(), "0.25%");
    }

    #[test]
    fn rates_apply_with_the_written_rounding() {
        assert_eq!(Rate(1_000).apply(Won(2_999_999), RoundingMode::Floor), Won(299_999));
        assert_eq!(Rate(1_000).apply(Won(2_999_995), RoundingMode::HalfUp), Won(300_000));
        assert_eq!(Rate(1_000).apply(Won(2_999_991), RoundingMode::Ceil), Won(300_000));
        assert_eq!(Rate(15).apply(Won(100), RoundingMode::Floor), Won(0));
    }

    #[test]
    fn thresholds_compare_exactly() {
        assert!(Rate(8_000).is_met_by(16, 20));
        assert!(!Rate(8_000).is_met_by(15, 20));
        assert!(Rate(8_000).is_met_by(0, 0));
    }
}
