//! Names and places: province weights, training hot spots, Polytech campuses, joint training
//! centres and the word stock for institution names. All names of private institutions,
//! universities and firms are made up.

use super::families::Sector;

/// Share of the capital area's courses in each capital-area province, in percent: Seoul holds
/// most training institutions, then Gyeonggi, then Incheon (aiup assumption).
pub(crate) const CAPITAL_PROVINCES: &[(&str, u32)] = &[("11", 50), ("41", 40), ("28", 10)];

/// Weights of the other provinces: resident population in thousands (행정안전부 주민등록
/// 인구통계, end of 2024, rounded).
pub(crate) const OTHER_PROVINCES: &[(&str, u32)] = &[
    ("26", 3_290),
    ("27", 2_370),
    ("29", 1_410),
    ("30", 1_440),
    ("31", 1_100),
    ("36", 390),
    ("43", 1_590),
    ("44", 2_130),
    ("46", 1_800),
    ("47", 2_550),
    ("48", 3_250),
    ("50", 670),
    ("51", 1_520),
    ("52", 1_740),
];

/// Districts and cities where training institutions cluster; they weigh four times a
/// usual city or district.
pub(crate) const HOT_SPOTS: &[&str] = &[
    "서울특별시 강남구",
    "서울특별시 서초구",
    "서울특별시 마포구",
    "서울특별시 구로구",
    "서울특별시 금천구",
    "서울특별시 영등포구",
    "서울특별시 종로구",
    "서울특별시 중구",
    "서울특별시 관악구",
    "경기도 성남시 분당구",
    "경기도 수원시 팔달구",
    "경기도 안양시 동안구",
    "경기도 부천시 원미구",
    "경기도 고양시 일산동구",
    "경기도 화성시",
    "인천광역시 남동구",
    "인천광역시 부평구",
    "인천광역시 미추홀구",
    "부산광역시 부산진구",
    "부산광역시 해운대구",
    "대구광역시 중구",
    "대구광역시 수성구",
    "대전광역시 서구",
    "대전광역시 유성구",
    "광주광역시 서구",
    "광주광역시 북구",
    "울산광역시 남구",
    "경상남도 창원시 성산구",
    "충청북도 청주시 흥덕구",
    "충청남도 천안시 서북구",
    "전북특별자치도 전주시 완산구",
    "경상북도 포항시 남구",
];

/// Korea Polytechnics campuses (name, region), capital-area ones first. `lab` marks the
/// campuses of the factory-style physical AI labs the plan names (Changwon machinery,
/// Cheongju smart factory, Jeonju/Jeonbuk logistics automation) plus Gumi.
pub(crate) struct Campus {
    pub(crate) name: &'static str,
    pub(crate) region: &'static str,
    pub(crate) lab: bool,
}

const fn campus(name: &'static str, region: &'static str, lab: bool) -> Campus {
    Campus { name, region, lab }
}

pub(crate) const CAMPUSES: &[Campus] = &[
    campus("한국폴리텍대학 서울정수캠퍼스", "서울특별시 용산구", false),
    campus("한국폴리텍대학 서울강서캠퍼스", "서울특별시 강서구", false),
    campus("한국폴리텍대학 인천캠퍼스", "인천광역시 부평구", false),
    campus("한국폴리텍대학 남인천캠퍼스", "인천광역시 남동구", false),
    campus("한국폴리텍대학 성남캠퍼스", "경기도 성남시 중원구", false),
    campus("한국폴리텍대학 화성캠퍼스", "경기도 화성시", false),
    campus("한국폴리텍대학 광명융합기술교육원", "경기도 광명시", false),
    campus("한국폴리텍대학 반도체융합캠퍼스", "경기도 안성시", false),
    campus("한국폴리텍대학 춘천캠퍼스", "강원특별자치도 춘천시", false),
    campus("한국폴리텍대학 원주캠퍼스", "강원특별자치도 원주시", false),
    campus("한국폴리텍대학 강릉캠퍼스", "강원특별자치도 강릉시", false),
    campus("한국폴리텍대학 대전캠퍼스", "대전광역시 동구", false),
    campus("한국폴리텍대학 청주캠퍼스", "충청북도 청주시 흥덕구", true),
    campus("한국폴리텍대학 충주캠퍼스", "충청북도 충주시", false),
    campus("한국폴리텍대학 제천캠퍼스", "충청북도 제천시", false),
    campus("한국폴리텍대학 아산캠퍼스", "충청남도 아산시", false),
    campus("한국폴리텍대학 홍성캠퍼스", "충청남도 홍성군", false),
    campus("한국폴리텍대학 바이오캠퍼스", "충청남도 논산시", false),
    campus("한국폴리텍대학 광주캠퍼스", "광주광역시 북구", false),
    campus("한국폴리텍대학 목포캠퍼스", "전라남도 목포시", false),
    campus("한국폴리텍대학 순천캠퍼스", "전라남도 순천시", false),
    campus("한국폴리텍대학 전북캠퍼스", "전북특별자치도 김제시", true),
    campus("한국폴리텍대학 익산캠퍼스", "전북특별자치도 익산시", false),
    campus("한국폴리텍대학 부산캠퍼스", "부산광역시 북구", false),
    campus("한국폴리텍대학 동부산캠퍼스", "부산광역시 해운대구", false),
    campus("한국폴리텍대학 창원캠퍼스", "경상남도 창원시 성산구", true),
    campus("한국폴리텍대학 진주캠퍼스", "경상남도 진주시", false),
    campus("한국폴리텍대학 울산캠퍼스", "울산광역시 중구", false),
    campus("한국폴리텍대학 대구캠퍼스", "대구광역시 서구", false),
    campus("한국폴리텍대학 달성캠퍼스", "대구광역시 달성군", false),
    campus("한국폴리텍대학 구미캠퍼스", "경상북도 구미시", true),
    campus("한국폴리텍대학 포항캠퍼스", "경상북도 포항시 남구", false),
    campus("한국폴리텍대학 영주캠퍼스", "경상북도 영주시", false),
    campus("한국폴리텍대학 제주캠퍼스", "제주특별자치도 제주시", false),
];

