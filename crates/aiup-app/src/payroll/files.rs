//! The files the payroll writes: the payment file for the paying office, totals as CSV, and
//! the canonical ledger text (`aiup payroll ledger`).
//!
//! The payment file names each payee by a stable person reference ([`payee_reference`]): no
//! resident registration number and no bank details, which aiup never stores; the paying office
//! matches the reference to the account the trainee registered with it.

use std::fmt::Write as _;

use aiup_store::{PayrollLineRecord, PayrollRunRecord, PayrollTotal, TotalsBy};

use super::totals_key;

/// The header of the payment file.
pub const PAYMENT_HEADER: &str =
    "record_type,payee_reference,enrolment_id,period,period_start,period_end,kind,amount_won,run_month,line_count";

/// A run's payment file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentFile {
    pub run: PayrollRunRecord,
    /// A file name for downloads, e.g. `aiup-payroll-2026-04-run-3.csv`.
    pub file_name: String,
    pub csv: String,
    /// The payment rows and their sum (also the control row).
    pub count: i64,
    pub total_won: i64,
}

/// The stable reference of a payee: the person's aiup id, never an outside identifier.
pub fn payee_reference(person_id: i64) -> String {
    format!("AIUP-P{person_id:010}")
}

/// The payment file: one `payment` row per line with a non-zero amount (an adjustment may be
/// negative: the office recovers it), sorted by payee, period and kind, then a `control_total`
/// row with their count and sum.
pub fn payment_csv(run: &PayrollRunRecord, lines: &[PayrollLineRecord]) -> PaymentFile {
    let mut rows: Vec<&PayrollLineRecord> = lines.iter().filter(|l| l.line.amount_won != 0).collect();
    rows.sort_by(|a, b| {
        (
            a.line.person_id,
            a.line.enrolment_id,
            a.line.period_index,
            &a.line.kind,
            a.id,
        )
            .cmp(&(
                b.line.person_id,
                b.line.enrolment_id,
                b.line.period_index,
                &b.line.kind,
                b.id,
            ))
    });
    let mut csv = String::with_capacity(64 * (rows.len() + 2));
    csv.push_str(PAYMENT_HEADER);
    csv.push('\n');
    let mut total = 0_i64;
    for l in &rows {
        let line = &l.line;
        total += line.amount_won;
        let _ = writeln!(
            csv,
            "payment,{},{},{},{},{},{},{},{},",
            payee_reference(line.person_id),
            line.enrolment_id,
            line.period_index,
            line.period_start,
            line.period_end,
            line.kind,
            line.amount_won,
            run.month
        );
    }
    let count = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    let _ = writeln!(csv, "control_total,,,,,,,{total},{},{count}", run.month);
    PaymentFile {
        file_name: format!("aiup-payroll-{}-run-{}.csv", run.month, run.id),
        run: run.clone(),
        csv,
        count,
        total_won: total,
    }
}

/// Totals as CSV: `grouping,key,lines,amount_won`, then a `total` row.
pub fn totals_csv(groups: &[(TotalsBy, Vec<PayrollTotal>)]) -> String {
    let mut csv = String::from("grouping,key,lines,amount_won\n");
    for (by, totals) in groups {
        let (mut lines, mut amount) = (0, 0);
        for t in totals {
            let _ = writeln!(
                csv,
                "{},{},{},{}",
                totals_key(*by),
                csv_cell(&t.key),
                t.lines,
                t.amount_won
            );
            lines += t.lines;
            amount += t.amount_won;
        }
        let _ = writeln!(csv, "{},total,{lines},{amount}", totals_key(*by));
    }
    csv
}

