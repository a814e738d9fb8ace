//! One run of the diagnosis: its form, the answers, and the score.
//!
//! A run's form is a fixed, balanced subset of the bank: `items_per_cell_in_run` items from every
//! step × module cell, chosen from the run number alone, so the same run number always gives the
//! same form and a retake (the next number) moves on to the cell's next items, wrapping round
//! once the cell is used up.

use std::collections::BTreeMap;

use aiup_catalogue::{AiStep, BasicModule};
use aiup_core::Rate;

use crate::bank::{Bank, Item, OPTIONS_PER_ITEM};
use crate::Text;

/// The answer given to one item: the option chosen (0-based), or none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub item: String,
    pub chosen: Option<u8>,
}

/// A form field that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct AnswerError {
    pub field: String,
    /// In English.
    pub reason: String,
    pub reason_ko: String,
}

/// The form field of an item's answer.
pub fn field_name(item: &Item) -> String {
    format!("q-{}", item.id)
}

impl Bank {
    /// The items of run `run_no` (1 for a person's first run), by step then module.
    pub fn form(&self, run_no: u32) -> Vec<&Item> {
        let per_cell = self.settings.items_per_cell_in_run;
        let mut form = Vec::with_capacity(per_cell * AiStep::ALL.len() * BasicModule::ALL.len());
        for step in AiStep::ALL {
            for module in BasicModule::ALL {
                let cell: Vec<&Item> = self.cell(*step, *module).collect();
                let start = (run_no.saturating_sub(1) as usize).wrapping_mul(per_cell) % cell.len();
                form.extend((0..per_cell).map(|k| cell[(start + k) % cell.len()]));
            }
        }
        form
    }

    /// Reads the answers to run `run_no` from form fields `q-<item id>` = `1`…`4`. Fields other
    /// than those of the form's items are refused; an item with no field is unanswered (it
    /// counts as wrong). Every bad field is reported.
    pub fn read_answers(&self, run_no: u32, fields: &[(String, String)]) -> Result<Vec<Response>, Vec<AnswerError>> {
        let form = self.form(run_no);
        let mut chosen: BTreeMap<&str, u8> = BTreeMap::new();
        let mut errors = Vec::new();
        for (key, value) in fields {
            let item = key
                .strip_prefix("q-")
                .and_then(|id| form.iter().find(|i| i.id.as_str() == id));
            let Some(item) = item else {
                errors.push(AnswerError {
                    field: key.clone(),
                    reason: "is not a question of this diagnosis".to_owned(),
                    reason_ko: "이번 진단의 문항이 아닙니다".to_owned(),
                });
                continue;
            };
            let option = value
                .parse::<u8>()
                .ok()
                .filter(|n| (1..=OPTIONS_PER_ITEM).contains(&usize::from(*n)));
            match option {
                Some(n) if !chosen.contains_key(item.id.as_str()) => {
                    chosen.insert(item.id.as_str(), n - 1);
                }
                Some(_) => errors.push(AnswerError {
                    field: key.clone(),
                    reason: "is answered twice".to_owned(),
                    reason_ko: "두 번 답했습니다".to_owned(),
                }),
                None => errors.push(AnswerError {
                    field: key.clone(),
                    reason: format!("`{value}` is not an option number 1–{OPTIONS_PER_ITEM}"),
                    reason_ko: format!("`{value}`은(는) 1–{OPTIONS_PER_ITEM} 사이의 보기 번호가 아닙니다"),
                }),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(form
            .iter()
            .map(|item| Response {
                item: item.id.to_string(),
                chosen: chosen.get(item.id.as_str()).copied(),
            })
            .collect())
    }

    /// Scores the responses to run `run_no` (from [`Bank::read_answers`]).
    pub fn score(&self, run_no: u32, responses: &[Response]) -> Outcome {
        let form = self.form(run_no);
        let right = |item: &Item| {
            responses
                .iter()
                .any(|r| r.item == item.id.as_str() && r.chosen == Some(item.answer))
        };
        let steps: Vec<StepScore> = AiStep::ALL
            .iter()
            .map(|&step| {
                let items: Vec<&&Item> = form.iter().filter(|i| i.step == step).collect();
                let correct = items.iter().filter(|i| right(i)).count() as u32;
                let items = items.len() as u32;
                StepScore {
                    step,
                    items,
                    correct,
                    passed: share(correct, items) >= self.settings.step_pass,
                }
            })
            .collect();
        let modules = BasicModule::ALL
            .iter()
            .map(|&module| {
                let items: Vec<&&Item> = form.iter().filter(|i| i.module == module).collect();
                let correct = items.iter().filter(|i| right(i)).count() as u32;
                ModuleScore::new(module, items.len() as u32, correct, self.settings.mastery)
            })
            .collect();
        Outcome {
            step_reached: step_reached(&steps),
            steps,
            modules,
            mastery: self.settings.mastery,
            step_pass: self.settings.step_pass,
        }
    }
}

/// `correct` of `items` in basis points, rounded down (0 of 0 is 0).
pub fn share(correct: u32, items: u32) -> Rate {
    if items == 0 {
        return Rate::ZERO;
    }
    Rate(correct.min(items) * 10_000 / items)
}

/// The highest step passed with every lower step passed too.
pub fn step_reached(steps: &[StepScore]) -> Option<AiStep> {
    steps.iter().take_while(|s| s.passed).last().map(|s| s.step)
}

/// How one step went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepScore {
    pub step: AiStep,
    pub items: u32,
    pub correct: u32,
    pub passed: bool,
}

/// How one module went, and how far below mastery it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModuleScore {
    pub module: BasicModule,
    pub items: u32,
    pub correct: u32,
    pub score: Rate,
    /// Mastery minus the score, or zero at or above mastery.
    pub gap: Rate,
}

