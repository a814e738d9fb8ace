//! How SQLite stores an audit event's detail: JSON as text.

use sqlx::Sqlite;

use crate::shared::audit::AuditSql;

impl AuditSql for Sqlite {
    const DETAIL_PARAM: &'static str = "";
    const DETAIL_TEXT: &'static str = "";
}
