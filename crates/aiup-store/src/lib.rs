//! aiup storage.
//!
//! [`connect`] opens a [`Database`] (the URL scheme picks the backend) and runs its migrations.
//! A `Database` hands out one trait object per aggregate:
//!
//! | accessor | trait | holds |
//! | --- | --- | --- |
//! | [`Database::policy`] | [`PolicyStore`] | policy versions and their files |
//! | [`Database::regions`] | [`RegionStore`] | the region table and its aliases |
//! | [`Database::audit`] | [`AuditStore`] | the append-only audit log |
//! | [`Database::catalogue`] | [`CatalogueStore`] | institutions, courses and cohorts |
//! | [`Database::accounts`] | [`AccountStore`] | accounts, sessions, API tokens, sign-in failures |
//! | [`Database::people`] | [`PersonStore`] | person profiles (no names, no resident numbers) |
//! | [`Database::enrolment_reports`] | [`EnrolmentReports`] | counts of people and enrolments (reads only) |
//! | [`Database::region_reports`] | [`RegionReports`] | people, money, months and SME firms for the regional dashboards (reads only) |
//! | [`Database::dashboard_reports`] | [`DashboardReports`] | the dashboards' counts and sums (reads only) |
//! | [`Database::diagnoses`] | [`DiagnosisStore`] | AI-competency diagnosis runs, append-only |
//! | [`Database::enrolments`] | [`EnrolmentStore`] | applications, cohort seats, the enrolment history |
//! | [`Database::cards`] | [`CardStore`] | learning-card accounts and their append-only ledgers |
//! | [`Database::attendance`] | [`AttendanceStore`] | training days by month, corrections, check-in code uses |
//! | [`Database::payroll`] | [`PayrollStore`] | allowance payroll runs and their append-only payment ledger |
//! | [`Database::population`] | [`PopulationStore`] | bulk loads of a synthetic population |
//!
//! Every mutating method writes its audit event in the same transaction as its change.
//!
//! Layout: `src/<aggregate>.rs` holds the trait and its storage models; `src/shared/` holds the
//! SQL both backends run, written once and generic over the sqlx database; `src/sqlite/` and
//! `src/postgres/` hold what really differs (connecting, migrations, how a write transaction
//! starts, and a few statements per aggregate). No pool or connection leaves this crate.
//!
//! With the `testing` feature, [`testing`] exposes the conformance suite every backend must pass
//! and a harness that provides a fresh PostgreSQL database for tests.

use std::fmt;

use serde::{Deserialize, Serialize};
use sqlx::error::DatabaseError;

mod academy;
mod accounts;
mod attendance;
mod audit;
mod cards;
mod catalogue;
mod dashboard_reports;
mod diagnosis;
mod enrolment_reports;
mod enrolments;
mod outcomes;
mod payroll;
mod people;
mod policy;
mod population;
mod postgres;
mod reforms;
mod region_reports;
mod regions;
mod shared;
mod sites;
mod sme_diagnosis;
mod sme_firms;
mod sme_survey;
mod sme_visits;
mod sqlite;

#[cfg(feature = "testing")]
pub mod testing;

#[cfg(test)]
mod tests;

