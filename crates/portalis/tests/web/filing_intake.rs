//! The court's intake of online filings through its API: it lists what was
//! sent to it, reads each filing (the filer's identity, the answers, the
//! files) and answers it; a registration makes the filer follow the case
//! the court opened, a refusal tells him why. Another court sees nothing.

use crate::filings::{a_jaf_request_to_review, location, token};
use crate::support::{Browser, MARIE_NIR, TestApp, invalid_fields, marie, pdf, problem, the_guides_case};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

/// Marie sends a JAF request with one file to the court of 97400: its
/// number (the API's form, without dashes).
pub(crate) async fn a_sent_jaf_request(app: &TestApp, marie: &Browser) -> String {
    let review = a_jaf_request_to_review(marie).await;
    let pieces = review.replace("/verification", "/pieces");
    let csrf = token(marie, &pieces).await;
    let file = Form::new()
        .percent_encode_noop()
        .text("csrf", csrf.clone())
        .text("piece", "acte_naissance")
        .part("fichier", Part::bytes(pdf(3)).file_name("acte de naissance.pdf"));
    assert_eq!(marie.post_multipart(&pieces, file).await.status(), 303);
    let r = marie.post(&review.replace("/verification", "/envoi"), &[("csrf", &csrf), ("certifie", "1")]).await;
    assert_eq!(r.status(), 303);
    let page = marie.get(&location(&r)).await.text().await.unwrap();
    assert!(page.contains("Avis électronique de réception"));
    let listed: Value = app.get("/api/v1/filings?status=envoyee").await.json().await.unwrap();
    listed["items"][0]["filing_number"].as_str().expect("listed").to_owned()
}

pub(crate) async fn marie_signed_in(app: &TestApp) -> Browser {
    let b = Browser::new(app);
    b.login_as(MARIE_NIR).await;
    b
}

