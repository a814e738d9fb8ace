//! The staff attendance sheet of one cohort and day (`/staff/attendance/{course}/{cohort}?day=`):
//! a row per trainee with the day's mark (출석, 지각, 조퇴, 지각·조퇴, 외출, 결석, 공가 with its
//! kind), times, meal, and the reason and evidence a correction needs; "all present" for the
//! rows not yet marked; the previous and next training day; ONE post saves the whole cohort
//! (`App::record_attendance`). Errors stand beside their fields and in a summary. A CSV pasted
//! below records many days at once (`App::import_attendance_csv`: every bad row listed,
//! nothing stored if one is bad). The page is rendered by `attendance_view`.

use super::attendance_view::{sheet_page, CsvState, SheetInputs};
use crate::access::{perm, Allowed, CsrfForm};
use crate::i18n::Lang;
use crate::AppState;
use aiup_app::accounts::Actor;
use aiup_app::attendance::{format_minute, parse_excuse, parse_minute, AttendanceEntry, AttendanceSheet, Mark};
use aiup_app::{AppError, Code};
use aiup_rules::attendance::Day;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::NaiveDate;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/attendance/{course}/{cohort}", get(sheet).post(save))
        .route("/staff/attendance/{course}/{cohort}/csv", post(upload))
}

/// The sheet's path for a cohort; the check-in code screen is below it.
pub(super) fn cohort_base(course: &str, ordinal: i64) -> String {
    format!("/staff/attendance/{}/{ordinal}", super::encode_component(course))
}

/// A stored day's mark in the reader's language; a day checked in without an exit says so.
pub(super) fn mark_label(lang: Lang, day: &Day) -> &'static str {
    match Mark::of_day(day) {
        Some(mark) => {
            let (ko, en) = mark.label();
            lang.pick(ko, en)
        }
        None => lang.pick("퇴실 미기록", "No exit record"),
    }
}

/// One row as posted (every field still text), or as the stored day shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct RowInput {
    pub enrolment: i64,
    pub mark: String,
    pub excuse: String,
    pub check_in: String,
    pub check_out: String,
    pub outings: String,
    pub meal: bool,
    pub reason: String,
    pub evidence: String,
    /// What the row showed when the page was made ([`RowInput::signature`]): a row posted back
    /// unchanged is not sent, so a day checked in with a code is never "corrected" by a save.
    pub was: String,
}

impl RowInput {
    /// The row as the stored day shows it (an incomplete day shows no mark: staff choose one).
    pub(super) fn of_day(enrolment: i64, day: Option<&Day>) -> RowInput {
        let Some(day) = day else {
            return RowInput {
                enrolment,
                ..RowInput::default()
            };
        };
        let mut row = RowInput {
            enrolment,
            mark: Mark::of_day(day).map(|m| m.as_str().to_owned()).unwrap_or_default(),
            excuse: day.excuse.map(|k| k.as_str().to_owned()).unwrap_or_default(),
            check_in: day.check_in.map(format_minute).unwrap_or_default(),
            check_out: day.check_out.map(format_minute).unwrap_or_default(),
            outings: if day.outings > 0 {
                day.outings.to_string()
            } else {
                String::new()
            },
            meal: day.meal,
            ..RowInput::default()
        };
        row.was = row.signature();
        row
    }

    /// The values a save would send, as one string.
    pub(super) fn signature(&self) -> String {
        format!(
            "{}|{}|{}|{}|{}|{}",
            self.mark, self.excuse, self.check_in, self.check_out, self.outings, self.meal
        )
    }
}

