//! The training infrastructure as records (seed 002, "AI 훈련 고속도로"): the factory-style
//! physical AI labs (공장형 AI 실습장, on Polytech campuses) and the AI-specialised joint
//! training centres (AI 특화 공동훈련센터, designated from 2026-03). Each site is run by a
//! catalogue institution, whose courses are the site's. The site file is read here, every bad
//! row listed. No IO.

use std::collections::HashMap;

use aiup_core::problem::{FieldProblem, RowProblem};
use aiup_core::region::{RegionCode, RegionTable};
use chrono::NaiveDate;
use serde::Serialize;

use crate::academy::{cell, parse_date, parse_id, parse_region, read_rows, required};
use crate::model::{ExternalId, TEXT_MAX_CHARS};

/// The plan line of the physical AI labs (붙임1: 4 sites).
pub const LABS_PLAN_LINE: &str = "infra-physical-ai-labs";
/// The plan line of the joint training centres (붙임1: 20 centres).
pub const CENTRES_PLAN_LINE: &str = "infra-joint-centres";

/// What a site is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum SiteKind {
    /// 공장형 AI 실습장.
    PhysicalAiLab,
    /// AI 특화 공동훈련센터.
    JointTrainingCentre,
}

impl SiteKind {
    pub const ALL: [SiteKind; 2] = [SiteKind::PhysicalAiLab, SiteKind::JointTrainingCentre];

    pub fn as_str(self) -> &'static str {
        match self {
            SiteKind::PhysicalAiLab => "physical_ai_lab",
            SiteKind::JointTrainingCentre => "joint_training_centre",
        }
    }

    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            SiteKind::PhysicalAiLab => ("공장형 AI 실습장", "Physical AI lab"),
            SiteKind::JointTrainingCentre => ("AI 특화 공동훈련센터", "AI joint training centre"),
        }
    }

    /// The plan line whose size is this kind's target.
    pub fn plan_line(self) -> &'static str {
        match self {
            SiteKind::PhysicalAiLab => LABS_PLAN_LINE,
            SiteKind::JointTrainingCentre => CENTRES_PLAN_LINE,
        }
    }

    /// The id, `lab` or `centre`, or the Korean name.
    pub fn parse(text: &str) -> Option<SiteKind> {
        let t = text.trim().to_lowercase();
        SiteKind::ALL.into_iter().find(|k| {
            t == k.as_str()
                || t == k.label().0
                || matches!(
                    (k, t.as_str()),
                    (SiteKind::PhysicalAiLab, "lab") | (SiteKind::JointTrainingCentre, "centre" | "center")
                )
        })
    }
}

/// A site: a physical AI lab or a joint training centre.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Site {
    /// The line of the file it came from (for errors found against the store); 0 otherwise.
    pub line: usize,
    pub id: ExternalId,
    pub kind: SiteKind,
    pub name_ko: String,
    pub name_en: String,
    /// The catalogue institution that runs it.
    pub institution: ExternalId,
    pub region: RegionCode,
    pub province_code: String,
    /// Trainee seats.
    pub capacity: u32,
    pub designated_on: NaiveDate,
    /// `None` while the site is planned.
    pub opened_on: Option<NaiveDate>,
    /// The industry it trains for, in words (e.g. "기계", "스마트팩토리").
    pub industry_focus: String,
}

impl Site {
    pub fn designated_by(&self, day: NaiveDate) -> bool {
        self.designated_on <= day
    }

    pub fn open_on(&self, day: NaiveDate) -> bool {
        self.opened_on.is_some_and(|d| d <= day)
    }
}

/// The site file's columns, in the order [`write_sites_csv`] writes them.
pub const SITE_COLUMNS: [&str; 10] = [
    "site_id",
    "kind",
    "name_ko",
    "name_en",
    "institution",
    "region",
    "capacity",
    "designated_on",
    "opened_on",
    "industry_focus",
];
const SITE_OPTIONAL: [&str; 2] = ["opened_on", "industry_focus"];

/// The largest capacity a site may state (a typing error above it).
pub const CAPACITY_MAX: u32 = 100_000;

fn text(p: &mut Vec<FieldProblem>, field: &str, value: &str) -> Option<String> {
    if !required(p, field, value) {
        return None;
    }
    if value.chars().count() > TEXT_MAX_CHARS {
        p.push(FieldProblem::new(
            field,
            format!("is longer than {TEXT_MAX_CHARS} characters"),
            format!("{TEXT_MAX_CHARS}자를 넘습니다"),
        ));
        return None;
    }
    Some(value.to_owned())
}

