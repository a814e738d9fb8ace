//! The programme administrator's overview: people and enrolments by programme, province, 시군구
//! and stage, with the count of each enrolment status. Reads only; a programme administrator
//! whose account is scoped to some programmes sees only those.

use std::collections::BTreeMap;

use aiup_core::policy::Text;
use aiup_core::region::RegionCode;
use aiup_core::Stage;
use aiup_people::EnrolmentStatus;
use aiup_rules::Engine;
use aiup_store::{EnrolmentReport, EnrolmentReportFilter};

use crate::accounts::{Actor, Permission, Role};
use crate::{App, AppError, Code};

/// What the overview is narrowed to, checked against the policy and the region table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OverviewFilter {
    pub programme: Option<String>,
    /// A 2-digit 시도 code of the region table.
    pub province: Option<String>,
    pub region: Option<RegionCode>,
    pub stage: Option<Stage>,
    pub status: Option<EnrolmentStatus>,
}

/// The query parameters the overview reads.
pub const OVERVIEW_PARAMETERS: [&str; 5] = ["programme", "province", "region", "stage", "status"];

fn bad(field: &str, ko: String, en: String) -> AppError {
    AppError::bilingual(Code::InvalidParameter, Some(field), Text { ko, en })
}

impl OverviewFilter {
    /// Reads the filters from query-string pairs; keys in `ignore` (such as `lang`) are skipped,
    /// empty values mean "all", and anything else is refused, naming the parameter.
    pub fn from_pairs(
        engine: &Engine,
        pairs: &[(String, String)],
        ignore: &[&str],
    ) -> Result<OverviewFilter, AppError> {
        let mut filter = OverviewFilter::default();
        for (key, value) in pairs {
            let value = value.trim();
            match key.as_str() {
                _ if value.is_empty() => {}
                "programme" => {
                    if engine.programme_index(value).is_none() {
                        return Err(bad(
                            key,
                            format!("`{value}`: 정책 파일에 없는 사업입니다."),
                            format!("`{value}` is not a programme id of the policy in force"),
                        ));
                    }
                    filter.programme = Some(value.to_owned());
                }
                "province" => {
                    if !engine.regions().provinces().iter().any(|p| p.code == value) {
                        return Err(bad(
                            key,
                            format!("`{value}`: 시도 코드(2자리)를 목록에서 고르세요."),
                            format!("`{value}` is not a 2-digit province code of the region table"),
                        ));
                    }
                    filter.province = Some(value.to_owned());
                }
                "region" => {
                    let code = RegionCode::parse(value)
                        .ok()
                        .filter(|c| engine.regions().get(*c).is_some())
                        .ok_or_else(|| {
                            bad(
                                key,
                                format!("`{value}`: 시군구 코드(5자리)를 목록에서 고르세요."),
                                format!("`{value}` is not a 5-digit district code of the region table"),
                            )
                        })?;
                    filter.region = Some(code);
                }
                "stage" => {
                    filter.stage = Some(Stage::parse(value).filter(|s| *s != Stage::Infrastructure).ok_or_else(
                        || {
                            bad(
                                key,
                                "진입기(entry), 활동기(participation), 전환기(transition) 중 하나를 고르세요."
                                    .to_owned(),
                                "is one of entry, participation, transition".to_owned(),
                            )
                        },
                    )?);
                }
                "status" => {
                    filter.status = Some(EnrolmentStatus::parse(value).ok_or_else(|| {
                        bad(
                            key,
                            format!("알 수 없는 신청 상태입니다. 가능한 값: {}", EnrolmentStatus::expected()),
                            format!("is one of {}", EnrolmentStatus::expected()),
                        )
                    })?);
                }
                other if ignore.contains(&other) => {}
                other => {
                    return Err(bad(
                        other,
                        format!("`{other}`: 현황 화면에 없는 조건입니다."),
                        format!("`{other}` is not a parameter of the overview"),
                    ))
                }
            }
        }
        if let (Some(province), Some(region)) = (&filter.province, filter.region) {
            if region.sido_code() != *province {
                return Err(bad(
                    "region",
                    "고른 시군구가 고른 시도에 속하지 않습니다.".to_owned(),
                    "the district is not in the chosen province".to_owned(),
                ));
            }
        }
        Ok(filter)
    }
}

