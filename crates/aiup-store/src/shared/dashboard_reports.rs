//! The dashboard reads' statements (the same on both backends). Sums are cast to BIGINT:
//! PostgreSQL's `SUM(bigint)` is `numeric`.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::NaiveDate;
use sqlx::{ColumnIndex, Executor, IntoArguments, Row};

use super::{detached, Col, Dialect, SqlStore};
use crate::{
    DashboardFigures, DashboardQuery, DashboardReports, EnrolmentTally, GroupFirms, GroupPeople, InTrainingEnrolment,
    ProgrammeMoney, StoreError,
};

/// Text parameters numbered from `$1` as they are added.
#[derive(Default)]
struct Params(Vec<String>);

impl Params {
    fn add(&mut self, value: &str) -> String {
        self.0.push(value.to_owned());
        format!("${}", self.0.len())
    }

    /// `($a, $b, …)` for `values`; `(NULL)` (matching nothing) when there are none.
    fn list(&mut self, values: &[String]) -> String {
        if values.is_empty() {
            return "(NULL)".to_owned();
        }
        let marks: Vec<String> = values.iter().map(|v| self.add(v)).collect();
        format!("({})", marks.join(", "))
    }

    /// `CASE column WHEN $a THEN $b … END` for `(key, value)` pairs.
    fn case(&mut self, column: &str, pairs: &[(String, String)]) -> String {
        let mut sql = format!("CASE {column}");
        for (key, value) in pairs {
            let key = self.add(key);
            let value = self.add(value);
            sql.push_str(&format!(" WHEN {key} THEN {value}"));
        }
        sql.push_str(" END");
        sql
    }
}

/// The statement counting distinct people per group, by status class.
fn group_people_sql(query: &DashboardQuery) -> (String, Vec<String>) {
    let mut p = Params::default();
    let group = p.case("e.programme", &query.programme_groups);
    let programmes: Vec<String> = query.programme_groups.iter().map(|(k, _)| k.clone()).collect();
    let programmes = p.list(&programmes);
    let enrolled = p.list(&query.enrolled_statuses);
    let in_training = p.list(&query.in_training_statuses);
    let completed = p.list(&query.completed_statuses);
    let sql = format!(
        "SELECT t.grp AS grp, \
         COUNT(DISTINCT CASE WHEN t.status IN {enrolled} THEN t.person_id END) AS enrolled, \
         COUNT(DISTINCT CASE WHEN t.status IN {in_training} THEN t.person_id END) AS in_training, \
         COUNT(DISTINCT CASE WHEN t.status IN {completed} THEN t.person_id END) AS completed \
         FROM (SELECT {group} AS grp, e.person_id AS person_id, e.status AS status FROM enrolments e \
               WHERE e.programme IN {programmes}) t \
         GROUP BY t.grp ORDER BY t.grp"
    );
    (sql, p.0)
}

/// The statement counting distinct firms per group.
fn group_firms_sql(query: &DashboardQuery) -> (String, Vec<String>) {
    let mut p = Params::default();
    let group = p.case("l.programme_id", &query.firm_groups);
    let programmes: Vec<String> = query.firm_groups.iter().map(|(k, _)| k.clone()).collect();
    let programmes = p.list(&programmes);
    let sql = format!(
        "SELECT t.grp AS grp, COUNT(DISTINCT t.firm_id) AS firms FROM \
         (SELECT {group} AS grp, pe.firm_id AS firm_id FROM sme_plan_enrolments pe \
          JOIN sme_prescription_lines l ON l.prescription_id = pe.prescription_id AND l.line_no = pe.line_no \
          JOIN sme_prescription_acceptances a ON a.prescription_id = pe.prescription_id \
          JOIN enrolments e ON e.id = pe.enrolment_id \
          WHERE l.programme_id IN {programmes} AND e.status NOT IN ('refused', 'withdrawn', 'cancelled')) t \
         GROUP BY t.grp ORDER BY t.grp"
    );
    (sql, p.0)
}

/// The statement counting unique people who reached training.
fn people_trained_sql(query: &DashboardQuery) -> (String, Vec<String>) {
    let mut p = Params::default();
    let trained = p.list(&query.trained_statuses);
    let sql = format!(
        "SELECT COUNT(DISTINCT e.person_id) AS n FROM enrolments e WHERE e.status IN {trained} \
         OR (e.status = 'withdrawn' AND EXISTS (SELECT 1 FROM enrolment_events v \
             WHERE v.enrolment_id = e.id AND v.to_status = 'in_training'))"
    );
    (sql, p.0)
}

