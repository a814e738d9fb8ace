//! The SME package (issue 11): discover → diagnose → prescribe, with the partner ministries and
//! the demand survey. Each service takes an `Actor` and checks its scope: a training doctor sees
//! only their centre's firms, an HR lead only their own firm.

pub mod diagnosis;
pub mod discovery;
pub mod firms;
pub mod outcomes;
pub mod partners;
pub mod prescription;
pub mod survey;
pub mod visits;
