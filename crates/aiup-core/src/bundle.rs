//! A policy bundle: the policy TOML files and the region CSV files, imported,
//! versioned and activated together. The region table is policy too: which
//! places are population-declining is set by notice.

use crate::policy::{PolicyLoadError, PolicyLoadErrors, PolicySet, PolicySource};
use crate::region::{hex, RegionFiles, RegionTable};
use sha2::{Digest, Sha256};

pub const REGION_FILES: [&str; 3] = ["regions/sido.csv", "regions/sigungu.csv", "regions/aliases.csv"];

/// The files of one bundle: `policy/*.toml` and `regions/*.csv`, by path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    files: Vec<PolicySource>,
}

#[derive(Debug, Clone)]
pub struct LoadedBundle {
    pub version: String,
    pub sha256: String,
    pub policy: PolicySet,
    pub regions: RegionTable,
}

impl Bundle {
    /// Files sorted by path; duplicates are an error.
    pub fn new(mut files: Vec<PolicySource>) -> Result<Bundle, PolicyLoadErrors> {
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let mut errors = Vec::new();
        for pair in files.windows(2) {
            if pair[0].path == pair[1].path {
                errors.push(PolicyLoadError {
                    file: pair[0].path.clone(),
                    line: 0,
                    message: "the file appears twice in the bundle".into(),
                });
            }
        }
        for file in &files {
            let known = (file.path.starts_with("policy/") && file.path.ends_with(".toml"))
                || REGION_FILES.contains(&file.path.as_str());
            if !known {
                errors.push(PolicyLoadError {
                    file: file.path.clone(),
                    line: 0,
                    message: format!(
                        "not a policy file (policy/*.toml) or a region file ({})",
                        REGION_FILES.join(", ")
                    ),
                });
            }
        }
        for required in REGION_FILES {
            if !files.iter().any(|f| f.path == required) {
                errors.push(PolicyLoadError {
                    file: required.into(),
                    line: 0,
                    message: "missing from the bundle".into(),
                });
            }
        }
        if errors.is_empty() {
            Ok(Bundle { files })
        } else {
            Err(PolicyLoadErrors(errors))
        }
    }

    /// The bundle shipped with aiup.
    pub fn embedded() -> Bundle {
        let mut files = crate::defaults::policy_sources();
        let regions = crate::defaults::region_files();
        for (path, content) in REGION_FILES
            .iter()
            .zip([regions.sido_csv, regions.sigungu_csv, regions.aliases_csv])
        {
            files.push(PolicySource {
                path: (*path).to_owned(),
                content: content.to_owned(),
            });
        }
        Bundle::new(files).unwrap_or_else(|e| unreachable!("the embedded bundle is checked by tests: {e}"))
    }

    pub fn files(&self) -> &[PolicySource] {
        &self.files
    }

    /// This bundle with its region files replaced by `regions`.
    pub fn with_region_files(&self, regions: Vec<PolicySource>) -> Result<Bundle, PolicyLoadErrors> {
        let mut files: Vec<PolicySource> = self
            .files
            .iter()
            .filter(|f| !REGION_FILES.contains(&f.path.as_str()))
            .cloned()
            .collect();
        files.extend(regions);
        Bundle::new(files)
    }

    pub fn sha256(&self) -> String {
        let mut hasher = Sha256::new();
        for file in &self.files {
            for part in [file.path.as_bytes(), file.content.as_bytes()] {
                hasher.update((part.len() as u64).to_le_bytes());
                hasher.update(part);
            }
        }
        hex(&hasher.finalize())
    }

    fn file(&self, path: &str) -> &str {
        self.files
            .iter()
            .find(|f| f.path == path)
            .map(|f| f.content.as_str())
            .unwrap_or("")
    }

    /// Validates every file and builds the policy and the region table.
    pub fn load(&self) -> Result<LoadedBundle, PolicyLoadErrors> {
        let policy_sources: Vec<PolicySource> = self
            .files
            .iter()
            .filter(|f| f.path.starts_with("policy/"))
            .cloned()
            .collect();
        let region_result = RegionTable::load(RegionFiles {
            sido_csv: self.file(REGION_FILES[0]),
            sigungu_csv: self.file(REGION_FILES[1]),
            aliases_csv: self.file(REGION_FILES[2]),
        });
        let policy_result = PolicySet::load(&policy_sources);
        match (policy_result, region_result) {
            (Ok(mut policy), Ok(regions)) => {
                let sha256 = self.sha256();
                let version = format!("{}+{}", policy.meta.revision, &sha256[..12]);
                policy.version.clone_from(&version);
                Ok(LoadedBundle {
                    version,
                    sha256,
                    policy,
                    regions,
                })
            }
            (policy, regions) => {
                let mut errors = policy.err().map(|e| e.0).unwrap_or_default();
                if let Err(e) = regions {
                    errors.push(PolicyLoadError {
                        file: format!("regions/{}", e.file),
                        line: e.line,
                        message: e.message,
                    });
                }
                Err(PolicyLoadErrors(errors))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_bundle_loads_with_one_version() {
        let loaded = Bundle::embedded().load().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(loaded.policy.version, loaded.version);
        assert_eq!(loaded.regions.provinces().len(), 17);
    }

    #[test]
    fn region_errors_name_the_region_file() {
        let broken = Bundle::embedded()
            .with_region_files(vec![
                PolicySource {
                    path: REGION_FILES[0].into(),
                    content: "code,name,short_name,name_en,capital_area,former_names\n11,서울특별시,서울,Seoul,2,\n"
                        .into(),
                },
                PolicySource {
                    path: REGION_FILES[1].into(),
                    content: String::new(),
                },
                PolicySource {
                    path: REGION_FILES[2].into(),
                    content: String::new(),
                },
            ])
            .unwrap();
        let errors = broken.load().unwrap_err();
        assert_eq!(errors.0[0].file, "regions/sido.csv");
        assert_eq!(errors.0[0].line, 2);
        assert!(errors.0[0].message.contains("capital_area"), "{errors}");
    }

    #[test]
    fn stray_files_are_refused() {
        let mut files = Bundle::embedded().files().to_vec();
        files.push(PolicySource {
            path: "notes.txt".into(),
            content: String::new(),
        });
        assert!(Bundle::new(files).unwrap_err().to_string().contains("notes.txt"));
    }
}
