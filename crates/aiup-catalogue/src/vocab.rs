//! Closed vocabularies of the catalogue, with wire spellings and Korean and English labels.

use aiup_core::vocabulary;

vocabulary! {
    /// What kind of body runs a training institution.
    InstitutionKind {
        Private = "private" / "민간 훈련기관" / "private training institution",
        Polytech = "polytech" / "한국폴리텍대학 캠퍼스" / "Korea Polytechnics campus",
        University = "university" / "대학" / "university",
        JointTrainingCentre = "joint_training_centre" / "대기업 공동훈련센터" / "large-firm joint training centre",
        PublicOnline = "public_online" / "공공 온라인 플랫폼(STEP 등)" / "public online platform (STEP etc.)",
    }
}

vocabulary! {
    /// The institution's result in HRD Korea's certification review (인증평가): how many years
    /// the certificate runs for, or a new institution that has not been reviewed yet.
    QualityGrade {
        FiveYear = "five_year" / "5년 인증(우수)" / "5-year certified (excellent)",
        ThreeYear = "three_year" / "3년 인증" / "3-year certified",
        OneYear = "one_year" / "1년 인증" / "1-year certified",
        New = "new" / "신규 기관" / "new institution",
    }
}

vocabulary! {
    /// The plan's three steps of AI skill (seed 002).
    AiStep {
        BasicUnderstanding = "basic_understanding" / "AI 기초 이해" / "basic understanding",
        JobApplication = "job_application" / "직무 활용" / "use in a job",
        SolutionDevelopment = "solution_development" / "솔루션 개발" / "solution development",
    }
}

vocabulary! {
    /// The four levels of AI use in the SME survey the plan cites (seed 002).
    AiLevel {
        Literacy = "literacy" / "AI 리터러시" / "AI literacy",
        WorkPractice = "work_practice" / "업무 적용 실습" / "work-application practice",
        SystemIntegration = "system_integration" / "기존 시스템 연계" / "link with existing systems",
        ModelDevelopment = "model_development" / "자체 AI 모델 개발" / "in-house AI model development",
    }
}

vocabulary! {
    /// The five basic modules every AI basics course draws from (seed 002).
    BasicModule {
        EthicsSecurity = "ethics_security" / "AI 윤리·보안" / "AI ethics and security",
        PromptEngineering = "prompt_engineering" / "프롬프트 엔지니어링" / "prompt engineering",
        VerificationRefinement = "verification_refinement" / "결과 검증·개선" / "verification and refinement",
        DataBias = "data_bias" / "데이터 편향" / "data bias",
        ProductivityTools = "productivity_tools" / "AI 생산성 도구" / "AI productivity tools",
    }
}

vocabulary! {
    /// Who a course is for.
    Audience {
        JobSeeker = "job_seeker" / "구직자" / "job seekers",
        Youth = "youth" / "청년" / "youth",
        Employee = "employee" / "재직자" / "employees",
        Sme = "sme" / "중소기업" / "SMEs",
        MiddleAged = "middle_aged" / "중장년" / "middle-aged",
        CareerBreakWomen = "career_break_women" / "경력단절여성" / "career-break women",
        Instructor = "instructor" / "훈련교사·강사" / "instructors",
        Resident = "resident" / "지역 주민" / "local residents",
        Senior = "senior" / "어르신" / "seniors",
        Student = "student" / "학생" / "students",
    }
}

