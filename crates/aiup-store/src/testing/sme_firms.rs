//! Conformance checks of `FirmStore`, run on every backend.

use crate::Database;

/// The checks, in the order [`run`] runs them.
pub const CHECKS: &[&str] = &[];

pub async fn run(db: &Database) {
    let _ = db;
}
