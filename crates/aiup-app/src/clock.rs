//! The one clock: "now" in UTC and "today" as a calendar date in Asia/Seoul. Services take
//! the time from here, so tests can fix it.

pub use aiup_core::date::seoul_date;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use std::sync::{Arc, RwLock};

/// Today's calendar date in Asia/Seoul, by the system clock.
pub fn today_in_seoul() -> NaiveDate {
    seoul_date(Utc::now())
}

/// The system clock, or a fixed instant (tests). Cheap to clone; clones share a fixed instant.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    fixed: Option<Arc<RwLock<DateTime<Utc>>>>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock { fixed: None }
    }

    /// A clock that stays at `at` until moved with [`Clock::advance`].
    pub fn fixed(at: DateTime<Utc>) -> Clock {
        Clock {
            fixed: Some(Arc::new(RwLock::new(at))),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &self.fixed {
            None => Utc::now(),
            Some(at) => *at.read().unwrap_or_else(std::sync::PoisonError::into_inner),
        }
    }

    /// Today in Asia/Seoul.
    pub fn today(&self) -> NaiveDate {
        seoul_date(self.now())
    }

    /// Moves a fixed clock forward; the system clock cannot be moved.
    pub fn advance(&self, by: Duration) {
        if let Some(at) = &self.fixed {
            let mut at = at.write().unwrap_or_else(std::sync::PoisonError::into_inner);
            *at += by;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn seoul_date_turns_at_15_utc() {
        let before = Utc.with_ymd_and_hms(2026, 3, 1, 14, 59, 59).unwrap();
        let after = Utc.with_ymd_and_hms(2026, 3, 1, 15, 0, 0).unwrap();
        assert_eq!(seoul_date(before), NaiveDate::from_ymd_opt(2026, 3, 1).unwrap());
        assert_eq!(seoul_date(after), NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
    }

    #[test]
    fn fixed_clock_moves_only_when_told() {
        let start = Utc.with_ymd_and_hms(2026, 12, 6, 0, 0, 0).unwrap();
        let clock = Clock::fixed(start);
        let clone = clock.clone();
        clock.advance(Duration::minutes(31));
        assert_eq!(clone.now(), start + Duration::minutes(31));
    }
}
