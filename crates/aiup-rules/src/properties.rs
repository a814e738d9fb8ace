//! Property tests of the engine's invariants over random valid cases.

use crate::case::{AttendanceJson, CaseJson, CourseJson, TraineeJson};
use crate::Engine;
use aiup_core::bundle::Bundle;
use aiup_core::policy::AllowanceScheme;
use proptest::prelude::*;
use std::sync::{Arc, OnceLock};

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let loaded = Bundle::embedded().load().expect("embedded bundle");
        Engine::new(Arc::new(loaded.policy), Arc::new(loaded.regions)).expect("engine")
    })
}

const PROGRAMMES: &[&str] = &[
    "card-ai-general",
    "ai-assistant-job",
    "sandaetuk-entry",
    "kdt-ai-campus",
    "kdt-general",
    "polytech-ai-basics",
    "sandaetuk-ai-transition",
    "polytech-ax",
    "kdc-ai",
];
const DELIVERIES: &[&str] = &[
    "classroom",
    "remote",
    "blended",
    "live_online",
    "vr_metaverse",
    "digital_twin",
];

#[derive(Debug, Clone)]
struct Input {
    programme: &'static str,
    region: usize,
    start_offset: u32,
    months: u32,
    total_hours: u32,
    hours_per_day: u32,
    delivery: &'static str,
    scheduled: u32,
    attended: u32,
    late: u32,
    early: u32,
    outing: u32,
    under_half: u32,
    fee: i64,
}

fn input() -> impl Strategy<Value = Input> {
    (
        (
            prop::sample::select(PROGRAMMES),
            0usize..264,
            0u32..700,
            1u32..12,
            40u32..1500,
            2u32..10,
            prop::sample::select(DELIVERIES),
        ),
        (
            1u32..24,
            0u32..=100,
            0u32..6,
            0u32..6,
            0u32..6,
            0u32..4,
            0i64..25_000_000,
        ),
    )
        .prop_map(
            |(
                (programme, region, start_offset, months, total_hours, hours_per_day, delivery),
                (scheduled, attended_pct, late, early, outing, under_half, fee),
            )| {
                let attended = scheduled * attended_pct / 100;
                Input {
                    programme,
                    region,
                    start_offset,
                    months,
                    total_hours,
                    hours_per_day,
                    delivery,
                    scheduled,
                    attended,
                    late: late.min(attended),
                    early: early.min(attended),
                    outing,
                    under_half: under_half.min(attended),
                    fee,
                }
            },
        )
}

