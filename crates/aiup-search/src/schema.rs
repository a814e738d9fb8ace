//! The index schema and how a course becomes a document.

use std::collections::BTreeSet;

use aiup_catalogue::{AiLevel, AiStep, Audience, Course, FeeBand, HoursBand, Institution, NcsMajor, TimeOfDay};
use aiup_core::{Delivery, RegionTier, Stage};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STORED, STRING};
use tantivy::TantivyDocument;

use crate::analysis::{analyze, pretokenized, EnglishStemmer, FieldTokens};
use crate::suggest::suggestion_terms;
use crate::{ProfileClass, SearchContext, SupportFigures};

/// The text zones of a course, each indexed twice (bigrams and stems), with its BM25 boost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Zone {
    Title,
    Keywords,
    Occupation,
    Summary,
    Institution,
}

impl Zone {
    pub(crate) const ALL: [Zone; 5] = [
        Zone::Title,
        Zone::Keywords,
        Zone::Occupation,
        Zone::Summary,
        Zone::Institution,
    ];

    fn name(self) -> &'static str {
        match self {
            Zone::Title => "title",
            Zone::Keywords => "keywords",
            Zone::Occupation => "occupation",
            Zone::Summary => "summary",
            Zone::Institution => "institution",
        }
    }

    /// title ≫ keywords > occupation > summary > institution name.
    pub(crate) fn boost(self) -> f32 {
        match self {
            Zone::Title => 3.0,
            Zone::Keywords => 2.0,
            Zone::Occupation => 1.5,
            Zone::Summary => 1.0,
            Zone::Institution => 0.5,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct ZoneFields {
    pub zone: Zone,
    pub bi: Field,
    pub st: Field,
}

#[derive(Debug, Clone)]
pub(crate) struct Fields {
    pub id: Field,
    pub doc: Field,
    pub sugg: Field,
    pub prog: Field,
    pub packed: Field,
    pub months: Field,
    pub starts: Field,
    pub fee: Field,
    pub hours: Field,
    pub region: Field,
    /// Per [`crate::ProfileClass`], what it pays and receives ([`support_code`]).
    pub support: [Field; 6],
    pub zones: [ZoneFields; 5],
}

pub(crate) const F_ID: &str = "id";
pub(crate) const F_PROG: &str = "prog";
pub(crate) const F_PACKED: &str = "packed";
pub(crate) const F_MONTHS: &str = "months";
pub(crate) const F_STARTS: &str = "starts";
pub(crate) const F_FEE: &str = "fee";
pub(crate) const F_HOURS: &str = "hours";
pub(crate) const F_REGION: &str = "region";
pub(crate) const F_SUPPORT: [&str; 6] = ["sup0", "sup1", "sup2", "sup3", "sup4", "sup5"];
/// The support code of a profile that gets no estimate: sorts after every real one.
pub(crate) const NO_SUPPORT: u64 = u64::MAX;

pub(crate) fn build_schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let id = builder.add_text_field(F_ID, STRING | FAST);
    let doc = builder.add_text_field("doc", STORED);
    let sugg = builder.add_text_field("sugg", STRING);
    let prog = builder.add_text_field(F_PROG, STRING | FAST);
    let packed = builder.add_u64_field(F_PACKED, FAST);
    let months = builder.add_u64_field(F_MONTHS, FAST);
    let starts = builder.add_u64_field(F_STARTS, FAST);
    let fee = builder.add_u64_field(F_FEE, FAST);
    let hours = builder.add_u64_field(F_HOURS, FAST);
    let region = builder.add_u64_field(F_REGION, FAST);
    let support = F_SUPPORT.map(|name| builder.add_u64_field(name, FAST));
    let zones = Zone::ALL.map(|zone| ZoneFields {
        zone,
        bi: builder.add_text_field(&format!("{}_bi", zone.name()), text.clone()),
        st: builder.add_text_field(&format!("{}_st", zone.name()), text.clone()),
    });
    let fields = Fields {
        id,
        doc,
        sugg,
        prog,
        packed,
        months,
        starts,
        fee,
        hours,
        region,
        support,
        zones,
    };
    (builder.build(), fields)
}

/// What is stored per document: the hit as the result page shows it.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct StoredDoc {
    pub course: Course,
    pub institution: Institution,
}

