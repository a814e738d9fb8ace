//! A reform simulated on a whole population: every enrolment's counted unit periods run through
//! two engines (the baseline and the reform), totals compared overall, by programme, region tier
//! and province, and who gains or loses how much.
//!
//! The population is policy-independent: each enrolment holds its case *inputs* (programme id,
//! region code, course facts, trainee situation: what a `CaseJson` says) and its unit periods'
//! counts (scheduled, recognised, special and meal days). Each engine compiles every distinct
//! case input once (`parse_case`, `enrolment`, `evaluate` for the tuition shares), then prices
//! the periods on the payroll's fast path (`period_parts`), on `threads` threads. Whether a
//! period meets the attendance threshold is decided by each engine's own counting rules, so a
//! reform of the threshold is felt; the other counting rules (tardies, excuses) are as counted
//! when the population was read.
//!
//! [`compare_one_by_one`] is the reference: each enrolment's case parsed alone, evaluated with
//! `Engine::evaluate` and each period priced with `Engine::period_pay`, without any cache, one
//! after another. Tests hold the two equal, figure for figure.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::case::{CaseJson, CourseJson, Tenths, TraineeJson};
use crate::counting::PeriodCount;
use crate::engine::{Engine, EnrolmentFacts, Totals};
use crate::payroll::PeriodAttendance;
use crate::Case;

/// What one enrolment's case is made of, independent of any policy version.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CaseInputs {
    pub programme: String,
    /// 시군구 code of the training place (the institution).
    pub region: String,
    /// 시도 code of the region, for the breakdown by province.
    pub province: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub total_hours_tenths: u32,
    pub hours_per_day_tenths: u32,
    pub delivery: String,
    pub fee_won: Option<i64>,
    pub unit_price_won: Option<i64>,
    pub ai_course: bool,
    /// The course's card self-payment rate, in basis points.
    pub self_payment_rate_bp: Option<u32>,
    pub provision: String,
    pub status: String,
    pub employer_size: Option<String>,
    pub exempt_group: bool,
    pub vulnerable_group: bool,
    pub sandaetuk_repeat: bool,
}

fn hours_number(tenths: u32) -> serde_json::Number {
    Tenths(tenths)
        .to_string()
        .parse()
        .unwrap_or_else(|_| serde_json::Number::from(0))
}

impl CaseInputs {
    /// The inputs of a parsed case (its programme and region named, not indexed).
    pub fn of_case(engine: &Engine, case: &Case, province: &str) -> Option<CaseInputs> {
        let programme = engine.policy().programmes.get(usize::from(case.programme))?;
        let region = engine.regions().regions().get(usize::from(case.region))?;
        Some(CaseInputs {
            programme: programme.id.to_string(),
            region: region.code.to_string(),
            province: province.to_owned(),
            start: case.start,
            end: case.end,
            total_hours_tenths: case.total_hours.0,
            hours_per_day_tenths: case.hours_per_day.0,
            delivery: case.delivery.as_str().to_owned(),
            fee_won: case.fee.map(|w| w.0),
            unit_price_won: case.unit_price.map(|w| w.0),
            ai_course: case.ai_course,
            self_payment_rate_bp: case.self_payment_rate.map(|r| r.0),
            provision: case.provision.as_str().to_owned(),
            status: case.status.as_str().to_owned(),
            employer_size: case.employer_size.map(|s| s.as_str().to_owned()),
            exempt_group: case.exempt_group,
            vulnerable_group: case.vulnerable_group,
            sandaetuk_repeat: case.sandaetuk_repeat,
        })
    }

