//! The person profile: only what the rules need to decide support.
//!
//! No name, no resident registration number, no birth date: an age band is enough for every
//! age rule the sources name (youth 15–34, middle-aged 40+, the card's exclusion at 75+). An
//! outside identifier, where one is needed, is kept only as a keyed hash ([`crate::identity`]).

use std::collections::BTreeSet;
use std::fmt;

use aiup_core::policy::Text;
use aiup_core::region::{RegionCode, RegionTable};
use aiup_core::vocabulary;
use aiup_core::{EmployerSize, Stage, TraineeStatus};
use serde::{Deserialize, Serialize};

/// A person's id in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PersonId(pub i64);

impl fmt::Display for PersonId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

vocabulary! {
    /// An age band, on the day the profile was last confirmed.
    AgeBand {
        From15To19 = "15_19" / "15~19세" / "15–19",
        From20To29 = "20_29" / "20~29세" / "20–29",
        From30To34 = "30_34" / "30~34세" / "30–34",
        From35To39 = "35_39" / "35~39세" / "35–39",
        From40To49 = "40_49" / "40~49세" / "40–49",
        From50To64 = "50_64" / "50~64세" / "50–64",
        From65To74 = "65_74" / "65~74세" / "65–74",
        From75 = "75_plus" / "75세 이상" / "75 and over",
    }
}

impl AgeBand {
    /// 청년: 15–34 (the 국민취업지원제도 youth band).
    pub fn is_youth(self) -> bool {
        matches!(self, AgeBand::From15To19 | AgeBand::From20To29 | AgeBand::From30To34)
    }

    /// 중장년: 40 and over.
    pub fn is_middle_aged(self) -> bool {
        matches!(
            self,
            AgeBand::From40To49 | AgeBand::From50To64 | AgeBand::From65To74 | AgeBand::From75
        )
    }
}

vocabulary! {
    /// Groups that change what the learning card pays or adds (국민내일배움카드 운영규정 별표4;
    /// the one-off extra for designated groups). Which group gets what is policy data, not code.
    TargetGroup {
        LowIncome = "low_income" / "기초생활수급자·차상위계층" / "basic livelihood or near-poverty",
        SingleParent = "single_parent" / "한부모가족" / "single-parent family",
        Disabled = "disabled" / "장애인" / "person with a disability",
        CareerBreakWoman = "career_break_woman" / "경력단절여성" / "career-break woman",
        NationalMerit = "national_merit" / "국가유공자" / "person of national merit",
        SelfRelianceYouth = "self_reliance_youth" / "자립준비청년" / "youth leaving care",
        EarnedIncomeCredit = "earned_income_credit" / "근로장려금 수급자" / "earned-income tax credit recipient",
        MarriageMigrant = "marriage_migrant" / "결혼이민자" / "marriage migrant",
        NorthKoreanDefector = "north_korean_defector" / "북한이탈주민" / "North Korean defector",
    }
}

vocabulary! {
    /// 국민취업지원제도 participation.
    KukchiType {
        None = "none" / "참여하지 않음" / "not taking part",
        Type1 = "type_1" / "Ⅰ유형" / "type I",
        Type2 = "type_2" / "Ⅱ유형" / "type II",
    }
}

/// A person's profile, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// The plan's stage of working life (never `infrastructure`).
    pub stage: Stage,
    pub status: TraineeStatus,
    /// Employees only: the employer's size class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employer_size: Option<EmployerSize>,
    /// Where the person lives (시군구).
    pub region: RegionCode,
    pub age_band: AgeBand,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub groups: BTreeSet<TargetGroup>,
    pub kukchi: KukchiType,
}

impl Profile {
    /// The group spellings as stored: sorted, comma-separated, empty for none.
    pub fn groups_text(&self) -> String {
        self.groups.iter().map(|g| g.as_str()).collect::<Vec<_>>().join(",")
    }

