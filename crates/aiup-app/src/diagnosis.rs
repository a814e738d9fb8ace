//! The AI-competency diagnosis of the signed-in trainee: the form of their next run, scoring and
//! storing a submitted run, and reading their runs back. A trainee sees only their own runs; any
//! other run is "not found", exactly like one that does not exist.

use aiup_catalogue::{AiStep, BasicModule};
use aiup_core::policy::Text;
use aiup_core::Rate;
use aiup_diagnosis::run::explain_step;
use aiup_diagnosis::{AnswerError, Bank, Item, ModuleScore, Outcome, StepScore};
use aiup_store::{DiagnosisResult, DiagnosisRun, NewDiagnosisRun, StoreError};
use chrono::NaiveDate;

use crate::accounts::Actor;
use crate::people::Person;
use crate::{App, AppError, Code};

/// The form of the trainee's next run.
#[derive(Debug, Clone)]
pub struct DiagnosisForm {
    pub run_no: u32,
    /// By step, then module.
    pub items: Vec<&'static Item>,
}

/// One stored answer, with its item where the bank still has it.
#[derive(Debug, Clone)]
pub struct AnswerView {
    pub item_id: String,
    pub item: Option<&'static Item>,
    pub chosen: Option<u8>,
    pub correct: bool,
}

/// A stored run as pages show it.
#[derive(Debug, Clone)]
pub struct RunView {
    pub id: i64,
    pub run_no: u32,
    pub taken_on: NaiveDate,
    pub bank_version: String,
    pub outcome: Outcome,
    pub answers: Vec<AnswerView>,
}

impl RunView {
    /// The plain explanation of the step reached.
    pub fn step_explanation(&self) -> Text {
        explain_step(self.outcome.step_reached, &self.outcome.steps, self.outcome.step_pass)
    }

    /// One explanation per module, in module order.
    pub fn module_explanations(&self) -> Vec<(ModuleScore, Text)> {
        self.outcome
            .modules
            .iter()
            .map(|m| (*m, m.explain(self.outcome.mastery)))
            .collect()
    }

    /// Each module's gap, for the learning path.
    pub fn gaps(&self) -> std::collections::BTreeMap<BasicModule, Rate> {
        self.outcome.modules.iter().map(|m| (m.module, m.gap)).collect()
    }
}

/// Why a submitted run was not stored: bad fields (every one), or a service error.
#[derive(Debug, Clone, PartialEq)]
pub enum SubmitError {
    Invalid(Vec<AnswerError>),
    App(AppError),
}

impl From<AppError> for SubmitError {
    fn from(e: AppError) -> Self {
        SubmitError::App(e)
    }
}

fn already_submitted() -> Text {
    Text {
        ko: "이 진단은 이미 제출되었습니다. 결과는 진단 이력에서 볼 수 있습니다.".to_owned(),
        en: "this diagnosis was already submitted; see your history for the result".to_owned(),
    }
}

fn rate(bp: i64) -> Rate {
    Rate(u32::try_from(bp.clamp(0, 10_000)).unwrap_or(0))
}

fn count(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(0)
}

fn corrupt(run: &DiagnosisRun, what: &str) -> AppError {
    AppError::internal(&format_args!("stored diagnosis run {} has {what}", run.id))
}

/// A stored run read back into the diagnosis crate's values, with its own thresholds.
fn view_of(bank: &'static Bank, run: DiagnosisRun) -> Result<RunView, AppError> {
    let mastery = rate(run.run.mastery_bp);
    let step_pass = rate(run.run.step_pass_bp);
    let find = |dimension: &str, code: &str| -> Option<&DiagnosisResult> {
        run.run
            .results
            .iter()
            .find(|r| r.dimension == dimension && r.code == code)
    };
    let mut steps = Vec::with_capacity(AiStep::ALL.len());
    for &step in AiStep::ALL {
        let r = find("step", step.as_str()).ok_or_else(|| corrupt(&run, "a step missing"))?;
        steps.push(StepScore {
            step,
            items: count(r.items),
            correct: count(r.correct),
            passed: rate(r.score_bp) >= step_pass,
        });
    }
    let mut modules = Vec::with_capacity(BasicModule::ALL.len());
    for &module in BasicModule::ALL {
        let r = find("module", module.as_str()).ok_or_else(|| corrupt(&run, "a module missing"))?;
        modules.push(ModuleScore {
            module,
            items: count(r.items),
            correct: count(r.correct),
            score: rate(r.score_bp),
            gap: rate(r.gap_bp),
        });
    }
    let recorded_step = match &run.run.step_reached {
        Some(text) => Some(AiStep::parse(text).ok_or_else(|| corrupt(&run, "an unknown step"))?),
        None => None,
    };
    let answers = run
        .run
        .answers
        .iter()
        .map(|a| AnswerView {
            item_id: a.item_id.clone(),
            item: bank.item(&a.item_id),
            chosen: a.chosen.and_then(|c| u8::try_from(c).ok()),
            correct: a.correct,
        })
        .collect();
    Ok(RunView {
        id: run.id,
        run_no: count(run.run.run_no),
        taken_on: run.run.taken_on,
        bank_version: run.run.bank_version,
        outcome: Outcome {
            step_reached: recorded_step,
            steps,
            modules,
            mastery,
            step_pass,
        },
        answers,
    })
}

