//! How PostgreSQL stores an audit event's detail: `jsonb`, bound and read as text.

use sqlx::Postgres;

use crate::shared::audit::AuditSql;

impl AuditSql for Postgres {
    const DETAIL_PARAM: &'static str = "::jsonb";
    const DETAIL_TEXT: &'static str = "::text";
}
