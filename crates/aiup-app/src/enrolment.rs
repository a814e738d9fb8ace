//! Enrolment: a trainee applies to a cohort; the institution's staff accept (a seat, the card's
//! hold, the self-payment, in one transaction) or refuse; the trainee may withdraw within the
//! free period; staff move the enrolment through training. A freed seat goes to the waiting
//! list in order.
//!
//! Who may do what: the trainee acts on their own applications only; staff of the course's
//! institution decide and move them (anyone else gets `not_found`, like a record that does not
//! exist); readers of enrolments see any. Every amount comes from the rules engine, under the
//! active policy, at the moment of the decision ([`EngineRules`], which the store runs inside
//! the acceptance transaction on the person's locked row).

use std::collections::BTreeMap;
use std::sync::Arc;

use aiup_catalogue::{Cohort, Course};
use aiup_core::policy::Text;
use aiup_people::PersonId;
pub use aiup_people::{EnrolmentEvent, EnrolmentStatus};
use aiup_rules::{CardCharge, Engine};
use aiup_store::{
    Acceptance, AcceptanceRules, CardEffect, CohortSeats, Decided, EnrolmentError, EnrolmentRecord, EnrolmentRefusal,
    NewApplication, Offer, StatusChange,
};
use chrono::{Days, NaiveDate};

use crate::accounts::{Actor, Permission};
use crate::card::{free_withdrawal_refund, ReleaseReason};
use crate::{App, AppError, Code};

mod rules;

pub use rules::EngineRules;

/// The longest reason staff may give, in characters.
pub const MAX_REASON_CHARS: usize = 500;
/// The most pending applications one page lists.
pub const PENDING_LIMIT: i64 = 500;

/// The rule a dropout deduction cites.
pub const DROPOUT_DEDUCTIONS: &str = "tuition.card.dropout_deductions_won";

fn text(ko: impl Into<String>, en: impl Into<String>) -> Text {
    Text {
        ko: ko.into(),
        en: en.into(),
    }
}

/// An enrolment with its parsed status and what the pages show of its course.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolment {
    pub record: EnrolmentRecord,
    pub status: EnrolmentStatus,
    /// The course's title, if the catalogue still has the course.
    pub course_title: Option<String>,
    pub programme_name: Option<Text>,
}

impl Enrolment {
    pub fn id(&self) -> i64 {
        self.record.id
    }
}

/// What staff decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Accept,
    Refuse { reason: String },
}

/// What a decision did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecisionDone {
    Accepted(Enrolment),
    /// The cohort was full; the application is on its waiting list.
    Waitlisted(Enrolment),
    Refused(Enrolment),
}

/// What a status change did, with the waiting list's turn when a seat was freed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepDone {
    pub enrolment: Enrolment,
    pub offers: Vec<Offer>,
}

/// A cohort's roster for staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roster {
    pub course: Course,
    pub ordinal: i64,
    pub cohort: Cohort,
    pub seats: Option<CohortSeats>,
    pub enrolments: Vec<Enrolment>,
}

/// The events staff may fire on an enrolment (besides accepting or refusing).
pub const STAFF_STEPS: [EnrolmentEvent; 6] = [
    EnrolmentEvent::Start,
    EnrolmentEvent::Complete,
    EnrolmentEvent::CompleteByEmployment,
    EnrolmentEvent::DropOut,
    EnrolmentEvent::Remove,
    EnrolmentEvent::Cancel,
];

/// Whether `event` needs a reason from staff.
pub fn needs_reason(event: EnrolmentEvent) -> bool {
    matches!(
        event,
        EnrolmentEvent::Refuse | EnrolmentEvent::Remove | EnrolmentEvent::Cancel
    )
}

/// A reason as staff typed it: trimmed, required where the step needs one, not too long.
pub fn parse_reason(raw: &str, required: bool) -> Result<Option<String>, AppError> {
    let reason = raw.trim();
    if reason.is_empty() {
        return if required {
            Err(AppError::bilingual(
                Code::MissingField,
                Some("reason"),
                text("사유를 입력해 주세요.", "a reason is required"),
            ))
        } else {
            Ok(None)
        };
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(AppError::bilingual(
            Code::InvalidField,
            Some("reason"),
            text(
                format!("사유는 {MAX_REASON_CHARS}자 이하로 써 주세요."),
                format!("must be at most {MAX_REASON_CHARS} characters"),
            ),
        ));
    }
    Ok(Some(reason.to_owned()))
}

