//! The monthly allowance payroll: run a month, approve, export, cancel, totals, the ledger.
//!
//! A run computes, for every enrolment in (or finished from) training, each unit period that
//! closed on or before the month's last day, through the rules engine, and compares it with
//! what the ledger already holds for that (enrolment, period): no line yet gives a `regular`
//! line, a difference (a late attendance correction) an `adjustment` line (±). Paid lines are
//! never edited, so running a month twice writes nothing the second time.
//!
//! The country is read in enrolment id ranges ([`ID_CHUNK`] ids a call: the attendance months,
//! the paid sums, the payable enrolments and their people of the range, one statement each, never
//! one per row), so 240,000 enrolments fit in memory and take few round trips. All lines are written
//! by one `PayrollStore::create_run` transaction from the ledger head read before computing; if
//! another run moved the ledger meanwhile, the run is computed again ([`MAX_ATTEMPTS`]).
//!
//! Who may do what: programme administrators run, approve (never their own run: the store
//! refuses too), export and cancel; programme administrators, auditors and administrators read.

mod compute;
pub(crate) mod directory;
mod files;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use aiup_core::policy::Text;
use aiup_store::{NewPayrollLine, PaidPeriod, PayrollError};
pub use aiup_store::{PayrollLineRecord, PayrollRunRecord, PayrollTotal, TotalsBy};
use chrono::{Datelike, NaiveDate};

pub use compute::{counts_of, periods_of, EnrolmentCourse, PeriodFigures};
pub(crate) use directory::Directory;
pub use files::{ledger_text, payment_csv, totals_csv, PaymentFile};

use crate::accounts::{Actor, Permission};
use crate::{App, AppError, Code};

/// Enrolment ids read per call (attendance months and paid sums).
pub const ID_CHUNK: i64 = 20_000;
/// How often a run is computed again when another run moved the ledger meanwhile.
pub const MAX_ATTEMPTS: u32 = 5;
/// Lines a run view shows.
pub const VIEW_LINES: i64 = 50;
/// Line kinds.
pub const KIND_REGULAR: &str = "regular";
pub const KIND_ADJUSTMENT: &str = "adjustment";

/// Every grouping of a run's totals, in the order pages show them.
pub const TOTALS_BY: [TotalsBy; 4] = [
    TotalsBy::Programme,
    TotalsBy::RegionTier,
    TotalsBy::Province,
    TotalsBy::Institution,
];

fn text(ko: impl Into<String>, en: impl Into<String>) -> Text {
    Text {
        ko: ko.into(),
        en: en.into(),
    }
}

/// A calendar month, `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    first: NaiveDate,
}

impl Month {
    /// Reads `YYYY-MM` strictly; the error names the field `month`.
    pub fn parse(raw: &str) -> Result<Month, AppError> {
        let raw = raw.trim();
        let shaped = raw.len() == 7 && raw.as_bytes().get(4) == Some(&b'-');
        match aiup_core::date::parse_iso_date(&format!("{raw}-01")) {
            Ok(first) if shaped => Ok(Month { first }),
            _ => Err(AppError::bilingual(
                Code::InvalidField,
                Some("month"),
                text(
                    format!("`{raw}`은(는) YYYY-MM 형식의 월이 아닙니다."),
                    format!("`{raw}` is not a month written YYYY-MM"),
                ),
            )),
        }
    }

    /// The month of `date`.
    pub fn of(date: NaiveDate) -> Month {
        Month {
            first: aiup_people::attendance::month_of(date),
        }
    }

    pub fn first_day(self) -> NaiveDate {
        self.first
    }

    pub fn last_day(self) -> NaiveDate {
        self.first
            .checked_add_months(chrono::Months::new(1))
            .and_then(|d| d.pred_opt())
            .unwrap_or(self.first)
    }

    pub fn as_string(self) -> String {
        format!("{:04}-{:02}", self.first.year(), self.first.month())
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.as_string())
    }
}

/// What a run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunDone {
    /// The draft run written (with no lines when nothing was owed or changed).
    pub run: PayrollRunRecord,
    /// Enrolments whose attendance was read.
    pub enrolments: u64,
    /// Closed unit periods computed.
    pub periods: u64,
    pub regular_lines: u64,
    pub adjustment_lines: u64,
    /// Enrolments with attendance left out because their course, institution or profile could
    /// not be read (each is logged).
    pub skipped: u64,
    /// How many times the run was computed (more than 1 when another run moved the ledger).
    pub attempts: u32,
    pub timings: RunTimings,
}

