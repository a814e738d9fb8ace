//! Speed of faceted searches: a reproducible query mix, the same answer from every system
//! (the top 20 hits by relevance with their stored courses, the total and the counts of all
//! 12 facets), and latency percentiles.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use aiup_catalogue::{Audience, FeeBand, HoursBand, NcsMajor};
use aiup_core::{Delivery, RegionTier};
use aiup_search::{CourseIndex, FacetKind, Filters, SearchRequest, SortOrder};
use serde::{Deserialize, Serialize};

use crate::rows::{CourseRow, StoredDoc};

/// Hits on one result page.
pub const PAGE: usize = 20;

/// What one search returns: what a user sees on the first result page.
#[derive(Debug, Clone, Default)]
pub struct Answer {
    pub total: u64,
    /// (course id, score), best first.
    pub hits: Vec<(String, f64)>,
    /// The hits' stored documents (empty where the system was not asked for them).
    pub docs: Vec<StoredDoc>,
    /// Facet name → (value, count), by count descending.
    pub facets: BTreeMap<String, Vec<(String, u64)>>,
}

impl Answer {
    pub fn ids(&self) -> Vec<String> {
        self.hits.iter().map(|(id, _)| id.clone()).collect()
    }

    pub(crate) fn set_facets(&mut self, rows: impl Iterator<Item = (String, String, i64)>) {
        let (total, facets) = crate::fts5::collect_facets(rows);
        self.total = total;
        self.facets = facets;
    }

    /// The aiup search results in the same shape.
    pub fn from_aiup(results: aiup_search::SearchResults) -> Answer {
        let mut answer = Answer {
            total: results.total as u64,
            ..Answer::default()
        };
        for hit in results.hits {
            answer.hits.push((hit.course.id.to_string(), f64::from(hit.score)));
            answer.docs.push(StoredDoc {
                course: hit.course,
                institution: hit.institution,
            });
        }
        for facet in results.facets {
            answer.facets.insert(
                facet.kind.as_str().to_owned(),
                facet.values.into_iter().map(|v| (v.value, v.count)).collect(),
            );
        }
        answer
    }
}

/// Words people type into a course search (Korean, English and mixed).
pub const WORDS: &[&str] = &[
    "데이터 분석",
    "생성형 AI",
    "파이썬",
    "머신러닝",
    "프롬프트",
    "마케팅",
    "영상 편집",
    "LLM",
    "용접",
    "스마트팩토리",
    "딥러닝",
    "챗GPT 업무 활용",
    "엑셀",
    "빅데이터",
    "인공지능 기초",
    "컴퓨터 비전",
    "자연어처리",
    "RAG",
    "AI 윤리",
    "디지털 트윈",
    "로봇",
    "회계",
    "물류",
    "UI/UX 디자인",
    "웹 개발",
    "AI 보안",
    "데이터 라벨링",
    "업무 자동화",
    "python data analysis",
    "MLOps",
    "제과제빵",
    "CNC 가공",
];

/// The facets a query of the mix filters on (1 to 3 of them).
const FILTERABLE: [FacetKind; 9] = [
    FacetKind::Delivery,
    FacetKind::Province,
    FacetKind::Tier,
    FacetKind::Programme,
    FacetKind::HoursBand,
    FacetKind::FeeBand,
    FacetKind::NcsMajor,
    FacetKind::StartMonth,
    FacetKind::Audience,
];

/// One query of the mix: text and filters, and the same as URL parameters.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MixQuery {
    pub text: String,
    /// (parameter, value), e.g. ("delivery", "classroom").
    pub params: Vec<(String, String)>,
}

impl MixQuery {
    pub fn filters(&self) -> Filters {
        let mut f = Filters::default();
        for (key, value) in &self.params {
            match key.as_str() {
                "delivery" => f.deliveries.extend(Delivery::parse(value)),
                "province" => f.provinces.push(value.clone()),
                "tier" => f.tiers.extend(RegionTier::parse(value)),
                "programme" => f.programmes.push(value.clone()),
                "hours_band" => f.hours_bands.extend(HoursBand::parse(value)),
                "fee_band" => f.fee_bands.extend(FeeBand::parse(value)),
                "ncs_major" => f.ncs_majors.extend(NcsMajor::parse(value)),
                "start_month" => f.start_months.push(value.clone()),
                "audience" => f.audiences.extend(Audience::parse(value)),
                _ => {}
            }
        }
        f
    }

    /// The query string of `/api/v1/courses` (and of `fts-http`), with `per_page=20`.
    pub fn url_query(&self) -> String {
        let mut out = format!("q={}", percent_encode(&self.text));
        for (key, value) in &self.params {
            out.push_str(&format!("&{key}={}", percent_encode(value)));
        }
        out.push_str(&format!("&per_page={PAGE}"));
        out
    }
}

pub fn percent_encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// SplitMix64, for a mix that is the same on every run.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

