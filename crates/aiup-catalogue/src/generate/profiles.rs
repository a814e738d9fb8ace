//! How each course-running programme of the plan looks in the catalogue: how many courses it
//! has (people ÷ people per course), delivery, hours, fee, audiences, who runs it and which
//! topic families it teaches. See the module doc of `generate` for where the numbers come from.

use aiup_core::Delivery;

use crate::vocab::{Audience, InstitutionKind};

/// How the course fee is set.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Fee {
    /// No fee: the programme pays the institution in full (tuition `exempt`) or has no
    /// per-trainee tuition (`none`).
    Free,
    /// A unit price per hour (₩, classroom; remote courses get 45% of it) times the hours,
    /// times a markup in percent.
    PerHour { lo: i64, hi: i64, markup: (u32, u32) },
    /// A flat fee.
    Flat { lo: i64, hi: i64 },
}

/// Which of a family's AI steps a programme teaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AiPick {
    /// The most basic step the family has.
    Basic,
    /// The most advanced.
    Advanced,
    /// Any of them.
    Any,
}

#[derive(Debug)]
pub(crate) struct Profile {
    pub(crate) id: &'static str,
    /// People in 2026: the plan's figure where it gives one (see the module doc of `generate`).
    pub(crate) people: u32,
    /// People one course trains in a year: class size × cohorts a year.
    pub(crate) people_per_course: u32,
    /// Title prefixes as institutions write them on HRD-Net; "" for none.
    pub(crate) tags: &'static [&'static str],
    pub(crate) deliveries: &'static [(Delivery, u32)],
    /// Total hours, whole hours, inclusive.
    pub(crate) hours: (u32, u32),
    /// Hours a day for courses that are not remote.
    pub(crate) daily: &'static [u32],
    /// Seats per cohort for courses that are not remote.
    pub(crate) capacity: (u32, u32),
    pub(crate) fee: Fee,
    /// Always listed.
    pub(crate) audiences: &'static [Audience],
    /// Each added with probability 30%.
    pub(crate) extra_audiences: &'static [Audience],
    pub(crate) kinds: &'static [(InstitutionKind, u32)],
    pub(crate) ai_pick: AiPick,
    /// Topic families (ids in `families.rs`) with their weights within the programme.
    pub(crate) families: &'static [(&'static str, u32)],
    /// Sentences about the programme for the summary.
    pub(crate) sentences: &'static [&'static str],
    pub(crate) keywords: &'static [&'static str],
}

use Audience::{CareerBreakWomen, Employee, Instructor, JobSeeker, MiddleAged, Resident, Senior, Sme, Youth};
use Delivery::{Blended, Classroom, DigitalTwin, LiveOnline, Remote, VrMetaverse};
use InstitutionKind::{JointTrainingCentre, Polytech, Private, PublicOnline, University};

