//! The calculator form: its fields, what a query string fills them with,
//! and how a filled form becomes an `aiup_rules::CaseJson`.
//!
//! Everything here is plain data in and out, so it is tested without HTTP.

use crate::i18n::Lang;
use aiup_rules::case::{CourseJson, TraineeJson};
use aiup_rules::{CaseError, CaseJson};

/// A field of the calculator form. Its `name` is both the query parameter
/// and the element id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Programme,
    Region,
    StartDate,
    EndDate,
    TotalHours,
    HoursPerDay,
    Delivery,
    FeeWon,
    UnitPrice,
    SelfPaymentRate,
    Status,
    EmployerSize,
    ExemptGroup,
}

impl Field {
    pub const ALL: [Field; 13] = [
        Field::Programme,
        Field::Region,
        Field::StartDate,
        Field::EndDate,
        Field::TotalHours,
        Field::HoursPerDay,
        Field::Delivery,
        Field::FeeWon,
        Field::UnitPrice,
        Field::SelfPaymentRate,
        Field::Status,
        Field::EmployerSize,
        Field::ExemptGroup,
    ];

    /// The query parameter, which is also the input's id.
    pub fn name(self) -> &'static str {
        match self {
            Field::Programme => "programme",
            Field::Region => "region",
            Field::StartDate => "start_date",
            Field::EndDate => "end_date",
            Field::TotalHours => "total_hours",
            Field::HoursPerDay => "hours_per_day",
            Field::Delivery => "delivery",
            Field::FeeWon => "fee_won",
            Field::UnitPrice => "base_unit_price_won_per_hour",
            Field::SelfPaymentRate => "self_payment_rate_percent",
            Field::Status => "status",
            Field::EmployerSize => "employer_size",
            Field::ExemptGroup => "exempt_group",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Field::Programme => lang.pick("사업", "Programme"),
            Field::Region => lang.pick("훈련기관 소재지", "Training institution's location"),
            Field::StartDate => lang.pick("개강일", "Start date"),
            Field::EndDate => lang.pick("종료일", "End date"),
            Field::TotalHours => lang.pick("총 훈련시간", "Total hours"),
            Field::HoursPerDay => lang.pick("1일 훈련시간", "Hours a day"),
            Field::Delivery => lang.pick("훈련 방식", "Delivery"),
            Field::FeeWon => lang.pick("훈련비 (원)", "Course fee (won)"),
            Field::UnitPrice => lang.pick("훈련비 기준단가 (원/시간)", "Unit price (won per hour)"),
            Field::SelfPaymentRate => lang.pick("카드 자부담률 (%)", "Card self-payment rate (%)"),
            Field::Status => lang.pick("훈련생 구분", "Trainee status"),
            Field::EmployerSize => lang.pick("사업주 규모", "Employer size"),
            Field::ExemptGroup => lang.pick("자부담 면제 대상", "In a group exempt from self-payment"),
        }
    }

    /// The form field an engine error names (`course.end_date` → end date).
    pub fn from_case_field(path: &str) -> Option<Field> {
        let name = path
            .strip_prefix("course.")
            .or_else(|| path.strip_prefix("trainee."))
            .unwrap_or(path);
        Field::ALL.into_iter().find(|f| f.name() == name)
    }

    fn required(self) -> bool {
        matches!(
            self,
            Field::Programme
                | Field::Region
                | Field::StartDate
                | Field::EndDate
                | Field::TotalHours
                | Field::HoursPerDay
                | Field::Delivery
                | Field::Status
        )
    }
}

/// The form as the user filled it in: raw text, kept to show it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormInput {
    pub programme: String,
    pub region: String,
    pub start_date: String,
    pub end_date: String,
    pub total_hours: String,
    pub hours_per_day: String,
    pub delivery: String,
    pub fee_won: String,
    pub base_unit_price_won_per_hour: String,
    pub self_payment_rate_percent: String,
    pub status: String,
    pub employer_size: String,
    pub exempt_group: bool,
}

impl Default for FormInput {
    /// A first-load example: a six-month KDT AI Campus course in Seoul.
    fn default() -> FormInput {
        FormInput {
            programme: "kdt-ai-campus".into(),
            region: "서울특별시 강남구".into(),
            start_date: "2026-03-02".into(),
            end_date: "2026-08-31".into(),
            total_hours: "960".into(),
            hours_per_day: "8".into(),
            delivery: "classroom".into(),
            fee_won: String::new(),
            base_unit_price_won_per_hour: String::new(),
            self_payment_rate_percent: String::new(),
            status: "job_seeker".into(),
            employer_size: String::new(),
            exempt_group: false,
        }
    }
}

