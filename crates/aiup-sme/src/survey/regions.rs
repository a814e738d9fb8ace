//! The 17 provinces, one regional HRD committee (지역인적자원개발위원회) each, and the survey's
//! demand by province. Codes and names as in data/regions/sido.csv (a unit test holds them equal).

use serde::Serialize;

use super::{per_mille, Field, SurveyAnswer};

/// A province: two-digit code, Korean and English name, and whether it is in the capital area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Province {
    pub code: &'static str,
    pub name_ko: &'static str,
    pub name_en: &'static str,
    pub capital_area: bool,
}

const fn p(code: &'static str, name_ko: &'static str, name_en: &'static str, capital_area: bool) -> Province {
    Province {
        code,
        name_ko,
        name_en,
        capital_area,
    }
}

/// The 17 provinces in code order.
pub const PROVINCES: [Province; 17] = [
    p("11", "서울특별시", "Seoul", true),
    p("26", "부산광역시", "Busan", false),
    p("27", "대구광역시", "Daegu", false),
    p("28", "인천광역시", "Incheon", true),
    p("29", "광주광역시", "Gwangju", false),
    p("30", "대전광역시", "Daejeon", false),
    p("31", "울산광역시", "Ulsan", false),
    p("36", "세종특별자치시", "Sejong", false),
    p("41", "경기도", "Gyeonggi", true),
    p("43", "충청북도", "Chungbuk", false),
    p("44", "충청남도", "Chungnam", false),
    p("46", "전라남도", "Jeonnam", false),
    p("47", "경상북도", "Gyeongbuk", false),
    p("48", "경상남도", "Gyeongnam", false),
    p("50", "제주특별자치도", "Jeju", false),
    p("51", "강원특별자치도", "Gangwon", false),
    p("52", "전북특별자치도", "Jeonbuk", false),
];

/// The province with this two-digit code.
pub fn province(code: &str) -> Option<&'static Province> {
    PROVINCES.iter().find(|p| p.code == code.trim())
}

/// One province's demand: firms answering, how many need AI training and intend it, and the
/// fields most needed (up to three, most chosen first; ties in questionnaire order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegionalDemand {
    pub province: Province,
    pub firms: u32,
    pub need: u32,
    pub intent: u32,
    pub top_fields: Vec<(Field, u32)>,
}

impl RegionalDemand {
    /// Need as per-mille of the province's firms (`None` when no firm answered).
    pub fn need_per_mille(&self) -> Option<u32> {
        per_mille(self.need, self.firms)
    }

    pub fn intent_per_mille(&self) -> Option<u32> {
        per_mille(self.intent, self.firms)
    }
}

/// Demand by province, all 17 in code order (a province with no answers has zero firms).
pub fn regional_demand(answers: &[SurveyAnswer]) -> Vec<RegionalDemand> {
    PROVINCES
        .iter()
        .map(|province| {
            let mine: Vec<&SurveyAnswer> = answers.iter().filter(|a| a.province == province.code).collect();
            let mut fields: Vec<(Field, u32)> = Field::ALL
                .iter()
                .map(|f| {
                    let n = mine.iter().filter(|a| a.fields_needed.contains(f.index())).count();
                    (*f, u32::try_from(n).unwrap_or(u32::MAX))
                })
                .filter(|(_, n)| *n > 0)
                .collect();
            fields.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            fields.truncate(3);
            let count = |f: &dyn Fn(&SurveyAnswer) -> bool| {
                u32::try_from(mine.iter().filter(|a| f(a)).count()).unwrap_or(u32::MAX)
            };
            RegionalDemand {
                province: *province,
                firms: count(&|_| true),
                need: count(&|a| a.need),
                intent: count(&|a| a.intent),
                top_fields: fields,
            }
        })
        .collect()
}
