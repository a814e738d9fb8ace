//! The population data files (`data/population/`), parsed into checked weights.
//!
//! The files come in as strings (this crate does no IO); [`PopulationFiles::embedded`] gives the
//! ones compiled into the binary.

use std::collections::BTreeMap;

use aiup_core::{EmployerSize, TraineeStatus};
use serde::Deserialize;

use crate::{AgeBand, EnrolmentStatus, TargetGroup};

/// The text of the three population files.
#[derive(Debug, Clone, Copy)]
pub struct PopulationFiles<'a> {
    /// `population.toml`: the aiup defaults (ages, statuses, groups, cards, diagnoses, enrolments).
    pub population_toml: &'a str,
    /// `sido.csv`: resident population by province.
    pub sido_csv: &'a str,
    /// `sigungu_weights.csv`: how a province's people spread over its 시군구, by kind.
    pub sigungu_weights_csv: &'a str,
}

impl PopulationFiles<'static> {
    /// The files shipped in `data/population/`.
    pub fn embedded() -> PopulationFiles<'static> {
        PopulationFiles {
            population_toml: include_str!("../../../../data/population/population.toml"),
            sido_csv: include_str!("../../../../data/population/sido.csv"),
            sigungu_weights_csv: include_str!("../../../../data/population/sigungu_weights.csv"),
        }
    }
}

/// A population file that does not parse: the file, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {reason}")]
pub struct PopulationDataError {
    pub file: &'static str,
    pub reason: String,
}

fn bad(file: &'static str, reason: impl Into<String>) -> PopulationDataError {
    PopulationDataError {
        file,
        reason: reason.into(),
    }
}

