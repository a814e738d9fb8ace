//! Policy as dated, cited data.
//!
//! A policy is a set of TOML files (see `policy/` at the repository root and
//! `docs/policy-files.md`). Every parameter value carries the date it takes
//! effect, a citation and a confidence. Loading is strict: an unknown key, a
//! parameter with no value for part of the covered period, or two values
//! that conflict are errors that name the file and line. Nothing falls back.

mod load;
pub mod schema;

pub use load::{Override, PolicyLoadError, PolicyLoadErrors, PolicySource};
pub use schema::{Kind, ParamSpec, RateRange, PARAMS, REQUIRED_PROGRAMMES};

use crate::money::{Rate, RoundingMode, Won};
use crate::types::{Delivery, EmployerSize, ProgrammeId, RegionTier, Stage, TraineeStatus};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Text in Korean and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub ko: String,
    pub en: String,
}

/// How far a value can be trusted (BRIEF's ✅ / ◐ marks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Two or more public sources agree (✅).
    Confirmed,
    /// Stated by the plan itself (seed 002) or another seed document.
    Seed,
    /// One secondary source (◐): a default an administrator should check.
    SingleSource,
    /// No source states it; aiup's documented default.
    AiupDefault,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Confirmed => "confirmed",
            Confidence::Seed => "seed",
            Confidence::SingleSource => "single_source",
            Confidence::AiupDefault => "aiup_default",
        }
    }
}

/// Where a definition sits, for error messages and `aiup policy`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    pub file: String,
    pub line: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Charge {
    Rate(Rate),
    Fixed(Won),
}

/// One row of a self-payment table: fees up to `up_to` (inclusive) are charged `charge`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bracket {
    pub up_to: Option<Won>,
    pub charge: Charge,
}

/// A parameter value. Serialises as it is written in the policy files:
/// rates as `"95%"`, money as integer won, lists and brackets as tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamValue {
    Won(Won),
    Hours(u32),
    Count(u32),
    Rate(Rate),
    Bool(bool),
    Deliveries(Vec<Delivery>),
    Statuses(Vec<TraineeStatus>),
    Brackets(Vec<Bracket>),
    Tier(RegionTier),
    Rounding(RoundingMode),
    WonList(Vec<Won>),
    /// Group or programme ids ([`Kind::Groups`], [`Kind::Programmes`]).
    Names(Vec<String>),
    Schemes(Vec<TuitionScheme>),
    PeriodScheme(PeriodScheme),
}

/// How a course's unit periods (단위기간) are cut when it starts late in a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodScheme {
    /// Each period starts the day after the previous one ended and ends the day before the same
    /// date a month after its own start (a real course record; research trainee-journey A.2).
    Chained,
    /// Each period ends the day before the same date k months after the course start.
    Anchored,
}

impl PeriodScheme {
    pub fn parse(text: &str) -> Option<PeriodScheme> {
        match text.trim() {
            "chained" => Some(PeriodScheme::Chained),
            "anchored" => Some(PeriodScheme::Anchored),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PeriodScheme::Chained => "chained",
            PeriodScheme::Anchored => "anchored",
        }
    }
}

impl Serialize for ParamValue {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            ParamValue::Won(w) => serializer.serialize_i64(w.0),
            ParamValue::Hours(n) | ParamValue::Count(n) => serializer.serialize_u32(*n),
            ParamValue::Rate(r) => serializer.collect_str(r),
            ParamValue::Bool(b) => serializer.serialize_bool(*b),
            ParamValue::Deliveries(list) => serializer.collect_seq(list.iter().map(|d| d.as_str())),
            ParamValue::Statuses(list) => serializer.collect_seq(list.iter().map(|s| s.as_str())),
            ParamValue::Tier(t) => serializer.serialize_str(t.as_str()),
            ParamValue::Rounding(r) => serializer.serialize_str(r.as_str()),
            ParamValue::WonList(list) => serializer.collect_seq(list.iter().map(|w| w.0)),
            ParamValue::Names(list) => serializer.collect_seq(list),
            ParamValue::Schemes(list) => serializer.collect_seq(list),
            ParamValue::PeriodScheme(s) => serializer.serialize_str(s.as_str()),
            ParamValue::Brackets(list) => {
                struct Row<'a>(&'a Bracket);
                impl Serialize for Row<'_> {
                    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        let mut map = serializer.serialize_map(None)?;
                        if let Some(up_to) = self.0.up_to {
                            map.serialize_entry("up_to_won", &up_to.0)?;
                        }
                        match &self.0.charge {
                            Charge::Rate(r) => map.serialize_entry("rate", &r.to_string())?,
                            Charge::Fixed(w) => map.serialize_entry("fixed_won", &w.0)?,
                        }
                        map.end()
                    }
                }
                serializer.collect_seq(list.iter().map(Row))
            }
        }
    }
}

