//! « Saisir la justice en ligne » over HTTP: a litigant starts a draft,
//! goes through its steps (errors shown with what he typed), saves it for
//! later, reviews it and sends it once; the avis de réception is e-mailed
//! in the court's time zone. Only its author sees a filing.

use crate::support::{Browser, MARIE_NIR, NICOLAS_NIR, TestApp, form_value, moment};
use reqwest::Response;

pub(crate) fn location(r: &Response) -> String {
    r.headers().get("location").expect("a redirect").to_str().unwrap().to_owned()
}

pub(crate) async fn token(b: &Browser, path: &str) -> String {
    let page = b.get(path).await.text().await.unwrap();
    form_value(&page, "csrf").expect("the page has a form")
}

/// Starts a draft of `procedure`: the path of its first step.
pub(crate) async fn start(b: &Browser, procedure: &str) -> String {
    let csrf = token(b, "/demarches").await;
    let r = b.post(&format!("/demarches/{procedure}"), &[("csrf", &csrf)]).await;
    assert_eq!(r.status(), 303);
    location(&r)
}

/// Submits a step with « Continuer »: the answer.
pub(crate) async fn step(b: &Browser, path: &str, fields: &[(&str, &str)]) -> Response {
    let csrf = token(b, path).await;
    let mut form = vec![("csrf", csrf.as_str()), ("action", "continuer")];
    form.extend_from_slice(fields);
    b.post(path, &form).await
}

/// Submits a step that must be accepted: the next page's path.
pub(crate) async fn next(b: &Browser, path: &str, fields: &[(&str, &str)]) -> String {
    let r = step(b, path, fields).await;
    let status = r.status();
    let url = r.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
    assert_eq!(status, 303, "{path}: {}", r.text().await.unwrap());
    url.unwrap()
}

pub(crate) const YOU: &[(&str, &str)] = &[
    ("adresse", "12 rue des Lilas"),
    ("code_postal", "97400"),
    ("commune", "Saint-Denis"),
    ("courriel", "marie.delestable@exemple.fr"),
    ("mobile", "06 92 12 34 56"),
    ("adresse_confidentielle", "1"),
];

/// Marie fills a requête au juge aux affaires familiales up to its review.
pub(crate) async fn a_jaf_request_to_review(b: &Browser) -> String {
    let first = start(b, "jaf").await;
    assert!(first.ends_with("/etape/vous"), "{first}");
    let p = next(b, &first, YOU).await;
    let p = next(
        b,
        &p,
        &[
            ("nom", "DUPONT"),
            ("prenoms", "Nicolas"),
            ("adresse_connue", "non"),
            ("adresse", "not kept: the address is unknown"),
        ],
    )
    .await;
    let p = next(
        b,
        &p,
        &[
            ("items", "1"),
            ("nom_1", "DUPONT"),
            ("prenoms_1", "Léa"),
            ("naissance_1", "04/06/2019"),
            ("vit_1", "chez_vous"),
        ],
    )
    .await;
    let p = next(b, &p, &[("code_postal_enfants", "97400"), ("juridiction", ""), ("existe", "non")]).await;
    let p = next(
        b,
        &p,
        &[
            ("demandes__residence", "1"),
            ("demandes__pension", "1"),
            ("montant_pension", "150"),
            ("precisions", "La résidence de Léa chez moi."),
            ("motifs", "Léa vit avec moi depuis la séparation."),
        ],
    )
    .await;
    let p = next(b, &p, &[("revenus", "1 850,50")]).await;
    let pieces = next(b, &p, &[("mediation", "dispense"), ("motif", "motif_legitime"), ("aide", "non_demandee")]).await;
    assert!(pieces.ends_with("/pieces"), "the attachments come after the last step: {pieces}");
    pieces.replace("/pieces", "/verification")
}

