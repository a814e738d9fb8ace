use std::collections::HashMap;

use aiup_catalogue::generate::{generate as generate_catalogue, GenerateOptions};
use aiup_core::policy::PolicySet;

use super::*;
use crate::EnrolmentStatus;

struct World {
    policy: PolicySet,
    regions: RegionTable,
    data: PopulationData,
    courses: Vec<Course>,
}

fn world() -> World {
    let policy = PolicySet::load(&aiup_core::defaults::policy_sources()).expect("policy");
    let regions = RegionTable::load(aiup_core::defaults::region_files()).expect("regions");
    let start = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
    let courses = generate_catalogue(
        &GenerateOptions {
            courses: 600,
            seed: 7,
            start,
        },
        &regions,
        &policy.programmes,
    )
    .courses;
    let data = PopulationData::parse(PopulationFiles::embedded()).expect("data");
    World {
        policy,
        regions,
        data,
        courses,
    }
}

fn options(trainees: usize, seed: u64) -> PopulationOptions {
    PopulationOptions {
        trainees,
        seed,
        today: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
    }
}

fn run(w: &World, o: &PopulationOptions) -> Population {
    generate(o, &w.data, &w.policy, &w.regions, &w.courses, Bank::embedded()).expect("generates")
}

#[test]
fn the_same_seed_gives_the_same_population_and_another_seed_another() {
    let w = world();
    let a = run(&w, &options(3_000, 1));
    assert_eq!(a, run(&w, &options(3_000, 1)));
    let b = run(&w, &options(3_000, 2));
    assert_ne!(a.people, b.people);
    assert_ne!(a.enrolments, b.enrolments);
}

#[test]
fn programmes_get_exactly_their_share_of_the_people_targets() {
    let w = world();
    let n = 10_000;
    let population = run(&w, &options(n, 3));
    let counts = programme_counts(n, 2026, &w.policy).unwrap();
    let total: i64 = counts
        .iter()
        .map(|(p, _)| p.targets.iter().find(|t| t.year == 2026).unwrap().value)
        .sum();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for person in &population.people {
        *seen.entry(person.programme.as_str()).or_default() += 1;
    }
    assert_eq!(population.people.len(), n);
    for (programme, count) in &counts {
        let target = programme.targets.iter().find(|t| t.year == 2026).unwrap().value;
        let exact = n as f64 * target as f64 / total as f64;
        assert!(
            (*count as f64 - exact).abs() < 1.0,
            "{}: {count} vs {exact}",
            programme.id
        );
        assert_eq!(seen.get(programme.id.as_str()).copied().unwrap_or(0), *count);
    }
    // Workplace targets and the instructor academy (admits no trainee) get nobody.
    for id in ["sme-premium-skillup", "sme-pbl", "ai-instructor-academy"] {
        assert!(!seen.contains_key(id), "{id}");
    }
}

#[test]
fn profiles_fit_their_programme_stage_and_the_regional_distribution() {
    let w = world();
    let population = run(&w, &options(20_000, 4));
    let (mut entry, mut entry_youth, mut transition, mut transition_40) = (0, 0, 0, 0);
    let mut capital = 0;
    let mut groups: HashMap<crate::TargetGroup, usize> = HashMap::new();
    for person in &population.people {
        let programme = w.policy.programme(person.programme.as_str()).unwrap();
        let p = &person.profile;
        assert_eq!(p.stage, programme.stage);
        assert!(
            programme.admits_trainee(p.status, p.employer_size),
            "{} admits {:?}/{:?}",
            programme.id,
            p.status,
            p.employer_size
        );
        assert_eq!(p.employer_size.is_some(), p.status == TraineeStatus::Employed);
        assert!(p.kukchi == KukchiType::None || p.status == TraineeStatus::JobSeeker);
        if programme.target_group == aiup_core::policy::TargetGroup::Youth {
            assert!(p.age_band.is_youth());
        }
        match p.stage {
            Stage::Entry => {
                entry += 1;
                entry_youth += usize::from(p.age_band.is_youth());
            }
            Stage::Transition => {
                transition += 1;
                transition_40 += usize::from(p.age_band.is_middle_aged());
            }
            _ => {}
        }
        let region = w.regions.get(p.region).expect("a known 시군구");
        capital += usize::from(
            w.regions
                .provinces()
                .iter()
                .any(|pr| pr.code == region.sido_code && pr.capital_area),
        );
        for g in &p.groups {
            *groups.entry(*g).or_default() += 1;
        }
    }
    assert!(
        entry_youth * 100 >= entry * 70,
        "entry: {entry_youth} of {entry} are youth"
    );
    assert!(
        transition_40 * 100 >= transition * 85,
        "transition: {transition_40} of {transition} are 40+"
    );
    // 서울 + 인천 + 경기 in sido.csv: 26,051 of 51,224 thousand = 50.9%.
    let share = capital as f64 / population.people.len() as f64;
    assert!((0.49..0.53).contains(&share), "capital share {share}");
    let disabled = groups.get(&crate::TargetGroup::Disabled).copied().unwrap_or(0) as f64 / 20_000.0;
    assert!((0.025..0.035).contains(&disabled), "disabled {disabled}");
}

