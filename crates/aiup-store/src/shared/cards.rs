//! The learning-card aggregate's statements (the same on both backends).
//!
//! # Posting inside another aggregate's transaction
//!
//! [`hold_in_tx`], [`release_in_tx`] and [`refund_in_tx`] (and [`post_in_tx`], which they call) run on a
//! connection the caller holds inside its own write transaction, e.g. enrolment's acceptance
//! ([`open_card_of_person_in_tx`] finds the card; [`held_in_tx`] says what an enrolment holds,
//! [`charged_in_tx`] what it was charged and not yet refunded):
//!
//! ```text
//! let mut tx = DB::begin_write(&pool, Lock::…).await?;
//! … take the seat …
//! match cards::hold_in_tx::<DB>(&mut tx, card_id, &hold, actor).await? {
//!     Ok(entry) => { … record the enrolment with entry.seq … tx.commit().await?; }
//!     Err(refusal) => { drop(tx); /* rolled back */ return refused(refusal); }
//! }
//! ```
//!
//! The contract:
//! - the outer `Err(StoreError)` means the database failed: roll the transaction back;
//! - the inner `Err(CardRefusal)` means a card rule refused (no card, expired, not enough
//!   balance, more released than held, …). This call wrote nothing, so the caller may still
//!   commit its other work, but normally rolls back and reports the refusal;
//! - `Ok(entry)` means the entry and its audit event are written in the caller's transaction;
//!   they last only if the caller commits.
//!
//! Concurrency: a debit is one conditional `UPDATE card_accounts … WHERE balance_won >= $x
//! RETURNING …`, which takes the card row's lock; a concurrent debit of the same card waits
//! for it and re-checks the condition against the committed balance (PostgreSQL under READ
//! COMMITTED; SQLite has one writer at a time). No advisory lock is taken, so different cards
//! change in parallel. Operations that must read the ledger first (a release checks what is
//! held, a refund what was charged, a dropout deduction or expiry reads the balance) lock the card row first with a
//! no-op `UPDATE`. A caller on PostgreSQL must not run at REPEATABLE READ or above (a
//! concurrent change of the same card would then fail with a serialization error).

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Executor, IntoArguments, Pool};

use super::audit::record;
use super::{detached, is_unique_violation, now, Col, Dialect, Lock, SqlStore};
use crate::cards::{
    CardAccountRecord, CardEntryKind, CardEntryRecord, CardError, CardRefusal, CardStore, NewCardAccount, NewCardEntry,
    ACTION_CARD_OPEN,
};
use crate::StoreError;

const ACCOUNT_COLUMNS: &str =
    "id, person_id, issued_on, expires_on, balance_won, last_seq, extra_granted, expired, created_at";

/// The card's row after a change: (balance, last seq).
type Changed = (i64, i64);

#[derive(sqlx::FromRow)]
struct AccountRow {
    id: i64,
    person_id: i64,
    issued_on: NaiveDate,
    expires_on: NaiveDate,
    balance_won: i64,
    last_seq: i64,
    extra_granted: bool,
    expired: bool,
    created_at: DateTime<Utc>,
}

impl From<AccountRow> for CardAccountRecord {
    fn from(r: AccountRow) -> CardAccountRecord {
        CardAccountRecord {
            id: r.id,
            person_id: r.person_id,
            issued_on: r.issued_on,
            expires_on: r.expires_on,
            balance_won: r.balance_won,
            last_seq: r.last_seq,
            extra_granted: r.extra_granted,
            expired: r.expired,
            created_at: r.created_at,
        }
    }
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    card_id: i64,
    seq: i64,
    kind: String,
    amount_won: i64,
    balance_after_won: i64,
    on_date: NaiveDate,
    at: DateTime<Utc>,
    rule: String,
    params: String,
    enrolment_id: Option<i64>,
    actor: String,
}

impl TryFrom<EntryRow> for CardEntryRecord {
    type Error = StoreError;