/// STEP, the public online training platform, run by KOREATECH in Cheonan.
pub(crate) const STEP: (&str, &str) = ("STEP 스마트직업훈련플랫폼", "충청남도 천안시 동남구");

/// The instructor academy's lead institution (seed 002: 한국기술교육대학교 중심).
pub(crate) const KOREATECH: (&str, &str) = ("한국기술교육대학교 능력개발교육원", "충청남도 천안시 동남구");

/// Made-up large firms for the AI joint training centres (the plan designates 20).
pub(crate) const FIRMS: &[&str] = &[
    "한성전자",
    "대한중공업",
    "미래모빌리티",
    "한결텔레콤",
    "누리바이오",
    "세한조선해양",
    "가람건설",
    "해오름화학",
    "동방로지스",
    "한빛반도체",
    "청솔금융그룹",
    "다온리테일",
    "백두철강",
    "새솔에너지",
    "온누리제약",
    "한울디스플레이",
    "KN정보통신",
    "아라자동차",
    "비전소프트",
    "하늘항공",
];

/// Made-up name stems for private institutions and universities.
pub(crate) const STEMS: &[&str] = &[
    "한빛",
    "새빛",
    "그린",
    "이음",
    "더나은",
    "코리아",
    "중앙",
    "하이",
    "스마트",
    "에이스",
    "미래",
    "대한",
    "한국",
    "새롬",
    "가온",
    "누리",
    "온빛",
    "다솜",
    "솔빛",
    "해솔",
    "별빛",
    "한울",
    "이룸",
    "세움",
    "로고스",
    "비전",
    "넥스트",
    "퓨처",
    "씨앤",
    "제이",
    "알파",
    "다온",
    "한결",
    "늘품",
    "참빛",
    "청운",
    "드림",
    "하나",
    "우리",
    "한마음",
    "굿잡",
    "잡스",
    "탑",
    "베스트",
    "유니",
    "글로벌",
    "K",
    "엘",
    "오픈",
    "아이티온",
    "멀티",
    "라온",
    "한누리",
    "푸른",
    "새날",
    "큰빛",
    "동서",
    "남도",
    "서해",
    "동해",
    "백두",
    "한라",
];

/// Name patterns of private institutions by sector; `{}` is the stem.
pub(crate) fn private_patterns(sector: Sector) -> &'static [&'static str] {
    match sector {
        Sector::It => &[
            "{}IT아카데미",
            "{}컴퓨터학원",
            "{}코딩스쿨",
            "{}AI아카데미",
            "{}디지털캠퍼스",
            "{}소프트웨어교육원",
            "{}정보처리학원",
            "(주){}에듀테크",
        ],
        Sector::Media => &[
            "{}디자인학원",
            "{}컴퓨터아트학원",
            "{}미디어아카데미",
            "{}영상아카데미",
            "{}크리에이티브스쿨",
        ],
        Sector::Business => &[
            "{}인재개발원",
            "{}비즈니스스쿨",
            "{}경영교육원",
            "{}회계학원",
            "{}HRD센터",
            "(주){}러닝",
        ],
        Sector::Industrial => &[
            "{}직업전문학교",
            "{}기술교육원",
            "{}산업기술교육센터",
            "{}기계기술직업전문학교",
        ],
        Sector::Culinary => &["{}제과제빵학원", "{}요리직업전문학교", "{}조리제과학원"],
        Sector::General | Sector::Academy => &[
            "{}직업전문학교",
            "{}직업능력개발원",
            "{}평생교육원",
            "{}교육센터",
            "{}아카데미",
        ],
    }
}

/// Name patterns of universities; `{}` is the stem.
pub(crate) const UNIVERSITY_PATTERNS: &[&str] = &[
    "{}대학교 평생교육원",
    "{}대학교 AI융합교육원",
    "{}과학기술대학교 평생직업교육원",
    "{}전문대학교 직업교육센터",
    "{}대학교 산학협력단",
    "{}사이버대학교 평생교육원",
];
