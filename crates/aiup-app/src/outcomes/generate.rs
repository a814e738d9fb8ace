//! Synthetic outcome records for the stored population's graduates (`aiup generate outcomes`):
//! each graduate who has no outside identifier is given the synthetic one `SYN-<person id>`
//! (stored, as always, only as its keyed hash), and the records of
//! `aiup_people::generate::outcomes` are written for them, ready to import.

use std::collections::BTreeMap;

use aiup_people::generate::outcomes::{synthetic_outcomes, SyntheticGraduate, SyntheticOutcomes};
use chrono::NaiveDate;
use serde::Serialize;

use crate::{App, AppError, Code};

/// What the generator did.
#[derive(Debug, Clone, Serialize)]
pub struct GeneratedOutcomes {
    /// People who are graduates (each once).
    pub graduates: usize,
    /// People given a synthetic identifier now (others had one).
    pub linked: u64,
    #[serde(skip)]
    pub files: SyntheticOutcomes,
}

/// The synthetic identifier of a generated person.
pub fn synthetic_identifier(person_id: i64) -> String {
    format!("SYN-{person_id}")
}

/// Generates records for every graduate of the store (see the module docs). Needs the
/// identifier key; `actor` names who ran it in the audit log.
pub async fn generate_for_graduates(
    app: &App,
    seed: u64,
    employers: usize,
    actor: &str,
) -> Result<GeneratedOutcomes, AppError> {
    let key = app.identifier_key().ok_or_else(|| {
        AppError::new(
            Code::NoIdentifierKey,
            None,
            "synthetic identifiers are stored as keyed hashes: configure AIUP_IDENTIFIER_KEY",
        )
    })?;
    // Each person once, at their first completion.
    let mut people: BTreeMap<i64, (String, NaiveDate)> = BTreeMap::new();
    for g in app.db().outcomes().graduates(None).await? {
        let entry = people
            .entry(g.person_id)
            .or_insert((g.region_code.clone(), g.completed_on));
        entry.1 = entry.1.min(g.completed_on);
    }
    let mut links = Vec::with_capacity(people.len());
    let mut graduates = Vec::with_capacity(people.len());
    for (id, (region_code, completed_on)) in &people {
        let identifier = synthetic_identifier(*id);
        let hash = key
            .hash(&identifier)
            .map_err(|e| AppError::internal(&format!("hashing {identifier}: {e}")))?;
        links.push((*id, hash));
        graduates.push(SyntheticGraduate {
            identifier,
            region_code: region_code.clone(),
            completed_on: *completed_on,
        });
    }
    let linked = app.db().people().link_identifiers(&links, actor).await?;
    Ok(GeneratedOutcomes {
        graduates: graduates.len(),
        linked,
        files: synthetic_outcomes(&graduates, seed, employers),
    })
}
