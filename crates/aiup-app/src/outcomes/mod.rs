//! Graduates' outcomes (issue 12, item 4): imports of outside records (employment-insurance
//! acquisitions, startup registrations, outside progress figures), the outcome figures of the
//! dashboards ([`figures`]), and the startup-hiring grant check ([`grant`]).
//!
//! Imports are for `ManageProgrammeRecords` (programme administrators): the file is parsed
//! whole (every bad row listed, in Korean and English, and nothing stored if any is bad), outside
//! person identifiers are hashed with the server's identifier key as they are read, and the
//! rows are stored in one transaction with the import's source label, as-of date and audit
//! event; the same file again changes nothing. Reading is for `ReadDashboards`.

pub mod figures;
pub mod generate;
pub mod grant;

use aiup_core::policy::{PolicySet, Text};
use aiup_people::outcome_records::{self as records, OutcomeKind};
use aiup_sme::RowProblem;
use aiup_store::{EmploymentRow, FigureRow, NewOutcomeImport, OutcomeRows, StartupRow};
pub use aiup_store::{OutcomeImportRecord, StoredFigure};
use chrono::NaiveDate;
use serde::Serialize;
use sha2::{Digest, Sha256};

pub use figures::{outcomes, OutcomeCounts, OutcomeGroup, OutcomesView};

use crate::accounts::{Actor, Permission};
use crate::{App, AppError, Code};

/// A file to import.
#[derive(Debug, Clone)]
pub struct OutcomeImportRequest<'a> {
    pub kind: OutcomeKind,
    /// Where the file comes from ("고용정보원 2026-06 추출"), kept with every row.
    pub source: &'a str,
    /// The date the file's facts are true on.
    pub as_of: NaiveDate,
    pub text: &'a str,
}

/// What an import did.
#[derive(Debug, Clone, Serialize)]
pub struct OutcomeImportSummary {
    pub import: OutcomeImportRecord,
    /// `false`: this file was already imported, and nothing changed.
    pub created: bool,
}

/// The latest value of an outside figure, with its source and date (for the targets board).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExternalFigure {
    /// A plan line, budget line or indicator id of the policy.
    pub metric: String,
    pub value: i64,
    /// `people`, `firms`, `courses`, `sites`, `centres`, `won`, `bp` or `hours`.
    pub unit: String,
    /// The date the figure is true on.
    pub as_of: NaiveDate,
    /// The import's source label.
    pub source: String,
    pub import_id: i64,
}

/// The longest source label (characters).
pub const SOURCE_MAX: usize = 200;

/// Whether `id` names a plan line, budget line or indicator of `policy`.
pub fn is_metric(policy: &PolicySet, id: &str) -> bool {
    policy.plan_lines.iter().any(|l| l.id == id)
        || policy.budget_lines.iter().any(|l| l.id == id)
        || policy.indicators.iter().any(|i| i.id == id)
}

/// The `invalid_outcome_csv` error listing every bad row, one line each, in Korean and English.
pub fn problems_error(problems: &[RowProblem]) -> AppError {
    let mut en = vec![format!("{} bad row(s); nothing was imported:", problems.len())];
    let mut ko = vec![format!(
        "잘못된 행이 {}개 있어 아무것도 가져오지 않았습니다:",
        problems.len()
    )];
    for row in problems {
        for p in &row.problems {
            en.push(format!("line {}, {}: {}", row.line, p.field, p.reason));
            ko.push(format!("{}행, {}: {}", row.line, p.field, p.reason_ko));
        }
    }
    AppError::bilingual(
        Code::InvalidOutcomeCsv,
        None,
        Text {
            ko: ko.join("\n"),
            en: en.join("\n"),
        },
    )
}

