//! The SME board: how far the registry's firms got through the package (registered, assigned to
//! a centre, visited, diagnosed, prescribed, plan accepted, staff enrolled), by AX level, by
//! centre, by province and by size band, and the 2026 targets of the SME programmes
//! (`sme::outcomes::targets`, which reads them from the policy).

use std::collections::BTreeMap;
use std::sync::Arc;

use aiup_core::policy::Text;
use aiup_sme::{AxLevel, SizeBand};
use aiup_store::FirmGroup;
use serde::Serialize;

use super::regions::enrolled_statuses;
use super::AsOf;
use crate::accounts::{Actor, Permission};
use crate::sme::outcomes::{targets, TargetProgress};
use crate::{App, AppError};

/// Firms at each step of the package.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Funnel {
    pub registered: i64,
    /// Assigned to a diffusion centre (discovered and taken on).
    pub assigned: i64,
    /// With a visit done.
    pub visited: i64,
    pub diagnosed: i64,
    pub prescribed: i64,
    /// With a plan the firm accepted.
    pub plans_accepted: i64,
    /// Staff enrolments (accepted or further) under the firms' plans.
    pub staff_enrolled: i64,
}

impl Funnel {
    fn add(&mut self, g: &FirmGroup) {
        self.registered += g.firms;
        self.assigned += g.assigned;
        self.visited += g.visited;
        self.diagnosed += g.diagnosed;
        self.prescribed += g.prescribed;
        self.plans_accepted += g.accepted;
        self.staff_enrolled += g.staff_enrolled;
    }
}

/// One row of an SME table: a level, a centre, a province or a size band.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunnelRow {
    /// The level, centre id, province code or size band's spelling; empty for "none".
    pub key: String,
    pub name: Text,
    pub funnel: Funnel,
}

/// The SME board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SmesView {
    pub as_of: AsOf,
    pub year: i32,
    pub total: Funnel,
    /// By the latest diagnosis's level, then "not diagnosed".
    pub by_level: Vec<FunnelRow>,
    /// By centre, then "no centre".
    pub by_centre: Vec<FunnelRow>,
    /// The 17 provinces (by the firm's address).
    pub by_province: Vec<FunnelRow>,
    pub by_size: Vec<FunnelRow>,
    /// The 2026 targets of the SME programmes, with progress.
    pub targets: Vec<TargetProgress>,
}

fn text(ko: &str, en: &str) -> Text {
    Text {
        ko: ko.to_owned(),
        en: en.to_owned(),
    }
}

fn rows_by<K: Ord + Clone>(
    groups: &[FirmGroup],
    keys: &[(K, String, Text)],
    key_of: impl Fn(&FirmGroup) -> K,
) -> Vec<FunnelRow> {
    let mut funnels: BTreeMap<K, Funnel> = BTreeMap::new();
    for g in groups {
        funnels.entry(key_of(g)).or_default().add(g);
    }
    keys.iter()
        .map(|(k, key, name)| FunnelRow {
            key: key.clone(),
            name: name.clone(),
            funnel: funnels.get(k).cloned().unwrap_or_default(),
        })
        .collect()
}

/// Computes the board now from the stores.
pub async fn compute_smes(app: &App, actor: &Actor) -> Result<SmesView, AppError> {
    actor.require(Permission::ReadDashboards)?;
    let as_of = AsOf::now(app);
    let year = chrono::Datelike::year(&as_of.date);
    let groups = app.db().region_reports().firms(&enrolled_statuses()).await?;
    let centres = app.db().firms().centres().await?;
    let targets = targets(app, actor, year).await?;
    let mut total = Funnel::default();
    for g in &groups {
        total.add(g);
    }
    let mut levels: Vec<(Option<String>, String, Text)> = AxLevel::ALL
        .iter()
        .map(|l| {
            let (ko, en) = l.label();
            (Some(l.as_str().to_owned()), l.as_str().to_owned(), text(ko, en))
        })
        .collect();
    levels.push((None, String::new(), text("진단 전", "Not diagnosed")));
    let mut centre_keys: Vec<(Option<String>, String, Text)> = centres
        .iter()
        .map(|c| (Some(c.id.clone()), c.id.clone(), text(&c.name_ko, &c.name_en)))
        .collect();
    // A centre id the table does not hold (never expected) still gets its row.
    for g in &groups {
        if let Some(id) = &g.centre_id {
            if !centre_keys.iter().any(|(k, _, _)| k.as_ref() == Some(id)) {
                centre_keys.push((Some(id.clone()), id.clone(), text(id, id)));
            }
        }
    }
    centre_keys.push((None, String::new(), text("센터 미배정", "No centre")));
    let engine = app.engine();
    let provinces: Vec<(String, String, Text)> = engine
        .regions()
        .provinces()
        .iter()
        .map(|p| {
            (
                p.code.clone(),
                p.code.clone(),
                text(&p.name, aiup_core::region::province_english_name(p)),
            )
        })
        .collect();
    let sizes: Vec<(String, String, Text)> = SizeBand::ALL
        .iter()
        .map(|s| {
            let (ko, en) = s.label();
            (s.as_str().to_owned(), s.as_str().to_owned(), text(ko, en))
        })
        .collect();
    Ok(SmesView {
        year,
        total,
        by_level: rows_by(&groups, &levels, |g| g.level.clone()),
        by_centre: rows_by(&groups, &centre_keys, |g| g.centre_id.clone()),
        by_province: rows_by(&groups, &provinces, |g| g.province_code.clone()),
        by_size: rows_by(&groups, &sizes, |g| g.size_band.clone()),
        targets,
        as_of,
    })
}

/// The SME board (`ReadDashboards`), from figures at most the cache's TTL old.
pub async fn smes(app: &App, actor: &Actor) -> Result<Arc<SmesView>, AppError> {
    actor.require(Permission::ReadDashboards)?;
    app.dashboards().get_or_compute("smes", compute_smes(app, actor)).await
}
