//! Partner ministries' programmes and their participant lists, and the integrated list of every programme a firm takes part in.
//!
//! The programmes are data (`data/sme/partner-programmes.toml`, the table of seed 002 V-5). A
//! participant list is imported as a CSV (docs/sme.md, "Partner programmes") and kept whether or
//! not its firms are in the registry yet; the integrated list joins by business number and lists
//! the rows of firms not (yet) in the registry apart, as unmatched.

use std::collections::{BTreeMap, HashMap};

use aiup_sme::firm::FirmCsvKind;
use aiup_sme::partner::{parse_participants_csv, partner_programmes, Ministry, PartnerProgramme};
use aiup_sme::RowProblem;
use aiup_store::{FirmFilter, FirmRecord, NewParticipation};
pub use aiup_store::{ParticipationImportSummary, ParticipationRecord};

use super::firms::listing;
use crate::accounts::{Actor, Permission};
use crate::{App, AppError, Code};

/// The longest `source` an import may name.
pub const MAX_SOURCE_CHARS: usize = 200;

/// A refused participant import: the error, and every bad row (line 1 is the header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantImportError {
    pub error: AppError,
    pub rows: Vec<RowProblem>,
}

impl From<AppError> for ParticipantImportError {
    fn from(error: AppError) -> ParticipantImportError {
        ParticipantImportError {
            error,
            rows: Vec::new(),
        }
    }
}

impl From<ParticipantImportError> for AppError {
    fn from(e: ParticipantImportError) -> AppError {
        e.error
    }
}

/// The programme `id` of the collaboration table.
pub fn programme(id: &str) -> Option<&'static PartnerProgramme> {
    partner_programmes().iter().find(|p| p.id == id)
}

/// Imports a participant list of `programme_id` (rows may leave the programme out; a row naming
/// another is refused). An empty `programme_id` imports a list whose every row names its
/// programme (as `aiup sme firms generate --partners-out` writes it). `source` says where the list came from (a file name and date). Every row
/// checked first, then all stored in one transaction with one audit event. Needs `ManageFirms`.
pub async fn import_participants(
    app: &App,
    actor: &Actor,
    programme_id: &str,
    text: &str,
    source: &str,
) -> Result<ParticipationImportSummary, ParticipantImportError> {
    actor.require(Permission::ManageFirms)?;
    let source = source.trim();
    if source.is_empty() || source.chars().count() > MAX_SOURCE_CHARS {
        return Err(AppError::field(
            Code::InvalidField,
            "source",
            format!("say where the list comes from, in 1 to {MAX_SOURCE_CHARS} characters"),
        )
        .into());
    }
    let programme_id = Some(programme_id.trim()).filter(|p| !p.is_empty());
    let rows = parse_participants_csv(text, partner_programmes(), programme_id).map_err(|e| {
        let code = match e.kind() {
            FirmCsvKind::InvalidBusinessNumber => Code::InvalidBusinessNumber,
            _ => Code::InvalidPartnerCsv,
        };
        ParticipantImportError {
            error: listing(code, &e.rows),
            rows: e.rows,
        }
    })?;
    let rows: Vec<NewParticipation> = rows
        .into_iter()
        .map(|p| NewParticipation {
            programme_id: p.programme_id,
            business_number: p.business_number.digits(),
            year: i64::from(p.year),
        })
        .collect();
    Ok(app
        .db()
        .firms()
        .import_participations(&rows, source, &actor.login)
        .await
        .map_err(AppError::from)?)
}

/// [`import_participants`], its refusal as one error listing every bad row.
pub async fn import_participants_csv(
    app: &App,
    actor: &Actor,
    programme_id: &str,
    text: &str,
    source: &str,
) -> Result<ParticipationImportSummary, AppError> {
    import_participants(app, actor, programme_id, text, source)
        .await
        .map_err(AppError::from)
}

/// Which rows of the integrated list to show. Every field narrows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IntegratedFilter {
    pub programme_id: Option<String>,
    pub ministry: Option<Ministry>,
    /// Two digits (registry firms only).
    pub province_code: Option<String>,
    /// Registry firms only.
    pub centre_id: Option<String>,
}

/// One programme a firm takes part in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taken {
    pub programme: &'static PartnerProgramme,
    pub year: i64,
    pub source: String,
}

/// A registry firm and every partner programme it takes part in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegratedFirm {
    pub firm: FirmRecord,
    pub programmes: Vec<Taken>,
}

/// A business number in a participant list but not in the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmatched {
    pub business_number: String,
    pub programmes: Vec<Taken>,
}

/// The integrated list: registry firms with their programmes, and the unmatched rows apart.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IntegratedList {
    pub firms: Vec<IntegratedFirm>,
    pub unmatched: Vec<Unmatched>,
}

