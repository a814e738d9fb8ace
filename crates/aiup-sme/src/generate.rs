//! Seeded synthetic firms and partner-programme links (issue 11), with their own PRNG so a seed
//! means the same registry forever.
//!
//! The proportions are aiup defaults (docs/sme.md, "Synthetic firms"), chosen to look like the
//! registry the plan describes (seed 002 IV-②: about 97,000 training workplaces, 6.9% of them with
//! AI training; 21.2% of workplaces with 300 or more workers against 5.5% of those under 30):
//! - size bands skewed small, as training workplaces are;
//! - KSIC divisions weighted to manufacturing and business services;
//! - the province by resident population (`data/population/sido.csv`), then a 시군구 of it;
//! - employer training for every firm (they are training workplaces), AI training by size band
//!   (5.5% under 30 workers, 7% from 30 to 299, 21.2% from 300; 6.9% overall), 4–38 hours of it
//!   (21 on average, as the plan reports);
//! - priority support (우선지원대상기업) for firms under 300 workers.

use std::collections::HashSet;

use aiup_core::region::{Region, RegionTable};

use crate::firm::{Firm, SizeBand, TrainingHistory};
use crate::ksic::IndustryCode;
use crate::partner::partner_programmes;
use crate::BusinessNumber;

const SIDO_CSV: &str = include_str!("../../../data/population/sido.csv");

/// SplitMix64 (Steele, Lea and Flood 2014), as `aiup-catalogue` and `aiup-people` use it.
#[derive(Debug, Clone)]
struct Rng {
    state: u64,
}

impl Rng {
    fn fork(seed: u64, stream: u64) -> Rng {
        let mut mixer = Rng {
            state: seed ^ stream.wrapping_mul(0xA076_1D64_78BD_642F),
        };
        Rng {
            state: mixer.next_u64(),
        }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    fn range(&mut self, lo: u32, hi: u32) -> u32 {
        if hi <= lo {
            return lo;
        }
        lo + self.below(u64::from(hi - lo) + 1) as u32
    }

    fn chance(&mut self, permille: u32) -> bool {
        self.below(1000) < u64::from(permille)
    }

    fn weighted<T>(&mut self, items: &[T], weight: impl Fn(&T) -> u32) -> usize {
        let total: u64 = items.iter().map(|i| u64::from(weight(i))).sum();
        let mut draw = self.below(total);
        for (i, item) in items.iter().enumerate() {
            let w = u64::from(weight(item));
            if draw < w {
                return i;
            }
            draw -= w;
        }
        0
    }
}

/// Size bands of training workplaces, per mille, with the employee range drawn within each.
const BANDS: [(u32, u32, u32); 7] = [
    (200, 1, 4),
    (180, 5, 9),
    (270, 10, 29),
    (100, 30, 49),
    (100, 50, 99),
    (90, 100, 299),
    (60, 300, 3_000),
];

/// AI training per mille by employees (seed 002 IV-②: 5.5% under 30, 21.2% from 300).
fn ai_permille(employees: u32) -> u32 {
    match employees {
        0..=29 => 55,
        30..=299 => 70,
        _ => 212,
    }
}

/// KSIC divisions and their weights: manufacturing about 45%, then business services, trade,
/// construction, transport, health and education.
const DIVISIONS: &[(&str, u32)] = &[
    ("10", 40),
    ("13", 10),
    ("17", 10),
    ("20", 30),
    ("21", 10),
    ("22", 30),
    ("23", 10),
    ("24", 15),
    ("25", 60),
    ("26", 40),
    ("27", 15),
    ("28", 30),
    ("29", 60),
    ("30", 40),
    ("31", 10),
    ("33", 10),
    ("35", 5),
    ("38", 10),
    ("41", 20),
    ("42", 30),
    ("46", 60),
    ("47", 40),
    ("49", 25),
    ("52", 20),
    ("56", 20),
    ("58", 20),
    ("62", 50),
    ("63", 15),
    ("64", 10),
    ("70", 20),
    ("71", 30),
    ("72", 30),
    ("73", 10),
    ("75", 40),
    ("85", 25),
    ("86", 35),
    ("87", 30),
    ("96", 10),
];

const NAME_HEADS: &[&str] = &[
    "한빛",
    "대성",
    "미래",
    "세진",
    "동양",
    "청솔",
    "새솔",
    "한결",
    "누리",
    "다온",
    "가람",
    "보람",
    "태양",
    "우리",
    "정우",
    "삼정",
    "서진",
    "유성",
    "한울",
    "온누리",
    "푸른",
    "신화",
    "지성",
    "명진",
    "대원",
    "하나",
    "이음",
    "바른",
    "참빛",
    "고운",
];

fn name_tail(section: char) -> &'static [&'static str] {
    match section {
        'C' => &["정밀", "산업", "전자", "기계", "화학", "식품", "금속", "테크"],
        'J' => &["소프트", "데이터", "미디어", "정보통신", "시스템즈"],
        'G' => &["상사", "물산", "유통", "무역"],
        'F' => &["건설", "종합건설", "설비"],
        'H' => &["물류", "운수", "로지스"],
        'Q' => &["의원", "복지센터", "요양원"],
        'P' => &["교육", "아카데미", "학원"],
        _ => &["서비스", "컨설팅", "파트너스", "솔루션"],
    }
}

