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
use aiup_core::money::Won;
use aiup_core::policy::{ParamValue, Text, TuitionScheme};
use aiup_people::{EnrolmentEvent, EnrolmentStatus, PersonId, Profile};
use aiup_rules::case::{CaseJson, CourseJson, TraineeJson};
use aiup_rules::Engine;
use aiup_store::{
    Acceptance, AcceptanceRules, AcceptanceTerms, CardEffect, CardRefusal, CohortSeats, Decided, EnrolmentError,
    EnrolmentRecord, EnrolmentRefusal, Ineligible, NewApplication, Offer, PersonRecord, StatusChange,
};
use chrono::{Days, NaiveDate};

use crate::accounts::{Actor, Permission};
use crate::people::input_of;
use crate::{App, AppError, Code};

/// The longest reason staff may give, in characters.
pub const MAX_REASON_CHARS: usize = 500;
/// The most pending applications one page lists.
pub const PENDING_LIMIT: i64 = 500;

/// The policy parameter of the free-withdrawal period (days after the start).
pub const FREE_WITHDRAWAL_DAYS: &str = "enrolment.free_withdrawal_days";
/// The policy parameter of the dropout deductions (1st, 2nd, 3rd and later).
pub const DROPOUT_DEDUCTIONS: &str = "tuition.card.dropout_deductions_won";
/// The rule cited by a card hold or charge: the card pays the supported share.
pub const CARD_SHARE_RULE: &str = "tuition.card.supported_share";

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

    /// The terms for `profile` under `programme`, or why the profile is not admitted.
    pub fn terms_for(&self, profile: &Profile, programme: &str) -> Result<AcceptanceTerms, Text> {
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
        let case = engine
            .parse_case(&self.case_json(profile, programme))
            .map_err(|e| e.message())?;
        let totals = engine.totals(&case);
        let card_pays = card_charging(p.tuition_scheme);
        let card_hold_won = if card_pays { totals.tuition_support_won } else { 0 };
        Ok(AcceptanceTerms {
            card_hold_won,
            self_payment_won: totals.self_payment_won,
            on_date: self.on_date,
            rule: CARD_SHARE_RULE.to_owned(),
            params: serde_json::json!({
                "policy_version": engine.policy().version,
                "programme": programme,
                "tuition_scheme": format!("{:?}", p.tuition_scheme),
                "fee_won": self.course.fee_won,
                "supported_won": totals.tuition_support_won,
                "self_payment_won": totals.self_payment_won,
            }),
        })
    }

    fn case_json(&self, profile: &Profile, programme: &str) -> CaseJson {
        let course = &self.course;
        let number = |text: String| text.parse::<serde_json::Number>().unwrap_or_else(|_| 0.into());
        CaseJson {
            programme: programme.to_owned(),
            course: CourseJson {
                region: course.region.to_string(),
                start_date: self.cohort.start_date.to_string(),
                end_date: self.cohort.end_date.to_string(),
                total_hours: number(course.total_hours.to_string()),
                hours_per_day: number(course.hours_per_day.to_string()),
                delivery: course.delivery.as_str().to_owned(),
                fee_won: Some(course.fee_won),
                base_unit_price_won_per_hour: course.base_unit_price_won_per_hour,
                ai_course: Some(course.is_ai_course()),
                self_payment_rate_percent: course.self_payment_rate_percent.map(serde_json::Number::from),
                provision: None,
            },
            trainee: TraineeJson {
                status: profile.status.as_str().to_owned(),
                employer_size: profile.employer_size.map(|s| s.as_str().to_owned()),
                exempt_group: false,
                vulnerable_group: false,
                card_balance_won: None,
            },
            period: 1,
            attendance: None,
        }
    }
}

/// Whether the card pays the supported share of a programme with this tuition scheme (the
/// employer and SME schemes are paid to the firm, not from the card).
fn card_charging(scheme: TuitionScheme) -> bool {
    matches!(
        scheme,
        TuitionScheme::Card | TuitionScheme::AiAssistant | TuitionScheme::Kdc | TuitionScheme::PriorityTable
    )
}

