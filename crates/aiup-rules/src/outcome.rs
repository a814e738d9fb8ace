//! The course outcome at its end (or at an early job): completion, removal, early employment.
//!
//! Rules, each a dated, cited parameter (policy/completion.toml; research trainee-journey B):
//! - completion at `completion.attendance_rate` of ALL training days, recognised days against
//!   the threshold rounded up (B.1); remote courses: `completion.remote.progress_rate` and
//!   `completion.remote.min_score`;
//! - removal when absences exceed `completion.removal.absence_rate` of all training days, or
//!   reach `completion.removal.period_absence_rate` of one unit period's days (B.2);
//! - a job taken after `completion.early_employment.attendance_rate` counts as completion;
//!   before it, a dropout (B.4). `completion.early_employment.of_all_days` says over which days.

use crate::counting::{CountRules, PeriodCount};
use aiup_core::{Delivery, Rate, RoundingMode};
use chrono::NaiveDate;
use serde::Serialize;

/// The outcome rules in force for a course (read on its start date).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OutcomeRules {
    pub completion_rate: Rate,
    pub remote_progress_rate: Rate,
    pub remote_min_score: u32,
    pub removal_absence_rate: Rate,
    pub removal_period_absence_rate: Rate,
    pub early_employment_rate: Rate,
    pub early_employment_of_all_days: bool,
    /// Thresholds in days round as the allowance's does (`allowance.attendance_threshold_rounding`).
    pub threshold_rounding: RoundingMode,
}

/// A remote course's learning record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RemoteResult {
    pub progress: Rate,
    pub score: u32,
}

/// What the outcome is decided on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OutcomeFacts<'a> {
    pub delivery: Delivery,
    /// ALL the course's training days.
    pub training_days: u32,
    /// The periods counted up to the course end, or up to the employment date.
    pub periods: &'a [PeriodCount],
    pub remote: Option<RemoteResult>,
    /// The first day of an early job (the periods are then counted up to the day before).
    pub employed_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CourseResult {
    /// 수료.
    Completed,
    /// 조기취업 수료.
    EarlyEmployment,
    /// 미수료.
    NotCompleted,
    /// 제적.
    Removed,
    /// 중도포기: a job taken before the attendance the rule asks for.
    Dropout,
}

impl CourseResult {
    pub fn as_str(self) -> &'static str {
        match self {
            CourseResult::Completed => "completed",
            CourseResult::EarlyEmployment => "early_employment",
            CourseResult::NotCompleted => "not_completed",
            CourseResult::Removed => "removed",
            CourseResult::Dropout => "dropout",
        }
    }

    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            CourseResult::Completed => ("수료", "Completed"),
            CourseResult::EarlyEmployment => ("조기취업 수료", "Completed by early employment"),
            CourseResult::NotCompleted => ("미수료", "Not completed"),
            CourseResult::Removed => ("제적", "Removed"),
            CourseResult::Dropout => ("중도포기", "Dropped out"),
        }
    }
}

/// Which rule decided, named by its parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DecidingRule {
    Attendance,
    RemoteProgressAndScore,
    RemovalCourseAbsences,
    RemovalPeriodAbsences,
    EarlyEmployment,
}

impl DecidingRule {
    /// The parameters the rule reads; the first is the rule's own.
    pub fn params(self) -> &'static [&'static str] {
        match self {
            DecidingRule::Attendance => &["completion.attendance_rate", "allowance.attendance_threshold_rounding"],
            DecidingRule::RemoteProgressAndScore => &["completion.remote.progress_rate", "completion.remote.min_score"],
            DecidingRule::RemovalCourseAbsences => &["completion.removal.absence_rate"],
            DecidingRule::RemovalPeriodAbsences => &["completion.removal.period_absence_rate"],
            DecidingRule::EarlyEmployment => &[
                "completion.early_employment.attendance_rate",
                "completion.early_employment.of_all_days",
                "allowance.attendance_threshold_rounding",
            ],
        }
    }
}

