//! A cohort's status on a given day: whether a trainee can still apply, and how urgently.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::{Cohort, Course};

/// An open cohort is "closing soon" when its application deadline is at most this many days
/// away (the deadline day itself counts as 0) …
pub const CLOSING_SOON_DAYS: i64 = 7;
/// … or when at most this percentage of its seats is left.
pub const CLOSING_SOON_SEATS_PERCENT: u32 = 10;

/// What a trainee can do about a cohort on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CohortStatus {
    /// Applications have not opened yet.
    NotYetOpen,
    Open,
    /// Open, but the deadline or the last seats are near (see [`CLOSING_SOON_DAYS`]).
    ClosingSoon,
    /// No seats left and no waiting list.
    Full,
    /// No seats left; the institution takes a waiting list.
    WaitingList,
    /// The cohort has started or applications have ended.
    Closed,
}

impl CohortStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CohortStatus::NotYetOpen => "not_yet_open",
            CohortStatus::Open => "open",
            CohortStatus::ClosingSoon => "closing_soon",
            CohortStatus::Full => "full",
            CohortStatus::WaitingList => "waiting_list",
            CohortStatus::Closed => "closed",
        }
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            CohortStatus::NotYetOpen => "접수 예정",
            CohortStatus::Open => "접수 중",
            CohortStatus::ClosingSoon => "마감 임박",
            CohortStatus::Full => "정원 마감",
            CohortStatus::WaitingList => "대기 접수 중",
            CohortStatus::Closed => "접수 종료",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            CohortStatus::NotYetOpen => "not open yet",
            CohortStatus::Open => "open",
            CohortStatus::ClosingSoon => "closing soon",
            CohortStatus::Full => "full",
            CohortStatus::WaitingList => "waiting list",
            CohortStatus::Closed => "closed",
        }
    }

    /// Whether a trainee can apply (or join the waiting list) today.
    pub fn takes_applications(self) -> bool {
        matches!(
            self,
            CohortStatus::Open | CohortStatus::ClosingSoon | CohortStatus::WaitingList
        )
    }
}

impl Cohort {
    /// The last day applications are taken: the end of the application period, or else the
    /// day before the cohort starts.
    pub fn application_deadline(&self) -> NaiveDate {
        match self.application {
            Some(period) => period.end,
            None => self.start_date.pred_opt().unwrap_or(self.start_date),
        }
    }

    /// The status on `today` (a Seoul date). In order: started or past the deadline → closed;
    /// no seats → waiting list or full; before the application start → not yet open; deadline
    /// within [`CLOSING_SOON_DAYS`] or at most [`CLOSING_SOON_SEATS_PERCENT`] % of seats left →
    /// closing soon; otherwise open.
    pub fn status(&self, today: NaiveDate) -> CohortStatus {
        let deadline = self.application_deadline();
        if today >= self.start_date || today > deadline {
            return CohortStatus::Closed;
        }
        if self.seats_left == 0 {
            return if self.waiting_list {
                CohortStatus::WaitingList
            } else {
                CohortStatus::Full
            };
        }
        if self.application.is_some_and(|p| today < p.start) {
            return CohortStatus::NotYetOpen;
        }
        let days_left = (deadline - today).num_days();
        let few_seats =
            u64::from(self.seats_left) * 100 <= u64::from(self.capacity) * u64::from(CLOSING_SOON_SEATS_PERCENT);
        if days_left <= CLOSING_SOON_DAYS || few_seats {
            CohortStatus::ClosingSoon
        } else {
            CohortStatus::Open
        }
    }
}

impl Course {
    /// The first cohort a trainee can apply to (or wait for) today, else the first not yet
    /// open, else none.
    pub fn next_open_cohort(&self, today: NaiveDate) -> Option<&Cohort> {
        self.cohorts
            .iter()
            .find(|c| c.status(today).takes_applications() && c.status(today) != CohortStatus::WaitingList)
            .or_else(|| self.cohorts.iter().find(|c| c.status(today).takes_applications()))
            .or_else(|| {
                self.cohorts
                    .iter()
                    .find(|c| c.status(today) == CohortStatus::NotYetOpen)
            })
    }

