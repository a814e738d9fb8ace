//! Per-segment facet data held in memory, and the one-pass collector that counts disjunctive
//! facets and keeps the top hits.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;

use aiup_catalogue::{AiLevel, AiStep, Audience, FeeBand, HoursBand, TimeOfDay};
use aiup_core::{Delivery, RegionTier, Stage};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::schema::{
    self, Packed, ADMITS, AI_LEVEL, AI_STEP, AUDIENCE, DELIVERY, FEE, F_FEE, F_HOURS, F_ID, F_MONTHS, F_PACKED, F_PROG,
    F_REGION, F_STARTS, F_SUPPORT, HOURS, NCS, NO_SUPPORT, PROVINCE, STAGE, TIER, TIME_OF_DAY,
};
use crate::{Facet, FacetKind, FacetValue, Filters, SortOrder};

/// Compressed sparse rows: the values of doc `d` are `vals[off[d]..off[d + 1]]`.
#[derive(Debug, Default)]
pub(crate) struct Csr<T> {
    off: Vec<u32>,
    vals: Vec<T>,
}

impl<T: Copy> Csr<T> {
    fn push_doc(&mut self, values: impl IntoIterator<Item = T>) {
        if self.off.is_empty() {
            self.off.push(0);
        }
        self.vals.extend(values);
        self.off.push(self.vals.len() as u32);
    }

    #[inline]
    fn get(&self, doc: usize) -> &[T] {
        &self.vals[self.off[doc] as usize..self.off[doc + 1] as usize]
    }
}

/// Append-only dictionary of programme ids seen in the index (facet values are its indexes).
#[derive(Debug, Default, Clone)]
pub(crate) struct ProgrammeDict {
    pub names: Vec<String>,
    by_name: HashMap<String, u16>,
}

impl ProgrammeDict {
    fn intern(&mut self, name: &str) -> u16 {
        if let Some(&i) = self.by_name.get(name) {
            return i;
        }
        let i = self.names.len() as u16;
        self.names.push(name.to_owned());
        self.by_name.insert(name.to_owned(), i);
        i
    }

    pub fn get(&self, name: &str) -> Option<u16> {
        self.by_name.get(name).copied()
    }
}

/// The facet and sort values of every document of one segment, read once from fast fields.
pub(crate) struct SegmentData {
    packed: Vec<u64>,
    fee: Vec<u64>,
    hours: Vec<u64>,
    region: Vec<u64>,
    /// Per profile class, [`schema::support_code`].
    support: Vec<[u64; 6]>,
    id_ord: Vec<u64>,
    programmes: Csr<u16>,
    months: Csr<u32>,
    starts: Csr<u32>,
    ids: Option<StrColumn>,
    pub min_month: u32,
    pub max_month: u32,
}

impl std::fmt::Debug for SegmentData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SegmentData").field("docs", &self.packed.len()).finish()
    }
}