const ENROLMENTS_SQL: &str = "SELECT e.programme AS programme, e.status AS status, p.region_code AS region_code, \
     COUNT(*) AS n FROM enrolments e JOIN people p ON p.id = e.person_id \
     GROUP BY e.programme, e.status, p.region_code ORDER BY e.programme, e.status, p.region_code";

const CARD_SQL: &str = "SELECT e.programme AS programme, \
     CAST(COALESCE(SUM(CASE WHEN c.kind IN ('hold', 'release') THEN -c.amount_won ELSE 0 END), 0) AS BIGINT) AS held, \
     CAST(COALESCE(SUM(CASE WHEN c.kind IN ('charge', 'refund') THEN -c.amount_won ELSE 0 END), 0) AS BIGINT) AS charged \
     FROM card_entries c JOIN enrolments e ON e.id = c.enrolment_id \
     WHERE c.kind IN ('hold', 'release', 'charge', 'refund') GROUP BY e.programme";

const PAYROLL_SQL: &str = "SELECT l.programme AS programme, \
     CAST(COALESCE(SUM(CASE WHEN r.status IN ('draft', 'approved') THEN l.amount_won ELSE 0 END), 0) AS BIGINT) AS pending, \
     CAST(COALESCE(SUM(CASE WHEN r.status = 'exported' THEN l.amount_won ELSE 0 END), 0) AS BIGINT) AS exported \
     FROM payroll_lines l JOIN payroll_runs r ON r.id = l.run_id \
     WHERE r.status <> 'cancelled' GROUP BY l.programme";

const SME_SQL: &str = "SELECT l.programme_id AS programme, CAST(COALESCE(SUM(l.government_won), 0) AS BIGINT) AS won \
     FROM sme_plan_enrolments pe \
     JOIN sme_prescription_lines l ON l.prescription_id = pe.prescription_id AND l.line_no = pe.line_no \
     JOIN sme_prescription_acceptances a ON a.prescription_id = pe.prescription_id \
     JOIN enrolments e ON e.id = pe.enrolment_id \
     WHERE l.programme_id IS NOT NULL AND e.status NOT IN ('refused', 'withdrawn', 'cancelled') \
     GROUP BY l.programme_id";

const IN_TRAINING_SQL: &str = "SELECT e.id AS id, e.programme AS programme, e.course_id AS course_id, \
     e.institution_id AS institution_id, e.cohort_start AS cohort_start, e.cohort_end AS cohort_end, \
     p.status AS person_status, p.employer_size AS employer_size, CAST(COALESCE(paid.n, 0) AS BIGINT) AS paid_periods \
     FROM enrolments e JOIN people p ON p.id = e.person_id \
     LEFT JOIN (SELECT l.enrolment_id AS enrolment_id, MAX(l.period_index) AS n FROM payroll_lines l \
                JOIN payroll_runs r ON r.id = l.run_id WHERE r.status <> 'cancelled' GROUP BY l.enrolment_id) paid \
       ON paid.enrolment_id = e.id \
     WHERE e.status = 'in_training' ORDER BY e.id";

