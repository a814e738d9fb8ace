//! Reading catalogue files: CSV or JSON text in, a validated [`CatalogueBatch`] out.
//!
//! Every bad record is listed (up to [`ERRORS_MAX`]), each naming its record (the CSV line, or
//! the 1-based index in the JSON array), the field and the reason. If there is any error the
//! whole file is refused: callers import nothing. The formats are described column by column in
//! `docs/catalogue-import.md`; [`crate::export`] writes them back.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::cells;
use crate::details::QualityMeasure;
use crate::model::{CatalogueBatch, Course, ExternalId, Institution};
use crate::validate::{CohortInput, CourseInput, FieldError, InstitutionInput, ValidationContext};
use crate::validate_details::{QualitySignalInput, SyllabusUnitInput};

/// Longest single field (CSV cell or JSON string), in characters.
pub const FIELD_MAX_CHARS: usize = 10_000;
/// Most columns in one CSV row.
pub const COLUMNS_MAX: usize = 64;
/// Most errors listed; one more entry says how many were left out.
pub const ERRORS_MAX: usize = 1_000;
/// `progress` is called after every this many records, and at the end.
pub const PROGRESS_EVERY: usize = 1_000;
/// Separates the items of a list cell in CSV (`keywords`, `programmes`, `cohorts` …).
pub const LIST_SEPARATOR: char = '|';

/// The course columns of the CSV format, in the order [`crate::export`] writes them.
pub const COURSE_COLUMNS: [&str; 28] = [
    "id",
    "institution",
    "title",
    "summary",
    "keywords",
    "programmes",
    "ncs",
    "occupation",
    "ai_step",
    "ai_level",
    "modules",
    "delivery",
    "total_hours",
    "hours_per_day",
    "fee_won",
    "region",
    "audiences",
    "self_payment_rate_percent",
    "base_unit_price_won_per_hour",
    "cohorts",
    "syllabus",
    "timetable_days",
    "timetable_start",
    "timetable_end",
    "entry_requirements",
    "quality_satisfaction",
    "quality_completion",
    "quality_employment",
];

/// Where the course-page columns start in [`COURSE_COLUMNS`].
const DETAILS_AT: usize = 20;

/// The institution columns of the CSV format: the row's `institution` is upserted from them.
pub const INSTITUTION_COLUMNS: [&str; 8] = [
    "institution_name",
    "institution_kind",
    "institution_region",
    "institution_grade",
    "institution_address",
    "institution_phone",
    "institution_email",
    "institution_website",
];

/// The first this many [`INSTITUTION_COLUMNS`] come all together or not at all; the contact
/// columns after them are optional.
pub const INSTITUTION_REQUIRED_COLUMNS: usize = 4;

/// Every CSV column.
const COLUMN_COUNT: usize = COURSE_COLUMNS.len() + INSTITUTION_COLUMNS.len();

/// The course keys of the JSON format (the CSV's course columns, with `timetable` and `quality`
/// as objects).
pub const COURSE_KEYS: [&str; 24] = [
    "id",
    "institution",
    "title",
    "summary",
    "keywords",
    "programmes",
    "ncs",
    "occupation",
    "ai_step",
    "ai_level",
    "modules",
    "delivery",
    "total_hours",
    "hours_per_day",
    "fee_won",
    "region",
    "audiences",
    "self_payment_rate_percent",
    "base_unit_price_won_per_hour",
    "cohorts",
    "syllabus",
    "timetable",
    "entry_requirements",
    "quality",
];

/// Columns a CSV header must have. The other course columns may be left out (every row then
/// has them empty); the institution columns come all four or none.
pub const REQUIRED_COLUMNS: [&str; 12] = [
    "id",
    "institution",
    "title",
    "programmes",
    "ncs",
    "occupation",
    "delivery",
    "total_hours",
    "hours_per_day",
    "fee_won",
    "region",
    "audiences",
];

/// All CSV columns, in the order [`crate::export`] writes them.
pub fn csv_columns() -> impl Iterator<Item = &'static str> {
    COURSE_COLUMNS.iter().chain(INSTITUTION_COLUMNS.iter()).copied()
}

/// A catalogue file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    pub const ALL: [Format; 2] = [Format::Csv, Format::Json];

    /// `csv` or `json`, in any case.
    pub fn parse(text: &str) -> Option<Format> {
        match text.trim().to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    /// The format a file name's extension names (`courses.csv`, `2026.JSON`), if any.
    pub fn from_extension(path: &str) -> Option<Format> {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        let (_, extension) = name.rsplit_once('.')?;
        Format::parse(extension)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }

    /// The media type to serve an export with.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Json => "application/json",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(text: &str) -> Result<Format, String> {
        Format::parse(text).ok_or_else(|| format!("`{text}` is not a catalogue format; expected csv or json"))
    }
}

/// What an import is checked against, and where it reports progress.
pub struct ImportOptions<'a> {
    pub ctx: ValidationContext<'a>,
    /// Institution ids already stored (a course may refer to one not in the file).
    pub known_institutions: &'a BTreeSet<String>,
    /// Called with (records done, records in the file) about every [`PROGRESS_EVERY`] records
    /// and once at the end.
    pub progress: Option<&'a mut dyn FnMut(usize, usize)>,
}

impl fmt::Debug for ImportOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImportOptions")
            .field("ctx", &self.ctx)
            .field("known_institutions", &self.known_institutions.len())
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// Which kind of record an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Course,
    Institution,
    /// The file as a whole (malformed CSV or JSON, a bad header, too many errors).
    File,
}

impl RecordKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Course => "course",
            RecordKind::Institution => "institution",
            RecordKind::File => "file",
        }
    }
}

/// One problem with one field of one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    /// CSV: the 1-based line on which the row starts. JSON: the 1-based index of the record in
    /// its array (`institutions` or `courses`). For file errors: the line of the problem, or 0.
    pub record: usize,
    pub kind: RecordKind,
    /// The record's id as written, if it has one.
    pub id: Option<String>,
    /// The CSV column or JSON key (`fee_won`, `cohorts`, `cohorts[2].end_date` …); for file
    /// errors `csv`, `json`, `header`, the column or key concerned, or `errors`.
    pub field: String,
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.kind, self.record) {
            (RecordKind::File, 0) => write!(f, "file")?,
            (RecordKind::File, line) => write!(f, "file, line {line}")?,
            (kind, record) => write!(f, "{} {record}", kind.as_str())?,
        }
        if let Some(id) = &self.id {
            write!(f, " `{id}`")?;
        }
        write!(f, ": {}: {}", self.field, self.reason)
    }
}

/// Why a file was refused: every bad record, in file order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{}", render_errors(&self.errors))]
pub struct ImportErrors {
    pub errors: Vec<RowError>,
}

impl ImportErrors {
    /// How many distinct records have errors (file-level errors not counted).
    pub fn bad_records(&self) -> usize {
        self.errors
            .iter()
            .filter(|e| e.kind != RecordKind::File)
            .map(|e| (e.kind, e.record))
            .collect::<BTreeSet<_>>()
            .len()
    }
}

const DISPLAY_LINES: usize = 10;

fn render_errors(errors: &[RowError]) -> String {
    let rows = errors
        .iter()
        .filter(|e| e.kind != RecordKind::File)
        .map(|e| (e.kind, e.record))
        .collect::<BTreeSet<_>>()
        .len();
    let file = errors.iter().filter(|e| e.kind == RecordKind::File).count();
    let mut out = match (rows, file) {
        (1, 0) => "1 bad row".to_owned(),
        (rows, 0) => format!("{rows} bad rows"),
        (0, _) => "the file cannot be imported".to_owned(),
        (rows, _) => format!("{rows} bad rows; the file cannot be imported"),
    };
    for error in errors.iter().take(DISPLAY_LINES) {
        out.push_str("\n  ");
        out.push_str(&error.to_string());
    }
    if errors.len() > DISPLAY_LINES {
        out.push_str(&format!("\n  … {} more", errors.len() - DISPLAY_LINES));
    }
    out
}

/// Reads a whole catalogue file. On any error, returns every error and no batch.
/// Institutions and courses come out sorted by id.
pub fn parse(format: Format, text: &str, options: ImportOptions<'_>) -> Result<CatalogueBatch, ImportErrors> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut run = Run {
        errors: Vec::new(),
        options,
    };
    let batch = match format {
        Format::Csv => parse_csv(&mut run, text),
        Format::Json => parse_json(&mut run, text),
    };
    run.finish(batch)
}

/// The file error for a file that is not UTF-8, naming its encoding (field `encoding`).
pub fn encoding_errors(e: &crate::encoding::NotUtf8) -> ImportErrors {
    ImportErrors {
        errors: vec![RowError {
            record: e.line,
            kind: RecordKind::File,
            id: None,
            field: "encoding".to_owned(),
            reason: e.to_string(),
        }],
    }
}

/// [`parse`] for a file's bytes: UTF-8 (with or without a BOM); any other encoding is refused
/// with one file error naming it.
pub fn parse_bytes(format: Format, bytes: &[u8], options: ImportOptions<'_>) -> Result<CatalogueBatch, ImportErrors> {
    match crate::encoding::decode(bytes) {
        Ok(text) => parse(format, text, options),
        Err(e) => Err(encoding_errors(&e)),
    }
}

struct Run<'a> {
    errors: Vec<RowError>,
    options: ImportOptions<'a>,
}

