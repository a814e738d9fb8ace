//! SQLite's catalogue statements: id lists arrive as JSON text.

use sqlx::Sqlite;

use crate::shared::catalogue::CatalogueSql;

impl CatalogueSql for Sqlite {
    const JSON_STRINGS: &'static str = "SELECT value FROM json_each($1)";
}