    fn try_from(r: EntryRow) -> Result<CardEntryRecord, StoreError> {
        let corrupt = |reason: String| StoreError::Corrupt {
            what: format!("card {} entry {}", r.card_id, r.seq),
            reason,
        };
        let kind = r.kind.parse().map_err(corrupt)?;
        let params = serde_json::from_str(&r.params).map_err(|e| corrupt(format!("params are not JSON: {e}")))?;
        Ok(CardEntryRecord {
            card_id: r.card_id,
            seq: r.seq,
            kind,
            amount_won: r.amount_won,
            balance_after_won: r.balance_after_won,
            on_date: r.on_date,
            at: r.at,
            rule: r.rule,
            params,
            enrolment_id: r.enrolment_id,
            actor: r.actor,
        })
    }
}

fn entry_columns<DB: Dialect>() -> String {
    format!(
        "card_id, seq, kind, amount_won, balance_after_won, on_date, at, rule, params{} AS params, \
         enrolment_id, actor",
        DB::DETAIL_TEXT
    )
}

fn invalid(reason: impl Into<String>) -> CardRefusal {
    CardRefusal::InvalidEntry { reason: reason.into() }
}

/// Checks what holds for an entry whatever the card's state.
fn check_entry(entry: &NewCardEntry) -> Result<(), CardRefusal> {
    if entry.rule.trim().is_empty() {
        return Err(invalid("every entry names its rule"));
    }
    if !entry.params.is_object() {
        return Err(invalid("params must be a JSON object"));
    }
    if entry.amount_won < 0 {
        return Err(invalid(format!(
            "amount_won is a size and cannot be negative ({})",
            entry.amount_won
        )));
    }
    let may_be_zero = matches!(entry.kind, CardEntryKind::DropoutDeduction | CardEntryKind::Expiry);
    if entry.amount_won == 0 && !may_be_zero {
        return Err(invalid(format!("a {} entry needs an amount above zero", entry.kind)));
    }
    if entry.kind.needs_enrolment() && entry.enrolment_id.is_none() {
        return Err(invalid(format!("a {} entry names its enrolment", entry.kind)));
    }
    Ok(())
}

/// Posts a hold for `hold.enrolment_id` inside the caller's transaction (see the module docs
/// for the contract). `hold.kind` must be [`CardEntryKind::Hold`].
pub(crate) async fn hold_in_tx<DB>(
    conn: &mut DB::Connection,
    card_id: i64,
    hold: &NewCardEntry,
    actor: &str,
) -> Result<Result<CardEntryRecord, CardRefusal>, StoreError>
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
    Option<i64>: Col<DB>,
{
    if hold.kind != CardEntryKind::Hold {
        return Ok(Err(invalid(format!("hold_in_tx posts holds, not {}", hold.kind))));
    }
    post_in_tx::<DB>(conn, card_id, hold, actor).await
}

/// Releases (part of) what is held for `release.enrolment_id` inside the caller's transaction
/// (see the module docs for the contract). `release.kind` must be [`CardEntryKind::Release`].
pub(crate) async fn release_in_tx<DB>(
    conn: &mut DB::Connection,
    card_id: i64,
    release: &NewCardEntry,
    actor: &str,
) -> Result<Result<CardEntryRecord, CardRefusal>, StoreError>
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
    Option<i64>: Col<DB>,
{
    if release.kind != CardEntryKind::Release {
        return Ok(Err(invalid(format!(
            "release_in_tx posts releases, not {}",
            release.kind
        ))));
    }
    post_in_tx::<DB>(conn, card_id, release, actor).await
}

/// Gives back (part of) what `refund.enrolment_id` was charged, inside the caller's transaction
/// (see the module docs for the contract): the trainee withdrew within the free-withdrawal days
/// after the start. `refund.kind` must be [`CardEntryKind::Refund`].
pub(crate) async fn refund_in_tx<DB>(
    conn: &mut DB::Connection,
    card_id: i64,
    refund: &NewCardEntry,
    actor: &str,
) -> Result<Result<CardEntryRecord, CardRefusal>, StoreError>
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
    Option<i64>: Col<DB>,
{
    if refund.kind != CardEntryKind::Refund {
        return Ok(Err(invalid(format!("refund_in_tx posts refunds, not {}", refund.kind))));
    }
    post_in_tx::<DB>(conn, card_id, refund, actor).await
}