/// A run as the administrator's page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunView {
    pub run: PayrollRunRecord,
    /// Totals by programme, region tier, province and institution ([`TOTALS_BY`] order).
    pub totals: Vec<(TotalsBy, Vec<PayrollTotal>)>,
    /// The first [`VIEW_LINES`] lines.
    pub lines: Vec<PayrollLineRecord>,
    /// Whether the caller may approve, export or cancel it now, and if not why (approve).
    pub may_approve: bool,
    pub may_export: bool,
    pub may_cancel: bool,
    pub why_not_approve: Option<Text>,
}

/// A grouping's name, as [`parse_totals_by`] reads it and the totals CSV writes it.
pub fn totals_key(by: TotalsBy) -> &'static str {
    match by {
        TotalsBy::Programme => "programme",
        TotalsBy::RegionTier => "region_tier",
        TotalsBy::Province => "province",
        TotalsBy::Institution => "institution",
    }
}

/// A grouping's Korean and English labels.
pub fn totals_label(by: TotalsBy) -> Text {
    match by {
        TotalsBy::Programme => text("사업별", "By programme"),
        TotalsBy::RegionTier => text("지역 구분별", "By region tier"),
        TotalsBy::Province => text("시도별", "By province"),
        TotalsBy::Institution => text("훈련기관별", "By institution"),
    }
}

/// A grouping from its name (`programme`, `region_tier`, `province`, `institution`).
pub fn parse_totals_by(raw: &str) -> Result<TotalsBy, AppError> {
    TOTALS_BY
        .into_iter()
        .find(|&by| totals_key(by) == raw.trim())
        .ok_or_else(|| {
            AppError::bilingual(
                Code::InvalidField,
                Some("by"),
                text(
                    format!("`{raw}`은(는) 합계 구분이 아닙니다(programme, region_tier, province, institution)."),
                    format!("`{raw}` is not a grouping: programme, region_tier, province or institution"),
                ),
            )
        })
}

impl From<PayrollError> for AppError {
    fn from(e: PayrollError) -> AppError {
        match e {
            PayrollError::Moved => AppError::bilingual(
                Code::Conflict,
                None,
                text(
                    "다른 지급 작업이 동시에 기록되었습니다. 다시 실행해 주세요.",
                    "another payroll run was recorded meanwhile; run again",
                ),
            ),
            PayrollError::WrongStatus { run_id, status } => AppError::bilingual(
                Code::InvalidTransition,
                None,
                text(
                    format!(
                        "지급 작업 {run_id}은(는) 지금 '{}' 상태라 이 단계를 할 수 없습니다.",
                        status_ko(&status)
                    ),
                    format!("payroll run {run_id} is {status}; this step does not apply"),
                ),
            ),
            PayrollError::SelfApproval => self_approval(),
            PayrollError::Store(e) => e.into(),
        }
    }
}

fn self_approval() -> AppError {
    AppError::bilingual(
        Code::SelfApproval,
        None,
        text(
            "지급 작업을 실행한 사람은 승인할 수 없습니다. 다른 사업 관리자가 승인해야 합니다.",
            "the person who ran the payroll cannot approve it; another programme administrator must",
        ),
    )
}

/// A run status in Korean.
pub fn status_ko(status: &str) -> &'static str {
    match status {
        "draft" => "작성",
        "approved" => "승인",
        "exported" => "지급 파일 생성",
        "cancelled" => "취소",
        _ => "알 수 없음",
    }
}

/// A run status in the reader's language.
pub fn status_label(status: &str) -> Text {
    let en = match status {
        "draft" => "draft",
        "approved" => "approved",
        "exported" => "exported",
        "cancelled" => "cancelled",
        _ => "unknown",
    };
    text(status_ko(status), en)
}

