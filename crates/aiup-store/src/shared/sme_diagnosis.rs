//! SME diagnoses and prescriptions: the SQL both backends run.
//!
//! Writes take `Lock::SmeCases` on PostgreSQL. Every table is append-only; acceptance is a row
//! keyed by the prescription (so a second acceptance is a unique violation, i.e. `Conflict`),
//! and a plan enrolment a row keyed by the enrolment.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Executor, IntoArguments, Pool, Row};

use super::audit::record;
use super::{detached, is_unique_violation, now, placeholders, Col, Dialect, Lock, SqlStore};
use crate::{
    EnrolmentError, EnrolmentRecord, NewApplication, NewPrescription, NewSmeDiagnosis, NewStaffEnrolment,
    PlanAcceptance, PlanEnrolment, PrescriptionLine, PrescriptionRecord, SmeDiagnosisRecord, SmeDiagnosisStore,
    SmeProgrammeCounts, StoreError, ACTION_PERSON_CREATE, ACTION_SME_DIAGNOSIS_RECORD, ACTION_SME_PLAN_ENROL,
    ACTION_SME_PRESCRIPTION_ACCEPT, ACTION_SME_PRESCRIPTION_RECORD,
};

const DIAGNOSIS_COLUMNS: &str =
    "id, firm_id, diagnosis_no, taken_on, recorded_at, recorded_by, questionnaire_version, \
     answers, level, points, max_points, intermediate_from, advanced_from";

const PRESCRIPTION_COLUMNS: &str =
    "id, firm_id, diagnosis_id, prescribed_on, recorded_at, recorded_by, level, policy_version";

const LINE_COLUMNS: &str = "line_no, kind, programme_id, course_id, cohort_ordinal, cohort_start, fee_won, firm_won, \
     government_won, worker_won";

macro_rules! bounds {
    ($($item:item)*) => {
        impl<DB> SqlStore<DB>
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
            Option<NaiveDate>: Col<DB>,
            Option<DateTime<Utc>>: Col<DB>,
            Option<bool>: Col<DB>,
        {
            $($item)*
        }
    };
}

