//! The training plan a diagnosis calls for (seed 002 IV-② <참고> AX 수준별 AI 교육훈련 지원 내용):
//!
//! - 초급 (beginner): AX awareness consulting for the CEO and executives, and online AI courses
//!   for staff (`sme-ai-online`: self-payment 10% in 2025, exempt from 2026-03; the unit price
//!   recognised up to 3×);
//! - 중급 (intermediate): job + AI skill-up courses from the catalogue (`sme-premium-skillup`:
//!   90% of the fee in 2025; 90% capital / 95% non-capital in 2026);
//! - 고급 (advanced): a job analysis, then PBL training built on it (`sme-pbl`), with allowances
//!   for in-house field teachers and outside experts.
//!
//! Each course item carries the catalogue criteria its courses are searched by: the programme,
//! the NCS majors of the needs, the AI levels, the deliveries of the preferred method and the
//! hours bands of the preferred length. Which courses, and their prices, are the service's
//! (the catalogue search and the rules engine).

use std::collections::BTreeSet;

use aiup_catalogue::{AiLevel, HoursBand, NcsMajor};
use aiup_core::policy::Text;
use aiup_core::Delivery;
use serde::Serialize;

use crate::assessment::Assessment;
use crate::questionnaire::{Questionnaire, Role};
use crate::AxLevel;

/// What a plan item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    AwarenessConsulting,
    OnlineCourses,
    SkillUpCourses,
    JobAnalysis,
    PblTraining,
}

impl ItemKind {
    pub const ALL: [ItemKind; 5] = [
        ItemKind::AwarenessConsulting,
        ItemKind::OnlineCourses,
        ItemKind::SkillUpCourses,
        ItemKind::JobAnalysis,
        ItemKind::PblTraining,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::AwarenessConsulting => "awareness_consulting",
            ItemKind::OnlineCourses => "online_courses",
            ItemKind::SkillUpCourses => "skillup_courses",
            ItemKind::JobAnalysis => "job_analysis",
            ItemKind::PblTraining => "pbl_training",
        }
    }

    pub fn parse(text: &str) -> Option<ItemKind> {
        ItemKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            ItemKind::AwarenessConsulting => ("CEO·임원 AX 인식 제고 컨설팅", "AX awareness consulting for executives"),
            ItemKind::OnlineCourses => ("직원 AI 온라인 훈련", "Online AI courses for staff"),
            ItemKind::SkillUpCourses => ("재직자 AI 직무 스킬업 훈련", "Job + AI skill-up courses for employees"),
            ItemKind::JobAnalysis => ("직무 분석", "Job analysis"),
            ItemKind::PblTraining => ("업종·직무 맞춤 PBL 훈련", "PBL training fitted to the firm's jobs"),
        }
    }
}

/// The catalogue search of a course item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CourseCriteria {
    pub programme_id: String,
    pub ncs_majors: Vec<NcsMajor>,
    pub ai_levels: Vec<AiLevel>,
    pub deliveries: Vec<Delivery>,
    pub hours_bands: Vec<HoursBand>,
}

/// One item of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanItem {
    pub kind: ItemKind,
    pub why: Text,
    pub cite: &'static str,
    /// Course items only.
    pub criteria: Option<CourseCriteria>,
}

/// A prescription before courses are found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub level: AxLevel,
    pub items: Vec<PlanItem>,
}

pub const PROGRAMME_ONLINE: &str = "sme-ai-online";
pub const PROGRAMME_SKILLUP: &str = "sme-premium-skillup";
pub const PROGRAMME_PBL: &str = "sme-pbl";

fn union<T: Ord + Copy>(parts: impl IntoIterator<Item = T>) -> Vec<T> {
    parts.into_iter().collect::<BTreeSet<T>>().into_iter().collect()
}

fn t(ko: &str, en: &str) -> Text {
    Text {
        ko: ko.to_owned(),
        en: en.to_owned(),
    }
}

