//! The Korean Standard Industrial Classification (KSIC, 10th revision): sections A–U and their
//! divisions, compiled in from `data/sme/ksic.toml`.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize, Serializer};

use crate::FieldProblem;

const KSIC_TOML: &str = include_str!("../../../data/sme/ksic.toml");

/// A section (대분류), `A`–`U`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub code: char,
    pub name_ko: String,
    pub name_en: String,
}

/// A division (중분류), two digits, in one section.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Division {
    pub code: String,
    pub section: char,
    pub name_ko: String,
    pub name_en: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KsicFile {
    cite: String,
    cite_en: String,
    section: Vec<Section>,
    division: Vec<Division>,
}

/// The classification: its sections and divisions, with the notice it comes from.
#[derive(Debug, Clone)]
pub struct Ksic {
    pub cite: String,
    pub cite_en: String,
    sections: Vec<Section>,
    divisions: BTreeMap<u8, Division>,
}

/// Why `data/sme/ksic.toml` does not load (a test holds the shipped file loadable).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("data/sme/ksic.toml: {0}")]
pub struct KsicLoadError(String);

impl Ksic {
    /// Loads and checks the file: 21 sections A–U in order, 77 divisions, each in a known
    /// section, no repeats, every name in both languages.
    pub fn load(text: &str) -> Result<Ksic, KsicLoadError> {
        let file: KsicFile = toml::from_str(text).map_err(|e| KsicLoadError(e.to_string()))?;
        let letters: String = file.section.iter().map(|s| s.code).collect();
        if letters != "ABCDEFGHIJKLMNOPQRSTU" {
            return Err(KsicLoadError(format!(
                "the sections must be A to U in order, not {letters}"
            )));
        }
        let mut divisions = BTreeMap::new();
        for d in file.division {
            let number: u8 = match d.code.parse() {
                Ok(n) if d.code.len() == 2 && (1..=99).contains(&n) => n,
                _ => return Err(KsicLoadError(format!("division `{}` is not two digits 01–99", d.code))),
            };
            if !letters.contains(d.section) {
                return Err(KsicLoadError(format!(
                    "division {} names unknown section {}",
                    d.code, d.section
                )));
            }
            if d.name_ko.trim().is_empty() || d.name_en.trim().is_empty() {
                return Err(KsicLoadError(format!(
                    "division {} needs a Korean and an English name",
                    d.code
                )));
            }
            if let Some(prev) = divisions.get(&number).map(|p: &Division| p.code.clone()) {
                return Err(KsicLoadError(format!("division {prev} is listed twice")));
            }
            divisions.insert(number, d);
        }
        if divisions.len() != 77 {
            return Err(KsicLoadError(format!(
                "KSIC 10 has 77 divisions, the file {}",
                divisions.len()
            )));
        }
        if let Some(s) = file
            .section
            .iter()
            .find(|s| s.name_ko.trim().is_empty() || s.name_en.trim().is_empty())
        {
            return Err(KsicLoadError(format!(
                "section {} needs a Korean and an English name",
                s.code
            )));
        }
        if let Some(s) = file
            .section
            .iter()
            .find(|s| !divisions.values().any(|d| d.section == s.code))
        {
            return Err(KsicLoadError(format!("section {} has no division", s.code)));
        }
        Ok(Ksic {
            cite: file.cite,
            cite_en: file.cite_en,
            sections: file.section,
            divisions,
        })
    }

    pub fn sections(&self) -> &[Section] {
        &self.sections
    }

    pub fn section(&self, code: char) -> Option<&Section> {
        self.sections.iter().find(|s| s.code == code)
    }

    /// Every division, in code order.
    pub fn divisions(&self) -> impl Iterator<Item = &Division> {
        self.divisions.values()
    }

    pub fn division(&self, code: u8) -> Option<&Division> {
        self.divisions.get(&code)
    }

    /// The divisions of one section, in code order.
    pub fn divisions_of(&self, section: char) -> impl Iterator<Item = &Division> {
        self.divisions.values().filter(move |d| d.section == section)
    }
}

/// The shipped classification (loaded once; the file is checked by a test).
pub fn ksic() -> &'static Ksic {
    static KSIC: OnceLock<Ksic> = OnceLock::new();
    KSIC.get_or_init(|| match Ksic::load(KSIC_TOML) {
        Ok(k) => k,
        // The file is compiled in and a unit test loads it: this cannot happen in a build that
        // passed its tests.
        Err(e) => panic!("{e}"),
    })
}

/// An industry: a KSIC section, and its division when known (`C`, `C26`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IndustryCode {
    section: char,
    division: Option<u8>,
}