impl AcceptanceRules for EngineRules {
    fn terms(&self, person: &PersonRecord, enrolment: &EnrolmentRecord) -> Result<AcceptanceTerms, Ineligible> {
        let profile = input_of(&person.fields)
            .parse(self.engine.regions())
            .map_err(|_| Ineligible {
                ko: "프로필을 다시 확인해 주세요.".to_owned(),
                en: "the profile no longer parses; review it".to_owned(),
            })?;
        self.terms_for(&profile, &enrolment.programme)
            .map_err(|t| Ineligible { ko: t.ko, en: t.en })
    }
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
        EnrolmentRefusal::Card(CardRefusal::InsufficientBalance {
            balance_won,
            needed_won,
            ..
        }) => AppError::bilingual(
            Code::InsufficientBalance,
            Some("card"),
            text(
                format!(
                    "카드 잔액이 부족합니다: 잔액 {}, 필요 {}.",
                    Won(balance_won),
                    Won(needed_won)
                ),
                format!(
                    "the learning card has {} but {} is needed",
                    Won(balance_won),
                    Won(needed_won)
                ),
            ),
        ),
        EnrolmentRefusal::Card(CardRefusal::Expired { expires_on, .. }) => AppError::bilingual(
            Code::InsufficientBalance,
            Some("card"),
            text(
                format!("카드 유효기간이 끝났습니다({expires_on})."),
                format!("the learning card expired on {expires_on}"),
            ),
        ),
        EnrolmentRefusal::Card(other) => AppError::internal(&other),
    }
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

/// The value of a count parameter on `date`.
fn count_param(engine: &Engine, id: &str, date: NaiveDate) -> Result<u32, AppError> {
    match engine.policy().parameter(id).and_then(|p| p.at(date)).map(|v| &v.value) {
        Some(ParamValue::Count(n)) => Ok(*n),
        _ => Err(AppError::internal(&format_args!(
            "policy parameter {id} has no count on {date}"
        ))),
    }
}