/// Per programme of the table: participations stored, and how many of them match a registry
/// firm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeCount {
    pub programme: &'static PartnerProgramme,
    pub participations: u64,
    pub matched: u64,
}

fn require_reader(actor: &Actor) -> Result<(), AppError> {
    actor.require(Permission::ReadSmeProgramme)
}

/// Every participation grouped by business number, with the filter's programme and ministry
/// applied (participations of programmes no longer in the table are skipped).
fn grouped(rows: Vec<ParticipationRecord>, filter: &IntegratedFilter) -> BTreeMap<String, Vec<Taken>> {
    let mut by_number: BTreeMap<String, Vec<Taken>> = BTreeMap::new();
    for r in rows {
        let Some(programme) = programme(&r.programme_id) else {
            continue;
        };
        if filter.programme_id.as_ref().is_some_and(|id| *id != programme.id)
            || filter.ministry.is_some_and(|m| m != programme.ministry)
        {
            continue;
        }
        by_number.entry(r.business_number).or_default().push(Taken {
            programme,
            year: r.year,
            source: r.source,
        });
    }
    by_number
}

/// The integrated list (one read of the participations and one of the firms). Needs
/// `ReadSmeProgramme`.
pub async fn integrated_list(app: &App, actor: &Actor, filter: &IntegratedFilter) -> Result<IntegratedList, AppError> {
    require_reader(actor)?;
    if let Some(id) = &filter.programme_id {
        if programme(id).is_none() {
            return Err(AppError::field(
                Code::InvalidField,
                "programme",
                format!("unknown partner programme `{id}`"),
            ));
        }
    }
    let store = app.db().firms();
    let by_number = grouped(store.participations().await?, filter);
    let firms = store
        .firms(&FirmFilter {
            programme_id: filter.programme_id.clone(),
            ..FirmFilter::default()
        })
        .await?;
    let mut registry: HashMap<String, FirmRecord> =
        firms.into_iter().map(|f| (f.firm.business_number.clone(), f)).collect();
    let mut list = IntegratedList::default();
    for (number, programmes) in by_number {
        match registry.remove(&number) {
            Some(firm) => {
                if filter
                    .province_code
                    .as_ref()
                    .is_some_and(|p| *p != firm.firm.province_code)
                    || filter
                        .centre_id
                        .as_ref()
                        .is_some_and(|c| Some(c) != firm.centre_id.as_ref())
                {
                    continue;
                }
                list.firms.push(IntegratedFirm { firm, programmes });
            }
            None if filter.province_code.is_none() && filter.centre_id.is_none() => list.unmatched.push(Unmatched {
                business_number: number,
                programmes,
            }),
            None => {}
        }
    }
    list.firms.sort_by_key(|f| f.firm.id);
    Ok(list)
}

/// Participations and matched firms per programme of the table. Needs `ReadSmeProgramme`.
pub async fn programme_counts(app: &App, actor: &Actor) -> Result<Vec<ProgrammeCount>, AppError> {
    let list = integrated_list(app, actor, &IntegratedFilter::default()).await?;
    let mut counts: Vec<ProgrammeCount> = partner_programmes()
        .iter()
        .map(|programme| ProgrammeCount {
            programme,
            participations: 0,
            matched: 0,
        })
        .collect();
    let mut add = |taken: &[Taken], matched: bool| {
        for t in taken {
            if let Some(c) = counts.iter_mut().find(|c| c.programme.id == t.programme.id) {
                c.participations += 1;
                c.matched += u64::from(matched);
            }
        }
    };
    for f in &list.firms {
        add(&f.programmes, true);
    }
    for u in &list.unmatched {
        add(&u.programmes, false);
    }
    Ok(counts)
}

fn csv_cell(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// The integrated list as CSV, one row per participation:
/// `business_number,name,province_code,centre_id,programme_id,ministry,year,in_registry`.
pub fn integrated_csv(list: &IntegratedList) -> String {
    let mut out = String::from("business_number,name,province_code,centre_id,programme_id,ministry,year,in_registry\n");
    for f in &list.firms {
        for t in &f.programmes {
            out.push_str(&format!(
                "{},{},{},{},{},{},{},yes\n",
                f.firm.firm.business_number,
                csv_cell(&f.firm.firm.name),
                f.firm.firm.province_code,
                csv_cell(f.firm.centre_id.as_deref().unwrap_or("")),
                t.programme.id,
                t.programme.ministry.as_str(),
                t.year
            ));
        }
    }
    for u in &list.unmatched {
        for t in &u.programmes {
            out.push_str(&format!(
                "{},,,,{},{},{},no\n",
                u.business_number,
                t.programme.id,
                t.programme.ministry.as_str(),
                t.year
            ));
        }
    }
    out
}
