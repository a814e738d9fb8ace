//! SQLite statements of the population aggregate.

use sqlx::Sqlite;

use crate::shared::population::PopulationSql;

impl PopulationSql for Sqlite {
    // After the largest id the table ever gave (AUTOINCREMENT keeps it in sqlite_sequence); the
    // caller holds the write lock, so nobody else takes these meanwhile.
    const RESERVE_IDS: &'static str = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) \
         SELECT MAX(COALESCE((SELECT MAX(id) FROM {table}), 0), \
         COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '{table}'), 0)) + i FROM n";
    const OVERRIDE_IDENTITY: &'static str = "";
}
