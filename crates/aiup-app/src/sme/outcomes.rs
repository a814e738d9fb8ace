//! Outcomes per firm (staff enrolled and completed, hours, money, the change in AX level) and progress against the four 2026 targets.