/// People and enrolments of one row of a table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CountRow {
    /// A programme id, a 시도 code, a 시군구 code or a stage's spelling; empty for the total.
    pub key: String,
    pub people: i64,
    pub enrolments: i64,
    pub by_status: BTreeMap<EnrolmentStatus, i64>,
}

impl CountRow {
    fn keyed(key: &str) -> CountRow {
        CountRow {
            key: key.to_owned(),
            ..CountRow::default()
        }
    }

    /// The enrolments with `status` (0 where there are none).
    pub fn status(&self, status: EnrolmentStatus) -> i64 {
        self.by_status.get(&status).copied().unwrap_or(0)
    }
}

/// The overview, as counted from one snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overview {
    pub filter: OverviewFilter,
    /// The programmes the caller is limited to; `None` for every programme.
    pub scope: Option<Vec<String>>,
    pub programmes: Vec<CountRow>,
    pub provinces: Vec<CountRow>,
    /// The 시군구 of the chosen province; empty until one is chosen.
    pub regions: Vec<CountRow>,
    pub stages: Vec<CountRow>,
    pub total: CountRow,
    /// The statuses that occur, in vocabulary order: the columns of the tables.
    pub statuses: Vec<EnrolmentStatus>,
}

/// The programme ids an account is limited to: a scoped programme administrator's list.
pub fn programme_scope(actor: &Actor) -> Option<Vec<String>> {
    match (actor.role, actor.scope.as_deref()) {
        (Role::ProgrammeAdmin, Some(list)) => Some(
            list.split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect(),
        ),
        _ => None,
    }
}

/// Adds `n` enrolments of `status` to the row keyed `key` of `rows`.
fn add(rows: &mut BTreeMap<String, CountRow>, key: &str, status: EnrolmentStatus, n: i64) {
    let row = rows.entry(key.to_owned()).or_insert_with(|| CountRow::keyed(key));
    row.enrolments += n;
    *row.by_status.entry(status).or_insert(0) += n;
}

fn rows_of(rows: BTreeMap<String, CountRow>) -> Vec<CountRow> {
    rows.into_values().collect()
}

/// Rolls the store's counts up into the overview's tables.
fn roll_up(report: &EnrolmentReport, province: Option<&str>) -> Result<(Overview, Vec<EnrolmentStatus>), AppError> {
    let mut programmes = BTreeMap::new();
    let mut provinces = BTreeMap::new();
    let mut regions = BTreeMap::new();
    let mut stages = BTreeMap::new();
    let mut total = CountRow::default();
    let mut seen = std::collections::BTreeSet::new();
    for c in &report.enrolments {
        let status = EnrolmentStatus::parse(&c.status)
            .ok_or_else(|| AppError::internal(&format_args!("an enrolment has the status `{}`", c.status)))?;
        seen.insert(status);
        let sido = c.region_code.get(..2).unwrap_or_default();
        add(&mut programmes, &c.programme, status, c.enrolments);
        add(&mut provinces, sido, status, c.enrolments);
        if province == Some(sido) {
            add(&mut regions, &c.region_code, status, c.enrolments);
        }
        add(&mut stages, &c.stage, status, c.enrolments);
        total.enrolments += c.enrolments;
        *total.by_status.entry(status).or_insert(0) += c.enrolments;
    }
    for c in &report.people {
        let sido = c.region_code.get(..2).unwrap_or_default();
        let people = |rows: &mut BTreeMap<String, CountRow>, key: &str| {
            rows.entry(key.to_owned())
                .or_insert_with(|| CountRow::keyed(key))
                .people += c.people;
        };
        people(&mut provinces, sido);
        if province == Some(sido) {
            people(&mut regions, &c.region_code);
        }
        people(&mut stages, &c.stage);
        total.people += c.people;
    }
    for p in &report.programme_people {
        programmes
            .entry(p.programme.clone())
            .or_insert_with(|| CountRow::keyed(&p.programme))
            .people += p.people;
    }
    let overview = Overview {
        programmes: rows_of(programmes),
        provinces: rows_of(provinces),
        regions: rows_of(regions),
        stages: rows_of(stages),
        total,
        ..Overview::default()
    };
    Ok((overview, seen.into_iter().collect()))
}

