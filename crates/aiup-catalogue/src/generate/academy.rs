//! Seeded synthetic academy and infrastructure records (`aiup generate academy`), for demos and
//! benchmarks, as the files the importers read.
//!
//! **Instructors and completions.** Each track gets `target × progress‰` completions, dated on
//! weekdays from `from` to `until`; about one in ten instructors takes a second track (aiup
//! assumption), so there are fewer instructors than completions. Providers: 한국기술교육대학교
//! 60%, 폴리텍 25%, 한국산업인력공단 15% (aiup assumption: the seed names KOREATECH as the lead
//! with the other two). Instructors teach at a catalogue institution (80%) and live in its
//! region; the rest teach nowhere on record and live anywhere.
//!
//! **Sites.** `labs` physical AI labs on Polytech campuses (those with `physical-ai-labs`
//! courses first: the plan's 창원 기계, 청주 스마트팩토리 and 전북 물류자동화 campuses), and
//! `centres` joint training centres on the catalogue's joint-training-centre institutions.
//! Labs are designated 2026-01-02; centres from 2026-03-02 (seed: designated from March).
//! About three in four sites are open a month after designation; the rest are planned.
//! Capacity: 40–120 seats a lab, 100–400 a centre (aiup assumption).

use std::collections::HashSet;

use aiup_core::region::RegionTable;
use chrono::{Datelike, Days, NaiveDate, Weekday};

use super::rng::Rng;
use crate::academy::{AcademyTargets, Completion, CompletionKind, Instructor, Provider};
use crate::model::{CatalogueBatch, ExternalId};
use crate::sites::{Site, SiteKind};
use crate::vocab::InstitutionKind;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcademyOptions {
    pub seed: u64,
    /// Completions per track as a share of its target, per mille (1000: the whole target).
    pub progress_permille: u32,
    /// Completions are dated from this day …
    pub from: NaiveDate,
    /// … to this one.
    pub until: NaiveDate,
    /// How many labs and joint centres (the plan lines' sizes).
    pub labs: usize,
    pub centres: usize,
}

/// The generated records.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AcademyData {
    pub instructors: Vec<Instructor>,
    pub completions: Vec<Completion>,
    pub sites: Vec<Site>,
}

const PROVIDER_PERMILLE: [(Provider, u32); 3] = [
    (Provider::Koreatech, 600),
    (Provider::Polytech, 250),
    (Provider::HrdKorea, 150),
];
const LAB_FOCUS: [&str; 4] = ["기계", "스마트팩토리", "물류자동화", "로봇"];

fn weekday_between(rng: &mut Rng, from: NaiveDate, until: NaiveDate) -> NaiveDate {
    let span = (until - from).num_days().max(0);
    let mut day = from + Days::new(u64::try_from(rng.range_i64(0, span)).unwrap_or(0));
    while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && day > from {
        day = day.pred_opt().unwrap_or(from);
    }
    day
}

fn id(text: String) -> Option<ExternalId> {
    ExternalId::parse(&text).ok()
}

/// Generates instructors, completions and sites. The same options, targets, catalogue and
/// region table always give the same records.
pub fn generate_academy(
    options: &AcademyOptions,
    targets: &AcademyTargets,
    catalogue: &CatalogueBatch,
    regions: &RegionTable,
) -> AcademyData {
    let mut rng = Rng::new(options.seed);
    let mut data = AcademyData::default();
    for track in &targets.tracks {
        let count = usize::try_from(track.target.max(0)).unwrap_or(0) * options.progress_permille as usize / 1000;
        // Instructors of earlier tracks may take this one too, each once.
        let earlier = data.instructors.len();
        let mut again = HashSet::new();
        for _ in 0..count {
            let reuse = (earlier > 0 && rng.chance(100))
                .then(|| rng.below(earlier as u64) as usize)
                .filter(|i| again.insert(*i));
            let index = match reuse {
                Some(i) => i,
                None => {
                    let Some(instructor) =
                        new_instructor(&mut rng, data.instructors.len(), options, catalogue, regions)
                    else {
                        continue;
                    };
                    data.instructors.push(instructor);
                    data.instructors.len() - 1
                }
            };
            let instructor = &data.instructors[index];
            let earliest = instructor.registered_on.max(options.from);
            data.completions.push(Completion {
                line: data.completions.len() + 2,
                instructor_ref: instructor.instructor_ref.clone(),
                track_id: track.id.clone(),
                provider: instructor.provider,
                completed_on: weekday_between(&mut rng, earliest, options.until.max(earliest)),
                kind: CompletionKind::Completed,
            });
        }
    }
    data.sites = sites(&mut rng, options, catalogue, regions);
    data
}