/// The refusal as the caller reads it.
fn refused(refusal: EnrolmentRefusal) -> AppError {
    match refusal {
        EnrolmentRefusal::Duplicate => AppError::bilingual(
            Code::DuplicateApplication,
            Some("cohort"),
            text(
                "이미 이 기수에 신청했습니다.",
                "you already have a live application to this cohort",
            ),
        ),
        EnrolmentRefusal::Stale { expected, found } => {
            let found_status = EnrolmentStatus::parse(&found);
            AppError::bilingual(
                Code::InvalidTransition,
                None,
                text(
                    format!(
                        "신청 상태가 바뀌었습니다(지금: {}). 새로 고쳐 다시 확인해 주세요.",
                        found_status.map_or(found.as_str(), |s| s.label_ko())
                    ),
                    format!("the enrolment is now `{found}`, not `{expected}`; reload and check"),
                ),
            )
        }
        EnrolmentRefusal::Overlapping { other } => AppError::bilingual(
            Code::OverlappingEnrolment,
            None,
            text(
                format!("기간이 겹치는 다른 과정(신청 {other})에 이미 선발되었습니다."),
                format!("the person is already enrolled in an overlapping cohort (enrolment {other})"),
            ),
        ),
        EnrolmentRefusal::Ineligible(why) => {
            AppError::bilingual(Code::IneligibleTrainee, Some("programme"), text(why.ko, why.en))
        }
        EnrolmentRefusal::CohortFull => AppError::bilingual(
            Code::CohortFull,
            Some("cohort"),
            text(
                "이 기수는 정원이 찼고 대기자를 받지 않습니다.",
                "the cohort is full and keeps no waiting list",
            ),
        ),
        EnrolmentRefusal::NoCard => AppError::bilingual(
            Code::InsufficientBalance,
            Some("card"),
            text(
                "국민내일배움카드 계좌가 없습니다. 카드를 먼저 발급받아야 합니다.",
                "the person has no open learning card; a card must be issued first",
            ),
        ),
        // The card's own wording, with both amounts where the balance is short.
        EnrolmentRefusal::Card(r) => crate::card::refusal_error(&r),
    }
}

/// The record's status, parsed (it was written from the vocabulary).
fn status_of(record: &EnrolmentRecord) -> Result<EnrolmentStatus, AppError> {
    EnrolmentStatus::parse(&record.status)
        .ok_or_else(|| AppError::internal(&format_args!("enrolment {} has status `{}`", record.id, record.status)))
}

impl From<EnrolmentError> for AppError {
    fn from(e: EnrolmentError) -> AppError {
        match e {
            EnrolmentError::Refused(r) => refused(r),
            EnrolmentError::Store(e) => e.into(),
        }
    }
}

fn closed(cohort: &Cohort, today: NaiveDate) -> AppError {
    let status = cohort.status(today);
    AppError::bilingual(
        Code::ApplicationsClosed,
        Some("cohort"),
        text(
            format!("이 기수는 지금 신청을 받지 않습니다({}).", status.label_ko()),
            format!("the cohort is not taking applications today ({})", status.label_en()),
        ),
    )
}

fn transition_refused(status: EnrolmentStatus, event: EnrolmentEvent) -> AppError {
    let e = status.after(event).err().map_or_else(
        || text("허용되지 않는 단계입니다.", "this step is not allowed"),
        |e| text(e.message_ko(), e.to_string()),
    );
    AppError::bilingual(Code::InvalidTransition, None, e)
}

impl App {
    /// The course and cohort an enrolment or an application names.
    async fn course_and_cohort(&self, course_id: &str, ordinal: i64) -> Result<(Course, Cohort), AppError> {
        let Some((course, _)) = self.db().catalogue().course(course_id).await? else {
            return Err(AppError::new(
                Code::UnknownCourse,
                Some("course"),
                format!("no course `{course_id}`"),
            ));
        };
        let cohort = usize::try_from(ordinal)
            .ok()
            .and_then(|i| course.cohorts.get(i))
            .cloned()
            .ok_or_else(|| AppError::field(Code::NotFound, "cohort", format!("the course has no cohort {ordinal}")))?;
        Ok((course, cohort))
    }

