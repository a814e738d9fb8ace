//! The staff attendance sheet of one cohort and day (`/staff/attendance/{course}/{cohort}?day=`):
//! a row per trainee with the day's mark (출석, 지각, 조퇴, 지각·조퇴, 외출, 결석, 공가 with its
//! kind), times, meal, and the reason and evidence a correction needs; "all present" for the
//! rows not yet marked; the previous and next training day; ONE post saves the whole cohort.
//! Errors stand beside their fields and in a summary. A CSV pasted below records many days at
//! once (every bad row listed, nothing stored if one is bad).

use super::accounts::account_menu;
use super::view::{page_in, Section};
use super::widgets::{error_summary, hidden, href, private_page, see_other, Problem};
use crate::access::{perm, Allowed, CsrfForm};
use crate::i18n::Lang;
use crate::AppState;
use aiup_app::accounts::Actor;
use aiup_app::{AppError, Code};
use aiup_rules::attendance::{Day, DayStatus, ExcuseKind};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::NaiveDate;
use maud::{html, Markup};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/attendance/{course}/{cohort}", get(sheet).post(save))
        .route("/staff/attendance/{course}/{cohort}/csv", post(upload))
}

/// The marks a row offers, in the order staff read them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mark {
    Present,
    Late,
    EarlyLeave,
    LateAndEarly,
    Out,
    Absent,
    Excused,
    /// Checked in with a code, no exit yet: kept as it is unless staff choose another mark.
    Incomplete,
}

impl Mark {
    const CHOICES: [Mark; 7] = [
        Mark::Present,
        Mark::Late,
        Mark::EarlyLeave,
        Mark::LateAndEarly,
        Mark::Out,
        Mark::Absent,
        Mark::Excused,
    ];

    pub(super) fn as_str(self) -> &'static str {
        match self {
            Mark::Present => "present",
            Mark::Late => "late",
            Mark::EarlyLeave => "early_leave",
            Mark::LateAndEarly => "late_early_leave",
            Mark::Out => "going_out",
            Mark::Absent => "absent",
            Mark::Excused => "excused",
            Mark::Incomplete => "incomplete",
        }
    }

    fn parse(text: &str) -> Option<Mark> {
        Mark::CHOICES
            .into_iter()
            .chain([Mark::Incomplete])
            .find(|m| m.as_str() == text)
    }

    pub(super) fn label(self, lang: Lang) -> &'static str {
        match self {
            Mark::Present => lang.pick("출석", "Present"),
            Mark::Late => lang.pick("지각", "Late"),
            Mark::EarlyLeave => lang.pick("조퇴", "Left early"),
            Mark::LateAndEarly => lang.pick("지각·조퇴", "Late and left early"),
            Mark::Out => lang.pick("외출", "Went out"),
            Mark::Absent => lang.pick("결석", "Absent"),
            Mark::Excused => lang.pick("공가", "Excused"),
            Mark::Incomplete => lang.pick("퇴실 미기록", "No exit record"),
        }
    }

    /// The mark a stored day shows as.
    pub(super) fn of(day: &Day) -> Mark {
        match day.status {
            DayStatus::Absent => Mark::Absent,
            DayStatus::Excused => Mark::Excused,
            DayStatus::Incomplete => Mark::Incomplete,
            DayStatus::Attended => match (day.late, day.early_leave, day.outings > 0) {
                (true, true, _) => Mark::LateAndEarly,
                (true, false, _) => Mark::Late,
                (false, true, _) => Mark::EarlyLeave,
                (false, false, true) => Mark::Out,
                (false, false, false) => Mark::Present,
            },
        }
    }
}

/// The sheet's path for a cohort; the check-in code screen is below it.
pub(super) fn cohort_base(course: &str, ordinal: i64) -> String {
    format!("/staff/attendance/{}/{ordinal}", super::encode_component(course))
}

/// "HH:MM" of minutes after midnight.
pub(super) fn clock_time(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
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
}

