//! The enrolment aggregate's statements (the same on both backends).
//!
//! Locks, in the order an acceptance takes them: the enrolment's row (a conditional
//! `UPDATE … WHERE status = <seen>`), the person's row (a no-op `UPDATE`, so eligibility and
//! the overlap check read a history nobody changes meanwhile), the card's row (inside
//! `cards::hold_in_tx`), and last the cohort's seat row (the conditional
//! `UPDATE … WHERE taken < seats`), held only until the commit. A status change takes the
//! enrolment's row, the card's, then the seat row, and offers a freed seat to waiting people,
//! whose enrolments, persons and cards no concurrent acceptance into the same cohort can hold
//! (one live application per person and cohort). No advisory lock: work on different cohorts
//! runs in parallel on PostgreSQL; SQLite has one writer at a time.

use std::ops::RangeInclusive;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Executor, IntoArguments, Pool};

use super::audit::record;
use super::cards::{charged_in_tx, held_in_tx, hold_in_tx, post_in_tx, refund_in_tx, release_in_tx};
use super::people::{person_from_row, PERSON_COLUMNS};
use super::{clamp_limit, detached, is_unique_violation, now, Col, Dialect, Lock, SqlStore};
use crate::cards::{CardEntryKind, NewCardEntry};
use crate::enrolments::{
    Acceptance, AcceptanceRules, AcceptanceTerms, CardEffect, Changed, CohortSeats, Decided, EnrolmentError,
    EnrolmentEventRecord, EnrolmentRecord, EnrolmentRefusal, EnrolmentStore, NewApplication, Offer, StatusChange,
    ACTION_ENROLMENT_APPLY, ACTION_ENROLMENT_PREFIX,
};
use crate::{seoul_date, PersonRecord, StoreError};

const COLUMNS: &str = "id, person_id, course_id, cohort_ordinal, institution_id, programme, cohort_start, cohort_end, \
     status, applied_at, updated_at, waiting_since, fee_won, card_hold_won, self_payment_won, reason";

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    person_id: i64,
    course_id: String,
    cohort_ordinal: i64,
    institution_id: String,
    programme: String,
    cohort_start: NaiveDate,
    cohort_end: NaiveDate,
    status: String,
    applied_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    waiting_since: Option<DateTime<Utc>>,
    fee_won: i64,
    card_hold_won: i64,
    self_payment_won: i64,
    reason: Option<String>,
}

impl From<Row> for EnrolmentRecord {
    fn from(r: Row) -> EnrolmentRecord {
        EnrolmentRecord {
            id: r.id,
            person_id: r.person_id,
            course_id: r.course_id,
            cohort_ordinal: r.cohort_ordinal,
            institution_id: r.institution_id,
            programme: r.programme,
            cohort_start: r.cohort_start,
            cohort_end: r.cohort_end,
            status: r.status,
            applied_at: r.applied_at,
            updated_at: r.updated_at,
            waiting_since: r.waiting_since,
            fee_won: r.fee_won,
            card_hold_won: r.card_hold_won,
            self_payment_won: r.self_payment_won,
            reason: r.reason,
        }
    }
}

#[derive(sqlx::FromRow)]
struct EventRow {
    enrolment_id: i64,
    seq: i64,
    event: String,
    from_status: Option<String>,
    to_status: String,
    reason: Option<String>,
    actor: String,
    at: DateTime<Utc>,
    seoul_date: NaiveDate,
}

/// What the audit event shows of an enrolment: ids, cohort, status and amounts; never the
/// free-text reason (it may name someone).
fn public(e: &EnrolmentRecord) -> serde_json::Value {
    serde_json::json!({
        "id": e.id,
        "person_id": e.person_id,
        "course_id": e.course_id,
        "cohort_ordinal": e.cohort_ordinal,
        "institution_id": e.institution_id,
        "programme": e.programme,
        "status": e.status,
        "card_hold_won": e.card_hold_won,
        "self_payment_won": e.self_payment_won,
    })
}

/// Why an acceptance was refused; it wrote nothing.
struct Refused {
    refusal: EnrolmentRefusal,
}

