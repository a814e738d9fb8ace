//! How the staff attendance sheet looks (`pages/attendance.rs` reads and saves it): one table
//! row per trainee whose cells carry their own labels (shown on phones, where the table becomes
//! blocks), each field's error beside it, the error summary linking to the fields, the day
//! navigation, the link to the check-in code screen, and the CSV form with every bad row.

use super::accounts::account_menu;
use super::attendance::{cohort_base, field_id, mark_label, neighbours, FieldProblem, RowInput};
use super::enrolment::status_badge;
use super::view::{page_in, Section};
use super::widgets::{hidden, href, private_page};
use crate::i18n::Lang;
use aiup_app::accounts::Actor;
use aiup_app::attendance::{AttendanceSheet, BadRow, Mark, SheetRow, CSV_COLUMNS};
use aiup_app::AppError;
use aiup_rules::attendance::ExcuseKind;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use maud::{html, Markup};

/// A refused CSV: what was pasted, the error and every bad row.
#[derive(Debug)]
pub(super) struct CsvState {
    pub text: String,
    pub error: AppError,
    pub rows: Vec<BadRow>,
}

/// What a post brought back to the sheet: the rows as typed, the problems, a notice.
#[derive(Debug, Default)]
pub(super) struct SheetInputs {
    pub rows: Vec<RowInput>,
    pub problems: Vec<FieldProblem>,
    pub notice: Option<String>,
    pub csv: Option<CsvState>,
}

/// One row's values: as posted, else as stored.
fn input_of(inputs: &SheetInputs, row: &SheetRow) -> RowInput {
    let stored = RowInput::of_day(row.enrolment.id(), row.day.as_ref());
    match inputs.rows.iter().find(|r| r.enrolment == row.enrolment.id()) {
        Some(posted) => RowInput {
            was: stored.was,
            ..posted.clone()
        },
        None => stored,
    }
}

/// A control's accessible error wiring: whether it is invalid, and the id of its error.
type Wiring = (bool, Option<String>);

fn select_mark(lang: Lang, id: &str, value: &str, (invalid, described): Wiring) -> Markup {
    let current = Mark::parse(value);
    html! {
        select #(id) name=(id) aria-invalid=[invalid.then_some("true")] aria-describedby=[described] {
            option value="" selected[current.is_none()] { (lang.pick("— 기록하지 않음", "— not recorded")) }
            @for m in Mark::ALL {
                option value=(m.as_str()) selected[current == Some(m)] { (lang.pick(m.label().0, m.label().1)) }
            }
        }
    }
}

fn select_excuse(lang: Lang, id: &str, value: &str, (invalid, described): Wiring) -> Markup {
    html! {
        select #(id) name=(id) aria-invalid=[invalid.then_some("true")] aria-describedby=[described] {
            option value="" selected[value.is_empty()] { (lang.pick("— 해당 없음", "— none")) }
            @for k in ExcuseKind::ALL {
                option value=(k.as_str()) selected[value == k.as_str()] {
                    (lang.pick(k.label().0, k.label().1))
                    @if k.needs_evidence() { (lang.pick(" · 증빙", " · evidence")) }
                }
            }
        }
    }
}

fn text_input(
    id: &str,
    kind: &str,
    value: &str,
    inputmode: Option<&str>,
    maxlength: u32,
    (invalid, described): Wiring,
) -> Markup {
    html! {
        input #(id) name=(id) type=(kind) value=(value) inputmode=[inputmode] maxlength=(maxlength)
            autocomplete="off" aria-invalid=[invalid.then_some("true")] aria-describedby=[described];
    }
}

/// One cell: its label (hidden on wide screens, where the column head says it), its error,
/// then the control.
fn cell(
    lang: Lang,
    label: &str,
    id: &str,
    problems: &[FieldProblem],
    control: impl FnOnce(Wiring) -> Markup,
) -> Markup {
    let error = problems.iter().find(|p| p.field == id);
    let error_id = format!("{id}-error");
    html! {
        td class=[error.map(|_| "cell--error")] {
            label.cell-label for=(id) { (label) }
            @if let Some(e) = error {
                p.field-error id=(error_id) { span.visually-hidden { (lang.pick("오류: ", "Error: ")) } (e.message) }
            }
            (control((error.is_some(), error.map(|_| error_id.clone()))))
        }
    }
}

/// What a refused file says first: how many rows are wrong (each is listed below it), or the
/// service's message when the file as a whole was refused.
fn csv_headline(lang: Lang, csv: &CsvState) -> String {
    match (csv.rows.len(), lang) {
        (0, _) => csv.error.message_in(lang == Lang::Ko).to_owned(),
        (n, Lang::Ko) => format!("CSV의 {n}개 행에 문제가 있어 아무것도 저장하지 않았습니다."),
        (n, Lang::En) => format!("{n} rows of the CSV have problems, so nothing was stored."),
    }
}