#[tokio::test]
async fn the_court_reads_a_filing_registers_it_and_the_filer_follows_the_case_it_opened() {
    let app = TestApp::spawn().await;
    let marie_browser = marie_signed_in(&app).await;
    let number = a_sent_jaf_request(&app, &marie_browser).await;

    let r = app.get("/api/v1/filings").await;
    assert_eq!(r.status(), 200);
    let page: Value = r.json().await.unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["status"], "envoyee");
    assert!(page["next_after"].is_null(), "one page");

    let filing: Value = app.get(&format!("/api/v1/filings/{number}")).await.json().await.unwrap();
    assert_eq!(filing["procedure"], "jaf");
    assert_eq!(filing["filer"]["contact_email"], "marie.delestable@exemple.fr");
    assert!(filing["filer"]["family_name"].as_str().is_some(), "from FranceConnect");
    assert_eq!(filing["answers"]["enfants"][0]["prenoms"], "Léa");
    assert_eq!(filing["answers"]["enfants"][0]["naissance"], "2019-06-04", "canonical values");
    assert_eq!(filing["answers"]["demandes"]["demandes"], json!(["residence", "pension"]));
    assert_eq!(filing["answers"]["vous"]["adresse_confidentielle"], true, "the court is told it is confidential");
    assert!(filing["answers"]["autre_parent"].get("adresse").is_none(), "not asked, not kept");
    let file = &filing["attachments"][0];
    assert_eq!((file["n"].as_i64(), file["piece"].as_str()), (Some(1), Some("acte_naissance")));
    assert_eq!(file["sha256"], portalis_core::secret::sha256_hex(&pdf(3)));
    let bytes = app.get(file["url"].as_str().unwrap()).await.bytes().await.unwrap();
    assert_eq!(bytes.to_vec(), pdf(3));
    let request = app.get(filing["request_pdf"].as_str().unwrap()).await;
    assert_eq!(request.headers()["content-type"], "application/pdf");
    let request = request.bytes().await.unwrap();
    assert!(portalis_core::document::check_pdf(&request).is_ok());
    let text = String::from_utf8_lossy(&request);
    let dashed = format!("{}-{}-{}", &number[..4], &number[4..8], &number[8..]);
    for shown in [
        "Requ\u{ea}te au juge aux affaires familiales",
        &format!("Demande n\u{b0} {dashed}"),
        "Enfant 1",
        "Pr\u{e9}noms : L\u{e9}a",
        "acte de naissance.pdf",
        file["sha256"].as_str().unwrap(),
        "certifi\u{e9} sur l'honneur",
    ] {
        let encoded: Vec<u8> = shown.chars().map(|c| c as u32 as u8).collect();
        assert!(request.windows(encoded.len()).any(|w| w == encoded), "the request shows {shown}: {text}");
    }
    // The filer's identity as it was when he sent it, whatever a later
    // login refreshes.
    let mut tx = app.services.db.begin().await.unwrap();
    let conn: &mut portalis_storage::Conn = &mut tx;
    sqlx::query("UPDATE users SET family_name = 'AUTRENOM'").execute(conn).await.unwrap();
    portalis_storage::commit(tx).await.unwrap();
    assert!(
        !text.contains("12 rue des Lilas"),
        "a confidential address is not in the request the other parent may receive"
    );
    assert!(text.contains("Adresse : confidentielle"));
    assert_eq!(filing["answers"]["vous"]["adresse"], "12 rue des Lilas", "the court has it");
    let again = app.get(&format!("/api/v1/filings/{number}/request.pdf")).await.bytes().await.unwrap();
    assert_eq!(again, request, "the same document at every download");
    let filing_again: Value = app.get(&format!("/api/v1/filings/{number}")).await.json().await.unwrap();
    assert_eq!(filing_again["filer"], filing["filer"]);
    let openapi: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    let schema = &openapi["components"]["schemas"]["JafAnswers"];
    conforms(&filing["answers"], schema, "answers");
    assert_eq!(app.get(&format!("/api/v1/filings/{dashed}")).await.status(), 200, "as the avis writes it");

    // Registered before the court publishes the case: the filer follows it
    // as soon as it does.
    let registration = json!({"case_ref": "2026-00042", "party_ref": "requerante"});
    let path = format!("/api/v1/filings/{number}/registration");
    let r = app.post_json(&path, &registration).await;
    assert_eq!(r.status(), 200);
    let registered: Value = r.json().await.unwrap();
    assert_eq!(registered["status"], "enregistree");
    assert_eq!(registered["registration"]["case_ref"], "2026-00042");
    let mails = app.outbox_of_kind("filing_registered").await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].0, "marie.delestable@exemple.fr");
    assert!(mails[0].2.contains("La juridiction a enregistré votre demande."), "no RG number yet");
    assert!(mails[0].2.contains("apparaîtra dans votre espace personnel dès qu'elle l'aura publié"), "{}", mails[0].2);
    let receipt = marie_browser.get(&format!("/mes-demarches/{}", public_id(&app).await)).await.text().await.unwrap();
    assert!(receipt.contains("apparaîtra dans <a href=\"/mon-espace\">Mes dossiers</a> dès qu'il l'aura publié"));
    assert_eq!(app.count("attachments").await, 0, "no party yet");

    assert_eq!(app.put_json("/api/v1/cases/2026-00042", &the_guides_case()).await.status(), 201);
    assert_eq!(app.put_json("/api/v1/cases/2026-00042/parties/requerante", &marie()).await.status(), 201);
    assert_eq!(app.count("attachments").await, 1, "attached without an identification number");
    let space = marie_browser.get("/mon-espace").await.text().await.unwrap();
    assert!(space.contains("1 dossier affiché sur 1 rattaché"), "the case is in Mes dossiers");
    let receipt = marie_browser.get(&format!("/mes-demarches/{}", public_id(&app).await)).await.text().await.unwrap();
    assert!(receipt.contains("le dossier qu'il a ouvert est dans"));

    let again = app.post_json(&path, &registration).await;
    assert_eq!(again.status(), 200, "the same registration again changes nothing");
    assert_eq!(app.outbox_of_kind("filing_registered").await.len(), 1);
    let other = app.post_json(&path, &json!({"case_ref": "2026-00042", "party_ref": "autre"})).await;
    assert_eq!(other.status(), 409);
    let refusal = app.post_json(&format!("/api/v1/filings/{number}/refusal"), &json!({"reason": "Trop tard."})).await;
    assert_eq!(refusal.status(), 409, "registered: it cannot be refused");
    let receipt = marie_browser.get("/mes-demarches").await.text().await.unwrap();
    assert!(receipt.contains("Enregistrée"));
}

