//! Regression guard on search relevance (not a timing test): on the hand-labelled collection
//! in `bench/relevance/`, aiup's nDCG@10 must be ahead of SQLite FTS5 (unicode61 and trigram),
//! plain BM25 over bigrams and BM25 over Kiwi and MeCab-ko morphemes overall and on every query
//! kind, and reach a floor on every kind (see [`floor`]). PostgreSQL joins the comparison when
//! `AIUP_TEST_POSTGRES_URL` is set (and must then be reachable).

use aiup_bench::relevance::{evaluate_all, Collection, RunFile, System};

/// The nDCG@10 each kind must keep: what aiup reached after the 2026-12-06 extension of the
/// collection (BENCHMARKS.md, "Course search"), rounded down to two decimals, and never
/// below the goal of 0.80.
fn floor(kind: &str) -> f64 {
    match kind {
        "inflection" => 0.85,
        "compound" => 0.84,
        "synonym" => 0.81,
        "typo" => 0.83,
        "english" => 0.87,
        "mixed" => 0.85,
        "disambiguation" => 0.91,
        "plain" => 0.90,
        "title" => 0.81,
        "audience" => 0.80,
        other => panic!("kind {other} has no floor: add one"),
    }
}

/// The overall nDCG@10 aiup must keep (0.851 when the floors were set).
const OVERALL_FLOOR: f64 = 0.845;

#[test]
fn aiup_is_ahead_of_the_baselines_overall_and_on_every_kind() {
    let bundle = aiup_bench::load_bundle().expect("embedded bundle");
    let collection = Collection::shipped(&bundle).expect("bench/relevance loads");
    assert_eq!(collection.batch.courses.len(), 320);
    assert_eq!(collection.queries.len(), 164);

    let mut systems = vec![
        System::Aiup,
        System::Fts5Unicode61,
        System::Fts5Trigram,
        System::BigramBm25,
    ];
    if let Ok(url) = std::env::var("AIUP_TEST_POSTGRES_URL") {
        systems.push(System::Postgres(url));
    }
    // BM25 over Kiwi and MeCab-ko morphemes, from the run files `morph_bm25.py` wrote (CI has no
    // analyser); a run file that is stale against queries.toml fails the run.
    let runs = RunFile::all_in(&aiup_bench::workspace_root().join("bench/relevance")).expect("run files load");
    assert!(
        runs.iter().any(|r| r.system.contains("Kiwi")),
        "bench/relevance/runs/kiwi-bm25.json is missing"
    );
    systems.extend(runs.into_iter().map(System::RunFile));
    let report = evaluate_all(&collection, &bundle, &systems).expect("every system runs");
    let table = report.markdown_table();
    println!("{table}");

    let aiup = report.system("aiup").expect("aiup ran");
    let mut failures = Vec::new();
    if aiup.overall < OVERALL_FLOOR {
        failures.push(format!("overall: aiup {:.3} < floor {OVERALL_FLOOR:.3}", aiup.overall));
    }
    for kind in &report.kinds {
        let ours = aiup.by_kind.get(kind).copied().unwrap_or(0.0);
        if ours < floor(kind) {
            failures.push(format!("kind {kind}: aiup {ours:.3} < floor {:.3}", floor(kind)));
        }
    }
    for other in report.systems.iter().filter(|s| s.system != "aiup") {
        if aiup.overall <= other.overall {
            failures.push(format!(
                "overall: aiup {:.3} <= {} {:.3}",
                aiup.overall, other.system, other.overall
            ));
        }
        for kind in &report.kinds {
            let ours = aiup.by_kind.get(kind).copied().unwrap_or(0.0);
            let theirs = other.by_kind.get(kind).copied().unwrap_or(0.0);
            if ours <= theirs {
                failures.push(format!("kind {kind}: aiup {ours:.3} <= {} {theirs:.3}", other.system));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "aiup falls short:\n{}\n\n{table}",
        failures.join("\n")
    );
}