/// Province codes and their populations (thousands), from `data/population/sido.csv`.
fn provinces() -> Vec<(String, u32)> {
    SIDO_CSV
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut cells = line.split(',');
            let code = cells.next()?.trim().to_owned();
            let thousands = cells.nth(1)?.trim().parse().ok()?;
            Some((code, thousands))
        })
        .collect()
}

/// `n` synthetic firms from `seed` (the same seed and table always give the same firms), every
/// one valid: its business number checks, its KSIC division exists and its region is in
/// `regions`.
pub fn firms(seed: u64, n: usize, regions: &RegionTable) -> Vec<Firm> {
    let mut rng = Rng::fork(seed, 0x5EED_F1A5);
    let provinces: Vec<(String, u32)> = provinces()
        .into_iter()
        .filter(|(code, _)| regions.regions().iter().any(|r| r.sido_code == *code))
        .collect();
    // The 시군구 a workplace can be in: every region that is no other region's parent.
    let parents: HashSet<_> = regions.regions().iter().filter_map(|r| r.parent_code).collect();
    let leaves: Vec<Vec<&Region>> = provinces
        .iter()
        .map(|(code, _)| {
            regions
                .regions()
                .iter()
                .filter(|r| r.sido_code == *code && !parents.contains(&r.code))
                .collect()
        })
        .collect();
    let mut numbers = HashSet::with_capacity(n);
    let mut out = Vec::with_capacity(n);
    while out.len() < n && !provinces.is_empty() {
        let mut nine = [0u8; 9];
        nine[0] = rng.range(1, 9) as u8;
        for d in nine.iter_mut().skip(1) {
            *d = rng.below(10) as u8;
        }
        let business_number = BusinessNumber::from_nine(nine);
        if !numbers.insert(business_number.digits()) {
            continue;
        }
        let (_, lo, hi) = BANDS[rng.weighted(&BANDS, |b| b.0)];
        // Within the top band, most firms are near its floor.
        let employees = if hi > 1_000 {
            lo + rng.range(0, 700).min(rng.range(0, hi - lo))
        } else {
            rng.range(lo, hi)
        };
        let (division, _) = DIVISIONS[rng.weighted(DIVISIONS, |d| d.1)];
        let Some(industry) = IndustryCode::from_parts("", division) else {
            continue;
        };
        let p = rng.weighted(&provinces, |p| p.1);
        let Some(&region) = leaves[p].get(rng.below(leaves[p].len() as u64) as usize) else {
            continue;
        };
        let ai_training = rng.chance(ai_permille(employees));
        let tails = name_tail(industry.section());
        let head = NAME_HEADS[rng.below(NAME_HEADS.len() as u64) as usize];
        let tail = tails[rng.below(tails.len() as u64) as usize];
        let name = if employees >= 50 && rng.chance(600) {
            format!("(주){head}{tail}")
        } else {
            format!("{head}{tail}")
        };
        out.push(Firm {
            business_number,
            name,
            employees,
            size_band: SizeBand::of_employees(employees),
            industry,
            region_code: region.code,
            province_code: region.sido_code.clone(),
            capital_area: region.capital_area,
            priority_support: employees < 300,
            history: TrainingHistory {
                employer_training: true,
                ai_training,
                ai_training_hours: if ai_training { rng.range(4, 38) } else { 0 },
            },
        });
    }
    out
}