impl<DB> SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'r> &'r str: ColumnIndex<DB::Row>,
    String: Col<DB>,
    i64: Col<DB>,
    NaiveDate: Col<DB>,
{
    async fn rows(conn: &mut DB::Connection, sql: &str, args: &[String]) -> Result<Vec<DB::Row>, StoreError> {
        let mut query = sqlx::query(sql);
        for a in args {
            query = query.bind(a.clone());
        }
        Ok(query.fetch_all(&mut *conn).await?)
    }

    async fn read_figures(pool: sqlx::Pool<DB>, query: DashboardQuery) -> Result<DashboardFigures, StoreError> {
        let mut tx = DB::begin_read(&pool).await?;
        let enrolments = Self::rows(&mut tx, ENROLMENTS_SQL, &[])
            .await?
            .iter()
            .map(|row| {
                Ok(EnrolmentTally {
                    programme: row.try_get("programme")?,
                    status: row.try_get("status")?,
                    region_code: row.try_get("region_code")?,
                    enrolments: row.try_get("n")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let group_people = if query.programme_groups.is_empty() {
            Vec::new()
        } else {
            let (sql, args) = group_people_sql(&query);
            Self::rows(&mut tx, &sql, &args)
                .await?
                .iter()
                .map(|row| {
                    Ok(GroupPeople {
                        group: row.try_get("grp")?,
                        enrolled: row.try_get("enrolled")?,
                        in_training: row.try_get("in_training")?,
                        completed: row.try_get("completed")?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()?
        };
        let group_firms = if query.firm_groups.is_empty() {
            Vec::new()
        } else {
            let (sql, args) = group_firms_sql(&query);
            Self::rows(&mut tx, &sql, &args)
                .await?
                .iter()
                .map(|row| {
                    Ok(GroupFirms {
                        group: row.try_get("grp")?,
                        firms: row.try_get("firms")?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()?
        };
        let (sql, args) = people_trained_sql(&query);
        let people_trained: i64 = match Self::rows(&mut tx, &sql, &args).await?.first() {
            Some(row) => row.try_get("n")?,
            None => 0,
        };
        let mut money: BTreeMap<String, ProgrammeMoney> = BTreeMap::new();
        fn entry(money: &mut BTreeMap<String, ProgrammeMoney>, programme: String) -> &mut ProgrammeMoney {
            money.entry(programme.clone()).or_insert_with(|| ProgrammeMoney {
                programme,
                ..ProgrammeMoney::default()
            })
        }
        for row in Self::rows(&mut tx, CARD_SQL, &[]).await? {
            let m = entry(&mut money, row.try_get("programme")?);
            m.card_held_won = row.try_get("held")?;
            m.card_charged_won = row.try_get("charged")?;
        }
        for row in Self::rows(&mut tx, PAYROLL_SQL, &[]).await? {
            let m = entry(&mut money, row.try_get("programme")?);
            m.payroll_pending_won = row.try_get("pending")?;
            m.payroll_exported_won = row.try_get("exported")?;
        }
        for row in Self::rows(&mut tx, SME_SQL, &[]).await? {
            entry(&mut money, row.try_get("programme")?).sme_government_won = row.try_get("won")?;
        }
        tx.commit().await?;
        Ok(DashboardFigures {
            enrolments,
            group_people,
            group_firms,
            people_trained,
            money: money.into_values().collect(),
        })
    }

    async fn read_in_training(pool: sqlx::Pool<DB>) -> Result<Vec<InTrainingEnrolment>, StoreError> {
        let mut conn = pool.acquire().await?;
        Ok(Self::rows(&mut conn, IN_TRAINING_SQL, &[])
            .await?
            .iter()
            .map(|row| {
                Ok(InTrainingEnrolment {
                    enrolment_id: row.try_get("id")?,
                    programme: row.try_get("programme")?,
                    course_id: row.try_get("course_id")?,
                    institution_id: row.try_get("institution_id")?,
                    cohort_start: row.try_get("cohort_start")?,
                    cohort_end: row.try_get("cohort_end")?,
                    person_status: row.try_get("person_status")?,
                    employer_size: row.try_get("employer_size")?,
                    paid_periods: row.try_get("paid_periods")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?)
    }
}

#[async_trait]
impl<DB> DashboardReports for SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'r> &'r str: ColumnIndex<DB::Row>,
    String: Col<DB>,
    i64: Col<DB>,
    NaiveDate: Col<DB>,
{
    async fn figures(&self, query: &DashboardQuery) -> Result<DashboardFigures, StoreError> {
        detached(Self::read_figures(self.pool.clone(), query.clone())).await
    }

    async fn in_training(&self) -> Result<Vec<InTrainingEnrolment>, StoreError> {
        detached(Self::read_in_training(self.pool.clone())).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_number_their_parameters_in_order() {
        let query = DashboardQuery {
            programme_groups: vec![("a".into(), "line-1".into()), ("b".into(), "line-1".into())],
            enrolled_statuses: vec!["accepted".into()],
            in_training_statuses: vec!["in_training".into()],
            completed_statuses: Vec::new(),
            ..DashboardQuery::default()
        };
        let (sql, args) = group_people_sql(&query);
        assert!(
            sql.contains("CASE e.programme WHEN $1 THEN $2 WHEN $3 THEN $4 END"),
            "{sql}"
        );
        assert!(sql.contains("e.programme IN ($5, $6)"), "{sql}");
        assert!(
            sql.contains("t.status IN ($7)") && sql.contains("t.status IN ($8)"),
            "{sql}"
        );
        // No completed statuses: a list that matches nothing, not an empty `IN ()`.
        assert!(sql.contains("t.status IN (NULL)"), "{sql}");
        assert_eq!(
            args,
            ["a", "line-1", "b", "line-1", "a", "b", "accepted", "in_training"]
        );
    }
}
