//! Random secrets (session ids, CSRF tokens, API tokens) and their stored form.

use crate::AppError;
use sha2::{Digest, Sha256};

/// `bytes` random bytes from the operating system, as lower-case hex.
pub(crate) fn random_hex(bytes: usize) -> Result<String, AppError> {
    let mut buf = vec![0u8; bytes];
    getrandom::getrandom(&mut buf).map_err(|e| AppError::internal(&e))?;
    Ok(hex::encode(buf))
}

/// The stored form of a high-entropy secret (a session id or an API token). A fast hash is
/// right here: the secret has 256 random bits, so there is nothing to guess; the hash only keeps
/// a copy of the database from being a list of live credentials.
pub(crate) fn stored_form(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_secrets_differ_and_have_the_asked_length() {
        let a = random_hex(32).unwrap();
        let b = random_hex(32).unwrap();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
    }

    #[test]
    fn equal_only_when_equal() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
        assert_ne!(stored_form("a"), stored_form("b"));
        assert_eq!(stored_form("a").len(), 64);
    }
}
