//! Courses flattened for the SQL baselines: the five text fields, the stored document, and the
//! facet values derived exactly as aiup derives them (province and tier from the region table,
//! stages from the programmes, bands from hours and fee, start months from the cohorts).

use std::collections::{BTreeSet, HashMap};

use aiup_catalogue::{CatalogueBatch, Course, FeeBand, HoursBand, Institution};
use aiup_search::{FacetKind, Filters, SearchContext};
use chrono::Datelike;
use serde::{Deserialize, Serialize};

/// What the SQL baselines store per course and return per hit: the course and its institution,
/// the same as an aiup hit carries.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredDoc {
    pub course: Course,
    pub institution: Institution,
}

#[derive(Debug, Clone)]
pub struct CourseRow {
    /// 1-based row number (the SQL row id).
    pub rid: i64,
    pub id: String,
    pub title: String,
    pub keywords: String,
    pub occupation: String,
    pub summary: String,
    pub institution: String,
    /// [`StoredDoc`] as JSON.
    pub doc: String,
    // Single-valued facets.
    pub ai_step: Option<String>,
    pub ai_level: Option<String>,
    pub delivery: String,
    pub province: String,
    pub tier: String,
    pub hours_band: String,
    pub fee_band: String,
    pub ncs_major: String,
    // Multi-valued facets.
    pub programmes: Vec<String>,
    pub stages: Vec<String>,
    pub audiences: Vec<String>,
    pub months: Vec<String>,
}

/// The single-valued facet columns, in [`FacetKind`] terms.
pub const SINGLE: [(FacetKind, &str); 8] = [
    (FacetKind::AiStep, "ai_step"),
    (FacetKind::AiLevel, "ai_level"),
    (FacetKind::Delivery, "delivery"),
    (FacetKind::Province, "province"),
    (FacetKind::Tier, "tier"),
    (FacetKind::HoursBand, "hours_band"),
    (FacetKind::FeeBand, "fee_band"),
    (FacetKind::NcsMajor, "ncs_major"),
];

/// The multi-valued facets, each a side table `course_<name>(rid, value)`.
pub const MULTI: [(FacetKind, &str); 4] = [
    (FacetKind::Programme, "programme"),
    (FacetKind::Stage, "stage"),
    (FacetKind::Audience, "audience"),
    (FacetKind::StartMonth, "month"),
];

pub fn rows(batch: &CatalogueBatch, ctx: &SearchContext) -> anyhow::Result<Vec<CourseRow>> {
    rows_with(batch, ctx, true)
}

/// [`rows`] with an empty `doc` (enough to draw a query mix from).
pub fn rows_without_docs(batch: &CatalogueBatch, ctx: &SearchContext) -> anyhow::Result<Vec<CourseRow>> {
    rows_with(batch, ctx, false)
}

fn rows_with(batch: &CatalogueBatch, ctx: &SearchContext, docs: bool) -> anyhow::Result<Vec<CourseRow>> {
    let institutions: HashMap<&str, &Institution> = batch.institutions.iter().map(|i| (i.id.as_str(), i)).collect();
    batch
        .courses
        .iter()
        .enumerate()
        .map(|(n, course)| {
            let institution = institutions
                .get(course.institution.as_str())
                .ok_or_else(|| anyhow::anyhow!("course {} has no institution", course.id))?;
            let mut row = row(n as i64 + 1, course, institution, ctx, docs)?;
            if !docs {
                row.doc.clear();
            }
            Ok(row)
        })
        .collect()
}