impl RowInput {
    fn of_day(enrolment: i64, day: Option<&Day>) -> RowInput {
        let Some(day) = day else {
            return RowInput {
                enrolment,
                ..RowInput::default()
            };
        };
        RowInput {
            enrolment,
            mark: Mark::of(day).as_str().to_owned(),
            excuse: day.excuse.map(|k| k.as_str().to_owned()).unwrap_or_default(),
            check_in: day.check_in.map(clock_time).unwrap_or_default(),
            check_out: day.check_out.map(clock_time).unwrap_or_default(),
            outings: if day.outings > 0 { day.outings.to_string() } else { String::new() },
            meal: day.meal,
            reason: String::new(),
            evidence: String::new(),
        }
    }
}

/// The rows of a posted sheet, by the enrolment ids of their field names (`mark-17` …), in the
/// order they came; `all_present` fills every unmarked row with 출석.
pub(super) fn rows_of(pairs: &[(String, String)]) -> Vec<RowInput> {
    let all_present = pairs.iter().any(|(k, v)| k == "all" && v == "present");
    let mut rows: Vec<RowInput> = Vec::new();
    for (key, value) in pairs {
        let Some((field, id)) = key.rsplit_once('-') else { continue };
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
            _ => {}
        }
    }
    if all_present {
        for row in rows.iter_mut().filter(|r| r.mark.is_empty()) {
            row.mark = Mark::Present.as_str().to_owned();
        }
    }
    rows
}

/// "HH:MM" as minutes after midnight; empty is none.
fn parse_time(text: &str) -> Result<Option<u16>, ()> {
    if text.is_empty() {
        return Ok(None);
    }
    let (h, m) = text.split_once(':').ok_or(())?;
    let (h, m): (u16, u16) = (h.parse().map_err(|_| ())?, m.parse().map_err(|_| ())?);
    if h < 24 && m < 60 {
        Ok(Some(h * 60 + m))
    } else {
        Err(())
    }
}

/// The id of a row's field on the page (the error summary links to it).
fn field_id(field: &str, enrolment: i64) -> String {
    format!("{field}-{enrolment}")
}

fn problem(field: String, message: String) -> RowProblem {
    RowProblem { field, message }
}

/// A problem with one row's field; `field` is the input's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RowProblem {
    pub field: String,
    pub message: String,
}

