//! The population comparison equals the one-by-one reference, figure for figure.

use std::sync::{Arc, OnceLock};

use aiup_core::bundle::Bundle;
use aiup_core::policy::Override;
use proptest::prelude::*;

use super::*;
use crate::reform::Reform;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let loaded = Bundle::embedded().load().expect("embedded bundle");
        Engine::new(Arc::new(loaded.policy), Arc::new(loaded.regions)).expect("engine")
    })
}

/// A reform touching the allowance (the base rates, a dated raise), the threshold and tuition.
fn reformed() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let o = |param: &str, from: Option<NaiveDate>, value: serde_json::Value| Override {
            param: param.to_owned(),
            from,
            value,
        };
        let reform = Reform {
            name: "test-reform".into(),
            overrides: vec![
                o("allowance.base.general.daily_won", None, serde_json::json!(7000)),
                o(
                    "allowance.base.priority.daily_won",
                    NaiveDate::from_ymd_opt(2026, 3, 1),
                    serde_json::json!(12000),
                ),
                o("allowance.attendance_threshold", None, serde_json::json!("90%")),
                o("allowance.special.min_hours_per_day", None, serde_json::json!(6)),
            ],
        };
        engine().reformed(&reform).expect("reform")
    })
}

const EDGES: [i64; 3] = [10_000, 50_000, 200_000];

const PROGRAMMES: &[&str] = &[
    "card-ai-general",
    "sandaetuk-entry",
    "kdt-ai-campus",
    "kdt-general",
    "ai-assistant-job",
    "polytech-ai-basics",
    "no-such-programme",
];
const DELIVERIES: &[&str] = &["classroom", "remote", "blended", "live_online"];
const STATUSES: &[&str] = &["job_seeker", "employed", "self_employed"];

#[allow(clippy::too_many_arguments)] // a test's generator: one argument per drawn value
fn inputs(
    programme: &str,
    region: usize,
    start_offset: u32,
    months: u32,
    per_day: u32,
    delivery: &str,
    status: &str,
    fee: i64,
) -> CaseInputs {
    let regions = engine().regions().regions();
    let region = &regions[region % regions.len()];
    let start = NaiveDate::from_ymd_opt(2025, 9, 1).expect("date") + chrono::Days::new(u64::from(start_offset));
    let end = start.checked_add_months(chrono::Months::new(months)).expect("date") - chrono::Days::new(1);
    CaseInputs {
        programme: programme.to_owned(),
        region: region.code.to_string(),
        province: region.sido_code.clone(),
        start,
        end,
        total_hours_tenths: per_day * 10 * 20 * months,
        hours_per_day_tenths: per_day * 10,
        delivery: delivery.to_owned(),
        fee_won: Some(fee),
        unit_price_won: None,
        ai_course: start_offset.is_multiple_of(2),
        self_payment_rate_bp: None,
        provision: "outsourced".to_owned(),
        status: status.to_owned(),
        employer_size: (status == "employed").then(|| "priority_support".to_owned()),
        exempt_group: start_offset.is_multiple_of(3),
        vulnerable_group: false,
        sandaetuk_repeat: start_offset.is_multiple_of(5),
    }
}

fn period(scheduled: u16, recognised_pct: u16, meal: u16, long_days: bool) -> CountedPeriod {
    let recognised = scheduled * recognised_pct / 100;
    CountedPeriod {
        scheduled_days: scheduled,
        recognised_days: recognised,
        special_days: if long_days { recognised } else { 0 },
        meal_days: meal.min(recognised),
    }
}

#[test]
fn periods_pack_and_unpack_whole() {
    let periods = vec![
        period(21, 90, 3, true),
        period(0, 0, 0, false),
        CountedPeriod {
            scheduled_days: u16::MAX,
            recognised_days: 300,
            special_days: 2,
            meal_days: 7,
        },
    ];
    let packed = pack_periods(&periods);
    assert_eq!(packed.len(), 3 * PACKED_PERIOD_BYTES);
    assert_eq!(unpack_periods(&packed), Some(periods));
    assert_eq!(unpack_periods(&packed[..5]), None);
}