pub fn row(
    rid: i64,
    course: &Course,
    institution: &Institution,
    ctx: &SearchContext,
    doc: bool,
) -> anyhow::Result<CourseRow> {
    let region = ctx.regions.get(course.region);
    let province = region.map_or_else(|| course.region.sido_code(), |r| r.sido_code.clone());
    let tier = region.map_or("unknown", |r| r.tier(ctx.tier_precedence).as_str());
    let stages: BTreeSet<&str> = course
        .programmes
        .iter()
        .filter_map(|p| ctx.programme_stages.get(p.as_str()))
        .map(|s| s.as_str())
        .collect();
    let months: BTreeSet<String> = course
        .cohorts
        .iter()
        .map(|c| format!("{:04}-{:02}", c.start_date.year(), c.start_date.month()))
        .collect();
    Ok(CourseRow {
        rid,
        id: course.id.to_string(),
        title: course.title.clone(),
        keywords: course.keywords.join(" "),
        occupation: course.occupation.clone(),
        summary: course.summary.clone(),
        institution: institution.name.clone(),
        doc: if doc {
            serde_json::to_string(&StoredDoc {
                course: course.clone(),
                institution: institution.clone(),
            })?
        } else {
            String::new()
        },
        ai_step: course.ai_step.map(|s| s.as_str().to_owned()),
        ai_level: course.ai_level.map(|s| s.as_str().to_owned()),
        delivery: course.delivery.as_str().to_owned(),
        province,
        tier: tier.to_owned(),
        hours_band: HoursBand::of(course.total_hours).as_str().to_owned(),
        fee_band: FeeBand::of(course.fee_won).as_str().to_owned(),
        ncs_major: course.ncs.major().as_str().to_owned(),
        programmes: course.programmes.iter().map(|p| p.to_string()).collect(),
        stages: stages.into_iter().map(str::to_owned).collect(),
        audiences: course.audiences.iter().map(|a| a.as_str().to_owned()).collect(),
        months: months.into_iter().collect(),
    })
}

/// A filter value as a SQL literal. Values come from closed vocabularies, province codes and
/// `YYYY-MM` months; anything else is refused rather than escaped.
fn literal(value: &str) -> anyhow::Result<String> {
    if value.is_empty()
        || !value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
    {
        anyhow::bail!("`{value}` is not a facet value");
    }
    Ok(format!("'{value}'"))
}

fn in_list(values: &[String]) -> anyhow::Result<String> {
    let items: Vec<String> = values.iter().map(|v| literal(v)).collect::<Result<_, _>>()?;
    Ok(items.join(", "))
}

/// The filters as SQL conditions on `c` (the course table), ANDed, each starting with " AND ".
/// Within a facet the values are alternatives (OR), as in aiup.
pub fn where_clause(filters: &Filters) -> anyhow::Result<String> {
    fn strs<T: Copy>(values: &[T], f: fn(T) -> &'static str) -> Vec<String> {
        values.iter().map(|v| f(*v).to_owned()).collect()
    }
    let single: [(&str, Vec<String>); 8] = [
        ("ai_step", strs(&filters.ai_steps, |v| v.as_str())),
        ("ai_level", strs(&filters.ai_levels, |v| v.as_str())),
        ("delivery", strs(&filters.deliveries, |v| v.as_str())),
        ("province", filters.provinces.clone()),
        ("tier", strs(&filters.tiers, |v| v.as_str())),
        ("hours_band", strs(&filters.hours_bands, |v| v.as_str())),
        ("fee_band", strs(&filters.fee_bands, |v| v.as_str())),
        ("ncs_major", strs(&filters.ncs_majors, |v| v.as_str())),
    ];
    let multi: [(&str, Vec<String>); 4] = [
        ("programme", filters.programmes.clone()),
        ("stage", strs(&filters.stages, |v| v.as_str())),
        ("audience", strs(&filters.audiences, |v| v.as_str())),
        ("month", filters.start_months.clone()),
    ];
    let mut sql = String::new();
    for (column, values) in &single {
        if !values.is_empty() {
            sql.push_str(&format!(" AND c.{column} IN ({})", in_list(values)?));
        }
    }
    for (table, values) in &multi {
        if !values.is_empty() {
            sql.push_str(&format!(
                " AND c.rid IN (SELECT rid FROM course_{table} WHERE value IN ({}))",
                in_list(values)?
            ));
        }
    }
    Ok(sql)
}

/// One statement giving the total and every facet's counts over the matching set `m`
/// (a CTE the caller defines with the columns `rid` and the single-valued facets). Rows are
/// (facet, value, count); the total comes as facet `total`.
pub fn facet_union() -> String {
    let mut parts = vec!["SELECT 'total' AS facet, '' AS value, count(*) AS n FROM m".to_owned()];
    for (kind, column) in SINGLE {
        parts.push(format!(
            "SELECT '{}', {column}, count(*) FROM m WHERE {column} IS NOT NULL GROUP BY {column}",
            kind.as_str()
        ));
    }
    for (kind, table) in MULTI {
        parts.push(format!(
            "SELECT '{}', t.value, count(*) FROM m JOIN course_{table} t ON t.rid = m.rid GROUP BY t.value",
            kind.as_str()
        ));
    }
    parts.join("\nUNION ALL ")
}

/// The single-valued facet columns, comma-separated, prefixed with `c.`.
pub fn single_columns() -> String {
    SINGLE
        .iter()
        .map(|(_, c)| format!("c.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}
