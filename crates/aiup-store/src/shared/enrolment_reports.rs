//! The enrolment reports' statements (the same on both backends).

use async_trait::async_trait;
use sqlx::{ColumnIndex, Executor, IntoArguments, Row};

use super::{detached, Col, Dialect, SqlStore};
use crate::{
    EnrolmentCount, EnrolmentReport, EnrolmentReportFilter, EnrolmentReports, PeopleCount, ProgrammePeople, StoreError,
};

/// The `AND …` conditions of `filter` on people `p` and enrolments `e` (`with_enrolments`:
/// whether `e` is in the statement), with their `$n` parameters, as the audit filter builds
/// them.
fn conditions(filter: &EnrolmentReportFilter, with_enrolments: bool) -> (String, Vec<String>) {
    let mut sql = String::new();
    let mut args: Vec<String> = Vec::new();
    let mut arg = |sql: &mut String, condition: &str, value: &str| {
        args.push(value.to_owned());
        sql.push_str(&condition.replace('?', &format!("${}", args.len())));
    };
    if let Some(province) = &filter.province {
        arg(&mut sql, " AND substr(p.region_code, 1, 2) = ?", province);
    }
    if let Some(region) = &filter.region {
        arg(&mut sql, " AND p.region_code = ?", region);
    }
    if let Some(stage) = &filter.stage {
        arg(&mut sql, " AND p.stage = ?", stage);
    }
    let mut on_enrolments = String::new();
    if let Some(programmes) = &filter.programmes {
        on_enrolments.push_str(" AND e.programme IN (");
        for (i, programme) in programmes.iter().enumerate() {
            if i > 0 {
                on_enrolments.push_str(", ");
            }
            arg(&mut on_enrolments, "?", programme);
        }
        on_enrolments.push(')');
    }
    if let Some(status) = &filter.status {
        arg(&mut on_enrolments, " AND e.status = ?", status);
    }
    if with_enrolments {
        sql.push_str(&on_enrolments);
    } else if filter.narrows_enrolments() {
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM enrolments e WHERE e.person_id = p.id{on_enrolments})"
        ));
    }
    (sql, args)
}

impl<DB> SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'r> &'r str: ColumnIndex<DB::Row>,
    String: Col<DB>,
    i64: Col<DB>,
{
    /// Runs one counting statement with its `$n` text parameters and reads each row.
    async fn counted<T>(
        conn: &mut DB::Connection,
        sql: &str,
        args: &[String],
        read: impl Fn(&DB::Row) -> Result<T, sqlx::Error>,
    ) -> Result<Vec<T>, StoreError> {
        let mut query = sqlx::query(sql);
        for a in args {
            query = query.bind(a.clone());
        }
        let rows = query.fetch_all(&mut *conn).await?;
        Ok(rows.iter().map(read).collect::<Result<Vec<_>, sqlx::Error>>()?)
    }

    async fn read_report(pool: sqlx::Pool<DB>, filter: EnrolmentReportFilter) -> Result<EnrolmentReport, StoreError> {
        if filter.programmes.as_ref().is_some_and(Vec::is_empty) {
            return Ok(EnrolmentReport::default());
        }
        let mut tx = DB::begin_read(&pool).await?;
        let (people_where, people_args) = conditions(&filter, false);
        let people = Self::counted(
            &mut tx,
            &format!(
                "SELECT p.region_code AS region_code, p.stage AS stage, COUNT(*) AS n FROM people p \
                 WHERE TRUE{people_where} GROUP BY p.region_code, p.stage ORDER BY p.region_code, p.stage"
            ),
            &people_args,
            |row| {
                Ok(PeopleCount {
                    region_code: row.try_get("region_code")?,
                    stage: row.try_get("stage")?,
                    people: row.try_get("n")?,
                })
            },
        )
        .await?;
        let (enrolment_where, enrolment_args) = conditions(&filter, true);
        let enrolments = Self::counted(
            &mut tx,
            &format!(
                "SELECT e.programme AS programme, p.region_code AS region_code, p.stage AS stage, \
                 e.status AS status, COUNT(*) AS n \
                 FROM enrolments e JOIN people p ON p.id = e.person_id WHERE TRUE{enrolment_where} \
                 GROUP BY e.programme, p.region_code, p.stage, e.status \
                 ORDER BY e.programme, p.region_code, p.stage, e.status"
            ),
            &enrolment_args,
            |row| {
                Ok(EnrolmentCount {
                    programme: row.try_get("programme")?,
                    region_code: row.try_get("region_code")?,
                    stage: row.try_get("stage")?,
                    status: row.try_get("status")?,
                    enrolments: row.try_get("n")?,
                })
            },
        )
        .await?;
        let programme_people = Self::counted(
            &mut tx,
            &format!(
                "SELECT e.programme AS programme, COUNT(DISTINCT e.person_id) AS n \
                 FROM enrolments e JOIN people p ON p.id = e.person_id WHERE TRUE{enrolment_where} \
                 GROUP BY e.programme ORDER BY e.programme"
            ),
            &enrolment_args,
            |row| {
                Ok(ProgrammePeople {
                    programme: row.try_get("programme")?,
                    people: row.try_get("n")?,
                })
            },
        )
        .await?;
        tx.commit().await?;
        Ok(EnrolmentReport {
            people,
            enrolments,
            programme_people,
        })
    }
}

#[async_trait]
impl<DB> EnrolmentReports for SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'r> &'r str: ColumnIndex<DB::Row>,
    String: Col<DB>,
    i64: Col<DB>,
{
    async fn report(&self, filter: &EnrolmentReportFilter) -> Result<EnrolmentReport, StoreError> {
        detached(Self::read_report(self.pool.clone(), filter.clone())).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_number_their_parameters_in_order() {
        let filter = EnrolmentReportFilter {
            programmes: Some(vec!["kdt".into(), "naeil".into()]),
            province: Some("46".into()),
            region: None,
            stage: Some("entry".into()),
            status: Some("accepted".into()),
        };
        let (sql, args) = conditions(&filter, true);
        assert_eq!(
            sql,
            " AND substr(p.region_code, 1, 2) = $1 AND p.stage = $2 AND e.programme IN ($3, $4) AND e.status = $5"
        );
        assert_eq!(args, ["46", "entry", "kdt", "naeil", "accepted"]);
        let (sql, _) = conditions(&filter, false);
        assert!(sql.ends_with(" AND EXISTS (SELECT 1 FROM enrolments e WHERE e.person_id = p.id AND e.programme IN ($3, $4) AND e.status = $5)"));
        let (sql, args) = conditions(&EnrolmentReportFilter::default(), false);
        assert!(sql.is_empty() && args.is_empty());
    }
}
