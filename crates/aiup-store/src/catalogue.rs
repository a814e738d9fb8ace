//! The catalogue aggregate: institutions, their courses, and the courses' cohorts.

use std::collections::BTreeSet;
use std::fmt;

use aiup_catalogue::{CatalogueBatch, Course, Institution};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// Audit action recorded by every catalogue import.
pub const ACTION_CATALOGUE_IMPORT: &str = "catalogue.import";

/// What a catalogue import wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CatalogueImportSummary {
    pub institutions_added: u64,
    /// Stored institutions whose fields changed (an institution given again unchanged counts
    /// nowhere).
    pub institutions_updated: u64,
    pub courses_added: u64,
    /// Stored courses whose content changed; their cohorts were replaced.
    pub courses_updated: u64,
    pub courses_unchanged: u64,
    /// The catalogue generation after the import (bumped only if something changed).
    pub generation: u64,
}

impl CatalogueImportSummary {
    /// Whether the import wrote anything.
    pub fn changed(&self) -> bool {
        self.institutions_added + self.institutions_updated + self.courses_added + self.courses_updated > 0
    }
}

/// The course catalogue (`Database::catalogue`).
#[async_trait]
pub trait CatalogueStore: Send + Sync + fmt::Debug {
    /// Upserts every institution and course of the batch in ONE transaction (the cohorts of an
    /// upserted course are replaced), bumps the catalogue generation if anything changed, and
    /// records one audit event ([`ACTION_CATALOGUE_IMPORT`], detail = the counts). Either all is
    /// written or nothing: a course whose institution is neither in the batch nor stored is
    /// [`StoreError::NotFound`], an id given twice in the batch a [`StoreError::Conflict`].
    /// Concurrent imports are serialised.
    async fn upsert(&self, batch: &CatalogueBatch, actor: &str) -> Result<CatalogueImportSummary, StoreError>;

    /// The catalogue generation: 0 before any import, bumped by every import that changed
    /// something. Search indexes rebuild when it moves.
    async fn generation(&self) -> Result<u64, StoreError>;

    /// Every institution, ordered by id.
    async fn institutions(&self) -> Result<Vec<Institution>, StoreError>;

    /// The ids of every stored institution.
    async fn institution_ids(&self) -> Result<BTreeSet<String>, StoreError>;

    /// Every course, ordered by id, with its cohorts in order (two queries, one snapshot).
    async fn courses(&self) -> Result<Vec<Course>, StoreError>;

    /// One course and its institution.
    async fn course(&self, id: &str) -> Result<Option<(Course, Institution)>, StoreError>;

    /// One institution.
    async fn institution(&self, id: &str) -> Result<Option<Institution>, StoreError>;

    /// The courses of one institution, ordered by id, with their cohorts in order.
    async fn courses_of_institution(&self, id: &str) -> Result<Vec<Course>, StoreError>;
}
