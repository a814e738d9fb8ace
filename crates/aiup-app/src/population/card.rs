//! The card ledgers of a generated population: what a real acceptance, training start or
//! release would have posted for each generated enrolment, made with the pure ledger
//! (`aiup_people::card::Ledger`) and the engine's card charge as the enrolment service makes
//! them (`EngineRules::terms_for`), so balances follow the running sum and never go negative.
//!
//! An enrolment whose acceptance the card could not carry (no card, a balance short of the
//! hold, or terms the engine refuses) stays where it was before the acceptance (applied or
//! waiting): a real acceptance would have been refused. Its later steps are dropped and its
//! seat is given back. Prior 산대특 participations are not counted (the generated history has
//! no stored records), and dropout deductions and free-withdrawal refunds after the start are
//! not posted.

use std::sync::Arc;

use aiup_catalogue::Course;
use aiup_core::Won;
use aiup_people::card::{groups_of, Cite, Entry, Ledger};
use aiup_people::generate::Population;
use aiup_people::EnrolmentStatus;
use aiup_rules::Engine;
use aiup_store::PopulationCardEntry;
use chrono::NaiveDate;

use super::morning;
use crate::card::ReleaseReason;
use crate::enrolment::EngineRules;

/// What the card did for one generated enrolment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EnrolmentCard {
    pub card_hold_won: i64,
    pub self_payment_won: i64,
    /// The acceptance was refused: keep the history before the step at this index.
    pub refused_at: Option<usize>,
}

/// A generated card with its ledger.
#[derive(Debug, Clone)]
pub struct GeneratedLedger {
    /// Index into the population's people.
    pub person: usize,
    pub issued_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub ledger: Ledger,
}

/// A history step that moves the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Move {
    Hold,
    Convert,
    Release(bool),
}

/// The ledger of every generated card and the card terms of every generated enrolment.
pub fn card_ledgers(
    population: &Population,
    courses: &[Course],
    engine: &Arc<Engine>,
) -> (Vec<GeneratedLedger>, Vec<EnrolmentCard>) {
    let mut card_of_person = vec![None; population.people.len()];
    let mut ledgers: Vec<GeneratedLedger> = population
        .cards
        .iter()
        .enumerate()
        .map(|(n, c)| {
            card_of_person[c.person] = Some(n);
            let terms = engine.card_terms(c.issued_on);
            let mut ledger = Ledger::open(c.issued_on, Won(c.amount_won), terms.years);
            let groups = groups_of(&population.people[c.person].profile, terms.extra_groups);
            if !groups.is_empty() {
                // Opening a card grants the extra to a person whose groups qualify.
                let _ = ledger.grant_extra(c.issued_on, terms.extra_won, &groups);
            }
            GeneratedLedger {
                person: c.person,
                issued_on: c.issued_on,
                expires_on: c.expires_on,
                ledger,
            }
        })
        .collect();

    // Every card move of every enrolment, in the order they happened on each card.
    let mut moves: Vec<(Option<usize>, NaiveDate, usize, usize, Move)> = Vec::new();
    for (n, e) in population.enrolments.iter().enumerate() {
        for (step_index, step) in e.history.iter().enumerate() {
            let from_accepted = step.from == Some(EnrolmentStatus::Accepted);
            let the_move = match step.to {
                EnrolmentStatus::Accepted => Move::Hold,
                EnrolmentStatus::InTraining if from_accepted => Move::Convert,
                EnrolmentStatus::Withdrawn if from_accepted => Move::Release(true),
                EnrolmentStatus::Refused | EnrolmentStatus::Cancelled if from_accepted => Move::Release(false),
                _ => continue,
            };
            moves.push((card_of_person[e.person], step.on, n, step_index, the_move));
        }
    }
    moves.sort_unstable();

    let mut terms = vec![EnrolmentCard::default(); population.enrolments.len()];
    let (mut ineligible, mut no_card, mut short) = (0_usize, 0_usize, 0_usize);
    for (card, on, n, step_index, the_move) in moves {
        if terms[n].refused_at.is_some() {
            continue;
        }
        let e = &population.enrolments[n];
        let id = n as i64;
        match the_move {
            Move::Hold => {
                let course = &courses[e.course];
                let rules = EngineRules::new(engine.clone(), course.clone(), course.cohorts[e.cohort].clone(), on);
                let person = &population.people[e.person];
                let Ok(accepted) = rules.terms_for(&person.profile, person.programme.as_str(), &[]) else {
                    terms[n].refused_at = Some(step_index);
                    ineligible += 1;
                    continue;
                };
                if accepted.card_hold_won > 0 {
                    let cite = Cite::new(accepted.rule.clone(), accepted.params.clone());
                    let held = card.map(|c| ledgers[c].ledger.hold(on, id, Won(accepted.card_hold_won), cite));
                    if !matches!(held, Some(Ok(_))) {
                        terms[n].refused_at = Some(step_index);
                        if held.is_none() {
                            no_card += 1;
                        } else {
                            short += 1;
                        }
                        continue;
                    }
                }
                terms[n].card_hold_won = accepted.card_hold_won;
                terms[n].self_payment_won = accepted.self_payment_won;
            }
            Move::Convert => {
                if let Some(c) = card.filter(|_| terms[n].card_hold_won > 0) {
                    let cite = Cite::new(aiup_rules::CardCharge::RULE, serde_json::json!({ "converted_on": on }));
                    let _ = ledgers[c].ledger.convert(on, id, cite);
                }
            }
            Move::Release(withdrawn) => {
                if let Some(c) = card {
                    let held = ledgers[c].ledger.held_for(id);
                    if held.0 > 0 {
                        let reason = if withdrawn {
                            ReleaseReason::Withdrawn
                        } else {
                            ReleaseReason::Refused
                        };
                        let event = e.history[step_index].event.map_or("", |ev| ev.as_str());
                        let cite = Cite::new(
                            reason.rule(),
                            serde_json::json!({ "reason": reason.as_str(), "event": event }),
                        );
                        let _ = ledgers[c].ledger.release(on, id, held, cite);
                    }
                }
            }
        }
    }
    tracing::info!(
        card_holds = terms.iter().filter(|t| t.card_hold_won > 0).count(),
        ineligible,
        no_card,
        short,
        "generated acceptances put on the card ledgers"
    );
    (ledgers, terms)
}

/// A pure-ledger entry as the population loader writes it (its enrolment is the batch index).
pub fn store_entry(entry: &Entry) -> PopulationCardEntry {
    PopulationCardEntry {
        kind: entry.kind.as_str().to_owned(),
        amount_won: entry.amount_won,
        balance_after_won: entry.balance_after_won,
        on_date: entry.on,
        at: morning(entry.on),
        rule: entry.rule.clone(),
        params: entry.params.clone(),
        enrolment: entry.enrolment.and_then(|n| usize::try_from(n).ok()),
    }
}
