//! One table of stable error codes, each bound to its HTTP status (in the spirit of
//! meilisearch's `Code`). Every error type of the service layer maps into [`AppError`], and the
//! HTTP layer renders an `AppError` as `{"error": {"code", "field", "message"}}` with the
//! code's status. docs/errors.md lists the same table; a test keeps the two equal.

use aiup_rules::CaseError;
use aiup_store::StoreError;
use serde::Serialize;

macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = ($name:literal, $status:literal),)*) => {
        /// A stable error code. Codes never change meaning; new ones may be added.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $($(#[$doc])* $variant,)*
        }

        impl Code {
            /// Every code, in the order of docs/errors.md.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as it appears in answers, e.g. `invalid_field`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// The HTTP status the code is answered with.
            pub fn http_status(self) -> u16 {
                match self { $(Code::$variant => $status,)* }
            }

            /// The code named `name`, if there is one.
            pub fn parse(name: &str) -> Option<Code> {
                match name { $($name => Some(Code::$variant),)* _ => None }
            }
        }
    };
}

codes! {
    /// The body is not JSON, or not a JSON object, or not UTF-8.
    MalformedJson = ("malformed_json", 400),
    /// The request cannot be read: a bad request with no more precise code.
    BadRequest = ("bad_request", 400),
    /// A field has the wrong type or an unknown value, or is not a known field.
    InvalidField = ("invalid_field", 422),
    /// A field the request needs is absent.
    MissingField = ("missing_field", 422),
    UnknownProgramme = ("unknown_programme", 422),
    ProgrammeNotTraineeFacing = ("programme_not_trainee_facing", 422),
    /// `course.region` matches no region or several.
    UnknownRegion = ("unknown_region", 422),
    InvalidDate = ("invalid_date", 422),
    EndBeforeStart = ("end_before_start", 422),
    DateOutsidePolicy = ("date_outside_policy", 422),
    CourseTooLong = ("course_too_long", 422),
    InvalidHours = ("invalid_hours", 422),
    InvalidAmount = ("invalid_amount", 422),
    InvalidRate = ("invalid_rate", 422),
    IneligibleTrainee = ("ineligible_trainee", 422),
    PeriodOutOfRange = ("period_out_of_range", 422),
    AttendanceExceedsSchedule = ("attendance_exceeds_schedule", 422),
    AttendanceExceedsPeriod = ("attendance_exceeds_period", 422),
    InvalidReform = ("invalid_reform", 422),
    /// `GET /api/v1/regions/{query}` found nothing.
    RegionNotFound = ("region_not_found", 404),
    AmbiguousRegion = ("ambiguous_region", 422),
    /// A query-string parameter is unknown or has a bad value.
    InvalidParameter = ("invalid_parameter", 422),
    UnknownCourse = ("unknown_course", 404),
    /// Not an HTTP error of its own: why a course shows no support for a profile.
    NoTraineeSupport = ("no_trainee_support", 422),
    /// CLI only: a catalogue file has bad records.
    InvalidCatalogue = ("invalid_catalogue", 422),
    /// A new password breaks the password rules.
    WeakPassword = ("weak_password", 422),
    /// No such page or record, or one the caller may not see.
    NotFound = ("not_found", 404),
    MethodNotAllowed = ("method_not_allowed", 405),
    /// The write clashes with stored data (e.g. a login already taken).
    Conflict = ("conflict", 409),
    /// The trainee already has a live application to this cohort.
    DuplicateApplication = ("duplicate_application", 409),
    /// The cohort has no seat left (and keeps no waiting list, or the list is closed).
    CohortFull = ("cohort_full", 409),
    /// The cohort is not taking applications today.
    ApplicationsClosed = ("applications_closed", 409),
    /// The learning card's balance is below what the enrolment would hold.
    InsufficientBalance = ("insufficient_balance", 409),
    /// The trainee is already enrolled in a cohort whose dates overlap.
    OverlappingEnrolment = ("overlapping_enrolment", 409),
    /// The enrolment's status does not allow this step (e.g. withdrawing a completed course).
    InvalidTransition = ("invalid_transition", 409),
    /// The step needs a person profile (or a learning card) that the trainee has not made yet.
    ProfileRequired = ("profile_required", 409),
    /// An attendance day is before the course's start, after its end, or not a training day.
    OutsideCourseDates = ("outside_course_dates", 422),
    /// Attendance for a day that has not come yet (Asia/Seoul).
    FutureDay = ("future_day", 422),
    /// The trainee is not (or no longer) enrolled in this cohort.
    NotInCohort = ("not_in_cohort", 422),
    /// A check-in code is wrong, expired or for another cohort.
    InvalidCheckinCode = ("invalid_checkin_code", 422),
    /// The trainee already used this check-in code.
    CheckinCodeUsed = ("checkin_code_used", 409),
    /// A correction of recorded attendance needs a reason (and, where the rules ask, evidence).
    CorrectionReasonRequired = ("correction_reason_required", 422),
    /// An uploaded attendance CSV has bad rows; every one is listed, and nothing was stored.
    InvalidAttendanceCsv = ("invalid_attendance_csv", 422),
    /// A business registration number is malformed or its check digit is wrong.
    InvalidBusinessNumber = ("invalid_business_number", 422),
    /// An industry code is not a KSIC section or division.
    UnknownKsicCode = ("unknown_ksic_code", 422),
    /// A firm appears twice in one import file.
    DuplicateFirm = ("duplicate_firm", 409),
    /// An uploaded firm registry CSV has bad rows; every one is listed, and nothing was stored.
    InvalidFirmCsv = ("invalid_firm_csv", 422),
    /// An uploaded partner-programme participant CSV has bad rows; nothing was stored.
    InvalidPartnerCsv = ("invalid_partner_csv", 422),
    /// An uploaded demand-survey CSV has bad rows (answers out of range); nothing was stored.
    InvalidSurveyCsv = ("invalid_survey_csv", 422),
    /// The step needs the firm's diagnosis first (a prescription is made from one).
    FirmNotDiagnosed = ("firm_not_diagnosed", 409),
    /// Staff can be enrolled only into a training plan the firm's HR lead has accepted.
    PlanNotAccepted = ("plan_not_accepted", 409),
    /// An uploaded instructor or track-completion CSV of the instructor academy has bad rows; nothing was stored.
    InvalidAcademyCsv = ("invalid_academy_csv", 422),
    /// A completion of a track the instructor already stands completed in, or a withdrawal of one they do not.
    CompletionConflict = ("completion_conflict", 409),
    /// An uploaded site CSV (physical AI labs, joint training centres) has bad rows; nothing was stored.
    InvalidSiteCsv = ("invalid_site_csv", 422),
    /// The person who ran a payroll tried to approve it.
    SelfApproval = ("self_approval", 403),
    /// An uploaded outcomes file (employment, startups or outside figures) has bad rows; every
    /// one is listed with its line and field, and nothing was stored.
    InvalidOutcomeCsv = ("invalid_outcome_csv", 422),
    /// Records that name people by an outside identifier need the server's identifier key
    /// (`AIUP_IDENTIFIER_KEY`), and none is configured.
    NoIdentifierKey = ("no_identifier_key", 409),
    /// The startup-hiring grant was asked for a firm that does not meet its conditions.
    GrantNotEligible = ("grant_not_eligible", 409),
    /// The request body is larger than the limit.
    PayloadTooLarge = ("payload_too_large", 413),
    UnsupportedMediaType = ("unsupported_media_type", 415),
    /// The request took longer than the server allows.
    RequestTimeout = ("request_timeout", 408),
    /// Sign-in needed: no session, or no valid bearer token.
    Unauthenticated = ("unauthenticated", 401),
    /// The login and password do not match an enabled account.
    InvalidCredentials = ("invalid_credentials", 401),
    /// Signed in, but the role does not allow this.
    Forbidden = ("forbidden", 403),
    /// A form was posted without the right CSRF token.
    CsrfRejected = ("csrf_rejected", 403),
    /// Too many failed sign-ins; the message says how long to wait.
    TooManyAttempts = ("too_many_attempts", 429),
    /// The database is busy (a lock was held too long); try again.
    DatabaseBusy = ("database_busy", 503),
    /// `/healthz`: the database did not answer.
    DatabaseUnavailable = ("database_unavailable", 503),
    /// A fault on our side: logged in full, answered without detail.
    Internal = ("internal", 500),
}

