//! The diagnosis questionnaire (`data/sme/questionnaire.toml`, compiled in): the model and its
//! strict loader. Every text has Korean and English; ids are unique; every role the assessment
//! reads is present once, with the kind it needs; the four readiness areas are each asked. The
//! file's sha256 is the questionnaire version, stored with every diagnosis.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use aiup_catalogue::{AiLevel, HoursBand, NcsMajor};
use aiup_core::policy::Text;
use aiup_core::Delivery;
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The questionnaire compiled into the binary.
pub const EMBEDDED_QUESTIONNAIRE: &str = include_str!("../../../data/sme/questionnaire.toml");

/// How an item is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// One option.
    Single,
    /// Any number of options from `min` up.
    Multi,
    /// Yes or no (`yes` / `no`).
    YesNo,
    /// A whole number between `min` and `max`.
    Number,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Single => "single",
            Kind::Multi => "multi",
            Kind::YesNo => "yes_no",
            Kind::Number => "number",
        }
    }
}

/// What an item's answer feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    AiUse,
    AiUseFields,
    AiTraining,
    AiTrainingHours,
    Need,
    Intent,
    Needs,
    Method,
    Length,
    Obstacles,
    Support,
    LevelWanted,
    Readiness,
}

impl Role {
    /// The roles asked exactly once, with the kind each needs.
    const ONCE: [(Role, Kind); 12] = [
        (Role::AiUse, Kind::Single),
        (Role::AiUseFields, Kind::Multi),
        (Role::AiTraining, Kind::Single),
        (Role::AiTrainingHours, Kind::Number),
        (Role::Need, Kind::YesNo),
        (Role::Intent, Kind::YesNo),
        (Role::Needs, Kind::Multi),
        (Role::Method, Kind::Single),
        (Role::Length, Kind::Single),
        (Role::Obstacles, Kind::Multi),
        (Role::Support, Kind::Multi),
        (Role::LevelWanted, Kind::Single),
    ];
}

/// The four areas of the AX innovation index (research F3), which readiness items measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    StrategyWill,
    ResourcesOrganisation,
    TechnologyData,
    UseResults,
}

impl Area {
    pub const ALL: [Area; 4] = [
        Area::StrategyWill,
        Area::ResourcesOrganisation,
        Area::TechnologyData,
        Area::UseResults,
    ];

    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Area::StrategyWill => ("전략·의지", "Strategy and will"),
            Area::ResourcesOrganisation => ("자원·조직", "Resources and organisation"),
            Area::TechnologyData => ("기술·데이터", "Technology and data"),
            Area::UseResults => ("활용·성과", "Use and results"),
        }
    }
}

/// One option of a single or multi item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub id: String,
    pub label: Text,
    pub points: u32,
    /// NCS majors the option points the catalogue search to (needs).
    pub ncs: Vec<NcsMajor>,
    /// Deliveries (method).
    pub deliveries: Vec<Delivery>,
    /// Hours bands (length).
    pub hours_bands: Vec<HoursBand>,
    /// AI levels (level wanted).
    pub ai_levels: Vec<AiLevel>,
}

/// Points for a number answer of at least `from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Band {
    pub from: u32,
    pub points: u32,
}

/// One question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub id: String,
    pub kind: Kind,
    pub role: Role,
    pub area: Option<Area>,
    pub question: Text,
    pub cite: String,
    pub options: Vec<Choice>,
    /// Multi: the fewest options; number: the least value.
    pub min: u32,
    /// Number: the greatest value.
    pub max: u32,
    pub unit: Option<Text>,
    /// Number: points by band, ascending `from`, the first from `min`.
    pub bands: Vec<Band>,
}

impl Item {
    pub fn option(&self, id: &str) -> Option<&Choice> {
        self.options.iter().find(|o| o.id == id)
    }

    /// The most points the item can give.
    pub fn max_points(&self) -> u32 {
        match self.kind {
            Kind::Single => self.options.iter().map(|o| o.points).max().unwrap_or(0),
            Kind::Multi => self.options.iter().map(|o| o.points).sum(),
            Kind::YesNo => 0,
            Kind::Number => self.bands.iter().map(|b| b.points).max().unwrap_or(0),
        }
    }
}

/// The level thresholds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scoring {
    pub intermediate_from: u32,
    pub advanced_from: u32,
    pub cite: String,
    pub mapping: Text,
}

/// The loaded questionnaire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Questionnaire {
    pub items: Vec<Item>,
    pub scoring: Scoring,
    /// sha256 of the file, in hex.
    pub version: String,
}

impl Questionnaire {
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    /// The one item of `role` (the loader guarantees it for every role but readiness).
    pub fn by_role(&self, role: Role) -> &Item {
        self.items
            .iter()
            .find(|i| i.role == role)
            .expect("the loader checks every role is present")
    }