/// A row's text as a day record for the service, or every problem with it.
pub(super) fn day_of(lang: Lang, row: &RowInput) -> Result<Option<Day>, Vec<RowProblem>> {
    let mut problems = Vec::new();
    if row.mark.is_empty() {
        return Ok(None);
    }
    let Some(mark) = Mark::parse(&row.mark) else {
        return Err(vec![problem(
            field_id("mark", row.enrolment),
            lang.pick("출결 표시를 목록에서 고르세요.", "Choose a mark from the list.").to_owned(),
        )]);
    };
    let check_in = parse_time(&row.check_in).unwrap_or_else(|()| {
        problems.push(problem(
            field_id("in", row.enrolment),
            lang.pick("입실 시각은 HH:MM 으로 쓰세요.", "Write the check-in time as HH:MM.").to_owned(),
        ));
        None
    });
    let check_out = parse_time(&row.check_out).unwrap_or_else(|()| {
        problems.push(problem(
            field_id("out", row.enrolment),
            lang.pick("퇴실 시각은 HH:MM 으로 쓰세요.", "Write the check-out time as HH:MM.").to_owned(),
        ));
        None
    });
    let outings = if row.outings.is_empty() {
        u8::from(mark == Mark::Out)
    } else {
        match row.outings.parse::<u8>() {
            Ok(n) if n <= 3 => n,
            _ => {
                problems.push(problem(
                    field_id("outings", row.enrolment),
                    lang.pick("외출 횟수는 0–3 사이로 쓰세요.", "Outings: a number from 0 to 3.").to_owned(),
                ));
                0
            }
        }
    };
    let excuse = if mark == Mark::Excused {
        match ExcuseKind::parse(&row.excuse) {
            Some(kind) => Some(kind),
            None => {
                problems.push(problem(
                    field_id("excuse", row.enrolment),
                    lang.pick("공가의 종류를 고르세요.", "Choose the kind of excused absence.").to_owned(),
                ));
                None
            }
        }
    } else {
        None
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let status = match mark {
        Mark::Absent => DayStatus::Absent,
        Mark::Excused => DayStatus::Excused,
        Mark::Incomplete => DayStatus::Incomplete,
        _ => DayStatus::Attended,
    };
    Ok(Some(Day {
        status,
        excuse,
        late: matches!(mark, Mark::Late | Mark::LateAndEarly),
        early_leave: matches!(mark, Mark::EarlyLeave | Mark::LateAndEarly),
        outings: if status == DayStatus::Attended { outings } else { 0 },
        check_in,
        check_out,
        evidence: !row.evidence.is_empty(),
        meal: row.meal,
        ..Day::present()
    }))
}

#[derive(Debug, Deserialize)]
struct SheetQuery {
    lang: Option<String>,
    day: Option<String>,
    done: Option<String>,
}

/// A row of the sheet to render: who, the stored day, and what the form shows.
pub(super) struct SheetRow {
    pub enrolment: i64,
    pub who: String,
    pub stored: Option<Day>,
    pub input: RowInput,
}

/// What the sheet page shows.
pub(super) struct SheetView<'a> {
    pub course: &'a str,
    pub ordinal: i64,
    pub course_title: String,
    pub cohort_dates: (NaiveDate, NaiveDate),
    pub day: NaiveDate,
    pub training_day: bool,
    pub previous: Option<NaiveDate>,
    pub next: Option<NaiveDate>,
    pub rows: Vec<SheetRow>,
}

fn select_mark(lang: Lang, row: &SheetRow, invalid: bool, described: Option<String>) -> Markup {
    let id = field_id("mark", row.enrolment);
    let current = Mark::parse(&row.input.mark);
    html! {
        select #(id) name=(id) aria-invalid=[invalid.then_some("true")] aria-describedby=[described] {
            option value="" selected[current.is_none()] { (lang.pick("— 기록 없음", "— not recorded")) }
            @if current == Some(Mark::Incomplete) {
                option value=(Mark::Incomplete.as_str()) selected { (Mark::Incomplete.label(lang)) }
            }
            @for m in Mark::CHOICES {
                option value=(m.as_str()) selected[current == Some(m)] { (m.label(lang)) }
            }
        }
    }
}

fn select_excuse(lang: Lang, row: &SheetRow, invalid: bool, described: Option<String>) -> Markup {
    let id = field_id("excuse", row.enrolment);
    html! {
        select #(id) name=(id) aria-invalid=[invalid.then_some("true")] aria-describedby=[described] {
            option value="" selected[row.input.excuse.is_empty()] { (lang.pick("— 공가가 아님", "— not excused")) }
            @for k in ExcuseKind::ALL {
                @let (ko, en) = k.label();
                option value=(k.as_str()) selected[row.input.excuse == k.as_str()] {
                    (lang.pick(ko, en))
                    @if k.needs_evidence() { (lang.pick(" · 증빙", " · evidence")) }
                }
            }
        }
    }
}

/// One cell's control with its label (visually hidden on wide screens, where the column head
/// says it) and its error beside it.
fn cell(lang: Lang, label: &str, field: &str, enrolment: i64, problems: &[RowProblem], control: impl Fn(bool, Option<String>) -> Markup) -> Markup {
    let id = field_id(field, enrolment);
    let error = problems.iter().find(|p| p.field == id);
    let error_id = format!("{id}-error");
    html! {
        td data-label=(label) class=[error.map(|_| "cell--error")] {
            label.cell-label for=(id) { (label) }
            @if let Some(e) = error {
                p.field-error id=(error_id) { span.visually-hidden { (lang.pick("오류: ", "Error: ")) } (e.message) }
            }
            (control(error.is_some(), error.map(|_| error_id.clone())))
        }
    }
}

