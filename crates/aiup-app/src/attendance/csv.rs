//! Attendance from a CSV file: every row checked, every bad row listed (line, column, reason in
//! Korean and English), nothing stored if any row is bad; else one batch.
//!
//! The file is UTF-8 (a byte-order mark is allowed) with a header row. Columns, in any order:
//!
//! | column | required | value |
//! | --- | --- | --- |
//! | `date` | yes | `YYYY-MM-DD`, a training day that has come |
//! | `enrolment_id` | yes | the trainee's enrolment in this cohort |
//! | `mark` | yes | `present`, `late`, `early_leave`, `late_early_leave`, `going_out`, `absent`, `excused`, or the Korean 출석, 지각, 조퇴, 지각조퇴 (지각+조퇴), 외출, 결석, 공가 |
//! | `excuse` | with `excused` | an excuse kind (`illness`, `reserve_forces`, …) or its Korean label |
//! | `check_in`, `check_out` | no | `HH:MM` |
//! | `outings` | no | 0–3 (at least 1 with `going_out`) |
//! | `meal` | no | `yes`/`no` (also `y`, `n`, `true`, `false`, `1`, `0`, `예`, `아니오`, `O`, `X`); blank is no |
//! | `reason` | for a change | why a recorded day changes |
//! | `evidence` | where asked | the evidence filed (a correction to an excused kind that needs a document) |

use aiup_core::policy::Text;
use chrono::NaiveDate;

use super::mark::{parse_excuse, AttendanceEntry, Mark};
use super::schedule::parse_minute;
use super::text;
use super::write::{At, Item, Problem, Refused};
use super::Recorded;
use crate::accounts::Actor;
use crate::{App, AppError, Code};

/// The columns a file may have, in the documented order.
pub const CSV_COLUMNS: [&str; 10] = [
    "date",
    "enrolment_id",
    "mark",
    "excuse",
    "check_in",
    "check_out",
    "outings",
    "meal",
    "reason",
    "evidence",
];
const REQUIRED: [&str; 3] = ["date", "enrolment_id", "mark"];
/// The most rows one file may have (a large cohort for a whole month is a few thousand).
pub const MAX_ROWS: usize = 20_000;

/// One bad cell or row of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRow {
    /// 1-based line of the file.
    pub line: usize,
    /// The column at fault (`row` for the row as a whole, `file` for the file).
    pub column: String,
    /// The code the problem would have on its own (`not_in_cohort`, `future_day`, …).
    pub code: Code,
    pub reason: Text,
}

/// A refused import: the error (`invalid_attendance_csv` when rows are bad) and every bad row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub error: AppError,
    pub rows: Vec<BadRow>,
}

impl From<AppError> for ImportError {
    fn from(error: AppError) -> ImportError {
        ImportError {
            error,
            rows: Vec::new(),
        }
    }
}

impl From<ImportError> for AppError {
    fn from(e: ImportError) -> AppError {
        e.error
    }
}

fn bad(line: usize, column: &str, code: Code, ko: impl Into<String>, en: impl Into<String>) -> BadRow {
    BadRow {
        line,
        column: column.to_owned(),
        code,
        reason: text(ko, en),
    }
}

/// The error listing `rows`, each in both languages.
fn listing(mut rows: Vec<BadRow>) -> ImportError {
    rows.sort_by(|a, b| (a.line, &a.column).cmp(&(b.line, &b.column)));
    let lines: std::collections::BTreeSet<usize> = rows.iter().map(|r| r.line).collect();
    let ko = rows
        .iter()
        .map(|r| format!("{}행 {}: {}", r.line, r.column, r.reason.ko))
        .collect::<Vec<_>>()
        .join("; ");
    let en = rows
        .iter()
        .map(|r| format!("line {}, {}: {}", r.line, r.column, r.reason.en))
        .collect::<Vec<_>>()
        .join("; ");
    let error = AppError::bilingual(
        Code::InvalidAttendanceCsv,
        Some("file"),
        text(
            format!("{}개 행에 문제가 있어 아무것도 저장하지 않았습니다. {ko}", lines.len()),
            format!("{} bad rows; nothing was stored. {en}", lines.len()),
        ),
    );
    ImportError { error, rows }
}

