//! The demand survey's tables (seed 002 appendix 2) with server-drawn SVG charts and their data tables, by size band and training experience, the regional demand, and the survey import.

use crate::access::Access;
use crate::AppState;
use axum::http::Method;
use axum::Router;

/// This page group's routes and who may use each (part of `access::ROUTES`).
pub const ROUTES: &[(Method, &str, Access)] = &[];

pub fn routes() -> Router<AppState> {
    Router::new()
}