impl Run<'_> {
    fn file_error(&mut self, line: usize, field: impl Into<String>, reason: impl Into<String>) {
        self.errors.push(RowError {
            record: line,
            kind: RecordKind::File,
            id: None,
            field: field.into(),
            reason: reason.into(),
        });
    }

    fn error(
        &mut self,
        record: usize,
        kind: RecordKind,
        id: &str,
        field: impl Into<String>,
        reason: impl Into<String>,
    ) {
        self.errors.push(RowError {
            record,
            kind,
            id: non_empty(id),
            field: field.into(),
            reason: reason.into(),
        });
    }

    fn progress(&mut self, done: usize, total: usize) {
        if let Some(progress) = self.options.progress.as_mut() {
            if done == total || done.checked_rem(PROGRESS_EVERY) == Some(0) {
                progress(done, total);
            }
        }
    }

    fn known(&self, institution: &str) -> bool {
        self.options.known_institutions.contains(institution)
    }

    fn finish(mut self, batch: Option<CatalogueBatch>) -> Result<CatalogueBatch, ImportErrors> {
        match batch {
            Some(mut batch) if self.errors.is_empty() => {
                batch.institutions.sort_by(|a, b| a.id.cmp(&b.id));
                batch.courses.sort_by(|a, b| a.id.cmp(&b.id));
                Ok(batch)
            }
            _ => {
                if self.errors.is_empty() {
                    self.file_error(0, "file", "the file could not be read");
                }
                // File errors first, then by record; the order within a record is kept.
                self.errors
                    .sort_by_key(|e| (e.kind != RecordKind::File, e.record, e.kind == RecordKind::Institution));
                let total = self.errors.len();
                if total > ERRORS_MAX {
                    self.errors.truncate(ERRORS_MAX);
                    self.file_error(0, "errors", format!("and {} more", total - ERRORS_MAX));
                }
                Err(ImportErrors { errors: self.errors })
            }
        }
    }
}

fn non_empty(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

fn too_long(text: &str) -> Option<String> {
    let count = text.chars().count();
    (count > FIELD_MAX_CHARS).then(|| format!("is {count} characters long; no field may be over {FIELD_MAX_CHARS}"))
}

/// Checks one course's institution reference and id uniqueness across the file.
struct CrossChecks {
    /// Course id → records where it appears.
    course_ids: BTreeMap<String, Vec<usize>>,
}

impl CrossChecks {
    fn new() -> CrossChecks {
        CrossChecks {
            course_ids: BTreeMap::new(),
        }
    }

    fn course(&mut self, record: usize, id: &str) {
        let id = id.trim();
        if !id.is_empty() {
            self.course_ids.entry(id.to_owned()).or_default().push(record);
        }
    }

    fn finish(self, run: &mut Run<'_>, what: &str) {
        for (id, records) in self.course_ids {
            if records.len() > 1 {
                let list = join_numbers(&records);
                for &record in &records {
                    run.error(
                        record,
                        RecordKind::Course,
                        &id,
                        "id",
                        format!("course `{id}` appears more than once, on {what} {list}"),
                    );
                }
            }
        }
    }
}

fn join_numbers(numbers: &[usize]) -> String {
    let mut parts: Vec<String> = numbers.iter().map(ToString::to_string).collect();
    match parts.len() {
        0 | 1 => parts.pop().unwrap_or_default(),
        _ => {
            let last = parts.pop().unwrap_or_default();
            format!("{} and {last}", parts.join(", "))
        }
    }
}

fn unknown_institution_reason(institution: &str) -> String {
    format!("institution `{institution}` is neither given in this file nor already stored")
}

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

/// Index of each known column in a CSV header.
struct Header {
    /// Position in the row of each of [`csv_columns`], if the header has it.
    index: [Option<usize>; COLUMN_COUNT],
    width: usize,
    has_institution: bool,
}

const INSTITUTION_AT: usize = COURSE_COLUMNS.len();

fn column_number(name: &str) -> Option<usize> {
    csv_columns().position(|c| c == name)
}

fn column_name(number: usize) -> &'static str {
    csv_columns().nth(number).unwrap_or("row")
}

fn parse_csv(run: &mut Run<'_>, text: &str) -> Option<CatalogueBatch> {
    if let Some((line, reason)) = check_quoting(text) {
        run.file_error(line, "csv", reason);
        return None;
    }
    let reader = || {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes())
    };
    // Rows are read one at a time (memory grows with the batch, not with the file's rows);
    // a first pass that keeps nothing counts them for progress and finds malformed CSV.
    let mut count = 0usize;
    let mut scratch = csv::ByteRecord::new();
    let mut counter = reader();
    loop {
        match counter.read_byte_record(&mut scratch) {
            Ok(true) => count += 1,
            Ok(false) => break,
            Err(e) => {
                let line = e
                    .position()
                    .map_or(0, |p| LineCounter::default().line_at(text, p.byte()));
                run.file_error(line, "csv", format!("not valid CSV: {e}"));
                return None;
            }
        }
    }
    let mut lines = LineCounter::default();
    let mut records = reader().into_records().filter_map(Result::ok);
    let Some(head) = records.next() else {
        run.file_error(
            1,
            "header",
            format!(
                "the file is empty; it needs a header row naming the columns ({})",
                REQUIRED_COLUMNS.join(", ")
            ),
        );
        return None;
    };
    let rows = records;
    let header_line = head.position().map_or(1, |p| lines.line_at(text, p.byte()));
    let header = read_header(run, &head, header_line)?;

    let total = count - 1;
    let mut courses: Vec<Course> = Vec::with_capacity(total);
    // Institution id → (line, its four cells) for every row that gives the institution.
    let mut institutions: BTreeMap<String, Vec<(usize, InstitutionCells)>> = BTreeMap::new();
    let mut cross = CrossChecks::new();
    let mut references: Vec<(usize, String, String)> = Vec::new();
    for (done, row) in rows.enumerate() {
        let line = row.position().map_or(0, |p| lines.line_at(text, p.byte()));
        read_csv_row(
            run,
            &header,
            &row,
            line,
            &mut courses,
            &mut institutions,
            &mut cross,
            &mut references,
        );
        run.progress(done + 1, total);
    }
    if total == 0 {
        run.progress(0, 0);
    }
    cross.finish(run, "lines");

    let mut batch_institutions = Vec::new();
    for (id, rows) in &institutions {
        if let Some(institution) = check_institution_rows(run, id, rows) {
            batch_institutions.push(institution);
        }
    }
    for (line, course, institution) in references {
        if !institutions.contains_key(&institution) && !run.known(&institution) {
            run.error(
                line,
                RecordKind::Course,
                &course,
                "institution",
                unknown_institution_reason(&institution),
            );
        }
    }
    Some(CatalogueBatch {
        institutions: batch_institutions,
        courses,
    })
}

/// Line numbers from byte offsets. The `csv` crate's own count is one short after a CRLF (it
/// stops at the CR and counts the LF with the next record), so lines are counted here.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    newlines: usize,
}

impl LineCounter {
    /// The 1-based line of the record starting at `byte` (offsets must not go backwards).
    fn line_at(&mut self, text: &str, byte: u64) -> usize {
        let bytes = text.as_bytes();
        let mut start = usize::try_from(byte).unwrap_or(bytes.len()).min(bytes.len());
        // A record's offset may point at the end of the previous line.
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        let from = self.offset.min(start);
        self.newlines += bytes[from..start].iter().filter(|&&b| b == b'\n').count();
        self.offset = start;
        self.newlines + 1
    }
}

/// Rejects what the `csv` crate would silently accept: a quote inside an unquoted field, text
/// after a closing quote, and a quoted field that is never closed. Returns the line and reason.
fn check_quoting(text: &str) -> Option<(usize, String)> {
    #[derive(Clone, Copy)]
    enum State {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut state = State::FieldStart;
    let mut line = 1;
    let mut opened_on = 1;
    for b in text.bytes() {
        let separator = matches!(b, b',' | b'\n' | b'\r');
        state =
            match (state, b) {
                (State::FieldStart, b'"') => {
                    opened_on = line;
                    State::Quoted
                }
                (State::FieldStart | State::Unquoted, _) if separator => State::FieldStart,
                (State::Unquoted, b'"') => return Some((
                    line,
                    "a double quote inside an unquoted field; quote the whole field and write the quote twice (\"\")"
                        .to_owned(),
                )),
                (State::FieldStart | State::Unquoted, _) => State::Unquoted,
                (State::Quoted, b'"') => State::QuoteInQuoted,
                (State::Quoted, _) => State::Quoted,
                (State::QuoteInQuoted, b'"') => State::Quoted,
                (State::QuoteInQuoted, _) if separator => State::FieldStart,
                (State::QuoteInQuoted, _) => {
                    return Some((line, "text after the closing quote of a quoted field".to_owned()));
                }
            };
        if b == b'\n' {
            line += 1;
        }
    }
    match state {
        State::Quoted => Some((
            opened_on,
            format!("the quoted field that starts on line {opened_on} is never closed"),
        )),
        _ => None,
    }
}

fn read_header(run: &mut Run<'_>, head: &csv::StringRecord, line: usize) -> Option<Header> {
    let before = run.errors.len();
    if head.len() > COLUMNS_MAX {
        run.file_error(
            line,
            "header",
            format!("has {} columns; the limit is {COLUMNS_MAX}", head.len()),
        );
        return None;
    }
    let mut index = [None; COLUMN_COUNT];
    for (i, name) in head.iter().enumerate() {
        let name = name.trim();
        if let Some(reason) = too_long(name) {
            run.file_error(line, "header", format!("column {}: {reason}", i + 1));
            continue;
        }
        match column_number(name) {
            Some(n) if index[n].is_some() => run.file_error(line, name, "the column appears twice in the header"),
            Some(n) => index[n] = Some(i),
            None if name.is_empty() => run.file_error(line, "header", format!("column {} has no name", i + 1)),
            None => run.file_error(
                line,
                name,
                format!(
                    "unknown column; the columns are {}",
                    csv_columns().collect::<Vec<_>>().join(", ")
                ),
            ),
        }
    }
    for required in REQUIRED_COLUMNS {
        if column_number(required).and_then(|n| index[n]).is_none() {
            run.file_error(line, required, "required column is missing from the header");
        }
    }
    let institution_columns = INSTITUTION_AT..INSTITUTION_AT + INSTITUTION_COLUMNS.len();
    let present = institution_columns.clone().filter(|&n| index[n].is_some()).count();
    let required_columns = INSTITUTION_AT..INSTITUTION_AT + INSTITUTION_REQUIRED_COLUMNS;
    if present > 0 && required_columns.clone().any(|n| index[n].is_none()) {
        for n in required_columns.filter(|&n| index[n].is_none()) {
            run.file_error(
                line,
                column_name(n),
                "missing; institution_name, institution_kind, institution_region and institution_grade come all four together or not at all (with or without the contact columns)",
            );
        }
    }
    (run.errors.len() == before).then_some(Header {
        index,
        width: head.len(),
        has_institution: present > 0,
    })
}

/// Splits a list cell on `|`; `\|` is a literal `|` and `\\` a literal backslash.
pub(crate) fn split_list(cell: &str) -> Vec<String> {
    if cell.trim().is_empty() {
        return Vec::new();
    }
    let mut items = Vec::new();
    let mut current = String::new();
    let mut chars = cell.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(next @ ('|' | '\\')) => current.push(next),
                Some(other) => {
                    current.push('\\');
                    current.push(other);
                }
                None => current.push('\\'),
            },
            LIST_SEPARATOR => items.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    items.push(current);
    items
}