    /// The case as the API and the CLI would send it, for any engine to parse.
    pub fn case_json(&self) -> CaseJson {
        let percent = self.self_payment_rate_bp.and_then(|bp| {
            let text = if bp % 100 == 0 {
                (bp / 100).to_string()
            } else {
                format!("{}.{:02}", bp / 100, bp % 100)
            };
            text.parse().ok()
        });
        CaseJson {
            programme: self.programme.clone(),
            course: CourseJson {
                region: self.region.clone(),
                start_date: self.start.to_string(),
                end_date: self.end.to_string(),
                total_hours: hours_number(self.total_hours_tenths),
                hours_per_day: hours_number(self.hours_per_day_tenths),
                delivery: self.delivery.clone(),
                fee_won: self.fee_won,
                base_unit_price_won_per_hour: self.unit_price_won,
                ai_course: Some(self.ai_course),
                self_payment_rate_percent: percent,
                provision: Some(self.provision.clone()),
            },
            trainee: TraineeJson {
                status: self.status.clone(),
                employer_size: self.employer_size.clone(),
                exempt_group: self.exempt_group,
                vulnerable_group: self.vulnerable_group,
                card_balance_won: None,
                prior_sandaetuk_participations: self.sandaetuk_repeat.then_some(1),
            },
            period: 1,
            attendance: None,
        }
    }
}

/// One unit period as counted: what the allowance reads of it, whatever the policy (8 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CountedPeriod {
    pub scheduled_days: u16,
    pub recognised_days: u16,
    pub special_days: u16,
    pub meal_days: u16,
}

/// Bytes a packed period takes ([`pack_periods`]).
pub const PACKED_PERIOD_BYTES: usize = 8;

impl CountedPeriod {
    pub fn of_count(c: &PeriodCount) -> CountedPeriod {
        let small = |n: u32| u16::try_from(n).unwrap_or(u16::MAX);
        CountedPeriod {
            scheduled_days: small(c.scheduled_days),
            recognised_days: small(c.recognised_days),
            special_days: small(c.special_days),
            meal_days: small(c.meal_days),
        }
    }

    /// The period as `engine` pays it: the threshold by the engine's counting rules in force on
    /// the course start.
    fn attendance(self, engine: &Engine, start: NaiveDate) -> PeriodAttendance {
        let threshold = engine.count_rules(start).threshold_days(u32::from(self.scheduled_days));
        PeriodAttendance {
            scheduled_days: self.scheduled_days,
            recognised_days: self.recognised_days,
            special_days: self.special_days,
            meal_days: self.meal_days,
            threshold_met: self.scheduled_days > 0 && u32::from(self.recognised_days) >= threshold,
        }
    }
}

/// Periods packed for storage: four little-endian `u16` each.
pub fn pack_periods(periods: &[CountedPeriod]) -> Vec<u8> {
    let mut out = Vec::with_capacity(periods.len() * PACKED_PERIOD_BYTES);
    for p in periods {
        for n in [p.scheduled_days, p.recognised_days, p.special_days, p.meal_days] {
            out.extend_from_slice(&n.to_le_bytes());
        }
    }
    out
}

/// The periods of [`pack_periods`]; `None` when the length is not a whole number of periods.
pub fn unpack_periods(bytes: &[u8]) -> Option<Vec<CountedPeriod>> {
    if !bytes.len().is_multiple_of(PACKED_PERIOD_BYTES) {
        return None;
    }
    Some(
        bytes
            .chunks_exact(PACKED_PERIOD_BYTES)
            .map(|b| {
                let n = |i: usize| u16::from_le_bytes([b[i], b[i + 1]]);
                CountedPeriod {
                    scheduled_days: n(0),
                    recognised_days: n(2),
                    special_days: n(4),
                    meal_days: n(6),
                }
            })
            .collect(),
    )
}

/// One enrolment of a population: which distinct case inputs, which periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Member {
    case: u32,
    first_period: u32,
    periods: u32,
}

/// The enrolments a reform is simulated on, their distinct case inputs kept once.
#[derive(Debug, Clone, Default)]
pub struct ReformPopulation {
    cases: Vec<CaseInputs>,
    index: HashMap<CaseInputs, u32>,
    members: Vec<Member>,
    periods: Vec<CountedPeriod>,
}

impl ReformPopulation {
    pub fn new() -> ReformPopulation {
        ReformPopulation::default()
    }

