//! The partner ministries' AX programmes and how the plan works with each (seed 002 V-5 table,
//! `data/sme/partner-programmes.toml`), and their participant lists, matched by business number.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::firm::{FirmCsvKind, Lines};
use crate::{BusinessNumber, FieldProblem, RowProblem};

const PROGRAMMES_TOML: &str = include_str!("../../../data/sme/partner-programmes.toml");

/// A partner ministry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Ministry {
    /// 과학기술정보통신부.
    Msit,
    /// 중소벤처기업부.
    Mss,
    /// 산업통상자원부 (the plan's 산업부).
    Motie,
}

impl Ministry {
    pub const ALL: [Ministry; 3] = [Ministry::Msit, Ministry::Mss, Ministry::Motie];

    pub fn as_str(self) -> &'static str {
        match self {
            Ministry::Msit => "msit",
            Ministry::Mss => "mss",
            Ministry::Motie => "motie",
        }
    }

    pub fn parse(text: &str) -> Option<Ministry> {
        Ministry::ALL.into_iter().find(|m| m.as_str() == text.trim())
    }

    /// The ministry's name as the plan writes it (short), Korean and English.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Ministry::Msit => ("과기정통부", "Ministry of Science and ICT"),
            Ministry::Mss => ("중기부", "Ministry of SMEs and Startups"),
            Ministry::Motie => ("산업부", "Ministry of Trade, Industry and Energy"),
        }
    }
}

/// One of the four ways the plan works with a programme (seed 002 V-5, ①–④).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Collaboration {
    pub id: String,
    pub mark: String,
    pub name_ko: String,
    pub name_en: String,
    pub detail_ko: String,
    pub detail_en: String,
}

/// A partner programme: its ministry, names, and the collaborations the table marks.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PartnerProgramme {
    pub id: String,
    pub ministry: Ministry,
    pub name_ko: String,
    pub name_en: String,
    /// Ids of [`Collaboration`]s, in the table's order.
    pub collaborations: Vec<String>,
}

impl PartnerProgramme {
    pub fn has(&self, collaboration: &str) -> bool {
        self.collaborations.iter().any(|c| c == collaboration)
    }
}

/// The programmes file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PartnerTable {
    pub cite: String,
    #[serde(rename = "collaboration")]
    pub collaborations: Vec<Collaboration>,
    #[serde(rename = "programme")]
    pub programmes: Vec<PartnerProgramme>,
}

/// Why the programmes file does not load.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("data/sme/partner-programmes.toml: {0}")]
pub struct PartnerLoadError(String);

impl PartnerTable {
    /// Loads and checks the file: unique ids, names in both languages, known collaborations.
    pub fn load(text: &str) -> Result<PartnerTable, PartnerLoadError> {
        let table: PartnerTable = toml::from_str(text).map_err(|e| PartnerLoadError(e.to_string()))?;
        let mut ids = std::collections::BTreeSet::new();
        for p in &table.programmes {
            if !ids.insert(p.id.as_str()) || p.id.is_empty() {
                return Err(PartnerLoadError(format!(
                    "programme id `{}` is empty or repeated",
                    p.id
                )));
            }
            if p.name_ko.trim().is_empty() || p.name_en.trim().is_empty() {
                return Err(PartnerLoadError(format!(
                    "programme {} needs a Korean and an English name",
                    p.id
                )));
            }
            if let Some(c) = p
                .collaborations
                .iter()
                .find(|c| !table.collaborations.iter().any(|k| &k.id == *c))
            {
                return Err(PartnerLoadError(format!(
                    "programme {} names unknown collaboration `{c}`",
                    p.id
                )));
            }
        }
        Ok(table)
    }

    pub fn programme(&self, id: &str) -> Option<&PartnerProgramme> {
        self.programmes.iter().find(|p| p.id == id)
    }
}

/// The shipped table (a test loads the file).
pub fn partner_table() -> &'static PartnerTable {
    static TABLE: OnceLock<PartnerTable> = OnceLock::new();
    TABLE.get_or_init(|| PartnerTable::load(PROGRAMMES_TOML).unwrap_or_else(|e| panic!("{e}")))
}

/// The programmes of the shipped table, in the table's order.
pub fn partner_programmes() -> &'static [PartnerProgramme] {
    &partner_table().programmes
}

