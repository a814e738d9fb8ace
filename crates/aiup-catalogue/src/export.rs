//! Writing a [`CatalogueBatch`] in the formats [`crate::import::parse`] reads, so that
//! `parse(export(batch)) == batch` (institutions and courses sorted by id).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::import::{csv_columns, Format, LIST_SEPARATOR};
use crate::model::{CatalogueBatch, Course, Institution};
use crate::validate::{CourseInput, InstitutionInput};

/// The batch as a CSV or JSON file. Institutions and courses are written sorted by id.
pub fn export(format: Format, batch: &CatalogueBatch) -> String {
    match format {
        Format::Csv => export_csv(batch),
        Format::Json => export_json(batch),
    }
}

fn sorted(batch: &CatalogueBatch) -> (Vec<&Institution>, Vec<&Course>) {
    let mut institutions: Vec<&Institution> = batch.institutions.iter().collect();
    institutions.sort_by(|a, b| a.id.cmp(&b.id));
    let mut courses: Vec<&Course> = batch.courses.iter().collect();
    courses.sort_by(|a, b| a.id.cmp(&b.id));
    (institutions, courses)
}

/// What makes a spreadsheet run a cell as a formula (`=1+1`, `@SUM(…)`, `-2+3`), or hide its
/// start (tab, CR).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether a cell would start a formula once any leading `'` is removed. The guard is a `'`
/// put in front of such cells (spreadsheets show the rest as text); with the `'`s counted in,
/// [`unguard`] can tell a guard from a `'` the value itself starts with, so values round-trip.
fn needs_guard(cell: &str) -> bool {
    cell.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

/// Removes the `'` [`push_cell`] put in front of a cell that starts like a formula.
pub(crate) fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_guard(rest) => rest,
        _ => cell,
    }
}

/// One CSV cell, guarded against formulas and quoted where it must be.
fn push_cell(out: &mut String, cell: &str) {
    let guarded;
    let cell = if needs_guard(cell) {
        guarded = format!("'{cell}");
        guarded.as_str()
    } else {
        cell
    };
    if cell.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&cell.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(cell);
    }
}

pub(crate) fn push_row<'a>(out: &mut String, cells: impl IntoIterator<Item = &'a str>) {
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_cell(out, cell);
    }
    out.push('\n');
}