    /// Adds an enrolment.
    pub fn push(&mut self, inputs: CaseInputs, periods: &[CountedPeriod]) {
        let next = u32::try_from(self.cases.len()).unwrap_or(u32::MAX);
        let case = match self.index.get(&inputs) {
            Some(&i) => i,
            None => {
                self.index.insert(inputs.clone(), next);
                self.cases.push(inputs);
                next
            }
        };
        self.members.push(Member {
            case,
            first_period: u32::try_from(self.periods.len()).unwrap_or(u32::MAX),
            periods: u32::try_from(periods.len()).unwrap_or(u32::MAX),
        });
        self.periods.extend_from_slice(periods);
    }

    /// How many enrolments.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// How many distinct case inputs.
    pub fn distinct_cases(&self) -> usize {
        self.cases.len()
    }

    /// How many unit periods in all.
    pub fn period_count(&self) -> usize {
        self.periods.len()
    }

    /// Every enrolment's inputs and periods, in the order pushed.
    pub fn enrolments(&self) -> impl Iterator<Item = (&CaseInputs, &[CountedPeriod])> {
        self.members.iter().map(|m| {
            let from = m.first_period as usize;
            (
                &self.cases[m.case as usize],
                &self.periods[from..from + m.periods as usize],
            )
        })
    }
}

/// Totals of a group under both engines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct GroupTotals {
    /// Enrolments in the group.
    pub people: u64,
    pub baseline: Totals,
    pub reform: Totals,
    pub difference: Totals,
}

impl GroupTotals {
    fn add(&mut self, baseline: &Totals, reform: &Totals) {
        self.people += 1;
        self.baseline.add(baseline);
        self.reform.add(reform);
        self.difference = self.reform.difference(&self.baseline);
    }

    fn merge(&mut self, other: &GroupTotals) {
        self.people += other.people;
        self.baseline.add(&other.baseline);
        self.reform.add(&other.reform);
        self.difference = self.reform.difference(&self.baseline);
    }
}

/// A band of per-trainee differences: `from_won ≤ difference < to_won` (open where `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GainBand {
    pub from_won: Option<i64>,
    pub to_won: Option<i64>,
    pub people: u64,
    /// The band's differences added up.
    pub difference_won: i64,
}

/// Who gains and who loses: a trainee's difference is what the reform changes in what they
/// receive (the allowance) less what they pay (the self-payment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GainsAndLosses {
    pub gainers: u64,
    pub losers: u64,
    pub unchanged: u64,
    /// The largest gain (≥ 0) and the largest loss (≤ 0).
    pub largest_gain_won: i64,
    pub largest_loss_won: i64,
    /// Ascending; losses, then exactly 0, then gains.
    pub bands: Vec<GainBand>,
}

impl GainsAndLosses {
    /// Bands symmetric about zero from positive `edges` (ascending, e.g. 10,000 and 100,000):
    /// losses of 100,000 or more, 10,000 to 100,000, 1 to 10,000, no change, then the gains.
    fn new(edges: &[i64]) -> GainsAndLosses {
        let mut edges: Vec<i64> = edges.iter().copied().filter(|e| *e > 1).collect();
        edges.sort_unstable();
        edges.dedup();
        let mut bounds: Vec<(Option<i64>, Option<i64>)> = Vec::new();
        // Losses, most negative first: (-∞, -eₙ+1), …, (-e₁+1, 0).
        let mut upper = Some(0);
        let mut losses = Vec::new();
        for e in &edges {
            losses.push((Some(-e + 1), upper));
            upper = Some(-e + 1);
        }
        losses.push((None, upper));
        losses.reverse();
        bounds.extend(losses);
        bounds.push((Some(0), Some(1)));
        let mut lower = Some(1);
        for e in &edges {
            bounds.push((lower, Some(*e)));
            lower = Some(*e);
        }
        bounds.push((lower, None));
        GainsAndLosses {
            gainers: 0,
            losers: 0,
            unchanged: 0,
            largest_gain_won: 0,
            largest_loss_won: 0,
            bands: bounds
                .into_iter()
                .map(|(from_won, to_won)| GainBand {
                    from_won,
                    to_won,
                    people: 0,
                    difference_won: 0,
                })
                .collect(),
        }
    }

