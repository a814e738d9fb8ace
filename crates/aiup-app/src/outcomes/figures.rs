//! The outcome figures: for graduates (enrolments completed, or completed early by
//! employment), by programme, stage and province: employed within the short and long windows
//! after completion, started a business, and the employment rate; with the imports the facts
//! come from.
//!
//! A graduate is employed within a window when an acquisition of employment insurance by the
//! same person (matched by the identifier's hash) falls between the cohort's start and the
//! completion date plus the window; a hire during training counts, as early completion by
//! employment does. A graduate started a business when a registration by the same person opened
//! between the cohort's start and the completion date plus the startup window. The windows are
//! policy parameters (`policy/outcomes.toml`).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use aiup_core::policy::{ParamValue, PolicySet, Text};
use aiup_core::types::Stage;
use aiup_store::{GraduateRow, OutcomeImportRecord, StoredEmployment, StoredStartup};
use chrono::{Days, NaiveDate};
use serde::Serialize;

use crate::accounts::{Actor, Permission};
use crate::dashboard::AsOf;
use crate::{App, AppError};

/// The windows the figures count with, read from the policy on the figures' date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Windows {
    pub employment_short_days: u32,
    pub employment_long_days: u32,
    pub startup_days: u32,
}

/// Counts of one group of graduates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OutcomeCounts {
    /// Completed enrolments.
    pub graduates: u64,
    pub employed_short: u64,
    pub employed_long: u64,
    pub started_business: u64,
}

impl OutcomeCounts {
    fn add(&mut self, other: OutcomeCounts) {
        self.graduates += other.graduates;
        self.employed_short += other.employed_short;
        self.employed_long += other.employed_long;
        self.started_business += other.started_business;
    }

    /// Employed within the long window per graduate, in basis points (half up); 0 with no
    /// graduates.
    pub fn employment_rate_bp(&self) -> i64 {
        share_bp(self.employed_long, self.graduates)
    }

    /// Employed within the short window per graduate, in basis points.
    pub fn short_rate_bp(&self) -> i64 {
        share_bp(self.employed_short, self.graduates)
    }
}

/// `part / whole` in basis points, rounded half up.
pub fn share_bp(part: u64, whole: u64) -> i64 {
    if whole == 0 {
        return 0;
    }
    let bp = (u128::from(part) * 20_000 + u128::from(whole)) / (u128::from(whole) * 2);
    i64::try_from(bp).unwrap_or(i64::MAX)
}

/// One row of a breakdown: a programme, stage or province.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutcomeGroup {
    /// The programme id, stage spelling or 2-digit province code.
    pub key: String,
    pub name: Text,
    pub counts: OutcomeCounts,
}

/// The outcomes board's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutcomesView {
    pub as_of: AsOf,
    pub windows: Windows,
    pub by_programme: Vec<OutcomeGroup>,
    pub by_stage: Vec<OutcomeGroup>,
    pub by_province: Vec<OutcomeGroup>,
    pub total: OutcomeCounts,
    /// The employment and startup imports the facts come from, newest first.
    pub sources: Vec<OutcomeImportRecord>,
    /// Acquisitions and registrations whose person aiup does not know (kept, not counted).
    pub unmatched_employment: u64,
    pub unmatched_startups: u64,
}

/// A count parameter of the policy on `date` (the coverage start if earlier).
pub fn count_on(policy: &PolicySet, id: &str, date: NaiveDate) -> Result<u32, AppError> {
    let date = date.max(policy.meta.coverage_start);
    match policy.parameter(id).and_then(|p| p.at(date)).map(|v| &v.value) {
        Some(ParamValue::Count(n)) => Ok(*n),
        other => Err(AppError::internal(&format!(
            "policy parameter {id} on {date} is not a count: {other:?}"
        ))),
    }
}

/// The windows in force on `date`.
pub fn windows_on(policy: &PolicySet, date: NaiveDate) -> Result<Windows, AppError> {
    Ok(Windows {
        employment_short_days: count_on(policy, "outcomes.employment.short_window_days", date)?,
        employment_long_days: count_on(policy, "outcomes.employment.long_window_days", date)?,
        startup_days: count_on(policy, "outcomes.startup.window_days", date)?,
    })
}

fn within(day: NaiveDate, from: NaiveDate, completed: NaiveDate, window_days: u32) -> bool {
    let until = completed
        .checked_add_days(Days::new(u64::from(window_days)))
        .unwrap_or(NaiveDate::MAX);
    from <= day && day <= until
}

/// One graduate's facts.
pub fn graduate_counts(
    graduate: &GraduateRow,
    hires: &[NaiveDate],
    openings: &[NaiveDate],
    windows: Windows,
) -> OutcomeCounts {
    let (start, done) = (graduate.cohort_start, graduate.completed_on);
    OutcomeCounts {
        graduates: 1,
        employed_short: u64::from(
            hires
                .iter()
                .any(|d| within(*d, start, done, windows.employment_short_days)),
        ),
        employed_long: u64::from(
            hires
                .iter()
                .any(|d| within(*d, start, done, windows.employment_long_days)),
        ),
        started_business: u64::from(openings.iter().any(|d| within(*d, start, done, windows.startup_days))),
    }
}

