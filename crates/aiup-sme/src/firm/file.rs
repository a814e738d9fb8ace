//! The firm registry's CSV (docs/sme.md, "Firm registry"): one row per workplace, every bad row
//! listed, duplicate business numbers named with both lines, and nothing returned if any row is
//! bad.

use std::collections::HashMap;

use aiup_core::region::RegionTable;

use super::{Firm, FirmInput};
use crate::{FieldProblem, RowProblem};

/// The columns, in the order [`write_firms_csv`] writes them. `ai_training_hours` may be left
/// out (0); the others are required.
pub const FIRM_CSV_COLUMNS: [&str; 9] = [
    "business_number",
    "name",
    "employees",
    "ksic",
    "region",
    "priority_support",
    "employer_training",
    "ai_training",
    "ai_training_hours",
];
const OPTIONAL: [&str; 1] = ["ai_training_hours"];

/// The most rows one file may have (the plan counts about 97,000 training workplaces).
pub const MAX_FIRM_ROWS: usize = 300_000;

/// A refused firm file: every bad row (line 1 is the header), and the duplicate business numbers
/// among them (first line, later line, the number's digits).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} bad rows in the firm file; nothing was taken", rows.len())]
pub struct FirmCsvError {
    pub rows: Vec<RowProblem>,
    pub duplicates: Vec<(usize, usize, String)>,
}

/// What kind of problem a refused file has, when it has only one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirmCsvKind {
    /// Only business numbers that fail their check (or are not ten digits).
    InvalidBusinessNumber,
    /// Only unknown KSIC codes.
    UnknownKsic,
    /// Only business numbers listed twice.
    Duplicate,
    /// Anything else, or a mix.
    Invalid,
}

impl FirmCsvError {
    pub fn kind(&self) -> FirmCsvKind {
        let problems: Vec<&FieldProblem> = self.rows.iter().flat_map(|r| &r.problems).collect();
        if !self.duplicates.is_empty() {
            return if problems.len() == self.duplicates.len() {
                FirmCsvKind::Duplicate
            } else {
                FirmCsvKind::Invalid
            };
        }
        if !problems.is_empty() && problems.iter().all(|p| p.field == "business_number") {
            FirmCsvKind::InvalidBusinessNumber
        } else if !problems.is_empty() && problems.iter().all(|p| p.field == "ksic") {
            FirmCsvKind::UnknownKsic
        } else {
            FirmCsvKind::Invalid
        }
    }
}

/// A yes/no cell: `yes`/`no`, `y`/`n`, `true`/`false`, `1`/`0`, `예`/`아니오`, `o`/`x`.
pub(crate) fn yes_no(cell: &str) -> Option<bool> {
    match cell.trim().to_lowercase().as_str() {
        "no" | "n" | "false" | "0" | "아니오" | "아니요" | "x" => Some(false),
        "yes" | "y" | "true" | "1" | "예" | "o" => Some(true),
        _ => None,
    }
}

/// Lines of records, counted forward as a reader goes (each record after the last one asked).
#[derive(Debug)]
pub struct Lines<'a> {
    bytes: &'a [u8],
    at: usize,
    line: usize,
}

