//! The survey's CSV form (docs/sme-survey.md): one row per firm, codes only, so no quoting.

use std::collections::HashSet;
use std::fmt::Write as _;

use super::{province, Choices, Experience, Field, Hours, Level, Method, Obstacle, Support, SurveyAnswer};
use crate::{BusinessNumber, FieldProblem, RowProblem, SizeBand};

/// The header line, in this column order.
pub const SURVEY_CSV_HEADER: &str = "business_number,size_band,province,ai_use,experience,need,intent,fields_done,fields_needed,method_done,method_needed,level_done,level_needed,hours_done,hours_needed,obstacles_done,obstacles_needed,support";

fn columns() -> Vec<&'static str> {
    SURVEY_CSV_HEADER.split(',').collect()
}

/// Parses survey answers. Every bad row is listed (line numbers count the header as line 1);
/// if any row is bad, no answer is returned.
pub fn parse_survey_csv(text: &str) -> Result<Vec<SurveyAnswer>, Vec<RowProblem>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let expected = columns();
    let Some((header_index, header)) = lines.next() else {
        return Err(vec![RowProblem {
            line: 1,
            problems: vec![FieldProblem::new("header", "the file is empty", "파일이 비어 있습니다")],
        }]);
    };
    let header: Vec<&str> = header.split(',').map(str::trim).collect();
    if header != expected {
        return Err(vec![RowProblem {
            line: header_index + 1,
            problems: vec![FieldProblem::new(
                "header",
                format!("the header must be: {SURVEY_CSV_HEADER}"),
                format!("머리행은 다음과 같아야 합니다: {SURVEY_CSV_HEADER}"),
            )],
        }]);
    }
    let mut answers = Vec::new();
    let mut bad = Vec::new();
    let mut seen = HashSet::new();
    for (index, line) in lines {
        let mut row = Row::default();
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        if cells.len() != expected.len() {
            bad.push(RowProblem {
                line: index + 1,
                problems: vec![FieldProblem::new(
                    "row",
                    format!("expected {} columns, found {}", expected.len(), cells.len()),
                    format!("열이 {}개여야 하는데 {}개입니다", expected.len(), cells.len()),
                )],
            });
            continue;
        }
        let answer = row.answer(&cells);
        if let Some(number) = answer.as_ref().and_then(|a| a.business_number.as_ref()) {
            if !seen.insert(number.digits()) {
                row.problem(
                    "business_number",
                    format!("{number} appears on an earlier row"),
                    format!("{number}이(가) 앞의 행에 이미 있습니다"),
                );
            }
        }
        match answer {
            Some(answer) if row.problems.is_empty() => answers.push(answer),
            _ => bad.push(RowProblem {
                line: index + 1,
                problems: row.problems,
            }),
        }
    }
    if bad.is_empty() {
        Ok(answers)
    } else {
        Err(bad)
    }
}

#[derive(Default)]
struct Row {
    problems: Vec<FieldProblem>,
}

impl Row {
    fn problem(&mut self, field: &str, reason: impl Into<String>, reason_ko: impl Into<String>) {
        self.problems.push(FieldProblem::new(field, reason, reason_ko));
    }

    fn yes_no(&mut self, field: &str, text: &str) -> Option<bool> {
        match text {
            "yes" => Some(true),
            "no" => Some(false),
            "" => {
                self.problem(field, "missing: yes or no", "빠졌습니다: yes 또는 no");
                None
            }
            _ => {
                self.problem(
                    field,
                    format!("{text:?} is not yes or no"),
                    format!("{text:?}은(는) yes 또는 no가 아닙니다"),
                );
                None
            }
        }
    }

    /// One option number in 1..=options, or empty.
    fn single(&mut self, field: &str, text: &str, options: usize) -> Option<Option<usize>> {
        if text.is_empty() {
            return Some(None);
        }
        match text.parse::<usize>() {
            Ok(n) if (1..=options).contains(&n) => Some(Some(n - 1)),
            _ => {
                self.problem(
                    field,
                    format!("{text:?} is out of range: an answer number from 1 to {options}"),
                    format!("{text:?}은(는) 범위를 벗어났습니다: 1부터 {options}까지의 응답 번호"),
                );
                None
            }
        }
    }

    /// Option numbers in 1..=options joined by `;`, each at most once, or empty.
    fn multiple(&mut self, field: &str, text: &str, options: usize) -> Option<Choices> {
        let mut set = Choices::NONE;
        if text.is_empty() {
            return Some(set);
        }
        for part in text.split(';').map(str::trim) {
            match part.parse::<usize>() {
                Ok(n) if (1..=options).contains(&n) && !set.contains(n - 1) => set = set.with(n - 1),
                Ok(n) if (1..=options).contains(&n) => {
                    self.problem(
                        field,
                        format!("answer {n} is given twice"),
                        format!("응답 {n}이(가) 두 번 있습니다"),
                    );
                    return None;
                }
                _ => {
                    self.problem(
                        field,
                        format!("{part:?} is out of range: answer numbers from 1 to {options}, joined by ;"),
                        format!("{part:?}은(는) 범위를 벗어났습니다: 1부터 {options}까지의 응답 번호를 ;로 잇습니다"),
                    );
                    return None;
                }
            }
        }
        Some(set)
    }

    fn not_asked(&mut self, field: &str, given: bool, asked: bool, of_en: &str, of_ko: &str) {
        if given && !asked {
            self.problem(
                field,
                format!("answered, but this question is asked only of {of_en}"),
                format!("이 문항은 {of_ko}에게만 묻는데 응답이 있습니다"),
            );
        }
    }

