//! The firm registry: import (CSV, idempotent, every bad row listed), reads scoped to the caller, centres and assignment.
//!
//! Who sees which firm: a training doctor only the firms assigned to their centre (the account's
//! scope), an HR lead only their own firm (scope: its business number), programme
//! administrators, auditors and administrators every firm. A firm outside the caller's scope is
//! `not_found`, like one that does not exist.

use aiup_core::policy::Text;
use aiup_sme::firm::{parse_firms_csv, Firm, FirmCsvError, FirmCsvKind, TrainingHistory};
use aiup_sme::ksic::IndustryCode;
use aiup_sme::{BusinessNumber, RowProblem, SizeBand};
pub use aiup_store::{CentreRecord, FirmFilter, FirmImportSummary, FirmRecord};
use aiup_store::{NewFirm, StoreError};

use crate::accounts::{Actor, Permission, Role};
use crate::{App, AppError, Code};

/// The audit actor of the centres loaded from their data file.
pub const CENTRES_LOADER: &str = "aiup:data/sme/centres.toml";

/// The most firms one page of the registry lists.
pub const PAGE_LIMIT: u32 = 500;

/// A refused firm import: the error, and every bad row (line 1 is the header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirmImportError {
    pub error: AppError,
    pub rows: Vec<RowProblem>,
}

impl From<AppError> for FirmImportError {
    fn from(error: AppError) -> FirmImportError {
        FirmImportError {
            error,
            rows: Vec::new(),
        }
    }
}

impl From<FirmImportError> for AppError {
    fn from(e: FirmImportError) -> AppError {
        e.error
    }
}

/// An error with every bad row in its message, Korean and English (`code` as the file's kind).
pub(crate) fn listing(code: Code, rows: &[RowProblem]) -> AppError {
    let ko = rows
        .iter()
        .flat_map(|r| {
            r.problems
                .iter()
                .map(move |p| format!("{}행 {}: {}", r.line, p.field, p.reason_ko))
        })
        .collect::<Vec<_>>()
        .join("; ");
    let en = rows
        .iter()
        .flat_map(|r| {
            r.problems
                .iter()
                .map(move |p| format!("line {}, {}: {}", r.line, p.field, p.reason))
        })
        .collect::<Vec<_>>()
        .join("; ");
    AppError::bilingual(
        code,
        Some("file"),
        Text {
            ko: format!("{}개 행에 문제가 있어 아무것도 저장하지 않았습니다. {ko}", rows.len()),
            en: format!("{} bad rows; nothing was stored. {en}", rows.len()),
        },
    )
}

fn refused(e: FirmCsvError) -> FirmImportError {
    let code = match e.kind() {
        FirmCsvKind::InvalidBusinessNumber => Code::InvalidBusinessNumber,
        FirmCsvKind::UnknownKsic => Code::UnknownKsicCode,
        FirmCsvKind::Duplicate => Code::DuplicateFirm,
        FirmCsvKind::Invalid => Code::InvalidFirmCsv,
    };
    FirmImportError {
        error: listing(code, &e.rows),
        rows: e.rows,
    }
}

/// The store's form of a validated firm.
pub fn new_firm(f: &Firm) -> NewFirm {
    NewFirm {
        business_number: f.business_number.digits(),
        name: f.name.clone(),
        employees: i64::from(f.employees),
        size_band: f.size_band.as_str().to_owned(),
        ksic_section: f.industry.section().to_string(),
        ksic_division: f.industry.division_code().unwrap_or_default(),
        region_code: f.region_code.to_string(),
        province_code: f.province_code.clone(),
        capital_area: f.capital_area,
        priority_support: f.priority_support,
        employer_training: f.history.employer_training,
        ai_training: f.history.ai_training,
        ai_training_hours: f.history.ai_training_hours.into(),
    }
}

