//! The course page a trainee can act on: institution contact, cohorts with status badges, the
//! apply step, the whole-course support, syllabus, timetable, entry requirements and quality
//! signals with their sources, in Korean and English; and the search it came from carried back.

use crate::courses::generated;
use crate::http::call;
use aiup_app::catalogue::{self, Profile};
use aiup_catalogue::details::{NcsUnitCode, Phone, QualitySignal, SyllabusUnit, Timetable, WebAddress};
use aiup_catalogue::{ApplicationPeriod, Cohort, Course, Hours};
use aiup_core::Won;
use chrono::{Days, NaiveDate, NaiveTime, Weekday};
use serde_json::Value;

fn days(today: NaiveDate, n: u64) -> NaiveDate {
    today.checked_add_days(Days::new(n)).expect("date")
}

/// A course whose first cohort is full (no waiting list) and whose second is open, with every
/// page field set.
fn prepared(course: &mut Course, today: NaiveDate) {
    course.cohorts = vec![
        Cohort {
            start_date: days(today, 20),
            end_date: days(today, 80),
            capacity: 20,
            seats_left: 0,
            application: Some(ApplicationPeriod {
                start: today,
                end: days(today, 10),
            }),
            waiting_list: false,
        },
        Cohort {
            start_date: days(today, 120),
            end_date: days(today, 200),
            capacity: 30,
            seats_left: 12,
            application: Some(ApplicationPeriod {
                start: today,
                end: days(today, 100),
            }),
            waiting_list: true,
        },
    ];
    let total = course.total_hours.tenths();
    course.details.syllabus = vec![
        SyllabusUnit {
            ncs_unit: Some(NcsUnitCode::parse(&format!("{}03_21v2", course.ncs)).expect("unit")),
            name: "데이터 수집과 정제".to_owned(),
            hours: Hours::from_tenths(total - 10),
            outcomes: vec!["수집 계획을 세울 수 있다".to_owned()],
        },
        SyllabusUnit {
            ncs_unit: None,
            name: "마무리 발표".to_owned(),
            hours: Hours::from_tenths(10),
            outcomes: Vec::new(),
        },
    ];
    course.details.timetable = Some(Timetable {
        days: vec![Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu],
        start: NaiveTime::from_hms_opt(19, 0, 0).expect("time"),
        end: NaiveTime::from_hms_opt(22, 0, 0).expect("time"),
    });
    course.details.entry_requirements = "Python 기초 문법을 아는 분".to_owned();
    course.details.quality.satisfaction = Some(QualitySignal {
        value: 45,
        base: 123,
        source: "HRD-Net 훈련만족도".to_owned(),
        as_of: NaiveDate::from_ymd_opt(2026, 1, 31).expect("date"),
    });
    course.details.quality.completion = None;
    course.details.quality.employment = None;
}

