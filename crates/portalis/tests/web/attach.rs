//! "Ajouter un dossier": every rule, with the injected clock and random
//! source.

use crate::support::{Browser, MARIE_NIR, NICOLAS_NIR, TestApp, form_value, marie, the_guides_case};
use chrono::Duration;
use serde_json::json;

const REFUSED: &str = "Le numéro d&#39;identification ou le code est incorrect.";

fn refused(html: &str) -> bool {
    html.contains(REFUSED) || html.contains("Le numéro d'identification ou le code est incorrect.")
}

async fn marie_signed_in() -> (TestApp, Browser, String) {
    let app = TestApp::spawn().await;
    app.publish_the_guides_case().await;
    let browser = Browser::new(&app);
    browser.login_as(MARIE_NIR).await;
    let number = app.number_of("marie").await;
    (app, browser, number)
}

#[tokio::test]
async fn the_court_e_mails_each_new_party_its_identification_number() {
    let app = TestApp::spawn().await;
    app.publish_the_guides_case().await;
    let number = app.number_of("marie").await;
    let mails = app.outbox("email").await;
    assert_eq!(mails.len(), 1);
    let (to, subject, body) = &mails[0];
    assert_eq!(to, "marie.delestable@example.org");
    assert!(subject.as_deref().unwrap().contains("numéro d'identification"));
    assert!(body.contains(&number));
    assert!(body.contains("Tribunal judiciaire de Saint-Denis-de-La-Réunion"));
    assert!(body.contains("DB3Z-W-B7C-DFW5"));
    assert!(body.contains(&app.address), "how to reach the portal");

    // An update sends nothing; a new number is sent.
    app.put_json("/api/v1/cases/2018-01234/parties/marie", &marie()).await;
    assert_eq!(app.outbox("email").await.len(), 1);
    app.post("/api/v1/cases/2018-01234/parties/marie/identification-number").await;
    let mails = app.outbox("email").await;
    assert_eq!(mails.len(), 2);
    assert!(mails[1].2.contains(&app.number_of("marie").await));
    assert!(mails[1].2.contains("l'ancien ne fonctionne plus"));
}

#[tokio::test]
async fn marie_attaches_her_case_with_the_number_and_the_sms_code() {
    let (app, browser, number) = marie_signed_in().await;
    let space = browser.get("/mon-espace").await.text().await.unwrap();
    assert!(space.contains("Votre espace est encore vide."));
    assert!(space.contains("Ajouter un dossier"));

    let typed = format!(" {}-{} ", number[..6].to_lowercase(), &number[6..]);
    let (status, page) = browser.attach_form("code", &typed, "").await;
    assert_eq!(status, 200);
    assert!(page.contains("Un code vous a été envoyé au 06 •• •• •• 42."), "{page}");
    assert!(page.contains(&format!("value=\"{number}\"")), "the number is kept, in its canonical form");
    let sms = app.outbox("sms").await;
    assert_eq!(sms.len(), 1);
    assert_eq!(sms[0].0, "+262692000042", "the mobile the court declared");
    assert!(sms[0].2.contains("valable 10 minutes"));

    let code = app.last_code().await;
    let (status, _) = browser.attach_form("ajouter", &number, &code).await;
    assert_eq!(status, 303);
    let list = browser.get("/mon-espace").await.text().await.unwrap();
    assert!(list.contains("Mes Dossiers"));
    assert!(list.contains("1 dossier affiché sur 1 rattaché"));
    assert!(list.contains("Demande en réparation des dommages causés par des véhicules terrestres à moteur"));
    assert!(
        list.contains("Ce dossier vient d&#39;être rattaché à votre compte")
            || list.contains("Ce dossier vient d'être rattaché à votre compte")
    );
    assert!(list.contains("N°Dossier : DB3Z-B7C-DFW5"));
    assert!(list.contains(&format!("N°Identification : {number}")));
    assert_eq!(app.count("attachments").await, 1);
    assert_eq!(app.last_audit().await, ("attach".into(), "ok".into(), Some("attached".into())));
}

#[tokio::test]
async fn enter_in_the_code_field_adds_the_case() {
    let (app, browser, number) = marie_signed_in().await;
    browser.attach_form("code", &number, "").await;
    let code = app.last_code().await;
    // Implicit submission sends the form's first button.
    let (status, _) = browser.attach_form("code", &number, &code).await;
    assert_eq!(status, 303);
    assert_eq!(app.outbox("sms").await.len(), 1, "no second SMS");
}

