//! Reform simulation at population scale (issue 12, item 5): draft a reform (parameter
//! overrides, versioned and audited), keep a basis of the population (every paid enrolment's
//! case inputs and counted unit periods, [`basis`]), and compare a draft against the active
//! policy, or two stored policy versions, on that whole population
//! (`aiup_rules::reform::compare_population`).
//!
//! Who may do what: programme administrators draft reforms and refresh the basis
//! (`DraftReforms`); programme administrators, auditors and administrators read drafts and
//! comparisons (`ReadDashboards`).

pub mod basis;

use std::sync::Arc;
use std::time::{Duration, Instant};

use aiup_core::date::parse_iso_date;
use aiup_core::policy::{schema, Override, PolicySet, PolicySource, Text};
use aiup_rules::reform::{compare_population, PopulationComparison, Reform};
use aiup_rules::Engine;
use aiup_store::{BasisMeta, NewReformDraft, ReformDraftRecord};
use serde::Serialize;

use crate::accounts::{Actor, Permission};
use crate::dashboard::AsOf;
use crate::{App, AppError, Code};

pub use basis::BasisRefreshed;

/// The bands of the gainers-and-losers histogram, in won either side of zero: a presentation
/// choice (how finely the page groups people), not a rule of the programme.
pub const GAIN_BANDS_WON: [i64; 5] = [10_000, 50_000, 100_000, 500_000, 1_000_000];

fn text(ko: impl Into<String>, en: impl Into<String>) -> Text {
    Text {
        ko: ko.into(),
        en: en.into(),
    }
}

fn invalid(field: &str, ko: impl Into<String>, en: impl Into<String>) -> AppError {
    AppError::bilingual(Code::InvalidReform, Some(field), text(ko, en))
}

/// One override as typed in the form or a file: every field still text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct OverrideInput {
    pub param: String,
    /// `YYYY-MM-DD`, or empty: the value replaces the whole series.
    #[serde(default)]
    pub from: String,
    /// The value as the policy files write it: `7000`, `90%`, `true`, `["classroom"]`.
    pub value: String,
}

/// A draft as typed: name, description and its overrides.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct DraftInput {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub overrides: Vec<OverrideInput>,
}

/// Why a draft was refused: every bad field at once, or another error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftError {
    Invalid(Vec<AppError>),
    App(AppError),
}

impl From<AppError> for DraftError {
    fn from(e: AppError) -> Self {
        DraftError::App(e)
    }
}

impl From<aiup_store::StoreError> for DraftError {
    fn from(e: aiup_store::StoreError) -> Self {
        DraftError::App(e.into())
    }
}

impl DraftError {
    /// The first error, as one `AppError` (for the CLI and the API).
    pub fn first(self) -> AppError {
        match self {
            DraftError::Invalid(mut list) if !list.is_empty() => list.swap_remove(0),
            DraftError::Invalid(_) => AppError::new(Code::InvalidReform, None, "the reform is invalid"),
            DraftError::App(e) => e,
        }
    }
}

/// The JSON value of a typed value: JSON where it reads as JSON (numbers, `true`, lists),
/// else the text itself (`90%`, `floor`).
fn value_of(raw: &str) -> serde_json::Value {
    let raw = raw.trim();
    serde_json::from_str(raw).unwrap_or_else(|_| serde_json::Value::String(raw.to_owned()))
}

