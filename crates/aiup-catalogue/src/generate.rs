//! A synthetic national course catalogue for demos, load tests and benchmarks: Korean courses
//! as HRD-Net and STEP list them, every record valid, the same batch for the same seed forever
//! (a SplitMix64 generator written out in `generate/rng.rs`, no outside random crate).
//!
//! # Proportions and where they come from
//!
//! **Programmes.** A course belongs to one of the 16 programmes of the plan that run courses
//! (`policy/programmes.toml`; the grant, diagnosis, course-review, lab and digital-twin lines
//! run none of their own). Programmes are drawn in proportion to *courses*, which are the 2026
//! people targets of BRIEF §1 (seed 002, appendix 1) divided by how many people one course
//! trains in a year (class size × cohorts a year, aiup's estimate from typical HRD-Net classes):
//!
//! | programme | people 2026 | source | people / course | courses (weight) |
//! |---|---:|---|---:|---:|
//! | card-ai-general | 56,000 | seed target (5.6만명) | 45 (classroom ~20 × 2–3 runs) | 1,244 |
//! | kdc-ai | 19,600 | entry line 90,000 − 56,000 − 1,500, split 200 : 132 by the KDC and 산대특 budgets | 80 (mostly online) | 245 |
//! | sandaetuk-entry | 12,900 | the other part of that split | 40 | 323 |
//! | ai-assistant-job | 1,500 | seed target; the pilot had 113 courses | 13 | 115 |
//! | kdt-ai-campus | 10,000 | seed target (youth line) | 40 (25 × 1–2 runs of 600–1,000 h) | 250 |
//! | kdt-general | 10,000 | aiup assumption (not a line of the plan) | 40 | 250 |
//! | polytech-hightech-ai | 260 | seed target | 20 | 13 |
//! | sme-ai-online | 100,000 | seed target (participation line) | 800 (online, up to 500 a run) | 125 |
//! | sme-premium-skillup | 20,000 | 10,000 workplaces × 2 employees (aiup assumption) | 25 | 800 |
//! | sme-pbl | 9,000 | 600 workplaces × 15 employees (one in-house course each) | 15 | 600 |
//! | polytech-ai-basics | 28,000 | seed target (transition line) | 30 | 933 |
//! | sandaetuk-ai-transition | 500 | seed target | 20 | 25 |
//! | polytech-ax | 1,000 | seed target | 20 | 50 |
//! | regional-consortium-ai | 15,000 | aiup assumption (the plan gives ₩35 bn, no head count) | 30 | 500 |
//! | ai-joint-training-centres | 12,000 | 20 centres × 600 employees (aiup assumption) | 40 | 300 |
//! | ai-instructor-academy | 12,650 | seed target (12,650명+) | 60 (half online) | 211 |
//!
//! Programmes missing from the `programmes` argument are left out and the rest keep their
//! weights. `digital-twin-training` is added as a second programme to VR and digital-twin
//! courses, and `physical-ai-labs` to factory courses at the Polytech campuses of the plan's
//! labs, when the policy has them.
//!
//! **Topics.** 25 topic families (`generate/families.rs`): generative-AI services, data
//! analysis, ML/DL engineering, LLM/RAG, computer and machine vision, NLP, MLOps/cloud, AI
//! office automation/RPA, prompt basics, AI marketing, AI video/design/publishing (the "AI as
//! work assistant" pilot), AI ethics, AI security operations, smart factory/digital
//! twin/physical AI, robotics, AI in healthcare, finance and logistics, the instructor
//! academy, and six without AI (web development, machining, welding, accounting, baking,
//! electrical work). Each programme weights the families it runs (`generate/profiles.rs`);
//! about 10% of courses teach no AI (`ai_step: None`). Polytech courses of any trade carry the
//! AI-basics subject the plan adds to every Polytech course, so they are AI courses.
//!
//! **Regions.** 68% of courses are in the capital area (the share the brief gives for the
//! catalogue). Polytech courses follow their campuses (about 30% capital), STEP and KOREATECH
//! are in Cheonan, and private, university and joint-centre courses make up the difference so
//! that the whole catalogue lands on 68%. In the capital area Seoul takes 50%, Gyeonggi 40%,
//! Incheon 10%; elsewhere provinces weigh by population (2024). Within a province a county
//! weighs 1, a city or district 3, a known training hot spot 12, so population-declining
//! counties get some courses. A city that has districts (수원시 …) is never used; its districts
//! are. A course sits where its institution is (remote ones too).
//!
//! **Institutions.** One per 18.3 courses (about 4,200 for 77,000, the plan's yearly course
//! count): the 34 Polytech campuses (all of them once there are ten institutions a campus,
//! fewer below), up to the plan's 20 joint training centres (one per 20 institutions), STEP
//! and KOREATECH (the instructor academy's lead), 6% universities, and private institutions
//! for the rest, their specialities (IT, media, business, industry, cooking, general) in
//! proportion to the courses that need them, a few of them large. Institutions that end up
//! with no course are left out of the batch (their ids stay unused).
//!
//! **Fields.** Hours, hours a day, delivery, fee and seats follow each programme's rules:
//! KDT 600–1,000 h at 8 h a day; card courses 20–400 h; SME online 8–40 h remote; no fee for
//! exempt and no-tuition programmes; fees of ₩200,000–₩15,000,000 otherwise. The card
//! self-payment rate (15–55%) is set only for programmes whose tuition scheme is `card`; a
//! unit price only for programmes with a training-cost multiplier. Cohorts: 1–4 starting on
//! weekdays in the 12 months from `start`, ending after total hours ÷ hours a day weekdays.

pub mod academy;
mod details;
mod families;
mod names;
mod profiles;
pub mod rng;

use std::collections::{BTreeSet, HashSet};

use aiup_core::policy::{Programme, TuitionScheme};
use aiup_core::region::{RegionCode, RegionTable};
use aiup_core::{Delivery, ProgrammeId};
use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::model::{CatalogueBatch, Cohort, Course, ExternalId, Hours, Institution, NcsCode, FEE_MAX_WON};
use crate::vocab::{AiLevel, AiStep, Audience, BasicModule, InstitutionKind, QualityGrade};
use families::{Family, Length, Sector, FAMILIES};
use names::{Campus, CAMPUSES, FIRMS, KOREATECH, STEMS, STEP};
use profiles::{AiPick, Fee, Profile, PROFILES};
use rng::{Rng, Table};

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateOptions {
    /// How many courses.
    pub courses: usize,
    pub seed: u64,
    /// Cohorts are placed from this date on.
    pub start: NaiveDate,
}

/// Courses per institution in the real catalogue: about 77,000 courses (seed 002: about 70,000
/// reviewed a year) from about 4,200 institutions.
const COURSES_PER_INSTITUTION: (usize, usize) = (77_000, 4_200);
/// Share of courses in the capital area, per mille.
const CAPITAL_SHARE_PERMILLE: u32 = 680;
/// Share of Polytech courses on capital-area campuses, per mille.
const POLYTECH_CAPITAL_PERMILLE: u32 = 300;
/// Lowest fee of a course that charges one, and highest generated.
const FEE_MIN_WON: i64 = 200_000;
const FEE_CAP_WON: i64 = 15_000_000;

