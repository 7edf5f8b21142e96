//! The help desk's actions: verify a caller (U2), fix email delivery (U3),
//! view a customer as a read-only admin (C4), roles (A1) and the audit trail.

use chrono::Duration;
use helpdesk_domain::Clock;
use helpdesk_store::seed::Scale;
use helpdesk_tests::smtp::{SmtpServer, free_port};
use helpdesk_tests::{SEARCH, e2e, e2e_backends, edges, error_code, eventually, fixtures::*, spawn_app_mailing};
use serde_json::{Value, json};

const SEND: &str = "mutation($u: ID!) { sendVerificationCode(userId: $u) { sentTo expiresAt } }";
const CHECK: &str =
    "mutation($u: ID!, $c: String!) { checkVerificationCode(userId: $u, code: $c) { verified attemptsLeft } }";
const LAST_EMAIL: &str =
    "query($u: ID!) { user(id: $u) { lastEmail { status subject reply } emailSuppression { reason since } } }";

/// A code that is not `code`.
fn other_than(code: &str) -> String {
    if code == "000000" { "111111".into() } else { "000000".into() }
}

e2e_backends!(
    /// U2: the code goes out over a real SMTP conversation, and the code in it verifies.
    agent_verifies_a_caller_with_a_code_sent_by_email, on any day, |target| async move {
    let mut relay = SmtpServer::start().await;
    let app = spawn_app_mailing(target, Scale::Demo, Some(relay.url())).await;
    let user = app.user_id(USER_EMAIL).await;

    let sent = app.query(SEND, json!({ "u": user })).await;
    assert!(sent["errors"].is_null(), "{sent}");
    assert_eq!(sent["data"]["sendVerificationCode"]["sentTo"], "d•••@nanpizza.com");

    let mail = relay.next_mail().await;
    assert_eq!(mail.to, vec![USER_EMAIL.to_string()]);
    assert_eq!(mail.subject(), Some("Your help desk verification code"));
    let code = mail.code().expect("a 6-digit code in the email");
    assert!(!sent.to_string().contains(&code), "the code never appears in a response");

    let wrong = app.query(CHECK, json!({ "u": user, "c": other_than(&code) })).await;
    assert_eq!(wrong["data"]["checkVerificationCode"], json!({ "verified": false, "attemptsLeft": 4 }));
    let right = app.query(CHECK, json!({ "u": user, "c": code })).await;
    assert_eq!(right["data"]["checkVerificationCode"]["verified"], true, "{right}");
    // The code is used up.
    let again = app.query(CHECK, json!({ "u": user, "c": code })).await;
    assert_eq!(error_code(&again), "BAD_USER_INPUT");

    // The relay accepted it: the user's last email says delivered.
    eventually("the email recorded as delivered", || async {
        let res = app.query(LAST_EMAIL, json!({ "u": user })).await;
        (res["data"]["user"]["lastEmail"]["status"] == "DELIVERED").then_some(())
    })
    .await;
    // And the code left no clear-text copy behind.
    let bodies = app.sql_texts("SELECT body FROM outbox").await;
    assert_eq!(bodies.len(), 1);
    assert!(!bodies[0].contains(&code), "the sent email's body still holds the code");
});

e2e!(
    /// Twenty wrong guesses at once: exactly five count, the rest find the code dead.
    parallel_guesses_count_one_by_one, on any day, |app| async move {
    let user = app.user_id(USER_EMAIL).await;
    let sent = app.query(SEND, json!({ "u": user })).await;
    assert!(sent["errors"].is_null(), "{sent}");
    let token = app.token(HELP_DESK_AGENT).await;
    let guesses = (0..20).map(|_| app.query_with_token(Some(&token), CHECK, json!({ "u": user, "c": "999999" })));
    let answers = futures::future::join_all(guesses).await;
    let mut left: Vec<i64> = answers.iter().filter_map(|r| r["data"]["checkVerificationCode"]["attemptsLeft"].as_i64()).collect();
    left.sort_unstable();
    assert_eq!(left, vec![0, 1, 2, 3, 4], "{answers:?}");
    assert_eq!(answers.iter().filter(|r| error_code(r) == "BAD_USER_INPUT").count(), 15);
});

