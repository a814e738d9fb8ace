//! The survey's answer codes, each with its Korean and English wording (seed 002 appendix 2).
//! In the CSV a single choice is its number (① = 1) and a multiple choice is numbers joined by
//! `;` (docs/sme-survey.md).

use serde::Serialize;

macro_rules! code_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = ($code:literal, $ko:literal, $en:literal)),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// A stable code (for tables, CSV downloads and query strings).
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The option's wording in Korean and English.
            pub fn label(self) -> (&'static str, &'static str) {
                match self { $($name::$variant => ($ko, $en)),+ }
            }

            /// The option's position in the questionnaire (0-based; the CSV number is this + 1).
            pub fn index(self) -> usize {
                Self::ALL.iter().position(|v| *v == self).unwrap_or(0)
            }

            pub fn from_index(index: usize) -> Option<$name> {
                Self::ALL.get(index).copied()
            }
        }
    };
}

code_enum! {
    /// AI-training experience (AI 훈련 경험 여부).
    Experience {
        Done = ("done", "경험있음", "Has done AI training"),
        Considering = ("considering", "실시검토", "Considering it"),
        None = ("none", "계획없음", "No plan"),
    }
}

impl Experience {
    pub fn parse(text: &str) -> Option<Experience> {
        Experience::ALL.iter().copied().find(|e| e.as_str() == text.trim())
    }
}

code_enum! {
    /// The eight fields of AI training (훈련분야), done and needed.
    Field {
        Management = ("management", "경영·기획 (전략 수립, 의사결정 지원 등)", "Management and planning (strategy, decision support)"),
        Production = ("production", "생산·설비 (불량 감지, 품질 예측 등)", "Production and equipment (defect detection, quality prediction)"),
        Marketing = ("marketing", "마케팅·영업 (고객 분석, 수요 예측 등)", "Marketing and sales (customer analysis, demand forecasting)"),
        Hr = ("hr", "인사·총무 (인재관리, 교육 수요분석 등)", "HR and general affairs (talent management, training needs analysis)"),
        CustomerSupport = ("customer_support", "고객지원 (챗봇 응대, 자동분류 등)", "Customer support (chatbots, automatic classification)"),
        NewMarkets = ("new_markets", "시장 개척 (신제품·신서비스 기획 등)", "New markets (new products and services)"),
        Office = ("office", "사무일반 (문서작성, 보고서 요약 등)", "General office work (documents, report summaries)"),
        Knowledge = ("knowledge", "지식·노하우 관리·전수 (숙련경험 매뉴얼화 등)", "Knowledge and know-how transfer (manuals of skilled experience)"),
    }
}

code_enum! {
    /// The four training methods (훈련방식).
    Method {
        InHouseClassroom = ("inhouse_classroom", "사내 집체훈련", "In-house classroom"),
        InHouseRemote = ("inhouse_remote", "사내 원격훈련", "In-house remote"),
        ExternalClassroom = ("external_classroom", "외부(위탁) 집체훈련", "External (commissioned) classroom"),
        ExternalRemote = ("external_remote", "외부(위탁) 원격훈련", "External (commissioned) remote"),
    }
}

impl Method {
    pub fn remote(self) -> bool {
        matches!(self, Method::InHouseRemote | Method::ExternalRemote)
    }
}

code_enum! {
    /// The four training levels (훈련수준).
    Level {
        Literacy = ("literacy", "AI 기초 리터러시", "Basic AI literacy"),
        Applied = ("applied", "업무 적용 실습", "Hands-on use at work"),
        Integration = ("integration", "기존 시스템(ERP 등)과 AI 연동", "Linking AI with existing systems (ERP etc.)"),
        Specialist = ("specialist", "자사 AI 모델 기획·개발 역량을 갖춘 전문인력 육성", "Specialists who can plan and build the firm's own AI models"),
    }
}

code_enum! {
    /// The five bands of training hours (교육시간).
    Hours {
        Under4 = ("under_4", "4시간 미만", "Under 4 hours"),
        From4To8 = ("4_8", "4~8시간 미만", "4 to under 8 hours"),
        From8To16 = ("8_16", "8~16시간 미만", "8 to under 16 hours"),
        From16To40 = ("16_40", "16~40시간 미만", "16 to under 40 hours"),
        From40 = ("40_plus", "40시간 이상", "40 hours or more"),
    }
}

code_enum! {
    /// The seven obstacles (애로사항), for training done and needed.
    Obstacle {
        CeoInterest = ("ceo_interest", "CEO 관심 저조", "Little interest from the CEO"),
        StaffInterest = ("staff_interest", "직원의 관심 부족", "Little interest from staff"),
        Information = ("information", "AI 관련 정보 부족", "Too little information about AI"),
        Cost = ("cost", "비용 부담", "Cost"),
        Time = ("time", "훈련시간 확보 어려움", "Hard to find time for training"),
        Security = ("security", "데이터 보안 및 정보유출 우려", "Data security and leaks"),
        Uncertainty = ("uncertainty", "실질적인 효과에 대한 불확실성", "Uncertain real benefit"),
    }
}

code_enum! {
    /// The eight kinds of government support wanted (필요한 정부 지원사항).
    Support {
        Consulting = ("consulting", "기업에 맞는 훈련 진단·컨설팅", "Training diagnosis and consulting fitted to the firm"),
        ExpertVisit = ("expert_visit", "외부전문가가 찾아가 현장문제 도출·해법 제시", "Outside experts who visit, find the problems and propose solutions"),
        InternalTrainer = ("internal_trainer", "사내강사 역량향상 교육", "Training for in-house trainers"),
        TrainingCost = ("training_cost", "교육훈련 실시 비용 지원", "Support for training costs"),
        LearningGroup = ("learning_group", "기업 자체 학습조직활동 비용 지원", "Support for the firm's own learning groups"),
        Degree = ("degree", "재직자 학위과정 비용지원", "Support for employees' degree courses"),
        ShortForm = ("short_form", "숏폼식의 온라인 콘텐츠 확대 제공", "More short-form online content"),
        Cases = ("cases", "AI문제해결 우수사례 발굴·전파", "Finding and spreading good cases of AI problem solving"),
    }
}
