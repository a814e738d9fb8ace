//! Course search for aiup: a [tantivy] index over the catalogue with Korean analysis that needs
//! no dictionary (character bigrams plus particle-stripped stems, see [`analysis`]), synonyms
//! kept as data ([`Synonyms`]), typo tolerance, disjunctive facet counts and
//! search-as-you-type suggestions.
//!
//! The crate does IO only for its index directory. Every hit carries the whole course and its
//! institution, so a result page needs no database.

pub mod analysis;
mod audience;
mod collect;
mod coord;
mod index;
pub mod loansound;
mod query;
mod schema;
mod suggest;
mod synonyms;

use std::collections::BTreeMap;
use std::sync::Arc;

use aiup_catalogue::{AiLevel, AiStep, Audience, Course, FeeBand, HoursBand, Institution, NcsMajor, TimeOfDay};
use aiup_core::region::RegionTable;
use aiup_core::{Delivery, EmployerSize, RegionTier, Stage, TraineeStatus};
use chrono::NaiveDate;
use serde::Serialize;

pub use index::CourseIndex;
pub use synonyms::Synonyms;

/// Most hits on one page.
pub const MAX_LIMIT: usize = 100;

/// What the index needs to know besides the courses: where places are, which programme
/// belongs to which stage, and the synonyms.
#[derive(Debug, Clone)]
pub struct SearchContext {
    pub regions: Arc<RegionTable>,
    /// Where a region is both capital-area and population-declining (policy `region.tier_precedence`).
    pub tier_precedence: RegionTier,
    /// Programme id → its stage, from the policy files.
    pub programme_stages: BTreeMap<String, Stage>,
    pub synonyms: Arc<Synonyms>,
    /// The programmes' order, who may take each, and what each profile pays: for the facet
    /// order, the eligibility filter and the sorts by what the trainee pays or receives.
    pub policy: PolicyData,
    /// Names what the fields above were derived from (the policy version and the region
    /// table's hash). It is stored with every commit: an index written under another context
    /// reports no generation, so its owner rebuilds it.
    pub version: String,
}

/// The trainee profiles the index tells apart: a status and, for employees, the employer's
/// size if known. Each course stores which profiles its programmes admit and, per profile,
/// what the trainee pays and receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProfileClass(u8);

impl ProfileClass {
    /// Every profile, in index order.
    pub const ALL: [(TraineeStatus, Option<EmployerSize>); 6] = [
        (TraineeStatus::JobSeeker, None),
        (TraineeStatus::SelfEmployed, None),
        (TraineeStatus::Employed, None),
        (TraineeStatus::Employed, Some(EmployerSize::PrioritySupport)),
        (TraineeStatus::Employed, Some(EmployerSize::Large)),
        (TraineeStatus::Employed, Some(EmployerSize::Large1000)),
    ];

    /// The class of a trainee; the employer's size counts only for employees.
    pub fn of(status: TraineeStatus, employer_size: Option<EmployerSize>) -> ProfileClass {
        let size = if status == TraineeStatus::Employed {
            employer_size
        } else {
            None
        };
        let i = ProfileClass::ALL
            .iter()
            .position(|&(s, z)| s == status && z == size)
            .unwrap_or(0);
        ProfileClass(i as u8)
    }

    pub fn index(self) -> usize {
        usize::from(self.0)
    }

    pub(crate) fn bit(self) -> u64 {
        1 << self.0
    }
}

/// What a trainee of one profile pays and receives on a course, in won.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SupportFigures {
    pub self_payment_won: i64,
    pub allowance_won: i64,
}

/// Computes [`SupportFigures`] for a course and profile, or `None` where the profile gets no
/// estimate (it cannot take the course, or there is no cohort to price).
pub type SupportFn = dyn Fn(&Course, TraineeStatus, Option<EmployerSize>) -> Option<SupportFigures> + Send + Sync;

