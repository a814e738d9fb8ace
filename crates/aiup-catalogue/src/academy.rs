//! The AI instructor academy (AI 교·강사 아카데미, seed 002 IV-④) as records: its tracks, read
//! from the policy's `instructor-track-*` indicators (never written here), the instructors (no
//! name: a record number, the provider, where they teach), and their track completions. The CSV
//! files that bring them in are read here, every bad row listed (docs/dashboards.md, "Academy
//! and infrastructure"). No IO.

use std::collections::HashMap;

use aiup_core::policy::{IndicatorValue, PolicySet, Text};
use aiup_core::problem::{FieldProblem, RowProblem};
use aiup_core::region::{RegionCode, RegionTable};
use chrono::NaiveDate;
use serde::Serialize;

use crate::model::ExternalId;

/// The prefix of the policy indicators that are the academy's tracks.
pub const TRACK_PREFIX: &str = "instructor-track-";
/// The policy indicator of the academy's whole target ("12,650명+").
pub const TOTAL_INDICATOR: &str = "instructor-academy-total";
/// The plan line of the academy (붙임1: 1.3만명).
pub const PLAN_LINE: &str = "infra-instructor-academy";

/// The most rows one academy file may have (the plan trains about 13,000 a year).
pub const MAX_ROWS: usize = 200_000;

/// One track of the academy with its target for the year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Track {
    /// The indicator id, `instructor-track-…`.
    pub id: String,
    pub label: Text,
    pub target: i64,
    pub cite: String,
}

impl Track {
    /// The id without its prefix (`domain-ai`), which files may use.
    pub fn short_id(&self) -> &str {
        self.id.strip_prefix(TRACK_PREFIX).unwrap_or(&self.id)
    }
}

/// The academy's targets for one year, as the policy states them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AcademyTargets {
    pub year: i32,
    /// In the policy files' order.
    pub tracks: Vec<Track>,
    /// The whole academy's target ([`TOTAL_INDICATOR`]), if the policy has one.
    pub total: Option<i64>,
    /// The plan line's size ([`PLAN_LINE`]), if the policy has one.
    pub plan_line: Option<i64>,
}

impl AcademyTargets {
    /// The sum of the tracks' targets.
    pub fn tracks_total(&self) -> i64 {
        self.tracks.iter().map(|t| t.target).sum()
    }

    /// The track named `text`: its id, or its id without the prefix.
    pub fn track(&self, text: &str) -> Option<&Track> {
        let text = text.trim();
        self.tracks.iter().find(|t| t.id == text || t.short_id() == text)
    }
}

/// The academy's targets for `year` from `policy`.
pub fn targets(policy: &PolicySet, year: i32) -> AcademyTargets {
    let count = |v: &IndicatorValue| match v {
        IndicatorValue::Count(n) => Some(*n),
        _ => None,
    };
    let tracks = policy
        .indicators
        .iter()
        .filter(|i| i.year == year && i.id.starts_with(TRACK_PREFIX))
        .filter_map(|i| {
            Some(Track {
                id: i.id.clone(),
                label: i.label.clone(),
                target: count(&i.value)?,
                cite: i.cite.clone(),
            })
        })
        .collect();
    let total = policy
        .indicators
        .iter()
        .find(|i| i.year == year && i.id == TOTAL_INDICATOR)
        .and_then(|i| count(&i.value));
    let plan_line = policy
        .plan_lines
        .iter()
        .find(|l| l.year == year && l.id == PLAN_LINE)
        .and_then(|l| l.size);
    AcademyTargets {
        year,
        tracks,
        total,
        plan_line,
    }
}

/// Who runs the academy (seed 002 IV-④: 한국기술교육대학교 with 폴리텍 and 한국산업인력공단).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Provider {
    Koreatech,
    Polytech,
    HrdKorea,
}

