//! The aiup support rules engine.
//!
//! Given a programme, a course, a trainee, a unit period and its attendance,
//! it computes in integer won what is paid, what the trainee pays and why.
//! It does no IO: the policy and region table come in as loaded values.
#![deny(clippy::float_arithmetic)]

pub mod answer;
pub mod attendance;
pub mod calendar;
pub mod card;
pub mod case;
pub mod counting;
pub mod engine;
pub mod explain;
pub mod outcome;
pub mod payroll;
pub mod period;
pub mod reform;

pub use answer::answer;
pub use calendar::{Calendar, CalendarError};
pub use card::{CardCap, CardCharge, CardTerms};
pub use case::{parse_json, parse_request, Case, CaseError, CaseJson, EstimateRequest};
pub use counting::{count_periods, CountRules, CourseFacts, PeriodCount, TrainingDay};
pub use engine::{Engine, EngineError, EnrolmentFacts, Outcome, Totals};
pub use explain::{Component, Estimate, TraceNode};
pub use outcome::{CourseResult, Decision, OutcomeFacts, OutcomeRules};
pub use payroll::{OutcomeExplained, PeriodAttendance, PeriodParts, PeriodPay};
pub use period::{PeriodScheme, UnitPeriod};

#[cfg(test)]
mod properties;