    fn answer(&mut self, c: &[&str]) -> Option<SurveyAnswer> {
        let business_number = if c[0].is_empty() {
            Some(None)
        } else {
            match BusinessNumber::parse(c[0], "business_number") {
                Ok(n) => Some(Some(n)),
                Err(problem) => {
                    self.problems.push(problem);
                    None
                }
            }
        };
        let size_band = SizeBand::parse(c[1]);
        if size_band.is_none() {
            let bands: Vec<&str> = SizeBand::ALL.iter().map(|b| b.as_str()).collect();
            self.problem(
                "size_band",
                format!("{:?} is not a size band ({})", c[1], bands.join(", ")),
                format!("{:?}은(는) 규모 구간이 아닙니다 ({})", c[1], bands.join(", ")),
            );
        }
        let province_ok = province(c[2]).is_some();
        if !province_ok {
            self.problem(
                "province",
                format!("{:?} is not one of the 17 province codes (11, 26, … 52)", c[2]),
                format!("{:?}은(는) 17개 시도 코드(11, 26, … 52)가 아닙니다", c[2]),
            );
        }
        let ai_use = self.yes_no("ai_use", c[3]);
        let experience = Experience::parse(c[4]);
        if experience.is_none() {
            self.problem(
                "experience",
                format!("{:?} is not done, considering or none", c[4]),
                format!("{:?}은(는) done, considering, none 가운데 하나가 아닙니다", c[4]),
            );
        }
        let need = self.yes_no("need", c[5]);
        let intent = self.yes_no("intent", c[6]);
        let fields_done = self.multiple("fields_done", c[7], Field::ALL.len());
        let fields_needed = self.multiple("fields_needed", c[8], Field::ALL.len());
        let method_done = self.single("method_done", c[9], Method::ALL.len());
        let method_needed = self.single("method_needed", c[10], Method::ALL.len());
        let level_done = self.single("level_done", c[11], Level::ALL.len());
        let level_needed = self.single("level_needed", c[12], Level::ALL.len());
        let hours_done = self.single("hours_done", c[13], Hours::ALL.len());
        let hours_needed = self.single("hours_needed", c[14], Hours::ALL.len());
        let obstacles_done = self.multiple("obstacles_done", c[15], Obstacle::ALL.len());
        let obstacles_needed = self.multiple("obstacles_needed", c[16], Obstacle::ALL.len());
        let support = self.multiple("support", c[17], Support::ALL.len());

        if let Some(experience) = experience {
            let trained = experience == Experience::Done;
            for (i, field) in [
                (7, "fields_done"),
                (9, "method_done"),
                (11, "level_done"),
                (13, "hours_done"),
                (15, "obstacles_done"),
            ] {
                self.not_asked(
                    field,
                    !c[i].is_empty(),
                    trained,
                    "firms that have done AI training",
                    "AI 훈련경험이 있는 기업",
                );
            }
        }
        if let Some(need) = need {
            for (i, field) in [
                (8, "fields_needed"),
                (10, "method_needed"),
                (12, "level_needed"),
                (14, "hours_needed"),
            ] {
                self.not_asked(
                    field,
                    !c[i].is_empty(),
                    need,
                    "firms that need AI training",
                    "AI 훈련이 필요하다는 기업",
                );
            }
        }
        if let (Some(need), Some(intent)) = (need, intent) {
            self.not_asked(
                "obstacles_needed",
                !c[16].is_empty(),
                need || intent,
                "firms that need or intend AI training",
                "AI 훈련이 필요하거나 의향이 있는 기업",
            );
        }
        Some(SurveyAnswer {
            business_number: business_number?,
            size_band: size_band?,
            province: province_ok.then(|| c[2].to_string())?,
            ai_use: ai_use?,
            experience: experience?,
            need: need?,
            intent: intent?,
            fields_done: fields_done?,
            fields_needed: fields_needed?,
            method_done: method_done?.and_then(Method::from_index),
            method_needed: method_needed?.and_then(Method::from_index),
            level_done: level_done?.and_then(Level::from_index),
            level_needed: level_needed?.and_then(Level::from_index),
            hours_done: hours_done?.and_then(Hours::from_index),
            hours_needed: hours_needed?.and_then(Hours::from_index),
            obstacles_done: obstacles_done?,
            obstacles_needed: obstacles_needed?,
            support: support?,
        })
    }
}

fn yn(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

fn multi(c: Choices) -> String {
    c.indexes().map(|i| (i + 1).to_string()).collect::<Vec<_>>().join(";")
}

fn single(i: Option<usize>) -> String {
    i.map(|i| (i + 1).to_string()).unwrap_or_default()
}

/// Writes answers in the CSV form [`parse_survey_csv`] reads (header first, `\n` line ends).
pub fn write_survey_csv(answers: &[SurveyAnswer]) -> String {
    let mut out = String::with_capacity(64 * (answers.len() + 1));
    out.push_str(SURVEY_CSV_HEADER);
    out.push('\n');
    for a in answers {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            a.business_number
                .as_ref()
                .map(BusinessNumber::digits)
                .unwrap_or_default(),
            a.size_band.as_str(),
            a.province,
            yn(a.ai_use),
            a.experience.as_str(),
            yn(a.need),
            yn(a.intent),
            multi(a.fields_done),
            multi(a.fields_needed),
            single(a.method_done.map(Method::index)),
            single(a.method_needed.map(Method::index)),
            single(a.level_done.map(Level::index)),
            single(a.level_needed.map(Level::index)),
            single(a.hours_done.map(Hours::index)),
            single(a.hours_needed.map(Hours::index)),
            multi(a.obstacles_done),
            multi(a.obstacles_needed),
            multi(a.support),
        );
    }
    out
}
