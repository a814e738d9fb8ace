//! A workplace as the registry holds it, and the vocabularies the package shares: the survey's
//! size bands and the plan's three AX levels.
//!
//! The firm record and its CSV import (`FirmInput` → `Firm`, every bad row listed; issue 11,
//! item 1) are below and in `firm/file.rs`.

use aiup_core::region::{RegionCode, RegionTable};
use serde::Serialize;

use crate::ksic::IndustryCode;
use crate::{BusinessNumber, FieldProblem};

mod file;

pub(crate) use self::file::yes_no;
pub use self::file::{
    header_problem, header_problems, parse_firms_csv, write_firms_csv, FirmCsvError, FirmCsvKind, Lines,
    FIRM_CSV_COLUMNS, MAX_FIRM_ROWS,
};

/// A firm's training history, as the registry records it (from 고용보험 training records).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct TrainingHistory {
    /// Took part in employer-led training (사업주훈련) in the last three years.
    pub employer_training: bool,
    /// Any of that training was AI training.
    pub ai_training: bool,
    /// Hours of AI training, in whole hours.
    pub ai_training_hours: u32,
}

/// A workplace in the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Firm {
    pub business_number: BusinessNumber,
    pub name: String,
    /// Insured employees.
    pub employees: u32,
    pub size_band: SizeBand,
    pub industry: IndustryCode,
    /// The workplace's 시군구.
    pub region_code: RegionCode,
    /// Its province (시도), two digits.
    pub province_code: String,
    /// In 수도권 (Seoul, Incheon, Gyeonggi), from the region table.
    pub capital_area: bool,
    /// 우선지원대상기업 (priority-support firm), as the employment insurance records it.
    pub priority_support: bool,
    pub history: TrainingHistory,
}

/// A firm as read from a file: every field still text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FirmInput {
    pub business_number: String,
    pub name: String,
    pub employees: String,
    /// A KSIC division, e.g. `C26` or `26`.
    pub ksic: String,
    /// A 시군구 code (`41117`) or name (`경기도 수원시 영통구`).
    pub region: String,
    pub priority_support: String,
    pub employer_training: String,
    pub ai_training: String,
    pub ai_training_hours: String,
}

/// The most employees a workplace may have (the largest Korean employers have about 130,000).
pub const MAX_EMPLOYEES: u32 = 1_000_000;
/// The most AI-training hours a firm's history may show (a sanity bound).
pub const MAX_AI_HOURS: u32 = 1_000_000;
/// The longest firm name.
pub const MAX_NAME_CHARS: usize = 200;

fn count(text: &str, field: &str, max: u32) -> Result<u32, FieldProblem> {
    let cleaned: String = text.trim().chars().filter(|c| *c != ',').collect();
    match cleaned.parse::<u32>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(FieldProblem::new(
            field,
            format!("`{}` is not a whole number from 0 to {max}", text.trim()),
            format!("`{}`은(는) 0부터 {max}까지의 정수가 아닙니다", text.trim()),
        )),
    }
}

fn flag(text: &str, field: &str) -> Result<bool, FieldProblem> {
    yes_no(text).ok_or_else(|| {
        FieldProblem::new(
            field,
            format!("`{}` is not yes or no (yes/no, y/n, 1/0, 예/아니오)", text.trim()),
            format!(
                "`{}`은(는) 예/아니오 값이 아닙니다(yes/no, y/n, 1/0, 예/아니오)",
                text.trim()
            ),
        )
    })
}