/// A yes/no cell.
fn parse_meal(cell: &str) -> Option<bool> {
    match cell.trim().to_lowercase().as_str() {
        "" | "no" | "n" | "false" | "0" | "아니오" | "아니요" | "x" => Some(false),
        "yes" | "y" | "true" | "1" | "예" | "o" => Some(true),
        _ => None,
    }
}

/// The 1-based line of byte `byte` of `content` (the csv crate's own count skips blank lines).
fn line_of(content: &str, byte: u64) -> usize {
    let bytes = content.as_bytes();
    let start = usize::try_from(byte).unwrap_or(usize::MAX).min(bytes.len());
    // A record's position is where the reader started, before the blank lines it skipped.
    let end = start + bytes[start..].iter().take_while(|b| matches!(b, b'\n' | b'\r')).count();
    1 + bytes[..end].iter().filter(|b| **b == b'\n').count()
}

/// Reads the file into the items of its good rows, and lists every bad cell (a bad header or
/// file gives no items).
pub(crate) fn read(bytes: &[u8]) -> (Vec<Item>, Vec<BadRow>) {
    let Ok(content) = std::str::from_utf8(bytes) else {
        return (
            Vec::new(),
            vec![bad(
                1,
                "file",
                Code::InvalidAttendanceCsv,
                "파일이 UTF-8 텍스트가 아닙니다. 엑셀에서 'CSV UTF-8'로 저장해 주세요.",
                "the file is not UTF-8 text (save it as CSV UTF-8)",
            )],
        );
    };
    let content = content.strip_prefix('\u{feff}').unwrap_or(content);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(content.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            return (
                Vec::new(),
                vec![bad(
                    1,
                    "file",
                    Code::InvalidAttendanceCsv,
                    format!("CSV를 읽을 수 없습니다: {e}"),
                    format!("not valid CSV: {e}"),
                )],
            );
        }
        None => {
            return (
                Vec::new(),
                vec![bad(
                    1,
                    "file",
                    Code::InvalidAttendanceCsv,
                    format!(
                        "빈 파일입니다. 첫 행에 열 이름({})이 필요합니다.",
                        CSV_COLUMNS.join(",")
                    ),
                    format!(
                        "the file is empty; the first row names the columns ({})",
                        CSV_COLUMNS.join(",")
                    ),
                )],
            );
        }
    };
    let line_at = |p: Option<&csv::Position>| p.map_or(0, |p| line_of(content, p.byte()));
    let header_line = line_at(header.position());
    let names: Vec<String> = header.iter().map(str::to_owned).collect();
    let mut problems = Vec::new();
    for name in &names {
        if !CSV_COLUMNS.contains(&name.as_str()) {
            problems.push(bad(
                header_line,
                name,
                Code::InvalidAttendanceCsv,
                format!("알 수 없는 열입니다. 쓸 수 있는 열: {}", CSV_COLUMNS.join(",")),
                format!("unknown column; the columns are {}", CSV_COLUMNS.join(",")),
            ));
        }
    }
    for required in REQUIRED {
        if !names.iter().any(|n| n == required) {
            problems.push(bad(
                header_line,
                required,
                Code::InvalidAttendanceCsv,
                "필수 열이 없습니다.",
                "this required column is missing",
            ));
        }
    }
    if !problems.is_empty() {
        return (Vec::new(), problems);
    }
    let column = |name: &str| names.iter().position(|n| n == name);
    let mut items = Vec::new();
    for (index, record) in records.enumerate() {
        if index >= MAX_ROWS {
            problems.push(bad(
                header_line,
                "file",
                Code::InvalidAttendanceCsv,
                format!("한 파일은 {MAX_ROWS}행까지입니다. 나누어 올려 주세요."),
                format!("a file has at most {MAX_ROWS} rows; split it"),
            ));
            break;
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = line_at(e.position());
                problems.push(bad(
                    line,
                    "row",
                    Code::InvalidAttendanceCsv,
                    format!("CSV를 읽을 수 없습니다: {e}"),
                    format!("not valid CSV: {e}"),
                ));
                continue;
            }
        };
        let line = line_at(record.position());
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() != names.len() {
            problems.push(bad(
                line,
                "row",
                Code::InvalidAttendanceCsv,
                format!("칸이 {}개입니다(머리행은 {}개).", record.len(), names.len()),
                format!("has {} fields, the header has {}", record.len(), names.len()),
            ));
            continue;
        }
        let cell = |name: &str| column(name).and_then(|i| record.get(i)).unwrap_or("");
        let before = problems.len();
        let mut fail = |column: &str, ko: String, en: String| {
            problems.push(bad(line, column, Code::InvalidField, ko, en));
        };
        let date = NaiveDate::parse_from_str(cell("date"), "%Y-%m-%d").ok();
        if date.is_none() {
            fail(
                "date",
                format!("'{}'은(는) YYYY-MM-DD 날짜가 아닙니다.", cell("date")),
                format!("`{}` is not a date written YYYY-MM-DD", cell("date")),
            );
        }
        let enrolment_id = cell("enrolment_id").parse::<i64>().ok().filter(|id| *id > 0);
        if enrolment_id.is_none() {
            fail(
                "enrolment_id",
                format!("'{}'은(는) 신청 번호가 아닙니다.", cell("enrolment_id")),
                format!("`{}` is not an enrolment id", cell("enrolment_id")),
            );
        }
        let mark = Mark::parse(cell("mark"));
        if mark.is_none() {
            fail(
                "mark",
                format!(
                    "'{}'은(는) 출결 구분이 아닙니다. 쓸 수 있는 값: {}",
                    cell("mark"),
                    Mark::expected()
                ),
                format!("`{}` is not a mark; one of {}", cell("mark"), Mark::expected()),
            );
        }
        let excuse = match cell("excuse") {
            "" => None,
            raw => {
                let kind = parse_excuse(raw);
                if kind.is_none() {
                    fail(
                        "excuse",
                        format!("'{raw}'은(는) 공가 종류가 아닙니다."),
                        format!("`{raw}` is not an excuse kind"),
                    );
                }
                kind
            }
        };
        let mut minute = |name: &'static str| match cell(name) {
            "" => None,
            raw => {
                let m = parse_minute(raw);
                if m.is_none() {
                    fail(
                        name,
                        format!("'{raw}'은(는) HH:MM 시각이 아닙니다."),
                        format!("`{raw}` is not a time written HH:MM"),
                    );
                }
                m
            }
        };
        let check_in = minute("check_in");
        let check_out = minute("check_out");
        let outings = match cell("outings") {
            "" => 0,
            raw => raw.parse::<u8>().unwrap_or_else(|_| {
                fail(
                    "outings",
                    format!("'{raw}'은(는) 외출 횟수(0~3)가 아닙니다."),
                    format!("`{raw}` is not a number of outings (0 to 3)"),
                );
                0
            }),
        };
        let meal = parse_meal(cell("meal")).unwrap_or_else(|| {
            fail(
                "meal",
                format!("'{}'은(는) 예/아니오가 아닙니다.", cell("meal")),
                format!("`{}` is not yes or no", cell("meal")),
            );
            false
        });
        let optional = |name: &str| Some(cell(name).to_owned()).filter(|t| !t.is_empty());
        if problems.len() > before {
            continue;
        }
        let (Some(date), Some(enrolment_id), Some(mark)) = (date, enrolment_id, mark) else {
            continue;
        };
        items.push(Item {
            at: At::Line(line),
            date,
            entry: AttendanceEntry {
                enrolment_id,
                mark,
                excuse,
                outings,
                check_in,
                check_out,
                meal,
                reason: optional("reason"),
                evidence: optional("evidence"),
            },
        });
    }
    (items, problems)
}

