//! « Modifier les coordonnées » at the console: the SAUJ changes the e-mail
//! and mobile a party of its own court declared; the court's system learns
//! it from the party's GET and from its feed of changes, and a stale
//! publication of the party does not undo it.

use crate::support::{Browser, CONSOLE_SETTINGS, MARIE_NIR, TestApp, form_value, invalid_fields, problem};
use portalis_core::staff::Role;
use serde_json::{Value, json};

const NATHALIE: &str = "nathalie.payet@justice.example.org";
const MARIE: &str = "/api/v1/cases/2018-01234/parties/marie";

/// The guide's case and Nathalie of its court's SAUJ, with the path of
/// Marie's page at the console.
async fn marie_at_the_counter() -> (TestApp, Browser, String) {
    let app = TestApp::spawn_with(CONSOLE_SETTINGS).await;
    app.publish_the_guides_case().await;
    let nathalie = app.agent(NATHALIE, "tj-saint-denis-reunion", Role::Sauj).await;
    let id = party_id(&app, "marie").await;
    (app, nathalie, format!("/juridiction/parties/{id}"))
}

async fn party_id(app: &TestApp, party_ref: &str) -> i64 {
    let mut conn = app.services.db.read().await.unwrap();
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM parties WHERE party_ref = $1")
        .bind(party_ref)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    id
}

/// Posts the form with these values: the status and the page.
async fn change(agent: &Browser, page: &str, email: &str, mobile: &str) -> (u16, String) {
    let form = agent.get(&format!("{page}/coordonnees")).await.text().await.unwrap();
    let csrf = form_value(&form, "csrf").unwrap();
    let r = agent.post(&format!("{page}/coordonnees"), &[("csrf", &csrf), ("email", email), ("mobile", mobile)]).await;
    let status = r.status().as_u16();
    if status == 303 {
        return (status, agent.follow(r).await.text().await.unwrap());
    }
    (status, r.text().await.unwrap())
}

