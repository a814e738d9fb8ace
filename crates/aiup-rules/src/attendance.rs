//! One trainee's training day as the attendance rules count it.
//!
//! The vocabulary is the rules': a day is attended, absent, excused (with its kind) or
//! incomplete (checked in, no exit record yet), and an attended day may carry a late arrival, an
//! early leave and outings, each of which counts toward an absence (BRIEF §2; research
//! trainee-journey A.3–A.4, A.11). Times are minutes after midnight, Asia/Seoul.

use serde::{Deserialize, Serialize};

/// Minutes after midnight, Asia/Seoul (0..1440).
pub type Minute = u16;

/// What happened on a training day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayStatus {
    /// Present for the day (possibly late, leaving early or going out).
    Attended,
    Absent,
    /// An absence the rules count as attended (공가), within its caps.
    Excused,
    /// Checked in without an exit record: shown as incomplete, counted as absent only once the
    /// day is closed (the rules never silently turn it into an absence).
    Incomplete,
}

impl DayStatus {
    pub const ALL: [DayStatus; 4] = [
        DayStatus::Attended,
        DayStatus::Absent,
        DayStatus::Excused,
        DayStatus::Incomplete,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DayStatus::Attended => "attended",
            DayStatus::Absent => "absent",
            DayStatus::Excused => "excused",
            DayStatus::Incomplete => "incomplete",
        }
    }

    pub fn parse(text: &str) -> Option<DayStatus> {
        DayStatus::ALL.into_iter().find(|s| s.as_str() == text.trim())
    }

    /// Korean and English labels.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            DayStatus::Attended => ("출석", "Present"),
            DayStatus::Absent => ("결석", "Absent"),
            DayStatus::Excused => ("공가", "Excused"),
            DayStatus::Incomplete => ("퇴실 미기록", "No exit record"),
        }
    }
}

/// Why an absence is excused (국민내일배움카드 운영규정 별표3, as reported: research
/// trainee-journey A.11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExcuseKind {
    /// 예비군·민방위 훈련.
    ReserveForces,
    /// 병역판정검사 등 병역 의무.
    MilitaryCheck,
    /// 직종 관련 자격시험.
    CertificationExam,
    /// 채용 면접·시험.
    HiringExam,
    /// 투표.
    Voting,
    /// 본인 결혼.
    OwnMarriage,
    /// 자녀 결혼.
    ChildMarriage,
    /// 배우자 출산.
    SpouseBirth,
    /// 배우자·(배우자의) 부모 사망.
    BereavementSpouseParent,
    /// 조부모 사망.
    BereavementGrandparent,
    /// 자녀 사망.
    BereavementChild,
    /// 형제자매 사망.
    BereavementSibling,
    /// 본인·자녀 질병 (진단서 등 증빙 필요, 전체 훈련일수 대비 상한).
    Illness,
    /// 월 1일 휴가.
    MonthlyLeave,
}