/// The value of a won-list parameter on `date`.
fn won_list_param(engine: &Engine, id: &str, date: NaiveDate) -> Result<Vec<i64>, AppError> {
    match engine.policy().parameter(id).and_then(|p| p.at(date)).map(|v| &v.value) {
        Some(ParamValue::WonList(list)) => Ok(list.iter().map(|w| w.0).collect()),
        _ => Err(AppError::internal(&format_args!(
            "policy parameter {id} has no amounts on {date}"
        ))),
    }
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

    /// Adds the course title and programme name to records.
    async fn described(&self, records: Vec<EnrolmentRecord>) -> Result<Vec<Enrolment>, AppError> {
        let engine = self.engine();
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
            let status = EnrolmentStatus::parse(&record.status).ok_or_else(|| {
                AppError::internal(&format_args!("enrolment {} has status `{}`", record.id, record.status))
            })?;
            out.push(Enrolment {
                course_title: titles.get(&record.course_id).cloned().flatten(),
                programme_name: engine.policy().programme(&record.programme).map(|p| p.name.clone()),
                status,
                record,
            });
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
        if let Err(why) = rules.terms_for(&person.profile, programme) {
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
    async fn rules_for(&self, record: &EnrolmentRecord) -> Result<(Arc<EngineRules>, Cohort), AppError> {
        let (course, cohort) = self.course_and_cohort(&record.course_id, record.cohort_ordinal).await?;
        let rules = EngineRules::new(self.engine(), course, cohort.clone(), self.today());
        Ok((Arc::new(rules), cohort))
    }

    /// Staff accept or refuse an application.
    pub async fn decide(&self, actor: &Actor, id: i64, decision: Decision) -> Result<DecisionDone, AppError> {
        let record = self.staff_enrolment(actor, id).await?;
        let status = self.described_one(record.clone()).await?.status;
        match decision {
            Decision::Accept => {
                if status != EnrolmentStatus::Applied {
                    return Err(transition_refused(status, EnrolmentEvent::Accept));
                }
                let (rules, cohort) = self.rules_for(&record).await?;
                let acceptance = Acceptance {
                    enrolment_id: id,
                    waiting_list: cohort.waiting_list,
                    rules,
                };
                match self.db().enrolments().accept(&acceptance, &actor.audit_name()).await? {
                    Decided::Accepted(r) => Ok(DecisionDone::Accepted(self.described_one(r).await?)),
                    Decided::Waitlisted(r) => Ok(DecisionDone::Waitlisted(self.described_one(r).await?)),
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
        let status = self.described_one(record.clone()).await?.status;
        self.change(actor, &record, status, event, reason).await
    }

    /// The signed-in trainee withdraws their own application or enrolment, free of charge: any
    /// time before a seat is taken, and with a seat up to the free-withdrawal days after the
    /// start (the hold is released in full). After training has started the institution
    /// records the end of training instead.
    pub async fn withdraw(&self, actor: &Actor, id: i64) -> Result<StepDone, AppError> {
        let person = self.require_my_person(actor).await?;
        let record = match self.db().enrolments().enrolment(id).await? {
            Some(r) if r.person_id == person.id.0 => r,
            _ => return Err(AppError::not_found("enrolment")),
        };
        let status = self.described_one(record.clone()).await?.status;
        if status == EnrolmentStatus::InTraining {
            return Err(AppError::bilingual(
                Code::InvalidTransition,
                None,
                text(
                    "훈련이 이미 시작되었습니다. 중도 포기는 훈련기관에 알려 주세요.",
                    "training has started; tell the institution to record that you leave",
                ),
            ));
        }
        if status == EnrolmentStatus::Accepted {
            let today = self.today();
            if today > record.cohort_start {
                let days = count_param(&self.engine(), FREE_WITHDRAWAL_DAYS, record.cohort_start)?;
                let last = record
                    .cohort_start
                    .checked_add_days(Days::new(u64::from(days)))
                    .unwrap_or(record.cohort_start);
                if today > last {
                    return Err(AppError::bilingual(
                        Code::InvalidTransition,
                        None,
                        text(
                            format!("무료 철회 기간이 {last}에 끝났습니다. 훈련기관에 문의해 주세요."),
                            format!("the free withdrawal period ended on {last}; ask the institution"),
                        ),
                    ));
                }
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
                rule: CARD_SHARE_RULE.to_owned(),
                params: serde_json::json!({ "started_on": today, "cohort_start": record.cohort_start }),
            },
            EnrolmentEvent::DropOut => self.dropout_deduction(&engine, record, today).await?,
            _ if status.holds_seat() && !next.holds_seat() && next != EnrolmentStatus::Completed => {
                CardEffect::ReleaseHeld {
                    rule: FREE_WITHDRAWAL_DAYS.to_owned(),
                    params: serde_json::json!({ "event": event.as_str(), "cohort_start": record.cohort_start }),
                }
            }
            _ => CardEffect::None,
        };
        let frees_seat = status.holds_seat() && !next.holds_seat();
        // A freed seat before the start goes to the waiting list.
        let offer_freed_seat = if frees_seat && today < record.cohort_start {
            match self.rules_for(record).await {
                Ok((rules, _)) => Some(rules as Arc<dyn AcceptanceRules>),
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

    /// The card deduction for dropping out: none within the free period; after it, the policy's
    /// amount for the person's count of earlier dropouts.
    async fn dropout_deduction(
        &self,
        engine: &Engine,
        record: &EnrolmentRecord,
        today: NaiveDate,
    ) -> Result<CardEffect, AppError> {
        let days = count_param(engine, FREE_WITHDRAWAL_DAYS, record.cohort_start)?;
        let last_free = record
            .cohort_start
            .checked_add_days(Days::new(u64::from(days)))
            .unwrap_or(record.cohort_start);
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
        let amounts = won_list_param(engine, DROPOUT_DEDUCTIONS, today)?;
        let Some(&amount_won) = amounts.get(earlier.min(amounts.len().saturating_sub(1))) else {
            return Ok(CardEffect::None);
        };
        Ok(CardEffect::Deduct {
            amount_won,
            rule: DROPOUT_DEDUCTIONS.to_owned(),
            params: serde_json::json!({ "earlier_dropouts": earlier, "amounts_won": amounts, "free_until": last_free }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
