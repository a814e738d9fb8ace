//! A seeded generator of 1,013 synthetic survey answers faithful to every percentage appendix 2
//! publishes (docs/sme-survey.md, "Fidelity").
//!
//! The counts are constructed, not drawn: every published share becomes a whole count of its
//! base ([`count_for`]), and the size-band plan below (solved offline so that the published
//! by-size figures and the overall figures hold together) fixes the joint counts. Only which
//! firm gets which answer, and each firm's province, is drawn from the seed, so any seed gives
//! the same tables overall, by size band and by training experience.

use super::{per_mille, province, Choices, Experience, Hours, Level, Method, SurveyAnswer};
use crate::SizeBand;

/// The number of firms the survey answered (seed 002 붙임2 < 조사 개요 >: 1,013개소).
pub const SAMPLE_SIZE: u32 = 1013;

/// One size band's share of the sample and its joint counts. The survey does not publish its
/// size mix; this mix is an aiup default, solved so that the four published bands (5인 미만,
/// 5~9인, 50~99인, 300인 이상) reproduce their AI-use, training-experience and need shares to
/// the published decimal, and the three unpublished bands take the rest of each overall count
/// at rates between their published neighbours'.
struct BandPlan {
    firms: u32,
    ai_use: u32,
    trained: u32,
    need: u32,
    /// Trained firms that need training (the rest of `need` are untrained).
    trained_need: u32,
    /// Trained firms that need training but named no method.
    method_silent: u32,
    /// Firms naming a remote method among those naming one.
    remote: u32,
    /// Of `remote`, trained firms.
    trained_remote: u32,
}

#[allow(clippy::too_many_arguments)] // one row of the plan, in its column order
const fn band(
    firms: u32,
    ai_use: u32,
    trained: u32,
    need: u32,
    trained_need: u32,
    method_silent: u32,
    remote: u32,
    trained_remote: u32,
) -> BandPlan {
    BandPlan {
        firms,
        ai_use,
        trained,
        need,
        trained_need,
        method_silent,
        remote,
        trained_remote,
    }
}

/// In the order of `SizeBand::ALL`. Published: 5인 미만 9.4/6.3/23.4% (12, 8, 30 of 128),
/// 5~9인 19.1/15.1/44.2% (38, 30, 88 of 199), 50~99인 20.8/21.6/53.6% (26, 27, 67 of 125),
/// 300인 이상 41.1/38.9/71.1% (37, 35, 64 of 90); remote share of the method needed 73.4, 52.3,
/// 44.8, 35.9% (22 of 30 = 73.3%, whole counts; 46 of 88, 30 of 67, 23 of 64).
const PLAN: [BandPlan; 7] = [
    band(128, 12, 8, 30, 8, 0, 22, 4),
    band(199, 38, 30, 88, 28, 0, 46, 10),
    band(180, 35, 29, 95, 27, 0, 48, 9),
    band(108, 22, 21, 57, 19, 0, 27, 6),
    band(125, 26, 27, 67, 25, 0, 30, 8),
    band(183, 61, 54, 130, 50, 19, 52, 10),
    band(90, 37, 35, 64, 31, 0, 23, 7),
];

/// Firms that need or intend AI training ("demand firms", the base of the obstacles to the
/// training needed): an aiup choice. At least 709 follow from the published need and intent
/// counts; 740 is the smallest above that at which all seven published obstacle shares are
/// whole counts (6.5% = 48 of 740, …).
const DEMAND_FIRMS: u32 = 740;

/// Methods of the training needed, as counts of the 531 firms that need it. Published 26.6,
/// 25.0, 22.8, 22.0% (141, 133, 121, 117) cannot hold together with the classroom shares by
/// experience (68.1% of trained, 43.5% of untrained firms naming a method): those need 264
/// classroom answers of 512, the published four give 262. Each of the four is moved by one
/// (26.7, 24.9, 23.0, 21.8%: within 0.2 points) so that the by-experience shares are within 0.1.
const METHODS_NEEDED: [u32; 4] = [142, 132, 122, 116];
/// Of the 264 classroom answers, 115 are trained firms' (68.0% of 169); of the 248 remote, 54.
const TRAINED_CLASSROOM: u32 = 115;

