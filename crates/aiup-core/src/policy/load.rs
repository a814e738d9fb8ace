//! Parsing and validating policy files. Errors name the file and line.

use super::schema::{self, Kind, ParamSpec, PARAMS, REQUIRED_PROGRAMMES};
use super::*;
use crate::region::hex;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use toml::Spanned;

/// One policy file, by path (relative, for messages) and contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicySource {
    pub path: String,
    pub content: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct PolicyLoadError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// Every problem found in one load, so an administrator can fix them in one pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{} policy error(s):\n{}", .0.len(), .0.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n"))]
pub struct PolicyLoadErrors(pub Vec<PolicyLoadError>);

/// A what-if change to one parameter. Without `from`, the value replaces the
/// whole series; with it, it takes effect on that date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    pub param: String,
    #[serde(default, deserialize_with = "crate::date::deserialize_option")]
    pub from: Option<NaiveDate>,
    pub value: serde_json::Value,
}

// ---- the file format -------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDef {
    meta: Option<Spanned<MetaDef>>,
    plan: Option<Spanned<PlanDef>>,
    #[serde(default)]
    param: Vec<Spanned<ParamDef>>,
    #[serde(default)]
    programme: Vec<Spanned<ProgrammeDef>>,
    #[serde(default)]
    plan_line: Vec<Spanned<PlanLineDef>>,
    #[serde(default)]
    budget_line: Vec<Spanned<BudgetLineDef>>,
    #[serde(default)]
    indicator: Vec<Spanned<IndicatorDef>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MetaDef {
    revision: String,
    coverage_start: toml::value::Datetime,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanDef {
    title: Text,
    vision: Text,
    year: i32,
    people: i64,
    budget_won: i64,
    five_year_people: i64,
    cite: String,
    /// Internal: where the figure was read and how; never shown on public pages.
    #[serde(rename = "note")]
    _note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ParamDef {
    id: Spanned<String>,
    description: Text,
    values: Vec<Spanned<ValueDef>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ValueDef {
    from: toml::value::Datetime,
    value: toml::Value,
    cite: String,
    confidence: Confidence,
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetDef {
    year: i32,
    value: i64,
    unit: TargetUnit,
    cite: String,
    /// Internal: where the figure was read and how; never shown on public pages.
    #[serde(rename = "note")]
    _note: Option<String>,
    confidence: Confidence,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProgrammeDef {
    id: String,
    name: Text,
    description: Text,
    stage: Stage,
    target_group: TargetGroup,
    plan_line: Option<String>,
    allowance_scheme: AllowanceScheme,
    tuition_scheme: TuitionScheme,
    training_cost_multiplier: Option<String>,
    admits: Option<Vec<String>>,
    admits_cite: Option<String>,
    #[serde(default)]
    target: Vec<TargetDef>,
    cite: String,
    /// Internal: where the figure was read and how; never shown on public pages.
    #[serde(rename = "note")]
    _note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanLineDef {
    id: String,
    year: i32,
    stage: Stage,
    target_group: TargetGroup,
    content: Text,
    size: Option<i64>,
    unit: Option<TargetUnit>,
    cite: String,
    /// Internal: where the figure was read and how; never shown on public pages.
    #[serde(rename = "note")]
    _note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BudgetLineDef {
    id: String,
    year: i32,
    label: Text,
    amount_won: i64,
    funding: Funding,
    ai_specific_won: Option<i64>,
    plan_line: String,
    programmes: Vec<String>,
    cite: String,
    /// Internal: where the figure was read and how; never shown on public pages.
    #[serde(rename = "note")]
    _note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IndicatorDef {
    id: String,
    year: i32,
    programme: Option<String>,
    label: Text,
    value: toml::Value,
    max: Option<toml::Value>,
    unit: String,
    cite: String,
    /// Internal: where the figure was read and how; never shown on public pages.
    #[serde(rename = "note")]
    _note: Option<String>,
    confidence: Confidence,
}

// ---- helpers ---------------------------------------------------------------

fn line_of(content: &str, offset: usize) -> usize {
    content.as_bytes()[..offset.min(content.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

struct Sink<'a> {
    file: &'a str,
    content: &'a str,
    errors: &'a mut Vec<PolicyLoadError>,
}

impl Sink<'_> {
    fn line(&self, span: &std::ops::Range<usize>) -> usize {
        line_of(self.content, span.start)
    }

    fn push(&mut self, span: &std::ops::Range<usize>, message: impl Into<String>) {
        let line = self.line(span);
        self.errors.push(PolicyLoadError {
            file: self.file.to_owned(),
            line,
            message: message.into(),
        });
    }

    fn location(&self, span: &std::ops::Range<usize>) -> Location {
        Location {
            file: self.file.to_owned(),
            line: self.line(span),
        }
    }
}

/// Citations are public references, `scheme:reference`, several joined by
/// `; `; seeds must exist. Internal notes (research summaries, quotes, "as
/// reported") belong in `note`, and a citation that looks like one is refused.
const CITATION_SCHEMES: &[&str] = &["seed", "notice", "law", "aiup", "reform"];
const SEEDS: &[&str] = &["000", "001", "002", "003", "004"];
/// The only references of the `aiup` scheme: a documented default, or
/// aiup's policy research of secondary sources (its notes say which).
const AIUP_REFERENCES: &[&str] = &["default", "research"];
/// Text that marks an internal note, never a public reference.
const NOTE_MARKERS: &[&str] = &["brief:", "research:", "as reported", "todo", "✅", "◐", "—"];

/// Whether `text` has three or more English words in a row: prose, not a reference.
fn has_english_prose(text: &str) -> bool {
    let mut run = 0;
    for word in text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')')) {
        if word.is_empty() {
            continue;
        }
        if word.len() >= 2 && word.chars().all(|c| c.is_ascii_alphabetic()) {
            run += 1;
            if run >= 3 {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

fn check_cite(cite: &str) -> Result<(), String> {
    let lower = cite.to_lowercase();
    if let Some(marker) = NOTE_MARKERS.iter().find(|m| lower.contains(*m)) {
        return Err(format!(
            "citation `{cite}` contains `{marker}`, which marks an internal note; put it in `note` and keep `cite` a public reference"
        ));
    }
    for part in cite.split("; ") {
        check_cite_part(cite, part)?;
    }
    Ok(())
}

fn check_cite_part(cite: &str, part: &str) -> Result<(), String> {
    let (scheme, rest) = part.split_once(':').ok_or_else(|| {
        format!(
            "citation `{cite}` must look like `scheme:reference` (schemes: {})",
            CITATION_SCHEMES.join(", ")
        )
    })?;
    if !CITATION_SCHEMES.contains(&scheme) {
        return Err(format!(
            "citation scheme `{scheme}` is unknown (expected one of {}; `brief` and research notes go in `note`)",
            CITATION_SCHEMES.join(", ")
        ));
    }
    let rest = rest.trim();
    if rest.is_empty() {
        return Err(format!("citation `{cite}` has no reference after the scheme"));
    }
    match scheme {
        "seed" => {
            let seed = rest.split_whitespace().next().unwrap_or("");
            if !SEEDS.contains(&seed) {
                return Err(format!(
                    "citation `{cite}` names seed `{seed}`, which does not exist (seeds: {})",
                    SEEDS.join(", ")
                ));
            }
        }
        "aiup" if !AIUP_REFERENCES.contains(&rest) => {
            return Err(format!(
                "citation `{cite}`: an aiup citation is exactly `aiup:default` or `aiup:research`; its explanation goes in `note`"
            ));
        }
        _ => {}
    }
    if scheme != "reform" && has_english_prose(rest) {
        return Err(format!(
            "citation `{cite}` reads like a note (English prose); keep `cite` a reference and put the words in `note`"
        ));
    }
    Ok(())
}

fn to_date(value: &toml::value::Datetime) -> Result<NaiveDate, String> {
    match (value.date, value.time, value.offset) {
        (Some(d), None, None) => NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
            .ok_or_else(|| format!("`{value}` is not a calendar date")),
        _ => Err(format!(
            "`{value}` must be a plain date such as 2026-01-01, without a time"
        )),
    }
}

fn as_u32(value: &toml::Value) -> Option<u32> {
    value.as_integer().and_then(|i| u32::try_from(i).ok())
}

fn as_won(value: &toml::Value) -> Option<Won> {
    value.as_integer().filter(|i| *i >= 0).map(Won)
}

fn as_rate(value: &toml::Value) -> Option<Rate> {
    value.as_str().and_then(Rate::parse_percent)
}

fn list_of<T>(value: &toml::Value, parse: impl Fn(&str) -> Option<T>) -> Option<Vec<T>> {
    value.as_array()?.iter().map(|v| v.as_str().and_then(&parse)).collect()
}

/// Parses a raw value for `spec`: its kind, then its range. The error says
/// what was expected.
fn parse_param(spec: &ParamSpec, value: &toml::Value) -> Result<ParamValue, String> {
    let parsed = parse_value(spec.kind, value)?;
    check_range(spec, &parsed)?;
    Ok(parsed)
}

/// A rate, or a bracket's rate, outside the registry's range for `spec`.
fn check_range(spec: &ParamSpec, value: &ParamValue) -> Result<(), String> {
    let Some(range) = spec.range else {
        return Ok(());
    };
    let outside = |rate: Rate| format!("{rate} is outside the allowed range {range}");
    match value {
        ParamValue::Rate(r) if !range.contains(*r) => Err(format!("value {}", outside(*r))),
        ParamValue::Brackets(brackets) => {
            for (i, b) in brackets.iter().enumerate() {
                if let Charge::Rate(r) = b.charge {
                    if !range.contains(r) {
                        return Err(format!("bracket {}: rate {}", i + 1, outside(r)));
                    }
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Parses a raw value as `kind`; the error says what was expected.
pub(crate) fn parse_value(kind: Kind, value: &toml::Value) -> Result<ParamValue, String> {
    let negative = match value {
        toml::Value::Integer(i) => *i < 0,
        toml::Value::Array(items) => items.iter().any(|v| v.as_integer().is_some_and(|i| i < 0)),
        _ => false,
    };
    if negative && matches!(kind, Kind::Won | Kind::WonList) {
        return Err(format!("value `{value}` is negative; amounts in won are 0 or more"));
    }
    let parsed = match kind {
        Kind::Won => as_won(value).map(ParamValue::Won),
        Kind::Hours => as_u32(value).map(ParamValue::Hours),
        Kind::Count => as_u32(value).map(ParamValue::Count),
        Kind::Rate => as_rate(value).map(ParamValue::Rate),
        Kind::Bool => value.as_bool().map(ParamValue::Bool),
        Kind::Deliveries => list_of(value, Delivery::parse).map(ParamValue::Deliveries),
        Kind::Statuses => list_of(value, TraineeStatus::parse).map(ParamValue::Statuses),
        Kind::TierPrecedence => value
            .as_str()
            .and_then(RegionTier::parse)
            .filter(|t| *t != RegionTier::NonCapital)
            .map(ParamValue::Tier),
        Kind::Rounding => value.as_str().and_then(RoundingMode::parse).map(ParamValue::Rounding),
        Kind::WonList => value
            .as_array()
            .and_then(|a| a.iter().map(as_won).collect::<Option<Vec<_>>>())
            .map(ParamValue::WonList),
        Kind::Brackets => return parse_brackets(value).map(ParamValue::Brackets),
        Kind::Groups | Kind::Programmes => return parse_names(kind, value).map(ParamValue::Names),
        Kind::Schemes => list_of(value, TuitionScheme::parse)
            .filter(|list| list.iter().enumerate().all(|(i, s)| !list[..i].contains(s)))
            .map(ParamValue::Schemes),
        Kind::PeriodScheme => value
            .as_str()
            .and_then(PeriodScheme::parse)
            .map(ParamValue::PeriodScheme),
    };
    parsed.ok_or_else(|| format!("value `{value}` is not {}", kind.describe()))
}

/// A list of ids: lower-case ASCII letters, digits, `_` and `-`, each once. Programme ids are
/// checked against the programmes by `validate`; group ids by `aiup-people`'s tests.
fn parse_names(kind: Kind, value: &toml::Value) -> Result<Vec<String>, String> {
    let not = || format!("value `{value}` is not {}", kind.describe());
    let items = value.as_array().ok_or_else(not)?;
    let mut names: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        let name = item.as_str().ok_or_else(not)?;
        let well_formed = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if !well_formed {
            return Err(format!("`{name}` is not an id (lower-case letters, digits, `_`, `-`)"));
        }
        if names.iter().any(|n| n == name) {
            return Err(format!("`{name}` is listed twice"));
        }
        names.push(name.to_owned());
    }
    Ok(names)
}

fn parse_brackets(value: &toml::Value) -> Result<Vec<Bracket>, String> {
    let rows = value
        .as_array()
        .ok_or_else(|| format!("value is not {}", Kind::Brackets.describe()))?;
    let mut brackets = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let table = row
            .as_table()
            .ok_or_else(|| format!("bracket {} is not a table", i + 1))?;
        for key in table.keys() {
            if !["up_to_won", "rate", "fixed_won"].contains(&key.as_str()) {
                return Err(format!(
                    "bracket {}: unknown key `{key}` (expected up_to_won, rate, fixed_won)",
                    i + 1
                ));
            }
        }
        let up_to = match table.get("up_to_won") {
            None => None,
            Some(v) => Some(
                as_won(v)
                    .ok_or_else(|| format!("bracket {}: up_to_won must be a whole number of won, 0 or more", i + 1))?,
            ),
        };
        let charge = match (table.get("rate"), table.get("fixed_won")) {
            (Some(r), None) => Charge::Rate(
                as_rate(r).ok_or_else(|| format!("bracket {}: rate must be a percentage such as \"10%\"", i + 1))?,
            ),
            (None, Some(w)) => Charge::Fixed(
                as_won(w)
                    .ok_or_else(|| format!("bracket {}: fixed_won must be a whole number of won, 0 or more", i + 1))?,
            ),
            _ => return Err(format!("bracket {}: give exactly one of rate or fixed_won", i + 1)),
        };
        brackets.push(Bracket { up_to, charge });
    }
    let last = brackets
        .len()
        .checked_sub(1)
        .ok_or("a bracket table needs at least one bracket")?;
    for (i, pair) in brackets.windows(2).enumerate() {
        match (pair[0].up_to, pair[1].up_to) {
            (Some(a), Some(b)) if a < b => {}
            (Some(_), None) if i + 1 == last => {}
            _ => {
                return Err(format!(
                    "brackets {} and {} are not in ascending order of up_to_won",
                    i + 1,
                    i + 2
                ))
            }
        }
    }
    if brackets[last].up_to.is_some() {
        return Err("the last bracket must have no up_to_won, so every fee is covered".into());
    }
    Ok(brackets)
}

fn parse_indicator_value(value: &toml::Value, unit: &str) -> Option<IndicatorValue> {
    match unit {
        "won" => as_won(value).map(IndicatorValue::Won),
        "percent" => as_rate(value).map(IndicatorValue::Rate),
        _ => value.as_integer().map(IndicatorValue::Count),
    }
}

fn json_to_toml(value: &serde_json::Value) -> Option<toml::Value> {
    Some(match value {
        serde_json::Value::Bool(b) => toml::Value::Boolean(*b),
        serde_json::Value::Number(n) => toml::Value::Integer(n.as_i64()?),
        serde_json::Value::String(s) => toml::Value::String(s.clone()),
        serde_json::Value::Array(a) => toml::Value::Array(a.iter().map(json_to_toml).collect::<Option<_>>()?),
        serde_json::Value::Object(o) => toml::Value::Table(
            o.iter()
                .map(|(k, v)| json_to_toml(v).map(|v| (k.clone(), v)))
                .collect::<Option<_>>()?,
        ),
        serde_json::Value::Null => return None,
    })
}

// ---- loading ---------------------------------------------------------------

struct Collected {
    meta: Option<(Meta, Location)>,
    plan: Option<Plan>,
    parameters: BTreeMap<String, Parameter>,
    programmes: Vec<Programme>,
    plan_lines: Vec<PlanLine>,
    budget_lines: Vec<BudgetLine>,
    indicators: Vec<Indicator>,
}

impl PolicySet {
    /// Loads and validates a policy from its files.
    pub fn load(sources: &[PolicySource]) -> Result<PolicySet, PolicyLoadErrors> {
        let mut errors = Vec::new();
        let mut all = Collected {
            meta: None,
            plan: None,
            parameters: BTreeMap::new(),
            programmes: Vec::new(),
            plan_lines: Vec::new(),
            budget_lines: Vec::new(),
            indicators: Vec::new(),
        };
        let mut sorted: Vec<&PolicySource> = sources.iter().collect();
        sorted.sort_by(|a, b| a.path.cmp(&b.path));
        for source in &sorted {
            let mut sink = Sink {
                file: &source.path,
                content: &source.content,
                errors: &mut errors,
            };
            match toml::from_str::<FileDef>(&source.content) {
                Ok(file) => collect_file(file, &mut sink, &mut all),
                Err(e) => {
                    let line = e.span().map(|s| line_of(&source.content, s.start)).unwrap_or(1);
                    sink.errors.push(PolicyLoadError {
                        file: source.path.clone(),
                        line,
                        message: e.message().trim().to_owned(),
                    });
                }
            }
        }
        let no_file = |message: String| PolicyLoadError {
            file: "policy".into(),
            line: 0,
            message,
        };
        let (meta, _) = match all.meta.take() {
            Some(m) => m,
            None => {
                errors.push(no_file("no file has a [meta] table (revision, coverage_start)".into()));
                return Err(PolicyLoadErrors(errors));
            }
        };
        let Some(plan) = all.plan.take() else {
            errors.push(no_file("no file has a [plan] table".into()));
            return Err(PolicyLoadErrors(errors));
        };
        validate(&meta, &all, &mut errors);
        if !errors.is_empty() {
            return Err(PolicyLoadErrors(errors));
        }
        let mut hasher = Sha256::new();
        for source in &sorted {
            for part in [source.path.as_bytes(), source.content.as_bytes()] {
                hasher.update((part.len() as u64).to_le_bytes());
                hasher.update(part);
            }
        }
        let sha256 = hex(&hasher.finalize());
        let version = format!("{}+{}", meta.revision, &sha256[..12]);
        Ok(PolicySet {
            version,
            sha256,
            meta,
            plan,
            parameters: all.parameters,
            programmes: all.programmes,
            plan_lines: all.plan_lines,
            budget_lines: all.budget_lines,
            indicators: all.indicators,
        })
    }

    /// A copy with `overrides` applied, for what-if comparisons. The version
    /// becomes `<base>+reform:<name>`.
    pub fn with_overrides(&self, name: &str, overrides: &[Override]) -> Result<PolicySet, PolicyLoadErrors> {
        let mut next = self.clone();
        let mut errors = Vec::new();
        let file = format!("reform:{name}");
        for (i, o) in overrides.iter().enumerate() {
            let err = |message: String| PolicyLoadError {
                file: file.clone(),
                line: i + 1,
                message,
            };
            let (Some(spec), Some(parameter)) = (schema::spec(&o.param), next.parameters.get_mut(&o.param)) else {
                errors.push(err(format!("override {}: unknown parameter `{}`", i + 1, o.param)));
                continue;
            };
            let value = match json_to_toml(&o.value)
                .ok_or_else(|| "value must be a number, string, boolean, list or table".to_owned())
                .and_then(|v| parse_param(spec, &v))
            {
                Ok(v) => v,
                Err(message) => {
                    errors.push(err(format!("override {} of `{}`: {message}", i + 1, o.param)));
                    continue;
                }
            };
            let dated = DatedValue {
                from: o.from.unwrap_or(self.meta.coverage_start),
                value,
                cite: file.clone(),
                confidence: Confidence::AiupDefault,
                note: None,
                at: Location {
                    file: file.clone(),
                    line: i + 1,
                },
            };
            match o.from {
                None => parameter.values = vec![dated],
                Some(from) => {
                    parameter.values.retain(|v| v.from != from);
                    parameter.values.push(dated);
                    parameter.values.sort_by_key(|v| v.from);
                }
            }
        }
        let mut probe = Vec::new();
        validate_parameter_semantics(&next.parameters, &next.meta, &mut probe);
        errors.extend(probe);
        if !errors.is_empty() {
            return Err(PolicyLoadErrors(errors));
        }
        next.version = format!("{}+reform:{name}", self.version);
        Ok(next)
    }
}

fn collect_file(file: FileDef, sink: &mut Sink<'_>, all: &mut Collected) {
    if let Some(meta) = file.meta {
        let span = meta.span();
        let def = meta.into_inner();
        match to_date(&def.coverage_start) {
            Ok(coverage_start) => {
                if let Some((_, first)) = &all.meta {
                    let message = format!("a second [meta] table; the first is at {first}");
                    sink.push(&span, message);
                } else {
                    all.meta = Some((
                        Meta {
                            revision: def.revision,
                            coverage_start,
                        },
                        sink.location(&span),
                    ));
                }
            }
            Err(e) => sink.push(&span, format!("meta.coverage_start: {e}")),
        }
    }
    if let Some(plan) = file.plan {
        let span = plan.span();
        let def = plan.into_inner();
        if let Err(e) = check_cite(&def.cite) {
            sink.push(&span, e);
        }
        if def.budget_won < 0 || def.people < 0 || def.five_year_people < 0 {
            sink.push(
                &span,
                "plan: budget_won, people and five_year_people must not be negative",
            );
        }
        if all.plan.is_some() {
            sink.push(&span, "a second [plan] table");
        } else {
            all.plan = Some(Plan {
                title: def.title,
                vision: def.vision,
                year: def.year,
                people: def.people,
                budget_won: Won(def.budget_won),
                five_year_people: def.five_year_people,
                cite: def.cite,
            });
        }
    }
    for param in file.param {
        let span = param.span();
        let def = param.into_inner();
        let id_span = def.id.span();
        let id = def.id.into_inner();
        let Some(spec) = schema::spec(&id) else {
            sink.push(
                &id_span,
                format!("unknown parameter `{id}`; the engine reads only the ids listed in docs/policy-files.md"),
            );
            continue;
        };
        if let Some(existing) = all.parameters.get(&id) {
            let message = format!("parameter `{id}` is defined twice; it is also at {}", existing.at);
            sink.push(&id_span, message);
            continue;
        }
        let mut values: Vec<DatedValue> = Vec::new();
        for value in def.values {
            let value_span = value.span();
            let v = value.into_inner();
            let from = match to_date(&v.from) {
                Ok(d) => d,
                Err(e) => {
                    sink.push(&value_span, format!("`{id}`: from: {e}"));
                    continue;
                }
            };
            if let Err(e) = check_cite(&v.cite) {
                sink.push(&value_span, format!("`{id}`: {e}"));
            }
            let parsed = match parse_value(spec.kind, &v.value) {
                Ok(p) => p,
                Err(e) => {
                    sink.push(&value_span, format!("`{id}`: {e}"));
                    continue;
                }
            };
            // Out of range is reported, but the value is kept so that the
            // parameter does not also look undefined.
            if let Err(e) = check_range(spec, &parsed) {
                sink.push(&value_span, format!("`{id}`: {e}"));
            }
            if let Some(clash) = values.iter().find(|d| d.from == from) {
                let message = format!(
                    "`{id}` has two values from {from}: this one and the one at line {}; they conflict",
                    clash.at.line
                );
                sink.push(&value_span, message);
                continue;
            }
            values.push(DatedValue {
                from,
                value: parsed,
                cite: v.cite,
                confidence: v.confidence,
                note: v.note,
                at: sink.location(&value_span),
            });
        }
        values.sort_by_key(|v| v.from);
        if values.is_empty() {
            sink.push(&span, format!("`{id}` has no values"));
            continue;
        }
        all.parameters.insert(
            id.clone(),
            Parameter {
                id,
                kind: spec.kind,
                description: def.description,
                values,
                at: sink.location(&id_span),
            },
        );
    }
    for programme in file.programme {
        let span = programme.span();
        let def = programme.into_inner();
        let id = match ProgrammeId::parse(&def.id) {
            Ok(id) => id,
            Err(e) => {
                sink.push(&span, format!("programme id `{}`: {e}", def.id));
                continue;
            }
        };
        for cite in std::iter::once(&def.cite).chain(def.target.iter().map(|t| &t.cite)) {
            if let Err(e) = check_cite(cite) {
                sink.push(&span, format!("programme `{id}`: {e}"));
            }
        }
        let (admits, admits_cite) = match (&def.admits, &def.admits_cite) {
            (None, None) => (def.target_group.default_admits(), def.cite.clone()),
            (Some(words), Some(cite)) => {
                if let Err(e) = check_cite(cite) {
                    sink.push(&span, format!("programme `{id}`: admits_cite: {e}"));
                }
                let mut admits = Vec::new();
                for word in words {
                    match TraineeStatus::parse(word) {
                        Some(status) if !admits.contains(&status) => admits.push(status),
                        Some(_) => sink.push(&span, format!("programme `{id}`: admits lists `{word}` twice")),
                        None => sink.push(
                            &span,
                            format!(
                                "programme `{id}`: admits: `{word}` is not one of {}",
                                TraineeStatus::expected()
                            ),
                        ),
                    }
                }
                (admits, cite.clone())
            }
            (Some(_), None) => {
                sink.push(
                    &span,
                    format!("programme `{id}`: admits needs admits_cite, the source of who may take it"),
                );
                continue;
            }
            (None, Some(_)) => {
                sink.push(&span, format!("programme `{id}`: admits_cite is given without admits"));
                continue;
            }
        };
        let trainee_facing = def.allowance_scheme != AllowanceScheme::None || def.tuition_scheme != TuitionScheme::None;
        if trainee_facing && admits.is_empty() {
            sink.push(
                &span,
                format!("programme `{id}` pays trainee support but admits no trainee status; give `admits`"),
            );
        }
        if let Some(existing) = all.programmes.iter().find(|p| p.id == id) {
            let message = format!("programme `{id}` is defined twice; it is also at {}", existing.at);
            sink.push(&span, message);
            continue;
        }
        let targets = def
            .target
            .into_iter()
            .map(|t| Target {
                year: t.year,
                value: t.value,
                unit: t.unit,
                cite: t.cite,
                confidence: t.confidence,
            })
            .collect();
        all.programmes.push(Programme {
            id,
            name: def.name,
            description: def.description,
            stage: def.stage,
            target_group: def.target_group,
            plan_line: def.plan_line,
            allowance_scheme: def.allowance_scheme,
            tuition_scheme: def.tuition_scheme,
            training_cost_multiplier: def.training_cost_multiplier,
            admits,
            admits_cite,
            targets,
            cite: def.cite,
            at: sink.location(&span),
        });
    }
    for line in file.plan_line {
        let span = line.span();
        let def = line.into_inner();
        if let Err(e) = check_cite(&def.cite) {
            sink.push(&span, format!("plan_line `{}`: {e}", def.id));
        }
        if all.plan_lines.iter().any(|l| l.id == def.id) {
            sink.push(&span, format!("plan_line `{}` is defined twice", def.id));
            continue;
        }
        all.plan_lines.push(PlanLine {
            id: def.id,
            year: def.year,
            stage: def.stage,
            target_group: def.target_group,
            content: def.content,
            size: def.size,
            unit: def.unit,
            cite: def.cite,
            at: sink.location(&span),
        });
    }
    for line in file.budget_line {
        let span = line.span();
        let def = line.into_inner();
        if let Err(e) = check_cite(&def.cite) {
            sink.push(&span, format!("budget_line `{}`: {e}", def.id));
        }
        if all.budget_lines.iter().any(|l| l.id == def.id) {
            sink.push(&span, format!("budget_line `{}` is defined twice", def.id));
            continue;
        }
        if def.amount_won < 0 || def.ai_specific_won.is_some_and(|a| a < 0 || a > def.amount_won) {
            sink.push(
                &span,
                format!(
                    "budget_line `{}`: amounts must be non-negative and ai_specific_won at most amount_won",
                    def.id
                ),
            );
            continue;
        }
        let mut programmes = Vec::new();
        for p in &def.programmes {
            match ProgrammeId::parse(p) {
                Ok(id) => programmes.push(id),
                Err(e) => sink.push(&span, format!("budget_line `{}`: programme `{p}`: {e}", def.id)),
            }
        }
        all.budget_lines.push(BudgetLine {
            id: def.id,
            year: def.year,
            label: def.label,
            amount_won: Won(def.amount_won),
            funding: def.funding,
            ai_specific_won: def.ai_specific_won.map(Won),
            plan_line: def.plan_line,
            programmes,
            cite: def.cite,
            at: sink.location(&span),
        });
    }
    for indicator in file.indicator {
        let span = indicator.span();
        let def = indicator.into_inner();
        if let Err(e) = check_cite(&def.cite) {
            sink.push(&span, format!("indicator `{}`: {e}", def.id));
        }
        let Some(value) = parse_indicator_value(&def.value, &def.unit) else {
            sink.push(
                &span,
                format!(
                    "indicator `{}`: value `{}` does not fit unit `{}`",
                    def.id, def.value, def.unit
                ),
            );
            continue;
        };
        let max = match def.max.as_ref().map(|m| parse_indicator_value(m, &def.unit)) {
            Some(None) => {
                sink.push(
                    &span,
                    format!("indicator `{}`: max does not fit unit `{}`", def.id, def.unit),
                );
                continue;
            }
            Some(Some(m)) => Some(m),
            None => None,
        };
        let programme = match def.programme.as_deref().map(ProgrammeId::parse) {
            Some(Err(e)) => {
                sink.push(&span, format!("indicator `{}`: programme: {e}", def.id));
                continue;
            }
            Some(Ok(p)) => Some(p),
            None => None,
        };
        if all.indicators.iter().any(|i| i.id == def.id) {
            sink.push(&span, format!("indicator `{}` is defined twice", def.id));
            continue;
        }
        all.indicators.push(Indicator {
            id: def.id,
            year: def.year,
            programme,
            label: def.label,
            value,
            max,
            unit: def.unit,
            cite: def.cite,
            confidence: def.confidence,
            at: sink.location(&span),
        });
    }
}

fn validate(meta: &Meta, all: &Collected, errors: &mut Vec<PolicyLoadError>) {
    let at = |l: &Location, message: String| PolicyLoadError {
        file: l.file.clone(),
        line: l.line,
        message,
    };
    for spec in PARAMS {
        if !all.parameters.contains_key(spec.id) {
            errors.push(PolicyLoadError {
                file: "policy".into(),
                line: 0,
                message: format!(
                    "parameter `{}` is not defined in any file ({} is expected)",
                    spec.id,
                    spec.kind.describe()
                ),
            });
        }
    }
    for parameter in all.parameters.values() {
        if let Some(first) = parameter.values.first() {
            if first.from > meta.coverage_start {
                errors.push(at(
                    &first.at,
                    format!(
                        "`{}` has no value for dates from {} to {}: its first value starts {}",
                        parameter.id,
                        meta.coverage_start,
                        first.from.pred_opt().unwrap_or(first.from),
                        first.from
                    ),
                ));
            }
        }
    }
    validate_parameter_semantics(&all.parameters, meta, errors);
    let programme_ids: HashSet<&str> = all.programmes.iter().map(|p| p.id.as_str()).collect();
    for required in REQUIRED_PROGRAMMES {
        if !programme_ids.contains(required) {
            errors.push(PolicyLoadError {
                file: "policy".into(),
                line: 0,
                message: format!("programme `{required}` is missing"),
            });
        }
    }
    for parameter in all.parameters.values() {
        for value in &parameter.values {
            if let (Kind::Programmes, ParamValue::Names(ids)) = (parameter.kind, &value.value) {
                for id in ids.iter().filter(|id| !programme_ids.contains(id.as_str())) {
                    errors.push(at(
                        &value.at,
                        format!("`{}` names programme `{id}`, which is not defined", parameter.id),
                    ));
                }
            }
        }
    }
    let plan_line_ids: HashSet<&str> = all.plan_lines.iter().map(|l| l.id.as_str()).collect();
    for programme in &all.programmes {
        if let Some(line) = &programme.plan_line {
            if !plan_line_ids.contains(line.as_str()) {
                errors.push(at(
                    &programme.at,
                    format!("programme `{}`: plan_line `{line}` is not defined", programme.id),
                ));
            }
        }
        if let Some(param) = &programme.training_cost_multiplier {
            match schema::spec(param) {
                Some(spec) if spec.kind == Kind::Rate && param.starts_with("training_cost.") => {}
                _ => errors.push(at(
                    &programme.at,
                    format!(
                        "programme `{}`: training_cost_multiplier `{param}` is not a training_cost.* rate parameter",
                        programme.id
                    ),
                )),
            }
        }
        if programme.allowance_scheme == AllowanceScheme::None
            && programme.tuition_scheme == TuitionScheme::None
            && programme.training_cost_multiplier.is_some()
        {
            errors.push(at(&programme.at, format!("programme `{}` pays no trainee support but names a training_cost_multiplier; the two rules conflict", programme.id)));
        }
    }
    for line in &all.budget_lines {
        if !plan_line_ids.contains(line.plan_line.as_str()) {
            errors.push(at(
                &line.at,
                format!(
                    "budget_line `{}`: plan_line `{}` is not defined",
                    line.id, line.plan_line
                ),
            ));
        }
        for p in &line.programmes {
            if !programme_ids.contains(p.as_str()) {
                errors.push(at(
                    &line.at,
                    format!("budget_line `{}`: programme `{p}` is not defined", line.id),
                ));
            }
        }
    }
    for indicator in &all.indicators {
        if let Some(p) = &indicator.programme {
            if !programme_ids.contains(p.as_str()) {
                errors.push(at(
                    &indicator.at,
                    format!("indicator `{}`: programme `{p}` is not defined", indicator.id),
                ));
            }
        }
    }
}

/// Rules that hold between parameters on every date: a minimum above its
/// maximum, or a default outside its band, is a conflict.
fn validate_parameter_semantics(
    parameters: &BTreeMap<String, Parameter>,
    meta: &Meta,
    errors: &mut Vec<PolicyLoadError>,
) {
    let dates = breakpoints(parameters, meta.coverage_start);
    let rate = |id: &str, date: NaiveDate| -> Option<(Rate, Location)> {
        match parameters.get(id)?.at(date)? {
            DatedValue {
                value: ParamValue::Rate(r),
                at,
                ..
            } => Some((*r, at.clone())),
            _ => None,
        }
    };
    let mut seen: HashMap<String, ()> = HashMap::new();
    for date in dates {
        let (Some((min, min_at)), Some((max, _))) = (
            rate("tuition.card.self_payment_rate_min", date),
            rate("tuition.card.self_payment_rate_max", date),
        ) else {
            continue;
        };
        let mut conflict = |message: String, at: &Location| {
            if seen.insert(message.clone(), ()).is_none() {
                errors.push(PolicyLoadError {
                    file: at.file.clone(),
                    line: at.line,
                    message,
                });
            }
        };
        if min > max {
            conflict(format!("on {date}: tuition.card.self_payment_rate_min ({min}) is above tuition.card.self_payment_rate_max ({max}); they conflict"), &min_at);
        }
        if let Some((default, default_at)) = rate("tuition.card.default_self_payment_rate", date) {
            if default < min || default > max {
                conflict(
                    format!(
                        "on {date}: tuition.card.default_self_payment_rate ({default}) is outside the band {min}–{max}"
                    ),
                    &default_at,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citations_are_checked() {
        assert!(check_cite("seed:002 붙임1").is_ok());
        assert!(check_cite("notice:고용노동부고시 제2026-101호").is_ok());
        assert!(check_cite("seed:009 x").is_err());
        assert!(check_cite("aiup:default").is_ok());
        assert!(check_cite("seed:002 IV-①; aiup:research").is_ok());
        for internal in [
            "brief:§2 completion",
            "notice:고용노동부고시 제2026-101호 (as reported)",
            "aiup:default — the top of the band",
            "aiup:whatever",
            "seed:001 (the pilot starts in 2026)",
            "research:KDT 2025",
            "seed:002 IV-① TODO",
        ] {
            assert!(check_cite(internal).is_err(), "{internal}");
        }
        assert!(check_cite("wikipedia:x").is_err());
        assert!(check_cite("no scheme").is_err());
    }

    #[test]
    fn brackets_must_ascend_and_end_open() {
        let ok: toml::Value = toml::from_str::<toml::Table>("v = [{up_to_won = 10, rate = \"10%\"}, {fixed_won = 5}]")
            .unwrap()["v"]
            .clone();
        assert!(parse_brackets(&ok).is_ok());
        let closed: toml::Value =
            toml::from_str::<toml::Table>("v = [{up_to_won = 10, rate = \"10%\"}]").unwrap()["v"].clone();
        assert!(parse_brackets(&closed).unwrap_err().contains("last bracket"));
        let descending: toml::Value = toml::from_str::<toml::Table>(
            "v = [{up_to_won = 10, rate = \"1%\"}, {up_to_won = 5, rate = \"1%\"}, {fixed_won = 1}]",
        )
        .unwrap()["v"]
            .clone();
        assert!(parse_brackets(&descending).unwrap_err().contains("ascending"));
    }

    /// The default policy with one file's text replaced.
    fn load_with(file: &str, from: &str, to: &str) -> Result<PolicySet, PolicyLoadErrors> {
        let mut sources = crate::defaults::policy_sources();
        let source = sources.iter_mut().find(|s| s.path == file).expect("file");
        assert!(source.content.contains(from), "{file} lacks {from}");
        source.content = source.content.replacen(from, to, 1);
        PolicySet::load(&sources)
    }

    fn line_of_text(file: &str, text: &str) -> usize {
        let (_, content) = crate::defaults::POLICY_FILES
            .iter()
            .find(|(name, _)| format!("policy/{name}") == file)
            .expect("file");
        content.lines().position(|l| l.contains(text)).expect("text") + 1
    }

    #[test]
    fn a_cite_that_reads_like_a_note_is_refused_at_load_with_its_line() {
        let value = "value = 140, cite = \"notice:고용노동부고시 제2026-101호\", note = \"as reported\"";
        let noted = "value = 140, cite = \"notice:고용노동부고시 제2026-101호 (as reported)\"";
        let errors = load_with("policy/allowance.toml", value, noted).unwrap_err();
        assert_eq!(errors.0.len(), 1, "{errors}");
        let e = &errors.0[0];
        assert_eq!(e.line, line_of_text("policy/allowance.toml", value));
        assert!(e.message.contains("as reported") && e.message.contains("note"), "{e}");
        // A programme's cite is checked too; its note may say anything.
        let programme = "cite = \"seed:002 IV-①; seed:001\"\nnote = \"";
        let errors = load_with(
            "policy/programmes.toml",
            programme,
            "cite = \"brief:§2 KDT\"\nnote = \"",
        )
        .unwrap_err();
        assert!(errors.0.iter().any(|e| e.message.contains("brief:")), "{errors}");
        let noted = format!("{programme}research: as reported, brief:§2 TODO; ");
        assert!(load_with("policy/programmes.toml", programme, &noted).is_ok());
    }

    #[test]
    fn rates_outside_their_range_are_refused_at_load() {
        let kdc = "value = \"10%\", cite = \"aiup:default\", note = \"no seed states the KDC";
        let errors = load_with("policy/tuition.toml", kdc, &kdc.replace("10%", "150%")).unwrap_err();
        assert_eq!(errors.0.len(), 1, "{errors}");
        let e = &errors.0[0];
        assert_eq!(e.file, "policy/tuition.toml");
        assert_eq!(e.line, line_of_text("policy/tuition.toml", kdc));
        assert!(e.message.contains("tuition.kdc.self_payment_rate"), "{e}");
        assert!(e.message.contains("150%") && e.message.contains("0%–100%"), "{e}");
        // 100% itself is allowed.
        assert!(load_with("policy/tuition.toml", kdc, &kdc.replace("10%", "100%")).is_ok());
        // A rate inside a bracket table too.
        let bracket = "{ up_to_won = 3_000_000, rate = \"10%\" }";
        let errors = load_with("policy/tuition.toml", bracket, &bracket.replace("10%", "100.01%")).unwrap_err();
        assert!(
            errors.0[0].message.contains("tuition.priority_table.brackets"),
            "{errors}"
        );
        assert!(errors.0[0].message.contains("100.01%"), "{errors}");
    }

    #[test]
    fn admits_is_read_checked_and_defaults_from_the_target_group() {
        let policy = PolicySet::load(&crate::defaults::policy_sources()).expect("default policy");
        let card = policy.programme("card-ai-general").expect("card programme");
        assert_eq!(card.admits, vec![TraineeStatus::JobSeeker]);
        assert!(card.admits_cite.starts_with("seed:"));
        // sme-pbl says nothing: firms and employees → employees.
        let pbl = policy.programme("sme-pbl").expect("pbl programme");
        assert_eq!(pbl.admits, vec![TraineeStatus::Employed]);
        assert_eq!(pbl.admits_cite, pbl.cite);
        let online = policy.programme("sme-ai-online").expect("online programme");
        assert!(online.admits_trainee(TraineeStatus::Employed, Some(EmployerSize::PrioritySupport)));
        assert!(online.admits_trainee(TraineeStatus::Employed, None));
        assert!(!online.admits_trainee(TraineeStatus::Employed, Some(EmployerSize::Large)));
        assert!(!online.admits_trainee(TraineeStatus::JobSeeker, None));

        let line = "admits = [\"job_seeker\"]";
        let errors = load_with("policy/programmes.toml", line, "admits = [\"student\"]").unwrap_err();
        assert!(errors.0[0].message.contains("`student` is not one of"), "{errors}");
        let cite = "admits_cite = \"seed:002 IV-①\"";
        let errors = load_with("policy/programmes.toml", cite, "").unwrap_err();
        assert!(errors.0[0].message.contains("admits needs admits_cite"), "{errors}");
    }

    #[test]
    fn multipliers_may_exceed_100_percent_within_their_range() {
        let sme = "value = \"300%\"";
        assert!(load_with("policy/training_cost.toml", sme, "value = \"1000%\"").is_ok());
        let errors = load_with("policy/training_cost.toml", sme, "value = \"1000.01%\"").unwrap_err();
        assert!(errors.0[0].message.contains("0%–1000%"), "{errors}");
    }

    #[test]
    fn negative_amounts_are_refused_at_load() {
        let account = "value = 3000000";
        let errors = load_with("policy/tuition.toml", account, "value = -3000000").unwrap_err();
        assert_eq!(errors.0[0].file, "policy/tuition.toml");
        assert!(errors.0[0].message.contains("tuition.card.account_won"), "{errors}");
        let errors = load_with("policy/plan.toml", "budget_won = ", "budget_won = -").unwrap_err();
        assert!(errors.0[0].message.contains("budget_won"), "{errors}");
    }

    fn reform(param: &str, value: serde_json::Value) -> Result<PolicySet, PolicyLoadErrors> {
        let policy = PolicySet::load(&crate::defaults::policy_sources()).expect("default policy");
        policy.with_overrides(
            "test",
            &[Override {
                param: param.into(),
                from: None,
                value,
            }],
        )
    }

    #[test]
    fn rates_outside_their_range_are_refused_in_reforms() {
        let errors = reform("tuition.kdc.self_payment_rate", "150%".into()).unwrap_err();
        let message = &errors.0[0].message;
        assert!(message.contains("tuition.kdc.self_payment_rate"), "{message}");
        assert!(message.contains("0%–100%"), "{message}");
        assert!(reform("tuition.kdc.self_payment_rate", "100%".into()).is_ok());
        assert!(reform("tuition.employer.large.remote", "100.5%".into()).is_err());
        assert!(reform("training_cost.sme_ai.multiplier", "400%".into()).is_ok());
        let brackets = serde_json::json!([{ "rate": "120%" }]);
        assert!(reform("tuition.priority_table.brackets", brackets).is_err());
        let errors = reform("tuition.card.account_won", (-1).into()).unwrap_err();
        assert!(errors.0[0].message.contains("negative"), "{errors}");
    }

    #[test]
    fn id_lists_are_parsed_and_programmes_checked_at_load() {
        let v = |s: &str| toml::from_str::<toml::Table>(&format!("v = {s}")).unwrap()["v"].clone();
        assert_eq!(
            parse_value(Kind::Groups, &v("[\"low_income\", \"kukchi_type_1\"]")),
            Ok(ParamValue::Names(vec!["low_income".into(), "kukchi_type_1".into()]))
        );
        assert!(parse_value(Kind::Groups, &v("[\"Low income\"]")).is_err());
        assert!(parse_value(Kind::Groups, &v("[\"disabled\", \"disabled\"]"))
            .unwrap_err()
            .contains("twice"));
        assert_eq!(
            parse_value(Kind::Schemes, &v("[\"card\", \"priority_table\"]")),
            Ok(ParamValue::Schemes(vec![
                TuitionScheme::Card,
                TuitionScheme::PriorityTable
            ]))
        );
        assert!(parse_value(Kind::Schemes, &v("[\"card\", \"voucher\"]")).is_err());
        assert_eq!(
            parse_value(Kind::PeriodScheme, &v("\"chained\"")),
            Ok(ParamValue::PeriodScheme(PeriodScheme::Chained))
        );
        assert!(parse_value(Kind::PeriodScheme, &v("\"monthly\"")).is_err());
        let errors = load_with(
            "policy/tuition.toml",
            "\"sandaetuk-ai-transition\"]",
            "\"sandaetuk-ai-transiton\"]",
        )
        .unwrap_err();
        assert_eq!(errors.0.len(), 1, "{errors}");
        assert!(
            errors.0[0]
                .message
                .contains("`sandaetuk-ai-transiton`, which is not defined"),
            "{errors}"
        );
    }

    #[test]
    fn values_are_parsed_by_kind() {
        let v = |s: &str| toml::from_str::<toml::Table>(&format!("v = {s}")).unwrap()["v"].clone();
        assert_eq!(parse_value(Kind::Won, &v("5800")), Ok(ParamValue::Won(Won(5800))));
        assert!(parse_value(Kind::Won, &v("-1")).is_err());
        assert_eq!(parse_value(Kind::Rate, &v("\"95%\"")), Ok(ParamValue::Rate(Rate(9500))));
        assert!(parse_value(Kind::Rate, &v("0.95")).unwrap_err().contains("percentage"));
        assert!(parse_value(Kind::Deliveries, &v("[\"classroom\", \"teleport\"]")).is_err());
        assert!(parse_value(Kind::TierPrecedence, &v("\"non_capital\"")).is_err());
    }
}
