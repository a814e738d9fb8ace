//! The CSV cells of the course-page fields: syllabus units, quality signals and the optional
//! parts of a cohort. Lists nest: each level splits on its own separator, and `\` escapes a
//! separator or a backslash at that level, so any text round-trips.

use crate::details::QualityMeasure;
use crate::validate::{CohortInput, CourseInput};
use crate::validate_details::{QualitySignalInput, SyllabusUnitInput};

/// Separates the parts of a syllabus unit or a quality signal.
pub const PART_SEPARATOR: char = '~';
/// Separates the learning outcomes of a syllabus unit.
pub const OUTCOME_SEPARATOR: char = ';';
/// The last part of a cohort item when the cohort takes a waiting list.
pub const WAITING_LIST_WORD: &str = "waitlist";

/// Splits `cell` on `separator`; `\<separator>` and `\\` are literal, any other `\x` is kept
/// as written (it belongs to an inner level). An empty cell is no items.
pub(crate) fn split_escaped(cell: &str, separator: char) -> Vec<String> {
    if cell.trim().is_empty() {
        return Vec::new();
    }
    let mut items = Vec::new();
    let mut current = String::new();
    let mut chars = cell.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(next) if next == separator || next == '\\' => current.push(next),
                Some(other) => {
                    current.push('\\');
                    current.push(other);
                }
                None => current.push('\\'),
            },
            c if c == separator => items.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    items.push(current);
    items
}

