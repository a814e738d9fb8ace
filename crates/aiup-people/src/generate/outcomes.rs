//! Seeded synthetic outside records for the generated population's graduates (`aiup generate
//! outcomes`), in the CSV formats of docs/outcomes-import.md: employment-insurance acquisitions
//! and startup registrations, for demos and benchmarks. The shares below shape synthetic data
//! only; no rule reads them.

use std::collections::HashSet;

use aiup_catalogue::generate::rng::Rng;
use aiup_sme::{BusinessNumber, SizeBand};
use chrono::{Days, NaiveDate};

/// One graduate to invent outcomes for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntheticGraduate {
    /// The outside identifier the records will name (never a real one).
    pub identifier: String,
    /// The 5-digit 시군구 code, where a founder's business opens.
    pub region_code: String,
    pub completed_on: NaiveDate,
}

/// The two files, and how many rows each holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntheticOutcomes {
    pub employment_csv: String,
    pub startups_csv: String,
    pub hires: usize,
    pub startups: usize,
}

/// Graduates hired at all (per mille), and founders (per mille).
const HIRED_PERMILLE: u32 = 650;
const FOUNDED_PERMILLE: u32 = 30;
/// Hires that have ended by the data's date (per mille).
const LEFT_PERMILLE: u32 = 150;
const INDUSTRIES: [&str; 6] = ["J62", "J58", "C26", "M71", "G46", "C29"];

fn business_number(rng: &mut Rng) -> BusinessNumber {
    let mut nine = [0u8; 9];
    for (i, digit) in nine.iter_mut().enumerate() {
        // A leading digit of 1–9, as real numbers have.
        *digit = if i == 0 { rng.range(1, 9) } else { rng.range(0, 9) } as u8;
    }
    BusinessNumber::from_nine(nine)
}

fn after(day: NaiveDate, days: u32) -> NaiveDate {
    day.checked_add_days(Days::new(u64::from(days))).unwrap_or(day)
}

/// Records for `graduates` from `seed`, hired by one of `employers` firms (at least one). The
/// same inputs give the same files.
pub fn synthetic_outcomes(graduates: &[SyntheticGraduate], seed: u64, employers: usize) -> SyntheticOutcomes {
    let mut firms_rng = Rng::fork(seed, 41);
    let firms: Vec<(BusinessNumber, SizeBand, &str)> = (0..employers.max(1))
        .map(|_| {
            let number = business_number(&mut firms_rng);
            let size = *firms_rng.pick(&SizeBand::ALL);
            (number, size, *firms_rng.pick(&INDUSTRIES))
        })
        .collect();
    let mut rng = Rng::fork(seed, 42);
    let mut employment = String::from("person_id,business_number,acquired_on,lost_on,ksic,size_band\n");
    let mut startups = String::from("founder_id,business_number,opened_on,ksic,region\n");
    let (mut hires, mut founded) = (0, 0);
    // A business number is registered once (the startup file refuses a repeat).
    let mut opened_numbers: HashSet<BusinessNumber> = firms.iter().map(|f| f.0.clone()).collect();
    for g in graduates {
        if rng.chance(HIRED_PERMILLE) {
            let (number, size, ksic) = rng.pick(&firms);
            // Within 270 days of completing: most inside six months, some after.
            let hired = after(g.completed_on, rng.range(1, 270));
            let lost = if rng.chance(LEFT_PERMILLE) {
                after(hired, rng.range(30, 200)).to_string()
            } else {
                String::new()
            };
            employment.push_str(&format!(
                "{},{},{hired},{lost},{ksic},{}\n",
                g.identifier,
                number.digits(),
                size.as_str()
            ));
            hires += 1;
        } else if rng.chance(FOUNDED_PERMILLE * 1000 / (1000 - HIRED_PERMILLE)) {
            let opened = after(g.completed_on, rng.range(1, 330));
            let mut number = business_number(&mut rng);
            while !opened_numbers.insert(number.clone()) {
                number = business_number(&mut rng);
            }
            startups.push_str(&format!(
                "{},{},{opened},{},{}\n",
                g.identifier,
                number.digits(),
                rng.pick(&INDUSTRIES),
                g.region_code
            ));
            founded += 1;
        }
    }
    SyntheticOutcomes {
        employment_csv: employment,
        startups_csv: startups,
        hires,
        startups: founded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome_records::{parse_employment_csv, parse_startups_csv};
    use crate::ExternalIdKey;

    #[test]
    fn the_files_read_back_and_a_seed_gives_the_same_files() {
        let graduates: Vec<SyntheticGraduate> = (0..400)
            .map(|i| SyntheticGraduate {
                identifier: format!("SYN-{i}"),
                region_code: "11110".to_owned(),
                completed_on: NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
            })
            .collect();
        let made = synthetic_outcomes(&graduates, 7, 20);
        assert_eq!(made, synthetic_outcomes(&graduates, 7, 20));
        assert!(made.hires > 200 && made.hires < 320, "{}", made.hires);
        assert!(made.startups > 0);
        let key = ExternalIdKey::from_hex(&"cd".repeat(32)).unwrap();
        assert_eq!(
            parse_employment_csv(&made.employment_csv, &key).unwrap().len(),
            made.hires
        );
        let regions = aiup_core::region::RegionTable::load(aiup_core::defaults::region_files()).unwrap();
        let startups = parse_startups_csv(&made.startups_csv, &key, &regions);
        assert_eq!(
            startups.map(|s| s.len()).unwrap_or(0),
            made.startups,
            "every startup row is valid"
        );
    }
}
