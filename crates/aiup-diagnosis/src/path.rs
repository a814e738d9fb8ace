//! The learning path: the plan's three steps of delivery — theory online (STEP, remote), basic
//! practice (VR / metaverse), advanced practice (digital twin) — each with the best few courses.
//!
//! The selection is pure: the service layer finds candidate courses and, for each, asks the rules
//! engine whether the person is eligible and what they would be paid (`T`, carried through
//! untouched). Here they are ranked: courses covering the biggest gaps, at the next step up, in
//! the person's region, open for application and meant for their stage of working life come
//! first. Only eligible courses are picked; an ineligible one that would have ranked among them
//! is listed apart with its reason, never as a pick. A step with no eligible course is skipped.

use std::collections::BTreeMap;

use aiup_catalogue::{AiStep, BasicModule, Course};
use aiup_core::{Delivery, Rate, Stage};
use chrono::NaiveDate;

use crate::run::{next_step, percent};
use crate::Text;

/// Courses shown per path step, at most.
pub const PICKS_PER_STEP: usize = 3;

/// A step of the plan's path, by how the course is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PathStepKind {
    /// Theory online: STEP and other remote courses.
    TheoryOnline,
    /// Basic practice in VR or the metaverse.
    BasicPractice,
    /// Advanced practice on a digital twin.
    AdvancedPractice,
}

impl PathStepKind {
    pub const ALL: &'static [PathStepKind] = &[
        PathStepKind::TheoryOnline,
        PathStepKind::BasicPractice,
        PathStepKind::AdvancedPractice,
    ];

    /// The deliveries that make a course belong to this step.
    pub fn deliveries(self) -> &'static [Delivery] {
        match self {
            PathStepKind::TheoryOnline => &[Delivery::Remote, Delivery::LiveOnline],
            PathStepKind::BasicPractice => &[Delivery::VrMetaverse],
            PathStepKind::AdvancedPractice => &[Delivery::DigitalTwin],
        }
    }

    pub fn of(delivery: Delivery) -> Option<PathStepKind> {
        PathStepKind::ALL
            .iter()
            .copied()
            .find(|k| k.deliveries().contains(&delivery))
    }

    pub fn label(self) -> Text {
        let (ko, en) = match self {
            PathStepKind::TheoryOnline => (
                "1. 온라인 이론(STEP 등 원격)",
                "1. Theory online (STEP and other remote)",
            ),
            PathStepKind::BasicPractice => ("2. 기초 실습(VR·메타버스)", "2. Basic practice (VR / metaverse)"),
            PathStepKind::AdvancedPractice => ("3. 심화 실습(디지털 트윈)", "3. Advanced practice (digital twin)"),
        };
        Text {
            ko: ko.to_owned(),
            en: en.to_owned(),
        }
    }

    fn is_online(self) -> bool {
        self == PathStepKind::TheoryOnline
    }
}

/// Whether the person may take a course, by the rules engine: with what it would pay them
/// (`T`), or the reason not.
#[derive(Debug, Clone)]
pub enum Eligibility<T> {
    Eligible(T),
    NotEligible(Text),
}

/// A course the service layer found, priced or refused by the rules engine.
#[derive(Debug, Clone)]
pub struct Candidate<T> {
    pub course: Course,
    /// A programme of the course is meant for the person's stage of working life.
    pub for_stage: bool,
    pub eligibility: Eligibility<T>,
}

/// What the path is chosen from, besides the candidates.
#[derive(Debug, Clone)]
pub struct PathInput {
    /// The gap of each module in the latest diagnosis; empty if there is none yet.
    pub gaps: BTreeMap<BasicModule, Rate>,
    /// The step the latest diagnosis reached.
    pub step_reached: Option<AiStep>,
    pub stage: Stage,
    /// The person's 시군구 code (5 digits).
    pub region_code: String,
    /// Today in Seoul (for "open for application").
    pub today: NaiveDate,
}

