//! The appendix-2 tables recomputed from answers: each question over its base (the firms it was
//! asked of), overall, by size band and by training experience.
//!
//! A percentage is kept as per-mille, rounded half up in integer arithmetic:
//! `(2000·count + base) / (2·base)`, so 231 of 1,013 is 228 (22.8%) and 54 of 169 (31.95…%)
//! is 320 (32.0%).

use serde::Serialize;

use super::{Experience, Field, Hours, Level, Method, Obstacle, Support, SurveyAnswer};
use crate::SizeBand;

/// `count` of `base` as per-mille, rounded half up; `None` for an empty base.
pub fn per_mille(count: u32, base: u32) -> Option<u32> {
    if base == 0 {
        return None;
    }
    let (count, base) = (u64::from(count), u64::from(base));
    u32::try_from((2000 * count + base) / (2 * base)).ok()
}

/// Per-mille as a percentage with one decimal: 228 → "22.8".
pub fn percent_text(per_mille: u32) -> String {
    format!("{}.{}", per_mille / 10, per_mille % 10)
}

/// Which firms a column counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Breakdown {
    Overall,
    Size(SizeBand),
    /// `true`: firms that have done AI training (경험 有); `false`: the others (경험 無:
    /// considering it or no plan).
    Experience(bool),
}

impl Breakdown {
    /// Every column of a table, in order: overall, the seven size bands, trained, not trained.
    pub fn all() -> Vec<Breakdown> {
        let mut all = vec![Breakdown::Overall];
        all.extend(SizeBand::ALL.into_iter().map(Breakdown::Size));
        all.push(Breakdown::Experience(true));
        all.push(Breakdown::Experience(false));
        all
    }

    /// `overall`, `size:under_5`, `experience:done`, `experience:not_done`.
    pub fn key(self) -> String {
        match self {
            Breakdown::Overall => "overall".to_string(),
            Breakdown::Size(band) => format!("size:{}", band.as_str()),
            Breakdown::Experience(true) => "experience:done".to_string(),
            Breakdown::Experience(false) => "experience:not_done".to_string(),
        }
    }

    pub fn parse(key: &str) -> Option<Breakdown> {
        Breakdown::all().into_iter().find(|b| b.key() == key)
    }

    pub fn label(self) -> (String, String) {
        match self {
            Breakdown::Overall => ("전체".into(), "All firms".into()),
            Breakdown::Size(band) => (band.label().0.into(), band.label().1.into()),
            Breakdown::Experience(true) => ("AI 훈련경험 有".into(), "Has done AI training".into()),
            Breakdown::Experience(false) => ("AI 훈련경험 無".into(), "Has not done AI training".into()),
        }
    }

    fn holds(self, answer: &SurveyAnswer) -> bool {
        match self {
            Breakdown::Overall => true,
            Breakdown::Size(band) => answer.size_band == band,
            Breakdown::Experience(done) => answer.trained() == done,
        }
    }
}

/// One answer option of a table (a row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowDef {
    pub key: &'static str,
    pub ko: &'static str,
    pub en: &'static str,
}

/// A count over a base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Cell {
    pub count: u32,
    pub base: u32,
}

impl Cell {
    pub fn per_mille(self) -> Option<u32> {
        per_mille(self.count, self.base)
    }

    /// "22.8", or "–" for an empty base.
    pub fn percent(self) -> String {
        self.per_mille().map_or_else(|| "–".to_string(), percent_text)
    }
}

/// One breakdown's column of a table: its base and a count per row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    pub breakdown: Breakdown,
    pub base: u32,
    pub counts: Vec<u32>,
}

/// One appendix-2 table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    pub id: &'static str,
    pub title_ko: &'static str,
    pub title_en: &'static str,
    /// Who the question was asked of (the base of every percentage).
    pub base_ko: &'static str,
    pub base_en: &'static str,
    /// Several answers allowed (shares add up to more than 100%).
    pub multiple: bool,
    pub rows: Vec<RowDef>,
    pub columns: Vec<Column>,
}

impl Table {
    pub fn column(&self, breakdown: Breakdown) -> Option<&Column> {
        self.columns.iter().find(|c| c.breakdown == breakdown)
    }

    pub fn cell(&self, row: &str, breakdown: Breakdown) -> Option<Cell> {
        let index = self.rows.iter().position(|r| r.key == row)?;
        let column = self.column(breakdown)?;
        Some(Cell {
            count: column.counts[index],
            base: column.base,
        })
    }
}

/// Every table of appendix 2, in the appendix's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SurveyTables {
    pub respondents: u32,
    pub tables: Vec<Table>,
}

impl SurveyTables {
    pub fn table(&self, id: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.id == id)
    }
}

type Base = fn(&SurveyAnswer) -> bool;
type Hit = fn(&SurveyAnswer, usize) -> bool;