#[tokio::test]
async fn a_malformed_number_gets_a_field_message_and_sends_nothing() {
    let (app, browser, _) = marie_signed_in().await;
    let (status, page) = browser.attach_form("code", "PJTK5", "").await;
    assert_eq!(status, 422);
    assert!(
        page.contains("Le numéro d&#39;identification comporte 12 caractères")
            || page.contains("Le numéro d'identification comporte 12 caractères")
    );
    assert!(page.contains("aria-invalid=\"true\""));
    assert!(app.outbox("sms").await.is_empty());
}

#[tokio::test]
async fn a_malformed_code_gets_a_field_message() {
    let (_app, browser, number) = marie_signed_in().await;
    let (status, page) = browser.attach_form("ajouter", &number, "12ab").await;
    assert_eq!(status, 422);
    assert!(page.contains("Le code comporte 7 chiffres"));
}

#[tokio::test]
async fn an_unknown_number_and_a_wrong_code_get_the_same_answer() {
    let (app, browser, number) = marie_signed_in().await;
    let (_, unknown) = browser.attach_form("ajouter", "PJTK5SY2ZZPJ", "1234567").await;
    assert!(refused(&unknown));
    browser.attach_form("code", &number, "").await;
    let code = app.last_code().await;
    let wrong = if code == "0000000" { "1111111" } else { "0000000" };
    let (status, wrong_page) = browser.attach_form("ajouter", &number, wrong).await;
    assert_eq!(status, 422);
    assert!(refused(&wrong_page));
    assert_eq!(app.last_audit().await, ("attach".into(), "refused".into(), Some("wrong_code".into())));
    assert_eq!(app.count("attachments").await, 0);
    let mut conn = app.services.db.read().await.unwrap();
    let details: Vec<(Option<String>,)> =
        sqlx::query_as("SELECT detail FROM audit_log").fetch_all(&mut *conn).await.unwrap();
    assert!(details.iter().all(|(d,)| !d.as_deref().unwrap_or("").contains(&code)), "never the code in the audit log");
}

#[tokio::test]
async fn a_code_expires_after_ten_minutes() {
    let (app, browser, number) = marie_signed_in().await;
    browser.attach_form("code", &number, "").await;
    let code = app.last_code().await;
    app.clock.advance(Duration::minutes(10) + Duration::seconds(1));
    browser.get("/mon-espace").await; // the session stays alive
    let (_, page) = browser.attach_form("ajouter", &number, &code).await;
    assert!(refused(&page));
    assert_eq!(app.count("attachments").await, 0);
}

#[tokio::test]
async fn a_code_is_good_once() {
    let (app, browser, number) = marie_signed_in().await;
    browser.attach_form("code", &number, "").await;
    let code = app.last_code().await;
    assert_eq!(browser.attach_form("ajouter", &number, &code).await.0, 303);
    let (_, page) = browser.attach_form("ajouter", &number, &code).await;
    assert!(page.contains("Ce dossier est déjà rattaché à votre espace."));
    assert_eq!(app.count("attachments").await, 1);
}

#[tokio::test]
async fn five_wrong_entries_void_the_code() {
    let (app, browser, number) = marie_signed_in().await;
    browser.attach_form("code", &number, "").await;
    let code = app.last_code().await;
    let wrong = if code == "0000000" { "1111111" } else { "0000000" };
    for _ in 0..5 {
        browser.attach_form("ajouter", &number, wrong).await;
    }
    let (_, page) = browser.attach_form("ajouter", &number, &code).await;
    assert!(refused(&page), "the right code no longer works");
    assert_eq!(app.count("attachments").await, 0);
}

#[tokio::test]
async fn a_new_code_can_be_asked_after_sixty_seconds_and_three_times_an_hour() {
    let (app, browser, number) = marie_signed_in().await;
    assert_eq!(browser.attach_form("code", &number, "").await.0, 200);
    let (status, page) = browser.attach_form("code", &number, "").await;
    assert_eq!(status, 429, "a limit answers 429 with when to retry");
    assert!(page.contains("Vous pourrez en demander un nouveau dans 1 minute."), "{page}");
    for _ in 0..2 {
        app.clock.advance(Duration::seconds(61));
        assert_eq!(browser.attach_form("code", &number, "").await.0, 200);
    }
    app.clock.advance(Duration::seconds(61));
    let (status, page) = browser.attach_form("code", &number, "").await;
    assert_eq!(status, 429);
    assert!(page.contains("Trop de codes ont été demandés."));
    assert!(page.contains("dans 57 minutes"), "{page}");
    assert_eq!(app.outbox("sms").await.len(), 3);
    assert_eq!(app.last_audit().await.2.as_deref(), Some("limit:party_hour"));
}

