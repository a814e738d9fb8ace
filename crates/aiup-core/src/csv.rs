//! A small CSV reader for the reference data files: header row, commas,
//! optional double quotes. Every row keeps its 1-based line number so that
//! load errors can name it.

use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvError {
    pub line: usize,
    pub message: String,
}

#[derive(Debug)]
pub struct CsvRow<'a> {
    pub line: usize,
    fields: Vec<String>,
    columns: &'a HashMap<String, usize>,
}

impl CsvRow<'_> {
    /// The field under `column`. Missing columns are caught when the file is opened.
    pub fn get(&self, column: &str) -> &str {
        self.columns
            .get(column)
            .and_then(|&i| self.fields.get(i))
            .map(String::as_str)
            .unwrap_or("")
    }
}

#[derive(Debug)]
pub struct CsvTable {
    columns: HashMap<String, usize>,
    rows: Vec<(usize, Vec<String>)>,
}

impl CsvTable {
    /// Parses `text`, requiring every column in `required` to be present.
    pub fn parse(text: &str, required: &[&str]) -> Result<CsvTable, CsvError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = text
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l))
            .filter(|(_, l)| !l.trim().is_empty());
        let (header_line, header) = lines.next().ok_or(CsvError {
            line: 1,
            message: "the file is empty; a header row is required".into(),
        })?;
        let names = split_fields(header).map_err(|message| CsvError {
            line: header_line,
            message,
        })?;
        let columns: HashMap<String, usize> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.trim().to_owned(), i))
            .collect();
        for column in required {
            if !columns.contains_key(*column) {
                return Err(CsvError {
                    line: header_line,
                    message: format!("missing column `{column}` (expected: {})", required.join(",")),
                });
            }
        }
        let mut rows = Vec::new();
        for (line, raw) in lines {
            if raw.trim_start().starts_with('#') {
                continue;
            }
            let fields = split_fields(raw).map_err(|message| CsvError { line, message })?;
            if fields.len() != names.len() {
                return Err(CsvError {
                    line,
                    message: format!("has {} fields, the header has {}", fields.len(), names.len()),
                });
            }
            rows.push((line, fields));
        }
        Ok(CsvTable { columns, rows })
    }

    pub fn rows(&self) -> impl Iterator<Item = CsvRow<'_>> {
        self.rows.iter().map(|(line, fields)| CsvRow {
            line: *line,
            fields: fields.clone(),
            columns: &self.columns,
        })
    }
}

fn split_fields(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut current = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    while let Some(ch) = chars.next() {
        match (quoted, ch) {
            (false, ',') => fields.push(std::mem::take(&mut current).trim().to_owned()),
            (false, '"') if current.trim().is_empty() => {
                current.clear();
                quoted = true;
            }
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                current.push('"');
            }
            (true, '"') => quoted = false,
            (_, c) => current.push(c),
        }
    }
    if quoted {
        return Err("a quoted field is not closed".into());
    }
    fields.push(current.trim().to_owned());
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_quoted_fields_and_keeps_line_numbers() {
        let t = CsvTable::parse("a,b\n\n1,\"x, \"\"y\"\"\"\n# comment\n2,z\n", &["a", "b"]).unwrap();
        let rows: Vec<_> = t
            .rows()
            .map(|r| (r.line, r.get("a").to_owned(), r.get("b").to_owned()))
            .collect();
        assert_eq!(
            rows,
            vec![(3, "1".into(), "x, \"y\"".into()), (5, "2".into(), "z".into())]
        );
    }

    #[test]
    fn names_the_bad_line() {
        let err = CsvTable::parse("a,b\n1,2\n1,2,3\n", &["a"]).unwrap_err();
        assert_eq!(err.line, 3);
        let err = CsvTable::parse("a\n1\n", &["a", "b"]).unwrap_err();
        assert!(err.message.contains("missing column `b`"));
    }
}
