//! The startup-hiring grant (seed 002 IV-①: 정부 지원 AI 훈련 수료자 채용 스타트업 사업화 자금,
//! 80 firms in 2026, ₩150–200 m each): whether an applicant firm may receive it, each condition
//! a [`Reason`] that says whether it is met and why.
//!
//! The conditions (their values are policy parameters, `policy/outcomes.toml`):
//! - the firm is a startup: it opened less than `startup_max_age_years` before the application
//!   (창업기업: 사업을 개시한 날부터 7년이 지나지 아니한 기업, 중소기업창업 지원법 제2조);
//! - it hired at least `min_graduate_hires` graduates of supported AI training: acquisitions of
//!   employment insurance under its business number, on or before the application date, by
//!   people whose AI enrolment completed on or before the hire and at most `hire_window_days`
//!   before it;
//! - those hires are still insured on the application date;
//! - the programme still has room: fewer than its cap of firms granted so far.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// The rule's values, read from the policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantParams {
    pub startup_max_age_years: u32,
    pub min_graduate_hires: u32,
    pub hire_window_days: u32,
    /// Firms the programme funds in the application's year (the programme's target).
    pub firms_cap: u32,
    pub grant_min_won: i64,
    pub grant_max_won: i64,
}

/// One hire of the applicant: an acquisition of employment insurance, and the completion dates
/// of the person's AI enrolments (empty when the person is no graduate aiup knows).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hire {
    /// The person's identifier hash (never the identifier).
    pub person_hash: String,
    pub acquired_on: NaiveDate,
    pub lost_on: Option<NaiveDate>,
    pub completions: Vec<NaiveDate>,
}

/// The firm asking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    pub applied_on: NaiveDate,
    /// The opening date of its business registration, when a startup record holds one.
    pub opened_on: Option<NaiveDate>,
    /// Firms already granted this year.
    pub firms_granted: u32,
}

/// A hire as the rule judged it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JudgedHire {
    pub person_hash: String,
    pub acquired_on: NaiveDate,
    pub lost_on: Option<NaiveDate>,
    /// The completion that makes the hire a graduate's, if any.
    pub completed_on: Option<NaiveDate>,
    /// Still insured on the application date.
    pub insured_on_application: bool,
    /// Counted toward the grant: a graduate's hire, still insured.
    pub counted: bool,
}

/// One condition, met or not, explained in Korean and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    /// `startup_age`, `graduate_hires`, `hires_insured` or `programme_cap`.
    pub code: String,
    pub ko: String,
    pub en: String,
    pub met: bool,
    /// Where the condition comes from.
    pub cite: String,
}

/// The answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantEligibility {
    pub eligible: bool,
    pub reasons: Vec<Reason>,
    pub hires: Vec<JudgedHire>,
    pub grant_min_won: i64,
    pub grant_max_won: i64,
    pub firms_cap: u32,
}

const CITE_PLAN: &str = "seed:002 IV-①";
const CITE_LAW: &str = "law:중소기업창업 지원법 제2조";

fn reason(code: &str, met: bool, ko: String, en: String, cite: &str) -> Reason {
    Reason {
        code: code.to_owned(),
        ko,
        en,
        met,
        cite: cite.to_owned(),
    }
}