/// The decision with the figures it compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub result: CourseResult,
    pub rule: DecidingRule,
    /// The figure compared: recognised days, absences, or progress in basis points.
    pub value: u32,
    /// What it was compared with: days needed, the absence limit, or the progress needed.
    pub limit: u32,
    /// The unit period that decided a removal on a period's absences.
    pub period: Option<u32>,
    pub recognised_days: u32,
    pub absences: u32,
    pub training_days: u32,
}

/// Absences above `rate × days` (strictly).
fn exceeds(rate: Rate, part: u32, whole: u32) -> bool {
    u64::from(part) * 10_000 > u64::from(rate.0) * u64::from(whole)
}

/// A removal ground met by the periods counted so far, if any (checked during the course too).
pub fn removal(rules: &OutcomeRules, training_days: u32, periods: &[PeriodCount]) -> Option<Decision> {
    let absences: u32 = periods.iter().map(|p| p.absences).sum();
    let recognised_days: u32 = periods.iter().map(|p| p.recognised_days).sum();
    let base = Decision {
        result: CourseResult::Removed,
        rule: DecidingRule::RemovalCourseAbsences,
        value: absences,
        limit: CountRules::share_of_days(rules.removal_absence_rate, training_days, RoundingMode::Floor),
        period: None,
        recognised_days,
        absences,
        training_days,
    };
    if exceeds(rules.removal_absence_rate, absences, training_days) {
        return Some(base);
    }
    periods
        .iter()
        .find(|p| {
            p.scheduled_days > 0
                && rules
                    .removal_period_absence_rate
                    .is_met_by(p.absences, p.scheduled_days)
        })
        .map(|p| Decision {
            rule: DecidingRule::RemovalPeriodAbsences,
            value: p.absences,
            limit: CountRules::share_of_days(rules.removal_period_absence_rate, p.scheduled_days, RoundingMode::Ceil),
            period: Some(p.index),
            ..base
        })
}

