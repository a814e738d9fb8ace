//! The SME prescription's golden prices (`tests/golden/sme/prescription-prices.json`): one
//! worker's course split into what the firm, the government and the worker pay, for the 2025 and
//! 2026 rates of online, skill-up (capital and non-capital) and PBL training and the 3× base-price
//! recognition. Every case names its source; all failures are reported together.

use serde_json::Value;

use crate::golden::{engine, golden_dir, merge};

pub(crate) fn prices() -> Value {
    let path = golden_dir().join("sme/prescription-prices.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// The expected (firm, government, worker) won of a case.
pub(crate) fn split(case: &Value) -> (i64, i64, i64) {
    let e = &case["expect"];
    let get = |k: &str| {
        e[k].as_i64()
            .unwrap_or_else(|| panic!("{k} of {} is not whole won", case["name"]))
    };
    (get("firm_won"), get("government_won"), get("worker_won"))
}

#[test]
fn sme_prescription_prices_match_the_engine() {
    let engine = engine();
    let doc = prices();
    let cases = doc["cases"].as_array().expect("cases");
    let mut failures = Vec::new();
    let mut programmes = std::collections::BTreeSet::new();
    for case in cases {
        let name = case["name"].as_str().expect("name");
        let source = case["source"].as_str().unwrap_or_default();
        assert!(source.len() > 20, "{name} cites no source");
        assert!(
            case["params"].as_array().is_some_and(|p| !p.is_empty()),
            "{name} names no parameter"
        );
        let request = merge(&doc["base"], &case["request"]);
        programmes.insert(request["programme"].as_str().unwrap_or_default().to_owned());
        let answer = aiup_rules::parse_request(&request.to_string()).and_then(|r| aiup_rules::answer(&engine, &r));
        match answer {
            Ok(value) => {
                let t = &value["totals"];
                let got = (
                    t["employer_payment_won"].as_i64().unwrap_or(-1),
                    t["tuition_support_won"].as_i64().unwrap_or(-1),
                    t["self_payment_won"].as_i64().unwrap_or(-1),
                );
                if got != split(case) {
                    failures.push(format!(
                        "{name}\n    source: {source}\n    expected (firm, government, worker) {:?}, got {got:?}",
                        split(case)
                    ));
                }
            }
            Err(e) => failures.push(format!("{name}\n    source: {source}\n    refused: {e} [{}]", e.code)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} SME golden prices failed:\n  {}",
        failures.len(),
        cases.len(),
        failures.join("\n  ")
    );
    // Every level's programme, and both years, are covered.
    for p in ["sme-ai-online", "sme-premium-skillup", "sme-pbl"] {
        assert!(programmes.contains(p), "no golden case for {p}");
    }
    let years: std::collections::BTreeSet<&str> = cases
        .iter()
        .filter_map(|c| c["request"]["course"]["start_date"].as_str())
        .map(|d| &d[..4])
        .collect();
    assert!(years.contains("2025") && years.contains("2026"));
    assert_eq!(cases.iter().filter(|c| c["package"] == true).count(), 1);
}
