//! 200 people apply at once to a cohort with 10 seats, then staff accept all 200 at once:
//! exactly 10 are accepted and the cohort's `taken` is 10; the rest wait (or, where the cohort
//! keeps no waiting list, are refused `cohort_full`). No other error. On SQLite and PostgreSQL.

use std::sync::Arc;

use aiup_app::accounts::Role;
use aiup_app::enrolment::{Decision, DecisionDone};
use aiup_app::{App, Code};
use aiup_people::EnrolmentStatus;

use crate::enrolment::{actor, fixture_on, postgres_fixture, trainee, Fixture, SEATS};

const PEOPLE: usize = 200;

/// Runs `work` for every item at once and collects the results in order.
async fn all_at_once<T, R, F, Fut>(items: Vec<T>, work: F) -> Vec<R>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> Fut,
    Fut: std::future::Future<Output = R> + Send + 'static,
{
    let tasks: Vec<_> = items.into_iter().map(|item| tokio::spawn(work(item))).collect();
    let mut results = Vec::with_capacity(tasks.len());
    for task in tasks {
        results.push(task.await.expect("task"));
    }
    results
}

async fn race_for_the_seats(f: Fixture, ordinal: i64, waiting_list: bool) {
    let app: App = f.app.state.app.clone();
    let course = f.course.id.to_string();
    let mut trainees = Vec::with_capacity(PEOPLE);
    for n in 0..PEOPLE {
        trainees.push(trainee(&app, &format!("race-{n}"), Some(3_000_000)).await);
    }
    let programme = Arc::new(f.programme.clone());
    let applied = all_at_once(trainees, |t| {
        let (app, course, programme) = (app.clone(), course.clone(), programme.clone());
        async move { app.apply(&t, &course, ordinal, &programme).await }
    })
    .await;
    let ids: Vec<i64> = applied
        .into_iter()
        .map(|r| r.unwrap_or_else(|e| panic!("apply: {e}")).id())
        .collect();
    assert_eq!(ids.len(), PEOPLE);

    let staff = actor(&app, &crate::testkit::login_of(Role::InstitutionStaff)).await;
    let decided = all_at_once(ids, |id| {
        let (app, staff) = (app.clone(), staff.clone());
        async move { app.decide(&staff, id, Decision::Accept).await }
    })
    .await;
    let (mut accepted, mut waiting, mut full) = (0, 0, 0);
    for outcome in decided {
        match outcome {
            Ok(DecisionDone::Accepted(_)) => accepted += 1,
            Ok(DecisionDone::Waitlisted(_)) => waiting += 1,
            Err(e) if e.code == Code::CohortFull => full += 1,
            other => panic!("unexpected outcome: {other:?}"),
        }
    }
    let rest = PEOPLE - SEATS as usize;
    if waiting_list {
        assert_eq!((accepted, waiting, full), (SEATS as usize, rest, 0));
    } else {
        assert_eq!((accepted, waiting, full), (SEATS as usize, 0, rest));
    }
    let seats = app.db().enrolments().seats(&course, ordinal).await.unwrap().unwrap();
    assert_eq!((seats.seats, seats.taken), (i64::from(SEATS), i64::from(SEATS)));
    let roster = app.cohort_roster(&staff, &course, ordinal).await.unwrap();
    let count = |status| roster.enrolments.iter().filter(|e| e.status == status).count();
    assert_eq!(count(EnrolmentStatus::Accepted), SEATS as usize);
    assert_eq!(count(EnrolmentStatus::Waiting), if waiting_list { rest } else { 0 });
    assert_eq!(count(EnrolmentStatus::Applied), if waiting_list { 0 } else { rest });
    // Every accepted person's card holds exactly one share.
    for e in roster
        .enrolments
        .iter()
        .filter(|e| e.status == EnrolmentStatus::Accepted)
    {
        let card = app
            .db()
            .cards()
            .card_of_person(e.record.person_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(card.balance_won, 3_000_000 - e.record.card_hold_won);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_for_ten_seats_with_a_waiting_list_on_sqlite() {
    race_for_the_seats(fixture_on(None).await, 0, true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_for_ten_seats_without_a_waiting_list_on_sqlite() {
    race_for_the_seats(fixture_on(None).await, 2, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_for_ten_seats_with_a_waiting_list_on_postgres() {
    let Some(f) = postgres_fixture().await else { return };
    race_for_the_seats(f, 0, true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_for_ten_seats_without_a_waiting_list_on_postgres() {
    let Some(f) = postgres_fixture().await else { return };
    race_for_the_seats(f, 2, false).await;
}