pub use academy::{
    AcademyCounts, AcademyStore, CompletionImportSummary, CompletionRecord, InstructorImportSummary, InstructorRecord,
    NewCompletion, NewInstructor, TrackCount, TrackStep, ACADEMY_PROVIDERS, ACTION_ACADEMY_COMPLETIONS_IMPORT,
    ACTION_ACADEMY_INSTRUCTORS_IMPORT,
};
pub use accounts::{
    AccountChange, AccountRecord, AccountStore, NewAccount, NewToken, SessionRecord, TokenRecord,
    ACTION_ACCOUNT_CREATE, ACTION_ACCOUNT_UPDATE, ACTION_SESSION_CREATE, ACTION_SESSION_DELETE, ACTION_TOKEN_CREATE,
    ACTION_TOKEN_REVOKE,
};
pub use attendance::{
    AttendanceError, AttendanceMonth, AttendanceStore, AttendanceWrite, CodeUse, CorrectionRecord, MonthWrite,
    NewCorrection, ACTION_ATTENDANCE_CORRECT, ACTION_ATTENDANCE_LOAD, ACTION_ATTENDANCE_RECORD,
};
pub use audit::{seoul_date, AuditEvent, AuditFilter, AuditStore, NewAuditEvent};
pub use cards::{
    CardAccountRecord, CardEntryKind, CardEntryRecord, CardError, CardRefusal, CardStore, NewCardAccount, NewCardEntry,
    ACTION_CARD_ENTRY_PREFIX, ACTION_CARD_OPEN,
};
pub use catalogue::{CatalogueImportSummary, CatalogueStore, ACTION_CATALOGUE_IMPORT};
pub use dashboard_reports::{
    DashboardFigures, DashboardQuery, DashboardReports, EnrolmentTally, GroupFirms, GroupPeople, InTrainingEnrolment,
    MonthMoney, ProgrammeMoney,
};
pub use diagnosis::{
    DiagnosisAnswer, DiagnosisResult, DiagnosisRun, DiagnosisStore, NewDiagnosisRun, ACTION_DIAGNOSIS_RECORD,
};
pub use enrolment_reports::{
    EnrolmentCount, EnrolmentReport, EnrolmentReportFilter, EnrolmentReports, PeopleCount, ProgrammePeople,
};
pub use enrolments::{
    Acceptance, AcceptanceRules, AcceptanceTerms, CardEffect, Changed, CohortSeats, Decided, EnrolmentError,
    EnrolmentEventRecord, EnrolmentRecord, EnrolmentRefusal, EnrolmentStore, Ineligible, NewApplication, Offer,
    StatusChange, ACTION_ENROLMENT_APPLY, ACTION_ENROLMENT_PREFIX, LIVE_STATUSES,
};
pub use outcomes::{
    EmploymentRow, FactSource, FigureRow, GraduateRow, GrantDecisionRecord, NewGrantDecision, NewOutcomeImport,
    OutcomeImportRecord, OutcomeImportResult, OutcomeRows, OutcomeStore, StartupRow, StoredEmployment, StoredFigure,
    StoredStartup, ACTION_OUTCOMES_GRANT, ACTION_OUTCOMES_IMPORT, OUTCOME_IMPORT_KINDS,
};
pub use payroll::{
    NewPayrollLine, PaidPeriod, PayrollError, PayrollLineRecord, PayrollRunRecord, PayrollStore, PayrollTotal,
    TotalsBy, ACTION_PAYROLL_APPROVE, ACTION_PAYROLL_CANCEL, ACTION_PAYROLL_EXPORT, ACTION_PAYROLL_PREFIX,
    ACTION_PAYROLL_RUN, RUN_STATUSES,
};
pub use people::{
    PersonFields, PersonRecord, PersonStore, ACTION_PERSON_CREATE, ACTION_PERSON_IDENTIFIERS_LINK, ACTION_PERSON_UPDATE,
};
pub use policy::{
    NewPolicyVersion, PolicyFileRecord, PolicyStore, PolicyVersionSummary, ACTION_POLICY_ACTIVATE, ACTION_POLICY_IMPORT,
};
pub use population::{
    PopulationBatch, PopulationCard, PopulationCardEntry, PopulationCounts, PopulationDiagnosis, PopulationEnrolment,
    PopulationEvent, PopulationPerson, PopulationSeats, PopulationStore, ACTION_POPULATION_LOAD,
};
pub use reforms::{
    BasisMeta, BasisRow, NewReformDraft, ReformDraftRecord, ReformStore, ACTION_REFORM_BASIS, ACTION_REFORM_DRAFT,
    REFORM_DESCRIPTION_MAX,
};
pub use region_reports::{FirmGroup, MonthFigures, RegionFigures, RegionMoney, RegionPeople, RegionReports};
pub use regions::{RegionAliasRecord, RegionRecord, RegionSet, RegionStore, ACTION_REGIONS_IMPORT};
pub use sites::{NewSite, SiteCohortUse, SiteImportSummary, SiteRecord, SiteStore, ACTION_SITES_IMPORT, SITE_KINDS};
pub use sme_diagnosis::{
    NewPrescription, NewSmeDiagnosis, NewStaffEnrolment, PlanAcceptance, PlanEnrolment, PrescriptionLine,
    PrescriptionRecord, SmeDiagnosisRecord, SmeDiagnosisStore, SmeProgrammeCounts, ACTION_SME_DIAGNOSIS_RECORD,
    ACTION_SME_PLAN_ENROL, ACTION_SME_PRESCRIPTION_ACCEPT, ACTION_SME_PRESCRIPTION_RECORD,
};
pub use sme_firms::{
    CentreRecord, FirmFilter, FirmImportSummary, FirmRecord, FirmStore, NewFirm, NewParticipation,
    ParticipationImportSummary, ParticipationRecord, ACTION_SME_CENTRES_LOAD, ACTION_SME_FIRMS_IMPORT,
    ACTION_SME_FIRM_ASSIGN, ACTION_SME_FIRM_INTENT, ACTION_SME_PARTNERS_IMPORT,
};
pub use sme_survey::{
    NewSurveyRound, SurveyAnswerRow, SurveyImport, SurveyRound, SurveyStore, ACTION_SME_SURVEY_IMPORT,
};
pub use sme_visits::{
    Caseload, DiscoveryRow, DiscoveryRowFilter, NewVisit, VisitFilter, VisitRecord, VisitStore,
    ACTION_SME_VISIT_CANCEL, ACTION_SME_VISIT_RECORD, ACTION_SME_VISIT_SCHEDULE, VISIT_NOTES_MAX, VISIT_PURPOSES,
};

