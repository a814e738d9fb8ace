//! Passwords: the rules a new one must meet, and argon2id hashing. A password lives in a
//! [`Password`] (a `secrecy` wrapper), so it cannot reach a log or a `Debug` output.

use crate::{AppError, Code};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use secrecy::{ExposeSecret, SecretString};
use std::collections::HashSet;
use std::sync::OnceLock;

/// The shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// The longest, so hashing cost stays bounded.
pub const MAX_PASSWORD_CHARS: usize = 256;

const COMMON_PASSWORDS: &str = include_str!("../../../../data/security/common-passwords.txt");

/// A password as typed. Its `Debug` prints `[REDACTED]`.
#[derive(Debug, Clone)]
pub struct Password(SecretString);

impl Password {
    pub fn new(text: impl Into<String>) -> Password {
        Password(SecretString::from(text.into()))
    }

    pub(crate) fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// The text, to show once to the person it was made for (a generated one-time password).
    pub fn reveal_once(&self) -> &str {
        self.0.expose_secret()
    }

    /// A fresh password of 20 random characters from an unambiguous alphabet, for a one-time
    /// password printed to an administrator.
    pub fn generate() -> Result<Password, AppError> {
        const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        let mut bytes = [0u8; 20];
        getrandom::getrandom(&mut bytes).map_err(|e| AppError::internal(&e))?;
        // 256 is not a multiple of 56: reject the top values so every character is equally likely.
        let mut out = String::with_capacity(20);
        let mut pool = bytes.to_vec();
        while out.len() < 20 {
            if pool.is_empty() {
                let mut more = [0u8; 20];
                getrandom::getrandom(&mut more).map_err(|e| AppError::internal(&e))?;
                pool.extend_from_slice(&more);
            }
            let b = pool.remove(0);
            let limit = (256 / ALPHABET.len() * ALPHABET.len()) as u8;
            if b < limit {
                out.push(ALPHABET[usize::from(b) % ALPHABET.len()] as char);
            }
        }
        Ok(Password::new(out))
    }
}

fn common_passwords() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        COMMON_PASSWORDS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

/// Why a new password is refused, in Korean and English; `None` if it is acceptable.
pub fn weakness(login: &str, password: &Password) -> Option<(&'static str, &'static str)> {
    let text = password.expose();
    let chars = text.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Some((
            "비밀번호는 10자 이상이어야 합니다.",
            "the password must be at least 10 characters long",
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Some((
            "비밀번호는 256자 이하여야 합니다.",
            "the password must be at most 256 characters long",
        ));
    }
    let lower = text.to_lowercase();
    if common_passwords().contains(lower.as_str()) {
        return Some((
            "흔히 쓰이는 비밀번호 목록에 있는 비밀번호입니다. 다른 비밀번호를 정하세요.",
            "the password is on the list of common passwords; choose another",
        ));
    }
    if !login.is_empty() && lower.contains(&login.to_lowercase()) {
        return Some((
            "비밀번호에 로그인 아이디를 넣을 수 없습니다.",
            "the password must not contain the login",
        ));
    }
    if text.chars().collect::<HashSet<char>>().len() < 4 {
        return Some((
            "비밀번호에 서로 다른 문자를 4개 이상 쓰세요.",
            "the password must use at least 4 different characters",
        ));
    }
    None
}

/// Refuses a weak new password with `weak_password`, naming `field`.
pub fn check_new(login: &str, password: &Password, field: &str) -> Result<(), AppError> {
    match weakness(login, password) {
        None => Ok(()),
        Some((_, en)) => Err(AppError::field(Code::WeakPassword, field, en)),
    }
}

/// Hashes with argon2id (the crate's defaults: OWASP's m = 19 MiB, t = 2, p = 1) and a random
/// salt, in PHC string form. CPU-bound: call it off the async workers.
pub fn hash(password: &Password) -> Result<String, AppError> {
    let mut salt = [0u8; 16];
    getrandom::getrandom(&mut salt).map_err(|e| AppError::internal(&e))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| AppError::internal(&e))?;
    Argon2::default()
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::internal(&e))
}

/// Whether `password` matches the stored PHC `hash`. A malformed hash matches nothing.
pub fn verify(password: &Password, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.expose().as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash of a password nobody has, verified when the login is unknown so that a wrong login
/// costs as much time as a wrong password.
pub fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash(&Password::new("decoy password that no account has")).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_common_and_login_passwords_are_refused() {
        assert!(weakness("kim", &Password::new("short")).is_some());
        assert!(weakness("kim", &Password::new("1q2w3e4r5t")).is_some());
        assert!(
            weakness("kim", &Password::new("QWERTYUIOP")).is_some(),
            "case is ignored"
        );
        assert!(weakness("jihoon.kim", &Password::new("xJihoon.Kim-2026")).is_some());
        assert!(weakness("kim", &Password::new("aaaaaaaaaaaa")).is_some());
        assert!(
            weakness("kim", &Password::new("대전 훈련센터 봄학기")).is_none(),
            "Hangul counts by character"
        );
        assert!(weakness("kim", &Password::new("correct horse battery")).is_none());
    }

    #[test]
    fn the_bundled_list_is_loaded() {
        assert!(common_passwords().len() > 1_000);
        assert!(common_passwords()
            .iter()
            .all(|p| p.chars().count() >= MIN_PASSWORD_CHARS));
    }

    #[test]
    fn hashes_are_argon2id_salted_and_verify() {
        let pw = Password::new("correct horse battery");
        let a = hash(&pw).unwrap();
        let b = hash(&pw).unwrap();
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b, "each hash has its own salt");
        assert!(verify(&pw, &a));
        assert!(!verify(&Password::new("correct horse battery!"), &a));
        assert!(!verify(&pw, "not a hash"));
    }

    #[test]
    fn debug_never_shows_the_password() {
        let shown = format!("{:?}", Password::new("correct horse battery"));
        assert!(!shown.contains("horse"), "{shown}");
    }

    #[test]
    fn generated_passwords_pass_the_rules() {
        for _ in 0..20 {
            let pw = Password::generate().unwrap();
            assert_eq!(pw.expose().len(), 20);
            assert_eq!(weakness("admin", &pw), None);
        }
    }
}
