//! PostgreSQL's bulk writer for the population aggregate: `COPY … FROM STDIN` in text format.
//! COPY writes the values given into identity columns, as INSERT's `OVERRIDING SYSTEM VALUE`.

use std::fmt::Write as _;

use sqlx::{PgConnection, Postgres};

use crate::shared::population::{push_hex, Cell, PopulationSql, Rows};
use crate::StoreError;

/// Bytes sent to the server at a time.
const SEND_BYTES: usize = 1 << 20;

/// Text as COPY's text format reads it: backslash, tab, newline and carriage return escaped.
fn push_text(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

fn push_cell(out: &mut String, cell: Cell<'_>) {
    // Writing to a String cannot fail.
    let _ = match cell {
        Cell::Int(v) | Cell::MaybeInt(Some(v)) => write!(out, "{v}"),
        Cell::Text(v) | Cell::Json(v) | Cell::MaybeText(Some(v)) => {
            push_text(out, v);
            Ok(())
        }
        Cell::Bool(v) => write!(out, "{}", if v { 't' } else { 'f' }),
        Cell::Date(v) => write!(out, "{}", v.format("%Y-%m-%d")),
        Cell::Time(v) | Cell::MaybeTime(Some(v)) => write!(out, "{}", v.format("%Y-%m-%d %H:%M:%S%.6f+00")),
        // bytea's hex input, its backslash escaped for COPY.
        Cell::Bytes(v) => {
            out.push_str("\\\\x");
            push_hex(out, v);
            Ok(())
        }
        Cell::MaybeInt(None) | Cell::MaybeText(None) | Cell::MaybeTime(None) => {
            out.push_str("\\N");
            Ok(())
        }
    };
}

impl PopulationSql for Postgres {
    // Values taken from the identity sequence are ours alone, whoever else inserts meanwhile.
    const RESERVE_IDS: &'static str =
        "SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, $1::bigint)";

    async fn write_rows<'c>(conn: &'c mut PgConnection, rows: &'c Rows<'c>) -> Result<u64, StoreError> {
        let columns = rows.columns.len();
        let mut copy = conn
            .copy_in_raw(&format!("COPY {} ({}) FROM STDIN", rows.table, rows.columns.join(", ")))
            .await?;
        let mut buffer = String::with_capacity(SEND_BYTES + 4096);
        for row in rows.cells.chunks(columns) {
            for (i, cell) in row.iter().enumerate() {
                if i > 0 {
                    buffer.push('\t');
                }
                push_cell(&mut buffer, *cell);
            }
            buffer.push('\n');
            if buffer.len() >= SEND_BYTES {
                copy.send(buffer.as_bytes()).await?;
                buffer.clear();
            }
        }
        if !buffer.is_empty() {
            copy.send(buffer.as_bytes()).await?;
        }
        Ok(copy.finish().await?)
    }
}