/// Generates a catalogue of `options.courses` courses and the institutions that run them.
/// The same options, region table and programmes always give the same batch. Programme ids
/// come from `programmes` only; with none of the course-running programmes there, the batch
/// is empty.
pub fn generate(options: &GenerateOptions, regions: &RegionTable, programmes: &[Programme]) -> CatalogueBatch {
    generate_with_families(options, None, regions, programmes).0
}

/// [`generate`] with every cohort in training during the month of `active_month` (any day of
/// it): a course long enough starts before that month and ends after it, a shorter one starts
/// and ends within it. Everything else (courses, seats, the random draws) is as [`generate`]
/// gives it; only the cohorts' dates differ. For benchmarks of a month's payroll, where every
/// generated trainee should be in training that month.
pub fn generate_active(
    options: &GenerateOptions,
    active_month: NaiveDate,
    regions: &RegionTable,
    programmes: &[Programme],
) -> CatalogueBatch {
    generate_with_families(options, Some(active_month), regions, programmes).0
}

/// [`generate`], also returning each course's topic family id (for tests and reports).
fn generate_with_families(
    options: &GenerateOptions,
    active_month: Option<NaiveDate>,
    regions: &RegionTable,
    programmes: &[Programme],
) -> (CatalogueBatch, Vec<&'static str>) {
    let Some(plan) = Plan::new(programmes) else {
        return (CatalogueBatch::default(), Vec::new());
    };
    let Some(places) = Places::new(regions) else {
        return (CatalogueBatch::default(), Vec::new());
    };
    let mut pool = Pool::build(options, &plan, &places, regions);
    let mut rng = Rng::fork(options.seed, 2);
    let mut courses = Vec::with_capacity(options.courses);
    let mut family_ids = Vec::with_capacity(options.courses);
    for number in 1..=options.courses {
        if let Some((course, family)) = plan.course(&mut rng, &mut pool, options, active_month, number) {
            courses.push(course);
            family_ids.push(family);
        }
    }
    // The page fields come from their own stream (see `details`).
    let mut detail_rng = Rng::fork(options.seed, 3);
    let institutions: Vec<Institution> = pool
        .institutions
        .into_iter()
        .filter(|i| i.courses > 0)
        .filter_map(|i| {
            let mut institution = Institution {
                id: i.id?,
                name: i.name,
                kind: i.kind,
                region: i.region,
                grade: i.grade,
                contact: Default::default(),
            };
            institution.contact = details::contact(&mut detail_rng, &institution, regions);
            Some(institution)
        })
        .collect();
    let grades = institutions.iter().map(|i| (i.id.to_string(), i.grade)).collect();
    for course in &mut courses {
        details::fill_course(&mut detail_rng, course, &grades, options.start);
    }
    (CatalogueBatch { institutions, courses }, family_ids)
}

/// A programme of the policy that runs courses, with what is needed to draw its courses.
struct Active {
    profile: &'static Profile,
    id: ProgrammeId,
    card: bool,
    unit_price: bool,
    families: Vec<usize>,
    family_table: Table,
    kind_table: Table,
}

/// Everything fixed before the first course is drawn.
struct Plan {
    active: Vec<Active>,
    programme_table: Table,
    ncs: Vec<Vec<NcsCode>>,
    digital_twin: Option<ProgrammeId>,
    physical_labs: Option<ProgrammeId>,
    /// Capital-area share for courses whose institution can be anywhere, per mille.
    flexible_capital_permille: u32,
    /// Expected courses of each private-institution sector, for sizing the pool.
    sector_demand: [u64; Sector::COUNT],
}

fn kind_index(kind: InstitutionKind) -> usize {
    InstitutionKind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
}

impl Plan {
    fn new(programmes: &[Programme]) -> Option<Plan> {
        let find = |id: &str| programmes.iter().find(|p| p.id.as_str() == id);
        let mut active = Vec::new();
        for profile in PROFILES {
            let Some(programme) = find(profile.id) else { continue };
            let families: Vec<(usize, u32)> = profile
                .families
                .iter()
                .filter_map(|(id, w)| families::family_index(id).map(|i| (i, *w)))
                .collect();
            if families.is_empty() {
                continue;
            }
            active.push(Active {
                profile,
                id: programme.id.clone(),
                card: programme.tuition_scheme == TuitionScheme::Card,
                unit_price: programme.training_cost_multiplier.is_some(),
                family_table: Table::new(families.iter().map(|(_, w)| u64::from(*w))),
                families: families.into_iter().map(|(i, _)| i).collect(),
                kind_table: Table::new(profile.kinds.iter().map(|(_, w)| u64::from(*w))),
            });
        }
        if active.is_empty() {
            return None;
        }
        // Courses, not people: people ÷ people per course (see the module doc).
        let course_weight =
            |a: &Active| u64::from(a.profile.people) * 1_000 / u64::from(a.profile.people_per_course.max(1));
        let programme_table = Table::new(active.iter().map(course_weight));

        // The capital share of courses that can go anywhere, so that the whole is 68%.
        let (mut total, mut fixed_capital, mut flexible) = (0.0_f64, 0.0_f64, 0.0_f64);
        let mut sector_demand = [0_u64; Sector::COUNT];
        for a in &active {
            let weight = course_weight(a) as f64;
            total += weight;
            let kind_sum: u32 = a.profile.kinds.iter().map(|(_, w)| w).sum();
            let family_sum: u32 = a.profile.families.iter().map(|(_, w)| w).sum();
            for &(kind, kw) in a.profile.kinds {
                let share = weight * f64::from(kw) / f64::from(kind_sum.max(1));
                match kind {
                    InstitutionKind::Polytech => fixed_capital += share * f64::from(POLYTECH_CAPITAL_PERMILLE) / 1000.0,
                    InstitutionKind::PublicOnline => {}
                    InstitutionKind::University if a.profile.id == "ai-instructor-academy" => {}
                    _ => flexible += share,
                }
                if kind == InstitutionKind::Private {
                    for &(family, fw) in a.profile.families {
                        if let Some(f) = families::family_index(family) {
                            let demand = share * f64::from(fw) / f64::from(family_sum.max(1));
                            sector_demand[FAMILIES[f].sector.index()] += demand.round() as u64;
                        }
                    }
                }
            }
        }
        let wanted = total * f64::from(CAPITAL_SHARE_PERMILLE) / 1000.0;
        let flexible_capital_permille = if flexible > 0.0 {
            ((wanted - fixed_capital) / flexible * 1000.0)
                .round()
                .clamp(0.0, 1000.0) as u32
        } else {
            CAPITAL_SHARE_PERMILLE
        };

        let ncs = FAMILIES
            .iter()
            .map(|f| f.ncs.iter().filter_map(|c| NcsCode::parse(c).ok()).collect())
            .collect();
        Some(Plan {
            active,
            programme_table,
            ncs,
            digital_twin: find("digital-twin-training").map(|p| p.id.clone()),
            physical_labs: find("physical-ai-labs").map(|p| p.id.clone()),
            flexible_capital_permille,
            sector_demand,
        })
    }
}

/// Drawing a region: capital area or not, then a province, then a 시군구.
struct Places {
    capital: (Table, Vec<Table>, Vec<Vec<RegionCode>>),
    other: (Table, Vec<Table>, Vec<Vec<RegionCode>>),
}

