//! A small seeded generator (SplitMix64) written out here so that a seed gives the same data
//! forever (the catalogue here, the synthetic population in `aiup-people`), whatever versions of
//! outside crates are in the lock file.

/// SplitMix64 (Steele, Lea and Flood 2014; the constants of Vigna's reference code).
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// An independent stream for one purpose (institutions, courses …), so adding draws to
    /// one part does not shift the others.
    pub fn fork(seed: u64, stream: u64) -> Rng {
        let mut mixer = Rng::new(seed ^ stream.wrapping_mul(0xA076_1D64_78BD_642F));
        Rng::new(mixer.next_u64())
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0), by Lemire's multiply-shift.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi` (`lo` when `hi < lo`).
    pub fn range(&mut self, lo: u32, hi: u32) -> u32 {
        if hi <= lo {
            return lo;
        }
        lo + self.below(u64::from(hi - lo) + 1) as u32
    }

    /// Uniform in `lo..=hi` for amounts of money.
    pub fn range_i64(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo) as u64 + 1) as i64
    }

    /// True with probability `permille` / 1000.
    pub fn chance(&mut self, permille: u32) -> bool {
        self.below(1000) < u64::from(permille)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// An index drawn with the given weights (0 when all are 0).
    pub fn weighted<T>(&mut self, items: &[T], weight: impl Fn(&T) -> u32) -> usize {
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

    /// Fisher–Yates.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }
}

/// Cumulative weights for repeated draws from one fixed list.
#[derive(Debug, Clone, Default)]
pub struct Table {
    cumulative: Vec<u64>,
}

impl Table {
    pub fn new(weights: impl IntoIterator<Item = u64>) -> Table {
        let mut sum = 0;
        let cumulative = weights
            .into_iter()
            .map(|w| {
                sum += w;
                sum
            })
            .collect();
        Table { cumulative }
    }

    pub fn is_empty(&self) -> bool {
        self.cumulative.last().copied().unwrap_or(0) == 0
    }

    /// An index, or `None` when every weight is 0.
    pub fn draw(&self, rng: &mut Rng) -> Option<usize> {
        let total = *self.cumulative.last()?;
        if total == 0 {
            return None;
        }
        let x = rng.below(total);
        Some(self.cumulative.partition_point(|&c| c <= x))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_matches_the_reference_sequence() {
        // First outputs of Vigna's splitmix64.c seeded with 1234567.
        let mut rng = Rng::new(1_234_567);
        assert_eq!(rng.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(rng.next_u64(), 3_203_168_211_198_807_973);
    }

    #[test]
    fn tables_draw_by_weight() {
        let table = Table::new([0, 3, 0, 1]);
        let mut rng = Rng::new(7);
        let mut counts = [0; 4];
        for _ in 0..4000 {
            counts[table.draw(&mut rng).unwrap()] += 1;
        }
        assert_eq!((counts[0], counts[2]), (0, 0));
        assert!((2800..3200).contains(&counts[1]), "{counts:?}");
        assert!(Table::new([0, 0]).draw(&mut rng).is_none());
    }
}