    /// The most points a diagnosis can score.
    pub fn max_points(&self) -> u32 {
        self.items.iter().map(Item::max_points).sum()
    }
}

/// The questionnaire compiled in, loaded once.
pub fn questionnaire() -> &'static Questionnaire {
    static Q: OnceLock<Questionnaire> = OnceLock::new();
    Q.get_or_init(|| load(EMBEDDED_QUESTIONNAIRE).expect("data/sme/questionnaire.toml is valid (tested)"))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileJson {
    scoring: ScoringJson,
    item: Vec<ItemJson>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScoringJson {
    intermediate_from: u32,
    advanced_from: u32,
    cite: String,
    note: String,
    mapping: Text,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemJson {
    id: String,
    kind: Kind,
    role: Role,
    area: Option<Area>,
    question: Text,
    cite: String,
    #[serde(default)]
    option: Vec<OptionJson>,
    min: Option<u32>,
    max: Option<u32>,
    unit: Option<Text>,
    #[serde(default)]
    band: Vec<BandJson>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OptionJson {
    id: String,
    label: Text,
    #[serde(default)]
    points: u32,
    #[serde(default)]
    ncs: Vec<String>,
    #[serde(default)]
    delivery: Vec<String>,
    #[serde(default)]
    hours_band: Vec<String>,
    #[serde(default)]
    ai_level: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BandJson {
    from: u32,
    points: u32,
}

fn id_ok(id: &str) -> bool {
    (2..=40).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn text_ok(t: &Text) -> bool {
    !t.ko.trim().is_empty() && !t.en.trim().is_empty()
}

fn parse_all<T>(what: &str, where_: &str, values: &[String], parse: fn(&str) -> Option<T>) -> Result<Vec<T>, String> {
    values
        .iter()
        .map(|v| parse(v).ok_or_else(|| format!("{where_}: `{v}` is not a {what}")))
        .collect()
}

/// Loads and checks a questionnaire file; the error names what is wrong.
pub fn load(source: &str) -> Result<Questionnaire, String> {
    let file: FileJson = toml::from_str(source).map_err(|e| format!("questionnaire: {e}"))?;
    let s = &file.scoring;
    if s.intermediate_from == 0 || s.advanced_from <= s.intermediate_from {
        return Err("scoring: need 0 < intermediate_from < advanced_from".into());
    }
    if s.cite.trim().is_empty() || s.note.trim().is_empty() || !text_ok(&s.mapping) {
        return Err("scoring: cite, note and mapping (ko and en) are required".into());
    }
    let mut ids = BTreeSet::new();
    let mut items = Vec::with_capacity(file.item.len());
    for raw in file.item {
        let at = format!("item `{}`", raw.id);
        if !id_ok(&raw.id) || !ids.insert(raw.id.clone()) {
            return Err(format!("{at}: the id must be unique, 2–40 of a–z, 0–9 and _"));
        }
        if !text_ok(&raw.question) || raw.cite.trim().is_empty() {
            return Err(format!("{at}: question (ko and en) and cite are required"));
        }
        if (raw.role == Role::Readiness) != raw.area.is_some() {
            return Err(format!("{at}: a readiness item has an area, and only it"));
        }
        let mut option_ids = BTreeSet::new();
        let mut options = Vec::with_capacity(raw.option.len());
        for o in raw.option {
            let oat = format!("{at} option `{}`", o.id);
            if !id_ok(&o.id) || !option_ids.insert(o.id.clone()) {
                return Err(format!("{oat}: option ids must be unique, 2–40 of a–z, 0–9 and _"));
            }
            if !text_ok(&o.label) {
                return Err(format!("{oat}: the label needs Korean and English"));
            }
            options.push(Choice {
                ncs: parse_all("NCS major", &oat, &o.ncs, NcsMajor::parse)?,
                deliveries: parse_all("delivery", &oat, &o.delivery, Delivery::parse)?,
                hours_bands: parse_all("hours band", &oat, &o.hours_band, HoursBand::parse)?,
                ai_levels: parse_all("AI level", &oat, &o.ai_level, AiLevel::parse)?,
                id: o.id,
                label: o.label,
                points: o.points,
            });
        }
        let bands: Vec<Band> = raw
            .band
            .iter()
            .map(|b| Band {
                from: b.from,
                points: b.points,
            })
            .collect();
        let (min, max) = match raw.kind {
            Kind::Single | Kind::YesNo | Kind::Multi => {
                if !bands.is_empty() || raw.max.is_some() || raw.unit.is_some() {
                    return Err(format!("{at}: bands, max and unit belong to number items"));
                }
                match raw.kind {
                    Kind::YesNo if !options.is_empty() => {
                        return Err(format!("{at}: a yes/no item has no options"));
                    }
                    Kind::Single | Kind::Multi if options.len() < 2 => {
                        return Err(format!("{at}: needs at least two options"));
                    }
                    Kind::Single | Kind::YesNo if raw.min.is_some() => {
                        return Err(format!("{at}: min belongs to multi and number items"));
                    }
                    _ => {}
                }
                let min = raw.min.unwrap_or(0);
                if raw.kind == Kind::Multi && min as usize > options.len() {
                    return Err(format!("{at}: min is more than the options"));
                }
                (min, 0)
            }
            Kind::Number => {
                let (Some(min), Some(max)) = (raw.min, raw.max) else {
                    return Err(format!("{at}: a number item needs min and max"));
                };
                if min > max || !options.is_empty() || !raw.unit.as_ref().is_some_and(text_ok) {
                    return Err(format!(
                        "{at}: a number item has min ≤ max, a unit (ko and en) and no options"
                    ));
                }
                if bands.first().map(|b| b.from) != Some(min) || bands.windows(2).any(|w| w[0].from >= w[1].from) {
                    return Err(format!("{at}: bands ascend and the first starts at min"));
                }
                (min, max)
            }
        };
        items.push(Item {
            id: raw.id,
            kind: raw.kind,
            role: raw.role,
            area: raw.area,
            question: raw.question,
            cite: raw.cite,
            options,
            min,
            max,
            unit: raw.unit,
            bands,
        });
    }
    for (role, kind) in Role::ONCE {
        let with: Vec<&Item> = items.iter().filter(|i| i.role == role).collect();
        if with.len() != 1 || with[0].kind != kind {
            return Err(format!(
                "role {role:?}: must be asked by exactly one {} item",
                kind.as_str()
            ));
        }
    }
    for area in Area::ALL {
        if !items.iter().any(|i| i.area == Some(area)) {
            return Err(format!("area {area:?}: no readiness item asks it"));
        }
    }
    let version = format!("{:x}", Sha256::digest(source.as_bytes()));
    let q = Questionnaire {
        items,
        scoring: Scoring {
            intermediate_from: file.scoring.intermediate_from,
            advanced_from: file.scoring.advanced_from,
            cite: file.scoring.cite,
            mapping: file.scoring.mapping,
        },
        version,
    };
    if q.scoring.advanced_from > q.max_points() {
        return Err(format!(
            "scoring: advanced_from is more than the {} points possible",
            q.max_points()
        ));
    }
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_questionnaire_loads_with_the_surveys_options() {
        let q = load(EMBEDDED_QUESTIONNAIRE).unwrap();
        assert_eq!(
            q.version,
            format!("{:x}", Sha256::digest(EMBEDDED_QUESTIONNAIRE.as_bytes()))
        );
        // The survey's eight fields, four methods, five lengths, seven obstacles, eight kinds of
        // support and four levels (seed 002 appendix 2).
        assert_eq!(q.by_role(Role::Needs).options.len(), 8);
        assert_eq!(q.by_role(Role::Method).options.len(), 4);
        assert_eq!(q.by_role(Role::Length).options.len(), 5);
        assert_eq!(q.by_role(Role::Obstacles).options.len(), 7);
        assert_eq!(q.by_role(Role::Support).options.len(), 8);
        assert_eq!(q.by_role(Role::LevelWanted).options.len(), 4);
        assert!(q.scoring.advanced_from <= q.max_points());
        // Every need points the search somewhere.
        assert!(q.by_role(Role::Needs).options.iter().all(|o| !o.ncs.is_empty()));
    }

    #[test]
    fn the_loader_refuses_what_is_wrong() {
        let bad = [
            (
                EMBEDDED_QUESTIONNAIRE.replacen("id = \"need\"", "id = \"needs\"", 1),
                "unique",
            ),
            (
                EMBEDDED_QUESTIONNAIRE.replacen("role = \"intent\"", "role = \"need\"", 1),
                "exactly one yes_no",
            ),
            (
                EMBEDDED_QUESTIONNAIRE.replacen("area = \"use_results\"", "area = \"strategy_will\"", 1),
                "UseResults",
            ),
            (
                EMBEDDED_QUESTIONNAIRE.replacen("ncs = [\"10\"]", "ncs = [\"99\"]", 1),
                "NCS major",
            ),
            (
                EMBEDDED_QUESTIONNAIRE.replacen("en = \"Used\"", "en = \"\"", 1),
                "English",
            ),
            (
                EMBEDDED_QUESTIONNAIRE.replacen("advanced_from = 60", "advanced_from = 600", 1),
                "points possible",
            ),
            (
                EMBEDDED_QUESTIONNAIRE.replacen("points = 15\n", "points = 15\nsurprise = 1\n", 1),
                "unknown field",
            ),
        ];
        for (source, expected) in bad {
            assert_ne!(source, EMBEDDED_QUESTIONNAIRE, "the test's edit applies");
            let err = load(&source).unwrap_err();
            assert!(err.contains(expected), "{err} should mention {expected}");
        }
    }
}