/// An error as every caller sees it: a code, the field at fault, and a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppError {
    #[serde(serialize_with = "code_name")]
    pub code: Code,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub message: String,
    /// The message in Korean, where the service wrote one: pages show it to Korean readers (the
    /// JSON answer keeps its documented English `message`).
    #[serde(skip)]
    pub message_ko: Option<String>,
}

fn code_name<S: serde::Serializer>(code: &Code, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(code.as_str())
}

impl AppError {
    pub fn new(code: Code, field: Option<&str>, message: impl Into<String>) -> AppError {
        AppError {
            code,
            field: field.map(str::to_owned),
            message: message.into(),
            message_ko: None,
        }
    }

    /// An error with its message in Korean and English.
    pub fn bilingual(code: Code, field: Option<&str>, text: aiup_core::policy::Text) -> AppError {
        AppError {
            code,
            field: field.map(str::to_owned),
            message: text.en,
            message_ko: Some(text.ko),
        }
    }

    /// The message for a reader of `korean` or English.
    pub fn message_in(&self, korean: bool) -> &str {
        match (&self.message_ko, korean) {
            (Some(ko), true) => ko,
            _ => &self.message,
        }
    }

    pub fn field(code: Code, field: &str, message: impl Into<String>) -> AppError {
        AppError::new(code, Some(field), message)
    }