/// The rows of a posted sheet, by the enrolment ids of their field names (`mark-17` …), in the
/// order they came; `all=present` fills every unmarked row with 출석.
pub(super) fn rows_of(pairs: &[(String, String)]) -> Vec<RowInput> {
    let all_present = pairs.iter().any(|(k, v)| k == "all" && v == "present");
    let mut rows: Vec<RowInput> = Vec::new();
    for (key, value) in pairs {
        let Some((field, id)) = key.rsplit_once('-') else {
            continue;
        };
        let Ok(enrolment) = id.parse::<i64>() else { continue };
        let index = match rows.iter().position(|r| r.enrolment == enrolment) {
            Some(i) => i,
            None => {
                rows.push(RowInput {
                    enrolment,
                    ..RowInput::default()
                });
                rows.len() - 1
            }
        };
        let row = &mut rows[index];
        let value = value.trim().to_owned();
        match field {
            "mark" => row.mark = value,
            "excuse" => row.excuse = value,
            "in" => row.check_in = value,
            "out" => row.check_out = value,
            "outings" => row.outings = value,
            "meal" => row.meal = value == "yes",
            "reason" => row.reason = value,
            "evidence" => row.evidence = value,
            "was" => row.was = value,
            _ => {}
        }
    }
    if all_present {
        for row in rows.iter_mut().filter(|r| r.mark.is_empty() && r.was.is_empty()) {
            row.mark = Mark::Present.as_str().to_owned();
        }
    }
    rows
}

/// The id of a row's field on the page (the error summary links to it).
pub(super) fn field_id(field: &str, enrolment: i64) -> String {
    format!("{field}-{enrolment}")
}

/// A problem shown beside one field; `field` is the input's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FieldProblem {
    pub field: String,
    pub message: String,
}

fn problem(field: String, lang: Lang, ko: &str, en: &str) -> FieldProblem {
    FieldProblem {
        field,
        message: lang.pick(ko, en).to_owned(),
    }
}

/// A row's text as the service's entry: `Ok(None)` for a row to leave alone (no mark, or
/// posted back as it was), else the entry or every problem with its text.
pub(super) fn entry_of(lang: Lang, row: &RowInput) -> Result<Option<AttendanceEntry>, Vec<FieldProblem>> {
    if row.mark.is_empty() || (!row.was.is_empty() && row.was == row.signature()) {
        return Ok(None);
    }
    let e = row.enrolment;
    let mut problems = Vec::new();
    let mark = Mark::parse(&row.mark);
    if mark.is_none() {
        problems.push(problem(
            field_id("mark", e),
            lang,
            "출결 표시를 목록에서 고르세요.",
            "Choose a mark from the list.",
        ));
    }
    let mut time = |text: &str, field: &str, ko: &str, en: &str| {
        if text.is_empty() {
            return None;
        }
        let minute = parse_minute(text);
        if minute.is_none() {
            problems.push(problem(field_id(field, e), lang, ko, en));
        }
        minute
    };
    let check_in = time(
        &row.check_in,
        "in",
        "입실 시각은 HH:MM 으로 쓰세요.",
        "Write the check-in time as HH:MM.",
    );
    let check_out = time(
        &row.check_out,
        "out",
        "퇴실 시각은 HH:MM 으로 쓰세요.",
        "Write the check-out time as HH:MM.",
    );
    let outings = if row.outings.is_empty() {
        0
    } else {
        row.outings.parse::<u8>().unwrap_or_else(|_| {
            problems.push(problem(
                field_id("outings", e),
                lang,
                "외출 횟수는 숫자로 쓰세요 (0–3).",
                "Outings: a number (0 to 3).",
            ));
            0
        })
    };
    let excuse = if row.excuse.is_empty() {
        None
    } else {
        let kind = parse_excuse(&row.excuse);
        if kind.is_none() {
            problems.push(problem(
                field_id("excuse", e),
                lang,
                "공가 종류를 목록에서 고르세요.",
                "Choose the kind from the list.",
            ));
        }
        kind
    };
    let Some(mark) = mark else { return Err(problems) };
    if !problems.is_empty() {
        return Err(problems);
    }
    let text = |t: &str| (!t.is_empty()).then(|| t.to_owned());
    Ok(Some(AttendanceEntry {
        excuse,
        outings,
        check_in,
        check_out,
        meal: row.meal,
        reason: text(&row.reason),
        evidence: text(&row.evidence),
        ..AttendanceEntry::new(e, mark)
    }))
}

