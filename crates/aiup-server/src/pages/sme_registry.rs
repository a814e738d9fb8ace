//! The SME registry for programme administrators: firms (list, filters, CSV import with every bad row listed), a firm's record with every partner programme it takes part in, the partner programmes and their participant imports, the integrated list.

use crate::access::Access;
use crate::AppState;
use axum::http::Method;
use axum::Router;

/// This page group's routes and who may use each (part of `access::ROUTES`).
pub const ROUTES: &[(Method, &str, Access)] = &[];

pub fn routes() -> Router<AppState> {
    Router::new()
}