// The single-valued facets and the two small multi-valued ones (stage, audience) are packed into
// one u64 fast field, read once per matching document.
pub(crate) const STAGE: Packed = Packed { shift: 0, bits: 4 };
pub(crate) const AI_STEP: Packed = Packed { shift: 4, bits: 2 };
pub(crate) const AI_LEVEL: Packed = Packed { shift: 6, bits: 3 };
pub(crate) const DELIVERY: Packed = Packed { shift: 9, bits: 3 };
pub(crate) const PROVINCE: Packed = Packed { shift: 12, bits: 7 };
pub(crate) const TIER: Packed = Packed { shift: 19, bits: 2 };
pub(crate) const HOURS: Packed = Packed { shift: 21, bits: 2 };
pub(crate) const FEE: Packed = Packed { shift: 23, bits: 3 };
pub(crate) const NCS: Packed = Packed { shift: 26, bits: 5 };
pub(crate) const AUDIENCE: Packed = Packed { shift: 31, bits: 10 };
/// The [`crate::ProfileClass`]es the course's programmes admit, one bit each.
pub(crate) const ADMITS: Packed = Packed { shift: 41, bits: 6 };
/// 0: no timetable; then [`TimeOfDay::ALL`] from 1.
pub(crate) const TIME_OF_DAY: Packed = Packed { shift: 47, bits: 2 };

/// Tier code of a region the table does not know.
pub(crate) const TIER_UNKNOWN: u64 = 3;

#[derive(Debug, Clone, Copy)]
pub(crate) struct Packed {
    pub shift: u32,
    pub bits: u32,
}

impl Packed {
    #[inline]
    pub fn get(self, packed: u64) -> u64 {
        (packed >> self.shift) & ((1 << self.bits) - 1)
    }

    fn put(self, packed: &mut u64, value: u64) {
        *packed |= (value & ((1 << self.bits) - 1)) << self.shift;
    }
}

pub(crate) fn position<T: PartialEq>(all: &[T], value: &T) -> u64 {
    all.iter().position(|v| v == value).unwrap_or(0) as u64
}

pub(crate) fn ai_step_code(v: AiStep) -> u64 {
    position(AiStep::ALL, &v) + 1
}
pub(crate) fn ai_level_code(v: AiLevel) -> u64 {
    position(AiLevel::ALL, &v) + 1
}
pub(crate) fn delivery_code(v: Delivery) -> u64 {
    position(Delivery::ALL, &v)
}
pub(crate) fn tier_code(v: RegionTier) -> u64 {
    position(RegionTier::ALL, &v)
}
pub(crate) fn hours_code(v: HoursBand) -> u64 {
    position(HoursBand::ALL, &v)
}
pub(crate) fn fee_code(v: FeeBand) -> u64 {
    position(FeeBand::ALL, &v)
}
pub(crate) fn ncs_code(v: NcsMajor) -> u64 {
    v.as_str().parse().unwrap_or(0)
}
pub(crate) fn stage_bit(v: Stage) -> u64 {
    1 << position(Stage::ALL, &v)
}
pub(crate) fn audience_bit(v: Audience) -> u64 {
    1 << position(Audience::ALL, &v)
}
pub(crate) fn time_of_day_code(v: TimeOfDay) -> u64 {
    position(&TimeOfDay::ALL, &v) + 1
}

/// A month as one number (year × 12 + month − 1).
pub(crate) fn month_code(date: NaiveDate) -> u64 {
    (date.year().max(0) as u64) * 12 + u64::from(date.month0())
}

pub(crate) fn parse_month(text: &str) -> Option<u64> {
    let (y, m) = text.split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    let y: u64 = y.parse().ok()?;
    let m: u64 = m.parse().ok()?;
    (1..=12).contains(&m).then_some(y * 12 + m - 1)
}

pub(crate) fn format_month(code: u64) -> String {
    format!("{:04}-{:02}", code / 12, code % 12 + 1)
}

pub(crate) fn day_code(date: NaiveDate) -> u64 {
    date.num_days_from_ce().max(0) as u64
}