impl<'a> Lines<'a> {
    pub fn new(content: &'a str) -> Lines<'a> {
        Lines {
            bytes: content.as_bytes(),
            at: 0,
            line: 1,
        }
    }

    /// The 1-based line of the record at byte `byte` (the csv crate's own count skips blank
    /// lines). Positions must not go backwards.
    pub fn of(&mut self, byte: u64) -> usize {
        let bytes = self.bytes;
        let start = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(bytes.len())
            .max(self.at);
        // A record's position is where the reader started, before the blank lines it skipped.
        let end = start + bytes[start..].iter().take_while(|b| matches!(b, b'\n' | b'\r')).count();
        self.line += bytes[self.at..end].iter().filter(|b| **b == b'\n').count();
        self.at = end;
        self.line
    }
}

/// What is wrong with a CSV header (lower-cased names) that must name each of `columns` once,
/// those of `optional` perhaps not at all, and nothing else.
pub fn header_problems(headers: &[String], columns: &[&str], optional: &[&str]) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        if !columns.contains(&h.as_str()) {
            problems.push(FieldProblem::new(
                "header",
                format!("unknown column `{h}` (columns: {})", columns.join(", ")),
                format!("알 수 없는 열 `{h}` (열: {})", columns.join(", ")),
            ));
        } else if headers[..i].contains(h) {
            problems.push(FieldProblem::new(
                "header",
                format!("column `{h}` appears twice"),
                format!("`{h}` 열이 두 번 있습니다"),
            ));
        }
    }
    for c in columns {
        if !optional.contains(c) && !headers.iter().any(|h| h == c) {
            problems.push(FieldProblem::new(
                "header",
                format!("the column `{c}` is missing"),
                format!("`{c}` 열이 없습니다"),
            ));
        }
    }
    problems
}

/// A problem of the whole file, reported on its header line.
pub fn header_problem(reason: String, reason_ko: String) -> RowProblem {
    RowProblem {
        line: 1,
        problems: vec![FieldProblem::new("header", reason, reason_ko)],
    }
}

/// Reads a firm file: a header naming the columns of [`FIRM_CSV_COLUMNS`] (any order), then one
/// row per firm. Returns every firm, or every bad row (nothing if any row is bad).
pub fn parse_firms_csv(text: &str, regions: &RegionTable) -> Result<Vec<Firm>, FirmCsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let refuse = |rows: Vec<RowProblem>| FirmCsvError {
        rows,
        duplicates: Vec::new(),
    };
    let mut reader = ::csv::ReaderBuilder::new()
        .flexible(true)
        .trim(::csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(e) => {
            return Err(refuse(vec![header_problem(
                format!("the header cannot be read: {e}"),
                format!("머리글 행을 읽을 수 없습니다: {e}"),
            )]))
        }
    };
    let header_problems = header_problems(&headers, &FIRM_CSV_COLUMNS, &OPTIONAL);
    if !header_problems.is_empty() {
        return Err(refuse(vec![RowProblem {
            line: 1,
            problems: header_problems,
        }]));
    }
    let column = |name: &str| headers.iter().position(|h| h == name);
    let idx: Vec<Option<usize>> = FIRM_CSV_COLUMNS.iter().map(|c| column(c)).collect();
    let mut firms = Vec::new();
    let mut rows = Vec::new();
    let mut duplicates = Vec::new();
    let mut first_line: HashMap<String, usize> = HashMap::new();
    let mut lines = Lines::new(text);
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.of(p.byte()));
                rows.push(RowProblem {
                    line,
                    problems: vec![FieldProblem::new(
                        "row",
                        format!("the row cannot be read: {e}"),
                        format!("행을 읽을 수 없습니다: {e}"),
                    )],
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| lines.of(p.byte()));
        if firms.len() + rows.len() >= MAX_FIRM_ROWS {
            rows.push(RowProblem {
                line,
                problems: vec![FieldProblem::new(
                    "file",
                    format!("a file may have at most {MAX_FIRM_ROWS} firms; split it"),
                    format!("한 파일에는 기업을 {MAX_FIRM_ROWS}개까지 넣을 수 있습니다. 나누어 올려 주세요"),
                )],
            });
            break;
        }
        if record.len() != headers.len() {
            rows.push(RowProblem {
                line,
                problems: vec![FieldProblem::new(
                    "row",
                    format!("{} fields, but the header has {}", record.len(), headers.len()),
                    format!("칸이 {}개인데 머리글은 {}개입니다", record.len(), headers.len()),
                )],
            });
            continue;
        }
        let cell = |i: usize| idx[i].and_then(|c| record.get(c)).unwrap_or("").to_owned();
        let input = FirmInput {
            business_number: cell(0),
            name: cell(1),
            employees: cell(2),
            ksic: cell(3),
            region: cell(4),
            priority_support: cell(5),
            employer_training: cell(6),
            ai_training: cell(7),
            ai_training_hours: cell(8),
        };
        match input.parse(regions) {
            Ok(firm) => {
                let digits = firm.business_number.digits();
                if let Some(&first) = first_line.get(&digits) {
                    duplicates.push((first, line, digits));
                    rows.push(RowProblem {
                        line,
                        problems: vec![FieldProblem::new(
                            "business_number",
                            format!(
                                "{} is listed twice: on line {first} and on line {line}",
                                firm.business_number
                            ),
                            format!("{}이(가) 두 번 있습니다: {first}행과 {line}행", firm.business_number),
                        )],
                    });
                } else {
                    first_line.insert(digits, line);
                    firms.push(firm);
                }
            }
            Err(problems) => rows.push(RowProblem { line, problems }),
        }
    }
    if rows.is_empty() && firms.is_empty() {
        rows.push(header_problem(
            "the file has no firms, only a header".to_owned(),
            "파일에 머리글만 있고 기업이 없습니다".to_owned(),
        ));
    }
    if rows.is_empty() {
        Ok(firms)
    } else {
        Err(FirmCsvError { rows, duplicates })
    }
}

