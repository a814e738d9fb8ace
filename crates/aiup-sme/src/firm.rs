//! A workplace as the registry holds it, and the vocabularies the package shares: the survey's
//! size bands and the plan's three AX levels.
//!
//! The firm record and its CSV import (`FirmInput` → `Firm`, every bad row listed) are filled in
//! by the registry work (issue 11, item 1).

use serde::Serialize;

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