impl Places {
    fn new(regions: &RegionTable) -> Option<Places> {
        let parents: HashSet<RegionCode> = regions.regions().iter().filter_map(|r| r.parent_code).collect();
        let hot: HashSet<RegionCode> = names::HOT_SPOTS
            .iter()
            .filter_map(|name| regions.resolve(name).ok().map(|r| r.region.code))
            .collect();
        let group = |capital: bool| {
            let mut province_weights = Vec::new();
            let mut tables = Vec::new();
            let mut codes = Vec::new();
            for province in regions.provinces().iter().filter(|p| p.capital_area == capital) {
                let listed = if capital {
                    names::CAPITAL_PROVINCES
                } else {
                    names::OTHER_PROVINCES
                };
                let weight = listed
                    .iter()
                    .find(|(code, _)| *code == province.code)
                    .map_or(if capital { 10 } else { 1_000 }, |(_, w)| *w);
                let leaves: Vec<&aiup_core::region::Region> = regions
                    .regions()
                    .iter()
                    .filter(|r| r.sido_code == province.code && !parents.contains(&r.code))
                    .collect();
                if leaves.is_empty() {
                    continue;
                }
                province_weights.push(u64::from(weight));
                tables.push(Table::new(leaves.iter().map(|r| {
                    if hot.contains(&r.code) {
                        12
                    } else if r.kind == aiup_core::region::RegionKind::County {
                        1
                    } else {
                        3
                    }
                })));
                codes.push(leaves.iter().map(|r| r.code).collect());
            }
            (Table::new(province_weights), tables, codes)
        };
        let places = Places {
            capital: group(true),
            other: group(false),
        };
        (!places.capital.0.is_empty() || !places.other.0.is_empty()).then_some(places)
    }

    fn draw(&self, rng: &mut Rng, capital: bool) -> Option<RegionCode> {
        let (first, second) = if capital {
            (&self.capital, &self.other)
        } else {
            (&self.other, &self.capital)
        };
        let (provinces, tables, codes) = if first.0.is_empty() { second } else { first };
        let p = provinces.draw(rng)?;
        let r = tables[p].draw(rng)?;
        Some(codes[p][r])
    }
}

/// An institution while the batch is built.
struct Draft {
    id: Option<ExternalId>,
    name: String,
    kind: InstitutionKind,
    region: RegionCode,
    grade: QualityGrade,
    capital: bool,
    sector: Sector,
    /// How many courses it runs, relative to the others of its bucket.
    size: u32,
    lab: bool,
    courses: u32,
}

/// The institutions, bucketed by kind, sector and capital area for drawing.
struct Pool {
    institutions: Vec<Draft>,
    buckets: Vec<(Vec<usize>, Table)>,
}

fn bucket_key(kind: InstitutionKind, sector: Sector, capital: bool) -> usize {
    (kind_index(kind) * Sector::COUNT + sector.index()) * 2 + usize::from(capital)
}

/// Spreads `share` per mille evenly over a sequence: item `i` is capital when the running
/// count crosses a whole number.
fn spread(i: usize, permille: u32) -> bool {
    let p = permille as usize;
    ((i + 1) * p) / 1000 > (i * p) / 1000
}

impl Pool {
    fn build(options: &GenerateOptions, plan: &Plan, places: &Places, regions: &RegionTable) -> Pool {
        let mut rng = Rng::fork(options.seed, 1);
        let (per_courses, per_institutions) = COURSES_PER_INSTITUTION;
        let target = ((options.courses * per_institutions + per_courses / 2) / per_courses).max(1);
        let flexible = plan.flexible_capital_permille;
        let mut drafts: Vec<Draft> = Vec::new();
        let mut used_names: HashSet<String> = HashSet::new();
        let resolve = |name: &str| {
            regions
                .resolve(name)
                .ok()
                .map(|r| (r.region.code, r.region.capital_area))
        };

        let special = |drafts: &mut Vec<Draft>, rng: &mut Rng, name: &str, place: &str, kind, sector| {
            let found = resolve(place).or_else(|| places.draw(rng, false).map(|c| (c, false)));
            if let Some((region, capital)) = found {
                drafts.push(draft(
                    name.to_owned(),
                    kind,
                    region,
                    capital,
                    sector,
                    QualityGrade::FiveYear,
                    6,
                    false,
                ));
            }
        };
        special(
            &mut drafts,
            &mut rng,
            STEP.0,
            STEP.1,
            InstitutionKind::PublicOnline,
            Sector::General,
        );
        special(
            &mut drafts,
            &mut rng,
            KOREATECH.0,
            KOREATECH.1,
            InstitutionKind::University,
            Sector::Academy,
        );

        // Polytech campuses: capital-area and other campuses in their real proportion.
        let (mut capital_campuses, mut other_campuses): (Vec<&Campus>, Vec<&Campus>) = CAMPUSES
            .iter()
            .partition(|c| resolve(c.region).is_some_and(|(_, cap)| cap));
        rng.shuffle(&mut capital_campuses);
        rng.shuffle(&mut other_campuses);
        // Every campus runs courses whatever the catalogue's size, so they are all there once
        // the catalogue has ten institutions per campus.
        let campuses = (target / 10).clamp(1, CAMPUSES.len());
        let capital_count = ((campuses * capital_campuses.len() + CAMPUSES.len() / 2) / CAMPUSES.len())
            .max(usize::from(campuses >= 2))
            .min(capital_campuses.len());
        let chosen = capital_campuses
            .iter()
            .take(capital_count)
            .chain(other_campuses.iter().take(campuses.saturating_sub(capital_count)));
        for campus in chosen {
            if let Some((region, capital)) = resolve(campus.region) {
                let grade = good_grade(&mut rng);
                drafts.push(draft(
                    campus.name.to_owned(),
                    InstitutionKind::Polytech,
                    region,
                    capital,
                    Sector::General,
                    grade,
                    3,
                    campus.lab,
                ));
            }
        }
        for name in &drafts {
            used_names.insert(name.name.clone());
        }

        // Joint training centres of large firms (20 in the plan).
        let mut firms: Vec<&str> = FIRMS.to_vec();
        rng.shuffle(&mut firms);
        for (i, firm) in firms.iter().take((target / 20).clamp(1, FIRMS.len())).enumerate() {
            let capital = spread(i, flexible);
            if let Some(region) = places.draw(&mut rng, capital) {
                let grade = good_grade(&mut rng);
                let name = format!("{firm} AI 공동훈련센터");
                used_names.insert(name.clone());
                drafts.push(draft(
                    name,
                    InstitutionKind::JointTrainingCentre,
                    region,
                    capital,
                    Sector::General,
                    grade,
                    3,
                    false,
                ));
            }
        }

        // Universities, then private institutions for the rest.
        let universities = (target * 6 / 100).max(1);
        for i in 0..universities {
            let capital = spread(i, flexible);
            if let Some(region) = places.draw(&mut rng, capital) {
                let pattern = rng.pick(names::UNIVERSITY_PATTERNS);
                let name = unique_name(&mut rng, &mut used_names, pattern, regions, region);
                let grade = good_grade(&mut rng);
                let size = rng.range(1, 4);
                drafts.push(draft(
                    name,
                    InstitutionKind::University,
                    region,
                    capital,
                    Sector::General,
                    grade,
                    size,
                    false,
                ));
            }
        }
        let private_count = target.saturating_sub(drafts.len()).max(Sector::COUNT);
        let sector_table = Table::new(plan.sector_demand.iter().map(|d| d + 1));
        let mut per_sector = [0_usize; Sector::COUNT];
        const SECTORS: [Sector; Sector::COUNT] = [
            Sector::It,
            Sector::Media,
            Sector::Business,
            Sector::Industrial,
            Sector::Culinary,
            Sector::General,
            Sector::Academy,
        ];
        for i in 0..private_count {
            // Every sector that any course needs gets at least one institution first.
            let sector = if let Some(&first) = SECTORS.get(i).filter(|_| i < Sector::COUNT - 1) {
                first
            } else {
                sector_table.draw(&mut rng).map_or(Sector::General, |s| SECTORS[s])
            };
            let sector = if sector == Sector::Academy {
                Sector::General
            } else {
                sector
            };
            let capital = spread(per_sector[sector.index()], flexible);
            per_sector[sector.index()] += 1;
            if let Some(region) = places.draw(&mut rng, capital) {
                let pattern = rng.pick(names::private_patterns(sector));
                let name = unique_name(&mut rng, &mut used_names, pattern, regions, region);
                let grade = match rng.below(100) {
                    0..=14 => QualityGrade::FiveYear,
                    15..=59 => QualityGrade::ThreeYear,
                    60..=84 => QualityGrade::OneYear,
                    _ => QualityGrade::New,
                };
                // A few large institutions and many small ones.
                let size = if rng.chance(100) {
                    rng.range(6, 12)
                } else {
                    rng.range(1, 4)
                };
                drafts.push(draft(
                    name,
                    InstitutionKind::Private,
                    region,
                    capital,
                    sector,
                    grade,
                    size,
                    false,
                ));
            }
        }

        // Ids in a shuffled order, so that ids say nothing about kind.
        let mut order: Vec<usize> = (0..drafts.len()).collect();
        rng.shuffle(&mut order);
        for (number, &i) in order.iter().enumerate() {
            drafts[i].id = ExternalId::parse(&format!("INST-{:06}", number + 1)).ok();
        }

        let mut members: Vec<Vec<usize>> = vec![Vec::new(); InstitutionKind::ALL.len() * Sector::COUNT * 2];
        for (i, d) in drafts.iter().enumerate() {
            members[bucket_key(d.kind, d.sector, d.capital)].push(i);
        }
        let buckets = members
            .into_iter()
            .map(|m| {
                let table = Table::new(m.iter().map(|&i| u64::from(drafts[i].size)));
                (m, table)
            })
            .collect();
        Pool {
            institutions: drafts,
            buckets,
        }
    }