#[tokio::test]
async fn a_litigant_files_a_request_to_the_family_judge_from_draft_to_receipt() {
    let app = TestApp::spawn().await;
    let marie = Browser::new(&app);
    marie.login_as(MARIE_NIR).await;
    let list = marie.get("/demarches").await.text().await.unwrap();
    for title in ["Requête au juge aux affaires familiales", "Constitution de partie civile", "mesure de protection"] {
        assert!(list.contains(title), "{title}");
    }

    let review = a_jaf_request_to_review(&marie).await;
    let page = marie.get(&review).await.text().await.unwrap();
    assert!(page.contains("Tribunal judiciaire de Saint-Denis-de-La-Réunion"), "the court of 97400 is proposed");
    assert!(page.contains("4 juin 2019") && page.contains("1\u{202f}850,50\u{a0}€"), "answers shown in French");
    assert!(!page.contains("not kept"), "an answer to a question not asked is not kept");

    let send = review.replace("/verification", "/envoi");
    let csrf = token(&marie, &review).await;
    let r = marie.post(&send, &[("csrf", &csrf)]).await;
    assert_eq!(r.status(), 422, "the declaration must be ticked");
    assert!(r.text().await.unwrap().contains("Je certifie sur l"));
    assert_eq!(app.count_where("filings", "status = 'brouillon'").await, 1);

    let r = marie.post(&send, &[("csrf", &csrf), ("certifie", "1")]).await;
    assert_eq!(r.status(), 303);
    let receipt = location(&r);
    let page = marie.get(&receipt).await.text().await.unwrap();
    assert!(page.contains("Avis électronique de réception"));
    // The tests' clock reads 08:00 UTC: noon in Saint-Denis (UTC+4).
    assert!(page.contains("Jeudi 26 novembre 2026 à 12:00"), "the court's time");
    let mails = app.outbox_of_kind("filing_received").await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].0, "marie.delestable@exemple.fr", "to the address typed in the filing");
    assert!(mails[0].2.contains("jeudi 26 novembre 2026 à 12:00"));
    assert!(mails[0].2.contains("Tribunal judiciaire de Saint-Denis-de-La-Réunion"));
    assert!(mails[0].2.contains("vaut récépissé de votre requête"));

    for (pdf, shown) in [
        ("avis.pdf", "Avis \u{e9}lectronique de r\u{e9}ception"),
        ("demande.pdf", "Pourquoi demandez-vous cela ? L\u{e9}a vit avec moi"),
    ] {
        let r = marie.get(&format!("{receipt}/{pdf}")).await;
        assert_eq!(r.status(), 200, "{pdf}");
        assert_eq!(r.headers()["content-type"], "application/pdf");
        let bytes = r.bytes().await.unwrap();
        assert!(portalis_core::document::check_pdf(&bytes).is_ok());
        let encoded: Vec<u8> = shown.chars().map(|c| c as u32 as u8).collect();
        assert!(bytes.windows(encoded.len()).any(|w| w == encoded), "{pdf} shows {shown}");
        let nicolas = Browser::new(&app);
        nicolas.login_as(NICOLAS_NIR).await;
        assert_eq!(nicolas.get(&format!("{receipt}/{pdf}")).await.status(), 404, "{pdf} is hers only");
    }
    let mine = marie.get("/mes-demarches").await.text().await.unwrap();
    assert!(mine.contains("<td>Envoyée</td>"), "listed as sent");
    assert!(mine.contains("avez aucun brouillon"), "no draft left");
    assert_eq!(marie.get(&review).await.status(), 303, "a sent filing is not reviewed again");
}

#[tokio::test]
async fn a_step_with_errors_names_each_field_and_keeps_what_was_typed() {
    let app = TestApp::spawn().await;
    let marie = Browser::new(&app);
    marie.login_as(MARIE_NIR).await;
    let first = start(&marie, "jaf").await;
    let r =
        step(&marie, &first, &[("adresse", "12 rue des Lilas"), ("code_postal", "9740"), ("courriel", "marie@")]).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("Le formulaire contient 3 erreurs"), "postal code, town, e-mail");
    assert!(page.contains("href=\"#code_postal\""), "the summary links to the field");
    assert!(page.contains("Commune : ce champ est obligatoire."));
    assert!(page.contains("value=\"12 rue des Lilas\"") && page.contains("value=\"9740\""), "nothing typed is lost");
    assert!(page.contains("aria-invalid=\"true\""));
    // Saved as typed: the page shows it again later.
    let again = marie.get(&first).await.text().await.unwrap();
    assert!(again.contains("value=\"9740\""));
}

