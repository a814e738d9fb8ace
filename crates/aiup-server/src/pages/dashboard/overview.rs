//! Dashboard page group `overview` (issue 12). Declares its routes in [`ROUTES`].

use crate::access::Access;
use crate::AppState;
use axum::http::Method;
use axum::Router;

/// This page group's routes and who may use each (part of `access::ROUTES`).
pub const ROUTES: &[(Method, &str, Access)] = &[];

pub fn routes() -> Router<AppState> {
    Router::new()
}
