//! The trainee's home: where each step of their journey stands (profile, diagnosis,
//! applications, card), read from the services that own each step.

use aiup_catalogue::AiStep;
use aiup_people::EnrolmentStatus;
use chrono::NaiveDate;

use crate::accounts::Actor;
use crate::people::Person;
use crate::{App, AppError};

/// The latest diagnosis, in short.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatestDiagnosis {
    pub runs: usize,
    pub taken_on: NaiveDate,
    pub step_reached: Option<AiStep>,
}

/// Where the signed-in trainee's journey stands.
#[derive(Debug, Clone)]
pub struct Home {
    pub person: Option<Person>,
    pub diagnosis: Option<LatestDiagnosis>,
    /// Applications and enrolments still alive (applied, waiting, accepted, in training).
    pub live_applications: usize,
    /// The newest application's status, if there is one.
    pub latest_application: Option<EnrolmentStatus>,
    /// The card's balance, once a card is open.
    pub card_balance_won: Option<i64>,
}

impl App {
    /// The home page's data; before the profile, only that there is none.
    pub async fn my_home(&self, actor: &Actor) -> Result<Home, AppError> {
        let Some(person) = self.my_person(actor).await? else {
            return Ok(Home {
                person: None,
                diagnosis: None,
                live_applications: 0,
                latest_application: None,
                card_balance_won: None,
            });
        };
        let (history, enrolments, card) = tokio::try_join!(
            self.my_diagnosis_history(actor),
            self.my_enrolments(actor),
            self.my_card(actor)
        )?;
        let diagnosis = history.last().map(|run| LatestDiagnosis {
            runs: history.len(),
            taken_on: run.taken_on,
            step_reached: run.outcome.step_reached,
        });
        Ok(Home {
            person: Some(person),
            diagnosis,
            live_applications: enrolments.iter().filter(|e| e.status.is_live()).count(),
            latest_application: enrolments.first().map(|e| e.status),
            card_balance_won: card.map(|c| c.account.balance_won),
        })
    }
}