e2e!(
    /// Ten sends at once: three codes go out, seven are rate limited.
    parallel_sends_respect_the_limit, on any day, |app| async move {
    let user = app.user_id(USER_EMAIL).await;
    let token = app.token(HELP_DESK_AGENT).await;
    let sends = (0..10).map(|_| app.query_with_token(Some(&token), SEND, json!({ "u": user })));
    let answers = futures::future::join_all(sends).await;
    assert_eq!(answers.iter().filter(|r| r["errors"].is_null()).count(), 3, "{answers:?}");
    assert_eq!(answers.iter().filter(|r| error_code(r) == "RATE_LIMITED").count(), 7, "{answers:?}");
});

e2e_backends!(
    /// The relay is down: the email stays queued (in progress) and goes out when it returns.
    an_email_waits_for_the_relay_to_come_back, |target| async move {
    let port = free_port().await;
    let app = spawn_app_mailing(target, Scale::Demo, Some(format!("smtp://127.0.0.1:{port}"))).await;
    let user = app.user_id(USER_EMAIL).await;
    let sent = app.query(SEND, json!({ "u": user })).await;
    assert!(sent["errors"].is_null(), "{sent}");
    let res = app.query(LAST_EMAIL, json!({ "u": user })).await;
    assert_eq!(res["data"]["user"]["lastEmail"]["status"], "IN_PROGRESS");

    let mut relay = SmtpServer::start_on(port).await;
    let mail = relay.next_mail().await;
    let code = mail.code().unwrap();
    let right = app.query(CHECK, json!({ "u": user, "c": code })).await;
    assert_eq!(right["data"]["checkVerificationCode"]["verified"], true, "{right}");
});

e2e!(
    /// After 5 wrong attempts the code is dead, even the right one.
    a_code_dies_after_five_wrong_attempts, on any day, |app| async move {
    let user = app.user_id(USER_EMAIL).await;
    app.query(SEND, json!({ "u": user })).await;
    let mut left = Vec::new();
    for _ in 0..5 {
        let res = app.query(CHECK, json!({ "u": user, "c": "999999" })).await;
        // 999999 could be the code: one in a million, and then the test says so.
        assert_eq!(res["data"]["checkVerificationCode"]["verified"], false, "{res}");
        left.push(res["data"]["checkVerificationCode"]["attemptsLeft"].as_i64().unwrap());
    }
    assert_eq!(left, vec![4, 3, 2, 1, 0]);
    let res = app.query(CHECK, json!({ "u": user, "c": "999999" })).await;
    assert_eq!(error_code(&res), "BAD_USER_INPUT");
    assert!(res["errors"][0]["message"].as_str().unwrap().contains("too many"));
});

e2e!(
    /// A code lives 10 minutes: a wrong guess just before counts, any code after is expired;
    /// a malformed code is bad input.
    a_code_expires_after_ten_minutes, on any day, |app| async move {
    let user = app.user_id(USER_EMAIL).await;
    let sent = app.query(SEND, json!({ "u": user })).await;
    assert!(sent["errors"].is_null(), "{sent}");
    app.advance_clock(Duration::minutes(10) - Duration::seconds(5));
    let res = app.query(CHECK, json!({ "u": user, "c": "999999" })).await;
    assert_eq!(res["data"]["checkVerificationCode"]["attemptsLeft"], 4, "still alive: {res}");
    app.advance_clock(Duration::seconds(5));
    let res = app.query(CHECK, json!({ "u": user, "c": "123456" })).await;
    assert_eq!(error_code(&res), "BAD_USER_INPUT");
    assert!(res["errors"][0]["message"].as_str().unwrap().contains("expired"), "{res}");
    let res = app.query(CHECK, json!({ "u": user, "c": "12ab" })).await;
    assert_eq!(error_code(&res), "BAD_USER_INPUT");
});