impl FormInput {
    pub fn value(&self, field: Field) -> &str {
        match field {
            Field::Programme => &self.programme,
            Field::Region => &self.region,
            Field::StartDate => &self.start_date,
            Field::EndDate => &self.end_date,
            Field::TotalHours => &self.total_hours,
            Field::HoursPerDay => &self.hours_per_day,
            Field::Delivery => &self.delivery,
            Field::FeeWon => &self.fee_won,
            Field::UnitPrice => &self.base_unit_price_won_per_hour,
            Field::SelfPaymentRate => &self.self_payment_rate_percent,
            Field::Status => &self.status,
            Field::EmployerSize => &self.employer_size,
            Field::ExemptGroup => {
                if self.exempt_group {
                    "true"
                } else {
                    ""
                }
            }
        }
    }

    fn set(&mut self, field: Field, value: String) {
        match field {
            Field::Programme => self.programme = value,
            Field::Region => self.region = value,
            Field::StartDate => self.start_date = value,
            Field::EndDate => self.end_date = value,
            Field::TotalHours => self.total_hours = value,
            Field::HoursPerDay => self.hours_per_day = value,
            Field::Delivery => self.delivery = value,
            Field::FeeWon => self.fee_won = value,
            Field::UnitPrice => self.base_unit_price_won_per_hour = value,
            Field::SelfPaymentRate => self.self_payment_rate_percent = value,
            Field::Status => self.status = value,
            Field::EmployerSize => self.employer_size = value,
            Field::ExemptGroup => self.exempt_group = !matches!(value.as_str(), "" | "false" | "0" | "off"),
        }
    }
}

/// What a request's query string says: the language, the form, and whether
/// the form was submitted (the query names a programme).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageQuery {
    pub lang: Lang,
    pub form: FormInput,
    pub submitted: bool,
}

/// Longest value kept from a query parameter, in characters.
const MAX_VALUE_CHARS: usize = 200;

impl PageQuery {
    /// Reads the query's pairs. A submitted form starts empty (an unchecked
    /// checkbox sends nothing); a first visit starts from the defaults.
    pub fn from_pairs(pairs: &[(String, String)]) -> PageQuery {
        let get = |name: &str| pairs.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
        let lang = Lang::parse(get("lang"));
        let submitted = get(Field::Programme.name()).is_some();
        let mut form = if submitted { empty_form() } else { FormInput::default() };
        if !submitted && lang == Lang::En {
            // The example in the reader's language; both spellings resolve.
            form.region = "Gangnam-gu, Seoul".into();
        }
        if submitted {
            for field in Field::ALL {
                if let Some(value) = get(field.name()) {
                    form.set(field, value.trim().chars().take(MAX_VALUE_CHARS).collect());
                }
            }
        }
        PageQuery { lang, form, submitted }
    }
}

fn empty_form() -> FormInput {
    FormInput {
        programme: String::new(),
        region: String::new(),
        start_date: String::new(),
        end_date: String::new(),
        total_hours: String::new(),
        hours_per_day: String::new(),
        delivery: String::new(),
        fee_won: String::new(),
        base_unit_price_won_per_hour: String::new(),
        self_payment_rate_percent: String::new(),
        status: String::new(),
        employer_size: String::new(),
        exempt_group: false,
    }
}

/// A problem with the form, for one field or (`field: None`) the whole form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: Option<Field>,
    pub code: String,
    /// What to tell a Korean reader.
    pub ko: String,
    /// What to tell an English reader.
    pub en: String,
}

impl FieldError {
    fn form(field: Field, code: &str, ko: &str, en: &str) -> FieldError {
        FieldError {
            field: Some(field),
            code: code.to_owned(),
            ko: ko.to_owned(),
            en: en.to_owned(),
        }
    }

    /// The message in `lang`, without the field's label.
    pub fn message(&self, lang: Lang) -> &str {
        lang.pick(&self.ko, &self.en)
    }

    /// An engine validation error, in the engine's own words in both
    /// languages; the English names other fields by their labels, not paths.
    pub fn from_case_error(error: &CaseError) -> FieldError {
        let mut en = error.reason.clone();
        for field in Field::ALL {
            let label = field.label(Lang::En).to_lowercase();
            for prefix in ["course.", "trainee."] {
                en = en.replace(&format!("{prefix}{}", field.name()), &format!("the {label}"));
            }
        }
        FieldError {
            field: Field::from_case_field(&error.field),
            code: error.code.to_owned(),
            ko: error.reason_ko.clone(),
            en,
        }
    }
}

fn strip_number(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, ',' | '_' | ' ' | '₩' | '원'))
        .collect()
}

