//! The SME AI-training diffusion centres (중소기업 AI 훈련 확산센터), compiled in from
//! `data/sme/centres.toml`: the plan's ten centres (seed 002 IV-②, V), each covering provinces.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

const CENTRES_TOML: &str = include_str!("../../../data/sme/centres.toml");

/// One centre.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Centre {
    /// Stable id (`centre-gyeonggi`): training doctors' accounts are scoped to it.
    pub id: String,
    pub name_ko: String,
    pub name_en: String,
    /// The 2-digit province codes (시도) it covers.
    pub provinces: Vec<String>,
    pub opened_on: NaiveDate,
}

/// The centres file: the centres and where the list comes from.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Centres {
    pub cite: String,
    /// `aiup_default` where the plan is silent (here: the areas).
    pub confidence: String,
    pub note: String,
    #[serde(rename = "centre")]
    pub centres: Vec<Centre>,
}

/// Why a centres file does not load.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("data/sme/centres.toml: {0}")]
pub struct CentresLoadError(String);

impl Centres {
    /// Loads and checks a centres file: unique ids, names in both languages, two-digit province
    /// codes, no province in two centres.
    pub fn load(text: &str) -> Result<Centres, CentresLoadError> {
        let file: Centres = toml::from_str(text).map_err(|e| CentresLoadError(e.to_string()))?;
        let mut ids = BTreeSet::new();
        let mut provinces = BTreeSet::new();
        for c in &file.centres {
            if c.id.is_empty() || c.id.len() > 64 || !ids.insert(c.id.as_str()) {
                return Err(CentresLoadError(format!(
                    "centre id `{}` is empty, too long or repeated",
                    c.id
                )));
            }
            if c.name_ko.trim().is_empty() || c.name_en.trim().is_empty() {
                return Err(CentresLoadError(format!(
                    "centre {} needs a Korean and an English name",
                    c.id
                )));
            }
            if c.provinces.is_empty() {
                return Err(CentresLoadError(format!("centre {} covers no province", c.id)));
            }
            for p in &c.provinces {
                if p.len() != 2 || !p.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(CentresLoadError(format!(
                        "centre {}: `{p}` is not a 2-digit province code",
                        c.id
                    )));
                }
                if !provinces.insert(p.as_str()) {
                    return Err(CentresLoadError(format!("province {p} is in two centres")));
                }
            }
        }
        Ok(file)
    }

    /// The centre covering province `code`.
    pub fn for_province(&self, code: &str) -> Option<&Centre> {
        self.centres.iter().find(|c| c.provinces.iter().any(|p| p == code))
    }

    pub fn get(&self, id: &str) -> Option<&Centre> {
        self.centres.iter().find(|c| c.id == id)
    }
}

/// The shipped centres (a test loads the file and checks it against the region table).
pub fn centres() -> &'static Centres {
    static CENTRES: OnceLock<Centres> = OnceLock::new();
    CENTRES.get_or_init(|| Centres::load(CENTRES_TOML).unwrap_or_else(|e| panic!("{e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aiup_core::region::RegionTable;

    #[test]
    fn ten_centres_cover_each_province_once() {
        let file = Centres::load(CENTRES_TOML).expect("centres.toml loads");
        assert_eq!(file.centres.len(), 10, "the plan's ten centres (seed 002 IV-②)");
        assert_eq!(file.confidence, "aiup_default");
        assert!(
            file.get("centre-gyeonggi").is_some(),
            "tests scope doctors to centre-gyeonggi"
        );
        let regions = RegionTable::load(aiup_core::defaults::region_files()).expect("regions");
        for p in regions.provinces() {
            assert!(
                file.for_province(&p.code).is_some(),
                "no centre covers {} {}",
                p.code,
                p.name
            );
        }
        let covered: usize = file.centres.iter().map(|c| c.provinces.len()).sum();
        assert_eq!(
            covered,
            regions.provinces().len(),
            "no centre covers an unknown province"
        );
        assert!(file
            .centres
            .iter()
            .all(|c| c.opened_on == NaiveDate::from_ymd_opt(2026, 2, 1).unwrap()));
    }

    #[test]
    fn a_province_in_two_centres_is_refused() {
        let twice = CENTRES_TOML.replace("provinces = [\"52\"]", "provinces = [\"41\"]");
        assert!(Centres::load(&twice)
            .unwrap_err()
            .to_string()
            .contains("province 41 is in two centres"));
    }
}