impl SegmentData {
    pub fn load(segment: &SegmentReader, programmes: &mut ProgrammeDict) -> tantivy::Result<SegmentData> {
        let ff = segment.fast_fields();
        let packed = ff.column_opt::<u64>(F_PACKED)?;
        let fee = ff.column_opt::<u64>(F_FEE)?;
        let hours = ff.column_opt::<u64>(F_HOURS)?;
        let region = ff.column_opt::<u64>(F_REGION)?;
        let support = F_SUPPORT
            .iter()
            .map(|name| ff.column_opt::<u64>(name))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let months = ff.column_opt::<u64>(F_MONTHS)?;
        let starts = ff.column_opt::<u64>(F_STARTS)?;
        let prog = ff.str(F_PROG)?;
        let ids = ff.str(F_ID)?;
        let mut prog_map = Vec::new();
        if let Some(prog) = &prog {
            let mut name = String::new();
            for ord in 0..prog.num_terms() as u64 {
                name.clear();
                prog.ord_to_str(ord, &mut name)?;
                prog_map.push(programmes.intern(&name));
            }
        }
        let n = segment.max_doc();
        let mut data = SegmentData {
            packed: Vec::with_capacity(n as usize),
            fee: Vec::with_capacity(n as usize),
            hours: Vec::with_capacity(n as usize),
            region: Vec::with_capacity(n as usize),
            support: Vec::with_capacity(n as usize),
            id_ord: Vec::with_capacity(n as usize),
            programmes: Csr::default(),
            months: Csr::default(),
            starts: Csr::default(),
            ids,
            min_month: u32::MAX,
            max_month: 0,
        };
        let first = |col: &Option<tantivy::columnar::Column<u64>>, doc| col.as_ref().and_then(|c| c.first(doc));
        let mut buf = Vec::new();
        for doc in 0..n {
            data.packed.push(first(&packed, doc).unwrap_or(0));
            data.fee.push(first(&fee, doc).unwrap_or(0));
            data.hours.push(first(&hours, doc).unwrap_or(0));
            data.region.push(first(&region, doc).unwrap_or(0));
            let mut figures = [NO_SUPPORT; 6];
            for (slot, column) in figures.iter_mut().zip(&support) {
                *slot = first(column, doc).unwrap_or(NO_SUPPORT);
            }
            data.support.push(figures);
            data.id_ord.push(
                data.ids
                    .as_ref()
                    .and_then(|c| c.term_ords(doc).next())
                    .unwrap_or(u64::MAX),
            );
            data.programmes.push_doc(
                prog.iter()
                    .flat_map(|c| c.term_ords(doc))
                    .filter_map(|ord| prog_map.get(ord as usize).copied()),
            );
            buf.clear();
            buf.extend(months.iter().flat_map(|c| c.values_for_doc(doc)).map(|m| m as u32));
            buf.sort_unstable();
            buf.dedup();
            if let (Some(lo), Some(hi)) = (buf.first(), buf.last()) {
                data.min_month = data.min_month.min(*lo);
                data.max_month = data.max_month.max(*hi);
            }
            data.months.push_doc(buf.iter().copied());
            buf.clear();
            buf.extend(starts.iter().flat_map(|c| c.values_for_doc(doc)).map(|d| d as u32));
            buf.sort_unstable();
            data.starts.push_doc(buf.iter().copied());
        }
        Ok(data)
    }
}

/// A facet filter compiled to codes.
#[derive(Debug, Clone)]
enum Check {
    /// A single value in the packed field; passes if its bit is in the mask.
    Code(Packed, u128),
    /// A bit mask in the packed field (stage, audience); passes if any bit is in the mask.
    AnyBit(Packed, u64),
    /// Programme indexes; passes if any is selected.
    Programme(Vec<bool>),
    /// Start months; passes if any is selected.
    Month(Vec<u32>),
}

/// The filters of one request, each tagged with its facet's index.
#[derive(Debug, Clone, Default)]
pub(crate) struct CompiledFilters {
    checks: Vec<(usize, Check)>,
    /// 시군구 codes, sorted; empty: no region filter.
    regions: Vec<u64>,
    /// The profile bit the course must admit.
    admits: Option<u64>,
}

fn code_mask(codes: impl IntoIterator<Item = u64>) -> u128 {
    codes.into_iter().filter(|&c| c < 128).fold(0, |m, c| m | (1 << c))
}