impl Provider {
    pub const ALL: [Provider; 3] = [Provider::Koreatech, Provider::Polytech, Provider::HrdKorea];

    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Koreatech => "koreatech",
            Provider::Polytech => "polytech",
            Provider::HrdKorea => "hrdkorea",
        }
    }

    /// Korean and English names.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Provider::Koreatech => ("한국기술교육대학교", "KOREATECH"),
            Provider::Polytech => ("한국폴리텍대학", "Korea Polytechnics"),
            Provider::HrdKorea => ("한국산업인력공단", "HRD Korea"),
        }
    }

    /// The id, or a Korean or English name (`한기대`, `폴리텍`, `공단` too).
    pub fn parse(text: &str) -> Option<Provider> {
        let t = text.trim().to_lowercase();
        Provider::ALL.into_iter().find(|p| {
            let (ko, en) = p.label();
            t == p.as_str()
                || t == ko
                || t == en.to_lowercase()
                || matches!(
                    (p, t.as_str()),
                    (Provider::Koreatech, "한기대")
                        | (Provider::Polytech, "폴리텍")
                        | (Provider::HrdKorea, "공단" | "산업인력공단")
                )
        })
    }
}

/// An instructor: no name, no personal identifier in the clear.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Instructor {
    /// The line of the file it came from (for errors found against the store).
    pub line: usize,
    /// The academy's own record number for the instructor (not a personal identifier).
    pub instructor_ref: ExternalId,
    pub provider: Provider,
    /// Where the instructor teaches (시군구).
    pub region: RegionCode,
    pub province_code: String,
    /// The catalogue institution they teach at, if any.
    pub institution: Option<ExternalId>,
    pub registered_on: NaiveDate,
    /// An outside identifier (a 고용24 member number) as written; the service keeps only its
    /// keyed hash, and none without a key.
    pub external_id: Option<String>,
}

/// Whether a completion row records a completion or withdraws a wrong one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum CompletionKind {
    Completed,
    Revoked,
}

impl CompletionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CompletionKind::Completed => "completed",
            CompletionKind::Revoked => "revoked",
        }
    }

    pub fn parse(text: &str) -> Option<CompletionKind> {
        match text.trim().to_lowercase().as_str() {
            "" | "completed" | "수료" => Some(CompletionKind::Completed),
            "revoked" | "취소" => Some(CompletionKind::Revoked),
            _ => None,
        }
    }
}

/// A track completion (or the withdrawal of a wrong one), as read from a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Completion {
    /// The line of the file it came from (for errors found against the store).
    pub line: usize,
    pub instructor_ref: ExternalId,
    /// The track's full id.
    pub track_id: String,
    pub provider: Provider,
    pub completed_on: NaiveDate,
    pub kind: CompletionKind,
}

/// The instructor file's columns, in the order [`write_instructors_csv`] writes them.
pub const INSTRUCTOR_COLUMNS: [&str; 6] = [
    "instructor_ref",
    "provider",
    "region",
    "registered_on",
    "institution",
    "external_id",
];
const INSTRUCTOR_OPTIONAL: [&str; 2] = ["institution", "external_id"];

/// The completion file's columns, in the order [`write_completions_csv`] writes them.
pub const COMPLETION_COLUMNS: [&str; 5] = ["instructor_ref", "track", "provider", "completed_on", "status"];
const COMPLETION_OPTIONAL: [&str; 1] = ["status"];

/// A file's rows: each with its line and its cells by column.
pub(crate) type Rows = Vec<(usize, HashMap<String, String>)>;