#[tokio::test]
async fn at_most_ten_sms_per_user_per_day() {
    let app = TestApp::spawn().await;
    assert_eq!(app.put_json("/api/v1/cases/k", &the_guides_case()).await.status(), 201);
    for i in 0..11 {
        let party = json!({"kind": "person", "family_name": format!("PARTIE{i}"), "role": "intervenant", "mobile": format!("06 00 00 00 {i:02}")});
        assert_eq!(app.put_json(&format!("/api/v1/cases/k/parties/p{i}"), &party).await.status(), 201);
    }
    let browser = Browser::new(&app);
    browser.login_as(MARIE_NIR).await;
    for i in 0..10 {
        let number = app.number_of(&format!("p{i}")).await;
        assert_eq!(browser.attach_form("code", &number, "").await.0, 200, "code {i}");
        app.clock.advance(Duration::seconds(61));
        browser.get("/mon-espace").await;
    }
    let (status, page) = browser.attach_form("code", &app.number_of("p10").await, "").await;
    assert_eq!(status, 429);
    assert!(page.contains("Trop de codes ont été demandés."));
    assert_eq!(app.outbox("sms").await.len(), 10);
}

#[tokio::test]
async fn a_party_attached_to_another_account_gets_the_generic_refusal_and_an_audit_entry() {
    let (app, marie_browser, number) = marie_signed_in().await;
    marie_browser.attach_form("code", &number, "").await;
    let code = app.last_code().await;
    marie_browser.attach_form("ajouter", &number, &code).await;

    let nicolas = Browser::new(&app);
    nicolas.login_as(NICOLAS_NIR).await;
    let (status, page) = nicolas.attach_form("code", &number, "").await;
    assert_eq!(status, 422);
    assert!(refused(&page));
    assert!(!page.contains("•• 42"), "nothing about the party");
    assert_eq!(app.last_audit().await, ("attach.code".into(), "refused".into(), Some("attached_elsewhere".into())));
    assert_eq!(app.outbox("sms").await.len(), 1, "no SMS to Marie for Nicolas's request");
}

#[tokio::test]
async fn a_party_without_a_mobile_is_sent_to_the_sauj() {
    let app = TestApp::spawn().await;
    app.publish_the_guides_case().await;
    let mut no_mobile = marie();
    no_mobile.as_object_mut().unwrap().remove("mobile");
    app.put_json("/api/v1/cases/2018-01234/parties/marie", &no_mobile).await;
    let browser = Browser::new(&app);
    browser.login_as(MARIE_NIR).await;
    let (status, page) = browser.attach_form("code", &app.number_of("marie").await, "").await;
    assert_eq!(status, 422);
    assert!(
        page.contains("Aucun numéro de mobile n&#39;est enregistré")
            || page.contains("Aucun numéro de mobile n'est enregistré")
    );
    assert!(
        page.contains("service d&#39;accueil unique du justiciable")
            || page.contains("service d'accueil unique du justiciable")
    );
    assert!(page.contains("Tribunal judiciaire de Saint-Denis-de-La-Réunion"));
    assert!(page.contains("/annuaire/tj-saint-denis-reunion"));
    assert!(app.outbox("sms").await.is_empty());
}

#[tokio::test]
async fn thousands_of_guesses_attach_nothing_and_send_few_sms() {
    let (app, browser, number) = marie_signed_in().await;
    browser.attach_form("code", &number, "").await;
    let page = browser.get("/mon-espace/ajouter").await.text().await.unwrap();
    let token = form_value(&page, "csrf").unwrap();
    let alphabet = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut limited = 0;
    for i in 0..1500u32 {
        // Half the guesses on Marie's real number with codes in sequence, half
        // on made-up numbers; a code request now and then.
        let guess_number = if i % 2 == 0 {
            number.clone()
        } else {
            (0..12).map(|j| alphabet[((i * 7 + j * 13) % 31) as usize] as char).collect()
        };
        let action = if i % 50 == 0 { "code" } else { "ajouter" };
        let code = format!("{:07}", i * 6007 % 10_000_000);
        let r = browser
            .post(
                "/mon-espace/ajouter",
                &[
                    ("csrf", &token),
                    ("numero", &guess_number),
                    ("code", if action == "code" { "" } else { &code }),
                    ("action", action),
                ],
            )
            .await;
        let html = r.text().await.unwrap();
        if html.contains("Trop d") {
            limited += 1;
        }
        if i % 200 == 0 {
            browser.get("/mon-espace").await;
        }
    }
    assert_eq!(app.count("attachments").await, 0);
    assert!(limited > 1400, "the limit stops the guessing: {limited}");
    assert!(app.outbox("sms").await.len() <= 3, "SMS sent: {}", app.outbox("sms").await.len());
}