impl From<EnrolmentRefusal> for Refused {
    fn from(refusal: EnrolmentRefusal) -> Refused {
        Refused { refusal }
    }
}

/// Why a waiting person was passed over for a freed seat, in Korean and English (the trainee
/// reads it on their applications page).
fn skip_reason(refusal: &EnrolmentRefusal) -> String {
    let ko = match refusal {
        EnrolmentRefusal::Ineligible(why) => why.ko.clone(),
        EnrolmentRefusal::Overlapping { .. } => "기간이 겹치는 다른 과정에 선발되어 있습니다.".to_owned(),
        EnrolmentRefusal::NoCard => "국민내일배움카드 계좌가 없습니다.".to_owned(),
        EnrolmentRefusal::Card(_) => "카드 잔액이 부족하거나 카드를 쓸 수 없습니다.".to_owned(),
        _ => "선발 조건을 충족하지 않습니다.".to_owned(),
    };
    format!("빈자리 배정에서 제외: {ko} / skipped for a freed seat: {refusal}")
}

enum Accepted {
    Accepted(EnrolmentRecord),
    Full(EnrolmentRecord),
}

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
    Option<DateTime<Utc>>: Col<DB>,
{
    async fn enrolments_where(
        conn: &mut DB::Connection,
        condition: &str,
        text: Option<&str>,
        number: i64,
    ) -> Result<Vec<EnrolmentRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM enrolments WHERE {condition}");
        let query = sqlx::query_as::<_, Row>(&sql);
        let query = match text {
            Some(text) => query.bind(text.to_owned()).bind(number),
            None => query.bind(number),
        };
        let rows = query.fetch_all(&mut *conn).await?;
        Ok(rows.into_iter().map(EnrolmentRecord::from).collect())
    }

    /// Locks enrolment `id` if it is in status `expected`; else says what it is.
    async fn lock_in_status(
        conn: &mut DB::Connection,
        id: i64,
        expected: &str,
    ) -> Result<Result<EnrolmentRecord, EnrolmentRefusal>, StoreError> {
        let row: Option<Row> = sqlx::query_as(&format!(
            "UPDATE enrolments SET updated_at = updated_at WHERE id = $1 AND status = $2 RETURNING {COLUMNS}"
        ))
        .bind(id)
        .bind(expected.to_owned())
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(row) = row {
            return Ok(Ok(row.into()));
        }
        let found: Option<String> = sqlx::query_scalar("SELECT status FROM enrolments WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
        match found {
            Some(found) => Ok(Err(EnrolmentRefusal::Stale {
                expected: expected.to_owned(),
                found,
            })),
            None => Err(StoreError::NotFound {
                what: "enrolment".to_owned(),
                key: id.to_string(),
            }),
        }
    }

    /// Sets the enrolment's status and what goes with it, and appends its event and audit event.
    #[allow(clippy::too_many_arguments)] // one row's worth of columns
    async fn move_to(
        conn: &mut DB::Connection,
        before: &EnrolmentRecord,
        to: &str,
        event: &str,
        reason: Option<&str>,
        amounts: Option<(i64, i64)>,
        waiting: bool,
        actor: &str,
    ) -> Result<EnrolmentRecord, StoreError> {
        let at = now();
        let (hold, own) = amounts.unwrap_or((before.card_hold_won, before.self_payment_won));
        let row: Row = sqlx::query_as(&format!(
            "UPDATE enrolments SET status = $2, updated_at = $3, \
             waiting_since = CASE WHEN $4 THEN $3 ELSE NULL END, card_hold_won = $5, self_payment_won = $6, \
             reason = COALESCE($7, reason) WHERE id = $1 RETURNING {COLUMNS}"
        ))
        .bind(before.id)
        .bind(to.to_owned())
        .bind(at)
        .bind(waiting)
        .bind(hold)
        .bind(own)
        .bind(reason.map(str::to_owned))
        .fetch_one(&mut *conn)
        .await?;
        let after = EnrolmentRecord::from(row);
        Self::append_event(conn, after.id, event, Some(&before.status), to, reason, actor, at).await?;
        let detail = serde_json::json!({ "before": public(before), "after": public(&after), "event": event,
            "reason_given": reason.is_some() });
        record::<DB>(
            conn,
            actor,
            &format!("{ACTION_ENROLMENT_PREFIX}{event}"),
            &format!("enrolment:{}", after.id),
            detail,
        )
        .await?;
        Ok(after)
    }

    #[allow(clippy::too_many_arguments)] // the event row's columns
    async fn append_event(
        conn: &mut DB::Connection,
        enrolment_id: i64,
        event: &str,
        from: Option<&str>,
        to: &str,
        reason: Option<&str>,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO enrolment_events (enrolment_id, seq, event, from_status, to_status, reason, actor, at, \
             seoul_date) SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5, $6, $7, $8 \
             FROM enrolment_events WHERE enrolment_id = $1",
        )
        .bind(enrolment_id)
        .bind(event.to_owned())
        .bind(from.map(str::to_owned))
        .bind(to.to_owned())
        .bind(reason.map(str::to_owned))
        .bind(actor.to_owned())
        .bind(at)
        .bind(seoul_date(at))
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Makes the cohort's seat row with `seats` seats, unless it has one.
    async fn ensure_seats(
        conn: &mut DB::Connection,
        course_id: &str,
        cohort_ordinal: i64,
        seats: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO cohort_seats (course_id, cohort_ordinal, seats, taken) VALUES ($1, $2, $3, 0) \
             ON CONFLICT (course_id, cohort_ordinal) DO NOTHING",
        )
        .bind(course_id.to_owned())
        .bind(cohort_ordinal)
        .bind(seats.max(0))
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Frees one seat of the cohort.
    async fn free_seat(conn: &mut DB::Connection, e: &EnrolmentRecord) -> Result<(), StoreError> {
        sqlx::query("UPDATE cohort_seats SET taken = taken - 1 WHERE course_id = $1 AND cohort_ordinal = $2")
            .bind(e.course_id.clone())
            .bind(e.cohort_ordinal)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    /// The acceptance steps on a locked enrolment (status `applied`, or `waiting` for a freed
    /// seat): eligibility, overlap, card hold, status, seat. A refusal or a full cohort writes
    /// nothing.
    async fn accept_locked(
        conn: &mut DB::Connection,
        enrolment: &EnrolmentRecord,
        rules: &dyn AcceptanceRules,
        event: &str,
        actor: &str,
    ) -> Result<Result<Accepted, Refused>, StoreError> {
        let person: Option<PersonRecord> = {
            let row = sqlx::query(&format!(
                "UPDATE people SET updated_at = updated_at WHERE id = $1 RETURNING {PERSON_COLUMNS}"
            ))
            .bind(enrolment.person_id)
            .fetch_optional(&mut *conn)
            .await?;
            row.as_ref().map(person_from_row::<DB>).transpose()?
        };
        let Some(person) = person else {
            return Err(StoreError::Corrupt {
                what: format!("enrolment {}", enrolment.id),
                reason: format!("its person {} does not exist", enrolment.person_id),
            });
        };
        let history = Self::enrolments_where(conn, "person_id = $1 ORDER BY id", None, enrolment.person_id).await?;
        let history: Vec<EnrolmentRecord> = history.into_iter().filter(|e| e.id != enrolment.id).collect();
        let terms = match rules.terms(&person, enrolment, &history) {
            Ok(terms) => terms,
            Err(why) => return Ok(Err(EnrolmentRefusal::Ineligible(why).into())),
        };
        // The person's row is locked, so no other acceptance of theirs can change this list.
        let overlapping = history
            .iter()
            .filter(|e| matches!(e.status.as_str(), "accepted" | "in_training"))
            .find(|e| e.cohort_start <= enrolment.cohort_end && e.cohort_end >= enrolment.cohort_start)
            .map(|e| e.id);
        if let Some(other) = overlapping {
            return Ok(Err(EnrolmentRefusal::Overlapping { other }.into()));
        }
        // Everything the acceptance writes goes inside a savepoint, and the seat is taken last:
        // its row is then locked only until the commit, so acceptances into one cohort queue
        // for one statement, not for the whole acceptance. A full cohort or a refused card
        // rolls the savepoint back (its row locks too).
        sqlx::query("SAVEPOINT acceptance").execute(&mut *conn).await?;
        let refusal = Self::hold_card(conn, enrolment, &terms, actor).await?;
        let accepted = match refusal {
            Some(_) => None,
            None => Some(
                Self::move_to(
                    conn,
                    enrolment,
                    "accepted",
                    event,
                    None,
                    Some((terms.card_hold_won, terms.self_payment_won)),
                    false,
                    actor,
                )
                .await?,
            ),
        };
        let seat = sqlx::query(
            "UPDATE cohort_seats SET taken = taken + 1 \
             WHERE course_id = $1 AND cohort_ordinal = $2 AND taken < seats",
        )
        .bind(enrolment.course_id.clone())
        .bind(enrolment.cohort_ordinal)
        .execute(&mut *conn)
        .await?;
        let outcome = match (DB::rows_affected(&seat) > 0, refusal, accepted) {
            (true, None, Some(accepted)) => {
                sqlx::query("RELEASE SAVEPOINT acceptance").execute(&mut *conn).await?;
                return Ok(Ok(Accepted::Accepted(accepted)));
            }
            (true, Some(refusal), _) => Err(refusal.into()),
            _ => Ok(Accepted::Full(enrolment.clone())),
        };
        sqlx::query("ROLLBACK TO SAVEPOINT acceptance")
            .execute(&mut *conn)
            .await?;
        sqlx::query("RELEASE SAVEPOINT acceptance").execute(&mut *conn).await?;
        Ok(outcome)
    }

    /// Holds the card's share for the enrolment; the refusal if the card cannot (nothing is
    /// written then).
    async fn hold_card(
        conn: &mut DB::Connection,
        enrolment: &EnrolmentRecord,
        terms: &AcceptanceTerms,
        actor: &str,
    ) -> Result<Option<EnrolmentRefusal>, StoreError> {
        if terms.card_hold_won <= 0 {
            return Ok(None);
        }
        let card: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM card_accounts WHERE person_id = $1 AND expired = FALSE ORDER BY id DESC LIMIT 1",
        )
        .bind(enrolment.person_id)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(card) = card else {
            return Ok(Some(EnrolmentRefusal::NoCard));
        };
        let hold = NewCardEntry {
            kind: CardEntryKind::Hold,
            amount_won: terms.card_hold_won,
            on_date: terms.on_date,
            rule: terms.rule.clone(),
            params: terms.params.clone(),
            enrolment_id: Some(enrolment.id),
        };
        Ok(hold_in_tx::<DB>(conn, card, &hold, actor)
            .await?
            .err()
            .map(EnrolmentRefusal::Card))
    }

    async fn accept_one(pool: Pool<DB>, acceptance: Acceptance, actor: String) -> Result<Decided, EnrolmentError> {
        let mut tx = DB::begin_write(&pool, Lock::RowLevel).await?;
        let enrolment = Self::lock_in_status(&mut tx, acceptance.enrolment_id, "applied").await??;
        Self::ensure_seats(
            &mut tx,
            &enrolment.course_id,
            enrolment.cohort_ordinal,
            acceptance.seats_if_new,
        )
        .await?;
        let decided =
            match Self::accept_locked(&mut tx, &enrolment, acceptance.rules.as_ref(), "accept", &actor).await? {
                // Rolled back by dropping the transaction.
                Err(refused) => return Err(refused.refusal.into()),
                Ok(Accepted::Accepted(accepted)) => Decided::Accepted(accepted),
                Ok(Accepted::Full(_)) if !acceptance.waiting_list => return Err(EnrolmentRefusal::CohortFull.into()),
                Ok(Accepted::Full(applied)) => Decided::Waitlisted(
                    Self::move_to(&mut tx, &applied, "waiting", "waitlist", None, None, true, &actor).await?,
                ),
            };
        tx.commit().await?;
        Ok(decided)
    }

    /// Offers one freed seat to the cohort's waiting list, earliest first. A waiting person the
    /// rules no longer admit (or whose card cannot hold the share) is refused with the reason.
    async fn offer_seat(
        conn: &mut DB::Connection,
        freed: &EnrolmentRecord,
        rules: &dyn AcceptanceRules,
        actor: &str,
    ) -> Result<Vec<Offer>, StoreError> {
        let mut offers = Vec::new();
        loop {
            let next: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM enrolments WHERE course_id = $1 AND cohort_ordinal = $2 AND status = 'waiting' \
                 ORDER BY waiting_since, id LIMIT 1",
            )
            .bind(freed.course_id.clone())
            .bind(freed.cohort_ordinal)
            .fetch_optional(&mut *conn)
            .await?;
            let Some(next) = next else { break };
            let waiting = match Self::lock_in_status(conn, next, "waiting").await? {
                Ok(waiting) => waiting,
                // Only if it moved between the two statements; look again.
                Err(_) => continue,
            };
            match Self::accept_locked(conn, &waiting, rules, "offer_seat", actor).await? {
                Ok(Accepted::Accepted(accepted)) => {
                    offers.push(Offer::Accepted(accepted));
                    break;
                }
                // The freed seat is gone already (the row was full again): stop offering.
                Ok(Accepted::Full(_)) => break,
                Err(refused) => {
                    let reason = skip_reason(&refused.refusal);
                    Self::move_to(conn, &waiting, "refused", "refuse", Some(&reason), None, false, actor).await?;
                    offers.push(Offer::Skipped {
                        enrolment_id: waiting.id,
                        reason,
                    });
                }
            }
        }
        Ok(offers)
    }

    async fn apply_one(pool: Pool<DB>, a: NewApplication, actor: String) -> Result<EnrolmentRecord, EnrolmentError> {
        let mut tx = DB::begin_write(&pool, Lock::RowLevel).await?;
        let enrolment = Self::apply_in_tx(&mut tx, a, &actor).await?;
        tx.commit().await?;
        Ok(enrolment)
    }

    /// An application written inside the caller's transaction (its seats row, the enrolment,
    /// its first event and the audit event): what `apply` does, for another aggregate whose
    /// write includes an application (an SME plan's staff enrolment).
    pub(crate) async fn apply_in_tx(
        tx: &mut DB::Connection,
        a: NewApplication,
        actor: &str,
    ) -> Result<EnrolmentRecord, EnrolmentError> {
        Self::ensure_seats(&mut *tx, &a.course_id, a.cohort_ordinal, a.seats).await?;
        let at = now();
        let inserted = sqlx::query_as::<_, Row>(&format!(
            "INSERT INTO enrolments (person_id, course_id, cohort_ordinal, institution_id, programme, cohort_start, \
             cohort_end, status, applied_at, updated_at, fee_won) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'applied', $8, $8, $9) RETURNING {COLUMNS}"
        ))
        .bind(a.person_id)
        .bind(a.course_id.clone())
        .bind(a.cohort_ordinal)
        .bind(a.institution_id.clone())
        .bind(a.programme.clone())
        .bind(a.cohort_start)
        .bind(a.cohort_end)
        .bind(at)
        .bind(a.fee_won)
        .fetch_one(&mut *tx)
        .await;
        let enrolment = match inserted {
            Ok(row) => EnrolmentRecord::from(row),
            Err(e) if is_unique_violation(&e) => return Err(EnrolmentRefusal::Duplicate.into()),
            Err(e) => return Err(e.into()),
        };
        Self::append_event(&mut *tx, enrolment.id, "apply", None, "applied", None, actor, at).await?;
        record::<DB>(
            &mut *tx,
            actor,
            ACTION_ENROLMENT_APPLY,
            &format!("enrolment:{}", enrolment.id),
            serde_json::json!({ "after": public(&enrolment) }),
        )
        .await?;
        Ok(enrolment)
    }

    /// The card the enrolment's hold sits on.
    async fn card_of_hold(conn: &mut DB::Connection, enrolment_id: i64) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT card_id FROM card_entries WHERE enrolment_id = $1 AND kind = 'hold' ORDER BY seq LIMIT 1",
        )
        .bind(enrolment_id)
        .fetch_optional(&mut *conn)
        .await?)
    }

    /// Applies a change's card effect; a card refusal is returned (the caller rolls back).
    async fn card_effect(
        conn: &mut DB::Connection,
        e: &EnrolmentRecord,
        change: &StatusChange,
        actor: &str,
    ) -> Result<Result<(), EnrolmentRefusal>, StoreError> {
        let entry = |kind, amount_won, rule: &String, params: &serde_json::Value| NewCardEntry {
            kind,
            amount_won,
            on_date: change.on_date,
            rule: rule.clone(),
            params: params.clone(),
            enrolment_id: Some(e.id),
        };
        let posted = match &change.card {
            CardEffect::None => return Ok(Ok(())),
            CardEffect::ReleaseHeld { rule, params } | CardEffect::ConvertHeld { rule, params } => {
                let Some(card) = Self::card_of_hold(conn, e.id).await? else {
                    return Ok(Ok(()));
                };
                let held = held_in_tx::<DB>(conn, card, e.id).await?;
                if held <= 0 {
                    return Ok(Ok(()));
                }
                let release = entry(CardEntryKind::Release, held, rule, params);
                match release_in_tx::<DB>(conn, card, &release, actor).await? {
                    Err(refusal) => Err(refusal),
                    Ok(_) if matches!(change.card, CardEffect::ConvertHeld { .. }) => {
                        let charge = entry(CardEntryKind::Charge, held, rule, params);
                        post_in_tx::<DB>(conn, card, &charge, actor).await?.map(|_| ())
                    }
                    Ok(_) => Ok(()),
                }
            }
            CardEffect::RefundCharged { rule, params } => {
                // The charge sits on the card the hold was on.
                let Some(card) = Self::card_of_hold(conn, e.id).await? else {
                    return Ok(Ok(()));
                };
                let charged = charged_in_tx::<DB>(conn, card, e.id).await?;
                if charged <= 0 {
                    return Ok(Ok(()));
                }
                let refund = entry(CardEntryKind::Refund, charged, rule, params);
                refund_in_tx::<DB>(conn, card, &refund, actor).await?.map(|_| ())
            }
            CardEffect::Deduct {
                amount_won,
                rule,
                params,
            } => {
                let card: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM card_accounts WHERE person_id = $1 AND expired = FALSE ORDER BY id DESC LIMIT 1",
                )
                .bind(e.person_id)
                .fetch_optional(&mut *conn)
                .await?;
                let Some(card) = card else {
                    return Ok(Ok(()));
                };
                let deduction = entry(CardEntryKind::DropoutDeduction, *amount_won, rule, params);
                post_in_tx::<DB>(conn, card, &deduction, actor).await?.map(|_| ())
            }
        };
        Ok(posted.map_err(EnrolmentRefusal::Card))
    }

    async fn change_one(pool: Pool<DB>, change: StatusChange, actor: String) -> Result<Changed, EnrolmentError> {
        let mut tx = DB::begin_write(&pool, Lock::RowLevel).await?;
        let before = Self::lock_in_status(&mut tx, change.enrolment_id, &change.from).await??;
        Self::card_effect(&mut tx, &before, &change, &actor).await??;
        let after = Self::move_to(
            &mut tx,
            &before,
            &change.to,
            &change.event,
            change.reason.as_deref(),
            None,
            false,
            &actor,
        )
        .await?;
        let mut offers = Vec::new();
        if change.frees_seat {
            Self::free_seat(&mut tx, &before).await?;
            if let Some(rules) = &change.offer_freed_seat {
                offers = Self::offer_seat(&mut tx, &before, rules.as_ref(), &actor).await?;
            }
        }
        tx.commit().await?;
        Ok(Changed {
            enrolment: after,
            offers,
        })
    }
}