/// `start~end/capacity/seats_left` items separated by `|`.
fn split_cohorts(cell: &str) -> Result<Vec<CohortInput>, Vec<String>> {
    let mut cohorts = Vec::new();
    let mut errors = Vec::new();
    if cell.trim().is_empty() {
        return Ok(cohorts);
    }
    for (i, item) in cell.split(LIST_SEPARATOR).enumerate() {
        let parsed = item.split_once('~').and_then(|(start, rest)| {
            let mut parts = rest.split('/');
            let (end, capacity, seats) = (parts.next()?, parts.next()?, parts.next()?);
            let mut cohort = CohortInput {
                start_date: start.trim().to_owned(),
                end_date: end.trim().to_owned(),
                capacity: capacity.trim().to_owned(),
                seats_left: seats.trim().to_owned(),
                ..CohortInput::default()
            };
            let extras: Vec<&str> = parts.collect();
            cells::cohort_extras(&mut cohort, &extras).then_some(cohort)
        });
        match parsed {
            Some(cohort) => cohorts.push(cohort),
            None => errors.push(format!(
                "cohort {}: `{}` is not written start~end/capacity/seats_left, optionally followed by /application_start~application_end and /waitlist (e.g. 2026-03-02~2026-06-30/30/12/2026-02-01~2026-02-25/waitlist)",
                i + 1,
                item.trim()
            )),
        }
    }
    if errors.is_empty() {
        Ok(cohorts)
    } else {
        Err(errors)
    }
}

/// Maps a validator field (`cohorts[2].end_date`) to the CSV column (`cohorts`) and reason.
fn csv_field(error: FieldError) -> (String, String) {
    for (list, item) in [("cohorts", "cohort"), ("syllabus", "unit")] {
        if let Some(rest) = error.field.strip_prefix(&format!("{list}[")) {
            if let Some((number, sub)) = rest.split_once("].") {
                return (list.to_owned(), format!("{item} {number} {sub}: {}", error.reason));
            }
        }
    }
    if let Some(rest) = error.field.strip_prefix("quality.") {
        if let Some((measure, part)) = rest.split_once('.') {
            return (format!("quality_{measure}"), format!("{part}: {}", error.reason));
        }
    }
    (error.field, error.reason)
}

#[allow(clippy::too_many_arguments)]
fn read_csv_row(
    run: &mut Run<'_>,
    header: &Header,
    row: &csv::StringRecord,
    line: usize,
    courses: &mut Vec<Course>,
    institutions: &mut BTreeMap<String, Vec<(usize, InstitutionCells)>>,
    cross: &mut CrossChecks,
    references: &mut Vec<(usize, String, String)>,
) {
    let cell = |n: usize| {
        header.index[n]
            .and_then(|i| row.get(i))
            .map_or("", crate::export::unguard)
    };
    let id = cell(0);
    if row.len() != header.width {
        let reason = if row.len() > COLUMNS_MAX {
            format!(
                "has {} fields; the limit is {COLUMNS_MAX} and the header has {}",
                row.len(),
                header.width
            )
        } else {
            format!("has {} fields; the header has {}", row.len(), header.width)
        };
        run.error(line, RecordKind::Course, id, "row", reason);
        return;
    }
    let mut oversized = false;
    for (n, index) in header.index.iter().enumerate() {
        if let Some(reason) = index.and_then(|i| row.get(i)).and_then(too_long) {
            run.error(line, RecordKind::Course, id, column_name(n), reason);
            oversized = true;
        }
    }
    if oversized {
        return;
    }

    let institution_id = cell(1).trim().to_owned();
    let institution_cells: InstitutionCells = std::array::from_fn(|k| cell(INSTITUTION_AT + k).trim().to_owned());
    let gives_institution = header.has_institution && institution_cells.iter().any(|c| !c.is_empty());
    if gives_institution {
        institutions
            .entry(institution_id.clone())
            .or_default()
            .push((line, institution_cells));
    }
    let course_empty = (0..COURSE_COLUMNS.len())
        .filter(|&n| n != 1)
        .all(|n| cell(n).trim().is_empty());
    if course_empty && gives_institution {
        // An institution-only row.
        return;
    }

    cross.course(line, id);
    let mut input = CourseInput {
        id: cell(0).to_owned(),
        institution: cell(1).to_owned(),
        title: cell(2).to_owned(),
        summary: cell(3).to_owned(),
        keywords: split_list(cell(4)),
        programmes: split_list(cell(5)),
        ncs: cell(6).to_owned(),
        occupation: cell(7).to_owned(),
        ai_step: cell(8).to_owned(),
        ai_level: cell(9).to_owned(),
        modules: split_list(cell(10)),
        delivery: cell(11).to_owned(),
        total_hours: cell(12).to_owned(),
        hours_per_day: cell(13).to_owned(),
        fee_won: cell(14).to_owned(),
        region: cell(15).to_owned(),
        audiences: split_list(cell(16)),
        self_payment_rate_percent: cell(17).to_owned(),
        base_unit_price_won_per_hour: cell(18).to_owned(),
        timetable_days: split_list(cell(DETAILS_AT + 1)),
        timetable_start: cell(DETAILS_AT + 2).to_owned(),
        timetable_end: cell(DETAILS_AT + 3).to_owned(),
        entry_requirements: cell(DETAILS_AT + 4).to_owned(),
        ..CourseInput::default()
    };
    let mut cell_errors: Vec<(&str, String)> = Vec::new();
    match split_cohorts(cell(19)) {
        Ok(cohorts) => input.cohorts = cohorts,
        Err(errors) => cell_errors.extend(errors.into_iter().map(|e| ("cohorts", e))),
    }
    match cells::split_syllabus(cell(DETAILS_AT)) {
        Ok(units) => input.syllabus = units,
        Err(errors) => cell_errors.extend(errors.into_iter().map(|e| ("syllabus", e))),
    }
    for (k, measure) in QualityMeasure::ALL.into_iter().enumerate() {
        let column = COURSE_COLUMNS[DETAILS_AT + 5 + k];
        match cells::split_quality(measure, cell(DETAILS_AT + 5 + k)) {
            Ok(signal) => input.quality[k] = signal,
            Err(error) => cell_errors.push((column, error)),
        }
    }
    let cohorts_failed = !cell_errors.is_empty();
    for (column, reason) in cell_errors {
        run.error(line, RecordKind::Course, id, column, reason);
    }
    match input.validate(run.options.ctx) {
        Ok(course) if !cohorts_failed => {
            references.push((line, course.id.to_string(), course.institution.to_string()));
            courses.push(course);
        }
        Ok(_) => {}
        Err(errors) => {
            if !institution_id.is_empty() && ExternalId::parse(&institution_id).is_ok() {
                references.push((line, id.to_owned(), institution_id));
            }
            for error in errors {
                let (field, reason) = csv_field(error);
                run.error(line, RecordKind::Course, id, field, reason);
            }
        }
    }
}

/// The rows that give one institution must agree; then the institution is validated once.
/// The institution cells of one CSV row, in the order of [`INSTITUTION_COLUMNS`].
type InstitutionCells = [String; INSTITUTION_COLUMNS.len()];

fn check_institution_rows(run: &mut Run<'_>, id: &str, rows: &[(usize, InstitutionCells)]) -> Option<Institution> {
    let mut agree = true;
    for (k, column) in INSTITUTION_COLUMNS.iter().enumerate() {
        let mut values: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (line, cells) in rows {
            values.entry(cells[k].as_str()).or_default().push(*line);
        }
        if values.len() > 1 {
            agree = false;
            let list: Vec<String> = values
                .iter()
                .map(|(value, lines)| {
                    format!(
                        "`{value}` on line{} {}",
                        if lines.len() == 1 { "" } else { "s" },
                        join_numbers(lines)
                    )
                })
                .collect();
            let reason = format!("institution `{id}` is given different values: {}", list.join("; "));
            for (line, _) in rows {
                run.error(*line, RecordKind::Institution, id, *column, reason.clone());
            }
        }
    }
    let (line, cells) = rows.first()?;
    if !agree {
        return None;
    }
    let input = InstitutionInput {
        id: id.to_owned(),
        name: cells[0].clone(),
        kind: cells[1].clone(),
        region: cells[2].clone(),
        grade: cells[3].clone(),
        address: cells[4].clone(),
        phone: cells[5].clone(),
        email: cells[6].clone(),
        website: cells[7].clone(),
    };
    match input.validate(run.options.ctx) {
        Ok(institution) => Some(institution),
        Err(errors) => {
            for error in errors {
                let field = if error.field == "id" {
                    "institution".to_owned()
                } else {
                    format!("institution_{}", error.field)
                };
                run.error(*line, RecordKind::Institution, id, field, error.reason);
            }
            None
        }
    }
}

// ---------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------