/// What `enrolment_id` was charged on the card and not yet refunded: charges less refunds.
pub(crate) async fn charged_in_tx<DB>(
    conn: &mut DB::Connection,
    card_id: i64,
    enrolment_id: i64,
) -> Result<i64, StoreError>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    usize: ColumnIndex<DB::Row>,
    String: Col<DB>,
    i64: Col<DB>,
    Option<i64>: Col<DB>,
{
    outstanding_in_tx::<DB>(
        conn,
        card_id,
        enrolment_id,
        CardEntryKind::Charge,
        CardEntryKind::Refund,
    )
    .await
}

/// What is still held for `enrolment_id` on the card: holds less releases.
pub(crate) async fn held_in_tx<DB>(
    conn: &mut DB::Connection,
    card_id: i64,
    enrolment_id: i64,
) -> Result<i64, StoreError>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    usize: ColumnIndex<DB::Row>,
    String: Col<DB>,
    i64: Col<DB>,
    Option<i64>: Col<DB>,
{
    outstanding_in_tx::<DB>(conn, card_id, enrolment_id, CardEntryKind::Hold, CardEntryKind::Release).await
}

/// What the enrolment's `debit` entries took and its `credit` entries have not given back.
async fn outstanding_in_tx<DB>(
    conn: &mut DB::Connection,
    card_id: i64,
    enrolment_id: i64,
    debit: CardEntryKind,
    credit: CardEntryKind,
) -> Result<i64, StoreError>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    usize: ColumnIndex<DB::Row>,
    String: Col<DB>,
    i64: Col<DB>,
    Option<i64>: Col<DB>,
{
    let outstanding: Option<i64> = sqlx::query_scalar(
        "SELECT CAST(-SUM(amount_won) AS BIGINT) FROM card_entries \
         WHERE card_id = $1 AND enrolment_id = $2 AND kind IN ($3, $4)",
    )
    .bind(card_id)
    .bind(enrolment_id)
    .bind(debit.as_str().to_owned())
    .bind(credit.as_str().to_owned())
    .fetch_one(&mut *conn)
    .await?;
    Ok(outstanding.unwrap_or(0))
}

/// The person's open (not expired) card, read inside the caller's transaction, e.g. to find the
/// card an acceptance holds on.
pub(crate) async fn open_card_of_person_in_tx<DB>(
    conn: &mut DB::Connection,
    person_id: i64,
) -> Result<Option<CardAccountRecord>, StoreError>
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
{
    let row: Option<AccountRow> = sqlx::query_as(&format!(
        "SELECT {ACCOUNT_COLUMNS} FROM card_accounts WHERE person_id = $1 AND NOT expired"
    ))
    .bind(person_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(CardAccountRecord::from))
}

