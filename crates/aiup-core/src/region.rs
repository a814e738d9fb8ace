//! The region table: 17 provinces (시도) and every current 시군구, each with
//! its capital-area and population-declining flags, loaded from the CSV files
//! under `data/regions/`. Old names and codes resolve through aliases.

use crate::csv::{CsvError, CsvTable};
use crate::types::RegionTier;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// A 5-digit 시군구 code from the 행정표준코드, e.g. `51760` (평창군).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(u32);

impl RegionCode {
    pub fn parse(text: &str) -> Result<RegionCode, String> {
        if text.len() != 5 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("`{text}` is not a 5-digit region code"));
        }
        text.parse().map(RegionCode).map_err(|e| e.to_string())
    }

    /// The 2-digit province code this region belongs to.
    pub fn sido_code(self) -> String {
        format!("{:02}", self.0 / 1000)
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:05}", self.0)
    }
}

impl TryFrom<String> for RegionCode {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        RegionCode::parse(&value)
    }
}

impl From<RegionCode> for String {
    fn from(code: RegionCode) -> String {
        code.to_string()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionKind {
    /// 자치구
    AutonomousDistrict,
    /// 시
    City,
    /// 군
    County,
    /// 일반구: a district of a large city, without its own council.
    District,
}

impl RegionKind {
    fn parse(text: &str) -> Option<RegionKind> {
        match text {
            "autonomous_district" => Some(RegionKind::AutonomousDistrict),
            "city" => Some(RegionKind::City),
            "county" => Some(RegionKind::County),
            "district" => Some(RegionKind::District),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RegionKind::AutonomousDistrict => "autonomous_district",
            RegionKind::City => "city",
            RegionKind::County => "county",
            RegionKind::District => "district",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Province {
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub name_en: String,
    pub capital_area: bool,
    pub former_names: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Region {
    pub code: RegionCode,
    pub sido_code: String,
    pub sido_name: String,
    /// The local name, e.g. `평창군` or `장안구`.
    pub name: String,
    /// `시도 [시] 시군구`, e.g. `강원특별자치도 평창군`, `경기도 수원시 장안구`.
    pub full_name: String,
    pub name_en: String,
    pub kind: RegionKind,
    pub parent_code: Option<RegionCode>,
    /// In 수도권 (Seoul, Incheon, Gyeonggi).
    pub capital_area: bool,
    /// One of the 89 인구감소지역 (a district inherits its city's flag).
    pub population_declining: bool,
}

impl Region {
    /// The support tier. Where a region is both capital-area and
    /// population-declining, `precedence` (from the policy files) decides.
    pub fn tier(&self, precedence: RegionTier) -> RegionTier {
        match (self.capital_area, self.population_declining) {
            (true, true) => precedence,
            (true, false) => RegionTier::Capital,
            (false, true) => RegionTier::PopulationDeclining,
            (false, false) => RegionTier::NonCapital,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionAlias {
    /// An old full name (`강원도 평창군`) or an old code (`42760`).
    pub alias: String,
    pub current_code: RegionCode,
    pub changed_on: Option<chrono::NaiveDate>,
    pub note: String,
}

/// The three files a region table is made of, by contents.
#[derive(Debug, Clone, Copy)]
pub struct RegionFiles<'a> {
    pub sido_csv: &'a str,
    pub sigungu_csv: &'a str,
    pub aliases_csv: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct RegionLoadError {
    pub file: &'static str,
    pub line: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    #[error(
        "no region matches `{query}`; give a 5-digit code or a province and district such as \"Pyeongchang-gun, Gangwon\""
    )]
    NotFound { query: String },
    #[error("`{query}` is ambiguous: it matches {}; add the province", candidates_en.join("; "))]
    Ambiguous {
        query: String,
        /// The matching regions' Korean names.
        candidates: Vec<String>,
        /// The same regions' romanised names, in the same order.
        candidates_en: Vec<String>,
    },
}

/// How a query was resolved: directly, or through an alias of an old name or code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resolved<'a> {
    pub region: &'a Region,
    pub via_alias: Option<&'a RegionAlias>,
}

#[derive(Debug, Clone)]
pub struct RegionTable {
    sha256: String,
    provinces: Vec<Province>,
    regions: Vec<Region>,
    aliases: Vec<RegionAlias>,
    by_code: HashMap<RegionCode, usize>,
    /// Normalised name → indices (several when a bare name like `중구` repeats).
    by_name: HashMap<String, Vec<usize>>,
    /// Romanised keys (`roman_key`) → indices: "Haenam-gun", "Jung-gu, Seoul", "Seoul".
    by_roman: HashMap<String, Vec<usize>>,
    alias_by_key: HashMap<String, usize>,
}

/// Romanised spellings of each province besides its `name_en`, by code. A
/// first spelling ending in `-do` or ` State` is the one English pages show.
const PROVINCE_ROMANISATIONS: &[(&str, &[&str])] = &[
    ("11", &["Seoul City"]),
    ("36", &["Sejong City"]),
    ("41", &["Gyeonggi-do"]),
    ("43", &["Chungcheongbuk-do", "North Chungcheong"]),
    ("44", &["Chungcheongnam-do", "South Chungcheong"]),
    ("46", &["Jeollanam-do", "South Jeolla"]),
    ("47", &["Gyeongsangbuk-do", "North Gyeongsang"]),
    ("48", &["Gyeongsangnam-do", "South Gyeongsang"]),
    ("50", &["Jeju-do", "Jeju Province"]),
    ("51", &["Gangwon State", "Gangwon-do"]),
    ("52", &["Jeonbuk State", "Jeollabuk-do", "North Jeolla"]),
];

/// A province as English pages name it: "Jeollanam-do", "Gangwon State", "Seoul".
pub fn province_english_name(province: &Province) -> &str {
    PROVINCE_ROMANISATIONS
        .iter()
        .find(|(code, _)| *code == province.code)
        .and_then(|(_, names)| names.first())
        .filter(|name| name.ends_with("-do") || name.ends_with(" State"))
        .copied()
        .unwrap_or(&province.name_en)
}

/// A romanised name reduced to lower-case letters and digits, so that case,
/// hyphens, spaces and commas do not matter ("Jung-gu, Seoul" = "junggu seoul").
fn roman_key(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The number of population-declining areas by 행정안전부고시 제2021-66호
/// (as amended by 제2024-15호). A table that disagrees fails to load.
pub const POPULATION_DECLINING_AREAS: usize = 89;
pub const PROVINCES: usize = 17;

fn normalise(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn flag(value: &str, file: &'static str, line: usize, column: &str) -> Result<bool, RegionLoadError> {
    match value {
        "1" => Ok(true),
        "0" => Ok(false),
        other => Err(RegionLoadError {
            file,
            line,
            message: format!("column `{column}` must be 0 or 1, got `{other}`"),
        }),
    }
}

fn csv_error(file: &'static str) -> impl Fn(CsvError) -> RegionLoadError {
    move |e| RegionLoadError {
        file,
        line: e.line,
        message: e.message,
    }
}

impl RegionTable {
    pub fn load(files: RegionFiles<'_>) -> Result<RegionTable, RegionLoadError> {
        const SIDO: &str = "sido.csv";
        const SIGUNGU: &str = "sigungu.csv";
        const ALIASES: &str = "aliases.csv";

        let sido = CsvTable::parse(
            files.sido_csv,
            &["code", "name", "short_name", "name_en", "capital_area", "former_names"],
        )
        .map_err(csv_error(SIDO))?;
        let mut provinces: Vec<Province> = Vec::new();
        for row in sido.rows() {
            let code = row.get("code");
            if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_digit()) {
                return Err(RegionLoadError {
                    file: SIDO,
                    line: row.line,
                    message: format!("`code` must be 2 digits, got `{code}`"),
                });
            }
            if provinces.iter().any(|p| p.code == code) {
                return Err(RegionLoadError {
                    file: SIDO,
                    line: row.line,
                    message: format!("province code {code} appears twice"),
                });
            }
            provinces.push(Province {
                code: code.to_owned(),
                name: row.get("name").to_owned(),
                short_name: row.get("short_name").to_owned(),
                name_en: row.get("name_en").to_owned(),
                capital_area: flag(row.get("capital_area"), SIDO, row.line, "capital_area")?,
                former_names: row
                    .get("former_names")
                    .split('|')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
            });
        }
        if provinces.len() != PROVINCES {
            return Err(RegionLoadError {
                file: SIDO,
                line: 1,
                message: format!("expected {PROVINCES} provinces, found {}", provinces.len()),
            });
        }

        let sigungu = CsvTable::parse(
            files.sigungu_csv,
            &[
                "code",
                "sido_code",
                "name",
                "name_en",
                "kind",
                "parent_code",
                "population_declining",
            ],
        )
        .map_err(csv_error(SIGUNGU))?;
        let mut regions: Vec<Region> = Vec::new();
        let mut lines: HashMap<RegionCode, usize> = HashMap::new();
        for row in sigungu.rows() {
            let err = |message: String| RegionLoadError {
                file: SIGUNGU,
                line: row.line,
                message,
            };
            let code = RegionCode::parse(row.get("code")).map_err(&err)?;
            if let Some(first) = lines.insert(code, row.line) {
                return Err(err(format!("code {code} already appears on line {first}")));
            }
            let sido_code = row.get("sido_code");
            let province = provinces
                .iter()
                .find(|p| p.code == sido_code)
                .ok_or_else(|| err(format!("unknown sido_code `{sido_code}`")))?;
            if code.sido_code() != sido_code {
                return Err(err(format!(
                    "code {code} does not start with its sido_code {sido_code}"
                )));
            }
            let kind = RegionKind::parse(row.get("kind")).ok_or_else(|| {
                err(format!(
                    "unknown kind `{}` (expected autonomous_district, city, county, district)",
                    row.get("kind")
                ))
            })?;
            let parent_code = match row.get("parent_code") {
                "" => None,
                text => Some(RegionCode::parse(text).map_err(&err)?),
            };
            if (kind == RegionKind::District) != parent_code.is_some() {
                return Err(err(
                    "a district (일반구) needs a parent_code, and only a district has one".into(),
                ));
            }
            let name = row.get("name");
            if name.is_empty() {
                return Err(err("`name` is empty".into()));
            }
            regions.push(Region {
                code,
                sido_code: sido_code.to_owned(),
                sido_name: province.name.clone(),
                name: name.to_owned(),
                full_name: String::new(),
                name_en: row.get("name_en").to_owned(),
                kind,
                parent_code,
                capital_area: province.capital_area,
                population_declining: flag(
                    row.get("population_declining"),
                    SIGUNGU,
                    row.line,
                    "population_declining",
                )?,
            });
        }
        // Districts take their city's name prefix and flags.
        let snapshot: HashMap<RegionCode, (String, bool, RegionKind, String)> = regions
            .iter()
            .map(|r| {
                (
                    r.code,
                    (r.name.clone(), r.population_declining, r.kind, r.sido_code.clone()),
                )
            })
            .collect();
        for region in &mut regions {
            region.full_name = match region.parent_code {
                None if region.name == region.sido_name => region.name.clone(),
                None => format!("{} {}", region.sido_name, region.name),
                Some(parent) => {
                    let line = lines[&region.code];
                    let (parent_name, declining, kind, sido) =
                        snapshot.get(&parent).ok_or_else(|| RegionLoadError {
                            file: SIGUNGU,
                            line,
                            message: format!("parent_code {parent} is not in the table"),
                        })?;
                    if *kind != RegionKind::City || *sido != region.sido_code {
                        return Err(RegionLoadError {
                            file: SIGUNGU,
                            line,
                            message: format!("parent_code {parent} must be a city in the same province"),
                        });
                    }
                    region.population_declining |= declining;
                    format!("{} {} {}", region.sido_name, parent_name, region.name)
                }
            };
        }
        let declining = regions
            .iter()
            .filter(|r| r.population_declining && r.parent_code.is_none())
            .count();
        if declining != POPULATION_DECLINING_AREAS {
            return Err(RegionLoadError { file: SIGUNGU, line: 1, message: format!("expected {POPULATION_DECLINING_AREAS} population-declining areas (행정안전부고시 제2021-66호), found {declining}") });
        }

        let by_code: HashMap<RegionCode, usize> = regions.iter().enumerate().map(|(i, r)| (r.code, i)).collect();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, region) in regions.iter().enumerate() {
            let province = provinces
                .iter()
                .find(|p| p.code == region.sido_code)
                .expect("checked above");
            let local = region
                .full_name
                .strip_prefix(&region.sido_name)
                .unwrap_or(&region.full_name)
                .trim()
                .to_owned();
            let mut keys = vec![region.full_name.clone(), local.clone(), region.name.clone()];
            if !local.is_empty() {
                keys.push(format!("{} {local}", province.short_name));
                keys.extend(province.former_names.iter().map(|former| format!("{former} {local}")));
            }
            keys.sort();
            keys.dedup();
            for key in keys {
                by_name.entry(normalise(&key)).or_default().push(i);
            }
        }

        let by_roman = roman_index(&provinces, &regions, &by_code);

        let alias_table = CsvTable::parse(
            files.aliases_csv,
            &["alias_code", "alias_name", "current_code", "changed_on", "note"],
        )
        .map_err(csv_error(ALIASES))?;
        let mut aliases = Vec::new();
        let mut alias_by_key = HashMap::new();
        for row in alias_table.rows() {
            let err = |message: String| RegionLoadError {
                file: ALIASES,
                line: row.line,
                message,
            };
            let current_code = RegionCode::parse(row.get("current_code")).map_err(&err)?;
            if !by_code.contains_key(&current_code) {
                return Err(err(format!("current_code {current_code} is not in sigungu.csv")));
            }
            let changed_on = match row.get("changed_on") {
                "" => None,
                text => Some(crate::date::parse_iso_date(text).map_err(|e| err(format!("changed_on: {e}")))?),
            };
            let mut keys = Vec::new();
            if !row.get("alias_code").is_empty() {
                let code = RegionCode::parse(row.get("alias_code")).map_err(&err)?;
                if by_code.contains_key(&code) {
                    return Err(err(format!(
                        "alias_code {code} is a current code; an alias must be an old one"
                    )));
                }
                keys.push(code.to_string());
            }
            if !row.get("alias_name").is_empty() {
                keys.push(normalise(row.get("alias_name")));
            }
            if keys.is_empty() {
                return Err(err("an alias needs alias_code or alias_name".into()));
            }
            let index = aliases.len();
            aliases.push(RegionAlias {
                alias: keys.last().cloned().unwrap_or_default(),
                current_code,
                changed_on,
                note: row.get("note").to_owned(),
            });
            for key in keys {
                if alias_by_key.insert(key.clone(), index).is_some() {
                    return Err(err(format!("alias `{key}` appears twice")));
                }
            }
        }

        let mut hasher = Sha256::new();
        for part in [files.sido_csv, files.sigungu_csv, files.aliases_csv] {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
        let sha256 = hex(&hasher.finalize());
        Ok(RegionTable {
            sha256,
            provinces,
            regions,
            aliases,
            by_code,
            by_name,
            by_roman,
            alias_by_key,
        })
    }

    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    pub fn provinces(&self) -> &[Province] {
        &self.provinces
    }

    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    pub fn aliases(&self) -> &[RegionAlias] {
        &self.aliases
    }

    pub fn get(&self, code: RegionCode) -> Option<&Region> {
        self.by_code.get(&code).map(|&i| &self.regions[i])
    }

    /// The position of a region in `regions()`, for compact batch inputs.
    pub fn index_of(&self, code: RegionCode) -> Option<usize> {
        self.by_code.get(&code).copied()
    }

    /// Resolves a 5-digit code or a name (`강원특별자치도 평창군`, `강원 평창군`,
    /// an old name such as `강원도 평창군`, or a bare name if it is unique).
    pub fn resolve(&self, query: &str) -> Result<Resolved<'_>, ResolveError> {
        let key = normalise(query);
        if let Ok(code) = RegionCode::parse(&key) {
            if let Some(region) = self.get(code) {
                return Ok(Resolved {
                    region,
                    via_alias: None,
                });
            }
        }
        if let Some(indices) = self.by_name.get(&key) {
            return match indices.as_slice() {
                [single] => Ok(Resolved {
                    region: &self.regions[*single],
                    via_alias: None,
                }),
                many => Err(self.ambiguous(query, many)),
            };
        }
        if let Some(&i) = self.alias_by_key.get(&key) {
            let alias = &self.aliases[i];
            let region = self.get(alias.current_code).ok_or_else(|| ResolveError::NotFound {
                query: query.to_owned(),
            })?;
            return Ok(Resolved {
                region,
                via_alias: Some(alias),
            });
        }
        let roman = roman_key(&key);
        if !roman.is_empty() && key.is_ascii() {
            match self.by_roman.get(&roman).map(Vec::as_slice) {
                Some([single]) => {
                    return Ok(Resolved {
                        region: &self.regions[*single],
                        via_alias: None,
                    })
                }
                Some(many) if !many.is_empty() => return Err(self.ambiguous(query, many)),
                _ => {}
            }
        }
        Err(ResolveError::NotFound {
            query: query.to_owned(),
        })
    }

    fn ambiguous(&self, query: &str, indices: &[usize]) -> ResolveError {
        let regions = indices.iter().map(|&i| &self.regions[i]);
        ResolveError::Ambiguous {
            query: query.to_owned(),
            candidates: regions.clone().map(|r| r.full_name.clone()).collect(),
            candidates_en: regions.map(|r| self.english_name(r)).collect(),
        }
    }

    /// A region's romanised name with its province: "Haenam-gun, Jeollanam-do",
    /// "Suwon-si Jangan-gu, Gyeonggi-do", "Jung-gu, Seoul".
    pub fn english_name(&self, region: &Region) -> String {
        let local = match region.parent_code.and_then(|code| self.get(code)) {
            Some(parent) => format!("{} {}", parent.name_en, region.name_en),
            None => region.name_en.clone(),
        };
        match self.provinces.iter().find(|p| p.code == region.sido_code) {
            // Sejong is a province with a single region of the same name.
            Some(p) if p.name_en != local => format!("{local}, {}", province_english_name(p)),
            _ => local,
        }
    }

    /// Regions whose names contain `needle`, for look-ups and suggestions.
    pub fn search(&self, needle: &str) -> Vec<&Region> {
        let needle = normalise(needle);
        if let Ok(found) = self.resolve(&needle) {
            return vec![found.region];
        }
        self.regions
            .iter()
            .filter(|r| r.full_name.contains(&needle) || r.name_en.to_lowercase().contains(&needle.to_lowercase()))
            .collect()
    }

    /// Counts per province of (regions, population-declining areas), for reports.
    pub fn counts_by_province(&self) -> BTreeMap<String, (usize, usize)> {
        let mut counts = BTreeMap::new();
        for region in self.regions.iter().filter(|r| r.parent_code.is_none()) {
            let entry = counts.entry(region.sido_name.clone()).or_insert((0, 0));
            entry.0 += 1;
            entry.1 += usize::from(region.population_declining);
        }
        counts
    }
}

/// The romanised index: every region by its romanised local name, alone and
/// with each spelling of its province before or after it, and every province
/// alone (its top-level regions, so "Seoul" lists Seoul's districts and
/// "Sejong" is Sejong).
fn roman_index(
    provinces: &[Province],
    regions: &[Region],
    by_code: &HashMap<RegionCode, usize>,
) -> HashMap<String, Vec<usize>> {
    let mut index: HashMap<String, Vec<usize>> = HashMap::new();
    let province_names = |p: &Province| -> Vec<String> {
        let extra = PROVINCE_ROMANISATIONS
            .iter()
            .find(|(code, _)| *code == p.code)
            .map_or(&[][..], |(_, names)| names);
        std::iter::once(p.name_en.as_str())
            .chain(extra.iter().copied())
            .map(roman_key)
            .collect()
    };
    for (i, region) in regions.iter().enumerate() {
        let Some(province) = provinces.iter().find(|p| p.code == region.sido_code) else {
            continue;
        };
        let mut locals = vec![roman_key(&region.name_en)];
        if let Some(parent) = region.parent_code.and_then(|c| by_code.get(&c)).map(|&j| &regions[j]) {
            locals.push(roman_key(&format!("{}{}", parent.name_en, region.name_en)));
        }
        let provinces_here = province_names(province);
        let mut keys: Vec<String> = Vec::new();
        for local in locals.iter().filter(|l| !l.is_empty()) {
            keys.push(local.clone());
            for p in &provinces_here {
                keys.push(format!("{p}{local}"));
                keys.push(format!("{local}{p}"));
            }
        }
        if region.parent_code.is_none() {
            keys.extend(provinces_here.iter().cloned());
        }
        keys.sort();
        keys.dedup();
        for key in keys {
            index.entry(key).or_default().push(i);
        }
    }
    index
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::ResolveError;
    use crate::defaults::region_files;
    use crate::region::RegionTable;

    fn table() -> RegionTable {
        RegionTable::load(region_files()).unwrap_or_else(|e| panic!("{e}"))
    }

    fn code(table: &RegionTable, query: &str) -> String {
        match table.resolve(query) {
            Ok(found) => found.region.code.to_string(),
            Err(e) => panic!("{query}: {e}"),
        }
    }

    #[test]
    fn romanised_names_resolve_in_any_case_with_or_without_hyphens() {
        let table = table();
        let haenam = code(&table, "전라남도 해남군");
        for query in [
            "Haenam-gun",
            "haenam gun",
            "HAENAMGUN",
            "Jeollanam-do Haenam-gun",
            "Haenam-gun, Jeollanam-do",
            "Haenam-gun, Jeonnam",
            "jeonnam haenam-gun",
        ] {
            assert_eq!(code(&table, query), haenam, "{query}");
        }
        assert_eq!(code(&table, "Jung-gu, Seoul"), code(&table, "서울특별시 중구"));
        assert_eq!(code(&table, "seoul jung-gu"), code(&table, "서울특별시 중구"));
        assert_eq!(code(&table, "Suwon-si Jangan-gu"), code(&table, "경기도 수원시 장안구"));
        assert_eq!(code(&table, "Sejong"), code(&table, "세종특별자치시"));
        // Korean input is unchanged.
        assert_eq!(code(&table, "서울 강남구"), "11680");
    }

    #[test]
    fn every_english_name_resolves_back_to_its_region() {
        let table = table();
        for region in table.regions() {
            let name = table.english_name(region);
            assert_eq!(code(&table, &name), region.code.to_string(), "{name}");
        }
    }

    #[test]
    fn an_ambiguous_romanised_name_lists_its_candidates_in_both_languages() {
        let table = table();
        for (query, at_least) in [("Jung-gu", 6), ("Seoul", 25), ("goseong-gun", 2)] {
            let Err(ResolveError::Ambiguous {
                candidates,
                candidates_en,
                ..
            }) = table.resolve(query)
            else {
                panic!("{query} is not ambiguous");
            };
            assert!(candidates.len() >= at_least, "{query}: {candidates:?}");
            assert_eq!(candidates.len(), candidates_en.len());
            assert!(candidates_en.iter().all(|c| c.is_ascii()), "{candidates_en:?}");
        }
        let message = table.resolve("Jung-gu").unwrap_err().to_string();
        assert!(
            message.contains("Jung-gu, Seoul") && message.contains("Jung-gu, Busan"),
            "{message}"
        );
        assert!(matches!(
            table.resolve("Atlantis-gun"),
            Err(ResolveError::NotFound { .. })
        ));
    }
}
