//! The diagnosis questionnaire as data (`data/sme/questionnaire.toml`, Korean and English),
//! built from the plan and the demand survey's items, and its strict loader.
