//! aiup's integration tests, in one binary to keep link time down.

mod browser;
mod golden;
mod support;
