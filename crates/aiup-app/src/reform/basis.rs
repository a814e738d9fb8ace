//! The reform basis: every paid enrolment's case inputs and its closed unit periods as counted,
//! stored apart (`reform_basis_chunks`) so a comparison reads the whole population in one statement
//! instead of decoding the country's attendance months.
//!
//! A refresh reads the country as the payroll does (`payroll::directory`: the catalogue once,
//! then enrolments, their people and attendance months by id range, each enrolment compiled
//! through the payroll's case cache) and counts each enrolment's periods with the payroll's
//! `counts_of`, so the basis holds exactly the cases and counts the payroll pays.

use std::time::{Duration, Instant};

use aiup_rules::reform::{pack_periods, unpack_periods, CaseInputs, CountedPeriod, ReformPopulation};
use aiup_store::{BasisMeta, BasisRow};

use crate::accounts::{Actor, Permission};
use crate::payroll::{counts_of, Directory, ID_CHUNK};
use crate::{App, AppError, Code};

/// What a refresh did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasisRefreshed {
    pub meta: BasisMeta,
    /// Enrolments with attendance whose case could not be compiled (logged).
    pub skipped: u64,
    /// Reading and counting, then writing.
    pub compute_time: Duration,
    pub write_time: Duration,
}

fn basis_row(enrolment_id: i64, i: CaseInputs, periods: &[CountedPeriod]) -> BasisRow {
    BasisRow {
        enrolment_id,
        programme: i.programme,
        region: i.region,
        province: i.province,
        start_date: i.start,
        end_date: i.end,
        total_hours_tenths: i64::from(i.total_hours_tenths),
        hours_per_day_tenths: i64::from(i.hours_per_day_tenths),
        delivery: i.delivery,
        fee_won: i.fee_won,
        unit_price_won: i.unit_price_won,
        ai_course: i.ai_course,
        self_payment_rate_bp: i.self_payment_rate_bp.map(i64::from),
        provision: i.provision,
        status: i.status,
        employer_size: i.employer_size,
        exempt_group: i.exempt_group,
        vulnerable_group: i.vulnerable_group,
        sandaetuk_repeat: i.sandaetuk_repeat,
        periods: pack_periods(periods),
    }
}

/// A stored row's case inputs and periods; `None` for a row whose numbers do not fit (never
/// written by a refresh).
fn population_member(r: BasisRow) -> Option<(CaseInputs, Vec<CountedPeriod>)> {
    let periods = unpack_periods(&r.periods)?;
    Some((
        CaseInputs {
            programme: r.programme,
            region: r.region,
            province: r.province,
            start: r.start_date,
            end: r.end_date,
            total_hours_tenths: u32::try_from(r.total_hours_tenths).ok()?,
            hours_per_day_tenths: u32::try_from(r.hours_per_day_tenths).ok()?,
            delivery: r.delivery,
            fee_won: r.fee_won,
            unit_price_won: r.unit_price_won,
            ai_course: r.ai_course,
            self_payment_rate_bp: r.self_payment_rate_bp.and_then(|bp| u32::try_from(bp).ok()),
            provision: r.provision,
            status: r.status,
            employer_size: r.employer_size,
            exempt_group: r.exempt_group,
            vulnerable_group: r.vulnerable_group,
            sandaetuk_repeat: r.sandaetuk_repeat,
        },
        periods,
    ))
}

impl App {
    /// Rebuilds the basis from the enrolments and their attendance as of today (periods closed
    /// by today), under the active policy's counting rules; one audited transaction.
    pub async fn refresh_basis(&self, actor: &Actor) -> Result<BasisRefreshed, AppError> {
        actor.require(Permission::DraftReforms)?;
        let clock = Instant::now();
        let until = self.today();
        let engine = self.engine();
        let mut directory = Directory::load(self, &engine).await?;
        let count = Directory::enrolment_count(self).await?;
        let mut rows = Vec::new();
        let mut start: i64 = 1;
        loop {
            let range = start..=start.saturating_add(ID_CHUNK - 1);
            let months = self.db().attendance().months_in_range(range.clone(), until).await?;
            if months.is_empty() && *range.end() >= count {
                break;
            }
            if !months.is_empty() {
                let mut ids: Vec<i64> = months.iter().map(|m| m.enrolment_id).collect();
                ids.dedup();
                let read = crate::payroll::directory::read(self, range.clone()).await?;
                directory.prepare(&engine, read, &ids);
                for sheets in months.chunk_by(|a, b| a.enrolment_id == b.enrolment_id) {
                    let id = sheets[0].enrolment_id;
                    let Some(enrolment) = directory.get(id) else { continue };
                    let periods: Vec<CountedPeriod> = counts_of(&engine, enrolment, sheets, until)?
                        .iter()
                        .filter(|c| c.closed)
                        .map(CountedPeriod::of_count)
                        .collect();
                    let Some(inputs) = CaseInputs::of_case(&engine, &enrolment.case, &enrolment.line_base.province)
                    else {
                        continue;
                    };
                    rows.push(basis_row(id, inputs, &periods));
                }
            }
            start = range.end().saturating_add(1);
        }
        let compute_time = clock.elapsed();
        let clock = Instant::now();
        let meta = self
            .db()
            .reforms()
            .replace_basis(rows, until, &engine.policy().version, &actor.audit_name())
            .await?;
        Ok(BasisRefreshed {
            meta,
            skipped: directory.skipped,
            compute_time,
            write_time: clock.elapsed(),
        })
    }

    /// When the basis was last refreshed (`None` before the first refresh).
    pub async fn basis_meta(&self, actor: &Actor) -> Result<Option<BasisMeta>, AppError> {
        actor.require(Permission::ReadDashboards)?;
        Ok(self.db().reforms().basis_meta().await?)
    }

    /// The whole basis as a population (for a reader's own checks, e.g. the benchmark's).
    pub async fn reform_population(&self, actor: &Actor) -> Result<(BasisMeta, ReformPopulation), AppError> {
        actor.require(Permission::ReadDashboards)?;
        self.load_population().await
    }

    /// The whole basis as a population, read in one statement.
    pub(crate) async fn load_population(&self) -> Result<(BasisMeta, ReformPopulation), AppError> {
        let Some((meta, rows)) = self.db().reforms().basis().await? else {
            return Err(AppError::bilingual(
                Code::Conflict,
                None,
                aiup_core::policy::Text {
                    ko: "비교할 인구 기준이 아직 없습니다. 먼저 `aiup reform basis`로 만드십시오.".to_owned(),
                    en: "there is no population basis to compare on yet; refresh it first (`aiup reform basis`)"
                        .to_owned(),
                },
            ));
        };
        let mut population = ReformPopulation::new();
        for row in rows {
            let id = row.enrolment_id;
            match population_member(row) {
                Some((inputs, periods)) => population.push(inputs, &periods),
                None => return Err(AppError::internal(&format_args!("reform basis row {id} is corrupt"))),
            }
        }
        Ok((meta, population))
    }
}