    /// Whether the person is in `group`, counting 국민취업지원제도 type I as the group
    /// `kukchi_type_1` that policy lists may name.
    pub fn in_group(&self, group_id: &str) -> bool {
        match group_id {
            "kukchi_type_1" => self.kukchi == KukchiType::Type1,
            "kukchi_type_2" => self.kukchi == KukchiType::Type2,
            "kukchi_type_2_youth" => self.kukchi == KukchiType::Type2 && self.age_band.is_youth(),
            "kukchi_type_2_middle_aged" => self.kukchi == KukchiType::Type2 && self.age_band.is_middle_aged(),
            other => TargetGroup::parse(other).is_some_and(|g| self.groups.contains(&g)),
        }
    }
}

/// A profile as a form or a JSON body gives it: every field still text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileInput {
    #[serde(default)]
    pub stage: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub employer_size: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub age_band: String,
    #[serde(default)]
    pub groups: Vec<String>,
    #[serde(default)]
    pub kukchi: String,
}

/// A field that failed, and why, in Korean and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub reason: Text,
}

impl FieldError {
    fn new(field: &'static str, ko: impl Into<String>, en: impl Into<String>) -> FieldError {
        FieldError {
            field,
            reason: Text {
                ko: ko.into(),
                en: en.into(),
            },
        }
    }
}

fn required(field: &'static str, value: &str) -> Result<String, FieldError> {
    let value = value.trim();
    if value.is_empty() {
        Err(FieldError::new(field, "값을 입력해 주세요.", "is required"))
    } else {
        Ok(value.to_owned())
    }
}