/// A stored firm as the package's `Firm` (`None` only if the row no longer parses, e.g. a KSIC
/// or region code that a newer table dropped).
pub fn firm_of(record: &FirmRecord) -> Option<Firm> {
    let f = &record.firm;
    Some(Firm {
        business_number: BusinessNumber::parse(&f.business_number, "business_number").ok()?,
        name: f.name.clone(),
        employees: u32::try_from(f.employees).ok()?,
        size_band: SizeBand::parse(&f.size_band)?,
        industry: IndustryCode::from_parts(&f.ksic_section, &f.ksic_division)?,
        region_code: aiup_core::region::RegionCode::parse(&f.region_code).ok()?,
        province_code: f.province_code.clone(),
        capital_area: f.capital_area,
        priority_support: f.priority_support,
        history: TrainingHistory {
            employer_training: f.employer_training,
            ai_training: f.ai_training,
            ai_training_hours: u32::try_from(f.ai_training_hours).ok()?,
        },
    })
}

/// Imports a firm file (docs/sme.md, "Firm registry"): every row checked first, then all of
/// them stored in one transaction with one audit event; a row already stored unchanged is left
/// alone. Needs `ManageFirms`.
pub async fn import_firms(app: &App, actor: &Actor, text: &str) -> Result<FirmImportSummary, FirmImportError> {
    actor.require(Permission::ManageFirms)?;
    let engine = app.engine();
    let firms = parse_firms_csv(text, engine.regions()).map_err(refused)?;
    let rows: Vec<NewFirm> = firms.iter().map(new_firm).collect();
    let summary = app
        .db()
        .firms()
        .import_firms(&rows, &actor.login)
        .await
        .map_err(AppError::from)?;
    Ok(summary)
}

/// [`import_firms`], its refusal as one error listing every bad row.
pub async fn import_firms_csv(app: &App, actor: &Actor, text: &str) -> Result<FirmImportSummary, AppError> {
    import_firms(app, actor, text).await.map_err(AppError::from)
}

/// Whether `actor` may see `firm` (with `ReadFirms`).
pub fn sees_firm(actor: &Actor, firm: &FirmRecord) -> bool {
    if !actor.allows(Permission::ReadFirms) {
        return false;
    }
    match actor.role {
        Role::TrainingDoctor => firm.centre_id.is_some() && firm.centre_id == actor.scope,
        Role::SmeHrLead => actor.scope.as_deref() == Some(firm.firm.business_number.as_str()),
        _ => true,
    }
}

/// A firm the caller may see; `not_found` for one outside their scope.
pub async fn visible_firm(app: &App, actor: &Actor, firm_id: i64) -> Result<FirmRecord, AppError> {
    actor.require(Permission::ReadFirms)?;
    match app.db().firms().firm(firm_id).await? {
        Some(firm) if sees_firm(actor, &firm) => Ok(firm),
        _ => Err(AppError::not_found("firm")),
    }
}

/// A firm by business number (any form `BusinessNumber::parse` reads), if the caller may see it.
pub async fn visible_firm_by_number(app: &App, actor: &Actor, number: &str) -> Result<FirmRecord, AppError> {
    actor.require(Permission::ReadFirms)?;
    let number = BusinessNumber::parse(number, "business_number")
        .map_err(|p| AppError::field(Code::InvalidBusinessNumber, "business_number", p.reason))?;
    match app.db().firms().firm_by_number(&number.digits()).await? {
        Some(firm) if sees_firm(actor, &firm) => Ok(firm),
        _ => Err(AppError::not_found("firm")),
    }
}

/// `filter` narrowed to what the caller may see: a training doctor to their centre (asking for
/// another centre is `not_found`), an HR lead to their own firm. Needs `ReadFirms`.
pub fn firm_filter_for(actor: &Actor, filter: FirmFilter) -> Result<FirmFilter, AppError> {
    actor.require(Permission::ReadFirms)?;
    let scope = || {
        actor
            .scope
            .clone()
            .ok_or_else(|| AppError::forbidden("the account has no scope"))
    };
    Ok(match actor.role {
        Role::TrainingDoctor => {
            let centre = scope()?;
            if filter.centre_id.as_ref().is_some_and(|c| *c != centre) {
                return Err(AppError::not_found("centre"));
            }
            FirmFilter {
                centre_id: Some(centre),
                ..filter
            }
        }
        Role::SmeHrLead => FirmFilter {
            text: Some(scope()?),
            ..filter
        },
        _ => filter,
    })
}