impl ExcuseKind {
    pub const ALL: [ExcuseKind; 14] = [
        ExcuseKind::ReserveForces,
        ExcuseKind::MilitaryCheck,
        ExcuseKind::CertificationExam,
        ExcuseKind::HiringExam,
        ExcuseKind::Voting,
        ExcuseKind::OwnMarriage,
        ExcuseKind::ChildMarriage,
        ExcuseKind::SpouseBirth,
        ExcuseKind::BereavementSpouseParent,
        ExcuseKind::BereavementGrandparent,
        ExcuseKind::BereavementChild,
        ExcuseKind::BereavementSibling,
        ExcuseKind::Illness,
        ExcuseKind::MonthlyLeave,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExcuseKind::ReserveForces => "reserve_forces",
            ExcuseKind::MilitaryCheck => "military_check",
            ExcuseKind::CertificationExam => "certification_exam",
            ExcuseKind::HiringExam => "hiring_exam",
            ExcuseKind::Voting => "voting",
            ExcuseKind::OwnMarriage => "own_marriage",
            ExcuseKind::ChildMarriage => "child_marriage",
            ExcuseKind::SpouseBirth => "spouse_birth",
            ExcuseKind::BereavementSpouseParent => "bereavement_spouse_parent",
            ExcuseKind::BereavementGrandparent => "bereavement_grandparent",
            ExcuseKind::BereavementChild => "bereavement_child",
            ExcuseKind::BereavementSibling => "bereavement_sibling",
            ExcuseKind::Illness => "illness",
            ExcuseKind::MonthlyLeave => "monthly_leave",
        }
    }

    pub fn parse(text: &str) -> Option<ExcuseKind> {
        ExcuseKind::ALL.into_iter().find(|k| k.as_str() == text.trim())
    }

    /// Stable one-byte code for compact storage (never reuse a number).
    pub fn code(self) -> u8 {
        match self {
            ExcuseKind::ReserveForces => 1,
            ExcuseKind::MilitaryCheck => 2,
            ExcuseKind::CertificationExam => 3,
            ExcuseKind::HiringExam => 4,
            ExcuseKind::Voting => 5,
            ExcuseKind::OwnMarriage => 6,
            ExcuseKind::ChildMarriage => 7,
            ExcuseKind::SpouseBirth => 8,
            ExcuseKind::BereavementSpouseParent => 9,
            ExcuseKind::BereavementGrandparent => 10,
            ExcuseKind::BereavementChild => 11,
            ExcuseKind::BereavementSibling => 12,
            ExcuseKind::Illness => 13,
            ExcuseKind::MonthlyLeave => 14,
        }
    }

    pub fn from_code(code: u8) -> Option<ExcuseKind> {
        ExcuseKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Whether the kind needs a document as evidence (illness: a document naming it).
    pub fn needs_evidence(self) -> bool {
        !matches!(self, ExcuseKind::MonthlyLeave | ExcuseKind::Voting)
    }

    /// Korean and English labels.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            ExcuseKind::ReserveForces => ("예비군·민방위 훈련", "Reserve forces or civil defence"),
            ExcuseKind::MilitaryCheck => ("병역판정검사", "Military service examination"),
            ExcuseKind::CertificationExam => ("자격시험", "Certification exam"),
            ExcuseKind::HiringExam => ("채용 면접·시험", "Hiring interview or exam"),
            ExcuseKind::Voting => ("투표", "Voting"),
            ExcuseKind::OwnMarriage => ("본인 결혼", "Own marriage"),
            ExcuseKind::ChildMarriage => ("자녀 결혼", "Child's marriage"),
            ExcuseKind::SpouseBirth => ("배우자 출산", "Spouse giving birth"),
            ExcuseKind::BereavementSpouseParent => ("배우자·부모 사망", "Death of a spouse or parent"),
            ExcuseKind::BereavementGrandparent => ("조부모 사망", "Death of a grandparent"),
            ExcuseKind::BereavementChild => ("자녀 사망", "Death of a child"),
            ExcuseKind::BereavementSibling => ("형제자매 사망", "Death of a sibling"),
            ExcuseKind::Illness => ("질병 (증빙 필요)", "Illness (document needed)"),
            ExcuseKind::MonthlyLeave => ("월 휴가", "Monthly leave"),
        }
    }
}

/// One trainee's record of one training day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Day {
    pub status: DayStatus,
    /// Set exactly when `status` is `Excused`.
    pub excuse: Option<ExcuseKind>,
    pub late: bool,
    pub early_leave: bool,
    /// How many times the trainee went out (0..=3).
    pub outings: u8,
    /// The day's scheduled hours in tenths (e.g. 80 = 8 h); 0 means the course's hours a day.
    pub scheduled_tenths: u8,
    /// Check-in and check-out, where known.
    pub check_in: Option<Minute>,
    pub check_out: Option<Minute>,
    /// Minutes spent out (outings), where known.
    pub outing_minutes: u16,
    /// Set when the record came from the trainee's own check-in with a code.
    pub by_code: bool,
    /// Evidence was filed for this record (excuse or correction).
    pub evidence: bool,
    /// The trainee took the meal the institution provides (the allowance's meal deduction).
    pub meal: bool,
}

impl Day {
    /// A plain present day.
    pub fn present() -> Day {
        Day {
            status: DayStatus::Attended,
            excuse: None,
            late: false,
            early_leave: false,
            outings: 0,
            scheduled_tenths: 0,
            check_in: None,
            check_out: None,
            outing_minutes: 0,
            by_code: false,
            evidence: false,
            meal: false,
        }
    }

    pub fn absent() -> Day {
        Day {
            status: DayStatus::Absent,
            ..Day::present()
        }
    }

    pub fn excused(kind: ExcuseKind) -> Day {
        Day {
            status: DayStatus::Excused,
            excuse: Some(kind),
            ..Day::present()
        }
    }

    /// Late arrivals, early leaves and outings on this day: each counts toward an absence (a
    /// late arrival and an early leave on one day count as two).
    pub fn tardies(&self) -> u32 {
        if self.status != DayStatus::Attended {
            return 0;
        }
        u32::from(self.late) + u32::from(self.early_leave) + u32::from(self.outings)
    }

    /// Minutes present, when both times are known.
    pub fn minutes_present(&self) -> Option<u32> {
        let (i, o) = (self.check_in?, self.check_out?);
        Some(u32::from(o.saturating_sub(i)).saturating_sub(u32::from(self.outing_minutes)))
    }
}