/// The inverse of [`split_escaped`].
pub(crate) fn join_escaped(items: &[String], separator: char) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(separator);
        }
        for c in item.chars() {
            if c == '\\' || c == separator {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// `ncs_unit~name~hours~outcome;outcome` items separated by `|`.
pub(crate) fn split_syllabus(cell: &str) -> Result<Vec<SyllabusUnitInput>, Vec<String>> {
    let mut units = Vec::new();
    let mut errors = Vec::new();
    for (i, item) in split_escaped(cell, crate::import::LIST_SEPARATOR).iter().enumerate() {
        match split_escaped(item, PART_SEPARATOR).as_slice() {
            [code, name, hours, outcomes] => units.push(SyllabusUnitInput {
                ncs_unit: code.trim().to_owned(),
                name: name.clone(),
                hours: hours.trim().to_owned(),
                outcomes: split_escaped(outcomes, OUTCOME_SEPARATOR),
            }),
            [code, name, hours] => units.push(SyllabusUnitInput {
                ncs_unit: code.trim().to_owned(),
                name: name.clone(),
                hours: hours.trim().to_owned(),
                outcomes: Vec::new(),
            }),
            _ => errors.push(format!(
                "unit {}: `{}` is not written ncs_unit~name~hours~outcome;outcome (e.g. 2001020201_16v4~데이터 수집~40~수집 계획을 세울 수 있다)",
                i + 1,
                item.trim()
            )),
        }
    }
    if errors.is_empty() {
        Ok(units)
    } else {
        Err(errors)
    }
}

pub(crate) fn join_syllabus(units: &[SyllabusUnitInput]) -> String {
    let items: Vec<String> = units
        .iter()
        .map(|u| {
            join_escaped(
                &[
                    u.ncs_unit.clone(),
                    u.name.clone(),
                    u.hours.clone(),
                    join_escaped(&u.outcomes, OUTCOME_SEPARATOR),
                ],
                PART_SEPARATOR,
            )
        })
        .collect();
    join_escaped(&items, crate::import::LIST_SEPARATOR)
}

/// `value~base~source~as_of`, or empty for none.
pub(crate) fn split_quality(measure: QualityMeasure, cell: &str) -> Result<Option<QualitySignalInput>, String> {
    if cell.trim().is_empty() {
        return Ok(None);
    }
    match split_escaped(cell, PART_SEPARATOR).as_slice() {
        [value, base, source, as_of] => Ok(Some(QualitySignalInput {
            value: value.trim().to_owned(),
            base: base.trim().to_owned(),
            source: source.clone(),
            as_of: as_of.trim().to_owned(),
        })),
        _ => Err(format!(
            "`{}` is not written value~base~source~as_of (e.g. {})",
            cell.trim(),
            match measure {
                QualityMeasure::Satisfaction => "4.5~120~HRD-Net 훈련만족도~2026-01-31",
                _ => "87.5~40~고용24 취업률~2026-01-31",
            }
        )),
    }
}

pub(crate) fn join_quality(signal: Option<&QualitySignalInput>) -> String {
    signal.map_or_else(String::new, |s| {
        join_escaped(
            &[s.value.clone(), s.base.clone(), s.source.clone(), s.as_of.clone()],
            PART_SEPARATOR,
        )
    })
}

/// Reads the optional parts after `seats_left`: `application_start~application_end` (may be
/// empty) and then `waitlist`.
pub(crate) fn cohort_extras(cohort: &mut CohortInput, extras: &[&str]) -> bool {
    match extras {
        [] => true,
        [period] | [period, ""] => set_period(cohort, period),
        [period, flag] if flag.trim() == WAITING_LIST_WORD => {
            cohort.waiting_list = "true".to_owned();
            set_period(cohort, period)
        }
        _ => false,
    }
}

fn set_period(cohort: &mut CohortInput, period: &str) -> bool {
    if period.trim().is_empty() {
        return true;
    }
    match period.split_once('~') {
        Some((start, end)) => {
            cohort.application_start = start.trim().to_owned();
            cohort.application_end = end.trim().to_owned();
            true
        }
        None => false,
    }
}

/// One cohort item of the `cohorts` cell.
pub(crate) fn join_cohort(k: &CohortInput) -> String {
    let mut item = format!("{}~{}/{}/{}", k.start_date, k.end_date, k.capacity, k.seats_left);
    let period = if k.application_start.is_empty() {
        String::new()
    } else {
        format!("{}~{}", k.application_start, k.application_end)
    };
    if k.waiting_list == "true" {
        item.push_str(&format!("/{period}/{WAITING_LIST_WORD}"));
    } else if !period.is_empty() {
        item.push_str(&format!("/{period}"));
    }
    item
}

/// The CSV cells of the course-page columns, in the order of `import::COURSE_COLUMNS[20..]`.
pub(crate) fn detail_cells(c: &CourseInput) -> [String; 8] {
    [
        join_syllabus(&c.syllabus),
        crate::export::join_list(&c.timetable_days),
        c.timetable_start.clone(),
        c.timetable_end.clone(),
        c.entry_requirements.clone(),
        join_quality(c.quality[0].as_ref()),
        join_quality(c.quality[1].as_ref()),
        join_quality(c.quality[2].as_ref()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_escapes_round_trip() {
        let units = vec![SyllabusUnitInput {
            ncs_unit: "2001020201_16v4".into(),
            name: "a~b|c\\d;e".into(),
            hours: "40".into(),
            outcomes: vec!["x;y".into(), "z|w~v\\".into()],
        }];
        assert_eq!(split_syllabus(&join_syllabus(&units)).unwrap(), units);
        let q = QualitySignalInput {
            value: "4.5".into(),
            base: "10".into(),
            source: "src~with|seps".into(),
            as_of: "2026-01-31".into(),
        };
        let cell = join_quality(Some(&q));
        assert_eq!(split_quality(QualityMeasure::Satisfaction, &cell).unwrap(), Some(q));
    }

    #[test]
    fn malformed_cells_say_how_to_write_them() {
        let errors = split_syllabus("only a name").unwrap_err();
        assert!(errors[0].starts_with("unit 1:") && errors[0].contains("ncs_unit~name~hours"));
        assert!(split_quality(QualityMeasure::Employment, "87.5~40")
            .unwrap_err()
            .contains("value~base~source~as_of"));
    }
}
