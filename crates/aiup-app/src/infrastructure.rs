//! The training infrastructure (issue 12, item 2): physical AI labs and AI joint training
//! centres as records, imported by programme administrators (`ManageProgrammeRecords`), and
//! how far the plan's sites are designated and open and how their seats are used
//! (`ReadDashboards`). The targets are the sizes of the policy's plan lines
//! `infra-physical-ai-labs` and `infra-joint-centres`.
//!
//! A site's courses are its institution's courses in the catalogue; "in training" counts the
//! enrolments `in_training` in a cohort running on the day; utilisation is that count over the
//! site's capacity, in basis points (rounded down); completions count every completed
//! enrolment to date.

use std::collections::HashMap;

use aiup_catalogue::sites::{parse_sites_csv, Site, SiteKind};
use aiup_catalogue::Course;
use aiup_core::problem::{FieldProblem, RowProblem};
pub use aiup_store::SiteImportSummary;
use aiup_store::{NewSite, SiteCohortUse, SiteRecord};
use chrono::NaiveDate;
use serde::Serialize;

use crate::academy::{refused, ImportRefusal};
use crate::accounts::{Actor, Permission};
use crate::dashboard::AsOf;
use crate::{App, AppError, Code};

/// One cohort of a site's course with its use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SiteCohort {
    /// The cohort's position in its course (as enrolments name it).
    pub ordinal: i64,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// The catalogue's seats.
    pub capacity: i64,
    pub in_training: i64,
    pub completed: i64,
}

/// One course of a site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SiteCourse {
    pub course_id: String,
    pub title: String,
    pub cohorts: Vec<SiteCohort>,
    pub in_training: i64,
    pub completed: i64,
}

/// A site with its courses and use on the figures' date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SiteUse {
    pub id: String,
    /// `physical_ai_lab` or `joint_training_centre`.
    pub kind: String,
    pub name_ko: String,
    pub name_en: String,
    pub institution_id: String,
    /// The institution's name in the catalogue, if it is there.
    pub institution_name: Option<String>,
    pub region_code: String,
    pub province_code: String,
    pub capacity: i64,
    pub designated_on: NaiveDate,
    pub opened_on: Option<NaiveDate>,
    pub industry_focus: String,
    pub courses: Vec<SiteCourse>,
    /// Enrolments in training today in the site's courses.
    pub in_training: i64,
    /// `in_training` over `capacity`, in basis points.
    pub utilisation_bp: i64,
    /// Completed enrolments to date in the site's courses.
    pub completions: i64,
}

impl SiteUse {
    pub fn is_lab(&self) -> bool {
        self.kind == SiteKind::PhysicalAiLab.as_str()
    }

    pub fn open_on(&self, day: NaiveDate) -> bool {
        self.opened_on.is_some_and(|d| d <= day)
    }
}

/// The plan's sites: how many are designated and open against the targets, and each one's use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SiteProgress {
    pub as_of: AsOf,
    pub labs_designated: i64,
    pub labs_opened: i64,
    /// The size of `infra-physical-ai-labs` (4), if the policy has the line.
    pub labs_target: Option<i64>,
    pub centres_designated: i64,
    pub centres_opened: i64,
    /// The size of `infra-joint-centres` (20), if the policy has the line.
    pub centres_target: Option<i64>,
    /// Labs first, then centres, each by id.
    pub sites: Vec<SiteUse>,
}

/// Utilisation in basis points, rounded down; 0 without capacity.
pub fn utilisation_bp(in_training: i64, capacity: i64) -> i64 {
    if capacity <= 0 {
        0
    } else {
        in_training.saturating_mul(10_000) / capacity
    }
}

fn plan_line_size(app: &App, id: &str) -> Option<i64> {
    let engine = app.engine();
    let policy = engine.policy();
    policy
        .plan_lines
        .iter()
        .find(|l| l.id == id && l.year == policy.plan.year)
        .and_then(|l| l.size)
}

/// A site's use from its courses and its institution's cohorts' enrolments.
fn site_use(
    record: &SiteRecord,
    institution_name: Option<String>,
    courses: &[Course],
    uses: &[&SiteCohortUse],
) -> SiteUse {
    let s = &record.site;
    let by_cohort: HashMap<(&str, i64), &SiteCohortUse> = uses
        .iter()
        .map(|u| ((u.course_id.as_str(), u.cohort_ordinal), *u))
        .collect();
    let mut site_courses: Vec<SiteCourse> = courses
        .iter()
        .map(|c| {
            let cohorts: Vec<SiteCohort> = (0i64..)
                .zip(&c.cohorts)
                .map(|(ordinal, k)| {
                    let used = by_cohort.get(&(c.id.as_str(), ordinal));
                    SiteCohort {
                        ordinal,
                        start: k.start_date,
                        end: k.end_date,
                        capacity: i64::from(k.capacity),
                        in_training: used.map_or(0, |u| u.in_training),
                        completed: used.map_or(0, |u| u.completed),
                    }
                })
                .collect();
            SiteCourse {
                course_id: c.id.to_string(),
                title: c.title.clone(),
                in_training: cohorts.iter().map(|k| k.in_training).sum(),
                completed: cohorts.iter().map(|k| k.completed).sum(),
                cohorts,
            }
        })
        .collect();
    site_courses.sort_by(|a, b| a.course_id.cmp(&b.course_id));
    // Enrolments count even when their course has left the catalogue since.
    let in_training: i64 = uses.iter().map(|u| u.in_training).sum();
    let completions: i64 = uses.iter().map(|u| u.completed).sum();
    SiteUse {
        id: s.id.clone(),
        kind: s.kind.clone(),
        name_ko: s.name_ko.clone(),
        name_en: s.name_en.clone(),
        institution_id: s.institution_id.clone(),
        institution_name,
        region_code: s.region_code.clone(),
        province_code: s.province_code.clone(),
        capacity: s.capacity,
        designated_on: s.designated_on,
        opened_on: s.opened_on,
        industry_focus: s.industry_focus.clone(),
        courses: site_courses,
        in_training,
        utilisation_bp: utilisation_bp(in_training, s.capacity),
        completions,
    }
}

