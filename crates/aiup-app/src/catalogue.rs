//! The catalogue service: import (validate, store in one transaction, then update the search
//! index), keeping the index in step with the database, the search query as the API and the
//! pages read it, and the support a course gives one trainee, computed by the rules engine.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use aiup_catalogue::import::{Format, ImportErrors, ImportOptions};
use aiup_catalogue::{
    AiLevel, AiStep, Audience, CatalogueBatch, Course, FeeBand, HoursBand, NcsMajor, TimeOfDay, ValidationContext,
};
use aiup_core::policy::{Programme, TargetGroup, Text};
use aiup_core::{Delivery, EmployerSize, RegionTier, Stage, TraineeStatus};
use aiup_rules::case::{CaseJson, CourseJson, TraineeJson};
use aiup_rules::{CaseError, Engine, Estimate};
use aiup_search::{
    CourseIndex, Filters, IndexStats, PolicyData, ProfileClass, SearchContext, SearchError, SearchRequest,
    SearchResults, SortOrder, SupportFigures, Synonyms,
};
use aiup_store::{CatalogueImportSummary, Database, StoreError};
use chrono::NaiveDate;
use serde::Serialize;

/// Results per page when the caller does not say.
pub const DEFAULT_PER_PAGE: usize = 20;
/// The most results one page may hold.
pub const MAX_PER_PAGE: usize = 100;
/// The longest query text accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;

#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    #[error(transparent)]
    Invalid(#[from] ImportErrors),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error("the search index task stopped: {0}")]
    Task(String),
}

impl From<CatalogueError> for crate::AppError {
    fn from(e: CatalogueError) -> crate::AppError {
        match e {
            CatalogueError::Store(e) => e.into(),
            CatalogueError::Invalid(errors) => crate::AppError::new(
                crate::Code::InvalidCatalogue,
                None,
                format!("{} bad record(s); nothing was stored", errors.errors.len()),
            ),
            other => crate::AppError::internal(&other),
        }
    }
}

/// What the search index needs from the active policy on `today`: regions, which tier wins
/// where two apply, each programme's stage, who may take it, and what each trainee profile
/// pays and receives on each course's next cohort. Its version names the policy, the region
/// table, the precedence and the day, so an index built under another one is rebuilt (once a
/// day, as cohorts start and the next cohort changes).
pub fn search_context(engine: &Engine, today: NaiveDate) -> SearchContext {
    let programme_stages = engine
        .policy()
        .programmes
        .iter()
        .map(|p| (p.id.to_string(), p.stage))
        .collect::<BTreeMap<String, Stage>>();
    let tier_precedence = crate::tier_precedence_on(engine, today);
    let programme_admits = engine
        .policy()
        .programmes
        .iter()
        .map(|p| {
            let mask = ProfileClass::ALL
                .iter()
                .filter(|(status, size)| p.is_trainee_facing() && p.admits_trainee(*status, *size))
                .fold(0, |mask, (status, size)| {
                    mask | 1 << ProfileClass::of(*status, *size).index()
                });
            (p.id.to_string(), mask)
        })
        .collect();
    let estimator = engine.clone();
    let support_figures = move |course: &Course, status: TraineeStatus, employer_size: Option<EmployerSize>| {
        let profile = Profile::of(status, employer_size);
        if !admits(&estimator, course, &profile) {
            return None;
        }
        support_totals(&estimator, course, &profile, today)
            .ok()
            .map(|totals| SupportFigures {
                self_payment_won: totals.self_payment_won,
                allowance_won: totals.allowance_won,
            })
    };
    SearchContext {
        version: format!(
            "policy {} regions {} precedence {} day {today}",
            engine.policy().version,
            engine.regions().sha256(),
            tier_precedence.as_str()
        ),
        policy: PolicyData {
            programme_order: engine.policy().programmes.iter().map(|p| p.id.to_string()).collect(),
            programme_admits,
            support: Some(Arc::new(support_figures)),
        },
        regions: engine.regions_arc(),
        tier_precedence,
        programme_stages,
        synonyms: Arc::new(Synonyms::embedded()),
    }
}