const INSTITUTION_KEYS: [&str; 9] = [
    "id", "name", "kind", "region", "grade", "address", "phone", "email", "website",
];
const COHORT_KEYS: [&str; 7] = [
    "start_date",
    "end_date",
    "capacity",
    "seats_left",
    "application_start",
    "application_end",
    "waiting_list",
];
const SYLLABUS_KEYS: [&str; 4] = ["ncs_unit", "name", "hours", "outcomes"];
const TIMETABLE_KEYS: [&str; 3] = ["days", "start", "end"];
const QUALITY_SIGNAL_KEYS: [&str; 4] = ["value", "base", "source", "as_of"];

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn parse_json(run: &mut Run<'_>, text: &str) -> Option<CatalogueBatch> {
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e) => {
            run.file_error(e.line(), "json", format!("not valid JSON: {e}"));
            return None;
        }
    };
    let Value::Object(top) = value else {
        run.file_error(
            0,
            "json",
            format!(
                "the file must be a JSON object with `institutions` and `courses` arrays, got {}",
                describe(&value)
            ),
        );
        return None;
    };
    let mut institutions = &Vec::new();
    let mut courses = &Vec::new();
    let mut ok = true;
    for (key, value) in &top {
        let slot = match key.as_str() {
            "institutions" => &mut institutions,
            "courses" => &mut courses,
            _ => {
                run.file_error(
                    0,
                    key.as_str(),
                    "unknown key; the file's keys are `institutions` and `courses`",
                );
                ok = false;
                continue;
            }
        };
        match value {
            Value::Array(items) => *slot = items,
            Value::Null => {}
            other => {
                run.file_error(0, key.as_str(), format!("expected an array, got {}", describe(other)));
                ok = false;
            }
        }
    }
    if !ok {
        return None;
    }

    let total = institutions.len() + courses.len();
    let mut done = 0;
    let mut batch = CatalogueBatch::default();
    let mut institution_ids: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, value) in institutions.iter().enumerate() {
        let record = i + 1;
        let mut reader = JsonRecord::new(value, record, RecordKind::Institution, &INSTITUTION_KEYS);
        let input = InstitutionInput {
            id: reader.scalar("id", "a string"),
            name: reader.scalar("name", "a string"),
            kind: reader.scalar("kind", "a string"),
            region: reader.scalar("region", "a string"),
            grade: reader.scalar("grade", "a string"),
            address: reader.scalar("address", "a string"),
            phone: reader.scalar("phone", "a string"),
            email: reader.scalar("email", "a string"),
            website: reader.scalar("website", "a string"),
        };
        if let Some(id) = non_empty(&input.id) {
            institution_ids.entry(id).or_default().push(record);
        }
        if let Some(institution) = reader.finish(run, input.validate(run.options.ctx)) {
            batch.institutions.push(institution);
        }
        done += 1;
        run.progress(done, total);
    }
    for (id, records) in &institution_ids {
        if records.len() > 1 {
            let reason = format!(
                "institution `{id}` appears more than once, at records {}",
                join_numbers(records)
            );
            for &record in records {
                run.error(record, RecordKind::Institution, id, "id", reason.clone());
            }
        }
    }

    let mut cross = CrossChecks::new();
    for (i, value) in courses.iter().enumerate() {
        let record = i + 1;
        let mut reader = JsonRecord::new(value, record, RecordKind::Course, &COURSE_KEYS);
        let mut input = CourseInput {
            id: reader.scalar("id", "a string"),
            institution: reader.scalar("institution", "a string"),
            title: reader.scalar("title", "a string"),
            summary: reader.scalar("summary", "a string"),
            keywords: reader.list("keywords"),
            programmes: reader.list("programmes"),
            ncs: reader.scalar("ncs", "a string of 8 digits"),
            occupation: reader.scalar("occupation", "a string"),
            ai_step: reader.scalar("ai_step", "a string"),
            ai_level: reader.scalar("ai_level", "a string"),
            modules: reader.list("modules"),
            delivery: reader.scalar("delivery", "a string"),
            total_hours: reader.scalar("total_hours", "a number of hours"),
            hours_per_day: reader.scalar("hours_per_day", "a number of hours"),
            fee_won: reader.scalar("fee_won", "a whole number"),
            region: reader.scalar("region", "a string"),
            audiences: reader.list("audiences"),
            self_payment_rate_percent: reader.scalar("self_payment_rate_percent", "a whole number"),
            base_unit_price_won_per_hour: reader.scalar("base_unit_price_won_per_hour", "a whole number"),
            cohorts: reader.cohorts(),
            syllabus: reader.syllabus(),
            entry_requirements: reader.scalar("entry_requirements", "a string"),
            quality: reader.quality(),
            ..CourseInput::default()
        };
        (input.timetable_days, input.timetable_start, input.timetable_end) = reader.timetable();
        cross.course(record, &input.id);
        let institution = input.institution.trim().to_owned();
        if let Some(course) = reader.finish(run, input.validate(run.options.ctx)) {
            batch.courses.push(course);
        }
        if !institution.is_empty()
            && ExternalId::parse(&institution).is_ok()
            && !institution_ids.contains_key(&institution)
            && !run.known(&institution)
        {
            run.error(
                record,
                RecordKind::Course,
                &input.id,
                "institution",
                unknown_institution_reason(&institution),
            );
        }
        done += 1;
        run.progress(done, total);
    }
    if total == 0 {
        run.progress(0, 0);
    }
    cross.finish(run, "records");
    Some(batch)
}

/// Reads one JSON record field by field, so a wrong type is an error for that field only.
struct JsonRecord<'v> {
    object: Option<&'v serde_json::Map<String, Value>>,
    record: usize,
    kind: RecordKind,
    errors: Vec<FieldError>,
    /// Fields whose value could not be read: the validator's complaints about them are dropped.
    failed: BTreeSet<String>,
}

impl<'v> JsonRecord<'v> {
    fn new(value: &'v Value, record: usize, kind: RecordKind, keys: &[&str]) -> JsonRecord<'v> {
        let mut reader = JsonRecord {
            object: None,
            record,
            kind,
            errors: Vec::new(),
            failed: BTreeSet::new(),
        };
        match value {
            Value::Object(object) => {
                reader.object = Some(object);
                for key in object.keys().filter(|k| !keys.contains(&k.as_str())) {
                    reader.errors.push(FieldError::new(
                        key.as_str(),
                        format!("unknown key; the keys are {}", keys.join(", ")),
                    ));
                }
            }
            other => reader.fail("record", format!("expected an object, got {}", describe(other))),
        }
        reader
    }

    fn fail(&mut self, field: &str, reason: String) {
        self.failed.insert(field.to_owned());
        self.errors.push(FieldError::new(field, reason));
    }

    fn get(&self, key: &str) -> Option<&'v Value> {
        self.object.and_then(|o| o.get(key))
    }

    fn scalar_value(&mut self, field: &str, value: Option<&Value>, expected: &str) -> String {
        let text = match value {
            None | Some(Value::Null) => return String::new(),
            Some(Value::String(text)) => text.clone(),
            Some(Value::Number(number)) => number.to_string(),
            Some(other) => {
                self.fail(field, format!("expected {expected}, got {}", describe(other)));
                return String::new();
            }
        };
        if let Some(reason) = too_long(&text) {
            self.fail(field, reason);
            return String::new();
        }
        text
    }

    fn scalar(&mut self, key: &str, expected: &str) -> String {
        let value = self.get(key);
        self.scalar_value(key, value, expected)
    }

    fn list(&mut self, key: &str) -> Vec<String> {
        let value = self.get(key);
        self.string_list(key, value)
    }

