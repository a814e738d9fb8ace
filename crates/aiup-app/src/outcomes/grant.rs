//! The startup-hiring grant check (seed 002 IV-①): an applicant firm, by business number and
//! application date, against the imported records: its startup registration, its hires (the
//! employment-insurance acquisitions under its number) and the hires' AI-training completions.
//! The rule is `aiup_people::startup_grant`; its values come from the policy: the parameters of
//! `policy/outcomes.toml`, the number of firms from the programme's target and the amount per
//! firm from the plan's indicator.

use std::collections::HashMap;

use aiup_core::policy::{IndicatorValue, PolicySet, Text};
use aiup_people::startup_grant::{self, Applicant, GrantEligibility, GrantParams, Hire};
use aiup_sme::BusinessNumber;
use aiup_store::{FactSource, GrantDecisionRecord, NewGrantDecision};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::figures::count_on;
use crate::accounts::{Actor, Permission};
use crate::{App, AppError, Code};

/// The programme whose 2026 target is the number of firms funded.
pub const GRANT_PROGRAMME: &str = "startup-hiring-grant";
/// The plan's indicator of the amount per firm (value = minimum, max = maximum).
pub const GRANT_INDICATOR: &str = "startup-grant-per-firm";

/// The answer for one applicant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GrantCheck {
    /// Ten digits.
    pub business_number: String,
    pub applied_on: NaiveDate,
    pub opened_on: Option<NaiveDate>,
    /// The import the opening date comes from.
    pub registration_source: Option<FactSource>,
    /// The imports the hires come from.
    pub hire_sources: Vec<FactSource>,
    pub eligibility: GrantEligibility,
    /// The grant this firm was given in the application's year, if any.
    pub granted: Option<GrantDecisionRecord>,
}

/// The rule's values on `date`.
pub fn params_on(policy: &PolicySet, date: NaiveDate) -> Result<GrantParams, AppError> {
    let programme = policy
        .programme(GRANT_PROGRAMME)
        .ok_or_else(|| AppError::internal(&format!("the policy has no programme {GRANT_PROGRAMME}")))?;
    let firms_cap = programme
        .targets
        .iter()
        .filter(|t| t.year <= date.year())
        .max_by_key(|t| t.year)
        .or_else(|| programme.targets.iter().min_by_key(|t| t.year))
        .map(|t| u32::try_from(t.value).unwrap_or(0))
        .ok_or_else(|| AppError::internal(&format!("the programme {GRANT_PROGRAMME} has no target")))?;
    let indicator = policy
        .indicators
        .iter()
        .find(|i| i.id == GRANT_INDICATOR)
        .ok_or_else(|| AppError::internal(&format!("the policy has no indicator {GRANT_INDICATOR}")))?;
    let won = |v: &IndicatorValue| match v {
        IndicatorValue::Won(w) => Ok(w.0),
        other => Err(AppError::internal(&format!(
            "indicator {GRANT_INDICATOR} is not in won: {other:?}"
        ))),
    };
    let grant_min_won = won(&indicator.value)?;
    let grant_max_won = indicator.max.as_ref().map_or(Ok(grant_min_won), won)?;
    Ok(GrantParams {
        startup_max_age_years: count_on(policy, "outcomes.grant.startup_max_age_years", date)?,
        min_graduate_hires: count_on(policy, "outcomes.grant.min_graduate_hires", date)?,
        hire_window_days: count_on(policy, "outcomes.grant.hire_window_days", date)?,
        firms_cap,
        grant_min_won,
        grant_max_won,
    })
}

