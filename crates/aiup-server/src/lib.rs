//! aiup's HTTP layer: the JSON API, the server-rendered pages and the access
//! checks in front of both. Handlers parse the input, call the engine or the
//! store, and render the result; the rules live in `aiup-rules`.

pub mod access;
pub mod api;
pub mod error;
pub mod hygiene;
pub mod i18n;
pub mod openapi;
pub mod pages;
pub mod serve;

pub use aiup_app::catalogue;
pub use hygiene::Limits;
pub use serve::serve;

use aiup_app::App;
use aiup_rules::Engine;
use aiup_search::CourseIndex;
use aiup_store::Database;
use axum::Router;
use std::sync::Arc;

/// What every handler gets: the service layer, and the server's own settings.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    /// Bearer token for staff routes; staff routes are closed without one.
    staff_token: Option<String>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("app", &self.app)
            .field("staff_token", &self.staff_token.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

impl AppState {
    pub fn new(app: App, staff_token: Option<String>) -> AppState {
        AppState {
            app,
            staff_token: staff_token.filter(|t| !t.is_empty()),
        }
    }

    pub fn engine(&self) -> Arc<Engine> {
        self.app.engine()
    }

    pub fn db(&self) -> &Database {
        self.app.db()
    }

    pub fn index(&self) -> &CourseIndex {
        self.app.index()
    }

    pub fn today(&self) -> chrono::NaiveDate {
        self.app.today()
    }

    pub(crate) fn staff_token(&self) -> Option<&str> {
        self.staff_token.as_deref()
    }
}

/// The whole application: API, pages, and the access check on every route.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(api::routes())
        .merge(pages::routes())
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), access::check))
        .layer(hygiene::layers())
        .with_state(state)
}