fn case_json(i: &Input, attended: u32) -> CaseJson {
    let start =
        chrono::NaiveDate::from_ymd_opt(2025, 1, 6).expect("date") + chrono::Days::new(u64::from(i.start_offset));
    let end = start.checked_add_months(chrono::Months::new(i.months)).expect("date") - chrono::Days::new(1);
    let region = engine().regions().regions()[i.region % engine().regions().regions().len()]
        .code
        .to_string();
    CaseJson {
        programme: i.programme.into(),
        course: CourseJson {
            region,
            start_date: start.to_string(),
            end_date: end.to_string(),
            total_hours: i.total_hours.max(i.hours_per_day).into(),
            hours_per_day: i.hours_per_day.into(),
            delivery: i.delivery.into(),
            fee_won: Some(i.fee),
            base_unit_price_won_per_hour: None,
            ai_course: None,
            self_payment_rate_percent: None,
            provision: None,
        },
        trainee: TraineeJson {
            status: "job_seeker".into(),
            employer_size: None,
            exempt_group: false,
            vulnerable_group: false,
            card_balance_won: None,
            prior_sandaetuk_participations: None,
        },
        period: 1,
        attendance: Some(AttendanceJson {
            scheduled_days: i.scheduled,
            attended_days: attended,
            late: i.late.min(attended),
            early_leave: i.early.min(attended),
            outing: i.outing.min(attended * 3),
            under_half_days: i.under_half.min(attended),
        }),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn allowance_stays_within_zero_and_its_caps(i in input()) {
        let engine = engine();
        let case = engine.parse_case(&case_json(&i, i.attended)).expect("valid by construction");
        let o = engine.evaluate(&case);
        prop_assert!(o.totals.allowance_won >= 0);
        prop_assert!(o.base.amount <= o.base.rate.cap);
        if let Some(special) = o.special {
            prop_assert!(special.part.amount <= special.part.rate.cap);
        }
        prop_assert_eq!(o.totals.allowance_won, o.totals.base_allowance_won + o.totals.special_allowance_won);
        prop_assert!(o.totals.self_payment_won >= 0 && o.totals.tuition_support_won >= 0);
        prop_assert!(o.totals.tuition_support_won + o.totals.self_payment_won + o.totals.employer_payment_won <= i.fee.max(0));
    }

    #[test]
    fn nothing_is_paid_below_the_attendance_threshold(i in input()) {
        let engine = engine();
        let case = engine.parse_case(&case_json(&i, i.attended)).expect("valid");
        let o = engine.evaluate(&case);
        if !o.attendance.threshold.is_met_by(o.attendance.recognised_days, o.attendance.scheduled_days) {
            prop_assert_eq!(o.totals.allowance_won, 0);
        }
        if engine.policy().programmes[usize::from(case.programme)].allowance_scheme == AllowanceScheme::None || i.delivery == "remote" {
            prop_assert_eq!(o.totals.allowance_won, 0);
        }
    }

    #[test]
    fn allowance_is_monotone_in_attended_days(i in input()) {
        let engine = engine();
        let mut previous = 0;
        for attended in 0..=i.scheduled {
            let case = engine.parse_case(&case_json(&i, attended)).expect("valid");
            let allowance = engine.totals(&case).allowance_won;
            prop_assert!(allowance >= previous, "attended {} paid {} < {} for one day fewer", attended, allowance, previous);
            previous = allowance;
        }
    }

    #[test]
    fn payroll_rows_agree_with_the_case_path(i in input()) {
        let engine = engine();
        let case = engine.parse_case(&case_json(&i, i.attended)).expect("valid");
        let rows = engine.payroll_batch(&[case]);
        prop_assert_eq!(engine.payroll_allowance(&rows[0]), engine.allowance(&case));
        prop_assert_eq!(engine.allowance(&case).0, engine.totals(&case).allowance_won);
        prop_assert_eq!(engine.sum_payroll(&rows, 2).0, engine.totals(&case).allowance_won);
    }

    #[test]
    fn trace_and_fast_path_agree(i in input()) {
        let engine = engine();
        let case = engine.parse_case(&case_json(&i, i.attended)).expect("valid");
        let estimate = engine.estimate(&case, true);
        prop_assert_eq!(estimate.totals, engine.totals(&case));
        let component_sum: i64 = estimate.components.iter().filter(|c| c.id.ends_with("allowance")).map(|c| c.amount_won).sum();
        prop_assert_eq!(component_sum, estimate.totals.allowance_won);
        prop_assert!(!estimate.trace.unwrap_or_default().is_empty());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1_000, ..ProptestConfig::default() })]

    /// The card pays at most the support, the 산대특 cap and the balance; it pays nothing for a
    /// scheme that does not draw on it; what it lacks the trainee pays; and a later 산대특
    /// participation keeps the trace and the totals equal.
    #[test]
    fn the_card_charge_stays_within_support_cap_and_balance(
        i in input(),
        balance in prop::option::of(0i64..6_000_000),
        prior in prop::option::of(0u32..3),
    ) {
        let engine = engine();
        let mut json = case_json(&i, i.attended);
        json.trainee.card_balance_won = balance;
        json.trainee.prior_sandaetuk_participations = prior;
        let case = engine.parse_case(&json).expect("valid");
        let outcome = engine.evaluate(&case);
        let charge = engine.card_charge(&case, &outcome);
        prop_assert!(charge.charge_won >= 0 && charge.shortfall_won >= 0);
        prop_assert!(charge.charge_won <= charge.support_won.max(0));
        prop_assert!(charge.charge_won <= charge.balance_won);
        if let Some(cap) = charge.cap {
            prop_assert!(charge.charge_won + charge.shortfall_won <= cap.cap_won);
        }
        if charge.charges_card {
            let capped = charge.cap.map_or(charge.support_won, |c| charge.support_won.min(c.cap_won));
            prop_assert_eq!(charge.charge_won + charge.shortfall_won, capped);
        } else {
            prop_assert_eq!((charge.charge_won, charge.shortfall_won), (0, 0));
        }
        prop_assert_eq!(charge.trainee_pays_won, outcome.totals.self_payment_won + charge.shortfall_won);
        prop_assert_eq!(engine.estimate(&case, true).totals, outcome.totals);
    }
}

mod counting {
    use super::{case_json, engine, input};
    use crate::attendance::{Day, DayStatus, ExcuseKind};
    use crate::calendar::Calendar;
    use crate::case::Tenths;
    use crate::counting::{count_periods, with_records, CourseFacts};
    use crate::payroll::PeriodAttendance;
    use crate::period::{periods, PeriodScheme};
    use aiup_core::Delivery;
    use chrono::{Days, NaiveDate};
    use proptest::prelude::*;