impl FirmInput {
    /// Checks every field (the business number's check digit, KSIC division, the region in
    /// `regions`, the counts and flags) and returns the firm or every problem at once.
    pub fn parse(&self, regions: &RegionTable) -> Result<Firm, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let business_number = BusinessNumber::parse(&self.business_number, "business_number")
            .map_err(|p| problems.push(p))
            .ok();
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
            problems.push(FieldProblem::new(
                "name",
                format!("the name must be 1 to {MAX_NAME_CHARS} characters, without control characters"),
                format!("상호는 제어 문자 없이 1~{MAX_NAME_CHARS}자여야 합니다"),
            ));
        }
        let employees = count(&self.employees, "employees", MAX_EMPLOYEES)
            .map_err(|p| problems.push(p))
            .ok();
        let industry = match IndustryCode::parse(&self.ksic, "ksic") {
            Ok(code) if code.division().is_none() => {
                problems.push(FieldProblem::new(
                    "ksic",
                    format!(
                        "`{}` is a KSIC section; a firm needs its division (two digits, e.g. C26)",
                        self.ksic.trim()
                    ),
                    format!(
                        "`{}`은(는) 대분류입니다: 기업은 중분류(두 자리, 예: C26)를 적어야 합니다",
                        self.ksic.trim()
                    ),
                ));
                None
            }
            Ok(code) => Some(code),
            Err(p) => {
                problems.push(p);
                None
            }
        };
        let region = match regions.resolve(&self.region) {
            Ok(resolved) => Some(resolved.region),
            Err(e) => {
                problems.push(FieldProblem::new(
                    "region",
                    e.to_string(),
                    format!(
                        "`{}`에 맞는 시군구가 없거나 여럿입니다: 5자리 시군구 코드나 \"시도 시군구\" 이름을 적어 주세요",
                        self.region.trim()
                    ),
                ));
                None
            }
        };
        let priority_support = flag(&self.priority_support, "priority_support")
            .map_err(|p| problems.push(p))
            .ok();
        let employer_training = flag(&self.employer_training, "employer_training")
            .map_err(|p| problems.push(p))
            .ok();
        let ai_training = flag(&self.ai_training, "ai_training")
            .map_err(|p| problems.push(p))
            .ok();
        let hours = if self.ai_training_hours.trim().is_empty() {
            Some(0)
        } else {
            count(&self.ai_training_hours, "ai_training_hours", MAX_AI_HOURS)
                .map_err(|p| problems.push(p))
                .ok()
        };
        if let (Some(false), Some(h)) = (ai_training, hours) {
            if h > 0 {
                problems.push(FieldProblem::new(
                    "ai_training_hours",
                    format!("{h} hours of AI training, but ai_training is no"),
                    format!("AI 훈련 여부가 '아니오'인데 AI 훈련 시간이 {h}시간입니다"),
                ));
            }
        }
        if let (Some(true), Some(false)) = (ai_training, employer_training) {
            problems.push(FieldProblem::new(
                "employer_training",
                "AI training is employer training: ai_training yes needs employer_training yes",
                "AI 훈련도 사업주훈련입니다: AI 훈련이 '예'이면 사업주훈련도 '예'여야 합니다",
            ));
        }
        match (
            business_number,
            employees,
            industry,
            region,
            priority_support,
            employer_training,
            ai_training,
            hours,
        ) {
            (
                Some(business_number),
                Some(employees),
                Some(industry),
                Some(region),
                Some(priority_support),
                Some(employer_training),
                Some(ai_training),
                Some(ai_training_hours),
            ) if problems.is_empty() => Ok(Firm {
                business_number,
                name: name.to_owned(),
                employees,
                size_band: SizeBand::of_employees(employees),
                industry,
                region_code: region.code,
                province_code: region.sido_code.clone(),
                capital_area: region.capital_area,
                priority_support,
                history: TrainingHistory {
                    employer_training,
                    ai_training,
                    ai_training_hours,
                },
            }),
            _ => Err(problems),
        }
    }
}

/// Size by employees, in the bands of the 2025 demand survey (seed 002 appendix 2 publishes
/// figures for 5인 미만, 5~9인, 50~99인 and 300인 이상; the bands between follow the ministry's
/// usual survey bands, an aiup choice documented in docs/sme.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SizeBand {
    Under5,
    From5To9,
    From10To29,
    From30To49,
    From50To99,
    From100To299,
    From300,
}