/// A cell quoted when it needs to be.
fn csv_cell(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// The ledger of a month, canonically: one line per ledger line with every column but ids,
/// timestamps and the trace, sorted; then the count and sum. Runs that wrote the same payments
/// print the same bytes.
pub fn ledger_text(month: &str, lines: &[PayrollLineRecord]) -> String {
    let mut rows: Vec<String> = lines
        .iter()
        .map(|l| {
            let x = &l.line;
            format!(
                "{month} enrolment={} person={} period={} {}..{} {} amount={} computed={} base={} special={} \
                 meal={} scheduled={} recognised={} programme={} institution={} tier={} province={}",
                x.enrolment_id,
                x.person_id,
                x.period_index,
                x.period_start,
                x.period_end,
                x.kind,
                x.amount_won,
                x.computed_won,
                x.base_won,
                x.special_won,
                x.meal_deduction_won,
                x.scheduled_days,
                x.recognised_days,
                x.programme,
                x.institution_id,
                x.region_tier,
                x.province
            )
        })
        .collect();
    rows.sort();
    let total: i64 = lines.iter().map(|l| l.line.amount_won).sum();
    let mut out = String::with_capacity(rows.iter().map(|r| r.len() + 1).sum::<usize>() + 64);
    for r in rows {
        out.push_str(&r);
        out.push('\n');
    }
    let _ = writeln!(out, "{month} lines={} total={total}", lines.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use aiup_store::NewPayrollLine;
    use chrono::{NaiveDate, Utc};

    fn run() -> PayrollRunRecord {
        PayrollRunRecord {
            id: 3,
            month: "2026-04".into(),
            status: "approved".into(),
            policy_sha256: "abc".into(),
            lines: 3,
            total_won: 0,
            created_by: "a".into(),
            created_at: Utc::now(),
            approved_by: Some("b".into()),
            approved_at: None,
            exported_by: None,
            exported_at: None,
            cancelled_by: None,
            cancelled_at: None,
        }
    }

    fn line(id: i64, person: i64, period: i64, kind: &str, amount: i64) -> PayrollLineRecord {
        let day = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        PayrollLineRecord {
            id,
            run_id: 3,
            month: "2026-04".into(),
            line: NewPayrollLine {
                enrolment_id: person * 10,
                person_id: person,
                period_index: period,
                period_start: day,
                period_end: day,
                kind: kind.into(),
                amount_won: amount,
                computed_won: amount,
                base_won: amount,
                special_won: 0,
                meal_deduction_won: 0,
                scheduled_days: 20,
                recognised_days: 20,
                programme: "kdt".into(),
                institution_id: "I1".into(),
                region_tier: "capital".into(),
                province: "11".into(),
                trace: serde_json::Value::Null,
            },
        }
    }

    #[test]
    fn the_control_total_is_the_sum_and_count_of_the_payment_rows() {
        let lines = [
            line(1, 2, 1, "regular", 316_000),
            line(2, 1, 2, "adjustment", -10_000),
            line(3, 1, 1, "regular", 0),
        ];
        let file = payment_csv(&run(), &lines);
        let rows: Vec<&str> = file.csv.lines().collect();
        assert_eq!(rows[0], PAYMENT_HEADER);
        assert_eq!(rows.len(), 4, "{}", file.csv);
        assert!(rows[1].starts_with("payment,AIUP-P0000000001,10,2,"));
        let sum: i64 = rows[1..3]
            .iter()
            .map(|r| r.split(',').nth(7).unwrap().parse::<i64>().unwrap())
            .sum();
        assert_eq!((file.count, file.total_won, sum), (2, 306_000, 306_000));
        assert_eq!(rows[3], "control_total,,,,,,,306000,2026-04,2");
        assert!(!file.csv.contains("resident"));
    }

    #[test]
    fn the_ledger_ignores_ids_and_order() {
        let a = [line(1, 1, 1, "regular", 5), line(2, 2, 1, "regular", 7)];
        let b = [line(9, 2, 1, "regular", 7), line(4, 1, 1, "regular", 5)];
        assert_eq!(ledger_text("2026-04", &a), ledger_text("2026-04", &b));
        assert!(ledger_text("2026-04", &a).ends_with("2026-04 lines=2 total=12\n"));
        assert_ne!(ledger_text("2026-04", &a), ledger_text("2026-04", &a[..1]));
    }
}