#[test]
fn enrolments_stay_within_seats_in_the_persons_programme_and_follow_legal_histories() {
    let w = world();
    let o = options(8_000, 5);
    let population = run(&w, &o);
    assert!(population.enrolments.len() >= 7_000, "{}", population.enrolments.len());
    let mut holding: HashMap<(usize, usize), u32> = HashMap::new();
    // Near home: the course is in the person's province. `by_chance` is how many would be if
    // courses were drawn regardless of where the person lives.
    let (mut near, mut by_chance) = (0.0, 0.0);
    for e in &population.enrolments {
        let person = &population.people[e.person];
        let course = &w.courses[e.course];
        assert!(course.programmes.contains(&person.programme));
        let province = person.profile.region.sido_code();
        let offered: Vec<&Course> = w
            .courses
            .iter()
            .filter(|c| c.programmes.contains(&person.programme) && !c.cohorts.is_empty())
            .collect();
        by_chance += offered.iter().filter(|c| c.region.sido_code() == province).count() as f64 / offered.len() as f64;
        near += f64::from(u8::from(course.region.sido_code() == province));
        let mut status = EnrolmentStatus::Applied;
        for step in &e.history[1..] {
            status = status.after(step.event.unwrap()).expect("legal");
            assert_eq!(step.to, status);
        }
        assert_eq!(status, e.status);
        assert!(e.history.windows(2).all(|w| w[0].on <= w[1].on));
        assert!(e.history.iter().all(|s| s.on <= o.today));
        if e.status.holds_seat() {
            *holding.entry((e.course, e.cohort)).or_default() += 1;
        }
    }
    assert!(near > 1.5 * by_chance, "{near} near home, {by_chance} by chance");
    for s in &population.seats {
        assert!(s.taken <= s.seats);
        assert_eq!(s.taken, holding.get(&(s.course, s.cohort)).copied().unwrap_or(0));
    }
    // Statuses follow the dates: all three kinds of cohort occur with 2026-07-01 as today.
    for status in [
        EnrolmentStatus::Completed,
        EnrolmentStatus::InTraining,
        EnrolmentStatus::Accepted,
    ] {
        assert!(population.enrolments.iter().any(|e| e.status == status), "{status}");
    }
}

#[test]
fn cards_and_diagnoses_come_before_today_and_some_people_diagnose_more_than_once() {
    let w = world();
    let o = options(5_000, 6);
    let population = run(&w, &o);
    let amount = 3_000_000;
    for card in &population.cards {
        assert_eq!(card.amount_won, amount);
        assert!(card.issued_on <= o.today && card.expires_on > o.today);
        assert!(population.people[card.person].created_on <= card.issued_on);
    }
    let card_people = population
        .people
        .iter()
        .filter(|p| p.programme.as_str() == "card-ai-general")
        .count();
    assert!(population.cards.len() >= card_people);
    let mut runs: HashMap<usize, usize> = HashMap::new();
    let bank = Bank::embedded();
    let (mut first, mut reached_first) = (0, 0);
    for r in &population.diagnoses {
        assert!(r.taken_on <= o.today);
        let n = runs.entry(r.person).or_default();
        *n += 1;
        assert_eq!(r.run_no as usize, *n, "runs are numbered 1, 2, 3 per person");
        assert_eq!(r.responses.len(), bank.form(r.run_no).len());
        assert_eq!(r.outcome, bank.score(r.run_no, &r.responses));
        if r.run_no == 1 {
            first += 1;
            reached_first += usize::from(r.outcome.step_reached.is_some());
        }
    }
    // Most pass the first step, not everyone.
    assert!(
        reached_first * 2 > first && reached_first < first,
        "{reached_first} of {first}"
    );
    let repeat = runs.values().filter(|&&n| n >= 2).count();
    assert!(
        repeat * 100 >= population.people.len() * 10,
        "{repeat} people ran it twice or more"
    );
}

#[test]
fn over_an_active_month_catalogue_about_every_trainee_is_in_training_that_month() {
    let mut w = world();
    let june = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    let july = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
    w.courses = aiup_catalogue::generate::generate_active(
        &GenerateOptions {
            courses: 600,
            seed: 7,
            start: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
        },
        june,
        &w.regions,
        &w.policy.programmes,
    )
    .courses;
    // 30 trainees a course, as in the payroll benchmark (240,000 over 8,000 courses).
    let population = run(&w, &options(18_000, 4));
    let mut in_june = vec![false; population.people.len()];
    for e in &population.enrolments {
        let cohort = &w.courses[e.course].cohorts[e.cohort];
        assert!(cohort.start_date < july && cohort.end_date >= june);
        if attendance::has_attendance(e.status) {
            in_june[e.person] = true;
        }
    }
    let share = in_june.iter().filter(|b| **b).count() as f64 / in_june.len() as f64;
    println!("share of trainees in training in June: {share:.3}");
    assert!(share > 0.9, "only {share:.3} of the trainees are in training in June");
}