    fn add(&mut self, difference: i64) {
        match difference.signum() {
            1 => self.gainers += 1,
            -1 => self.losers += 1,
            _ => self.unchanged += 1,
        }
        self.largest_gain_won = self.largest_gain_won.max(difference);
        self.largest_loss_won = self.largest_loss_won.min(difference);
        let band = self
            .bands
            .iter_mut()
            .find(|b| b.from_won.is_none_or(|f| f <= difference) && b.to_won.is_none_or(|t| difference < t));
        if let Some(band) = band {
            band.people += 1;
            band.difference_won += difference;
        }
    }

    fn merge(&mut self, other: &GainsAndLosses) {
        self.gainers += other.gainers;
        self.losers += other.losers;
        self.unchanged += other.unchanged;
        self.largest_gain_won = self.largest_gain_won.max(other.largest_gain_won);
        self.largest_loss_won = self.largest_loss_won.min(other.largest_loss_won);
        for (mine, theirs) in self.bands.iter_mut().zip(&other.bands) {
            mine.people += theirs.people;
            mine.difference_won += theirs.difference_won;
        }
    }
}

/// A population compared under two engines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PopulationComparison {
    pub baseline_version: String,
    pub reform_version: String,
    pub enrolments: u64,
    pub periods: u64,
    /// Enrolments whose case an engine refuses (a programme or region it does not know, a
    /// course it does not accept): they count zero under that engine.
    pub unpriced_baseline: u64,
    pub unpriced_reform: u64,
    pub total: GroupTotals,
    /// By programme id.
    pub by_programme: BTreeMap<String, GroupTotals>,
    /// By region tier as the baseline places the training place (`unpriced` when it cannot).
    pub by_tier: BTreeMap<String, GroupTotals>,
    /// By 시도 code.
    pub by_province: BTreeMap<String, GroupTotals>,
    pub gains: GainsAndLosses,
}

/// The label of an enrolment the baseline could not place in a tier.
pub const UNPRICED_TIER: &str = "unpriced";

/// A trainee's difference: what they receive less what they pay.
fn trainee_net(t: &Totals) -> i64 {
    t.allowance_won - t.self_payment_won
}

/// One distinct case compiled by one engine: its facts, the tuition half of its totals and tier.
#[derive(Debug, Clone, Copy)]
struct Compiled {
    facts: EnrolmentFacts,
    start: NaiveDate,
    tuition: Totals,
    tier: &'static str,
}

fn compile_all(engine: &Engine, cases: &[CaseInputs], threads: usize) -> Vec<Option<Compiled>> {
    let chunk = cases.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = cases
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(|c| compile(engine, c)).collect::<Vec<_>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    })
}

fn compile(engine: &Engine, inputs: &CaseInputs) -> Option<Compiled> {
    let case = engine.parse_case(&inputs.case_json()).ok()?;
    let outcome = engine.evaluate(&case);
    Some(Compiled {
        facts: engine.enrolment(&case),
        start: case.start,
        tuition: tuition_half(&outcome.totals),
        tier: outcome.tier.as_str(),
    })
}

/// The totals that belong to the course (tuition), not to a period (the allowance).
fn tuition_half(t: &Totals) -> Totals {
    Totals {
        allowance_won: 0,
        base_allowance_won: 0,
        special_allowance_won: 0,
        ..*t
    }
}

/// An enrolment's totals under one compiled case: its tuition once, its periods' allowance.
fn enrolment_totals(engine: &Engine, compiled: &Option<Compiled>, periods: &[CountedPeriod]) -> Totals {
    let Some(c) = compiled else {
        return Totals::default();
    };
    let mut t = c.tuition;
    for p in periods {
        let parts = engine.period_parts(c.facts, p.attendance(engine, c.start));
        t.allowance_won += parts.amount.0;
        t.base_allowance_won += parts.base.amount.0;
        t.special_allowance_won += parts.special.amount.0;
    }
    t
}

/// A partial comparison, grouped by small indices, merged at the end.
struct Partial {
    unpriced: (u64, u64),
    total: GroupTotals,
    programme: Vec<GroupTotals>,
    province: Vec<GroupTotals>,
    tier: BTreeMap<&'static str, GroupTotals>,
    gains: GainsAndLosses,
}