fn line(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Parses the file of `request.kind` into the store's rows.
fn rows_of(app: &App, request: &OutcomeImportRequest<'_>) -> Result<OutcomeRows, AppError> {
    let key = || {
        app.identifier_key().ok_or_else(|| {
            AppError::bilingual(
                Code::NoIdentifierKey,
                None,
                Text {
                    ko: "이 파일은 외부 식별번호로 사람을 가리키는데, 서버에 식별번호 키(AIUP_IDENTIFIER_KEY)가 설정되지 않았습니다. 아무것도 가져오지 않았습니다.".to_owned(),
                    en: "this file names people by an outside identifier, and no identifier key (AIUP_IDENTIFIER_KEY) is configured; nothing was imported".to_owned(),
                },
            )
        })
    };
    Ok(match request.kind {
        OutcomeKind::Employment => {
            let parsed = records::parse_employment_csv(request.text, key()?).map_err(|p| problems_error(&p))?;
            OutcomeRows::Employment(
                parsed
                    .into_iter()
                    .map(|r| EmploymentRow {
                        line: line(r.line),
                        person_hash: r.person_hash,
                        business_number: r.business_number.digits(),
                        acquired_on: r.acquired_on,
                        lost_on: r.lost_on,
                        ksic: r.ksic.map(|k| k.to_string()),
                        size_band: r.size_band.as_str().to_owned(),
                    })
                    .collect(),
            )
        }
        OutcomeKind::Startups => {
            let engine = app.engine();
            let parsed =
                records::parse_startups_csv(request.text, key()?, engine.regions()).map_err(|p| problems_error(&p))?;
            OutcomeRows::Startups(
                parsed
                    .into_iter()
                    .map(|r| StartupRow {
                        line: line(r.line),
                        person_hash: r.person_hash,
                        business_number: r.business_number.digits(),
                        opened_on: r.opened_on,
                        ksic: r.ksic.to_string(),
                        region_code: r.region_code,
                    })
                    .collect(),
            )
        }
        OutcomeKind::Figures => {
            let engine = app.engine();
            let policy = engine.policy();
            let parsed =
                records::parse_figures_csv(request.text, |m| is_metric(policy, m)).map_err(|p| problems_error(&p))?;
            OutcomeRows::Figures(
                parsed
                    .into_iter()
                    .map(|r| FigureRow {
                        line: line(r.line),
                        metric: r.metric,
                        value: r.value,
                        unit: r.unit,
                        as_of: r.as_of,
                    })
                    .collect(),
            )
        }
    })
}

/// Imports an outside file (see the module docs).
pub async fn import(
    app: &App,
    actor: &Actor,
    request: OutcomeImportRequest<'_>,
) -> Result<OutcomeImportSummary, AppError> {
    actor.require(Permission::ManageProgrammeRecords)?;
    let source = request.source.trim();
    if source.is_empty() || source.chars().count() > SOURCE_MAX {
        return Err(AppError::bilingual(
            Code::InvalidField,
            Some("source"),
            Text {
                ko: format!("출처를 1~{SOURCE_MAX}자로 쓰세요."),
                en: format!("the source must be 1 to {SOURCE_MAX} characters"),
            },
        ));
    }
    let rows = rows_of(app, &request)?;
    if rows.is_empty() {
        return Err(AppError::bilingual(
            Code::InvalidOutcomeCsv,
            Some("text"),
            Text {
                ko: "파일에 자료 행이 없습니다.".to_owned(),
                en: "the file has no rows".to_owned(),
            },
        ));
    }
    let import = NewOutcomeImport {
        kind: request.kind.as_str().to_owned(),
        source: source.to_owned(),
        as_of: request.as_of,
        content_sha256: hex::encode(Sha256::digest(request.text.as_bytes())),
    };
    let stored = app.db().outcomes().import(&import, &rows, &actor.login).await?;
    if stored.created {
        app.dashboards().clear();
    }
    Ok(OutcomeImportSummary {
        import: stored.import,
        created: stored.created,
    })
}

/// Every import, newest first.
pub async fn imports(app: &App, actor: &Actor) -> Result<Vec<OutcomeImportRecord>, AppError> {
    actor.require(Permission::ReadDashboards)?;
    Ok(app.db().outcomes().imports().await?)
}

/// The latest value of every outside figure (newest as-of date, then newest import), by metric.
pub async fn external_figures(app: &App, actor: &Actor) -> Result<Vec<ExternalFigure>, AppError> {
    actor.require(Permission::ReadDashboards)?;
    let stored = app.db().outcomes().figures().await?;
    Ok(latest_figures(&stored))
}

/// The first figure of each metric in the store's order (newest first within a metric).
pub fn latest_figures(stored: &[StoredFigure]) -> Vec<ExternalFigure> {
    let mut out: Vec<ExternalFigure> = Vec::new();
    for f in stored {
        if out.last().is_some_and(|l| l.metric == f.row.metric) {
            continue;
        }
        out.push(ExternalFigure {
            metric: f.row.metric.clone(),
            value: f.row.value,
            unit: f.row.unit.clone(),
            as_of: f.row.as_of,
            source: f.from.source.clone(),
            import_id: f.from.import_id,
        });
    }
    out
}