/// Judges an applicant (see the module docs).
pub fn check(applicant: &Applicant, hires: &[Hire], params: &GrantParams) -> GrantEligibility {
    let applied_on = applicant.applied_on;
    let years = params.startup_max_age_years;
    let startup = match applicant.opened_on {
        None => reason(
            "startup_age",
            false,
            "사업자등록(창업) 기록이 없어 창업기업인지 확인할 수 없습니다.".to_owned(),
            "No business registration (startup) record: the firm cannot be shown to be a startup.".to_owned(),
            CITE_LAW,
        ),
        Some(opened) => {
            let limit = opened.checked_add_months(Months::new(years.saturating_mul(12)));
            let met = opened <= applied_on && limit.is_some_and(|l| applied_on < l);
            reason(
                "startup_age",
                met,
                format!(
                    "개업일 {opened}, 신청일 {applied_on}: 개업 후 {years}년 {}",
                    if met {
                        "이내입니다."
                    } else {
                        "이내가 아닙니다."
                    }
                ),
                format!(
                    "Opened {opened}, applied {applied_on}: {} {years} years of opening.",
                    if met { "within" } else { "not within" }
                ),
                CITE_LAW,
            )
        }
    };
    let window = i64::from(params.hire_window_days);
    let judged: Vec<JudgedHire> = hires
        .iter()
        .map(|h| {
            let completed_on = h
                .completions
                .iter()
                .copied()
                .filter(|c| *c <= h.acquired_on && (h.acquired_on - *c).num_days() <= window)
                .max()
                .filter(|_| h.acquired_on <= applied_on);
            let insured = h.acquired_on <= applied_on && h.lost_on.is_none_or(|lost| lost > applied_on);
            JudgedHire {
                person_hash: h.person_hash.clone(),
                acquired_on: h.acquired_on,
                lost_on: h.lost_on,
                completed_on,
                insured_on_application: insured,
                counted: completed_on.is_some() && insured,
            }
        })
        .collect();
    let graduates = distinct(judged.iter().filter(|h| h.completed_on.is_some()));
    let insured = distinct(judged.iter().filter(|h| h.counted));
    let min = params.min_graduate_hires as usize;
    let hired = reason(
        "graduate_hires",
        graduates >= min,
        format!("AI 훈련 수료 후 {window}일 이내에 채용한 수료자 {graduates}명 (필요: {min}명 이상)."),
        format!(
            "{graduates} graduate(s) of AI training hired within {window} days of completing (needed: {min} or more)."
        ),
        CITE_PLAN,
    );
    let still = reason(
        "hires_insured",
        insured >= min,
        format!("그중 신청일 {applied_on}에 고용보험 피보험자격을 유지한 사람 {insured}명 (필요: {min}명 이상)."),
        format!("Of them, {insured} still insured on the application date {applied_on} (needed: {min} or more)."),
        CITE_PLAN,
    );
    let cap = params.firms_cap;
    let granted = applicant.firms_granted;
    let room = reason(
        "programme_cap",
        granted < cap,
        format!("올해 지원 기업 {granted}곳 / 목표 {cap}곳."),
        format!("{granted} firm(s) granted this year of the programme's {cap}."),
        CITE_PLAN,
    );
    let reasons = vec![startup, hired, still, room];
    GrantEligibility {
        eligible: reasons.iter().all(|r| r.met),
        reasons,
        hires: judged,
        grant_min_won: params.grant_min_won,
        grant_max_won: params.grant_max_won,
        firms_cap: cap,
    }
}

fn distinct<'a>(hires: impl Iterator<Item = &'a JudgedHire>) -> usize {
    let mut people: Vec<&str> = hires.map(|h| h.person_hash.as_str()).collect();
    people.sort_unstable();
    people.dedup();
    people.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn params() -> GrantParams {
        GrantParams {
            startup_max_age_years: 7,
            min_graduate_hires: 1,
            hire_window_days: 365,
            firms_cap: 80,
            grant_min_won: 150_000_000,
            grant_max_won: 200_000_000,
        }
    }

    #[test]
    fn a_young_firm_with_an_insured_graduate_hire_is_eligible() {
        let applicant = Applicant {
            applied_on: d(2026, 9, 1),
            opened_on: Some(d(2022, 3, 1)),
            firms_granted: 0,
        };
        let hires = [Hire {
            person_hash: "a".into(),
            acquired_on: d(2026, 7, 1),
            lost_on: None,
            completions: vec![d(2026, 6, 20)],
        }];
        let answer = check(&applicant, &hires, &params());
        assert!(answer.eligible, "{answer:?}");
        assert!(answer.hires[0].counted);
    }

    #[test]
    fn the_seventh_anniversary_ends_startup_status() {
        let applicant = Applicant {
            applied_on: d(2026, 3, 1),
            opened_on: Some(d(2019, 3, 1)),
            firms_granted: 0,
        };
        let answer = check(&applicant, &[], &params());
        assert!(!answer.reasons[0].met);
        let younger = Applicant {
            opened_on: Some(d(2019, 3, 2)),
            ..applicant
        };
        assert!(check(&younger, &[], &params()).reasons[0].met);
    }
}