/// A page of the firms the caller may see that match `filter`, and how many match in all.
pub async fn list_firms(app: &App, actor: &Actor, filter: FirmFilter) -> Result<(Vec<FirmRecord>, u64), AppError> {
    let mut filter = firm_filter_for(actor, filter)?;
    filter.limit = Some(filter.limit.unwrap_or(PAGE_LIMIT).min(PAGE_LIMIT));
    let store = app.db().firms();
    let firms = store.firms(&filter).await?;
    let total = store.count_firms(&filter).await?;
    // The store applied the narrowed filter; this is the last word on scope all the same.
    Ok((firms.into_iter().filter(|f| sees_firm(actor, f)).collect(), total))
}

fn centre_record(c: &aiup_sme::centre::Centre, cite: &str) -> CentreRecord {
    CentreRecord {
        id: c.id.clone(),
        name_ko: c.name_ko.clone(),
        name_en: c.name_en.clone(),
        provinces: c.provinces.clone(),
        opened_on: Some(c.opened_on),
        cite: cite.to_owned(),
    }
}

/// Loads the centres of `data/sme/centres.toml` when the table is empty (audited as
/// [`CENTRES_LOADER`]). Every SME service that needs centres calls it; it is cheap when they are
/// there.
pub async fn ensure_centres(app: &App) -> Result<(), AppError> {
    let store = app.db().firms();
    if !store.centres().await?.is_empty() {
        return Ok(());
    }
    let file = aiup_sme::centre::centres();
    let records: Vec<CentreRecord> = file.centres.iter().map(|c| centre_record(c, &file.cite)).collect();
    match store.load_centres(&records, CENTRES_LOADER).await {
        Ok(()) => Ok(()),
        // Two first callers at once: the other one loaded them.
        Err(StoreError::Conflict { .. }) if !store.centres().await?.is_empty() => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Every centre, by id (loaded from their data file first if the table is empty).
pub async fn centres(app: &App) -> Result<Vec<CentreRecord>, AppError> {
    ensure_centres(app).await?;
    Ok(app.db().firms().centres().await?)
}

/// Assigns a firm to a centre (or to none). Needs `ManageFirms`; an unknown firm or centre is
/// `not_found`.
pub async fn assign_centre(app: &App, actor: &Actor, firm_id: i64, centre: Option<&str>) -> Result<(), AppError> {
    actor.require(Permission::ManageFirms)?;
    ensure_centres(app).await?;
    app.db().firms().assign_centre(firm_id, centre, &actor.login).await?;
    Ok(())
}

/// Assigns every firm without a centre to the centre covering its province. Needs
/// `ManageFirms`; returns how many were assigned.
pub async fn assign_by_province(app: &App, actor: &Actor) -> Result<u64, AppError> {
    actor.require(Permission::ManageFirms)?;
    ensure_centres(app).await?;
    let centres = app.db().firms().centres().await?;
    let store = app.db().firms();
    let mut assigned = 0;
    let mut after_id = None;
    loop {
        let page = store
            .firms(&FirmFilter {
                after_id,
                limit: Some(5_000),
                ..FirmFilter::default()
            })
            .await?;
        let Some(last) = page.last() else { break };
        after_id = Some(last.id);
        for f in page.iter().filter(|f| f.centre_id.is_none()) {
            if let Some(c) = centres.iter().find(|c| c.provinces.contains(&f.firm.province_code)) {
                store.assign_centre(f.id, Some(&c.id), &actor.login).await?;
                assigned += 1;
            }
        }
    }
    Ok(assigned)
}
