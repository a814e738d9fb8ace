//! The 2025 SME AI-training demand survey (seed 002 appendix 2, 1,013 firms): answers and their
//! CSV form, the published tables recomputed from answers, and a seeded generator.
