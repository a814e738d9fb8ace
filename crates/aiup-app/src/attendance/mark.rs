//! What staff mark for a trainee's day, and how a mark becomes the rules' [`Day`].

use aiup_core::policy::Text;
use aiup_rules::attendance::{Day, DayStatus, ExcuseKind, Minute};
use serde::{Deserialize, Serialize};

use crate::enrolment::MAX_REASON_CHARS;
use crate::Code;

/// The most outings a day records (the sheet's byte and the rules' vocabulary allow 0..=3).
pub const MAX_OUTINGS: u8 = 3;
/// The longest evidence description, in characters.
pub const MAX_EVIDENCE_CHARS: usize = 500;

/// What staff mark for one trainee on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    Present,
    Late,
    EarlyLeave,
    /// Late and left early on the same day: two toward an absence.
    LateEarlyLeave,
    /// Went out during the day (`outings` times, at least once).
    GoingOut,
    Absent,
    /// An excused absence (공가); the entry names its kind.
    Excused,
}

impl Mark {
    pub const ALL: [Mark; 7] = [
        Mark::Present,
        Mark::Late,
        Mark::EarlyLeave,
        Mark::LateEarlyLeave,
        Mark::GoingOut,
        Mark::Absent,
        Mark::Excused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Mark::Present => "present",
            Mark::Late => "late",
            Mark::EarlyLeave => "early_leave",
            Mark::LateEarlyLeave => "late_early_leave",
            Mark::GoingOut => "going_out",
            Mark::Absent => "absent",
            Mark::Excused => "excused",
        }
    }

    /// Korean and English labels.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Mark::Present => ("출석", "Present"),
            Mark::Late => ("지각", "Late"),
            Mark::EarlyLeave => ("조퇴", "Left early"),
            Mark::LateEarlyLeave => ("지각·조퇴", "Late and left early"),
            Mark::GoingOut => ("외출", "Went out"),
            Mark::Absent => ("결석", "Absent"),
            Mark::Excused => ("공가", "Excused"),
        }
    }

    /// The mark named by its code or its Korean label (spaces, `+` and `·` between words
    /// ignored: `지각+조퇴`, `지각 조퇴`).
    pub fn parse(text: &str) -> Option<Mark> {
        let squeezed: String = text
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '+' | '·' | '/'))
            .collect();
        Mark::ALL.into_iter().find(|m| {
            m.as_str() == text.trim()
                || m.label().0.replace('·', "") == squeezed
                || m.label().1.eq_ignore_ascii_case(text.trim())
        })
    }

    /// Every accepted spelling, for messages.
    pub fn expected() -> String {
        Mark::ALL
            .map(|m| format!("{} ({})", m.as_str(), m.label().0))
            .join(", ")
    }

    /// The mark that describes a stored day (for forms that show the current record).
    pub fn of_day(day: &Day) -> Option<Mark> {
        Some(match day.status {
            DayStatus::Absent => Mark::Absent,
            DayStatus::Excused => Mark::Excused,
            DayStatus::Incomplete => return None,
            DayStatus::Attended => match (day.late, day.early_leave) {
                (true, true) => Mark::LateEarlyLeave,
                (true, false) => Mark::Late,
                (false, true) => Mark::EarlyLeave,
                (false, false) if day.outings > 0 => Mark::GoingOut,
                (false, false) => Mark::Present,
            },
        })
    }
}

/// An excuse kind by its code or its Korean label.
pub fn parse_excuse(text: &str) -> Option<ExcuseKind> {
    let t = text.trim();
    ExcuseKind::parse(t).or_else(|| ExcuseKind::ALL.into_iter().find(|k| k.label().0 == t))
}

/// One trainee's mark for the day, as staff enter it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceEntry {
    pub enrolment_id: i64,
    pub mark: Mark,
    /// The kind of an excused absence (required with [`Mark::Excused`], refused otherwise).
    #[serde(default)]
    pub excuse: Option<ExcuseKind>,
    /// Times the trainee went out (with any present mark; at least 1 with [`Mark::GoingOut`]).
    #[serde(default)]
    pub outings: u8,
    /// Arrival and exit, minutes after midnight (Asia/Seoul), where known.
    #[serde(default)]
    pub check_in: Option<Minute>,
    #[serde(default)]
    pub check_out: Option<Minute>,
    /// The trainee took the institution's meal.
    #[serde(default)]
    pub meal: bool,
    /// Why an existing record is changed (required for a correction).
    #[serde(default)]
    pub reason: Option<String>,
    /// The evidence filed (a description or a document reference).
    #[serde(default)]
    pub evidence: Option<String>,
}