fn pack(course: &Course, ctx: &SearchContext) -> u64 {
    let mut packed = 0;
    let stages = course
        .programmes
        .iter()
        .filter_map(|p| ctx.programme_stages.get(p.as_str()))
        .fold(0, |mask, s| mask | stage_bit(*s));
    STAGE.put(&mut packed, stages);
    AI_STEP.put(&mut packed, course.ai_step.map_or(0, ai_step_code));
    AI_LEVEL.put(&mut packed, course.ai_level.map_or(0, ai_level_code));
    DELIVERY.put(&mut packed, delivery_code(course.delivery));
    let region = ctx.regions.get(course.region);
    let province: u64 = region
        .map_or_else(|| course.region.sido_code(), |r| r.sido_code.clone())
        .parse()
        .unwrap_or(0);
    PROVINCE.put(&mut packed, if province < 128 { province } else { 0 });
    TIER.put(
        &mut packed,
        region.map_or(TIER_UNKNOWN, |r| tier_code(r.tier(ctx.tier_precedence))),
    );
    HOURS.put(&mut packed, hours_code(HoursBand::of(course.total_hours)));
    FEE.put(&mut packed, fee_code(FeeBand::of(course.fee_won)));
    NCS.put(&mut packed, ncs_code(course.ncs.major()));
    let audiences = course.audiences.iter().fold(0, |mask, a| mask | audience_bit(*a));
    AUDIENCE.put(&mut packed, audiences);
    let admits = course
        .programmes
        .iter()
        .filter_map(|p| ctx.policy.programme_admits.get(p.as_str()))
        .fold(0, |mask, m| mask | m);
    ADMITS.put(&mut packed, admits);
    TIME_OF_DAY.put(&mut packed, course.details.time_of_day().map_or(0, time_of_day_code));
    packed
}

/// Self-payment in the high half, allowance in the low half, each capped at `u32::MAX − 1`.
pub(crate) fn support_code(figures: SupportFigures) -> u64 {
    let cap = |won: i64| won.clamp(0, i64::from(u32::MAX - 1)) as u64;
    (cap(figures.self_payment_won) << 32) | cap(figures.allowance_won)
}

pub(crate) fn make_document(
    fields: &Fields,
    course: &Course,
    institution: &Institution,
    ctx: &SearchContext,
    stemmer: &mut EnglishStemmer,
) -> Result<TantivyDocument, serde_json::Error> {
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.id, course.id.as_str());
    let stored = serde_json::to_string(&StoredDoc {
        course: course.clone(),
        institution: institution.clone(),
    })?;
    doc.add_text(fields.doc, stored);
    for zone in &fields.zones {
        let tokens = match zone.zone {
            Zone::Title => analyze(&course.title, stemmer),
            Zone::Keywords => {
                let mut tokens = FieldTokens::default();
                for keyword in &course.keywords {
                    tokens.push_value(keyword, stemmer);
                }
                tokens
            }
            Zone::Occupation => analyze(&course.occupation, stemmer),
            Zone::Summary => analyze(&course.summary, stemmer),
            Zone::Institution => analyze(&institution.name, stemmer),
        };
        if !tokens.bi.is_empty() {
            doc.add_pre_tokenized_text(zone.bi, pretokenized(tokens.bi));
        }
        if !tokens.st.is_empty() {
            doc.add_pre_tokenized_text(zone.st, pretokenized(tokens.st));
        }
    }
    for term in suggestion_terms(course, stemmer) {
        doc.add_text(fields.sugg, term);
    }
    for programme in &course.programmes {
        doc.add_text(fields.prog, programme.as_str());
    }
    doc.add_u64(fields.packed, pack(course, ctx));
    let months: BTreeSet<u64> = course.cohorts.iter().map(|c| month_code(c.start_date)).collect();
    for month in months {
        doc.add_u64(fields.months, month);
    }
    for cohort in &course.cohorts {
        doc.add_u64(fields.starts, day_code(cohort.start_date));
    }
    doc.add_u64(fields.fee, course.fee_won.max(0) as u64);
    doc.add_u64(fields.hours, u64::from(course.total_hours.tenths()));
    doc.add_u64(fields.region, course.region.to_string().parse().unwrap_or(0));
    for (field, (status, size)) in fields.support.iter().zip(ProfileClass::ALL) {
        let figures = ctx
            .policy
            .support
            .as_ref()
            .and_then(|support| support(course, status, size));
        doc.add_u64(*field, figures.map_or(NO_SUPPORT, support_code));
    }
    Ok(doc)
}