/// The breakdowns from the stores' rows (pure; the page's numbers and the tests' both come
/// from here).
pub fn compute(
    policy: &PolicySet,
    regions: &aiup_core::region::RegionTable,
    graduates: &[GraduateRow],
    employment: &[StoredEmployment],
    startups: &[StoredStartup],
    windows: Windows,
) -> (Vec<OutcomeGroup>, Vec<OutcomeGroup>, Vec<OutcomeGroup>, OutcomeCounts) {
    let mut hires: HashMap<i64, Vec<NaiveDate>> = HashMap::new();
    for e in employment {
        if let Some(person) = e.person_id {
            hires.entry(person).or_default().push(e.row.acquired_on);
        }
    }
    let mut openings: HashMap<i64, Vec<NaiveDate>> = HashMap::new();
    for s in startups {
        if let Some(person) = s.person_id {
            openings.entry(person).or_default().push(s.row.opened_on);
        }
    }
    let mut by_programme: BTreeMap<String, OutcomeCounts> = BTreeMap::new();
    let mut by_stage: BTreeMap<Stage, OutcomeCounts> = BTreeMap::new();
    let mut by_province: BTreeMap<String, OutcomeCounts> = BTreeMap::new();
    let mut total = OutcomeCounts::default();
    for g in graduates {
        let counts = graduate_counts(
            g,
            hires.get(&g.person_id).map_or(&[][..], Vec::as_slice),
            openings.get(&g.person_id).map_or(&[][..], Vec::as_slice),
            windows,
        );
        by_programme.entry(g.programme.clone()).or_default().add(counts);
        if let Some(programme) = policy.programme(&g.programme) {
            by_stage.entry(programme.stage).or_default().add(counts);
        }
        by_province
            .entry(g.region_code.get(..2).unwrap_or_default().to_owned())
            .or_default()
            .add(counts);
        total.add(counts);
    }
    let programmes = by_programme
        .into_iter()
        .map(|(key, counts)| {
            let name = policy.programme(&key).map_or_else(
                || Text {
                    ko: key.clone(),
                    en: key.clone(),
                },
                |p| p.name.clone(),
            );
            OutcomeGroup { key, name, counts }
        })
        .collect();
    let stages = by_stage
        .into_iter()
        .map(|(stage, counts)| OutcomeGroup {
            key: stage.as_str().to_owned(),
            name: stage_name(stage),
            counts,
        })
        .collect();
    let provinces = by_province
        .into_iter()
        .map(|(key, counts)| {
            let name = regions.provinces().iter().find(|p| p.code == key).map_or_else(
                || Text {
                    ko: key.clone(),
                    en: key.clone(),
                },
                |p| Text {
                    ko: p.name.clone(),
                    en: aiup_core::region::province_english_name(p).to_owned(),
                },
            );
            OutcomeGroup { key, name, counts }
        })
        .collect();
    (programmes, stages, provinces, total)
}

/// A stage's name in Korean and English (the vocabulary's labels).
pub fn stage_name(stage: Stage) -> Text {
    Text {
        ko: stage.label_ko().to_owned(),
        en: stage.label_en().to_owned(),
    }
}

/// The outcomes board's figures, kept in the dashboards' cache.
pub async fn outcomes(app: &App, actor: &Actor) -> Result<Arc<OutcomesView>, AppError> {
    actor.require(Permission::ReadDashboards)?;
    app.dashboards()
        .get_or_compute("outcomes", async {
            let as_of = AsOf::now(app);
            let engine = app.engine();
            let policy = engine.policy();
            let windows = windows_on(policy, as_of.date)?;
            let store = app.db().outcomes();
            let graduates = store.graduates(None).await?;
            let employment = store.employment(None).await?;
            let startups = store.startups(None).await?;
            let (by_programme, by_stage, by_province, total) =
                compute(policy, engine.regions(), &graduates, &employment, &startups, windows);
            let sources = store
                .imports()
                .await?
                .into_iter()
                .filter(|i| i.import.kind != "figures")
                .collect();
            Ok(OutcomesView {
                as_of,
                windows,
                by_programme,
                by_stage,
                by_province,
                total,
                sources,
                unmatched_employment: employment.iter().filter(|e| e.person_id.is_none()).count() as u64,
                unmatched_startups: startups.iter().filter(|s| s.person_id.is_none()).count() as u64,
            })
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_round_half_up() {
        assert_eq!(share_bp(1, 3), 3_333);
        assert_eq!(share_bp(2, 3), 6_667);
        assert_eq!(share_bp(0, 0), 0);
        assert_eq!(share_bp(5, 5), 10_000);
    }

    #[test]
    fn a_hire_counts_from_the_cohort_start_to_the_window_end() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let graduate = GraduateRow {
            enrolment_id: 1,
            person_id: 1,
            programme: "kdt-general".into(),
            region_code: "11110".into(),
            cohort_start: d(1, 5),
            completed_on: d(3, 31),
        };
        let windows = Windows {
            employment_short_days: 90,
            employment_long_days: 180,
            startup_days: 365,
        };
        let early = graduate_counts(&graduate, &[d(2, 1)], &[], windows);
        assert_eq!((early.employed_short, early.employed_long), (1, 1));
        let late = graduate_counts(&graduate, &[d(8, 1)], &[], windows);
        assert_eq!((late.employed_short, late.employed_long), (0, 1));
        let before = graduate_counts(&graduate, &[d(1, 4)], &[d(1, 4)], windows);
        assert_eq!((before.employed_long, before.started_business), (0, 0));
    }
}