async fn use_of(app: &App, record: &SiteRecord, uses: &[SiteCohortUse]) -> Result<SiteUse, AppError> {
    let catalogue = app.db().catalogue();
    let institution = catalogue.institution(&record.site.institution_id).await?;
    let courses = catalogue.courses_of_institution(&record.site.institution_id).await?;
    let mine: Vec<&SiteCohortUse> = uses
        .iter()
        .filter(|u| u.institution_id == record.site.institution_id)
        .collect();
    Ok(site_use(record, institution.map(|i| i.name), &courses, &mine))
}

async fn compute_progress(app: &App) -> Result<SiteProgress, AppError> {
    let as_of = AsOf::now(app);
    let today = as_of.date;
    let records = app.db().sites().sites().await?;
    let uses = app.db().sites().cohort_use(today, None).await?;
    let mut sites = Vec::with_capacity(records.len());
    for record in &records {
        sites.push(use_of(app, record, &uses).await?);
    }
    sites.sort_by(|a, b| b.is_lab().cmp(&a.is_lab()).then_with(|| a.id.cmp(&b.id)));
    let count = |lab: bool, f: &dyn Fn(&SiteUse) -> bool| -> i64 {
        let n = sites.iter().filter(|s| s.is_lab() == lab && f(s)).count();
        i64::try_from(n).unwrap_or(i64::MAX)
    };
    let designated = |s: &SiteUse| s.designated_on <= today;
    let opened = |s: &SiteUse| s.open_on(today);
    Ok(SiteProgress {
        labs_designated: count(true, &designated),
        labs_opened: count(true, &opened),
        labs_target: plan_line_size(app, SiteKind::PhysicalAiLab.plan_line()),
        centres_designated: count(false, &designated),
        centres_opened: count(false, &opened),
        centres_target: plan_line_size(app, SiteKind::JointTrainingCentre.plan_line()),
        sites,
        as_of,
    })
}

/// The labs and centres against their targets, with each site's use. Needs `ReadDashboards`;
/// kept in the dashboard cache for its time.
pub async fn site_progress(app: &App, actor: &Actor) -> Result<SiteProgress, AppError> {
    actor.require(Permission::ReadDashboards)?;
    let figures = app
        .dashboards()
        .get_or_compute("academy.sites", compute_progress(app))
        .await?;
    Ok((*figures).clone())
}

/// One site with its courses and cohorts' use, computed now. Needs `ReadDashboards`.
pub async fn site_detail(app: &App, actor: &Actor, id: &str) -> Result<(AsOf, SiteUse), AppError> {
    actor.require(Permission::ReadDashboards)?;
    let as_of = AsOf::now(app);
    let Some(record) = app.db().sites().site(id).await? else {
        return Err(AppError::not_found("site"));
    };
    let uses = app
        .db()
        .sites()
        .cohort_use(as_of.date, Some(&record.site.institution_id))
        .await?;
    let site = use_of(app, &record, &uses).await?;
    Ok((as_of, site))
}

/// The store's form of a validated site.
pub fn new_site(s: &Site) -> NewSite {
    NewSite {
        id: s.id.to_string(),
        kind: s.kind.as_str().to_owned(),
        name_ko: s.name_ko.clone(),
        name_en: s.name_en.clone(),
        institution_id: s.institution.to_string(),
        region_code: s.region.to_string(),
        province_code: s.province_code.clone(),
        capacity: i64::from(s.capacity),
        designated_on: s.designated_on,
        opened_on: s.opened_on,
        industry_focus: s.industry_focus.clone(),
    }
}

/// Imports a site file (docs/dashboards.md, "Academy and infrastructure"): every row checked
/// (the institution must be in the catalogue), then all stored in one transaction with one
/// audit event; a site stored unchanged is left alone. Needs `ManageProgrammeRecords`.
pub async fn import_sites(app: &App, actor: &Actor, text: &str) -> Result<SiteImportSummary, ImportRefusal> {
    actor.require(Permission::ManageProgrammeRecords)?;
    let engine = app.engine();
    let sites = parse_sites_csv(text, engine.regions()).map_err(|rows| refused(Code::InvalidSiteCsv, rows))?;
    let institutions = app.db().catalogue().institution_ids().await.map_err(AppError::from)?;
    let bad: Vec<RowProblem> = sites
        .iter()
        .filter(|s| !institutions.contains(s.institution.as_str()))
        .map(|s| RowProblem {
            line: s.line,
            problems: vec![FieldProblem::new(
                "institution",
                format!("`{}` is not an institution of the catalogue", s.institution),
                format!("`{}`은(는) 과정 목록에 없는 훈련기관입니다", s.institution),
            )],
        })
        .collect();
    if !bad.is_empty() {
        return Err(refused(Code::InvalidSiteCsv, bad));
    }
    let rows: Vec<NewSite> = sites.iter().map(new_site).collect();
    let summary = app
        .db()
        .sites()
        .import_sites(&rows, &actor.login)
        .await
        .map_err(AppError::from)?;
    app.dashboards().clear();
    Ok(summary)
}
