//! Accounts in a real headless Chromium: sign in, a page gated by role, sign out, and a form
//! refused for a missing CSRF token.

use crate::browser::Browser;
use crate::testkit::login_of;
use aiup_app::accounts::Role;
use fantoccini::Locator;

async fn make(b: &Browser, role: Role) {
    crate::testkit::create_account(&b.app, role, None).await;
}

async fn current_path(b: &Browser) -> String {
    let url = b.client.current_url().await.expect("url");
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_see_a_role_gated_page_and_sign_out() {
    let Some(b) = Browser::start().await else { return };
    make(&b, Role::Trainee).await;
    make(&b, Role::Admin).await;

    // A protected page sends an anonymous visitor to sign in, and back after.
    b.goto("/account").await;
    assert!(
        current_path(&b).await.starts_with("/signin?next="),
        "{}",
        current_path(&b).await
    );
    assert_eq!(b.text("h1").await, "로그인");
    b.screenshot("signin-ko-phone.png", 390).await;
    b.submit_sign_in(Role::Trainee).await;
    assert_eq!(current_path(&b).await, "/account");
    assert_eq!(b.text("h1").await, "내 계정");
    assert!(b.text(".account-menu").await.contains("훈련생"));
    b.screenshot("account-ko.png", 1280).await;
    b.screenshot("account-ko-phone.png", 390).await;

    // A trainee may not manage users.
    b.goto("/admin/users").await;
    assert_eq!(b.text("h1").await, "이 페이지를 볼 권한이 없습니다");

    // Sign out; the account page asks for sign-in again.
    let out = b
        .client
        .find(Locator::Css(".account-menu button[type='submit']"))
        .await
        .expect("sign-out button");
    b.click_element_and_wait(out).await;
    assert!(current_path(&b).await.starts_with("/signin?signed_out=1"));
    assert_eq!(b.text(".notice").await, "로그아웃했습니다.");
    b.goto("/account").await;
    assert!(current_path(&b).await.starts_with("/signin?next="));

    // An administrator sees the users page, in English too.
    b.goto("/signin?next=%2Fadmin%2Fusers&lang=en").await;
    b.submit_sign_in(Role::Admin).await;
    assert_eq!(current_path(&b).await, "/admin/users");
    b.goto("/admin/users?lang=en").await;
    assert_eq!(b.text("h1").await, "Users");
    let table = b.text("table.data").await;
    assert!(
        table.contains(&login_of(Role::Trainee)) && table.contains(&login_of(Role::Admin)),
        "{table}"
    );
    b.screenshot("users-en.png", 1280).await;
    b.screenshot("users-en-phone.png", 390).await;
    b.goto("/account?lang=en").await;
    assert_eq!(b.text("h1").await, "My account");
    b.screenshot("account-en-phone.png", 390).await;

    // The audit log shows the sign-ins and the accounts made, newest first, filterable.
    b.goto("/admin/audit?action=session.").await;
    assert_eq!(b.text("h1").await, "감사 기록");
    let entries = b.text("table.data tbody").await;
    assert!(
        entries.contains("session.create") && !entries.contains("account.create"),
        "{entries}"
    );
    b.screenshot("audit-ko.png", 1280).await;
    b.screenshot("audit-ko-phone.png", 390).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_without_its_csrf_token_is_refused() {
    let Some(b) = Browser::start().await else { return };
    make(&b, Role::Trainee).await;
    b.goto("/signin").await;
    b.submit_sign_in(Role::Trainee).await;
    assert_eq!(current_path(&b).await, "/account");

    // Take the token out of the token form, as a forged form from another site would lack it.
    b.client
        .execute(
            "document.querySelectorAll(\"form[action='/account/tokens'] input[name='csrf']\").forEach(e => e.remove());",
            vec![],
        )
        .await
        .expect("remove the token");
    b.fill("name", "forged").await;
    let button = b
        .client
        .find(Locator::Css("form[action='/account/tokens'] button[type='submit']"))
        .await
        .expect("create-token button");
    b.click_element_and_wait(button).await;
    assert_eq!(b.text("h1").await, "요청을 처리하지 않았습니다");

    let accounts = b.app.state.app.accounts();
    let account = accounts.by_login(&login_of(Role::Trainee)).await.expect("account");
    assert!(
        accounts.tokens_of(account.id).await.expect("tokens").is_empty(),
        "no token was made"
    );

    // The same form with its token works.
    b.goto("/account").await;
    b.fill("name", "sync server").await;
    let button = b
        .client
        .find(Locator::Css("form[action='/account/tokens'] button[type='submit']"))
        .await
        .expect("create-token button");
    b.click_element_and_wait(button).await;
    assert!(b.text("code.token").await.starts_with("aiup_"));
}
