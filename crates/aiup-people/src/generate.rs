//! A synthetic population over a catalogue: people (profiles), learning-card openings,
//! diagnosis runs and enrolments, for demos, load tests and benchmarks. Does no IO; the same
//! options, data, policy, regions and courses give the same population forever (the seeded
//! SplitMix64 of `aiup_catalogue::generate::rng`, one stream per part).
//!
//! # Where the proportions come from
//! - **Programmes:** each programme with a people target for `data.target_year` in the policy
//!   (`target = [{ year, value, unit = "people" }]`), a working-life stage and someone it
//!   admits gets its share of the trainees by largest remainder, so the counts are exact.
//!   Targets in workplaces, firms, sites or courses name no trainees and are left out; so is a
//!   programme that admits no trainee status (the instructor academy).
//! - **Profiles:** the stage is the programme's; the status is drawn among those the programme
//!   admits, the employer size for employees (priority-support for the SME-only schemes), the
//!   age band by stage (youth bands only for youth programmes), groups and 국민취업지원제도 by
//!   the rates of `data/population/population.toml` (aiup defaults, explained in its README).
//! - **Residence:** a province by resident population (`sido.csv`), then a 시군구 by its kind
//!   (`sigungu_weights.csv`); a city with districts is never drawn, its districts are.
//! - **Enrolments:** in a course of the person's programme, looked for in their 시군구, else their
//!   province, else anywhere; never more seat-takers than a cohort has seats. The status follows
//!   the cohort's dates against `today`, and the history is a legal path of
//!   [`EnrolmentStatus::after`].
//! - **Cards:** everyone in a card-tuition programme, and a share of the others, opened before
//!   their first application, with the policy's account amount and period on the issue date.
//! - **Attendance:** a day record for every training day of every enrolment in (or past)
//!   training, up to `today` ([`attendance`]; made per stored enrolment, after the load).
//! - **Diagnoses:** 0–3 runs a person, the first before applying, later ones months apart. Each
//!   run answers the bank's form for its number (`aiup_diagnosis`), right more often on the steps
//!   the person has mastered (which rise now and then), and is scored by the bank.

pub mod attendance;
mod data;
mod enrol;
pub mod outcomes;

use std::collections::BTreeSet;

use aiup_catalogue::generate::rng::{Rng, Table};
use aiup_catalogue::Course;
use aiup_core::policy::{ParamValue, PolicySet, Programme, TargetUnit, TuitionScheme};
use aiup_core::region::{RegionCode, RegionTable};
use aiup_core::{EmployerSize, ProgrammeId, Stage, TraineeStatus};
use aiup_diagnosis::{Bank, Outcome, Response};
use chrono::{Days, Months, NaiveDate};

pub use data::{PopulationData, PopulationDataError, PopulationFiles};
pub use enrol::{CohortSeatCount, GeneratedEnrolment, HistoryStep};

use crate::{AgeBand, KukchiType, Profile};

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PopulationOptions {
    pub trainees: usize,
    pub seed: u64,
    /// The day the population is seen on: nothing happens after it.
    pub today: NaiveDate,
}

/// One generated person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedPerson {
    pub profile: Profile,
    /// The programme the person came for.
    pub programme: ProgrammeId,
    /// When the person was first recorded (on or before their first card, run or application).
    pub created_on: NaiveDate,
}

/// A learning-card account opened for a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardOpening {
    /// Index into [`Population::people`].
    pub person: usize,
    pub issued_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub amount_won: i64,
}

/// One diagnosis run: the answers to the bank's form for `run_no`, and their score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagnosisRun {
    pub person: usize,
    /// 1 for the person's first run.
    pub run_no: u32,
    pub taken_on: NaiveDate,
    /// In the form's order.
    pub responses: Vec<Response>,
    pub outcome: Outcome,
}

/// Everything generated. Persons are referred to by their index in `people`; courses and
/// cohorts by their index in the `courses` slice given and in its `cohorts`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Population {
    pub people: Vec<GeneratedPerson>,
    pub cards: Vec<CardOpening>,
    pub diagnoses: Vec<DiagnosisRun>,
    pub enrolments: Vec<GeneratedEnrolment>,
    /// Seats and seat-holders of every cohort with an enrolment.
    pub seats: Vec<CohortSeatCount>,
}