/// Rebuilds the index from the database if it was built from another generation of the
/// catalogue (or never). Returns the stats when it rebuilt.
pub async fn sync_index(db: &Database, index: &CourseIndex) -> Result<Option<IndexStats>, CatalogueError> {
    let generation = db.catalogue().generation().await?;
    if index.generation() == Some(generation) {
        return Ok(None);
    }
    rebuild_index(db, index).await.map(Some)
}

/// Rebuilds the whole index from the database.
pub async fn rebuild_index(db: &Database, index: &CourseIndex) -> Result<IndexStats, CatalogueError> {
    let generation = db.catalogue().generation().await?;
    let institutions = db.catalogue().institutions().await?;
    let courses = db.catalogue().courses().await?;
    on_index(index, move |index| index.rebuild(&institutions, &courses, generation)).await
}

/// Runs `work` on the index on a blocking thread: index work is CPU-bound or writes files, so
/// it stays off the async workers.
async fn on_index<T: Send + 'static>(
    index: &CourseIndex,
    work: impl FnOnce(&CourseIndex) -> Result<T, SearchError> + Send + 'static,
) -> Result<T, CatalogueError> {
    let index = index.clone();
    tokio::task::spawn_blocking(move || work(&index))
        .await
        .map_err(|e| CatalogueError::Task(e.to_string()))?
        .map_err(CatalogueError::Search)
}

/// Searches the index (off the async workers).
pub async fn search(index: &CourseIndex, request: SearchRequest) -> Result<SearchResults, CatalogueError> {
    on_index(index, move |index| index.search(&request)).await
}

/// The outcome of one import.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    #[serde(flatten)]
    pub summary: CatalogueImportSummary,
    pub indexed: u64,
}

/// Validates `text` against the active policy and the stored institutions; if every record is
/// valid, stores them all in one transaction and then updates the index with just those
/// courses. A file with any bad record changes nothing.
pub async fn import(
    db: &Database,
    index: &CourseIndex,
    engine: &Engine,
    format: Format,
    text: &str,
    actor: &str,
    progress: Option<&mut (dyn FnMut(usize, usize) + Send)>,
) -> Result<ImportReport, CatalogueError> {
    let batch = parse(db, engine, format, text, progress).await?;
    store_and_index_owned(db, index, batch, actor).await
}

/// Validates an import file without storing anything.
pub async fn parse(
    db: &Database,
    engine: &Engine,
    format: Format,
    text: &str,
    progress: Option<&mut (dyn FnMut(usize, usize) + Send)>,
) -> Result<CatalogueBatch, CatalogueError> {
    let known = db.catalogue().institution_ids().await?;
    let programmes: BTreeSet<String> = engine.policy().programmes.iter().map(|p| p.id.to_string()).collect();
    let options = ImportOptions {
        ctx: ValidationContext {
            programmes: &programmes,
            regions: engine.regions(),
        },
        known_institutions: &known,
        progress: progress.map(|p| p as &mut dyn FnMut(usize, usize)),
    };
    Ok(aiup_catalogue::import::parse(format, text, options)?)
}

/// Stores a validated batch and brings the index up to date.
pub async fn store_and_index(
    db: &Database,
    index: &CourseIndex,
    batch: &CatalogueBatch,
    actor: &str,
) -> Result<ImportReport, CatalogueError> {
    store_and_index_owned(db, index, batch.clone(), actor).await
}