e2e!(
    /// At most 3 codes per user per 15 minutes, with the time to retry.
    a_fourth_code_within_fifteen_minutes_is_rate_limited, on any day, |app| async move {
    let user = app.user_id(USER_EMAIL).await;
    for _ in 0..3 {
        let res = app.query(SEND, json!({ "u": user })).await;
        assert!(res["errors"].is_null(), "{res}");
    }
    let res = app.query(SEND, json!({ "u": user })).await;
    assert_eq!(error_code(&res), "RATE_LIMITED");
    let retry_at = res["errors"][0]["extensions"]["retryAt"].as_str().unwrap_or_else(|| panic!("{res}"));
    let retry_at = chrono::DateTime::parse_from_rfc3339(retry_at).unwrap();
    let wait = retry_at.with_timezone(&chrono::Utc) - app.clock.now();
    assert!(wait > Duration::minutes(14) && wait <= Duration::minutes(15), "retry in {wait}");

    // Once the first send leaves the 15-minute window, a code goes out again.
    app.advance_clock(wait + Duration::seconds(1));
    let res = app.query(SEND, json!({ "u": user })).await;
    assert!(res["errors"].is_null(), "{res}");
});

e2e!(
    /// U3: a suppressed address shows why; sending to it is refused until it is cleared.
    agent_clears_a_suppressed_address_then_sends_a_code, on any day, |app| async move {
    let user = app.user_id(BOUNCED_USER_EMAIL).await;
    let res = app.query(LAST_EMAIL, json!({ "u": user })).await;
    assert_eq!(res["data"]["user"]["emailSuppression"]["reason"], "HARD_BOUNCE");

    let res = app.query(SEND, json!({ "u": user })).await;
    assert_eq!(error_code(&res), "EMAIL_SUPPRESSED");

    const CLEAR: &str = "mutation($u: ID!) { removeEmailSuppression(userId: $u) { removed user { emailSuppression { reason } } } }";
    let res = app.query(CLEAR, json!({ "u": user })).await;
    assert_eq!(res["data"]["removeEmailSuppression"], json!({ "removed": true, "user": { "emailSuppression": null } }));
    let res = app.query(CLEAR, json!({ "u": user })).await;
    assert_eq!(res["data"]["removeEmailSuppression"]["removed"], false, "clearing a clean address changes nothing");

    let res = app.query(SEND, json!({ "u": user })).await;
    assert!(res["errors"].is_null(), "{res}");
});

e2e!(
    /// Unknown users and another partner's users are not found.
    actions_on_unknown_or_foreign_users_are_not_found, |app| async move {
    let theirs = app.search_as(OTHER_PARTNER_AGENT, OTHER_USER_EMAIL).await;
    let foreign = edges(&theirs).into_iter().find(|e| e["node"]["__typename"] == "User").unwrap()["node"]["id"].clone();
    let unknown = helpdesk_graphql::ids::encode(helpdesk_graphql::ids::NodeType::User, uuid::Uuid::new_v4());
    for user in [foreign, json!(unknown)] {
        assert_eq!(error_code(&app.query(SEND, json!({ "u": user })).await), "NOT_FOUND");
        assert_eq!(error_code(&app.query(CHECK, json!({ "u": user, "c": "123456" })).await), "NOT_FOUND");
    }
});

const START: &str = "mutation($c: ID!, $r: String!) { startReadOnlyAdminSession(customerId: $c, reason: $r) { token expiresAt launchUrl customer { name } } }";