impl CompiledFilters {
    pub fn compile(filters: &Filters, programmes: &ProgrammeDict) -> CompiledFilters {
        let mut checks = Vec::new();
        let mut add = |kind: FacetKind, active: bool, check: Check| {
            if active {
                checks.push((kind.index(), check));
            }
        };
        add(
            FacetKind::Programme,
            !filters.programmes.is_empty(),
            Check::Programme({
                let mut selected = vec![false; programmes.names.len()];
                for name in &filters.programmes {
                    if let Some(i) = programmes.get(name) {
                        selected[i as usize] = true;
                    }
                }
                selected
            }),
        );
        add(
            FacetKind::Stage,
            !filters.stages.is_empty(),
            Check::AnyBit(STAGE, filters.stages.iter().fold(0, |m, s| m | schema::stage_bit(*s))),
        );
        add(
            FacetKind::AiStep,
            !filters.ai_steps.is_empty(),
            Check::Code(
                AI_STEP,
                code_mask(filters.ai_steps.iter().map(|v| schema::ai_step_code(*v))),
            ),
        );
        add(
            FacetKind::AiLevel,
            !filters.ai_levels.is_empty(),
            Check::Code(
                AI_LEVEL,
                code_mask(filters.ai_levels.iter().map(|v| schema::ai_level_code(*v))),
            ),
        );
        add(
            FacetKind::Delivery,
            !filters.deliveries.is_empty(),
            Check::Code(
                DELIVERY,
                code_mask(filters.deliveries.iter().map(|v| schema::delivery_code(*v))),
            ),
        );
        add(
            FacetKind::Province,
            !filters.provinces.is_empty(),
            Check::Code(
                PROVINCE,
                code_mask(
                    filters
                        .provinces
                        .iter()
                        .filter(|p| p.len() == 2)
                        .filter_map(|p| p.parse::<u64>().ok())
                        .filter(|&p| p > 0),
                ),
            ),
        );
        add(
            FacetKind::Tier,
            !filters.tiers.is_empty(),
            Check::Code(TIER, code_mask(filters.tiers.iter().map(|v| schema::tier_code(*v)))),
        );
        add(
            FacetKind::HoursBand,
            !filters.hours_bands.is_empty(),
            Check::Code(
                HOURS,
                code_mask(filters.hours_bands.iter().map(|v| schema::hours_code(*v))),
            ),
        );
        add(
            FacetKind::FeeBand,
            !filters.fee_bands.is_empty(),
            Check::Code(FEE, code_mask(filters.fee_bands.iter().map(|v| schema::fee_code(*v)))),
        );
        add(
            FacetKind::NcsMajor,
            !filters.ncs_majors.is_empty(),
            Check::Code(NCS, code_mask(filters.ncs_majors.iter().map(|v| schema::ncs_code(*v)))),
        );
        add(
            FacetKind::StartMonth,
            !filters.start_months.is_empty(),
            Check::Month({
                let mut months: Vec<u32> = filters
                    .start_months
                    .iter()
                    .filter_map(|m| schema::parse_month(m))
                    .map(|m| m as u32)
                    .collect();
                months.sort_unstable();
                months
            }),
        );
        add(
            FacetKind::Audience,
            !filters.audiences.is_empty(),
            Check::AnyBit(
                AUDIENCE,
                filters.audiences.iter().fold(0, |m, a| m | schema::audience_bit(*a)),
            ),
        );
        add(
            FacetKind::TimeOfDay,
            !filters.times_of_day.is_empty(),
            Check::Code(
                TIME_OF_DAY,
                code_mask(filters.times_of_day.iter().map(|v| schema::time_of_day_code(*v))),
            ),
        );
        let mut regions: Vec<u64> = filters.regions.iter().filter_map(|r| r.parse().ok()).collect();
        regions.sort_unstable();
        // A region filter whose codes are all unreadable matches nothing, not everything.
        if regions.is_empty() && !filters.regions.is_empty() {
            regions.push(u64::MAX);
        }
        CompiledFilters {
            checks,
            regions,
            admits: filters.eligible_for.map(|p| p.bit()),
        }
    }
}

/// Counts per facet, indexed by code (programme index, month − min month, bit, packed code).
#[derive(Debug, Clone)]
pub(crate) struct Counts {
    per_facet: [Vec<u64>; 13],
    min_month: u32,
}

