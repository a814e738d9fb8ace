//! aiup's service layer. It holds no HTTP: the CLI and the server both call it, and handlers
//! only parse, call a service and render.
//!
//! [`App`] is the running application: the database, the engine built from the active policy
//! (reloaded live when another version is activated), the course index, and the clock.
//! One module per capability holds its services: [`policy`], [`catalogue`]; [`error`] holds the
//! one table of error codes.

pub mod academy;
pub mod accounts;
pub mod attendance;
pub mod audit;
pub mod card;
pub mod catalogue;
pub mod clock;
pub mod completion;
pub mod course_support;
pub mod dashboard;
pub mod diagnosis;
pub mod enrolment;
pub mod error;
pub mod home;
pub mod infrastructure;
pub mod live;
pub mod outcomes;
pub mod path;
pub mod payroll;
pub mod people;
pub mod policy;
pub mod population;
pub mod programme;
pub mod reform;
pub mod sme;
pub mod statement;
pub mod view;

pub use clock::{seoul_date, today_in_seoul, Clock};
pub use error::{AppError, Code};

use aiup_core::RegionTier;
use aiup_rules::Engine;
use aiup_search::CourseIndex;
use aiup_store::Database;
use std::sync::{Arc, RwLock};

/// The running application. Cheap to clone; clones share everything.
#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

struct Inner {
    db: Database,
    engine: RwLock<Arc<Engine>>,
    index: CourseIndex,
    clock: Clock,
    auth: accounts::AuthSettings,
    /// The key for outside identifiers (`AIUP_IDENTIFIER_KEY`); without one, none is accepted.
    identifier_key: std::sync::OnceLock<aiup_people::ExternalIdKey>,
    /// The key check-in codes are made with (`AIUP_CHECKIN_KEY`); without one, a random key
    /// made on first use.
    checkin_key: std::sync::OnceLock<aiup_people::checkin::CheckinKey>,
    /// Wrong check-in codes per account in the current span (`attendance::checkin`).
    checkin_failures: attendance::FailedCodes,
    /// Dashboard figures, kept for a short time (`dashboard::cache`).
    dashboards: dashboard::DashboardCache,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("backend", &self.inner.db.backend())
            .field("policy_version", &self.engine().policy().version)
            .field("index", &self.inner.index)
            .finish()
    }
}

impl App {
    pub fn new(db: Database, engine: Engine, index: CourseIndex, clock: Clock) -> App {
        App {
            inner: Arc::new(Inner {
                db,
                engine: RwLock::new(Arc::new(engine)),
                index,
                clock,
                auth: accounts::AuthSettings::default(),
                identifier_key: std::sync::OnceLock::new(),
                checkin_key: std::sync::OnceLock::new(),
                checkin_failures: attendance::FailedCodes::default(),
                dashboards: dashboard::DashboardCache::default(),
            }),
        }
    }

    /// The accounts services: sign-in, sessions, tokens, account management.
    pub fn accounts(&self) -> accounts::Accounts<'_> {
        accounts::Accounts::new(&self.inner.db, &self.inner.clock, &self.inner.auth, self.engine())
    }

    /// The database: one store per aggregate (`db().policy()`, `db().catalogue()`, …).
    pub fn db(&self) -> &Database {
        &self.inner.db
    }

    /// The engine of the active policy version.
    pub fn engine(&self) -> Arc<Engine> {
        Arc::clone(
            &self
                .inner
                .engine
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }

    /// Swaps in the engine of another policy version; requests already running keep theirs.
    pub(crate) fn replace_engine(&self, engine: Engine) {
        *self
            .inner
            .engine
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(engine);
    }

    pub fn index(&self) -> &CourseIndex {
        &self.inner.index
    }

    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    /// Dashboard figures kept for a short time.
    pub fn dashboards(&self) -> &dashboard::DashboardCache {
        &self.inner.dashboards
    }

    /// Today in Asia/Seoul.
    pub fn today(&self) -> chrono::NaiveDate {
        self.inner.clock.today()
    }

    /// Sets the key that outside identifiers are hashed with (once, at start-up): from then on a
    /// profile may carry one, stored only as its keyed hash. Refused if a key is already set.
    pub fn set_identifier_key(&self, key: aiup_people::ExternalIdKey) -> Result<(), AppError> {
        self.inner
            .identifier_key
            .set(key)
            .map_err(|_| AppError::new(Code::Conflict, None, "the identifier key is already set"))
    }

    /// The key for outside identifiers, if one is configured.
    pub fn identifier_key(&self) -> Option<&aiup_people::ExternalIdKey> {
        self.inner.identifier_key.get()
    }

    pub(crate) fn checkin_key_cell(&self) -> &std::sync::OnceLock<aiup_people::checkin::CheckinKey> {
        &self.inner.checkin_key
    }

    pub(crate) fn checkin_failures(&self) -> &attendance::FailedCodes {
        &self.inner.checkin_failures
    }

    /// Which tier wins today where a region is both capital-area and population-declining.
    pub fn tier_precedence(&self) -> RegionTier {
        tier_precedence_on(&self.engine(), self.today())
    }
}

/// Which tier wins on `date` (or on the policy's first day, if earlier) for regions that are both
/// capital-area and population-declining: the compiled parameter, never a default.
pub fn tier_precedence_on(engine: &Engine, date: chrono::NaiveDate) -> RegionTier {
    let date = date.max(engine.policy().meta.coverage_start);
    engine.params_at(date).1.tier_precedence
}