/// The lines that bring the ledger to what was computed: for each closed period, a `regular`
/// line if the ledger has none, an `adjustment` by the difference if it differs, else nothing.
/// `figures` come from the fast path; a written line stores their compact trace, made here for
/// the lines written only.
pub fn lines_for(
    engine: &aiup_rules::Engine,
    enrolment: &EnrolmentCourse,
    figures: &[PeriodFigures],
    paid: &HashMap<i64, i64>,
) -> Vec<NewPayrollLine> {
    let mut out = Vec::new();
    for f in figures.iter().filter(|f| f.closed) {
        let index = i64::from(f.index);
        let (kind, amount) = match paid.get(&index) {
            None => (KIND_REGULAR, f.amount_won),
            Some(&so_far) if so_far != f.amount_won => (KIND_ADJUSTMENT, f.amount_won - so_far),
            Some(_) => continue,
        };
        out.push(NewPayrollLine {
            period_index: index,
            period_start: f.start,
            period_end: f.end,
            kind: kind.to_owned(),
            amount_won: amount,
            computed_won: f.amount_won,
            base_won: f.base_won,
            special_won: f.special_won,
            meal_deduction_won: f.meal_deduction_won,
            scheduled_days: i64::from(f.count.scheduled_days),
            recognised_days: i64::from(f.count.recognised_days),
            trace: f.stored_trace(engine),
            ..enrolment.line_base.clone()
        });
    }
    out
}