impl fmt::Display for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamValue::Won(w) => write!(f, "{w}"),
            ParamValue::Hours(h) => write!(f, "{h}h"),
            ParamValue::Count(c) => write!(f, "{c}"),
            ParamValue::Rate(r) => write!(f, "{r}"),
            ParamValue::Bool(b) => write!(f, "{b}"),
            ParamValue::Deliveries(list) => write!(
                f,
                "[{}]",
                list.iter().map(|d| d.as_str()).collect::<Vec<_>>().join(", ")
            ),
            ParamValue::Statuses(list) => write!(
                f,
                "[{}]",
                list.iter().map(|d| d.as_str()).collect::<Vec<_>>().join(", ")
            ),
            ParamValue::Brackets(list) => {
                let parts: Vec<String> = list
                    .iter()
                    .map(|b| {
                        let charge = match &b.charge {
                            Charge::Rate(r) => r.to_string(),
                            Charge::Fixed(w) => w.to_string(),
                        };
                        match b.up_to {
                            Some(up_to) => format!("≤{up_to}: {charge}"),
                            None => format!("above: {charge}"),
                        }
                    })
                    .collect();
                write!(f, "[{}]", parts.join("; "))
            }
            ParamValue::Tier(t) => write!(f, "{t}"),
            ParamValue::Rounding(r) => f.write_str(r.as_str()),
            ParamValue::WonList(list) => write!(
                f,
                "[{}]",
                list.iter().map(Won::to_string).collect::<Vec<_>>().join(", ")
            ),
            ParamValue::Names(list) => write!(f, "[{}]", list.join(", ")),
            ParamValue::PeriodScheme(s) => f.write_str(s.as_str()),
            ParamValue::Schemes(list) => write!(
                f,
                "[{}]",
                list.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DatedValue {
    pub from: NaiveDate,
    pub value: ParamValue,
    pub cite: String,
    pub confidence: Confidence,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub at: Location,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Parameter {
    pub id: String,
    #[serde(skip)]
    pub kind: Kind,
    pub description: Text,
    /// Sorted by `from`; the first starts on or before the policy's coverage start.
    pub values: Vec<DatedValue>,
    pub at: Location,
}

impl Parameter {
    /// The value in force on `date`, if the date is covered.
    pub fn at(&self, date: NaiveDate) -> Option<&DatedValue> {
        let after = self.values.partition_point(|v| v.from <= date);
        after.checked_sub(1).map(|i| &self.values[i])
    }
}

/// Which allowance rules a programme's trainees fall under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AllowanceScheme {
    /// The programme pays no trainee allowance.
    None,
    /// General occupations (내일배움카드 일반).
    General,
    /// KDT, national-key-industry and 산대특 courses.
    Priority,
    KdtAiCampus,
    /// The "AI as work assistant" pilot (seed 001).
    AiAssistant,
}

/// Which tuition-support rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TuitionScheme {
    /// No per-trainee tuition support (grants, infrastructure, diagnosis).
    None,
    /// 내일배움카드: self-payment 15–55 % by the occupation's employment rate.
    Card,
    AiAssistant,
    Kdc,
    /// The 2026 fee-bracket table for KDT, national-key-industry and 산대특.
    PriorityTable,
    /// No fee to the trainee.
    Exempt,
    /// Employer training (사업주훈련) support rates by firm size.
    Employer,
    SmeOnline,
    SmePremium,
}

