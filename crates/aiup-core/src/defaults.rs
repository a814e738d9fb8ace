//! The policy and region files shipped with aiup, embedded at compile time so
//! that the binary works from any directory. Administrators override them
//! with files on disk (`--policy-dir`, `aiup regions import`).

use crate::policy::PolicySource;
use crate::region::RegionFiles;

macro_rules! embed {
    ($($name:literal),+ $(,)?) => {
        &[$(($name, include_str!(concat!("../../../policy/", $name)))),+]
    };
}

/// `(file name, contents)` of every default policy file.
pub const POLICY_FILES: &[(&str, &str)] = embed!(
    "allowance.toml",
    "attendance.toml",
    "completion.toml",
    "dashboard.toml",
    "enrolment.toml",
    "general.toml",
    "plan.toml",
    "programmes.toml",
    "sme.toml",
    "sme_training.toml",
    "training_cost.toml",
    "tuition.toml"
);

pub fn policy_sources() -> Vec<PolicySource> {
    POLICY_FILES
        .iter()
        .map(|(name, content)| PolicySource {
            path: format!("policy/{name}"),
            content: (*content).to_owned(),
        })
        .collect()
}

pub fn region_files() -> RegionFiles<'static> {
    RegionFiles {
        sido_csv: include_str!("../../../data/regions/sido.csv"),
        sigungu_csv: include_str!("../../../data/regions/sigungu.csv"),
        aliases_csv: include_str!("../../../data/regions/aliases.csv"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::PolicySet;
    use crate::region::RegionTable;
    use crate::types::RegionTier;

    #[test]
    fn the_default_policy_loads() {
        let policy = PolicySet::load(&policy_sources()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(policy.programmes.len(), 21);
        assert!(policy.version.starts_with("2026.1+"));
    }

    #[test]
    fn the_default_regions_load_and_resolve() {
        let table = RegionTable::load(region_files()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(table.provinces().len(), 17);
        let pyeongchang = table.resolve("강원도 평창군").unwrap();
        assert_eq!(pyeongchang.region.full_name, "강원특별자치도 평창군");
        assert_eq!(pyeongchang.region.code.to_string(), "51760");
        assert!(table.resolve("42760").unwrap().via_alias.is_some());
        let gunwi = table.resolve("경상북도 군위군").unwrap().region;
        assert_eq!(gunwi.sido_name, "대구광역시");
        assert!(gunwi.population_declining);
        let ganghwa = table.resolve("인천광역시 강화군").unwrap().region;
        assert_eq!(
            ganghwa.tier(RegionTier::PopulationDeclining),
            RegionTier::PopulationDeclining
        );
        assert_eq!(ganghwa.tier(RegionTier::Capital), RegionTier::Capital);
        assert!(matches!(
            table.resolve("중구"),
            Err(crate::region::ResolveError::Ambiguous { .. })
        ));
        assert_eq!(
            table.resolve("수원시 장안구").unwrap().region.full_name,
            "경기도 수원시 장안구"
        );
        assert_eq!(table.resolve("서울 강남구").unwrap().region.code.to_string(), "11680");
    }
}
