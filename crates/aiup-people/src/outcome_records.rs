//! Graduates' outcomes from outside records (issue 12, item 4): the CSV adapters of
//! docs/outcomes-import.md for employment-insurance acquisitions (고용보험 피보험자격 취득),
//! startup registrations (사업자등록) and outside progress figures.
//!
//! Each reader lists every bad row (line, field, reason in Korean and English) and returns
//! nothing if any row is bad. Outside person identifiers are hashed here, at the edge, with the
//! caller's [`ExternalIdKey`]: a record never carries the identifier itself.

use std::collections::HashMap;

use aiup_core::region::{RegionCode, RegionTable};
use aiup_sme::firm::{header_problem, header_problems, Lines};
use aiup_sme::ksic::IndustryCode;
use aiup_sme::{BusinessNumber, FieldProblem, RowProblem, SizeBand};
use chrono::NaiveDate;
use serde::Serialize;

use crate::ExternalIdKey;

/// The most rows one file may have (a year of the plan's graduates, with room).
pub const MAX_OUTCOME_ROWS: usize = 500_000;

/// Which kind of outside file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    /// 고용보험 피보험자격 취득: who was hired by which employer, when.
    Employment,
    /// 사업자등록: who founded which business, when and where.
    Startups,
    /// Progress figures aiup does not hold (a partner's count, a budget executed elsewhere).
    Figures,
}

impl OutcomeKind {
    pub const ALL: [OutcomeKind; 3] = [OutcomeKind::Employment, OutcomeKind::Startups, OutcomeKind::Figures];

    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeKind::Employment => "employment",
            OutcomeKind::Startups => "startups",
            OutcomeKind::Figures => "figures",
        }
    }

    pub fn parse(text: &str) -> Option<OutcomeKind> {
        OutcomeKind::ALL.into_iter().find(|k| k.as_str() == text.trim())
    }

    /// The required and optional columns of the kind's file.
    pub fn columns(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            OutcomeKind::Employment => (
                &["person_id", "business_number", "acquired_on", "size_band"],
                &["lost_on", "ksic"],
            ),
            OutcomeKind::Startups => (&["founder_id", "business_number", "opened_on", "ksic", "region"], &[]),
            OutcomeKind::Figures => (&["metric", "value", "unit", "as_of"], &[]),
        }
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            OutcomeKind::Employment => "고용보험 피보험자격 취득",
            OutcomeKind::Startups => "창업(사업자등록)",
            OutcomeKind::Figures => "외부 실적 수치",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            OutcomeKind::Employment => "Employment-insurance acquisitions",
            OutcomeKind::Startups => "Startup registrations",
            OutcomeKind::Figures => "Outside progress figures",
        }
    }
}

/// One acquisition of employment insurance: a person hired by an employer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmploymentRecord {
    /// The row's line in the file (the header is line 1).
    pub line: usize,
    /// HMAC-SHA256 of the outside person identifier (hex), never the identifier.
    pub person_hash: String,
    pub business_number: BusinessNumber,
    pub acquired_on: NaiveDate,
    /// The day the insurance was lost (the person left), when it was.
    pub lost_on: Option<NaiveDate>,
    pub ksic: Option<IndustryCode>,
    pub size_band: SizeBand,
}

/// One business registration by a founder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartupRecord {
    pub line: usize,
    pub person_hash: String,
    pub business_number: BusinessNumber,
    pub opened_on: NaiveDate,
    pub ksic: IndustryCode,
    /// The 5-digit 시군구 code of the business's address.
    pub region_code: String,
}

/// The units an outside figure may be in.
pub const FIGURE_UNITS: [&str; 8] = ["people", "firms", "courses", "sites", "centres", "won", "bp", "hours"];

/// One outside progress figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FigureRecord {
    pub line: usize,
    /// A plan line, budget line or indicator id of the policy.
    pub metric: String,
    /// An integer in `unit` (won for money, basis points for shares).
    pub value: i64,
    pub unit: String,
    pub as_of: NaiveDate,
}

/// The cells of one good-shaped row, by column name.
struct Row<'a> {
    line: usize,
    cells: HashMap<&'a str, String>,
    problems: Vec<FieldProblem>,
}

