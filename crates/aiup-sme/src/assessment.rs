//! Scoring a diagnosis: the answers to the questionnaire become the firm's AX level (초급, 중급,
//! 고급 by the thresholds in the data file), with the reasons (every scoring answer and its
//! points, in Korean and English), the needs and the preferences the prescription reads.
//!
//! Answers are what a form sends: item id → the values given (option ids; `yes`/`no`; a
//! number as text). They are stored compactly with [`encode`] and read back with [`decode`].

use std::collections::BTreeMap;

use aiup_core::policy::Text;
use serde::Serialize;

use crate::questionnaire::{Area, Item, Kind, Questionnaire, Role};
use crate::{AxLevel, FieldProblem};

/// Item id → the values given.
pub type Answers = BTreeMap<String, Vec<String>>;

/// One scoring answer and what it gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub item_id: String,
    pub area: Option<Area>,
    pub question: Text,
    pub answer: Text,
    pub points: u32,
    pub max_points: u32,
}

/// A scored diagnosis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    pub level: AxLevel,
    pub points: u32,
    pub max_points: u32,
    pub intermediate_from: u32,
    pub advanced_from: u32,
    pub reasons: Vec<Reason>,
    pub uses_ai: bool,
    pub ai_training: String,
    pub ai_training_hours: u32,
    pub need: bool,
    pub intent: bool,
    /// Option ids of the needs item (the survey's eight fields).
    pub needs: Vec<String>,
    pub method: String,
    pub length: String,
    pub obstacles: Vec<String>,
    pub support: Vec<String>,
    pub level_wanted: String,
    pub questionnaire_version: String,
}

/// The answers as one line: `id=a,b;id=c` in item id order.
pub fn encode(answers: &Answers) -> String {
    answers
        .iter()
        .map(|(id, values)| format!("{id}={}", values.join(",")))
        .collect::<Vec<_>>()
        .join(";")
}

/// [`encode`]'s inverse (a stored line; an empty value list stays empty).
pub fn decode(line: &str) -> Answers {
    line.split(';')
        .filter(|part| !part.is_empty())
        .filter_map(|part| part.split_once('='))
        .map(|(id, values)| {
            let values = values.split(',').filter(|v| !v.is_empty()).map(str::to_owned).collect();
            (id.to_owned(), values)
        })
        .collect()
}

fn problem(item: &Item, en: &str, ko: &str) -> FieldProblem {
    FieldProblem::new(item.id.clone(), en, ko)
}

/// What one item's answer was, checked: the options chosen, or a number, or yes/no.
enum Given<'a> {
    Options(Vec<&'a crate::questionnaire::Choice>),
    Yes(bool),
    Number(u32),
}

fn check<'a>(item: &'a Item, values: &[String]) -> Result<Given<'a>, FieldProblem> {
    let values: Vec<&str> = values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()).collect();
    match item.kind {
        Kind::Single | Kind::Multi => {
            let mut chosen = Vec::with_capacity(values.len());
            for v in &values {
                let Some(option) = item.option(v) else {
                    return Err(problem(
                        item,
                        &format!("`{v}` is not one of this question's options"),
                        &format!("`{v}`은(는) 이 문항의 보기가 아닙니다"),
                    ));
                };
                if chosen.iter().any(|c: &&crate::questionnaire::Choice| c.id == option.id) {
                    return Err(problem(
                        item,
                        "an option is chosen twice",
                        "같은 보기를 두 번 골랐습니다",
                    ));
                }
                chosen.push(option);
            }
            if item.kind == Kind::Single && chosen.len() != 1 {
                return Err(if chosen.is_empty() {
                    problem(item, "choose one option", "보기 하나를 고르세요")
                } else {
                    problem(item, "choose only one option", "보기는 하나만 고르세요")
                });
            }
            if chosen.len() < item.min as usize {
                return Err(problem(
                    item,
                    &format!("choose at least {}", item.min),
                    &format!("{}개 이상 고르세요", item.min),
                ));
            }
            Ok(Given::Options(chosen))
        }
        Kind::YesNo => match values.as_slice() {
            ["yes"] => Ok(Given::Yes(true)),
            ["no"] => Ok(Given::Yes(false)),
            [] => Err(problem(item, "answer yes or no", "예 또는 아니오로 답하세요")),
            _ => Err(problem(
                item,
                "the answer must be yes or no",
                "답은 예 또는 아니오여야 합니다",
            )),
        },
        Kind::Number => {
            let [text] = values.as_slice() else {
                return Err(problem(item, "enter a number", "숫자를 입력하세요"));
            };
            match text.parse::<u32>() {
                Ok(n) if (item.min..=item.max).contains(&n) => Ok(Given::Number(n)),
                _ => Err(problem(
                    item,
                    &format!("enter a whole number from {} to {}", item.min, item.max),
                    &format!("{}부터 {}까지의 정수를 입력하세요", item.min, item.max),
                )),
            }
        }
    }
}

