//! People in the programme, as the rules need them. Does no IO.
//!
//! - [`profile`]: the person profile (life stage, status, employer size, residence, age band,
//!   target groups, 국민취업지원제도 type), parsed from form text into checked values.
//! - [`identity`]: keyed hashes of outside identifiers, so none is stored in the clear.
//! - [`enrolment`]: the statuses of an enrolment and the transitions allowed between them.
//! - [`attendance`]: a trainee's month of training days as stored (a fixed-layout sheet).
//! - [`checkin`]: the minute-by-minute check-in codes trainees enter to record arrival and exit.
//! - [`card`]: the 국민내일배움카드 account as a ledger of cited entries.
//! - [`generate`]: a seeded synthetic population (people, cards, diagnoses, enrolments).
//! - [`outcome_records`]: the outside records of graduates' outcomes (employment insurance,
//!   startups, outside figures), read from CSV with every bad row listed.
//! - [`startup_grant`]: whether a firm may receive the startup-hiring grant, with its reasons.

#![cfg_attr(not(test), deny(clippy::float_arithmetic))]

pub mod attendance;
pub mod card;
pub mod checkin;
pub mod enrolment;
pub mod generate;
pub mod identity;
pub mod outcome_records;
pub mod profile;
pub mod startup_grant;

pub use card::{Cite, Entry, EntryKind, Ledger, LedgerError};
pub use enrolment::{EnrolmentEvent, EnrolmentStatus, TransitionError};
pub use identity::{ExternalIdKey, IdentityError};
pub use profile::{AgeBand, FieldError, KukchiType, PersonId, Profile, ProfileInput, TargetGroup};
