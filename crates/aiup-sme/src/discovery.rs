//! Discovery (발굴): a score that ranks which firms a training doctor should visit first, with
//! the reasons shown (issue 11, item 3; seed 002 IV-② "발굴(부처협업) → 진단 → 훈련").
//!
//! The score is a sum of integer points, one term per fact:
//! - no AI training yet (the plan's "훈련 미참여 中企를 발굴");
//! - taking part in partner ministries' AX programmes (the plan's "정부 지원사업을 통한 AX 기업
//!   추가 발굴"), per programme up to a cap;
//! - stated intent to train (from the demand survey or a diagnosis): a yes adds, a no subtracts;
//! - size: smaller firms first (seed 002 IV-②: AI training in 21.2 % of training workplaces of
//!   300 or more, 5.5 % under 30);
//! - region: non-capital first (the plan's regional preference, e.g. 비수도권 95 %);
//! - industry need: a per-KSIC-section figure from `data/sme/industry-need.toml`.
//!
//! The points per fact are policy parameters (`sme.discovery.*`, policy/sme.toml): the caller
//! reads them from the active policy on the day and passes a [`DiscoveryWeights`]. Integers
//! only; [`score_points`] allocates nothing, so a ranking scores every firm with it and builds
//! the reasons ([`score`]) for the firms it shows.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::firm::SizeBand;

/// The industry-need table, compiled in.
pub const EMBEDDED_INDUSTRY_NEED: &str = include_str!("../../../data/sme/industry-need.toml");

/// Basis points of full need.
pub const FULL_NEED_BP: i64 = 10_000;

/// Points per fact. Every field is a policy parameter (see [`DiscoveryWeights::PARAMS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DiscoveryWeights {
    /// The firm has had no AI training.
    pub no_ai_training: i64,
    /// Per partner AX programme the firm takes part in…
    pub partner_programme: i64,
    /// …counting at most this many programmes.
    pub partner_programmes_counted: i64,
    /// The firm said it intends to train.
    pub intent_yes: i64,
    /// The firm said it does not intend to train (subtracted).
    pub intent_no: i64,
    /// Fewer than 30 employees.
    pub size_under_30: i64,
    /// 30 to 299 employees.
    pub size_30_to_299: i64,
    /// Outside the capital area.
    pub non_capital: i64,
    /// At full industry need (10,000 bp); scaled by the section's need, rounded down.
    pub industry_need: i64,
}

impl DiscoveryWeights {
    /// The policy parameter of each field, in field order.
    pub const PARAMS: [&'static str; 9] = [
        "sme.discovery.weight.no_ai_training",
        "sme.discovery.weight.partner_programme",
        "sme.discovery.partner_programmes_counted",
        "sme.discovery.weight.intent_yes",
        "sme.discovery.weight.intent_no",
        "sme.discovery.weight.size_under_30",
        "sme.discovery.weight.size_30_to_299",
        "sme.discovery.weight.non_capital",
        "sme.discovery.weight.industry_need",
    ];

    /// Builds the weights from the values of [`Self::PARAMS`], in that order.
    pub fn from_values(v: [i64; 9]) -> DiscoveryWeights {
        DiscoveryWeights {
            no_ai_training: v[0],
            partner_programme: v[1],
            partner_programmes_counted: v[2],
            intent_yes: v[3],
            intent_no: v[4],
            size_under_30: v[5],
            size_30_to_299: v[6],
            non_capital: v[7],
            industry_need: v[8],
        }
    }

    /// The values in the order of [`Self::PARAMS`].
    pub fn values(&self) -> [i64; 9] {
        [
            self.no_ai_training,
            self.partner_programme,
            self.partner_programmes_counted,
            self.intent_yes,
            self.intent_no,
            self.size_under_30,
            self.size_30_to_299,
            self.non_capital,
            self.industry_need,
        ]
    }
}

/// What discovery knows about a firm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiscoveryFacts {
    /// No AI training on record.
    pub no_ai_training: bool,
    /// Partner AX programmes the firm takes part in (distinct programmes).
    pub partner_programmes: u32,
    /// Stated intent to train: `None` when unknown.
    pub stated_intent: Option<bool>,
    pub size_band: SizeBand,
    pub capital_area: bool,
    /// The KSIC section letter (`A`–`U`).
    pub ksic_section: char,
}

/// One term of a score, explained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// Stable id: `no_ai_training`, `partner_programmes`, `intent_yes`, `intent_no`, `size`,
    /// `non_capital`, `industry_need`.
    pub code: &'static str,
    pub points: i64,
    pub ko: String,
    pub en: String,
}

/// A firm's score and every non-zero term of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiscoveryScore {
    pub points: i64,
    pub reasons: Vec<Reason>,
}