    /// An institution of `kind` teaching `sector`, in the capital area or not; the nearest
    /// match when there is none.
    fn pick(&self, rng: &mut Rng, kind: InstitutionKind, sector: Sector, capital: bool) -> usize {
        let sector = if kind == InstitutionKind::Private || sector == Sector::Academy {
            sector
        } else {
            Sector::General
        };
        let general = Sector::General;
        let tries = [
            (kind, sector, capital),
            (kind, sector, !capital),
            (kind, general, capital),
            (kind, general, !capital),
            (InstitutionKind::Private, general, capital),
            (InstitutionKind::Private, general, !capital),
            (InstitutionKind::University, general, capital),
            (InstitutionKind::University, general, !capital),
            (InstitutionKind::Polytech, general, capital),
            (InstitutionKind::Polytech, general, !capital),
        ];
        for (k, s, c) in tries {
            let (members, table) = &self.buckets[bucket_key(k, s, c)];
            if let Some(i) = table.draw(rng) {
                return members[i];
            }
        }
        0
    }
}

#[allow(clippy::too_many_arguments)]
fn draft(
    name: String,
    kind: InstitutionKind,
    region: RegionCode,
    capital: bool,
    sector: Sector,
    grade: QualityGrade,
    size: u32,
    lab: bool,
) -> Draft {
    Draft {
        id: None,
        name,
        kind,
        region,
        grade,
        capital,
        sector,
        size,
        lab,
        courses: 0,
    }
}

fn good_grade(rng: &mut Rng) -> QualityGrade {
    if rng.chance(700) {
        QualityGrade::FiveYear
    } else {
        QualityGrade::ThreeYear
    }
}

/// A made-up institution name from a pattern; on a clash, the branch's place is added.
fn unique_name(
    rng: &mut Rng,
    used: &mut HashSet<String>,
    pattern: &str,
    regions: &RegionTable,
    region: RegionCode,
) -> String {
    let stem = *rng.pick(STEMS);
    let base = pattern.replace("{}", stem);
    let place = regions.get(region).map_or("", |r| r.name.as_str());
    let local: String = if place.chars().count() >= 3 {
        place.chars().take(place.chars().count() - 1).collect()
    } else {
        place.to_owned()
    };
    let candidates = [
        base.clone(),
        format!("{base} {local}캠퍼스"),
        format!("{base} {local}센터"),
        format!("{local}{base}"),
    ];
    let name = candidates.into_iter().find(|c| !used.contains(c)).unwrap_or_else(|| {
        let mut n = 2;
        loop {
            let numbered = format!("{base} 제{n}캠퍼스");
            if !used.contains(&numbered) {
                break numbered;
            }
            n += 1;
        }
    });
    used.insert(name.clone());
    name
}

/// The next weekday on or after `date`.
fn weekday_on_or_after(date: NaiveDate) -> NaiveDate {
    let skip = match date.weekday() {
        Weekday::Sat => 2,
        Weekday::Sun => 1,
        _ => 0,
    };
    date.checked_add_days(Days::new(skip)).unwrap_or(date)
}

/// The weekday `n` weekdays after `date` (a weekday).
fn add_weekdays(date: NaiveDate, n: u32) -> NaiveDate {
    let weeks = u64::from(n / 5);
    let mut day = date.checked_add_days(Days::new(weeks * 7)).unwrap_or(date);
    for _ in 0..n % 5 {
        day = weekday_on_or_after(day.checked_add_days(Days::new(1)).unwrap_or(day));
    }
    day
}

const TRADE_FAMILIES: &[&str] = &["machining", "welding", "electrical", "baking"];
const FACTORY_FAMILIES: &[&str] = &[
    "smart_factory",
    "robotics",
    "vision_inspection",
    "machining",
    "welding",
    "electrical",
];