/// [`store_and_index`] for a batch the caller no longer needs: its courses go to the index
/// without a copy, and it is dropped before the index is rebuilt from the database, so an
/// import never holds the batch and a second copy of the catalogue at once.
pub async fn store_and_index_owned(
    db: &Database,
    index: &CourseIndex,
    mut batch: CatalogueBatch,
    actor: &str,
) -> Result<ImportReport, CatalogueError> {
    let summary = db.catalogue().upsert(&batch, actor).await?;
    let behind_by_this_import = index.generation().is_some_and(|g| g + 1 == summary.generation);
    // Generation 1 after a change: nothing was stored before, so the batch is the whole
    // catalogue and the index can be rebuilt from it rather than from a second copy read back.
    let batch_is_catalogue = summary.changed() && summary.generation == 1;
    let indexed = if behind_by_this_import || batch_is_catalogue {
        let referenced: BTreeSet<&str> = batch.courses.iter().map(|c| c.institution.as_str()).collect();
        let institutions: Vec<_> = db
            .catalogue()
            .institutions()
            .await?
            .into_iter()
            .filter(|i| referenced.contains(i.id.as_str()))
            .collect();
        batch.institutions = Vec::new();
        let mut courses = std::mem::take(&mut batch.courses);
        let generation = summary.generation;
        if behind_by_this_import {
            on_index(index, move |index| {
                index.upsert_owned(&institutions, courses, generation)
            })
            .await?
            .documents
        } else {
            // The order a rebuild from the database adds them in (by id, byte order).
            courses.sort_by(|a, b| a.id.cmp(&b.id));
            on_index(index, move |index| {
                index.rebuild_owned(&institutions, courses, generation)
            })
            .await?
            .documents
        }
    } else {
        drop(batch);
        sync_index(db, index).await?.map_or(index.len(), |s| s.documents)
    };
    Ok(ImportReport { summary, indexed })
}

/// The trainee a search shows support for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Profile {
    pub status: TraineeStatus,
    pub employer_size: Option<EmployerSize>,
    /// The card's groups of a known person (`card::card_groups`): exempt from self-payment, and
    /// given the one-off extra. A search's anonymous profile has neither, and its JSON shows
    /// neither.
    #[serde(skip)]
    pub card_groups: crate::card::CardGroups,
}

impl Profile {
    /// An anonymous profile: a status and, for employees, the employer's size.
    pub const fn of(status: TraineeStatus, employer_size: Option<EmployerSize>) -> Profile {
        Profile {
            status,
            employer_size,
            card_groups: crate::card::CardGroups {
                exempt: false,
                extra: false,
            },
        }
    }
}

impl Default for Profile {
    fn default() -> Profile {
        Profile::of(TraineeStatus::JobSeeker, None)
    }
}

/// A course search as the API and the pages take it from the query string.
#[derive(Debug, Clone)]
pub struct CourseQuery {
    pub query: String,
    pub filters: Filters,
    pub sort: Option<SortOrder>,
    /// 1-based.
    pub page: usize,
    pub per_page: usize,
    pub profile: Profile,
    /// Only courses the profile may take (`eligible=true`).
    pub eligible_only: bool,
}

/// A query-string parameter that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParamError {
    pub field: String,
    /// In English (the API's language).
    pub reason: String,
    /// The same in Korean, for the pages.
    #[serde(skip)]
    pub reason_ko: String,
}

impl ParamError {
    fn new(field: &str, en: String, ko: String) -> ParamError {
        ParamError {
            field: field.to_owned(),
            reason: en,
            reason_ko: ko,
        }
    }

    fn not_one_of(field: &str, word: &str, expected: &str) -> ParamError {
        ParamError::new(
            field,
            format!("`{word}` is not one of {expected}"),
            format!("`{word}`은(는) 허용되는 값이 아닙니다(허용: {expected})"),
        )
    }

    /// The reason in the page's language.
    pub fn reason_in(&self, korean: bool) -> &str {
        if korean {
            &self.reason_ko
        } else {
            &self.reason
        }
    }
}

fn words<T: Copy>(
    value: &str,
    field: &str,
    parse: fn(&str) -> Option<T>,
    expected: fn() -> String,
    into: &mut Vec<T>,
    errors: &mut Vec<ParamError>,
) {
    for word in value.split(',').map(str::trim).filter(|w| !w.is_empty()) {
        match parse(word) {
            Some(item) => into.push(item),
            None => errors.push(ParamError::not_one_of(field, word, &expected())),
        }
    }
}