/// The need of one KSIC section.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SectionNeed {
    pub section: char,
    pub need_bp: i64,
    pub cite: String,
    pub confidence: String,
}

/// The industry-need table: a need per KSIC section, else the default.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IndustryNeed {
    pub default_bp: i64,
    pub default_note: String,
    #[serde(rename = "section")]
    pub sections: Vec<SectionNeed>,
    #[serde(skip)]
    by_section: BTreeMap<char, i64>,
}

/// Why an industry-need table does not load.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndustryNeedError {
    #[error("industry-need table: {0}")]
    Toml(String),
    #[error("industry-need table: section `{0}` is not a KSIC section letter A–U")]
    BadSection(char),
    #[error("industry-need table: section `{0}` is listed twice")]
    Duplicate(char),
    #[error("industry-need table: need {0} bp is outside 0..=10000")]
    OutOfRange(i64),
}

impl IndustryNeed {
    /// Loads and checks a table.
    pub fn parse(text: &str) -> Result<IndustryNeed, IndustryNeedError> {
        let mut table: IndustryNeed = toml::from_str(text).map_err(|e| IndustryNeedError::Toml(e.to_string()))?;
        let in_range = |bp: i64| (0..=FULL_NEED_BP).contains(&bp);
        if !in_range(table.default_bp) {
            return Err(IndustryNeedError::OutOfRange(table.default_bp));
        }
        for s in &table.sections {
            if !('A'..='U').contains(&s.section) {
                return Err(IndustryNeedError::BadSection(s.section));
            }
            if !in_range(s.need_bp) {
                return Err(IndustryNeedError::OutOfRange(s.need_bp));
            }
            if table.by_section.insert(s.section, s.need_bp).is_some() {
                return Err(IndustryNeedError::Duplicate(s.section));
            }
        }
        Ok(table)
    }

    /// The need of `section`, in basis points.
    pub fn need_bp(&self, section: char) -> i64 {
        self.by_section.get(&section).copied().unwrap_or(self.default_bp)
    }
}

/// The compiled-in table.
pub fn industry_need() -> &'static IndustryNeed {
    static TABLE: OnceLock<IndustryNeed> = OnceLock::new();
    // The file is compiled in and its validity is a unit test, so this cannot fail in a build
    // whose tests passed.
    TABLE.get_or_init(|| {
        IndustryNeed::parse(EMBEDDED_INDUSTRY_NEED).unwrap_or_else(|e| panic!("data/sme/industry-need.toml: {e}"))
    })
}

fn size_points(band: SizeBand, w: &DiscoveryWeights) -> i64 {
    match band {
        SizeBand::Under5 | SizeBand::From5To9 | SizeBand::From10To29 => w.size_under_30,
        SizeBand::From30To49 | SizeBand::From50To99 | SizeBand::From100To299 => w.size_30_to_299,
        SizeBand::From300 => 0,
    }
}

fn industry_points(section: char, w: &DiscoveryWeights) -> i64 {
    w.industry_need * industry_need().need_bp(section) / FULL_NEED_BP
}

fn programmes_counted(f: &DiscoveryFacts, w: &DiscoveryWeights) -> i64 {
    i64::from(f.partner_programmes).min(w.partner_programmes_counted.max(0))
}

/// The score alone, without allocating: what a ranking computes for every firm.
pub fn score_points(f: &DiscoveryFacts, w: &DiscoveryWeights) -> i64 {
    let mut points = 0;
    if f.no_ai_training {
        points += w.no_ai_training;
    }
    points += programmes_counted(f, w) * w.partner_programme;
    match f.stated_intent {
        Some(true) => points += w.intent_yes,
        Some(false) => points -= w.intent_no,
        None => {}
    }
    points += size_points(f.size_band, w);
    if !f.capital_area {
        points += w.non_capital;
    }
    points + industry_points(f.ksic_section, w)
}