/// A course chosen (or listed as not eligible) with why.
#[derive(Debug, Clone)]
pub struct Pick<T> {
    pub course: Course,
    pub eligibility: Eligibility<T>,
    /// Why it was chosen, or for an ineligible course, why it is not eligible.
    pub why: Text,
    /// The ranking score (higher first); for tests and the curious.
    pub rank: u32,
}

/// One step of the path.
#[derive(Debug, Clone)]
pub struct PathStep<T> {
    pub kind: PathStepKind,
    /// Eligible courses only, best first, at most [`PICKS_PER_STEP`].
    pub picks: Vec<Pick<T>>,
    /// Ineligible courses that ranked above the last pick (where fewer than
    /// [`PICKS_PER_STEP`] are eligible, the best ineligible ones), at most that many, with the reason.
    pub not_eligible: Vec<Pick<T>>,
}

/// The whole proposal.
#[derive(Debug, Clone)]
pub struct LearningPath<T> {
    /// The AI step courses are sought at (one above the step reached).
    pub target_step: AiStep,
    /// Path steps with at least one eligible course, in path order.
    pub steps: Vec<PathStep<T>>,
    /// Path steps skipped because no eligible course exists.
    pub skipped: Vec<PathStepKind>,
}

struct Ranked<T> {
    candidate: Candidate<T>,
    rank: u32,
    reasons_ko: Vec<String>,
    reasons_en: Vec<String>,
}

fn gap_of(input: &PathInput, module: BasicModule) -> u32 {
    input.gaps.get(&module).map_or(0, |g| g.0)
}

fn rank<T>(input: &PathInput, kind: PathStepKind, candidate: Candidate<T>) -> Ranked<T> {
    let course = &candidate.course;
    let target = next_step(input.step_reached);
    let mut rank = 0u32;
    let (mut ko, mut en) = (Vec::new(), Vec::new());

    // Gaps: the bigger the gaps it covers, the better; the biggest gap weighs extra.
    let mut covered: Vec<(BasicModule, u32)> = course
        .modules
        .iter()
        .map(|&m| (m, gap_of(input, m)))
        .filter(|(_, gap)| *gap > 0)
        .collect();
    covered.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    rank += covered.iter().map(|(_, gap)| gap).sum::<u32>();
    let biggest = BasicModule::ALL
        .iter()
        .copied()
        .max_by_key(|&m| (gap_of(input, m), std::cmp::Reverse(m)));
    if let Some(biggest) = biggest.filter(|&m| gap_of(input, m) > 0) {
        if course.modules.contains(&biggest) {
            rank += 5_000;
        }
    }
    if !covered.is_empty() {
        let list = |label: fn(BasicModule) -> &'static str| {
            covered
                .iter()
                .take(2)
                .map(|(m, gap)| format!("{}({}p)", label(*m), percent(Rate(*gap))))
                .collect::<Vec<_>>()
                .join(", ")
        };
        ko.push(format!(
            "진단에서 부족했던 영역을 다룹니다: {}",
            list(BasicModule::label_ko)
        ));
        en.push(format!(
            "covers the areas your diagnosis found short: {}",
            list(BasicModule::label_en)
        ));
    }

    // The AI step: the next one up is best; the one reached still helps to consolidate.
    match course.ai_step {
        Some(step) if step == target => {
            rank += 20_000;
            ko.push(format!("다음 단계({}) 과정입니다", step.label_ko()));
            en.push(format!("it is at your next step ({})", step.label_en()));
        }
        Some(step) if Some(step) == input.step_reached => {
            rank += 5_000;
            ko.push(format!("도달한 단계({})를 다지는 과정입니다", step.label_ko()));
            en.push(format!("it consolidates the step you reached ({})", step.label_en()));
        }
        _ => {}
    }

    // Region: online theory can be taken anywhere; practice is best near home.
    let region = course.region.to_string();
    if kind.is_online() {
        ko.push("온라인 과정이라 어디서나 들을 수 있습니다".to_owned());
        en.push("it is online, so you can take it from anywhere".to_owned());
    } else if region == input.region_code {
        rank += 8_000;
        ko.push("사는 시군구에서 열립니다".to_owned());
        en.push("it is taught in your city or county".to_owned());
    } else if region.get(..2) == input.region_code.get(..2) {
        rank += 5_000;
        ko.push("사는 시도에서 열립니다".to_owned());
        en.push("it is taught in your province".to_owned());
    }

    if course
        .card_status(input.today)
        .is_some_and(|status| status.takes_applications())
    {
        rank += 10_000;
        ko.push("지금 신청할 수 있습니다".to_owned());
        en.push("it is open for applications now".to_owned());
    }
    if candidate.for_stage {
        rank += 4_000;
        ko.push(format!(
            "생애 단계({})에 맞는 사업의 과정입니다",
            input.stage.label_ko()
        ));
        en.push(format!(
            "its programme is for your stage of working life ({})",
            input.stage.label_en()
        ));
    }
    Ranked {
        candidate,
        rank,
        reasons_ko: ko,
        reasons_en: en,
    }
}

