//! JSON input that refuses duplicate keys.
//!
//! serde_json keeps the last of two equal keys without a word, so
//! `{"fee_won": 0, "fee_won": 9000000}` would mean whatever the last one says.
//! Input from users is scanned here first, at every level.

use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::collections::HashSet;
use std::fmt;

/// Why a JSON text was refused.
#[derive(Debug, thiserror::Error)]
pub enum StrictJsonError {
    /// Not JSON at all (or trailing text after it).
    #[error("{0}")]
    Syntax(serde_json::Error),
    /// A key appears twice in one object. `path` names the key, as
    /// `course.fee_won` or `reform.overrides[0].param`.
    #[error("{path}: the key appears twice")]
    DuplicateKey { path: String },
    /// JSON, but not the shape the caller asked for.
    #[error("{0}")]
    Shape(serde_json::Error),
}

impl StrictJsonError {
    /// The JSON path of the problem, where known.
    pub fn path(&self) -> Option<&str> {
        match self {
            StrictJsonError::DuplicateKey { path } => Some(path),
            _ => None,
        }
    }
}

/// Checks that `text` is one JSON value with no duplicate key in any object.
pub fn check_unique_keys(text: &str) -> Result<(), StrictJsonError> {
    let mut state = Scan {
        path: Vec::new(),
        duplicate: None,
    };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let scanned = ScanSeed(&mut state)
        .deserialize(&mut deserializer)
        .and_then(|()| deserializer.end());
    match (state.duplicate, scanned) {
        (Some(path), _) => Err(StrictJsonError::DuplicateKey { path }),
        (None, Err(e)) => Err(StrictJsonError::Syntax(e)),
        (None, Ok(())) => Ok(()),
    }
}

/// `serde_json::from_str`, but duplicate keys are an error.
pub fn from_str_strict<T: DeserializeOwned>(text: &str) -> Result<T, StrictJsonError> {
    check_unique_keys(text)?;
    serde_json::from_str(text).map_err(|e| {
        if e.is_data() {
            StrictJsonError::Shape(e)
        } else {
            StrictJsonError::Syntax(e)
        }
    })
}

enum Segment {
    Key(String),
    Index(usize),
}

struct Scan {
    /// Where the scan is, from the root.
    path: Vec<Segment>,
    /// The first duplicated key's path; set once, then the scan stops.
    duplicate: Option<String>,
}

impl Scan {
    /// The path of `key` in the current object, formatted as serde_path_to_error does.
    fn path_to(&self, key: &str) -> String {
        let mut out = String::new();
        for segment in &self.path {
            match segment {
                Segment::Key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                Segment::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(key);
        out
    }
}

struct ScanSeed<'a>(&'a mut Scan);

impl<'de> DeserializeSeed<'de> for ScanSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ScanSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_i128<E>(self, _: i128) -> Result<(), E> {
        Ok(())
    }
    fn visit_u128<E>(self, _: u128) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        loop {
            self.0.path.push(Segment::Index(index));
            let next = seq.next_element_seed(ScanSeed(&mut *self.0));
            self.0.path.pop();
            if next?.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if seen.contains(&key) {
                let path = self.0.path_to(&key);
                self.0.duplicate = Some(path.clone());
                return Err(de::Error::custom(format!("{path}: the key appears twice")));
            }
            self.0.path.push(Segment::Key(key.clone()));
            let value = map.next_value_seed(ScanSeed(&mut *self.0));
            self.0.path.pop();
            value?;
            seen.insert(key);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    fn duplicate(text: &str) -> Option<String> {
        match check_unique_keys(text) {
            Err(StrictJsonError::DuplicateKey { path }) => Some(path),
            _ => None,
        }
    }

    #[test]
    fn duplicate_keys_are_found_at_any_depth() {
        assert_eq!(duplicate(r#"{"a": 1, "a": 2}"#).as_deref(), Some("a"));
        assert_eq!(duplicate(r#"{"a": {"b": 1, "c": 2, "b": 3}}"#).as_deref(), Some("a.b"));
        assert_eq!(
            duplicate(r#"{"r": {"o": [{"p": 1}, {"p": 1, "v": 2, "p": 3}]}}"#).as_deref(),
            Some("r.o[1].p")
        );
        assert_eq!(duplicate(r#"[[{"x": 0, "x": 0}]]"#).as_deref(), Some("[0][0].x"));
        // Escapes are decoded before comparing: these are the same key.
        assert_eq!(duplicate(r#"{"a": 1, "\u0061": 2}"#).as_deref(), Some("a"));
    }

    #[test]
    fn equal_keys_in_different_objects_are_fine() {
        assert!(check_unique_keys(r#"{"a": {"x": 1}, "b": {"x": 1}, "c": [{"x": 1}, {"x": 2}]}"#).is_ok());
        assert!(check_unique_keys(r#"[1, 2.5, -3, "s", true, null, {}, []]"#).is_ok());
    }

    #[test]
    fn syntax_errors_are_not_duplicates() {
        assert!(matches!(
            check_unique_keys(r#"{"a": 1"#),
            Err(StrictJsonError::Syntax(_))
        ));
        assert!(matches!(
            check_unique_keys(r#"{"a": 1} x"#),
            Err(StrictJsonError::Syntax(_))
        ));
        assert!(matches!(check_unique_keys(""), Err(StrictJsonError::Syntax(_))));
    }

    #[test]
    fn from_str_strict_refuses_duplicates_and_keeps_serde_errors() {
        #[derive(Debug, Deserialize, PartialEq)]
        struct Fee {
            fee_won: i64,
        }
        assert_eq!(from_str_strict::<Fee>(r#"{"fee_won": 5}"#).unwrap(), Fee { fee_won: 5 });
        let err = from_str_strict::<Fee>(r#"{"fee_won": 0, "fee_won": 9000000}"#).unwrap_err();
        assert_eq!(err.path(), Some("fee_won"));
        assert_eq!(err.to_string(), "fee_won: the key appears twice");
        assert!(matches!(
            from_str_strict::<Fee>(r#"{"fee_won": "5"}"#),
            Err(StrictJsonError::Shape(_))
        ));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000);
        assert!(matches!(check_unique_keys(&text), Err(StrictJsonError::Syntax(_))));
    }
}