impl BadRow {
    fn of(p: Problem) -> BadRow {
        let line = match p.at {
            At::Line(l) | At::Entry(l) => l,
        };
        BadRow {
            line,
            column: p.field.to_owned(),
            code: p.code,
            reason: p.text,
        }
    }
}

impl App {
    /// Staff upload a cohort's attendance as CSV (columns in this module's documentation).
    /// Every row is checked; if any is bad, every bad row is listed and nothing is stored.
    pub async fn import_attendance_csv(
        &self,
        actor: &Actor,
        course_id: &str,
        ordinal: i64,
        bytes: &[u8],
    ) -> Result<Recorded, ImportError> {
        // Access first: an outsider learns nothing about the file or the cohort.
        self.attendance_cohort(actor, course_id, ordinal, true).await?;
        let (items, mut bad_rows) = read(bytes);
        if items.is_empty() && !bad_rows.is_empty() {
            return Err(listing(bad_rows));
        }
        // Rows that read well are checked against the cohort too, so every bad row is listed.
        match self
            .write_days(actor, course_id, ordinal, items, !bad_rows.is_empty())
            .await
        {
            Ok(done) => Ok(done),
            Err(Refused::Whole(e)) => Err(e.into()),
            Err(Refused::Items(problems)) => {
                bad_rows.extend(problems.into_iter().map(BadRow::of));
                Err(listing(bad_rows))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_file_reads_with_korean_marks_and_optional_columns() {
        let file = "\u{feff}date,enrolment_id,mark,excuse,check_in,meal,reason\n\
                    2026-03-02,7,지각,,09:20,예,\n\
                    \n\
                    2026-03-02,8,공가,예비군·민방위 훈련,,,\"통지서, 제출\"\n";
        let (items, bad_rows) = read(file.as_bytes());
        assert!(bad_rows.is_empty(), "{bad_rows:?}");
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].at, At::Line(2));
        assert_eq!(items[0].entry.mark, Mark::Late);
        assert_eq!(items[0].entry.check_in, Some(9 * 60 + 20));
        assert!(items[0].entry.meal);
        assert_eq!(items[1].at, At::Line(4));
        assert_eq!(items[1].entry.reason.as_deref(), Some("통지서, 제출"));
    }

    #[test]
    fn every_bad_cell_is_listed_with_its_line_and_column() {
        let file = "date,enrolment_id,mark,outings\n\
                    2026-02-30,7,present,0\n\
                    2026-03-02,x,present,0\n\
                    2026-03-02,7,maybe,9x\n\
                    2026-03-02,7\n";
        let (items, rows) = read(file.as_bytes());
        assert!(items.is_empty(), "no row is good");
        let found: Vec<(usize, &str)> = rows.iter().map(|r| (r.line, r.column.as_str())).collect();
        assert_eq!(
            found,
            [
                (2, "date"),
                (3, "enrolment_id"),
                (4, "mark"),
                (4, "outings"),
                (5, "row")
            ]
        );
        assert!(rows.iter().all(|r| !r.reason.ko.is_empty() && !r.reason.en.is_empty()));
        let listed = listing(rows);
        assert_eq!(listed.error.code, Code::InvalidAttendanceCsv);
        assert!(
            listed.error.message.starts_with("4 bad rows"),
            "{}",
            listed.error.message
        );
        assert!(listed.error.message_in(true).contains("2행 date"));
    }

    #[test]
    fn headers_are_checked_first() {
        let (_, rows) = read(b"date,mark,colour\n");
        let columns: Vec<&str> = rows.iter().map(|r| r.column.as_str()).collect();
        assert_eq!(columns, ["colour", "enrolment_id"]);
        assert_eq!(read(b"").1[0].column, "file");
        assert_eq!(read(&[0xff, 0xfe]).1[0].column, "file");
        let (items, rows) = read(b"date,enrolment_id,mark\n2026-03-03,1,present\n2026-03-03,x,present\n");
        assert_eq!(
            (items.len(), rows.len()),
            (1, 1),
            "good rows are kept for the cohort's checks"
        );
    }
}