impl Row<'_> {
    fn text(&self, column: &str) -> &str {
        self.cells.get(column).map_or("", String::as_str)
    }

    fn required(&mut self, column: &str) -> Option<String> {
        let value = self.text(column).to_owned();
        if value.is_empty() {
            self.problems
                .push(FieldProblem::new(column, "is required", "값이 필요합니다"));
            return None;
        }
        Some(value)
    }

    fn date(&mut self, column: &str) -> Option<NaiveDate> {
        let text = self.required(column)?;
        self.parse_date(column, &text)
    }

    fn optional_date(&mut self, column: &str) -> Option<NaiveDate> {
        let text = self.text(column).to_owned();
        if text.is_empty() {
            return None;
        }
        self.parse_date(column, &text)
    }

    fn parse_date(&mut self, column: &str, text: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| {
                self.problems.push(FieldProblem::new(
                    column,
                    format!("`{text}` is not a date (YYYY-MM-DD)"),
                    format!("`{text}`은(는) 날짜(YYYY-MM-DD)가 아닙니다"),
                ))
            })
            .ok()
    }

    fn person(&mut self, column: &str, key: &ExternalIdKey) -> Option<String> {
        let text = self.required(column)?;
        key.hash(&text)
            .map_err(|_| {
                // The identifier is not echoed: it may be personal data.
                self.problems.push(FieldProblem::new(
                    column,
                    "must be 1 to 64 visible ASCII characters, and never a resident registration number",
                    "1–64자의 영문·숫자·기호여야 하며 주민등록번호는 받지 않습니다",
                ))
            })
            .ok()
    }

    fn business_number(&mut self) -> Option<BusinessNumber> {
        let text = self.required("business_number")?;
        BusinessNumber::parse(&text, "business_number")
            .map_err(|p| self.problems.push(p))
            .ok()
    }

    fn ksic(&mut self, text: &str) -> Option<IndustryCode> {
        IndustryCode::parse(text, "ksic")
            .map_err(|p| self.problems.push(p))
            .ok()
    }
}

/// Reads a file's header (any column order, the kind's columns only) and its rows, calling
/// `each` on every row; returns every bad row if there is one.
fn read<T>(
    text: &str,
    kind: OutcomeKind,
    mut each: impl FnMut(&mut Row<'_>) -> Option<T>,
) -> Result<Vec<T>, Vec<RowProblem>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (required, optional) = kind.columns();
    let mut reader = ::csv::ReaderBuilder::new()
        .flexible(true)
        .trim(::csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(e) => {
            return Err(vec![header_problem(
                format!("the header cannot be read: {e}"),
                format!("머리글 행을 읽을 수 없습니다: {e}"),
            )])
        }
    };
    let all: Vec<&str> = required.iter().chain(optional).copied().collect();
    let problems = header_problems(&headers, &all, optional);
    if !problems.is_empty() {
        return Err(vec![RowProblem { line: 1, problems }]);
    }
    let columns: Vec<&str> = headers
        .iter()
        .map(|h| all.iter().copied().find(|c| c == h).unwrap_or_default())
        .collect();
    let mut out = Vec::new();
    let mut bad = Vec::new();
    let mut lines = Lines::new(text);
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.of(p.byte()));
                bad.push(RowProblem {
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
        if out.len() + bad.len() >= MAX_OUTCOME_ROWS {
            bad.push(RowProblem {
                line,
                problems: vec![FieldProblem::new(
                    "file",
                    format!("a file may have at most {MAX_OUTCOME_ROWS} rows"),
                    format!("파일 한 개에는 최대 {MAX_OUTCOME_ROWS}행까지 넣을 수 있습니다"),
                )],
            });
            break;
        }
        let mut row = Row {
            line,
            cells: columns
                .iter()
                .zip(record.iter())
                .map(|(c, v)| (*c, v.trim().to_owned()))
                .collect(),
            problems: Vec::new(),
        };
        if record.len() > columns.len() {
            row.problems.push(FieldProblem::new(
                "row",
                format!("the row has {} cells, the header {}", record.len(), columns.len()),
                format!("행의 칸 수({})가 머리글({})보다 많습니다", record.len(), columns.len()),
            ));
        }
        let value = each(&mut row);
        match value {
            Some(v) if row.problems.is_empty() => out.push(v),
            _ => bad.push(RowProblem {
                line,
                problems: row.problems,
            }),
        }
    }
    if bad.is_empty() {
        Ok(out)
    } else {
        Err(bad)
    }
}