#[tokio::test]
async fn a_refused_form_lists_its_errors_at_the_top_each_linking_to_its_field() {
    let (_app, browser, _) = marie_signed_in().await;
    let (status, page) = browser.attach_form("ajouter", "PJTK5", "12ab").await;
    assert_eq!(status, 422);
    let summary = &page[page.find("Le formulaire contient 2 erreurs").expect("a summary")..];
    let (to_number, to_code) = (summary.find("href=\"#numero\"").unwrap(), summary.find("href=\"#code\"").unwrap());
    assert!(to_number < to_code, "in the order of the fields");
    assert!(summary.find("id=\"numero\"").unwrap() > to_code, "above the form");
    for field in ["numero", "code"] {
        assert!(page.contains(&format!("aria-describedby=\"{field}-erreur\"")), "{field}: its message next to it");
    }

    let (status, page) = browser.attach_form("ajouter", "PJTK5", "1234567").await;
    assert_eq!(status, 422);
    assert!(page.contains("Le formulaire contient 1 erreur<"), "one error, singular");
}

#[tokio::test]
async fn a_form_is_read_as_a_browser_sends_it_and_nothing_else() {
    let (app, browser, number) = marie_signed_in().await;
    let page = browser.get("/mon-espace/ajouter").await.text().await.unwrap();
    let csrf = form_value(&page, "csrf").unwrap();
    // A field sent twice counts as its last value, as before the framework.
    let r = browser
        .post("/mon-espace/ajouter", &[("csrf", &csrf), ("numero", "x"), ("numero", &number), ("action", "code")])
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(app.outbox("sms").await.len(), 1);
    // The same fields as JSON are not a form (sent as a same-site
    // navigation, so that only the form's reading can refuse it).
    let r = browser
        .client
        .post(format!("{}/mon-espace/ajouter", browser.base))
        .header("sec-fetch-site", "same-origin")
        .header("sec-fetch-mode", "navigate")
        .header("sec-fetch-dest", "document")
        .json(&json!({"csrf": csrf, "numero": number, "action": "code"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn the_form_refuses_a_post_without_its_token_and_needs_a_session() {
    let (app, browser, number) = marie_signed_in().await;
    let r = browser.post("/mon-espace/ajouter", &[("csrf", "forged"), ("numero", &number), ("action", "code")]).await;
    assert_eq!(r.status(), 403);
    assert!(app.outbox("sms").await.is_empty());
    let anonymous = Browser::new(&app);
    assert_eq!(anonymous.get("/mon-espace/ajouter").await.status(), 303);
}

#[tokio::test]
async fn the_lost_number_page_leads_to_the_directory() {
    let app = TestApp::spawn().await;
    let html = Browser::new(&app).get("/aide/numero-perdu").await.text().await.unwrap();
    assert!(
        html.contains("Vous avez perdu votre numéro d&#39;identification ?")
            || html.contains("Vous avez perdu votre numéro d'identification ?")
    );
    assert!(html.contains("href=\"/annuaire\""));
}

/// Asks for a code with these forwarding header lines, as the portal's
/// reverse proxy would pass them on; returns the address the limits
/// counted.
async fn counted_address(app: &TestApp, browser: &Browser, forwarded: &[&str]) -> String {
    let page = browser.get("/mon-espace/ajouter").await.text().await.unwrap();
    let token = form_value(&page, "csrf").unwrap();
    let mut request = browser.client.post(app.url("/mon-espace/ajouter"));
    for line in forwarded {
        request = request.header("x-forwarded-for", *line);
    }
    request.form(&[("csrf", token.as_str()), ("numero", "PJTK5SY2ZZPJ"), ("action", "code")]).send().await.unwrap();
    let mut conn = app.services.db.read().await.unwrap();
    let (subject,): (String,) =
        sqlx::query_as("SELECT subject FROM rate_events WHERE action = 'code_request' ORDER BY id DESC LIMIT 1")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    subject
}

#[tokio::test]
async fn without_trusted_proxies_a_forwarding_header_is_not_believed() {
    let (app, browser, _) = marie_signed_in().await;
    assert_eq!(counted_address(&app, &browser, &["203.0.113.7"]).await, "ip:127.0.0.1");
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_right_most_untrusted_address_of_every_line_counts() {
    let app = TestApp::spawn_with(&[("PORTALIS_TRUSTED_PROXIES", "127.0.0.1/32, 10.0.0.0/8")]).await;
    app.publish_the_guides_case().await;
    let browser = Browser::new(&app);
    browser.login_as(MARIE_NIR).await;
    // The proxy adds its own line after the client's (HAProxy does).
    assert_eq!(counted_address(&app, &browser, &["6.6.6.6", "198.51.100.9"]).await, "ip:198.51.100.9");
    // A client that forges the start of the list changes nothing.
    assert_eq!(counted_address(&app, &browser, &["1.1.1.1, 198.51.100.9"]).await, "ip:198.51.100.9");
    // Through two proxies.
    assert_eq!(counted_address(&app, &browser, &["7.7.7.7, 198.51.100.9, 10.1.2.3"]).await, "ip:198.51.100.9");
    // An IPv6 subscriber counts by his /64, whichever address he takes in it.
    assert_eq!(counted_address(&app, &browser, &["2001:db8:1:2:aaaa::1"]).await, "ip:2001:db8:1:2::/64");
    assert_eq!(counted_address(&app, &browser, &["2001:db8:1:2:bbbb::2"]).await, "ip:2001:db8:1:2::/64");
    // What is not an address is not a client: the proxy is counted.
    assert_eq!(counted_address(&app, &browser, &["198.51.100.9, nonsense"]).await, "ip:127.0.0.1");
}

/// The form's token, then the same POST `n` times at once.
async fn at_once(browser: &Browser, n: usize, fields: &[(&str, &str)]) {
    let page = browser.get("/mon-espace/ajouter").await.text().await.unwrap();
    let token = form_value(&page, "csrf").unwrap();
    let mut form = vec![("csrf", token.as_str())];
    form.extend_from_slice(fields);
    let posts: Vec<_> = (0..n).map(|_| browser.post("/mon-espace/ajouter", &form)).collect();
    futures::future::join_all(posts).await;
}

async fn audited(app: &TestApp, action: &str, detail: &str) -> i64 {
    let mut conn = app.services.db.read().await.unwrap();
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE action = $1 AND detail = $2")
        .bind(action)
        .bind(detail)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    n
}

#[tokio::test]
async fn twenty_wrong_codes_posted_at_once_try_the_code_five_times() {
    let (app, browser, number) = marie_signed_in().await;
    browser.attach_form("code", &number, "").await;
    let code = app.last_code().await;
    let wrong = if code == "0000000" { "1111111" } else { "0000000" };
    at_once(&browser, 20, &[("numero", &number), ("code", wrong), ("action", "ajouter")]).await;
    assert_eq!(audited(&app, "attach", "wrong_code").await, 5, "five guesses on one code, however they arrive");
    let (status, _) = browser.attach_form("ajouter", &number, &code).await;
    assert_ne!(status, 303, "the code is void");
    assert_eq!(app.count("attachments").await, 0);
}

#[tokio::test]
async fn codes_asked_at_once_send_one_sms_per_user_and_three_per_party() {
    let (app, marie, number) = marie_signed_in().await;
    at_once(&marie, 10, &[("numero", &number), ("action", "code")]).await;
    assert_eq!(app.outbox("sms").await.len(), 1, "a minute between two codes for a user, however they arrive");

    // Six other people at once, each several times: two more codes make
    // the three a party may get in an hour.
    let population = portalis_fc_sim::population_nir;
    let app = TestApp::spawn_with(&[("PORTALIS_FC_SIM_POPULATION", "6")]).await;
    app.publish_the_guides_case().await;
    let number = app.number_of("marie").await;
    let mut browsers = Vec::new();
    for k in 0..6 {
        let b = Browser::new(&app);
        b.login_as(&population(k)).await;
        browsers.push(b);
    }
    let fields = [("numero", number.as_str()), ("action", "code")];
    let asks: Vec<_> = browsers.iter().map(|b| at_once(b, 3, &fields)).collect();
    futures::future::join_all(asks).await;
    assert_eq!(app.outbox("sms").await.len(), 3, "three codes per party per hour, however they arrive");
}