/// The plan for an assessment made with `q`.
pub fn prescribe(q: &Questionnaire, a: &Assessment) -> Plan {
    let options = |role: Role, ids: &[String]| {
        let item = q.by_role(role);
        ids.iter().filter_map(|id| item.option(id)).cloned().collect::<Vec<_>>()
    };
    let needs = options(Role::Needs, &a.needs);
    let ncs_majors = union(needs.iter().flat_map(|o| o.ncs.iter().copied()));
    let method = options(Role::Method, std::slice::from_ref(&a.method));
    let preferred_deliveries = union(method.iter().flat_map(|o| o.deliveries.iter().copied()));
    let length = options(Role::Length, std::slice::from_ref(&a.length));
    let hours_bands = union(length.iter().flat_map(|o| o.hours_bands.iter().copied()));
    let wanted = options(Role::LevelWanted, std::slice::from_ref(&a.level_wanted));
    let wanted_levels: Vec<AiLevel> = union(wanted.iter().flat_map(|o| o.ai_levels.iter().copied()));
    let criteria = |programme: &str, ai_levels: Vec<AiLevel>, deliveries: Vec<Delivery>| CourseCriteria {
        programme_id: programme.to_owned(),
        ncs_majors: ncs_majors.clone(),
        ai_levels,
        deliveries,
        hours_bands: hours_bands.clone(),
    };
    let items = match a.level {
        AxLevel::Beginner => {
            // Online, at the literacy level, and the level wanted if it is the next one up.
            let levels = union(
                std::iter::once(AiLevel::Literacy)
                    .chain(wanted_levels.iter().copied().filter(|l| *l == AiLevel::WorkPractice)),
            );
            vec![
                PlanItem {
                    kind: ItemKind::AwarenessConsulting,
                    why: t(
                        "초급 기업은 AX와 AI 교육훈련의 진입장벽을 없애는 데서 시작합니다: CEO·임원에게 AX 방향과 인식을 컨설팅합니다.",
                        "A beginner firm starts by removing the barriers to AX and AI training: the CEO and executives are consulted on AX direction and awareness.",
                    ),
                    cite: "seed:002 IV-② <참고> ①",
                    criteria: None,
                },
                PlanItem {
                    kind: ItemKind::OnlineCourses,
                    why: t(
                        "훈련 여력이 없는 중소기업 직원에게 AI 온라인 훈련을 우대 지원합니다(2026년 자부담 면제, 훈련비 기준단가 최대 3배 인정).",
                        "Staff of firms with little room for training take online AI courses on favoured terms (no self-payment in 2026; up to 3× the base unit price recognised).",
                    ),
                    cite: "seed:002 IV-② <참고> ①",
                    criteria: Some(criteria(PROGRAMME_ONLINE, levels, vec![Delivery::Remote, Delivery::LiveOnline])),
                },
            ]
        }
        AxLevel::Intermediate => {
            let levels = if wanted_levels.is_empty() || wanted_levels == [AiLevel::Literacy] {
                vec![AiLevel::Literacy, AiLevel::WorkPractice]
            } else {
                union(wanted_levels.iter().copied().chain([AiLevel::WorkPractice]))
            };
            vec![PlanItem {
                kind: ItemKind::SkillUpCourses,
                why: t(
                    "중급 기업의 재직자는 민간 우수 AI 과정에서 직무 스킬업 실습 훈련을 받고, 수강비를 우대 지원받습니다(2026년 수도권 90%, 비수도권 95%).",
                    "Employees of an intermediate firm take hands-on job skill-up courses from good private providers, with the fee supported (2026: 90% in the capital area, 95% elsewhere).",
                ),
                cite: "seed:002 IV-② <참고> ②",
                criteria: Some(criteria(PROGRAMME_SKILLUP, levels, preferred_deliveries.clone())),
            }]
        }
        AxLevel::Advanced => vec![
            PlanItem {
                kind: ItemKind::JobAnalysis,
                why: t(
                    "고급 기업은 업종·직무를 분석해 그 결과로 훈련과정을 개발합니다(예: 제조공정의 불량 탐지·고장 예측 AI 활용).",
                    "An advanced firm has its jobs analysed, and courses are developed from the analysis (e.g. using the AI in its production line to detect defects and predict failures).",
                ),
                cite: "seed:002 IV-② <참고> ③",
                criteria: None,
            },
            PlanItem {
                kind: ItemKind::PblTraining,
                why: t(
                    "직무 분석을 바탕으로 현장문제해결(PBL) 훈련을 하고, 사내 AI 핵심인재를 기르도록 내부 현장교사·외부 전문가 수당을 지원합니다.",
                    "Problem-based training on the job analysis, growing the firm's own key AI people, with allowances for in-house field teachers and outside experts.",
                ),
                cite: "seed:002 IV-② <참고> ③",
                criteria: Some(criteria(
                    PROGRAMME_PBL,
                    union(
                        [AiLevel::SystemIntegration, AiLevel::ModelDevelopment]
                            .into_iter()
                            .chain(wanted_levels.iter().copied().filter(|l| *l >= AiLevel::WorkPractice)),
                    ),
                    vec![Delivery::Classroom, Delivery::Blended],
                )),
            },
        ],
    };
    Plan { level: a.level, items }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::assess;
    use crate::assessment::tests::answers;
    use crate::questionnaire::questionnaire;

    #[test]
    fn each_level_gets_the_plans_items_with_the_needs_as_criteria() {
        let q = questionnaire();
        let beginner = prescribe(q, &assess(q, &answers(0, false, "none", 0)).unwrap());
        let kinds: Vec<ItemKind> = beginner.items.iter().map(|i| i.kind).collect();
        assert_eq!(kinds, [ItemKind::AwarenessConsulting, ItemKind::OnlineCourses]);
        let online = beginner.items[1].criteria.as_ref().unwrap();
        assert_eq!(online.programme_id, PROGRAMME_ONLINE);
        assert_eq!(online.deliveries, [Delivery::Remote, Delivery::LiveOnline]);
        assert_eq!(online.ai_levels, [AiLevel::Literacy, AiLevel::WorkPractice]);
        // production → 15, 19; office → 02.
        assert_eq!(
            online.ncs_majors,
            [
                NcsMajor::ManagementAccounting,
                NcsMajor::Machinery,
                NcsMajor::ElectricalElectronics
            ]
        );
        assert_eq!(online.hours_bands, [HoursBand::UpTo40]);

        let intermediate = prescribe(q, &assess(q, &answers(1, true, "done", 4)).unwrap());
        assert_eq!(intermediate.level, AxLevel::Intermediate);
        let skill = intermediate.items[0].criteria.as_ref().unwrap();
        assert_eq!(skill.programme_id, PROGRAMME_SKILLUP);
        // Outsourced remote.
        assert_eq!(skill.deliveries, [Delivery::Remote, Delivery::LiveOnline]);
        assert_eq!(skill.ai_levels, [AiLevel::WorkPractice]);

        let advanced = prescribe(q, &assess(q, &answers(3, true, "done", 40)).unwrap());
        let kinds: Vec<ItemKind> = advanced.items.iter().map(|i| i.kind).collect();
        assert_eq!(kinds, [ItemKind::JobAnalysis, ItemKind::PblTraining]);
        let pbl = advanced.items[1].criteria.as_ref().unwrap();
        assert_eq!(pbl.programme_id, PROGRAMME_PBL);
        assert!(pbl.ai_levels.contains(&AiLevel::SystemIntegration));
        for kind in ItemKind::ALL {
            assert_eq!(ItemKind::parse(kind.as_str()), Some(kind));
        }
    }
}