#[tokio::test]
async fn a_repeated_step_adds_a_child_in_place_and_drops_an_empty_one() {
    let app = TestApp::spawn().await;
    let marie = Browser::new(&app);
    marie.login_as(MARIE_NIR).await;
    let first = start(&marie, "jaf").await;
    let children = first.replace("/etape/vous", "/etape/enfants");
    let csrf = token(&marie, &children).await;
    let r =
        marie.post(&children, &[("csrf", &csrf), ("action", "ajouter"), ("items", "1"), ("prenoms_1", "Léa")]).await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("Enfant 2") && page.contains("id=\"prenoms_2\""));
    assert!(page.contains("value=\"Léa\""), "the first child's name is kept");
    // Three children shown, the second left empty: one more makes three,
    // not four (the empty one is dropped and Tom becomes the second).
    let r = marie
        .post(
            &children,
            &[("csrf", &csrf), ("action", "ajouter"), ("items", "3"), ("prenoms_1", "Léa"), ("prenoms_3", "Tom")],
        )
        .await;
    let page = r.text().await.unwrap();
    assert!(page.contains("Enfant 3") && !page.contains("Enfant 4"), "one child added");
    assert!(page.contains("id=\"prenoms_2\" name=\"prenoms_2\" value=\"Tom\""), "Tom is the second child");
    let r = step(
        &marie,
        &children,
        &[
            ("items", "2"),
            ("nom_1", "DUPONT"),
            ("prenoms_1", "Léa"),
            ("naissance_1", "2019-06-04"),
            ("vit_1", "alternee"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303, "the empty second child is dropped");
    let page = marie.get(&children).await.text().await.unwrap();
    assert!(!page.contains("Enfant 2"));
}

#[tokio::test]
async fn a_draft_is_saved_for_later_shows_its_deletion_date_and_can_be_deleted() {
    let app = TestApp::spawn().await;
    let marie = Browser::new(&app);
    marie.login_as(MARIE_NIR).await;
    let first = start(&marie, "protection_majeur").await;
    let csrf = token(&marie, &first).await;
    let r = marie.post(&first, &[("csrf", &csrf), ("action", "plus_tard"), ("adresse", "3 rue Roland Garros")]).await;
    assert_eq!(r.status(), 303);
    let draft = location(&r);
    let page = marie.get(&draft).await.text().await.unwrap();
    // Started 26 November 2026 (the tests' clock): deleted 30 days later.
    assert!(page.contains("Votre brouillon est enregistré. Vous pouvez le reprendre jusqu"));
    assert!(page.contains("Il sera supprimé le 26 décembre 2026"));
    let mine = marie.get("/mes-demarches").await.text().await.unwrap();
    assert!(mine.contains("sera supprimé le 26 décembre 2026"));

    let path = draft.split('?').next().unwrap().to_owned();
    let csrf = token(&marie, "/mes-demarches").await;
    let r = marie.post(&format!("{path}/suppression"), &[("csrf", &csrf)]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.count("filings").await, 0);
    assert_eq!(marie.get(&path).await.status(), 404);
}

#[tokio::test]
async fn a_filing_is_seen_and_changed_by_its_author_only() {
    let app = TestApp::spawn().await;
    let marie = Browser::new(&app);
    marie.login_as(MARIE_NIR).await;
    let review = a_jaf_request_to_review(&marie).await;
    let draft = review.trim_end_matches("/verification").to_owned();

    let nicolas = Browser::new(&app);
    nicolas.login_as(NICOLAS_NIR).await;
    for path in [draft.clone(), review.clone(), format!("{draft}/etape/vous")] {
        assert_eq!(nicolas.get(&path).await.status(), 404, "{path}");
    }
    let csrf = token(&nicolas, "/demarches").await;
    for path in [format!("{draft}/envoi"), format!("{draft}/suppression"), format!("{draft}/etape/vous")] {
        let r = nicolas.post(&path, &[("csrf", &csrf), ("certifie", "1"), ("adresse", "pris")]).await;
        assert_eq!(r.status(), 404, "{path}");
    }
    assert_eq!(app.count_where("filings", "status = 'brouillon'").await, 1);
    let page = marie.get(&format!("{draft}/etape/vous")).await.text().await.unwrap();
    assert!(!page.contains("pris"), "her draft is unchanged");
    let nicolas_list = nicolas.get("/mes-demarches").await.text().await.unwrap();
    assert!(!nicolas_list.contains("juge aux affaires familiales"));
}

#[tokio::test]
async fn pressing_send_twice_at_once_sends_the_filing_once() {
    let app = TestApp::spawn().await;
    let marie = Browser::new(&app);
    marie.login_as(MARIE_NIR).await;
    let review = a_jaf_request_to_review(&marie).await;
    let send = review.replace("/verification", "/envoi");
    let csrf = token(&marie, &review).await;
    let form = [("csrf", csrf.as_str()), ("certifie", "1")];
    let (a, b) = tokio::join!(marie.post(&send, &form), marie.post(&send, &form));
    assert_eq!((a.status(), b.status()), (reqwest::StatusCode::SEE_OTHER, reqwest::StatusCode::SEE_OTHER));
    assert_eq!(app.count_where("filings", "status = 'envoyee'").await, 1);
    assert_eq!(app.outbox_of_kind("filing_received").await.len(), 1, "one avis de réception");
    assert_eq!(app.count_where("audit_log", "action = 'filing.sent'").await, 1);
}

/// A constitution de partie civile for a hearing at 12:01 in Saint-Denis
/// (UTC+4, 08:01 UTC) on 27 November 2026 — 24 hours and a minute after
/// the tests' clock starts — up to its review.
async fn a_partie_civile_to_review(b: &Browser) -> String {
    let first = start(b, "partie_civile").await;
    assert!(first.ends_with("/etape/affaire"));
    let p = next(
        b,
        &first,
        &[
            ("juridiction", "tj-saint-denis-reunion"),
            ("numero_parquet", "23123000045"),
            ("date_audience", "27/11/2026"),
            ("heure_audience", "12h01"),
        ],
    )
    .await;
    let p = next(
        b,
        &p,
        &[
            ("qualite", "victime"),
            ("adresse", "12 rue des Lilas"),
            ("code_postal", "97400"),
            ("commune", "Saint-Denis"),
            ("courriel", "marie.delestable@exemple.fr"),
        ],
    )
    .await;
    let p = next(b, &p, &[("chefs__materiel", "1"), ("montant_materiel", "850")]).await;
    next(b, &p, &[("restitution", "non")]).await.replace("/pieces", "/verification")
}

#[tokio::test]
async fn a_constitution_de_partie_civile_is_refused_less_than_24_hours_before_the_hearing() {
    let app = TestApp::spawn().await;
    let marie = Browser::new(&app);
    marie.login_as(MARIE_NIR).await;
    let review = a_partie_civile_to_review(&marie).await;
    let send = review.replace("/verification", "/envoi");

    // One microsecond past 24 hours before 08:01 UTC (clocks, as the
    // system's, give microseconds).
    app.clock.set(moment(2026, 11, 26, 8, 1, 0) - chrono::Duration::nanoseconds(123_455_789));
    let csrf = token(&marie, &review).await;
    let r = marie.post(&send, &[("csrf", &csrf), ("certifie", "1")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Présentez-vous à l"));
    assert_eq!(app.count_where("filings", "status = 'brouillon'").await, 1, "nothing sent");

    // A hearing less than 24 hours away cannot even be typed in.
    let first = review.replace("/verification", "/etape/affaire");
    let r = step(
        &marie,
        &first,
        &[
            ("juridiction", "tj-saint-denis-reunion"),
            ("numero_parquet", "23123000045"),
            ("date_audience", "27/11/2026"),
            ("heure_audience", "12:01"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("moins de 24 heures"));
}

#[tokio::test]
async fn a_constitution_de_partie_civile_sent_24_hours_before_the_hearing_is_received() {
    let app = TestApp::spawn().await;
    let marie = Browser::new(&app);
    marie.login_as(MARIE_NIR).await;
    let review = a_partie_civile_to_review(&marie).await;
    // Exactly 24 hours before 12:01 in Saint-Denis, to the nanosecond.
    app.clock.set(moment(2026, 11, 26, 8, 1, 0) - chrono::Duration::nanoseconds(123_456_789));
    let csrf = token(&marie, &review).await;
    let r = marie.post(&review.replace("/verification", "/envoi"), &[("csrf", &csrf), ("certifie", "1")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.count_where("filings", "status = 'envoyee'").await, 1);
    let mail = &app.outbox_of_kind("filing_received").await[0].2;
    assert!(mail.contains("code de procédure pénale") && !mail.contains("requête"), "a criminal court's receipt");
}

#[tokio::test]
async fn a_litigant_keeps_at_most_twenty_drafts_and_is_told_to_finish_or_delete_one() {
    let app = TestApp::spawn().await;
    let marie = Browser::new(&app);
    marie.login_as(MARIE_NIR).await;
    let csrf = token(&marie, "/demarches").await;
    for _ in 0..portalis_core::filing::MAX_DRAFTS {
        assert_eq!(marie.post("/demarches/protection_majeur", &[("csrf", &csrf)]).await.status(), 303);
    }
    let r = marie.post("/demarches/jaf", &[("csrf", &csrf)]).await;
    assert_eq!(r.status(), 409);
    let page = r.text().await.unwrap();
    assert!(page.contains("Vous avez déjà 20 brouillons"), "{page}");
    assert!(page.contains("terminez ou supprimez d'abord un brouillon"));
    assert_eq!(app.count("filings").await, 20);

    let mine = marie.get("/mes-demarches").await.text().await.unwrap();
    let draft = crate::support::local_links(&mine)
        .into_iter()
        .find(|l| l.starts_with("/mes-demarches/") && l.matches('/').count() == 2)
        .expect("a draft's page");
    assert_eq!(marie.post(&format!("{draft}/suppression"), &[("csrf", &csrf)]).await.status(), 303);
    assert_eq!(marie.post("/demarches/jaf", &[("csrf", &csrf)]).await.status(), 303, "one deleted, one started");
}

#[tokio::test]
async fn a_victim_starts_a_constitution_de_partie_civile_from_her_case_prefilled_with_its_hearing() {
    use crate::support::{hearing, marie, the_guides_case};
    let app = TestApp::spawn().await;
    let mut penal = the_guides_case();
    penal["rg_number"] = serde_json::json!("23/00045");
    assert_eq!(app.put_json("/api/v1/cases/penal-1", &penal).await.status(), 201);
    let mut victim = marie();
    victim["role"] = serde_json::json!("victime");
    assert_eq!(app.put_json("/api/v1/cases/penal-1/parties/victime", &victim).await.status(), 201);
    assert_eq!(app.put_json("/api/v1/cases/penal-1/events/audience", &hearing()).await.status(), 201);
    let browser = Browser::new(&app);
    browser.login_as(MARIE_NIR).await;
    app.attach_all(&browser, "victime").await;

    let space = browser.get("/mon-espace").await.text().await.unwrap();
    let case = crate::support::local_links(&space).into_iter().find(|l| l.starts_with("/dossiers/")).unwrap();
    let page = browser.get(&case).await.text().await.unwrap();
    assert!(page.contains("au moins 24 heures avant l'audience du jeudi 21 janvier 2027 à 14:00"), "{page}");
    let dossier = form_value(&page, "dossier").expect("the case's own form");
    let csrf = form_value(&page, "csrf").unwrap();
    let r = browser.post("/demarches/partie_civile", &[("csrf", &csrf), ("dossier", &dossier)]).await;
    assert_eq!(r.status(), 303);
    let step = location(&r);
    let form = browser.get(&step).await.text().await.unwrap();
    assert!(form.contains("<option value=\"tj-saint-denis-reunion\" selected"), "the case's court");
    let prefilled =
        [("juridiction", "tj-saint-denis-reunion"), ("date_audience", "21/01/2027"), ("heure_audience", "14:00")];
    for (field, value) in &prefilled[1..] {
        assert_eq!(form_value(&form, field).as_deref(), Some(*value), "{field}");
    }
    assert_eq!(form_value(&form, "numero_parquet").as_deref(), Some(""), "not the N° RG: she types it");
    // The browser sends back what the page holds, and what she typed.
    let typed = [prefilled.as_slice(), &[("numero_parquet", "23123000045")]].concat();
    let next = next(&browser, &step, &typed).await;
    assert!(next.ends_with("/etape/vous"), "the prefilled step is accepted as it is: {next}");

    // Another's case is no case to prefill from.
    let nicolas = Browser::new(&app);
    nicolas.login_as(NICOLAS_NIR).await;
    let his = token(&nicolas, "/demarches").await;
    let r = nicolas.post("/demarches/partie_civile", &[("csrf", &his), ("dossier", &dossier)]).await;
    assert_eq!(r.status(), 404);
    assert_eq!(app.count("filings").await, 1, "nothing started for him");
}