/// The score with its reasons: every term that adds or subtracts points, in a fixed order.
pub fn score(f: &DiscoveryFacts, w: &DiscoveryWeights) -> DiscoveryScore {
    let mut reasons = Vec::with_capacity(6);
    let mut push = |code: &'static str, points: i64, ko: String, en: String| {
        if points != 0 {
            reasons.push(Reason { code, points, ko, en });
        }
    };
    if f.no_ai_training {
        push(
            "no_ai_training",
            w.no_ai_training,
            "AI 훈련 이력 없음".to_owned(),
            "No AI training yet".to_owned(),
        );
    }
    let counted = programmes_counted(f, w);
    if counted > 0 {
        let capped = if i64::from(f.partner_programmes) > counted {
            (
                format!(" (최대 {counted}개 반영)"),
                format!(" (at most {counted} counted)"),
            )
        } else {
            (String::new(), String::new())
        };
        push(
            "partner_programmes",
            counted * w.partner_programme,
            format!("부처 협업 AX 사업 {}개 참여{}", f.partner_programmes, capped.0),
            format!(
                "Takes part in {} partner AX programme{}{}",
                f.partner_programmes,
                if f.partner_programmes == 1 { "" } else { "s" },
                capped.1
            ),
        );
    }
    match f.stated_intent {
        Some(true) => push(
            "intent_yes",
            w.intent_yes,
            "AI 훈련 참여 의향 있음".to_owned(),
            "Stated intent to train in AI".to_owned(),
        ),
        Some(false) => push(
            "intent_no",
            -w.intent_no,
            "AI 훈련 참여 의향 없음".to_owned(),
            "Stated no intent to train in AI".to_owned(),
        ),
        None => {}
    }
    let (band_ko, band_en) = f.size_band.label();
    push(
        "size",
        size_points(f.size_band, w),
        format!("규모 {band_ko}: 소규모 기업 우선"),
        format!("Size {band_en}: smaller firms first"),
    );
    if !f.capital_area {
        push(
            "non_capital",
            w.non_capital,
            "비수도권 기업 우선".to_owned(),
            "Outside the capital area: first".to_owned(),
        );
    }
    let need = industry_need().need_bp(f.ksic_section);
    push(
        "industry_need",
        industry_points(f.ksic_section, w),
        format!("업종({}) AI 훈련 수요 {}%", f.ksic_section, need / 100),
        format!("Industry (section {}) AI-training need {}%", f.ksic_section, need / 100),
    );
    let points = reasons.iter().map(|r| r.points).sum();
    DiscoveryScore { points, reasons }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weights() -> DiscoveryWeights {
        DiscoveryWeights::from_values([30, 15, 3, 25, 20, 20, 10, 15, 10])
    }

    /// A firm with no fact that scores: AI-trained, no programme, no intent known, 300+,
    /// capital area, a medium-need section scored with a zero industry weight.
    fn plain() -> DiscoveryFacts {
        DiscoveryFacts {
            no_ai_training: false,
            partner_programmes: 0,
            stated_intent: None,
            size_band: SizeBand::From300,
            capital_area: true,
            ksic_section: 'G',
        }
    }

    fn zero_industry() -> DiscoveryWeights {
        DiscoveryWeights {
            industry_need: 0,
            ..weights()
        }
    }

    #[test]
    fn the_table_loads_and_rates_manufacturing_and_information_high() {
        let t = industry_need();
        assert_eq!(t.need_bp('C'), FULL_NEED_BP);
        assert_eq!(t.need_bp('J'), FULL_NEED_BP);
        assert_eq!(t.need_bp('G'), t.default_bp);
        assert!(t.default_bp < FULL_NEED_BP);
        for s in &t.sections {
            assert!(s.cite.starts_with("seed:002"), "{}", s.section);
        }
    }

    #[test]
    fn a_bad_table_is_refused() {
        let bad = "default_bp = 5000\ndefault_note = \"x\"\n[[section]]\nsection = \"Z\"\nneed_bp = 1\ncite = \"c\"\nconfidence = \"x\"\n";
        assert_eq!(IndustryNeed::parse(bad), Err(IndustryNeedError::BadSection('Z')));
        let twice = "default_bp = 5000\ndefault_note = \"x\"\n[[section]]\nsection = \"C\"\nneed_bp = 1\ncite = \"c\"\nconfidence = \"x\"\n[[section]]\nsection = \"C\"\nneed_bp = 2\ncite = \"c\"\nconfidence = \"x\"\n";
        assert_eq!(IndustryNeed::parse(twice), Err(IndustryNeedError::Duplicate('C')));
        let high = "default_bp = 10001\ndefault_note = \"x\"\nsection = []\n";
        assert_eq!(IndustryNeed::parse(high), Err(IndustryNeedError::OutOfRange(10_001)));
    }

    #[test]
    fn a_firm_with_no_scoring_fact_scores_zero_with_no_reason() {
        let s = score(&plain(), &zero_industry());
        assert_eq!(s.points, 0);
        assert!(s.reasons.is_empty());
        assert_eq!(score_points(&plain(), &zero_industry()), 0);
    }

    /// Each fact moves the score by exactly its weight, and names itself.
    #[test]
    fn each_weight_moves_the_score_by_its_points() {
        let w = zero_industry();
        let base = score_points(&plain(), &w);
        let cases: Vec<(DiscoveryFacts, i64, &str)> = vec![
            (
                DiscoveryFacts {
                    no_ai_training: true,
                    ..plain()
                },
                w.no_ai_training,
                "no_ai_training",
            ),
            (
                DiscoveryFacts {
                    partner_programmes: 2,
                    ..plain()
                },
                2 * w.partner_programme,
                "partner_programmes",
            ),
            (
                DiscoveryFacts {
                    partner_programmes: 7,
                    ..plain()
                },
                3 * w.partner_programme,
                "partner_programmes",
            ),
            (
                DiscoveryFacts {
                    stated_intent: Some(true),
                    ..plain()
                },
                w.intent_yes,
                "intent_yes",
            ),
            (
                DiscoveryFacts {
                    stated_intent: Some(false),
                    ..plain()
                },
                -w.intent_no,
                "intent_no",
            ),
            (
                DiscoveryFacts {
                    size_band: SizeBand::From10To29,
                    ..plain()
                },
                w.size_under_30,
                "size",
            ),
            (
                DiscoveryFacts {
                    size_band: SizeBand::From100To299,
                    ..plain()
                },
                w.size_30_to_299,
                "size",
            ),
            (
                DiscoveryFacts {
                    capital_area: false,
                    ..plain()
                },
                w.non_capital,
                "non_capital",
            ),
        ];
        for (facts, delta, code) in cases {
            let s = score(&facts, &w);
            assert_eq!(s.points - base, delta, "{code}");
            assert_eq!(score_points(&facts, &w), s.points, "{code}");
            assert_eq!(s.reasons.len(), 1, "{code}: {:?}", s.reasons);
            assert_eq!(s.reasons[0].code, code);
            assert_eq!(s.reasons[0].points, delta);
            assert!(!s.reasons[0].ko.is_empty() && !s.reasons[0].en.is_empty());
        }
        // Industry need scales by the section's need, rounded down.
        let w = DiscoveryWeights {
            industry_need: 11,
            ..zero_industry()
        };
        let manufacturing = DiscoveryFacts {
            ksic_section: 'C',
            ..plain()
        };
        assert_eq!(score_points(&manufacturing, &w), 11);
        assert_eq!(
            score_points(&plain(), &w),
            11 * industry_need().default_bp / FULL_NEED_BP
        );
        assert_eq!(score(&manufacturing, &w).reasons[0].code, "industry_need");
    }

    #[test]
    fn changing_a_weight_changes_only_its_term() {
        let facts = DiscoveryFacts {
            no_ai_training: true,
            partner_programmes: 1,
            stated_intent: Some(true),
            size_band: SizeBand::Under5,
            capital_area: false,
            ksic_section: 'C',
        };
        let w = weights();
        let base = score_points(&facts, &w);
        let mut values = w.values();
        // The cap (2) is above the firm's one programme; the firm said yes (so 4, the weight of
        // a no, does not apply) and is under 30 (so 6, the weight of 30–299, does not apply).
        let unused = [2, 4, 6];
        for i in 0..values.len() {
            values[i] += 1;
            let moved = score_points(&facts, &DiscoveryWeights::from_values(values));
            let expected = if unused.contains(&i) { 0 } else { 1 };
            assert_eq!(moved - base, expected, "{}", DiscoveryWeights::PARAMS[i]);
            values[i] -= 1;
        }
    }

    #[test]
    fn the_reasons_list_every_fact_and_add_up() {
        let facts = DiscoveryFacts {
            no_ai_training: true,
            partner_programmes: 2,
            stated_intent: Some(true),
            size_band: SizeBand::From5To9,
            capital_area: false,
            ksic_section: 'J',
        };
        let s = score(&facts, &weights());
        let codes: Vec<&str> = s.reasons.iter().map(|r| r.code).collect();
        assert_eq!(
            codes,
            [
                "no_ai_training",
                "partner_programmes",
                "intent_yes",
                "size",
                "non_capital",
                "industry_need"
            ]
        );
        assert_eq!(s.points, s.reasons.iter().map(|r| r.points).sum::<i64>());
        assert_eq!(s.points, score_points(&facts, &weights()));
        assert_eq!(s.points, 30 + 30 + 25 + 20 + 15 + 10);
    }

    #[test]
    fn smaller_and_non_capital_firms_rank_higher() {
        let w = weights();
        let at = |band, capital_area| {
            score_points(
                &DiscoveryFacts {
                    size_band: band,
                    capital_area,
                    ..plain()
                },
                &w,
            )
        };
        assert!(at(SizeBand::Under5, true) > at(SizeBand::From50To99, true));
        assert!(at(SizeBand::From50To99, true) > at(SizeBand::From300, true));
        assert!(at(SizeBand::From300, false) > at(SizeBand::From300, true));
        assert!(at(SizeBand::From10To29, false) > at(SizeBand::From10To29, true));
    }
}