    /// A record with its parsed status, its course's title and its programme's name.
    fn describe(&self, record: EnrolmentRecord, course_title: Option<String>) -> Result<Enrolment, AppError> {
        Ok(Enrolment {
            course_title,
            programme_name: self
                .engine()
                .policy()
                .programme(&record.programme)
                .map(|p| p.name.clone()),
            status: status_of(&record)?,
            record,
        })
    }

    /// Adds the course title and programme name to records.
    async fn described(&self, records: Vec<EnrolmentRecord>) -> Result<Vec<Enrolment>, AppError> {
        let mut titles: BTreeMap<String, Option<String>> = BTreeMap::new();
        let mut out = Vec::with_capacity(records.len());
        for record in records {
            if !titles.contains_key(&record.course_id) {
                let title = self
                    .db()
                    .catalogue()
                    .course(&record.course_id)
                    .await?
                    .map(|(c, _)| c.title);
                titles.insert(record.course_id.clone(), title);
            }
            let title = titles.get(&record.course_id).cloned().flatten();
            out.push(self.describe(record, title)?);
        }
        Ok(out)
    }

    async fn described_one(&self, record: EnrolmentRecord) -> Result<Enrolment, AppError> {
        let mut one = self.described(vec![record]).await?;
        one.pop()
            .ok_or_else(|| AppError::internal(&"an enrolment vanished while described"))
    }

    /// The signed-in trainee applies to cohort `ordinal` of `course_id` under `programme`.
    pub async fn apply(
        &self,
        actor: &Actor,
        course_id: &str,
        ordinal: i64,
        programme: &str,
    ) -> Result<Enrolment, AppError> {
        let person = self.require_my_person(actor).await?;
        let (course, cohort) = self.course_and_cohort(course_id, ordinal).await?;
        let today = self.today();
        if !cohort.status(today).takes_applications() {
            return Err(closed(&cohort, today));
        }
        // Never record an application the rules would not price.
        let rules = EngineRules::new(self.engine(), course.clone(), cohort.clone(), today);
        let history = self.db().enrolments().of_person(person.id.0).await?;
        if let Err(why) = rules.terms_for(&person.profile, programme, &history) {
            return Err(AppError::bilingual(Code::IneligibleTrainee, Some("programme"), why));
        }
        let application = NewApplication {
            person_id: person.id.0,
            course_id: course.id.to_string(),
            cohort_ordinal: ordinal,
            institution_id: course.institution.to_string(),
            programme: programme.to_owned(),
            cohort_start: cohort.start_date,
            cohort_end: cohort.end_date,
            fee_won: course.fee_won,
            seats: i64::from(cohort.seats_left),
        };
        let record = self.db().enrolments().apply(&application, &actor.audit_name()).await?;
        self.described_one(record).await
    }

    /// The signed-in trainee's applications and enrolments, newest first.
    pub async fn my_enrolments(&self, actor: &Actor) -> Result<Vec<Enrolment>, AppError> {
        let Some(person) = self.my_person(actor).await? else {
            return Ok(Vec::new());
        };
        let records = self.db().enrolments().of_person(person.id.0).await?;
        self.described(records).await
    }

    /// The signed-in trainee's live applications to `course_id` (none for other roles, or
    /// before a profile), for the course page.
    pub async fn my_live_applications(&self, actor: &Actor, course_id: &str) -> Result<Vec<Enrolment>, AppError> {
        if !actor.allows(Permission::OwnLearning) {
            return Ok(Vec::new());
        }
        let Some(person) = self.my_person(actor).await? else {
            return Ok(Vec::new());
        };
        let records = self.db().enrolments().of_person(person.id.0).await?;
        let mut live = Vec::new();
        for record in records.into_iter().filter(|r| r.course_id == course_id) {
            let enrolment = self.describe(record, None)?;
            if enrolment.status.is_live() {
                live.push(enrolment);
            }
        }
        Ok(live)
    }