e2e!(
    /// C4: a session on a customer that authorised it sees that customer only, and acts on nothing.
    a_read_only_session_sees_one_customer_and_changes_nothing, on any day, |app| async move {
    let nan = app.customer_id(CUSTOMER).await;
    let res = app.query("query($c: ID!) { customer(id: $c) { readOnlyAccess { authorized until } } }", json!({ "c": nan })).await;
    assert_eq!(res["data"]["customer"]["readOnlyAccess"]["authorized"], true);

    let res = app.query(START, json!({ "c": nan, "r": "   " })).await;
    assert_eq!(error_code(&res), "BAD_USER_INPUT", "a reason is required");
    let res = app.query(START, json!({ "c": nan, "r": "ticket INC-1042" })).await;
    let session = &res["data"]["startReadOnlyAdminSession"];
    assert_eq!(session["customer"]["name"], CUSTOMER, "{res}");
    let token = session["token"].as_str().unwrap().to_string();
    assert!(session["launchUrl"].as_str().unwrap().contains(&token));

    // It reads the customer's whole organisation…
    let res = app.query_with_token(Some(&token), "query($c: ID!) { customer(id: $c) { name users(first: 5) { edges { node { email } } } subscriptions { webOrderNumber } } }", json!({ "c": nan })).await;
    assert_eq!(res["data"]["customer"]["name"], CUSTOMER, "{res}");
    // …and nothing else: another customer is not found, a search stays inside.
    let other = app.customer_id("Blue Bakery Group").await;
    let res = app.query_with_token(Some(&token), "query($c: ID!) { customer(id: $c) { name } }", json!({ "c": other })).await;
    assert_eq!(error_code(&res), "NOT_FOUND");
    let res = app.query_with_token(Some(&token), SEARCH, json!({ "q": "a", "first": 100, "kinds": ["CUSTOMER"] })).await;
    let names: Vec<Value> = edges(&res["data"]["search"]).iter().map(|e| e["node"]["name"].clone()).collect();
    assert!(names.iter().all(|n| n == CUSTOMER), "{names:?}");
    // Every mutation is forbidden.
    let user = app.user_id(USER_EMAIL).await;
    let res = app.query_with_token(Some(&token), SEND, json!({ "u": user })).await;
    assert_eq!(error_code(&res), "FORBIDDEN");

    // The customer revokes its grant: the session stops working.
    let organization = app.organization(&nan).await;
    app.server().store.revoke_read_only_access(organization, app.clock.now()).await.unwrap();
    let res = app.query_with_token(Some(&token), "{ me { name } }", json!({})).await;
    assert_eq!(error_code(&res), "UNAUTHENTICATED");

    // The customer grants access again: the old session stays over, a new one starts.
    app.server().store.grant_read_only_access(organization, 24, "admin@nanpizza.com", app.clock.now()).await.unwrap();
    let res = app.query_with_token(Some(&token), "{ me { name } }", json!({})).await;
    assert_eq!(error_code(&res), "UNAUTHENTICATED", "a session token dies with the grant it was started under");
    let res = app.query(START, json!({ "c": nan, "r": "ticket INC-1043" })).await;
    let fresh = res["data"]["startReadOnlyAdminSession"]["token"].as_str().unwrap_or_else(|| panic!("{res}"));
    let res = app.query_with_token(Some(fresh), "{ me { name } }", json!({})).await;
    assert!(res["errors"].is_null(), "{res}");
});

e2e!(
    /// C4: without the customer's grant there is no session.
    no_grant_no_read_only_session, on any day, |app| async move {
    let golden = app.customer_id("Golden Bakery Group").await;
    let res = app.query("query($c: ID!) { customer(id: $c) { readOnlyAccess { authorized } } }", json!({ "c": golden })).await;
    assert_eq!(res["data"]["customer"]["readOnlyAccess"]["authorized"], false);
    let res = app.query(START, json!({ "c": golden, "r": "ticket INC-7" })).await;
    assert_eq!(error_code(&res), "ACCESS_NOT_AUTHORIZED");
});