#[async_trait]
impl<DB> EnrolmentStore for SqlStore<DB>
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
    Option<DateTime<Utc>>: Col<DB>,
{
    async fn apply(&self, application: &NewApplication, actor: &str) -> Result<EnrolmentRecord, EnrolmentError> {
        let (pool, application, actor) = (self.pool.clone(), application.clone(), actor.to_owned());
        detached(async move { Ok(Self::apply_one(pool, application, actor).await) })
            .await
            .map_err(EnrolmentError::Store)
            .and_then(|r| r)
    }

    async fn accept(&self, acceptance: &Acceptance, actor: &str) -> Result<Decided, EnrolmentError> {
        let (pool, acceptance, actor) = (self.pool.clone(), acceptance.clone(), actor.to_owned());
        detached(async move { Ok(Self::accept_one(pool, acceptance, actor).await) })
            .await
            .map_err(EnrolmentError::Store)
            .and_then(|r| r)
    }

    async fn change(&self, change: &StatusChange, actor: &str) -> Result<Changed, EnrolmentError> {
        let (pool, change, actor) = (self.pool.clone(), change.clone(), actor.to_owned());
        detached(async move { Ok(Self::change_one(pool, change, actor).await) })
            .await
            .map_err(EnrolmentError::Store)
            .and_then(|r| r)
    }

    async fn enrolment(&self, id: i64) -> Result<Option<EnrolmentRecord>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        Ok(Self::enrolments_where(&mut conn, "id = $1", None, id).await?.pop())
    }

    async fn in_id_range(
        &self,
        ids: RangeInclusive<i64>,
        statuses: &[&str],
    ) -> Result<Vec<EnrolmentRecord>, StoreError> {
        // The status placeholders follow the range's two.
        let status_list = match statuses.len() {
            0 => String::new(),
            n => {
                let numbered: Vec<String> = (3..3 + n).map(|i| format!("${i}")).collect();
                format!("AND status IN ({}) ", numbered.join(", "))
            }
        };
        let sql = format!("SELECT {COLUMNS} FROM enrolments WHERE id >= $1 AND id <= $2 {status_list}ORDER BY id");
        let mut query = sqlx::query_as::<_, Row>(&sql).bind(*ids.start()).bind(*ids.end());
        for status in statuses {
            query = query.bind((*status).to_owned());
        }
        let rows = query.fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(EnrolmentRecord::from).collect())
    }

    async fn of_person(&self, person_id: i64) -> Result<Vec<EnrolmentRecord>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        Self::enrolments_where(
            &mut conn,
            "person_id = $1 ORDER BY applied_at DESC, id DESC",
            None,
            person_id,
        )
        .await
    }

    async fn pending_of_institution(
        &self,
        institution_id: &str,
        limit: i64,
    ) -> Result<Vec<EnrolmentRecord>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        Self::enrolments_where(
            &mut conn,
            "institution_id = $1 AND status IN ('applied', 'waiting') \
             ORDER BY CASE WHEN status = 'applied' THEN 0 ELSE 1 END, id LIMIT $2",
            Some(institution_id),
            clamp_limit(limit),
        )
        .await
    }

    async fn of_cohort(&self, course_id: &str, cohort_ordinal: i64) -> Result<Vec<EnrolmentRecord>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        Self::enrolments_where(
            &mut conn,
            "course_id = $1 AND cohort_ordinal = $2 ORDER BY id",
            Some(course_id),
            cohort_ordinal,
        )
        .await
    }

    async fn seats(&self, course_id: &str, cohort_ordinal: i64) -> Result<Option<CohortSeats>, StoreError> {
        let row: Option<(i64, i64)> =
            sqlx::query_as("SELECT seats, taken FROM cohort_seats WHERE course_id = $1 AND cohort_ordinal = $2")
                .bind(course_id.to_owned())
                .bind(cohort_ordinal)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(seats, taken)| CohortSeats { seats, taken }))
    }

    async fn events(&self, enrolment_id: i64) -> Result<Vec<EnrolmentEventRecord>, StoreError> {
        let rows: Vec<EventRow> = sqlx::query_as(
            "SELECT enrolment_id, seq, event, from_status, to_status, reason, actor, at, seoul_date \
             FROM enrolment_events WHERE enrolment_id = $1 ORDER BY seq",
        )
        .bind(enrolment_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| EnrolmentEventRecord {
                enrolment_id: r.enrolment_id,
                seq: r.seq,
                event: r.event,
                from_status: r.from_status,
                to_status: r.to_status,
                reason: r.reason,
                actor: r.actor,
                at: r.at,
                seoul_date: r.seoul_date,
            })
            .collect())
    }
}
