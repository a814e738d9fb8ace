//! Payroll statements (the same on both backends). SKELETON: bodies land with the store work.

use async_trait::async_trait;
use sqlx::{ColumnIndex, Executor, IntoArguments};

use super::{Col, Dialect, SqlStore};
use crate::{
    NewPayrollLine, PaidPeriod, PayrollError, PayrollLineRecord, PayrollRunRecord, PayrollStore, PayrollTotal,
    StoreError, TotalsBy,
};

#[async_trait]
impl<DB> PayrollStore for SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'r> &'r str: ColumnIndex<DB::Row>,
    String: Col<DB>,
    i64: Col<DB>,
{
    async fn last_run_id(&self) -> Result<i64, StoreError> {
        unimplemented!("payroll store")
    }
    async fn paid_in_range(&self, _ids: std::ops::RangeInclusive<i64>) -> Result<Vec<PaidPeriod>, StoreError> {
        unimplemented!("payroll store")
    }
    async fn create_run(
        &self,
        _month: &str,
        _policy_sha256: &str,
        _expected_last_run: i64,
        _lines: &[NewPayrollLine],
        _actor: &str,
    ) -> Result<PayrollRunRecord, PayrollError> {
        unimplemented!("payroll store")
    }
    async fn approve(&self, _run_id: i64, _actor: &str) -> Result<PayrollRunRecord, PayrollError> {
        unimplemented!("payroll store")
    }
    async fn mark_exported(&self, _run_id: i64, _actor: &str) -> Result<PayrollRunRecord, PayrollError> {
        unimplemented!("payroll store")
    }
    async fn cancel(&self, _run_id: i64, _actor: &str) -> Result<PayrollRunRecord, PayrollError> {
        unimplemented!("payroll store")
    }
    async fn run(&self, _run_id: i64) -> Result<Option<PayrollRunRecord>, StoreError> {
        unimplemented!("payroll store")
    }
    async fn runs(&self, _month: Option<&str>) -> Result<Vec<PayrollRunRecord>, StoreError> {
        unimplemented!("payroll store")
    }
    async fn lines(&self, _run_id: i64, _offset: i64, _limit: i64) -> Result<Vec<PayrollLineRecord>, StoreError> {
        unimplemented!("payroll store")
    }
    async fn lines_of_enrolment(&self, _enrolment_id: i64) -> Result<Vec<PayrollLineRecord>, StoreError> {
        unimplemented!("payroll store")
    }
    async fn totals(&self, _run_id: i64, _by: TotalsBy) -> Result<Vec<PayrollTotal>, StoreError> {
        unimplemented!("payroll store")
    }
}