fn new_instructor(
    rng: &mut Rng,
    n: usize,
    options: &AcademyOptions,
    catalogue: &CatalogueBatch,
    regions: &RegionTable,
) -> Option<Instructor> {
    let provider = PROVIDER_PERMILLE[rng.weighted(&PROVIDER_PERMILLE, |(_, w)| *w)].0;
    let (institution, region) = if !catalogue.institutions.is_empty() && rng.chance(800) {
        let institution = rng.pick(&catalogue.institutions);
        (Some(institution.id.clone()), regions.get(institution.region)?)
    } else {
        (None, rng.pick(regions.regions()))
    };
    let registered_on = weekday_between(rng, options.from - Days::new(60), options.from);
    Some(Instructor {
        line: n + 2,
        instructor_ref: id(format!("AIA-{}-{:06}", options.from.year(), n + 1))?,
        provider,
        region: region.code,
        province_code: region.sido_code.clone(),
        institution,
        registered_on,
        external_id: None,
    })
}

fn sites(rng: &mut Rng, options: &AcademyOptions, catalogue: &CatalogueBatch, regions: &RegionTable) -> Vec<Site> {
    let runs = |institution: &ExternalId, programme: &str| {
        catalogue
            .courses
            .iter()
            .any(|c| c.institution == *institution && c.programmes.iter().any(|p| p.as_str() == programme))
    };
    let mut polytech: Vec<_> = catalogue
        .institutions
        .iter()
        .filter(|i| i.kind == InstitutionKind::Polytech)
        .collect();
    // Campuses with lab courses first, then the others, each in catalogue order.
    polytech.sort_by_key(|i| !runs(&i.id, "physical-ai-labs"));
    let centres = catalogue
        .institutions
        .iter()
        .filter(|i| i.kind == InstitutionKind::JointTrainingCentre);
    let lab_day = NaiveDate::from_ymd_opt(options.from.year(), 1, 2).unwrap_or(options.from);
    let centre_day = NaiveDate::from_ymd_opt(options.from.year(), 3, 2).unwrap_or(options.from);
    let chosen = polytech
        .into_iter()
        .take(options.labs)
        .map(|i| (i, SiteKind::PhysicalAiLab))
        .chain(
            centres
                .take(options.centres)
                .map(|i| (i, SiteKind::JointTrainingCentre)),
        );
    let mut out = Vec::new();
    for (n, (institution, kind)) in chosen.enumerate() {
        let Some(region) = regions.get(institution.region) else {
            continue;
        };
        let (prefix, designated_on, capacity, focus) = match kind {
            SiteKind::PhysicalAiLab => (
                "lab",
                lab_day,
                rng.range(40, 120),
                LAB_FOCUS[n % LAB_FOCUS.len()].to_owned(),
            ),
            SiteKind::JointTrainingCentre => (
                "centre",
                centre_day + Days::new(u64::from(rng.range(0, 60))),
                rng.range(100, 400),
                "AI 융합".to_owned(),
            ),
        };
        let opened_on = rng
            .chance(750)
            .then(|| designated_on + Days::new(30))
            .filter(|d| *d <= options.until);
        let (kind_ko, kind_en) = kind.label();
        let Some(site_id) = id(format!("{prefix}-{:02}", n + 1)) else {
            continue;
        };
        out.push(Site {
            line: n + 2,
            id: site_id,
            kind,
            name_ko: format!("{} {kind_ko}", institution.name),
            name_en: format!("{kind_en} at {}", institution.id),
            institution: institution.id.clone(),
            region: region.code,
            province_code: region.sido_code.clone(),
            capacity,
            designated_on,
            opened_on,
            industry_focus: focus,
        });
    }
    out
}
