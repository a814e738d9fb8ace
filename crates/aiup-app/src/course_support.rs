//! What a trainee receives over a whole course: the allowance of every unit period of the
//! next cohort, each computed by the rules engine with full attendance, added up.

use aiup_catalogue::Course;
use aiup_rules::{Engine, Estimate};
use chrono::NaiveDate;

use crate::catalogue::{case_for, support, NoSupport, Profile};

/// The first unit period's estimate and the whole-course allowance.
#[derive(Debug, Clone)]
pub struct CourseSupport {
    /// The first unit period, as [`support`] gives it.
    pub first: Estimate,
    /// How many unit periods (about a month each) the next cohort has.
    pub periods: u32,
    /// The allowance of every unit period added up, with full attendance.
    pub allowance_total_won: i64,
}

/// [`support`] for the first unit period, and the allowance summed over every unit period of
/// the same cohort under the same programme.
pub fn course_support(
    engine: &Engine,
    course: &Course,
    profile: &Profile,
    today: NaiveDate,
) -> Result<CourseSupport, NoSupport> {
    let first = support(engine, course, profile, today)?;
    let periods = first.unit_period.of;
    let mut allowance_total_won = 0;
    let programme = engine.policy().programme(&first.programme.id);
    for period in 1..=periods {
        let case = programme
            .and_then(|p| case_for(course, p, profile, today))
            .map(|mut raw| {
                raw.period = period;
                engine.parse_case(&raw)
            });
        match case {
            Some(Ok(case)) => allowance_total_won += engine.estimate(&case, false).totals.allowance_won,
            Some(Err(e)) => return Err(NoSupport::from(e)),
            None => break,
        }
    }
    Ok(CourseSupport {
        first,
        periods,
        allowance_total_won,
    })
}
