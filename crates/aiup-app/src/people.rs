//! People: the signed-in trainee's profile, and reading a person within the caller's scope.
//!
//! A trainee has at most one person, linked to their account; only what the rules need is kept
//! (`aiup_people::Profile`). Staff and administrators never write a profile here.

use aiup_people::{FieldError, PersonId, Profile, ProfileInput};
use aiup_store::{PersonFields, PersonRecord};

use crate::accounts::{Actor, Permission};
use crate::{App, AppError, Code};

/// A stored person with their checked profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: PersonId,
    pub account_id: Option<i64>,
    pub profile: Profile,
    /// Whether an outside identifier is on record (only its keyed hash is).
    pub has_external_id: bool,
}

/// Why a profile was not saved: bad fields (every one, in both languages), or a service error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveProfileError {
    Invalid(Vec<FieldError>),
    App(AppError),
}

impl From<AppError> for SaveProfileError {
    fn from(e: AppError) -> Self {
        SaveProfileError::App(e)
    }
}

impl From<SaveProfileError> for AppError {
    /// The first bad field as one error (the JSON API's shape); pages show them all.
    fn from(e: SaveProfileError) -> AppError {
        match e {
            SaveProfileError::App(e) => e,
            SaveProfileError::Invalid(errors) => match errors.into_iter().next() {
                Some(first) => AppError::bilingual(Code::InvalidField, Some(first.field), first.reason),
                None => AppError::new(Code::BadRequest, None, "the profile is invalid"),
            },
        }
    }
}

/// A refusal of the outside identifier, as a field error like the profile's own.
fn identifier_error(ko: &str, en: &str) -> FieldError {
    FieldError {
        field: "external_id",
        reason: aiup_core::policy::Text {
            ko: ko.to_owned(),
            en: en.to_owned(),
        },
    }
}

pub(crate) fn fields_of(profile: &Profile) -> PersonFields {
    PersonFields {
        stage: profile.stage.as_str().to_owned(),
        status: profile.status.as_str().to_owned(),
        employer_size: profile.employer_size.map(|s| s.as_str().to_owned()),
        region_code: profile.region.to_string(),
        age_band: profile.age_band.as_str().to_owned(),
        target_groups: profile.groups_text(),
        kukchi: profile.kukchi.as_str().to_owned(),
        external_id_hash: None,
    }
}

/// The stored fields as the form would give them.
pub fn input_of(fields: &PersonFields) -> ProfileInput {
    ProfileInput {
        stage: fields.stage.clone(),
        status: fields.status.clone(),
        employer_size: fields.employer_size.clone().unwrap_or_default(),
        region: fields.region_code.clone(),
        age_band: fields.age_band.clone(),
        groups: fields
            .target_groups
            .split(',')
            .filter(|g| !g.is_empty())
            .map(str::to_owned)
            .collect(),
        kukchi: fields.kukchi.clone(),
    }
}

impl App {
    /// A stored person, parsed. A row the vocabularies or the region table no longer accept is an
    /// internal error (it was checked when written).
    pub fn person_of_record(&self, record: PersonRecord) -> Result<Person, AppError> {
        let engine = self.engine();
        let profile = input_of(&record.fields).parse(engine.regions()).map_err(|errors| {
            AppError::internal(&format_args!(
                "stored person {} no longer parses: {errors:?}",
                record.id
            ))
        })?;
        Ok(Person {
            id: PersonId(record.id),
            account_id: record.account_id,
            profile,
            has_external_id: record.fields.external_id_hash.is_some(),
        })
    }

    /// The signed-in trainee's person, if they have made their profile.
    pub async fn my_person(&self, actor: &Actor) -> Result<Option<Person>, AppError> {
        actor.require(Permission::OwnLearning)?;
        match self.db().people().person_of_account(actor.account_id).await? {
            Some(record) => Ok(Some(self.person_of_record(record)?)),
            None => Ok(None),
        }
    }

