//! Access given by an attachment can be taken back: a re-issued number
//! detaches the accounts attached to the party (the person attaches again
//! with the new number), a withdrawn party's attachments end with it (and
//! do not come back when the party is published again), and the court can
//! detach a party's accounts. Each shows at once on the pages, which a
//! cached list must not hide.

use crate::support::{Browser, MARIE_NIR, TestApp, local_links};
use serde_json::Value;

const MARIE: &str = "/api/v1/cases/2018-01234/parties/marie";

/// The guide's case with Marie attached, her list and case page seen (and
/// so cached).
async fn marie_attached() -> (TestApp, Browser, String) {
    let app = TestApp::spawn().await;
    app.publish_the_guides_case().await;
    let marie = Browser::new(&app);
    marie.login_as(MARIE_NIR).await;
    app.attach_all(&marie, "marie").await;
    let list = marie.get("/mon-espace").await.text().await.unwrap();
    let case = local_links(&list).into_iter().find(|l| l.starts_with("/dossiers/")).expect("her case is listed");
    assert_eq!(marie.get(&case).await.status(), 200);
    (app, marie, case)
}

async fn her_list(marie: &Browser) -> String {
    marie.get("/mon-espace").await.text().await.unwrap()
}

fn lists_the_case(list: &str) -> bool {
    local_links(list).iter().any(|l| l.starts_with("/dossiers/"))
}

#[tokio::test]
async fn a_reissued_number_detaches_the_account_until_the_person_attaches_again() {
    let (app, marie, case) = marie_attached().await;
    let old = app.number_of("marie").await;
    assert_eq!(app.post(&format!("{MARIE}/identification-number")).await.status(), 200);
    assert!(!lists_the_case(&her_list(&marie).await), "the case leaves her list at once");
    assert_eq!(marie.get(&case).await.status(), 404, "and its page");
    assert_eq!(app.count("attachments").await, 0);
    assert_eq!(app.count("ended_attachments").await, 1, "the attachment stays on record as ended");

    let (status, _) = marie.attach_form("code", &old, "").await;
    assert_eq!(status, 422, "the old number no longer attaches");
    app.clock.advance(chrono::Duration::seconds(61));
    app.attach_all(&marie, "marie").await;
    assert!(lists_the_case(&her_list(&marie).await), "the new number attaches again");
}

#[tokio::test]
async fn a_withdrawn_party_takes_its_attachment_with_it_and_does_not_bring_it_back() {
    let (app, marie, case) = marie_attached().await;
    assert_eq!(app.delete(MARIE).await.status(), 204);
    assert!(!lists_the_case(&her_list(&marie).await));
    assert_eq!(marie.get(&case).await.status(), 404);

    // Published again with the same reference: the party is back, her
    // access is not.
    assert_eq!(app.put_json(MARIE, &crate::support::marie()).await.status(), 201);
    assert!(!lists_the_case(&her_list(&marie).await), "the old attachment does not come back");
    assert_eq!(marie.get(&case).await.status(), 404);
    assert_eq!(app.count("attachments").await, 0);
}

#[tokio::test]
async fn the_court_detaches_a_partys_accounts() {
    let (app, marie, case) = marie_attached().await;
    let before: Value = app.get(MARIE).await.json().await.unwrap();
    assert_eq!(before["attached"], true);

    let r = app.delete(&format!("{MARIE}/attachments")).await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["detached_accounts"], 1);
    assert_eq!(app.last_audit().await, ("party.detach".into(), "ok".into(), Some("1 account".into())));
    assert!(!lists_the_case(&her_list(&marie).await));
    assert_eq!(marie.get(&case).await.status(), 404);
    let after: Value = app.get(MARIE).await.json().await.unwrap();
    assert_eq!(after["attached"], false);

    let again: Value = app.delete(&format!("{MARIE}/attachments")).await.json().await.unwrap();
    assert_eq!(again["detached_accounts"], 0, "nothing left to detach");
    let other_court = app.key_for("tj-paris").await;
    let r = app.client.delete(app.url(&format!("{MARIE}/attachments"))).bearer_auth(other_court).send().await.unwrap();
    assert_eq!(r.status(), 404, "another court's party does not exist for this key");
}

#[tokio::test]
async fn a_code_asked_before_a_reissue_attaches_nothing() {
    let app = TestApp::spawn().await;
    app.publish_the_guides_case().await;
    let marie = Browser::new(&app);
    marie.login_as(MARIE_NIR).await;
    let old = app.number_of("marie").await;
    assert_eq!(marie.attach_form("code", &old, "").await.0, 200);
    let code = app.last_code().await;
    assert_eq!(app.post(&format!("{MARIE}/identification-number")).await.status(), 200);
    let new = app.number_of("marie").await;
    let (status, _) = marie.attach_form("ajouter", &new, &code).await;
    assert_eq!(status, 422, "the code sent before the re-issue is void");
    assert_eq!(app.count("attachments").await, 0);
}

/// An attachment and a re-issue at the same moment: whichever commits
/// first, no account stays attached with the old number (on PostgreSQL,
/// where both run at once, each holds the party).
#[tokio::test]
async fn an_attachment_racing_a_reissue_never_survives_it() {
    let app = TestApp::spawn().await;
    app.publish_the_guides_case().await;
    let marie = Browser::new(&app);
    marie.login_as(MARIE_NIR).await;
    for round in 0..8 {
        app.clock.advance(chrono::Duration::minutes(21));
        marie.get("/mon-espace").await;
        let number = app.number_of("marie").await;
        assert_eq!(marie.attach_form("code", &number, "").await.0, 200, "round {round}");
        let code = app.last_code().await;
        let page = marie.get("/mon-espace/ajouter").await.text().await.unwrap();
        let token = crate::support::form_value(&page, "csrf").unwrap();
        let form =
            [("csrf", token.as_str()), ("numero", number.as_str()), ("code", code.as_str()), ("action", "ajouter")];
        let reissue = format!("{MARIE}/identification-number");
        let (attached, reissued) = tokio::join!(marie.post("/mon-espace/ajouter", &form), app.post(&reissue));
        assert_eq!(reissued.status(), 200);
        let _ = attached.status();
        assert_eq!(app.count("attachments").await, 0, "round {round}: the re-issue ends whatever the race gave");
    }
}