    /// Enrolment `id` if `actor` may see it: the trainee their own, staff their institution's,
    /// readers of enrolments any. Anything else is `not_found`.
    pub async fn enrolment_for(&self, actor: &Actor, id: i64) -> Result<Enrolment, AppError> {
        let record = self.db().enrolments().enrolment(id).await?;
        let Some(record) = record else {
            return Err(AppError::not_found("enrolment"));
        };
        let visible = if actor.allows(Permission::ReadEnrolments) {
            true
        } else if actor.allows(Permission::DecideApplications) {
            actor.sees_institution(&record.institution_id)
        } else if actor.allows(Permission::OwnLearning) {
            let mine = self.my_person(actor).await?;
            mine.is_some_and(|p| p.id.0 == record.person_id)
        } else {
            false
        };
        if !visible {
            return Err(AppError::not_found("enrolment"));
        }
        self.described_one(record).await
    }

    /// A person's enrolments, for readers of enrolments (or the trainee themself).
    pub async fn enrolments_of_person(&self, actor: &Actor, id: PersonId) -> Result<Vec<Enrolment>, AppError> {
        let person = self.person_for(actor, id).await?;
        let records = self.db().enrolments().of_person(person.id.0).await?;
        self.described(records).await
    }

    /// The applications to the staff member's institution that wait for a decision.
    pub async fn pending_applications(&self, actor: &Actor) -> Result<Vec<Enrolment>, AppError> {
        actor.require(Permission::DecideApplications)?;
        let Some(institution) = actor.scope.as_deref() else {
            return Ok(Vec::new());
        };
        let records = self
            .db()
            .enrolments()
            .pending_of_institution(institution, PENDING_LIMIT)
            .await?;
        self.described(records).await
    }

    /// A cohort's roster, for staff of its institution and readers of enrolments.
    pub async fn cohort_roster(&self, actor: &Actor, course_id: &str, ordinal: i64) -> Result<Roster, AppError> {
        if !(actor.allows(Permission::DecideApplications) || actor.allows(Permission::ReadEnrolments)) {
            return Err(AppError::forbidden("the role may not read rosters"));
        }
        let (course, cohort) = match self.course_and_cohort(course_id, ordinal).await {
            Ok(found) => found,
            Err(e) if matches!(e.code, Code::UnknownCourse) => return Err(AppError::not_found("cohort")),
            Err(e) => return Err(e),
        };
        if actor.allows(Permission::DecideApplications) && !actor.sees_institution(course.institution.as_str()) {
            return Err(AppError::not_found("cohort"));
        }
        let seats = self.db().enrolments().seats(course_id, ordinal).await?;
        let records = self.db().enrolments().of_cohort(course_id, ordinal).await?;
        let enrolments = self.described(records).await?;
        Ok(Roster {
            course,
            ordinal,
            cohort,
            seats,
            enrolments,
        })
    }

    /// Enrolment `id` for a staff step: only staff of its institution; anything else is
    /// `not_found`.
    async fn staff_enrolment(&self, actor: &Actor, id: i64) -> Result<EnrolmentRecord, AppError> {
        actor.require(Permission::DecideApplications)?;
        match self.db().enrolments().enrolment(id).await? {
            Some(record) if actor.sees_institution(&record.institution_id) => Ok(record),
            _ => Err(AppError::not_found("enrolment")),
        }
    }

    /// The rules for accepting into the enrolment's cohort, today.
    async fn rules_for(&self, record: &EnrolmentRecord) -> Result<(Arc<EngineRules>, Cohort, String), AppError> {
        let (course, cohort) = self.course_and_cohort(&record.course_id, record.cohort_ordinal).await?;
        let title = course.title.clone();
        let rules = EngineRules::new(self.engine(), course, cohort.clone(), self.today());
        Ok((Arc::new(rules), cohort, title))
    }

