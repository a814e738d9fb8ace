//! The signed-in trainee's learning path: candidate courses from the course index, each priced
//! (or refused) by the rules engine for the trainee's profile, then chosen by
//! `aiup_diagnosis::path` from the gaps of their latest diagnosis, their stage, region and
//! eligibility.

use std::collections::BTreeSet;

use aiup_catalogue::{AiStep, Course};
use aiup_diagnosis::path::{choose, Candidate, Eligibility, LearningPath, PathInput, PathStepKind};
use aiup_rules::Estimate;
use aiup_search::{Filters, SearchRequest, SortOrder};

use crate::accounts::Actor;
use crate::catalogue::{search, support, Profile};
use crate::diagnosis::RunView;
use crate::people::Person;
use crate::{App, AppError};

/// Candidates fetched per path step and per search (the index's page limit).
const CANDIDATES_PER_SEARCH: usize = aiup_search::MAX_LIMIT;

/// The path page's data.
#[derive(Debug, Clone)]
pub struct MyPath {
    pub person: Person,
    /// The latest diagnosis, whose gaps the path follows; `None` before the first.
    pub latest: Option<RunView>,
    pub path: LearningPath<Estimate>,
}

impl App {
    /// The signed-in trainee's learning path (they need a profile first).
    pub async fn my_path(&self, actor: &Actor) -> Result<MyPath, AppError> {
        let person = self.require_my_person(actor).await?;
        let latest = self.my_diagnosis_history(actor).await?.pop();
        let today = self.today();
        let engine = self.engine();
        // Priced with the card's groups, as acceptance will hold (exempt, the one-off extra).
        let profile = Profile {
            card_groups: crate::card::card_groups(&engine, &person.profile, today),
            ..Profile::of(person.profile.status, person.profile.employer_size)
        };
        let province = person.profile.region.sido_code();
        let mut seen = BTreeSet::new();
        let mut candidates = Vec::new();
        for &kind in PathStepKind::ALL {
            // Near home first (practice is taught in person), then nationwide.
            let near = (!kind.deliveries().contains(&aiup_core::Delivery::Remote)).then(|| vec![province.clone()]);
            for provinces in [near, Some(Vec::new())].into_iter().flatten() {
                let request = SearchRequest {
                    filters: Filters {
                        deliveries: kind.deliveries().to_vec(),
                        ai_steps: AiStep::ALL.to_vec(),
                        provinces,
                        ..Filters::default()
                    },
                    sort: SortOrder::StartDate,
                    limit: CANDIDATES_PER_SEARCH,
                    today,
                    ..SearchRequest::default()
                };
                let hits = search(self.index(), request).await.map_err(AppError::from)?.hits;
                for hit in hits {
                    if seen.insert(hit.course.id.clone()) {
                        candidates.push(candidate(&engine, hit.course, &person, &profile, today));
                    }
                }
            }
        }
        let input = PathInput {
            gaps: latest.as_ref().map(RunView::gaps).unwrap_or_default(),
            step_reached: latest.as_ref().and_then(|r| r.outcome.step_reached),
            stage: person.profile.stage,
            region_code: person.profile.region.to_string(),
            today,
        };
        Ok(MyPath {
            path: choose(&input, candidates),
            person,
            latest,
        })
    }
}

/// A course priced for the profile by the rules engine, or refused with the engine's reason: a
/// course no programme of which admits the trainee is never eligible.
fn candidate(
    engine: &aiup_rules::Engine,
    course: Course,
    person: &Person,
    profile: &Profile,
    today: chrono::NaiveDate,
) -> Candidate<Estimate> {
    let for_stage = course.programmes.iter().any(|id| {
        engine
            .policy()
            .programme(id.as_str())
            .is_some_and(|p| p.stage == person.profile.stage)
    });
    let eligibility = match support(engine, &course, profile, today) {
        Ok(estimate) => Eligibility::Eligible(estimate),
        Err(no) => Eligibility::NotEligible(no.message),
    };
    Candidate {
        course,
        for_stage,
        eligibility,
    }
}
