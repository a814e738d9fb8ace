//! Conformance checks of `OutcomeStore`, run on every backend.

use chrono::NaiveDate;

use super::{assert_event, audit_mark, events_after, fake_sha, raw_execute, raw_i64};
use crate::{
    Database, EmploymentRow, FigureRow, NewGrantDecision, NewOutcomeImport, OutcomeRows, StartupRow,
    ACTION_OUTCOMES_GRANT, ACTION_OUTCOMES_IMPORT, ACTION_PERSON_IDENTIFIERS_LINK,
};

/// The checks, in the order [`run`] runs them.
pub const CHECKS: &[&str] = &[
    "outcomes_an_import_is_stored_with_its_rows_matched_and_audited",
    "outcomes_the_same_file_again_changes_nothing",
    "outcomes_a_bad_row_stores_nothing",
    "outcomes_figures_come_newest_first_with_their_source",
    "outcomes_a_grant_is_given_once_per_firm_and_year_within_the_cap",
    "outcomes_records_are_append_only",
    "outcomes_generated_people_get_identifiers_once",
];

pub async fn run(db: &Database) {
    check!(db, outcomes_an_import_is_stored_with_its_rows_matched_and_audited);
    check!(db, outcomes_the_same_file_again_changes_nothing);
    check!(db, outcomes_a_bad_row_stores_nothing);
    check!(db, outcomes_figures_come_newest_first_with_their_source);
    check!(db, outcomes_a_grant_is_given_once_per_firm_and_year_within_the_cap);
    check!(db, outcomes_records_are_append_only);
    check!(db, outcomes_generated_people_get_identifiers_once);
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn new_import(kind: &str, tag: &str, as_of: NaiveDate) -> NewOutcomeImport {
    NewOutcomeImport {
        kind: kind.to_owned(),
        source: format!("conformance {tag}"),
        as_of,
        content_sha256: fake_sha(tag),
    }
}

fn hire(line: i64, person: &str, business_number: &str) -> EmploymentRow {
    EmploymentRow {
        line,
        person_hash: fake_sha(person),
        business_number: business_number.to_owned(),
        acquired_on: day(2026, 5, 4),
        lost_on: (line % 2 == 0).then(|| day(2026, 8, 31)),
        ksic: Some("J62".to_owned()),
        size_band: "10_29".to_owned(),
    }
}

async fn rows_stored(db: &Database) -> i64 {
    raw_i64(
        db,
        "SELECT (SELECT COUNT(*) FROM employment_records) + (SELECT COUNT(*) FROM startup_records) \
         + (SELECT COUNT(*) FROM external_figures) + (SELECT COUNT(*) FROM outcome_imports)",
    )
    .await
    .expect("count")
}

async fn outcomes_an_import_is_stored_with_its_rows_matched_and_audited(db: &Database) {
    // A person aiup knows by the identifier's hash.
    raw_execute(
        db,
        &format!(
            "INSERT INTO people (stage, status, region_code, age_band, target_groups, kukchi, external_id_hash, \
             created_at, updated_at) VALUES ('entry', 'unemployed', '11110', 'age_15_34', '', 'none', '{}', \
             '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
            fake_sha("outcomes person known")
        ),
    )
    .await
    .expect("person");
    let known: i64 = raw_i64(
        db,
        &format!(
            "SELECT id FROM people WHERE external_id_hash = '{}'",
            fake_sha("outcomes person known")
        ),
    )
    .await
    .expect("person id");
    let mark = audit_mark(db).await;
    let rows = vec![
        hire(2, "outcomes person known", "1208147521"),
        hire(3, "outcomes person unknown", "1208147521"),
        hire(4, "outcomes person known", "2148600000"),
    ];
    let import = new_import("employment", "outcomes a", day(2026, 6, 30));
    let stored = db
        .outcomes()
        .import(&import, &OutcomeRows::Employment(rows.clone()), "programme-admin")
        .await
        .expect("import");
    assert!(stored.created);
    assert_eq!(stored.import.import, import);
    assert_eq!(stored.import.rows, 3);
    assert!(db.outcomes().imports().await.expect("imports").contains(&stored.import));
    let firm = db.outcomes().employment(Some("1208147521")).await.expect("employment");
    assert_eq!(firm.iter().map(|e| e.row.clone()).collect::<Vec<_>>(), rows[..2]);
    assert_eq!(firm[0].person_id, Some(known));
    assert_eq!(firm[1].person_id, None, "an unknown hash is kept, unmatched");
    assert_eq!(firm[0].from.source, "conformance outcomes a");
    assert_eq!(firm[0].from.as_of, day(2026, 6, 30));
    assert_eq!(firm[0].from.import_id, stored.import.id);
    assert!(db.outcomes().employment(None).await.expect("all").len() >= 3);
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_event(
        &events[0],
        ACTION_OUTCOMES_IMPORT,
        "programme-admin",
        &format!("outcome_import:{}", stored.import.id),
    );
    assert_eq!(events[0].detail["rows"], 3);
    assert!(!events[0]
        .detail
        .to_string()
        .contains(&fake_sha("outcomes person known")));

    let startup = StartupRow {
        line: 2,
        person_hash: fake_sha("outcomes person known"),
        business_number: "1208147521".to_owned(),
        opened_on: day(2024, 2, 1),
        ksic: "J62".to_owned(),
        region_code: "11110".to_owned(),
    };
    db.outcomes()
        .import(
            &new_import("startups", "outcomes a startups", day(2026, 6, 30)),
            &OutcomeRows::Startups(vec![startup.clone()]),
            "programme-admin",
        )
        .await
        .expect("startups");
    let startups = db.outcomes().startups(Some("1208147521")).await.expect("startups");
    assert_eq!(startups.len(), 1);
    assert_eq!(startups[0].row, startup);
    assert_eq!(startups[0].person_id, Some(known));
    assert!(db
        .outcomes()
        .startups(Some("2148600000"))
        .await
        .expect("none")
        .is_empty());
}

async fn outcomes_the_same_file_again_changes_nothing(db: &Database) {
    let import = new_import("employment", "outcomes b", day(2026, 6, 30));
    let rows = OutcomeRows::Employment(vec![hire(2, "outcomes b", "1208147521")]);
    let first = db.outcomes().import(&import, &rows, "admin").await.expect("import");
    let mark = audit_mark(db).await;
    let before = rows_stored(db).await;
    let again = db.outcomes().import(&import, &rows, "admin").await.expect("again");
    assert!(!again.created);
    assert_eq!(again.import, first.import);
    assert_eq!(rows_stored(db).await, before);
    assert!(events_after(db, mark).await.is_empty());
    // Rows of another kind than the import says are refused.
    let mismatched = db
        .outcomes()
        .import(&new_import("figures", "outcomes b2", day(2026, 6, 30)), &rows, "admin")
        .await;
    assert!(mismatched.is_err(), "{mismatched:?}");
    assert_eq!(rows_stored(db).await, before);
}

async fn outcomes_a_bad_row_stores_nothing(db: &Database) {
    let mark = audit_mark(db).await;
    let before = rows_stored(db).await;
    let mut bad = hire(3, "outcomes c", "1208147521");
    bad.business_number = "123".to_owned();
    let result = db
        .outcomes()
        .import(
            &new_import("employment", "outcomes c", day(2026, 6, 30)),
            &OutcomeRows::Employment(vec![hire(2, "outcomes c", "1208147521"), bad]),
            "admin",
        )
        .await;
    assert!(result.is_err(), "{result:?}");
    assert_eq!(rows_stored(db).await, before);
    assert!(events_after(db, mark).await.is_empty());
}

async fn outcomes_figures_come_newest_first_with_their_source(db: &Database) {
    let figure = |line, value, as_of| FigureRow {
        line,
        metric: "conformance-metric".to_owned(),
        value,
        unit: "people".to_owned(),
        as_of,
    };
    db.outcomes()
        .import(
            &new_import("figures", "outcomes d1", day(2026, 3, 31)),
            &OutcomeRows::Figures(vec![figure(2, 10, day(2026, 3, 31))]),
            "admin",
        )
        .await
        .expect("first");
    db.outcomes()
        .import(
            &new_import("figures", "outcomes d2", day(2026, 6, 30)),
            &OutcomeRows::Figures(vec![figure(2, 25, day(2026, 6, 30)), figure(3, 12, day(2026, 4, 30))]),
            "admin",
        )
        .await
        .expect("second");
    let figures: Vec<_> = db
        .outcomes()
        .figures()
        .await
        .expect("figures")
        .into_iter()
        .filter(|f| f.row.metric == "conformance-metric")
        .collect();
    let values: Vec<i64> = figures.iter().map(|f| f.row.value).collect();
    assert_eq!(values, [25, 12, 10]);
    assert_eq!(figures[0].from.source, "conformance outcomes d2");
    assert_eq!(figures[2].from.as_of, day(2026, 3, 31));
}

async fn outcomes_records_are_append_only(db: &Database) {
    for table in [
        "outcome_imports",
        "employment_records",
        "startup_records",
        "external_figures",
    ] {
        let before = raw_i64(db, &format!("SELECT COUNT(*) FROM {table}"))
            .await
            .expect("count");
        assert!(before > 0, "{table} should hold rows by now");
        let update = if table == "outcome_imports" {
            "UPDATE outcome_imports SET source = 'changed'".to_owned()
        } else if table == "grant_decisions" {
            "UPDATE grant_decisions SET amount_won = amount_won + 1".to_owned()
        } else {
            format!("UPDATE {table} SET line = line")
        };
        let update = raw_execute(db, &update).await;
        assert!(update.is_err(), "{table}: UPDATE should be refused");
        assert!(
            raw_execute(db, &format!("DELETE FROM {table}")).await.is_err(),
            "{table}: DELETE should be refused"
        );
        let after = raw_i64(db, &format!("SELECT COUNT(*) FROM {table}"))
            .await
            .expect("count");
        assert_eq!(after, before);
    }
}

async fn person_without_identifier(db: &Database, region: &str) -> i64 {
    raw_execute(
        db,
        &format!(
            "INSERT INTO people (stage, status, region_code, age_band, target_groups, kukchi, created_at, updated_at) \
             VALUES ('entry', 'job_seeker', '{region}', '20_29', '', 'none', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')"
        ),
    )
    .await
    .expect("person");
    raw_i64(db, "SELECT MAX(id) FROM people").await.expect("id")
}

async fn outcomes_generated_people_get_identifiers_once(db: &Database) {
    let first = person_without_identifier(db, "11110").await;
    let second = person_without_identifier(db, "26110").await;
    let known: i64 = raw_i64(
        db,
        &format!(
            "SELECT id FROM people WHERE external_id_hash = '{}'",
            fake_sha("outcomes person known")
        ),
    )
    .await
    .expect("known");
    let hash_of = |id: i64| async move {
        raw_i64(
            db,
            &format!("SELECT COUNT(*) FROM people WHERE id = {id} AND external_id_hash IS NOT NULL"),
        )
        .await
        .expect("count")
    };
    // A hash another person has: refused, and nothing set.
    let mark = audit_mark(db).await;
    let taken = db
        .people()
        .link_identifiers(
            &[
                (first, fake_sha("link first")),
                (second, fake_sha("outcomes person known")),
            ],
            "generator",
        )
        .await;
    assert!(matches!(taken, Err(crate::StoreError::Conflict { .. })), "{taken:?}");
    assert_eq!(hash_of(first).await, 0);
    assert!(events_after(db, mark).await.is_empty());
    // Set where none was; a person who has one keeps it.
    let set = db
        .people()
        .link_identifiers(
            &[
                (first, fake_sha("link first")),
                (second, fake_sha("link second")),
                (known, fake_sha("link known")),
            ],
            "generator",
        )
        .await
        .expect("link");
    assert_eq!(set, 2);
    assert_eq!((hash_of(first).await, hash_of(second).await), (1, 1));
    let kept = raw_i64(
        db,
        &format!(
            "SELECT COUNT(*) FROM people WHERE id = {known} AND external_id_hash = '{}'",
            fake_sha("outcomes person known")
        ),
    )
    .await
    .expect("kept");
    assert_eq!(kept, 1);
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_event(&events[0], ACTION_PERSON_IDENTIFIERS_LINK, "generator", "people");
    assert_eq!(events[0].detail["set"], 2);
    assert!(!events[0].detail.to_string().contains(&fake_sha("link first")));
}

async fn outcomes_a_grant_is_given_once_per_firm_and_year_within_the_cap(db: &Database) {
    let decision = |number: &str| NewGrantDecision {
        business_number: number.to_owned(),
        year: 2026,
        applied_on: day(2026, 9, 1),
        amount_won: 150_000_000,
    };
    let mark = audit_mark(db).await;
    let first = db
        .outcomes()
        .record_grant(&decision("1208147521"), 2, "programme-admin")
        .await
        .expect("first");
    assert_eq!(first.decision, decision("1208147521"));
    let again = db
        .outcomes()
        .record_grant(&decision("1208147521"), 2, "programme-admin")
        .await;
    assert!(matches!(again, Err(crate::StoreError::Conflict { .. })), "{again:?}");
    db.outcomes()
        .record_grant(&decision("1234567891"), 2, "programme-admin")
        .await
        .expect("second");
    let past_cap = db
        .outcomes()
        .record_grant(&decision("2208162346"), 2, "programme-admin")
        .await;
    assert!(
        matches!(past_cap, Err(crate::StoreError::Conflict { .. })),
        "{past_cap:?}"
    );
    let grants = db.outcomes().grants(2026).await.expect("grants");
    assert_eq!(grants.len(), 2);
    assert_eq!(grants[0], first);
    assert!(db.outcomes().grants(2027).await.expect("none").is_empty());
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert_event(
        &events[0],
        ACTION_OUTCOMES_GRANT,
        "programme-admin",
        &format!("grant_decision:{}", first.id),
    );
    assert_eq!(events[0].detail["amount_won"], 150_000_000);
}