    /// Staff accept or refuse an application.
    pub async fn decide(&self, actor: &Actor, id: i64, decision: Decision) -> Result<DecisionDone, AppError> {
        let record = self.staff_enrolment(actor, id).await?;
        let status = status_of(&record)?;
        match decision {
            Decision::Accept => {
                if status != EnrolmentStatus::Applied {
                    return Err(transition_refused(status, EnrolmentEvent::Accept));
                }
                let (rules, cohort, title) = self.rules_for(&record).await?;
                let acceptance = Acceptance {
                    enrolment_id: id,
                    waiting_list: cohort.waiting_list,
                    seats_if_new: i64::from(cohort.seats_left),
                    rules,
                };
                match self.db().enrolments().accept(&acceptance, &actor.audit_name()).await? {
                    Decided::Accepted(r) => Ok(DecisionDone::Accepted(self.describe(r, Some(title))?)),
                    Decided::Waitlisted(r) => Ok(DecisionDone::Waitlisted(self.describe(r, Some(title))?)),
                }
            }
            Decision::Refuse { reason } => {
                let reason = parse_reason(&reason, true)?;
                let done = self
                    .change(actor, &record, status, EnrolmentEvent::Refuse, reason)
                    .await?;
                Ok(DecisionDone::Refused(done.enrolment))
            }
        }
    }

    /// Staff move an enrolment one step ([`STAFF_STEPS`]).
    pub async fn staff_step(
        &self,
        actor: &Actor,
        id: i64,
        event: EnrolmentEvent,
        reason: &str,
    ) -> Result<StepDone, AppError> {
        let record = self.staff_enrolment(actor, id).await?;
        if !STAFF_STEPS.contains(&event) {
            return Err(AppError::field(
                Code::InvalidField,
                "event",
                format!("`{event}` is not a staff step"),
            ));
        }
        let reason = parse_reason(reason, needs_reason(event))?;
        let status = status_of(&record)?;
        self.change(actor, &record, status, event, reason).await
    }

    /// The signed-in trainee withdraws their own application or enrolment, free of charge: any
    /// time before a seat is taken, and with a seat up to the free-withdrawal days after the
    /// start (the hold is released in full, or, once training has started, the charge is
    /// refunded). After that the institution records the end of training instead.
    pub async fn withdraw(&self, actor: &Actor, id: i64) -> Result<StepDone, AppError> {
        let person = self.require_my_person(actor).await?;
        let record = match self.db().enrolments().enrolment(id).await? {
            Some(r) if r.person_id == person.id.0 => r,
            _ => return Err(AppError::not_found("enrolment")),
        };
        let status = status_of(&record)?;
        if status.holds_seat() {
            let today = self.today();
            let last = self.last_free_day(&record);
            if today > last {
                return Err(AppError::bilingual(
                    Code::InvalidTransition,
                    None,
                    text(
                        format!("무료 철회 기간이 {last}에 끝났습니다. 중도 포기는 훈련기관에 알려 주세요."),
                        format!(
                            "the free withdrawal period ended on {last}; tell the institution to record \
                             that you leave"
                        ),
                    ),
                ));
            }
        }
        self.change(actor, &record, status, EnrolmentEvent::Withdraw, None)
            .await
    }

    /// One checked status change: the transition, its card effect and the seat it frees.
    async fn change(
        &self,
        actor: &Actor,
        record: &EnrolmentRecord,
        status: EnrolmentStatus,
        event: EnrolmentEvent,
        reason: Option<String>,
    ) -> Result<StepDone, AppError> {
        let next = status.after(event).map_err(|_| transition_refused(status, event))?;
        let today = self.today();
        let engine = self.engine();
        let card = match event {
            EnrolmentEvent::Start => CardEffect::ConvertHeld {
                rule: CardCharge::RULE.to_owned(),
                params: serde_json::json!({ "converted_on": today, "enrolment_id": record.id }),
            },
            EnrolmentEvent::DropOut => self.dropout_deduction(&engine, record, today).await?,
            // A withdrawal from training (only within the free days): the charge comes back.
            EnrolmentEvent::Withdraw if status == EnrolmentStatus::InTraining => free_withdrawal_refund(
                engine.card_terms(record.cohort_start).free_withdrawal_days,
                self.last_free_day(record),
            ),
            // A seat given up before training: the hold comes back (after the start it was
            // charged, and nothing is held).
            _ if status.holds_seat() && !next.holds_seat() => {
                let reason = if event == EnrolmentEvent::Withdraw {
                    ReleaseReason::Withdrawn
                } else {
                    ReleaseReason::Refused
                };
                CardEffect::ReleaseHeld {
                    rule: reason.rule().to_owned(),
                    params: serde_json::json!({ "reason": reason.as_str(), "event": event.as_str() }),
                }
            }
            _ => CardEffect::None,
        };
        let frees_seat = status.holds_seat() && !next.holds_seat();
        // A freed seat before the start, or given up in the free-withdrawal days after it, goes
        // to the waiting list.
        let offer_freed_seat = if frees_seat && (today < record.cohort_start || event == EnrolmentEvent::Withdraw) {
            match self.rules_for(record).await {
                Ok((rules, _, _)) => Some(rules as Arc<dyn AcceptanceRules>),
                Err(e) if matches!(e.code, Code::UnknownCourse | Code::NotFound) => None,
                Err(e) => return Err(e),
            }
        } else {
            None
        };
        let change = StatusChange {
            enrolment_id: record.id,
            from: status.as_str().to_owned(),
            to: next.as_str().to_owned(),
            event: event.as_str().to_owned(),
            reason,
            on_date: today,
            card,
            frees_seat,
            offer_freed_seat,
        };
        let changed = self.db().enrolments().change(&change, &actor.audit_name()).await?;
        Ok(StepDone {
            enrolment: self.described_one(changed.enrolment).await?,
            offers: changed.offers,
        })
    }

