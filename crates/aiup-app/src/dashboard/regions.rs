//! The regional board: per province (17) people enrolled, in training, completed, the
//! completion rate, won paid by the payroll, tuition charged to learning cards and SMEs
//! diagnosed, each also per 10,000 residents; and a province's drill-down to its 시군구 and
//! programmes. Figures are by where the PERSON lives (the firm's 시군구 for SMEs), not where they
//! train.
//!
//! The store's counts ([`Tallies`]) are read once and kept in the dashboard cache; every view
//! (the country, any province) is derived from them in memory.

use std::collections::BTreeMap;
use std::sync::Arc;

use aiup_core::policy::Text;
use aiup_people::generate::{PopulationData, PopulationFiles};
use aiup_people::EnrolmentStatus;
use aiup_store::EnrolmentReportFilter;
use serde::Serialize;

use super::AsOf;
use crate::accounts::{Actor, Permission};
use crate::{App, AppError};

/// Statuses that count a person as enrolled: accepted, or any step after it.
pub const ENROLLED: [EnrolmentStatus; 7] = [
    EnrolmentStatus::Accepted,
    EnrolmentStatus::InTraining,
    EnrolmentStatus::Completed,
    EnrolmentStatus::EarlyCompletionEmployment,
    EnrolmentStatus::DroppedOut,
    EnrolmentStatus::Removed,
    EnrolmentStatus::NotCompleted,
];

/// Statuses of a course that is over for the trainee: the completion rate's denominator.
const ENDED: [EnrolmentStatus; 5] = [
    EnrolmentStatus::Completed,
    EnrolmentStatus::EarlyCompletionEmployment,
    EnrolmentStatus::DroppedOut,
    EnrolmentStatus::Removed,
    EnrolmentStatus::NotCompleted,
];

/// The spellings of [`ENROLLED`], for the store.
pub fn enrolled_statuses() -> Vec<&'static str> {
    ENROLLED.iter().map(|s| s.as_str()).collect()
}

/// What is counted for one area (or programme).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Distinct people with an enrolment in an [`ENROLLED`] status.
    pub people_enrolled: i64,
    /// Enrolments in training now.
    pub in_training: i64,
    /// Enrolments completed (including early completion by employment).
    pub completed: i64,
    /// Enrolments whose course is over for the trainee (completed, dropped out, removed, not
    /// completed).
    pub ended: i64,
    /// Payroll lines of runs not cancelled (adjustments included).
    pub paid_won: i64,
    /// Learning-card charges less refunds.
    pub card_charged_won: i64,
    /// SME firms with at least one diagnosis.
    pub smes_diagnosed: i64,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.people_enrolled += other.people_enrolled;
        self.in_training += other.in_training;
        self.completed += other.completed;
        self.ended += other.ended;
        self.paid_won += other.paid_won;
        self.card_charged_won += other.card_charged_won;
        self.smes_diagnosed += other.smes_diagnosed;
    }

    /// Completed of ended, in basis points (`None` before any course has ended).
    pub fn completion_bp(&self) -> Option<i64> {
        (self.ended > 0).then(|| self.completed * 10_000 / self.ended)
    }
}

/// One row of a regional table: a province, a 시군구 or a programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AreaRow {
    /// 2-digit province code, 5-digit 시군구 code, or programme id.
    pub code: String,
    pub name: Text,
    pub counts: Counts,
    /// Residents (provinces only: `data/population/sido.csv`; there is no 시군구 population
    /// offline, so 시군구 and programme rows have none).
    pub population: Option<i64>,
}

impl AreaRow {
    /// `n` per 10,000 residents, in hundredths (1234 is 12.34), rounded down.
    pub fn per_10k_hundredths(&self, n: i64) -> Option<i64> {
        self.population.filter(|p| *p > 0).map(|p| n * 10_000 * 100 / p)
    }

    pub fn enrolled_per_10k(&self) -> Option<i64> {
        self.per_10k_hundredths(self.counts.people_enrolled)
    }

    pub fn completed_per_10k(&self) -> Option<i64> {
        self.per_10k_hundredths(self.counts.completed)
    }
}

/// The country by province.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegionsView {
    pub as_of: AsOf,
    /// The 17 provinces, in the region table's order.
    pub provinces: Vec<AreaRow>,
    pub total: AreaRow,
}

/// One province: its row, its 시군구 and its programmes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProvinceView {
    pub as_of: AsOf,
    pub province: AreaRow,
    /// The 시군구 with any figure, and every 시군구 without sub-districts, in code order; a
    /// residence code the region table does not know is listed under its own code.
    pub regions: Vec<AreaRow>,
    /// Programmes with any figure in the province. A person in two programmes counts in both,
    /// so `people_enrolled` of these rows may add up to more than the province's.
    pub programmes: Vec<AreaRow>,
}