impl ModuleScore {
    pub fn new(module: BasicModule, items: u32, correct: u32, mastery: Rate) -> ModuleScore {
        let score = share(correct, items);
        ModuleScore {
            module,
            items,
            correct,
            score,
            gap: Rate(mastery.0.saturating_sub(score.0)),
        }
    }

    /// "프롬프트 엔지니어링: 6문항 중 3문항 정답(50%) — 목표(70%)보다 20%p 낮습니다".
    pub fn explain(&self, mastery: Rate) -> Text {
        let ko_name = self.module.label_ko();
        let en_name = capitalised(self.module.label_en());
        let (score, target, gap) = (percent(self.score), percent(mastery), percent(self.gap));
        let (items, correct) = (self.items, self.correct);
        if self.gap == Rate::ZERO {
            Text {
                ko: format!("{ko_name}: {items}문항 중 {correct}문항 정답({score}) — 목표({target})에 이르렀습니다."),
                en: format!("{en_name}: {correct} of {items} right ({score}) — at or above the target ({target})."),
            }
        } else {
            Text {
                ko: format!(
                    "{ko_name}: {items}문항 중 {correct}문항 정답({score}) — 목표({target})보다 {gap}p 낮습니다. \
                     이 영역을 다루는 과정을 먼저 추천합니다."
                ),
                en: format!(
                    "{en_name}: {correct} of {items} right ({score}) — {gap} points below the target ({target}). \
                     Courses covering it come first in your path."
                ),
            }
        }
    }
}

/// `text` with its first letter in upper case (labels are written for the middle of a sentence).
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A rate as a percentage with at most one decimal: `70%`, `66.6%`.
pub fn percent(rate: Rate) -> String {
    match rate.0 % 100 / 10 {
        0 => format!("{}%", rate.0 / 100),
        tenth => format!("{}.{tenth}%", rate.0 / 100),
    }
}

/// The score of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The highest step passed with every lower step passed; `None` if the first is not.
    pub step_reached: Option<AiStep>,
    /// In [`AiStep::ALL`] order.
    pub steps: Vec<StepScore>,
    /// In [`BasicModule::ALL`] order.
    pub modules: Vec<ModuleScore>,
    pub mastery: Rate,
    pub step_pass: Rate,
}

impl Outcome {
    pub fn correct(&self) -> u32 {
        self.steps.iter().map(|s| s.correct).sum()
    }

    pub fn items(&self) -> u32 {
        self.steps.iter().map(|s| s.items).sum()
    }
}

