//! The partner ministries' AX programmes and how the plan works with each (seed 002 V-5 table,
//! `data/sme/partner-programmes.toml`), and their participant lists, matched by business number.
