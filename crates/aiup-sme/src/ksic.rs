//! The Korean Standard Industrial Classification (KSIC, 10th revision): sections A–U and their
//! divisions, compiled in from `data/sme/ksic.toml`.
