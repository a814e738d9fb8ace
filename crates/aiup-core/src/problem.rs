//! Problems with imported rows, named by field and explained in English (stable, for machines
//! and logs) and Korean: every CSV import of the platform lists its bad rows with these.

/// A problem with one field of an input.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldProblem {
    pub field: String,
    pub reason: String,
    pub reason_ko: String,
}

impl FieldProblem {
    pub fn new(field: impl Into<String>, reason: impl Into<String>, reason_ko: impl Into<String>) -> FieldProblem {
        FieldProblem {
            field: field.into(),
            reason: reason.into(),
            reason_ko: reason_ko.into(),
        }
    }
}

/// A bad row of an imported file: its line (1-based, the header is line 1) and its problems.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowProblem {
    pub line: usize,
    pub problems: Vec<FieldProblem>,
}