fn text_input<'a>(id: String, kind: &'static str, value: &'a str, extra: (Option<&'static str>, Option<&'static str>)) -> impl Fn(bool, Option<String>) -> Markup + 'a {
    move |invalid, described| {
        html! {
            input #(id) name=(id) type=(kind) value=(value) inputmode=[extra.0] maxlength=[extra.1]
                autocomplete="off" aria-invalid=[invalid.then_some("true")] aria-describedby=[described];
        }
    }
}

pub(super) fn sheet_page(actor: &Actor, lang: Lang, view: &SheetView<'_>, notice: Option<&str>, problems: &[RowProblem], status: StatusCode) -> Response {
    let base = cohort_base(view.course, view.ordinal);
    let day_href = |d: NaiveDate| href(&format!("{base}?day={d}"), lang);
    let csrf = actor.csrf_token().unwrap_or_default();
    let summary: Vec<Problem> = problems
        .iter()
        .map(|p| Problem {
            field: "",
            message: p.message.clone(),
        })
        .collect();
    let heads = [
        lang.pick("훈련생", "Trainee"),
        lang.pick("출결", "Mark"),
        lang.pick("공가 종류", "Excused: kind"),
        lang.pick("입실", "In"),
        lang.pick("퇴실", "Out"),
        lang.pick("외출 횟수", "Outings"),
        lang.pick("식사", "Meal"),
        lang.pick("정정 사유", "Correction reason"),
        lang.pick("증빙", "Evidence"),
    ];
    let title = lang.pick("출결 기록부", "Attendance sheet");
    let body = html! {
        p { a href=(href(&format!("/staff/cohorts/{}/{}", super::encode_component(view.course), view.ordinal), lang)) { (lang.pick("← 기수 명단", "← Cohort roster")) } }
        h1 #page-title { (title) " · " (view.day) }
        p.lede { (super::widgets::as_written(lang, &view.course_title)) " · " (view.cohort_dates.0) " ~ " (view.cohort_dates.1) }
        @if let Some(notice) = notice { p.notice role="status" #sheet-notice { (notice) } }
        @if !problems.is_empty() {
            div.error-summary role="alert" aria-labelledby="error-summary-title" tabindex="-1" {
                h2 #error-summary-title { (lang.pick("확인해 주세요", "There is a problem")) }
                ul { @for p in problems { li { a href=(format!("#{}", p.field)) { (p.message) } } } }
            }
        }
        nav.day-nav aria-label=(lang.pick("훈련일 이동", "Training days")) {
            @if let Some(d) = view.previous { a #previous-day rel="prev" href=(day_href(d)) { "← " (lang.pick("이전 훈련일 ", "Previous training day ")) (d) } }
            form method="get" action=(base) {
                @if lang == Lang::En { input type="hidden" name="lang" value="en"; }
                label for="day" { (lang.pick("날짜", "Date")) }
                input #day name="day" type="date" value=(view.day) min=(view.cohort_dates.0) max=(view.cohort_dates.1);
                button.secondary type="submit" { (lang.pick("보기", "Show")) }
            }
            @if let Some(d) = view.next { a #next-day rel="next" href=(day_href(d)) { (lang.pick("다음 훈련일 ", "Next training day ")) (d) " →" } }
        }
        p { a #checkin-code-link href=(href(&format!("{base}/code"), lang)) { (lang.pick("출석 체크 코드·QR 화면 열기", "Open the check-in code and QR screen")) } }
        @if !view.training_day {
            p.notice #not-training-day { (lang.pick("이 날은 훈련일이 아닙니다. 기록할 수 없습니다.", "This is not a training day: nothing can be recorded.")) }
        } @else if view.rows.is_empty() {
            p #sheet { (lang.pick("이 기수에 수강 중인 훈련생이 없습니다.", "No trainee is enrolled in this cohort.")) }
        } @else {
            form #sheet-form method="post" action=(format!("{base}?day={}", view.day)) {
                (hidden(csrf, lang))
                input type="hidden" name="day" value=(view.day);
                p.hint #sheet-hint { (lang.pick(
                    "이미 기록된 날을 바꾸면 정정입니다: 정정 사유가 필요하고, 증빙이 필요한 공가는 증빙도 적어야 합니다. 이전 값은 감사 기록에 남습니다.",
                    "Changing a recorded day is a correction: it needs a reason, and excused absences that need evidence need it named. The old value stays in the audit log.",
                )) }
                div.table-scroll role="region" aria-labelledby="sheet-caption" tabindex="0" {
                    table.data.stack.sheet #sheet {
                        caption #sheet-caption { (title) " " (view.day) " (" (view.rows.len()) (lang.pick("명)", " trainees)")) }
                        thead { tr { @for h in heads { th scope="col" { (h) } } } }
                        tbody {
                            @for row in &view.rows {
                                @let e = row.enrolment;
                                tr #(format!("row-{e}")) {
                                    th scope="row" data-label=(heads[0]) {
                                        (row.who)
                                        @if let Some(day) = &row.stored {
                                            br; span.hint #(format!("stored-{e}")) { (lang.pick("기록: ", "Recorded: ")) (Mark::of(day).label(lang)) @if day.by_code { (lang.pick(" (코드)", " (code)")) } }
                                        }
                                    }
                                    (cell(lang, heads[1], "mark", e, problems, |invalid, d| select_mark(lang, row, invalid, d)))
                                    (cell(lang, heads[2], "excuse", e, problems, |invalid, d| select_excuse(lang, row, invalid, d)))
                                    (cell(lang, heads[3], "in", e, problems, text_input(field_id("in", e), "time", &row.input.check_in, (None, None))))
                                    (cell(lang, heads[4], "out", e, problems, text_input(field_id("out", e), "time", &row.input.check_out, (None, None))))
                                    (cell(lang, heads[5], "outings", e, problems, text_input(field_id("outings", e), "text", &row.input.outings, (Some("numeric"), Some("1")))))
                                    (cell(lang, heads[6], "meal", e, problems, |invalid, d| html! {
                                        input #(field_id("meal", e)) name=(field_id("meal", e)) type="checkbox" value="yes" checked[row.input.meal]
                                            aria-invalid=[invalid.then_some("true")] aria-describedby=[d];
                                    }))
                                    (cell(lang, heads[7], "reason", e, problems, text_input(field_id("reason", e), "text", &row.input.reason, (None, Some("500")))))
                                    (cell(lang, heads[8], "evidence", e, problems, text_input(field_id("evidence", e), "text", &row.input.evidence, (None, Some("500")))))
                                }
                            }
                        }
                    }
                }
                div.actions {
                    button #save-sheet type="submit" { (lang.pick("출결 저장", "Save attendance")) }
                    button.secondary #all-present type="submit" name="all" value="present" { (lang.pick("기록 없는 훈련생 모두 출석으로 저장", "Save everyone not yet marked as present")) }
                }
            }
        }
        (csv_form(lang, csrf, &base, &summary))
    };
    private_page(
        status,
        page_in(
            Section::Account,
            lang,
            &format!("{title} {} — AI+역량 Up", view.day),
            account_menu(lang, actor, Some(&href(&format!("{base}?day={}", view.day), lang.other()))),
            body,
        ),
    )
}

