//! The service layer between the store and the engine: importing a policy
//! bundle (validate, then store in one transaction, then mirror regions),
//! and building the engine from the active bundle.

use aiup_core::bundle::{Bundle, LoadedBundle};
use aiup_core::policy::{PolicyLoadErrors, PolicySource};
use aiup_core::region::RegionTable;
use aiup_rules::{Engine, EngineError};
use aiup_store::{
    Database, ImportOutcome, NewPolicyVersion, PolicyFileRecord, RegionAliasRecord, RegionRecord, RegionSet, StoreError,
};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    #[error(transparent)]
    Policy(#[from] PolicyLoadErrors),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Engine(#[from] EngineError),
}

pub fn engine_for(loaded: LoadedBundle) -> Result<Engine, EngineError> {
    Engine::new(Arc::new(loaded.policy), Arc::new(loaded.regions))
}

fn region_set(table: &RegionTable, sha256: &str) -> RegionSet {
    RegionSet {
        sha256: sha256.to_owned(),
        regions: table
            .regions()
            .iter()
            .map(|r| RegionRecord {
                code: r.code.to_string(),
                sido_code: r.sido_code.clone(),
                sido_name: r.sido_name.clone(),
                name: r.full_name.clone(),
                kind: r.kind.as_str().to_owned(),
                parent_code: r.parent_code.map(|c| c.to_string()),
                capital_area: r.capital_area,
                population_declining: r.population_declining,
            })
            .collect(),
        aliases: table
            .aliases()
            .iter()
            .map(|a| RegionAliasRecord {
                alias: a.alias.clone(),
                current_code: a.current_code.to_string(),
                changed_on: a.changed_on,
                note: a.note.clone(),
            })
            .collect(),
    }
}

/// Validates `bundle`; only if it is valid, stores it as the active version
/// and mirrors its region table. Invalid bundles change nothing stored.
pub async fn import_bundle(
    db: &Database,
    bundle: &Bundle,
    actor: &str,
    note: &str,
) -> Result<(ImportOutcome, LoadedBundle), RuntimeError> {
    let loaded = bundle.load()?;
    let version = NewPolicyVersion {
        version: loaded.version.clone(),
        sha256: loaded.sha256.clone(),
        files: bundle
            .files()
            .iter()
            .map(|f| PolicyFileRecord {
                path: f.path.clone(),
                content: f.content.clone(),
            })
            .collect(),
        actor: actor.to_owned(),
        note: note.to_owned(),
    };
    let outcome = db.policy().import(&version).await?;
    db.regions()
        .replace(&region_set(&loaded.regions, loaded.regions.sha256()), actor)
        .await?;
    Ok((outcome, loaded))
}

/// The active bundle, importing the embedded one into an empty database.
pub async fn active_bundle(db: &Database) -> Result<LoadedBundle, RuntimeError> {
    let Some((_, files)) = db.policy().active().await? else {
        let (_, loaded) = import_bundle(
            db,
            &Bundle::embedded(),
            "aiup",
            "first start: the policy bundle shipped with aiup",
        )
        .await?;
        return Ok(loaded);
    };
    let bundle = Bundle::new(
        files
            .into_iter()
            .map(|f| PolicySource {
                path: f.path,
                content: f.content,
            })
            .collect(),
    )?;
    let loaded = bundle.load()?;
    // Keep the SQL mirror of the region table in step with the active bundle.
    let mirrored = db.regions().current().await?.map(|s| s.sha256);
    if mirrored.as_deref() != Some(loaded.regions.sha256()) {
        db.regions()
            .replace(&region_set(&loaded.regions, loaded.regions.sha256()), "aiup")
            .await?;
    }
    Ok(loaded)
}

/// Activates an earlier version and returns the engine built from it.
pub async fn activate(db: &Database, version: &str, actor: &str) -> Result<LoadedBundle, RuntimeError> {
    db.policy().activate(version, actor).await?;
    active_bundle(db).await
}
