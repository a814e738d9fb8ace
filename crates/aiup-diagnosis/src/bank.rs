//! The item bank: the model and its strict loader.
//!
//! The file format is described in `data/diagnosis/README.md`. Everything is checked when the
//! bank loads, so code holding an [`Item`] need not check it again.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::OnceLock;

use aiup_catalogue::{AiStep, BasicModule};
use aiup_core::Rate;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::Text;

/// The bank compiled into the binary.
pub const EMBEDDED_BANK: &str = include_str!("../../../data/diagnosis/items.toml");

/// Options per item (the loader refuses any other count).
pub const OPTIONS_PER_ITEM: usize = 4;

/// A stable item id: 3–32 characters of lowercase ASCII letters, digits and `-`, e.g. `b-ethics-01`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ItemId(String);

impl ItemId {
    pub fn parse(text: &str) -> Result<ItemId, String> {
        let ok_chars = text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !(3..=32).contains(&text.len()) || !ok_chars || text.starts_with('-') {
            return Err(format!(
                "`{text}` is not an item id (3–32 lowercase letters, digits and -, not starting with -)"
            ));
        }
        Ok(ItemId(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ItemId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One multiple-choice question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub id: ItemId,
    pub step: AiStep,
    pub module: BasicModule,
    pub stem: Text,
    pub options: [Text; OPTIONS_PER_ITEM],
    /// The right option, 0-based (the file writes it 1-based).
    pub answer: u8,
    /// What the item measures.
    pub measures: Text,
    /// Why the answer is right.
    pub rationale: Text,
}

/// The bank's header: how runs are built and scored. The values are aiup defaults (the plan sets
/// none); the file says so next to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// The fewest items a step × module cell may hold.
    pub min_items_per_cell: usize,
    /// Items of each cell in one run (so a run has 15 × this many items).
    pub items_per_cell_in_run: usize,
    /// A module is mastered at this share of right answers; below it, the gap is the difference.
    pub mastery: Rate,
    /// A step is passed ("mostly right") at this share of right answers.
    pub step_pass: Rate,
}

/// A loaded, checked item bank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bank {
    /// sha256 of the file, in hex: stored with every run.
    pub version: String,
    pub settings: Settings,
    /// Ordered by step, module, then id.
    items: Vec<Item>,
}

/// Why a bank file was refused. The message is in English and Korean.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BankError {
    #[error("the bank is not valid TOML or has an unknown field: {0} / 문항 은행 파일을 읽을 수 없습니다")]
    Syntax(String),
    #[error("header field `{field}`: {reason} / 머리말 `{field}` 값이 잘못되었습니다")]
    Header { field: &'static str, reason: String },
    #[error("item {index}: {reason} / {index}번째 문항의 id가 잘못되었습니다")]
    BadId { index: usize, reason: String },
    #[error("item `{id}` appears more than once / 문항 `{id}`이(가) 두 번 이상 나옵니다")]
    DuplicateId { id: String },
    #[error("item `{id}`, field `{field}`: {reason} / 문항 `{id}`의 `{field}` 값이 잘못되었습니다")]
    Field { id: String, field: String, reason: String },
    #[error(
        "item `{id}`, field `{field}` has no {language} text / 문항 `{id}`의 `{field}`에 {language} 글이 없습니다"
    )]
    MissingLanguage {
        id: String,
        field: String,
        language: &'static str,
    },
    #[error("item `{id}` has {count} options, not {OPTIONS_PER_ITEM} / 문항 `{id}`의 보기가 {count}개입니다({OPTIONS_PER_ITEM}개여야 합니다)")]
    OptionCount { id: String, count: usize },
    #[error("item `{id}`: answer {answer} is not an option number 1–{OPTIONS_PER_ITEM} / 문항 `{id}`의 정답 {answer}번은 보기 범위 밖입니다")]
    AnswerOutOfRange { id: String, answer: i64 },
    #[error("item `{id}`: options {first} and {second} say the same thing / 문항 `{id}`의 보기 {first}번과 {second}번이 같습니다")]
    DuplicateOption { id: String, first: usize, second: usize },
    #[error("cell {step} × {module} has {count} items, fewer than the minimum {min} / {step} × {module} 칸의 문항이 {count}개로 최소 {min}개보다 적습니다")]
    ThinCell {
        step: &'static str,
        module: &'static str,
        count: usize,
        min: usize,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBank {
    bank: RawHeader,
    scoring: RawScoring,
    #[serde(default)]
    item: Vec<RawItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    min_items_per_cell: i64,
    items_per_cell_in_run: i64,
    #[allow(dead_code)] // for reviewers
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScoring {
    mastery_percent: i64,
    step_pass_percent: i64,
    #[allow(dead_code)] // for reviewers
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawText {
    ko: Option<String>,
    en: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: String,
    step: String,
    module: String,
    stem: RawText,
    options: Vec<RawText>,
    answer: i64,
    measures: RawText,
    rationale: RawText,
}

fn text(id: &ItemId, field: &str, raw: RawText) -> Result<Text, BankError> {
    let missing = |language| BankError::MissingLanguage {
        id: id.to_string(),
        field: field.to_owned(),
        language,
    };
    let ko = raw.ko.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let en = raw.en.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    Ok(Text {
        ko: ko.ok_or_else(|| missing("Korean"))?,
        en: en.ok_or_else(|| missing("English"))?,
    })
}

/// Options are the same if they read the same once case and spacing are ignored.
fn normalised(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

fn percent(field: &'static str, value: i64, range: std::ops::RangeInclusive<i64>) -> Result<Rate, BankError> {
    if !range.contains(&value) {
        return Err(BankError::Header {
            field,
            reason: format!("{value} is not in {}–{}", range.start(), range.end()),
        });
    }
    // In range, so it fits.
    Ok(Rate(u32::try_from(value * 100).unwrap_or(0)))
}

fn count(field: &'static str, value: i64) -> Result<usize, BankError> {
    usize::try_from(value)
        .ok()
        .filter(|n| (1..=50).contains(n))
        .ok_or(BankError::Header {
            field,
            reason: format!("{value} is not a count from 1 to 50"),
        })
}

impl Bank {
    /// The bank compiled into the binary. Its validity is a unit test, so this cannot fail in a
    /// build whose tests passed.
    pub fn embedded() -> &'static Bank {
        static BANK: OnceLock<Bank> = OnceLock::new();
        BANK.get_or_init(|| Bank::load(EMBEDDED_BANK).unwrap_or_else(|e| panic!("data/diagnosis/items.toml: {e}")))
    }

    /// Loads and checks a bank file; the first problem found is the error.
    pub fn load(source: &str) -> Result<Bank, BankError> {
        let raw: RawBank = toml::from_str(source).map_err(|e| BankError::Syntax(e.to_string()))?;
        let settings = Settings {
            min_items_per_cell: count("bank.min_items_per_cell", raw.bank.min_items_per_cell)?,
            items_per_cell_in_run: count("bank.items_per_cell_in_run", raw.bank.items_per_cell_in_run)?,
            mastery: percent("scoring.mastery_percent", raw.scoring.mastery_percent, 1..=100)?,
            step_pass: percent("scoring.step_pass_percent", raw.scoring.step_pass_percent, 1..=100)?,
        };
        if settings.items_per_cell_in_run > settings.min_items_per_cell {
            return Err(BankError::Header {
                field: "bank.items_per_cell_in_run",
                reason: format!(
                    "{} is more than min_items_per_cell ({})",
                    settings.items_per_cell_in_run, settings.min_items_per_cell
                ),
            });
        }
        let mut seen = BTreeSet::new();
        let mut items = Vec::with_capacity(raw.item.len());
        for (index, raw_item) in raw.item.into_iter().enumerate() {
            let id = ItemId::parse(&raw_item.id).map_err(|reason| BankError::BadId {
                index: index + 1,
                reason,
            })?;
            if !seen.insert(id.clone()) {
                return Err(BankError::DuplicateId { id: id.to_string() });
            }
            items.push(Self::checked_item(id, raw_item)?);
        }
        let mut cells: BTreeMap<(AiStep, BasicModule), usize> = BTreeMap::new();
        for item in &items {
            *cells.entry((item.step, item.module)).or_default() += 1;
        }
        for step in AiStep::ALL {
            for module in BasicModule::ALL {
                let count = cells.get(&(*step, *module)).copied().unwrap_or(0);
                if count < settings.min_items_per_cell {
                    return Err(BankError::ThinCell {
                        step: step.as_str(),
                        module: module.as_str(),
                        count,
                        min: settings.min_items_per_cell,
                    });
                }
            }
        }
        items.sort_by(|a, b| (a.step, a.module, &a.id).cmp(&(b.step, b.module, &b.id)));
        Ok(Bank {
            version: format!("{:x}", Sha256::digest(source.as_bytes())),
            settings,
            items,
        })
    }

    fn checked_item(id: ItemId, raw: RawItem) -> Result<Item, BankError> {
        let field = |field: &str, reason: String| BankError::Field {
            id: id.to_string(),
            field: field.to_owned(),
            reason,
        };
        let step = AiStep::parse(&raw.step)
            .ok_or_else(|| field("step", format!("`{}` is not one of {}", raw.step, AiStep::expected())))?;
        let module = BasicModule::parse(&raw.module).ok_or_else(|| {
            field(
                "module",
                format!("`{}` is not one of {}", raw.module, BasicModule::expected()),
            )
        })?;
        if raw.options.len() != OPTIONS_PER_ITEM {
            return Err(BankError::OptionCount {
                id: id.to_string(),
                count: raw.options.len(),
            });
        }
        let answer = u8::try_from(raw.answer)
            .ok()
            .filter(|a| (1..=OPTIONS_PER_ITEM).contains(&usize::from(*a)))
            .ok_or(BankError::AnswerOutOfRange {
                id: id.to_string(),
                answer: raw.answer,
            })?;
        let mut options = Vec::with_capacity(OPTIONS_PER_ITEM);
        for (n, option) in raw.options.into_iter().enumerate() {
            options.push(text(&id, &format!("options[{}]", n + 1), option)?);
        }
        for first in 0..options.len() {
            for second in first + 1..options.len() {
                let same = normalised(&options[first].ko) == normalised(&options[second].ko)
                    || normalised(&options[first].en) == normalised(&options[second].en);
                if same {
                    return Err(BankError::DuplicateOption {
                        id: id.to_string(),
                        first: first + 1,
                        second: second + 1,
                    });
                }
            }
        }
        let options: [Text; OPTIONS_PER_ITEM] = options
            .try_into()
            .map_err(|_| field("options", "wrong count".to_owned()))?;
        Ok(Item {
            stem: text(&id, "stem", raw.stem)?,
            measures: text(&id, "measures", raw.measures)?,
            rationale: text(&id, "rationale", raw.rationale)?,
            id,
            step,
            module,
            options,
            answer: answer - 1,
        })
    }

    /// Every item, by step, module, then id.
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id.as_str() == id)
    }

    /// The items of one step × module cell, by id.
    pub fn cell(&self, step: AiStep, module: BasicModule) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(move |i| i.step == step && i.module == module)
    }
}