/// Reads a site file ([`SITE_COLUMNS`]): every site, or every bad row.
pub fn parse_sites_csv(text_in: &str, regions: &RegionTable) -> Result<Vec<Site>, Vec<RowProblem>> {
    let rows = read_rows(text_in, &SITE_COLUMNS, &SITE_OPTIONAL)?;
    let mut seen: HashMap<String, usize> = HashMap::new();
    let (mut items, mut bad) = (Vec::new(), Vec::new());
    for (line, row) in &rows {
        let mut p = Vec::new();
        let id = parse_id(&mut p, "site_id", cell(row, "site_id"));
        if let Some(id) = &id {
            if let Some(first) = seen.insert(id.to_string(), *line) {
                p.push(FieldProblem::new(
                    "site_id",
                    format!("repeats line {first}"),
                    format!("{first}행과 겹칩니다"),
                ));
            }
        }
        let kind_text = cell(row, "kind");
        let kind = if required(&mut p, "kind", kind_text) {
            let kind = SiteKind::parse(kind_text);
            if kind.is_none() {
                p.push(FieldProblem::new(
                    "kind",
                    format!("`{kind_text}` is not lab or centre"),
                    format!("`{kind_text}`은(는) lab(실습장)이나 centre(공동훈련센터)가 아닙니다"),
                ));
            }
            kind
        } else {
            None
        };
        let name_ko = text(&mut p, "name_ko", cell(row, "name_ko"));
        let name_en = text(&mut p, "name_en", cell(row, "name_en"));
        let institution = parse_id(&mut p, "institution", cell(row, "institution"));
        let region = parse_region(&mut p, "region", cell(row, "region"), regions);
        let capacity_text = cell(row, "capacity");
        let capacity = if required(&mut p, "capacity", capacity_text) {
            match capacity_text.replace(',', "").parse::<u32>() {
                Ok(n) if (1..=CAPACITY_MAX).contains(&n) => Some(n),
                _ => {
                    p.push(FieldProblem::new(
                        "capacity",
                        format!("`{capacity_text}` is not a whole number from 1 to {CAPACITY_MAX}"),
                        format!("`{capacity_text}`은(는) 1~{CAPACITY_MAX} 사이의 정수가 아닙니다"),
                    ));
                    None
                }
            }
        } else {
            None
        };
        let designated_on = parse_date(&mut p, "designated_on", cell(row, "designated_on"));
        let opened_on = match cell(row, "opened_on") {
            "" => Some(None),
            t => parse_date(&mut p, "opened_on", t).map(Some),
        };
        if let (Some(d), Some(Some(o))) = (designated_on, opened_on) {
            if o < d {
                p.push(FieldProblem::new(
                    "opened_on",
                    format!("{o} is before the designation on {d}"),
                    format!("{o}은(는) 지정일 {d}보다 앞섭니다"),
                ));
            }
        }
        let focus = cell(row, "industry_focus");
        let industry_focus = if focus.chars().count() > TEXT_MAX_CHARS {
            p.push(FieldProblem::new(
                "industry_focus",
                format!("is longer than {TEXT_MAX_CHARS} characters"),
                format!("{TEXT_MAX_CHARS}자를 넘습니다"),
            ));
            None
        } else {
            Some(focus.to_owned())
        };
        match (
            id,
            kind,
            name_ko,
            name_en,
            institution,
            region,
            capacity,
            designated_on,
            opened_on,
            industry_focus,
        ) {
            (
                Some(id),
                Some(kind),
                Some(name_ko),
                Some(name_en),
                Some(institution),
                Some(region),
                Some(capacity),
                Some(designated_on),
                Some(opened_on),
                Some(industry_focus),
            ) if p.is_empty() => items.push(Site {
                line: *line,
                id,
                kind,
                name_ko,
                name_en,
                institution,
                region: region.code,
                province_code: region.sido_code.clone(),
                capacity,
                designated_on,
                opened_on,
                industry_focus,
            }),
            _ => bad.push(RowProblem {
                line: *line,
                problems: p,
            }),
        }
    }
    if bad.is_empty() {
        Ok(items)
    } else {
        Err(bad)
    }
}

fn csv_text(t: &str) -> String {
    if t.contains([',', '"']) {
        format!("\"{}\"", t.replace('"', "\"\""))
    } else {
        t.to_owned()
    }
}

/// Writes sites as a site file ([`parse_sites_csv`] reads it back).
pub fn write_sites_csv(sites: &[Site]) -> String {
    let mut out = SITE_COLUMNS.join(",");
    out.push('\n');
    for s in sites {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{}\n",
            s.id,
            s.kind.as_str(),
            csv_text(&s.name_ko),
            csv_text(&s.name_en),
            s.institution,
            s.region,
            s.capacity,
            s.designated_on,
            s.opened_on.map(|d| d.to_string()).unwrap_or_default(),
            csv_text(&s.industry_focus)
        ));
    }
    out
}
