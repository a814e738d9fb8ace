//! Check-in codes: the six digits staff show (as digits and as a QR code) and trainees enter to
//! record their arrival or departure.
//!
//! A code is HMAC-SHA256(key, cohort key ‖ minute window) reduced to six digits, so it changes
//! every minute, differs between cohorts, and cannot be derived without the key. A code is
//! accepted in its own minute and the next one (a phone's clock and the time it takes to type
//! the digits); older codes have expired. That a trainee uses a code at most once is the
//! store's business (`AttendanceStore::check_in`). Research trainee-journey D.1: HRD-Net's
//! classroom QR, refreshed so that trainees cannot keep it.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Digits in a code.
pub const DIGITS: usize = 6;
/// Seconds a window lasts: a new code every minute.
pub const WINDOW_SECONDS: i64 = 60;
/// Windows a code is accepted in: its own and the next (clock skew, typing time).
pub const ACCEPTED_WINDOWS: i64 = 2;

const MODULUS: u64 = 1_000_000;

/// The key codes are made with. `Debug` never shows it.
#[derive(Clone)]
pub struct CheckinKey(Vec<u8>);

impl std::fmt::Debug for CheckinKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CheckinKey([redacted])")
    }
}

/// Why a key or a code is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckinError {
    #[error("the check-in key must be at least 32 bytes (64 hex digits), got {0}")]
    KeyTooShort(usize),
    #[error("the check-in key must be hexadecimal")]
    KeyNotHex,
    #[error("a check-in code is {DIGITS} digits")]
    BadCode,
}

impl CheckinKey {
    /// A key from 64 or more hex digits (32+ bytes).
    pub fn from_hex(text: &str) -> Result<CheckinKey, CheckinError> {
        let bytes = hex::decode(text.trim()).map_err(|_| CheckinError::KeyNotHex)?;
        CheckinKey::from_bytes(bytes)
    }

    /// A key from 32 or more random bytes.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<CheckinKey, CheckinError> {
        if bytes.len() < 32 {
            return Err(CheckinError::KeyTooShort(bytes.len()));
        }
        Ok(CheckinKey(bytes))
    }

    /// The code of `cohort` (a stable key naming one cohort, e.g. `course#ordinal`) in minute
    /// window `window`.
    pub fn code(&self, cohort: &str, window: i64) -> Code {
        // A key is at least 32 bytes (checked on construction); HMAC takes any length anyway.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.0) else {
            return Code(0);
        };
        mac.update(cohort.as_bytes());
        // A separator that cannot occur in a cohort key keeps (cohort, window) pairs apart.
        mac.update(&[0]);
        mac.update(&window.to_be_bytes());
        let digest = mac.finalize().into_bytes();
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        Code(u32::try_from(u64::from_be_bytes(first) % MODULUS).unwrap_or(0))
    }

    /// The window `code` belongs to, if it is `cohort`'s code of window `now` or of the window
    /// before (see [`ACCEPTED_WINDOWS`]); `None` if it is wrong, expired or another cohort's.
    pub fn verify(&self, cohort: &str, code: Code, now: i64) -> Option<i64> {
        (0..ACCEPTED_WINDOWS)
            .map(|back| now - back)
            .find(|&window| constant_time_eq(self.code(cohort, window).0, code.0))
    }
}

fn constant_time_eq(a: u32, b: u32) -> bool {
    (a ^ b) == 0
}

/// A six-digit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Code(u32);

impl Code {
    /// Reads what a trainee typed: exactly six digits, spaces and hyphens ignored.
    pub fn parse(text: &str) -> Result<Code, CheckinError> {
        let digits: String = text.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if digits.len() != DIGITS || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CheckinError::BadCode);
        }
        digits.parse().map(Code).map_err(|_| CheckinError::BadCode)
    }

    /// The code as shown: six digits, leading zeros kept.
    pub fn digits(self) -> String {
        format!("{:06}", self.0)
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.digits())
    }
}

/// The minute window of an instant given as seconds since the Unix epoch.
pub fn window_of(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(WINDOW_SECONDS)
}

/// The first second (since the Unix epoch) at which a code of `window` is no longer accepted.
pub fn expires_at(window: i64) -> i64 {
    (window + ACCEPTED_WINDOWS) * WINDOW_SECONDS
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    fn key() -> CheckinKey {
        CheckinKey::from_hex(KEY).unwrap()
    }

    #[test]
    fn codes_change_every_minute_and_differ_between_cohorts_and_keys() {
        let key = key();
        let w = window_of(1_780_000_000);
        let a = key.code("C1#0", w);
        assert_eq!(a, key.code("C1#0", w), "the same window gives the same code");
        // A million values: a collision among these few is possible but vanishingly unlikely.
        assert_ne!(a, key.code("C1#0", w + 1));
        assert_ne!(a, key.code("C1#1", w));
        let other = CheckinKey::from_hex(&KEY.replace("00", "ff")).unwrap();
        assert_ne!(a, other.code("C1#0", w));
        assert_eq!(a.digits().len(), DIGITS);
    }

    #[test]
    fn a_code_is_accepted_in_its_minute_and_the_next_only() {
        let key = key();
        let w = 29_000_000;
        let code = key.code("C1#0", w);
        assert_eq!(key.verify("C1#0", code, w), Some(w));
        assert_eq!(key.verify("C1#0", code, w + 1), Some(w));
        assert_eq!(key.verify("C1#0", code, w + 2), None, "expired");
        assert_eq!(key.verify("C1#0", code, w - 1), None, "not yet valid");
        assert_eq!(key.verify("C1#1", code, w), None, "another cohort's");
        assert_eq!(expires_at(w), (w + 2) * 60);
    }

    #[test]
    fn windows_are_whole_minutes_even_before_1970() {
        assert_eq!(window_of(59), 0);
        assert_eq!(window_of(60), 1);
        assert_eq!(window_of(-1), -1);
    }

    #[test]
    fn typed_codes_are_read_strictly() {
        assert_eq!(Code::parse(" 012 345 ").unwrap().digits(), "012345");
        assert_eq!(Code::parse("012-345").unwrap().digits(), "012345");
        for bad in ["", "12345", "1234567", "12a456", "１２３４５６"] {
            assert_eq!(Code::parse(bad), Err(CheckinError::BadCode), "{bad}");
        }
    }

    #[test]
    fn short_or_malformed_keys_are_refused_and_never_printed() {
        assert_eq!(CheckinKey::from_hex("abcd").unwrap_err(), CheckinError::KeyTooShort(2));
        assert_eq!(CheckinKey::from_hex("zz").unwrap_err(), CheckinError::KeyNotHex);
        assert!(!format!("{:?}", key()).contains("0001"));
    }
}