/// The policy-derived data of a [`SearchContext`] about programmes and trainees.
#[derive(Clone, Default)]
pub struct PolicyData {
    /// Programme ids in the policy files' order: the programme facet's order.
    pub programme_order: Vec<String>,
    /// Programme id → the [`ProfileClass`]es it admits, as bits (`1 << class.index()`).
    pub programme_admits: BTreeMap<String, u64>,
    /// What each profile pays and receives per course; without it, the support sorts keep
    /// index order.
    pub support: Option<Arc<SupportFn>>,
}

impl std::fmt::Debug for PolicyData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolicyData")
            .field("programme_order", &self.programme_order)
            .field("programme_admits", &self.programme_admits)
            .field("support", &self.support.is_some())
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("synonyms, line {line}: {message}")]
    Synonyms { line: usize, message: String },
    /// An error in one of the other data files of `data/search/` (loanwords, audiences).
    #[error("{file}, line {line}: {message}")]
    Data {
        file: &'static str,
        line: usize,
        message: String,
    },
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index directory: {0}")]
    Directory(String),
    #[error("search index directory: {0}")]
    Io(#[from] std::io::Error),
    #[error("course `{course}` refers to institution `{institution}`, which was not given")]
    MissingInstitution { course: String, institution: String },
    #[error("search index holds a document it cannot read: {0}")]
    Corrupt(String),
    #[error("the search index was left inconsistent by a panic in another thread")]
    Poisoned,
}

impl From<tantivy::directory::error::OpenDirectoryError> for SearchError {
    fn from(e: tantivy::directory::error::OpenDirectoryError) -> Self {
        SearchError::Directory(e.to_string())
    }
}

/// How hits are ordered. Ties are always broken by course id, ascending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// Best match first; with an empty query, the same as [`SortOrder::StartDate`].
    #[default]
    Relevance,
    /// The next cohort starting on or after `today` first; courses without one last.
    StartDate,
    FeeAsc,
    FeeDesc,
    HoursAsc,
    HoursDesc,
    /// What the request's profile pays, least first; courses it cannot take last.
    PayAsc,
    /// The allowance the request's profile receives, most first; courses it cannot take last.
    AllowanceDesc,
}

impl SortOrder {
    pub const ALL: &'static [SortOrder] = &[
        SortOrder::Relevance,
        SortOrder::StartDate,
        SortOrder::FeeAsc,
        SortOrder::FeeDesc,
        SortOrder::HoursAsc,
        SortOrder::HoursDesc,
        SortOrder::PayAsc,
        SortOrder::AllowanceDesc,
    ];

    pub fn parse(text: &str) -> Option<SortOrder> {
        SortOrder::ALL.iter().copied().find(|s| s.as_str() == text)
    }

    /// The accepted spellings, for error messages.
    pub fn expected() -> String {
        SortOrder::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SortOrder::Relevance => "relevance",
            SortOrder::StartDate => "start_date",
            SortOrder::FeeAsc => "fee_asc",
            SortOrder::FeeDesc => "fee_desc",
            SortOrder::HoursAsc => "hours_asc",
            SortOrder::HoursDesc => "hours_desc",
            SortOrder::PayAsc => "pay_asc",
            SortOrder::AllowanceDesc => "allowance_desc",
        }
    }
}