    /// The last day a seat can be given up free: the cohort's start plus the policy's
    /// free-withdrawal days (in force on the start).
    pub fn last_free_day(&self, record: &EnrolmentRecord) -> NaiveDate {
        let days = self.engine().card_terms(record.cohort_start).free_withdrawal_days;
        record
            .cohort_start
            .checked_add_days(Days::new(u64::from(days)))
            .unwrap_or(record.cohort_start)
    }

    /// The card deduction for dropping out: none within the free period; after it, the policy's
    /// amount for the person's count of earlier dropouts.
    async fn dropout_deduction(
        &self,
        engine: &Engine,
        record: &EnrolmentRecord,
        today: NaiveDate,
    ) -> Result<CardEffect, AppError> {
        let last_free = self.last_free_day(record);
        if today <= last_free {
            return Ok(CardEffect::None);
        }
        let earlier = self
            .db()
            .enrolments()
            .of_person(record.person_id)
            .await?
            .iter()
            .filter(|e| e.id != record.id && e.status == EnrolmentStatus::DroppedOut.as_str())
            .count();
        let nth = u32::try_from(earlier + 1).unwrap_or(u32::MAX);
        let terms = engine.card_terms(today);
        let amount = terms.dropout_deduction(nth);
        if amount.0 <= 0 {
            return Ok(CardEffect::None);
        }
        Ok(CardEffect::Deduct {
            amount_won: amount.0,
            rule: DROPOUT_DEDUCTIONS.to_owned(),
            params: serde_json::json!({ "nth": nth, "deduction_won": amount.0, "free_until": last_free }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aiup_store::CardRefusal;

    #[test]
    fn reasons_are_trimmed_required_and_bounded() {
        assert_eq!(parse_reason("  ", false).unwrap(), None);
        let missing = parse_reason(" ", true).unwrap_err();
        assert_eq!(
            (missing.code, missing.field.as_deref()),
            (Code::MissingField, Some("reason"))
        );
        assert!(missing.message_in(true).contains("사유"));
        assert_eq!(parse_reason(" 정원 초과 ", true).unwrap().as_deref(), Some("정원 초과"));
        let long = "가".repeat(MAX_REASON_CHARS + 1);
        assert_eq!(parse_reason(&long, true).unwrap_err().code, Code::InvalidField);
    }

    #[test]
    fn refusals_name_their_code_in_both_languages() {
        let e = refused(EnrolmentRefusal::Card(CardRefusal::InsufficientBalance {
            card_id: 1,
            balance_won: 100_000,
            needed_won: 440_000,
        }));
        assert_eq!(e.code, Code::InsufficientBalance);
        assert!(e.message_in(true).contains("100,000") && e.message_in(true).contains("440,000"));
        assert!(e.message_in(false).contains("₩440,000") && e.message_in(false).contains("₩100,000"));
        assert_eq!(refused(EnrolmentRefusal::Duplicate).code, Code::DuplicateApplication);
        assert_eq!(refused(EnrolmentRefusal::CohortFull).code, Code::CohortFull);
    }
}
