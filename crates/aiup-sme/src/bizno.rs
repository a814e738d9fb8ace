//! The business registration number (사업자등록번호): ten digits, `XXX-XX-XXXXX`, the last a
//! check digit. The check is the National Tax Service's: the first nine digits weighted
//! 1,3,7,1,3,7,1,3,5, plus the tens of (9th digit × 5), and the check digit makes the sum a
//! multiple of ten.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::FieldProblem;

const WEIGHTS: [u32; 9] = [1, 3, 7, 1, 3, 7, 1, 3, 5];

/// A business registration number whose check digit holds. Stored and compared as its ten
/// digits; shown as `123-45-67890`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BusinessNumber([u8; 10]);

impl BusinessNumber {
    /// Parses `1234567890` or `123-45-67890` (spaces and hyphens are ignored). `field` names the
    /// field in the error.
    pub fn parse(text: &str, field: &str) -> Result<BusinessNumber, FieldProblem> {
        let digits: Vec<u8> = text
            .chars()
            .filter(|c| !matches!(c, '-' | ' '))
            .map(|c| c.to_digit(10).map(|d| d as u8))
            .collect::<Option<_>>()
            .ok_or_else(|| {
                FieldProblem::new(
                    field,
                    format!(
                        "`{}` is not a business registration number: only digits and hyphens",
                        text.trim()
                    ),
                    format!(
                        "`{}`은(는) 사업자등록번호가 아닙니다: 숫자와 하이픈만 쓸 수 있습니다",
                        text.trim()
                    ),
                )
            })?;
        let digits: [u8; 10] = digits.try_into().map_err(|d: Vec<u8>| {
            FieldProblem::new(
                field,
                format!("a business registration number has 10 digits, not {}", d.len()),
                format!("사업자등록번호는 10자리입니다({}자리 입력됨)", d.len()),
            )
        })?;
        if check_digit(&digits) != digits[9] {
            return Err(FieldProblem::new(
                field,
                format!("`{}`: the check digit (the last) is wrong", text.trim()),
                format!("`{}`: 검증번호(마지막 자리)가 맞지 않습니다", text.trim()),
            ));
        }
        Ok(BusinessNumber(digits))
    }

    /// The ten digits, e.g. `1234567890`.
    pub fn digits(&self) -> String {
        self.0.iter().map(|d| char::from(b'0' + d)).collect()
    }

    /// Completes nine digits with their check digit (for generated data).
    pub fn from_nine(first: [u8; 9]) -> BusinessNumber {
        let mut digits = [0u8; 10];
        digits[..9].copy_from_slice(&first);
        digits[9] = check_digit(&digits);
        BusinessNumber(digits)
    }
}

fn check_digit(digits: &[u8; 10]) -> u8 {
    let mut sum: u32 = WEIGHTS.iter().zip(digits.iter()).map(|(w, d)| w * u32::from(*d)).sum();
    sum += u32::from(digits[8]) * 5 / 10;
    ((10 - sum % 10) % 10) as u8
}

impl fmt::Display for BusinessNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.digits();
        write!(f, "{}-{}-{}", &d[..3], &d[3..5], &d[5..])
    }
}

impl fmt::Debug for BusinessNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BusinessNumber({self})")
    }
}

impl Serialize for BusinessNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.digits())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_numbers_check() {
        // Numbers printed on public receipts and registries (their check digits hold).
        for ok in ["220-81-62517", "124-81-00998", "104-81-24017"] {
            let n = BusinessNumber::parse(ok, "business_number").unwrap();
            assert_eq!(n.to_string(), ok);
        }
    }

    #[test]
    fn a_changed_digit_fails_the_check() {
        let err = BusinessNumber::parse("220-81-62518", "business_number").unwrap_err();
        assert_eq!(err.field, "business_number");
        assert!(err.reason.contains("check digit"), "{}", err.reason);
        assert!(BusinessNumber::parse("22081625", "b")
            .unwrap_err()
            .reason
            .contains("10 digits"));
        assert!(BusinessNumber::parse("22O-81-62517", "b")
            .unwrap_err()
            .reason
            .contains("only digits"));
    }

    #[test]
    fn from_nine_always_checks() {
        for seed in 0u32..2000 {
            let mut nine = [0u8; 9];
            let mut x = seed.wrapping_mul(2_654_435_761);
            for d in nine.iter_mut() {
                *d = (x % 10) as u8;
                x /= 10;
            }
            let n = BusinessNumber::from_nine(nine);
            assert_eq!(BusinessNumber::parse(&n.digits(), "b").unwrap(), n);
        }
    }
}
