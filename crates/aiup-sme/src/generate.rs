//! Seeded synthetic firms and partner-programme links (issue 11), with their own PRNG so a seed
//! means the same registry forever.
