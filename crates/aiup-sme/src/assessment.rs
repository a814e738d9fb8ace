//! Scoring a diagnosis questionnaire's answers into the firm's AX level, with its reasons
//! (issue 11, item 5).