/// Why no population can be generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GenerateError {
    #[error("no programme has a people target for {0} and admits a trainee")]
    NoProgramme(i32),
    #[error("the policy has no value of `{0}` to open learning cards with")]
    MissingParameter(&'static str),
    #[error("the region table has no 시군구 in any province of the population data")]
    NoRegion,
}

const CARD_AMOUNT: &str = "tuition.card.account_won";
const CARD_YEARS: &str = "tuition.card.account_years";

/// The programmes that get trainees and their exact counts.
pub fn programme_counts(
    trainees: usize,
    year: i32,
    policy: &PolicySet,
) -> Result<Vec<(&Programme, usize)>, GenerateError> {
    let targets: Vec<(&Programme, i64)> = policy
        .programmes
        .iter()
        .filter(|p| p.stage != Stage::Infrastructure && !p.admits.is_empty())
        .filter_map(|p| {
            p.targets
                .iter()
                .find(|t| t.year == year && t.unit == TargetUnit::People && t.value > 0)
                .map(|t| (p, t.value))
        })
        .collect();
    let total: i64 = targets.iter().map(|(_, v)| v).sum();
    if total == 0 {
        return Err(GenerateError::NoProgramme(year));
    }
    // Largest remainder: floors first, then one more to the largest remainders (ties by order).
    let n = trainees as i64;
    let mut counts: Vec<(usize, i64, i64)> = targets
        .iter()
        .enumerate()
        .map(|(i, (_, v))| (i, n * v / total, n * v % total))
        .collect();
    let left = n - counts.iter().map(|c| c.1).sum::<i64>();
    let mut by_remainder: Vec<usize> = (0..counts.len()).collect();
    by_remainder.sort_by_key(|&i| (std::cmp::Reverse(counts[i].2), i));
    for &i in by_remainder.iter().take(left as usize) {
        counts[i].1 += 1;
    }
    Ok(counts
        .into_iter()
        .map(|(i, count, _)| (targets[i].0, count as usize))
        .collect())
}

/// Where people live: a province by population, then a 시군구 by its kind.
struct Residence {
    provinces: Table,
    places: Vec<(Table, Vec<RegionCode>)>,
}

impl Residence {
    fn new(data: &PopulationData, regions: &RegionTable) -> Option<Residence> {
        let parents: BTreeSet<RegionCode> = regions.regions().iter().filter_map(|r| r.parent_code).collect();
        let mut weights = Vec::new();
        let mut places = Vec::new();
        for (code, &people) in &data.provinces {
            let leaves: Vec<_> = regions
                .regions()
                .iter()
                .filter(|r| &r.sido_code == code && !parents.contains(&r.code))
                .collect();
            let table = Table::new(
                leaves
                    .iter()
                    .map(|r| u64::from(data.kind_weights.get(r.kind.as_str()).copied().unwrap_or(0))),
            );
            if table.is_empty() {
                continue;
            }
            weights.push(u64::from(people));
            places.push((table, leaves.iter().map(|r| r.code).collect()));
        }
        let provinces = Table::new(weights);
        (!provinces.is_empty()).then_some(Residence { provinces, places })
    }

    fn draw(&self, rng: &mut Rng) -> RegionCode {
        let p = self.provinces.draw(rng).unwrap_or(0);
        let (table, codes) = &self.places[p];
        codes[table.draw(rng).unwrap_or(0)]
    }
}

fn days_before(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_sub_days(Days::new(days)).unwrap_or(date)
}

fn days_after(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_add_days(Days::new(days)).unwrap_or(date)
}

fn pick_weighted<T: Copy>(rng: &mut Rng, items: &[(T, u32)]) -> T {
    items[rng.weighted(items, |(_, w)| *w)].0
}