/// The plain explanation of the step reached.
pub fn explain_step(step_reached: Option<AiStep>, steps: &[StepScore], step_pass: Rate) -> Text {
    let pass = percent(step_pass);
    let detail_ko: Vec<String> = steps
        .iter()
        .map(|s| format!("{} {}/{}", s.step.label_ko(), s.correct, s.items))
        .collect();
    let detail_en: Vec<String> = steps
        .iter()
        .map(|s| format!("{} {}/{}", s.step.label_en(), s.correct, s.items))
        .collect();
    let (ko, en) = match step_reached {
        None => (
            format!(
                "아직 첫 단계(AI 기초 이해)의 기준({pass} 정답)에 이르지 않았습니다. 기초 이해 과정부터 시작하세요."
            ),
            format!(
                "You have not yet reached the first step (basic understanding: {pass} right). Start with a basic-understanding course."
            ),
        ),
        Some(step) => {
            let next = next_step(Some(step));
            let next_ko = if next == step {
                "가장 높은 단계입니다.".to_owned()
            } else {
                format!("다음 단계는 {}입니다.", next.label_ko())
            };
            let next_en = if next == step {
                "This is the highest step.".to_owned()
            } else {
                format!("Your next step is {}.", next.label_en())
            };
            (
                format!(
                    "도달 단계: {} — 이 단계와 그 아래 단계의 문항을 {pass} 이상 맞혔습니다. {next_ko}",
                    step.label_ko()
                ),
                format!(
                    "Step reached: {} — you answered {pass} or more of this step's and every lower step's items. {next_en}",
                    step.label_en()
                ),
            )
        }
    };
    Text {
        ko: format!("{ko} ({})", detail_ko.join(", ")),
        en: format!("{en} ({})", detail_en.join(", ")),
    }
}