/// Selected facet values. Within one facet the values are alternatives (OR); across facets
/// all must hold (AND). An empty list does not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub programmes: Vec<String>,
    pub stages: Vec<Stage>,
    pub ai_steps: Vec<AiStep>,
    pub ai_levels: Vec<AiLevel>,
    pub deliveries: Vec<Delivery>,
    /// 2-digit province (시도) codes, e.g. "11".
    pub provinces: Vec<String>,
    pub tiers: Vec<RegionTier>,
    pub hours_bands: Vec<HoursBand>,
    pub fee_bands: Vec<FeeBand>,
    pub ncs_majors: Vec<NcsMajor>,
    /// Months a cohort starts in, "2026-03".
    pub start_months: Vec<String>,
    pub audiences: Vec<Audience>,
    /// 5-digit 시군구 codes, e.g. "11680"; a plain filter (no facet counts).
    pub regions: Vec<String>,
    /// Only courses a programme of which admits this profile; a plain filter (no facet counts).
    pub eligible_for: Option<ProfileClass>,
    /// When it is taught (from the timetable); a course without one matches none.
    pub times_of_day: Vec<TimeOfDay>,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        self.programmes.is_empty()
            && self.stages.is_empty()
            && self.ai_steps.is_empty()
            && self.ai_levels.is_empty()
            && self.deliveries.is_empty()
            && self.provinces.is_empty()
            && self.tiers.is_empty()
            && self.hours_bands.is_empty()
            && self.fee_bands.is_empty()
            && self.ncs_majors.is_empty()
            && self.start_months.is_empty()
            && self.audiences.is_empty()
            && self.regions.is_empty()
            && self.eligible_for.is_none()
            && self.times_of_day.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRequest {
    pub query: String,
    pub filters: Filters,
    pub sort: SortOrder,
    pub offset: usize,
    /// Capped at [`MAX_LIMIT`].
    pub limit: usize,
    /// For the start-date order ("next cohort on or after today").
    pub today: NaiveDate,
    /// Whose figures the pay and allowance orders read.
    pub profile: ProfileClass,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: String::new(),
            filters: Filters::default(),
            sort: SortOrder::Relevance,
            offset: 0,
            limit: 20,
            today: NaiveDate::default(),
            profile: ProfileClass::of(TraineeStatus::JobSeeker, None),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    /// Courses matching the query and every filter.
    pub total: usize,
    pub hits: Vec<Hit>,
    /// Every facet in [`FacetKind::ALL`] order, each with its values of non-zero count.
    pub facets: Vec<Facet>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub course: Course,
    pub institution: Institution,
    /// The relevance score (0 when sorting by something else).
    pub score: f32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FacetKind {
    Programme,
    Stage,
    AiStep,
    AiLevel,
    Delivery,
    Province,
    Tier,
    HoursBand,
    FeeBand,
    NcsMajor,
    StartMonth,
    Audience,
    TimeOfDay,
}

impl FacetKind {
    pub const ALL: &'static [FacetKind] = &[
        FacetKind::Programme,
        FacetKind::Stage,
        FacetKind::AiStep,
        FacetKind::AiLevel,
        FacetKind::Delivery,
        FacetKind::Province,
        FacetKind::Tier,
        FacetKind::HoursBand,
        FacetKind::FeeBand,
        FacetKind::NcsMajor,
        FacetKind::StartMonth,
        FacetKind::Audience,
        FacetKind::TimeOfDay,
    ];

    pub fn parse(text: &str) -> Option<FacetKind> {
        FacetKind::ALL.iter().copied().find(|k| k.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FacetKind::Programme => "programme",
            FacetKind::Stage => "stage",
            FacetKind::AiStep => "ai_step",
            FacetKind::AiLevel => "ai_level",
            FacetKind::Delivery => "delivery",
            FacetKind::Province => "province",
            FacetKind::Tier => "tier",
            FacetKind::HoursBand => "hours_band",
            FacetKind::FeeBand => "fee_band",
            FacetKind::NcsMajor => "ncs_major",
            FacetKind::StartMonth => "start_month",
            FacetKind::Audience => "audience",
            FacetKind::TimeOfDay => "time_of_day",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Facet {
    pub kind: FacetKind,
    /// In the vocabulary's natural order: bands by size, months by date, provinces and NCS
    /// majors by code; programmes in policy order ([`PolicyData::programme_order`]).
    pub values: Vec<FacetValue>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetValue {
    /// The wire value: "kdt-ai-campus", "11", "2026-03", "job_seeker" …
    pub value: String,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    pub text: String,
    /// How many courses hold it.
    pub count: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct IndexStats {
    /// Documents in the index after the commit.
    pub documents: u64,
    pub generation: u64,
}

#[cfg(test)]
mod matching_tests;
#[cfg(test)]
mod tests;
