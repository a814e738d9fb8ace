//! The topic families of the generated catalogue: what a course is about, in Korean as
//! HRD-Net and STEP list courses. Each family gives titles, keywords, occupation fields, NCS
//! codes whose major category matches the topic, the AI steps it teaches and summary phrases.
//! Which programmes run which family, and how often, is in `profiles.rs`.

use crate::vocab::{AiLevel, AiStep, BasicModule};

use AiLevel::{Literacy, ModelDevelopment, SystemIntegration, WorkPractice};
use AiStep::{BasicUnderstanding, JobApplication, SolutionDevelopment};
use BasicModule::{DataBias, EthicsSecurity, ProductivityTools, PromptEngineering, VerificationRefinement};

/// What kind of private institution typically runs a family's courses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sector {
    It,
    Media,
    Business,
    Industrial,
    Culinary,
    General,
    /// The instructor academy (KOREATECH); no private institution has it.
    Academy,
}

impl Sector {
    pub(crate) const COUNT: usize = 7;

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// Where in a programme's hour range a family's courses sit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Length {
    Short,
    Medium,
    Long,
}

#[derive(Debug)]
pub(crate) struct Family {
    pub(crate) id: &'static str,
    pub(crate) sector: Sector,
    /// 8-digit NCS codes (세분류), all in the major category of the topic.
    pub(crate) ncs: &'static [&'static str],
    pub(crate) occupations: &'static [&'static str],
    /// The AI steps the family teaches, from the most basic to the most advanced; empty for a
    /// course that teaches no AI.
    pub(crate) ai: &'static [(AiStep, AiLevel)],
    /// The basic modules the family leans on.
    pub(crate) modules: &'static [BasicModule],
    pub(crate) length: Length,
    /// The longest course of the family, in hours (a short topic stays short in any
    /// programme).
    pub(crate) max_hours: u32,
    /// Titles of short courses (under 300 hours).
    pub(crate) titles: &'static [&'static str],
    /// Titles of long courses (300 hours or more).
    pub(crate) long_titles: &'static [&'static str],
    pub(crate) keywords: &'static [&'static str],
    /// First sentence of a summary: what the course is.
    pub(crate) intros: &'static [&'static str],
    /// What the trainee does in it.
    pub(crate) bodies: &'static [&'static str],
    /// What the trainee can do afterwards.
    pub(crate) outcomes: &'static [&'static str],
}

impl Family {
    pub(crate) fn is_ai(&self) -> bool {
        !self.ai.is_empty()
    }
}