fn profile(rng: &mut Rng, programme: &Programme, data: &PopulationData, residence: &Residence) -> Profile {
    let stage = programme.stage;
    let bands = match stage {
        Stage::Entry => &data.age_bands[0],
        Stage::Participation => &data.age_bands[1],
        _ => &data.age_bands[2],
    };
    let youth_only = programme.target_group == aiup_core::policy::TargetGroup::Youth;
    let eligible: Vec<(AgeBand, u32)> = bands
        .iter()
        .copied()
        .filter(|(band, _)| !youth_only || band.is_youth())
        .collect();
    let age_band = if eligible.iter().any(|(_, w)| *w > 0) {
        pick_weighted(rng, &eligible)
    } else {
        AgeBand::From20To29
    };
    let statuses: Vec<(TraineeStatus, u32)> = data
        .statuses
        .iter()
        .copied()
        .filter(|(s, _)| programme.admits.contains(s))
        .collect();
    let status = if statuses.iter().any(|(_, w)| *w > 0) {
        pick_weighted(rng, &statuses)
    } else {
        programme.admits[0]
    };
    let employer_size = (status == TraineeStatus::Employed).then(|| {
        let size = pick_weighted(rng, &data.employer_sizes);
        if programme.admits_trainee(status, Some(size)) {
            size
        } else {
            EmployerSize::PrioritySupport
        }
    });
    let mut groups = BTreeSet::new();
    for &(group, rate) in &data.groups {
        if rng.chance(rate) && (group != crate::TargetGroup::SelfRelianceYouth || age_band.is_youth()) {
            groups.insert(group);
        }
    }
    let kukchi = if status == TraineeStatus::JobSeeker {
        let draw = rng.below(1000) as u32;
        if draw < data.kukchi_type_1 {
            KukchiType::Type1
        } else if draw < data.kukchi_type_1 + data.kukchi_type_2 {
            KukchiType::Type2
        } else {
            KukchiType::None
        }
    } else {
        KukchiType::None
    };
    Profile {
        stage,
        status,
        employer_size,
        region: residence.draw(rng),
        age_band,
        groups,
        kukchi,
    }
}

fn won_parameter(policy: &PolicySet, id: &'static str, on: NaiveDate) -> Result<i64, GenerateError> {
    let parameter = policy.parameter(id).ok_or(GenerateError::MissingParameter(id))?;
    let value = parameter
        .at(on)
        .or_else(|| parameter.values.first())
        .ok_or(GenerateError::MissingParameter(id))?;
    match value.value {
        ParamValue::Won(won) => Ok(won.0),
        ParamValue::Count(n) => Ok(i64::from(n)),
        _ => Err(GenerateError::MissingParameter(id)),
    }
}

/// How many of the plan's three AI steps a person has mastered at their first run, by what
/// they came for (aiup assumption: employees further along, the transition stage least).
fn first_skill(rng: &mut Rng, profile: &Profile) -> usize {
    let weights: [u32; 4] = match profile.stage {
        Stage::Participation => [35, 40, 17, 8],
        Stage::Transition => [60, 30, 8, 2],
        _ => [45, 35, 14, 6],
    };
    rng.weighted(&weights, |w| *w)
}

/// Answers to the form of `run_no` by someone who has mastered `skill` steps: right 85% of the
/// time on a mastered step, 60% on the next, 30% above it (a guess is right one time in four);
/// 3% of items left unanswered.
fn answer(rng: &mut Rng, bank: &Bank, run_no: u32, skill: usize) -> Vec<Response> {
    bank.form(run_no)
        .into_iter()
        .map(|item| {
            let step = aiup_catalogue::vocab::AiStep::ALL
                .iter()
                .position(|s| *s == item.step)
                .unwrap_or(0);
            let right = match step.cmp(&skill) {
                std::cmp::Ordering::Less => 850,
                std::cmp::Ordering::Equal => 600,
                std::cmp::Ordering::Greater => 300,
            };
            let chosen = if rng.chance(30) {
                None
            } else if rng.chance(right) {
                Some(item.answer)
            } else {
                let options = item.options.len() as u64;
                Some(((u64::from(item.answer) + 1 + rng.below(options - 1)) % options) as u8)
            };
            Response {
                item: item.id.as_str().to_owned(),
                chosen,
            }
        })
        .collect()
}

