//! aiup's integration tests, in one binary to keep link time down.

mod browser;
mod cli;
mod conformance;
mod courses;
mod docs;
mod golden;
mod http;
mod hygiene;
mod support;
