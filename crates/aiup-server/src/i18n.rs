//! Korean first, with English on request (`?lang=en`).

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Ko,
    En,
}

impl Lang {
    pub fn parse(text: Option<&str>) -> Lang {
        match text {
            Some("en") => Lang::En,
            _ => Lang::Ko,
        }
    }

    /// The `lang` parameter of a query string, Korean when absent.
    pub fn from_pairs(pairs: &[(String, String)]) -> Lang {
        Lang::parse(pairs.iter().find(|(k, _)| k == "lang").map(|(_, v)| v.as_str()))
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ko => "ko",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Ko => Lang::En,
            Lang::En => Lang::Ko,
        }
    }

    /// Picks the string for this language.
    pub fn pick<'a>(self, ko: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Ko => ko,
            Lang::En => en,
        }
    }
}
