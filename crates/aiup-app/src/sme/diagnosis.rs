//! Diagnosing a firm: the questionnaire, its AX level, the report.