/// The store's counts, by 시군구 and programme, as read once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tallies {
    pub as_of: Option<AsOf>,
    /// By (시군구, programme). `people_enrolled` here is distinct within the pair.
    pub by_region_programme: BTreeMap<(String, String), Counts>,
    /// By 시군구 over all programmes (`people_enrolled` distinct over programmes).
    pub by_region: BTreeMap<String, Counts>,
}

/// Reads the counts from the stores.
pub async fn read_tallies(app: &App) -> Result<Tallies, AppError> {
    let db = app.db();
    let statuses = enrolled_statuses();
    // Three independent reads, each one snapshot, at once.
    let everyone = EnrolmentReportFilter::default();
    let (report, figures, firms) = tokio::try_join!(
        db.enrolment_reports().report(&everyone),
        db.region_reports().regions(&statuses),
        db.region_reports().firms(&statuses),
    )?;
    let mut tallies = Tallies {
        as_of: Some(AsOf::now(app)),
        ..Tallies::default()
    };
    for c in &report.enrolments {
        let Some(status) = EnrolmentStatus::parse(&c.status) else {
            continue;
        };
        let mut counts = Counts::default();
        if status == EnrolmentStatus::InTraining {
            counts.in_training = c.enrolments;
        }
        if matches!(
            status,
            EnrolmentStatus::Completed | EnrolmentStatus::EarlyCompletionEmployment
        ) {
            counts.completed = c.enrolments;
        }
        if ENDED.contains(&status) {
            counts.ended = c.enrolments;
        }
        tallies
            .by_region_programme
            .entry((c.region_code.clone(), c.programme.clone()))
            .or_default()
            .add(&counts);
        tallies.by_region.entry(c.region_code.clone()).or_default().add(&counts);
    }
    for p in &figures.people {
        match &p.programme {
            Some(programme) => {
                tallies
                    .by_region_programme
                    .entry((p.region_code.clone(), programme.clone()))
                    .or_default()
                    .people_enrolled += p.people;
            }
            None => {
                tallies
                    .by_region
                    .entry(p.region_code.clone())
                    .or_default()
                    .people_enrolled += p.people
            }
        }
    }
    for m in &figures.money {
        let money = Counts {
            paid_won: m.paid_won,
            card_charged_won: m.card_charged_won,
            ..Counts::default()
        };
        tallies
            .by_region_programme
            .entry((m.region_code.clone(), m.programme.clone()))
            .or_default()
            .add(&money);
        tallies.by_region.entry(m.region_code.clone()).or_default().add(&money);
    }
    for f in &firms {
        tallies
            .by_region
            .entry(f.region_code.clone())
            .or_default()
            .smes_diagnosed += f.diagnosed;
    }
    Ok(tallies)
}

/// The tallies, from the dashboard cache (read again once they are older than its TTL).
pub async fn tallies(app: &App) -> Result<Arc<Tallies>, AppError> {
    app.dashboards()
        .get_or_compute("regions.tallies", read_tallies(app))
        .await
}

/// Residents by province code (`data/population/sido.csv`, thousands × 1,000).
pub fn province_population() -> Result<BTreeMap<String, i64>, AppError> {
    let data = PopulationData::parse(PopulationFiles::embedded()).map_err(|e| AppError::internal(&e))?;
    Ok(data
        .provinces
        .into_iter()
        .map(|(code, thousands)| (code, i64::from(thousands) * 1_000))
        .collect())
}

fn province_of(region_code: &str) -> &str {
    region_code.get(..2).unwrap_or_default()
}

/// The country by province, from `tallies`.
pub fn regions_view(app: &App, tallies: &Tallies) -> Result<RegionsView, AppError> {
    let engine = app.engine();
    let population = province_population()?;
    let mut provinces: Vec<AreaRow> = engine
        .regions()
        .provinces()
        .iter()
        .map(|p| AreaRow {
            code: p.code.clone(),
            name: Text {
                ko: p.name.clone(),
                en: aiup_core::region::province_english_name(p).to_owned(),
            },
            counts: Counts::default(),
            population: population.get(&p.code).copied(),
        })
        .collect();
    for (region, counts) in &tallies.by_region {
        if let Some(row) = provinces.iter_mut().find(|p| p.code == province_of(region)) {
            row.counts.add(counts);
        }
    }
    let mut total = AreaRow {
        code: String::new(),
        name: Text {
            ko: "전국".to_owned(),
            en: "Whole country".to_owned(),
        },
        counts: Counts::default(),
        population: Some(provinces.iter().filter_map(|p| p.population).sum()),
    };
    // The total counts every 시군구, even one whose code names no province of the table.
    for counts in tallies.by_region.values() {
        total.counts.add(counts);
    }
    Ok(RegionsView {
        as_of: tallies.as_of.clone().unwrap_or_else(|| AsOf::now(app)),
        provinces,
        total,
    })
}