#[tokio::test]
async fn a_registration_of_a_party_already_published_attaches_at_once_and_names_the_rg_number() {
    let app = TestApp::spawn().await;
    let marie_browser = marie_signed_in(&app).await;
    let number = a_sent_jaf_request(&app, &marie_browser).await;
    assert_eq!(app.put_json("/api/v1/cases/2026-00042", &the_guides_case()).await.status(), 201);
    assert_eq!(app.put_json("/api/v1/cases/2026-00042/parties/requerante", &marie()).await.status(), 201);
    let body = json!({"case_ref": "2026-00042", "party_ref": "requerante"});
    // Two answers at once: one registration, one e-mail.
    let path = format!("/api/v1/filings/{number}/registration");
    let (a, b) = tokio::join!(app.post_json(&path, &body), app.post_json(&path, &body));
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (200, 200));
    assert_eq!(app.count("attachments").await, 1);
    let mails = app.outbox_of_kind("filing_registered").await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].2.contains("sous le numéro RG 18/01234"));
    assert_eq!(app.count_where("audit_log", "action = 'filing.registered'").await, 1);
}

#[tokio::test]
async fn a_refused_filing_tells_the_filer_why_by_email_and_on_its_page() {
    let app = TestApp::spawn().await;
    let marie_browser = marie_signed_in(&app).await;
    let number = a_sent_jaf_request(&app, &marie_browser).await;
    let path = format!("/api/v1/filings/{number}/refusal");
    let reason = json!({"reason": "La requête relève du tribunal judiciaire de Paris."});
    let r = app.post_json(&path, &reason).await;
    assert_eq!(r.status(), 200);
    let refused: Value = r.json().await.unwrap();
    assert_eq!(refused["status"], "refusee");
    assert_eq!(refused["refusal"]["reason"], "La requête relève du tribunal judiciaire de Paris.");
    assert_eq!(app.post_json(&path, &reason).await.status(), 200, "the same refusal again");
    assert_eq!(app.post_json(&path, &json!({"reason": "Autre motif."})).await.status(), 409);
    let mails = app.outbox_of_kind("filing_refused").await;
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0].2.contains("Motif indiqué par la juridiction : La requête relève du tribunal judiciaire de Paris.")
    );
    let mine = marie_browser.get("/mes-demarches").await.text().await.unwrap();
    assert!(mine.contains("Refusée"));
    let body = json!({"case_ref": "a", "party_ref": "b"});
    let registration = app.post_json(&format!("/api/v1/filings/{number}/registration"), &body).await;
    assert_eq!(registration.status(), 409);
    let listed: Value = app.get("/api/v1/filings?status=envoyee").await.json().await.unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 0, "no longer waiting");
}

#[tokio::test]
async fn another_court_sees_none_of_it_and_a_draft_is_no_courts() {
    let app = TestApp::spawn().await;
    let marie_browser = marie_signed_in(&app).await;
    let number = a_sent_jaf_request(&app, &marie_browser).await;
    // A draft, sent nowhere yet.
    a_jaf_request_to_review(&marie_browser).await;
    let listed: Value = app.get("/api/v1/filings").await.json().await.unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1, "the draft is not the court's");

    let paris = app.key_for("tj-paris").await;
    let listed: Value = app.get_with(&paris, "/api/v1/filings").await.json().await.unwrap();
    assert_eq!(listed["items"], json!([]));
    for path in [format!("/api/v1/filings/{number}"), format!("/api/v1/filings/{number}/attachments/1")] {
        assert_eq!(app.get_with(&paris, &path).await.status(), 404, "{path}");
    }
    assert_eq!(app.get_with(&paris, &format!("/api/v1/filings/{number}/request.pdf")).await.status(), 404);
    // A cursor is a position: one drawn from another court's filing pages
    // through Paris's own, and tells nothing of the other's.
    let sent_at = chrono::DateTime::parse_from_rfc3339(numbers_sent_at(&app, &number).await.as_str().unwrap()).unwrap();
    let cursor = format!("{}-{number}", sent_at.timestamp_micros() - 1);
    let r = app.get_with(&paris, &format!("/api/v1/filings?after={cursor}")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"items": [], "next_after": null}));
    let body = json!({"case_ref": "x", "party_ref": "y"});
    let r = app.post_json_with(&paris, &format!("/api/v1/filings/{number}/registration"), &body).await;
    assert_eq!(r.status(), 404);
    let r = app.post_json_with(&paris, &format!("/api/v1/filings/{number}/refusal"), &json!({"reason": "x"})).await;
    assert_eq!(r.status(), 404);
    assert_eq!(app.count_where("filings", "status = 'envoyee'").await, 1, "unchanged");
    assert_eq!(app.get(&format!("/api/v1/filings/{number}/attachments/2")).await.status(), 404);
}

