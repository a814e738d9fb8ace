//! Regression guard on search relevance (not a timing test): on the hand-labelled collection
//! in `bench/relevance/`, aiup's nDCG@10 must beat SQLite FTS5 (unicode61) and plain BM25 over
//! bigrams overall, and be no worse than either on any query kind. PostgreSQL joins the
//! comparison when `AIUP_TEST_POSTGRES_URL` is set (and must then be reachable).

use aiup_bench::relevance::{evaluate_all, Collection, System};

#[test]
fn aiup_beats_the_baselines_overall_and_on_every_kind() {
    let bundle = aiup_bench::load_bundle().expect("embedded bundle");
    let collection = Collection::shipped(&bundle).expect("bench/relevance loads");
    assert_eq!(collection.batch.courses.len(), 315);
    assert_eq!(collection.queries.len(), 120);

    let mut systems = vec![System::Aiup, System::Fts5Unicode61, System::BigramBm25];
    if let Ok(url) = std::env::var("AIUP_TEST_POSTGRES_URL") {
        systems.push(System::Postgres(url));
    }
    let report = evaluate_all(&collection, &bundle, &systems).expect("every system runs");
    let table = report.markdown_table();
    println!("{table}");

    let aiup = report.system("aiup").expect("aiup ran");
    let mut failures = Vec::new();
    for other in report.systems.iter().filter(|s| s.system != "aiup") {
        if aiup.overall <= other.overall {
            failures.push(format!(
                "overall: aiup {:.3} <= {} {:.3}",
                aiup.overall, other.system, other.overall
            ));
        }
    }
    for (kind, other, ours, theirs) in report.losing_kinds("aiup") {
        failures.push(format!("kind {kind}: aiup {ours:.3} < {other} {theirs:.3}"));
    }
    assert!(failures.is_empty(), "aiup loses:\n{}\n\n{table}", failures.join("\n"));
}