/// Posts one entry of any kind but `issue` inside the caller's transaction (see the module docs
/// for the contract).
pub(crate) async fn post_in_tx<DB>(
    conn: &mut DB::Connection,
    card_id: i64,
    entry: &NewCardEntry,
    actor: &str,
) -> Result<Result<CardEntryRecord, CardRefusal>, StoreError>
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
    Option<i64>: Col<DB>,
{
    if let Err(refusal) = check_entry(entry) {
        return Ok(Err(refusal));
    }
    let amount = entry.amount_won;
    // (the card row after the change, if it changed; the entry's signed amount)
    let (changed, signed): (Option<Changed>, i64) = match entry.kind {
        CardEntryKind::Issue => return Ok(Err(invalid("an issue entry is made only when the card is opened"))),
        CardEntryKind::Hold | CardEntryKind::Charge => {
            let changed = sqlx::query_as(
                "UPDATE card_accounts SET balance_won = balance_won - $2, last_seq = last_seq + 1 \
                 WHERE id = $1 AND NOT expired AND expires_on >= $3 AND balance_won >= $2 \
                 RETURNING balance_won, last_seq",
            )
            .bind(card_id)
            .bind(amount)
            .bind(entry.on_date)
            .fetch_optional(&mut *conn)
            .await?;
            (changed, -amount)
        }
        CardEntryKind::Extra => {
            let changed = sqlx::query_as(
                "UPDATE card_accounts SET balance_won = balance_won + $2, last_seq = last_seq + 1, \
                 extra_granted = TRUE \
                 WHERE id = $1 AND NOT expired AND expires_on >= $3 AND NOT extra_granted \
                 RETURNING balance_won, last_seq",
            )
            .bind(card_id)
            .bind(amount)
            .bind(entry.on_date)
            .fetch_optional(&mut *conn)
            .await?;
            (changed, amount)
        }
        CardEntryKind::Release | CardEntryKind::Refund => {
            // Lock the card first, so what is held (or charged) cannot change between the check
            // and the credit. A release or refund stays possible after the last day until the
            // expiry entry (it gives back what was set aside or spent, and expiry then takes
            // it); nothing follows expiry.
            let Some(card) = SqlStore::<DB>::lock_card(conn, card_id).await? else {
                return Ok(Err(CardRefusal::NoCard { card_id }));
            };
            if card.expired {
                return Ok(Err(CardRefusal::Expired {
                    card_id,
                    expires_on: card.expires_on,
                }));
            }
            let enrolment_id = entry.enrolment_id.unwrap_or_default();
            if entry.kind == CardEntryKind::Refund {
                let charged = charged_in_tx::<DB>(conn, card_id, enrolment_id).await?;
                if amount > charged {
                    return Ok(Err(CardRefusal::RefundExceedsCharge {
                        card_id,
                        enrolment_id,
                        charged_won: charged,
                        asked_won: amount,
                    }));
                }
            } else {
                let held = held_in_tx::<DB>(conn, card_id, enrolment_id).await?;
                if amount > held {
                    return Ok(Err(CardRefusal::ReleaseExceedsHold {
                        card_id,
                        enrolment_id,
                        held_won: held,
                        asked_won: amount,
                    }));
                }
            }
            let changed = sqlx::query_as(
                "UPDATE card_accounts SET balance_won = balance_won + $2, last_seq = last_seq + 1 \
                 WHERE id = $1 RETURNING balance_won, last_seq",
            )
            .bind(card_id)
            .bind(amount)
            .fetch_optional(&mut *conn)
            .await?;
            (changed, amount)
        }
        CardEntryKind::DropoutDeduction | CardEntryKind::Expiry => {
            let Some(card) = SqlStore::<DB>::lock_card(conn, card_id).await? else {
                return Ok(Err(CardRefusal::NoCard { card_id }));
            };
            let expiry = entry.kind == CardEntryKind::Expiry;
            // A deduction needs a card in its period; expiry, one past it.
            if card.expired || (!expiry && entry.on_date > card.expires_on) {
                return Ok(Err(CardRefusal::Expired {
                    card_id,
                    expires_on: card.expires_on,
                }));
            }
            if expiry && entry.on_date <= card.expires_on {
                return Ok(Err(invalid(format!(
                    "card {card_id} is valid until {}; it cannot expire on {}",
                    card.expires_on, entry.on_date
                ))));
            }
            // Never more than the balance: a deduction takes what is left; expiry takes all.
            let take = if expiry {
                card.balance_won
            } else {
                amount.min(card.balance_won)
            };
            let changed = sqlx::query_as(
                "UPDATE card_accounts SET balance_won = balance_won - $2, last_seq = last_seq + 1, \
                 expired = $3 WHERE id = $1 AND balance_won >= $2 RETURNING balance_won, last_seq",
            )
            .bind(card_id)
            .bind(take)
            .bind(expiry)
            .fetch_optional(&mut *conn)
            .await?;
            (changed, -take)
        }
    };
    let Some((balance_after, seq)) = changed else {
        return Ok(Err(SqlStore::<DB>::why_refused(conn, card_id, entry).await?));
    };
    let record = SqlStore::<DB>::insert_entry(conn, card_id, seq, entry, signed, balance_after, actor).await?;
    Ok(Ok(record))
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
    Option<i64>: Col<DB>,
{
    /// Locks the card's row for the rest of the transaction (a no-op update), and reads it.
    async fn lock_card(conn: &mut DB::Connection, card_id: i64) -> Result<Option<CardAccountRecord>, StoreError> {
        let row: Option<AccountRow> = sqlx::query_as(&format!(
            "UPDATE card_accounts SET last_seq = last_seq WHERE id = $1 RETURNING {ACCOUNT_COLUMNS}"
        ))
        .bind(card_id)
        .fetch_optional(&mut *conn)
        .await?;
        Ok(row.map(CardAccountRecord::from))
    }

    async fn account_in_tx(conn: &mut DB::Connection, card_id: i64) -> Result<Option<CardAccountRecord>, StoreError> {
        let row: Option<AccountRow> =
            sqlx::query_as(&format!("SELECT {ACCOUNT_COLUMNS} FROM card_accounts WHERE id = $1"))
                .bind(card_id)
                .fetch_optional(&mut *conn)
                .await?;
        Ok(row.map(CardAccountRecord::from))
    }

    /// Why a conditional update changed no row.
    async fn why_refused(
        conn: &mut DB::Connection,
        card_id: i64,
        entry: &NewCardEntry,
    ) -> Result<CardRefusal, StoreError> {
        let Some(card) = SqlStore::<DB>::account_in_tx(conn, card_id).await? else {
            return Ok(CardRefusal::NoCard { card_id });
        };
        Ok(if card.expired || entry.on_date > card.expires_on {
            CardRefusal::Expired {
                card_id,
                expires_on: card.expires_on,
            }
        } else if entry.kind == CardEntryKind::Extra && card.extra_granted {
            CardRefusal::ExtraAlreadyGranted { card_id }
        } else {
            CardRefusal::InsufficientBalance {
                card_id,
                balance_won: card.balance_won,
                needed_won: entry.amount_won,
            }
        })
    }

    /// Writes entry `seq` and its audit event.
    async fn insert_entry(
        conn: &mut DB::Connection,
        card_id: i64,
        seq: i64,
        entry: &NewCardEntry,
        signed_amount: i64,
        balance_after: i64,
        actor: &str,
    ) -> Result<CardEntryRecord, StoreError> {
        let at = now();
        let row: EntryRow = sqlx::query_as(&format!(
            "INSERT INTO card_entries (card_id, seq, kind, amount_won, balance_after_won, on_date, at, rule, params, \
             enrolment_id, actor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9{}, $10, $11) RETURNING {}",
            DB::DETAIL_PARAM,
            entry_columns::<DB>()
        ))
        .bind(card_id)
        .bind(seq)
        .bind(entry.kind.as_str().to_owned())
        .bind(signed_amount)
        .bind(balance_after)
        .bind(entry.on_date)
        .bind(at)
        .bind(entry.rule.clone())
        .bind(entry.params.to_string())
        .bind(entry.enrolment_id)
        .bind(actor.to_owned())
        .fetch_one(&mut *conn)
        .await?;
        let entry_record = CardEntryRecord::try_from(row)?;
        let detail = serde_json::json!({
            "card_id": card_id,
            "seq": seq,
            "kind": entry.kind,
            "amount_won": signed_amount,
            "balance_after_won": balance_after,
            "on_date": entry.on_date,
            "rule": entry.rule,
            "enrolment_id": entry.enrolment_id,
        });
        record::<DB>(conn, actor, entry.kind.action(), &format!("card:{card_id}"), detail).await?;
        Ok(entry_record)
    }

    async fn open_card(pool: Pool<DB>, account: NewCardAccount, actor: String) -> Result<CardAccountRecord, CardError> {
        let a = &account;
        if a.issue.kind != CardEntryKind::Issue {
            return Err(invalid("a card opens with an issue entry").into());
        }
        check_entry(&a.issue)?;
        if let Some(extra) = &a.extra {
            if extra.kind != CardEntryKind::Extra {
                return Err(invalid("the opening extra must be an extra entry").into());
            }
            check_entry(extra)?;
        }
        if a.expires_on < a.issued_on {
            return Err(invalid("a card cannot expire before it is issued").into());
        }
        let mut tx = DB::begin_write(&pool, Lock::RowLevel).await?;
        if let Some(open) = open_card_of_person_in_tx::<DB>(&mut tx, a.person_id).await? {
            let card_id = open.id;
            return Err(CardRefusal::AlreadyOpen {
                person_id: a.person_id,
                card_id,
            }
            .into());
        }
        let inserted = sqlx::query_as::<_, AccountRow>(&format!(
            "INSERT INTO card_accounts (person_id, issued_on, expires_on, balance_won, last_seq, extra_granted, \
             expired, created_at) VALUES ($1, $2, $3, $4, 1, FALSE, FALSE, $5) RETURNING {ACCOUNT_COLUMNS}"
        ))
        .bind(a.person_id)
        .bind(a.issued_on)
        .bind(a.expires_on)
        .bind(a.issue.amount_won)
        .bind(now())
        .fetch_one(&mut *tx)
        .await;
        let card = match inserted {
            Ok(row) => CardAccountRecord::from(row),
            // A concurrent open for the same person won the race.
            Err(e) if is_unique_violation(&e) => {
                return Err(CardRefusal::AlreadyOpen {
                    person_id: a.person_id,
                    card_id: 0,
                }
                .into())
            }
            Err(e) => return Err(e.into()),
        };
        let issue = SqlStore::<DB>::insert_entry(
            &mut tx,
            card.id,
            1,
            &a.issue,
            a.issue.amount_won,
            card.balance_won,
            &actor,
        )
        .await?;
        let detail = serde_json::json!({
            "card_id": card.id,
            "person_id": card.person_id,
            "issued_on": card.issued_on,
            "expires_on": card.expires_on,
            "issue_won": issue.amount_won,
        });
        record::<DB>(&mut tx, &actor, ACTION_CARD_OPEN, &format!("card:{}", card.id), detail).await?;
        if let Some(extra) = &a.extra {
            post_in_tx::<DB>(&mut tx, card.id, extra, &actor).await??;
        }
        let card = SqlStore::<DB>::account_in_tx(&mut tx, card.id)
            .await?
            .ok_or_else(|| StoreError::Corrupt {
                what: format!("card {}", card.id),
                reason: "vanished inside its own transaction".to_owned(),
            })?;
        tx.commit().await?;
        tracing::info!(card = card.id, actor, "card opened");
        Ok(card)
    }

    async fn post_entry(
        pool: Pool<DB>,
        card_id: i64,
        entry: NewCardEntry,
        actor: String,
    ) -> Result<CardEntryRecord, CardError> {
        let mut tx = DB::begin_write(&pool, Lock::RowLevel).await?;
        let record = match entry.kind {
            CardEntryKind::Hold => hold_in_tx::<DB>(&mut tx, card_id, &entry, &actor).await??,
            CardEntryKind::Release => release_in_tx::<DB>(&mut tx, card_id, &entry, &actor).await??,
            CardEntryKind::Refund => refund_in_tx::<DB>(&mut tx, card_id, &entry, &actor).await??,
            _ => post_in_tx::<DB>(&mut tx, card_id, &entry, &actor).await??,
        };
        tx.commit().await?;
        Ok(record)
    }

    async fn convert(
        pool: Pool<DB>,
        card_id: i64,
        enrolment_id: i64,
        on_date: NaiveDate,
        rule: String,
        params: serde_json::Value,
        actor: String,
    ) -> Result<(CardEntryRecord, CardEntryRecord), CardError> {
        let mut tx = DB::begin_write(&pool, Lock::RowLevel).await?;
        if SqlStore::<DB>::lock_card(&mut tx, card_id).await?.is_none() {
            return Err(CardRefusal::NoCard { card_id }.into());
        }
        let held = held_in_tx::<DB>(&mut tx, card_id, enrolment_id).await?;
        if held <= 0 {
            return Err(CardRefusal::ReleaseExceedsHold {
                card_id,
                enrolment_id,
                held_won: held,
                asked_won: 0,
            }
            .into());
        }
        let entry = |kind| NewCardEntry {
            kind,
            amount_won: held,
            on_date,
            rule: rule.clone(),
            params: params.clone(),
            enrolment_id: Some(enrolment_id),
        };
        let release = post_in_tx::<DB>(&mut tx, card_id, &entry(CardEntryKind::Release), &actor).await??;
        // The charge spends what the release just returned, so it cannot lack balance; it may
        // only be refused if the card expired, and then nothing is written.
        let charge = post_in_tx::<DB>(&mut tx, card_id, &entry(CardEntryKind::Charge), &actor).await??;
        tx.commit().await?;
        Ok((release, charge))
    }
}

#[async_trait]
impl<DB> CardStore for SqlStore<DB>
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
    Option<i64>: Col<DB>,
{
    async fn open(&self, account: &NewCardAccount, actor: &str) -> Result<CardAccountRecord, CardError> {
        let (pool, account, actor) = (self.pool.clone(), account.clone(), actor.to_owned());
        detached(async move { Ok(Self::open_card(pool, account, actor).await) })
            .await
            .map_err(CardError::Store)
            .and_then(|r| r)
    }

    async fn card(&self, card_id: i64) -> Result<Option<CardAccountRecord>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        SqlStore::<DB>::account_in_tx(&mut conn, card_id).await
    }

    async fn card_of_person(&self, person_id: i64) -> Result<Option<CardAccountRecord>, StoreError> {
        let row: Option<AccountRow> = sqlx::query_as(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM card_accounts WHERE person_id = $1 ORDER BY expired, id DESC LIMIT 1"
        ))
        .bind(person_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(CardAccountRecord::from))
    }

    async fn statement(&self, card_id: i64) -> Result<Vec<CardEntryRecord>, StoreError> {
        let rows: Vec<EntryRow> = sqlx::query_as(&format!(
            "SELECT {} FROM card_entries WHERE card_id = $1 ORDER BY seq",
            entry_columns::<DB>()
        ))
        .bind(card_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(CardEntryRecord::try_from).collect()
    }

    async fn balance(&self, card_id: i64) -> Result<i64, StoreError> {
        let sum: Option<i64> =
            sqlx::query_scalar("SELECT CAST(SUM(amount_won) AS BIGINT) FROM card_entries WHERE card_id = $1")
                .bind(card_id)
                .fetch_one(&self.pool)
                .await?;
        match sum {
            Some(sum) => Ok(sum),
            None => Err(StoreError::NotFound {
                what: "card".to_owned(),
                key: card_id.to_string(),
            }),
        }
    }

    async fn held_for(&self, card_id: i64, enrolment_id: i64) -> Result<i64, StoreError> {
        let mut conn = self.pool.acquire().await?;
        held_in_tx::<DB>(&mut conn, card_id, enrolment_id).await
    }

    async fn post(&self, card_id: i64, entry: &NewCardEntry, actor: &str) -> Result<CardEntryRecord, CardError> {
        let (pool, entry, actor) = (self.pool.clone(), entry.clone(), actor.to_owned());
        detached(async move { Ok(Self::post_entry(pool, card_id, entry, actor).await) })
            .await
            .map_err(CardError::Store)
            .and_then(|r| r)
    }

    async fn convert_hold(
        &self,
        card_id: i64,
        enrolment_id: i64,
        on_date: NaiveDate,
        rule: &str,
        params: &serde_json::Value,
        actor: &str,
    ) -> Result<(CardEntryRecord, CardEntryRecord), CardError> {
        let (pool, rule, params, actor) = (self.pool.clone(), rule.to_owned(), params.clone(), actor.to_owned());
        detached(async move { Ok(Self::convert(pool, card_id, enrolment_id, on_date, rule, params, actor).await) })
            .await
            .map_err(CardError::Store)
            .and_then(|r| r)
    }
}