#[tokio::test]
async fn bad_queries_and_bodies_are_refused_by_name() {
    let app = TestApp::spawn().await;
    let marie_browser = marie_signed_in(&app).await;
    let number = a_sent_jaf_request(&app, &marie_browser).await;
    for (query, field) in
        [("status=brouillon", "status"), ("after=nope", "after"), ("limit=0", "limit"), ("limite=3", "limite")]
    {
        let r = app.get(&format!("/api/v1/filings?{query}")).await;
        assert_eq!(r.status(), 422, "{query}");
        assert_eq!(invalid_fields(&problem(r).await), [field]);
    }
    let r = app.post_json(&format!("/api/v1/filings/{number}/registration"), &json!({"case_ref": "2026-1"})).await;
    assert_eq!(r.status(), 422);
    assert_eq!(invalid_fields(&problem(r).await), ["party_ref"]);
    let r = app.post_json(&format!("/api/v1/filings/{number}/refusal"), &json!({"reason": "  "})).await;
    assert_eq!(r.status(), 422);
    assert_eq!(invalid_fields(&problem(r).await), ["reason"]);
    assert_eq!(app.get("/api/v1/filings/not-a-number").await.status(), 422);
    assert_eq!(app.count_where("filings", "status = 'envoyee'").await, 1, "nothing half-written");
}

#[tokio::test]
async fn the_court_pages_through_its_filings_oldest_first_a_tie_by_number() {
    let app = TestApp::spawn().await;
    let marie_browser = marie_signed_in(&app).await;
    let mut numbers = Vec::new();
    // The second and third at the same instant: in their numbers' order.
    for advance in [1, 1, 0] {
        let number = a_sent_jaf_request_sent_later(&app, &marie_browser, advance, &numbers).await;
        numbers.push(number);
    }
    let mut expected = numbers.clone();
    expected[1..].sort();
    let first: Value = app.get("/api/v1/filings?limit=2").await.json().await.unwrap();
    assert_eq!(first["items"][1]["sent_at"], numbers_sent_at(&app, &numbers[2]).await, "a tie on the page's edge");
    let after = first["next_after"].as_str().expect("a next page").to_owned();
    let second: Value = app.get(&format!("/api/v1/filings?limit=2&after={after}")).await.json().await.unwrap();
    let listed: Vec<String> = [&first, &second].iter().flat_map(|p| numbers_in(p)).collect();
    assert_eq!(listed, expected);
    assert!(second["next_after"].is_null());
}

#[tokio::test]
async fn a_page_s_cursor_still_pages_on_once_its_filing_is_deleted_past_retention() {
    let app = TestApp::spawn_with(&[("PORTALIS_FILING_RETENTION_DAYS", "1")]).await;
    let marie_browser = marie_signed_in(&app).await;
    let earliest = a_sent_jaf_request_sent_later(&app, &marie_browser, 0, &[]).await;
    let second = a_sent_jaf_request_sent_later(&app, &marie_browser, 1, std::slice::from_ref(&earliest)).await;
    let first: Value = app.get("/api/v1/filings?limit=1").await.json().await.unwrap();
    assert_eq!(numbers_in(&first), std::slice::from_ref(&earliest));
    let after = first["next_after"].as_str().expect("a next page").to_owned();
    app.clock.advance(chrono::Duration::days(2));
    app.schedule().await;
    for number in [&earliest, &second] {
        assert_eq!(app.get(&format!("/api/v1/filings/{number}")).await.status(), 404, "forgotten past its retention");
    }
    let marie_two_days_later = marie_signed_in(&app).await;
    let newer = a_sent_jaf_request_sent_later(&app, &marie_two_days_later, 0, &[]).await;

    let next: Value = app.get(&format!("/api/v1/filings?limit=1&after={after}")).await.json().await.unwrap();
    assert_eq!(numbers_in(&next), [newer]);
    assert!(next["next_after"].is_null());
}

fn numbers_in(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|i| i["filing_number"].as_str().unwrap().to_owned()).collect()
}