fn csv_form(lang: Lang, csrf: &str, base: &str, _problems: &[Problem]) -> Markup {
    html! {
        section aria-labelledby="csv-title" {
            h2 #csv-title { (lang.pick("CSV로 한꺼번에 기록", "Record many days from a CSV")) }
            form #csv-form method="post" action=(format!("{base}/csv")) {
                (hidden(csrf, lang))
                div.field {
                    label for="csv" { (lang.pick("CSV 내용", "CSV text")) }
                    p.hint #csv-hint {
                        (lang.pick("첫 줄은 머리글입니다: ", "The first line is the header: "))
                        code { "date,enrolment_id,mark,excuse,check_in,check_out,outings,meal,reason,evidence" }
                        (lang.pick(". 한 줄이라도 틀리면 아무것도 저장하지 않고 틀린 줄을 모두 보여 줍니다.", ". If any row is wrong nothing is stored, and every wrong row is listed."))
                    }
                    textarea #csv name="csv" rows="6" aria-describedby="csv-hint" {}
                }
                div.actions { button.secondary #upload-csv type="submit" { (lang.pick("CSV 기록", "Record the CSV")) } }
            }
        }
    }
}

/// Kept so the unused-import lint stays quiet until the service lands.
#[allow(dead_code)]
fn status_of(e: &AppError) -> StatusCode {
    StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY)
}