e2e!(
    /// A1: a partner admin takes the Help Desk role away; the agent's next request is refused.
    a_partner_admin_revokes_the_help_desk_role_and_the_agent_is_refused_at_once, |app| async move {
    let agents = app.query_as(PARTNER_ADMIN, "{ agents { id email roles } }", json!({})).await;
    let list = agents["data"]["agents"].as_array().unwrap().clone();
    let agent = list.iter().find(|a| a["email"] == HELP_DESK_AGENT).unwrap()["id"].clone();
    assert_eq!(list.iter().find(|a| a["email"] == HELP_DESK_AGENT).unwrap()["roles"], json!(["HELP_DESK"]));

    let token = app.token(HELP_DESK_AGENT).await; // minted before the change
    const REVOKE: &str = "mutation($a: ID!) { revokeHelpDeskRole(agentId: $a) { agent { roles } } }";
    const ASSIGN: &str = "mutation($a: ID!) { assignHelpDeskRole(agentId: $a) { agent { roles } } }";
    // A help desk agent cannot change roles.
    assert_eq!(error_code(&app.query_as(HELP_DESK_AGENT, REVOKE, json!({ "a": agent })).await), "FORBIDDEN");

    let res = app.query_as(PARTNER_ADMIN, REVOKE, json!({ "a": agent })).await;
    assert_eq!(res["data"]["revokeHelpDeskRole"]["agent"]["roles"], json!([]));
    let res = app.query_with_token(Some(&token), SEARCH, json!({ "q": CUSTOMER })).await;
    assert_eq!(error_code(&res), "FORBIDDEN");

    let res = app.query_as(PARTNER_ADMIN, ASSIGN, json!({ "a": agent })).await;
    assert_eq!(res["data"]["assignHelpDeskRole"]["agent"]["roles"], json!(["HELP_DESK"]));
    let res = app.query_with_token(Some(&token), SEARCH, json!({ "q": CUSTOMER })).await;
    assert!(res["errors"].is_null());

    // A second gateway, which kept the agent a moment ago, refuses it once the change reaches it
    // (PostgreSQL's notification; on SQLite nothing is kept).
    let other = app.another_gateway(|_| {}).await;
    assert!(other.query_with_token(Some(&token), SEARCH, json!({ "q": CUSTOMER })).await["errors"].is_null());
    let res = app.query_as(PARTNER_ADMIN, REVOKE, json!({ "a": agent })).await;
    assert_eq!(res["data"]["revokeHelpDeskRole"]["agent"]["roles"], json!([]));
    eventually("the other gateway to see the role gone", || async {
        let res = other.query_with_token(Some(&token), SEARCH, json!({ "q": CUSTOMER })).await;
        (error_code(&res) == "FORBIDDEN").then_some(())
    })
    .await;

    // Nobody touches another partner's agents.
    let theirs = app.query_as(OTHER_PARTNER_AGENT, "{ agents { id } }", json!({})).await;
    let foreign = theirs["data"]["agents"][0]["id"].clone();
    assert_eq!(error_code(&app.query_as(PARTNER_ADMIN, ASSIGN, json!({ "a": foreign })).await), "NOT_FOUND");
});

e2e!(
    /// The audit trail: searches, openings and actions, for partner admins only; never a code.
    every_lookup_and_action_is_audited_for_partner_admins, |app| async move {
    let user = app.user_id(USER_EMAIL).await;
    app.query(LAST_EMAIL, json!({ "u": user })).await;
    app.query(SEND, json!({ "u": user })).await;
    app.query(CHECK, json!({ "u": user, "c": "424242" })).await;

    let entries = eventually("the audit entries written", || async {
        let entries = app.audit_since_seeding("action outcome target detail customerId").await;
        let actions: Vec<String> = entries.iter().map(|e| e["node"]["action"].as_str().unwrap().to_string()).collect();
        (["search", "open_user", "send_verification_code", "check_verification_code"].iter().all(|a| actions.iter().any(|x| x == a)))
            .then_some(entries)
    })
    .await;
    let search = entries.iter().find(|e| e["node"]["action"] == "search").unwrap();
    assert!(search["node"]["detail"].as_str().unwrap().contains(USER_EMAIL));
    assert_eq!(search["node"]["outcome"], "success");
    assert!(!serde_json::to_string(&entries).unwrap().contains("424242"), "a code never reaches the audit log");

    assert_eq!(error_code(&app.query_as(HELP_DESK_AGENT, "{ auditLog(first: 1) { edges { cursor } } }", json!({})).await), "FORBIDDEN");
});
