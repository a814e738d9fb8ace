//! aiup's integration tests, in one binary to keep link time down.

mod access;
mod accessibility;
mod api_consistency;
mod browser;
mod browser_accounts;
mod browser_focus;
mod browser_search;
mod cli;
mod conformance;
mod course_page;
mod courses;
mod docs;
mod enrolment;
mod enrolment_concurrency;
mod faults;
mod golden;
mod http;
mod hygiene;
mod import_chunks;
mod languages;
mod live;
mod newcomer;
mod population;
mod search;
mod support;
mod testkit;