/// Where the service's error belongs: `entries[i].field` is row `i`'s field; `day` is the date.
pub(super) fn placed(lang: Lang, e: &AppError, entries: &[AttendanceEntry]) -> FieldProblem {
    let message = e.message_in(lang == Lang::Ko).to_owned();
    let field = e.field.as_deref().unwrap_or_default();
    let in_row = field
        .strip_prefix("entries[")
        .and_then(|rest| rest.split_once("]."))
        .and_then(|(i, f)| Some((entries.get(i.parse::<usize>().ok()?)?.enrolment_id, f)));
    let field = match in_row {
        Some((enrolment, f)) => {
            let id = match f {
                "check_in" => "in",
                "check_out" => "out",
                "excuse" | "outings" | "reason" | "evidence" | "mark" => f,
                _ => "mark",
            };
            field_id(id, enrolment)
        }
        None => "day".to_owned(),
    };
    FieldProblem { field, message }
}

#[derive(Debug, Deserialize)]
struct SheetQuery {
    lang: Option<String>,
    day: Option<String>,
    done: Option<String>,
    recorded: Option<usize>,
    corrected: Option<usize>,
}

/// The day a sheet opens on: the asked one, else today moved into the cohort's dates and back to
/// its last training day.
fn opening_day(sheet_first: NaiveDate, sheet_last: NaiveDate, today: NaiveDate, asked: Option<NaiveDate>) -> NaiveDate {
    asked.unwrap_or_else(|| today.clamp(sheet_first, sheet_last.max(sheet_first)))
}

/// The training days before and after `day`, within the cohort.
pub(super) fn neighbours(sheet: &AttendanceSheet) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let s = &sheet.schedule;
    let before = sheet
        .day
        .pred_opt()
        .and_then(|d| s.training_days(s.first_day, d).last().copied());
    let after = sheet
        .day
        .succ_opt()
        .and_then(|d| s.training_days(d, s.last_day).first().copied());
    (before, after)
}

fn parse_day(text: Option<&str>) -> Result<Option<NaiveDate>, ()> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => NaiveDate::parse_from_str(t, "%Y-%m-%d").map(Some).map_err(|_| ()),
    }
}

fn status_of(e: &AppError) -> StatusCode {
    StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY)
}

/// Reads the sheet and renders it with what was posted, or answers the error.
#[allow(clippy::too_many_arguments)]
async fn show(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    course: &str,
    ordinal: i64,
    day: Option<NaiveDate>,
    inputs: SheetInputs,
    status: StatusCode,
) -> Response {
    // The cohort's dates are needed to choose the day; the sheet of the asked day (or of
    // today's, moved into the cohort) is then read.
    let first = match state
        .app
        .attendance_sheet(actor, course, ordinal, day.unwrap_or(state.today()))
        .await
    {
        Ok(sheet) => sheet,
        Err(e) if e.code == Code::NotFound => return super::not_found_in(lang),
        Err(e) => return crate::error::ApiError(e).into_response(),
    };
    let opening = opening_day(first.schedule.first_day, first.schedule.last_day, state.today(), day);
    let sheet = if opening == first.day {
        first
    } else {
        match state.app.attendance_sheet(actor, course, ordinal, opening).await {
            Ok(sheet) => sheet,
            Err(e) => return crate::error::ApiError(e).into_response(),
        }
    };
    sheet_page(actor, lang, course, &sheet, &inputs, status)
}

fn ordinal_of(cohort: &str) -> Option<i64> {
    cohort.parse::<i64>().ok().filter(|n| *n >= 0)
}

