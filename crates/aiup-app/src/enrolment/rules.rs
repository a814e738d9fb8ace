//! The rules engine as acceptance runs it: whether a person's profile is admitted by the chosen
//! programme of a course, and what the card holds and the trainee pays (the engine's card
//! charge), run by the store inside the acceptance transaction.

use std::sync::Arc;

use aiup_catalogue::{Cohort, Course};
use aiup_core::policy::Programme;
use aiup_core::policy::Text;
use aiup_people::{EnrolmentStatus, Profile};
use aiup_rules::case::CaseJson;
use aiup_rules::{CardCharge, Engine};
use aiup_store::{AcceptanceRules, AcceptanceTerms, EnrolmentRecord, Ineligible, PersonRecord};
use chrono::NaiveDate;

use super::text;
use crate::card::card_groups;
use crate::catalogue::case_for;
use crate::people::input_of;

/// Statuses in which a person has taken part in a course (for first-participation rules).
const PARTICIPATED: [EnrolmentStatus; 5] = [
    EnrolmentStatus::InTraining,
    EnrolmentStatus::Completed,
    EnrolmentStatus::EarlyCompletionEmployment,
    EnrolmentStatus::DroppedOut,
    EnrolmentStatus::Removed,
];

/// The rules engine as the acceptance transaction runs it: for one course and cohort, whether
/// the person's stored profile is admitted by the chosen programme, and what the card holds
/// and the trainee pays.
pub struct EngineRules {
    engine: Arc<Engine>,
    course: Course,
    cohort: Cohort,
    on_date: NaiveDate,
}

impl std::fmt::Debug for EngineRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineRules")
            .field("course", &self.course.id)
            .field("cohort_start", &self.cohort.start_date)
            .field("on_date", &self.on_date)
            .finish_non_exhaustive()
    }
}

impl EngineRules {
    pub fn new(engine: Arc<Engine>, course: Course, cohort: Cohort, on_date: NaiveDate) -> EngineRules {
        EngineRules {
            engine,
            course,
            cohort,
            on_date,
        }
    }

    /// The terms for `profile` under `programme` (the card's hold by the engine's card charge,
    /// and what the trainee pays), given the person's other enrolments `history`; or why the
    /// profile is not admitted.
    pub fn terms_for(
        &self,
        profile: &Profile,
        programme: &str,
        history: &[EnrolmentRecord],
    ) -> Result<AcceptanceTerms, Text> {
        let engine = &self.engine;
        let Some(p) = engine.policy().programme(programme) else {
            return Err(text(
                format!("정책에 없는 사업입니다: {programme}"),
                format!("programme `{programme}` is not in the policy"),
            ));
        };
        let listed = self.course.programmes.iter().any(|id| id.as_str() == programme);
        if !listed || !p.is_trainee_facing() {
            return Err(text(
                format!("이 과정은 '{}' 사업으로 신청할 수 없습니다.", p.name.ko),
                format!("this course cannot be taken under {}", p.name.en),
            ));
        }
        if !p.admits_trainee(profile.status, profile.employer_size) {
            return Err(text(
                format!(
                    "'{}' 사업은 {} 상태의 훈련생을 받지 않습니다.",
                    p.name.ko,
                    profile.status.label_ko()
                ),
                format!(
                    "{} does not admit trainees who are {}",
                    p.name.en,
                    profile.status.label_en()
                ),
            ));
        }
        let Some(raw) = self.case_json(profile, p, history) else {
            return Err(text(
                "이 기수의 지원금을 계산할 수 없습니다.",
                "the support for this cohort cannot be computed",
            ));
        };
        let case = engine.parse_case(&raw).map_err(|e| e.message())?;
        let outcome = engine.evaluate(&case);
        let charge = engine.card_charge(&case, &outcome);
        let mut params = charge.params_json();
        if let Some(values) = params.as_object_mut() {
            values.insert("policy_version".to_owned(), engine.policy().version.clone().into());
            values.insert("programme".to_owned(), programme.into());
            values.insert("fee_won".to_owned(), self.course.fee_won.into());
        }
        Ok(AcceptanceTerms {
            card_hold_won: charge.charge_won,
            self_payment_won: charge.trainee_pays_won,
            on_date: self.on_date,
            rule: CardCharge::RULE.to_owned(),
            params,
        })
    }

    /// How many 산대특 courses the person took part in before (the 2026 bracket table is for
    /// the first).
    fn prior_sandaetuk(&self, history: &[EnrolmentRecord]) -> u32 {
        let (_, params) = self.engine.params_at(self.cohort.start_date);
        let sandaetuk = |programme: &str| {
            self.engine
                .programme_index(programme)
                .and_then(|i| params.card.sandaetuk_programmes.get(i).copied())
                .unwrap_or(false)
        };
        let taken = history.iter().filter(|e| {
            EnrolmentStatus::parse(&e.status).is_some_and(|s| PARTICIPATED.contains(&s)) && sandaetuk(&e.programme)
        });
        u32::try_from(taken.count()).unwrap_or(u32::MAX)
    }

    /// The course's case for this cohort and person: `catalogue::case_for`, on this cohort's
    /// dates, with the card's groups and the person's earlier 산대특 participations.
    fn case_json(&self, profile: &Profile, programme: &Programme, history: &[EnrolmentRecord]) -> Option<CaseJson> {
        let situation = crate::catalogue::Profile {
            card_groups: card_groups(&self.engine, profile, self.cohort.start_date),
            ..crate::catalogue::Profile::of(profile.status, profile.employer_size)
        };
        let mut raw = case_for(&self.course, programme, &situation, self.cohort.start_date)?;
        raw.course.start_date = self.cohort.start_date.to_string();
        raw.course.end_date = self.cohort.end_date.to_string();
        let prior = self.prior_sandaetuk(history);
        let trainee = &mut raw.trainee;
        // The hold is refused when the card lacks it, rather than shifting the cost.
        trainee.card_balance_won = None;
        trainee.prior_sandaetuk_participations = (prior > 0).then_some(prior);
        Some(raw)
    }
}

impl AcceptanceRules for EngineRules {
    fn terms(
        &self,
        person: &PersonRecord,
        enrolment: &EnrolmentRecord,
        history: &[EnrolmentRecord],
    ) -> Result<AcceptanceTerms, Ineligible> {
        let profile = input_of(&person.fields)
            .parse(self.engine.regions())
            .map_err(|_| Ineligible {
                ko: "프로필을 다시 확인해 주세요.".to_owned(),
                en: "the profile no longer parses; review it".to_owned(),
            })?;
        self.terms_for(&profile, &enrolment.programme, history)
            .map_err(|t| Ineligible { ko: t.ko, en: t.en })
    }
}