    /// The signed-in trainee's person, or `profile_required`.
    pub async fn require_my_person(&self, actor: &Actor) -> Result<Person, AppError> {
        self.my_person(actor).await?.ok_or_else(|| {
            AppError::bilingual(
                Code::ProfileRequired,
                None,
                aiup_core::policy::Text {
                    ko: "먼저 나의 프로필(상황·지역·연령대)을 입력해 주세요.".to_owned(),
                    en: "fill in your profile (situation, region, age band) first".to_owned(),
                },
            )
        })
    }

    /// Creates or replaces the signed-in trainee's profile; every bad field is reported at once
    /// and nothing is written. An outside identifier already on record is kept.
    pub async fn save_my_profile(&self, actor: &Actor, input: &ProfileInput) -> Result<Person, SaveProfileError> {
        self.save_my_profile_with_identifier(actor, input, None).await
    }

    /// As [`App::save_my_profile`], with an outside identifier (a 고용24 member number, an
    /// HRD-Net trainee number) stored only as its keyed hash. Without a configured key, or for
    /// something that looks like a resident registration number, the field `external_id` is
    /// refused with the others; an identifier another person has is refused too.
    pub async fn save_my_profile_with_identifier(
        &self,
        actor: &Actor,
        input: &ProfileInput,
        identifier: Option<&str>,
    ) -> Result<Person, SaveProfileError> {
        actor.require(Permission::OwnLearning)?;
        let parsed = input.parse(self.engine().regions());
        let hashed = match identifier.map(str::trim).filter(|id| !id.is_empty()) {
            None => Ok(None),
            Some(id) => match self.identifier_key() {
                None => Err(identifier_error(
                    "이 서비스는 외부 식별번호를 받지 않습니다(식별번호 키가 설정되지 않았습니다).",
                    "is not accepted here: no identifier key is configured",
                )),
                Some(key) => key.hash(id).map(Some).map_err(|_| {
                    identifier_error(
                        "1–64자의 영문·숫자·기호로 쓰세요. 주민등록번호는 받지 않습니다.",
                        "must be 1 to 64 visible ASCII characters, and never a resident registration number",
                    )
                }),
            },
        };
        let (profile, hash) = match (parsed, hashed) {
            (Ok(profile), Ok(hash)) => (profile, hash),
            (parsed, hashed) => {
                let mut errors = parsed.err().unwrap_or_default();
                errors.extend(hashed.err());
                return Err(SaveProfileError::Invalid(errors));
            }
        };
        let mut fields = fields_of(&profile);
        fields.external_id_hash = match hash {
            Some(hash) => Some(hash),
            None => self
                .db()
                .people()
                .person_of_account(actor.account_id)
                .await
                .map_err(AppError::from)?
                .and_then(|r| r.fields.external_id_hash),
        };
        let with_identifier = identifier.is_some_and(|id| !id.trim().is_empty());
        let record = match self
            .db()
            .people()
            .save_for_account(actor.account_id, fields, &actor.audit_name())
            .await
        {
            Ok(record) => record,
            Err(aiup_store::StoreError::Conflict { .. }) if with_identifier => {
                return Err(SaveProfileError::Invalid(vec![identifier_error(
                    "이미 다른 사람이 등록한 번호입니다.",
                    "is registered to another person",
                )]))
            }
            Err(e) => return Err(AppError::from(e).into()),
        };
        Ok(self.person_of_record(record)?)
    }

    /// Person `id` as `actor` may see it: a trainee only themself, readers of enrolments anyone;
    /// anyone else, and a person that does not exist, is `not_found`.
    pub async fn person_for(&self, actor: &Actor, id: PersonId) -> Result<Person, AppError> {
        let record = self.db().people().person(id.0).await?;
        let visible = match &record {
            Some(_) if actor.allows(Permission::ReadEnrolments) => true,
            Some(r) => actor.allows(Permission::OwnLearning) && r.account_id == Some(actor.account_id),
            None => false,
        };
        match record {
            Some(record) if visible => self.person_of_record(record),
            _ => Err(AppError::not_found("person")),
        }
    }
}