bounds! {
    fn diagnosis_row(row: &DB::Row) -> Result<SmeDiagnosisRecord, sqlx::Error> {
        Ok(SmeDiagnosisRecord {
            id: row.try_get("id")?,
            recorded_at: row.try_get("recorded_at")?,
            recorded_by: row.try_get("recorded_by")?,
            diagnosis: NewSmeDiagnosis {
                firm_id: row.try_get("firm_id")?,
                diagnosis_no: row.try_get("diagnosis_no")?,
                taken_on: row.try_get("taken_on")?,
                questionnaire_version: row.try_get("questionnaire_version")?,
                answers: row.try_get("answers")?,
                level: row.try_get("level")?,
                points: row.try_get("points")?,
                max_points: row.try_get("max_points")?,
                intermediate_from: row.try_get("intermediate_from")?,
                advanced_from: row.try_get("advanced_from")?,
            },
        })
    }

    async fn record_diagnosis_tx(
        pool: Pool<DB>,
        d: NewSmeDiagnosis,
        stated_intent: Option<(bool, String)>,
        actor: String,
    ) -> Result<SmeDiagnosisRecord, StoreError> {
        let mut tx = DB::begin_write(&pool, Lock::SmeCases).await?;
        let firm: Option<String> = sqlx::query_scalar("SELECT business_number FROM sme_firms WHERE id = $1")
            .bind(d.firm_id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(business_number) = firm else {
            return Err(StoreError::not_found("firm", d.firm_id));
        };
        let recorded_at = now();
        let inserted = sqlx::query(
            "INSERT INTO sme_diagnoses (firm_id, diagnosis_no, taken_on, recorded_at, recorded_by, questionnaire_version, \
             answers, level, points, max_points, intermediate_from, advanced_from) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(d.firm_id)
        .bind(d.diagnosis_no)
        .bind(d.taken_on)
        .bind(recorded_at)
        .bind(&actor)
        .bind(&d.questionnaire_version)
        .bind(&d.answers)
        .bind(&d.level)
        .bind(d.points)
        .bind(d.max_points)
        .bind(d.intermediate_from)
        .bind(d.advanced_from)
        .fetch_one(&mut *tx)
        .await;
        let id: i64 = match inserted {
            Ok(row) => row.try_get(0usize)?,
            Err(e) if is_unique_violation(&e) => {
                return Err(StoreError::conflict(
                    "SME diagnosis",
                    format!("{} of firm {}", d.diagnosis_no, d.firm_id),
                    "this diagnosis is already recorded (was the form sent twice?)",
                ))
            }
            Err(e) => return Err(e.into()),
        };
        let detail = serde_json::json!({
            "firm_id": d.firm_id,
            "diagnosis_no": d.diagnosis_no,
            "taken_on": d.taken_on,
            "level": d.level,
            "points": d.points,
            "questionnaire_version": d.questionnaire_version,
        });
        record::<DB>(&mut tx, &actor, ACTION_SME_DIAGNOSIS_RECORD, &format!("sme_diagnosis:{id}"), detail).await?;
        if let Some((intent, source)) = &stated_intent {
            Self::intent_in_tx(&mut tx, &business_number, *intent, source, d.taken_on, &actor).await?;
        }
        tx.commit().await?;
        Ok(SmeDiagnosisRecord {
            id,
            recorded_at,
            recorded_by: actor,
            diagnosis: d,
        })
    }

    async fn diagnoses_where(pool: Pool<DB>, condition: &'static str, value: i64) -> Result<Vec<SmeDiagnosisRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {DIAGNOSIS_COLUMNS} FROM sme_diagnoses WHERE {condition} ORDER BY diagnosis_no, id"
        ))
        .bind(value)
        .fetch_all(&pool)
        .await?;
        Ok(rows.iter().map(Self::diagnosis_row).collect::<Result<Vec<_>, _>>()?)
    }

    async fn record_prescription_tx(pool: Pool<DB>, p: NewPrescription, actor: String) -> Result<PrescriptionRecord, StoreError> {
        let mut tx = DB::begin_write(&pool, Lock::SmeCases).await?;
        let owner: Option<i64> = sqlx::query_scalar("SELECT firm_id FROM sme_diagnoses WHERE id = $1")
            .bind(p.diagnosis_id)
            .fetch_optional(&mut *tx)
            .await?;
        if owner != Some(p.firm_id) {
            return Err(StoreError::not_found("SME diagnosis", format!("{} of firm {}", p.diagnosis_id, p.firm_id)));
        }
        let recorded_at = now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO sme_prescriptions (firm_id, diagnosis_id, prescribed_on, recorded_at, recorded_by, level, policy_version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(p.firm_id)
        .bind(p.diagnosis_id)
        .bind(p.prescribed_on)
        .bind(recorded_at)
        .bind(&actor)
        .bind(&p.level)
        .bind(&p.policy_version)
        .fetch_one(&mut *tx)
        .await?;
        if !p.lines.is_empty() {
            let sql = format!(
                "INSERT INTO sme_prescription_lines (prescription_id, {LINE_COLUMNS}) VALUES {}",
                placeholders(p.lines.len(), 11)
            );
            let mut insert = sqlx::query(&sql);
            for l in &p.lines {
                insert = insert
                    .bind(id)
                    .bind(l.line_no)
                    .bind(&l.kind)
                    .bind(&l.programme_id)
                    .bind(&l.course_id)
                    .bind(l.cohort_ordinal)
                    .bind(l.cohort_start)
                    .bind(l.fee_won)
                    .bind(l.firm_won)
                    .bind(l.government_won)
                    .bind(l.worker_won);
            }
            insert.execute(&mut *tx).await?;
        }
        let detail = serde_json::json!({
            "firm_id": p.firm_id,
            "diagnosis_id": p.diagnosis_id,
            "level": p.level,
            "policy_version": p.policy_version,
            "lines": p.lines.len(),
            "courses": p.lines.iter().filter_map(|l| l.course_id.as_deref()).collect::<Vec<_>>(),
        });
        record::<DB>(&mut tx, &actor, ACTION_SME_PRESCRIPTION_RECORD, &format!("sme_prescription:{id}"), detail).await?;
        tx.commit().await?;
        Ok(PrescriptionRecord {
            id,
            recorded_at,
            recorded_by: actor,
            prescription: p,
            acceptance: None,
        })
    }

    async fn prescriptions_where(pool: Pool<DB>, condition: &'static str, value: i64) -> Result<Vec<PrescriptionRecord>, StoreError> {
        let mut tx = DB::begin_read(&pool).await?;
        let rows = sqlx::query(&format!(
            "SELECT {PRESCRIPTION_COLUMNS} FROM sme_prescriptions WHERE {condition} ORDER BY id"
        ))
        .bind(value)
        .fetch_all(&mut *tx)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let id: i64 = row.try_get("id")?;
            let lines = sqlx::query(&format!(
                "SELECT {LINE_COLUMNS} FROM sme_prescription_lines WHERE prescription_id = $1 ORDER BY line_no"
            ))
            .bind(id)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| {
                Ok(PrescriptionLine {
                    line_no: r.try_get("line_no")?,
                    kind: r.try_get("kind")?,
                    programme_id: r.try_get("programme_id")?,
                    course_id: r.try_get("course_id")?,
                    cohort_ordinal: r.try_get("cohort_ordinal")?,
                    cohort_start: r.try_get("cohort_start")?,
                    fee_won: r.try_get("fee_won")?,
                    firm_won: r.try_get("firm_won")?,
                    government_won: r.try_get("government_won")?,
                    worker_won: r.try_get("worker_won")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
            let acceptance = sqlx::query(
                "SELECT accepted_on, accepted_at, accepted_by FROM sme_prescription_acceptances WHERE prescription_id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| -> Result<PlanAcceptance, sqlx::Error> {
                Ok(PlanAcceptance {
                    accepted_on: r.try_get("accepted_on")?,
                    accepted_at: r.try_get("accepted_at")?,
                    accepted_by: r.try_get("accepted_by")?,
                })
            })
            .transpose()?;
            out.push(PrescriptionRecord {
                id,
                recorded_at: row.try_get("recorded_at")?,
                recorded_by: row.try_get("recorded_by")?,
                prescription: NewPrescription {
                    firm_id: row.try_get("firm_id")?,
                    diagnosis_id: row.try_get("diagnosis_id")?,
                    prescribed_on: row.try_get("prescribed_on")?,
                    level: row.try_get("level")?,
                    policy_version: row.try_get("policy_version")?,
                    lines,
                },
                acceptance,
            });
        }
        tx.commit().await?;
        Ok(out)
    }

    async fn accept_tx(pool: Pool<DB>, id: i64, on: NaiveDate, actor: String) -> Result<(), StoreError> {
        let mut tx = DB::begin_write(&pool, Lock::SmeCases).await?;
        let firm: Option<i64> = sqlx::query_scalar("SELECT firm_id FROM sme_prescriptions WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(firm) = firm else {
            return Err(StoreError::not_found("prescription", id));
        };
        let inserted = sqlx::query(
            "INSERT INTO sme_prescription_acceptances (prescription_id, accepted_on, accepted_at, accepted_by) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(on)
        .bind(now())
        .bind(&actor)
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                return Err(StoreError::conflict("prescription", id, "the plan is already accepted"));
            }
            Err(e) => return Err(e.into()),
        }
        let detail = serde_json::json!({ "firm_id": firm, "accepted_on": on });
        record::<DB>(&mut tx, &actor, ACTION_SME_PRESCRIPTION_ACCEPT, &format!("sme_prescription:{id}"), detail).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Checks the plan line and writes the link and its audit event inside `conn`'s transaction.
    async fn link_in_tx(
        conn: &mut DB::Connection,
        prescription_id: i64,
        line_no: i64,
        enrolment_id: i64,
        staff_ref_hash: Option<String>,
        actor: &str,
    ) -> Result<PlanEnrolment, StoreError> {
        let plan = sqlx::query(
            "SELECT p.firm_id, a.prescription_id AS accepted, l.course_id FROM sme_prescriptions p \
             LEFT JOIN sme_prescription_acceptances a ON a.prescription_id = p.id \
             LEFT JOIN sme_prescription_lines l ON l.prescription_id = p.id AND l.line_no = $2 \
             WHERE p.id = $1",
        )
        .bind(prescription_id)
        .bind(line_no)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(plan) = plan else {
            return Err(StoreError::not_found("prescription", prescription_id));
        };
        let firm_id: i64 = plan.try_get("firm_id")?;
        let accepted: Option<i64> = plan.try_get("accepted")?;
        let course: Option<String> = plan.try_get("course_id")?;
        if accepted.is_none() {
            return Err(StoreError::conflict("prescription", prescription_id, "the plan is not accepted"));
        }
        if course.is_none() {
            return Err(StoreError::not_found("course line", format!("{line_no} of prescription {prescription_id}")));
        }
        let enrolment: Option<i64> = sqlx::query_scalar("SELECT id FROM enrolments WHERE id = $1")
            .bind(enrolment_id)
            .fetch_optional(&mut *conn)
            .await?;
        if enrolment.is_none() {
            return Err(StoreError::not_found("enrolment", enrolment_id));
        }
        let created_at = now();
        let inserted = sqlx::query(
            "INSERT INTO sme_plan_enrolments (enrolment_id, prescription_id, line_no, firm_id, staff_ref_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(enrolment_id)
        .bind(prescription_id)
        .bind(line_no)
        .bind(firm_id)
        .bind(&staff_ref_hash)
        .bind(created_at)
        .execute(&mut *conn)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                return Err(StoreError::conflict("plan enrolment", enrolment_id, "the enrolment is already linked to a plan"));
            }
            Err(e) => return Err(e.into()),
        }
        let detail = serde_json::json!({
            "firm_id": firm_id,
            "prescription_id": prescription_id,
            "line_no": line_no,
            "staff_ref": staff_ref_hash.is_some(),
        });
        record::<DB>(&mut *conn, actor, ACTION_SME_PLAN_ENROL, &format!("enrolment:{enrolment_id}"), detail).await?;
        Ok(PlanEnrolment {
            enrolment_id,
            prescription_id,
            line_no,
            firm_id,
            staff_ref_hash,
            created_at,
        })
    }

    async fn link_tx(
        pool: Pool<DB>,
        prescription_id: i64,
        line_no: i64,
        enrolment_id: i64,
        staff_ref_hash: Option<String>,
        actor: String,
    ) -> Result<PlanEnrolment, StoreError> {
        let mut tx = DB::begin_write(&pool, Lock::SmeCases).await?;
        let linked = Self::link_in_tx(&mut tx, prescription_id, line_no, enrolment_id, staff_ref_hash, &actor).await?;
        tx.commit().await?;
        Ok(linked)
    }

    async fn enrol_staff_tx(
        pool: Pool<DB>,
        staff: NewStaffEnrolment,
        actor: String,
    ) -> Result<(EnrolmentRecord, PlanEnrolment), EnrolmentError> {
        let mut tx = DB::begin_write(&pool, Lock::SmeCases).await?;
        let f = &staff.person;
        let at = now();
        let person_id: i64 = sqlx::query_scalar(
            "INSERT INTO people (account_id, stage, status, employer_size, region_code, age_band, target_groups, kukchi, \
             external_id_hash, created_at, updated_at) VALUES (NULL, $1, $2, $3, $4, $5, $6, $7, NULL, $8, $8) RETURNING id",
        )
        .bind(&f.stage)
        .bind(&f.status)
        .bind(&f.employer_size)
        .bind(&f.region_code)
        .bind(&f.age_band)
        .bind(&f.target_groups)
        .bind(&f.kukchi)
        .bind(at)
        .fetch_one(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        let detail = serde_json::json!({
            "after": {
                "stage": f.stage, "status": f.status, "employer_size": f.employer_size,
                "region_code": f.region_code, "age_band": f.age_band,
            },
            "sme_prescription": staff.prescription_id,
        });
        record::<DB>(&mut tx, &actor, ACTION_PERSON_CREATE, &format!("person:{person_id}"), detail).await?;
        let application = NewApplication {
            person_id,
            ..staff.application
        };
        let enrolment = Self::apply_in_tx(&mut tx, application, &actor).await?;
        let linked = Self::link_in_tx(
            &mut tx,
            staff.prescription_id,
            staff.line_no,
            enrolment.id,
            staff.staff_ref_hash,
            &actor,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok((enrolment, linked))
    }

    async fn counts_tx(pool: Pool<DB>) -> Result<SmeProgrammeCounts, StoreError> {
        let mut tx = DB::begin_read(&pool).await?;
        let count = |sql: &'static str| sqlx::query_scalar::<DB, i64>(sql);
        let firms_diagnosed = count("SELECT COUNT(DISTINCT firm_id) FROM sme_diagnoses").fetch_one(&mut *tx).await?;
        let firms_prescribed = count("SELECT COUNT(DISTINCT firm_id) FROM sme_prescriptions").fetch_one(&mut *tx).await?;
        let plans_accepted = count("SELECT COUNT(*) FROM sme_prescription_acceptances").fetch_one(&mut *tx).await?;
        let rows = sqlx::query(
            "SELECT l.programme_id, COUNT(DISTINCT e.firm_id) AS firms, COUNT(*) AS enrolments \
             FROM sme_plan_enrolments e JOIN sme_prescription_lines l \
               ON l.prescription_id = e.prescription_id AND l.line_no = e.line_no \
             WHERE l.programme_id IS NOT NULL GROUP BY l.programme_id ORDER BY l.programme_id",
        )
        .fetch_all(&mut *tx)
        .await?;
        let mut by_programme = Vec::with_capacity(rows.len());
        for r in rows {
            let firms: i64 = r.try_get("firms")?;
            let enrolments: i64 = r.try_get("enrolments")?;
            by_programme.push((r.try_get("programme_id")?, firms.unsigned_abs(), enrolments.unsigned_abs()));
        }
        tx.commit().await?;
        Ok(SmeProgrammeCounts {
            firms_diagnosed: firms_diagnosed.unsigned_abs(),
            firms_prescribed: firms_prescribed.unsigned_abs(),
            plans_accepted: plans_accepted.unsigned_abs(),
            by_programme,
        })
    }
}

#[async_trait]
impl<DB> SmeDiagnosisStore for SqlStore<DB>
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
    Option<NaiveDate>: Col<DB>,
    Option<DateTime<Utc>>: Col<DB>,
    Option<bool>: Col<DB>,
{
    async fn record_diagnosis(
        &self,
        d: &NewSmeDiagnosis,
        stated_intent: Option<(bool, &str)>,
        actor: &str,
    ) -> Result<SmeDiagnosisRecord, StoreError> {
        detached(Self::record_diagnosis_tx(
            self.pool.clone(),
            d.clone(),
            stated_intent.map(|(intent, source)| (intent, source.to_owned())),
            actor.to_owned(),
        ))
        .await
    }

    async fn diagnosis(&self, id: i64) -> Result<Option<SmeDiagnosisRecord>, StoreError> {
        Ok(Self::diagnoses_where(self.pool.clone(), "id = $1", id).await?.pop())
    }

    async fn diagnoses_of(&self, firm_id: i64) -> Result<Vec<SmeDiagnosisRecord>, StoreError> {
        Self::diagnoses_where(self.pool.clone(), "firm_id = $1", firm_id).await
    }

    async fn next_diagnosis_no(&self, firm_id: i64) -> Result<i64, StoreError> {
        let last: Option<i64> = sqlx::query_scalar("SELECT MAX(diagnosis_no) FROM sme_diagnoses WHERE firm_id = $1")
            .bind(firm_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(last.unwrap_or(0) + 1)
    }

    async fn record_prescription(&self, p: &NewPrescription, actor: &str) -> Result<PrescriptionRecord, StoreError> {
        detached(Self::record_prescription_tx(
            self.pool.clone(),
            p.clone(),
            actor.to_owned(),
        ))
        .await
    }

    async fn prescription(&self, id: i64) -> Result<Option<PrescriptionRecord>, StoreError> {
        Ok(detached(Self::prescriptions_where(self.pool.clone(), "id = $1", id))
            .await?
            .pop())
    }

    async fn prescriptions_of(&self, firm_id: i64) -> Result<Vec<PrescriptionRecord>, StoreError> {
        detached(Self::prescriptions_where(self.pool.clone(), "firm_id = $1", firm_id)).await
    }

    async fn accept_prescription(&self, id: i64, on: NaiveDate, actor: &str) -> Result<PrescriptionRecord, StoreError> {
        detached(Self::accept_tx(self.pool.clone(), id, on, actor.to_owned())).await?;
        self.prescription(id)
            .await?
            .ok_or_else(|| StoreError::not_found("prescription", id))
    }

    async fn link_enrolment(
        &self,
        prescription_id: i64,
        line_no: i64,
        enrolment_id: i64,
        staff_ref_hash: Option<&str>,
        actor: &str,
    ) -> Result<PlanEnrolment, StoreError> {
        detached(Self::link_tx(
            self.pool.clone(),
            prescription_id,
            line_no,
            enrolment_id,
            staff_ref_hash.map(str::to_owned),
            actor.to_owned(),
        ))
        .await
    }

    async fn enrol_staff(
        &self,
        staff: &NewStaffEnrolment,
        actor: &str,
    ) -> Result<(EnrolmentRecord, PlanEnrolment), EnrolmentError> {
        match tokio::spawn(Self::enrol_staff_tx(self.pool.clone(), staff.clone(), actor.to_owned())).await {
            Ok(result) => result,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => Err(StoreError::Database(sqlx::Error::PoolClosed).into()),
        }
    }

    async fn plan_enrolments_of(&self, firm_id: i64) -> Result<Vec<PlanEnrolment>, StoreError> {
        let rows = sqlx::query(
            "SELECT enrolment_id, prescription_id, line_no, firm_id, staff_ref_hash, created_at \
             FROM sme_plan_enrolments WHERE firm_id = $1 ORDER BY enrolment_id",
        )
        .bind(firm_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PlanEnrolment {
                    enrolment_id: r.try_get("enrolment_id")?,
                    prescription_id: r.try_get("prescription_id")?,
                    line_no: r.try_get("line_no")?,
                    firm_id: r.try_get("firm_id")?,
                    staff_ref_hash: r.try_get("staff_ref_hash")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    async fn programme_counts(&self) -> Result<SmeProgrammeCounts, StoreError> {
        detached(Self::counts_tx(self.pool.clone())).await
    }
}