impl CourseQuery {
    /// Reads repeated or comma-separated parameters: `q`, the facet names of
    /// [`aiup_search::FacetKind`], `sort`, `page`, `per_page`, `status`, `employer_size`.
    /// Unknown parameters are ignored only if listed in `ignore` (e.g. `lang`).
    pub fn from_pairs(
        pairs: &[(String, String)],
        engine: &Engine,
        ignore: &[&str],
    ) -> Result<CourseQuery, Vec<ParamError>> {
        let mut errors = Vec::new();
        let mut q = CourseQuery {
            query: String::new(),
            filters: Filters::default(),
            sort: None,
            page: 1,
            per_page: DEFAULT_PER_PAGE,
            profile: Profile::default(),
            eligible_only: false,
        };
        let f = &mut q.filters;
        let e = &mut errors;
        for (key, value) in pairs {
            match key.as_str() {
                "q" => {
                    if value.chars().count() > MAX_QUERY_CHARS {
                        e.push(ParamError::new(
                            "q",
                            format!("is longer than {MAX_QUERY_CHARS} characters"),
                            format!("{MAX_QUERY_CHARS}자보다 깁니다"),
                        ));
                    } else {
                        q.query = value.trim().to_owned();
                    }
                }
                "programme" => {
                    for id in value.split(',').map(str::trim).filter(|w| !w.is_empty()) {
                        if engine.programme_index(id).is_some() {
                            f.programmes.push(id.to_owned());
                        } else {
                            e.push(ParamError::new(
                                "programme",
                                format!("`{id}` is not a programme id in the policy files"),
                                format!("`{id}`은(는) 정책 파일에 있는 사업이 아닙니다"),
                            ));
                        }
                    }
                }
                "stage" => words(value, key, Stage::parse, Stage::expected, &mut f.stages, e),
                "ai_step" => words(value, key, AiStep::parse, AiStep::expected, &mut f.ai_steps, e),
                "ai_level" => words(value, key, AiLevel::parse, AiLevel::expected, &mut f.ai_levels, e),
                "delivery" => words(value, key, Delivery::parse, Delivery::expected, &mut f.deliveries, e),
                "province" => {
                    for code in value.split(',').map(str::trim).filter(|w| !w.is_empty()) {
                        if engine.regions().provinces().iter().any(|p| p.code == code) {
                            f.provinces.push(code.to_owned());
                        } else {
                            e.push(ParamError::new(
                                "province",
                                format!("`{code}` is not a 2-digit province code"),
                                format!("`{code}`은(는) 두 자리 시도 코드가 아닙니다"),
                            ));
                        }
                    }
                }
                "region" => {
                    for code in value.split(',').map(str::trim).filter(|w| !w.is_empty()) {
                        let known = aiup_core::region::RegionCode::parse(code)
                            .ok()
                            .and_then(|c| engine.regions().get(c))
                            .is_some();
                        if known {
                            f.regions.push(code.to_owned());
                        } else {
                            e.push(ParamError::new(
                                "region",
                                format!("`{code}` is not a 5-digit 시군구 code in the region table"),
                                format!("`{code}`은(는) 지역 표에 있는 다섯 자리 시군구 코드가 아닙니다"),
                            ));
                        }
                    }
                }
                "eligible" => match value.as_str() {
                    "true" | "1" | "on" => q.eligible_only = true,
                    "false" | "0" | "" => q.eligible_only = false,
                    other => e.push(ParamError::not_one_of("eligible", other, "true, false")),
                },
                "tier" => words(value, key, RegionTier::parse, RegionTier::expected, &mut f.tiers, e),
                "hours_band" => words(value, key, HoursBand::parse, HoursBand::expected, &mut f.hours_bands, e),
                "fee_band" => words(value, key, FeeBand::parse, FeeBand::expected, &mut f.fee_bands, e),
                "ncs_major" => words(value, key, NcsMajor::parse, NcsMajor::expected, &mut f.ncs_majors, e),
                "audience" => words(value, key, Audience::parse, Audience::expected, &mut f.audiences, e),
                "time_of_day" => words(
                    value,
                    key,
                    TimeOfDay::parse,
                    TimeOfDay::expected,
                    &mut f.times_of_day,
                    e,
                ),
                "start_month" => {
                    for month in value.split(',').map(str::trim).filter(|w| !w.is_empty()) {
                        // Strict: `2026-3` or `+2026-03` is not a month; YYYY-MM plus `-01` must be a date.
                        if aiup_core::date::parse_iso_date(&format!("{month}-01")).is_ok() {
                            f.start_months.push(month.to_owned());
                        } else {
                            e.push(ParamError::new(
                                "start_month",
                                format!("`{month}` is not a month written YYYY-MM"),
                                format!("`{month}`은(는) YYYY-MM 형식의 월이 아닙니다"),
                            ));
                        }
                    }
                }
                "sort" if value.is_empty() => {}
                "sort" => match SortOrder::parse(value) {
                    Some(order) => q.sort = Some(order),
                    None => e.push(ParamError::not_one_of("sort", value, &SortOrder::expected())),
                },
                "page" | "per_page" => {
                    let max = if key == "page" { 10_000 } else { MAX_PER_PAGE };
                    match value.parse::<usize>() {
                        Ok(n) if (1..=max).contains(&n) => {
                            if key == "page" {
                                q.page = n;
                            } else {
                                q.per_page = n;
                            }
                        }
                        _ => e.push(ParamError::new(
                            key,
                            format!("`{value}` is not a whole number from 1 to {max}"),
                            format!("`{value}`은(는) 1부터 {max}까지의 정수가 아닙니다"),
                        )),
                    }
                }
                "status" => match TraineeStatus::parse(value) {
                    Some(status) => q.profile.status = status,
                    None => e.push(ParamError::not_one_of("status", value, &TraineeStatus::expected())),
                },
                "employer_size" if value.is_empty() => {}
                "employer_size" => match EmployerSize::parse(value) {
                    Some(size) => q.profile.employer_size = Some(size),
                    None => e.push(ParamError::not_one_of(
                        "employer_size",
                        value,
                        &EmployerSize::expected(),
                    )),
                },
                other if ignore.contains(&other) => {}
                other => e.push(ParamError::new(
                    other,
                    "is not a search parameter".to_owned(),
                    "검색 조건이 아닙니다".to_owned(),
                )),
            }
        }
        for list in [
            &mut q.filters.programmes,
            &mut q.filters.provinces,
            &mut q.filters.start_months,
            &mut q.filters.regions,
        ] {
            list.sort();
            list.dedup();
        }
        if errors.is_empty() {
            Ok(q)
        } else {
            Err(errors)
        }
    }