/// Published per-mille (seed 002 붙임2 2)), each a share of its base.
const FIELDS_DONE: [u32; 8] = [260, 98, 216, 137, 113, 49, 333, 172];
const FIELDS_NEEDED: [u32; 8] = [326, 169, 343, 198, 185, 90, 266, 169];
const METHODS_DONE: [u32; 4] = [353, 132, 309, 201];
const LEVELS_DONE: [u32; 4] = [505, 363, 88, 25];
const LEVELS_NEEDED: [u32; 4] = [224, 512, 177, 60];
const HOURS_DONE: [u32; 5] = [495, 294, 113, 78, 20];
const HOURS_NEEDED: [u32; 5] = [429, 324, 136, 56, 55];
const OBSTACLES_DONE: [u32; 7] = [29, 98, 265, 270, 348, 176, 196];
const OBSTACLES_NEEDED: [u32; 7] = [65, 168, 284, 358, 420, 192, 149];
const SUPPORT: [u32; 8] = [471, 228, 115, 448, 161, 72, 84, 41];
/// 1) AI 활용 및 훈련수요 일반.
const CONSIDERING: u32 = 47;
const INTENT: u32 = 678;
const TRAINED_INTENT: u32 = 814;

/// Resident population by province (data/population/sido.csv), which spreads the sample over
/// the 17 provinces: the survey publishes no regional split (aiup default).
const SIDO_POPULATION: &str = include_str!("../../../../data/population/sido.csv");

/// The whole count of `base` nearest to `per_mille`·base/1000 whose per-mille (rounded half up)
/// is `per_mille`; the nearest count when none is.
pub(crate) fn count_for(per_mille_wanted: u32, base: u32) -> u32 {
    let exact = u64::from(per_mille_wanted) * u64::from(base);
    let nearest = u32::try_from((exact + 500) / 1000).unwrap_or(base);
    [nearest, nearest.saturating_sub(1), nearest + 1]
        .into_iter()
        .find(|k| *k <= base && per_mille(*k, base) == Some(per_mille_wanted))
        .unwrap_or(nearest)
}

/// SplitMix64 (the generator of `aiup_catalogue::generate::rng`), so a seed gives the same
/// answers whatever crate versions are locked.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        let n = n as u64;
        usize::try_from((u128::from(self.next()) * u128::from(n)) >> 64).unwrap_or(0)
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }

    fn shuffled(&mut self, mut items: Vec<usize>) -> Vec<usize> {
        self.shuffle(&mut items);
        items
    }
}

/// Largest-remainder apportionment of `total` by `weights`.
fn apportion(total: u32, weights: &[u64]) -> Vec<u32> {
    let sum: u64 = weights.iter().sum::<u64>().max(1);
    let t = u64::from(total);
    let mut shares: Vec<u32> = weights
        .iter()
        .map(|w| u32::try_from(t * w / sum).unwrap_or(0))
        .collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(((t * weights[i]) % sum, usize::MAX - i)));
    let given: u32 = shares.iter().sum();
    for &i in order.iter().take((total - given) as usize) {
        shares[i] += 1;
    }
    shares
}

fn blank(size_band: SizeBand, experience: Experience) -> SurveyAnswer {
    SurveyAnswer {
        business_number: None,
        size_band,
        province: String::new(),
        ai_use: false,
        experience,
        need: false,
        intent: false,
        fields_done: Choices::NONE,
        fields_needed: Choices::NONE,
        method_done: None,
        method_needed: None,
        level_done: None,
        level_needed: None,
        hours_done: None,
        hours_needed: None,
        obstacles_done: Choices::NONE,
        obstacles_needed: Choices::NONE,
        support: Choices::NONE,
    }
}

/// Gives `counts[i]` firms of `base` (in order) option `i`; the rest get `None`.
fn assign_single(base: &[usize], counts: &[u32], mut set: impl FnMut(usize, usize)) {
    let mut firms = base.iter();
    for (option, &count) in counts.iter().enumerate() {
        for &firm in firms.by_ref().take(count as usize) {
            set(firm, option);
        }
    }
}

/// Deals `counts[i]` ticks of option `i` round the firms of `base`: a firm gets each option at
/// most once as long as no count exceeds the base.
fn assign_multiple(base: &[usize], counts: &[u32], mut set: impl FnMut(usize, usize)) {
    if base.is_empty() {
        return;
    }
    let mut tick = 0usize;
    for (option, &count) in counts.iter().enumerate() {
        for _ in 0..count {
            set(base[tick % base.len()], option);
            tick += 1;
        }
    }
}

fn counts(per_mille: &[u32], base: usize) -> Vec<u32> {
    let base = u32::try_from(base).unwrap_or(u32::MAX);
    per_mille.iter().map(|p| count_for(*p, base)).collect()
}

