//! Training doctors' visits: schedule, record, and each doctor's caseload.