/// Scores `answers`, or names every missing or out-of-range answer (and any answer to a
/// question the questionnaire does not have).
pub fn assess(q: &Questionnaire, answers: &Answers) -> Result<Assessment, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    for id in answers.keys() {
        if q.item(id).is_none() {
            problems.push(FieldProblem::new(
                id.clone(),
                "no such question",
                "설문에 없는 문항입니다",
            ));
        }
    }
    let empty = Vec::new();
    let mut given = BTreeMap::new();
    for item in &q.items {
        match check(item, answers.get(&item.id).unwrap_or(&empty)) {
            Ok(g) => {
                given.insert(item.id.as_str(), g);
            }
            Err(p) => problems.push(p),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut reasons = Vec::new();
    let mut points = 0;
    for item in &q.items {
        let max_points = item.max_points();
        if max_points == 0 {
            continue;
        }
        let (answer, got) = match &given[item.id.as_str()] {
            Given::Options(chosen) => (
                Text {
                    ko: chosen
                        .iter()
                        .map(|c| c.label.ko.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    en: chosen
                        .iter()
                        .map(|c| c.label.en.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                },
                chosen.iter().map(|c| c.points).sum(),
            ),
            Given::Number(n) => {
                let unit = item.unit.clone().unwrap_or(Text {
                    ko: String::new(),
                    en: String::new(),
                });
                let band = item.bands.iter().rev().find(|b| b.from <= *n).map_or(0, |b| b.points);
                (
                    Text {
                        ko: format!("{n}{}", unit.ko),
                        en: format!("{n} {}", unit.en),
                    },
                    band,
                )
            }
            Given::Yes(_) => continue,
        };
        points += got;
        reasons.push(Reason {
            item_id: item.id.clone(),
            area: item.area,
            question: item.question.clone(),
            answer,
            points: got,
            max_points,
        });
    }
    let options = |role: Role| -> Vec<String> {
        match &given[q.by_role(role).id.as_str()] {
            Given::Options(chosen) => chosen.iter().map(|c| c.id.clone()).collect(),
            _ => Vec::new(),
        }
    };
    let one = |role: Role| options(role).into_iter().next().unwrap_or_default();
    let yes = |role: Role| matches!(given[q.by_role(role).id.as_str()], Given::Yes(true));
    let hours = match given[q.by_role(Role::AiTrainingHours).id.as_str()] {
        Given::Number(n) => n,
        _ => 0,
    };
    let level = if points >= q.scoring.advanced_from {
        AxLevel::Advanced
    } else if points >= q.scoring.intermediate_from {
        AxLevel::Intermediate
    } else {
        AxLevel::Beginner
    };
    Ok(Assessment {
        level,
        points,
        max_points: q.max_points(),
        intermediate_from: q.scoring.intermediate_from,
        advanced_from: q.scoring.advanced_from,
        reasons,
        uses_ai: one(Role::AiUse) == "used",
        ai_training: one(Role::AiTraining),
        ai_training_hours: hours,
        need: yes(Role::Need),
        intent: yes(Role::Intent),
        needs: options(Role::Needs),
        method: one(Role::Method),
        length: one(Role::Length),
        obstacles: options(Role::Obstacles),
        support: options(Role::Support),
        level_wanted: one(Role::LevelWanted),
        questionnaire_version: q.version.clone(),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::questionnaire::questionnaire;

    /// A complete set of answers: readiness options by index (0–3) in every area.
    pub(crate) fn answers(readiness: usize, used: bool, training: &str, hours: u32) -> Answers {
        let q = questionnaire();
        let mut a = Answers::new();
        let set = |a: &mut Answers, id: &str, values: &[&str]| {
            a.insert(id.to_owned(), values.iter().map(|v| (*v).to_owned()).collect());
        };
        set(&mut a, "ai_use", &[if used { "used" } else { "not_used" }]);
        set(&mut a, "ai_use_fields", if used { &["office"] } else { &[] });
        set(&mut a, "ai_training", &[training]);
        a.insert("ai_training_hours".into(), vec![hours.to_string()]);
        set(&mut a, "need", &["yes"]);
        set(&mut a, "intent", &["yes"]);
        set(&mut a, "needs", &["production", "office"]);
        set(&mut a, "method", &["outsourced_remote"]);
        set(&mut a, "length", &["4_8h"]);
        set(&mut a, "obstacles", &["time", "cost"]);
        set(&mut a, "support", &["diagnosis_consulting"]);
        set(&mut a, "level_wanted", &["work_practice"]);
        for item in q.items.iter().filter(|i| i.role == Role::Readiness) {
            a.insert(item.id.clone(), vec![item.options[readiness].id.clone()]);
        }
        a
    }

    #[test]
    fn the_level_follows_the_points_and_the_thresholds() {
        let q = questionnaire();
        let low = assess(q, &answers(0, false, "none", 0)).unwrap();
        assert_eq!((low.level, low.points), (AxLevel::Beginner, 0));
        // 10 (use) + 10 (training) + 2 (4 h) + 4 × 5 = 42.
        let mid = assess(q, &answers(1, true, "done", 4)).unwrap();
        assert_eq!((mid.level, mid.points), (AxLevel::Intermediate, 42));
        // 10 + 10 + 8 + 4 × 15 = 88, the most.
        let top = assess(q, &answers(3, true, "done", 40)).unwrap();
        assert_eq!((top.level, top.points, top.max_points), (AxLevel::Advanced, 88, 88));
        // Exactly at a threshold is the higher level: 10 + 0 + 0 + 4 × 5 = 30.
        let edge = assess(q, &answers(1, true, "none", 0)).unwrap();
        assert_eq!(
            (edge.points, edge.level),
            (q.scoring.intermediate_from, AxLevel::Intermediate)
        );
        let below = assess(q, &answers(1, false, "considering", 3)).unwrap();
        assert_eq!((below.points, below.level), (23, AxLevel::Beginner));
        // The reasons add up to the points and name each area.
        assert_eq!(mid.reasons.iter().map(|r| r.points).sum::<u32>(), mid.points);
        assert_eq!(mid.reasons.iter().filter(|r| r.area.is_some()).count(), 4);
        assert_eq!(mid.needs, ["production", "office"]);
        assert_eq!(
            (mid.method.as_str(), mid.length.as_str()),
            ("outsourced_remote", "4_8h")
        );
        assert!(mid.intent && mid.need && mid.uses_ai);
    }

    #[test]
    fn every_bad_answer_is_named() {
        let q = questionnaire();
        let mut a = answers(1, true, "done", 4);
        a.remove("method");
        a.insert("ai_training".into(), vec!["sometimes".into()]);
        a.insert("ai_training_hours".into(), vec!["-3".into()]);
        a.insert("needs".into(), vec![]);
        a.insert("intent".into(), vec!["maybe".into()]);
        a.insert("level_wanted".into(), vec!["literacy".into(), "work_practice".into()]);
        a.insert("mood".into(), vec!["good".into()]);
        let problems = assess(q, &a).unwrap_err();
        let mut fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        fields.sort_unstable();
        assert_eq!(
            fields,
            [
                "ai_training",
                "ai_training_hours",
                "intent",
                "level_wanted",
                "method",
                "mood",
                "needs"
            ]
        );
        assert!(problems.iter().all(|p| !p.reason.is_empty() && !p.reason_ko.is_empty()));
    }

    #[test]
    fn answers_survive_encoding() {
        let a = answers(2, true, "done", 17);
        let line = encode(&a);
        assert_eq!(decode(&line), a);
        assert!(line.contains("ai_use_fields=office;"));
        let none = answers(0, false, "none", 0);
        assert_eq!(decode(&encode(&none)), none, "an empty multi answer stays empty");
    }
}
