//! A running server follows the database: activating another policy version takes effect
//! without a restart, and the search index is rebuilt under the new policy.

use crate::http::{call, kdt_case};
use crate::support::spawn_app;
use aiup_core::bundle::Bundle;
use aiup_core::policy::PolicySource;

/// The shipped bundle with one more line in a policy file: another version of the same rules.
fn edited_bundle() -> Bundle {
    let files: Vec<PolicySource> = Bundle::embedded()
        .files()
        .iter()
        .map(|f| PolicySource {
            path: f.path.clone(),
            content: if f.path.ends_with("allowance.toml") {
                format!("{}\n# edited for the live-reload test\n", f.content)
            } else {
                f.content.clone()
            },
        })
        .collect();
    Bundle::new(files).expect("bundle")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activating_a_version_takes_effect_without_a_restart() {
    let app = spawn_app().await;
    let services = &app.state.app;
    let shipped = services.engine().policy().version.clone();
    let context_before = services.index().context().version.clone();

    // Another process imports (and so activates) a new version.
    let (_, loaded) = aiup_app::policy::import_bundle(services.db(), &edited_bundle(), "test", "edit")
        .await
        .expect("import");
    assert_ne!(loaded.version, shipped);
    // Until the app looks, it answers with the version it has.
    let (_, body) = call(
        "POST",
        format!("{}/api/v1/estimate", app.base_url),
        Some(kdt_case("전라남도 해남군")),
        None,
    )
    .await;
    assert_eq!(body["policy_version"], shipped.as_str());

    let refreshed = services.refresh().await.expect("refresh");
    assert_eq!(refreshed.policy_version.as_deref(), Some(loaded.version.as_str()));
    let (_, body) = call(
        "POST",
        format!("{}/api/v1/estimate", app.base_url),
        Some(kdt_case("전라남도 해남군")),
        None,
    )
    .await;
    assert_eq!(body["policy_version"], loaded.version.as_str());
    // The index was rebuilt under the new policy.
    assert_ne!(services.index().context().version, context_before);
    assert!(
        services.index().generation().is_some(),
        "the index is current under the new context"
    );

    // Rolling back is the same.
    aiup_app::policy::activate(services.db(), &shipped, "test")
        .await
        .expect("activate");
    let refreshed = services.refresh().await.expect("refresh");
    assert_eq!(refreshed.policy_version.as_deref(), Some(shipped.as_str()));
    assert_eq!(services.engine().policy().version, shipped);
    assert_eq!(services.index().context().version, context_before);
    // Nothing to do when nothing changed.
    assert_eq!(
        services.refresh().await.expect("refresh"),
        aiup_app::live::Refreshed::default()
    );
}