    /// The most pressing status among the cohorts a trainee could still join, for a result card:
    /// the status of [`Course::next_open_cohort`], or full when every upcoming cohort is full.
    pub fn card_status(&self, today: NaiveDate) -> Option<CohortStatus> {
        if let Some(cohort) = self.next_open_cohort(today) {
            return Some(cohort.status(today));
        }
        self.cohorts
            .iter()
            .any(|c| c.status(today) == CohortStatus::Full)
            .then_some(CohortStatus::Full)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ApplicationPeriod;

    fn date(text: &str) -> NaiveDate {
        aiup_core::date::parse_iso_date(text).unwrap()
    }

    fn cohort(capacity: u32, seats_left: u32, application: Option<(&str, &str)>, waiting_list: bool) -> Cohort {
        Cohort {
            start_date: date("2026-03-02"),
            end_date: date("2026-06-30"),
            capacity,
            seats_left,
            application: application.map(|(s, e)| ApplicationPeriod {
                start: date(s),
                end: date(e),
            }),
            waiting_list,
        }
    }

    #[test]
    fn deadline_boundaries() {
        let c = cohort(30, 20, Some(("2026-02-01", "2026-02-20")), false);
        assert_eq!(c.status(date("2026-01-31")), CohortStatus::NotYetOpen);
        assert_eq!(c.status(date("2026-02-01")), CohortStatus::Open);
        // 8 days before the deadline: open; 7 days: closing soon.
        assert_eq!(c.status(date("2026-02-12")), CohortStatus::Open);
        assert_eq!(c.status(date("2026-02-13")), CohortStatus::ClosingSoon);
        assert_eq!(c.status(date("2026-02-20")), CohortStatus::ClosingSoon);
        assert_eq!(c.status(date("2026-02-21")), CohortStatus::Closed);
    }

    #[test]
    fn without_a_period_applications_run_to_the_day_before_the_start() {
        let c = cohort(30, 20, None, false);
        assert_eq!(c.application_deadline(), date("2026-03-01"));
        assert_eq!(c.status(date("2026-02-21")), CohortStatus::Open);
        assert_eq!(c.status(date("2026-02-22")), CohortStatus::ClosingSoon);
        assert_eq!(c.status(date("2026-03-01")), CohortStatus::ClosingSoon);
        assert_eq!(c.status(date("2026-03-02")), CohortStatus::Closed);
    }

    #[test]
    fn seat_boundaries() {
        let today = date("2026-01-10");
        assert_eq!(cohort(30, 4, None, false).status(today), CohortStatus::Open);
        assert_eq!(cohort(30, 3, None, false).status(today), CohortStatus::ClosingSoon);
        assert_eq!(cohort(20, 2, None, false).status(today), CohortStatus::ClosingSoon);
        assert_eq!(cohort(20, 3, None, false).status(today), CohortStatus::Open);
        assert_eq!(cohort(30, 0, None, false).status(today), CohortStatus::Full);
        assert_eq!(cohort(30, 0, None, true).status(today), CohortStatus::WaitingList);
        // A full cohort that has started is closed, waiting list or not.
        assert_eq!(
            cohort(30, 0, None, true).status(date("2026-03-02")),
            CohortStatus::Closed
        );
    }

    #[test]
    fn the_next_open_cohort_skips_full_ones_and_prefers_seats_to_a_waiting_list() {
        let today = date("2026-01-10");
        let at = |start: &str, seats: u32, waiting_list: bool| Cohort {
            start_date: date(start),
            end_date: date("2026-12-30"),
            ..cohort(30, seats, None, waiting_list)
        };
        let mut course: Course = serde_json::from_value(serde_json::json!({
            "id": "C-1", "institution": "I-1", "title": "t", "summary": "", "keywords": [],
            "programmes": ["kdt-general"], "ncs": "20010202", "occupation": "o", "ai_step": null,
            "ai_level": null, "modules": [], "delivery": "classroom", "total_hours": 10,
            "hours_per_day": 5, "fee_won": 0, "region": "11680", "audiences": ["employee"],
            "self_payment_rate_percent": null, "base_unit_price_won_per_hour": null, "cohorts": []
        }))
        .unwrap();
        course.cohorts = vec![
            at("2026-01-05", 10, false),
            at("2026-02-02", 0, true),
            at("2026-03-02", 0, false),
            at("2026-05-04", 20, false),
        ];
        assert_eq!(course.next_open_cohort(today), Some(&course.cohorts[3]));
        assert_eq!(course.card_status(today), Some(CohortStatus::Open));
        course.cohorts.truncate(3);
        assert_eq!(course.next_open_cohort(today), Some(&course.cohorts[1]));
        assert_eq!(course.card_status(today), Some(CohortStatus::WaitingList));
        course.cohorts.remove(1);
        assert_eq!(course.next_open_cohort(today), None);
        assert_eq!(course.card_status(today), Some(CohortStatus::Full));
        course.cohorts.clear();
        assert_eq!(course.card_status(today), None);
    }

    #[test]
    fn labels_exist_in_both_languages() {
        for s in [
            CohortStatus::NotYetOpen,
            CohortStatus::Open,
            CohortStatus::ClosingSoon,
            CohortStatus::Full,
            CohortStatus::WaitingList,
            CohortStatus::Closed,
        ] {
            assert!(!s.label_ko().is_empty() && !s.label_en().is_empty());
            assert_ne!(s.label_ko(), s.label_en());
        }
    }
}