/// The step to learn next: one above the step reached (the first if none; the last stays).
pub fn next_step(step_reached: Option<AiStep>) -> AiStep {
    match step_reached {
        None => AiStep::BasicUnderstanding,
        Some(AiStep::BasicUnderstanding) => AiStep::JobApplication,
        Some(_) => AiStep::SolutionDevelopment,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::tests_support::synthetic;

    fn bank() -> Bank {
        Bank::load(&synthetic(5)).unwrap()
    }

    /// Answers every item of the form: right where `right(item)` says so, else a wrong option.
    fn answer(bank: &Bank, run_no: u32, right: impl Fn(&Item) -> bool) -> Vec<Response> {
        bank.form(run_no)
            .iter()
            .map(|i| Response {
                item: i.id.to_string(),
                chosen: Some(if right(i) { i.answer } else { (i.answer + 1) % 4 }),
            })
            .collect()
    }

    #[test]
    fn a_form_is_balanced_deterministic_and_a_retake_moves_on() {
        let bank = bank();
        let first = bank.form(1);
        assert_eq!(first.len(), 30);
        for step in AiStep::ALL {
            for module in BasicModule::ALL {
                assert_eq!(
                    first.iter().filter(|i| i.step == *step && i.module == *module).count(),
                    2
                );
            }
        }
        let ids = |run| bank.form(run).iter().map(|i| i.id.to_string()).collect::<Vec<_>>();
        assert_eq!(ids(1), ids(1));
        // 5 items a cell, 2 a run: runs 1 and 2 share nothing; run 3 takes the fifth and wraps.
        assert!(ids(1).iter().all(|id| !ids(2).contains(id)));
        assert!(ids(3).iter().any(|id| id.ends_with("-04")));
        assert!(ids(3).iter().any(|id| id.ends_with("-00")));
        // Run 0 (never used) reads as run 1 rather than panicking.
        assert_eq!(ids(0), ids(1));
    }

    #[test]
    fn hand_checked_all_right_and_all_wrong() {
        let bank = bank();
        let all = bank.score(1, &answer(&bank, 1, |_| true));
        assert_eq!(all.step_reached, Some(AiStep::SolutionDevelopment));
        assert_eq!((all.correct(), all.items()), (30, 30));
        assert!(all
            .modules
            .iter()
            .all(|m| m.score == Rate(10_000) && m.gap == Rate::ZERO));
        let none = bank.score(1, &answer(&bank, 1, |_| false));
        assert_eq!(none.step_reached, None);
        assert!(none
            .modules
            .iter()
            .all(|m| m.score == Rate::ZERO && m.gap == Rate(7_000)));
    }

    #[test]
    fn hand_checked_mixed_answers() {
        // Basic: all 10 right. Job application: 6 of 10 right (exactly the 60% pass).
        // Solution development: only prompt engineering right (2 of 10).
        let bank = bank();
        let responses = answer(&bank, 1, |i| match i.step {
            AiStep::BasicUnderstanding => true,
            AiStep::JobApplication => matches!(
                i.module,
                BasicModule::EthicsSecurity | BasicModule::PromptEngineering | BasicModule::DataBias
            ),
            AiStep::SolutionDevelopment => i.module == BasicModule::PromptEngineering,
        });
        let outcome = bank.score(1, &responses);
        assert_eq!(
            outcome.steps.iter().map(|s| (s.correct, s.passed)).collect::<Vec<_>>(),
            vec![(10, true), (6, true), (2, false)]
        );
        assert_eq!(outcome.step_reached, Some(AiStep::JobApplication));
        let by = |m| *outcome.modules.iter().find(|s| s.module == m).unwrap();
        // Ethics: 2 + 2 + 0 = 4 of 6 = 66.66% → 6666 bp, 334 bp below 70%.
        assert_eq!(
            (
                by(BasicModule::EthicsSecurity).score,
                by(BasicModule::EthicsSecurity).gap
            ),
            (Rate(6_666), Rate(334))
        );
        // Prompt engineering: 6 of 6.
        assert_eq!(by(BasicModule::PromptEngineering).gap, Rate::ZERO);
        // Verification: 2 of 6 = 3333 bp, gap 3667.
        assert_eq!(by(BasicModule::VerificationRefinement).gap, Rate(3_667));
        let text = by(BasicModule::VerificationRefinement).explain(outcome.mastery);
        assert!(text.ko.contains("6문항 중 2문항 정답(33.3%)"), "{}", text.ko);
        assert!(text.ko.contains("목표(70%)보다 36.6%p 낮습니다"), "{}", text.ko);
        assert!(
            text.en.starts_with("Verification and refinement: 2 of 6 right"),
            "{}",
            text.en
        );
        let step = explain_step(outcome.step_reached, &outcome.steps, outcome.step_pass);
        assert!(step.ko.contains("도달 단계: 직무 활용"), "{}", step.ko);
        assert!(step.en.contains("next step is solution development"), "{}", step.en);
    }

    #[test]
    fn a_higher_step_does_not_count_without_the_lower_ones() {
        let bank = bank();
        let responses = answer(&bank, 1, |i| i.step != AiStep::BasicUnderstanding);
        let outcome = bank.score(1, &responses);
        assert_eq!(outcome.step_reached, None);
        assert!(outcome.steps[1].passed && outcome.steps[2].passed);
    }

    #[test]
    fn unanswered_items_count_as_wrong_and_bad_fields_are_refused() {
        let bank = bank();
        let form = bank.form(2);
        let fields = vec![(field_name(form[0]), (form[0].answer + 1).to_string())];
        let responses = bank.read_answers(2, &fields).unwrap();
        assert_eq!(responses.len(), 30);
        assert_eq!(responses.iter().filter(|r| r.chosen.is_some()).count(), 1);
        assert_eq!(bank.score(2, &responses).correct(), 1);

        let bad = vec![
            (field_name(form[0]), "5".to_owned()),
            (field_name(bank.form(1)[0]), "1".to_owned()),
            ("q-unknown".to_owned(), "1".to_owned()),
            (field_name(form[1]), "1".to_owned()),
            (field_name(form[1]), "2".to_owned()),
        ];
        let errors = bank.read_answers(2, &bad).unwrap_err();
        assert_eq!(errors.len(), 4, "{errors:?}");
        assert!(errors[0].reason.contains("not an option"));
        assert!(errors[1].reason_ko.contains("문항이 아닙니다"));
        assert!(errors[3].reason.contains("twice"));
    }

    #[test]
    fn percentages_print_like_people_write_them() {
        assert_eq!(percent(Rate(7_000)), "70%");
        assert_eq!(percent(Rate(6_666)), "66.6%");
        assert_eq!(percent(Rate(3_667)), "36.6%");
        assert_eq!(share(2, 3), Rate(6_666));
        assert_eq!(share(0, 0), Rate::ZERO);
    }
}