    pub fn not_found(what: &str) -> AppError {
        AppError::new(Code::NotFound, None, format!("{what} was not found"))
    }

    pub fn forbidden(message: impl Into<String>) -> AppError {
        AppError::new(Code::Forbidden, None, message)
    }

    /// An internal failure: logged in full here, answered without detail.
    pub fn internal(error: &dyn std::fmt::Display) -> AppError {
        tracing::error!(%error, "internal error");
        AppError::new(
            Code::Internal,
            None,
            "the server could not complete the request; it has been logged",
        )
    }

    pub fn http_status(&self) -> u16 {
        self.code.http_status()
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{field}: {} [{}]", self.message, self.code.as_str()),
            None => write!(f, "{} [{}]", self.message, self.code.as_str()),
        }
    }
}

impl std::error::Error for AppError {}

impl From<CaseError> for AppError {
    fn from(e: CaseError) -> AppError {
        match Code::parse(e.code) {
            Some(Code::Internal) | None => AppError::internal(&format_args!("{}: {} ({})", e.field, e.reason, e.code)),
            Some(code) => AppError {
                code,
                field: Some(e.field),
                message: e.reason,
                message_ko: Some(e.reason_ko),
            },
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        match e {
            StoreError::NotFound { what, .. } => AppError::not_found(&what),
            StoreError::Conflict { what, key, reason } => {
                AppError::new(Code::Conflict, None, format!("{what} `{key}`: {reason}"))
            }
            other if other.is_busy() => {
                AppError::new(Code::DatabaseBusy, None, "the database is busy; try again in a moment")
            }
            other => AppError::internal(&other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_parse_back() {
        let mut seen = std::collections::BTreeSet::new();
        for &code in Code::ALL {
            assert!(seen.insert(code.as_str()), "{} twice", code.as_str());
            assert_eq!(Code::parse(code.as_str()), Some(code));
            assert!((400..600).contains(&code.http_status()));
        }
    }

    #[test]
    fn an_internal_case_error_is_a_500_without_detail() {
        let e = AppError::from(CaseError::new("internal", "(response)", "secret detail"));
        assert_eq!(e.http_status(), 500);
        assert!(!e.message.contains("secret"));
    }

    #[test]
    fn store_not_found_and_conflict_keep_their_status() {
        let nf = AppError::from(StoreError::NotFound {
            what: "account".into(),
            key: "7".into(),
        });
        assert_eq!(nf.http_status(), 404);
        let conflict = AppError::from(StoreError::Conflict {
            what: "account".into(),
            key: "kim".into(),
            reason: "the login is taken".into(),
        });
        assert_eq!(conflict.http_status(), 409);
    }
}