/// Refuses a second row with the same `key`, naming the first row's line.
fn once<K: std::hash::Hash + Eq>(seen: &mut HashMap<K, usize>, key: K, row: &mut Row<'_>, what: &str, what_ko: &str) {
    if let Some(first) = seen.get(&key) {
        row.problems.push(FieldProblem::new(
            "row",
            format!("the same {what} as line {first}"),
            format!("{first}행과 같은 {what_ko}입니다"),
        ));
    } else {
        seen.insert(key, row.line);
    }
}

/// Reads an employment-insurance acquisition file (docs/outcomes-import.md).
pub fn parse_employment_csv(text: &str, key: &ExternalIdKey) -> Result<Vec<EmploymentRecord>, Vec<RowProblem>> {
    let mut seen = HashMap::new();
    read(text, OutcomeKind::Employment, |row| {
        let person_hash = row.person("person_id", key);
        let business_number = row.business_number();
        let acquired_on = row.date("acquired_on");
        let lost_on = row.optional_date("lost_on");
        let ksic_text = row.text("ksic").to_owned();
        let ksic = if ksic_text.is_empty() {
            None
        } else {
            row.ksic(&ksic_text)
        };
        let size_text = row.required("size_band").unwrap_or_default();
        let size_band = SizeBand::parse(&size_text);
        if size_band.is_none() && !size_text.is_empty() {
            let bands: Vec<&str> = SizeBand::ALL.iter().map(|b| b.as_str()).collect();
            row.problems.push(FieldProblem::new(
                "size_band",
                format!("`{size_text}` is not a size band ({})", bands.join(", ")),
                format!("`{size_text}`은(는) 규모 구분이 아닙니다 ({})", bands.join(", ")),
            ));
        }
        if let (Some(from), Some(to)) = (acquired_on, lost_on) {
            if to < from {
                row.problems.push(FieldProblem::new(
                    "lost_on",
                    "is before acquired_on",
                    "상실일이 취득일보다 앞섭니다",
                ));
            }
        }
        let (person_hash, business_number, acquired_on, size_band) =
            (person_hash?, business_number?, acquired_on?, size_band?);
        once(
            &mut seen,
            (person_hash.clone(), business_number.clone(), acquired_on),
            row,
            "person, employer and acquisition date",
            "사람·사업장·취득일",
        );
        Some(EmploymentRecord {
            line: row.line,
            person_hash,
            business_number,
            acquired_on,
            lost_on,
            ksic,
            size_band,
        })
    })
}

/// Reads a startup registration file (docs/outcomes-import.md); `region` is a 5-digit 시군구
/// code of `regions`.
pub fn parse_startups_csv(
    text: &str,
    key: &ExternalIdKey,
    regions: &RegionTable,
) -> Result<Vec<StartupRecord>, Vec<RowProblem>> {
    let mut seen = HashMap::new();
    read(text, OutcomeKind::Startups, |row| {
        let person_hash = row.person("founder_id", key);
        let business_number = row.business_number();
        let opened_on = row.date("opened_on");
        let ksic = row.required("ksic").and_then(|t| row.ksic(&t));
        let region = row.required("region").and_then(|text| {
            match RegionCode::parse(&text).ok().filter(|c| regions.get(*c).is_some()) {
                Some(code) => Some(code.to_string()),
                None => {
                    row.problems.push(FieldProblem::new(
                        "region",
                        format!("`{text}` is not a 시군구 code of the region table"),
                        format!("`{text}`은(는) 지역표의 시군구 코드가 아닙니다"),
                    ));
                    None
                }
            }
        });
        let (person_hash, business_number, opened_on, ksic, region_code) =
            (person_hash?, business_number?, opened_on?, ksic?, region?);
        once(
            &mut seen,
            business_number.clone(),
            row,
            "business number",
            "사업자등록번호",
        );
        Some(StartupRecord {
            line: row.line,
            person_hash,
            business_number,
            opened_on,
            ksic,
            region_code,
        })
    })
}