fn text(body: Value) -> String {
    match body {
        Value::String(text) => text,
        other => panic!("expected HTML, got {other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn course_page_shows_what_a_trainee_needs_to_act_in_both_languages() {
    let app = crate::support::spawn_app().await;
    let today = app.state.today();
    let engine = app.state.engine();
    let mut batch = generated(40);
    let profile = Profile::default();
    let index = batch
        .courses
        .iter()
        .position(|c| catalogue::support(&engine, c, &profile, today).is_ok() && c.total_hours.tenths() > 20)
        .expect("a course with support for a job seeker");
    prepared(&mut batch.courses[index], today);
    let course = batch.courses[index].clone();
    let institution = batch
        .institutions
        .iter_mut()
        .find(|i| i.id == course.institution)
        .expect("institution");
    institution.contact.address = Some("서울특별시 강남구 배움로7길 12".to_owned());
    institution.contact.phone = Some(Phone::parse("02-0123-4567").expect("phone"));
    institution.contact.website = Some(WebAddress::parse("https://www.academy.example/").expect("website"));
    institution.contact.email = None;
    catalogue::store_and_index(app.state.db(), app.state.index(), &batch, "test")
        .await
        .expect("import");
    let support = aiup_app::course_support::course_support(&engine, &course, &profile, today).expect("support");
    assert!(support.periods >= 1);
    let total = Won(support.allowance_total_won).to_string();

    let search = "q=%EB%8D%B0%EC%9D%B4%ED%84%B0&sort=fee_asc&page=2&status=job_seeker";
    let url = |extra: &str| format!("{}/courses/{}?{search}{extra}", app.base_url, course.id);
    let (status, body) = call("GET", url(""), None, None).await;
    assert_eq!(status, 200);
    let ko = text(body);
    for needle in [
        "서울특별시 강남구 배움로7길 12",
        "href=\"tel:0201234567\"",
        "href=\"https://www.academy.example/\" rel=\"noopener external\"",
        "등록된 정보 없음",
        &format!("{}03_21v2", course.ncs),
        "데이터 수집과 정제",
        "수집 계획을 세울 수 있다",
        "월·화·수·목",
        "19:00–22:00",
        "야간",
        "Python 기초 문법을 아는 분",
        "5점 만점에 4.5점",
        "응답 123명",
        "HRD-Net 훈련만족도",
        "2026-01-31",
        "아직 자료 없음",
        "badge--full\">정원 마감",
        "(다음 신청 기수)",
        "id=\"apply-link\"",
        "고용24에서 수강 신청하기",
        "id=\"apply-prerequisite\"",
    ] {
        assert!(ko.contains(needle), "Korean page lacks {needle}");
    }
    // The card step only for a course a card pays for.
    let card_funded = course
        .programmes
        .iter()
        .filter_map(|p| engine.policy().programme(p.as_str()))
        .any(|p| {
            use aiup_core::policy::TuitionScheme as T;
            matches!(p.tuition_scheme, T::Card | T::Kdc | T::PriorityTable | T::AiAssistant)
        });
    assert_eq!(ko.contains("국민내일배움카드가 있어야 신청할 수 있습니다"), card_funded);
    let total_figure = format!("id=\"figure-allowance-total-amount\">{total}<");
    assert!(ko.contains(&total_figure), "whole-course total {total} missing");
    assert!(ko.contains(&format!("단위기간 {}개", support.periods)));
    // Heading levels: one h1, and no h3 before the first h2.
    assert_eq!(ko.matches("<h1").count(), 1);
    assert!(ko.find("<h2").expect("h2") < ko.find("<h3").expect("h3"));
    // The search it came from is carried back: the back link, the toggle and the form.
    assert!(ko
        .contains("href=\"/courses?q=%EB%8D%B0%EC%9D%B4%ED%84%B0&amp;sort=fee_asc&amp;page=2&amp;status=job_seeker\""));
    assert!(ko.contains("sort=fee_asc&amp;page=2&amp;status=job_seeker&amp;lang=en\""));
    assert!(ko.contains("type=\"hidden\" name=\"sort\" value=\"fee_asc\""));
    assert!(ko.contains("type=\"hidden\" name=\"q\" value=\"데이터\""));

    let (status, body) = call("GET", url("&lang=en"), None, None).await;
    assert_eq!(status, 200);
    let en = text(body);
    for needle in [
        "Who runs it",
        "not given",
        "badge--full\">full",
        "Apply on Work24",
        "4.5 out of 5",
        "123 respondents",
        "No data yet",
        "evening",
        "Mon, Tue, Wed, Thu",
        "Entry requirements",
        &total_figure,
        "href=\"/courses?q=%EB%8D%B0%EC%9D%B4%ED%84%B0&amp;sort=fee_asc&amp;page=2&amp;status=job_seeker&amp;lang=en\"",
    ] {
        assert!(en.contains(needle), "English page lacks {needle}");
    }

    // An unknown parameter: 422 with the error summary naming it, in the page's language.
    let (status, body) = call("GET", url("&colour=red"), None, None).await;
    assert_eq!(status, 422);
    let bad = text(body);
    assert!(bad.contains("error-summary") && bad.contains("colour"));

    // Employed with an employer size: the select is shown, the size kept.
    let (status, body) = call(
        "GET",
        format!(
            "{}/courses/{}?status=employed&employer_size=priority_support",
            app.base_url, course.id
        ),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200);
    let employed = text(body);
    assert!(employed.contains("<option value=\"priority_support\" selected>"));
    assert!(employed.contains("employer_size=priority_support&amp;lang=en"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waiting_list_cohort_offers_the_waiting_list_and_a_course_without_data_says_so() {
    let app = crate::support::spawn_app().await;
    let today = app.state.today();
    let mut batch = generated(20);
    let course = &mut batch.courses[0];
    course.cohorts = vec![Cohort {
        start_date: days(today, 30),
        end_date: days(today, 60),
        capacity: 10,
        seats_left: 0,
        application: None,
        waiting_list: true,
    }];
    course.details = Default::default();
    let id = course.id.clone();
    catalogue::store_and_index(app.state.db(), app.state.index(), &batch, "test")
        .await
        .expect("import");
    let (status, body) = call("GET", format!("{}/courses/{id}", app.base_url), None, None).await;
    assert_eq!(status, 200);
    let page = text(body);
    for needle in [
        "badge--waiting_list\">대기 접수 중",
        "훈련기관에 대기 신청하기",
        "훈련기관이 교과 구성을 아직 등록하지 않았습니다.",
        "별도의 수강 자격이 등록되지 않았습니다.",
    ] {
        assert!(page.contains(needle), "page lacks {needle}");
    }
    assert_eq!(
        page.matches("아직 자료 없음").count(),
        3,
        "three signals, none invented"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_time_of_day_filter_and_facet_agree_with_the_catalogue() {
    use aiup_catalogue::TimeOfDay;
    let batch = generated(300);
    let app = crate::support::spawn_app().await;
    catalogue::store_and_index(app.state.db(), app.state.index(), &batch, "test")
        .await
        .expect("import");
    let count = |t: TimeOfDay| {
        batch
            .courses
            .iter()
            .filter(|c| c.details.time_of_day() == Some(t))
            .count() as u64
    };
    for t in TimeOfDay::ALL {
        assert!(count(t) > 0, "the generator makes {t:?} courses");
    }
    let (status, body) = call(
        "GET",
        format!(
            "{}/api/v1/courses?time_of_day=evening,weekend&per_page=100",
            app.base_url
        ),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["total"].as_u64(),
        Some(count(TimeOfDay::Evening) + count(TimeOfDay::Weekend))
    );
    let facet = body["facets"]
        .as_array()
        .expect("facets")
        .iter()
        .find(|f| f["kind"] == "time_of_day")
        .expect("time_of_day facet");
    for t in TimeOfDay::ALL {
        let value = facet["values"]
            .as_array()
            .expect("values")
            .iter()
            .find(|v| v["value"] == t.as_str())
            .and_then(|v| v["count"].as_u64());
        assert_eq!(value, Some(count(t)), "{t:?}: disjunctive count");
    }
    let (status, body) = call(
        "GET",
        format!("{}/api/v1/courses?time_of_day=night", app.base_url),
        None,
        None,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["field"], "time_of_day");
    // The search page shows the facet with its title and labels in both languages.
    let (_, page) = call(
        "GET",
        format!("{}/courses?time_of_day=weekend", app.base_url),
        None,
        None,
    )
    .await;
    let page = text(page);
    assert!(page.contains("수업 시간대") && page.contains("주말"));
    let (_, page) = call(
        "GET",
        format!("{}/courses?time_of_day=weekend&lang=en", app.base_url),
        None,
        None,
    )
    .await;
    let page = text(page);
    assert!(page.contains("Time of day") && page.contains("weekend"));
}