pub(crate) fn results_of(outcome: &Outcome) -> Vec<DiagnosisResult> {
    let steps = outcome.steps.iter().map(|s| DiagnosisResult {
        dimension: "step".to_owned(),
        code: s.step.as_str().to_owned(),
        items: i64::from(s.items),
        correct: i64::from(s.correct),
        score_bp: i64::from(aiup_diagnosis::run::share(s.correct, s.items).0),
        gap_bp: 0,
    });
    let modules = outcome.modules.iter().map(|m| DiagnosisResult {
        dimension: "module".to_owned(),
        code: m.module.as_str().to_owned(),
        items: i64::from(m.items),
        correct: i64::from(m.correct),
        score_bp: i64::from(m.score.0),
        gap_bp: i64::from(m.gap.0),
    });
    steps.chain(modules).collect()
}

impl App {
    /// The item bank in force (compiled in).
    pub fn diagnosis_bank(&self) -> &'static Bank {
        Bank::embedded()
    }

    /// The form of the signed-in trainee's next run (they need a profile first).
    pub async fn my_diagnosis_form(&self, actor: &Actor) -> Result<DiagnosisForm, AppError> {
        let person = self.require_my_person(actor).await?;
        let next = self.db().diagnoses().next_run_no(person.id.0).await?;
        let run_no = u32::try_from(next).map_err(|_| AppError::internal(&"run number out of range"))?;
        Ok(DiagnosisForm {
            run_no,
            items: self.diagnosis_bank().form(run_no),
        })
    }

    /// Scores the answers to run `run_no` and stores the run with its results, dated today in
    /// Seoul. The run number must be the trainee's next one: a form sent twice is `conflict`,
    /// and nothing is stored for a refused submission.
    pub async fn submit_my_diagnosis(
        &self,
        actor: &Actor,
        run_no: u32,
        fields: &[(String, String)],
    ) -> Result<RunView, SubmitError> {
        let person: Person = self.require_my_person(actor).await?;
        let next = self
            .db()
            .diagnoses()
            .next_run_no(person.id.0)
            .await
            .map_err(AppError::from)?;
        if i64::from(run_no) != next {
            let text = if i64::from(run_no) < next {
                already_submitted()
            } else {
                Text {
                    ko: format!("다음 진단 번호는 {next}입니다."),
                    en: format!("your next diagnosis is number {next}"),
                }
            };
            return Err(AppError::bilingual(Code::Conflict, Some("run"), text).into());
        }
        let bank = self.diagnosis_bank();
        let responses = bank.read_answers(run_no, fields).map_err(SubmitError::Invalid)?;
        let outcome = bank.score(run_no, &responses);
        let answers = responses
            .iter()
            .map(|r| {
                let right = bank.item(&r.item).map(|i| i.answer);
                aiup_store::DiagnosisAnswer {
                    item_id: r.item.clone(),
                    chosen: r.chosen.map(i64::from),
                    correct: r.chosen.is_some() && r.chosen == right,
                }
            })
            .collect();
        let new = NewDiagnosisRun {
            person_id: person.id.0,
            run_no: i64::from(run_no),
            taken_on: self.today(),
            bank_version: bank.version.clone(),
            mastery_bp: i64::from(bank.settings.mastery.0),
            step_pass_bp: i64::from(bank.settings.step_pass.0),
            step_reached: outcome.step_reached.map(|s| s.as_str().to_owned()),
            answers,
            results: results_of(&outcome),
        };
        let stored = self
            .db()
            .diagnoses()
            .record(&new, &actor.audit_name())
            .await
            .map_err(|e| match e {
                // The same form sent twice at once: the other submission was stored.
                StoreError::Conflict { .. } => AppError::bilingual(Code::Conflict, Some("run"), already_submitted()),
                other => AppError::from(other),
            })?;
        Ok(view_of(bank, stored)?)
    }

    /// One of the signed-in trainee's runs; anyone else's, or none, is `not_found`.
    pub async fn my_diagnosis(&self, actor: &Actor, id: i64) -> Result<RunView, AppError> {
        let person = self.my_person(actor).await?;
        let run = self.db().diagnoses().run(id).await?;
        match (person, run) {
            (Some(person), Some(run)) if run.run.person_id == person.id.0 => view_of(self.diagnosis_bank(), run),
            _ => Err(AppError::not_found("diagnosis")),
        }
    }

    /// Every run of the signed-in trainee, oldest first (none without a profile).
    pub async fn my_diagnosis_history(&self, actor: &Actor) -> Result<Vec<RunView>, AppError> {
        let Some(person) = self.my_person(actor).await? else {
            return Ok(Vec::new());
        };
        let bank = self.diagnosis_bank();
        self.db()
            .diagnoses()
            .history(person.id.0)
            .await?
            .into_iter()
            .map(|run| view_of(bank, run))
            .collect()
    }
}