/// `count` queries: a word from [`WORDS`] and 1–3 filters on different facets, each value taken
/// from a course drawn at random (so values are as common as they are in the catalogue).
pub fn query_mix(rows: &[CourseRow], count: usize, seed: u64) -> Vec<MixQuery> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(count);
    if rows.is_empty() {
        return out;
    }
    while out.len() < count {
        let text = WORDS[rng.below(WORDS.len())].to_owned();
        let n = 1 + rng.below(3);
        let mut kinds: Vec<FacetKind> = Vec::new();
        while kinds.len() < n {
            let kind = FILTERABLE[rng.below(FILTERABLE.len())];
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
        let mut params = Vec::new();
        for kind in kinds {
            let row = &rows[rng.below(rows.len())];
            let pick = |values: &[String], rng: &mut Rng| values.get(rng.below(values.len())).cloned();
            let value = match kind {
                FacetKind::Delivery => Some(row.delivery.clone()),
                FacetKind::Province => Some(row.province.clone()),
                FacetKind::Tier => Some(row.tier.clone()).filter(|t| t != "unknown"),
                FacetKind::Programme => pick(&row.programmes, &mut rng),
                FacetKind::HoursBand => Some(row.hours_band.clone()),
                FacetKind::FeeBand => Some(row.fee_band.clone()),
                FacetKind::NcsMajor => Some(row.ncs_major.clone()),
                FacetKind::StartMonth => pick(&row.months, &mut rng),
                FacetKind::Audience => pick(&row.audiences, &mut rng),
                _ => None,
            };
            if let Some(value) = value {
                params.push((kind.as_str().to_owned(), value));
            }
        }
        out.push(MixQuery { text, params });
    }
    out
}

/// The aiup request for a query of the mix.
pub fn aiup_request(query: &MixQuery) -> SearchRequest {
    SearchRequest {
        query: query.text.clone(),
        filters: query.filters(),
        sort: SortOrder::Relevance,
        limit: PAGE,
        offset: 0,
        today: crate::generate_start(),
        ..SearchRequest::default()
    }
}

pub fn aiup_search(index: &CourseIndex, query: &MixQuery) -> anyhow::Result<Answer> {
    Ok(Answer::from_aiup(index.search(&aiup_request(query))?))
}

/// Latency figures of one timed run, in microseconds.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Latency {
    pub samples: usize,
    pub p50_us: f64,
    pub p90_us: f64,
    pub p99_us: f64,
    pub max_us: f64,
    pub mean_us: f64,
}

impl Latency {
    pub fn of(samples: &[Duration]) -> Latency {
        let mut us: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e6).collect();
        us.sort_by(f64::total_cmp);
        let at = |p: f64| -> f64 {
            if us.is_empty() {
                return 0.0;
            }
            let rank = ((p * us.len() as f64).ceil() as usize).clamp(1, us.len());
            us[rank - 1]
        };
        Latency {
            samples: us.len(),
            p50_us: at(0.50),
            p90_us: at(0.90),
            p99_us: at(0.99),
            max_us: us.last().copied().unwrap_or(0.0),
            mean_us: if us.is_empty() {
                0.0
            } else {
                us.iter().sum::<f64>() / us.len() as f64
            },
        }
    }
}

/// Runs `search` once over the mix (warm-up), then `passes` times timed, one at a time.
/// Returns the latency and, from the warm-up pass, the mean total and mean hits per query.
pub async fn time_mix<F, Fut>(mix: &[MixQuery], passes: usize, mut search: F) -> anyhow::Result<(Latency, f64, f64)>
where
    F: FnMut(MixQuery) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<Answer>>,
{
    let mut totals = 0u64;
    let mut hits = 0usize;
    for q in mix {
        let answer = search(q.clone()).await?;
        anyhow::ensure!(answer.hits.len() <= PAGE, "more than {PAGE} hits");
        anyhow::ensure!(
            answer.total == 0 || !answer.facets.is_empty(),
            "no facet counts for `{}`",
            q.text
        );
        totals += answer.total;
        hits += answer.hits.len();
    }
    let mut samples = Vec::with_capacity(mix.len() * passes);
    for _ in 0..passes {
        for q in mix {
            let q = q.clone();
            let start = Instant::now();
            let answer = search(q).await?;
            samples.push(start.elapsed());
            std::hint::black_box(answer);
        }
    }
    let n = mix.len().max(1) as f64;
    Ok((Latency::of(&samples), totals as f64 / n, hits as f64 / n))
}

/// One system's in-process figures.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SpeedResult {
    pub system: String,
    pub courses: usize,
    pub queries: usize,
    pub build_secs: f64,
    /// What the build covers.
    pub build_note: String,
    pub size_bytes: u64,
    pub latency: Latency,
    /// Mean number of matching courses per query (the set facets are counted over).
    pub mean_total: f64,
    pub mean_hits: f64,
    /// VmRSS once the system's input is ready, before the build; VmHWM is reset then.
    pub peak_loaded_bytes: u64,
    /// VmHWM after the build (since the reset).
    pub peak_built_bytes: u64,
    /// VmHWM after the timed queries (since the reset).
    pub peak_end_bytes: u64,
    pub note: String,
}