fn yes(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// Writes firms in the format [`parse_firms_csv`] reads (`parse(write(f)) == f`).
pub fn write_firms_csv(firms: &[Firm]) -> String {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail; a failure would only drop the row.
    let _ = writer.write_record(FIRM_CSV_COLUMNS);
    for f in firms {
        let _ = writer.write_record([
            f.business_number.to_string(),
            f.name.clone(),
            f.employees.to_string(),
            f.industry.to_string(),
            f.region_code.to_string(),
            yes(f.priority_support).to_owned(),
            yes(f.history.employer_training).to_owned(),
            yes(f.history.ai_training).to_owned(),
            f.history.ai_training_hours.to_string(),
        ]);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BusinessNumber;

    fn regions() -> RegionTable {
        RegionTable::load(aiup_core::defaults::region_files()).expect("embedded regions load")
    }

    const HEADER: &str =
        "business_number,name,employees,ksic,region,priority_support,employer_training,ai_training,ai_training_hours\n";

    #[test]
    fn a_good_file_reads_every_firm() {
        let text = format!(
            "{HEADER}220-81-62517,한빛정밀,27,C29,41117,yes,yes,no,0\n\
             1048124017,\"Blue Sea, Inc.\",350,J62,부산광역시 해운대구,no,예,예,24\n"
        );
        let firms = parse_firms_csv(&text, &regions()).expect("good file");
        assert_eq!(firms.len(), 2);
        let a = &firms[0];
        assert_eq!(a.business_number.to_string(), "220-81-62517");
        assert_eq!(a.size_band, crate::SizeBand::From10To29);
        assert_eq!(a.industry.to_string(), "C29");
        assert_eq!((a.province_code.as_str(), a.capital_area), ("41", true));
        let b = &firms[1];
        assert_eq!(b.name, "Blue Sea, Inc.");
        assert_eq!((b.province_code.as_str(), b.capital_area), ("26", false));
        assert_eq!(b.size_band, crate::SizeBand::From300);
        assert!(b.history.ai_training && b.history.employer_training);
        assert_eq!(b.history.ai_training_hours, 24);
        // Round trip.
        assert_eq!(parse_firms_csv(&write_firms_csv(&firms), &regions()).unwrap(), firms);
    }

    #[test]
    fn every_bad_row_is_listed_with_its_line_and_fields() {
        let text = format!(
            "{HEADER}220-81-62518,A,3,C26,41117,yes,yes,no,0\n\
             124-81-00998,B,3,X99,41117,yes,yes,no,0\n\
             \n\
             104-81-24017,,many,C,nowhere,maybe,yes,no,5\n\
             220-81-62517,D,3,C26,41117,yes,no,yes,2\n\
             220-81-62517,E,3\n"
        );
        let err = parse_firms_csv(&text, &regions()).unwrap_err();
        let lines: Vec<usize> = err.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 3, 5, 6, 7]);
        let fields = |line: usize| -> Vec<&str> {
            err.rows
                .iter()
                .find(|r| r.line == line)
                .unwrap()
                .problems
                .iter()
                .map(|p| p.field.as_str())
                .collect()
        };
        assert_eq!(fields(2), ["business_number"]);
        assert_eq!(fields(3), ["ksic"]);
        assert_eq!(
            fields(5),
            [
                "name",
                "employees",
                "ksic",
                "region",
                "priority_support",
                "ai_training_hours"
            ]
        );
        assert_eq!(fields(6), ["employer_training"]);
        assert_eq!(fields(7), ["row"]);
        assert_eq!(err.kind(), FirmCsvKind::Invalid);
        for p in err.rows.iter().flat_map(|r| &r.problems) {
            assert!(!p.reason.is_empty() && !p.reason_ko.is_empty(), "{p:?}");
        }
    }

    #[test]
    fn duplicates_name_both_lines() {
        let text = format!(
            "{HEADER}220-81-62517,A,3,C26,41117,yes,yes,no,0\n\
             124-81-00998,B,3,C26,41117,yes,yes,no,0\n\
             2208162517,C,4,C26,41117,yes,yes,no,0\n"
        );
        let err = parse_firms_csv(&text, &regions()).unwrap_err();
        assert_eq!(err.duplicates, [(2, 4, "2208162517".to_owned())]);
        assert_eq!(err.rows.len(), 1);
        assert!(err.rows[0].problems[0].reason.contains("line 2 and on line 4"));
        assert_eq!(err.kind(), FirmCsvKind::Duplicate);
    }

    #[test]
    fn one_kind_of_problem_is_named() {
        let bad_number = format!("{HEADER}220-81-62518,A,3,C26,41117,yes,yes,no,0\n");
        assert_eq!(
            parse_firms_csv(&bad_number, &regions()).unwrap_err().kind(),
            FirmCsvKind::InvalidBusinessNumber
        );
        let bad_ksic = format!("{HEADER}220-81-62517,A,3,C40,41117,yes,yes,no,0\n");
        assert_eq!(
            parse_firms_csv(&bad_ksic, &regions()).unwrap_err().kind(),
            FirmCsvKind::UnknownKsic
        );
    }

    #[test]
    fn header_problems_are_line_one() {
        let err = parse_firms_csv("business_number,name,colour\n", &regions()).unwrap_err();
        assert_eq!(err.rows.len(), 1);
        assert_eq!(err.rows[0].line, 1);
        let reasons: Vec<&str> = err.rows[0].problems.iter().map(|p| p.reason.as_str()).collect();
        assert!(
            reasons.iter().any(|r| r.contains("unknown column `colour`")),
            "{reasons:?}"
        );
        assert!(reasons.iter().any(|r| r.contains("`ksic` is missing")), "{reasons:?}");
        assert!(
            !reasons.iter().any(|r| r.contains("`ai_training_hours` is missing")),
            "optional: {reasons:?}"
        );
        let empty = parse_firms_csv(HEADER, &regions()).unwrap_err();
        assert!(empty.rows[0].problems[0].reason.contains("no firms"));
        // Hours may be left out; columns in any order.
        let short = "name,business_number,employees,ksic,region,priority_support,employer_training,ai_training\n\
                     A,220-81-62517,3,26,11110,y,y,n\n";
        let firms = parse_firms_csv(short, &regions()).unwrap();
        assert_eq!(firms[0].history.ai_training_hours, 0);
        assert_eq!(
            firms[0].business_number,
            BusinessNumber::parse("2208162517", "b").unwrap()
        );
    }
}