impl TuitionScheme {
    pub const ALL: [TuitionScheme; 9] = [
        TuitionScheme::None,
        TuitionScheme::Card,
        TuitionScheme::AiAssistant,
        TuitionScheme::Kdc,
        TuitionScheme::PriorityTable,
        TuitionScheme::Exempt,
        TuitionScheme::Employer,
        TuitionScheme::SmeOnline,
        TuitionScheme::SmePremium,
    ];

    /// The spelling in the policy files.
    pub fn as_str(self) -> &'static str {
        match self {
            TuitionScheme::None => "none",
            TuitionScheme::Card => "card",
            TuitionScheme::AiAssistant => "ai_assistant",
            TuitionScheme::Kdc => "kdc",
            TuitionScheme::PriorityTable => "priority_table",
            TuitionScheme::Exempt => "exempt",
            TuitionScheme::Employer => "employer",
            TuitionScheme::SmeOnline => "sme_online",
            TuitionScheme::SmePremium => "sme_premium",
        }
    }

    pub fn parse(text: &str) -> Option<TuitionScheme> {
        TuitionScheme::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetUnit {
    People,
    Workplaces,
    Firms,
    Sites,
    Centres,
    Courses,
}

impl TargetUnit {
    pub fn label_ko(self) -> &'static str {
        match self {
            TargetUnit::People => "명",
            TargetUnit::Workplaces => "개소",
            TargetUnit::Firms => "개사",
            TargetUnit::Sites => "개소",
            TargetUnit::Centres => "개소",
            TargetUnit::Courses => "개 과정",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetGroup {
    JobSeekers,
    Youth,
    FirmsAndEmployees,
    MiddleAgedAndCareerChangers,
    TrainingSystem,
}

impl TargetGroup {
    /// Who a programme of this group admits when its file entry has no `admits`
    /// (docs/policy-files.md): job seekers and youth programmes job seekers; firm programmes
    /// employees; middle-aged and career-change programmes everyone; training-system
    /// programmes no trainee.
    pub fn default_admits(self) -> Vec<TraineeStatus> {
        match self {
            TargetGroup::JobSeekers | TargetGroup::Youth => vec![TraineeStatus::JobSeeker],
            TargetGroup::FirmsAndEmployees => vec![TraineeStatus::Employed],
            TargetGroup::MiddleAgedAndCareerChangers => TraineeStatus::ALL.to_vec(),
            TargetGroup::TrainingSystem => Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    pub year: i32,
    pub value: i64,
    pub unit: TargetUnit,
    pub cite: String,
    pub confidence: Confidence,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Programme {
    pub id: ProgrammeId,
    pub name: Text,
    pub description: Text,
    pub stage: Stage,
    pub target_group: TargetGroup,
    pub plan_line: Option<String>,
    pub allowance_scheme: AllowanceScheme,
    pub tuition_scheme: TuitionScheme,
    /// The `training_cost.*` parameter that scales the unit price for AI courses.
    pub training_cost_multiplier: Option<String>,
    /// The trainee statuses the programme admits: `admits` in the file, or else derived from
    /// the target group ([`TargetGroup::default_admits`]).
    pub admits: Vec<TraineeStatus>,
    /// Where `admits` comes from: its own citation, or the programme's when derived.
    pub admits_cite: String,
    pub targets: Vec<Target>,
    pub cite: String,
    pub at: Location,
}

impl Programme {
    /// Whether a trainee of `status` may take the programme, by its `admits` list and, for
    /// the SME-only tuition schemes, the employer's size when it is known (an unknown size
    /// is not held against the trainee here; the engine asks for it).
    /// Whether the engine needs the employer's size to price the programme (employer-training
    /// tuition schemes).
    pub fn needs_employer_size(&self) -> bool {
        matches!(
            self.tuition_scheme,
            TuitionScheme::Employer | TuitionScheme::SmeOnline | TuitionScheme::SmePremium
        )
    }

    pub fn admits_trainee(&self, status: TraineeStatus, employer_size: Option<EmployerSize>) -> bool {
        let sme_only = matches!(
            self.tuition_scheme,
            TuitionScheme::SmeOnline | TuitionScheme::SmePremium
        );
        self.admits.contains(&status)
            && !(sme_only && employer_size.is_some_and(|size| size != EmployerSize::PrioritySupport))
    }

    /// Whether the engine can estimate support for one trainee in this programme.
    pub fn is_trainee_facing(&self) -> bool {
        self.allowance_scheme != AllowanceScheme::None || self.tuition_scheme != TuitionScheme::None
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanLine {
    pub id: String,
    pub year: i32,
    pub stage: Stage,
    pub target_group: TargetGroup,
    pub content: Text,
    pub size: Option<i64>,
    pub unit: Option<TargetUnit>,
    pub cite: String,
    pub at: Location,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Funding {
    /// Budget new to the AI plan.
    New,
    /// Existing funds the plan draws on (활용).
    Existing,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetLine {
    pub id: String,
    pub year: i32,
    pub label: Text,
    pub amount_won: Won,
    pub funding: Funding,
    /// The AI-specific part of an existing-funds line, where the plan names one.
    pub ai_specific_won: Option<Won>,
    pub plan_line: String,
    pub programmes: Vec<ProgrammeId>,
    pub cite: String,
    pub at: Location,
}

impl BudgetLine {
    /// What this line contributes to the plan's AI-specific total (붙임1 footnote).
    pub fn ai_specific_total(&self) -> Won {
        match self.funding {
            Funding::New => self.amount_won,
            Funding::Existing => self.ai_specific_won.unwrap_or(Won::ZERO),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorValue {
    Count(i64),
    Won(Won),
    Rate(Rate),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Indicator {
    pub id: String,
    pub year: i32,
    pub programme: Option<ProgrammeId>,
    pub label: Text,
    pub value: IndicatorValue,
    /// The top of a range, where the source gives one (e.g. ₩150–200 m).
    pub max: Option<IndicatorValue>,
    /// What the value counts, as the file names it (`people`, `courses`, `won`, `percent`, …).
    pub unit: String,
    pub cite: String,
    pub confidence: Confidence,
    pub at: Location,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub title: Text,
    pub vision: Text,
    pub year: i32,
    pub people: i64,
    pub budget_won: Won,
    pub five_year_people: i64,
    pub cite: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Meta {
    pub revision: String,
    /// The first date every parameter must have a value for.
    pub coverage_start: NaiveDate,
}

/// Every date from `coverage_start` on where some parameter changes, ascending.
fn breakpoints(parameters: &BTreeMap<String, Parameter>, coverage_start: NaiveDate) -> Vec<NaiveDate> {
    let mut dates: Vec<NaiveDate> = parameters
        .values()
        .flat_map(|p| p.values.iter().map(|v| v.from))
        .filter(|d| *d >= coverage_start)
        .collect();
    dates.push(coverage_start);
    dates.sort();
    dates.dedup();
    dates
}

/// A loaded, validated policy.
#[derive(Debug, Clone, Serialize)]
pub struct PolicySet {
    pub version: String,
    pub sha256: String,
    pub meta: Meta,
    pub plan: Plan,
    pub parameters: BTreeMap<String, Parameter>,
    pub programmes: Vec<Programme>,
    pub plan_lines: Vec<PlanLine>,
    pub budget_lines: Vec<BudgetLine>,
    pub indicators: Vec<Indicator>,
}

impl PolicySet {
    pub fn parameter(&self, id: &str) -> Option<&Parameter> {
        self.parameters.get(id)
    }

    pub fn programme(&self, id: &str) -> Option<&Programme> {
        self.programmes.iter().find(|p| p.id.as_str() == id)
    }

    /// Every date on which some parameter changes, ascending, starting at the
    /// coverage start. Between two such dates all values are constant.
    pub fn breakpoints(&self) -> Vec<NaiveDate> {
        breakpoints(&self.parameters, self.meta.coverage_start)
    }

    /// Sum of the budget lines for `year` that count toward the AI-specific total.
    pub fn ai_specific_budget(&self, year: i32) -> Won {
        self.budget_lines
            .iter()
            .filter(|b| b.year == year)
            .fold(Won::ZERO, |acc, b| acc + b.ai_specific_total())
    }
}