pub(crate) const FAMILIES: &[Family] = &[
    Family {
        id: "genai_service",
        sector: Sector::It,
        ncs: &["20010202", "20010201", "20010502"],
        occupations: &["인공지능 서비스 개발", "응용SW 엔지니어링", "AI 애플리케이션 개발"],
        ai: &[
            (JobApplication, WorkPractice),
            (SolutionDevelopment, SystemIntegration),
            (SolutionDevelopment, ModelDevelopment),
        ],
        modules: &[PromptEngineering, VerificationRefinement, EthicsSecurity],
        length: Length::Long,
        max_hours: 4_000,
        titles: &[
            "생성형 AI API 활용 서비스 개발 실무",
            "OpenAI API로 만드는 AI 챗봇 서비스",
            "생성형 AI 기반 웹서비스 프로토타이핑",
            "LangChain으로 만드는 생성형 AI 앱",
            "생성형 AI 서비스 기획과 개발 입문",
            "Python과 생성형 AI로 만드는 업무용 웹앱",
        ],
        long_titles: &[
            "생성형 AI 서비스 개발자 양성과정",
            "생성형 AI 풀스택 개발자 부트캠프",
            "AI 응용 SW 개발자 양성과정",
            "생성형 AI 기반 서비스 기획·개발 전문가 과정",
            "AI 에이전트 서비스 개발자 양성과정",
        ],
        keywords: &[
            "생성형AI", "ChatGPT", "OpenAI API", "LangChain", "Python", "FastAPI", "React",
            "AI 에이전트", "프롬프트 엔지니어링", "웹서비스", "포트폴리오", "Streamlit",
        ],
        intros: &[
            "생성형 AI 모델을 API로 연결해 실제로 동작하는 서비스를 기획부터 배포까지 직접 만들어 보는 과정입니다.",
            "ChatGPT와 같은 대규모 언어모델을 활용한 서비스 개발 역량을 키우는 실무 중심 과정입니다.",
            "Python 백엔드와 웹 프론트엔드에 생성형 AI 기능을 결합하는 방법을 프로젝트로 익힙니다.",
            "기업이 바로 쓰는 생성형 AI 서비스 개발자를 양성하기 위해 현업 개발자와 함께 설계한 과정입니다.",
        ],
        bodies: &[
            "FastAPI로 API 서버를 구성하고 React 화면과 연결한 뒤 클라우드에 배포합니다.",
            "프롬프트 설계, 함수 호출(Function Calling), 대화 이력 관리 등 서비스 구현에 필요한 기법을 단계별로 실습합니다.",
            "팀 프로젝트로 아이디어 기획, 화면 설계, 모델 연동, 테스트까지 서비스 개발 전 과정을 경험합니다.",
            "AI 에이전트와 외부 도구 연동을 구현하며 응답 품질과 비용을 함께 관리하는 방법을 배웁니다.",
        ],
        outcomes: &[
            "수료 후 AI 서비스 개발자, 백엔드 개발자로 취업할 수 있도록 포트폴리오와 취업 연계를 지원합니다.",
            "완성한 서비스는 GitHub 포트폴리오로 정리해 채용 면접에 활용할 수 있습니다.",
            "과정을 마치면 생성형 AI 기능을 갖춘 웹서비스를 혼자서도 설계하고 배포할 수 있습니다.",
        ],
    },
    Family {
        id: "data_analysis",
        sector: Sector::It,
        ncs: &["20010105", "20010104", "20010204"],
        occupations: &["빅데이터 분석", "데이터 분석", "데이터베이스 엔지니어링"],
        ai: &[
            (BasicUnderstanding, Literacy),
            (JobApplication, WorkPractice),
            (SolutionDevelopment, ModelDevelopment),
        ],
        modules: &[DataBias, VerificationRefinement, ProductivityTools],
        length: Length::Medium,
        max_hours: 4_000,
        titles: &[
            "파이썬으로 배우는 데이터 분석 기초",
            "SQL과 파이썬을 활용한 업무 데이터 분석",
            "엑셀에서 Python까지, AI 데이터 분석 입문",
            "ChatGPT와 함께하는 데이터 분석·시각화 실무",
            "공공데이터를 활용한 데이터 분석 실무",
            "Power BI와 AI를 활용한 데이터 시각화",
        ],
        long_titles: &[
            "빅데이터 분석가 양성과정",
            "AI 데이터 분석 전문가 양성과정",
            "파이썬 기반 빅데이터 분석·시각화 전문가 과정",
            "데이터 분석과 머신러닝 실무자 양성과정",
        ],
        keywords: &[
            "데이터분석", "Python", "Pandas", "SQL", "데이터 시각화", "빅데이터", "통계",
            "Power BI", "Tableau", "머신러닝", "공공데이터", "ADsP",
        ],
        intros: &[
            "업무에서 쌓이는 데이터를 직접 정리하고 분석해 의사결정에 활용하는 방법을 배우는 과정입니다.",
            "Python과 SQL을 처음 접하는 분도 따라올 수 있도록 기초 문법부터 분석 프로젝트까지 단계별로 구성했습니다.",
            "데이터 수집, 정제, 분석, 시각화로 이어지는 데이터 분석 전 과정을 실습 중심으로 익힙니다.",
            "생성형 AI를 분석 보조 도구로 활용해 데이터 분석 업무의 속도와 품질을 높이는 과정입니다.",
        ],
        bodies: &[
            "Pandas로 데이터를 정제하고 Matplotlib, Seaborn으로 분석 결과를 시각화합니다.",
            "공공데이터포털의 실제 데이터를 활용해 가설을 세우고 통계적으로 검증하는 실습을 합니다.",
            "SQL로 필요한 데이터를 추출하고 대시보드로 만들어 보고하는 과정을 반복 실습합니다.",
            "ChatGPT로 분석 코드를 작성하고 결과를 검증하는 방법, 데이터 편향을 점검하는 방법을 함께 다룹니다.",
        ],
        outcomes: &[
            "수료 후 데이터 분석가, 마케팅 분석 담당자 등으로 취업하거나 현업 데이터 업무에 바로 적용할 수 있습니다.",
            "ADsP 등 데이터 분석 자격 취득을 위한 기초도 함께 다집니다.",
            "최종 프로젝트 결과물은 분석 보고서와 대시보드 포트폴리오로 남습니다.",
        ],
    },
    Family {
        id: "ml_engineering",
        sector: Sector::It,
        ncs: &["20010502", "20010501", "20010202"],
        occupations: &["인공지능 모델링", "머신러닝 엔지니어링", "인공지능 서비스 개발"],
        ai: &[(JobApplication, WorkPractice), (SolutionDevelopment, ModelDevelopment)],
        modules: &[DataBias, VerificationRefinement],
        length: Length::Long,
        max_hours: 4_000,
        titles: &[
            "머신러닝 모델링 실무",
            "PyTorch로 배우는 딥러닝 기초",
            "scikit-learn 머신러닝 입문",
            "딥러닝 모델 경량화와 최적화 실무",
            "시계열 예측 머신러닝 실무",
        ],
        long_titles: &[
            "AI 엔지니어 양성과정(머신러닝·딥러닝)",
            "딥러닝 기반 AI 모델 개발자 양성과정",
            "AI 시스템 개발 엔지니어 부트캠프",
            "머신러닝·딥러닝 엔지니어 실무 프로젝트 과정",
        ],
        keywords: &[
            "머신러닝", "딥러닝", "PyTorch", "TensorFlow", "scikit-learn", "Python", "Kaggle",
            "모델 최적화", "시계열 예측", "데이터 전처리", "AI 모델링",
        ],
        intros: &[
            "머신러닝과 딥러닝의 원리를 이해하고 실제 데이터로 모델을 설계·학습·평가하는 엔지니어 양성 과정입니다.",
            "수학적 기초부터 PyTorch 구현까지, AI 모델 개발에 필요한 역량을 체계적으로 쌓는 과정입니다.",
            "기업 데이터를 활용한 프로젝트로 AI 모델 개발과 서비스 적용 경험을 쌓습니다.",
        ],
        bodies: &[
            "회귀, 분류, 군집 등 머신러닝 기법과 CNN, RNN, Transformer 등 딥러닝 모델을 직접 구현합니다.",
            "데이터 전처리, 특성 공학, 하이퍼파라미터 튜닝, 모델 평가 지표 해석을 실습합니다.",
            "Kaggle 형식의 경진대회와 기업 연계 프로젝트로 모델 성능을 개선하는 과정을 경험합니다.",
            "학습한 모델을 경량화해 API로 서빙하고 성능과 편향을 점검하는 방법까지 다룹니다.",
        ],
        outcomes: &[
            "수료 후 AI 엔지니어, 머신러닝 엔지니어, 데이터 사이언티스트로 취업할 수 있도록 지원합니다.",
            "프로젝트 결과물과 기술 블로그를 바탕으로 한 취업 컨설팅을 제공합니다.",
            "과정을 마치면 현업 데이터로 예측 모델을 만들고 성능을 설명할 수 있습니다.",
        ],
    },
    Family {
        id: "llm_rag",
        sector: Sector::It,
        ncs: &["20010502", "20010202", "20010503"],
        occupations: &["인공지능 서비스 개발", "자연어 처리", "인공지능 플랫폼 구축"],
        ai: &[
            (JobApplication, SystemIntegration),
            (SolutionDevelopment, SystemIntegration),
            (SolutionDevelopment, ModelDevelopment),
        ],
        modules: &[PromptEngineering, VerificationRefinement, EthicsSecurity],
        length: Length::Medium,
        max_hours: 4_000,
        titles: &[
            "LLM과 RAG로 만드는 사내 지식검색 챗봇",
            "RAG 파이프라인 구축 실무",
            "sLLM 파인튜닝과 사내 구축 실무",
            "LLM 애플리케이션 개발 입문(LangChain·LlamaIndex)",
            "벡터 데이터베이스와 RAG 검색 최적화",
        ],
        long_titles: &[
            "LLM 기반 AI 에이전트 개발자 양성과정",
            "LLM·RAG 서비스 엔지니어 양성과정",
            "거대언어모델(LLM) 응용 개발 전문가 과정",
        ],
        keywords: &[
            "LLM", "RAG", "LangChain", "LlamaIndex", "벡터DB", "임베딩", "파인튜닝", "sLLM",
            "AI 에이전트", "프롬프트 엔지니어링", "Hugging Face",
        ],
        intros: &[
            "거대언어모델(LLM)에 기업 문서를 연결하는 RAG 기법으로 업무에 바로 쓰는 지식검색 서비스를 만드는 과정입니다.",
            "LLM의 동작 원리부터 검색증강생성(RAG), 파인튜닝, 에이전트 구성까지 실무 기술을 다룹니다.",
            "오픈소스 sLLM을 사내 환경에 구축하고 보안을 지키며 활용하는 방법을 배웁니다.",
        ],
        bodies: &[
            "문서를 분할·임베딩해 벡터 데이터베이스에 저장하고 검색 품질을 평가하며 개선합니다.",
            "LangChain과 LlamaIndex로 RAG 파이프라인을 구성하고 답변의 근거와 환각 여부를 검증합니다.",
            "Hugging Face 모델을 LoRA로 파인튜닝하고 사내 서버에 배포하는 실습을 합니다.",
            "개인정보와 기밀 정보가 모델 밖으로 나가지 않도록 하는 보안 설계를 함께 다룹니다.",
        ],
        outcomes: &[
            "수료 후 사내 AI 도입 프로젝트를 주도하거나 LLM 서비스 개발자로 일할 수 있습니다.",
            "과정을 마치면 자사 문서를 근거로 답하는 챗봇을 직접 구축할 수 있습니다.",
        ],
    },
    Family {
        id: "vision_inspection",
        sector: Sector::It,
        ncs: &["20010502", "20010203", "19030501"],
        occupations: &["컴퓨터 비전", "머신비전 검사", "인공지능 모델링"],
        ai: &[
            (JobApplication, WorkPractice),
            (JobApplication, SystemIntegration),
            (SolutionDevelopment, ModelDevelopment),
        ],
        modules: &[DataBias, VerificationRefinement],
        length: Length::Medium,
        max_hours: 4_000,
        titles: &[
            "제조 현장 머신비전 불량검사 AI 실무",
            "YOLO로 배우는 객체 탐지 실무",
            "OpenCV와 딥러닝 영상처리 기초",
            "비전 AI 품질검사 시스템 구축 실무",
            "스마트 CCTV 영상분석 AI 실무",
        ],
        long_titles: &[
            "컴퓨터 비전 AI 엔지니어 양성과정",
            "머신비전·비전 AI 검사 전문가 양성과정",
            "제조 비전 AI 시스템 개발자 과정",
        ],
        keywords: &[
            "컴퓨터비전", "머신비전", "YOLO", "OpenCV", "불량검사", "객체탐지", "이미지 분류",
            "데이터 라벨링", "엣지 AI", "품질검사", "PyTorch",
        ],
        intros: &[
            "제조 현장의 불량 이미지를 수집·라벨링하고 딥러닝 모델로 자동 검사 시스템을 만드는 실무 과정입니다.",
            "영상처리의 기초부터 객체 탐지, 이미지 분할까지 컴퓨터 비전 핵심 기술을 익힙니다.",
            "카메라와 조명 구성 등 머신비전 하드웨어와 AI 모델을 함께 다루는 현장형 과정입니다.",
        ],
        bodies: &[
            "OpenCV로 영상을 전처리하고 YOLO 모델을 학습시켜 불량 부위를 탐지합니다.",
            "라벨링 도구로 학습 데이터를 만들고 데이터 불균형과 편향이 검사 성능에 주는 영향을 분석합니다.",
            "학습한 모델을 엣지 디바이스에 올려 생산 라인 속도에 맞춰 검사하는 실습을 합니다.",
            "오검출과 미검출 사례를 검증하며 현장 기준에 맞게 모델을 개선하는 방법을 배웁니다.",
        ],
        outcomes: &[
            "수료 후 제조 기업의 품질·생산기술 부서나 비전 AI 기업으로 진출할 수 있습니다.",
            "과정을 마치면 자사 공정에 맞는 비전 검사 모델을 직접 학습시키고 평가할 수 있습니다.",
        ],
    },
    Family {
        id: "nlp",
        sector: Sector::It,
        ncs: &["20010502", "20010202"],
        occupations: &["자연어 처리", "인공지능 모델링", "챗봇 개발"],
        ai: &[(JobApplication, WorkPractice), (SolutionDevelopment, ModelDevelopment)],
        modules: &[DataBias, VerificationRefinement, EthicsSecurity],
        length: Length::Medium,
        max_hours: 4_000,
        titles: &[
            "한국어 자연어처리(NLP) 기초",
            "텍스트 마이닝과 감성분석 실무",
            "Transformer로 배우는 자연어처리",
            "고객상담 챗봇 구축 실무",
        ],
        long_titles: &[
            "자연어처리(NLP) AI 개발자 양성과정",
            "대화형 AI·챗봇 개발자 양성과정",
        ],
        keywords: &[
            "자연어처리", "NLP", "텍스트마이닝", "감성분석", "Transformer", "BERT", "챗봇",
            "형태소 분석", "Hugging Face", "한국어 AI",
        ],
        intros: &[
            "한국어 텍스트를 분석하고 이해하는 자연어처리 기술을 기초부터 실무 프로젝트까지 다루는 과정입니다.",
            "고객 리뷰, 상담 기록 등 기업의 텍스트 데이터를 AI로 분석하는 방법을 배웁니다.",
            "Transformer 계열 언어모델을 이해하고 분류, 요약, 질의응답 모델을 직접 만듭니다.",
        ],
        bodies: &[
            "형태소 분석, 임베딩, 텍스트 분류와 감성분석을 한국어 데이터로 실습합니다.",
            "BERT 계열 모델을 미세조정해 상담 내용 분류와 요약 모델을 구현합니다.",
            "챗봇 시나리오를 설계하고 언어모델과 연동해 실제 상담 업무에 적용해 봅니다.",
        ],
        outcomes: &[
            "수료 후 자연어처리 엔지니어, 챗봇 개발자로 취업할 수 있도록 프로젝트 포트폴리오를 완성합니다.",
            "과정을 마치면 텍스트 데이터로 업무 문제를 정의하고 모델로 풀 수 있습니다.",
        ],
    },
    Family {
        id: "mlops_cloud",
        sector: Sector::It,
        ncs: &["20010301", "20010208", "20010205"],
        occupations: &["클라우드 엔지니어링", "IT 시스템 관리", "인공지능 플랫폼 구축"],
        ai: &[(JobApplication, SystemIntegration), (SolutionDevelopment, SystemIntegration)],
        modules: &[EthicsSecurity, VerificationRefinement],
        length: Length::Long,
        max_hours: 4_000,
        titles: &[
            "MLOps 파이프라인 구축 실무",
            "AWS로 배우는 AI 서비스 배포",
            "Docker·Kubernetes 기반 AI 모델 서빙",
            "클라우드 AI 서비스 활용 입문(Azure OpenAI)",
        ],
        long_titles: &[
            "클라우드 기반 MLOps 엔지니어 양성과정",
            "AI 클라우드 인프라 엔지니어 양성과정",
            "클라우드 네이티브 AI 플랫폼 엔지니어 과정",
        ],
        keywords: &[
            "MLOps", "클라우드", "AWS", "Azure", "Docker", "Kubernetes", "CI/CD", "모델 서빙",
            "모니터링", "DevOps", "GPU",
        ],
        intros: &[
            "AI 모델을 안정적으로 배포·운영하는 MLOps와 클라우드 인프라 역량을 기르는 과정입니다.",
            "모델 개발 이후의 배포, 모니터링, 재학습 자동화까지 AI 서비스 운영 전 과정을 다룹니다.",
            "퍼블릭 클라우드의 AI 서비스를 이용해 기업 시스템에 AI 기능을 연계하는 방법을 배웁니다.",
        ],
        bodies: &[
            "Docker와 Kubernetes로 모델 서빙 환경을 구성하고 CI/CD 파이프라인을 만듭니다.",
            "MLflow로 실험을 관리하고 데이터 드리프트를 감지해 재학습을 자동화합니다.",
            "클라우드 비용과 보안 설정, 접근 권한 관리를 실제 계정으로 실습합니다.",
        ],
        outcomes: &[
            "수료 후 MLOps 엔지니어, 클라우드 엔지니어로 취업할 수 있도록 클라우드 자격 취득도 지원합니다.",
            "과정을 마치면 학습된 모델을 운영 환경에 배포하고 모니터링할 수 있습니다.",
        ],
    },
    Family {
        id: "office_automation",
        sector: Sector::Business,
        ncs: &["02020301", "02020101", "02010101"],
        occupations: &["사무행정", "총무", "경영기획"],
        ai: &[
            (BasicUnderstanding, Literacy),
            (JobApplication, WorkPractice),
            (JobApplication, SystemIntegration),
        ],
        modules: &[ProductivityTools, PromptEngineering, VerificationRefinement, EthicsSecurity],
        length: Length::Short,
        max_hours: 4_000,
        titles: &[
            "중소기업 재직자를 위한 ChatGPT 업무자동화 실무",
            "생성형 AI로 끝내는 엑셀·보고서 업무",
            "RPA와 AI로 만드는 반복업무 자동화",
            "Copilot과 함께하는 스마트 오피스 실무",
            "AI 활용 문서작성과 보고서 자동화",
            "노코드 AI 업무자동화(Make·Zapier) 실무",
            "ChatGPT로 일 잘하는 법: 사무직 AI 활용",
        ],
        long_titles: &[
            "AI 활용 사무행정 전문가 양성과정",
            "AI 업무자동화(RPA) 전문가 양성과정",
            "스마트 오피스 AI 활용 사무원 양성과정",
        ],
        keywords: &[
            "업무자동화", "ChatGPT", "Copilot", "RPA", "엑셀", "보고서 작성", "생성형AI",
            "노코드", "스마트오피스", "프롬프트", "문서작성", "Power Automate",
        ],
        intros: &[
            "매일 반복되는 문서 작성, 자료 정리, 보고서 업무를 생성형 AI로 빠르고 정확하게 처리하는 방법을 배우는 과정입니다.",
            "사무직 재직자가 ChatGPT, Copilot 등 AI 도구를 업무에 바로 적용할 수 있도록 실무 사례 중심으로 구성했습니다.",
            "RPA와 생성형 AI를 결합해 반복 업무를 자동화하고 업무 시간을 줄이는 실무 과정입니다.",
            "AI 도구를 처음 쓰는 분도 따라 할 수 있도록 기초부터 업무 적용까지 차근차근 안내합니다.",
        ],
        bodies: &[
            "엑셀 함수와 데이터 정리, 회의록 요약, 보고서 초안 작성을 AI와 함께 실습합니다.",
            "업무별 프롬프트 템플릿을 만들고 AI 결과물의 사실 여부를 검증하는 습관을 익힙니다.",
            "Power Automate와 노코드 도구로 메일 분류, 결재 문서 작성 등 반복 업무를 자동화합니다.",
            "회사 기밀과 개인정보를 AI에 입력할 때 지켜야 할 보안 수칙을 함께 다룹니다.",
        ],
        outcomes: &[
            "과정을 마치면 자신의 업무 중 AI로 자동화할 수 있는 부분을 찾아 바로 적용할 수 있습니다.",
            "수료 후 부서의 AI 활용을 이끄는 현업 실무자로 성장할 수 있습니다.",
            "수강생이 직접 만든 업무 자동화 결과물을 현업에 그대로 가져가 쓸 수 있습니다.",
        ],
    },
    Family {
        id: "prompt_basics",
        sector: Sector::General,
        ncs: &["02020301", "20010302"],
        occupations: &["사무행정", "IT 기술교육", "AI 활용 일반"],
        ai: &[(BasicUnderstanding, Literacy), (JobApplication, WorkPractice)],
        modules: &[PromptEngineering, ProductivityTools, EthicsSecurity, VerificationRefinement, DataBias],
        length: Length::Short,
        max_hours: 80,
        titles: &[
            "누구나 시작하는 생성형 AI 기초",
            "프롬프트 엔지니어링 입문",
            "ChatGPT 200% 활용하기",
            "AI 리터러시: 생성형 AI 이해와 활용",
            "일상과 업무에 바로 쓰는 AI 활용 기초",
            "중장년을 위한 스마트폰 AI 활용",
            "생성형 AI 시대의 일하는 방식",
        ],
        long_titles: &[
            "생성형 AI 활용 실무자 양성과정",
            "AI 활용 역량 강화 종합과정",
        ],
        keywords: &[
            "생성형AI", "프롬프트 엔지니어링", "ChatGPT", "Gemini", "Claude", "AI 리터러시",
            "AI 기초", "AI 윤리", "업무 활용", "뤼튼",
        ],
        intros: &[
            "생성형 AI가 무엇인지, 어떻게 답을 만들어 내는지 이해하고 일상과 업무에 활용하는 기초 과정입니다.",
            "AI를 처음 접하는 분을 위해 ChatGPT 가입부터 질문 잘하는 법까지 쉽게 안내합니다.",
            "좋은 결과를 이끌어 내는 프롬프트 작성 원칙과 AI 결과물 검증 방법을 익히는 과정입니다.",
        ],
        bodies: &[
            "역할 부여, 예시 제시, 단계별 지시 등 프롬프트 작성 기법을 다양한 업무 사례로 실습합니다.",
            "AI 답변의 오류와 편향을 확인하고 출처를 검증하는 방법을 함께 배웁니다.",
            "이미지 생성, 번역, 요약 등 여러 AI 도구를 비교해 보고 상황에 맞게 고르는 법을 익힙니다.",
            "개인정보 입력 주의사항과 저작권 등 AI를 쓸 때 꼭 알아야 할 윤리 기준을 다룹니다.",
        ],
        outcomes: &[
            "과정을 마치면 생성형 AI를 안전하고 효과적으로 활용하는 기본 역량을 갖추게 됩니다.",
            "더 높은 단계의 AI 직무 과정으로 이어서 학습할 수 있는 기초를 다집니다.",
        ],
    },
    Family {
        id: "ai_marketing",
        sector: Sector::Business,
        ncs: &["02010301", "10030101", "02010303"],
        occupations: &["마케팅", "온라인 판매", "광고 기획"],
        ai: &[(BasicUnderstanding, Literacy), (JobApplication, WorkPractice)],
        modules: &[PromptEngineering, ProductivityTools, DataBias],
        length: Length::Short,
        max_hours: 4_000,
        titles: &[
            "생성형 AI로 만드는 SNS 마케팅 콘텐츠",
            "AI 활용 퍼포먼스 마케팅 실무",
            "소상공인을 위한 AI 온라인 쇼핑몰 운영",
            "ChatGPT로 쓰는 상세페이지와 광고 카피",
            "데이터 기반 AI 마케팅 분석",
        ],
        long_titles: &[
            "AI 디지털마케터 양성과정",
            "AI 이커머스 MD·마케터 양성과정",
        ],
        keywords: &[
            "AI 마케팅", "SNS 마케팅", "퍼포먼스 마케팅", "카피라이팅", "상세페이지", "이커머스",
            "GA4", "생성형AI", "콘텐츠 마케팅", "광고 분석",
        ],
        intros: &[
            "생성형 AI로 마케팅 기획, 콘텐츠 제작, 성과 분석을 효율화하는 실무 과정입니다.",
            "온라인 쇼핑몰과 SNS 채널 운영에 AI를 활용해 적은 인력으로 더 많은 성과를 내는 방법을 배웁니다.",
            "고객 데이터를 AI로 분석해 타깃을 정하고 광고 효율을 높이는 데이터 마케팅 과정입니다.",
        ],
        bodies: &[
            "ChatGPT로 광고 카피와 상세페이지 문구를 만들고 AI 이미지 도구로 홍보 이미지를 제작합니다.",
            "GA4와 광고 플랫폼 데이터를 AI로 분석해 캠페인 성과를 진단하고 개선안을 도출합니다.",
            "고객 리뷰를 AI로 분석해 상품 기획과 마케팅 메시지에 반영하는 실습을 합니다.",
        ],
        outcomes: &[
            "수료 후 디지털 마케터, 이커머스 MD로 취업하거나 자신의 사업에 바로 적용할 수 있습니다.",
            "과정을 마치면 AI로 한 달 치 SNS 콘텐츠 계획을 세우고 제작할 수 있습니다.",
        ],
    },
    Family {
        id: "ai_design_video",
        sector: Sector::Media,
        ncs: &["08020104", "08030202", "08020101", "08030401"],
        occupations: &["영상 제작", "UI/UX 디자인", "시각디자인", "출판 편집디자인"],
        ai: &[(JobApplication, WorkPractice)],
        modules: &[PromptEngineering, ProductivityTools, EthicsSecurity, VerificationRefinement],
        length: Length::Medium,
        max_hours: 4_000,
        titles: &[
            "AI 활용 영상 편집 크리에이터",
            "생성형 AI 이미지 제작 실무(Midjourney·Firefly)",
            "Figma와 AI로 하는 UI/UX 디자인 실무",
            "AI 활용 유튜브 숏폼 콘텐츠 제작",
            "AI 업무보조 활용 출판 편집디자인",
            "포토샵 생성형 채우기와 AI 디자인 실무",
        ],
        long_titles: &[
            "AI 활용 UI/UX 디자이너 양성과정",
            "AI 영상콘텐츠 크리에이터 양성과정",
            "AI 업무보조 활용 시각디자인 전문가 과정",
            "생성형 AI 기반 출판·편집디자이너 양성과정",
        ],
        keywords: &[
            "영상편집", "UI/UX", "Figma", "Midjourney", "Adobe Firefly", "프리미어 프로",
            "숏폼", "생성형AI", "편집디자인", "포트폴리오", "저작권", "Runway",
        ],
        intros: &[
            "디자인과 영상 제작 업무에서 AI를 업무보조자로 활용해 기획부터 결과물까지 빠르게 완성하는 과정입니다.",
            "Premiere Pro, Figma 등 현업 도구와 생성형 AI를 함께 다뤄 실무형 크리에이터를 양성합니다.",
            "AI가 만든 초안을 디자이너의 감각으로 다듬어 완성도 높은 결과물을 만드는 방법을 배웁니다.",
        ],
        bodies: &[
            "AI로 스토리보드와 자막을 만들고 영상 컷 편집, 색보정, 음향 작업을 실습합니다.",
            "Figma에서 화면을 설계하고 AI로 사용자 조사와 디자인 시안을 빠르게 반복합니다.",
            "Midjourney와 Firefly로 이미지를 생성하고 저작권과 상업적 이용 기준을 점검합니다.",
            "출판물의 편집과 교정, 표지 디자인에 AI 도구를 적용하는 작업 흐름을 익힙니다.",
        ],
        outcomes: &[
            "수료 후 영상 편집자, UI/UX 디자이너, 콘텐츠 크리에이터로 진출할 수 있도록 포트폴리오를 완성합니다.",
            "과정을 마치면 AI를 활용해 작업 시간을 줄이면서도 결과물의 품질을 관리할 수 있습니다.",
        ],
    },
    Family {
        id: "ai_ethics",
        sector: Sector::General,
        ncs: &["20010601", "20010602"],
        occupations: &["정보보호 관리", "개인정보 보호", "AI 거버넌스"],
        ai: &[(BasicUnderstanding, Literacy)],
        modules: &[EthicsSecurity, DataBias, VerificationRefinement],
        length: Length::Short,
        max_hours: 40,
        titles: &[
            "AI 윤리와 개인정보 보호",
            "생성형 AI 사용 가이드와 정보보안",
            "AI 기본법과 기업의 AI 거버넌스",
            "AI 시대의 저작권과 데이터 활용 윤리",
        ],
        long_titles: &["AI 윤리·거버넌스 전문가 과정"],
        keywords: &[
            "AI 윤리", "개인정보보호", "정보보안", "AI 기본법", "저작권", "데이터 편향",
            "AI 거버넌스", "딥페이크", "보안 수칙",
        ],
        intros: &[
            "AI를 업무에 쓰기 전에 알아야 할 윤리 원칙과 개인정보 보호 수칙을 사례로 배우는 과정입니다.",
            "AI 기본법 시행에 맞춰 기업이 갖춰야 할 AI 활용 기준과 관리 체계를 이해하는 과정입니다.",
            "생성형 AI 사용 중 발생할 수 있는 정보 유출, 저작권 침해, 편향 문제를 예방하는 방법을 다룹니다.",
        ],
        bodies: &[
            "실제 정보 유출과 딥페이크 피해 사례를 분석하고 조직의 대응 절차를 정리합니다.",
            "데이터 편향이 AI 판단에 미치는 영향을 실습으로 확인하고 점검 방법을 배웁니다.",
            "사내 AI 사용 지침을 직접 작성해 보고 부서별 적용 방안을 토의합니다.",
        ],
        outcomes: &[
            "과정을 마치면 AI를 안전하고 책임 있게 사용하는 기준을 업무에 적용할 수 있습니다.",
            "수료 후 조직의 AI 활용 지침을 만들고 교육하는 역할을 맡을 수 있습니다.",
        ],
    },
    Family {
        id: "security_ops",
        sector: Sector::It,
        ncs: &["20010603", "20010601", "20010206"],
        occupations: &["보안관제", "정보보호 관리·운영", "보안 엔지니어링"],
        ai: &[(JobApplication, SystemIntegration), (SolutionDevelopment, SystemIntegration)],
        modules: &[EthicsSecurity, DataBias, VerificationRefinement],
        length: Length::Long,
        max_hours: 4_000,
        titles: &[
            "AI 기반 보안관제 실무",
            "머신러닝으로 하는 이상행위 탐지",
            "생성형 AI 보안 위협과 대응",
            "클라우드 보안과 침해사고 대응 실무",
        ],
        long_titles: &[
            "AI 보안관제 전문가 양성과정",
            "AI 융합 정보보안 엔지니어 양성과정",
            "화이트해커·AI 보안 전문가 과정",
        ],
        keywords: &[
            "보안관제", "정보보안", "SIEM", "침해사고 대응", "이상탐지", "악성코드 분석",
            "AI 보안", "정보보안기사", "모의해킹", "클라우드 보안",
        ],
        intros: &[
            "보안 로그를 AI로 분석해 위협을 빠르게 찾아내는 차세대 보안관제 인력을 양성하는 과정입니다.",
            "네트워크·시스템 보안의 기초부터 AI 기반 이상행위 탐지까지 보안관제 실무를 다룹니다.",
            "생성형 AI를 노린 새로운 공격 기법과 방어 방법을 함께 배우는 보안 실무 과정입니다.",
        ],
        bodies: &[
            "SIEM에 쌓인 로그를 머신러닝으로 분석해 이상 징후를 탐지하는 모델을 만듭니다.",
            "모의 침해사고 시나리오에서 탐지, 분석, 대응, 보고서 작성까지 관제 업무를 실습합니다.",
            "프롬프트 인젝션 등 AI 서비스 공격 유형을 재현하고 방어 대책을 세웁니다.",
        ],
        outcomes: &[
            "수료 후 보안관제 요원, 침해사고 대응 전문가로 취업할 수 있도록 정보보안 자격 취득을 지원합니다.",
            "과정을 마치면 보안 로그를 분석해 위협을 분류하고 대응 보고서를 쓸 수 있습니다.",
        ],
    },
    Family {
        id: "smart_factory",
        sector: Sector::Industrial,
        ncs: &["15040101", "19030601", "15040102"],
        occupations: &["스마트팩토리 운영", "자동화 설비 제어", "생산관리"],
        ai: &[
            (BasicUnderstanding, Literacy),
            (JobApplication, SystemIntegration),
            (SolutionDevelopment, SystemIntegration),
        ],
        modules: &[DataBias, ProductivityTools, VerificationRefinement],
        length: Length::Medium,
        max_hours: 4_000,
        titles: &[
            "디지털 트윈 기반 스마트팩토리 실무",
            "제조 데이터 분석과 AI 예지보전",
            "PLC와 IoT로 배우는 스마트팩토리 기초",
            "피지컬 AI 공정 자동화 실습",
            "MES 데이터 활용 생산관리 AI 실무",
        ],
        long_titles: &[
            "스마트팩토리 AI 엔지니어 양성과정",
            "피지컬 AI·디지털 트윈 전문가 양성과정",
            "제조 AX(AI 전환) 현장 인재 양성과정",
        ],
        keywords: &[
            "스마트팩토리", "디지털트윈", "피지컬AI", "PLC", "IoT", "예지보전", "MES",
            "제조데이터", "공정 최적화", "설비 자동화", "메타버스 실습",
        ],
        intros: &[
            "제조 현장의 설비 데이터를 수집하고 AI로 분석해 생산성과 품질을 높이는 스마트팩토리 실무 과정입니다.",
            "온라인 이론, VR 기초 실습, 디지털 트윈 심화 실습으로 이어지는 단계별 학습 경로로 구성했습니다.",
            "PLC 제어와 IoT 센서, AI 분석을 한 흐름으로 익히는 공장형 실습 과정입니다.",
        ],
        bodies: &[
            "디지털 트윈으로 가상 공정을 구성하고 생산 조건을 바꿔 가며 최적 운전 조건을 찾습니다.",
            "진동, 온도 등 설비 센서 데이터로 고장을 미리 예측하는 예지보전 모델을 만들어 봅니다.",
            "MES 데이터를 분석해 병목 공정을 찾고 AI로 생산 계획을 개선하는 실습을 합니다.",
            "협동로봇과 컨베이어가 갖춰진 실습장에서 AI 기반 공정 자동화를 직접 구현합니다.",
        ],
        outcomes: &[
            "수료 후 제조 기업의 스마트팩토리 운영, 생산기술, 설비 보전 직무로 진출할 수 있습니다.",
            "과정을 마치면 자사 공정 데이터를 분석해 개선 과제를 제안할 수 있습니다.",
        ],
    },
    Family {
        id: "robotics",
        sector: Sector::Industrial,
        ncs: &["15060101", "15060102", "19030501"],
        occupations: &["로봇 운용", "로봇 시스템 개발", "자동화 설비 제어"],
        ai: &[(JobApplication, WorkPractice), (SolutionDevelopment, SystemIntegration)],
        modules: &[EthicsSecurity, VerificationRefinement],
        length: Length::Long,
        max_hours: 4_000,
        titles: &[
            "협동로봇 운용과 AI 비전 연동 실무",
            "ROS2로 배우는 자율주행 로봇 기초",
            "산업용 로봇 프로그래밍 실무",
            "AI 물류로봇 운영 실무",
        ],
        long_titles: &[
            "AI 로봇 엔지니어 양성과정",
            "피지컬 AI 로봇 시스템 개발자 과정",
            "협동로봇 자동화 시스템 전문가 양성과정",
        ],
        keywords: &[
            "협동로봇", "ROS2", "산업용로봇", "피지컬AI", "로봇비전", "자율주행", "PLC",
            "로봇 프로그래밍", "자동화", "강화학습",
        ],
        intros: &[
            "협동로봇과 AI 비전을 결합해 제조·물류 현장의 작업을 자동화하는 로봇 운용 과정입니다.",
            "ROS2 기반으로 로봇의 인식, 판단, 제어를 구현하는 피지컬 AI 실무 과정입니다.",
            "로봇 티칭부터 AI 연동까지 현장에서 바로 쓰는 로봇 자동화 기술을 익힙니다.",
        ],
        bodies: &[
            "협동로봇에 카메라를 연결해 부품을 인식하고 집어 옮기는 픽앤플레이스 공정을 구현합니다.",
            "ROS2로 센서 데이터를 처리하고 자율주행 로봇의 경로 계획을 실습합니다.",
            "로봇 작업 안전 기준과 위험성 평가를 함께 배우며 실습장에서 안전하게 운용합니다.",
        ],
        outcomes: &[
            "수료 후 로봇 운용·유지보수, 자동화 설비 엔지니어로 취업할 수 있습니다.",
            "과정을 마치면 간단한 로봇 자동화 셀을 설계하고 운용할 수 있습니다.",
        ],
    },
    Family {
        id: "healthcare_ai",
        sector: Sector::It,
        ncs: &["06010301", "06010302"],
        occupations: &["의료정보 관리", "보건의료 데이터 분석", "의료 AI 서비스"],
        ai: &[
            (BasicUnderstanding, Literacy),
            (JobApplication, WorkPractice),
            (SolutionDevelopment, ModelDevelopment),
        ],
        modules: &[EthicsSecurity, DataBias, VerificationRefinement],
        length: Length::Medium,
        max_hours: 4_000,
        titles: &[
            "의료 데이터 분석과 AI 활용 기초",
            "병원 행정 실무자를 위한 생성형 AI 활용",
            "의료영상 AI 모델링 실무",
            "디지털 헬스케어 서비스 기획",
        ],
        long_titles: &[
            "헬스케어 AI 데이터 전문가 양성과정",
            "의료 AI 서비스 개발자 양성과정",
        ],
        keywords: &[
            "헬스케어", "의료데이터", "의료영상", "디지털헬스", "보건의료정보", "개인정보보호",
            "EMR", "의료 AI", "가명정보",
        ],
        intros: &[
            "보건의료 데이터를 안전하게 다루며 AI로 분석하고 활용하는 방법을 배우는 과정입니다.",
            "병원과 헬스케어 기업의 실무자가 AI를 진료 지원과 행정 업무에 활용하도록 돕는 과정입니다.",
            "의료영상과 생체신호 데이터를 활용한 의료 AI 모델 개발 과정입니다.",
        ],
        bodies: &[
            "가명처리된 진료 데이터를 분석하며 의료 데이터 특유의 편향과 개인정보 보호 기준을 익힙니다.",
            "흉부 X선 등 공개 의료영상 데이터로 분류 모델을 학습하고 성능을 검증합니다.",
            "EMR 기록 요약, 원무 상담 응대 등 병원 행정 업무에 생성형 AI를 적용해 봅니다.",
        ],
        outcomes: &[
            "수료 후 의료정보 관리, 헬스케어 데이터 분석 직무로 진출할 수 있습니다.",
            "과정을 마치면 보건의료 분야에서 AI를 안전하게 활용하는 기준을 세울 수 있습니다.",
        ],
    },
    Family {
        id: "finance_ai",
        sector: Sector::Business,
        ncs: &["03010101", "03010201", "03020101"],
        occupations: &["금융 데이터 분석", "금융영업", "보험 심사"],
        ai: &[
            (BasicUnderstanding, Literacy),
            (JobApplication, WorkPractice),
            (SolutionDevelopment, ModelDevelopment),
        ],
        modules: &[EthicsSecurity, DataBias, ProductivityTools],
        length: Length::Medium,
        max_hours: 4_000,
        titles: &[
            "금융 실무자를 위한 생성형 AI 활용",
            "AI 기반 신용평가와 리스크 관리",
            "파이썬 금융 데이터 분석",
            "보험 심사 업무 AI 자동화",
        ],
        long_titles: &[
            "금융 AI 데이터 분석가 양성과정",
            "핀테크 AI 서비스 개발자 양성과정",
        ],
        keywords: &[
            "금융AI", "핀테크", "신용평가", "리스크 관리", "이상거래탐지", "금융데이터",
            "보험", "Python", "로보어드바이저",
        ],
        intros: &[
            "금융 업무에서 AI가 쓰이는 방식을 이해하고 데이터 분석과 업무 자동화에 적용하는 과정입니다.",
            "신용평가, 이상거래 탐지 등 금융 AI 모델의 원리와 규제 요건을 함께 다룹니다.",
            "은행, 보험, 증권 실무자가 생성형 AI로 상담과 보고 업무를 효율화하는 방법을 배웁니다.",
        ],
        bodies: &[
            "거래 데이터로 이상거래 탐지 모델을 만들고 설명가능한 AI로 판단 근거를 제시합니다.",
            "금융 데이터의 편향이 신용평가에 주는 영향을 점검하고 공정성 기준을 적용합니다.",
            "상품 설명서 요약, 고객 응대 스크립트 작성 등 금융 문서 업무에 AI를 활용합니다.",
        ],
        outcomes: &[
            "수료 후 금융권 데이터 분석, 디지털 전략 직무로 진출할 수 있습니다.",
            "과정을 마치면 금융 규제를 지키면서 AI를 업무에 적용하는 방법을 설명할 수 있습니다.",
        ],
    },
    Family {
        id: "logistics_ai",
        sector: Sector::Business,
        ncs: &["02040201", "02040202", "09030101"],
        occupations: &["물류관리", "구매·조달", "물류 운영"],
        ai: &[
            (BasicUnderstanding, Literacy),
            (JobApplication, WorkPractice),
            (JobApplication, SystemIntegration),
        ],
        modules: &[ProductivityTools, DataBias, VerificationRefinement],
        length: Length::Medium,
        max_hours: 4_000,
        titles: &[
            "AI 수요예측과 재고관리 실무",
            "스마트 물류센터 운영 실무",
            "물류 데이터 분석과 배송 경로 최적화",
            "AI 활용 구매·조달 업무 혁신",
        ],
        long_titles: &[
            "스마트 물류 AI 전문가 양성과정",
            "물류자동화 운영 관리자 양성과정",
        ],
        keywords: &[
            "스마트물류", "수요예측", "재고관리", "물류자동화", "WMS", "배송 최적화", "SCM",
            "물류로봇", "데이터 분석",
        ],
        intros: &[
            "물류와 공급망 데이터를 AI로 분석해 재고와 배송을 최적화하는 실무 과정입니다.",
            "자동화 설비와 AI가 도입된 스마트 물류센터의 운영 방식을 현장 사례로 배웁니다.",
            "수요예측부터 구매, 재고, 배송까지 공급망 전 과정에 AI를 적용하는 방법을 익힙니다.",
        ],
        bodies: &[
            "판매 이력 데이터로 수요예측 모델을 만들고 적정 재고 수준을 계산합니다.",
            "WMS 데이터를 분석해 입출고 동선을 개선하고 물류로봇 운영 시나리오를 설계합니다.",
            "배송 경로 최적화 도구를 활용해 운송 비용을 줄이는 실습을 합니다.",
        ],
        outcomes: &[
            "수료 후 물류관리사, SCM 담당자, 물류센터 운영 관리자로 진출할 수 있습니다.",
            "과정을 마치면 자사 물류 데이터를 분석해 비용 절감 방안을 제안할 수 있습니다.",
        ],
    },
    Family {
        id: "instructor_ai",
        sector: Sector::Academy,
        ncs: &["04010201", "04010202"],
        occupations: &["직업훈련 교사", "HRD 교육훈련", "AI 교육"],
        ai: &[
            (BasicUnderstanding, Literacy),
            (JobApplication, WorkPractice),
            (SolutionDevelopment, ModelDevelopment),
        ],
        modules: &[PromptEngineering, ProductivityTools, EthicsSecurity, VerificationRefinement],
        length: Length::Medium,
        max_hours: 4_000,
        titles: &[
            "훈련교사를 위한 생성형 AI 수업 설계",
            "AI로 만드는 훈련교안과 평가도구",
            "직무+AI 융합 교수법(AI 사무자동화·AI 패션기획 등)",
            "ICT 교사의 AI 교사 전환 과정",
            "신기술 직업계고 교사 AI 연수",
            "신규 훈련교사 AI 기초 교과",
        ],
        long_titles: &[
            "AI 전문 교·강사 양성과정(ICT 전문가·퇴직자)",
            "AI 교·강사 심화 아카데미",
        ],
        keywords: &[
            "AI 교수법", "훈련교사", "교안 작성", "평가도구", "에듀테크", "생성형AI",
            "직업훈련", "AI 교·강사", "수업 설계",
        ],
        intros: &[
            "직업훈련 교·강사가 생성형 AI로 수업을 설계하고 교안과 평가도구를 만드는 방법을 배우는 과정입니다.",
            "자신의 훈련 직종에 AI 활용 내용을 더해 '직무+AI' 과정을 가르칠 수 있도록 돕는 교·강사 연수입니다.",
            "AI 교·강사 아카데미의 단계별 과정으로, AI 기초부터 실습 지도 역량까지 체계적으로 익힙니다.",
        ],
        bodies: &[
            "AI로 교안 초안을 만들고 학습목표와 NCS 능력단위에 맞게 다듬는 실습을 합니다.",
            "훈련생 수준별 실습 과제와 평가 루브릭을 AI로 설계하고 타당성을 검토합니다.",
            "수업 중 AI 사용 규칙과 표절·저작권 지도 방법 등 교육 현장의 AI 윤리를 다룹니다.",
        ],
        outcomes: &[
            "과정을 마치면 담당 직종의 훈련과정에 AI 활용 교과를 편성하고 직접 가르칠 수 있습니다.",
            "수료자에게는 AI 교·강사 아카데미 이수 이력이 직무능력은행에 기록됩니다.",
        ],
    },
    Family {
        id: "software_dev",
        sector: Sector::It,
        ncs: &["20010202", "20010201", "20010207"],
        occupations: &["응용SW 엔지니어링", "웹 개발", "UI/UX 엔지니어링"],
        ai: &[],
        modules: &[],
        length: Length::Long,
        max_hours: 4_000,
        titles: &[
            "자바 프로그래밍 기초",
            "HTML·CSS·JavaScript 웹퍼블리싱",
            "정보처리기사 실기 대비 프로그래밍",
            "React 프론트엔드 개발 입문",
            "스프링부트 백엔드 개발 기초",
        ],
        long_titles: &[
            "Java 풀스택 웹 개발자 양성과정",
            "클라우드 기반 백엔드 개발자 부트캠프",
            "프론트엔드 개발자 양성과정(React·TypeScript)",
            "모바일 앱 개발자 양성과정(Flutter·Kotlin)",
        ],
        keywords: &[
            "Java", "Spring Boot", "JavaScript", "React", "웹개발", "풀스택", "데이터베이스",
            "정보처리기사", "Git", "TypeScript", "포트폴리오",
        ],
        intros: &[
            "비전공자도 개발자로 취업할 수 있도록 프로그래밍 기초부터 웹 서비스 구축까지 단계별로 배우는 과정입니다.",
            "현업에서 가장 많이 쓰는 Java와 Spring, React 기술로 웹 서비스를 직접 개발합니다.",
            "개발 실무 역량과 협업 도구 사용법을 함께 익히는 프로젝트 중심 과정입니다.",
        ],
        bodies: &[
            "Java 문법, 객체지향 설계, 데이터베이스 연동을 거쳐 Spring Boot로 웹 애플리케이션을 만듭니다.",
            "Git으로 협업하며 팀 프로젝트를 진행하고 코드 리뷰를 주고받습니다.",
            "HTML, CSS, JavaScript로 반응형 화면을 만들고 React로 프론트엔드를 구성합니다.",
        ],
        outcomes: &[
            "수료 후 웹 개발자, 백엔드 개발자로 취업할 수 있도록 기업 연계 채용설명회를 운영합니다.",
            "정보처리기사 등 관련 자격 취득을 함께 준비할 수 있습니다.",
        ],
    },
    Family {
        id: "machining",
        sector: Sector::Industrial,
        ncs: &["15020101", "15020102", "15020104"],
        occupations: &["기계가공", "CNC 선반·밀링", "금형"],
        ai: &[],
        modules: &[],
        length: Length::Long,
        max_hours: 4_000,
        titles: &[
            "CNC 선반 가공 기초",
            "CAD/CAM 활용 기계가공 실무",
            "머시닝센터 프로그래밍 실무",
            "기계도면 해독과 정밀측정",
        ],
        long_titles: &[
            "CNC 기계가공 기능사 과정",
            "CNC 선반·밀링 기능사 양성과정",
            "컴퓨터응용가공 산업기사 과정",
            "정밀가공(CNC·CAM) 기술자 양성과정",
        ],
        keywords: &[
            "CNC", "선반", "밀링", "머시닝센터", "CAD/CAM", "기계가공", "컴퓨터응용선반기능사",
            "도면해독", "정밀측정", "금형",
        ],
        intros: &[
            "CNC 선반과 머시닝센터를 다루는 정밀 기계가공 기술을 기초부터 자격 취득 수준까지 익히는 과정입니다.",
            "기계도면을 읽고 가공 순서를 계획해 실제 부품을 만들어 보는 현장 실습 중심 과정입니다.",
            "CAD/CAM으로 가공 프로그램을 만들고 CNC 장비로 정밀 부품을 가공하는 과정입니다.",
        ],
        bodies: &[
            "범용 선반으로 기초를 다진 뒤 CNC 프로그램을 작성해 실제 소재를 가공합니다.",
            "버니어캘리퍼스, 마이크로미터 등 측정 장비로 치수를 검사하고 공차를 관리합니다.",
            "안전수칙과 공구 관리, 절삭 조건 설정을 실습장에서 반복 훈련합니다.",
        ],
        outcomes: &[
            "수료 후 컴퓨터응용선반기능사·밀링기능사 자격을 취득하고 기계가공 업체로 취업할 수 있습니다.",
            "과정을 마치면 도면을 보고 CNC 가공 프로그램을 직접 작성할 수 있습니다.",
        ],
    },
    Family {
        id: "welding",
        sector: Sector::Industrial,
        ncs: &["16020301", "16020302"],
        occupations: &["용접", "특수용접", "배관용접"],
        ai: &[],
        modules: &[],
        length: Length::Long,
        max_hours: 4_000,
        titles: &[
            "피복아크용접 기초",
            "CO2 용접 실무",
            "TIG 용접 기초와 응용",
        ],
        long_titles: &[
            "특수용접 기능사 양성과정",
            "조선 용접 전문인력 양성과정",
            "배관·플랜트 용접 기술자 과정",
        ],
        keywords: &[
            "용접", "특수용접기능사", "CO2 용접", "TIG 용접", "피복아크용접", "배관용접",
            "조선", "플랜트", "안전교육",
        ],
        intros: &[
            "피복아크, CO2, TIG 등 산업 현장에서 쓰는 용접 기술을 기초부터 익히는 실습 과정입니다.",
            "조선·플랜트 산업에 필요한 용접 기능 인력을 양성하는 현장 맞춤형 과정입니다.",
        ],
        bodies: &[
            "용접 자세별 실습과 비드 검사를 반복하며 용접 품질을 높입니다.",
            "용접부 결함의 원인을 분석하고 보수 방법을 실습합니다.",
            "보호구 착용과 화재 예방 등 용접 작업 안전수칙을 철저히 훈련합니다.",
        ],
        outcomes: &[
            "수료 후 특수용접기능사 자격을 취득하고 조선·플랜트·제조 현장으로 취업할 수 있습니다.",
            "과정을 마치면 현장에서 요구하는 기본 용접 작업을 혼자 수행할 수 있습니다.",
        ],
    },
    Family {
        id: "accounting",
        sector: Sector::Business,
        ncs: &["02030201", "02030202", "02030101"],
        occupations: &["회계·감사", "세무", "재무"],
        ai: &[],
        modules: &[],
        length: Length::Medium,
        max_hours: 4_000,
        titles: &[
            "전산회계 1급 실무",
            "ERP 정보관리사 회계 실무",
            "소규모 사업자 세무신고 실무",
            "급여·4대보험 실무",
        ],
        long_titles: &[
            "전산세무회계 실무자 양성과정",
            "회계·세무 사무원 취업 과정",
        ],
        keywords: &[
            "전산회계", "전산세무", "ERP", "더존", "부가가치세", "원천세", "급여관리",
            "재무제표", "4대보험",
        ],
        intros: &[
            "기업 회계와 세무 업무의 기초부터 전산 프로그램 실무까지 익히는 취업 중심 과정입니다.",
            "더존 등 회계 프로그램으로 실제 기업의 거래를 처리하며 회계 사무원 역량을 기릅니다.",
        ],
        bodies: &[
            "분개와 결산, 재무제표 작성을 전산회계 프로그램으로 실습합니다.",
            "부가가치세와 원천세 신고 절차를 사례로 익힙니다.",
            "급여 계산과 4대보험 신고 등 인사·총무 실무도 함께 다룹니다.",
        ],
        outcomes: &[
            "수료 후 전산회계·전산세무 자격을 취득하고 회계 사무원으로 취업할 수 있습니다.",
            "과정을 마치면 중소기업의 기본 회계·세무 업무를 처리할 수 있습니다.",
        ],
    },
    Family {
        id: "baking",
        sector: Sector::Culinary,
        ncs: &["13010108", "13010101"],
        occupations: &["제과제빵", "조리", "카페 창업"],
        ai: &[],
        modules: &[],
        length: Length::Medium,
        max_hours: 4_000,
        titles: &[
            "제과기능사 실기 과정",
            "제빵기능사 실기 과정",
            "카페 디저트 베이킹 실무",
            "한식조리기능사 실기",
        ],
        long_titles: &[
            "제과·제빵 기능사 취득 과정",
            "베이커리 카페 창업 실무자 양성과정",
        ],
        keywords: &[
            "제과", "제빵", "제과기능사", "제빵기능사", "베이커리", "디저트", "카페창업",
            "위생관리", "조리",
        ],
        intros: &[
            "제과·제빵 기능사 자격 취득과 베이커리 취업을 목표로 하는 실기 중심 과정입니다.",
            "카페와 베이커리 현장에서 바로 일할 수 있도록 제품 생산과 위생관리를 함께 배우는 과정입니다.",
        ],
        bodies: &[
            "기능사 시험 품목을 중심으로 반죽, 발효, 성형, 굽기 과정을 반복 실습합니다.",
            "원가 계산과 메뉴 구성, 위생·안전 관리 등 매장 운영 실무를 익힙니다.",
        ],
        outcomes: &[
            "수료 후 제과·제빵 기능사 자격을 취득하고 베이커리, 카페로 취업하거나 창업할 수 있습니다.",
        ],
    },
    Family {
        id: "electrical",
        sector: Sector::Industrial,
        ncs: &["19010201", "19010301"],
        occupations: &["전기설비", "전기공사", "전기기기 유지보수"],
        ai: &[],
        modules: &[],
        length: Length::Long,
        max_hours: 4_000,
        titles: &[
            "전기기능사 실기 대비 과정",
            "건축전기설비 실무",
            "시퀀스 제어와 PLC 기초",
        ],
        long_titles: &[
            "전기기능사 취득 과정",
            "전기공사 현장 기술인력 양성과정",
            "신재생에너지 전기설비 기술자 과정",
        ],
        keywords: &[
            "전기기능사", "전기설비", "시퀀스제어", "PLC", "전기공사", "배선", "신재생에너지",
            "안전관리",
        ],
        intros: &[
            "전기설비의 원리와 시공 기술을 익히고 전기기능사 자격을 준비하는 실습 과정입니다.",
            "건축 전기설비와 시퀀스 제어를 현장 실습 위주로 배우는 기술인력 양성 과정입니다.",
        ],
        bodies: &[
            "배관·배선 작업과 제어반 결선을 실습장에서 반복 훈련합니다.",
            "전기 안전수칙과 측정 장비 사용법을 익히고 고장 진단을 실습합니다.",
        ],
        outcomes: &[
            "수료 후 전기기능사 자격을 취득하고 전기공사·설비 유지보수 업체로 취업할 수 있습니다.",
        ],
    },
];

/// The family with this id.
pub(crate) fn family_index(id: &str) -> Option<usize> {
    FAMILIES.iter().position(|f| f.id == id)
}
