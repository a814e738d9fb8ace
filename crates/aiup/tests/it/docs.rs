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

/// The rows of the code table in docs/errors.md: `| \`code\` | status | meaning |`.
fn documented_codes() -> Vec<(String, String)> {
    read("docs/errors.md")
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let code = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            Some((code.to_owned(), (*cells.get(2)?).to_owned()))
        })
        .collect()
}

#[test]
fn the_error_table_and_the_docs_agree() {
    let documented = documented_codes();
    let in_code: Vec<(String, String)> = aiup_app::Code::ALL
        .iter()
        .map(|c| (c.as_str().to_owned(), c.http_status().to_string()))
        .collect();
    assert_eq!(
        documented, in_code,
        "docs/errors.md's table differs from aiup_app::Code (order, code or status)"
    );
}

#[test]
fn every_code_the_engine_emits_is_in_the_table() {
    let mut codes = Vec::new();
    for file in ["crates/aiup-rules/src/case.rs", "crates/aiup-rules/src/answer.rs"] {
        let source = read(file);
        // The code is the first quoted string after the constructor, however rustfmt wraps it.
        // The code is the first argument when it is a literal, however rustfmt wraps it.
        for part in source.split("CaseError::new(").skip(1) {
            if let Some(literal) = part.trim_start().strip_prefix('"') {
                codes.push(literal.split('"').next().unwrap_or_default().to_owned());
            }
        }
    }
    codes.sort();
    codes.dedup();
    assert!(codes.len() >= 5, "found only {codes:?}");
    let unknown: Vec<&String> = codes.iter().filter(|c| aiup_app::Code::parse(c).is_none()).collect();
    assert!(unknown.is_empty(), "codes missing from aiup_app::Code: {unknown:?}");
}
