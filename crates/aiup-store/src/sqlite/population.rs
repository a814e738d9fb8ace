//! SQLite's bulk writer for the population aggregate: each chunk of rows goes in as one JSON
//! array bound to one statement, `INSERT … SELECT … FROM json_each($1)`, so SQLite parses the
//! values in C instead of sqlx binding them one by one (the 200-row multi-value INSERTs this
//! replaced wrote about 75,000 rows a second). Values are written as sqlx would bind them: dates
//! `%F`, instants RFC 3339 (`AutoSi`), booleans 0 and 1. Blobs (attendance sheets) go in one
//! second parameter, each row's JSON holding its [offset, length] there: hex in JSON cost twice
//! the bytes and a parse, and binding every value (multi-row `VALUES`) was slower still — about
//! 14 times the CPU of JSON for 500,000 attendance months.

use std::fmt::Write as _;

use chrono::SecondsFormat;
use sqlx::{Sqlite, SqliteConnection};

use crate::shared::population::{push_hex, Cell, PopulationSql, Rows};
use crate::StoreError;

/// `text` as a JSON string.
fn push_json_text(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn push_cell(out: &mut String, cell: Cell<'_>) {
    // Writing to a String cannot fail.
    let _ = match cell {
        Cell::Int(v) | Cell::MaybeInt(Some(v)) => write!(out, "{v}"),
        Cell::Text(v) | Cell::Json(v) | Cell::MaybeText(Some(v)) => {
            push_json_text(out, v);
            Ok(())
        }
        Cell::Bool(v) => write!(out, "{}", u8::from(v)),
        Cell::Date(v) => write!(out, "\"{}\"", v.format("%F")),
        Cell::Time(v) | Cell::MaybeTime(Some(v)) => {
            write!(out, "\"{}\"", v.to_rfc3339_opts(SecondsFormat::AutoSi, false))
        }
        // Written beside the JSON by `write_rows`; as hex text if ever written here.
        Cell::Bytes(v) => {
            out.push('"');
            push_hex(out, v);
            out.push('"');
            Ok(())
        }
        Cell::MaybeInt(None) | Cell::MaybeText(None) | Cell::MaybeTime(None) => {
            out.push_str("null");
            Ok(())
        }
    };
}

impl PopulationSql for Sqlite {
    // After the largest id the table ever gave (AUTOINCREMENT keeps it in sqlite_sequence); the
    // caller holds the write lock, so nobody else takes these meanwhile.
    const RESERVE_IDS: &'static str = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) \
         SELECT MAX(COALESCE((SELECT MAX(id) FROM {table}), 0), \
         COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '{table}'), 0)) + i FROM n";

    async fn write_rows<'c>(conn: &'c mut SqliteConnection, rows: &'c Rows<'c>) -> Result<u64, StoreError> {
        let columns = rows.columns.len();
        // A column whose first cell is bytes holds bytes in every row: its JSON value is the
        // [offset, length] of the bytes in one blob bound beside the JSON ($2), so the bytes
        // are neither hex-encoded nor parsed as JSON.
        let values: Vec<String> = (0..columns)
            .map(|i| match rows.cells.get(i) {
                Some(Cell::Bytes(_)) => {
                    format!("substr($2, json_extract(value, '$[{i}][0]') + 1, json_extract(value, '$[{i}][1]'))")
                }
                _ => format!("json_extract(value, '$[{i}]')"),
            })
            .collect();
        let sql = format!(
            "INSERT INTO {} ({}) SELECT {} FROM json_each($1)",
            rows.table,
            rows.columns.join(", "),
            values.join(", ")
        );
        let mut json = String::with_capacity(rows.cells.len() * 12 + 2);
        let mut bytes: Vec<u8> = Vec::new();
        json.push('[');
        for (n, row) in rows.cells.chunks(columns).enumerate() {
            json.push_str(if n == 0 { "[" } else { ",[" });
            for (i, cell) in row.iter().enumerate() {
                if i > 0 {
                    json.push(',');
                }
                match cell {
                    Cell::Bytes(v) => {
                        let _ = write!(json, "[{},{}]", bytes.len(), v.len());
                        bytes.extend_from_slice(v);
                    }
                    _ => push_cell(&mut json, *cell),
                }
            }
            json.push(']');
        }
        json.push(']');
        let mut query = sqlx::query(&sql).bind(json);
        if rows.cells.iter().take(columns).any(|c| matches!(c, Cell::Bytes(_))) {
            query = query.bind(bytes);
        }
        Ok(query.execute(&mut *conn).await?.rows_affected())
    }
}