use shared::SqlStore;

/// Result of an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportOutcome {
    /// New content was stored.
    Imported,
    /// The same content (same sha256) was already stored; nothing new was written
    /// (an existing policy version may have been re-activated).
    Unchanged,
}

/// Which database a [`Database`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        })
    }
}

/// What an import of keyed records did: records new to the store, records whose stored copy
/// differed and was replaced, and records equal to the stored copy (left as they were).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UpsertSummary {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
}

/// Errors from the store. Messages never contain credentials from a database URL.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "unsupported database URL scheme `{url_scheme}` \
         (expected sqlite://, sqlite::memory:, postgres:// or postgresql://)"
    )]
    UnsupportedUrl { url_scheme: String },

    #[error("{what} not found: {key}")]
    NotFound { what: String, key: String },

    /// The write clashes with stored data, e.g. a policy version name that is already used for
    /// different content, or a login that is taken.
    #[error("{what} conflict for `{key}`: {reason}")]
    Conflict { what: String, key: String, reason: String },

    /// Retryable: SQLite's lock was still held when the busy timeout ran out, or no pooled
    /// connection came free in time. Nothing was written; the same request may succeed later
    /// (HTTP 503).
    #[error("the database is busy; try again ({what})")]
    Busy { what: String },

    #[error("database error: {0}")]
    Database(sqlx::Error),

    #[error("migration error: {0}")]
    Migration(sqlx::migrate::MigrateError),

    #[error("corrupt {what}: {reason}")]
    Corrupt { what: String, reason: String },
}

impl StoreError {
    /// [`StoreError::NotFound`] for `what` with key `key`.
    pub(crate) fn not_found(what: &str, key: impl ToString) -> StoreError {
        StoreError::NotFound {
            what: what.to_owned(),
            key: key.to_string(),
        }
    }

    /// [`StoreError::Conflict`] for `what` with key `key`, and why.
    pub(crate) fn conflict(what: &str, key: impl ToString, reason: impl Into<String>) -> StoreError {
        StoreError::Conflict {
            what: what.to_owned(),
            key: key.to_string(),
            reason: reason.into(),
        }
    }

    /// Whether the database was busy ([`StoreError::Busy`]): the same request may succeed if
    /// tried again.
    pub fn is_busy(&self) -> bool {
        matches!(self, StoreError::Busy { .. })
    }