impl ProfileInput {
    /// Checks every field against the vocabularies and the region table; returns every error at
    /// once, in field order.
    pub fn parse(&self, regions: &RegionTable) -> Result<Profile, Vec<FieldError>> {
        let mut errors = Vec::new();
        let stage = match required("stage", &self.stage) {
            Ok(text) => match Stage::parse(&text) {
                Some(Stage::Infrastructure) | None => {
                    errors.push(FieldError::new(
                        "stage",
                        "진입기(entry), 활동기(participation), 전환기(transition) 중 하나를 고르세요.",
                        "must be one of entry, participation, transition",
                    ));
                    None
                }
                Some(stage) => Some(stage),
            },
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let status = match required("status", &self.status) {
            Ok(text) => TraineeStatus::parse(&text).or_else(|| {
                errors.push(FieldError::new(
                    "status",
                    format!("알 수 없는 상태입니다. 가능한 값: {}", TraineeStatus::expected()),
                    format!("must be one of {}", TraineeStatus::expected()),
                ));
                None
            }),
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let employer_size = match self.employer_size.trim() {
            "" => None,
            text => EmployerSize::parse(text).or_else(|| {
                errors.push(FieldError::new(
                    "employer_size",
                    format!("알 수 없는 기업 규모입니다. 가능한 값: {}", EmployerSize::expected()),
                    format!("must be one of {}", EmployerSize::expected()),
                ));
                None
            }),
        };
        if status == Some(TraineeStatus::Employed) && employer_size.is_none() && self.employer_size.trim().is_empty() {
            errors.push(FieldError::new(
                "employer_size",
                "재직자는 회사 규모를 골라야 합니다(지원율이 규모에 따라 다릅니다).",
                "is required for employees (support depends on the firm's size)",
            ));
        }
        if status.is_some() && status != Some(TraineeStatus::Employed) && employer_size.is_some() {
            errors.push(FieldError::new(
                "employer_size",
                "회사 규모는 재직자만 입력합니다.",
                "applies to employees only",
            ));
        }
        let region = match required("region", &self.region) {
            Ok(text) => match RegionCode::parse(&text) {
                Ok(code) if regions.get(code).is_some() => Some(code),
                _ => {
                    errors.push(FieldError::new(
                        "region",
                        "시군구 코드(5자리)를 목록에서 고르세요.",
                        "must be a 5-digit district (si/gun/gu) code from the region table",
                    ));
                    None
                }
            },
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let age_band = match required("age_band", &self.age_band) {
            Ok(text) => AgeBand::parse(&text).or_else(|| {
                errors.push(FieldError::new(
                    "age_band",
                    format!("알 수 없는 연령대입니다. 가능한 값: {}", AgeBand::expected()),
                    format!("must be one of {}", AgeBand::expected()),
                ));
                None
            }),
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let mut groups = BTreeSet::new();
        for text in self.groups.iter().map(|g| g.trim()).filter(|g| !g.is_empty()) {
            match TargetGroup::parse(text) {
                Some(group) => {
                    groups.insert(group);
                }
                None => errors.push(FieldError::new(
                    "groups",
                    format!("알 수 없는 대상 집단 `{text}`. 가능한 값: {}", TargetGroup::expected()),
                    format!("`{text}` is not one of {}", TargetGroup::expected()),
                )),
            }
        }
        let kukchi = match self.kukchi.trim() {
            "" => Some(KukchiType::None),
            text => KukchiType::parse(text).or_else(|| {
                errors.push(FieldError::new(
                    "kukchi",
                    format!(
                        "알 수 없는 국민취업지원제도 유형입니다. 가능한 값: {}",
                        KukchiType::expected()
                    ),
                    format!("must be one of {}", KukchiType::expected()),
                ));
                None
            }),
        };
        match (stage, status, region, age_band, kukchi) {
            (Some(stage), Some(status), Some(region), Some(age_band), Some(kukchi)) if errors.is_empty() => {
                Ok(Profile {
                    stage,
                    status,
                    employer_size,
                    region,
                    age_band,
                    groups,
                    kukchi,
                })
            }
            _ => Err(errors),
        }
    }
}

impl From<&Profile> for ProfileInput {
    fn from(p: &Profile) -> ProfileInput {
        ProfileInput {
            stage: p.stage.as_str().to_owned(),
            status: p.status.as_str().to_owned(),
            employer_size: p.employer_size.map(|s| s.as_str().to_owned()).unwrap_or_default(),
            region: p.region.to_string(),
            age_band: p.age_band.as_str().to_owned(),
            groups: p.groups.iter().map(|g| g.as_str().to_owned()).collect(),
            kukchi: p.kukchi.as_str().to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regions() -> RegionTable {
        RegionTable::load(aiup_core::defaults::region_files()).expect("embedded regions load")
    }

    fn input() -> ProfileInput {
        ProfileInput {
            stage: "entry".into(),
            status: "job_seeker".into(),
            employer_size: String::new(),
            region: "11110".into(),
            age_band: "20_29".into(),
            groups: vec!["low_income".into()],
            kukchi: "type_1".into(),
        }
    }

    #[test]
    fn a_complete_profile_parses_and_round_trips() {
        let table = regions();
        let profile = input().parse(&table).expect("valid");
        assert_eq!(profile.status, TraineeStatus::JobSeeker);
        assert!(profile.in_group("low_income"));
        assert!(profile.in_group("kukchi_type_1"));
        assert!(!profile.in_group("disabled"));
        assert_eq!(ProfileInput::from(&profile).parse(&table), Ok(profile));
    }

    #[test]
    fn every_bad_field_is_named_in_both_languages() {
        let bad = ProfileInput {
            stage: "infrastructure".into(),
            status: "employed".into(),
            employer_size: String::new(),
            region: "99999".into(),
            age_band: "10_14".into(),
            groups: vec!["vip".into()],
            kukchi: "type_3".into(),
        };
        let errors = bad.parse(&regions()).expect_err("invalid");
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            ["stage", "employer_size", "region", "age_band", "groups", "kukchi"]
        );
        assert!(errors
            .iter()
            .all(|e| !e.reason.ko.is_empty() && !e.reason.en.is_empty()));
    }

    #[test]
    fn employer_size_is_only_for_employees() {
        let mut wrong = input();
        wrong.employer_size = "large".into();
        let errors = wrong.parse(&regions()).expect_err("job seekers have no employer");
        assert_eq!(errors[0].field, "employer_size");
    }

    #[test]
    fn age_bands_know_youth_and_middle_age() {
        assert!(AgeBand::From30To34.is_youth());
        assert!(!AgeBand::From35To39.is_youth() && !AgeBand::From35To39.is_middle_aged());
        assert!(AgeBand::From40To49.is_middle_aged());
    }
}