async fn json_of(r: reqwest::Response) -> Value {
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

#[tokio::test]
async fn the_form_shows_what_is_declared_and_a_change_reaches_the_party_the_audit_and_the_courts_feed() {
    let (app, nathalie, page) = marie_at_the_counter().await;
    let form = nathalie.get(&format!("{page}/coordonnees")).await.text().await.unwrap();
    assert_eq!(form_value(&form, "email").as_deref(), Some("marie.delestable@example.org"));
    assert_eq!(form_value(&form, "mobile").as_deref(), Some("06 92 00 00 42"), "the mobile as people write it");

    let (status, after) = change(&nathalie, &page, "marie.d@example.fr", "0693 11 22 33").await;
    assert_eq!(status, 303);
    assert!(after.contains("Les coordonnées sont modifiées"), "{after}");
    assert!(after.contains("marie.d@example.fr") && after.contains("+262693112233"));
    assert!(after.contains("Coordonnées modifiées"), "listed in the actions");
    assert!(after.contains("pas encore reprises par le logiciel de la juridiction"));

    let (actor, action, target, detail): (String, String, String, Option<String>) = {
        let mut conn = app.services.db.read().await.unwrap();
        sqlx::query_as("SELECT actor, action, target, detail FROM audit_log ORDER BY id DESC LIMIT 1")
            .fetch_one(&mut *conn)
            .await
            .unwrap()
    };
    assert_eq!(actor, format!("agent:{NATHALIE}"));
    assert_eq!(action, "party.contact_changed");
    assert_eq!(target, "court:tj-saint-denis-reunion/case:2018-01234/party:marie");
    assert_eq!(detail.as_deref(), Some("email, mobile"), "which fields, never their values");

    let party = json_of(app.get(MARIE).await).await;
    assert_eq!(party["email"], "marie.d@example.fr");
    assert_eq!(party["mobile"], "+262693112233");
    let change = &party["contact_change"];
    assert_eq!(change["previous_email"], "marie.delestable@example.org");
    assert_eq!(change["previous_mobile"], "+262692000042");
    assert_eq!(change["changed_by"], NATHALIE);
    assert!(change["changed_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(change["acknowledged_at"], Value::Null);

    let feed = json_of(app.get("/api/v1/contact-changes").await).await;
    let items = feed["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["case_ref"], "2018-01234");
    assert_eq!(items[0]["party_ref"], "marie");
    assert_eq!(items[0]["href"], MARIE);
    assert_eq!(items[0]["email"], "marie.d@example.fr");
    assert_eq!(feed["next_after"], items[0]["id"]);
    assert_eq!(feed["more"], false);
    let next = format!("/api/v1/contact-changes?after={}", feed["next_after"]);
    let empty = json_of(app.get(&next).await).await;
    assert_eq!(empty["items"], json!([]));
    assert_eq!(empty["next_after"], feed["next_after"], "polled again from the same place");
}

#[tokio::test]
async fn a_publication_still_carrying_the_old_values_keeps_the_change_until_the_court_sends_its_own() {
    let (app, nathalie, page) = marie_at_the_counter().await;
    assert_eq!(change(&nathalie, &page, "marie.d@example.fr", "0692 00 00 42").await.0, 303);

    // The court's system republishes Marie as it knew her: the change stands.
    let stale = app.put_json(MARIE, &crate::support::marie()).await;
    assert_eq!(stale.status(), 200);
    let party: Value = stale.json().await.unwrap();
    assert_eq!(party["email"], "marie.d@example.fr");
    assert_eq!(party["contact_change"]["acknowledged_at"], Value::Null);

    // It takes the change up: acknowledged.
    let mut taken_up = crate::support::marie();
    taken_up["email"] = json!("marie.d@example.fr");
    let party: Value = app.put_json(MARIE, &taken_up).await.json().await.unwrap();
    assert!(party["contact_change"]["acknowledged_at"].is_string());
    let html = nathalie.get(&page).await.text().await.unwrap();
    assert!(html.contains("reprises par le logiciel de la juridiction le"), "{html}");

    // From then on, the court's record is the court's: even the old value.
    let party: Value = app.put_json(MARIE, &crate::support::marie()).await.json().await.unwrap();
    assert_eq!(party["email"], "marie.delestable@example.org");
}

#[tokio::test]
async fn each_field_the_court_sends_of_its_own_wins_and_the_change_is_acknowledged_once_none_is_stale() {
    let (app, nathalie, page) = marie_at_the_counter().await;
    assert_eq!(change(&nathalie, &page, "marie.d@example.fr", "").await.0, 303);
    let mut own = crate::support::marie();
    own["email"] = json!("m.delestable@example.net");
    let party: Value = app.put_json(MARIE, &own).await.json().await.unwrap();
    assert_eq!(party["email"], "m.delestable@example.net", "the court's own value");
    assert_eq!(party["mobile"], Value::Null, "the mobile it still sends as it was is stale: the removal stands");
    assert_eq!(party["contact_change"]["acknowledged_at"], Value::Null, "not every field taken up yet");

    own["mobile"] = Value::Null;
    let party: Value = app.put_json(MARIE, &own).await.json().await.unwrap();
    assert!(party["contact_change"]["acknowledged_at"].is_string());
    own["mobile"] = json!("0692 00 00 42");
    let party: Value = app.put_json(MARIE, &own).await.json().await.unwrap();
    assert_eq!(party["mobile"], "+262692000042", "the court's record is the court's again");
}

#[tokio::test]
async fn wrong_or_unchanged_details_are_refused_next_to_their_field_and_nothing_is_written() {
    let (app, nathalie, page) = marie_at_the_counter().await;
    let (status, html) = change(&nathalie, &page, "marie.d@", "01 23 45 67 89").await;
    assert_eq!(status, 422);
    assert!(html.contains("<title>Erreur : Modifier les coordonnées"), "{html}");
    assert!(html.contains("id=\"email-erreur\"") && html.contains("id=\"mobile-erreur\""));
    assert_eq!(form_value(&html, "email").as_deref(), Some("marie.d@"), "what was typed is kept");

    let (status, html) = change(&nathalie, &page, " marie.delestable@example.org ", "06 92 00 00 42").await;
    assert_eq!(status, 422);
    assert!(html.contains("déjà celles enregistrées"), "{html}");

    assert_eq!(app.count("contact_changes").await, 0);
    assert_eq!(app.count_where("audit_log", "action = 'party.contact_changed'").await, 0);
    let r = nathalie.post(&format!("{page}/coordonnees"), &[("csrf", "forged"), ("email", "x@example.fr")]).await;
    assert_eq!(r.status(), 403, "a form without its token");
    assert_eq!(app.count("contact_changes").await, 0);
}

#[tokio::test]
async fn a_new_mobile_voids_the_code_sent_to_the_old_one() {
    let (app, nathalie, page) = marie_at_the_counter().await;
    let marie = Browser::new(&app);
    marie.login_as(MARIE_NIR).await;
    let number = app.number_of("marie").await;
    let (status, html) = marie.attach_form("code", &number, "").await;
    assert_eq!(status, 200, "{html}");
    let code = app.last_code().await;
    assert_eq!(app.outbox("sms").await.last().unwrap().0, "+262692000042", "sent to the old mobile");

    assert_eq!(change(&nathalie, &page, "marie.delestable@example.org", "07 11 22 33 44").await.0, 303);
    let (status, _) = marie.attach_form("ajouter", &number, &code).await;
    assert_ne!(status, 303, "the code sent to the old mobile no longer attaches the case");
    assert_eq!(app.count_where("attach_codes", "used_at IS NULL AND voided_at IS NULL").await, 0);
}

#[tokio::test]
async fn an_agent_of_another_court_may_not_change_them_and_a_withdrawn_party_is_not_changed() {
    let (app, _, page) = marie_at_the_counter().await;
    let paris = app.agent("sami.benali@justice.example.org", "tj-paris", Role::Sauj).await;
    assert_eq!(paris.get(&format!("{page}/coordonnees")).await.status(), 403);
    let search = paris.get("/juridiction/recherche").await.text().await.unwrap();
    let csrf = form_value(&search, "csrf").expect("his own token, from the sign-out button");
    let r =
        paris.post(&format!("{page}/coordonnees"), &[("csrf", &csrf), ("email", "x@example.fr"), ("mobile", "")]).await;
    assert_eq!(r.status(), 403, "nor by its form");
    assert_eq!(app.count("contact_changes").await, 0);

    let nathalie = app.agent(NATHALIE, "tj-saint-denis-reunion", Role::Sauj).await;
    let form = nathalie.get(&format!("{page}/coordonnees")).await.text().await.unwrap();
    let csrf = form_value(&form, "csrf").unwrap();
    assert_eq!(app.delete(MARIE).await.status(), 204);
    let r = nathalie
        .post(&format!("{page}/coordonnees"), &[("csrf", &csrf), ("email", "x@example.fr"), ("mobile", "")])
        .await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("retirée de l"));
    assert_eq!(app.count("contact_changes").await, 0);
}

#[tokio::test]
async fn the_feed_is_the_courts_own_and_its_parameters_are_checked_by_name() {
    let (app, nathalie, page) = marie_at_the_counter().await;
    assert_eq!(change(&nathalie, &page, "marie.d@example.fr", "").await.0, 303);
    let paris = app.key_for("tj-paris").await;
    let theirs = json_of(app.get_with(&paris, "/api/v1/contact-changes").await).await;
    assert_eq!(theirs["items"], json!([]), "another court's feed tells nothing");

    let r = app.get("/api/v1/contact-changes?after=-1&limit=500&since=x").await;
    assert_eq!(r.status(), 422);
    let mut fields = invalid_fields(&problem(r).await);
    fields.sort();
    assert_eq!(fields, ["after", "limit", "since"]);

    // Pages of one.
    assert_eq!(change(&nathalie, &page, "marie.e@example.fr", "").await.0, 303);
    let first = json_of(app.get("/api/v1/contact-changes?limit=1").await).await;
    assert_eq!(first["more"], true);
    let second =
        json_of(app.get(&format!("/api/v1/contact-changes?limit=1&after={}", first["next_after"])).await).await;
    assert_eq!(second["items"][0]["email"], "marie.e@example.fr");
    assert_eq!(second["items"][0]["previous_email"], "marie.d@example.fr");
    assert_eq!(second["more"], false);
}

#[tokio::test]
async fn a_court_still_sending_the_first_values_after_two_changes_keeps_both() {
    let (app, nathalie, page) = marie_at_the_counter().await;
    // The e-mail changed twice, then the mobile alone.
    assert_eq!(change(&nathalie, &page, "marie.b@example.fr", "0692 00 00 42").await.0, 303);
    assert_eq!(change(&nathalie, &page, "marie.c@example.fr", "0692 00 00 42").await.0, 303);
    assert_eq!(change(&nathalie, &page, "marie.c@example.fr", "0693 11 22 33").await.0, 303);

    // The court's system republishes what it knew, then what it read of
    // the feed's first change only: neither undoes the counter's work.
    let party: Value = app.put_json(MARIE, &crate::support::marie()).await.json().await.unwrap();
    assert_eq!(
        (party["email"].as_str(), party["mobile"].as_str()),
        (Some("marie.c@example.fr"), Some("+262693112233"))
    );
    let mut halfway = crate::support::marie();
    halfway["email"] = json!("marie.b@example.fr");
    let party: Value = app.put_json(MARIE, &halfway).await.json().await.unwrap();
    assert_eq!(
        (party["email"].as_str(), party["mobile"].as_str()),
        (Some("marie.c@example.fr"), Some("+262693112233"))
    );
    assert_eq!(app.count_where("contact_changes", "acknowledged_at IS NULL").await, 3);

    // It has read the feed to its end: every change is taken up.
    let mut caught_up = crate::support::marie();
    caught_up["email"] = json!("marie.c@example.fr");
    caught_up["mobile"] = json!("0693 11 22 33");
    assert_eq!(app.put_json(MARIE, &caught_up).await.status(), 200);
    assert_eq!(app.count_where("contact_changes", "acknowledged_at IS NULL").await, 0);
}

#[tokio::test]
async fn a_change_at_the_counter_and_the_courts_stale_publication_at_once_keep_the_change_whichever_comes_first() {
    let (app, nathalie, page) = marie_at_the_counter().await;
    let form = nathalie.get(&format!("{page}/coordonnees")).await.text().await.unwrap();
    let csrf = form_value(&form, "csrf").unwrap();
    let fields = [("csrf", csrf.as_str()), ("email", "marie.d@example.fr"), ("mobile", "0692 00 00 42")];
    let action = format!("{page}/coordonnees");
    let stale = crate::support::marie();
    let (changed, published) = tokio::join!(nathalie.post(&action, &fields), app.put_json(MARIE, &stale));
    assert_eq!(changed.status(), 303, "the change is made");
    assert_eq!(published.status(), 200, "the publication is taken, no error");
    let party = json_of(app.get(MARIE).await).await;
    assert_eq!(party["email"], "marie.d@example.fr", "in either order, the counter's change stands");
    assert_eq!(party["contact_change"]["acknowledged_at"], Value::Null);
}
