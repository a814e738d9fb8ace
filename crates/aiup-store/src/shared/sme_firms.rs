//! The SME registry (centres, firms, partner participations): the SQL both backends run.
#![allow(clippy::todo)] // filled in by the registry work

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Executor, IntoArguments};

use super::{Col, Dialect, SqlStore};
use crate::{
    CentreRecord, FirmFilter, FirmImportSummary, FirmRecord, FirmStore, NewFirm, NewParticipation,
    ParticipationImportSummary, ParticipationRecord, StoreError,
};

#[async_trait]
impl<DB> FirmStore for SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'r> &'r str: ColumnIndex<DB::Row>,
    usize: ColumnIndex<DB::Row>,
    String: Col<DB>,
    i64: Col<DB>,
    bool: Col<DB>,
    DateTime<Utc>: Col<DB>,
    NaiveDate: Col<DB>,
    Option<String>: Col<DB>,
    Option<i64>: Col<DB>,
{
    async fn load_centres(&self, centres: &[CentreRecord], actor: &str) -> Result<(), StoreError> {
        todo!("{centres:?} {actor}")
    }

    async fn centres(&self) -> Result<Vec<CentreRecord>, StoreError> {
        todo!()
    }

    async fn import_firms(&self, firms: &[NewFirm], actor: &str) -> Result<FirmImportSummary, StoreError> {
        todo!("{firms:?} {actor}")
    }

    async fn firm(&self, id: i64) -> Result<Option<FirmRecord>, StoreError> {
        todo!("{id}")
    }

    async fn firm_by_number(&self, business_number: &str) -> Result<Option<FirmRecord>, StoreError> {
        todo!("{business_number}")
    }

    async fn firms(&self, filter: &FirmFilter) -> Result<Vec<FirmRecord>, StoreError> {
        todo!("{filter:?}")
    }

    async fn count_firms(&self, filter: &FirmFilter) -> Result<u64, StoreError> {
        todo!("{filter:?}")
    }

    async fn assign_centre(&self, firm_id: i64, centre_id: Option<&str>, actor: &str) -> Result<(), StoreError> {
        todo!("{firm_id} {centre_id:?} {actor}")
    }

    async fn set_intent(
        &self,
        business_number: &str,
        intent: bool,
        source: &str,
        on: NaiveDate,
        actor: &str,
    ) -> Result<bool, StoreError> {
        todo!("{business_number} {intent} {source} {on} {actor}")
    }

    async fn import_participations(
        &self,
        rows: &[NewParticipation],
        source: &str,
        actor: &str,
    ) -> Result<ParticipationImportSummary, StoreError> {
        todo!("{rows:?} {source} {actor}")
    }

    async fn participations_of(&self, business_number: &str) -> Result<Vec<ParticipationRecord>, StoreError> {
        todo!("{business_number}")
    }

    async fn participations(&self) -> Result<Vec<ParticipationRecord>, StoreError> {
        todo!()
    }
}