impl Plan {
    /// Draws course number `number`.
    fn course(
        &self,
        rng: &mut Rng,
        pool: &mut Pool,
        options: &GenerateOptions,
        active_month: Option<NaiveDate>,
        number: usize,
    ) -> Option<(Course, &'static str)> {
        let active = &self.active[self.programme_table.draw(rng)?];
        let profile = active.profile;
        let family_index = active.families[active.family_table.draw(rng)?];
        let family: &'static Family = &FAMILIES[family_index];
        let kind = profile.kinds[active.kind_table.draw(rng)?].0;

        // Where: capital area or not, then an institution there.
        let capital_permille = match kind {
            InstitutionKind::Polytech => POLYTECH_CAPITAL_PERMILLE,
            _ => self.flexible_capital_permille,
        };
        let capital = rng.chance(capital_permille);
        let inst_index = pool.pick(rng, kind, family.sector, capital);
        let institution = &mut pool.institutions[inst_index];
        institution.courses += 1;
        let institution = &pool.institutions[inst_index];

        // How.
        let mut delivery = profile.deliveries[rng.weighted(profile.deliveries, |(_, w)| *w)].0;
        let factory = FACTORY_FAMILIES.contains(&family.id);
        if matches!(delivery, Delivery::DigitalTwin | Delivery::VrMetaverse) && !factory {
            delivery = Delivery::Blended;
        }
        if TRADE_FAMILIES.contains(&family.id) {
            // Workshop trades are taught on site.
            delivery = Delivery::Classroom;
        }
        if institution.kind == InstitutionKind::PublicOnline {
            delivery = Delivery::Remote;
        }
        let (total_tenths, daily_tenths) = hours(rng, profile, family, delivery);
        let fee_and_price = fee(rng, profile, active.unit_price, delivery, total_tenths);

        // What.
        let polytech_basics = profile.id == "polytech-ai-basics";
        let (ai_step, ai_level) = ai_step(rng, family, profile.ai_pick, polytech_basics);
        let modules = modules(rng, family, ai_step);
        let title = title(rng, profile, family, total_tenths);
        let summary = summary(rng, profile, family, polytech_basics);
        let keywords = keywords(rng, profile, family);
        let occupation = (*rng.pick(family.occupations)).to_owned();
        let ncs = *rng.pick(self.ncs.get(family_index).filter(|c| !c.is_empty())?);

        let mut audiences: Vec<Audience> = profile.audiences.to_vec();
        for extra in profile.extra_audiences {
            if rng.chance(300) {
                audiences.push(*extra);
            }
        }
        audiences.sort();
        audiences.dedup();

        let mut programmes = vec![active.id.clone()];
        if matches!(delivery, Delivery::DigitalTwin | Delivery::VrMetaverse) {
            programmes.extend(self.digital_twin.clone());
        }
        if institution.lab
            && delivery != Delivery::Remote
            && matches!(family.id, "smart_factory" | "robotics" | "logistics_ai")
        {
            programmes.extend(self.physical_labs.clone());
        }
        programmes.dedup();

        let mut cohorts = cohorts(rng, profile, delivery, total_tenths, daily_tenths, options.start);
        if let Some(month) = active_month {
            cohorts = cohorts.into_iter().map(|c| in_training_during(c, month)).collect();
        }
        let self_payment_rate_percent = active.card.then(|| 15 + 5 * rng.range(0, 8) as u8);

        let course = Course {
            id: ExternalId::parse(&format!("AIG-{}-{number:06}", options.start.year())).ok()?,
            institution: institution.id.clone()?,
            title,
            summary,
            keywords,
            programmes,
            ncs,
            occupation,
            ai_step,
            ai_level,
            modules,
            delivery,
            total_hours: Hours::from_tenths(total_tenths),
            hours_per_day: Hours::from_tenths(daily_tenths),
            fee_won: fee_and_price.0,
            region: institution.region,
            audiences,
            self_payment_rate_percent,
            base_unit_price_won_per_hour: fee_and_price.1,
            cohorts,
            details: Default::default(),
        };
        Some((course, family.id))
    }
}

/// Total hours and hours a day, in tenths of an hour.
fn hours(rng: &mut Rng, profile: &Profile, family: &Family, delivery: Delivery) -> (u32, u32) {
    let hi = profile.hours.1.min(family.max_hours);
    let lo = profile.hours.0.min(hi);
    let span = hi - lo;
    let (a, b) = match family.length {
        Length::Short => (lo, lo + span / 2),
        Length::Medium => (lo + span / 4, hi - span / 4),
        Length::Long => (lo + span / 2, hi),
    };
    let target = rng.range(a, b);
    if delivery == Delivery::Remote {
        // Remote courses are short and studied a little each day over one to eight weeks.
        let target = target.min(lo.max(120));
        let days = rng.range(5, 40);
        let daily = target.div_ceil(days).clamp(1, 8).min(target);
        return (target * 10, daily * 10);
    }
    let daily = match delivery {
        Delivery::LiveOnline if profile.daily.iter().all(|d| *d == 8) => 8,
        Delivery::LiveOnline => *rng.pick(&[3, 4, 4, 6]),
        _ => *rng.pick(profile.daily),
    };
    let daily = daily.min(target).max(1);
    let min_days = lo.div_ceil(daily);
    let max_days = hi / daily;
    if min_days > max_days {
        return (target * 10, daily * 10);
    }
    let days = ((target + daily / 2) / daily).clamp(min_days, max_days).max(1);
    (days * daily * 10, daily * 10)
}

/// The fee and, where the programme pays by unit price, the unit price.
fn fee(
    rng: &mut Rng,
    profile: &Profile,
    unit_price: bool,
    delivery: Delivery,
    total_tenths: u32,
) -> (i64, Option<i64>) {
    let clamp = |fee: i64| fee.clamp(FEE_MIN_WON, FEE_CAP_WON.min(FEE_MAX_WON));
    match profile.fee {
        Fee::Free => (0, None),
        Fee::PerHour { lo, hi, markup } => {
            let mut price = rng.range_i64(lo, hi) / 10 * 10;
            if delivery == Delivery::Remote {
                price = price * 45 / 100 / 10 * 10;
            }
            let markup = i64::from(rng.range(markup.0, markup.1));
            let raw = price * i64::from(total_tenths) / 10 * markup / 100;
            (clamp(raw / 100 * 100), unit_price.then_some(price))
        }
        Fee::Flat { lo, hi } => {
            let fee = clamp(rng.range_i64(lo / 10_000, hi / 10_000) * 10_000);
            let price = (fee * 10 / i64::from(total_tenths.max(10))) / 10 * 10;
            (fee, (unit_price && price > 0).then_some(price))
        }
    }
}

fn ai_step(rng: &mut Rng, family: &Family, pick: AiPick, polytech_basics: bool) -> (Option<AiStep>, Option<AiLevel>) {
    let Some(first) = family.ai.first() else {
        // Polytech adds an AI-basics subject to every course (seed 002 IV-③).
        return if polytech_basics {
            (Some(AiStep::BasicUnderstanding), Some(AiLevel::Literacy))
        } else {
            (None, None)
        };
    };
    let (step, level) = match pick {
        AiPick::Basic => *first,
        AiPick::Advanced => *family.ai.last().unwrap_or(first),
        AiPick::Any => *rng.pick(family.ai),
    };
    (Some(step), Some(level))
}

