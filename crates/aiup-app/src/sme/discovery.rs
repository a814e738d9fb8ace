//! Discovery: firms ranked by whom to visit first, with the reasons, filtered by centre, region
//! and industry (issue 11, item 3).
//!
//! The weights are the policy's `sme.discovery.*` parameters in force on the day. A ranking reads
//! the firms once (`VisitStore::discovery_rows`: one statement joining the partner-programme
//! counts), scores each in memory without allocating ([`aiup_sme::discovery::score_points`]),
//! keeps the top `limit` by a partial sort, and only then builds their reasons. Who sees what:
//! a training doctor only their centre's firms, an HR lead only their own firm, programme
//! administrators, auditors and administrators every firm.

use aiup_core::policy::{ParamValue, PolicySet};
use aiup_sme::discovery::{score, score_points, DiscoveryFacts, DiscoveryScore, DiscoveryWeights};
use aiup_sme::SizeBand;
use aiup_store::{DiscoveryRow, DiscoveryRowFilter};
use chrono::NaiveDate;
use serde::Serialize;

use crate::accounts::{Actor, Permission, Role};
use crate::{App, AppError, Code};

/// The most firms a ranking shows.
pub const MAX_LIMIT: usize = 1_000;
/// Firms a ranking shows unless asked otherwise.
pub const DEFAULT_LIMIT: usize = 100;

/// What to rank. Every field narrows; `None` is "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiscoveryFilter {
    pub centre: Option<String>,
    /// A 2-digit province (시도) code.
    pub province: Option<String>,
    /// A KSIC section letter.
    pub ksic_section: Option<String>,
    pub size_band: Option<SizeBand>,
    /// How many firms to show (1..=[`MAX_LIMIT`]); `None` is [`DEFAULT_LIMIT`].
    pub limit: Option<usize>,
}

/// A ranked firm: what the ranking shows of it, and its score with the reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RankedFirm {
    pub firm_id: i64,
    pub business_number: String,
    pub name: String,
    pub employees: i64,
    pub size_band: String,
    pub ksic_section: String,
    pub ksic_division: String,
    pub province_code: String,
    pub region_code: String,
    pub capital_area: bool,
    pub centre_id: Option<String>,
    pub partner_programmes: i64,
    pub score: DiscoveryScore,
}

/// A ranking: the top firms, how many were scored, and the weights, policy version and day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ranking {
    pub rows: Vec<RankedFirm>,
    /// Firms scored (all that matched the filter and the caller's scope).
    pub scored: usize,
    pub weights: DiscoveryWeights,
    pub policy_version: String,
    pub date: NaiveDate,
}

/// The weights in force on `date` (or on the policy's first day, if earlier).
pub fn weights_on(policy: &PolicySet, date: NaiveDate) -> Result<DiscoveryWeights, AppError> {
    let date = date.max(policy.meta.coverage_start);
    let mut values = [0i64; 9];
    for (value, id) in values.iter_mut().zip(DiscoveryWeights::PARAMS) {
        *value = match policy.parameter(id).and_then(|p| p.at(date)).map(|v| &v.value) {
            Some(ParamValue::Count(n)) => i64::from(*n),
            other => {
                return Err(AppError::internal(&format!(
                    "policy parameter {id} on {date} is not a count: {other:?}"
                )))
            }
        };
    }
    Ok(DiscoveryWeights::from_values(values))
}

/// The facts discovery scores, from a stored row. A size band or section the registry would
/// never store counts as the largest band / no section (no points), never as a panic.
pub fn facts_of(row: &DiscoveryRow) -> DiscoveryFacts {
    DiscoveryFacts {
        no_ai_training: !row.ai_training,
        partner_programmes: u32::try_from(row.partner_programmes).unwrap_or(0),
        stated_intent: row.stated_intent,
        size_band: SizeBand::parse(&row.size_band).unwrap_or(SizeBand::From300),
        capital_area: row.capital_area,
        ksic_section: row.ksic_section.chars().next().unwrap_or('?'),
    }
}