/// Checks an applicant firm (`ReadDashboards`). A business number that fails its check digit is
/// refused naming the field.
pub async fn check_applicant(
    app: &App,
    actor: &Actor,
    business_number: &str,
    applied_on: NaiveDate,
) -> Result<GrantCheck, AppError> {
    actor.require(Permission::ReadDashboards)?;
    let number = BusinessNumber::parse(business_number, "business_number").map_err(|p| {
        AppError::bilingual(
            Code::InvalidBusinessNumber,
            Some("business_number"),
            Text {
                ko: p.reason_ko,
                en: p.reason,
            },
        )
    })?;
    let digits = number.digits();
    let engine = app.engine();
    let params = params_on(engine.policy(), applied_on)?;
    let store = app.db().outcomes();
    let registrations = store.startups(Some(&digits)).await?;
    // The earliest opening on record: a later registration of the same number is a re-filing.
    let registration = registrations.iter().min_by_key(|s| s.row.opened_on);
    let employment = store.employment(Some(&digits)).await?;
    let mut people: Vec<i64> = employment.iter().filter_map(|e| e.person_id).collect();
    people.sort_unstable();
    people.dedup();
    let mut completions: HashMap<i64, Vec<NaiveDate>> = HashMap::new();
    if !people.is_empty() {
        for g in store.graduates(Some(&people)).await? {
            completions.entry(g.person_id).or_default().push(g.completed_on);
        }
    }
    let hires: Vec<Hire> = employment
        .iter()
        .map(|e| Hire {
            person_hash: e.row.person_hash.clone(),
            acquired_on: e.row.acquired_on,
            lost_on: e.row.lost_on,
            completions: e
                .person_id
                .and_then(|p| completions.get(&p).cloned())
                .unwrap_or_default(),
        })
        .collect();
    let grants = store.grants(i64::from(applied_on.year())).await?;
    let granted = grants.iter().find(|g| g.decision.business_number == digits).cloned();
    let applicant = Applicant {
        applied_on,
        opened_on: registration.map(|r| r.row.opened_on),
        // The cap is for other firms: a firm already granted is not refused by its own grant.
        firms_granted: u32::try_from(grants.len() - usize::from(granted.is_some())).unwrap_or(u32::MAX),
    };
    let mut hire_sources: Vec<FactSource> = employment.iter().map(|e| e.from.clone()).collect();
    hire_sources.dedup_by_key(|s| s.import_id);
    Ok(GrantCheck {
        business_number: digits,
        applied_on,
        opened_on: applicant.opened_on,
        registration_source: registration.map(|r| r.from.clone()),
        hire_sources,
        eligibility: startup_grant::check(&applicant, &hires, &params),
        granted,
    })
}

/// Records the grant to an eligible firm (`ManageProgrammeRecords`), for `amount_won` within the
/// plan's range: the check is made again first, and an unmet condition refuses it
/// (`grant_not_eligible`, naming each); a second grant in the year, or one past the year's
/// number of firms, is a conflict.
pub async fn decide(
    app: &App,
    actor: &Actor,
    business_number: &str,
    applied_on: NaiveDate,
    amount_won: i64,
) -> Result<GrantDecisionRecord, AppError> {
    actor.require(Permission::ManageProgrammeRecords)?;
    let check = check_applicant(app, actor, business_number, applied_on).await?;
    let e = &check.eligibility;
    if !e.eligible {
        let unmet: Vec<&startup_grant::Reason> = e.reasons.iter().filter(|r| !r.met).collect();
        return Err(AppError::bilingual(
            Code::GrantNotEligible,
            None,
            Text {
                ko: unmet.iter().map(|r| r.ko.as_str()).collect::<Vec<_>>().join(" "),
                en: unmet.iter().map(|r| r.en.as_str()).collect::<Vec<_>>().join(" "),
            },
        ));
    }
    if amount_won < e.grant_min_won || amount_won > e.grant_max_won {
        return Err(AppError::bilingual(
            Code::InvalidField,
            Some("amount_won"),
            Text {
                ko: format!(
                    "지원 금액은 {}원에서 {}원 사이여야 합니다.",
                    e.grant_min_won, e.grant_max_won
                ),
                en: format!("the amount must be from {} to {} won", e.grant_min_won, e.grant_max_won),
            },
        ));
    }
    let decision = NewGrantDecision {
        business_number: check.business_number,
        year: i64::from(applied_on.year()),
        applied_on,
        amount_won,
    };
    Ok(app
        .db()
        .outcomes()
        .record_grant(&decision, i64::from(e.firms_cap), &actor.login)
        .await?)
}
