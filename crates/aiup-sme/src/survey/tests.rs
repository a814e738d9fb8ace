//! The generator against every published figure (tests/golden/sme/survey-appendix2.json), the
//! fidelity notes (docs/sme-survey.md), and the CSV form.

use std::collections::BTreeSet;

use super::*;

const GOLDEN: &str = include_str!("../../../../tests/golden/sme/survey-appendix2.json");
const DOC: &str = include_str!("../../../../docs/sme-survey.md");

fn published_per_mille(text: &str) -> u32 {
    let (whole, tenth) = text.split_once('.').expect("one decimal");
    whole.parse::<u32>().expect("whole") * 10 + tenth.parse::<u32>().expect("tenth")
}

fn figures() -> Vec<serde_json::Value> {
    let golden: serde_json::Value = serde_json::from_str(GOLDEN).expect("golden file is JSON");
    golden["figures"].as_array().expect("figures").clone()
}

#[test]
fn every_published_figure_holds_for_generated_answers() {
    let figures = figures();
    assert!(figures.len() > 90, "every figure of appendix 2 is in the golden file");
    for seed in [1u64, 2, 2026] {
        let answers = generate(seed);
        assert_eq!(answers.len(), SAMPLE_SIZE as usize);
        let tables = tables(&answers);
        for f in &figures {
            let id = f["id"].as_str().expect("id");
            let table = tables
                .table(f["table"].as_str().expect("table"))
                .unwrap_or_else(|| panic!("{id}: no such table"));
            let breakdown = Breakdown::parse(f["breakdown"].as_str().expect("breakdown"))
                .unwrap_or_else(|| panic!("{id}: breakdown"));
            let cell = table
                .cell(f["row"].as_str().expect("row"), breakdown)
                .unwrap_or_else(|| panic!("{id}: no such row"));
            let got = cell.per_mille().unwrap_or_else(|| panic!("{id}: empty base"));
            let want = published_per_mille(f["published"].as_str().expect("published"));
            let off = got.abs_diff(want);
            match f["fidelity"].as_str().expect("fidelity") {
                "exact" => assert_eq!(
                    off,
                    0,
                    "{id}: {} of {} is {}, published {}",
                    cell.count,
                    cell.base,
                    cell.percent(),
                    percent_text(want)
                ),
                "within_0_2" => assert!(
                    (1..=2).contains(&off),
                    "{id}: {} of {} is {}, published {} (listed as within 0.2 and not exact)",
                    cell.count,
                    cell.base,
                    cell.percent(),
                    percent_text(want)
                ),
                "conflict" => {
                    let max = published_per_mille(f["max_deviation"].as_str().expect("max_deviation"));
                    assert!(
                        off > 2 && off <= max,
                        "{id}: {} is {} points off the published {}",
                        cell.percent(),
                        off,
                        percent_text(want)
                    );
                }
                other => panic!("{id}: unknown fidelity {other}"),
            }
        }
    }
}

#[test]
fn the_fidelity_notes_list_exactly_the_figures_that_are_not_exact() {
    let not_exact: BTreeSet<String> = figures()
        .iter()
        .filter(|f| f["fidelity"] != "exact")
        .map(|f| f["id"].as_str().expect("id").to_string())
        .collect();
    assert!(!not_exact.is_empty());
    let section = DOC
        .split("\n## Fidelity")
        .nth(1)
        .expect("docs/sme-survey.md has a Fidelity section");
    let section = section.split("\n## ").next().unwrap_or(section);
    let listed: BTreeSet<String> = section
        .lines()
        .filter(|l| l.trim_start().starts_with("| `"))
        .filter_map(|l| l.split('`').nth(1).map(str::to_string))
        .collect();
    assert_eq!(
        listed, not_exact,
        "the notes' list equals the golden file's non-exact figures"
    );
}

#[test]
fn every_cell_of_every_table_survives_a_csv_round_trip() {
    let answers = generate(7);
    let csv = write_survey_csv(&answers);
    let parsed = parse_survey_csv(&csv).expect("the generator's answers are valid");
    assert_eq!(parsed, answers);
    assert_eq!(tables(&parsed), tables(&answers));
    assert_eq!(regional_demand(&parsed), regional_demand(&answers));
}