/// One province, from `tallies`; an unknown province code is `not_found`.
pub fn province_view(app: &App, tallies: &Tallies, code: &str) -> Result<ProvinceView, AppError> {
    let country = regions_view(app, tallies)?;
    let province = country
        .provinces
        .into_iter()
        .find(|p| p.code == code)
        .ok_or_else(|| AppError::not_found("province"))?;
    let engine = app.engine();
    let table = engine.regions();
    let mut regions: BTreeMap<String, AreaRow> = BTreeMap::new();
    for region in table.regions().iter().filter(|r| r.sido_code == code) {
        let region_code = region.code.to_string();
        let has_children = table.regions().iter().any(|r| r.parent_code == Some(region.code));
        if has_children && !tallies.by_region.contains_key(&region_code) {
            continue;
        }
        regions.insert(
            region_code.clone(),
            AreaRow {
                code: region_code,
                name: Text {
                    ko: region.name.clone(),
                    en: table.english_name(region),
                },
                counts: Counts::default(),
                population: None,
            },
        );
    }
    for (region, counts) in tallies.by_region.iter().filter(|(r, _)| province_of(r) == code) {
        regions
            .entry(region.clone())
            .or_insert_with(|| AreaRow {
                code: region.clone(),
                name: Text {
                    ko: region.clone(),
                    en: region.clone(),
                },
                counts: Counts::default(),
                population: None,
            })
            .counts
            .add(counts);
    }
    let mut programmes: BTreeMap<String, AreaRow> = BTreeMap::new();
    for ((region, programme), counts) in &tallies.by_region_programme {
        if province_of(region) != code {
            continue;
        }
        programmes
            .entry(programme.clone())
            .or_insert_with(|| AreaRow {
                code: programme.clone(),
                name: engine.policy().programme(programme).map_or_else(
                    || Text {
                        ko: programme.clone(),
                        en: programme.clone(),
                    },
                    |p| p.name.clone(),
                ),
                counts: Counts::default(),
                population: None,
            })
            .counts
            .add(counts);
    }
    Ok(ProvinceView {
        as_of: country.as_of,
        province,
        regions: regions.into_values().collect(),
        programmes: programmes.into_values().collect(),
    })
}

/// The country by province (`ReadDashboards`), from figures at most the cache's TTL old.
pub async fn regions(app: &App, actor: &Actor) -> Result<RegionsView, AppError> {
    actor.require(Permission::ReadDashboards)?;
    regions_view(app, &*tallies(app).await?)
}

/// The same, computed now from the stores (tests).
pub async fn compute_regions(app: &App, actor: &Actor) -> Result<RegionsView, AppError> {
    actor.require(Permission::ReadDashboards)?;
    regions_view(app, &read_tallies(app).await?)
}

/// One province (`ReadDashboards`), from figures at most the cache's TTL old.
pub async fn province(app: &App, actor: &Actor, code: &str) -> Result<ProvinceView, AppError> {
    actor.require(Permission::ReadDashboards)?;
    province_view(app, &*tallies(app).await?, code)
}

/// The same, computed now from the stores (tests).
pub async fn compute_province(app: &App, actor: &Actor, code: &str) -> Result<ProvinceView, AppError> {
    actor.require(Permission::ReadDashboards)?;
    province_view(app, &read_tallies(app).await?, code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_and_rates_are_integers() {
        let counts = Counts {
            completed: 2,
            ended: 3,
            people_enrolled: 5,
            ..Counts::default()
        };
        assert_eq!(counts.completion_bp(), Some(6_666));
        assert_eq!(Counts::default().completion_bp(), None);
        let row = AreaRow {
            code: "11".into(),
            name: Text {
                ko: "서울".into(),
                en: "Seoul".into(),
            },
            counts,
            population: Some(20_000),
        };
        assert_eq!(row.enrolled_per_10k(), Some(250), "5 of 20,000 is 2.50 per 10,000");
    }

    #[test]
    fn the_embedded_population_has_the_17_provinces() {
        assert_eq!(province_population().unwrap().len(), 17);
    }
}
