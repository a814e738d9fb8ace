//! PostgreSQL statements of the population aggregate.

use sqlx::Postgres;

use crate::shared::population::PopulationSql;

impl PopulationSql for Postgres {
    // Values taken from the identity sequence are ours alone, whoever else inserts meanwhile.
    const RESERVE_IDS: &'static str =
        "SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, $1::bigint)";
    const OVERRIDE_IDENTITY: &'static str = "OVERRIDING SYSTEM VALUE";
}