/// The name a reform engine takes: 1–64 letters, digits, `-` or `_` (`Engine::reformed`).
fn name_ok(name: &str) -> bool {
    !name.is_empty() && name.chars().count() <= 64 && name.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

/// Validates a draft against `policy`: every bad field named, in Korean and English.
pub fn validate_draft(policy: &PolicySet, input: &DraftInput) -> Result<Vec<Override>, Vec<AppError>> {
    let mut errors = Vec::new();
    let name = input.name.trim();
    if !name_ok(name) {
        errors.push(invalid(
            "name",
            "이름은 1~64자의 글자, 숫자, '-', '_'로만 씁니다.",
            "the name must be 1 to 64 letters, digits, '-' or '_'",
        ));
    }
    if input.description.chars().count() > aiup_store::REFORM_DESCRIPTION_MAX {
        errors.push(invalid(
            "description",
            format!("설명은 {}자까지입니다.", aiup_store::REFORM_DESCRIPTION_MAX),
            format!(
                "the description is longer than {} characters",
                aiup_store::REFORM_DESCRIPTION_MAX
            ),
        ));
    }
    let typed: Vec<(usize, &OverrideInput)> = input
        .overrides
        .iter()
        .enumerate()
        .filter(|(_, o)| !(o.param.trim().is_empty() && o.value.trim().is_empty() && o.from.trim().is_empty()))
        .collect();
    if typed.is_empty() {
        errors.push(invalid(
            "overrides",
            "바꿀 매개변수를 하나 이상 고르십시오.",
            "choose at least one parameter to change",
        ));
    }
    let mut overrides = Vec::new();
    for (i, o) in typed {
        let field = |part: &str| format!("overrides[{i}].{part}");
        let param = o.param.trim();
        let Some(spec) = schema::spec(param) else {
            errors.push(invalid(
                &field("param"),
                format!("`{param}`은(는) 알 수 없는 매개변수입니다."),
                format!("`{param}` is not a known parameter id"),
            ));
            continue;
        };
        let from = match o.from.trim() {
            "" => None,
            raw => match parse_iso_date(raw) {
                Ok(date) => Some(date),
                Err(_) => {
                    errors.push(invalid(
                        &field("from"),
                        format!("`{raw}`은(는) YYYY-MM-DD 형식의 날짜가 아닙니다."),
                        format!("`{raw}` is not a date written YYYY-MM-DD"),
                    ));
                    continue;
                }
            },
        };
        let candidate = Override {
            param: param.to_owned(),
            from,
            value: value_of(&o.value),
        };
        if let Err(e) = policy.with_overrides("check", std::slice::from_ref(&candidate)) {
            let why = e.0.first().map(|x| x.message.clone()).unwrap_or_default();
            errors.push(invalid(
                &field("value"),
                format!(
                    "`{}`은(는) 이 매개변수의 값이 될 수 없습니다. {}을(를) 적으십시오. ({why})",
                    o.value.trim(),
                    spec.kind.describe_ko()
                ),
                format!(
                    "`{}` is not a value of this parameter: write {} ({why})",
                    o.value.trim(),
                    spec.kind.describe()
                ),
            ));
            continue;
        }
        overrides.push(candidate);
    }
    if errors.is_empty() {
        // Each override alone was fine; together they must make a policy too.
        if let Err(e) = policy.with_overrides("check", &overrides) {
            let why: Vec<String> = e.0.iter().map(|x| x.message.clone()).collect();
            errors.push(invalid(
                "overrides",
                format!("함께 적용하면 정책이 성립하지 않습니다: {}", why.join("; ")),
                format!("together the overrides do not make a valid policy: {}", why.join("; ")),
            ));
        }
    }
    if errors.is_empty() {
        Ok(overrides)
    } else {
        Err(errors)
    }
}

/// A parameter the draft form offers: its id, description, kind, and the value and citation in
/// force today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParamChoice {
    pub id: String,
    pub description: Text,
    pub kind: String,
    pub current: String,
    pub cite: String,
    pub from: chrono::NaiveDate,
}

/// A comparison with what it was computed on.
#[derive(Debug, Clone, Serialize)]
pub struct ReformComparison {
    /// The draft compared, if it is a draft (not two versions).
    pub draft: Option<ReformDraftRecord>,
    /// The engines' policy versions: baseline and reform.
    pub baseline_label: String,
    pub reform_label: String,
    /// The population the figures are for.
    pub basis: BasisMeta,
    pub as_of: AsOf,
    pub comparison: PopulationComparison,
    /// Reading the basis, and comparing (both engines and the aggregation).
    #[serde(skip)]
    pub read_time: Duration,
    #[serde(skip)]
    pub compare_time: Duration,
}

fn require_reader(actor: &Actor) -> Result<(), AppError> {
    actor.require(Permission::ReadDashboards)
}

impl App {
    /// The parameters a draft may change, with today's value and citation.
    pub fn reform_parameters(&self, actor: &Actor) -> Result<Vec<ParamChoice>, AppError> {
        require_reader(actor)?;
        let engine = self.engine();
        let today = self.today();
        Ok(engine
            .policy()
            .parameters
            .values()
            .filter_map(|p| {
                let v = p.at(today).or_else(|| p.values.last())?;
                Some(ParamChoice {
                    id: p.id.clone(),
                    description: p.description.clone(),
                    kind: p.kind.describe().to_owned(),
                    current: v.value.to_string(),
                    cite: v.cite.clone(),
                    from: v.from,
                })
            })
            .collect())
    }

    /// Saves a draft (the next version of its name) after validating every override against
    /// the active policy.
    pub async fn draft_reform(&self, actor: &Actor, input: &DraftInput) -> Result<ReformDraftRecord, DraftError> {
        actor.require(Permission::DraftReforms)?;
        let engine = self.engine();
        let overrides = validate_draft(engine.policy(), input).map_err(DraftError::Invalid)?;
        let json = serde_json::to_string(&overrides).map_err(|e| AppError::internal(&e))?;
        Ok(self
            .db()
            .reforms()
            .save_draft(
                &NewReformDraft {
                    name: input.name.trim().to_owned(),
                    description: input.description.trim().to_owned(),
                    overrides: json,
                    based_on_policy: engine.policy().version.clone(),
                },
                &actor.audit_name(),
            )
            .await?)
    }

