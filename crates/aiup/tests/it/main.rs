//! aiup's integration tests, in one binary to keep link time down.

mod access;
mod api_consistency;
mod browser;
mod browser_accounts;
mod cli;
mod conformance;
mod course_page;
mod courses;
mod docs;
mod faults;
mod golden;
mod http;
mod hygiene;
mod live;
mod newcomer;
mod support;
mod testkit;