#[test]
fn the_generator_is_seeded() {
    assert_eq!(generate(3), generate(3));
    assert_ne!(generate(3), generate(4));
    let overall = |seed| {
        tables(&generate(seed))
            .tables
            .iter()
            .map(|t| t.column(Breakdown::Overall).cloned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        overall(3),
        overall(4),
        "a seed moves answers between firms, not the overall counts"
    );
}

#[test]
fn the_documented_example_parses() {
    let example = DOC
        .split("```csv\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .expect("an example in docs/sme-survey.md");
    let answers = parse_survey_csv(example).expect("the documented example is valid");
    assert!(!answers.is_empty());
    assert!(example.starts_with(SURVEY_CSV_HEADER));
}

fn line(fields: &[(&str, &str)]) -> String {
    // A valid trained firm, with some fields replaced.
    let mut cells: Vec<String> = ",10_29,41,yes,done,yes,yes,1;7,3,1,2,2,2,1,2,5,4,1;4"
        .split(',')
        .map(str::to_string)
        .collect();
    let header: Vec<&str> = SURVEY_CSV_HEADER.split(',').collect();
    for (field, value) in fields {
        let i = header.iter().position(|h| h == field).expect("a column");
        cells[i] = (*value).to_string();
    }
    cells.join(",")
}

#[test]
fn every_bad_row_is_listed_with_its_line_field_and_reason() {
    let numbered = line(&[("business_number", "123-45-67891")]);
    let rows = [
        numbered.clone(),
        line(&[("method_done", "5")]),
        line(&[("experience", "none")]),
        line(&[("need", ""), ("province", "99")]),
        line(&[("business_number", "1234567890")]),
        line(&[("fields_needed", "2;2")]),
        line(&[("business_number", "1234567891")]),
        line(&[("need", "no"), ("intent", "no")]),
    ];
    let text = format!("{SURVEY_CSV_HEADER}\n{}\n", rows.join("\n"));
    let problems = parse_survey_csv(&text).expect_err("bad rows");
    let found: Vec<(usize, Vec<&str>)> = problems
        .iter()
        .map(|p| (p.line, p.problems.iter().map(|f| f.field.as_str()).collect()))
        .collect();
    assert_eq!(
        found,
        vec![
            (3, vec!["method_done"]),
            (
                4,
                vec![
                    "fields_done",
                    "method_done",
                    "level_done",
                    "hours_done",
                    "obstacles_done"
                ]
            ),
            (5, vec!["province", "need"]),
            (6, vec!["business_number"]),
            (7, vec!["fields_needed"]),
            (8, vec!["business_number"]),
            (
                9,
                vec![
                    "fields_needed",
                    "method_needed",
                    "level_needed",
                    "hours_needed",
                    "obstacles_needed"
                ]
            ),
        ]
    );
    assert!(problems[0].problems[0].reason.contains("out of range"));
    assert!(problems[0].problems[0].reason_ko.contains("범위"));
    assert!(problems[1].problems[0]
        .reason
        .contains("asked only of firms that have done AI training"));
    assert!(problems[5].problems[0].reason.contains("earlier row"));
    // The good rows alone parse.
    let good = format!("{SURVEY_CSV_HEADER}\n{numbered}\n{}\n", line(&[]));
    assert_eq!(parse_survey_csv(&good).expect("valid").len(), 2);
    assert!(parse_survey_csv("a,b\n").is_err(), "a wrong header is refused");
}

#[test]
fn the_provinces_are_those_of_the_region_data() {
    let sido = include_str!("../../../../data/regions/sido.csv");
    let rows: Vec<(String, String, String)> = sido
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (c[0].to_string(), c[1].to_string(), c[3].to_string())
        })
        .collect();
    let ours: Vec<(String, String, String)> = PROVINCES
        .iter()
        .map(|p| (p.code.to_string(), p.name_ko.to_string(), p.name_en.to_string()))
        .collect();
    assert_eq!(ours, rows);
    let demand = regional_demand(&generate(1));
    assert_eq!(demand.len(), 17);
    assert_eq!(demand.iter().map(|d| d.firms).sum::<u32>(), SAMPLE_SIZE);
    let gyeonggi = demand.iter().find(|d| d.province.code == "41").expect("Gyeonggi");
    assert!(gyeonggi.firms > demand.iter().find(|d| d.province.code == "36").expect("Sejong").firms);
    assert!(gyeonggi.top_fields.len() == 3 && gyeonggi.top_fields[0].1 >= gyeonggi.top_fields[2].1);
}

#[test]
fn tables_csv_has_a_line_per_cell() {
    let t = tables(&generate(1));
    let csv = tables_csv(t.table("ai_use"));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], TABLES_CSV_HEADER);
    assert_eq!(lines.len(), 1 + 2 * Breakdown::all().len());
    assert_eq!(lines[1], "ai_use,used,활용,Uses AI,overall,231,1013,22.8");
    assert!(lines.iter().all(|l| l.split(',').count() == 8));
}
