//! A diffusion centre's board: its firms ranked by discovery score with the reasons, assignment, visits scheduled and recorded, each training doctor's caseload.

use crate::access::Access;
use crate::AppState;
use axum::http::Method;
use axum::Router;

/// This page group's routes and who may use each (part of `access::ROUTES`).
pub const ROUTES: &[(Method, &str, Access)] = &[];

pub fn routes() -> Router<AppState> {
    Router::new()
}