/// Why a day's text form was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{token}` is not a day token: {reason}")]
pub struct DayTokenError {
    pub token: String,
    pub reason: &'static str,
}

impl Day {
    /// A day from its compact text form, as the golden files write it: space-separated tokens,
    /// a status first (`present`, `absent`, `incomplete`, `excused:<kind>`, or `none` for no
    /// record at all), then any of `late`, `early`, `outing` (once per outing), `meal`,
    /// `evidence`, `hours=<h>` (the day's scheduled hours, e.g. `4` or `4.5`), `in=HH:MM`,
    /// `out=HH:MM` and `away=<minutes>`. `None` for `none`.
    pub fn from_tokens(text: &str) -> Result<Option<Day>, DayTokenError> {
        let bad = |token: &str, reason| DayTokenError {
            token: token.to_owned(),
            reason,
        };
        let mut tokens = text.split_whitespace();
        let status = tokens.next().ok_or_else(|| bad(text, "empty"))?;
        let mut day = match status {
            "present" => Day::present(),
            "absent" => Day::absent(),
            "incomplete" => Day {
                status: DayStatus::Incomplete,
                ..Day::present()
            },
            "none" => return Ok(None),
            other => match other.strip_prefix("excused:") {
                Some(kind) => Day::excused(ExcuseKind::parse(kind).ok_or_else(|| bad(other, "unknown excuse kind"))?),
                None => return Err(bad(other, "the first token is the status")),
            },
        };
        let minute = |token: &str, value: &str| -> Result<Minute, DayTokenError> {
            let (h, m) = value.split_once(':').ok_or_else(|| bad(token, "times are HH:MM"))?;
            let (h, m): (u16, u16) = (
                h.parse().map_err(|_| bad(token, "times are HH:MM"))?,
                m.parse().map_err(|_| bad(token, "times are HH:MM"))?,
            );
            if h > 23 || m > 59 {
                return Err(bad(token, "times are HH:MM"));
            }
            Ok(h * 60 + m)
        };
        for token in tokens {
            match token.split_once('=') {
                None => match token {
                    "late" => day.late = true,
                    "early" => day.early_leave = true,
                    "outing" => day.outings = day.outings.saturating_add(1),
                    "meal" => day.meal = true,
                    "evidence" => day.evidence = true,
                    _ => return Err(bad(token, "unknown flag")),
                },
                Some(("hours", value)) => {
                    let tenths = match value.split_once('.') {
                        Some((whole, tenth)) if tenth.len() == 1 => whole
                            .parse::<u8>()
                            .ok()
                            .zip(tenth.parse::<u8>().ok())
                            .and_then(|(w, t)| w.checked_mul(10)?.checked_add(t)),
                        Some(_) => None,
                        None => value.parse::<u8>().ok().and_then(|w| w.checked_mul(10)),
                    };
                    day.scheduled_tenths = tenths
                        .filter(|t| *t > 0)
                        .ok_or_else(|| bad(token, "hours are 0.1 to 25.5"))?;
                }
                Some(("in", value)) => day.check_in = Some(minute(token, value)?),
                Some(("out", value)) => day.check_out = Some(minute(token, value)?),
                Some(("away", value)) => {
                    day.outing_minutes = value.parse().map_err(|_| bad(token, "minutes are a whole number"))?
                }
                Some(_) => return Err(bad(token, "unknown setting")),
            }
        }
        if day.status != DayStatus::Attended && (day.late || day.early_leave || day.outings > 0 || day.meal) {
            return Err(bad(text, "late, early, outing and meal are for days attended"));
        }
        Ok(Some(day))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_tokens_parse() {
        let day = Day::from_tokens("present late outing outing meal in=09:10 out=18:00 away=30 hours=7.5")
            .unwrap()
            .unwrap();
        assert!(day.late && day.meal && !day.early_leave);
        assert_eq!((day.outings, day.scheduled_tenths), (2, 75));
        assert_eq!(day.minutes_present(), Some(18 * 60 - (9 * 60 + 10) - 30));
        assert_eq!(day.tardies(), 3);
        assert_eq!(
            Day::from_tokens("excused:illness evidence").unwrap().unwrap().excuse,
            Some(ExcuseKind::Illness)
        );
        assert_eq!(Day::from_tokens("none").unwrap(), None);
        for bad in [
            "",
            "late",
            "absent late",
            "excused:holiday",
            "present in=25:00",
            "present hours=0",
            "present x=1",
        ] {
            assert!(Day::from_tokens(bad).is_err(), "{bad}");
        }
    }
}