/// Compares `pop` under `baseline` and `reform` on `threads` threads; per-trainee differences
/// are counted in the bands `gain_edges` makes ([`GainsAndLosses`]).
pub fn compare_population(
    baseline: &Engine,
    reform: &Engine,
    pop: &ReformPopulation,
    gain_edges: &[i64],
    threads: usize,
) -> PopulationComparison {
    let threads = threads.clamp(1, 64);
    let base_cases = compile_all(baseline, &pop.cases, threads);
    let reform_cases = compile_all(reform, &pop.cases, threads);
    // Group slots per distinct case: programme and province.
    let mut programmes: Vec<&str> = pop.cases.iter().map(|c| c.programme.as_str()).collect();
    programmes.sort_unstable();
    programmes.dedup();
    let mut provinces: Vec<&str> = pop.cases.iter().map(|c| c.province.as_str()).collect();
    provinces.sort_unstable();
    provinces.dedup();
    let slots: Vec<(usize, usize)> = pop
        .cases
        .iter()
        .map(|c| {
            (
                programmes.binary_search(&c.programme.as_str()).unwrap_or(0),
                provinces.binary_search(&c.province.as_str()).unwrap_or(0),
            )
        })
        .collect();
    let empty = || Partial {
        unpriced: (0, 0),
        total: GroupTotals::default(),
        programme: vec![GroupTotals::default(); programmes.len()],
        province: vec![GroupTotals::default(); provinces.len()],
        tier: BTreeMap::new(),
        gains: GainsAndLosses::new(gain_edges),
    };
    let chunk = pop.members.len().div_ceil(threads).max(1);
    let (base_cases, reform_cases, slots, empty) = (&base_cases, &reform_cases, &slots, &empty);
    let partials: Vec<Partial> = std::thread::scope(|scope| {
        let workers: Vec<_> = pop
            .members
            .chunks(chunk)
            .map(|members| {
                scope.spawn(move || {
                    let mut acc = empty();
                    for m in members {
                        let case = m.case as usize;
                        let from = m.first_period as usize;
                        let periods = &pop.periods[from..from + m.periods as usize];
                        let (b, r) = (&base_cases[case], &reform_cases[case]);
                        acc.unpriced.0 += u64::from(b.is_none());
                        acc.unpriced.1 += u64::from(r.is_none());
                        let bt = enrolment_totals(baseline, b, periods);
                        let rt = enrolment_totals(reform, r, periods);
                        let (programme, province) = slots[case];
                        acc.total.add(&bt, &rt);
                        acc.programme[programme].add(&bt, &rt);
                        acc.province[province].add(&bt, &rt);
                        let tier = b.as_ref().map_or(UNPRICED_TIER, |c| c.tier);
                        acc.tier.entry(tier).or_default().add(&bt, &rt);
                        acc.gains.add(trainee_net(&rt) - trainee_net(&bt));
                    }
                    acc
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    });
    let mut all = empty();
    for p in &partials {
        all.unpriced.0 += p.unpriced.0;
        all.unpriced.1 += p.unpriced.1;
        all.total.merge(&p.total);
        for (mine, theirs) in all.programme.iter_mut().zip(&p.programme) {
            mine.merge(theirs);
        }
        for (mine, theirs) in all.province.iter_mut().zip(&p.province) {
            mine.merge(theirs);
        }
        for (tier, g) in &p.tier {
            all.tier.entry(tier).or_default().merge(g);
        }
        all.gains.merge(&p.gains);
    }
    let named = |names: &[&str], groups: Vec<GroupTotals>| -> BTreeMap<String, GroupTotals> {
        names
            .iter()
            .zip(groups)
            .filter(|(_, g)| g.people > 0)
            .map(|(n, g)| ((*n).to_owned(), g))
            .collect()
    };
    PopulationComparison {
        baseline_version: baseline.policy().version.clone(),
        reform_version: reform.policy().version.clone(),
        enrolments: pop.members.len() as u64,
        periods: pop.periods.len() as u64,
        unpriced_baseline: all.unpriced.0,
        unpriced_reform: all.unpriced.1,
        total: all.total,
        by_programme: named(&programmes, all.programme),
        by_tier: all.tier.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        by_province: named(&provinces, all.province),
        gains: all.gains,
    }
}

/// One enrolment priced alone by `engine`: its case parsed, `evaluate`d for the tuition, and
/// each period priced by `period_pay` (the explained path), without any cache.
fn priced_alone(engine: &Engine, inputs: &CaseInputs, periods: &[CountedPeriod]) -> Option<(Totals, String)> {
    let case = engine.parse_case(&inputs.case_json()).ok()?;
    let outcome = engine.evaluate(&case);
    let mut totals = outcome.totals;
    totals.allowance_won = 0;
    totals.base_allowance_won = 0;
    totals.special_allowance_won = 0;
    let rules = engine.count_rules(case.start);
    for p in periods {
        let scheduled = u32::from(p.scheduled_days);
        let recognised = u32::from(p.recognised_days);
        let threshold_days = rules.threshold_days(scheduled);
        let count = PeriodCount {
            index: 1,
            of: 1,
            start: case.start,
            end: case.end,
            scheduled_days: scheduled,
            elapsed_days: scheduled,
            attended_days: recognised,
            excused_counted: 0,
            excused_over_cap: 0,
            absent_days: 0,
            tardies_in_period: 0,
            tardies_carried_in: 0,
            tardies_carried_out: 0,
            tardy_absences: 0,
            under_half_absences: 0,
            incomplete_days: 0,
            unrecorded_days: 0,
            absences: 0,
            recognised_days: recognised,
            special_days: u32::from(p.special_days),
            meal_days: u32::from(p.meal_days),
            threshold_days,
            threshold_met: scheduled > 0 && recognised >= threshold_days,
            closed: true,
        };
        let pay = engine.period_pay(&case, &count);
        totals.allowance_won += pay.amount.0;
        totals.base_allowance_won += pay.base.0;
        totals.special_allowance_won += pay.special.0;
    }
    Some((totals, outcome.tier.as_str().to_owned()))
}

/// The reference for [`compare_population`]: every enrolment priced alone by both engines, one
/// after another, grouped by name. Slow; for tests and the benchmark's check.
pub fn compare_one_by_one(
    baseline: &Engine,
    reform: &Engine,
    pop: &ReformPopulation,
    gain_edges: &[i64],
) -> PopulationComparison {
    let mut out = PopulationComparison {
        baseline_version: baseline.policy().version.clone(),
        reform_version: reform.policy().version.clone(),
        enrolments: 0,
        periods: 0,
        unpriced_baseline: 0,
        unpriced_reform: 0,
        total: GroupTotals::default(),
        by_programme: BTreeMap::new(),
        by_tier: BTreeMap::new(),
        by_province: BTreeMap::new(),
        gains: GainsAndLosses::new(gain_edges),
    };
    for (inputs, periods) in pop.enrolments() {
        out.enrolments += 1;
        out.periods += periods.len() as u64;
        let b = priced_alone(baseline, inputs, periods);
        let r = priced_alone(reform, inputs, periods);
        out.unpriced_baseline += u64::from(b.is_none());
        out.unpriced_reform += u64::from(r.is_none());
        let tier = b.as_ref().map_or(UNPRICED_TIER.to_owned(), |(_, tier)| tier.clone());
        let bt = b.map(|(t, _)| t).unwrap_or_default();
        let rt = r.map(|(t, _)| t).unwrap_or_default();
        out.total.add(&bt, &rt);
        out.by_programme
            .entry(inputs.programme.clone())
            .or_default()
            .add(&bt, &rt);
        out.by_province
            .entry(inputs.province.clone())
            .or_default()
            .add(&bt, &rt);
        out.by_tier.entry(tier).or_default().add(&bt, &rt);
        out.gains.add(trainee_net(&rt) - trainee_net(&bt));
    }
    out
}

#[cfg(test)]
mod tests;