impl SizeBand {
    pub const ALL: [SizeBand; 7] = [
        SizeBand::Under5,
        SizeBand::From5To9,
        SizeBand::From10To29,
        SizeBand::From30To49,
        SizeBand::From50To99,
        SizeBand::From100To299,
        SizeBand::From300,
    ];

    /// The band of a workplace with `employees` insured workers.
    pub fn of_employees(employees: u32) -> SizeBand {
        match employees {
            0..=4 => SizeBand::Under5,
            5..=9 => SizeBand::From5To9,
            10..=29 => SizeBand::From10To29,
            30..=49 => SizeBand::From30To49,
            50..=99 => SizeBand::From50To99,
            100..=299 => SizeBand::From100To299,
            _ => SizeBand::From300,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SizeBand::Under5 => "under_5",
            SizeBand::From5To9 => "5_9",
            SizeBand::From10To29 => "10_29",
            SizeBand::From30To49 => "30_49",
            SizeBand::From50To99 => "50_99",
            SizeBand::From100To299 => "100_299",
            SizeBand::From300 => "300_plus",
        }
    }

    pub fn parse(text: &str) -> Option<SizeBand> {
        SizeBand::ALL.into_iter().find(|b| b.as_str() == text.trim())
    }

    /// The band's name, in Korean and English.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            SizeBand::Under5 => ("5인 미만", "Under 5"),
            SizeBand::From5To9 => ("5~9인", "5–9"),
            SizeBand::From10To29 => ("10~29인", "10–29"),
            SizeBand::From30To49 => ("30~49인", "30–49"),
            SizeBand::From50To99 => ("50~99인", "50–99"),
            SizeBand::From100To299 => ("100~299인", "100–299"),
            SizeBand::From300 => ("300인 이상", "300 or more"),
        }
    }
}

/// A firm's AX level, which decides the kind of training prescribed (seed 002 IV-② <참고>).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AxLevel {
    /// 초급: AX awareness consulting for executives, online AI courses for staff.
    Beginner,
    /// 중급: employees' job + AI skill-up courses.
    Intermediate,
    /// 고급: PBL training built on a job analysis.
    Advanced,
}

impl AxLevel {
    pub const ALL: [AxLevel; 3] = [AxLevel::Beginner, AxLevel::Intermediate, AxLevel::Advanced];

    pub fn as_str(self) -> &'static str {
        match self {
            AxLevel::Beginner => "beginner",
            AxLevel::Intermediate => "intermediate",
            AxLevel::Advanced => "advanced",
        }
    }

    pub fn parse(text: &str) -> Option<AxLevel> {
        AxLevel::ALL.into_iter().find(|l| l.as_str() == text.trim())
    }

    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            AxLevel::Beginner => ("초급", "Beginner"),
            AxLevel::Intermediate => ("중급", "Intermediate"),
            AxLevel::Advanced => ("고급", "Advanced"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_cover_every_size_and_parse_back() {
        assert_eq!(SizeBand::of_employees(0), SizeBand::Under5);
        assert_eq!(SizeBand::of_employees(4), SizeBand::Under5);
        assert_eq!(SizeBand::of_employees(5), SizeBand::From5To9);
        assert_eq!(SizeBand::of_employees(29), SizeBand::From10To29);
        assert_eq!(SizeBand::of_employees(30), SizeBand::From30To49);
        assert_eq!(SizeBand::of_employees(299), SizeBand::From100To299);
        assert_eq!(SizeBand::of_employees(300), SizeBand::From300);
        for band in SizeBand::ALL {
            assert_eq!(SizeBand::parse(band.as_str()), Some(band));
        }
        for level in AxLevel::ALL {
            assert_eq!(AxLevel::parse(level.as_str()), Some(level));
        }
    }
}