    /// Whether trying again may succeed (today: exactly [`StoreError::is_busy`]).
    pub fn is_retryable(&self) -> bool {
        self.is_busy()
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> StoreError {
        match busy(&e) {
            Some(what) => StoreError::Busy { what },
            None => StoreError::Database(e),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> StoreError {
        match &e {
            sqlx::migrate::MigrateError::Execute(inner) | sqlx::migrate::MigrateError::ExecuteMigration(inner, _) => {
                if let Some(what) = busy(inner) {
                    return StoreError::Busy { what };
                }
            }
            _ => {}
        }
        StoreError::Migration(e)
    }
}

/// What was busy, if `e` says the database was: SQLite's `SQLITE_BUSY` or `SQLITE_LOCKED` (with
/// their extended codes) after the busy timeout, or a pool with no connection free in time.
fn busy(e: &sqlx::Error) -> Option<String> {
    match e {
        sqlx::Error::Database(db) => {
            let sqlite = db.try_downcast_ref::<sqlx::sqlite::SqliteError>()?;
            let code = sqlite.code()?.parse::<i32>().ok()?;
            matches!(code & 0xff, 5 | 6).then(|| sqlite.message().to_owned())
        }
        sqlx::Error::PoolTimedOut => Some("no database connection came free in time".to_owned()),
        _ => None,
    }
}

/// An open database: one pool, and one store per aggregate over it.
///
/// Cloning is cheap (the pool is shared). `Debug` shows the backend and the pool's state,
/// never the URL.
#[derive(Clone)]
pub struct Database {
    inner: Backends,
}

#[derive(Clone)]
enum Backends {
    Sqlite(SqlStore<sqlx::Sqlite>),
    Postgres(SqlStore<sqlx::Postgres>),
}

/// The backend's store as the trait object `$trait`.
macro_rules! aggregate {
    ($self:ident, $trait:path) => {
        match &$self.inner {
            Backends::Sqlite(s) => s as &dyn $trait,
            Backends::Postgres(s) => s as &dyn $trait,
        }
    };
}

impl Database {
    /// Which database this is.
    pub fn backend(&self) -> Backend {
        match self.inner {
            Backends::Sqlite(_) => Backend::Sqlite,
            Backends::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies the backend's embedded migrations. Idempotent; on SQLite, concurrent callers
    /// (threads or processes) are serialised by a lock file beside the database file.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match &self.inner {
            Backends::Sqlite(s) => sqlite::migrate(s).await,
            Backends::Postgres(s) => postgres::migrate(s).await,
        }
    }

    /// A cheap round trip (`SELECT 1`), for health checks.
    pub async fn ping(&self) -> Result<(), StoreError> {
        match &self.inner {
            Backends::Sqlite(s) => s.ping().await,
            Backends::Postgres(s) => s.ping().await,
        }
    }

    /// Policy versions and their files.
    pub fn policy(&self) -> &dyn PolicyStore {
        aggregate!(self, PolicyStore)
    }

    /// The region table and its aliases.
    pub fn regions(&self) -> &dyn RegionStore {
        aggregate!(self, RegionStore)
    }

    /// The append-only audit log.
    pub fn audit(&self) -> &dyn AuditStore {
        aggregate!(self, AuditStore)
    }

    /// The course catalogue.
    pub fn catalogue(&self) -> &dyn CatalogueStore {
        aggregate!(self, CatalogueStore)
    }

    /// Accounts, sessions, API tokens and the sign-in throttle.
    pub fn accounts(&self) -> &dyn AccountStore {
        aggregate!(self, AccountStore)
    }

    /// AI-competency diagnosis runs, append-only.
    pub fn diagnoses(&self) -> &dyn DiagnosisStore {
        aggregate!(self, DiagnosisStore)
    }

    /// People: the profiles the rules need.
    pub fn people(&self) -> &dyn PersonStore {
        aggregate!(self, PersonStore)
    }

    /// Counts of people and enrolments, for the programme overview. Reads only.
    pub fn enrolment_reports(&self) -> &dyn EnrolmentReports {
        aggregate!(self, EnrolmentReports)
    }

    /// People, money, months and SME firms for the regional dashboards (reads only).
    pub fn region_reports(&self) -> &dyn RegionReports {
        aggregate!(self, RegionReports)
    }

    /// The dashboards' counts and sums (targets and budget execution). Reads only.
    pub fn dashboard_reports(&self) -> &dyn DashboardReports {
        aggregate!(self, DashboardReports)
    }

    /// Enrolments, cohort seats and the enrolment history.
    pub fn enrolments(&self) -> &dyn EnrolmentStore {
        aggregate!(self, EnrolmentStore)
    }

    /// Learning-card accounts and their ledgers.
    pub fn cards(&self) -> &dyn CardStore {
        aggregate!(self, CardStore)
    }

    /// Training days, their corrections and check-in code uses.
    pub fn attendance(&self) -> &dyn AttendanceStore {
        aggregate!(self, AttendanceStore)
    }

    /// Allowance payroll runs and the payment ledger.
    pub fn payroll(&self) -> &dyn PayrollStore {
        aggregate!(self, PayrollStore)
    }

    /// The SME registry: diffusion centres, firms and partner-programme participations.
    pub fn firms(&self) -> &dyn FirmStore {
        aggregate!(self, FirmStore)
    }

    /// Training doctors' visits to firms.
    pub fn sme_visits(&self) -> &dyn VisitStore {
        aggregate!(self, VisitStore)
    }

    /// The instructor academy: instructors and their track completions.
    pub fn academy(&self) -> &dyn AcademyStore {
        aggregate!(self, AcademyStore)
    }

    /// The training infrastructure: physical AI labs and joint training centres.
    pub fn sites(&self) -> &dyn SiteStore {
        aggregate!(self, SiteStore)
    }

    /// SME diagnoses and prescriptions.
    pub fn sme_diagnoses(&self) -> &dyn SmeDiagnosisStore {
        aggregate!(self, SmeDiagnosisStore)
    }

    /// The SME demand survey's answers.
    pub fn sme_survey(&self) -> &dyn SurveyStore {
        aggregate!(self, SurveyStore)
    }

    /// Graduates' outcomes from outside records, and outside progress figures.
    pub fn outcomes(&self) -> &dyn OutcomeStore {
        aggregate!(self, OutcomeStore)
    }

    /// Reform drafts and the population basis reforms are compared on.
    pub fn reforms(&self) -> &dyn ReformStore {
        aggregate!(self, ReformStore)
    }

    /// Bulk loads of a synthetic population.
    pub fn population(&self) -> &dyn PopulationStore {
        aggregate!(self, PopulationStore)
    }

    /// Closes the pool, waiting for connections in use to come back.
    pub async fn close(&self) {
        match &self.inner {
            Backends::Sqlite(s) => s.pool.close().await,
            Backends::Postgres(s) => s.pool.close().await,
        }
    }
}

impl fmt::Debug for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (size, idle) = match &self.inner {
            Backends::Sqlite(s) => (s.pool.size(), s.pool.num_idle()),
            Backends::Postgres(s) => (s.pool.size(), s.pool.num_idle()),
        };
        f.debug_struct("Database")
            .field("backend", &self.backend())
            .field("connections", &size)
            .field("idle", &idle)
            .finish()
    }
}

/// Opens the database named by `url` and runs its migrations.
///
/// * `sqlite://path/to/file.db` (parent directories and the file are created if missing),
///   `sqlite::memory:` (for tests);
/// * `postgres://…` or `postgresql://…`.
pub async fn connect(url: &str) -> Result<Database, StoreError> {
    let scheme = url_scheme(url);
    let inner = match scheme.as_str() {
        "sqlite" => Backends::Sqlite(sqlite::connect(url, sqlite::BUSY_TIMEOUT).await?),
        "postgres" | "postgresql" => Backends::Postgres(postgres::connect(url).await?),
        _ => return Err(StoreError::UnsupportedUrl { url_scheme: scheme }),
    };
    let db = Database { inner };
    db.migrate().await?;
    Ok(db)
}

/// The scheme of `url` (lower-cased), or a placeholder if it has none. Only the scheme is
/// returned, never anything after the first `:`, so credentials cannot leak through it.
fn url_scheme(url: &str) -> String {
    match url.split_once(':') {
        Some((scheme, _))
            if !scheme.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) =>
        {
            scheme.to_ascii_lowercase()
        }
        _ => "(none)".to_owned(),
    }
}