/// The course's outcome.
pub fn decide(rules: &OutcomeRules, facts: &OutcomeFacts) -> Decision {
    if let Some(removed) = removal(rules, facts.training_days, facts.periods) {
        return removed;
    }
    let absences: u32 = facts.periods.iter().map(|p| p.absences).sum();
    let recognised_days: u32 = facts.periods.iter().map(|p| p.recognised_days).sum();
    let base = Decision {
        result: CourseResult::NotCompleted,
        rule: DecidingRule::Attendance,
        value: recognised_days,
        limit: 0,
        period: None,
        recognised_days,
        absences,
        training_days: facts.training_days,
    };
    if facts.employed_on.is_some() {
        let over = if rules.early_employment_of_all_days {
            facts.training_days
        } else {
            facts.periods.iter().map(|p| p.elapsed_days).sum()
        };
        let needed = CountRules::share_of_days(rules.early_employment_rate, over, rules.threshold_rounding);
        let met = recognised_days >= needed;
        return Decision {
            result: if met {
                CourseResult::EarlyEmployment
            } else {
                CourseResult::Dropout
            },
            rule: DecidingRule::EarlyEmployment,
            limit: needed,
            ..base
        };
    }
    if facts.delivery == Delivery::Remote {
        let (progress, score) = facts.remote.map_or((Rate::ZERO, 0), |r| (r.progress, r.score));
        let met = progress >= rules.remote_progress_rate && score >= rules.remote_min_score;
        return Decision {
            result: if met {
                CourseResult::Completed
            } else {
                CourseResult::NotCompleted
            },
            rule: DecidingRule::RemoteProgressAndScore,
            value: progress.0,
            limit: rules.remote_progress_rate.0,
            ..base
        };
    }
    let needed = CountRules::share_of_days(rules.completion_rate, facts.training_days, rules.threshold_rounding);
    Decision {
        result: if recognised_days >= needed {
            CourseResult::Completed
        } else {
            CourseResult::NotCompleted
        },
        limit: needed,
        ..base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> OutcomeRules {
        OutcomeRules {
            completion_rate: Rate(8_000),
            remote_progress_rate: Rate(8_000),
            remote_min_score: 60,
            removal_absence_rate: Rate(2_000),
            removal_period_absence_rate: Rate(5_000),
            early_employment_rate: Rate(8_000),
            early_employment_of_all_days: true,
            threshold_rounding: RoundingMode::Ceil,
        }
    }

    fn period(index: u32, scheduled: u32, recognised: u32, absences: u32) -> PeriodCount {
        PeriodCount {
            index,
            of: 6,
            scheduled_days: scheduled,
            elapsed_days: scheduled,
            recognised_days: recognised,
            absences,
            closed: true,
            ..PeriodCount::default()
        }
    }

    fn facts(periods: &[PeriodCount]) -> OutcomeFacts<'_> {
        OutcomeFacts {
            delivery: Delivery::Classroom,
            training_days: periods.iter().map(|p| p.scheduled_days).sum(),
            periods,
            remote: None,
            employed_on: None,
        }
    }

    #[test]
    fn completion_needs_eighty_percent_of_all_days() {
        // Research B.1: 96 of 120.
        let done = [period(1, 60, 48, 12), period(2, 60, 48, 12)];
        let d = decide(&rules(), &facts(&done));
        assert_eq!((d.result, d.limit), (CourseResult::Completed, 96));
        // 95 recognised; 24 absences (one day of period 2 is still open): not removed.
        let short = [period(1, 60, 48, 12), period(2, 60, 47, 12)];
        assert_eq!(decide(&rules(), &facts(&short)).result, CourseResult::NotCompleted);
    }

    #[test]
    fn removal_on_either_ground() {
        // 24 absences of 120 days are 20%, not over it; no period reaches half.
        let at_limit = [period(1, 60, 46, 14), period(2, 60, 50, 10)];
        assert_eq!(removal(&rules(), 120, &at_limit), None);
        let over = [period(1, 60, 45, 15), period(2, 60, 50, 10)];
        let d = removal(&rules(), 120, &over).unwrap();
        assert_eq!(
            (d.rule, d.value, d.limit),
            (DecidingRule::RemovalCourseAbsences, 25, 24)
        );
        let half = [period(1, 20, 10, 10), period(2, 100, 100, 0)];
        let d = removal(&rules(), 120, &half).unwrap();
        assert_eq!(
            (d.rule, d.period, d.limit),
            (DecidingRule::RemovalPeriodAbsences, Some(1), 10)
        );
        let under_half = [period(1, 20, 11, 9), period(2, 100, 100, 0)];
        assert_eq!(removal(&rules(), 120, &under_half), None);
    }

    #[test]
    fn early_employment_counts_only_after_eighty_percent() {
        let before = [period(1, 60, 60, 0), period(2, 30, 30, 0)];
        let mut f = facts(&before);
        f.training_days = 120;
        f.employed_on = NaiveDate::from_ymd_opt(2026, 6, 1);
        let d = decide(&rules(), &f);
        assert_eq!((d.result, d.value, d.limit), (CourseResult::Dropout, 90, 96));
        let after = [period(1, 60, 60, 0), period(2, 40, 40, 0)];
        let mut f = facts(&after);
        f.training_days = 120;
        f.employed_on = NaiveDate::from_ymd_opt(2026, 6, 1);
        assert_eq!(decide(&rules(), &f).result, CourseResult::EarlyEmployment);
        let over_elapsed = OutcomeRules {
            early_employment_of_all_days: false,
            ..rules()
        };
        let mut f = facts(&before);
        f.training_days = 120;
        f.employed_on = NaiveDate::from_ymd_opt(2026, 6, 1);
        assert_eq!(decide(&over_elapsed, &f).result, CourseResult::EarlyEmployment);
    }

    #[test]
    fn remote_completion_reads_progress_and_score() {
        let one = [period(1, 0, 0, 0)];
        let mut f = facts(&one);
        f.delivery = Delivery::Remote;
        f.remote = Some(RemoteResult {
            progress: Rate(8_000),
            score: 60,
        });
        assert_eq!(decide(&rules(), &f).result, CourseResult::Completed);
        f.remote = Some(RemoteResult {
            progress: Rate(9_000),
            score: 59,
        });
        assert_eq!(decide(&rules(), &f).result, CourseResult::NotCompleted);
    }
}