impl AttendanceEntry {
    /// A plain mark with nothing else.
    pub fn new(enrolment_id: i64, mark: Mark) -> AttendanceEntry {
        AttendanceEntry {
            enrolment_id,
            mark,
            excuse: None,
            outings: 0,
            check_in: None,
            check_out: None,
            meal: false,
            reason: None,
            evidence: None,
        }
    }
}

/// A problem with one entry: the field (relative to the entry) and why, in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryProblem {
    /// `invalid_field`, or `correction_reason_required` for a correction's missing reason or
    /// evidence.
    pub code: Code,
    pub field: &'static str,
    pub text: Text,
}

fn problem(field: &'static str, ko: impl Into<String>, en: impl Into<String>) -> EntryProblem {
    EntryProblem {
        code: Code::InvalidField,
        field,
        text: Text {
            ko: ko.into(),
            en: en.into(),
        },
    }
}

fn required(field: &'static str, ko: impl Into<String>, en: impl Into<String>) -> EntryProblem {
    EntryProblem {
        code: Code::CorrectionReasonRequired,
        ..problem(field, ko, en)
    }
}

/// Trimmed text, `None` when blank; too long is a problem.
fn trimmed(raw: Option<&str>, field: &'static str, max: usize) -> Result<Option<String>, EntryProblem> {
    let Some(text) = raw.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > max {
        return Err(problem(
            field,
            format!("{max}자 이하로 써 주세요."),
            format!("must be at most {max} characters"),
        ));
    }
    Ok(Some(text.to_owned()))
}

/// The day an entry records. A day attended for less than half its hours keeps its mark and
/// times: the rules count it as an absence (`attendance.under_half_day_is_absence`), and the
/// sheet shows it ([`super::Schedule::under_half`]).
pub fn day_of(entry: &AttendanceEntry) -> Result<Day, EntryProblem> {
    let mut day = match entry.mark {
        Mark::Absent => Day::absent(),
        Mark::Excused => {
            let Some(kind) = entry.excuse else {
                return Err(problem(
                    "excuse",
                    "공가의 종류를 골라 주세요.",
                    format!(
                        "an excused absence needs its kind: one of {}",
                        ExcuseKind::ALL.map(ExcuseKind::as_str).join(", ")
                    ),
                ));
            };
            Day::excused(kind)
        }
        mark => Day {
            late: matches!(mark, Mark::Late | Mark::LateEarlyLeave),
            early_leave: matches!(mark, Mark::EarlyLeave | Mark::LateEarlyLeave),
            outings: if mark == Mark::GoingOut {
                entry.outings.max(1)
            } else {
                entry.outings
            },
            ..Day::present()
        },
    };
    if entry.mark != Mark::Excused && entry.excuse.is_some() {
        return Err(problem(
            "excuse",
            "공가의 종류는 공가에만 적습니다.",
            "an excuse kind belongs to an excused absence only",
        ));
    }
    if day.outings > MAX_OUTINGS {
        return Err(problem(
            "outings",
            format!("외출은 하루 {MAX_OUTINGS}회까지 기록합니다(3회면 결석 1일로 셉니다)."),
            format!("at most {MAX_OUTINGS} outings a day (three count as an absence)"),
        ));
    }
    if entry.outings > 0 && matches!(entry.mark, Mark::Absent | Mark::Excused) {
        return Err(problem(
            "outings",
            "결석·공가인 날에는 외출을 적지 않습니다.",
            "an absent or excused day has no outings",
        ));
    }
    for (field, minute) in [("check_in", entry.check_in), ("check_out", entry.check_out)] {
        if minute.is_some_and(|m| m >= 24 * 60) {
            return Err(problem(field, "시각은 00:00–23:59입니다.", "a time is 00:00 to 23:59"));
        }
    }
    if let (Some(i), Some(o)) = (entry.check_in, entry.check_out) {
        if o < i {
            return Err(problem(
                "check_out",
                "퇴실 시각이 입실 시각보다 빠릅니다.",
                "the exit time is before the arrival time",
            ));
        }
    }
    day.check_in = entry.check_in;
    day.check_out = entry.check_out;
    day.meal = entry.meal;
    day.evidence = trimmed(entry.evidence.as_deref(), "evidence", MAX_EVIDENCE_CHARS)?.is_some();
    Ok(day)
}