/// A list cell: items joined by `|`, with `\` and `|` inside items escaped by a backslash.
pub(crate) fn join_list(items: &[String]) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(LIST_SEPARATOR);
        }
        for c in item.chars() {
            if c == '\\' || c == LIST_SEPARATOR {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

fn institution_cells(institution: Option<&Institution>) -> [String; crate::import::INSTITUTION_COLUMNS.len()] {
    match institution {
        Some(i) => {
            let input = InstitutionInput::from(i);
            [
                input.name,
                input.kind,
                input.region,
                input.grade,
                input.address,
                input.phone,
                input.email,
                input.website,
            ]
        }
        None => Default::default(),
    }
}

fn export_csv(batch: &CatalogueBatch) -> String {
    let (institutions, courses) = sorted(batch);
    let by_id: BTreeMap<&str, &Institution> = institutions.iter().map(|i| (i.id.as_str(), *i)).collect();
    let mut out = String::new();
    push_row(&mut out, csv_columns());
    for course in &courses {
        let c = CourseInput::from(*course);
        let cohorts: Vec<String> = c.cohorts.iter().map(crate::cells::join_cohort).collect();
        let details = crate::cells::detail_cells(&c);
        let course_cells = [
            c.id,
            c.institution,
            c.title,
            c.summary,
            join_list(&c.keywords),
            join_list(&c.programmes),
            c.ncs,
            c.occupation,
            c.ai_step,
            c.ai_level,
            join_list(&c.modules),
            c.delivery,
            c.total_hours,
            c.hours_per_day,
            c.fee_won,
            c.region,
            join_list(&c.audiences),
            c.self_payment_rate_percent,
            c.base_unit_price_won_per_hour,
            cohorts.join("|"),
        ];
        let course_cells = course_cells.into_iter().chain(details);
        let institution = institution_cells(by_id.get(course.institution.as_str()).copied());
        push_row(
            &mut out,
            course_cells
                .chain(institution)
                .collect::<Vec<_>>()
                .iter()
                .map(String::as_str),
        );
    }
    // Institutions no course in the batch refers to: institution-only rows.
    let referenced: std::collections::BTreeSet<&str> = courses.iter().map(|c| c.institution.as_str()).collect();
    for institution in institutions.iter().filter(|i| !referenced.contains(i.id.as_str())) {
        let mut cells: Vec<String> = vec![String::new(); crate::import::COURSE_COLUMNS.len()];
        cells[1] = institution.id.to_string();
        cells.extend(institution_cells(Some(institution)));
        push_row(&mut out, cells.iter().map(String::as_str));
    }
    out
}

fn institution_json(i: &Institution) -> Value {
    json!({
        "id": i.id.as_str(),
        "name": i.name,
        "kind": i.kind.as_str(),
        "region": i.region.to_string(),
        "grade": i.grade.as_str(),
        "address": i.contact.address,
        "phone": i.contact.phone.as_ref().map(|p| p.as_str()),
        "email": i.contact.email.as_ref().map(|e| e.as_str()),
        "website": i.contact.website.as_ref().map(|w| w.as_str()),
    })
}

fn course_json(c: &Course) -> Value {
    let words = |items: &[&'static str]| items.iter().map(|s| Value::from(*s)).collect::<Vec<_>>();
    json!({
        "id": c.id.as_str(),
        "institution": c.institution.as_str(),
        "title": c.title,
        "summary": c.summary,
        "keywords": c.keywords,
        "programmes": c.programmes.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
        "ncs": c.ncs.to_string(),
        "occupation": c.occupation,
        "ai_step": c.ai_step.map(|s| s.as_str()),
        "ai_level": c.ai_level.map(|s| s.as_str()),
        "modules": words(&c.modules.iter().map(|m| m.as_str()).collect::<Vec<_>>()),
        "delivery": c.delivery.as_str(),
        "total_hours": c.total_hours,
        "hours_per_day": c.hours_per_day,
        "fee_won": c.fee_won,
        "region": c.region.to_string(),
        "audiences": words(&c.audiences.iter().map(|a| a.as_str()).collect::<Vec<_>>()),
        "self_payment_rate_percent": c.self_payment_rate_percent,
        "base_unit_price_won_per_hour": c.base_unit_price_won_per_hour,
        "cohorts": c.cohorts.iter().map(|k| json!({
            "start_date": k.start_date.to_string(),
            "end_date": k.end_date.to_string(),
            "capacity": k.capacity,
            "seats_left": k.seats_left,
            "application_start": k.application.map(|p| p.start.to_string()),
            "application_end": k.application.map(|p| p.end.to_string()),
            "waiting_list": k.waiting_list,
        })).collect::<Vec<_>>(),
        "syllabus": c.details.syllabus.iter().map(|u| json!({
            "ncs_unit": u.ncs_unit.as_ref().map(|n| n.as_str()),
            "name": u.name,
            "hours": u.hours,
            "outcomes": u.outcomes,
        })).collect::<Vec<_>>(),
        "timetable": c.details.timetable.as_ref().map(|t| json!({
            "days": t.days.iter().map(|d| crate::details::weekday_word(*d)).collect::<Vec<_>>(),
            "start": crate::details::format_hh_mm(t.start),
            "end": crate::details::format_hh_mm(t.end),
        })),
        "entry_requirements": c.details.entry_requirements,
        "quality": quality_json(&c.details.quality),
    })
}

fn quality_json(quality: &crate::details::Quality) -> Value {
    let mut object = serde_json::Map::new();
    for measure in crate::details::QualityMeasure::ALL {
        if let Some(s) = quality.get(measure) {
            let value: Value = serde_json::from_str(&measure.format_value(s.value)).unwrap_or(Value::Null);
            object.insert(
                measure.key().to_owned(),
                json!({"value": value, "base": s.base, "source": s.source, "as_of": s.as_of.to_string()}),
            );
        }
    }
    Value::Object(object)
}

fn export_json(batch: &CatalogueBatch) -> String {
    let (institutions, courses) = sorted(batch);
    let value = json!({
        "institutions": institutions.into_iter().map(institution_json).collect::<Vec<_>>(),
        "courses": courses.into_iter().map(course_json).collect::<Vec<_>>(),
    });
    format!("{value:#}\n")
}
