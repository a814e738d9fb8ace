//! The demand survey: import, the appendix-2 tables, regional demand, and the generator.