impl App {
    /// Runs the payroll of `month` (`YYYY-MM`, a month that has ended) as a draft run, calling
    /// `progress(done, total)` with enrolment ids as the country is read.
    pub async fn run_payroll(
        &self,
        actor: &Actor,
        month: &str,
        progress: &(dyn Fn(u64, u64) + Send + Sync),
    ) -> Result<RunDone, AppError> {
        actor.require(Permission::RunPayroll)?;
        let month = Month::parse(month)?;
        let today = self.today();
        if month.last_day() >= today {
            return Err(AppError::bilingual(
                Code::InvalidField,
                Some("month"),
                text(
                    format!("{month}은(는) 아직 끝나지 않았습니다. 끝난 달만 지급할 수 있습니다."),
                    format!("{month} has not ended yet; only a month that has ended can be paid"),
                ),
            ));
        }
        let mut attempts = 0;
        loop {
            attempts += 1;
            let head = self.db().payroll().last_run_id().await?;
            let computed = self.compute_month(month, progress).await?;
            let engine = self.engine();
            let clock = Instant::now();
            let written = self
                .db()
                .payroll()
                .create_run(
                    &month.as_string(),
                    &engine.policy().sha256,
                    head,
                    &computed.lines,
                    &actor.audit_name(),
                )
                .await;
            match written {
                Ok(run) => {
                    let regular = computed.lines.iter().filter(|l| l.kind == KIND_REGULAR).count();
                    return Ok(RunDone {
                        run,
                        enrolments: computed.enrolments,
                        periods: computed.periods,
                        regular_lines: regular as u64,
                        adjustment_lines: (computed.lines.len() - regular) as u64,
                        skipped: computed.skipped,
                        timings: RunTimings {
                            write: clock.elapsed(),
                            ..computed.timings
                        },
                        attempts,
                    });
                }
                Err(PayrollError::Moved) if attempts < MAX_ATTEMPTS => {
                    tracing::info!(%month, attempts, "payroll ledger moved during the run; computing again");
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Every line the month's run would write now, reading the country in id ranges.
    async fn compute_month(
        &self,
        month: Month,
        progress: &(dyn Fn(u64, u64) + Send + Sync),
    ) -> Result<Computed, AppError> {
        let until = month.last_day();
        let engine = self.engine();
        let clock = Instant::now();
        let mut directory = Directory::load(self, &engine).await?;
        let count = Directory::enrolment_count(self).await?;
        let mut timings = RunTimings {
            catalogue: clock.elapsed(),
            ..RunTimings::default()
        };
        let total = u64::try_from(count).unwrap_or(0);
        let mut out = Computed::default();
        progress(0, total);
        // Each range is read in a task of its own while the one before it is computed, so the
        // database's work and decoding overlap the engine's.
        let read_from = |start: i64| Prefetch(tokio::spawn(read_range(self.clone(), start, until)));
        let mut pending = (count >= 1).then(|| read_from(1));
        while let Some(mut task) = pending.take() {
            let clock = Instant::now();
            let read = (&mut task.0)
                .await
                .map_err(|e| AppError::internal(&format_args!("payroll read task: {e}")))??;
            timings.waited += clock.elapsed();
            let end = *read.range.end();
            // Ids run from 1; past the count, go on while ranges still hold attendance (ids a
            // failed insert skipped).
            if end < count || !read.months.is_empty() {
                pending = Some(read_from(end.saturating_add(1)));
            }
            timings.attendance += read.attendance_time;
            timings.enrolments += read.enrolments_time;
            let paid = paid_by_enrolment(&read.paid);
            directory.prepare(&engine, read.enrolments, &distinct_ids(&read.months));
            let clock = Instant::now();
            let none = HashMap::new();
            for sheets in read.months.chunk_by(|a, b| a.enrolment_id == b.enrolment_id) {
                let id = sheets[0].enrolment_id;
                let Some(enrolment) = directory.get(id) else { continue };
                out.enrolments += 1;
                let figures = periods_of(&engine, enrolment, sheets, until, false)?;
                out.periods += figures.iter().filter(|f| f.closed).count() as u64;
                out.lines
                    .extend(lines_for(&engine, enrolment, &figures, paid.get(&id).unwrap_or(&none)));
            }
            timings.compute += clock.elapsed();
            progress(u64::try_from(end).unwrap_or(total).min(total), total);
        }
        out.skipped = directory.skipped;
        timings.compile = directory.compile_time;
        timings.enrolments += timings.compile;
        out.timings = timings;
        let (cases, reused) = directory.cache_counts();
        tracing::debug!(cases, reused, ?timings, "payroll: month computed");
        Ok(out)
    }

    /// Draft → approved, by a programme administrator who did not run it.
    pub async fn approve_payroll(&self, actor: &Actor, run_id: i64) -> Result<PayrollRunRecord, AppError> {
        actor.require(Permission::RunPayroll)?;
        let run = self.payroll_run_record(run_id).await?;
        if run.created_by == actor.audit_name() {
            return Err(self_approval());
        }
        Ok(self.db().payroll().approve(run_id, &actor.audit_name()).await?)
    }

    /// The payment file of an approved run (the run is then marked exported); an exported run
    /// gives the same file again without changing anything.
    pub async fn export_payroll(&self, actor: &Actor, run_id: i64) -> Result<PaymentFile, AppError> {
        actor.require(Permission::RunPayroll)?;
        let mut run = self.payroll_run_record(run_id).await?;
        if run.status != "approved" && run.status != "exported" {
            return Err(AppError::from(PayrollError::WrongStatus {
                run_id,
                status: run.status,
            }));
        }
        let lines = self.db().payroll().lines(run_id, 0, 0).await?;
        if run.status == "approved" {
            run = self.db().payroll().mark_exported(run_id, &actor.audit_name()).await?;
        }
        Ok(payment_csv(&run, &lines))
    }

    /// Draft → cancelled: its lines stay in the ledger but no longer count as paid.
    pub async fn cancel_payroll(&self, actor: &Actor, run_id: i64) -> Result<PayrollRunRecord, AppError> {
        actor.require(Permission::RunPayroll)?;
        self.payroll_run_record(run_id).await?;
        Ok(self.db().payroll().cancel(run_id, &actor.audit_name()).await?)
    }

    async fn payroll_run_record(&self, run_id: i64) -> Result<PayrollRunRecord, AppError> {
        self.db()
            .payroll()
            .run(run_id)
            .await?
            .ok_or_else(|| AppError::not_found("payroll run"))
    }

    /// Runs, newest first (only `month`'s if given), for readers of the payroll.
    pub async fn payroll_runs(&self, actor: &Actor, month: Option<&str>) -> Result<Vec<PayrollRunRecord>, AppError> {
        require_reader(actor)?;
        let month = month.map(Month::parse).transpose()?.map(Month::as_string);
        Ok(self.db().payroll().runs(month.as_deref()).await?)
    }

    /// One run with its totals, its first lines and what the caller may do with it.
    pub async fn payroll_run(&self, actor: &Actor, run_id: i64) -> Result<RunView, AppError> {
        require_reader(actor)?;
        let run = self.payroll_run_record(run_id).await?;
        let mut totals = Vec::with_capacity(TOTALS_BY.len());
        for by in TOTALS_BY {
            totals.push((by, self.db().payroll().totals(run_id, by).await?));
        }
        let lines = self.db().payroll().lines(run_id, 0, VIEW_LINES).await?;
        let runner = actor.allows(Permission::RunPayroll);
        let own = run.created_by == actor.audit_name();
        let draft = run.status == "draft";
        let why_not_approve = if !runner {
            Some(text(
                "사업 관리자만 승인할 수 있습니다.",
                "only a programme administrator can approve",
            ))
        } else if !draft {
            Some(text(
                format!("'{}' 상태의 작업은 승인할 수 없습니다.", status_ko(&run.status)),
                format!("a run that is {} cannot be approved", run.status),
            ))
        } else if own {
            Some(text(
                "직접 실행한 지급 작업은 승인할 수 없습니다. 다른 사업 관리자가 승인해야 합니다.",
                "you ran this payroll, so you cannot approve it; another programme administrator must",
            ))
        } else {
            None
        };
        Ok(RunView {
            may_approve: why_not_approve.is_none(),
            may_export: runner && (run.status == "approved" || run.status == "exported"),
            may_cancel: runner && draft,
            why_not_approve,
            totals,
            lines,
            run,
        })
    }

    /// A page of a run's lines, ordered by enrolment and period (`limit` 0: all).
    pub async fn payroll_lines(
        &self,
        actor: &Actor,
        run_id: i64,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<PayrollLineRecord>, AppError> {
        require_reader(actor)?;
        self.payroll_run_record(run_id).await?;
        Ok(self.db().payroll().lines(run_id, offset.max(0), limit.max(0)).await?)
    }

    /// One line of a run, by enrolment and period, with the engine's full trace rendered from the
    /// figures the line stores (every won explained: steps, parameters, citations), when the
    /// line's policy version is the active one; otherwise the stored figures.
    pub async fn payroll_line(
        &self,
        actor: &Actor,
        run_id: i64,
        enrolment_id: i64,
        period_index: i64,
    ) -> Result<PayrollLineRecord, AppError> {
        require_reader(actor)?;
        let mut line = self
            .db()
            .payroll()
            .lines_of_enrolment(enrolment_id)
            .await?
            .into_iter()
            .find(|l| l.run_id == run_id && l.line.period_index == period_index)
            .ok_or_else(|| AppError::not_found("payroll line"))?;
        // The stored trace is the figures; the engine renders the steps from them again.
        let engine = self.engine();
        if let Some(record) = self.db().enrolments().enrolment(enrolment_id).await? {
            if let Some(course) = directory::compile_one(self, &engine, &record).await? {
                if let Some(full) = compute::expand_trace(&engine, &course, &line.line) {
                    line.line.trace = full;
                }
            }
        }
        Ok(line)
    }

    /// A run's totals grouped `by`.
    pub async fn payroll_totals(
        &self,
        actor: &Actor,
        run_id: i64,
        by: TotalsBy,
    ) -> Result<Vec<PayrollTotal>, AppError> {
        require_reader(actor)?;
        self.payroll_run_record(run_id).await?;
        Ok(self.db().payroll().totals(run_id, by).await?)
    }

    /// The ledger of `month` written canonically: every line of the month's runs that are not
    /// cancelled, without ids or timestamps, sorted. Two ledgers with the same payments print
    /// byte for byte the same.
    pub async fn payroll_ledger(&self, actor: &Actor, month: &str) -> Result<String, AppError> {
        require_reader(actor)?;
        let month = Month::parse(month)?;
        let mut lines = Vec::new();
        for run in self.db().payroll().runs(Some(&month.as_string())).await? {
            if run.status == "cancelled" {
                continue;
            }
            lines.extend(self.db().payroll().lines(run.id, 0, 0).await?);
        }
        Ok(ledger_text(&month.as_string(), &lines))
    }
}

impl App {
    /// Account `login` acting from the command line (an operator on the server, who holds the
    /// database URL): the same role and scope checks as on the pages. A disabled account is
    /// refused.
    pub async fn operator_actor(&self, login: &str) -> Result<Actor, AppError> {
        let account = self.accounts().by_login(login).await?;
        if account.disabled {
            return Err(AppError::forbidden(format!("the account `{login}` is disabled")));
        }
        Ok(Actor {
            account_id: account.id,
            login: account.login,
            display_name: account.display_name,
            role: account.role,
            scope: account.scope,
            via: crate::accounts::Via::Token { id: 0 },
        })
    }
}

fn require_reader(actor: &Actor) -> Result<(), AppError> {
    if actor.allows(Permission::ReadPayroll) || actor.allows(Permission::RunPayroll) {
        Ok(())
    } else {
        Err(AppError::forbidden("the role may not read the payroll"))
    }
}

/// What one computation of a month gives.
#[derive(Debug, Default)]
struct Computed {
    lines: Vec<NewPayrollLine>,
    enrolments: u64,
    periods: u64,
    skipped: u64,
    timings: RunTimings,
}

/// Where a run's time went (the last attempt), for the CLI and the benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RunTimings {
    /// Reading the catalogue and counting enrolments.
    pub catalogue: Duration,
    /// Reading attendance months and paid sums (while the range before is computed: the
    /// phases overlap, so they add up to more than the run's wall time).
    pub attendance: Duration,
    /// Reading enrolments and their people (read ahead as `attendance`), and compiling them.
    pub enrolments: Duration,
    /// Of `enrolments`, compiling them (the rest is reading).
    pub compile: Duration,
    /// How long the run waited for reads (the rest of their time overlapped computing).
    pub waited: Duration,
    /// Counting periods and computing amounts and traces.
    pub compute: Duration,
    /// The one transaction that writes the run and its lines.
    pub write: Duration,
}

/// One id range as read: its attendance months up to the month's last day, its paid sums, its
/// payable enrolments and their people, and how long the reads took.
struct RangeRead {
    range: std::ops::RangeInclusive<i64>,
    months: Vec<aiup_store::AttendanceMonth>,
    paid: Vec<PaidPeriod>,
    enrolments: directory::RangeEnrolments,
    attendance_time: Duration,
    enrolments_time: Duration,
}

/// Reads the [`ID_CHUNK`] ids from `start`: attendance months and paid sums (one statement
/// each), then, if the range has attendance, its enrolments and people.
async fn read_range(app: App, start: i64, until: NaiveDate) -> Result<RangeRead, AppError> {
    let range = start..=start.saturating_add(ID_CHUNK - 1);
    let clock = Instant::now();
    let (months, paid) = tokio::try_join!(
        async { Ok::<_, AppError>(app.db().attendance().months_in_range(range.clone(), until).await?) },
        async { Ok::<_, AppError>(app.db().payroll().paid_in_range(range.clone()).await?) },
    )?;
    let attendance_time = clock.elapsed();
    let clock = Instant::now();
    let enrolments = if months.is_empty() {
        directory::RangeEnrolments::default()
    } else {
        directory::read(&app, range.clone()).await?
    };
    Ok(RangeRead {
        range,
        months,
        paid,
        enrolments,
        attendance_time,
        enrolments_time: clock.elapsed(),
    })
}

/// A range being read ahead; stopped if the run ends early (an error).
struct Prefetch(tokio::task::JoinHandle<Result<RangeRead, AppError>>);

impl Drop for Prefetch {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Paid sums by enrolment, then period.
fn paid_by_enrolment(paid: &[PaidPeriod]) -> HashMap<i64, HashMap<i64, i64>> {
    let mut out: HashMap<i64, HashMap<i64, i64>> = HashMap::new();
    for p in paid {
        out.entry(p.enrolment_id)
            .or_default()
            .insert(p.period_index, p.amount_won);
    }
    out
}

fn distinct_ids(months: &[aiup_store::AttendanceMonth]) -> Vec<i64> {
    let mut ids: Vec<i64> = months.iter().map(|m| m.enrolment_id).collect();
    ids.dedup();
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_read_strictly() {
        let m = Month::parse(" 2026-03 ").unwrap();
        assert_eq!(m.first_day(), NaiveDate::from_ymd_opt(2026, 3, 1).unwrap());
        assert_eq!(m.last_day(), NaiveDate::from_ymd_opt(2026, 3, 31).unwrap());
        assert_eq!(Month::parse("2028-02").unwrap().last_day().day(), 29);
        assert_eq!(m.to_string(), "2026-03");
        for bad in ["2026-3", "2026-13", "+2026-03", "2026/03", "", "2026-03-01"] {
            let e = Month::parse(bad).unwrap_err();
            assert_eq!(
                (e.code, e.field.as_deref()),
                (Code::InvalidField, Some("month")),
                "{bad}"
            );
        }
    }

    #[test]
    fn groupings_round_trip_by_name() {
        for by in TOTALS_BY {
            assert_eq!(parse_totals_by(totals_key(by)).unwrap(), by);
        }
        assert_eq!(parse_totals_by("city").unwrap_err().field.as_deref(), Some("by"));
    }
}