/// Ranks `rows` in memory: points descending, then firm id; the top `limit` with reasons.
pub fn rank_rows(rows: Vec<DiscoveryRow>, weights: &DiscoveryWeights, limit: usize) -> Vec<RankedFirm> {
    let mut keyed: Vec<(i64, i64, usize)> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| (-score_points(&facts_of(row), weights), row.firm_id, i))
        .collect();
    let limit = limit.min(keyed.len());
    if limit == 0 {
        return Vec::new();
    }
    if limit < keyed.len() {
        keyed.select_nth_unstable(limit - 1);
        keyed.truncate(limit);
    }
    keyed.sort_unstable();
    let mut rows: Vec<Option<DiscoveryRow>> = rows.into_iter().map(Some).collect();
    keyed
        .into_iter()
        .filter_map(|(_, _, i)| rows.get_mut(i).and_then(Option::take))
        .map(|row| {
            let score = score(&facts_of(&row), weights);
            RankedFirm {
                firm_id: row.firm_id,
                business_number: row.business_number,
                name: row.name,
                employees: row.employees,
                size_band: row.size_band,
                ksic_section: row.ksic_section,
                ksic_division: row.ksic_division,
                province_code: row.province_code,
                region_code: row.region_code,
                capital_area: row.capital_area,
                centre_id: row.centre_id,
                partner_programmes: row.partner_programmes,
                score,
            }
        })
        .collect()
}

fn invalid(field: &str, ko: String, en: String) -> AppError {
    AppError::bilingual(Code::InvalidField, Some(field), aiup_core::policy::Text { ko, en })
}

/// A size band as written (`under_5` … `300_plus`); the error names the field `size`.
pub fn parse_size_band(text: &str) -> Result<SizeBand, AppError> {
    SizeBand::parse(text).ok_or_else(|| {
        let bands: Vec<&str> = SizeBand::ALL.iter().map(|b| b.as_str()).collect();
        invalid(
            "size",
            format!("`{text}`은(는) 규모 구간이 아닙니다: {}", bands.join(", ")),
            format!("`{text}` is not a size band: {}", bands.join(", ")),
        )
    })
}

/// Checks the filter's fields; the error names the field.
pub fn check_filter(filter: &DiscoveryFilter) -> Result<(), AppError> {
    if let Some(p) = &filter.province {
        if p.len() != 2 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid(
                "province",
                format!("`{p}`은(는) 두 자리 시도 코드가 아닙니다."),
                format!("`{p}` is not a 2-digit province code"),
            ));
        }
    }
    if let Some(s) = &filter.ksic_section {
        let ok = s.len() == 1 && s.chars().all(|c| ('A'..='U').contains(&c));
        if !ok {
            return Err(invalid(
                "ksic",
                format!("`{s}`은(는) 한국표준산업분류 대분류(A~U)가 아닙니다."),
                format!("`{s}` is not a KSIC section letter A–U"),
            ));
        }
    }
    if let Some(limit) = filter.limit {
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(invalid(
                "limit",
                format!("표시할 기업 수는 1~{MAX_LIMIT}입니다."),
                format!("limit is from 1 to {MAX_LIMIT}"),
            ));
        }
    }
    Ok(())
}

/// The rows filter for `actor`: a doctor is narrowed to their centre (`None` when they asked
/// for another centre: they see nothing of it).
fn scoped_rows_filter(actor: &Actor, filter: &DiscoveryFilter) -> Result<Option<DiscoveryRowFilter>, AppError> {
    actor.require(Permission::ReadFirms)?;
    let mut rows = DiscoveryRowFilter {
        centre_id: filter.centre.clone(),
        province_code: filter.province.clone(),
        ksic_section: filter.ksic_section.clone(),
        size_band: filter.size_band.map(|b| b.as_str().to_owned()),
        business_number: None,
    };
    if actor.role == Role::SmeHrLead {
        // An HR lead sees their own firm only; without a scope, nothing.
        let Some(own) = actor.scope.clone() else {
            return Ok(None);
        };
        rows.business_number = Some(own);
    }
    if actor.role == Role::TrainingDoctor {
        let Some(own) = actor.scope.clone() else {
            return Ok(None);
        };
        if rows.centre_id.as_ref().is_some_and(|c| *c != own) {
            return Ok(None);
        }
        rows.centre_id = Some(own);
    }
    Ok(Some(rows))
}