    /// Every draft version, newest first.
    pub async fn reform_drafts(&self, actor: &Actor) -> Result<Vec<ReformDraftRecord>, AppError> {
        require_reader(actor)?;
        Ok(self.db().reforms().drafts().await?)
    }

    /// One draft version.
    pub async fn reform_draft(&self, actor: &Actor, id: i64) -> Result<ReformDraftRecord, AppError> {
        require_reader(actor)?;
        self.db()
            .reforms()
            .draft(id)
            .await?
            .ok_or_else(|| AppError::not_found("reform draft"))
    }

    /// The draft against the active policy, on the whole basis.
    pub async fn compare_draft(&self, actor: &Actor, draft_id: i64) -> Result<ReformComparison, AppError> {
        let draft = self.reform_draft(actor, draft_id).await?;
        let overrides: Vec<Override> = serde_json::from_str(&draft.overrides)
            .map_err(|e| AppError::internal(&format_args!("reform draft {draft_id}: {e}")))?;
        let baseline = self.engine();
        let reform = baseline
            .reformed(&Reform {
                name: draft.name.clone(),
                overrides,
            })
            .map_err(|e| {
                // A draft valid when written may not fit a later active policy.
                invalid(
                    "overrides",
                    format!("이 초안은 현재 정책에 적용할 수 없습니다: {e}"),
                    format!("the draft cannot be applied to the active policy: {e}"),
                )
            })?;
        let mut out = self.compare_engines(baseline, Arc::new(reform)).await?;
        out.reform_label = format!("{} v{}", draft.name, draft.version);
        out.draft = Some(draft);
        Ok(out)
    }

    /// A reform not saved as a draft (the CLI's `--file`) against the active policy.
    pub async fn compare_reform(&self, actor: &Actor, reform: &Reform) -> Result<ReformComparison, AppError> {
        require_reader(actor)?;
        let baseline = self.engine();
        let reformed = baseline.reformed(reform).map_err(|e| {
            invalid(
                "overrides",
                format!("이 변경 가정은 현재 정책에 적용할 수 없습니다: {e}"),
                format!("the reform cannot be applied to the active policy: {e}"),
            )
        })?;
        let mut out = self.compare_engines(baseline, Arc::new(reformed)).await?;
        out.reform_label = reform.name.clone();
        Ok(out)
    }

    /// Two stored policy versions on the same population: `a` the baseline, `b` the reform.
    pub async fn compare_versions(&self, actor: &Actor, a: &str, b: &str) -> Result<ReformComparison, AppError> {
        require_reader(actor)?;
        let baseline = self.stored_engine(a.trim(), "a").await?;
        let reform = self.stored_engine(b.trim(), "b").await?;
        let mut out = self.compare_engines(Arc::new(baseline), Arc::new(reform)).await?;
        out.baseline_label = a.trim().to_owned();
        out.reform_label = b.trim().to_owned();
        Ok(out)
    }

    /// The engine of stored policy version `version` (on this app's region table).
    async fn stored_engine(&self, version: &str, field: &str) -> Result<Engine, AppError> {
        let files = self.db().policy().files_of(version).await?.ok_or_else(|| {
            invalid(
                field,
                format!("`{version}`은(는) 저장된 정책 버전이 아닙니다."),
                format!("`{version}` is not a stored policy version"),
            )
        })?;
        let bundle = aiup_core::bundle::Bundle::new(
            files
                .into_iter()
                .map(|f| PolicySource {
                    path: f.path,
                    content: f.content,
                })
                .collect(),
        )
        .and_then(|b| b.load())
        .map_err(|e| AppError::internal(&format_args!("policy version {version}: {e}")))?;
        self.engine()
            .with_policy(Arc::new(bundle.policy))
            .map_err(|e| AppError::internal(&format_args!("policy version {version}: {e}")))
    }

    async fn compare_engines(&self, baseline: Arc<Engine>, reform: Arc<Engine>) -> Result<ReformComparison, AppError> {
        let clock = Instant::now();
        let (meta, population) = self.load_population().await?;
        let read_time = clock.elapsed();
        let clock = Instant::now();
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        let (baseline_label, reform_label) = (baseline.policy().version.clone(), reform.policy().version.clone());
        let comparison = tokio::task::spawn_blocking(move || {
            compare_population(&baseline, &reform, &population, &GAIN_BANDS_WON, threads)
        })
        .await
        .map_err(|e| AppError::internal(&format_args!("reform comparison: {e}")))?;
        Ok(ReformComparison {
            draft: None,
            baseline_label,
            reform_label,
            basis: meta,
            as_of: AsOf::now(self),
            comparison,
            read_time,
            compare_time: clock.elapsed(),
        })
    }
}