/// Reads a pasted CSV file: a header naming columns of `columns` (any order; `optional` may be
/// left out), then one record per line (a quoted field may not hold a line break). Blank lines
/// and lines starting with `#` are skipped. Returns every row, or every bad row.
pub(crate) fn read_rows(text: &str, columns: &[&str], optional: &[&str]) -> Result<Rows, Vec<RowProblem>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let header_problem = |reason: String, reason_ko: String| {
        vec![RowProblem {
            line: 1,
            problems: vec![FieldProblem::new("header", reason, reason_ko)],
        }]
    };
    let Some((header_line, header)) = lines.next() else {
        return Err(header_problem(
            format!("the file is empty; a header row is required ({})", columns.join(",")),
            format!("파일이 비어 있습니다. 머리글 행이 필요합니다 ({})", columns.join(",")),
        ));
    };
    let names: Vec<String> = split(header)
        .unwrap_or_default()
        .iter()
        .map(|c| c.trim().to_lowercase())
        .collect();
    let mut problems = Vec::new();
    for (i, name) in names.iter().enumerate() {
        if !columns.contains(&name.as_str()) {
            problems.push(FieldProblem::new(
                "header",
                format!("unknown column `{name}` (columns: {})", columns.join(", ")),
                format!("알 수 없는 열 `{name}` (열: {})", columns.join(", ")),
            ));
        } else if names[..i].contains(name) {
            problems.push(FieldProblem::new(
                "header",
                format!("column `{name}` appears twice"),
                format!("`{name}` 열이 두 번 있습니다"),
            ));
        }
    }
    for column in columns {
        if !optional.contains(column) && !names.iter().any(|n| n == column) {
            problems.push(FieldProblem::new(
                "header",
                format!("missing column `{column}`"),
                format!("`{column}` 열이 없습니다"),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(vec![RowProblem {
            line: header_line,
            problems,
        }]);
    }
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    for (line, raw) in lines {
        if rows.len() + bad.len() >= MAX_ROWS {
            bad.push(RowProblem {
                line,
                problems: vec![FieldProblem::new(
                    "file",
                    format!("more than {MAX_ROWS} rows; split the file"),
                    format!("행이 {MAX_ROWS}개를 넘습니다. 파일을 나누어 주세요"),
                )],
            });
            break;
        }
        match split(raw) {
            Some(cells) if cells.len() == names.len() => rows.push((
                line,
                names
                    .iter()
                    .cloned()
                    .zip(cells.into_iter().map(|c| c.trim().to_owned()))
                    .collect(),
            )),
            Some(cells) => bad.push(RowProblem {
                line,
                problems: vec![FieldProblem::new(
                    "row",
                    format!("has {} fields, the header has {}", cells.len(), names.len()),
                    format!("칸이 {}개입니다. 머리글은 {}개입니다", cells.len(), names.len()),
                )],
            }),
            None => bad.push(RowProblem {
                line,
                problems: vec![FieldProblem::new(
                    "row",
                    "the line is not valid CSV (a quote is not closed)",
                    "CSV 형식이 아닙니다 (따옴표가 닫히지 않았습니다)",
                )],
            }),
        }
    }
    if bad.is_empty() {
        Ok(rows)
    } else {
        Err(bad)
    }
}

/// One CSV line's fields, or `None` if it is not valid CSV.
fn split(line: &str) -> Option<Vec<String>> {
    if line.matches('"').count() % 2 == 1 {
        return None;
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(line.as_bytes());
    let record = reader.records().next()?.ok()?;
    Some(record.iter().map(str::to_owned).collect())
}

/// A cell of a row (empty when the column was left out).
pub(crate) fn cell<'a>(row: &'a HashMap<String, String>, column: &str) -> &'a str {
    row.get(column).map_or("", String::as_str)
}

pub(crate) fn required(problems: &mut Vec<FieldProblem>, field: &str, value: &str) -> bool {
    if value.is_empty() {
        problems.push(FieldProblem::new(field, "is required", "값이 필요합니다"));
        false
    } else {
        true
    }
}

pub(crate) fn parse_id(problems: &mut Vec<FieldProblem>, field: &str, value: &str) -> Option<ExternalId> {
    if !required(problems, field, value) {
        return None;
    }
    match ExternalId::parse(value) {
        Ok(id) => Some(id),
        Err(reason) => {
            problems.push(FieldProblem::new(
                field,
                reason,
                "1~64자의 영문·숫자와 . _ - : 만 쓸 수 있습니다",
            ));
            None
        }
    }
}

pub(crate) fn parse_date(problems: &mut Vec<FieldProblem>, field: &str, value: &str) -> Option<NaiveDate> {
    if !required(problems, field, value) {
        return None;
    }
    match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            problems.push(FieldProblem::new(
                field,
                format!("`{value}` is not a date (YYYY-MM-DD)"),
                format!("`{value}`은(는) 날짜가 아닙니다 (YYYY-MM-DD)"),
            ));
            None
        }
    }
}

