//! An import larger than one store chunk (1,000 course rows) and one index chunk: what is stored
//! and indexed is exactly the file, on SQLite and PostgreSQL, and a bad record late in the file
//! still stores nothing.

use crate::courses::generated;
use crate::support::{spawn_app, spawn_app_on};
use aiup_app::catalogue::{self, CatalogueError};
use aiup_catalogue::import::Format;
use aiup_catalogue::{CatalogueBatch, Course, ExternalId};

const COURSES: usize = 2_500;

fn engine() -> aiup_rules::Engine {
    let loaded = aiup_core::bundle::Bundle::embedded().load().expect("bundle");
    aiup_app::policy::engine_for(loaded).expect("engine")
}

fn by_id(courses: &[Course]) -> Vec<Course> {
    let mut courses = courses.to_vec();
    courses.sort_by(|a, b| a.id.cmp(&b.id));
    courses
}

async fn check_chunked_import(app: &crate::support::TestApp, format: Format) {
    let engine = engine();
    let mut batch = generated(COURSES);
    let text = aiup_catalogue::export(format, &batch);
    let report = catalogue::import(app.state.db(), app.state.index(), &engine, format, &text, "test", None)
        .await
        .expect("import");
    assert_eq!(report.summary.courses_added, COURSES as u64);
    assert_eq!(report.indexed, COURSES as u64);
    let stored = app.state.db().catalogue().courses().await.expect("courses");
    assert!(stored == by_id(&batch.courses), "the stored courses are the file's");
    assert_eq!(app.state.index().len(), COURSES as u64);

    // A second import changes one course in the last chunk: only it is rewritten.
    let last = COURSES - 7;
    batch.courses[last].title = format!("{} (개정)", batch.courses[last].title);
    batch.courses[last].cohorts.truncate(1);
    let report = catalogue::store_and_index(app.state.db(), app.state.index(), &batch, "test")
        .await
        .expect("second import");
    assert_eq!(report.summary.courses_updated, 1);
    assert_eq!(report.summary.courses_unchanged, (COURSES - 1) as u64);
    let stored = app.state.db().catalogue().courses().await.expect("courses");
    assert!(
        stored == by_id(&batch.courses),
        "the update is stored, cohorts replaced"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_of_several_chunks_stores_exactly_the_file_on_sqlite() {
    let app = spawn_app().await;
    check_chunked_import(&app, Format::Csv).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_of_several_chunks_stores_exactly_the_file_on_postgres() {
    let Some(db) = aiup_store::testing::postgres_test_url().await else {
        return;
    };
    let postgres = aiup_store::connect(db.url()).await.expect("postgres");
    let app = spawn_app_on(postgres).await;
    check_chunked_import(&app, Format::Json).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_record_late_in_a_large_file_stores_nothing() {
    let app = spawn_app().await;
    let engine = engine();
    let mut batch: CatalogueBatch = generated(COURSES);
    let unknown = ExternalId::parse("NO-SUCH-INSTITUTION").expect("id");
    batch.courses[COURSES - 1].institution = unknown;
    for format in [Format::Csv, Format::Json] {
        let text = aiup_catalogue::export(format, &batch);
        let err = catalogue::import(app.state.db(), app.state.index(), &engine, format, &text, "test", None)
            .await
            .expect_err("the last record is bad");
        assert!(matches!(err, CatalogueError::Invalid(_)), "{err}");
        assert!(err.to_string().contains("NO-SUCH-INSTITUTION"), "{err}");
        assert!(app.state.db().catalogue().courses().await.expect("courses").is_empty());
        assert_eq!(app.state.db().catalogue().generation().await.expect("generation"), 0);
        assert_eq!(app.state.index().len(), 0);
    }
}
