//! The testkit for access: an account of every role on a running test app, signed in through
//! the real services, and raw HTTP that follows no redirects and sends cookies and tokens.

use crate::support::TestApp;
use aiup_app::accounts::{NewUser, Password, Role, SignIn};

/// The password every test account gets (long and not on the common list).
pub const TEST_PASSWORD: &str = "correct horse battery staple";

/// The centre id training doctors are scoped to.
pub const TEST_CENTRE: &str = "centre-gyeonggi";
/// The business registration number an HR lead test account is scoped to (its check digit holds).
pub const TEST_FIRM: &str = "1234567891";

/// The test login of `role`.
pub fn login_of(role: Role) -> String {
    format!("test-{}", role.as_str().replace('_', "-"))
}

/// Creates the test account of `role`, with `scope` where the role needs one.
pub async fn create_account(app: &TestApp, role: Role, scope: Option<&str>) {
    app.state
        .app
        .accounts()
        .create_user(
            "testkit",
            NewUser {
                login: login_of(role),
                display_name: format!("Test {}", role.as_str()),
                role: role.as_str().to_owned(),
                scope: scope.map(str::to_owned),
                password: Some(Password::new(TEST_PASSWORD)),
            },
        )
        .await
        .unwrap_or_else(|e| panic!("create {role:?}: {e}"));
}

/// Creates one account of every role (staff scoped to `institution`, which must exist).
pub async fn accounts_for_every_role(app: &TestApp, institution: &str) {
    for role in Role::ALL {
        let scope = match role {
            Role::InstitutionStaff => Some(institution),
            Role::TrainingDoctor => Some(TEST_CENTRE),
            Role::SmeHrLead => Some(TEST_FIRM),
            _ => None,
        };
        create_account(app, role, scope).await;
    }
}

/// A signed-in browser: its session cookie value and CSRF token.
#[derive(Debug, Clone)]
pub struct Browser {
    pub cookie: String,
    pub csrf: String,
}

/// Signs `role`'s account in through the service, as the sign-in form does.
pub async fn sign_in(app: &TestApp, role: Role) -> Browser {
    let session = app
        .state
        .app
        .accounts()
        .sign_in(SignIn {
            login: login_of(role),
            password: Password::new(TEST_PASSWORD),
            client_address: "127.0.0.1".into(),
            client: "testkit".into(),
            previous_session: None,
        })
        .await
        .unwrap_or_else(|e| panic!("sign in {role:?}: {e}"));
    Browser {
        csrf: session.actor.csrf_token().unwrap_or_default().to_owned(),
        cookie: session.cookie_value,
    }
}

/// An API token of `role`'s account.
pub async fn token_of(app: &TestApp, role: Role) -> String {
    let accounts = app.state.app.accounts();
    let account = accounts.by_login(&login_of(role)).await.expect("account");
    accounts
        .issue_token(account.id, "testkit", Some(1), "testkit")
        .await
        .expect("token")
        .secret
}

/// An answer as the wire gave it.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub location: Option<String>,
    pub www_authenticate: Option<String>,
    pub body: String,
}

/// One request; redirects are not followed. `form` is sent url-encoded.
pub async fn request(
    method: &str,
    url: String,
    cookie: Option<String>,
    bearer: Option<String>,
    form: Option<Vec<(String, String)>>,
) -> Answer {
    let method = method.to_owned();
    tokio::task::spawn_blocking(move || {
        let agent = ureq::AgentBuilder::new().redirects(0).build();
        let mut request = agent.request(&method, &url);
        if let Some(cookie) = &cookie {
            request = request.set("Cookie", cookie);
        }
        if let Some(token) = &bearer {
            request = request.set("Authorization", &format!("Bearer {token}"));
        }
        let result = match &form {
            Some(pairs) => {
                let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                request.send_form(&refs)
            }
            None => request.call(),
        };
        let response = match result {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{method} {url}: {e}"),
        };
        Answer {
            status: response.status(),
            location: response.header("Location").map(str::to_owned),
            www_authenticate: response.header("WWW-Authenticate").map(str::to_owned),
            body: response.into_string().unwrap_or_default(),
        }
    })
    .await
    .expect("request task")
}