vocabulary! {
    /// The 24 major categories (대분류) of the National Competency Standards.
    NcsMajor {
        BusinessManagement = "01" / "사업관리" / "business management",
        ManagementAccounting = "02" / "경영·회계·사무" / "management, accounting and office work",
        FinanceInsurance = "03" / "금융·보험" / "finance and insurance",
        EducationSciences = "04" / "교육·자연·사회과학" / "education, natural and social sciences",
        LawSafety = "05" / "법률·경찰·소방·교도·국방" / "law, police, fire, corrections and defence",
        Health = "06" / "보건·의료" / "health and medicine",
        SocialWelfare = "07" / "사회복지·종교" / "social welfare and religion",
        CultureArtsDesign = "08" / "문화·예술·디자인·방송" / "culture, arts, design and broadcasting",
        DrivingTransport = "09" / "운전·운송" / "driving and transport",
        Sales = "10" / "영업판매" / "sales",
        SecurityCleaning = "11" / "경비·청소" / "security and cleaning",
        LeisureTravel = "12" / "이용·숙박·여행·오락·스포츠" / "personal services, lodging, travel, leisure and sport",
        FoodService = "13" / "음식서비스" / "food service",
        Construction = "14" / "건설" / "construction",
        Machinery = "15" / "기계" / "machinery",
        Materials = "16" / "재료" / "materials",
        ChemistryBio = "17" / "화학·바이오" / "chemistry and biotechnology",
        TextilesClothing = "18" / "섬유·의복" / "textiles and clothing",
        ElectricalElectronics = "19" / "전기·전자" / "electrical and electronics",
        InformationCommunication = "20" / "정보통신" / "information and communications",
        FoodProcessing = "21" / "식품가공" / "food processing",
        PrintingWoodCrafts = "22" / "인쇄·목재·가구·공예" / "printing, wood, furniture and crafts",
        EnvironmentEnergySafety = "23" / "환경·에너지·안전" / "environment, energy and safety",
        AgricultureFisheries = "24" / "농림어업" / "agriculture, forestry and fisheries",
    }
}

vocabulary! {
    /// Total-hours bands for the search facet. 140 hours is where the trainee allowance starts
    /// (BRIEF §2), so it is a band edge.
    HoursBand {
        UpTo40 = "up_to_40" / "40시간 이하" / "40 hours or less",
        From41To139 = "41_139" / "41–139시간" / "41–139 hours",
        From140To599 = "140_599" / "140–599시간" / "140–599 hours",
        From600 = "600_plus" / "600시간 이상" / "600 hours or more",
    }
}

vocabulary! {
    /// Course-fee bands for the search facet (the fee before support).
    FeeBand {
        Free = "free" / "무료" / "free",
        Under500k = "under_500k" / "50만원 미만" / "under ₩500,000",
        From500kTo1m = "500k_1m" / "50만–100만원" / "₩500,000–1,000,000",
        From1mTo3m = "1m_3m" / "100만–300만원" / "₩1–3 million",
        From3m = "3m_plus" / "300만원 이상" / "₩3 million or more",
    }
}

impl HoursBand {
    /// The band of `hours` (tenths of an hour are rounded down: 139.5 hours is under 140).
    pub fn of(hours: crate::Hours) -> HoursBand {
        match hours.whole() {
            0..=40 => HoursBand::UpTo40,
            41..=139 => HoursBand::From41To139,
            140..=599 => HoursBand::From140To599,
            _ => HoursBand::From600,
        }
    }
}

impl FeeBand {
    pub fn of(fee_won: i64) -> FeeBand {
        match fee_won {
            i64::MIN..=0 => FeeBand::Free,
            1..=499_999 => FeeBand::Under500k,
            500_000..=999_999 => FeeBand::From500kTo1m,
            1_000_000..=2_999_999 => FeeBand::From1mTo3m,
            _ => FeeBand::From3m,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Hours;

    #[test]
    fn bands_have_the_allowance_edge_at_140_hours() {
        assert_eq!(HoursBand::of(Hours::from_tenths(1395)), HoursBand::From41To139);
        assert_eq!(HoursBand::of(Hours::from_tenths(1400)), HoursBand::From140To599);
        assert_eq!(HoursBand::of(Hours::from_tenths(400)), HoursBand::UpTo40);
        assert_eq!(HoursBand::of(Hours::from_tenths(6000)), HoursBand::From600);
    }

    #[test]
    fn fee_bands() {
        assert_eq!(FeeBand::of(0), FeeBand::Free);
        assert_eq!(FeeBand::of(499_999), FeeBand::Under500k);
        assert_eq!(FeeBand::of(500_000), FeeBand::From500kTo1m);
        assert_eq!(FeeBand::of(3_000_000), FeeBand::From3m);
    }

    #[test]
    fn ncs_has_24_majors() {
        assert_eq!(NcsMajor::ALL.len(), 24);
        assert_eq!(NcsMajor::parse("20").map(NcsMajor::label_ko), Some("정보통신"));
    }
}