/// A JAF request sent `minutes` after the previous one: its number (the
/// one listed that is not among `known`).
async fn a_sent_jaf_request_sent_later(app: &TestApp, marie: &Browser, minutes: i64, known: &[String]) -> String {
    app.clock.advance(chrono::Duration::minutes(minutes));
    let review = a_jaf_request_to_review(marie).await;
    let csrf = token(marie, &review).await;
    let r = marie.post(&review.replace("/verification", "/envoi"), &[("csrf", &csrf), ("certifie", "1")]).await;
    assert_eq!(r.status(), 303);
    let listed: Value = app.get("/api/v1/filings?limit=100").await.json().await.unwrap();
    let mut new = numbers_in(&listed).into_iter().filter(|n| !known.contains(n));
    let number = new.next().expect("the filing just sent");
    assert_eq!(new.next(), None, "a single new filing");
    number
}

async fn numbers_sent_at(app: &TestApp, number: &str) -> Value {
    let filing: Value = app.get(&format!("/api/v1/filings/{number}")).await.json().await.unwrap();
    filing["sent_at"].clone()
}

/// Whether `value` conforms to `schema`, in the subset of JSON Schema the
/// answers' schemas use (type, properties, required, additionalProperties,
/// items, enum, pattern, maxLength, minItems, maxItems); panics naming
/// where it does not.
fn conforms(value: &Value, schema: &Value, at: &str) {
    match schema["type"].as_str() {
        Some("object") => {
            let object = value.as_object().unwrap_or_else(|| panic!("{at}: not an object"));
            let properties = schema["properties"].as_object().unwrap();
            for required in schema["required"].as_array().into_iter().flatten() {
                assert!(object.contains_key(required.as_str().unwrap()), "{at}: {required} is missing");
            }
            for (k, v) in object {
                match properties.get(k) {
                    Some(s) => conforms(v, s, &format!("{at}.{k}")),
                    None => assert!(schema["additionalProperties"] != false, "{at}: {k} is not in the schema"),
                }
            }
        }
        Some("array") => {
            let items = value.as_array().unwrap_or_else(|| panic!("{at}: not an array"));
            if let Some(min) = schema["minItems"].as_u64() {
                assert!(items.len() as u64 >= min, "{at}: fewer than {min}");
            }
            if let Some(max) = schema["maxItems"].as_u64() {
                assert!(items.len() as u64 <= max, "{at}: more than {max}");
            }
            for (i, v) in items.iter().enumerate() {
                conforms(v, &schema["items"], &format!("{at}[{i}]"));
            }
        }
        Some("string") => {
            let s = value.as_str().unwrap_or_else(|| panic!("{at}: not a string"));
            if let Some(max) = schema["maxLength"].as_u64() {
                assert!(s.chars().count() as u64 <= max, "{at}: longer than {max}");
            }
            if let Some(p) = schema["pattern"].as_str() {
                assert!(regex::Regex::new(p).unwrap().is_match(s), "{at}: {s:?} does not match {p}");
            }
        }
        Some("boolean") => assert!(value.is_boolean(), "{at}: not a boolean"),
        other => panic!("{at}: a schema of type {other:?}"),
    }
    if let Some(allowed) = schema["enum"].as_array() {
        assert!(allowed.contains(value), "{at}: {value} is not one of {allowed:?}");
    }
}

/// The public id of the (only) filing Marie sent.
async fn public_id(app: &TestApp) -> String {
    let mut conn = app.services.db.read().await.unwrap();
    let (id,): (String,) =
        sqlx::query_as("SELECT public_id FROM filings WHERE status <> 'brouillon' ORDER BY id LIMIT 1")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    id
}

