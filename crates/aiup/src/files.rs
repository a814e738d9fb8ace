//! Reading policy and region files from disk into a bundle.

use aiup_core::bundle::{Bundle, REGION_FILES};
use aiup_core::policy::PolicySource;
use anyhow::Context;
use std::path::Path;

/// `DIR/*.toml` as `policy/<name>.toml`.
pub fn policy_files(dir: &Path) -> anyhow::Result<Vec<PolicySource>> {
    let mut files = Vec::new();
    for entry in
        std::fs::read_dir(dir).with_context(|| format!("cannot read the policy directory {}", dir.display()))?
    {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "toml") {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .context("a policy file name is not UTF-8")?;
            let content = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
            files.push(PolicySource {
                path: format!("policy/{name}"),
                content,
            });
        }
    }
    anyhow::ensure!(!files.is_empty(), "no .toml files in {}", dir.display());
    Ok(files)
}

/// `DIR/{sido,sigungu,aliases}.csv` as `regions/<name>.csv`.
pub fn region_files(dir: &Path) -> anyhow::Result<Vec<PolicySource>> {
    REGION_FILES
        .iter()
        .map(|path| {
            let name = path.trim_start_matches("regions/");
            let full = dir.join(name);
            let content = std::fs::read_to_string(&full).with_context(|| format!("cannot read {}", full.display()))?;
            Ok(PolicySource {
                path: (*path).to_owned(),
                content,
            })
        })
        .collect()
}

/// A bundle from directories on disk, falling back to `base` for the part not given.
pub fn bundle_from(
    policy_dir: Option<&Path>,
    regions_dir: Option<&Path>,
    base: &Bundle,
) -> anyhow::Result<Result<Bundle, aiup_core::policy::PolicyLoadErrors>> {
    let mut files: Vec<PolicySource> = match policy_dir {
        Some(dir) => policy_files(dir)?,
        None => base
            .files()
            .iter()
            .filter(|f| f.path.starts_with("policy/"))
            .cloned()
            .collect(),
    };
    match regions_dir {
        Some(dir) => files.extend(region_files(dir)?),
        None => files.extend(base.files().iter().filter(|f| f.path.starts_with("regions/")).cloned()),
    }
    Ok(Bundle::new(files))
}

pub fn read_input(path: &str) -> anyhow::Result<String> {
    if path == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).context("cannot read standard input")?;
        Ok(text)
    } else {
        std::fs::read_to_string(path).with_context(|| format!("cannot read {path}"))
    }
}
