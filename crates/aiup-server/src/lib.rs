//! aiup's HTTP layer: the JSON API, the server-rendered pages and the access
//! checks in front of both. Handlers parse the input, call the engine or the
//! store, and render the result; the rules live in `aiup-rules`.

pub mod access;
pub mod account_api;
pub mod api;
pub mod error;
pub mod hygiene;
pub mod i18n;
pub mod openapi;
pub mod pages;
pub mod people_api;
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

/// The server's own settings.
#[derive(Debug, Clone, Default)]
pub struct WebSettings {
    /// Behind TLS: session cookies get `Secure` and the `__Host-` prefix.
    pub secure_cookies: bool,
}

/// What every handler gets: the service layer, and the server's own settings.
#[derive(Debug, Clone)]
pub struct AppState {
    pub app: App,
    pub settings: WebSettings,
}

impl AppState {
    pub fn new(app: App, settings: WebSettings) -> AppState {
        AppState { app, settings }
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
}

/// The whole application: API, pages, and the access check on every route.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(api::routes())
        .merge(account_api::routes())
        .merge(people_api::routes())
        .merge(pages::routes())
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(api::check_parameters))
        .layer(axum::middleware::from_fn_with_state(state.clone(), access::check))
        .layer(hygiene::layers())
        .with_state(state)
}