impl App {
    /// The overview under `filter`, within the caller's programmes.
    pub async fn enrolment_overview(&self, actor: &Actor, filter: OverviewFilter) -> Result<Overview, AppError> {
        actor.require(Permission::ReadEnrolments)?;
        let scope = programme_scope(actor);
        let programmes = match (&scope, &filter.programme) {
            (None, None) => None,
            (None, Some(p)) => Some(vec![p.clone()]),
            (Some(scope), None) => Some(scope.clone()),
            // A programme outside the scope counts nothing, like one nobody is in.
            (Some(scope), Some(p)) => Some(scope.iter().filter(|s| *s == p).cloned().collect()),
        };
        let store_filter = EnrolmentReportFilter {
            programmes,
            province: filter.province.clone(),
            region: filter.region.map(|r| r.to_string()),
            stage: filter.stage.map(|s| s.as_str().to_owned()),
            status: filter.status.map(|s| s.as_str().to_owned()),
        };
        let report = self.db().enrolment_reports().report(&store_filter).await?;
        let province = filter
            .province
            .clone()
            .or_else(|| filter.region.map(RegionCode::sido_code));
        let (mut overview, statuses) = roll_up(&report, province.as_deref())?;
        overview.filter = filter;
        overview.scope = scope;
        overview.statuses = statuses;
        Ok(overview)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aiup_store::{EnrolmentCount, PeopleCount, ProgrammePeople};

    fn count(programme: &str, region: &str, stage: &str, status: &str, n: i64) -> EnrolmentCount {
        EnrolmentCount {
            programme: programme.into(),
            region_code: region.into(),
            stage: stage.into(),
            status: status.into(),
            enrolments: n,
        }
    }

    #[test]
    fn counts_roll_up_to_provinces_and_regions_of_the_chosen_one() {
        let report = EnrolmentReport {
            people: vec![
                PeopleCount {
                    region_code: "46830".into(),
                    stage: "entry".into(),
                    people: 2,
                },
                PeopleCount {
                    region_code: "46110".into(),
                    stage: "transition".into(),
                    people: 1,
                },
                PeopleCount {
                    region_code: "11110".into(),
                    stage: "entry".into(),
                    people: 4,
                },
            ],
            enrolments: vec![
                count("kdt", "46830", "entry", "accepted", 2),
                count("kdt", "46110", "transition", "applied", 1),
                count("naeil", "11110", "entry", "accepted", 3),
            ],
            programme_people: vec![
                ProgrammePeople {
                    programme: "kdt".into(),
                    people: 3,
                },
                ProgrammePeople {
                    programme: "naeil".into(),
                    people: 3,
                },
            ],
        };
        let (overview, statuses) = roll_up(&report, Some("46")).unwrap();
        assert_eq!(statuses, [EnrolmentStatus::Applied, EnrolmentStatus::Accepted]);
        assert_eq!((overview.total.people, overview.total.enrolments), (7, 6));
        let jeonnam = overview.provinces.iter().find(|r| r.key == "46").unwrap();
        assert_eq!((jeonnam.people, jeonnam.enrolments), (3, 3));
        assert_eq!(jeonnam.status(EnrolmentStatus::Accepted), 2);
        assert_eq!(
            overview.regions.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(),
            ["46110", "46830"]
        );
        let kdt = &overview.programmes[0];
        assert_eq!((kdt.key.as_str(), kdt.people, kdt.enrolments), ("kdt", 3, 3));
        let entry = overview.stages.iter().find(|r| r.key == "entry").unwrap();
        assert_eq!((entry.people, entry.enrolments), (6, 5));
    }
}