    /// The index request for this query on `today`.
    pub fn request(&self, today: NaiveDate) -> SearchRequest {
        let sort = self.sort.unwrap_or(if self.query.is_empty() {
            SortOrder::StartDate
        } else {
            SortOrder::Relevance
        });
        let mut filters = self.filters.clone();
        if self.eligible_only {
            filters.eligible_for = Some(self.profile_class());
        }
        SearchRequest {
            query: self.query.clone(),
            filters,
            sort,
            offset: (self.page - 1) * self.per_page,
            limit: self.per_page,
            today,
            profile: self.profile_class(),
        }
    }

    /// The index's class of this query's profile.
    pub fn profile_class(&self) -> ProfileClass {
        ProfileClass::of(self.profile.status, self.profile.employer_size)
    }
}

/// Why a course shows no support figure for a profile.
#[derive(Debug, Clone, Serialize)]
pub struct NoSupport {
    pub code: String,
    pub field: String,
    /// In English (the API's language).
    pub reason: String,
    /// The reason in both languages, for the pages.
    pub message: Text,
}

impl NoSupport {
    fn new(code: &str, field: &str, ko: String, en: String) -> NoSupport {
        NoSupport {
            code: code.to_owned(),
            field: field.to_owned(),
            reason: en.clone(),
            message: Text { ko, en },
        }
    }