impl Counts {
    fn new(programmes: usize, min_month: u32, max_month: u32) -> Counts {
        let months = if max_month >= min_month {
            (max_month - min_month + 1) as usize
        } else {
            0
        };
        let size = |p: Packed| 1usize << p.bits;
        Counts {
            per_facet: [
                vec![0; programmes],
                vec![0; STAGE.bits as usize],
                vec![0; size(AI_STEP)],
                vec![0; size(AI_LEVEL)],
                vec![0; size(DELIVERY)],
                vec![0; size(PROVINCE)],
                vec![0; size(TIER)],
                vec![0; size(HOURS)],
                vec![0; size(FEE)],
                vec![0; size(NCS)],
                vec![0; months],
                vec![0; AUDIENCE.bits as usize],
                vec![0; size(TIME_OF_DAY)],
            ],
            min_month,
        }
    }

    fn add(&mut self, other: &Counts) {
        for (mine, theirs) in self.per_facet.iter_mut().zip(&other.per_facet) {
            for (a, b) in mine.iter_mut().zip(theirs) {
                *a += b;
            }
        }
    }

    #[inline]
    fn count(&mut self, facet: usize, data: &SegmentData, doc: usize, packed: u64) {
        let counts = &mut self.per_facet[facet];
        let bits = |p: Packed, counts: &mut Vec<u64>| {
            let mut m = p.get(packed);
            while m != 0 {
                let b = m.trailing_zeros() as usize;
                counts[b] += 1;
                m &= m - 1;
            }
        };
        match facet {
            0 => {
                for &p in data.programmes.get(doc) {
                    if let Some(c) = counts.get_mut(p as usize) {
                        *c += 1;
                    }
                }
            }
            1 => bits(STAGE, counts),
            2 => counts[AI_STEP.get(packed) as usize] += 1,
            3 => counts[AI_LEVEL.get(packed) as usize] += 1,
            4 => counts[DELIVERY.get(packed) as usize] += 1,
            5 => counts[PROVINCE.get(packed) as usize] += 1,
            6 => counts[TIER.get(packed) as usize] += 1,
            7 => counts[HOURS.get(packed) as usize] += 1,
            8 => counts[FEE.get(packed) as usize] += 1,
            9 => counts[NCS.get(packed) as usize] += 1,
            10 => {
                for &m in data.months.get(doc) {
                    if let Some(c) = m.checked_sub(self.min_month).and_then(|i| counts.get_mut(i as usize)) {
                        *c += 1;
                    }
                }
            }
            11 => bits(AUDIENCE, counts),
            _ => counts[TIME_OF_DAY.get(packed) as usize] += 1,
        }
    }

    /// The facets as the API shows them.
    pub fn facets(&self, programmes: &ProgrammeDict, programme_order: &[String]) -> Vec<Facet> {
        FacetKind::ALL
            .iter()
            .map(|&kind| {
                let counts = &self.per_facet[kind.index()];
                let name = |code: usize| -> Option<String> {
                    let text = match kind {
                        FacetKind::Programme => programmes.names.get(code)?.clone(),
                        FacetKind::Stage => Stage::ALL.get(code)?.as_str().to_owned(),
                        FacetKind::AiStep => AiStep::ALL.get(code.checked_sub(1)?)?.as_str().to_owned(),
                        FacetKind::AiLevel => AiLevel::ALL.get(code.checked_sub(1)?)?.as_str().to_owned(),
                        FacetKind::Delivery => Delivery::ALL.get(code)?.as_str().to_owned(),
                        FacetKind::Province => (code > 0).then(|| format!("{code:02}"))?,
                        FacetKind::Tier => RegionTier::ALL.get(code)?.as_str().to_owned(),
                        FacetKind::HoursBand => HoursBand::ALL.get(code)?.as_str().to_owned(),
                        FacetKind::FeeBand => FeeBand::ALL.get(code)?.as_str().to_owned(),
                        FacetKind::NcsMajor => (code > 0).then(|| format!("{code:02}"))?,
                        FacetKind::StartMonth => schema::format_month(u64::from(self.min_month) + code as u64),
                        FacetKind::Audience => Audience::ALL.get(code)?.as_str().to_owned(),
                        FacetKind::TimeOfDay => TimeOfDay::ALL.get(code.checked_sub(1)?)?.as_str().to_owned(),
                    };
                    Some(text)
                };
                // In code order, which is the vocabulary's natural order (bands by size, months
                // by date, provinces by code); programmes in policy order.
                let mut values: Vec<FacetValue> = counts
                    .iter()
                    .enumerate()
                    .filter(|(_, &count)| count > 0)
                    .filter_map(|(code, &count)| name(code).map(|value| FacetValue { value, count }))
                    .collect();
                if kind == FacetKind::Programme {
                    let rank = |id: &str| programme_order.iter().position(|p| p == id).unwrap_or(usize::MAX);
                    values.sort_by(|a, b| rank(&a.value).cmp(&rank(&b.value)).then_with(|| a.value.cmp(&b.value)));
                }
                Facet { kind, values }
            })
            .collect()
    }
}