/// Relative weights by stage name, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AgeBandsToml {
    entry: BTreeMap<String, u32>,
    participation: BTreeMap<String, u32>,
    transition: BTreeMap<String, u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CardsToml {
    other_programmes: u32,
    max_days_before_application: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DiagnosisToml {
    runs: [u32; 4],
    days_between: [u32; 2],
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EnrolmentsToml {
    second: u32,
    same_region: u32,
    same_province: u32,
    not_started: BTreeMap<String, u32>,
    running: BTreeMap<String, u32>,
    ended: BTreeMap<String, u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PopulationToml {
    target_year: i32,
    age_bands: AgeBandsToml,
    statuses: BTreeMap<String, u32>,
    employer_sizes: BTreeMap<String, u32>,
    groups: BTreeMap<String, u32>,
    kukchi: BTreeMap<String, u32>,
    cards: CardsToml,
    diagnosis: DiagnosisToml,
    enrolments: EnrolmentsToml,
}

/// The population data, checked: every key is a known spelling, every rate at most 1000 ‰.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PopulationData {
    pub target_year: i32,
    /// Age-band weights for the entry, participation and transition stages.
    pub age_bands: [Vec<(AgeBand, u32)>; 3],
    pub statuses: Vec<(TraineeStatus, u32)>,
    pub employer_sizes: Vec<(EmployerSize, u32)>,
    /// Per mille of people in each group.
    pub groups: Vec<(TargetGroup, u32)>,
    /// Per mille of job seekers in 국민취업지원제도 type I and type II.
    pub kukchi_type_1: u32,
    pub kukchi_type_2: u32,
    pub cards_other_programmes: u32,
    pub card_max_days_before: u32,
    pub diagnosis_runs: [u32; 4],
    pub diagnosis_days_between: (u32, u32),
    pub second_enrolment: u32,
    pub same_region: u32,
    pub same_province: u32,
    pub not_started: Vec<(EnrolmentStatus, u32)>,
    pub running: Vec<(EnrolmentStatus, u32)>,
    pub ended: Vec<(EnrolmentStatus, u32)>,
    /// Resident population (thousands) by 2-digit province code.
    pub provinces: BTreeMap<String, u32>,
    /// Weight of a 시군구 within its province, by region kind (`city`, `county` …).
    pub kind_weights: BTreeMap<String, u32>,
}

const TOML_FILE: &str = "data/population/population.toml";
const SIDO_FILE: &str = "data/population/sido.csv";
const WEIGHTS_FILE: &str = "data/population/sigungu_weights.csv";

fn keyed<T>(
    map: &BTreeMap<String, u32>,
    what: &str,
    parse: impl Fn(&str) -> Option<T>,
    expected: impl Fn() -> String,
) -> Result<Vec<(T, u32)>, PopulationDataError> {
    let parsed = map
        .iter()
        .map(|(key, &weight)| {
            parse(key).map(|value| (value, weight)).ok_or_else(|| {
                bad(
                    TOML_FILE,
                    format!("{what}: unknown key `{key}` (expected one of {})", expected()),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if parsed.iter().all(|(_, w)| *w == 0) {
        return Err(bad(TOML_FILE, format!("{what}: every weight is 0")));
    }
    Ok(parsed)
}

fn per_mille(value: u32, what: &str) -> Result<u32, PopulationDataError> {
    if value > 1000 {
        Err(bad(TOML_FILE, format!("{what}: {value} is more than 1000 per mille")))
    } else {
        Ok(value)
    }
}

fn statuses(map: &BTreeMap<String, u32>, what: &str) -> Result<Vec<(EnrolmentStatus, u32)>, PopulationDataError> {
    keyed(map, what, EnrolmentStatus::parse, EnrolmentStatus::expected)
}

/// `code,name,value` rows after a header, as (first column, last column).
fn csv_rows(text: &str, file: &'static str) -> Result<BTreeMap<String, u32>, PopulationDataError> {
    let mut rows = BTreeMap::new();
    for (number, line) in text.lines().enumerate().skip(1) {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let cells: Vec<&str> = line.split(',').collect();
        let (Some(key), Some(value)) = (cells.first(), cells.last()) else {
            continue;
        };
        let value: u32 = value
            .trim()
            .parse()
            .map_err(|_| bad(file, format!("line {}: `{value}` is not a whole number", number + 1)))?;
        if rows.insert(key.trim().to_owned(), value).is_some() {
            return Err(bad(file, format!("line {}: `{key}` is listed twice", number + 1)));
        }
    }
    if rows.is_empty() {
        return Err(bad(file, "no rows"));
    }
    Ok(rows)
}

impl PopulationData {
    /// Parses and checks the three files; the first problem is returned with its file.
    pub fn parse(files: PopulationFiles<'_>) -> Result<PopulationData, PopulationDataError> {
        let raw: PopulationToml = toml::from_str(files.population_toml).map_err(|e| bad(TOML_FILE, e.to_string()))?;
        let band = |map: &BTreeMap<String, u32>, stage: &str| {
            keyed(map, &format!("age_bands.{stage}"), AgeBand::parse, AgeBand::expected)
        };
        let mut groups = keyed(&raw.groups, "groups", TargetGroup::parse, TargetGroup::expected)?;
        for (group, rate) in &mut groups {
            *rate = per_mille(*rate, &format!("groups.{group}"))?;
        }
        let kukchi = |key: &str| per_mille(raw.kukchi.get(key).copied().unwrap_or(0), &format!("kukchi.{key}"));
        if let Some(key) = raw.kukchi.keys().find(|k| !matches!(k.as_str(), "type_1" | "type_2")) {
            return Err(bad(
                TOML_FILE,
                format!("kukchi: unknown key `{key}` (expected type_1, type_2)"),
            ));
        }
        let (type_1, type_2) = (kukchi("type_1")?, kukchi("type_2")?);
        if type_1 + type_2 > 1000 {
            return Err(bad(TOML_FILE, "kukchi: type_1 + type_2 is more than 1000 per mille"));
        }
        let e = &raw.enrolments;
        if per_mille(e.same_region, "enrolments.same_region")? + per_mille(e.same_province, "enrolments.same_province")?
            > 1000
        {
            return Err(bad(
                TOML_FILE,
                "enrolments: same_region + same_province is more than 1000 per mille",
            ));
        }
        let (low, high) = (raw.diagnosis.days_between[0], raw.diagnosis.days_between[1]);
        if low == 0 || high < low {
            return Err(bad(
                TOML_FILE,
                "diagnosis.days_between: must be [low, high] with 1 <= low <= high",
            ));
        }
        if raw.diagnosis.runs.iter().all(|w| *w == 0) {
            return Err(bad(TOML_FILE, "diagnosis.runs: every weight is 0"));
        }
        let provinces = csv_rows(files.sido_csv, SIDO_FILE)?;
        let kind_weights = csv_rows(files.sigungu_weights_csv, WEIGHTS_FILE)?;
        Ok(PopulationData {
            target_year: raw.target_year,
            age_bands: [
                band(&raw.age_bands.entry, "entry")?,
                band(&raw.age_bands.participation, "participation")?,
                band(&raw.age_bands.transition, "transition")?,
            ],
            statuses: keyed(&raw.statuses, "statuses", TraineeStatus::parse, TraineeStatus::expected)?,
            employer_sizes: keyed(
                &raw.employer_sizes,
                "employer_sizes",
                EmployerSize::parse,
                EmployerSize::expected,
            )?,
            groups,
            kukchi_type_1: type_1,
            kukchi_type_2: type_2,
            cards_other_programmes: per_mille(raw.cards.other_programmes, "cards.other_programmes")?,
            card_max_days_before: raw.cards.max_days_before_application,
            diagnosis_runs: raw.diagnosis.runs,
            diagnosis_days_between: (low, high),
            second_enrolment: per_mille(e.second, "enrolments.second")?,
            same_region: e.same_region,
            same_province: e.same_province,
            not_started: statuses(&e.not_started, "enrolments.not_started")?,
            running: statuses(&e.running, "enrolments.running")?,
            ended: statuses(&e.ended, "enrolments.ended")?,
            provinces,
            kind_weights,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_files_parse() {
        let data = PopulationData::parse(PopulationFiles::embedded()).expect("shipped population data parses");
        assert_eq!(data.provinces.len(), 17);
        assert_eq!(data.target_year, 2026);
        assert!(data.kind_weights.contains_key("county"));
    }

    #[test]
    fn an_unknown_key_or_rate_names_its_file_and_key() {
        let files = PopulationFiles::embedded();
        let toml = files.population_toml.replace("low_income = 50", "lowincome = 50");
        let e = PopulationData::parse(PopulationFiles {
            population_toml: &toml,
            ..files
        })
        .unwrap_err();
        assert_eq!(e.file, TOML_FILE);
        assert!(e.reason.contains("lowincome"), "{e}");
        let toml = files.population_toml.replace("disabled = 30", "disabled = 1300");
        let e = PopulationData::parse(PopulationFiles {
            population_toml: &toml,
            ..files
        })
        .unwrap_err();
        assert!(e.reason.contains("groups.disabled"), "{e}");
        let e = PopulationData::parse(PopulationFiles {
            sido_csv: "code,name,population_thousands\n11,서울,many\n",
            ..files
        })
        .unwrap_err();
        assert_eq!(e.file, SIDO_FILE);
    }
}