fn modules(rng: &mut Rng, family: &Family, step: Option<AiStep>) -> Vec<BasicModule> {
    let (lo, hi) = match step {
        None => return Vec::new(),
        Some(AiStep::BasicUnderstanding) => (3, 5),
        Some(AiStep::JobApplication) => (2, 4),
        Some(AiStep::SolutionDevelopment) => (1, 3),
    };
    let count = rng.range(lo, hi) as usize;
    let mut favoured: Vec<BasicModule> = if family.modules.is_empty() {
        vec![
            BasicModule::EthicsSecurity,
            BasicModule::PromptEngineering,
            BasicModule::ProductivityTools,
        ]
    } else {
        family.modules.to_vec()
    };
    rng.shuffle(&mut favoured);
    let mut rest: Vec<BasicModule> = BasicModule::ALL
        .iter()
        .copied()
        .filter(|m| !favoured.contains(m))
        .collect();
    rng.shuffle(&mut rest);
    let mut chosen: Vec<BasicModule> = favoured.into_iter().chain(rest).take(count).collect();
    chosen.sort();
    chosen
}

fn title(rng: &mut Rng, profile: &Profile, family: &Family, total_tenths: u32) -> String {
    let long = total_tenths >= 3_000;
    let list = match (long, family.long_titles.is_empty(), family.titles.is_empty()) {
        (true, false, _) | (false, false, true) => family.long_titles,
        _ => family.titles,
    };
    let base = *rng.pick(list);
    let tag = *rng.pick(profile.tags);
    let core = tag.trim().trim_start_matches(['[', '(']).trim_end_matches([']', ')']);
    if tag.is_empty() || base.contains(core) {
        base.to_owned()
    } else {
        format!("{tag}{base}")
    }
}

fn summary(rng: &mut Rng, profile: &Profile, family: &Family, polytech_basics: bool) -> String {
    let mut parts: Vec<&str> = vec![*rng.pick(family.intros), *rng.pick(family.bodies)];
    if !family.outcomes.is_empty() && rng.chance(650) {
        parts.push(*rng.pick(family.outcomes));
    }
    if polytech_basics && !family.is_ai() {
        // The AI-basics subject is what makes a Polytech trade course an AI course.
        parts.extend(profile.sentences.first());
    } else if !profile.sentences.is_empty() && rng.chance(600) {
        parts.push(*rng.pick(profile.sentences));
    }
    parts.join(" ")
}

fn keywords(rng: &mut Rng, profile: &Profile, family: &Family) -> Vec<String> {
    let count = rng.range(3, 8) as usize;
    let mut pool: Vec<&str> = family.keywords.to_vec();
    rng.shuffle(&mut pool);
    if !profile.keywords.is_empty() && rng.chance(500) {
        pool.insert(0, *rng.pick(profile.keywords));
    }
    let mut seen = BTreeSet::new();
    pool.into_iter()
        .filter(|word| seen.insert(*word))
        .take(count)
        .map(str::to_owned)
        .collect()
}

/// The weekday `n` weekdays before `date`.
fn sub_weekdays(date: NaiveDate, n: u32) -> NaiveDate {
    let mut day = date;
    for _ in 0..n {
        day = day.pred_opt().unwrap_or(day);
        while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            day = day.pred_opt().unwrap_or(day);
        }
    }
    day
}

/// `cohort` moved to be in training during the month of `month`, with as many weekdays as
/// before: started before the month and ending after it when it is long enough (between one
/// weekday and all of the rest before the month, spread by its original start), else
/// starting and ending within it. No random draw, so the rest of the catalogue is unchanged.
fn in_training_during(cohort: Cohort, month: NaiveDate) -> Cohort {
    let first = month.with_day(1).unwrap_or(month);
    let next = first.checked_add_months(chrono::Months::new(1)).unwrap_or(first);
    let in_month = first
        .iter_days()
        .take_while(|d| *d < next)
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .count() as u32;
    let mut days = 1;
    let mut d = cohort.start_date;
    while d < cohort.end_date {
        d = add_weekdays(d, 1);
        days += 1;
    }
    let spread = cohort.start_date.num_days_from_ce().unsigned_abs();
    let start = if days > in_month + 1 {
        // Weekdays trained before the month: 1 ..= days - in_month - 1, so at least one is left after it.
        sub_weekdays(first, 1 + spread % (days - in_month - 1))
    } else {
        add_weekdays(weekday_on_or_after(first), spread % (in_month + 1 - days.min(in_month)))
    };
    Cohort {
        start_date: start,
        end_date: add_weekdays(start, days - 1),
        ..cohort
    }
}

