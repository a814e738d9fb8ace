//! aiup's HTTP layer: the JSON API, the server-rendered pages and the access
//! checks in front of both. Handlers parse the input, call the engine or the
//! store, and render the result; the rules live in `aiup-rules`.

pub mod access;
pub mod api;
pub mod catalogue;
pub mod error;
pub mod i18n;
pub mod openapi;
pub mod pages;
pub mod runtime;

use aiup_rules::Engine;
use aiup_search::CourseIndex;
use aiup_store::Store;
use axum::Router;
use std::sync::{Arc, RwLock};

/// Shared state: the store, and the engine built from the active bundle
/// (swapped whole when an administrator activates another version).
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    engine: Arc<RwLock<Arc<Engine>>>,
    /// Bearer token for staff routes; staff routes are closed without one.
    pub staff_token: Option<String>,
    /// The course search index, kept in step with the catalogue in the store.
    pub catalogue: CourseIndex,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, engine: Engine, staff_token: Option<String>, catalogue: CourseIndex) -> AppState {
        AppState {
            store,
            engine: Arc::new(RwLock::new(Arc::new(engine))),
            staff_token: staff_token.filter(|t| !t.is_empty()),
            catalogue,
        }
    }

    pub fn engine(&self) -> Arc<Engine> {
        match self.engine.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    pub fn replace_engine(&self, engine: Engine) {
        let mut guard = match self.engine.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        *guard = Arc::new(engine);
    }
}

/// Today's calendar date in Asia/Seoul (UTC+9, no daylight saving since 1988).
pub fn today_in_seoul() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(9)).date_naive()
}

/// Which tier wins, today, for regions that are both capital-area and
/// population-declining: the compiled parameter, never a default.
pub fn tier_precedence_today(engine: &Engine) -> aiup_core::RegionTier {
    let date = today_in_seoul().max(engine.policy().meta.coverage_start);
    engine.params_at(date).1.tier_precedence
}

/// The whole application: API, pages, and the access check on every route.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(api::routes())
        .merge(pages::routes())
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), access::check))
        .with_state(state)
}