/// One row of a participant list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Participation {
    pub programme_id: String,
    pub business_number: BusinessNumber,
    pub year: u16,
}

/// The years a participation may name.
pub const YEARS: std::ops::RangeInclusive<u16> = 2000..=2100;
/// The most rows one participant file may have.
pub const MAX_PARTICIPANT_ROWS: usize = 300_000;

/// A refused participant file: every bad row (line 1 is the header).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} bad rows in the participant file; nothing was taken", rows.len())]
pub struct ParticipantCsvError {
    pub rows: Vec<RowProblem>,
}

impl ParticipantCsvError {
    /// The one kind of problem the file has, if it has one (for the error code).
    pub fn kind(&self) -> FirmCsvKind {
        let mut fields = self.rows.iter().flat_map(|r| &r.problems).map(|p| p.field.as_str());
        match fields.next() {
            Some("business_number") if fields.all(|f| f == "business_number") => FirmCsvKind::InvalidBusinessNumber,
            _ => FirmCsvKind::Invalid,
        }
    }
}

fn one(line: usize, field: &str, reason: String, reason_ko: String) -> RowProblem {
    RowProblem {
        line,
        problems: vec![FieldProblem::new(field, reason, reason_ko)],
    }
}

/// Reads a participant list: `programme_id,business_number,year` (any order; a `name` column is
/// allowed and ignored). With `programme`, the `programme_id` column may be left out, and every
/// row that has one must name that programme. Unknown programmes are named; every bad row is
/// listed and nothing returned if there is one.
pub fn parse_participants_csv(
    text: &str,
    programmes: &[PartnerProgramme],
    programme: Option<&str>,
) -> Result<Vec<Participation>, ParticipantCsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(id) = programme {
        if !programmes.iter().any(|p| p.id == id) {
            return Err(ParticipantCsvError {
                rows: vec![one(
                    1,
                    "programme_id",
                    format!("unknown partner programme `{id}`"),
                    format!("알 수 없는 협업 사업 `{id}`"),
                )],
            });
        }
    }
    let mut reader = ::csv::ReaderBuilder::new()
        .flexible(true)
        .trim(::csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(e) => {
            return Err(ParticipantCsvError {
                rows: vec![one(
                    1,
                    "header",
                    format!("the header cannot be read: {e}"),
                    format!("머리글 행을 읽을 수 없습니다: {e}"),
                )],
            })
        }
    };
    let mut header_problems = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        if !["programme_id", "business_number", "year", "name"].contains(&h.as_str()) {
            header_problems.push(FieldProblem::new(
                "header",
                format!("unknown column `{h}` (columns: programme_id, business_number, year, name)"),
                format!("알 수 없는 열 `{h}` (열: programme_id, business_number, year, name)"),
            ));
        } else if headers[..i].contains(h) {
            header_problems.push(FieldProblem::new(
                "header",
                format!("column `{h}` appears twice"),
                format!("`{h}` 열이 두 번 있습니다"),
            ));
        }
    }
    let position = |name: &str| headers.iter().position(|h| h == name);
    let required: &[&str] = if programme.is_some() {
        &["business_number", "year"]
    } else {
        &["programme_id", "business_number", "year"]
    };
    for c in required {
        if position(c).is_none() {
            header_problems.push(FieldProblem::new(
                "header",
                format!("the column `{c}` is missing"),
                format!("`{c}` 열이 없습니다"),
            ));
        }
    }
    if !header_problems.is_empty() {
        return Err(ParticipantCsvError {
            rows: vec![RowProblem {
                line: 1,
                problems: header_problems,
            }],
        });
    }
    let (p_col, n_col, y_col) = (position("programme_id"), position("business_number"), position("year"));
    let mut out = Vec::new();
    let mut rows = Vec::new();
    let mut seen: HashMap<(String, String, u16), usize> = HashMap::new();
    let mut lines = Lines::new(text);
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.of(p.byte()));
                rows.push(one(
                    line,
                    "row",
                    format!("the row cannot be read: {e}"),
                    format!("행을 읽을 수 없습니다: {e}"),
                ));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| lines.of(p.byte()));
        if out.len() + rows.len() >= MAX_PARTICIPANT_ROWS {
            rows.push(one(
                line,
                "file",
                format!("a file may have at most {MAX_PARTICIPANT_ROWS} rows; split it"),
                format!("한 파일에는 {MAX_PARTICIPANT_ROWS}행까지 넣을 수 있습니다. 나누어 올려 주세요"),
            ));
            break;
        }
        if record.len() != headers.len() {
            rows.push(one(
                line,
                "row",
                format!("{} fields, but the header has {}", record.len(), headers.len()),
                format!("칸이 {}개인데 머리글은 {}개입니다", record.len(), headers.len()),
            ));
            continue;
        }
        let cell = |c: Option<usize>| c.and_then(|c| record.get(c)).unwrap_or("");
        let mut problems = Vec::new();
        let id = match (cell(p_col), programme) {
            ("", Some(given)) => Some(given.to_owned()),
            (id, Some(given)) if id != given => {
                problems.push(FieldProblem::new(
                    "programme_id",
                    format!("`{id}`, but this list is for `{given}`"),
                    format!("`{id}`이(가) 적혀 있지만 이 명단은 `{given}` 사업의 명단입니다"),
                ));
                None
            }
            (id, _) if programmes.iter().any(|p| p.id == id) => Some(id.to_owned()),
            (id, _) => {
                let known: Vec<&str> = programmes.iter().map(|p| p.id.as_str()).collect();
                problems.push(FieldProblem::new(
                    "programme_id",
                    format!("unknown partner programme `{id}` (known: {})", known.join(", ")),
                    format!("알 수 없는 협업 사업 `{id}` (사업: {})", known.join(", ")),
                ));
                None
            }
        };
        let number = BusinessNumber::parse(cell(n_col), "business_number")
            .map_err(|p| problems.push(p))
            .ok();
        let year = match cell(y_col).parse::<u16>() {
            Ok(y) if YEARS.contains(&y) => Some(y),
            _ => {
                problems.push(FieldProblem::new(
                    "year",
                    format!(
                        "`{}` is not a year from {} to {}",
                        cell(y_col),
                        YEARS.start(),
                        YEARS.end()
                    ),
                    format!(
                        "`{}`은(는) {}~{}년 사이의 연도가 아닙니다",
                        cell(y_col),
                        YEARS.start(),
                        YEARS.end()
                    ),
                ));
                None
            }
        };
        match (id, number, year) {
            (Some(programme_id), Some(business_number), Some(year)) if problems.is_empty() => {
                let key = (programme_id.clone(), business_number.digits(), year);
                if let Some(first) = seen.get(&key) {
                    rows.push(one(
                        line,
                        "business_number",
                        format!("{business_number} in {programme_id} {year} is listed twice: on line {first} and on line {line}"),
                        format!("{business_number}({programme_id}, {year}년)이(가) 두 번 있습니다: {first}행과 {line}행"),
                    ));
                } else {
                    seen.insert(key, line);
                    out.push(Participation {
                        programme_id,
                        business_number,
                        year,
                    });
                }
            }
            _ => rows.push(RowProblem { line, problems }),
        }
    }
    if rows.is_empty() && out.is_empty() {
        rows.push(one(
            1,
            "header",
            "the file has no rows, only a header".to_owned(),
            "파일에 머리글만 있고 명단이 없습니다".to_owned(),
        ));
    }
    if rows.is_empty() {
        Ok(out)
    } else {
        Err(ParticipantCsvError { rows })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_seed_002_v5_exactly() {
        let table = PartnerTable::load(PROGRAMMES_TOML).expect("loads");
        assert_eq!(table.cite, "seed:002 V-5");
        let marks: Vec<String> = table.collaborations.iter().map(|c| c.mark.clone()).collect();
        assert_eq!(marks, ["①", "②", "③", "④"]);
        // Each row of the table: ministry, name, and which of ①–④ it marks.
        let expected: [(&str, Ministry, &str, &str); 7] = [
            ("msit-ai-voucher", Ministry::Msit, "AI 통합 바우처", "①②④"),
            ("msit-manufacturing-ai", Ministry::Msit, "제조업 AI 융합기반 조성", "①②"),
            ("mss-smart-factory", Ministry::Mss, "스마트공장 보급", "①②③④"),
            ("mss-ai-products", Ministry::Mss, "AI응용제품 신속 상용화", "①②③④"),
            (
                "mss-ax-sprint",
                Ministry::Mss,
                "AX 스프린트 우대 트랙 (혁신창업사업화자금/신성장기반자금)",
                "①",
            ),
            (
                "motie-industrial-ai",
                Ministry::Motie,
                "산업AI솔루션 실증·확산 지원",
                "①②",
            ),
            ("motie-robots", Ministry::Motie, "지능형로봇보급확산", "①②"),
        ];
        assert_eq!(table.programmes.len(), expected.len());
        for (p, (id, ministry, name, marks)) in table.programmes.iter().zip(expected) {
            assert_eq!((p.id.as_str(), p.ministry, p.name_ko.as_str()), (id, ministry, name));
            let got: String = table
                .collaborations
                .iter()
                .filter(|c| p.has(&c.id))
                .map(|c| c.mark.as_str())
                .collect();
            assert_eq!(got, marks, "{id}");
            assert!(!p.name_en.is_empty());
        }
    }

    #[test]
    fn a_table_naming_an_unknown_collaboration_is_refused() {
        let bad = PROGRAMMES_TOML.replacen("collaborations = [\"promotion\"]", "collaborations = [\"lunch\"]", 1);
        assert!(PartnerTable::load(&bad)
            .unwrap_err()
            .to_string()
            .contains("unknown collaboration `lunch`"));
    }

    #[test]
    fn participant_lists_read_and_every_bad_row_is_listed() {
        let programmes = partner_programmes();
        let good = "programme_id,business_number,year,name\n\
                    mss-smart-factory,220-81-62517,2025,한빛\n\
                    msit-ai-voucher,1248100998,2024,\n";
        let rows = parse_participants_csv(good, programmes, None).expect("good");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].business_number.digits(), "1248100998");
        assert_eq!(rows[1].year, 2024);

        let bad = "programme_id,business_number,year\n\
                   mss-smart-factory,220-81-62517,2025\n\
                   no-such-programme,220-81-62517,2025\n\
                   mss-smart-factory,220-81-62518,1999\n\
                   mss-smart-factory,2208162517,2025\n";
        let err = parse_participants_csv(bad, programmes, None).unwrap_err();
        let lines: Vec<(usize, Vec<&str>)> = err
            .rows
            .iter()
            .map(|r| (r.line, r.problems.iter().map(|p| p.field.as_str()).collect()))
            .collect();
        assert_eq!(
            lines,
            [
                (3, vec!["programme_id"]),
                (4, vec!["business_number", "year"]),
                (5, vec!["business_number"])
            ]
        );
        assert!(err.rows[0].problems[0]
            .reason
            .contains("unknown partner programme `no-such-programme`"));
        assert!(err.rows[2].problems[0].reason.contains("line 2 and on line 5"));
    }

    #[test]
    fn a_list_for_one_programme() {
        let programmes = partner_programmes();
        let rows = parse_participants_csv(
            "business_number,year\n220-81-62517,2025\n",
            programmes,
            Some("motie-robots"),
        )
        .expect("programme given");
        assert_eq!(rows[0].programme_id, "motie-robots");
        let err = parse_participants_csv(
            "programme_id,business_number,year\nmss-smart-factory,220-81-62517,2025\n",
            programmes,
            Some("motie-robots"),
        )
        .unwrap_err();
        assert!(err.rows[0].problems[0]
            .reason
            .contains("this list is for `motie-robots`"));
        let err = parse_participants_csv("business_number,year\n", programmes, Some("nope")).unwrap_err();
        assert!(err.rows[0].problems[0]
            .reason
            .contains("unknown partner programme `nope`"));
        let err = parse_participants_csv("business_number,year\n", programmes, None).unwrap_err();
        assert!(err.rows[0].problems[0].reason.contains("`programme_id` is missing"));
        let only_numbers = "business_number,year\n220-81-62518,2025\n";
        assert_eq!(
            parse_participants_csv(only_numbers, programmes, Some("motie-robots"))
                .unwrap_err()
                .kind(),
            FirmCsvKind::InvalidBusinessNumber
        );
    }
}