fn summary(lang: Lang, problems: &[FieldProblem], csv: Option<&CsvState>) -> Markup {
    html! {
        @if !problems.is_empty() || csv.is_some() {
            div.error-summary role="alert" aria-labelledby="error-summary-title" tabindex="-1" {
                h2 #error-summary-title { (lang.pick("확인해 주세요", "There is a problem")) }
                ul {
                    @for p in problems { li { a href=(format!("#{}", p.field)) { (p.message) } } }
                    @if let Some(csv) = csv { li { a href="#csv" { (csv_headline(lang, csv)) } } }
                }
            }
        }
    }
}

fn day_nav(lang: Lang, base: &str, sheet: &AttendanceSheet, problems: &[FieldProblem]) -> Markup {
    let (previous, next) = neighbours(sheet);
    let day_href = |d: NaiveDate| href(&format!("{base}?day={d}"), lang);
    let error = problems.iter().find(|p| p.field == "day");
    html! {
        nav.day-nav aria-label=(lang.pick("훈련일 이동", "Training days")) {
            @if let Some(d) = previous { a #previous-day rel="prev" href=(day_href(d)) { "← " (lang.pick("이전 훈련일 ", "Previous training day ")) (d) } }
            form method="get" action=(base) {
                @if lang == Lang::En { input type="hidden" name="lang" value="en"; }
                label for="day" { (lang.pick("날짜", "Date")) }
                @if let Some(e) = error { p.field-error #day-error { (e.message) } }
                input #day name="day" type="date" value=(sheet.day) min=(sheet.schedule.first_day) max=(sheet.schedule.last_day)
                    aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| "day-error")];
                button.secondary type="submit" { (lang.pick("보기", "Show")) }
            }
            @if let Some(d) = next { a #next-day rel="next" href=(day_href(d)) { (lang.pick("다음 훈련일 ", "Next training day ")) (d) " →" } }
        }
    }
}

fn rows_table(lang: Lang, sheet: &AttendanceSheet, inputs: &SheetInputs) -> Markup {
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
    let problems = &inputs.problems;
    html! {
        div.table-scroll role="region" aria-labelledby="sheet-caption" tabindex="0" {
            table.data.stack.sheet #sheet {
                caption #sheet-caption { (lang.pick("출결 기록부", "Attendance sheet")) " " (sheet.day) " (" (sheet.rows.len()) (lang.pick("명)", " trainees)")) }
                thead { tr { @for h in heads { th scope="col" { (h) } } } }
                tbody {
                    @for row in sheet.rows.iter().filter(|r| r.recordable) {
                        @let e = row.enrolment.id();
                        @let input = input_of(inputs, row);
                        tr #(format!("row-{e}")) {
                            th scope="row" data-label=(heads[0]) {
                                (lang.pick("신청 #", "Enrolment #")) (e) " " (status_badge(lang, row.enrolment.status))
                                @if let Some(day) = &row.day {
                                    br; span.hint #(format!("stored-{e}")) { (lang.pick("기록: ", "Recorded: ")) (mark_label(lang, day)) @if day.by_code { (lang.pick(" (코드)", " (code)")) } }
                                }
                                input type="hidden" name=(field_id("was", e)) value=(input.was);
                            }
                            @let id = field_id("mark", e);
                            (cell(lang, heads[1], &id, problems, |w| select_mark(lang, &id, &input.mark, w)))
                            @let id = field_id("excuse", e);
                            (cell(lang, heads[2], &id, problems, |w| select_excuse(lang, &id, &input.excuse, w)))
                            @let id = field_id("in", e);
                            (cell(lang, heads[3], &id, problems, |w| text_input(&id, "time", &input.check_in, None, 5, w)))
                            @let id = field_id("out", e);
                            (cell(lang, heads[4], &id, problems, |w| text_input(&id, "time", &input.check_out, None, 5, w)))
                            @let id = field_id("outings", e);
                            (cell(lang, heads[5], &id, problems, |w| text_input(&id, "text", &input.outings, Some("numeric"), 1, w)))
                            @let id = field_id("meal", e);
                            (cell(lang, heads[6], &id, problems, |(invalid, described)| html! {
                                input #(id) name=(id) type="checkbox" value="yes" checked[input.meal]
                                    aria-invalid=[invalid.then_some("true")] aria-describedby=[described];
                            }))
                            @let id = field_id("reason", e);
                            (cell(lang, heads[7], &id, problems, |w| text_input(&id, "text", &input.reason, None, 500, w)))
                            @let id = field_id("evidence", e);
                            (cell(lang, heads[8], &id, problems, |w| text_input(&id, "text", &input.evidence, None, 500, w)))
                        }
                    }
                }
            }
        }
    }
}

