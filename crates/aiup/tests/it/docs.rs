//! The reference documents stay true: every parameter and every error code
//! in the code is documented.

use std::path::PathBuf;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(repo().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn every_parameter_is_documented() {
    let doc = read("docs/policy-files.md");
    let missing: Vec<&str> = aiup_core::policy::PARAMS
        .iter()
        .map(|p| p.id)
        .filter(|id| !doc.contains(&format!("`{id}`")))
        .collect();
    assert!(missing.is_empty(), "docs/policy-files.md lacks {missing:?}");
}

#[test]
fn every_error_code_is_documented() {
    let doc = read("docs/errors.md");
    let mut codes = Vec::new();
    for file in [
        "crates/aiup-rules/src/case.rs",
        "crates/aiup-rules/src/answer.rs",
        "crates/aiup-server/src/api.rs",
        "crates/aiup-server/src/access.rs",
        "crates/aiup-server/src/error.rs",
    ] {
        let source = read(file);
        // The code is the first quoted string after the constructor, however rustfmt wraps it.
        for marker in ["CaseError::new(", "ApiError::new("] {
            for part in source.split(marker).skip(1) {
                if let Some(code) = part.split('"').nth(1) {
                    codes.push(code.to_owned());
                }
            }
        }
    }
    codes.sort();
    codes.dedup();
    assert!(codes.len() >= 20, "found only {codes:?}");
    let missing: Vec<&String> = codes.iter().filter(|c| !doc.contains(&format!("`{c}`"))).collect();
    assert!(missing.is_empty(), "docs/errors.md lacks {missing:?}");
}