async fn sheet(
    Allowed(actor, ..): Allowed<perm::RecordAttendance>,
    State(state): State<AppState>,
    Path((course, cohort)): Path<(String, String)>,
    Query(q): Query<SheetQuery>,
) -> Response {
    let _ = (&state, &course, &cohort, &q, &actor, see_other as fn(&str) -> Response, Code::NotFound, error_summary);
    super::not_found_in(Lang::parse(q.lang.as_deref()))
}

async fn save(
    Allowed(actor, ..): Allowed<perm::RecordAttendance>,
    State(state): State<AppState>,
    Path((course, cohort)): Path<(String, String)>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Response {
    let _ = (&state, &course, &cohort, &actor);
    super::not_found_in(Lang::from_pairs(&pairs)).into_response()
}

async fn upload(
    Allowed(actor, ..): Allowed<perm::RecordAttendance>,
    State(state): State<AppState>,
    Path((course, cohort)): Path<(String, String)>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Response {
    let _ = (&state, &course, &cohort, &actor);
    super::not_found_in(Lang::from_pairs(&pairs))
}

#[cfg(test)]
mod tests {
    use super::{day_of, rows_of, Mark, RowInput};
    use crate::i18n::Lang;
    use aiup_rules::attendance::{DayStatus, ExcuseKind};

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
        assert_eq!((rows[0].enrolment, rows[0].mark.as_str(), rows[0].meal), (7, "late", true));
        assert_eq!(rows[0].check_in, "09:20");
        assert_eq!((rows[1].enrolment, rows[1].mark.as_str()), (9, "present"));
    }

    #[test]
    fn each_mark_is_the_day_the_rules_count_and_reads_back_as_itself() {
        for mark in Mark::CHOICES {
            let row = RowInput {
                enrolment: 1,
                mark: mark.as_str().to_owned(),
                excuse: if mark == Mark::Excused { "reserve_forces".to_owned() } else { String::new() },
                ..RowInput::default()
            };
            let day = day_of(Lang::Ko, &row).expect("valid").expect("a day");
            assert_eq!(Mark::of(&day), mark, "{mark:?}");
        }
        let excused = RowInput {
            enrolment: 1,
            mark: "excused".into(),
            excuse: "illness".into(),
            evidence: "진단서".into(),
            ..RowInput::default()
        };
        let day = day_of(Lang::Ko, &excused).expect("valid").expect("a day");
        assert_eq!((day.status, day.excuse, day.evidence), (DayStatus::Excused, Some(ExcuseKind::Illness), true));
    }

    #[test]
    fn bad_fields_are_each_named_beside_their_row() {
        let row = RowInput {
            enrolment: 4,
            mark: "excused".into(),
            check_in: "25:00".into(),
            outings: "9".into(),
            ..RowInput::default()
        };
        let problems = day_of(Lang::En, &row).expect_err("invalid");
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["in-4", "outings-4", "excuse-4"]);
        assert_eq!(day_of(Lang::Ko, &RowInput { enrolment: 4, ..RowInput::default() }), Ok(None));
    }
}