/// Reads an outside figures file (docs/outcomes-import.md); `known_metric` says whether an id is
/// a plan line, budget line or indicator of the policy.
pub fn parse_figures_csv(
    text: &str,
    known_metric: impl Fn(&str) -> bool,
) -> Result<Vec<FigureRecord>, Vec<RowProblem>> {
    let mut seen = HashMap::new();
    read(text, OutcomeKind::Figures, |row| {
        let metric = row.required("metric").filter(|m| {
            let known = known_metric(m);
            if !known {
                row.problems.push(FieldProblem::new(
                    "metric",
                    format!("`{m}` is not a plan line, budget line or indicator of the policy"),
                    format!("`{m}`은(는) 정책의 계획 항목·예산 항목·지표가 아닙니다"),
                ));
            }
            known
        });
        let value = row.required("value").and_then(|t| {
            let digits: String = t.chars().filter(|c| *c != ',' && *c != '_').collect();
            digits.parse::<i64>().ok().filter(|v| *v >= 0).or_else(|| {
                row.problems.push(FieldProblem::new(
                    "value",
                    format!("`{t}` is not a whole number of zero or more"),
                    format!("`{t}`은(는) 0 이상의 정수가 아닙니다"),
                ));
                None
            })
        });
        let unit = row.required("unit").filter(|u| {
            let known = FIGURE_UNITS.contains(&u.as_str());
            if !known {
                row.problems.push(FieldProblem::new(
                    "unit",
                    format!("`{u}` is not a unit ({})", FIGURE_UNITS.join(", ")),
                    format!("`{u}`은(는) 단위가 아닙니다 ({})", FIGURE_UNITS.join(", ")),
                ));
            }
            known
        });
        let as_of = row.date("as_of");
        let (metric, value, unit, as_of) = (metric?, value?, unit?, as_of?);
        once(
            &mut seen,
            (metric.clone(), as_of),
            row,
            "metric and date",
            "지표·기준일",
        );
        Some(FigureRecord {
            line: row.line,
            metric,
            value,
            unit,
            as_of,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> ExternalIdKey {
        ExternalIdKey::from_hex(&"ab".repeat(32)).unwrap()
    }

    fn regions() -> RegionTable {
        RegionTable::load(aiup_core::defaults::region_files()).unwrap()
    }

    #[test]
    fn employment_rows_are_read_and_identifiers_hashed() {
        let text = "person_id,business_number,acquired_on,lost_on,ksic,size_band\n\
                    W-0001,1208147521,2026-05-02,,J62,10_29\n\
                    W-0002,1208147521,2026-05-03,2026-09-30,,under_5\n";
        let records = parse_employment_csv(text, &key()).unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].person_hash, key().hash("W-0001").unwrap());
        assert!(!format!("{records:?}").contains("W-0001"));
        assert_eq!(records[1].line, 3);
        assert_eq!(records[1].lost_on, NaiveDate::from_ymd_opt(2026, 9, 30));
    }

    #[test]
    fn every_bad_row_is_listed_with_its_field() {
        let text = "person_id,business_number,acquired_on,size_band\n\
                    W-1,1208147521,2026-05-02,10_29\n\
                    900101-1234567,1234567890,2026-13-01,huge\n\
                    W-1,1208147521,2026-05-02,10_29\n";
        let bad = parse_employment_csv(text, &key()).unwrap_err();
        assert_eq!(bad.len(), 2);
        assert_eq!(bad[0].line, 3);
        let fields: Vec<&str> = bad[0].problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["person_id", "business_number", "acquired_on", "size_band"]);
        assert!(!bad[0].problems[0].reason.contains("900101"));
        assert_eq!(bad[1].line, 4);
        assert!(bad[1].problems[0].reason.contains("line 2"));
    }

    #[test]
    fn startups_need_a_known_region_and_one_row_per_business() {
        let text = "founder_id,business_number,opened_on,ksic,region\n\
                    F-1,1208147521,2025-03-02,J62,11110\n\
                    F-2,1208147521,2025-03-02,J62,99999\n";
        let bad = parse_startups_csv(text, &key(), &regions()).unwrap_err();
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].line, 3);
        let fields: Vec<&str> = bad[0].problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["region"]);
    }

    #[test]
    fn figures_name_a_known_metric_and_unit() {
        let text = "metric,value,unit,as_of\nlabs,4,sites,2026-06-30\nnope,-1,apples,2026-06-30\n";
        let bad = parse_figures_csv(text, |m| m == "labs").unwrap_err();
        let fields: Vec<&str> = bad[0].problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["metric", "value", "unit"]);
        let good = parse_figures_csv("metric,value,unit,as_of\nlabs,\"1,200\",people,2026-06-30\n", |m| {
            m == "labs"
        })
        .unwrap();
        assert_eq!(good[0].value, 1_200);
    }

    #[test]
    fn a_wrong_header_is_refused_at_line_one() {
        let bad = parse_figures_csv("metric,value,as_of,colour\n", |_| true).unwrap_err();
        assert_eq!(bad[0].line, 1);
        assert_eq!(bad[0].problems.len(), 2);
    }
}