/// 1,013 synthetic answers consistent with every published percentage of appendix 2 (see the
/// module docs); `seed` decides only who answers what and where each firm is.
pub fn generate(seed: u64) -> Vec<SurveyAnswer> {
    let mut rng = Rng(seed ^ 0x5EED_0002_0000_0002);
    let n = SAMPLE_SIZE as usize;
    let untrained_total: u32 = PLAN.iter().map(|b| b.firms - b.trained).sum();
    let considering = apportion(
        count_for(CONSIDERING, SAMPLE_SIZE),
        &PLAN.iter().map(|b| u64::from(b.firms - b.trained)).collect::<Vec<_>>(),
    );
    debug_assert_eq!(
        untrained_total + PLAN.iter().map(|b| b.trained).sum::<u32>(),
        SAMPLE_SIZE
    );

    let mut firms: Vec<SurveyAnswer> = Vec::with_capacity(n);
    // Lists of firm indexes, built band by band.
    let (mut trained_need, mut untrained_need, mut untrained_rest) = (Vec::new(), Vec::new(), Vec::new());
    let (mut classroom_trained, mut classroom_untrained, mut remote) = (Vec::new(), Vec::new(), Vec::new());
    for (plan, (size, considering)) in PLAN.iter().zip(SizeBand::ALL.into_iter().zip(considering)) {
        let start = firms.len();
        for i in 0..plan.firms {
            let experience = if i < plan.trained {
                Experience::Done
            } else if i < plan.trained + considering {
                Experience::Considering
            } else {
                Experience::None
            };
            firms.push(blank(size, experience));
        }
        let band: Vec<usize> = (start..firms.len()).collect();
        for &firm in rng.shuffled(band.clone()).iter().take(plan.ai_use as usize) {
            firms[firm].ai_use = true;
        }
        let trained: Vec<usize> = rng.shuffled(band[..plan.trained as usize].to_vec());
        let untrained: Vec<usize> = band[plan.trained as usize..].to_vec();
        // Considering firms are the likeliest to need training: they come first.
        let untrained_needing = (plan.need - plan.trained_need) as usize;
        let (need_u, rest_u) = untrained.split_at(untrained_needing.min(untrained.len()));
        let need_t = &trained[..plan.trained_need as usize];
        for &firm in need_t.iter().chain(need_u) {
            firms[firm].need = true;
        }
        trained_need.extend_from_slice(need_t);
        untrained_need.extend_from_slice(need_u);
        untrained_rest.extend_from_slice(rest_u);
        // Methods of the training needed: the band's remote count, trained and untrained.
        let answering = &need_t[..need_t.len() - plan.method_silent as usize];
        let (remote_t, classroom_t) = answering.split_at(plan.trained_remote as usize);
        let need_u = rng.shuffled(need_u.to_vec());
        let (remote_u, classroom_u) = need_u.split_at((plan.remote - plan.trained_remote) as usize);
        remote.extend_from_slice(remote_t);
        remote.extend_from_slice(remote_u);
        classroom_trained.extend_from_slice(classroom_t);
        classroom_untrained.extend_from_slice(classroom_u);
    }
    debug_assert_eq!(classroom_trained.len(), TRAINED_CLASSROOM as usize);

    // Intent: 81.4% of trained firms (all among those that need training), the rest of the
    // overall 67.8% among untrained firms, so that 740 firms need or intend training.
    let trained_count: usize = PLAN.iter().map(|b| b.trained as usize).sum();
    let intent_trained = count_for(TRAINED_INTENT, u32::try_from(trained_count).unwrap_or(0)) as usize;
    let intent_all = count_for(INTENT, SAMPLE_SIZE) as usize;
    let demand_only = DEMAND_FIRMS as usize - trained_need.len() - untrained_need.len();
    let intent_untrained_need = intent_all - intent_trained - demand_only;
    for (list, k) in [
        (&trained_need, intent_trained),
        (&untrained_need, intent_untrained_need),
        (&untrained_rest, demand_only),
    ] {
        for firm in rng.shuffled(list.clone()).into_iter().take(k) {
            firms[firm].intent = true;
        }
    }

    // Which classroom and remote answers are in-house.
    let classroom: Vec<usize> = rng.shuffled([classroom_trained, classroom_untrained].concat());
    let in_house_classroom = METHODS_NEEDED[0] as usize;
    for (i, &firm) in classroom.iter().enumerate() {
        firms[firm].method_needed = Some(if i < in_house_classroom {
            Method::InHouseClassroom
        } else {
            Method::ExternalClassroom
        });
    }
    let remote = rng.shuffled(remote);
    for (i, &firm) in remote.iter().enumerate() {
        firms[firm].method_needed = Some(if i < METHODS_NEEDED[1] as usize {
            Method::InHouseRemote
        } else {
            Method::ExternalRemote
        });
    }

    // The details of training done and needed, over their bases in a seeded order.
    let trained: Vec<usize> = (0..n).filter(|&i| firms[i].trained()).collect();
    let needing: Vec<usize> = (0..n).filter(|&i| firms[i].need).collect();
    let demand: Vec<usize> = (0..n).filter(|&i| firms[i].demand()).collect();
    let everyone: Vec<usize> = (0..n).collect();
    let base = rng.shuffled(trained.clone());
    assign_multiple(&base, &counts(&FIELDS_DONE, base.len()), |f, o| {
        firms[f].fields_done = firms[f].fields_done.with(o)
    });
    let base = rng.shuffled(trained.clone());
    assign_single(&base, &counts(&METHODS_DONE, base.len()), |f, o| {
        firms[f].method_done = Method::from_index(o)
    });
    let base = rng.shuffled(trained.clone());
    assign_single(&base, &counts(&LEVELS_DONE, base.len()), |f, o| {
        firms[f].level_done = Level::from_index(o)
    });
    let base = rng.shuffled(trained.clone());
    assign_single(&base, &counts(&HOURS_DONE, base.len()), |f, o| {
        firms[f].hours_done = Hours::from_index(o)
    });
    let base = rng.shuffled(trained);
    assign_multiple(&base, &counts(&OBSTACLES_DONE, base.len()), |f, o| {
        firms[f].obstacles_done = firms[f].obstacles_done.with(o);
    });
    let base = rng.shuffled(needing.clone());
    assign_multiple(&base, &counts(&FIELDS_NEEDED, base.len()), |f, o| {
        firms[f].fields_needed = firms[f].fields_needed.with(o);
    });
    let base = rng.shuffled(needing.clone());
    assign_single(&base, &counts(&LEVELS_NEEDED, base.len()), |f, o| {
        firms[f].level_needed = Level::from_index(o)
    });
    let base = rng.shuffled(needing);
    assign_single(&base, &counts(&HOURS_NEEDED, base.len()), |f, o| {
        firms[f].hours_needed = Hours::from_index(o)
    });
    let base = rng.shuffled(demand);
    assign_multiple(&base, &counts(&OBSTACLES_NEEDED, base.len()), |f, o| {
        firms[f].obstacles_needed = firms[f].obstacles_needed.with(o);
    });
    let base = rng.shuffled(everyone);
    assign_multiple(&base, &counts(&SUPPORT, base.len()), |f, o| {
        firms[f].support = firms[f].support.with(o)
    });

    // Provinces in proportion to population, dealt at random.
    let population: Vec<(String, u64)> = SIDO_POPULATION
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut cells = line.split(',');
            let code = cells.next()?.trim().to_string();
            let thousands = cells.nth(1)?.trim().parse().ok()?;
            province(&code).map(|_| (code, thousands))
        })
        .collect();
    let shares = apportion(SAMPLE_SIZE, &population.iter().map(|p| p.1).collect::<Vec<_>>());
    let mut provinces: Vec<&str> = population
        .iter()
        .zip(shares)
        .flat_map(|((code, _), k)| std::iter::repeat_n(code.as_str(), k as usize))
        .collect();
    rng.shuffle(&mut provinces);
    for (firm, code) in firms.iter_mut().zip(provinces) {
        firm.province = code.to_string();
    }
    rng.shuffle(&mut firms);
    firms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_adds_up_to_the_overall_counts() {
        let sum = |f: fn(&BandPlan) -> u32| PLAN.iter().map(f).sum::<u32>();
        assert_eq!(sum(|b| b.firms), SAMPLE_SIZE);
        assert_eq!(sum(|b| b.ai_use), count_for(228, SAMPLE_SIZE));
        assert_eq!(sum(|b| b.trained), count_for(201, SAMPLE_SIZE));
        assert_eq!(sum(|b| b.need), count_for(524, SAMPLE_SIZE));
        assert_eq!(sum(|b| b.remote), METHODS_NEEDED[1] + METHODS_NEEDED[3]);
        let answering = sum(|b| b.need) - sum(|b| b.method_silent);
        assert_eq!(answering, METHODS_NEEDED.iter().sum::<u32>());
        assert_eq!(
            sum(|b| b.trained_need - b.method_silent) - sum(|b| b.trained_remote),
            TRAINED_CLASSROOM
        );
        for b in &PLAN {
            assert!(b.trained_need <= b.trained && b.need - b.trained_need <= b.firms - b.trained);
            assert!(b.trained_remote <= b.trained_need - b.method_silent);
            assert!(b.remote - b.trained_remote <= b.need - b.trained_need);
        }
    }

    #[test]
    fn count_for_finds_the_published_share() {
        assert_eq!(count_for(228, 1013), 231);
        assert_eq!(count_for(921, 204), 188); // 92.2%: no count of 204 gives 92.1
        assert_eq!(apportion(10, &[1, 1, 1]), vec![4, 3, 3]);
    }
}