pub(crate) fn parse_region<'t>(
    problems: &mut Vec<FieldProblem>,
    field: &str,
    value: &str,
    regions: &'t RegionTable,
) -> Option<&'t aiup_core::region::Region> {
    if !required(problems, field, value) {
        return None;
    }
    match regions.resolve(value) {
        Ok(resolved) => Some(resolved.region),
        Err(e) => {
            problems.push(FieldProblem::new(
                field,
                e.to_string(),
                format!("`{value}`에 맞는 시군구가 없거나 여럿입니다: 5자리 시군구 코드나 \"시도 시군구\" 이름을 적어 주세요"),
            ));
            None
        }
    }
}

fn parse_provider(problems: &mut Vec<FieldProblem>, value: &str) -> Option<Provider> {
    if !required(problems, "provider", value) {
        return None;
    }
    let found = Provider::parse(value);
    if found.is_none() {
        problems.push(FieldProblem::new(
            "provider",
            format!("`{value}` is not koreatech, polytech or hrdkorea"),
            format!("`{value}`은(는) 운영기관(koreatech, polytech, hrdkorea)이 아닙니다"),
        ));
    }
    found
}

/// 13 digits, optionally as 6-7: the shape of a resident registration number, never taken.
fn looks_like_rrn(text: &str) -> bool {
    let digits: String = text.chars().filter(|c| *c != '-').collect();
    digits.len() == 13 && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Files that name the same record twice: the later line names the earlier.
fn duplicate(problems: &mut Vec<FieldProblem>, field: &str, first: usize) {
    problems.push(FieldProblem::new(
        field,
        format!("repeats line {first}"),
        format!("{first}행과 겹칩니다"),
    ));
}

fn finish<T>(items: Vec<T>, bad: Vec<RowProblem>) -> Result<Vec<T>, Vec<RowProblem>> {
    if bad.is_empty() {
        Ok(items)
    } else {
        Err(bad)
    }
}

/// Reads an instructor file ([`INSTRUCTOR_COLUMNS`]): every instructor, or every bad row.
pub fn parse_instructors_csv(text: &str, regions: &RegionTable) -> Result<Vec<Instructor>, Vec<RowProblem>> {
    let rows = read_rows(text, &INSTRUCTOR_COLUMNS, &INSTRUCTOR_OPTIONAL)?;
    let mut seen: HashMap<String, usize> = HashMap::new();
    let (mut items, mut bad) = (Vec::new(), Vec::new());
    for (line, row) in &rows {
        let mut p = Vec::new();
        let reference = cell(row, "instructor_ref");
        let instructor_ref = if looks_like_rrn(reference) {
            p.push(FieldProblem::new(
                "instructor_ref",
                "looks like a resident registration number, which is never taken",
                "주민등록번호 형태입니다. 주민등록번호는 받지 않습니다",
            ));
            None
        } else {
            parse_id(&mut p, "instructor_ref", reference)
        };
        if let Some(id) = &instructor_ref {
            if let Some(first) = seen.insert(id.to_string(), *line) {
                duplicate(&mut p, "instructor_ref", first);
            }
        }
        let provider = parse_provider(&mut p, cell(row, "provider"));
        let region = parse_region(&mut p, "region", cell(row, "region"), regions);
        let registered_on = parse_date(&mut p, "registered_on", cell(row, "registered_on"));
        let institution = match cell(row, "institution") {
            "" => Some(None),
            text => parse_id(&mut p, "institution", text).map(Some),
        };
        let external_id = match cell(row, "external_id") {
            "" => None,
            text if looks_like_rrn(text) => {
                p.push(FieldProblem::new(
                    "external_id",
                    "looks like a resident registration number, which is never taken",
                    "주민등록번호 형태입니다. 주민등록번호는 받지 않습니다",
                ));
                None
            }
            text => Some(text.to_owned()),
        };
        match (instructor_ref, provider, region, registered_on, institution) {
            (Some(instructor_ref), Some(provider), Some(region), Some(registered_on), Some(institution))
                if p.is_empty() =>
            {
                items.push(Instructor {
                    line: *line,
                    instructor_ref,
                    provider,
                    region: region.code,
                    province_code: region.sido_code.clone(),
                    institution,
                    registered_on,
                    external_id,
                });
            }
            _ => bad.push(RowProblem {
                line: *line,
                problems: p,
            }),
        }
    }
    finish(items, bad)
}

/// Reads a completion file ([`COMPLETION_COLUMNS`]) against the tracks of `targets`: every
/// completion, or every bad row. One row per instructor and track in a file.
pub fn parse_completions_csv(text: &str, targets: &AcademyTargets) -> Result<Vec<Completion>, Vec<RowProblem>> {
    let rows = read_rows(text, &COMPLETION_COLUMNS, &COMPLETION_OPTIONAL)?;
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    let (mut items, mut bad) = (Vec::new(), Vec::new());
    for (line, row) in &rows {
        let mut p = Vec::new();
        let instructor_ref = parse_id(&mut p, "instructor_ref", cell(row, "instructor_ref"));
        let track_text = cell(row, "track");
        let track = if required(&mut p, "track", track_text) {
            let found = targets.track(track_text);
            if found.is_none() {
                let ids: Vec<&str> = targets.tracks.iter().map(Track::short_id).collect();
                p.push(FieldProblem::new(
                    "track",
                    format!("`{track_text}` is not a track of {} ({})", targets.year, ids.join(", ")),
                    format!(
                        "`{track_text}`은(는) {}년 과정이 아닙니다 ({})",
                        targets.year,
                        ids.join(", ")
                    ),
                ));
            }
            found
        } else {
            None
        };
        if let (Some(r), Some(t)) = (&instructor_ref, track) {
            if let Some(first) = seen.insert((r.to_string(), t.id.clone()), *line) {
                duplicate(&mut p, "track", first);
            }
        }
        let provider = parse_provider(&mut p, cell(row, "provider"));
        let completed_on = parse_date(&mut p, "completed_on", cell(row, "completed_on"));
        let status = cell(row, "status");
        let kind = CompletionKind::parse(status);
        if kind.is_none() {
            p.push(FieldProblem::new(
                "status",
                format!("`{status}` is not completed or revoked"),
                format!("`{status}`은(는) completed(수료)나 revoked(취소)가 아닙니다"),
            ));
        }
        match (instructor_ref, track, provider, completed_on, kind) {
            (Some(instructor_ref), Some(track), Some(provider), Some(completed_on), Some(kind)) if p.is_empty() => {
                items.push(Completion {
                    line: *line,
                    instructor_ref,
                    track_id: track.id.clone(),
                    provider,
                    completed_on,
                    kind,
                });
            }
            _ => bad.push(RowProblem {
                line: *line,
                problems: p,
            }),
        }
    }
    finish(items, bad)
}

/// Writes instructors as an instructor file ([`parse_instructors_csv`] reads it back).
pub fn write_instructors_csv(instructors: &[Instructor]) -> String {
    let mut out = INSTRUCTOR_COLUMNS.join(",");
    out.push('\n');
    for i in instructors {
        let institution = i.institution.as_ref().map(ExternalId::as_str).unwrap_or_default();
        out.push_str(&format!(
            "{},{},{},{},{},{}\n",
            i.instructor_ref,
            i.provider.as_str(),
            i.region,
            i.registered_on,
            institution,
            i.external_id.as_deref().unwrap_or_default()
        ));
    }
    out
}

/// Writes completions as a completion file ([`parse_completions_csv`] reads it back).
pub fn write_completions_csv(completions: &[Completion]) -> String {
    let mut out = COMPLETION_COLUMNS.join(",");
    out.push('\n');
    for c in completions {
        out.push_str(&format!(
            "{},{},{},{},{}\n",
            c.instructor_ref,
            c.track_id.strip_prefix(TRACK_PREFIX).unwrap_or(&c.track_id),
            c.provider.as_str(),
            c.completed_on,
            c.kind.as_str()
        ));
    }
    out
}
