//! The statuses of an enrolment and the only transitions between them.
//!
//! The names follow what institution systems use (접수, 예정, 수강, 조기취업, 수료, 수강포기,
//! 미수료, 제적, 취소; research B5). Whether a given caller may fire an event, and what it costs, is the
//! service's business; this module only says which moves exist.

use aiup_core::vocabulary;

vocabulary! {
    /// Where an enrolment stands.
    EnrolmentStatus {
        Applied = "applied" / "접수" / "applied",
        Waiting = "waiting" / "대기" / "on the waiting list",
        Accepted = "accepted" / "선발(수강 예정)" / "accepted",
        Refused = "refused" / "미선발" / "refused",
        InTraining = "in_training" / "수강 중" / "in training",
        Completed = "completed" / "수료" / "completed",
        EarlyCompletionEmployment = "early_completion_employment" / "조기취업 수료" / "early completion by employment",
        Withdrawn = "withdrawn" / "수강 철회" / "withdrawn",
        DroppedOut = "dropped_out" / "중도 포기" / "dropped out",
        Removed = "removed" / "제적" / "removed",
        NotCompleted = "not_completed" / "미수료" / "not completed",
        Cancelled = "cancelled" / "취소" / "cancelled",
    }
}

vocabulary! {
    /// What happens to an enrolment.
    EnrolmentEvent {
        Accept = "accept" / "선발" / "accept",
        Refuse = "refuse" / "미선발 처리" / "refuse",
        Waitlist = "waitlist" / "대기 등록" / "put on the waiting list",
        OfferSeat = "offer_seat" / "빈자리 배정" / "offer a freed seat",
        Withdraw = "withdraw" / "철회" / "withdraw",
        Start = "start" / "훈련 시작" / "start training",
        Complete = "complete" / "수료 처리" / "complete",
        CompleteByEmployment = "complete_by_employment" / "조기취업 수료 처리" / "complete early by employment",
        DropOut = "drop_out" / "중도 포기" / "drop out",
        Remove = "remove" / "제적 처리" / "remove",
        NotComplete = "not_complete" / "미수료 처리" / "record as not completed",
        Cancel = "cancel" / "취소" / "cancel",
    }
}

impl EnrolmentStatus {
    /// Whether the enrolment is still alive: it holds or waits for a seat, or is in training.
    pub fn is_live(self) -> bool {
        matches!(
            self,
            EnrolmentStatus::Applied
                | EnrolmentStatus::Waiting
                | EnrolmentStatus::Accepted
                | EnrolmentStatus::InTraining
        )
    }

    /// Whether the enrolment holds a seat of its cohort.
    pub fn holds_seat(self) -> bool {
        matches!(self, EnrolmentStatus::Accepted | EnrolmentStatus::InTraining)
    }

    /// Whether no event can move it any more.
    pub fn is_final(self) -> bool {
        !self.is_live()
    }

    /// The status `event` moves this one to, or why it cannot.
    pub fn after(self, event: EnrolmentEvent) -> Result<EnrolmentStatus, TransitionError> {
        use EnrolmentEvent as E;
        use EnrolmentStatus as S;
        let next = match (self, event) {
            (S::Applied, E::Accept) => S::Accepted,
            (S::Applied, E::Refuse) => S::Refused,
            (S::Applied, E::Waitlist) => S::Waiting,
            (S::Waiting, E::OfferSeat) => S::Accepted,
            (S::Waiting, E::Refuse) => S::Refused,
            (S::Applied | S::Waiting | S::Accepted | S::InTraining, E::Withdraw) => S::Withdrawn,
            (S::Applied | S::Waiting | S::Accepted, E::Cancel) => S::Cancelled,
            (S::Accepted, E::Start) => S::InTraining,
            (S::InTraining, E::Complete) => S::Completed,
            (S::InTraining, E::CompleteByEmployment) => S::EarlyCompletionEmployment,
            (S::InTraining, E::DropOut) => S::DroppedOut,
            (S::InTraining, E::Remove) => S::Removed,
            // The course ended below the completion threshold, without removal (미수료).
            (S::InTraining, E::NotComplete) => S::NotCompleted,
            _ => return Err(TransitionError { from: self, event }),
        };
        Ok(next)
    }
}

/// An event that does not apply to the enrolment's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an enrolment that is `{from}` cannot `{event}`")]
pub struct TransitionError {
    pub from: EnrolmentStatus,
    pub event: EnrolmentEvent,
}

impl TransitionError {
    /// The refusal in Korean.
    pub fn message_ko(&self) -> String {
        format!(
            "'{}' 상태의 신청은 '{}' 할 수 없습니다.",
            self.from.label_ko(),
            self.event.label_ko()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_statuses_accept_no_event() {
        for &status in EnrolmentStatus::ALL.iter().filter(|s| s.is_final()) {
            for &event in EnrolmentEvent::ALL {
                assert!(status.after(event).is_err(), "{status} then {event}");
            }
        }
    }

    #[test]
    fn every_status_but_applied_is_reachable() {
        let mut reached = std::collections::BTreeSet::from([EnrolmentStatus::Applied]);
        let mut frontier = vec![EnrolmentStatus::Applied];
        while let Some(status) = frontier.pop() {
            for &event in EnrolmentEvent::ALL {
                if let Ok(next) = status.after(event) {
                    if reached.insert(next) {
                        frontier.push(next);
                    }
                }
            }
        }
        assert_eq!(reached.len(), EnrolmentStatus::ALL.len());
    }

    #[test]
    fn only_seat_holders_hold_seats_and_refusals_say_why_in_korean() {
        assert!(EnrolmentStatus::Accepted.holds_seat());
        assert!(!EnrolmentStatus::Waiting.holds_seat());
        assert_eq!(
            EnrolmentStatus::InTraining.after(EnrolmentEvent::NotComplete),
            Ok(EnrolmentStatus::NotCompleted)
        );
        assert!(EnrolmentStatus::NotCompleted.is_final());
        assert!(EnrolmentStatus::Accepted.after(EnrolmentEvent::NotComplete).is_err());
        let e = EnrolmentStatus::Completed.after(EnrolmentEvent::Withdraw).unwrap_err();
        assert!(e.to_string().contains("completed"));
        assert!(e.message_ko().contains("수료"));
    }
}