/// Generates the population. See the module documentation for the proportions.
pub fn generate(
    options: &PopulationOptions,
    data: &PopulationData,
    policy: &PolicySet,
    regions: &RegionTable,
    courses: &[Course],
    bank: &Bank,
) -> Result<Population, GenerateError> {
    let counts = programme_counts(options.trainees, data.target_year, policy)?;
    let residence = Residence::new(data, regions).ok_or(GenerateError::NoRegion)?;
    let mut order: Vec<usize> = counts
        .iter()
        .enumerate()
        .flat_map(|(i, (_, count))| std::iter::repeat_n(i, *count))
        .collect();
    Rng::fork(options.seed, 10).shuffle(&mut order);

    let mut rng = Rng::fork(options.seed, 11);
    let mut people: Vec<GeneratedPerson> = order
        .iter()
        .map(|&i| {
            let programme = counts[i].0;
            GeneratedPerson {
                profile: profile(&mut rng, programme, data, &residence),
                programme: programme.id.clone(),
                created_on: options.today,
            }
        })
        .collect();

    let (enrolments, seats) = enrol::place(options, data, courses, &people);
    let mut first_application: Vec<Option<NaiveDate>> = vec![None; people.len()];
    for e in &enrolments {
        let applied = e.history[0].on;
        let slot = &mut first_application[e.person];
        *slot = Some(slot.map_or(applied, |d: NaiveDate| d.min(applied)));
    }
    // Without an application, a person's story starts some time in the last year.
    let mut rng = Rng::fork(options.seed, 12);
    let anchors: Vec<NaiveDate> = first_application
        .iter()
        .map(|d| d.unwrap_or_else(|| days_before(options.today, rng.below(365))))
        .collect();

    let years = won_parameter(policy, CARD_YEARS, options.today)?;
    let mut rng = Rng::fork(options.seed, 13);
    let mut cards = Vec::new();
    for (i, person) in people.iter().enumerate() {
        let card_programme = policy
            .programme(person.programme.as_str())
            .is_some_and(|p| p.tuition_scheme == TuitionScheme::Card);
        if card_programme || rng.chance(data.cards_other_programmes) {
            let issued_on = days_before(anchors[i], rng.below(u64::from(data.card_max_days_before) + 1));
            let expires_on = issued_on
                .checked_add_months(Months::new(12 * years.clamp(1, 50) as u32))
                .map_or(issued_on, |d| days_before(d, 1));
            cards.push(CardOpening {
                person: i,
                issued_on,
                expires_on,
                amount_won: won_parameter(policy, CARD_AMOUNT, issued_on)?,
            });
        }
    }

    let mut rng = Rng::fork(options.seed, 14);
    let mut diagnoses = Vec::new();
    let (low, high) = data.diagnosis_days_between;
    for (i, person) in people.iter().enumerate() {
        let runs = rng.weighted(&data.diagnosis_runs, |w| *w);
        let gaps: Vec<u64> = (1..runs).map(|_| u64::from(rng.range(low, high))).collect();
        // The first run comes before applying, and early enough for the later ones to be done.
        let mut on = days_before(anchors[i], rng.below(60)).min(days_before(options.today, gaps.iter().sum()));
        let mut skill = first_skill(&mut rng, &person.profile);
        for run in 0..runs {
            if run > 0 {
                on = days_after(on, gaps[run - 1]);
                if rng.chance(500) {
                    skill = (skill + 1).min(3);
                }
            }
            let run_no = run as u32 + 1;
            let responses = answer(&mut rng, bank, run_no, skill);
            let outcome = bank.score(run_no, &responses);
            diagnoses.push(DiagnosisRun {
                person: i,
                run_no,
                taken_on: on,
                responses,
                outcome,
            });
        }
    }

    for (i, person) in people.iter_mut().enumerate() {
        person.created_on = anchors[i];
    }
    for card in &cards {
        let created = &mut people[card.person].created_on;
        *created = (*created).min(card.issued_on);
    }
    for run in &diagnoses {
        let created = &mut people[run.person].created_on;
        *created = (*created).min(run.taken_on);
    }
    Ok(Population {
        people,
        cards,
        diagnoses,
        enrolments,
        seats,
    })
}

#[cfg(test)]
mod tests;