struct Spec {
    id: &'static str,
    title: (&'static str, &'static str),
    base: (&'static str, &'static str),
    base_fn: Base,
    multiple: bool,
    rows: Vec<RowDef>,
    hit: Hit,
}

fn rows_of<T: Copy>(
    all: &[T],
    key: fn(T) -> &'static str,
    label: fn(T) -> (&'static str, &'static str),
) -> Vec<RowDef> {
    all.iter()
        .map(|v| RowDef {
            key: key(*v),
            ko: label(*v).0,
            en: label(*v).1,
        })
        .collect()
}

fn yes_no(
    yes: (&'static str, &'static str, &'static str),
    no: (&'static str, &'static str, &'static str),
) -> Vec<RowDef> {
    vec![
        RowDef {
            key: yes.0,
            ko: yes.1,
            en: yes.2,
        },
        RowDef {
            key: no.0,
            ko: no.1,
            en: no.2,
        },
    ]
}

const ALL_FIRMS: (&str, &str) = ("응답기업 전체", "All responding firms");
const TRAINED: (&str, &str) = ("AI 훈련경험이 있는 기업", "Firms that have done AI training");
const NEEDING: (&str, &str) = ("AI 훈련이 필요하다는 기업", "Firms that need AI training");

fn specs() -> Vec<Spec> {
    let fields = rows_of(Field::ALL, Field::as_str, Field::label);
    let methods = rows_of(Method::ALL, Method::as_str, Method::label);
    let levels = rows_of(Level::ALL, Level::as_str, Level::label);
    let hours = rows_of(Hours::ALL, Hours::as_str, Hours::label);
    let obstacles = rows_of(Obstacle::ALL, Obstacle::as_str, Obstacle::label);
    vec![
        Spec {
            id: "ai_use",
            title: ("AI 기술 활용 여부", "Use of AI at work"),
            base: ALL_FIRMS,
            base_fn: |_| true,
            multiple: false,
            rows: yes_no(("used", "활용", "Uses AI"), ("not_used", "미활용", "Does not use AI")),
            hit: |a, i| a.ai_use == (i == 0),
        },
        Spec {
            id: "experience",
            title: ("AI 훈련 경험 여부", "AI-training experience"),
            base: ALL_FIRMS,
            base_fn: |_| true,
            multiple: false,
            rows: rows_of(Experience::ALL, Experience::as_str, Experience::label),
            hit: |a, i| a.experience.index() == i,
        },
        Spec {
            id: "need",
            title: ("AI 훈련 필요성", "Need for AI training"),
            base: ALL_FIRMS,
            base_fn: |_| true,
            multiple: false,
            rows: yes_no(("need", "필요", "Needed"), ("no_need", "불필요", "Not needed")),
            hit: |a, i| a.need == (i == 0),
        },
        Spec {
            id: "intent",
            title: ("향후 3년내 AI 훈련 의향", "Intent to do AI training within three years"),
            base: ALL_FIRMS,
            base_fn: |_| true,
            multiple: false,
            rows: yes_no(
                ("yes", "의향있음", "Intends to"),
                ("no", "의향없음", "Does not intend to"),
            ),
            hit: |a, i| a.intent == (i == 0),
        },
        Spec {
            id: "fields_done",
            title: ("실시한 AI 훈련 분야", "Fields of AI training done"),
            base: TRAINED,
            base_fn: SurveyAnswer::trained,
            multiple: true,
            rows: fields.clone(),
            hit: |a, i| a.fields_done.contains(i),
        },
        Spec {
            id: "fields_needed",
            title: ("필요한 AI 훈련 분야", "Fields of AI training needed"),
            base: NEEDING,
            base_fn: |a| a.need,
            multiple: true,
            rows: fields,
            hit: |a, i| a.fields_needed.contains(i),
        },
        Spec {
            id: "methods_done",
            title: ("실시한 AI 훈련 방식", "Methods of AI training done"),
            base: TRAINED,
            base_fn: SurveyAnswer::trained,
            multiple: false,
            rows: methods.clone(),
            hit: |a, i| a.method_done.map(Method::index) == Some(i),
        },
        Spec {
            id: "methods_needed",
            title: ("필요한 AI 훈련 방식", "Methods of AI training needed"),
            base: NEEDING,
            base_fn: |a| a.need,
            multiple: false,
            rows: methods,
            hit: |a, i| a.method_needed.map(Method::index) == Some(i),
        },
        Spec {
            id: "method_mode_needed",
            title: (
                "필요한 AI 훈련: 집체 대 원격",
                "AI training needed: classroom or remote",
            ),
            base: (
                "필요한 훈련방식을 답한 기업",
                "Firms that named a method of training needed",
            ),
            base_fn: |a| a.need && a.method_needed.is_some(),
            multiple: false,
            rows: yes_no(("classroom", "집체", "Classroom"), ("remote", "원격", "Remote")),
            hit: |a, i| a.method_needed.map(Method::remote) == Some(i == 1),
        },
        Spec {
            id: "levels_done",
            title: ("실시한 AI 훈련 수준", "Levels of AI training done"),
            base: TRAINED,
            base_fn: SurveyAnswer::trained,
            multiple: false,
            rows: levels.clone(),
            hit: |a, i| a.level_done.map(Level::index) == Some(i),
        },
        Spec {
            id: "levels_needed",
            title: ("필요한 AI 훈련 수준", "Levels of AI training needed"),
            base: NEEDING,
            base_fn: |a| a.need,
            multiple: false,
            rows: levels,
            hit: |a, i| a.level_needed.map(Level::index) == Some(i),
        },
        Spec {
            id: "hours_done",
            title: ("실시한 AI 훈련 시간", "Hours of AI training done"),
            base: TRAINED,
            base_fn: SurveyAnswer::trained,
            multiple: false,
            rows: hours.clone(),
            hit: |a, i| a.hours_done.map(Hours::index) == Some(i),
        },
        Spec {
            id: "hours_needed",
            title: ("필요한 AI 훈련 시간", "Hours of AI training needed"),
            base: NEEDING,
            base_fn: |a| a.need,
            multiple: false,
            rows: hours,
            hit: |a, i| a.hours_needed.map(Hours::index) == Some(i),
        },
        Spec {
            id: "obstacles_done",
            title: ("AI 훈련 애로사항 (경험기업)", "Obstacles met in AI training done"),
            base: TRAINED,
            base_fn: SurveyAnswer::trained,
            multiple: true,
            rows: obstacles.clone(),
            hit: |a, i| a.obstacles_done.contains(i),
        },
        Spec {
            id: "obstacles_needed",
            title: (
                "AI 훈련 애로사항 (수요기업)",
                "Obstacles expected to the AI training needed",
            ),
            base: (
                "AI 훈련이 필요하거나 3년내 의향이 있는 기업",
                "Firms that need AI training or intend it within three years",
            ),
            base_fn: SurveyAnswer::demand,
            multiple: true,
            rows: obstacles,
            hit: |a, i| a.obstacles_needed.contains(i),
        },
        Spec {
            id: "support",
            title: ("필요한 정부 지원사항", "Government support wanted"),
            base: ALL_FIRMS,
            base_fn: |_| true,
            multiple: true,
            rows: rows_of(Support::ALL, Support::as_str, Support::label),
            hit: |a, i| a.support.contains(i),
        },
    ]
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Every appendix-2 table for these answers, each with all its breakdowns.
pub fn tables(answers: &[SurveyAnswer]) -> SurveyTables {
    let tables = specs()
        .into_iter()
        .map(|spec| {
            let columns = Breakdown::all()
                .into_iter()
                .map(|breakdown| {
                    let base: Vec<&SurveyAnswer> = answers
                        .iter()
                        .filter(|a| breakdown.holds(a) && (spec.base_fn)(a))
                        .collect();
                    let counts = (0..spec.rows.len())
                        .map(|i| count(base.iter().filter(|a| (spec.hit)(a, i)).count()))
                        .collect();
                    Column {
                        breakdown,
                        base: count(base.len()),
                        counts,
                    }
                })
                .collect();
            Table {
                id: spec.id,
                title_ko: spec.title.0,
                title_en: spec.title.1,
                base_ko: spec.base.0,
                base_en: spec.base.1,
                multiple: spec.multiple,
                rows: spec.rows,
                columns,
            }
        })
        .collect();
    SurveyTables {
        respondents: count(answers.len()),
        tables,
    }
}

/// The header of [`tables_csv`].
pub const TABLES_CSV_HEADER: &str = "table,row,label_ko,label_en,breakdown,count,base,percent";

/// Tables as CSV, one line per cell (long form): every row of every column. Labels contain no
/// comma or quote, so nothing is quoted.
pub fn tables_csv<'a>(tables: impl IntoIterator<Item = &'a Table>) -> String {
    use std::fmt::Write as _;
    let mut out = String::from(TABLES_CSV_HEADER);
    out.push('\n');
    for table in tables {
        for column in &table.columns {
            for (row, count) in table.rows.iter().zip(&column.counts) {
                let cell = Cell {
                    count: *count,
                    base: column.base,
                };
                let percent = cell.per_mille().map(percent_text).unwrap_or_default();
                let _ = writeln!(
                    out,
                    "{},{},{},{},{},{},{},{}",
                    table.id,
                    row.key,
                    row.ko.replace(',', " "),
                    row.en.replace(',', ";"),
                    column.breakdown.key(),
                    count,
                    column.base,
                    percent
                );
            }
        }
    }
    out
}