fn cohorts(
    rng: &mut Rng,
    profile: &Profile,
    delivery: Delivery,
    total_tenths: u32,
    daily_tenths: u32,
    start: NaiveDate,
) -> Vec<Cohort> {
    let count = match total_tenths / 10 {
        600.. => rng.range(1, 2),
        140..=599 => rng.range(1, 3),
        _ => rng.range(1, 4),
    };
    let days = total_tenths.div_ceil(daily_tenths.max(1)).max(1);
    let segment = 365 / count;
    let (lo, hi) = match delivery {
        Delivery::Remote if profile.capacity.1 > 100 => profile.capacity,
        Delivery::Remote => (30, 200),
        Delivery::LiveOnline => (20, 60),
        Delivery::VrMetaverse | Delivery::DigitalTwin => (15, 24),
        _ => profile.capacity,
    };
    (0..count)
        .map(|i| {
            let offset = i * segment + rng.range(0, segment - 7);
            let first = weekday_on_or_after(start.checked_add_days(Days::new(u64::from(offset))).unwrap_or(start));
            let last = add_weekdays(first, days - 1);
            let mut capacity = rng.range(lo, hi);
            if lo >= 30 {
                capacity = (capacity / 5 * 5).max(lo);
            }
            let seats_left = if offset < 45 {
                rng.range(0, capacity / 2)
            } else {
                rng.range(capacity / 3, capacity)
            };
            Cohort {
                start_date: first,
                end_date: last,
                capacity,
                seats_left,
                application: None,
                waiting_list: false,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{CourseInput, InstitutionInput, ValidationContext};
    use aiup_core::defaults::{policy_sources, region_files};
    use aiup_core::policy::PolicySet;
    use std::collections::{BTreeMap, HashMap};

    fn fixtures() -> (RegionTable, PolicySet) {
        let regions = RegionTable::load(region_files()).unwrap();
        let policy = PolicySet::load(&policy_sources()).unwrap();
        (regions, policy)
    }

    fn options(courses: usize, seed: u64) -> GenerateOptions {
        GenerateOptions {
            courses,
            seed,
            start: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
        }
    }

    #[test]
    fn every_record_survives_validation_unchanged() {
        let (regions, policy) = fixtures();
        let ids: BTreeSet<String> = policy.programmes.iter().map(|p| p.id.to_string()).collect();
        let ctx = ValidationContext {
            programmes: &ids,
            regions: &regions,
        };
        for seed in [1, 2, 2026, u64::MAX] {
            let batch = generate(&options(3_000, seed), &regions, &policy.programmes);
            assert_eq!(batch.courses.len(), 3_000);
            let mut institution_ids = HashSet::new();
            for institution in &batch.institutions {
                let back = InstitutionInput::from(institution)
                    .validate(ctx)
                    .unwrap_or_else(|e| panic!("{e:?}"));
                assert_eq!(&back, institution);
                assert!(
                    institution_ids.insert(institution.id.clone()),
                    "{} twice",
                    institution.id
                );
            }
            let mut course_ids = HashSet::new();
            for course in &batch.courses {
                let back = CourseInput::from(course)
                    .validate(ctx)
                    .unwrap_or_else(|e| panic!("{}: {e:?}", course.id));
                assert_eq!(&back, course);
                assert!(course_ids.insert(course.id.clone()));
                assert!(institution_ids.contains(&course.institution));
            }
        }
    }

    #[test]
    fn page_fields_are_filled_consistently_and_round_trip() {
        use crate::status::CohortStatus;
        use crate::TimeOfDay;
        let (regions, policy) = fixtures();
        let opts = options(1_500, 11);
        let batch = generate(&opts, &regions, &policy.programmes);
        for institution in &batch.institutions {
            let contact = &institution.contact;
            let place = &regions.get(institution.region).unwrap().full_name;
            assert!(contact.address.as_ref().unwrap().starts_with(place.as_str()));
            assert!(contact.website.as_ref().unwrap().as_str().ends_with(".example/"));
            assert!(contact.email.as_ref().unwrap().as_str().ends_with(".example"));
            // The exchange starts with 0: never assigned, so never someone's real number.
            assert!(contact
                .phone
                .as_ref()
                .unwrap()
                .as_str()
                .split('-')
                .nth(1)
                .unwrap()
                .starts_with('0'));
        }
        let mut statuses = HashSet::new();
        let mut times = HashSet::new();
        for course in &batch.courses {
            let sum: u32 = course.details.syllabus.iter().map(|u| u.hours.tenths()).sum();
            assert_eq!(sum, course.total_hours.tenths(), "{}", course.id);
            for unit in &course.details.syllabus {
                assert_eq!(unit.ncs_unit.as_ref().unwrap().classification(), course.ncs);
            }
            assert!(!course.details.entry_requirements.is_empty());
            times.extend(course.details.time_of_day());
            statuses.extend(course.cohorts.iter().map(|c| c.status(opts.start)));
        }
        for status in [
            CohortStatus::Full,
            CohortStatus::WaitingList,
            CohortStatus::ClosingSoon,
            CohortStatus::Open,
        ] {
            assert!(statuses.contains(&status), "no {status:?} cohort");
        }
        assert_eq!(times.len(), TimeOfDay::ALL.len(), "{times:?}");
        assert!(batch.courses.iter().any(|c| c.details.quality.employment.is_some()));
        assert!(batch.courses.iter().any(|c| c.details.quality.is_empty()));

        let ids: BTreeSet<String> = policy.programmes.iter().map(|p| p.id.to_string()).collect();
        let known = BTreeSet::new();
        for format in [crate::Format::Csv, crate::Format::Json] {
            let text = crate::export(format, &batch);
            let options = crate::ImportOptions {
                ctx: ValidationContext {
                    programmes: &ids,
                    regions: &regions,
                },
                known_institutions: &known,
                progress: None,
            };
            let mut back = crate::parse(format, &text, options).unwrap_or_else(|e| panic!("{format}: {e}"));
            back.institutions.sort_by(|a, b| a.id.cmp(&b.id));
            back.courses.sort_by(|a, b| a.id.cmp(&b.id));
            let mut expected = batch.clone();
            expected.institutions.sort_by(|a, b| a.id.cmp(&b.id));
            expected.courses.sort_by(|a, b| a.id.cmp(&b.id));
            assert!(back == expected, "{format} round trip differs");
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_batch() {
        let (regions, policy) = fixtures();
        let a = generate(&options(2_000, 42), &regions, &policy.programmes);
        let b = generate(&options(2_000, 42), &regions, &policy.programmes);
        assert_eq!(a, b);
        let c = generate(&options(2_000, 43), &regions, &policy.programmes);
        assert_ne!(a.courses, c.courses);
        assert_eq!(a.courses[0].id.as_str(), "AIG-2026-000001");
        assert_eq!(a.courses.len(), 2_000);
        // Pinned: if this fails, every catalogue generated from a seed has changed. Update the
        // value only on purpose (a new family, new phrases), and say so in the change log.
        let json = serde_json::to_string(&generate(&options(300, 42), &regions, &policy.programmes)).unwrap();
        let fnv = json.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        // Changed on purpose when the course-page fields (contacts, syllabi, timetables, quality,
        // application periods, waiting lists, full cohorts) were added.
        assert_eq!(fnv, 2_234_885_941_404_458_840, "fingerprint of seed 42");
    }

    #[test]
    fn proportions_follow_the_plan() {
        let (regions, policy) = fixtures();
        let (batch, families) = generate_with_families(&options(20_000, 7), None, &regions, &policy.programmes);
        let n = batch.courses.len() as f64;
        let capital = batch
            .courses
            .iter()
            .filter(|c| regions.get(c.region).unwrap().capital_area)
            .count() as f64;
        let share = capital / n;
        assert!((0.65..=0.71).contains(&share), "capital share {share}");
        let declining = batch
            .courses
            .iter()
            .filter(|c| regions.get(c.region).unwrap().population_declining)
            .count();
        assert!(declining > 100, "{declining} courses in population-declining areas");

        let distinct: BTreeSet<&str> = families.iter().copied().collect();
        assert!(distinct.len() >= 15, "{distinct:?}");
        let non_ai = batch.courses.iter().filter(|c| c.ai_step.is_none()).count() as f64 / n;
        assert!((0.05..0.25).contains(&non_ai), "non-AI share {non_ai}");

        let mut by_programme: BTreeMap<&str, usize> = BTreeMap::new();
        for course in &batch.courses {
            for p in &course.programmes {
                assert!(policy.programme(p.as_str()).is_some(), "{p}");
                assert!(
                    policy.programme(p.as_str()).unwrap().is_trainee_facing()
                        || p.as_str() == "ai-instructor-academy"
                        || p.as_str() == "digital-twin-training"
                        || p.as_str() == "physical-ai-labs"
                );
            }
            *by_programme.entry(course.programmes[0].as_str()).or_default() += 1;
        }
        for never in ["startup-hiring-grant", "sme-diagnosis", "ai-course-review"] {
            assert!(!by_programme.contains_key(never));
        }
        // The card programme is the largest (56,000 people at ~45 a course).
        let card = by_programme["card-ai-general"] as f64 / n;
        assert!((0.17..0.25).contains(&card), "card share {card}");

        let per_institution = n / batch.institutions.len() as f64;
        assert!(
            (14.0..24.0).contains(&per_institution),
            "{per_institution} courses per institution"
        );
        let kinds: HashMap<InstitutionKind, usize> = batch.institutions.iter().fold(HashMap::new(), |mut m, i| {
            *m.entry(i.kind).or_default() += 1;
            m
        });
        assert_eq!(kinds.len(), InstitutionKind::ALL.len(), "{kinds:?}");
        assert!(kinds[&InstitutionKind::JointTrainingCentre] <= 20);
        assert!(kinds[&InstitutionKind::Private] > kinds.values().sum::<usize>() / 2);
    }

    #[test]
    fn an_active_month_puts_every_cohort_in_training_during_it() {
        let (regions, policy) = fixtures();
        let opts = options(2_000, 42);
        let month = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let next = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        let plain = generate(&opts, &regions, &policy.programmes);
        let active = generate_active(&opts, month, &regions, &policy.programmes);
        assert_eq!(plain.courses.len(), active.courses.len());
        assert_eq!(plain.institutions, active.institutions);
        let weekdays = |c: &Cohort| {
            let mut n = 1;
            let mut d = c.start_date;
            while d < c.end_date {
                d = add_weekdays(d, 1);
                n += 1;
            }
            n
        };
        let (mut spanning, mut within) = (0, 0);
        for (p, a) in plain.courses.iter().zip(&active.courses) {
            assert_eq!((&p.id, &p.title, p.total_hours), (&a.id, &a.title, a.total_hours));
            assert_eq!(p.cohorts.len(), a.cohorts.len());
            for (pc, ac) in p.cohorts.iter().zip(&a.cohorts) {
                assert_eq!((pc.capacity, weekdays(pc)), (ac.capacity, weekdays(ac)), "{}", a.id);
                assert!(!matches!(ac.start_date.weekday(), Weekday::Sat | Weekday::Sun));
                // In training on some day of June.
                assert!(ac.start_date < next && ac.end_date >= month, "{}: {ac:?}", a.id);
                if ac.start_date < month && ac.end_date >= next {
                    spanning += 1;
                } else {
                    assert!(ac.start_date >= month && ac.end_date <= next, "{}: {ac:?}", a.id);
                    within += 1;
                }
            }
        }
        // Long courses (KDT, long card courses) span the month; short ones fit inside it.
        assert!(spanning > 0 && within > 0, "{spanning} spanning, {within} within");
        assert_eq!(active, generate_active(&opts, month, &regions, &policy.programmes));
    }

    #[test]
    fn fields_follow_the_programme_rules() {
        let (regions, policy) = fixtures();
        let opts = options(10_000, 11);
        let batch = generate(&opts, &regions, &policy.programmes);
        let horizon = opts.start + Days::new(366);
        for c in &batch.courses {
            let programme = policy.programme(c.programmes[0].as_str()).unwrap();
            let hours = c.total_hours.whole();
            match programme.id.as_str() {
                "kdt-ai-campus" | "kdt-general" => {
                    assert!((600..=1_000).contains(&hours), "{}: {hours}", c.id);
                    assert_eq!(c.hours_per_day.whole(), 8);
                }
                "card-ai-general" => assert!((20..=400).contains(&hours), "{}: {hours}", c.id),
                "sme-ai-online" => {
                    assert!((8..=40).contains(&hours));
                    assert_eq!(c.delivery, Delivery::Remote);
                }
                _ => {}
            }
            let free = matches!(programme.tuition_scheme, TuitionScheme::Exempt | TuitionScheme::None);
            if free {
                assert_eq!(c.fee_won, 0, "{}", c.id);
            } else {
                assert!(
                    (FEE_MIN_WON..=FEE_CAP_WON).contains(&c.fee_won),
                    "{}: {}",
                    c.id,
                    c.fee_won
                );
            }
            match c.self_payment_rate_percent {
                Some(rate) => {
                    assert_eq!(programme.tuition_scheme, TuitionScheme::Card);
                    assert!((15..=55).contains(&rate));
                }
                None => assert_ne!(programme.tuition_scheme, TuitionScheme::Card),
            }
            if c.base_unit_price_won_per_hour.is_some() {
                assert!(programme.training_cost_multiplier.is_some());
            }
            assert!(c.hours_per_day <= c.total_hours);
            assert!((3..=8).contains(&c.keywords.len()), "{:?}", c.keywords);
            assert!(c.title.chars().count() <= 200);
            let sentences = c.summary.matches(". ").count() + 1;
            assert!((2..=4).contains(&sentences), "{}", c.summary);
            assert_eq!(c.ai_level.is_some(), c.ai_step.is_some());
            assert_eq!(c.modules.is_empty(), c.ai_step.is_none());
            assert!((1..=4).contains(&c.cohorts.len()));
            let days = c.total_hours.tenths().div_ceil(c.hours_per_day.tenths());
            for k in &c.cohorts {
                assert!(k.start_date >= opts.start && k.start_date < horizon);
                assert!(!matches!(k.start_date.weekday(), Weekday::Sat | Weekday::Sun));
                assert!(k.seats_left <= k.capacity);
                if c.delivery == Delivery::Remote {
                    assert!(k.capacity <= 500);
                } else if c.delivery == Delivery::Classroom {
                    assert!((15..=40).contains(&k.capacity), "{}: {}", c.id, k.capacity);
                }
                // Count the weekdays from start to end inclusive.
                let mut weekdays = 0;
                let mut d = k.start_date;
                while d <= k.end_date {
                    if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
                        weekdays += 1;
                    }
                    d = d.succ_opt().unwrap();
                }
                assert_eq!(weekdays, days, "{}", c.id);
            }
        }
    }

    #[test]
    fn a_partial_policy_uses_only_its_programmes() {
        let (regions, policy) = fixtures();
        let only: Vec<Programme> = policy
            .programmes
            .iter()
            .filter(|p| p.id.as_str() == "card-ai-general")
            .cloned()
            .collect();
        let batch = generate(&options(500, 3), &regions, &only);
        assert_eq!(batch.courses.len(), 500);
        assert!(batch
            .courses
            .iter()
            .all(|c| c.programmes.len() == 1 && c.programmes[0].as_str() == "card-ai-general"));
        assert_eq!(generate(&options(500, 3), &regions, &[]), CatalogueBatch::default());
        let tiny = generate(&options(3, 3), &regions, &policy.programmes);
        assert_eq!(tiny.courses.len(), 3);
        assert!(!tiny.institutions.is_empty());
    }

    #[test]
    fn every_family_and_profile_is_consistent() {
        for profile in PROFILES {
            for (family, _) in profile.families {
                assert!(families::family_index(family).is_some(), "{}: {family}", profile.id);
            }
            assert!(profile.hours.0 <= profile.hours.1);
        }
        for family in FAMILIES {
            assert!(!family.ncs.is_empty() && !family.titles.is_empty() && !family.intros.is_empty());
            for code in family.ncs {
                NcsCode::parse(code).unwrap();
            }
            assert!(family.keywords.len() >= 8, "{}", family.id);
            assert!(family.keywords.iter().all(|k| k.chars().count() <= 50));
        }
        assert!(FAMILIES.len() >= 20);
        // The NCS major matches the topic: 20 정보통신 for AI and software, 08 for design and
        // video, 15 기계 for machining, 02 for office work and accounting, 13 for baking.
        let majors = [
            ("genai_service", "20"),
            ("data_analysis", "20"),
            ("ml_engineering", "20"),
            ("llm_rag", "20"),
            ("nlp", "20"),
            ("mlops_cloud", "20"),
            ("security_ops", "20"),
            ("ai_ethics", "20"),
            ("software_dev", "20"),
            ("ai_design_video", "08"),
            ("machining", "15"),
            ("office_automation", "02"),
            ("accounting", "02"),
            ("baking", "13"),
            ("healthcare_ai", "06"),
            ("finance_ai", "03"),
            ("instructor_ai", "04"),
            ("welding", "16"),
            ("electrical", "19"),
        ];
        for (id, major) in majors {
            let family = &FAMILIES[families::family_index(id).unwrap()];
            assert!(family.ncs.iter().all(|c| c.starts_with(major)), "{id}");
        }
    }
}