fn pick<T>(mut ranked: Ranked<T>) -> Pick<T> {
    if ranked.reasons_ko.is_empty() {
        ranked
            .reasons_ko
            .push("이 단계에서 찾은 과정 가운데 가장 알맞습니다".to_owned());
        ranked
            .reasons_en
            .push("it is the best match found for this step".to_owned());
    }
    let why = match &ranked.candidate.eligibility {
        Eligibility::Eligible(_) => Text {
            ko: format!("{}.", ranked.reasons_ko.join(" · ")),
            en: {
                let mut en = ranked.reasons_en.join("; ");
                if let Some(first) = en.get(..1) {
                    en = format!("{}{}.", first.to_uppercase(), &en[1..]);
                }
                en
            },
        },
        // The engine's reason may be "not admitted" or "cannot be priced" (no cohort, firm size
        // unknown): either way the course is not shown as one the person can take.
        Eligibility::NotEligible(reason) => Text {
            ko: format!("지원 대상으로 확인되지 않았습니다: {}", reason.ko),
            en: format!("Not confirmed as open to you: {}", reason.en),
        },
    };
    Pick {
        course: ranked.candidate.course,
        eligibility: ranked.candidate.eligibility,
        why,
        rank: ranked.rank,
    }
}

/// Chooses the path from `candidates` (courses of any delivery; those outside the three path
/// steps and those teaching no AI are ignored). Deterministic: ties go to the smaller course id.
pub fn choose<T>(input: &PathInput, candidates: Vec<Candidate<T>>) -> LearningPath<T> {
    let mut by_kind: BTreeMap<PathStepKind, Vec<Ranked<T>>> = BTreeMap::new();
    for candidate in candidates {
        if !candidate.course.is_ai_course() {
            continue;
        }
        let Some(kind) = PathStepKind::of(candidate.course.delivery) else {
            continue;
        };
        by_kind.entry(kind).or_default().push(rank(input, kind, candidate));
    }
    let mut steps = Vec::new();
    let mut skipped = Vec::new();
    for &kind in PathStepKind::ALL {
        let mut ranked = by_kind.remove(&kind).unwrap_or_default();
        ranked.sort_by(|a, b| {
            b.rank
                .cmp(&a.rank)
                .then_with(|| a.candidate.course.id.cmp(&b.candidate.course.id))
        });
        let mut picks = Vec::new();
        let mut not_eligible = Vec::new();
        for r in ranked {
            let eligible = matches!(r.candidate.eligibility, Eligibility::Eligible(_));
            if eligible && picks.len() < PICKS_PER_STEP {
                picks.push(pick(r));
            } else if !eligible && picks.len() < PICKS_PER_STEP && not_eligible.len() < PICKS_PER_STEP {
                not_eligible.push(pick(r));
            }
            if picks.len() == PICKS_PER_STEP {
                break;
            }
        }
        if picks.is_empty() {
            skipped.push(kind);
        } else {
            steps.push(PathStep {
                kind,
                picks,
                not_eligible,
            });
        }
    }
    LearningPath {
        target_step: next_step(input.step_reached),
        steps,
        skipped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aiup_catalogue::generate::{generate, GenerateOptions};
    use aiup_core::defaults::{policy_sources, region_files};
    use aiup_core::policy::PolicySet;
    use aiup_core::region::RegionTable;

    fn courses() -> Vec<Course> {
        let regions = RegionTable::load(region_files()).unwrap();
        let policy = PolicySet::load(&policy_sources()).unwrap();
        let options = GenerateOptions {
            courses: 1_500,
            seed: 7,
            start: NaiveDate::from_ymd_opt(2026, 2, 2).unwrap(),
        };
        generate(&options, &regions, &policy.programmes).courses
    }

    fn input() -> PathInput {
        PathInput {
            gaps: [
                (BasicModule::DataBias, Rate(4_000)),
                (BasicModule::PromptEngineering, Rate(2_000)),
            ]
            .into_iter()
            .collect(),
            step_reached: Some(AiStep::BasicUnderstanding),
            stage: Stage::Participation,
            region_code: "11680".to_owned(),
            today: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
        }
    }

    /// Every other course is ineligible, with a reason.
    fn candidates(courses: &[Course]) -> Vec<Candidate<u32>> {
        courses
            .iter()
            .enumerate()
            .map(|(n, course)| Candidate {
                course: course.clone(),
                for_stage: n % 3 == 0,
                eligibility: if n % 2 == 0 {
                    Eligibility::Eligible(n as u32)
                } else {
                    Eligibility::NotEligible(Text {
                        ko: "재직자만".to_owned(),
                        en: "employees only".to_owned(),
                    })
                },
            })
            .collect()
    }

    #[test]
    fn an_ineligible_course_is_never_picked() {
        let courses = courses();
        let path = choose(&input(), candidates(&courses));
        assert!(!path.steps.is_empty());
        for step in &path.steps {
            assert!(step.picks.len() <= PICKS_PER_STEP);
            for pick in &step.picks {
                assert!(matches!(pick.eligibility, Eligibility::Eligible(n) if n % 2 == 0));
                assert_eq!(PathStepKind::of(pick.course.delivery), Some(step.kind));
                assert!(!pick.why.ko.contains("확인되지 않았습니다"));
            }
            for listed in &step.not_eligible {
                assert!(matches!(listed.eligibility, Eligibility::NotEligible(_)));
                assert!(
                    listed.why.ko.contains("지원 대상으로 확인되지 않았습니다: 재직자만"),
                    "{}",
                    listed.why.ko
                );
                if step.picks.len() == PICKS_PER_STEP {
                    assert!(listed.rank >= step.picks.last().unwrap().rank);
                }
            }
        }
    }

    #[test]
    fn a_pick_with_no_particular_reason_still_says_why() {
        let mut course = courses()
            .into_iter()
            .find(|c| c.delivery == Delivery::DigitalTwin)
            .unwrap();
        course.modules = vec![BasicModule::EthicsSecurity];
        course.ai_step = Some(AiStep::SolutionDevelopment);
        course.region = aiup_core::region::RegionCode::parse("26440").unwrap();
        course.cohorts.clear();
        let path = choose(
            &input(),
            vec![Candidate {
                course,
                for_stage: false,
                eligibility: Eligibility::Eligible(()),
            }],
        );
        let why = &path.steps[0].picks[0].why;
        assert_eq!(why.ko, "이 단계에서 찾은 과정 가운데 가장 알맞습니다.");
        assert_eq!(why.en, "It is the best match found for this step.");
    }

    #[test]
    fn practice_near_home_and_open_courses_come_first() {
        let today = input().today;
        let open = courses()
            .into_iter()
            .find(|c| {
                c.delivery == Delivery::VrMetaverse && c.card_status(today).is_some_and(|s| s.takes_applications())
            })
            .expect("an open VR course");
        let with = |id: &str, region: &str, open_now: bool| {
            let mut c = open.clone();
            c.id = aiup_catalogue::ExternalId::parse(id).unwrap();
            c.region = aiup_core::region::RegionCode::parse(region).unwrap();
            if !open_now {
                c.cohorts.clear();
            }
            Candidate {
                course: c,
                for_stage: false,
                eligibility: Eligibility::Eligible(()),
            }
        };
        // The person lives in 11680 (Seoul Gangnam-gu).
        let candidates = vec![
            with("a-busan-open", "26440", true),
            with("b-seoul-open", "11110", true),
            with("c-home-closed", "11680", false),
            with("d-home-open", "11680", true),
        ];
        let path = choose(&input(), candidates);
        let ids: Vec<&str> = path.steps[0].picks.iter().map(|p| p.course.id.as_str()).collect();
        assert_eq!(ids, ["d-home-open", "b-seoul-open", "a-busan-open"]);
        assert!(path.steps[0].picks[0].why.ko.contains("사는 시군구에서 열립니다"));
        assert!(path.steps[0].picks[1].why.ko.contains("사는 시도에서 열립니다"));
        assert!(path.steps[0].picks[0].why.ko.contains("지금 신청할 수 있습니다"));
    }

    #[test]
    fn when_nothing_is_eligible_every_step_is_skipped() {
        let courses = courses();
        let none: Vec<Candidate<u32>> = candidates(&courses)
            .into_iter()
            .map(|mut c| {
                c.eligibility = Eligibility::NotEligible(Text {
                    ko: "없음".to_owned(),
                    en: "none".to_owned(),
                });
                c
            })
            .collect();
        let path = choose(&input(), none);
        assert!(path.steps.is_empty());
        assert_eq!(path.skipped, PathStepKind::ALL);
    }

    #[test]
    fn a_step_without_courses_is_skipped_and_the_rest_keep_their_order() {
        let courses: Vec<Course> = courses()
            .into_iter()
            .filter(|c| c.delivery != Delivery::VrMetaverse)
            .collect();
        let path = choose(&input(), candidates(&courses));
        assert!(path.skipped.contains(&PathStepKind::BasicPractice));
        let kinds: Vec<PathStepKind> = path.steps.iter().map(|s| s.kind).collect();
        let mut sorted = kinds.clone();
        sorted.sort();
        assert_eq!(kinds, sorted);
    }

    #[test]
    fn the_biggest_gap_and_the_next_step_come_first() {
        let mut course = courses().into_iter().find(|c| c.delivery == Delivery::Remote).unwrap();
        course.ai_step = Some(AiStep::JobApplication);
        let mut covers_bias = course.clone();
        covers_bias.id = aiup_catalogue::ExternalId::parse("a-bias").unwrap();
        covers_bias.modules = vec![BasicModule::DataBias];
        let mut covers_ethics = course.clone();
        covers_ethics.id = aiup_catalogue::ExternalId::parse("b-ethics").unwrap();
        covers_ethics.modules = vec![BasicModule::EthicsSecurity];
        let mut wrong_step = covers_bias.clone();
        wrong_step.id = aiup_catalogue::ExternalId::parse("c-solution").unwrap();
        wrong_step.ai_step = Some(AiStep::SolutionDevelopment);
        let candidates = [covers_ethics, wrong_step, covers_bias]
            .into_iter()
            .map(|course| Candidate {
                course,
                for_stage: false,
                eligibility: Eligibility::Eligible(()),
            })
            .collect();
        let path = choose(&input(), candidates);
        let ids: Vec<&str> = path.steps[0].picks.iter().map(|p| p.course.id.as_str()).collect();
        // Gap and step both: first. The next step without a gap outranks one gap at the wrong step.
        assert_eq!(ids, ["a-bias", "b-ethics", "c-solution"]);
        assert!(path.steps[0].picks[0].rank > path.steps[0].picks[1].rank);
        let why = &path.steps[0].picks[0].why;
        assert!(why.ko.contains("데이터 편향(40%p)"), "{}", why.ko);
        assert!(why.ko.contains("다음 단계(직무 활용)"), "{}", why.ko);
        assert!(why.en.starts_with("Covers the areas"), "{}", why.en);
    }
}