    fn start(offset: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 1, 1).expect("date") + Days::new(u64::from(offset))
    }

    fn day(kind: u8, flags: u8, meal: bool) -> Option<Day> {
        let base = match kind % 8 {
            0 => return None,
            1 => Day::absent(),
            2 => Day::excused(ExcuseKind::Illness),
            3 => Day::excused(ExcuseKind::HiringExam),
            4 => Day {
                status: DayStatus::Incomplete,
                ..Day::present()
            },
            5 => Day {
                check_in: Some(540),
                check_out: Some(540 + u16::from(flags) * 7),
                ..Day::present()
            },
            _ => Day::present(),
        };
        Some(Day {
            late: base.status == DayStatus::Attended && flags & 1 != 0,
            early_leave: base.status == DayStatus::Attended && flags & 2 != 0,
            outings: if base.status == DayStatus::Attended {
                (flags >> 2) % 4
            } else {
                0
            },
            scheduled_tenths: if flags & 64 != 0 { 40 } else { 0 },
            meal: meal && base.status == DayStatus::Attended,
            ..base
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

        #[test]
        fn periods_tile_the_course_under_both_schemes(offset in 0u32..1000, length in 0u32..800) {
            let (s, e) = (start(offset), start(offset) + Days::new(u64::from(length)));
            for scheme in [PeriodScheme::Chained, PeriodScheme::Anchored] {
                let list = periods(s, e, scheme);
                prop_assert!(!list.is_empty());
                prop_assert_eq!(list[0].start, s);
                prop_assert_eq!(list[list.len() - 1].end, e);
                for (i, pair) in list.windows(2).enumerate() {
                    prop_assert_eq!(pair[0].end.succ_opt(), Some(pair[1].start), "{:?} period {}", scheme, i + 1);
                    prop_assert!(pair[0].start <= pair[0].end);
                    // No period is longer than a month.
                    prop_assert!((pair[0].end - pair[0].start).num_days() <= 30);
                }
                prop_assert!(list.iter().enumerate().all(|(i, p)| p.index as usize == i + 1 && p.of as usize == list.len()));
            }
        }

        #[test]
        fn counts_stay_within_the_days_and_amounts_are_never_negative(
            i in input(),
            offset in 0u32..700,
            length in 20u32..300,
            records in prop::collection::vec((0u8..8, any::<u8>(), any::<bool>()), 300),
            until_offset in 0u32..320,
            chained in any::<bool>(),
        ) {
            let engine = engine();
            let case = engine.parse_case(&case_json(&i, i.attended)).expect("valid");
            let (s, e) = (start(offset), start(offset) + Days::new(u64::from(length)));
            let course = CourseFacts { start: s, end: e, hours_per_day: Tenths(80), delivery: Delivery::Classroom };
            let dates = Calendar::korean().training_days(s, e).expect("covered");
            let mut next = records.iter().cycle();
            let days = with_records(&dates, course.hours_per_day, |_| {
                next.next().and_then(|(k, f, m)| day(*k, *f, *m))
            });
            let mut rules = engine.count_rules(s);
            rules.scheme = if chained { PeriodScheme::Chained } else { PeriodScheme::Anchored };
            let until = s + Days::new(u64::from(until_offset));
            let counts = count_periods(&rules, &course, &days, until);
            prop_assert_eq!(counts.iter().map(|c| c.scheduled_days as usize).sum::<usize>(), dates.len());
            for c in &counts {
                prop_assert!(c.recognised_days <= c.scheduled_days);
                prop_assert!(c.special_days <= c.recognised_days);
                prop_assert!(c.elapsed_days <= c.scheduled_days);
                prop_assert!(c.tardies_carried_out < rules.tardies_per_absence);
                if c.closed {
                    prop_assert_eq!(c.elapsed_days, c.scheduled_days);
                    prop_assert!(c.recognised_days + c.absences >= c.scheduled_days, "a closed period loses no day: {:?}", c);
                }
                let parts = engine.period_parts(engine.enrolment(&case), PeriodAttendance::from(c));
                prop_assert!(parts.amount.0 >= 0);
                prop_assert!(parts.meal_deduction.0 >= 0);
                prop_assert!(parts.amount.0 <= parts.base.rate.cap.0 + parts.special.rate.cap.0);
                prop_assert_eq!(parts.amount, parts.base.amount + parts.special.amount - parts.meal_deduction);
                if !c.threshold_met {
                    prop_assert_eq!(parts.amount.0, 0);
                }
            }
        }

        /// The calculator and the payroll pay the same for the same period.
        #[test]
        fn the_period_path_agrees_with_the_calculator(i in input()) {
            let engine = engine();
            let case = engine.parse_case(&case_json(&i, i.attended)).expect("valid");
            let o = engine.evaluate(&case);
            let long_days = case.hours_per_day >= Tenths(50);
            let attendance = PeriodAttendance {
                scheduled_days: case.attendance.scheduled_days,
                recognised_days: u16::try_from(o.attendance.recognised_days).expect("small"),
                special_days: if long_days { u16::try_from(o.attendance.recognised_days).expect("small") } else { 0 },
                meal_days: 0,
                threshold_met: o.attendance.threshold_met,
            };
            let amount = engine.period_amount(engine.enrolment(&case), attendance);
            prop_assert_eq!(amount, engine.allowance(&case));
        }
    }
}