impl IndustryCode {
    /// Parses a division (`26`, `C26`, `C 26`, `C-26`, or a longer KSIC code such as `26221`,
    /// of which the first two digits are the division) or a section letter (`C`). A letter
    /// given with a division must be that division's section. Unknown codes are refused with
    /// the problem on `field`.
    pub fn parse(text: &str, field: &str) -> Result<IndustryCode, FieldProblem> {
        let k = ksic();
        let cleaned: String = text
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.'))
            .collect::<String>()
            .to_ascii_uppercase();
        let unknown = || {
            FieldProblem::new(
                field,
                format!(
                    "`{}` is not a KSIC (10th revision) section (A–U) or division (two digits, e.g. C26)",
                    text.trim()
                ),
                format!(
                    "`{}`은(는) 한국표준산업분류(10차) 대분류(A~U)나 중분류(두 자리, 예: C26)가 아닙니다",
                    text.trim()
                ),
            )
        };
        let mut chars = cleaned.chars();
        let (letter, digits) = match chars.next() {
            Some(c) if c.is_ascii_alphabetic() => (Some(c), chars.as_str()),
            Some(_) => (None, cleaned.as_str()),
            None => return Err(unknown()),
        };
        if digits.is_empty() {
            let letter = letter.ok_or_else(unknown)?;
            return k
                .section(letter)
                .map(|s| IndustryCode {
                    section: s.code,
                    division: None,
                })
                .ok_or_else(unknown);
        }
        if !(2..=5).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(unknown());
        }
        let number: u8 = digits[..2].parse().map_err(|_| unknown())?;
        let division = k.division(number).ok_or_else(unknown)?;
        if let Some(letter) = letter {
            if letter != division.section {
                return Err(FieldProblem::new(
                    field,
                    format!(
                        "KSIC division {} is in section {}, not {letter}",
                        division.code, division.section
                    ),
                    format!(
                        "한국표준산업분류 중분류 {}은(는) 대분류 {}에 속합니다({letter} 아님)",
                        division.code, division.section
                    ),
                ));
            }
        }
        Ok(IndustryCode {
            section: division.section,
            division: Some(number),
        })
    }

    /// From a stored section and division (`"C"`, `"26"`); `None` if either is unknown or they
    /// disagree.
    pub fn from_parts(section: &str, division: &str) -> Option<IndustryCode> {
        IndustryCode::parse(&format!("{section}{division}"), "industry").ok()
    }

    pub fn section(&self) -> char {
        self.section
    }

    pub fn division(&self) -> Option<u8> {
        self.division
    }

    /// The division as two digits (`"26"`), if known.
    pub fn division_code(&self) -> Option<String> {
        self.division.map(|d| format!("{d:02}"))
    }

    /// The section's names (Korean, English).
    pub fn section_names(&self) -> (&'static str, &'static str) {
        ksic()
            .section(self.section)
            .map_or(("", ""), |s| (s.name_ko.as_str(), s.name_en.as_str()))
    }

    /// The most precise name (the division's, else the section's), in Korean.
    pub fn name_ko(&self) -> &'static str {
        match self.division.and_then(|d| ksic().division(d)) {
            Some(d) => &d.name_ko,
            None => self.section_names().0,
        }
    }

    /// The most precise name (the division's, else the section's), in English.
    pub fn name_en(&self) -> &'static str {
        match self.division.and_then(|d| ksic().division(d)) {
            Some(d) => &d.name_en,
            None => self.section_names().1,
        }
    }
}

impl fmt::Display for IndustryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.division {
            Some(d) => write!(f, "{}{d:02}", self.section),
            None => write!(f, "{}", self.section),
        }
    }
}

impl fmt::Debug for IndustryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IndustryCode({self})")
    }
}

impl Serialize for IndustryCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_file_loads_with_every_section_and_division() {
        let k = Ksic::load(KSIC_TOML).expect("ksic.toml loads");
        assert_eq!(k.sections().len(), 21);
        assert_eq!(k.divisions().count(), 77);
        assert_eq!(k.divisions_of('C').count(), 25, "manufacturing is divisions 10–34");
        assert_eq!(k.division(26).map(|d| d.section), Some('C'));
        assert_eq!(k.division(62).map(|d| d.section), Some('J'));
        assert!(k.division(4).is_none() && k.division(40).is_none() && k.division(83).is_none());
        assert!(k.cite.contains("10차"));
    }

    #[test]
    fn a_broken_file_is_refused() {
        let short = KSIC_TOML.replace("code = \"99\"\nsection = \"U\"", "code = \"99\"\nsection = \"Z\"");
        assert!(Ksic::load(&short)
            .unwrap_err()
            .to_string()
            .contains("unknown section Z"));
        let twice = KSIC_TOML.replace("code = \"03\"", "code = \"02\"");
        assert!(Ksic::load(&twice).unwrap_err().to_string().contains("twice"));
    }

    #[test]
    fn codes_parse_in_every_accepted_form() {
        for text in ["26", "C26", "c26", "C 26", "C-26", "26221", " C26 "] {
            let code = IndustryCode::parse(text, "industry").unwrap_or_else(|e| panic!("{text}: {e:?}"));
            assert_eq!((code.section(), code.division()), ('C', Some(26)), "{text}");
            assert_eq!(code.to_string(), "C26");
        }
        let section = IndustryCode::parse("j", "industry").unwrap();
        assert_eq!((section.section(), section.division()), ('J', None));
        assert_eq!(section.name_en(), "Information and communication");
        assert_eq!(
            IndustryCode::parse("62", "x").unwrap().name_ko(),
            "컴퓨터 프로그래밍, 시스템 통합 및 관리업"
        );
        assert_eq!(
            IndustryCode::from_parts("C", "26"),
            Some(IndustryCode::parse("26", "x").unwrap())
        );
        assert_eq!(IndustryCode::from_parts("J", "26"), None);
    }

    #[test]
    fn unknown_codes_are_refused_with_their_field() {
        for text in ["", "V", "40", "C4", "C40", "Z26", "2A", "123456", "AB"] {
            let err = IndustryCode::parse(text, "ksic").unwrap_err();
            assert_eq!(err.field, "ksic");
            assert!(err.reason.contains("KSIC"), "{text}: {}", err.reason);
            assert!(!err.reason_ko.is_empty());
        }
        let err = IndustryCode::parse("J26", "ksic").unwrap_err();
        assert!(err.reason.contains("in section C, not J"), "{}", err.reason);
    }
}
