//! Keyed hashes of outside identifiers (a 고용24 member number, an HRD-Net trainee number).
//!
//! The store never holds such an identifier, only HMAC-SHA256 of it under a key from
//! configuration: the same identifier always maps to the same hash, so records can be linked,
//! but a leaked table cannot be reversed by hashing every possible number without the key.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The key for outside identifiers. `Debug` never shows it.
#[derive(Clone)]
pub struct ExternalIdKey(Vec<u8>);

impl std::fmt::Debug for ExternalIdKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ExternalIdKey([redacted])")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    #[error("the identifier key must be at least 32 bytes (64 hex digits), got {0}")]
    KeyTooShort(usize),
    #[error("the identifier key must be hexadecimal")]
    KeyNotHex,
    #[error("an outside identifier must be 1 to 64 visible ASCII characters")]
    BadIdentifier,
}

impl ExternalIdKey {
    /// A key from 64 or more hex digits (32+ bytes).
    pub fn from_hex(text: &str) -> Result<ExternalIdKey, IdentityError> {
        let bytes = hex::decode(text.trim()).map_err(|_| IdentityError::KeyNotHex)?;
        if bytes.len() < 32 {
            return Err(IdentityError::KeyTooShort(bytes.len()));
        }
        Ok(ExternalIdKey(bytes))
    }

    /// The keyed hash of `identifier` (trimmed; case kept), as 64 hex digits. Identifiers that
    /// look like a resident registration number are refused: the rules never need one.
    pub fn hash(&self, identifier: &str) -> Result<String, IdentityError> {
        let id = identifier.trim();
        if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_graphic()) || looks_like_rrn(id) {
            return Err(IdentityError::BadIdentifier);
        }
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).map_err(|_| IdentityError::KeyTooShort(0))?;
        mac.update(id.as_bytes());
        Ok(hex::encode(mac.finalize().into_bytes()))
    }
}

/// 13 digits, optionally as 6-7: the shape of a 주민등록번호.
fn looks_like_rrn(id: &str) -> bool {
    let digits: String = id.chars().filter(|c| *c != '-').collect();
    digits.len() == 13 && digits.bytes().all(|b| b.is_ascii_digit()) && id.chars().filter(|c| *c == '-').count() <= 1
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    #[test]
    fn the_same_identifier_hashes_the_same_and_keys_differ() {
        let key = ExternalIdKey::from_hex(KEY).unwrap();
        let other = ExternalIdKey::from_hex(&KEY.replace("00", "ff")).unwrap();
        let a = key.hash("HRD-2026-000123").unwrap();
        assert_eq!(a, key.hash(" HRD-2026-000123 ").unwrap());
        assert_eq!(a.len(), 64);
        assert_ne!(a, other.hash("HRD-2026-000123").unwrap());
        assert!(!a.contains("000123"));
    }

    #[test]
    fn short_keys_and_resident_numbers_are_refused() {
        assert_eq!(
            ExternalIdKey::from_hex("abcd").unwrap_err(),
            IdentityError::KeyTooShort(2)
        );
        let key = ExternalIdKey::from_hex(KEY).unwrap();
        assert_eq!(key.hash("900101-1234567"), Err(IdentityError::BadIdentifier));
        assert_eq!(key.hash("9001011234567"), Err(IdentityError::BadIdentifier));
        assert!(!format!("{key:?}").contains("0001"));
    }
}