/// A hit candidate; smaller is better.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    key: u64,
    id_ord: u64,
    doc: DocId,
    score: Score,
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Candidate {}
impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.key, self.id_ord).cmp(&(other.key, other.id_ord))
    }
}

/// One hit of a segment, its id resolved so segments can be merged.
#[derive(Debug, Clone)]
pub(crate) struct RankedHit {
    pub key: u64,
    pub id: String,
    pub address: DocAddress,
    pub score: Score,
}

#[derive(Debug)]
pub(crate) struct Fruit {
    pub total: usize,
    pub counts: Counts,
    pub top: Vec<RankedHit>,
}

/// Everything [`FacetCollector`] needs; shared with each segment collector.
#[derive(Debug)]
pub(crate) struct FacetCollector {
    pub segments: HashMap<tantivy::index::SegmentId, Arc<SegmentData>>,
    pub filters: Arc<CompiledFilters>,
    pub sort: SortOrder,
    pub scoring: bool,
    pub today: u32,
    /// The profile class whose figures the pay and allowance orders read.
    pub profile: usize,
    /// offset + limit
    pub keep: usize,
    pub programmes: usize,
    pub min_month: u32,
    pub max_month: u32,
}

pub(crate) struct FacetSegmentCollector {
    data: Arc<SegmentData>,
    filters: Arc<CompiledFilters>,
    sort: SortOrder,
    today: u32,
    profile: usize,
    keep: usize,
    segment: SegmentOrdinal,
    total: usize,
    counts: Counts,
    heap: BinaryHeap<Candidate>,
}

impl Collector for FacetCollector {
    type Fruit = Fruit;
    type Child = FacetSegmentCollector;