    fn cohorts(&mut self) -> Vec<CohortInput> {
        let items = match self.get("cohorts") {
            None | Some(Value::Null) => return Vec::new(),
            Some(Value::Array(items)) => items,
            Some(other) => {
                self.fail(
                    "cohorts",
                    format!("expected an array of cohorts, got {}", describe(other)),
                );
                return Vec::new();
            }
        };
        let mut cohorts = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let prefix = format!("cohorts[{}]", i + 1);
            let Value::Object(object) = item else {
                self.fail(&prefix, format!("expected an object, got {}", describe(item)));
                self.failed.insert("cohorts".to_owned());
                continue;
            };
            for key in object.keys().filter(|k| !COHORT_KEYS.contains(&k.as_str())) {
                self.errors.push(FieldError::new(
                    format!("{prefix}.{key}"),
                    format!("unknown key; the keys are {}", COHORT_KEYS.join(", ")),
                ));
            }
            let waiting_list = match object.get("waiting_list") {
                Some(Value::Bool(b)) => b.to_string(),
                other => self.scalar_value(&format!("{prefix}.waiting_list"), other, "true or false"),
            };
            let mut field =
                |name: &str, expected: &str| self.scalar_value(&format!("{prefix}.{name}"), object.get(name), expected);
            cohorts.push(CohortInput {
                start_date: field("start_date", "a date string"),
                end_date: field("end_date", "a date string"),
                capacity: field("capacity", "a whole number"),
                seats_left: field("seats_left", "a whole number"),
                application_start: field("application_start", "a date string"),
                application_end: field("application_end", "a date string"),
                waiting_list,
            });
        }
        cohorts
    }

    /// The object at `field` (`None` when absent; an error when not an object), with its
    /// unknown keys reported.
    fn object(
        &mut self,
        field: &str,
        value: Option<&'v Value>,
        keys: &[&str],
    ) -> Option<&'v serde_json::Map<String, Value>> {
        match value {
            None | Some(Value::Null) => None,
            Some(Value::Object(object)) => {
                for key in object.keys().filter(|k| !keys.contains(&k.as_str())) {
                    self.errors.push(FieldError::new(
                        format!("{field}.{key}"),
                        format!("unknown key; the keys are {}", keys.join(", ")),
                    ));
                }
                Some(object)
            }
            Some(other) => {
                self.fail(field, format!("expected an object, got {}", describe(other)));
                None
            }
        }
    }

    fn string_list(&mut self, field: &str, value: Option<&Value>) -> Vec<String> {
        match value {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Value::String(_) | Value::Number(_) => {
                            out.push(self.scalar_value(field, Some(item), "a string"))
                        }
                        other => self.fail(
                            field,
                            format!("item {}: expected a string, got {}", i + 1, describe(other)),
                        ),
                    }
                }
                out
            }
            Some(other) => {
                self.fail(field, format!("expected an array of strings, got {}", describe(other)));
                Vec::new()
            }
        }
    }

    fn syllabus(&mut self) -> Vec<SyllabusUnitInput> {
        let items = match self.get("syllabus") {
            None | Some(Value::Null) => return Vec::new(),
            Some(Value::Array(items)) => items,
            Some(other) => {
                self.fail(
                    "syllabus",
                    format!("expected an array of units, got {}", describe(other)),
                );
                return Vec::new();
            }
        };
        let mut units = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let prefix = format!("syllabus[{}]", i + 1);
            let Some(object) = self.object(&prefix, Some(item), &SYLLABUS_KEYS) else {
                self.failed.insert("syllabus".to_owned());
                continue;
            };
            let field = |name: &str| format!("{prefix}.{name}");
            units.push(SyllabusUnitInput {
                ncs_unit: self.scalar_value(&field("ncs_unit"), object.get("ncs_unit"), "a string"),
                name: self.scalar_value(&field("name"), object.get("name"), "a string"),
                hours: self.scalar_value(&field("hours"), object.get("hours"), "a number of hours"),
                outcomes: self.string_list(&field("outcomes"), object.get("outcomes")),
            });
        }
        units
    }

    /// `timetable` as its three input fields.
    fn timetable(&mut self) -> (Vec<String>, String, String) {
        let value = self.get("timetable");
        let Some(object) = self.object("timetable", value, &TIMETABLE_KEYS) else {
            return Default::default();
        };
        (
            self.string_list("timetable.days", object.get("days")),
            self.scalar_value("timetable.start", object.get("start"), "a time string"),
            self.scalar_value("timetable.end", object.get("end"), "a time string"),
        )
    }

    fn quality(&mut self) -> [Option<QualitySignalInput>; 3] {
        let mut out: [Option<QualitySignalInput>; 3] = Default::default();
        let value = self.get("quality");
        let keys: Vec<&str> = QualityMeasure::ALL.iter().map(|m| m.key()).collect();
        let Some(object) = self.object("quality", value, &keys) else {
            return out;
        };
        for (slot, measure) in out.iter_mut().zip(QualityMeasure::ALL) {
            let prefix = format!("quality.{}", measure.key());
            let Some(signal) = self.object(&prefix, object.get(measure.key()), &QUALITY_SIGNAL_KEYS) else {
                continue;
            };
            let field = |name: &str| format!("{prefix}.{name}");
            *slot = Some(QualitySignalInput {
                value: self.scalar_value(&field("value"), signal.get("value"), "a number"),
                base: self.scalar_value(&field("base"), signal.get("base"), "a whole number"),
                source: self.scalar_value(&field("source"), signal.get("source"), "a string"),
                as_of: self.scalar_value(&field("as_of"), signal.get("as_of"), "a date string"),
            });
        }
        out
    }

    /// Reports the reader's and the validator's errors; returns the record if there were none.
    fn finish<T>(self, run: &mut Run<'_>, validated: Result<T, Vec<FieldError>>) -> Option<T> {
        let id = self
            .get("id")
            .and_then(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .unwrap_or_default();
        let mut errors = self.errors;
        let record_failed = self.object.is_none();
        let value = match validated {
            Ok(value) => Some(value),
            Err(more) => {
                if !record_failed {
                    errors.extend(more.into_iter().filter(|e| !self.failed.contains(&e.field)));
                }
                None
            }
        };
        if errors.is_empty() {
            return value;
        }
        for error in errors {
            // The validator names the timetable's parts as the CSV does; JSON nests them.
            let field = match error.field.strip_prefix("timetable_") {
                Some(part) => format!("timetable.{}", if part == "days" { "days" } else { part }),
                None => error.field,
            };
            run.error(self.record, self.kind, &id, field, error.reason);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use aiup_core::bundle::{Bundle, LoadedBundle};
    use proptest::prelude::*;

    use super::*;
    use crate::export::{export, push_row};
    use crate::model::{Cohort, Hours, NcsCode};
    use crate::vocab::{AiLevel, AiStep, Audience, BasicModule, InstitutionKind, QualityGrade};
    use aiup_core::region::RegionCode;
    use aiup_core::{Delivery, ProgrammeId};
    use chrono::NaiveDate;

    struct Fixture {
        bundle: LoadedBundle,
        programmes: BTreeSet<String>,
        known: BTreeSet<String>,
        region_codes: Vec<RegionCode>,
    }

    fn fixture() -> &'static Fixture {
        static FIXTURE: OnceLock<Fixture> = OnceLock::new();
        FIXTURE.get_or_init(|| {
            let bundle = Bundle::embedded().load().expect("embedded bundle loads");
            let programmes = bundle.policy.programmes.iter().map(|p| p.id.to_string()).collect();
            let region_codes = bundle.regions.regions().iter().map(|r| r.code).collect();
            Fixture {
                bundle,
                programmes,
                known: BTreeSet::from(["KNOWN-1".to_owned()]),
                region_codes,
            }
        })
    }

    fn options<'a>() -> ImportOptions<'a> {
        let f = fixture();
        ImportOptions {
            ctx: ValidationContext {
                programmes: &f.programmes,
                regions: &f.bundle.regions,
            },
            known_institutions: &f.known,
            progress: None,
        }
    }

    fn read(format: Format, text: &str) -> Result<CatalogueBatch, ImportErrors> {
        parse(format, text, options())
    }

    const BASE: [(&str, &str); 24] = [
        ("id", "AIG-1"),
        ("institution", "INST-1"),
        ("title", "생성형 AI 실무"),
        ("summary", "요약, \"쉼표\"\n둘째 줄"),
        ("keywords", "LLM|파이썬"),
        ("programmes", "kdt-ai-campus|card-ai-general"),
        ("ncs", "20010202"),
        ("occupation", "빅데이터 분석"),
        ("ai_step", "job_application"),
        ("ai_level", "work_practice"),
        ("modules", "ethics_security|data_bias"),
        ("delivery", "classroom"),
        ("total_hours", "140"),
        ("hours_per_day", "7.5"),
        ("fee_won", "1250000"),
        ("region", "11680"),
        ("audiences", "job_seeker|youth"),
        ("self_payment_rate_percent", "15"),
        ("base_unit_price_won_per_hour", ""),
        ("cohorts", "2026-03-02~2026-06-30/30/12|2026-09-01~2026-12-18/30/30"),
        ("institution_name", "가 아카데미"),
        ("institution_kind", "private"),
        ("institution_region", "서울특별시 강남구"),
        ("institution_grade", "three_year"),
    ];

    /// A CSV file: the header and one row per list of overrides of [`BASE`].
    fn csv_file(rows: &[&[(&str, &str)]]) -> String {
        let mut out = String::new();
        push_row(&mut out, BASE.iter().map(|(c, _)| *c));
        for overrides in rows {
            let cells = BASE.iter().map(|(column, value)| {
                overrides
                    .iter()
                    .rev()
                    .find(|(c, _)| c == column)
                    .map_or(*value, |(_, v)| *v)
            });
            push_row(&mut out, cells);
        }
        out
    }

    #[track_caller]
    fn error_list(format: Format, text: &str) -> Vec<RowError> {
        match read(format, text) {
            Ok(batch) => panic!("expected errors, got {batch:?}"),
            Err(e) => {
                for error in &e.errors {
                    assert!(!error.field.is_empty() && !error.reason.is_empty(), "{error:?}");
                }
                e.errors
            }
        }
    }

    /// The one error of a file whose line-`line` row has one bad field.
    #[track_caller]
    fn one_error(text: &str) -> RowError {
        let errors = error_list(Format::Csv, text);
        assert_eq!(errors.len(), 1, "{errors:#?}");
        errors.into_iter().next().expect("one error")
    }

    #[track_caller]
    fn assert_error(error: &RowError, record: usize, field: &str, reason_has: &str) {
        assert_eq!((error.record, error.field.as_str()), (record, field), "{error:?}");
        assert!(
            error.reason.contains(reason_has),
            "reason `{}` lacks `{reason_has}`",
            error.reason
        );
    }

    #[test]
    fn base_file_reads() {
        let batch = read(Format::Csv, &csv_file(&[&[]])).expect("valid");
        assert_eq!(batch.courses.len(), 1);
        assert_eq!(batch.institutions.len(), 1);
        let course = &batch.courses[0];
        assert_eq!(course.summary, "요약, \"쉼표\"\n둘째 줄");
        assert_eq!(course.cohorts.len(), 2);
        assert_eq!(course.cohorts[0].seats_left, 12);
        assert_eq!(batch.institutions[0].region.to_string(), "11680");
        // With a BOM and CRLF line ends too.
        let crlf = format!("\u{feff}{}", csv_file(&[&[("summary", "한 줄")]]).replace('\n', "\r\n"));
        let again = read(Format::Csv, &crlf).expect("BOM and CRLF");
        assert_eq!(again.courses[0].title, course.title);
    }

    #[test]
    fn a_crlf_inside_a_quoted_cell_is_kept() {
        let text = csv_file(&[&[("summary", "첫 줄\r\n둘째 줄")]]).replace('\n', "\r\n");
        // The cell's own CRLF is written as-is; the row ends are CRLF too.
        assert!(text.contains("\"첫 줄\r\r\n둘째 줄\""), "{text:?}");
        let text = text.replace("\r\r\n", "\r\n");
        let batch = read(Format::Csv, &text).expect("CRLF inside quotes");
        assert_eq!(batch.courses[0].summary, "첫 줄\n둘째 줄", "stored with LF");
        // A lone CR is still refused, on the line the row starts on.
        let lone = csv_file(&[&[("summary", "첫 줄\r둘째 줄")]]).replace('\n', "\r\n");
        assert_error(&one_error(&lone), 2, "summary", "control characters");
        let crlf = csv_file(&[&[], &[("id", "AIG-2"), ("fee_won", "x")]]).replace('\n', "\r\n");
        assert_error(&one_error(&crlf), 4, "fee_won", "");
    }

    #[test]
    fn other_encodings_are_refused_naming_them() {
        let euc_kr = b"id,title\nA-1,\xB5\xA5\xC0\xCC\xC5\xCD\n";
        let e = parse_bytes(Format::Csv, euc_kr, options()).expect_err("EUC-KR");
        assert_error(&e.errors[0], 2, "encoding", "iconv -f CP949 -t UTF-8");
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(csv_file(&[&[]]).encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let e = parse_bytes(Format::Json, &utf16, options()).expect_err("UTF-16");
        assert_error(&e.errors[0], 0, "encoding", "UTF-16");
        let bom = format!("\u{feff}{}", csv_file(&[&[]]));
        assert!(parse_bytes(Format::Csv, bom.as_bytes(), options()).is_ok());
    }

    #[test]
    fn direction_controls_are_refused_naming_the_field() {
        for (column, value) in [
            ("title", "생성형 AI \u{202E}실무"),
            ("summary", "요약\u{2066}"),
            ("occupation", "\u{200F}분석"),
            ("keywords", "LLM|\u{061C}파이썬"),
            ("institution_name", "가 \u{202A}아카데미"),
        ] {
            let errors = error_list(Format::Csv, &csv_file(&[&[(column, value)]]));
            assert!(
                errors
                    .iter()
                    .any(|e| e.record == 2 && e.field.starts_with(column) && e.reason.contains("direction-control")),
                "{column}: {errors:#?}"
            );
        }
    }

    #[test]
    fn formula_cells_are_guarded_on_export_and_read_back() {
        let values = [
            "=HYPERLINK(\"x\")",
            "+1",
            "-1",
            "@SUM(A1)",
            "'=1",
            "''+2",
            "'plain",
            "a=b",
        ];
        for value in values {
            let text = csv_file(&[&[("title", value)]]);
            let batch = read(Format::Csv, &text).expect("valid");
            let written = export(Format::Csv, &batch);
            let mut reader = csv::ReaderBuilder::new().from_reader(written.as_bytes());
            let row = reader.records().next().expect("row").expect("csv");
            let cell = row.get(2).expect("title cell");
            let dangerous = value.trim_start_matches('\'').starts_with(['=', '+', '-', '@']);
            assert_eq!(
                cell.starts_with('\''),
                dangerous || value.starts_with('\''),
                "{value}: {row:?}"
            );
            if dangerous {
                assert_eq!(cell, format!("'{value}"), "{row:?}");
            }
            let again = read(Format::Csv, &written).expect("own export reads");
            assert_eq!(again.courses[0].title, value);
        }
    }

    #[test]
    fn malformed_csv_is_one_file_error_with_its_line() {
        let mut text = csv_file(&[&[], &[("id", "AIG-2")]]);
        text.push_str("AIG-3,\"INST-1,never closed\n");
        let e = one_error(&text);
        assert_eq!(e.kind, RecordKind::File);
        assert_error(&e, 6, "csv", "never closed");

        let text = csv_file(&[&[]]) + "AIG-3,INST-1,a \"quoted\" word\n";
        let e = one_error(&text);
        assert_error(&e, 4, "csv", "double quote inside an unquoted field");

        let text = csv_file(&[&[]]) + "\"AIG-3\"x,INST-1\n";
        assert_error(&one_error(&text), 4, "csv", "after the closing quote");
    }

    #[test]
    fn malformed_json_is_one_file_error_with_line_and_column() {
        let errors = error_list(Format::Json, "{\n  \"courses\": [\n    {\"id\": \"a\",}\n  ]\n}");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(
            (errors[0].kind, errors[0].record, errors[0].field.as_str()),
            (RecordKind::File, 3, "json")
        );
        assert!(errors[0].reason.contains("line 3 column"), "{}", errors[0].reason);
        let errors = error_list(Format::Json, "[1, 2]");
        assert!(errors[0].reason.contains("must be a JSON object"), "{errors:?}");
        let errors = error_list(Format::Json, r#"{"courses": [], "extra": 1}"#);
        assert_error(&errors[0], 0, "extra", "unknown key");
    }

    #[test]
    fn oversized_field_is_refused() {
        let long = "가".repeat(FIELD_MAX_CHARS + 1);
        let e = one_error(&csv_file(&[&[("summary", &long)]]));
        assert_error(&e, 2, "summary", "10000");
        let json = format!(
            r#"{{"institutions":[{{"id":"I","name":"{long}","kind":"private","region":"11680","grade":"new"}}]}}"#
        );
        let errors = error_list(Format::Json, &json);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].kind, RecordKind::Institution);
        assert_error(&errors[0], 1, "name", "10000");
    }

    #[test]
    fn too_many_columns_are_refused() {
        let mut header: Vec<String> = BASE.iter().map(|(c, _)| (*c).to_owned()).collect();
        header.extend((0..41).map(|i| format!("extra{i}")));
        let e = error_list(Format::Csv, &format!("{}\n", header.join(",")));
        assert_eq!(e.len(), 1, "{e:?}");
        assert_error(&e[0], 1, "header", "65 columns; the limit is 64");

        let mut text = csv_file(&[&[]]);
        text.push_str(&format!("AIG-2{}\n", ",x".repeat(70)));
        let e = one_error(&text);
        assert_error(&e, 4, "row", "71 fields; the limit is 64");
        let mut text = csv_file(&[&[]]);
        text.push_str("AIG-2,INST-1\n");
        assert_error(&one_error(&text), 4, "row", "has 2 fields; the header has 24");
    }

    #[test]
    fn unknown_programme_is_named() {
        let e = one_error(&csv_file(&[&[("programmes", "kdt-ai-campus|no-such-programme")]]));
        assert_error(&e, 2, "programmes", "`no-such-programme` is not a programme id");
        assert_eq!((e.kind, e.id.as_deref()), (RecordKind::Course, Some("AIG-1")));
    }

    #[test]
    fn invalid_ncs_code_is_named() {
        assert_error(&one_error(&csv_file(&[&[("ncs", "25010101")]])), 2, "ncs", "01–24");
        assert_error(&one_error(&csv_file(&[&[("ncs", "2001")]])), 2, "ncs", "8-digit");
    }

    #[test]
    fn bad_cohort_dates_name_the_cohort() {
        let e = one_error(&csv_file(&[&[(
            "cohorts",
            "2026-03-02~2026-06-30/30/12|2026-02-30~2026-06-30/30/12",
        )]]));
        assert_error(&e, 2, "cohorts", "cohort 2 start_date: `2026-02-30` is not a date");
        let e = one_error(&csv_file(&[&[("cohorts", "2026-03-02/2026-06-30/30/12")]]));
        assert_error(
            &e,
            2,
            "cohorts",
            "cohort 1: `2026-03-02/2026-06-30/30/12` is not written start~end",
        );
    }

    #[test]
    fn cohort_dates_are_strict_yyyy_mm_dd() {
        let e = one_error(&csv_file(&[&[("cohorts", "2026-3-2~2026-06-30/30/12")]]));
        assert_error(&e, 2, "cohorts", "cohort 1 start_date: `2026-3-2` is not a date");
        let e = one_error(&csv_file(&[&[("cohorts", "2026-03-02~+2026-06-30/30/12")]]));
        assert_error(&e, 2, "cohorts", "cohort 1 end_date: `+2026-06-30` is not a date");
    }

    #[test]
    fn dot_only_ids_are_refused() {
        for id in [".", ".."] {
            let e = one_error(&csv_file(&[&[("id", id)]]));
            assert_error(&e, 2, "id", "only dots");
        }
    }

    #[test]
    fn cohort_ending_before_it_starts_is_refused() {
        let e = one_error(&csv_file(&[&[("cohorts", "2026-06-30~2026-03-02/30/12")]]));
        assert_error(
            &e,
            2,
            "cohorts",
            "cohort 1 end_date: 2026-03-02 is before start_date 2026-06-30",
        );
    }

    #[test]
    fn more_seats_left_than_capacity_is_refused() {
        let e = one_error(&csv_file(&[&[("cohorts", "2026-03-02~2026-06-30/30/31")]]));
        assert_error(&e, 2, "cohorts", "cohort 1 seats_left: 31 is more than capacity 30");
        let json = course_json(&[(
            "cohorts",
            serde_json::json!([{"start_date": "2026-03-02", "end_date": "2026-06-30", "capacity": 30, "seats_left": "31"}]),
        )]);
        let errors = error_list(Format::Json, &json);
        assert_error(&errors[0], 1, "cohorts[1].seats_left", "31 is more than capacity 30");
    }

    #[test]
    fn unknown_institution_is_refused_and_known_one_accepted() {
        let no_institution = [
            ("id", "AIG-2"),
            ("institution", "NOPE"),
            ("institution_name", ""),
            ("institution_kind", ""),
            ("institution_region", ""),
            ("institution_grade", ""),
        ];
        let e = one_error(&csv_file(&[&[], &no_institution]));
        assert_error(
            &e,
            4,
            "institution",
            "`NOPE` is neither given in this file nor already stored",
        );
        let mut known = no_institution;
        known[1].1 = "KNOWN-1";
        let batch = read(Format::Csv, &csv_file(&[&[("id", "A")], &known])).expect("a stored institution");
        assert_eq!(batch.institutions.len(), 1);
        // Given on another row of the file.
        let mut elsewhere = no_institution;
        elsewhere[1].1 = "INST-1";
        read(Format::Csv, &csv_file(&[&elsewhere, &[("id", "B")]])).expect("institution on a later row");
    }

    #[test]
    fn duplicate_course_id_names_every_line() {
        let errors = error_list(Format::Csv, &csv_file(&[&[], &[("id", "AIG-2")], &[]]));
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_error(&errors[0], 2, "id", "appears more than once, on lines 2 and 6");
        assert_error(&errors[1], 6, "id", "on lines 2 and 6");
    }

    #[test]
    fn conflicting_institution_rows_name_the_rows() {
        let text = csv_file(&[
            &[],
            &[("id", "AIG-2"), ("institution_name", "다른 이름")],
            &[("id", "AIG-3")],
        ]);
        let errors = error_list(Format::Csv, &text);
        assert_eq!(errors.len(), 3, "{errors:?}");
        for (error, line) in errors.iter().zip([2, 4, 6]) {
            assert_eq!(error.kind, RecordKind::Institution);
            assert_error(
                error,
                line,
                "institution_name",
                "`가 아카데미` on lines 2 and 6; `다른 이름` on line 4",
            );
        }
    }

    #[test]
    fn unknown_and_missing_columns_are_file_errors() {
        let text = csv_file(&[&[]]).replacen("summary", "summery", 1);
        let e = one_error(&text);
        assert_eq!(e.kind, RecordKind::File);
        assert_error(&e, 1, "summery", "unknown column");

        let text = csv_file(&[&[]]).replacen("fee_won", "summary", 1);
        let errors = error_list(Format::Csv, &text);
        assert_error(&errors[0], 1, "summary", "appears twice");
        assert_error(&errors[1], 1, "fee_won", "required column is missing");

        let errors = error_list(Format::Csv, "id,institution,institution_name\n");
        assert!(
            errors
                .iter()
                .any(|e| e.field == "institution_kind" && e.reason.contains("all four")),
            "{errors:?}"
        );
        assert_error(&error_list(Format::Csv, "")[0], 1, "header", "empty");
    }

    #[test]
    fn optional_columns_may_be_left_out() {
        let text = "id,institution,title,programmes,ncs,occupation,delivery,total_hours,hours_per_day,fee_won,region,audiences\n\
                    A-1,KNOWN-1,제목,kdt-general,20010202,직종,remote,40,4,0,강원도 평창군,employee\n";
        let batch = read(Format::Csv, text).expect("valid");
        assert_eq!(batch.courses[0].region.to_string(), "51760");
        assert!(batch.courses[0].cohorts.is_empty() && batch.institutions.is_empty());
    }

    fn course_json(overrides: &[(&str, Value)]) -> String {
        let mut course = serde_json::json!({
            "id": "J-1", "institution": "KNOWN-1", "title": "제목", "programmes": ["kdt-general"],
            "ncs": 20010202, "occupation": "직종", "delivery": "remote", "total_hours": 140,
            "hours_per_day": "7.5", "fee_won": 1000, "region": "11680", "audiences": ["employee"],
            "ai_step": null,
        });
        for (key, value) in overrides {
            course[*key] = value.clone();
        }
        serde_json::json!({ "courses": [course] }).to_string()
    }

    #[test]
    fn json_wrong_types_are_field_errors() {
        read(Format::Json, &course_json(&[])).expect("valid JSON course");
        let errors = error_list(
            Format::Json,
            &course_json(&[
                ("fee_won", serde_json::json!([1])),
                ("keywords", serde_json::json!("a,b")),
                ("audiences", serde_json::json!(["employee", {"x": 1}])),
                ("colour", serde_json::json!("red")),
                (
                    "cohorts",
                    serde_json::json!([{"start_date": "2026-01-05", "end_date": "2026-01-09", "capacity": 5, "seats_left": 5, "room": 1}]),
                ),
            ]),
        );
        let find = |field: &str| {
            errors
                .iter()
                .find(|e| e.field == field)
                .unwrap_or_else(|| panic!("{field}: {errors:#?}"))
        };
        assert_eq!(find("fee_won").reason, "expected a whole number, got an array");
        assert_eq!(find("keywords").reason, "expected an array of strings, got a string");
        assert_eq!(find("audiences").reason, "item 2: expected a string, got an object");
        assert!(find("colour").reason.starts_with("unknown key"));
        assert!(find("cohorts[1].room").reason.starts_with("unknown key"));
        assert_eq!(errors.len(), 5, "no knock-on errors: {errors:#?}");
        assert!(errors.iter().all(|e| e.record == 1 && e.id.as_deref() == Some("J-1")));
    }

    #[test]
    fn json_duplicate_and_unknown_institutions() {
        let inst =
            serde_json::json!({"id": "I-1", "name": "기관", "kind": "private", "region": "11680", "grade": "new"});
        let text = serde_json::json!({"institutions": [inst, inst], "courses": [
            {"id": "J-1", "institution": "I-2", "title": "t", "programmes": ["kdt-general"], "ncs": "20010202",
             "occupation": "o", "delivery": "remote", "total_hours": 10, "hours_per_day": 5, "fee_won": 0,
             "region": "11680", "audiences": ["youth"]}
        ]})
        .to_string();
        let errors = error_list(Format::Json, &text);
        assert_eq!(errors.len(), 3, "{errors:#?}");
        let institution: Vec<&RowError> = errors.iter().filter(|e| e.kind == RecordKind::Institution).collect();
        assert_eq!(institution.len(), 2, "{errors:#?}");
        assert_error(institution[0], 1, "id", "appears more than once, at records 1 and 2");
        assert_error(institution[1], 2, "id", "appears more than once, at records 1 and 2");
        assert!(errors
            .iter()
            .any(|e| e.kind == RecordKind::Course && e.field == "institution"));
    }

    #[test]
    fn every_bad_row_is_listed_and_the_list_is_capped() {
        let rows: Vec<[(&str, &str); 1]> = (0..3).map(|_| [("fee_won", "lots")]).collect();
        let ids = ["A", "B", "C"];
        let rows: Vec<Vec<(&str, &str)>> = rows.iter().zip(ids).map(|(r, id)| vec![r[0], ("id", id)]).collect();
        let refs: Vec<&[(&str, &str)]> = rows.iter().map(Vec::as_slice).collect();
        let err = read(Format::Csv, &csv_file(&refs)).expect_err("three bad rows");
        assert_eq!(err.errors.len(), 3);
        assert_eq!(err.bad_records(), 3);
        assert!(
            err.to_string()
                .starts_with("3 bad rows\n  course 2 `A`: fee_won: `lots` is not a whole number"),
            "{err}"
        );

        let mut text = csv_file(&[]);
        for i in 0..1_500 {
            text.push_str(&format!("C{i},,,,,,,,,,,,,,,,,,,,,,,\n"));
        }
        let err = read(Format::Csv, &text).expect_err("many bad rows");
        assert_eq!(err.errors.len(), ERRORS_MAX + 1);
        let last = err.errors.last().expect("marker");
        assert_eq!((last.kind, last.field.as_str()), (RecordKind::File, "errors"));
        assert!(
            last.reason.starts_with("and ") && last.reason.ends_with(" more"),
            "{last:?}"
        );
        let json = serde_json::to_value(&err).expect("serialises");
        assert_eq!(json["errors"][0]["kind"], "course");
    }

    #[test]
    fn progress_is_reported_every_thousand_and_at_the_end() {
        let mut text = csv_file(&[]);
        for i in 0..2_500 {
            let mut row = String::new();
            let id = format!("P-{i}");
            push_row(
                &mut row,
                BASE.iter().map(|(c, v)| if *c == "id" { id.as_str() } else { v }),
            );
            text.push_str(&row);
        }
        let mut calls = Vec::new();
        let mut progress = |done: usize, total: usize| calls.push((done, total));
        let mut opts = options();
        opts.progress = Some(&mut progress);
        let batch = parse(Format::Csv, &text, opts).expect("valid");
        assert_eq!(batch.courses.len(), 2_500);
        assert_eq!(calls, vec![(1_000, 2_500), (2_000, 2_500), (2_500, 2_500)]);
    }

    #[test]
    fn formats_parse() {
        assert_eq!(Format::parse("CSV"), Some(Format::Csv));
        assert_eq!("json".parse::<Format>(), Ok(Format::Json));
        assert!("xml".parse::<Format>().is_err());
        assert_eq!(Format::from_extension("/tmp/2026 과정.Json"), Some(Format::Json));
        assert_eq!(Format::from_extension("courses.csv"), Some(Format::Csv));
        assert_eq!(Format::from_extension("courses"), None);
        assert_eq!(Format::from_extension("dir.csv/courses"), None);
    }

    #[test]
    fn lists_escape_the_separator() {
        assert_eq!(split_list(r"a|b\|c|d\\|e\x"), vec!["a", "b|c", r"d\", r"e\x"]);
        assert!(split_list("  ").is_empty());
        let items = vec![r"x|y".to_owned(), r"back\".to_owned(), "z".to_owned()];
        assert_eq!(split_list(&crate::export::join_list(&items)), items);
    }

    #[test]
    fn round_trip_of_a_hand_made_file() {
        let no_institution = [
            ("institution", "KNOWN-1"),
            ("institution_name", ""),
            ("institution_kind", ""),
            ("institution_region", ""),
            ("institution_grade", ""),
        ];
        let mut only_institution: Vec<(&str, &str)> = BASE.iter().map(|(c, _)| (*c, "")).collect();
        only_institution.extend([
            ("institution", "INST-9"),
            ("institution_name", "혼자 기관"),
            ("institution_kind", "university"),
            ("institution_region", "51760"),
            ("institution_grade", "new"),
        ]);
        let text = csv_file(&[
            &[("id", "Z-1"), ("keywords", r"a\|b|c\\"), ("cohorts", "")],
            &no_institution,
            &only_institution,
            &[
                ("id", "A-1"),
                ("ai_step", ""),
                ("ai_level", ""),
                ("base_unit_price_won_per_hour", "18010"),
            ],
        ]);
        let batch = read(Format::Csv, &text).expect("valid");
        assert_eq!(batch.institutions.len(), 2);
        assert_eq!(
            batch.courses.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
            ["A-1", "AIG-1", "Z-1"]
        );
        assert_eq!(batch.courses[2].keywords, ["a|b", r"c\"]);
        for format in Format::ALL {
            let written = export(format, &batch);
            assert_eq!(read(format, &written).expect("re-reads"), batch, "{format}:\n{written}");
        }
        assert!(export(Format::Csv, &batch).lines().any(|l| l.starts_with(",INST-9,,")));
    }

    /// The examples in `docs/catalogue-import.md` read, and say the same thing.
    #[test]
    fn documented_examples_read() {
        let doc = include_str!("../../../docs/catalogue-import.md");
        let block = |fence: &str| {
            let start = doc.find(fence).expect("fenced example") + fence.len();
            doc[start..].split("```").next().expect("closed example").to_owned()
        };
        let csv = read(Format::Csv, &block("```csv\n")).expect("CSV example reads");
        let json = read(
            Format::Json,
            &block("```json\n{\n  \"institutions\"").replacen("", "{\n  \"institutions\"", 1),
        )
        .expect("JSON example reads");
        assert_eq!(csv, json);
        assert_eq!(csv.courses[0].cohorts.len(), 2);
        // The course-page fields of the examples, all read.
        let course = &csv.courses[0];
        assert!(course.cohorts[1].waiting_list && course.cohorts[0].application.is_some());
        assert_eq!(course.details.syllabus.len(), 2);
        assert_eq!(course.details.quality.employment.as_ref().map(|s| s.value), Some(7_125));
        assert_eq!(course.details.time_of_day(), Some(crate::TimeOfDay::Day));
        assert!(csv.institutions[0].contact.website.is_some());
        let errors = block("```json\n{\n  \"errors\"").replacen("", "{\n  \"errors\"", 1);
        let errors: ImportErrors = serde_json::from_str(&errors).expect("error example is an ImportErrors");
        assert_eq!(errors.bad_records(), 3);
    }

    // ----------------------------------------------------------------------------------------
    // Property tests
    // ----------------------------------------------------------------------------------------

    fn text(max: usize, required: bool) -> impl Strategy<Value = String> {
        prop_oneof![
            4 => "\\PC{0,24}",
            1 => "[가-힣a-z ,\"|\\\\~/]{0,24}",
            1 => "[a-z\n\t ]{0,12}",
        ]
        .prop_map(move |s| s.trim().chars().take(max).collect::<String>().trim().to_owned())
        .prop_filter("required text", move |s| !required || !s.is_empty())
    }

    fn date() -> impl Strategy<Value = NaiveDate> {
        (0i64..36_000).prop_map(|d| NaiveDate::from_ymd_opt(2000, 1, 1).expect("date") + chrono::Duration::days(d))
    }

    fn cohorts() -> impl Strategy<Value = Vec<Cohort>> {
        prop::collection::vec((date(), 0i64..400, 1u32..=1_000, 0u32..=1_000), 0..4).prop_map(|items| {
            let mut cohorts: Vec<Cohort> = items
                .into_iter()
                .map(|(start, length, capacity, seats)| Cohort {
                    start_date: start,
                    end_date: (start + chrono::Duration::days(length))
                        .min(NaiveDate::from_ymd_opt(2100, 12, 31).expect("date")),
                    capacity,
                    seats_left: seats.min(capacity),
                    // Some with an application period ending on the start day, some with a
                    // waiting list (drawn from the other values to keep the tuple small).
                    application: (capacity % 3 == 0).then(|| crate::model::ApplicationPeriod {
                        start: (start - chrono::Duration::days(length % 60))
                            .max(NaiveDate::from_ymd_opt(2000, 1, 1).expect("date")),
                        end: start,
                    }),
                    waiting_list: seats % 2 == 1,
                })
                .collect();
            cohorts.sort_by_key(|c| (c.start_date, c.end_date));
            cohorts.dedup_by_key(|c| (c.start_date, c.end_date));
            cohorts
        })
    }

    fn region() -> impl Strategy<Value = RegionCode> {
        prop::sample::select(fixture().region_codes.clone())
    }

    fn institution(id: String) -> impl Strategy<Value = Institution> {
        (
            text(200, true),
            prop::sample::select(InstitutionKind::ALL),
            region(),
            prop::sample::select(QualityGrade::ALL),
        )
            .prop_map(move |(name, kind, region, grade)| Institution {
                id: ExternalId::parse(&id).expect("id"),
                kind,
                region,
                grade,
                contact: crate::details::InstitutionContact {
                    address: Some(name.clone()),
                    ..Default::default()
                },
                name,
            })
    }

    fn ncs() -> impl Strategy<Value = NcsCode> {
        (1u32..=24, 1u32..=99, 1u32..=99, 1u32..=99)
            .prop_map(|(a, b, c, d)| NcsCode::parse(&format!("{a:02}{b:02}{c:02}{d:02}")).expect("ncs"))
    }

    fn keywords() -> impl Strategy<Value = Vec<String>> {
        prop::collection::vec(text(50, true), 0..5).prop_map(|mut words| {
            let mut seen = BTreeSet::new();
            words.retain(|w| seen.insert(w.clone()));
            words
        })
    }

    fn course(id: String, institutions: Vec<String>) -> impl Strategy<Value = Course> {
        let programmes: Vec<String> = fixture().programmes.iter().cloned().collect();
        let head = (
            prop::sample::select(institutions),
            text(200, true),
            prop_oneof![Just(String::new()), text(4_000, false)],
            keywords(),
            prop::sample::subsequence(programmes, 1..=3).prop_shuffle(),
            ncs(),
            text(200, true),
            prop::option::of((
                prop::sample::select(AiStep::ALL),
                prop::option::of(prop::sample::select(AiLevel::ALL)),
            )),
            prop::sample::subsequence(BasicModule::ALL, 0..=5),
            prop::sample::select(Delivery::ALL),
        );
        let tail = (
            (10u32..=40_000).prop_flat_map(|total| (Just(total), 5u32..=total.min(120))),
            0i64..=crate::FEE_MAX_WON,
            region(),
            prop::sample::subsequence(Audience::ALL, 1..=4),
            prop::option::of(0u8..=100),
            prop::option::of(1i64..=1_000_000),
            cohorts(),
        );
        (head, tail).prop_map(move |(head, tail)| {
            let (institution, title, summary, keywords, programmes, ncs, occupation, ai, modules, delivery) = head;
            let ((total, daily), fee_won, region, audiences, self_payment, unit_price, cohorts) = tail;
            Course {
                id: ExternalId::parse(&id).expect("id"),
                institution: ExternalId::parse(&institution).expect("id"),
                summary,
                keywords,
                programmes: programmes
                    .iter()
                    .map(|p| ProgrammeId::parse(p).expect("programme"))
                    .collect(),
                ncs,
                occupation,
                ai_step: ai.map(|(step, _)| step),
                ai_level: ai.and_then(|(_, level)| level),
                modules,
                delivery,
                total_hours: Hours::from_tenths(total),
                hours_per_day: Hours::from_tenths(daily),
                fee_won,
                region,
                audiences,
                self_payment_rate_percent: self_payment,
                base_unit_price_won_per_hour: unit_price,
                cohorts,
                details: crate::details::CourseDetails {
                    entry_requirements: title.clone(),
                    ..Default::default()
                },
                title,
            }
        })
    }

    /// A valid batch sorted by id; with `known`, some courses refer to `KNOWN-1` (not in the
    /// batch) and some institutions have no course.
    fn batch(known: bool) -> impl Strategy<Value = CatalogueBatch> {
        ("[A-Za-z0-9]{1,6}", 1usize..4, 1usize..6).prop_flat_map(move |(prefix, n_inst, n_courses)| {
            let ids: Vec<String> = (0..n_inst).map(|i| format!("{prefix}.I-{i}")).collect();
            let mut refs = ids.clone();
            if known {
                refs.push("KNOWN-1".to_owned());
            }
            let institutions: Vec<_> = ids.iter().map(|id| institution(id.clone())).collect();
            let courses: Vec<_> = (0..n_courses)
                .map(|i| course(format!("{prefix}:C_{i}"), refs.clone()))
                .collect();
            (institutions, courses).prop_map(move |(institutions, courses)| {
                let mut batch = CatalogueBatch { institutions, courses };
                if !known {
                    let used: BTreeSet<String> = batch.courses.iter().map(|c| c.institution.to_string()).collect();
                    batch.institutions.retain(|i| used.contains(i.id.as_str()));
                }
                batch.institutions.sort_by(|a, b| a.id.cmp(&b.id));
                batch.courses.sort_by(|a, b| a.id.cmp(&b.id));
                batch
            })
        })
    }

    fn garbage() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            "[ -~]{0,16}",
            "\\PC{0,16}",
            "[0-9.~/|-]{1,12}",
            "[a-z_]{1,16}",
            any::<String>(),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1_000))]

        #[test]
        fn csv_parser_never_panics_and_errors_are_named(
            text in prop_oneof![
                any::<String>(),
                prop::collection::vec(any::<u8>(), 0..400).prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
                "[a-z0-9,\"|~/\n\r -]{0,300}".prop_map(|body| format!("{}\n{body}", BASE.map(|(c, _)| c).join(","))),
            ],
        ) {
            for format in Format::ALL {
                if let Err(e) = read(format, &text) {
                    prop_assert!(!e.errors.is_empty());
                    for error in &e.errors {
                        prop_assert!(!error.field.is_empty() && !error.reason.is_empty(), "{error:?}");
                    }
                    let _ = e.to_string();
                }
            }
        }

        #[test]
        fn valid_batches_round_trip(batch in batch(true)) {
            for format in Format::ALL {
                let written = export(format, &batch);
                let read_back = read(format, &written);
                prop_assert_eq!(read_back.as_ref().ok(), Some(&batch), "{}:\n{}\n{:?}", format, written, read_back.as_ref().err());
            }
        }

        #[test]
        fn a_garbage_cell_is_named_by_line_and_column(
            batch in batch(false),
            row in any::<prop::sample::Index>(),
            column in 0usize..24,
            junk in garbage(),
        ) {
            let written = export(Format::Csv, &batch);
            let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(written.as_bytes());
            let records: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("own export reads");
            let target = 1 + row.index(records.len() - 1);
            let mut text = String::new();
            let mut line = 0;
            for (i, record) in records.iter().enumerate() {
                if i == target {
                    line = text.matches('\n').count() + 1;
                }
                let cells = record.iter().enumerate().map(|(c, cell)| if i == target && c == column { junk.as_str() } else { cell });
                push_row(&mut text, cells);
            }
            let name = column_name(column);
            match read(Format::Csv, &text) {
                Ok(_) => {}
                Err(e) => {
                    let related: &[&str] = match name {
                        "total_hours" => &["hours_per_day"],
                        "ai_level" => &["ai_step"],
                        n if n.starts_with("institution") => &["institution", "institution_name", "institution_kind", "institution_region", "institution_grade"],
                        _ => &[],
                    };
                    prop_assert!(
                        e.errors.iter().any(|err| err.record == line && (err.field == name || related.contains(&err.field.as_str()))),
                        "column {} line {} junk {:?}: {:#?}", name, line, junk, e.errors
                    );
                }
            }
        }
    }
}