    /// The course admits the profile's status but every such programme needs the employer's
    /// size, which the profile lacks.
    pub fn needs_employer_size(&self) -> bool {
        self.code == "missing_field" && self.field.ends_with("employer_size")
    }
}

impl From<CaseError> for NoSupport {
    fn from(e: CaseError) -> NoSupport {
        let message = e.message();
        NoSupport {
            code: e.code.to_owned(),
            field: e.field,
            message,
            reason: e.reason,
        }
    }
}

/// The statuses the course's trainee-facing programmes admit, in vocabulary order.
fn admitted_statuses(engine: &Engine, course: &Course) -> Vec<TraineeStatus> {
    let programmes: Vec<&Programme> = course
        .programmes
        .iter()
        .filter_map(|id| engine.policy().programme(id.as_str()))
        .filter(|p| p.is_trainee_facing())
        .collect();
    TraineeStatus::ALL
        .iter()
        .copied()
        .filter(|s| programmes.iter().any(|p| p.admits.contains(s)))
        .collect()
}

/// Whether any programme of the course admits `profile` (by the policy's `admits`; the
/// employer's size counts only where it is known).
pub fn admits(engine: &Engine, course: &Course, profile: &Profile) -> bool {
    !programme_preference(engine, course, profile).is_empty()
}

/// The order to try a course's programmes in for a profile: only those that admit the
/// trainee, those meant for the trainee's situation first; firm-only programmes never.
fn programme_preference<'a>(engine: &'a Engine, course: &Course, profile: &Profile) -> Vec<&'a Programme> {
    let mut programmes: Vec<&Programme> = course
        .programmes
        .iter()
        .filter_map(|id| engine.policy().programme(id.as_str()))
        .filter(|p| p.is_trainee_facing())
        .filter(|p| p.admits_trainee(profile.status, profile.employer_size))
        .collect();
    let employed = profile.status != TraineeStatus::JobSeeker;
    programmes.sort_by_key(|p| (p.target_group == TargetGroup::FirmsAndEmployees) != employed);
    programmes
}

fn not_admitted(engine: &Engine, course: &Course, profile: &Profile) -> NoSupport {
    let admitted = admitted_statuses(engine, course);
    let list = |label: fn(TraineeStatus) -> &'static str, sep: &str| {
        admitted.iter().map(|s| label(*s)).collect::<Vec<_>>().join(sep)
    };
    let status = profile.status;
    if admitted.contains(&status) {
        // The status is admitted, so the employer's size is what shuts the profile out.
        return NoSupport::new(
            "not_admitted",
            "employer_size",
            "이 과정의 사업은 우선지원대상기업(중소기업) 재직자만 받습니다".to_owned(),
            "This course's programmes admit only employees of priority-support firms (SMEs)".to_owned(),
        );
    }
    if admitted.is_empty() {
        return NoSupport::new(
            "no_trainee_support",
            "programmes",
            "이 과정의 사업은 개인 훈련생을 지원하지 않습니다".to_owned(),
            "none of the course's programmes supports individual trainees".to_owned(),
        );
    }
    NoSupport::new(
        "not_admitted",
        "status",
        format!(
            "{} 이 과정을 들을 수 없습니다(대상: {})",
            aiup_core::hangul::with_topic_particle(status.label_ko()),
            list(TraineeStatus::label_ko, ", ")
        ),
        format!(
            "This course is not for your situation ({}); it admits: {}",
            status.label_en(),
            list(TraineeStatus::label_en, ", ")
        ),
    )
}