pub(crate) const PROFILES: &[Profile] = &[
    Profile {
        id: "card-ai-general",
        people: 56_000,
        people_per_course: 45,
        tags: &["", "", "", "[내일배움카드] "],
        deliveries: &[(Classroom, 70), (Blended, 10), (Remote, 10), (LiveOnline, 10)],
        hours: (20, 400),
        daily: &[8, 8, 6, 5, 4, 4, 3],
        capacity: (15, 30),
        fee: Fee::PerHour { lo: 8_000, hi: 14_000, markup: (90, 110) },
        audiences: &[JobSeeker],
        extra_audiences: &[Youth, MiddleAged, CareerBreakWomen],
        kinds: &[(Private, 90), (University, 10)],
        ai_pick: AiPick::Any,
        families: &[
            ("prompt_basics", 10), ("office_automation", 12), ("data_analysis", 12), ("ai_marketing", 8),
            ("ai_design_video", 8), ("genai_service", 5), ("ml_engineering", 3), ("llm_rag", 3),
            ("vision_inspection", 2), ("nlp", 2), ("healthcare_ai", 2), ("finance_ai", 3),
            ("logistics_ai", 2), ("ai_ethics", 3), ("security_ops", 3), ("smart_factory", 3),
            ("software_dev", 8), ("machining", 7), ("welding", 6), ("accounting", 8), ("baking", 5),
            ("electrical", 5),
        ],
        sentences: &[
            "국민내일배움카드로 수강할 수 있으며, 자부담률은 직종별 취업률에 따라 정해집니다.",
            "내일배움카드 발급 후 고용24(HRD-Net)에서 수강 신청할 수 있습니다.",
            "구직자와 이직 준비자 누구나 국민내일배움카드로 참여할 수 있습니다.",
        ],
        keywords: &["국민내일배움카드", "구직자"],
    },
    Profile {
        id: "kdc-ai",
        people: 19_600,
        people_per_course: 80,
        tags: &["[KDC] ", "[K-디지털 기초역량] ", ""],
        deliveries: &[(Remote, 50), (LiveOnline, 20), (Blended, 20), (Classroom, 10)],
        hours: (20, 120),
        daily: &[8, 6, 4, 3],
        capacity: (20, 40),
        fee: Fee::Flat { lo: 300_000, hi: 1_500_000 },
        audiences: &[JobSeeker],
        extra_audiences: &[Youth, Employee],
        kinds: &[(Private, 85), (University, 10), (PublicOnline, 5)],
        ai_pick: AiPick::Basic,
        families: &[
            ("prompt_basics", 15), ("data_analysis", 15), ("office_automation", 10), ("ml_engineering", 8),
            ("llm_rag", 6), ("genai_service", 6), ("ai_marketing", 5), ("ai_ethics", 5),
            ("ai_design_video", 4), ("nlp", 3), ("vision_inspection", 2), ("mlops_cloud", 4),
        ],
        sentences: &[
            "K-디지털 크레딧(KDC)으로 수강하는 디지털·AI 기초역량 과정입니다.",
            "더 높은 단계의 AI 훈련으로 이어지는 사다리 역할을 하도록 설계했습니다.",
        ],
        keywords: &["K-디지털 크레딧", "KDC"],
    },
    Profile {
        id: "sandaetuk-entry",
        people: 12_900,
        people_per_course: 40,
        tags: &["[산대특] ", "(산대특) "],
        deliveries: &[(Classroom, 85), (Blended, 15)],
        hours: (140, 600),
        daily: &[8, 8, 8, 6, 5],
        capacity: (18, 30),
        fee: Fee::PerHour { lo: 11_000, hi: 17_000, markup: (95, 115) },
        audiences: &[JobSeeker],
        extra_audiences: &[Youth, MiddleAged],
        kinds: &[(Private, 85), (University, 15)],
        ai_pick: AiPick::Advanced,
        families: &[
            ("data_analysis", 8), ("genai_service", 6), ("ml_engineering", 6), ("vision_inspection", 5),
            ("smart_factory", 8), ("robotics", 5), ("security_ops", 5), ("healthcare_ai", 3),
            ("logistics_ai", 4), ("finance_ai", 3), ("ai_design_video", 3), ("ai_marketing", 3),
        ],
        sentences: &[
            "산업구조변화대응 특화훈련(산대특) 과정으로 훈련장려금이 지역에 따라 우대 지급됩니다.",
            "지역 산업의 인력 수요를 반영해 지역 기업과 함께 설계한 과정입니다.",
        ],
        keywords: &["산대특", "구직자"],
    },
    Profile {
        id: "ai-assistant-job",
        people: 1_500,
        people_per_course: 13,
        tags: &["[AI 업무보조] ", ""],
        deliveries: &[(Classroom, 80), (Blended, 20)],
        hours: (140, 400),
        daily: &[8, 6, 5],
        capacity: (15, 25),
        fee: Fee::PerHour { lo: 11_000, hi: 16_000, markup: (90, 110) },
        audiences: &[JobSeeker],
        extra_audiences: &[Youth, CareerBreakWomen],
        kinds: &[(Private, 90), (University, 10)],
        ai_pick: AiPick::Any,
        families: &[("ai_design_video", 100)],
        sentences: &[
            "AI 업무보조 활용 직무수행 훈련 시범과정으로, 훈련비의 90% 이상을 정부가 지원합니다.",
            "내일배움카드 소지자를 대상으로 하며 출석에 따라 훈련장려금을 지급합니다.",
        ],
        keywords: &["AI 업무보조", "국민내일배움카드"],
    },
    Profile {
        id: "kdt-ai-campus",
        people: 10_000,
        people_per_course: 40,
        tags: &["[KDT AI 캠퍼스] ", "[KDT] "],
        deliveries: &[(Classroom, 90), (Blended, 10)],
        hours: (600, 1_000),
        daily: &[8],
        capacity: (20, 30),
        fee: Fee::Free,
        audiences: &[JobSeeker, Youth],
        extra_audiences: &[],
        kinds: &[(Private, 70), (University, 30)],
        ai_pick: AiPick::Advanced,
        families: &[
            ("genai_service", 20), ("ml_engineering", 15), ("llm_rag", 15), ("vision_inspection", 10),
            ("nlp", 8), ("mlops_cloud", 10), ("data_analysis", 8), ("security_ops", 5), ("robotics", 3),
            ("healthcare_ai", 3), ("finance_ai", 3),
        ],
        sentences: &[
            "KDT AI 캠퍼스 과정으로 훈련비 전액을 지원하며, 훈련생 지원금을 매월 지급합니다.",
            "현업 엔지니어가 멘토로 참여하고 기업 연계 프로젝트로 실무 경험을 쌓습니다.",
        ],
        keywords: &["KDT", "AI 캠퍼스", "부트캠프"],
    },
    Profile {
        id: "kdt-general",
        people: 10_000,
        people_per_course: 40,
        tags: &["[KDT] "],
        deliveries: &[(Classroom, 80), (LiveOnline, 20)],
        hours: (600, 1_000),
        daily: &[8],
        capacity: (20, 30),
        fee: Fee::PerHour { lo: 9_000, hi: 14_000, markup: (95, 110) },
        audiences: &[JobSeeker, Youth],
        extra_audiences: &[],
        kinds: &[(Private, 85), (University, 15)],
        ai_pick: AiPick::Advanced,
        families: &[
            ("software_dev", 40), ("mlops_cloud", 15), ("data_analysis", 15), ("security_ops", 10),
            ("genai_service", 10), ("ai_design_video", 5),
        ],
        sentences: &[
            "K-디지털 트레이닝 과정으로 훈련비 대부분을 정부가 지원하고 훈련장려금을 지급합니다.",
            "디지털 신기술 분야 취업을 목표로 기업과 함께 설계한 프로젝트 중심 과정입니다.",
        ],
        keywords: &["KDT", "K-디지털 트레이닝"],
    },
    Profile {
        id: "polytech-hightech-ai",
        people: 260,
        people_per_course: 20,
        tags: &["[하이테크] "],
        deliveries: &[(Classroom, 100)],
        hours: (900, 1_400),
        daily: &[8],
        capacity: (15, 25),
        fee: Fee::Free,
        audiences: &[Youth],
        extra_audiences: &[JobSeeker],
        kinds: &[(Polytech, 100)],
        ai_pick: AiPick::Advanced,
        families: &[
            ("smart_factory", 30), ("robotics", 30), ("vision_inspection", 20), ("ml_engineering", 10),
            ("data_analysis", 10),
        ],
        sentences: &[
            "한국폴리텍대학 하이테크 과정으로 교육비는 무료이며, 전통산업과 AI·ICT를 결합한 '직무+AI' 인재를 양성합니다.",
        ],
        keywords: &["하이테크과정", "폴리텍"],
    },
    Profile {
        id: "sme-ai-online",
        people: 100_000,
        people_per_course: 800,
        tags: &["", "[재직자] "],
        deliveries: &[(Remote, 100)],
        hours: (8, 40),
        daily: &[4],
        capacity: (100, 500),
        fee: Fee::PerHour { lo: 9_000, hi: 14_000, markup: (100, 300) },
        audiences: &[Employee, Sme],
        extra_audiences: &[],
        kinds: &[(Private, 85), (PublicOnline, 15)],
        ai_pick: AiPick::Basic,
        families: &[
            ("prompt_basics", 30), ("office_automation", 25), ("ai_marketing", 10), ("ai_ethics", 10),
            ("data_analysis", 10), ("ai_design_video", 5), ("finance_ai", 3), ("logistics_ai", 3),
            ("healthcare_ai", 2), ("genai_service", 2),
        ],
        sentences: &[
            "중소기업 재직자는 자부담 없이 무료로 수강할 수 있습니다.",
            "PC와 모바일로 언제 어디서나 수강할 수 있는 온라인 과정입니다.",
        ],
        keywords: &["재직자훈련", "중소기업", "온라인"],
    },
    Profile {
        id: "sme-premium-skillup",
        people: 20_000,
        people_per_course: 25,
        tags: &["", "[재직자] "],
        deliveries: &[(Classroom, 40), (LiveOnline, 30), (Remote, 20), (Blended, 10)],
        hours: (8, 80),
        daily: &[8, 8, 7, 4],
        capacity: (15, 30),
        fee: Fee::PerHour { lo: 20_000, hi: 45_000, markup: (100, 100) },
        audiences: &[Employee, Sme],
        extra_audiences: &[],
        kinds: &[(Private, 85), (University, 15)],
        ai_pick: AiPick::Any,
        families: &[
            ("office_automation", 20), ("data_analysis", 15), ("prompt_basics", 10), ("ai_marketing", 12),
            ("llm_rag", 8), ("genai_service", 8), ("ai_design_video", 8), ("mlops_cloud", 5),
            ("ai_ethics", 4), ("vision_inspection", 4), ("finance_ai", 3), ("logistics_ai", 3),
        ],
        sentences: &[
            "중소기업 재직자는 수강료의 90%(비수도권 기업 95%)를 지원받을 수 있는 우수 AI 과정입니다.",
            "직무 역량에 AI 활용 역량을 더하는 재직자 스킬업 과정입니다.",
        ],
        keywords: &["재직자훈련", "중소기업", "스킬업"],
    },
    Profile {
        id: "sme-pbl",
        people: 9_000,
        people_per_course: 15,
        tags: &["[PBL] ", "[현장맞춤 PBL] "],
        deliveries: &[(Classroom, 70), (Blended, 30)],
        hours: (16, 120),
        daily: &[8, 6, 4],
        capacity: (15, 25),
        fee: Fee::PerHour { lo: 12_000, hi: 20_000, markup: (100, 250) },
        audiences: &[Employee, Sme],
        extra_audiences: &[],
        kinds: &[(Private, 70), (University, 10), (JointTrainingCentre, 20)],
        ai_pick: AiPick::Any,
        families: &[
            ("smart_factory", 20), ("vision_inspection", 15), ("office_automation", 15), ("data_analysis", 12),
            ("logistics_ai", 10), ("llm_rag", 8), ("ai_marketing", 6), ("robotics", 6), ("finance_ai", 3),
            ("healthcare_ai", 3),
        ],
        sentences: &[
            "기업의 직무 분석을 바탕으로 개발한 현장문제해결(PBL) 과정으로, 사내 현장교사와 외부 전문가가 함께 지도합니다.",
            "참여 기업의 실제 업무 문제를 과제로 삼아 AI 도입 결과물을 만드는 것을 목표로 합니다.",
        ],
        keywords: &["PBL", "중소기업", "현장문제해결"],
    },
    Profile {
        id: "polytech-ai-basics",
        people: 28_000,
        people_per_course: 30,
        tags: &["[중장년] ", "", ""],
        deliveries: &[(Classroom, 90), (Blended, 10)],
        hours: (140, 900),
        daily: &[8, 8, 6],
        capacity: (15, 30),
        fee: Fee::Free,
        audiences: &[MiddleAged, JobSeeker],
        extra_audiences: &[CareerBreakWomen, Senior],
        kinds: &[(Polytech, 100)],
        ai_pick: AiPick::Basic,
        families: &[
            ("machining", 15), ("welding", 12), ("electrical", 12), ("smart_factory", 10),
            ("office_automation", 20), ("accounting", 6), ("baking", 4), ("robotics", 6), ("data_analysis", 5),
            ("ai_design_video", 5),
        ],
        sentences: &[
            "한국폴리텍대학 과정으로 교육비는 무료이며, 모든 과정에 AI 기초역량 교과(생성형 AI 활용, AI 윤리)를 편성했습니다.",
            "신중년과 이·전직 희망자의 재취업을 돕기 위해 취업 상담과 알선을 함께 제공합니다.",
        ],
        keywords: &["폴리텍", "중장년", "신중년", "AI 기초"],
    },
    Profile {
        id: "sandaetuk-ai-transition",
        people: 500,
        people_per_course: 20,
        tags: &["[산대특] ", "[직무전환] "],
        deliveries: &[(Classroom, 80), (Blended, 20)],
        hours: (350, 800),
        daily: &[8],
        capacity: (15, 25),
        fee: Fee::PerHour { lo: 12_000, hi: 18_000, markup: (95, 120) },
        audiences: &[MiddleAged, JobSeeker],
        extra_audiences: &[Employee],
        kinds: &[(Private, 80), (University, 20)],
        ai_pick: AiPick::Advanced,
        families: &[
            ("ml_engineering", 20), ("genai_service", 20), ("llm_rag", 20), ("data_analysis", 15),
            ("mlops_cloud", 10), ("smart_factory", 10), ("security_ops", 5),
        ],
        sentences: &[
            "'SW 개발자에서 AI 개발자로'처럼 경력을 살려 AI 직무로 전환하는 산대특 직무전환 과정입니다.",
            "AI 과정 훈련비는 기준단가의 130%까지 인정되며 훈련장려금이 지역에 따라 우대 지급됩니다.",
        ],
        keywords: &["산대특", "직무전환", "중장년"],
    },
    Profile {
        id: "polytech-ax",
        people: 1_000,
        people_per_course: 20,
        tags: &["[AX] ", "[폴리텍 AX] "],
        deliveries: &[(Classroom, 80), (DigitalTwin, 10), (Blended, 10)],
        hours: (320, 480),
        daily: &[8],
        capacity: (15, 25),
        fee: Fee::Free,
        audiences: &[MiddleAged, JobSeeker],
        extra_audiences: &[Employee],
        kinds: &[(Polytech, 100)],
        ai_pick: AiPick::Any,
        families: &[
            ("smart_factory", 25), ("robotics", 20), ("vision_inspection", 15), ("logistics_ai", 15),
            ("office_automation", 15), ("data_analysis", 10),
        ],
        sentences: &[
            "이·전직 준비자와 구직자가 산업·직종별 AI 솔루션 활용법을 익히는 3개월 과정으로 교육비는 무료입니다.",
        ],
        keywords: &["폴리텍", "AX", "이·전직"],
    },
    Profile {
        id: "regional-consortium-ai",
        people: 15_000,
        people_per_course: 30,
        tags: &["[지역컨소시엄] ", "", ""],
        deliveries: &[(Classroom, 70), (Blended, 15), (LiveOnline, 10), (VrMetaverse, 5)],
        hours: (8, 60),
        daily: &[8, 8, 4],
        capacity: (15, 30),
        fee: Fee::Free,
        audiences: &[Employee, Sme],
        extra_audiences: &[Resident, MiddleAged],
        kinds: &[(Private, 50), (University, 30), (Polytech, 20)],
        ai_pick: AiPick::Any,
        families: &[
            ("smart_factory", 15), ("office_automation", 15), ("prompt_basics", 10), ("data_analysis", 10),
            ("vision_inspection", 8), ("logistics_ai", 6), ("ai_marketing", 6), ("machining", 6), ("welding", 4),
            ("robotics", 6), ("healthcare_ai", 3), ("finance_ai", 3), ("electrical", 4),
        ],
        sentences: &[
            "지역인적자원개발위원회가 발굴한 지역 산업계 수요를 반영한 컨소시엄 공동훈련으로, 재직자는 무료로 참여합니다.",
            "지역 중소기업 재직자의 AI 전환을 돕기 위해 지역 기업과 훈련기관이 함께 운영합니다.",
        ],
        keywords: &["지역컨소시엄", "재직자훈련", "지역특화"],
    },
    Profile {
        id: "ai-joint-training-centres",
        people: 12_000,
        people_per_course: 40,
        tags: &["[공동훈련] ", ""],
        deliveries: &[(Classroom, 50), (Blended, 20), (LiveOnline, 15), (DigitalTwin, 10), (VrMetaverse, 5)],
        hours: (16, 80),
        daily: &[8, 8, 4],
        capacity: (15, 40),
        fee: Fee::PerHour { lo: 12_000, hi: 20_000, markup: (100, 250) },
        audiences: &[Employee, Sme],
        extra_audiences: &[],
        kinds: &[(JointTrainingCentre, 100)],
        ai_pick: AiPick::Any,
        families: &[
            ("smart_factory", 20), ("vision_inspection", 12), ("robotics", 10), ("llm_rag", 10),
            ("data_analysis", 10), ("ml_engineering", 8), ("mlops_cloud", 8), ("security_ops", 8),
            ("office_automation", 6), ("genai_service", 8),
        ],
        sentences: &[
            "대기업의 AI 인프라와 교육 프로그램을 협력 중소기업 재직자에게 개방하는 AI 특화 공동훈련 과정입니다.",
            "현업 AI 전문가가 강사로 참여하며 기업의 실제 장비와 데이터로 실습합니다.",
        ],
        keywords: &["공동훈련센터", "중소기업", "재직자훈련"],
    },
    Profile {
        id: "ai-instructor-academy",
        people: 12_650,
        people_per_course: 60,
        tags: &["[AI 교·강사 아카데미] "],
        deliveries: &[(Remote, 40), (Classroom, 35), (Blended, 20), (VrMetaverse, 5)],
        hours: (16, 120),
        daily: &[8, 7, 4],
        capacity: (20, 40),
        fee: Fee::Free,
        audiences: &[Instructor],
        extra_audiences: &[],
        kinds: &[(University, 60), (Polytech, 25), (PublicOnline, 15)],
        ai_pick: AiPick::Any,
        families: &[("instructor_ai", 100)],
        sentences: &[
            "한국기술교육대학교를 중심으로 폴리텍, 한국산업인력공단이 함께 운영하는 AI 교·강사 아카데미 과정입니다.",
        ],
        keywords: &["AI 교·강사 아카데미", "훈련교사"],
    },
];