async fn sheet(
    Allowed(actor, ..): Allowed<perm::RecordAttendance>,
    State(state): State<AppState>,
    Path((course, cohort)): Path<(String, String)>,
    Query(q): Query<SheetQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let Some(ordinal) = ordinal_of(&cohort) else {
        return super::not_found_in(lang);
    };
    let mut inputs = SheetInputs::default();
    let day = match parse_day(q.day.as_deref()) {
        Ok(day) => day,
        Err(()) => {
            inputs.problems.push(problem(
                "day".to_owned(),
                lang,
                "날짜는 YYYY-MM-DD 로 쓰세요.",
                "Write the date as YYYY-MM-DD.",
            ));
            None
        }
    };
    if q.done.as_deref() == Some("saved") {
        let (recorded, corrected) = (q.recorded.unwrap_or(0), q.corrected.unwrap_or(0));
        inputs.notice = Some(match lang {
            Lang::Ko => format!("저장했습니다: 새 기록 {recorded}건, 정정 {corrected}건."),
            Lang::En => format!("Saved: {recorded} new, {corrected} corrected."),
        });
    }
    let status = if inputs.problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    show(&state, &actor, lang, &course, ordinal, day, inputs, status).await
}

fn saved(lang: Lang, course: &str, ordinal: i64, day: NaiveDate, recorded: usize, corrected: usize) -> Response {
    super::widgets::see_other(&super::widgets::href(
        &format!(
            "{}?day={day}&done=saved&recorded={recorded}&corrected={corrected}",
            cohort_base(course, ordinal)
        ),
        lang,
    ))
}

