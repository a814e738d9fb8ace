//! The regional dashboards' statements (the same on both backends).

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::NaiveDate;
use sqlx::{ColumnIndex, Executor, IntoArguments, Row};

use super::{detached, Col, Dialect, SqlStore};
use crate::{FirmGroup, MonthFigures, RegionFigures, RegionMoney, RegionPeople, RegionReports, StoreError};

/// `$first, $first+1, …` for `n` bound values (an empty list matches nothing: `NULL`).
fn placeholders(first: usize, n: usize) -> String {
    if n == 0 {
        return "NULL".to_owned();
    }
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The month of a `YYYY-MM…` text ("2026-04-01" → 4).
fn month_of(text: &str) -> Option<u32> {
    text.get(5..7)?.parse().ok().filter(|m| (1..=12).contains(m))
}

impl<DB> SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'r> &'r str: ColumnIndex<DB::Row>,
    String: Col<DB>,
    Option<String>: Col<DB>,
    i64: Col<DB>,
    NaiveDate: Col<DB>,
{
    /// Runs `sql` with `statuses` bound from `$1` and reads every row.
    async fn rows_binding_statuses(
        conn: &mut DB::Connection,
        sql: &str,
        statuses: &[String],
    ) -> Result<Vec<DB::Row>, StoreError> {
        let mut query = sqlx::query(sql);
        for s in statuses {
            query = query.bind(s.clone());
        }
        Ok(query.fetch_all(&mut *conn).await?)
    }

    async fn read_region_figures(pool: sqlx::Pool<DB>, statuses: Vec<String>) -> Result<RegionFigures, StoreError> {
        let mut tx = DB::begin_read(&pool).await?;
        let within = placeholders(1, statuses.len());
        let mut people = Vec::new();
        for (group, programme_column) in [("", "NULL"), (", e.programme", "e.programme")] {
            let sql = format!(
                "SELECT p.region_code AS region_code, {programme_column} AS programme, \
                 COUNT(DISTINCT e.person_id) AS n FROM enrolments e JOIN people p ON p.id = e.person_id \
                 WHERE e.status IN ({within}) GROUP BY p.region_code{group} ORDER BY p.region_code{group}"
            );
            for row in Self::rows_binding_statuses(&mut tx, &sql, &statuses).await? {
                people.push(RegionPeople {
                    region_code: row.try_get("region_code")?,
                    programme: row.try_get("programme")?,
                    people: row.try_get("n")?,
                });
            }
        }
        let mut money: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
        let paid = sqlx::query(
            "SELECT p.region_code AS region_code, l.programme AS programme, CAST(SUM(l.amount_won) AS BIGINT) AS won \
             FROM payroll_lines l JOIN payroll_runs r ON r.id = l.run_id JOIN people p ON p.id = l.person_id \
             WHERE r.status <> 'cancelled' GROUP BY p.region_code, l.programme",
        )
        .fetch_all(&mut *tx)
        .await?;
        for row in paid {
            let key = (row.try_get("region_code")?, row.try_get("programme")?);
            money.entry(key).or_default().0 += row.try_get::<i64, _>("won")?;
        }
        let charged = sqlx::query(
            "SELECT p.region_code AS region_code, e.programme AS programme, CAST(-SUM(c.amount_won) AS BIGINT) AS won \
             FROM card_entries c JOIN enrolments e ON e.id = c.enrolment_id JOIN people p ON p.id = e.person_id \
             WHERE c.kind IN ('charge', 'refund') GROUP BY p.region_code, e.programme",
        )
        .fetch_all(&mut *tx)
        .await?;
        for row in charged {
            let key = (row.try_get("region_code")?, row.try_get("programme")?);
            money.entry(key).or_default().1 += row.try_get::<i64, _>("won")?;
        }
        tx.commit().await?;
        Ok(RegionFigures {
            people,
            money: money
                .into_iter()
                .map(|((region_code, programme), (paid_won, card_charged_won))| RegionMoney {
                    region_code,
                    programme,
                    paid_won,
                    card_charged_won,
                })
                .collect(),
        })
    }

    async fn read_region_months(pool: sqlx::Pool<DB>, year: i32) -> Result<Vec<MonthFigures>, StoreError> {
        let (Some(from), Some(to)) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year + 1, 1, 1),
        ) else {
            return Ok(Vec::new());
        };
        let mut months: Vec<MonthFigures> = (1..=12)
            .map(|month| MonthFigures {
                month,
                ..MonthFigures::default()
            })
            .collect();
        let mut tx = DB::begin_read(&pool).await?;
        let events = sqlx::query(
            "SELECT CAST(seoul_date AS TEXT) AS day, \
             SUM(CASE WHEN to_status = 'in_training' THEN 1 ELSE 0 END) AS started, \
             SUM(CASE WHEN to_status <> 'in_training' THEN 1 ELSE 0 END) AS completed \
             FROM enrolment_events \
             WHERE to_status IN ('in_training', 'completed', 'early_completion_employment') \
             AND seoul_date >= $1 AND seoul_date < $2 GROUP BY seoul_date",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&mut *tx)
        .await?;
        for row in events {
            let day: String = row.try_get("day")?;
            if let Some(m) = month_of(&day).and_then(|m| months.get_mut(m as usize - 1)) {
                m.started += row.try_get::<i64, _>("started")?;
                m.completed += row.try_get::<i64, _>("completed")?;
            }
        }
        let paid = sqlx::query(
            "SELECT r.month AS month, CAST(SUM(l.amount_won) AS BIGINT) AS won \
             FROM payroll_lines l JOIN payroll_runs r ON r.id = l.run_id \
             WHERE r.status <> 'cancelled' AND r.month >= $1 AND r.month < $2 GROUP BY r.month",
        )
        .bind(format!("{year:04}-01"))
        .bind(format!("{:04}-01", year + 1))
        .fetch_all(&mut *tx)
        .await?;
        for row in paid {
            let month: String = row.try_get("month")?;
            if let Some(m) = month_of(&month).and_then(|m| months.get_mut(m as usize - 1)) {
                m.paid_won += row.try_get::<i64, _>("won")?;
            }
        }
        tx.commit().await?;
        Ok(months)
    }

    async fn read_firm_groups(pool: sqlx::Pool<DB>, statuses: Vec<String>) -> Result<Vec<FirmGroup>, StoreError> {
        let within = placeholders(1, statuses.len());
        let sql = format!(
            "SELECT region_code, province_code, centre_id, size_band, level, COUNT(*) AS firms, \
             CAST(SUM(assigned) AS BIGINT) AS assigned, CAST(SUM(visited) AS BIGINT) AS visited, \
             CAST(SUM(diagnosed) AS BIGINT) AS diagnosed, CAST(SUM(prescribed) AS BIGINT) AS prescribed, \
             CAST(SUM(accepted) AS BIGINT) AS accepted, CAST(SUM(staff) AS BIGINT) AS staff \
             FROM (SELECT f.region_code AS region_code, f.province_code AS province_code, \
               f.centre_id AS centre_id, f.size_band AS size_band, \
               (SELECT d.level FROM sme_diagnoses d WHERE d.firm_id = f.id ORDER BY d.diagnosis_no DESC LIMIT 1) AS level, \
               CASE WHEN f.centre_id IS NULL THEN 0 ELSE 1 END AS assigned, \
               CASE WHEN EXISTS (SELECT 1 FROM sme_visits v WHERE v.firm_id = f.id AND v.status = 'done') THEN 1 ELSE 0 END AS visited, \
               CASE WHEN EXISTS (SELECT 1 FROM sme_diagnoses d WHERE d.firm_id = f.id) THEN 1 ELSE 0 END AS diagnosed, \
               CASE WHEN EXISTS (SELECT 1 FROM sme_prescriptions s WHERE s.firm_id = f.id) THEN 1 ELSE 0 END AS prescribed, \
               CASE WHEN EXISTS (SELECT 1 FROM sme_prescriptions s JOIN sme_prescription_acceptances a \
                 ON a.prescription_id = s.id WHERE s.firm_id = f.id) THEN 1 ELSE 0 END AS accepted, \
               (SELECT COUNT(*) FROM sme_plan_enrolments pe JOIN enrolments e ON e.id = pe.enrolment_id \
                 WHERE pe.firm_id = f.id AND e.status IN ({within})) AS staff \
               FROM sme_firms f) x \
             GROUP BY region_code, province_code, centre_id, size_band, level \
             ORDER BY region_code, centre_id, size_band, level"
        );
        let mut conn = pool.acquire().await?;
        let rows = Self::rows_binding_statuses(&mut conn, &sql, &statuses).await?;
        rows.iter()
            .map(|row| {
                Ok(FirmGroup {
                    region_code: row.try_get("region_code")?,
                    province_code: row.try_get("province_code")?,
                    centre_id: row.try_get("centre_id")?,
                    size_band: row.try_get("size_band")?,
                    level: row.try_get("level")?,
                    firms: row.try_get("firms")?,
                    assigned: row.try_get("assigned")?,
                    visited: row.try_get("visited")?,
                    diagnosed: row.try_get("diagnosed")?,
                    prescribed: row.try_get("prescribed")?,
                    accepted: row.try_get("accepted")?,
                    staff_enrolled: row.try_get("staff")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(StoreError::from)
    }
}

fn owned(statuses: &[&str]) -> Vec<String> {
    statuses.iter().map(|s| (*s).to_owned()).collect()
}

#[async_trait]
impl<DB> RegionReports for SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'r> &'r str: ColumnIndex<DB::Row>,
    String: Col<DB>,
    Option<String>: Col<DB>,
    i64: Col<DB>,
    NaiveDate: Col<DB>,
{
    async fn regions(&self, statuses: &[&str]) -> Result<RegionFigures, StoreError> {
        detached(Self::read_region_figures(self.pool.clone(), owned(statuses))).await
    }

    async fn months(&self, year: i32) -> Result<Vec<MonthFigures>, StoreError> {
        detached(Self::read_region_months(self.pool.clone(), year)).await
    }

    async fn firms(&self, statuses: &[&str]) -> Result<Vec<FirmGroup>, StoreError> {
        detached(Self::read_firm_groups(self.pool.clone(), owned(statuses))).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_from_the_first_and_an_empty_list_matches_nothing() {
        assert_eq!(placeholders(1, 3), "$1, $2, $3");
        assert_eq!(placeholders(1, 0), "NULL");
        assert_eq!(month_of("2026-04-30"), Some(4));
        assert_eq!(month_of("2026-13"), None);
    }
}