/// Partner-programme participations of `firms` from `seed`: about 8% of firms take part in one
/// programme (a tenth of those in a second), manufacturers mostly in the manufacturing
/// programmes; years 2024 and 2025.
pub fn participations(seed: u64, firms: &[Firm]) -> Vec<(String, BusinessNumber, u16)> {
    let mut rng = Rng::fork(seed, 0x9A27_0E25);
    let programmes = partner_programmes();
    let fits = |id: &str, manufacturing: bool| -> u32 {
        let factory = matches!(
            id,
            "mss-smart-factory" | "msit-manufacturing-ai" | "motie-industrial-ai" | "motie-robots"
        );
        match (factory, manufacturing) {
            (true, true) => 4,
            (false, false) => 4,
            _ => 1,
        }
    };
    let mut out = Vec::new();
    for f in firms {
        if !rng.chance(80) {
            continue;
        }
        let manufacturing = f.industry.section() == 'C';
        let count = if rng.chance(100) { 2 } else { 1 };
        let mut taken: Vec<usize> = Vec::new();
        for _ in 0..count {
            let i = rng.weighted(programmes, |p| fits(&p.id, manufacturing));
            if taken.contains(&i) {
                continue;
            }
            taken.push(i);
            let year = if rng.chance(500) { 2024 } else { 2025 };
            out.push((programmes[i].id.clone(), f.business_number.clone(), year));
        }
    }
    out
}

/// Participations as a participant file (`programme_id,business_number,year`).
pub fn write_participants_csv(rows: &[(String, BusinessNumber, u16)]) -> String {
    let mut out = String::from("programme_id,business_number,year\n");
    for (programme, number, year) in rows {
        out.push_str(&format!("{programme},{number},{year}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::firm::{parse_firms_csv, write_firms_csv};
    use crate::partner::parse_participants_csv;

    fn regions() -> RegionTable {
        RegionTable::load(aiup_core::defaults::region_files()).expect("regions")
    }

    #[test]
    fn firms_are_valid_seeded_and_look_like_training_workplaces() {
        let table = regions();
        let firms = firms(7, 20_000, &table);
        assert_eq!(firms.len(), 20_000);
        assert_eq!(firms, super::firms(7, 20_000, &table), "same seed, same firms");
        assert_ne!(
            firms[..10],
            super::firms(8, 10, &table)[..],
            "another seed, other firms"
        );
        // The importer reads them back unchanged.
        assert_eq!(parse_firms_csv(&write_firms_csv(&firms), &table).expect("valid"), firms);
        let share = |pred: &dyn Fn(&Firm) -> bool| firms.iter().filter(|f| pred(f)).count() * 1000 / firms.len();
        let ai = share(&|f| f.history.ai_training);
        assert!((60..=78).contains(&ai), "AI training {ai}‰, the plan's 6.9%");
        assert!(firms.iter().all(|f| f.history.employer_training));
        let small = share(&|f| f.employees < 30);
        assert!((600..=700).contains(&small), "under 30: {small}‰");
        let manufacturing = share(&|f| f.industry.section() == 'C');
        assert!((400..=550).contains(&manufacturing), "manufacturing {manufacturing}‰");
        let capital = share(&|f| f.capital_area);
        assert!(
            (450..=560).contains(&capital),
            "capital area {capital}‰ (about half of residents)"
        );
        assert!(firms.iter().all(|f| f.priority_support == (f.employees < 300)));
        let trained: Vec<&Firm> = firms.iter().filter(|f| f.history.ai_training).collect();
        let mean = trained.iter().map(|f| f.history.ai_training_hours).sum::<u32>() / trained.len() as u32;
        assert!((19..=23).contains(&mean), "mean AI hours {mean}, the plan's 21");
    }

    #[test]
    fn participations_are_about_eight_percent_and_read_back() {
        let table = regions();
        let firms = firms(3, 10_000, &table);
        let rows = participations(3, &firms);
        let distinct: HashSet<&BusinessNumber> = rows.iter().map(|r| &r.1).collect();
        assert!((650..=950).contains(&distinct.len()), "{} firms", distinct.len());
        let parsed = parse_participants_csv(&write_participants_csv(&rows), partner_programmes(), None)
            .expect("the generated list reads");
        assert_eq!(parsed.len(), rows.len());
        assert_eq!(rows, participations(3, &firms));
    }
}