    fn for_segment(&self, segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<FacetSegmentCollector> {
        let data = self.segments.get(&reader.segment_id()).cloned().ok_or_else(|| {
            tantivy::TantivyError::InternalError(format!("no facet data for segment {}", reader.segment_id()))
        })?;
        Ok(FacetSegmentCollector {
            data,
            filters: Arc::clone(&self.filters),
            sort: self.sort,
            today: self.today,
            profile: self.profile,
            keep: self.keep,
            segment,
            total: 0,
            counts: Counts::new(self.programmes, self.min_month, self.max_month),
            heap: BinaryHeap::with_capacity(self.keep.min(1024) + 1),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.scoring
    }

    fn merge_fruits(&self, fruits: Vec<Fruit>) -> tantivy::Result<Fruit> {
        let mut merged = Fruit {
            total: 0,
            counts: Counts::new(self.programmes, self.min_month, self.max_month),
            top: Vec::new(),
        };
        for fruit in fruits {
            merged.total += fruit.total;
            merged.counts.add(&fruit.counts);
            merged.top.extend(fruit.top);
        }
        merged
            .top
            .sort_by(|a, b| a.key.cmp(&b.key).then_with(|| a.id.cmp(&b.id)));
        merged.top.truncate(self.keep);
        Ok(merged)
    }
}

impl FacetSegmentCollector {
    #[inline]
    fn check(&self, check: &Check, doc: usize, packed: u64) -> bool {
        match check {
            Check::Code(p, mask) => mask & (1u128 << p.get(packed)) != 0,
            Check::AnyBit(p, mask) => p.get(packed) & mask != 0,
            Check::Programme(selected) => self
                .data
                .programmes
                .get(doc)
                .iter()
                .any(|&i| selected.get(i as usize).copied().unwrap_or(false)),
            Check::Month(selected) => self
                .data
                .months
                .get(doc)
                .iter()
                .any(|m| selected.binary_search(m).is_ok()),
        }
    }

    fn sort_key(&self, doc: usize, score: Score) -> u64 {
        match self.sort {
            SortOrder::Relevance => u64::from(u32::MAX - score.max(0.0).to_bits()),
            SortOrder::StartDate => {
                let starts = self.data.starts.get(doc);
                let next = starts.partition_point(|&d| d < self.today);
                starts.get(next).map_or(u64::MAX, |&d| u64::from(d))
            }
            SortOrder::FeeAsc => self.data.fee[doc],
            SortOrder::FeeDesc => u64::MAX - self.data.fee[doc],
            SortOrder::HoursAsc => self.data.hours[doc],
            SortOrder::HoursDesc => u64::MAX - self.data.hours[doc],
            SortOrder::PayAsc => match self.data.support[doc][self.profile] {
                NO_SUPPORT => u64::MAX,
                code => code >> 32,
            },
            SortOrder::AllowanceDesc => match self.data.support[doc][self.profile] {
                NO_SUPPORT => u64::MAX,
                code => u64::from(u32::MAX) - (code & u64::from(u32::MAX)),
            },
        }
    }
}

impl SegmentCollector for FacetSegmentCollector {
    type Fruit = Fruit;

    #[inline]
    fn collect(&mut self, doc: DocId, score: Score) {
        let d = doc as usize;
        let packed = self.data.packed[d];
        // The plain filters: a course they exclude counts nowhere.
        if self.filters.admits.is_some_and(|bit| ADMITS.get(packed) & bit == 0) {
            return;
        }
        if !self.filters.regions.is_empty() && self.filters.regions.binary_search(&self.data.region[d]).is_err() {
            return;
        }
        let mut failed = None;
        for (facet, check) in &self.filters.checks {
            if !self.check(check, d, packed) {
                if failed.is_some() {
                    return;
                }
                failed = Some(*facet);
            }
        }
        if let Some(facet) = failed {
            // Counts only toward the facet it fails: adding one of that facet's values would
            // bring it in.
            self.counts.count(facet, &self.data, d, packed);
            return;
        }
        for facet in 0..FacetKind::ALL.len() {
            self.counts.count(facet, &self.data, d, packed);
        }
        self.total += 1;
        if self.keep == 0 {
            return;
        }
        let candidate = Candidate {
            key: self.sort_key(d, score),
            id_ord: self.data.id_ord[d],
            doc,
            score,
        };
        if self.heap.len() < self.keep {
            self.heap.push(candidate);
        } else if self.heap.peek().is_some_and(|worst| candidate < *worst) {
            self.heap.pop();
            self.heap.push(candidate);
        }
    }

    fn harvest(self) -> Fruit {
        let mut top = Vec::with_capacity(self.heap.len());
        let mut id = String::new();
        for candidate in self.heap.into_sorted_vec() {
            id.clear();
            if let Some(ids) = &self.data.ids {
                // A failed read leaves the id empty; it then only affects tie order.
                let _ = ids.ord_to_str(candidate.id_ord, &mut id);
            }
            top.push(RankedHit {
                key: candidate.key,
                id: id.clone(),
                address: DocAddress::new(self.segment, candidate.doc),
                score: candidate.score,
            });
        }
        Fruit {
            total: self.total,
            counts: self.counts,
            top,
        }
    }
}