/// What a change to an existing record needs: a reason, and evidence for an excused kind that
/// asks for it. Returns the trimmed reason and evidence.
pub fn correction_terms(entry: &AttendanceEntry, new: &Day) -> Result<(String, Option<String>), EntryProblem> {
    let reason = trimmed(entry.reason.as_deref(), "reason", MAX_REASON_CHARS)?;
    let Some(reason) = reason else {
        return Err(required(
            "reason",
            "이미 기록된 출결을 바꾸려면 사유를 적어 주세요.",
            "changing recorded attendance needs a reason",
        ));
    };
    let evidence = trimmed(entry.evidence.as_deref(), "evidence", MAX_EVIDENCE_CHARS)?;
    if let (Some(kind), None) = (new.excuse, &evidence) {
        if kind.needs_evidence() {
            return Err(required(
                "evidence",
                format!("'{}'(으)로 정정하려면 증빙을 적어 주세요.", kind.label().0),
                format!("a correction to `{}` needs evidence", kind.as_str()),
            ));
        }
    }
    Ok((reason, evidence))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attendance::Schedule;
    use chrono::NaiveDate;

    fn schedule() -> Schedule {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        Schedule::new(d("2026-03-02"), d("2026-03-31"), 80, None)
    }

    #[test]
    fn marks_parse_from_codes_and_korean() {
        for mark in Mark::ALL {
            assert_eq!(Mark::parse(mark.as_str()), Some(mark));
            assert_eq!(Mark::parse(mark.label().0), Some(mark));
        }
        assert_eq!(Mark::parse("지각+조퇴"), Some(Mark::LateEarlyLeave));
        assert_eq!(Mark::parse(" 결석 "), Some(Mark::Absent));
        assert_eq!(Mark::parse("attended"), None);
        assert_eq!(parse_excuse("예비군·민방위 훈련"), Some(ExcuseKind::ReserveForces));
        assert_eq!(parse_excuse("illness"), Some(ExcuseKind::Illness));
    }

    #[test]
    fn a_mark_becomes_its_day_and_back() {
        let mut e = AttendanceEntry::new(1, Mark::LateEarlyLeave);
        let day = day_of(&e).unwrap();
        assert_eq!(day.tardies(), 2);
        assert_eq!(Mark::of_day(&day), Some(Mark::LateEarlyLeave));
        e.mark = Mark::GoingOut;
        assert_eq!(day_of(&e).unwrap().outings, 1);
        e.mark = Mark::Excused;
        assert_eq!(day_of(&e).unwrap_err().field, "excuse");
        e.excuse = Some(ExcuseKind::Voting);
        assert_eq!(day_of(&e).unwrap(), Day::excused(ExcuseKind::Voting));
        e.mark = Mark::Present;
        assert_eq!(day_of(&e).unwrap_err().field, "excuse");
    }

    #[test]
    fn short_days_keep_their_times_and_bad_times_are_refused() {
        let s = schedule();
        let mut e = AttendanceEntry::new(1, Mark::Late);
        e.check_in = Some(14 * 60);
        e.check_out = Some(17 * 60);
        let day = day_of(&e).unwrap();
        assert_eq!(day.status, DayStatus::Attended, "the rules count the short day");
        assert!(s.under_half(day.minutes_present().unwrap()), "3 of 8 hours");
        e.check_in = Some(13 * 60);
        assert!(
            !s.under_half(day_of(&e).unwrap().minutes_present().unwrap()),
            "4 of 8 hours"
        );
        e.check_out = Some(12 * 60);
        assert_eq!(day_of(&e).unwrap_err().field, "check_out");
        e.check_out = Some(24 * 60);
        assert_eq!(day_of(&e).unwrap_err().field, "check_out");
        let mut out = AttendanceEntry::new(1, Mark::Absent);
        out.outings = 1;
        assert_eq!(day_of(&out).unwrap_err().field, "outings");
        out.mark = Mark::GoingOut;
        out.outings = 4;
        assert_eq!(day_of(&out).unwrap_err().field, "outings");
    }

    #[test]
    fn a_correction_needs_a_reason_and_evidence_where_the_kind_asks() {
        let mut e = AttendanceEntry::new(1, Mark::Excused);
        e.excuse = Some(ExcuseKind::Illness);
        let new = day_of(&e).unwrap();
        e.reason = Some("  ".into());
        let no_reason = correction_terms(&e, &new).unwrap_err();
        assert_eq!(
            (no_reason.code, no_reason.field),
            (Code::CorrectionReasonRequired, "reason")
        );
        e.reason = Some(" 진단서 제출 ".into());
        let missing = correction_terms(&e, &new).unwrap_err();
        assert_eq!(missing.field, "evidence");
        assert!(missing.text.ko.contains("증빙"));
        e.evidence = Some("진단서 2026-03-03".into());
        assert_eq!(
            correction_terms(&e, &new).unwrap(),
            ("진단서 제출".to_owned(), Some("진단서 2026-03-03".to_owned()))
        );
        let voting = Day::excused(ExcuseKind::Voting);
        e.evidence = None;
        assert!(correction_terms(&e, &voting).is_ok(), "voting needs no document");
    }
}