/// The case for one trainee on the course's next cohort under `programme`, attendance assumed
/// full, first unit period.
pub fn case_for(course: &Course, programme: &Programme, profile: &Profile, today: NaiveDate) -> Option<CaseJson> {
    let cohort = course.next_cohort(today)?;
    let number = |text: String| text.parse::<serde_json::Number>().ok();
    Some(CaseJson {
        programme: programme.id.to_string(),
        course: CourseJson {
            region: course.region.to_string(),
            start_date: cohort.start_date.to_string(),
            end_date: cohort.end_date.to_string(),
            total_hours: number(course.total_hours.to_string())?,
            hours_per_day: number(course.hours_per_day.to_string())?,
            delivery: course.delivery.as_str().to_owned(),
            fee_won: Some(course.fee_won),
            base_unit_price_won_per_hour: course.base_unit_price_won_per_hour,
            ai_course: Some(course.is_ai_course()),
            self_payment_rate_percent: course.self_payment_rate_percent.map(serde_json::Number::from),
            provision: None,
        },
        trainee: TraineeJson {
            status: profile.status.as_str().to_owned(),
            employer_size: profile.employer_size.map(|s| s.as_str().to_owned()),
            exempt_group: profile.card_groups.exempt,
            vulnerable_group: profile.card_groups.extra,
            card_balance_won: None,
            prior_sandaetuk_participations: None,
        },
        period: 1,
        attendance: None,
    })
}

/// What `profile` pays and receives on the course's next cohort, by the rules engine: the
/// first programme of the course that admits the profile and that the engine accepts, or the
/// reason none does. A profile no programme admits is never priced.
pub fn support(engine: &Engine, course: &Course, profile: &Profile, today: NaiveDate) -> Result<Estimate, NoSupport> {
    priced(engine, course, profile, today, |case| engine.estimate(case, false))
}

/// [`support`]'s totals alone, without rendering explanations: what the index stores per
/// profile for the pay and allowance orders.
pub fn support_totals(
    engine: &Engine,
    course: &Course,
    profile: &Profile,
    today: NaiveDate,
) -> Result<aiup_rules::Totals, NoSupport> {
    priced(engine, course, profile, today, |case| engine.totals(case))
}

fn priced<T>(
    engine: &Engine,
    course: &Course,
    profile: &Profile,
    today: NaiveDate,
    price: impl Fn(&aiup_rules::Case) -> T,
) -> Result<T, NoSupport> {
    let programmes = programme_preference(engine, course, profile);
    if programmes.is_empty() {
        return Err(not_admitted(engine, course, profile));
    }
    if course.next_cohort(today).is_none() {
        return Err(NoSupport::new(
            "no_trainee_support",
            "cohorts",
            "지원금을 계산할 다음 기수가 없습니다".to_owned(),
            "the course has no cohort to estimate support for".to_owned(),
        ));
    }
    if profile.status == TraineeStatus::Employed
        && profile.employer_size.is_none()
        && programmes.iter().all(|p| p.needs_employer_size())
    {
        return Err(NoSupport::new(
            "missing_field",
            "employer_size",
            "회사 규모를 선택하면 지원금을 볼 수 있습니다".to_owned(),
            "Enter your firm's size to see the price".to_owned(),
        ));
    }
    let mut first_error = None;
    for programme in programmes {
        let Some(raw) = case_for(course, programme, profile, today) else {
            break;
        };
        match engine.parse_case(&raw) {
            Ok(case) => return Ok(price(&case)),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.map(NoSupport::from).unwrap_or_else(|| {
        NoSupport::new(
            "no_trainee_support",
            "cohorts",
            "지원금을 계산할 다음 기수가 없습니다".to_owned(),
            "the course has no cohort to estimate support for".to_owned(),
        )
    }))
}

impl crate::App {
    /// An institution and its courses with their cohorts and seats, for staff. Institution
    /// staff see only their own institution: any other is "not found", exactly like one that
    /// does not exist, so ids cannot be probed.
    pub async fn institution_records(
        &self,
        actor: &crate::accounts::Actor,
        id: &str,
    ) -> Result<(aiup_catalogue::Institution, Vec<Course>), crate::AppError> {
        actor.require(crate::accounts::Permission::ReadInstitutionRecords)?;
        if !actor.sees_institution(id) {
            return Err(crate::AppError::not_found("the institution"));
        }
        let catalogue = self.db().catalogue();
        let institution = catalogue
            .institution(id)
            .await?
            .ok_or_else(|| crate::AppError::not_found("the institution"))?;
        let courses = catalogue.courses_of_institution(id).await?;
        Ok((institution, courses))
    }
}