#[cfg(test)]
pub(crate) mod tests_support {
    use super::*;

    /// A valid bank of `per_cell` items per cell, as TOML.
    pub(crate) fn synthetic(per_cell: usize) -> String {
        let mut out = String::from(
            "[bank]\nmin_items_per_cell = 2\nitems_per_cell_in_run = 2\nnote = \"test\"\n\
             [scoring]\nmastery_percent = 70\nstep_pass_percent = 60\nnote = \"test\"\n",
        );
        for step in AiStep::ALL {
            for module in BasicModule::ALL {
                for n in 0..per_cell {
                    let id = format!("{}-{}-{n:02}", &step.as_str()[..3], module.as_str().replace('_', "-"));
                    out.push_str(&format!(
                        "[[item]]\nid = \"{id}\"\nstep = \"{}\"\nmodule = \"{}\"\n\
                         stem = {{ ko = \"질문 {id}\", en = \"Question {id}\" }}\n\
                         options = [{{ ko = \"가\", en = \"a\" }}, {{ ko = \"나\", en = \"b\" }}, \
                         {{ ko = \"다\", en = \"c\" }}, {{ ko = \"라\", en = \"d\" }}]\n\
                         answer = {}\n\
                         measures = {{ ko = \"측정\", en = \"measures\" }}\n\
                         rationale = {{ ko = \"이유\", en = \"because\" }}\n",
                        step.as_str(),
                        module.as_str(),
                        1 + n % 4
                    ));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::tests_support::synthetic;
    use super::*;

    #[test]
    fn the_embedded_bank_loads_and_covers_every_cell() {
        let bank = Bank::embedded();
        assert!(bank.items().len() >= 75, "{} items", bank.items().len());
        assert!(bank.settings.min_items_per_cell >= 5);
        assert_eq!(bank.settings.mastery, Rate(7_000));
        assert_eq!(bank.version.len(), 64);
        for step in AiStep::ALL {
            for module in BasicModule::ALL {
                assert!(bank.cell(*step, *module).count() >= 5, "{step} × {module}");
            }
        }
        // The right answers are spread over the positions, so guessing one letter does not pay.
        let mut positions = [0usize; OPTIONS_PER_ITEM];
        for item in bank.items() {
            positions[usize::from(item.answer)] += 1;
        }
        let fair = bank.items().len() / OPTIONS_PER_ITEM;
        assert!(
            positions.iter().all(|&n| n * 3 >= fair * 2),
            "answer positions {positions:?}"
        );
    }

    /// Korean text has no run of three English words (the pages mark English with `lang`,
    /// and bank text is not marked); English text has no Hangul.
    #[test]
    fn each_language_is_written_in_that_language() {
        let hangul = |c: char| ('\u{AC00}'..='\u{D7A3}').contains(&c) || ('\u{3131}'..='\u{318E}').contains(&c);
        let english_run = |text: &str| {
            let mut run = 0;
            for token in text.split(|c: char| c.is_whitespace() || "()[]{},.;:!?\"'·/…→~–—|=<>".contains(c)) {
                let word = token.len() >= 2
                    && token.chars().all(|c| c.is_ascii_alphabetic() || c == '-')
                    && token.chars().any(|c| c.is_ascii_lowercase());
                if token.is_empty() {
                    continue;
                }
                run = if word { run + 1 } else { 0 };
                if run >= 3 {
                    return true;
                }
            }
            false
        };
        for item in Bank::embedded().items() {
            let texts = [&item.stem, &item.measures, &item.rationale]
                .into_iter()
                .chain(item.options.iter());
            for text in texts {
                assert!(text.ko.chars().any(hangul), "{}: not Korean: {}", item.id, text.ko);
                assert!(!english_run(&text.ko), "{}: English in Korean: {}", item.id, text.ko);
                assert!(
                    !text.en.chars().any(hangul),
                    "{}: Hangul in English: {}",
                    item.id,
                    text.en
                );
            }
        }
    }

    #[test]
    fn a_synthetic_bank_loads_and_the_version_is_the_files_sha256() {
        let source = synthetic(2);
        let bank = Bank::load(&source).unwrap();
        assert_eq!(bank.items().len(), 30);
        assert_eq!(bank.version, format!("{:x}", Sha256::digest(source.as_bytes())));
        assert_ne!(Bank::load(&format!("{source}\n")).unwrap().version, bank.version);
    }

    #[test]
    fn duplicate_ids_are_refused() {
        let source = synthetic(2);
        let first = source.find("[[item]]").unwrap();
        let second = first + 1 + source[first + 1..].find("[[item]]").unwrap();
        let copy = &source[first..second];
        let e = Bank::load(&format!("{source}{copy}")).unwrap_err();
        assert!(matches!(e, BankError::DuplicateId { .. }), "{e}");
    }

    #[test]
    fn a_missing_language_is_refused() {
        let source = synthetic(2).replacen(", en = \"Question", ", xx = \"Question", 1);
        assert!(matches!(Bank::load(&source), Err(BankError::Syntax(_))));
        let source = synthetic(2).replacen("{ ko = \"측정\", en = \"measures\" }", "{ ko = \"측정\" }", 1);
        let e = Bank::load(&source).unwrap_err();
        assert!(
            matches!(&e, BankError::MissingLanguage { field, language: "English", .. } if field == "measures"),
            "{e}"
        );
        let source = synthetic(2).replacen("{ ko = \"나\", en = \"b\" }", "{ ko = \" \", en = \"b\" }", 1);
        let e = Bank::load(&source).unwrap_err();
        assert!(
            matches!(&e, BankError::MissingLanguage { field, language: "Korean", .. } if field == "options[2]"),
            "{e}"
        );
    }

    #[test]
    fn an_answer_out_of_range_is_refused() {
        for bad in ["0", "5", "-1"] {
            let source = synthetic(2).replacen("answer = 1", &format!("answer = {bad}"), 1);
            let e = Bank::load(&source).unwrap_err();
            assert!(matches!(e, BankError::AnswerOutOfRange { .. }), "{bad}: {e}");
        }
    }

    #[test]
    fn duplicate_options_and_wrong_option_counts_are_refused() {
        let source = synthetic(2).replacen("{ ko = \"다\", en = \"c\" }", "{ ko = \"다\", en = \" A \" }", 1);
        let e = Bank::load(&source).unwrap_err();
        assert!(
            matches!(
                e,
                BankError::DuplicateOption {
                    first: 1,
                    second: 3,
                    ..
                }
            ),
            "{e}"
        );
        let source = synthetic(2).replacen(", { ko = \"라\", en = \"d\" }]", "]", 1);
        assert!(matches!(
            Bank::load(&source),
            Err(BankError::OptionCount { count: 3, .. })
        ));
    }

    #[test]
    fn a_thin_cell_is_refused() {
        let source = synthetic(2).replacen("min_items_per_cell = 2", "min_items_per_cell = 3", 1);
        let e = Bank::load(&source).unwrap_err();
        assert!(matches!(e, BankError::ThinCell { count: 2, min: 3, .. }), "{e}");
        // A whole cell missing is a thin cell too.
        let mut source = synthetic(2);
        let start = source.find("[[item]]").unwrap();
        let end = start + 1 + source[start + 1..].find("[[item]]").unwrap();
        let end = end + 1 + source[end + 1..].find("[[item]]").unwrap();
        source.replace_range(start..end, "");
        let e = Bank::load(&source).unwrap_err();
        assert!(matches!(e, BankError::ThinCell { count: 0, .. }), "{e}");
    }

    #[test]
    fn unknown_steps_modules_ids_and_header_values_are_refused() {
        let e =
            Bank::load(&synthetic(2).replacen("step = \"basic_understanding\"", "step = \"basic\"", 1)).unwrap_err();
        assert!(matches!(&e, BankError::Field { field, .. } if field == "step"), "{e}");
        let e =
            Bank::load(&synthetic(2).replacen("module = \"ethics_security\"", "module = \"ethics\"", 1)).unwrap_err();
        assert!(matches!(&e, BankError::Field { field, .. } if field == "module"), "{e}");
        let e = Bank::load(&synthetic(2).replacen("id = \"bas-", "id = \"BAS-", 1)).unwrap_err();
        assert!(matches!(e, BankError::BadId { index: 1, .. }), "{e}");
        let e = Bank::load(&synthetic(2).replacen("mastery_percent = 70", "mastery_percent = 170", 1)).unwrap_err();
        assert!(
            matches!(
                e,
                BankError::Header {
                    field: "scoring.mastery_percent",
                    ..
                }
            ),
            "{e}"
        );
        let e = Bank::load(&synthetic(2).replacen("items_per_cell_in_run = 2", "items_per_cell_in_run = 3", 1))
            .unwrap_err();
        assert!(
            matches!(
                e,
                BankError::Header {
                    field: "bank.items_per_cell_in_run",
                    ..
                }
            ),
            "{e}"
        );
        assert!(Bank::load(&synthetic(2).replacen("note = \"test\"\n", "note = \"test\"\nextra = 1\n", 1)).is_err());
    }
}