fn number(form: &FormInput, field: Field, errors: &mut Vec<FieldError>) -> Option<serde_json::Number> {
    let text = strip_number(form.value(field));
    let text = text.strip_suffix('%').unwrap_or(&text);
    if text.is_empty() {
        return None;
    }
    match text.parse::<serde_json::Number>() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.push(FieldError::form(
                field,
                "invalid_number",
                "숫자로 입력하세요.",
                "Enter a number.",
            ));
            None
        }
    }
}

fn won(form: &FormInput, field: Field, errors: &mut Vec<FieldError>) -> Option<i64> {
    let text = strip_number(form.value(field));
    if text.is_empty() {
        return None;
    }
    match text.parse::<i64>() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.push(FieldError::form(
                field,
                "invalid_number",
                "원 단위 정수로 입력하세요 (예: 1,000,000).",
                "Enter a whole number of won (e.g. 1,000,000).",
            ));
            None
        }
    }
}

fn optional(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

/// Builds the engine's input from the form. Every problem found here is
/// returned at once; the engine then checks the meaning of the values.
pub fn case_json(form: &FormInput) -> Result<CaseJson, Vec<FieldError>> {
    let (json, errors) = case_json_and_errors(form);
    if errors.is_empty() {
        Ok(json)
    } else {
        Err(errors)
    }
}

/// The engine's input and the form's own problems. A number that could not
/// be read is replaced by one the engine accepts, so that the engine can
/// still report the problems of the other fields.
pub fn case_json_and_errors(form: &FormInput) -> (CaseJson, Vec<FieldError>) {
    let mut errors: Vec<FieldError> = Field::ALL
        .into_iter()
        .filter(|f| f.required() && form.value(*f).is_empty())
        .map(|f| FieldError::form(f, "required", "필수 입력 항목입니다.", "This field is required."))
        .collect();
    let missing = |f: Field, errors: &[FieldError]| errors.iter().any(|e| e.field == Some(f));
    let total_hours = if missing(Field::TotalHours, &errors) {
        None
    } else {
        number(form, Field::TotalHours, &mut errors)
    };
    let hours_per_day = if missing(Field::HoursPerDay, &errors) {
        None
    } else {
        number(form, Field::HoursPerDay, &mut errors)
    };
    let fee_won = won(form, Field::FeeWon, &mut errors);
    let unit_price = won(form, Field::UnitPrice, &mut errors);
    let self_payment_rate = number(form, Field::SelfPaymentRate, &mut errors);
    let json = CaseJson {
        programme: form.programme.clone(),
        course: CourseJson {
            region: form.region.clone(),
            start_date: form.start_date.clone(),
            end_date: form.end_date.clone(),
            total_hours: total_hours.unwrap_or_else(|| serde_json::Number::from(100_000)),
            hours_per_day: hours_per_day.unwrap_or_else(|| serde_json::Number::from(1)),
            delivery: form.delivery.clone(),
            fee_won,
            base_unit_price_won_per_hour: unit_price,
            ai_course: None,
            self_payment_rate_percent: self_payment_rate,
            provision: None,
        },
        trainee: TraineeJson {
            status: form.status.clone(),
            employer_size: optional(&form.employer_size),
            exempt_group: form.exempt_group,
            vulnerable_group: false,
            card_balance_won: None,
            prior_sandaetuk_participations: None,
        },
        period: 1,
        attendance: None,
    };
    (json, errors)
}

/// The form's problems and the engine's together, one per field, in the
/// form's order (problems with no field last).
pub fn merge_errors(mut errors: Vec<FieldError>, engine: &[CaseError]) -> Vec<FieldError> {
    for error in engine.iter().map(FieldError::from_case_error) {
        let taken = errors.iter().any(|e| e.field.is_some() && e.field == error.field);
        if !taken {
            errors.push(error);
        }
    }
    let position = |e: &FieldError| {
        e.field
            .and_then(|f| Field::ALL.iter().position(|g| *g == f))
            .unwrap_or(Field::ALL.len())
    };
    errors.sort_by_key(position);
    errors
}

/// Percent-encodes a query component (`application/x-www-form-urlencoded`).
pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(char::from(byte)),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The same page's address in `lang`, keeping the form's values.
pub fn href_in(lang: Lang, query: &PageQuery) -> String {
    let mut parts: Vec<String> = Vec::new();
    if query.submitted {
        for field in Field::ALL {
            let value = query.form.value(field);
            // Empty optional fields mean the same as absent ones.
            if value.is_empty() && !field.required() {
                continue;
            }
            parts.push(format!("{}={}", field.name(), encode_component(value)));
        }
    }
    if lang == Lang::En {
        parts.push("lang=en".to_owned());
    }
    if parts.is_empty() {
        "/".to_owned()
    } else {
        format!("/?{}", parts.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    fn submitted() -> Vec<(String, String)> {
        pairs(&[
            ("programme", "card-ai-general"),
            ("region", " 서울특별시 강남구 "),
            ("start_date", "2026-03-02"),
            ("end_date", "2026-08-31"),
            ("total_hours", "960"),
            ("hours_per_day", "7.5"),
            ("delivery", "classroom"),
            ("fee_won", "1,000,000"),
            ("base_unit_price_won_per_hour", ""),
            ("self_payment_rate_percent", "15%"),
            ("status", "job_seeker"),
            ("employer_size", ""),
            ("lang", "en"),
        ])
    }

    #[test]
    fn first_visit_uses_defaults() {
        let q = PageQuery::from_pairs(&[]);
        assert!(!q.submitted);
        assert_eq!(q.lang, Lang::Ko);
        assert_eq!(q.form, FormInput::default());
    }

    #[test]
    fn the_english_example_names_its_region_in_english() {
        let q = PageQuery::from_pairs(&pairs(&[("lang", "en")]));
        assert_eq!(q.form.region, "Gangnam-gu, Seoul");
        assert_eq!(
            FormInput {
                region: FormInput::default().region,
                ..q.form
            },
            FormInput::default()
        );
    }

    #[test]
    fn submitted_form_is_read_and_trimmed() {
        let q = PageQuery::from_pairs(&submitted());
        assert!(q.submitted);
        assert_eq!(q.lang, Lang::En);
        assert_eq!(q.form.region, "서울특별시 강남구");
        assert!(!q.form.exempt_group);
        let json = case_json(&q.form).expect("valid");
        assert_eq!(json.course.fee_won, Some(1_000_000));
        assert_eq!(json.course.base_unit_price_won_per_hour, None);
        assert_eq!(
            json.course.self_payment_rate_percent.map(|n| n.to_string()),
            Some("15".to_owned())
        );
        assert_eq!(json.course.hours_per_day.to_string(), "7.5");
        assert_eq!(json.trainee.employer_size, None);
    }

    #[test]
    fn unparsable_numbers_and_missing_fields_are_field_errors() {
        let mut list = submitted();
        for (k, v) in &mut list {
            match k.as_str() {
                "fee_won" => *v = "lots".into(),
                "total_hours" => *v = "nine hundred".into(),
                "region" => *v = String::new(),
                _ => {}
            }
        }
        let q = PageQuery::from_pairs(&list);
        let errors = case_json(&q.form).expect_err("invalid");
        let fields: Vec<Option<Field>> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            vec![Some(Field::Region), Some(Field::TotalHours), Some(Field::FeeWon)]
        );
        assert!(errors.iter().all(|e| !e.ko.is_empty() && !e.en.is_empty()));
    }

    #[test]
    fn engine_fields_map_to_form_fields() {
        assert_eq!(Field::from_case_field("course.end_date"), Some(Field::EndDate));
        assert_eq!(
            Field::from_case_field("trainee.employer_size"),
            Some(Field::EmployerSize)
        );
        assert_eq!(Field::from_case_field("programme"), Some(Field::Programme));
        assert_eq!(Field::from_case_field("period"), None);
        let e = FieldError::from_case_error(&CaseError::new(
            "end_before_start",
            "course.end_date",
            (
                "종료일(2026-01-01)이 개강일(2026-03-02)보다 앞섭니다.",
                "2026-01-01 is before course.start_date 2026-03-02",
            ),
        ));
        assert_eq!(e.field, Some(Field::EndDate));
        assert_eq!(
            e.message(Lang::Ko),
            "종료일(2026-01-01)이 개강일(2026-03-02)보다 앞섭니다."
        );
        assert_eq!(e.message(Lang::En), "2026-01-01 is before the start date 2026-03-02");
    }

    #[test]
    fn language_links_keep_the_form() {
        let q = PageQuery::from_pairs(&submitted());
        let href = href_in(Lang::Ko, &q);
        assert!(href.starts_with("/?programme=card-ai-general&region=%EC%84%9C"));
        assert!(href.contains("fee_won=1%2C000%2C000"));
        assert!(!href.contains("lang="));
        assert!(!href.contains("exempt_group") && !href.contains("employer_size"));
        assert!(href_in(Lang::En, &q).ends_with("&lang=en"));
        assert_eq!(href_in(Lang::En, &PageQuery::from_pairs(&[])), "/?lang=en");
        assert_eq!(href_in(Lang::Ko, &PageQuery::from_pairs(&[])), "/");
    }
}