#[test]
fn a_small_population_matches_the_reference_and_its_groups_add_up() {
    let mut pop = ReformPopulation::new();
    let shared = inputs("kdt-ai-campus", 10, 0, 6, 8, "classroom", "job_seeker", 5_000_000);
    for pct in [100, 85, 70, 50] {
        pop.push(shared.clone(), &[period(20, pct, 2, true), period(21, pct, 0, true)]);
    }
    pop.push(
        inputs("card-ai-general", 120, 4, 3, 4, "remote", "employed", 900_000),
        &[period(20, 95, 0, false)],
    );
    pop.push(
        inputs("sandaetuk-entry", 200, 31, 2, 6, "blended", "job_seeker", 1_200_000),
        &[period(19, 80, 5, true)],
    );
    pop.push(
        inputs("no-such-programme", 3, 1, 2, 6, "classroom", "job_seeker", 100),
        &[period(19, 100, 0, true)],
    );
    assert_eq!((pop.len(), pop.distinct_cases(), pop.period_count()), (7, 4, 11));
    let fast = compare_population(engine(), reformed(), &pop, &EDGES, 2);
    let slow = compare_one_by_one(engine(), reformed(), &pop, &EDGES);
    assert_eq!(fast, slow);
    // The reform pays more on the general base and less where the threshold now bites.
    assert_ne!(fast.total.difference, Totals::default());
    assert_eq!((fast.unpriced_baseline, fast.unpriced_reform), (1, 1));
    for groups in [&fast.by_programme, &fast.by_tier, &fast.by_province] {
        let mut sum = GroupTotals::default();
        for g in groups.values() {
            sum.merge(g);
        }
        assert_eq!(sum, fast.total);
    }
    let g = &fast.gains;
    assert_eq!(g.gainers + g.losers + g.unchanged, 7);
    assert_eq!(g.bands.iter().map(|b| b.people).sum::<u64>(), 7);
    assert_eq!(g.bands.len(), 2 * EDGES.len() + 3);
    assert_eq!(
        g.bands.iter().map(|b| b.difference_won).sum::<i64>(),
        fast.total.difference.allowance_won - fast.total.difference.self_payment_won
    );
    // The same engine on both sides changes nothing.
    let same = compare_population(engine(), engine(), &pop, &EDGES, 1);
    assert_eq!(same.total.difference, Totals::default());
    assert_eq!(same.gains.unchanged, 7);
}

#[test]
fn gain_bands_are_contiguous_and_symmetric() {
    let g = GainsAndLosses::new(&EDGES);
    assert_eq!(g.bands.first().map(|b| b.from_won), Some(None));
    assert_eq!(g.bands.last().map(|b| b.to_won), Some(None));
    for pair in g.bands.windows(2) {
        assert_eq!(pair[0].to_won, pair[1].from_won);
    }
    let zero = g
        .bands
        .iter()
        .position(|b| b.from_won == Some(0))
        .expect("the unchanged band");
    assert_eq!(g.bands[zero].to_won, Some(1));
    assert_eq!(zero, EDGES.len() + 1);
}

fn member() -> impl Strategy<Value = (CaseInputs, Vec<CountedPeriod>)> {
    (
        (
            prop::sample::select(PROGRAMMES),
            0usize..300,
            0u32..400,
            1u32..7,
            2u32..10,
            prop::sample::select(DELIVERIES),
            prop::sample::select(STATUSES),
            0i64..12_000_000,
        ),
        prop::collection::vec((0u16..24, 0u16..=100, 0u16..6, any::<bool>()), 0..7),
    )
        .prop_map(
            |((p, region, offset, months, per_day, delivery, status, fee), periods)| {
                (
                    inputs(p, region, offset, months, per_day, delivery, status, fee),
                    periods
                        .into_iter()
                        .map(|(s, pct, meal, long)| period(s, pct, meal, long))
                        .collect(),
                )
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn every_figure_equals_the_one_by_one_run(
        members in prop::collection::vec(member(), 1..40),
        // Repeats make cases shared between enrolments, as in a real cohort.
        repeat in 1usize..4,
        threads in 1usize..4,
    ) {
        let mut pop = ReformPopulation::new();
        for (inputs, periods) in &members {
            for _ in 0..repeat {
                pop.push(inputs.clone(), periods);
            }
        }
        let fast = compare_population(engine(), reformed(), &pop, &EDGES, threads);
        let slow = compare_one_by_one(engine(), reformed(), &pop, &EDGES);
        prop_assert_eq!(&fast, &slow);
        prop_assert_eq!(fast.enrolments, (members.len() * repeat) as u64);
        let mut sum = GroupTotals::default();
        for g in fast.by_province.values() {
            sum.merge(g);
        }
        prop_assert_eq!(sum, fast.total);
    }
}