/// The ranking for `actor` under `filter`, with today's weights.
pub async fn rank(app: &App, actor: &Actor, filter: &DiscoveryFilter) -> Result<Ranking, AppError> {
    check_filter(filter)?;
    let engine = app.engine();
    let date = app.today();
    let weights = weights_on(engine.policy(), date)?;
    let limit = filter.limit.unwrap_or(DEFAULT_LIMIT);
    let rows = match scoped_rows_filter(actor, filter)? {
        Some(rows_filter) => app.db().sme_visits().discovery_rows(&rows_filter).await?,
        None => Vec::new(),
    };
    let scored = rows.len();
    Ok(Ranking {
        rows: rank_rows(rows, &weights, limit),
        scored,
        weights,
        policy_version: engine.policy().version.clone(),
        date,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, band: &str, capital: bool, ai: bool) -> DiscoveryRow {
        DiscoveryRow {
            firm_id: id,
            business_number: format!("{id:010}"),
            name: format!("firm {id}"),
            employees: 10,
            size_band: band.to_owned(),
            ksic_section: "G".to_owned(),
            ksic_division: "47".to_owned(),
            region_code: "11110".to_owned(),
            province_code: "11".to_owned(),
            capital_area: capital,
            ai_training: ai,
            stated_intent: None,
            centre_id: None,
            partner_programmes: 0,
        }
    }

    fn weights() -> DiscoveryWeights {
        DiscoveryWeights::from_values([30, 15, 3, 25, 20, 20, 10, 15, 10])
    }

    #[test]
    fn ranking_sorts_by_points_then_id_and_keeps_the_top() {
        let rows = vec![
            row(1, "300_plus", true, true),
            row(2, "under_5", false, false),
            row(3, "under_5", false, false),
            row(4, "50_99", true, false),
        ];
        let all = rank_rows(rows.clone(), &weights(), 10);
        assert_eq!(all.iter().map(|r| r.firm_id).collect::<Vec<_>>(), [2, 3, 4, 1]);
        assert!(all.windows(2).all(|w| w[0].score.points >= w[1].score.points));
        let top = rank_rows(rows, &weights(), 2);
        assert_eq!(top.iter().map(|r| r.firm_id).collect::<Vec<_>>(), [2, 3]);
        assert!(!top[0].score.reasons.is_empty());
        assert!(rank_rows(Vec::new(), &weights(), 5).is_empty());
    }

    #[test]
    fn the_default_policy_has_every_weight() {
        let policy = PolicySet::load(&aiup_core::defaults::policy_sources()).expect("policy");
        let w = weights_on(&policy, NaiveDate::from_ymd_opt(2026, 3, 1).expect("date")).expect("weights");
        assert!(w.no_ai_training > 0 && w.size_under_30 > w.size_30_to_299);
    }

    #[test]
    fn bad_filters_name_their_field() {
        let bad = |f: DiscoveryFilter| check_filter(&f).expect_err("refused").field;
        let province = DiscoveryFilter {
            province: Some("4".to_owned()),
            ..DiscoveryFilter::default()
        };
        assert_eq!(bad(province).as_deref(), Some("province"));
        let ksic = DiscoveryFilter {
            ksic_section: Some("Z".to_owned()),
            ..DiscoveryFilter::default()
        };
        assert_eq!(bad(ksic).as_deref(), Some("ksic"));
        let limit = DiscoveryFilter {
            limit: Some(0),
            ..DiscoveryFilter::default()
        };
        assert_eq!(bad(limit).as_deref(), Some("limit"));
    }
}
