//! The training doctor's firm page: the firm, the diagnosis form, the printable diagnosis report, the prescription priced by the engine, and the firm's outcomes.

use crate::access::Access;
use crate::AppState;
use axum::http::Method;
use axum::Router;

/// This page group's routes and who may use each (part of `access::ROUTES`).
pub const ROUTES: &[(Method, &str, Access)] = &[];

pub fn routes() -> Router<AppState> {
    Router::new()
}
