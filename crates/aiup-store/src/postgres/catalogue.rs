//! PostgreSQL's catalogue statements: id lists arrive as JSON text.

use sqlx::Postgres;

use crate::shared::catalogue::CatalogueSql;

impl CatalogueSql for Postgres {
    const JSON_STRINGS: &'static str = "SELECT json_array_elements_text($1::json)";
}
