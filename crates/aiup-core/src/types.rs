//! Closed vocabularies shared by every layer. Parsing them is the only way in.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Declares a closed vocabulary: an enum with its wire spelling and Korean and English labels.
/// Crates that use it need `serde` as a dependency.
#[macro_export]
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal / $ko:literal / $en:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, ::serde::Serialize, ::serde::Deserialize)]
        pub enum $name { $(#[serde(rename = $text)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn parse(text: &str) -> Option<$name> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn label_ko(self) -> &'static str {
                match self { $($name::$variant => $ko),+ }
            }

            pub fn label_en(self) -> &'static str {
                match self { $($name::$variant => $en),+ }
            }

            /// The accepted spellings, for error messages (also the serde spellings).
            pub fn expected() -> String {
                [$($text),+].join(", ")
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// How a course is delivered.
    Delivery {
        Classroom = "classroom" / "집체" / "classroom",
        Remote = "remote" / "원격" / "remote",
        Blended = "blended" / "혼합" / "blended",
        LiveOnline = "live_online" / "실시간 원격" / "live online",
        VrMetaverse = "vr_metaverse" / "VR·메타버스" / "VR / metaverse",
        DigitalTwin = "digital_twin" / "디지털 트윈" / "digital twin",
    }
}

vocabulary! {
    /// The trainee's labour-market status on the course start date.
    TraineeStatus {
        JobSeeker = "job_seeker" / "구직자" / "job seeker",
        Employed = "employed" / "재직자" / "employee",
        SelfEmployed = "self_employed" / "자영업자" / "self-employed",
    }
}

vocabulary! {
    /// The employer's size class for employer-training (사업주훈련) support.
    EmployerSize {
        PrioritySupport = "priority_support" / "우선지원대상기업" / "priority-support firm (SME)",
        Large = "large" / "1,000인 미만 대규모기업" / "large firm under 1,000 workers",
        Large1000 = "large_1000" / "1,000인 이상 대규모기업" / "large firm of 1,000+ workers",
    }
}

vocabulary! {
    /// The plan's stages of working life, plus the infrastructure beneath them.
    Stage {
        Entry = "entry" / "진입기" / "entry",
        Participation = "participation" / "활동기" / "participation",
        Transition = "transition" / "전환기" / "transition",
        Infrastructure = "infrastructure" / "인프라" / "infrastructure",
    }
}

vocabulary! {
    /// The support tier of a place, by where the training institution is.
    RegionTier {
        Capital = "capital" / "수도권" / "capital area",
        NonCapital = "non_capital" / "비수도권" / "non-capital area",
        PopulationDeclining = "population_declining" / "인구감소지역" / "population-declining area",
    }
}

vocabulary! {
    /// Whether employer training is run by the firm itself or bought in.
    Provision {
        InHouse = "in_house" / "자체훈련" / "in-house",
        Outsourced = "outsourced" / "위탁훈련" / "outsourced",
    }
}

/// A programme id from the policy files, e.g. `kdt-ai-campus`.
/// Lowercase ASCII letters, digits and single hyphens; 2–48 characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct ProgrammeId(String);

impl ProgrammeId {
    pub fn parse(text: &str) -> Result<ProgrammeId, String> {
        let ok_chars = text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !(2..=48).contains(&text.len()) {
            return Err(format!("must be 2 to 48 characters, got {}", text.len()));
        }
        if !ok_chars || text.starts_with('-') || text.ends_with('-') || text.contains("--") {
            return Err("must be lowercase letters, digits and single hyphens".to_owned());
        }
        Ok(ProgrammeId(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProgrammeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ProgrammeId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        ProgrammeId::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_round_trip() {
        for d in Delivery::ALL {
            assert_eq!(Delivery::parse(d.as_str()), Some(*d));
        }
        assert_eq!(Delivery::parse("online"), None);
        assert!(Delivery::expected().contains("live_online"));
    }

    #[test]
    fn programme_ids_are_checked() {
        assert!(ProgrammeId::parse("kdt-ai-campus").is_ok());
        assert!(ProgrammeId::parse("KDT").is_err());
        assert!(ProgrammeId::parse("a--b").is_err());
        assert!(ProgrammeId::parse("-ab").is_err());
    }
}

#[cfg(test)]
mod wire_spelling_tests {
    use super::*;

    /// Serde and `as_str` spell every value the same way, so JSON answers match the documented
    /// vocabularies (`large_1000`, not `large1000`).
    #[test]
    fn serde_uses_the_vocabulary_spelling() {
        for size in EmployerSize::ALL {
            assert_eq!(serde_json::to_value(size).unwrap(), serde_json::json!(size.as_str()));
            assert_eq!(
                serde_json::from_value::<EmployerSize>(serde_json::json!(size.as_str())).unwrap(),
                *size
            );
        }
        for delivery in Delivery::ALL {
            assert_eq!(
                serde_json::to_value(delivery).unwrap(),
                serde_json::json!(delivery.as_str())
            );
        }
    }
}
