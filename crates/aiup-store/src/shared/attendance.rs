//! Attendance statements (the same on both backends). SKELETON: bodies land with the store work.

use async_trait::async_trait;
use chrono::NaiveDate;
use sqlx::{ColumnIndex, Executor, IntoArguments};

use super::{Col, Dialect, SqlStore};
use crate::{
    AttendanceError, AttendanceMonth, AttendanceStore, AttendanceWrite, CodeUse, CorrectionRecord, StoreError,
};

#[async_trait]
impl<DB> AttendanceStore for SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'r> &'r str: ColumnIndex<DB::Row>,
    String: Col<DB>,
    i64: Col<DB>,
{
    async fn months(&self, _ids: &[i64], _from: NaiveDate, _to: NaiveDate) -> Result<Vec<AttendanceMonth>, StoreError> {
        unimplemented!("attendance store")
    }

    async fn months_in_range(
        &self,
        _ids: std::ops::RangeInclusive<i64>,
        _to: NaiveDate,
    ) -> Result<Vec<AttendanceMonth>, StoreError> {
        unimplemented!("attendance store")
    }

    async fn write(&self, _batch: &AttendanceWrite, _actor: &str) -> Result<(), AttendanceError> {
        unimplemented!("attendance store")
    }

    async fn check_in(&self, _code: &CodeUse, _batch: &AttendanceWrite, _actor: &str) -> Result<(), AttendanceError> {
        unimplemented!("attendance store")
    }

    async fn corrections(&self, _enrolment_id: i64) -> Result<Vec<CorrectionRecord>, StoreError> {
        unimplemented!("attendance store")
    }
}