async fn save(
    Allowed(actor, ..): Allowed<perm::RecordAttendance>,
    State(state): State<AppState>,
    Path((course, cohort)): Path<(String, String)>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Response {
    let lang = Lang::from_pairs(&pairs);
    let Some(ordinal) = ordinal_of(&cohort) else {
        return super::not_found_in(lang);
    };
    let day_text = pairs.iter().find(|(k, _)| k == "day").map(|(_, v)| v.as_str());
    let Ok(Some(day)) = parse_day(day_text) else {
        let inputs = SheetInputs {
            problems: vec![problem(
                "day".to_owned(),
                lang,
                "날짜를 고르세요 (YYYY-MM-DD).",
                "Choose a date (YYYY-MM-DD).",
            )],
            ..SheetInputs::default()
        };
        return show(
            &state,
            &actor,
            lang,
            &course,
            ordinal,
            None,
            inputs,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let rows = rows_of(&pairs);
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    for row in &rows {
        match entry_of(lang, row) {
            Ok(Some(entry)) => entries.push(entry),
            Ok(None) => {}
            Err(found) => problems.extend(found),
        }
    }
    let mut inputs = SheetInputs {
        rows,
        problems,
        ..SheetInputs::default()
    };
    if !inputs.problems.is_empty() {
        return show(
            &state,
            &actor,
            lang,
            &course,
            ordinal,
            Some(day),
            inputs,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    if entries.is_empty() {
        return saved(lang, &course, ordinal, day, 0, 0);
    }
    match state
        .app
        .record_attendance(&actor, &course, ordinal, day, &entries)
        .await
    {
        Ok(done) => saved(lang, &course, ordinal, day, done.recorded, done.corrected),
        Err(e) if e.code == Code::NotFound && e.field.is_none() => super::not_found_in(lang),
        Err(e) => {
            inputs.problems.push(placed(lang, &e, &entries));
            show(&state, &actor, lang, &course, ordinal, Some(day), inputs, status_of(&e)).await
        }
    }
}

#[derive(Debug, Deserialize)]
struct CsvForm {
    #[serde(default)]
    csv: String,
    day: Option<String>,
    lang: Option<String>,
}

async fn upload(
    Allowed(actor, ..): Allowed<perm::RecordAttendance>,
    State(state): State<AppState>,
    Path((course, cohort)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<CsvForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    let Some(ordinal) = ordinal_of(&cohort) else {
        return super::not_found_in(lang);
    };
    let day = parse_day(form.day.as_deref()).ok().flatten();
    match state
        .app
        .import_attendance_csv(&actor, &course, ordinal, form.csv.as_bytes())
        .await
    {
        Ok(done) => saved(
            lang,
            &course,
            ordinal,
            day.unwrap_or(state.today()),
            done.recorded,
            done.corrected,
        ),
        Err(e) if e.error.code == Code::NotFound && e.rows.is_empty() => super::not_found_in(lang),
        Err(e) => {
            let status = status_of(&e.error);
            let inputs = SheetInputs {
                csv: Some(CsvState {
                    text: form.csv,
                    error: e.error,
                    rows: e.rows,
                }),
                ..SheetInputs::default()
            };
            show(&state, &actor, lang, &course, ordinal, day, inputs, status).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{entry_of, placed, rows_of, RowInput};
    use crate::i18n::Lang;
    use aiup_app::attendance::{AttendanceEntry, Mark};
    use aiup_app::{AppError, Code};
    use aiup_rules::attendance::{Day, ExcuseKind};

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn a_posted_sheet_becomes_one_row_per_enrolment_and_all_present_fills_only_the_unmarked() {
        let rows = rows_of(&pairs(&[
            ("day", "2026-03-02"),
            ("mark-7", "late"),
            ("in-7", "09:20"),
            ("mark-9", ""),
            ("reason-9", " "),
            ("meal-7", "yes"),
            ("all", "present"),
        ]));
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].enrolment, rows[0].mark.as_str(), rows[0].meal),
            (7, "late", true)
        );
        assert_eq!(rows[0].check_in, "09:20");
        assert_eq!((rows[1].enrolment, rows[1].mark.as_str()), (9, "present"));
    }

    #[test]
    fn a_row_posted_back_as_it_was_is_not_sent_and_a_changed_one_is() {
        let mut stored = Day::present();
        stored.check_in = Some(9 * 60);
        stored.by_code = true;
        let row = RowInput::of_day(3, Some(&stored));
        assert_eq!(row.mark, "present");
        assert_eq!(entry_of(Lang::Ko, &row), Ok(None), "unchanged: nothing to correct");
        let changed = RowInput {
            mark: "late".into(),
            reason: "버스 지연 확인".into(),
            ..row
        };
        let entry = entry_of(Lang::Ko, &changed).expect("valid").expect("sent");
        assert_eq!(entry.mark, Mark::Late);
        assert_eq!(entry.check_in, Some(540));
        assert_eq!(entry.reason.as_deref(), Some("버스 지연 확인"));
        let blank = RowInput {
            enrolment: 4,
            ..RowInput::default()
        };
        assert_eq!(entry_of(Lang::Ko, &blank), Ok(None), "no mark: left alone");
    }

    #[test]
    fn bad_fields_are_each_named_beside_their_row() {
        let row = RowInput {
            enrolment: 4,
            mark: "excused".into(),
            excuse: "holiday".into(),
            check_in: "25:00".into(),
            outings: "x".into(),
            ..RowInput::default()
        };
        let problems = entry_of(Lang::En, &row).expect_err("invalid");
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["in-4", "outings-4", "excuse-4"]);
        let excused = RowInput {
            enrolment: 4,
            mark: "excused".into(),
            excuse: "illness".into(),
            ..RowInput::default()
        };
        let entry = entry_of(Lang::En, &excused).expect("valid").expect("sent");
        assert_eq!(entry.excuse, Some(ExcuseKind::Illness));
    }

    #[test]
    fn the_services_error_lands_beside_the_row_and_field_it_names() {
        let entries = [
            AttendanceEntry::new(11, Mark::Present),
            AttendanceEntry::new(12, Mark::Absent),
        ];
        let e = AppError::new(
            Code::CorrectionReasonRequired,
            Some("entries[1].reason"),
            "changing recorded attendance needs a reason",
        );
        assert_eq!(placed(Lang::En, &e, &entries).field, "reason-12");
        let e = AppError::new(Code::InvalidField, Some("entries[0].check_out"), "bad");
        assert_eq!(placed(Lang::En, &e, &entries).field, "out-11");
        let e = AppError::new(Code::FutureDay, Some("day"), "not yet");
        assert_eq!(placed(Lang::En, &e, &entries).field, "day");
    }
}