#[tokio::test]
async fn a_party_that_does_not_bear_the_filers_name_is_not_his_to_follow_without_its_number() {
    let app = TestApp::spawn().await;
    let marie_browser = marie_signed_in(&app).await;
    let number = a_sent_jaf_request(&app, &marie_browser).await;
    assert_eq!(app.put_json("/api/v1/cases/2026-00042", &the_guides_case()).await.status(), 201);
    // The court mistyped the party: Nicolas's, not hers.
    let mut nicolas = marie();
    nicolas["given_names"] = json!("Nicolas");
    nicolas["family_name"] = json!("Dupont");
    assert_eq!(app.put_json("/api/v1/cases/2026-00042/parties/dupont", &nicolas).await.status(), 201);
    let body = json!({"case_ref": "2026-00042", "party_ref": "dupont"});
    assert_eq!(app.post_json(&format!("/api/v1/filings/{number}/registration"), &body).await.status(), 200);
    assert_eq!(app.count("attachments").await, 0, "not attached to another's party");
    let mails = app.outbox_of_kind("filing_registered").await;
    assert!(mails[0].2.contains("avec le numéro d'identification qu'elle vous adresse"), "{}", mails[0].2);
    assert!(mails[0].2.contains("/mon-espace/ajouter"), "the page where he types it");
    let receipt = marie_browser.get(&format!("/mes-demarches/{}", public_id(&app).await)).await.text().await.unwrap();
    assert!(receipt.contains("ajoutez-le à votre espace</a> avec le numéro d'identification"));
}

#[tokio::test]
async fn a_party_published_after_the_registration_that_is_not_the_filers_tells_him_to_use_its_number() {
    let app = TestApp::spawn().await;
    let marie_browser = marie_signed_in(&app).await;
    let number = a_sent_jaf_request(&app, &marie_browser).await;
    let body = json!({"case_ref": "2026-00042", "party_ref": "requerante"});
    assert_eq!(app.post_json(&format!("/api/v1/filings/{number}/registration"), &body).await.status(), 200);
    assert_eq!(app.put_json("/api/v1/cases/2026-00042", &the_guides_case()).await.status(), 201);
    let mut someone_else = marie();
    someone_else["family_name"] = json!("Dupont");
    assert_eq!(app.put_json("/api/v1/cases/2026-00042/parties/requerante", &someone_else).await.status(), 201);
    assert_eq!(app.count("attachments").await, 0);
    let told = app.outbox_of_kind("filing_case_to_attach").await;
    assert_eq!(told.len(), 1, "the promise of the registration's e-mail is corrected");
    assert!(told[0].2.contains("ajoutez-le à votre espace personnel avec le numéro d'identification"));
    // Corrected by the court: her name, and she follows it.
    assert_eq!(app.put_json("/api/v1/cases/2026-00042/parties/requerante", &marie()).await.status(), 200);
    assert_eq!(app.count("attachments").await, 1, "attached when the party is corrected");
    assert_eq!(app.outbox_of_kind("filing_case_to_attach").await.len(), 1);
}

#[tokio::test]
async fn a_party_published_while_its_registration_is_written_waits_for_it_and_attaches_the_filer() {
    use portalis_core::clock::Clock;
    let app = TestApp::spawn().await;
    let marie_browser = marie_signed_in(&app).await;
    let number = a_sent_jaf_request(&app, &marie_browser).await;
    assert_eq!(app.put_json("/api/v1/cases/2026-00042", &the_guides_case()).await.status(), 201);
    let db = &app.services.db;
    let (court, filing) = {
        let mut conn = db.read().await.unwrap();
        let court =
            portalis_storage::courts::by_code(&mut conn, "tj-saint-denis-reunion").await.unwrap().expect("the court");
        let number = portalis_core::filing::FilingNumber::parse(&number).unwrap();
        let filing = portalis_storage::filings::by_number(&mut conn, court.id, &number).await.unwrap().unwrap();
        (court, filing)
    };
    // The registration's transaction, held open after it wrote (and read
    // no party yet).
    let random = portalis_core::random::SeededRandom::new(3);
    let ctx = portalis_usecases::Context { now: app.clock.now(), random: &random, portal_url: &app.address };
    let mut tx = db.begin().await.unwrap();
    let api = portalis_usecases::Origin::Api { request_id: None };
    portalis_usecases::filings::register(&mut tx, ctx, &court, &filing, "2026-00042", "requerante", api).await.unwrap();
    // The party published meanwhile, by the court's system.
    let publish = {
        let request = app.client.put(app.url("/api/v1/cases/2026-00042/parties/requerante")).bearer_auth(&app.key);
        tokio::spawn(request.json(&marie()).send())
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!publish.is_finished(), "the publication waits for the registration it would not see");
    portalis_storage::commit(tx).await.unwrap();
    assert_eq!(publish.await.unwrap().unwrap().status(), 201);
    assert_eq!(app.count("attachments").await, 1, "it saw the registration and attached her");
}