fn csv_form(lang: Lang, csrf: &str, base: &str, day: NaiveDate, csv: Option<&CsvState>) -> Markup {
    let header = CSV_COLUMNS.join(",");
    html! {
        section aria-labelledby="csv-title" {
            h2 #csv-title { (lang.pick("CSV로 한꺼번에 기록", "Record many days from a CSV")) }
            form #csv-form method="post" action=(format!("{base}/csv")) {
                (hidden(csrf, lang))
                input type="hidden" name="day" value=(day);
                div class=(if csv.is_some() { "field field--error" } else { "field" }) {
                    label for="csv" { (lang.pick("CSV 내용 (붙여넣기)", "CSV text (paste it)")) }
                    p.hint #csv-hint {
                        (lang.pick("첫 줄은 머리글입니다: ", "The first line is the header: "))
                        code { (header) }
                        (lang.pick(". 출결은 출석·지각·조퇴·지각조퇴·외출·결석·공가 또는 영어 코드로 씁니다. 한 줄이라도 틀리면 아무것도 저장하지 않고 틀린 줄을 모두 보여 줍니다.", ". Marks are present, late, early_leave, late_early_leave, going_out, absent, excused (or the Korean names). If any row is wrong nothing is stored, and every wrong row is listed."))
                    }
                    @if let Some(csv) = csv {
                        div.field-error #csv-error {
                            p { (csv_headline(lang, csv)) }
                            @if !csv.rows.is_empty() {
                                ul #csv-rows {
                                    @for r in &csv.rows {
                                        li { (lang.pick("줄 ", "Line ")) (r.line) ", " code { (r.column) } ": " (lang.pick(&r.reason.ko, &r.reason.en)) }
                                    }
                                }
                            }
                        }
                    }
                    textarea #csv name="csv" rows="6" aria-invalid=[csv.map(|_| "true")]
                        aria-describedby=(if csv.is_some() { "csv-hint csv-error" } else { "csv-hint" }) {
                        @if let Some(csv) = csv { (csv.text) }
                    }
                }
                div.actions { button.secondary #upload-csv type="submit" { (lang.pick("CSV 기록", "Record the CSV")) } }
            }
        }
    }
}

pub(super) fn sheet_page(
    actor: &Actor,
    lang: Lang,
    course: &str,
    sheet: &AttendanceSheet,
    inputs: &SheetInputs,
    status: StatusCode,
) -> Response {
    let base = cohort_base(course, sheet.ordinal);
    let csrf = actor.csrf_token().unwrap_or_default();
    let title = lang.pick("출결 기록부", "Attendance sheet");
    let any_row = sheet.rows.iter().any(|r| r.recordable);
    let body = html! {
        p { a href=(href(&format!("/staff/cohorts/{}/{}", super::encode_component(course), sheet.ordinal), lang)) { (lang.pick("← 기수 명단", "← Cohort roster")) } }
        h1 #page-title { (title) " · " (sheet.day) }
        p.lede { (super::widgets::as_written(lang, &sheet.course.title)) " · " (sheet.schedule.first_day) " ~ " (sheet.schedule.last_day) }
        @if let Some(notice) = &inputs.notice { p.notice role="status" #sheet-notice { (notice) } }
        (summary(lang, &inputs.problems, inputs.csv.as_ref()))
        (day_nav(lang, &base, sheet, &inputs.problems))
        p { a #checkin-code-link href=(href(&format!("{base}/code"), lang)) { (lang.pick("출석 체크 코드·QR 화면 열기", "Open the check-in code and QR screen")) } }
        @if !sheet.training_day {
            p.notice #not-training-day { (lang.pick("이 날은 이 기수의 훈련일이 아닙니다. 기록할 수 없습니다.", "This is not a training day of the cohort: nothing can be recorded.")) }
        } @else if !sheet.has_come {
            p.notice #future-day { (lang.pick("아직 오지 않은 날입니다. 그날이 되면 기록할 수 있습니다.", "This day has not come yet; it can be recorded from that day on.")) }
        } @else if !any_row {
            p #sheet { (lang.pick("이 기수에 훈련 중인 훈련생이 없습니다.", "No trainee of this cohort is in training.")) }
        } @else {
            form #sheet-form method="post" action=(base) {
                (hidden(csrf, lang))
                input type="hidden" name="day" value=(sheet.day);
                p.hint #sheet-hint { (lang.pick(
                    "이미 기록된 날을 바꾸면 정정입니다: 정정 사유가 필요하고, 증빙이 필요한 공가로 바꿀 때는 증빙도 적습니다. 이전 값은 감사 기록에 남고, 이미 지급된 기간이면 다음 지급에서 조정됩니다.",
                    "Changing a recorded day is a correction: it needs a reason, and a change to an excused kind that asks for evidence needs the evidence named. The old value stays in the audit log; a period already paid is adjusted by the next payroll.",
                )) }
                (rows_table(lang, sheet, inputs))
                div.actions {
                    button #save-sheet type="submit" { (lang.pick("출결 저장", "Save attendance")) }
                    button.secondary #all-present type="submit" name="all" value="present" { (lang.pick("표시 안 한 훈련생은 출석으로 저장", "Save, marking everyone unmarked present")) }
                }
            }
        }
        (csv_form(lang, csrf, &base, sheet.day, inputs.csv.as_ref()))
    };
    private_page(
        status,
        page_in(
            Section::Account,
            lang,
            &format!("{title} {} — AI+역량 Up", sheet.day),
            account_menu(
                lang,
                actor,
                Some(&href(&format!("{base}?day={}", sheet.day), lang.other())),
            ),
            body,
        ),
    )
}
