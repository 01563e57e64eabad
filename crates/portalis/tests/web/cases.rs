//! "Mes Dossiers" and the case page on the demo world: the list, filters,
//! exports, the case's life, documents, and access control.

use crate::support::{Browser, MARIE_NIR, NICOLAS_NIR, local_links};
use chrono::Duration;

const GUIDE_NATURE: &str = "Demande en réparation des dommages causés par des véhicules terrestres à moteur";
const COPRO_NATURE: &str = "Demande en paiement des charges ou des contributions (copropriété)";
const CLOSED_NATURE: &str = "Restitution du dépôt de garantie";

use crate::support::marie_with_her_cases;

fn position(html: &str, needle: &str) -> usize {
    html.find(needle).unwrap_or_else(|| panic!("{needle} not in the page"))
}

/// Where the card of a case (by its nature) is in the list; 0 if absent.
fn card(html: &str, nature: &str) -> usize {
    html.find(&format!("fr-card__title\">{nature}")).map(|p| p + 1).unwrap_or(0)
}

/// The URL of the guide case's page, from the list.
async fn guide_case_url(browser: &Browser) -> String {
    let list = browser.get("/mon-espace").await.text().await.unwrap();
    let start = card(&list, GUIDE_NATURE);
    assert!(start > 0, "the guide's case is listed");
    local_links(&list[start..]).into_iter().find(|l| l.starts_with("/dossiers/")).unwrap()
}

#[tokio::test]
async fn the_list_counts_in_french_and_puts_open_cases_by_nearest_hearing_first() {
    let (_app, browser) = marie_with_her_cases().await;
    let html = browser.get("/mon-espace").await.text().await.unwrap();
    assert!(html.contains("3 dossiers affichés sur 3 rattachés"));
    assert!(html.contains("Dossiers en cours (tri par défaut)"));
    // The copropriété hearing is in 20 days, the guide's in 56; the closed case last.
    assert!(0 < card(&html, COPRO_NATURE) && card(&html, COPRO_NATURE) < card(&html, GUIDE_NATURE));
    assert!(card(&html, GUIDE_NATURE) < card(&html, CLOSED_NATURE));
    assert!(html.contains("1 évènement à venir"));
    assert!(html.contains("Aucun évènement à venir"));
    assert!(html.contains("Dossier clôturé"));
    assert!(html.contains("N°Dossier : DB3Z-B7C-DFW5"));
    assert_eq!(html.matches(">Détail<").count(), 3);
}

#[tokio::test]
async fn filters_narrow_the_list_and_nonsense_is_ignored_with_a_message() {
    let (_app, browser) = marie_with_her_cases().await;
    let page = |q: &'static str| {
        let b = &browser;
        async move { b.get(&format!("/mon-espace?{q}")).await.text().await.unwrap() }
    };
    let closed = page("statut=cloture").await;
    assert!(closed.contains("1 dossier affiché sur 3 rattachés"));
    assert!(card(&closed, CLOSED_NATURE) > 0 && card(&closed, GUIDE_NATURE) == 0);
    assert!(page("juridiction=tj-paris").await.contains("1 dossier affiché sur 3 rattachés"));
    let defendeur = page("role=defendeur").await;
    assert!(card(&defendeur, COPRO_NATURE) > 0 && card(&defendeur, GUIDE_NATURE) == 0);
    let larret = page("recherche=larret").await;
    assert!(larret.contains("1 dossier affiché sur 3 rattachés") && card(&larret, GUIDE_NATURE) > 0);
    assert!(card(&page("nature=51H").await, CLOSED_NATURE) > 0);
    let none = page("du=2030-01-01").await;
    assert!(none.contains("0 dossier affiché sur 3 rattachés"));
    let nonsense = page("statut=ouvert&tri=hasard").await;
    assert!(nonsense.contains("3 dossiers affichés sur 3 rattachés"));
    assert!(nonsense.contains("n&#39;est pas reconnu") || nonsense.contains("n'est pas reconnu"));
    assert!(nonsense.contains("Réinitialiser"));
    let oldest = page("tri=saisine-ancienne").await;
    assert!(card(&oldest, CLOSED_NATURE) < card(&oldest, COPRO_NATURE));
}

#[tokio::test]
async fn the_case_page_shows_the_guides_screen_in_the_courts_time() {
    let (app, browser) = marie_with_her_cases().await;
    let url = guide_case_url(&browser).await;
    let html = browser.get(&url).await.text().await.unwrap();
    for needle in [
        "Tribunal judiciaire de Saint-Denis-de-La-Réunion",
        "Dossier en cours",
        "Marie DELESTABLE, Demandeur",
        "Nicolas LARRET, Défendeur",
        "Voir le détail des parties",
        "Maître Jeanne FONTAINE",
        GUIDE_NATURE,
        "N° de dossier : DB3Z-W-B7C-DFW5",
        "Saisine du tribunal le",
        "Détailler ce dossier",
        "N° RG : 18/01234",
        "Vie du dossier",
        "Dans 1 mois et 26 jours",
        "Jeudi 21 janvier 2027",
        "14:00 - Mises en état",
        "salle 9",
        "Approuvé le 24 novembre 2026",
        "Ajouter à mon agenda",
        "Convocations(3)",
        "Voir le détail des documents",
        "Convocation Marie Delestable",
        "Télécharger",
        "Expertise",
    ] {
        assert!(html.contains(needle) || html.contains(&needle.replace('\'', "&#39;")), "{needle}");
    }
    assert!(
        html.contains(&format!("N° d&#39;identification {}", app.numbers_of("marie-delestable").await[0]))
            || html.contains(&format!("N° d'identification {}", app.numbers_of("marie-delestable").await[0]))
    );
    assert!(!html.contains("10:00 - Mises en état"), "the court's time, not UTC");
    for private in [
        "marie.delestable@example.org",
        "nicolas.larret@example.org",
        "+262692000042",
        "+33611223317",
        "06 92 00 00 42",
        "06 11 22 33 17",
    ] {
        assert!(!html.contains(private), "no party's contact details: {private}");
    }
    // The past, newest first: the last convocation before the first hearing.
    assert!(position(&html, "Convocations(3)") < position(&html, "Expertise"));
}

#[tokio::test]
async fn the_countdown_follows_the_courts_calendar() {
    let (app, browser) = marie_with_her_cases().await;
    let url = guide_case_url(&browser).await;
    // 2027-01-20 20:30 UTC is already the 21st at 00:30 in La Réunion.
    app.clock.set(crate::support::moment(2027, 1, 20, 20, 30, 0));
    let fresh = Browser::new(&app);
    fresh.login_as(MARIE_NIR).await;
    let html = fresh.get(&url).await.text().await.unwrap();
    assert!(
        html.contains("Aujourd&#39;hui") || html.contains("Aujourd'hui"),
        "{}",
        &html[html.find("Vie du dossier").unwrap()..][..400]
    );
    drop(browser);
}

#[tokio::test]
async fn opening_a_case_ends_its_just_attached_notice() {
    let (_app, browser) = marie_with_her_cases().await;
    let before = browser.get("/mon-espace").await.text().await.unwrap();
    assert_eq!(
        before.matches("vient d&#39;être rattaché").count() + before.matches("vient d'être rattaché").count(),
        3
    );
    browser.get(&guide_case_url(&browser).await).await;
    let after = browser.get("/mon-espace").await.text().await.unwrap();
    assert_eq!(after.matches("vient d&#39;être rattaché").count() + after.matches("vient d'être rattaché").count(), 2);
}

#[tokio::test]
async fn a_document_downloads_as_a_pdf_and_its_first_consultation_is_recorded_once() {
    let (app, browser) = marie_with_her_cases().await;
    let html = browser.get(&guide_case_url(&browser).await).await.text().await.unwrap();
    let doc = local_links(&html).into_iter().find(|l| l.contains("/documents/")).unwrap();
    let r = browser.get(&doc).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    let disposition = r.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.starts_with("attachment; filename=\""));
    assert!(disposition.contains("filename*=UTF-8''"));
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    browser.get(&doc).await;
    assert_eq!(app.count("document_receipts").await, 1, "recorded once");
    // The court reads the receipt through its API.
    let key = app.key_for("tj-saint-denis-reunion").await;
    let mut conn = app.services.db.read().await.unwrap();
    let (doc_ref,): (String,) =
        sqlx::query_as("SELECT d.document_ref FROM document_receipts r JOIN documents d ON d.id = r.document_id")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    let receipts: serde_json::Value = app
        .get_with(&key, &format!("/api/v1/cases/2018-01234/documents/{doc_ref}/receipts"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(receipts[0]["party_ref"], "marie-delestable");
    assert_eq!(receipts[0]["first_consulted_at"], "2026-11-26T08:00:00Z");
}

#[tokio::test]
async fn a_document_for_marie_alone_is_not_nicolass() {
    let (app, marie) = marie_with_her_cases().await;
    let html = marie.get(&guide_case_url(&marie).await).await.text().await.unwrap();
    let maries_docs: Vec<String> = local_links(&html).into_iter().filter(|l| l.contains("/documents/")).collect();
    assert_eq!(maries_docs.len(), 5, "three for all parties, two for her");

    let nicolas = Browser::new(&app);
    nicolas.login_as(NICOLAS_NIR).await;
    let number = app.numbers_of("nicolas-larret").await[0].clone();
    nicolas.attach_form("code", &number, "").await;
    let code = app.last_code().await;
    nicolas.attach_form("ajouter", &number, &code).await;
    let list = nicolas.get("/mon-espace").await.text().await.unwrap();
    let his_case = local_links(&list).into_iter().find(|l| l.starts_with("/dossiers/")).unwrap();
    let his_page = nicolas.get(&his_case).await.text().await.unwrap();
    let his_docs: Vec<String> = local_links(&his_page).into_iter().filter(|l| l.contains("/documents/")).collect();
    assert_eq!(his_docs.len(), 3, "only those for all parties");
    for d in maries_docs.iter().filter(|d| !his_docs.contains(d)) {
        assert_eq!(nicolas.get(d).await.status(), 404, "{d}");
    }
}

#[tokio::test]
async fn another_user_gets_404_for_every_url_of_marie_s_cases() {
    let (app, marie) = marie_with_her_cases().await;
    // Crawl Marie's pages for the URLs of her cases, events and documents.
    let mut urls = Vec::new();
    let list = marie.get("/mon-espace").await.text().await.unwrap();
    for case in local_links(&list).into_iter().filter(|l| l.starts_with("/dossiers/")) {
        let page = marie.get(&case).await.text().await.unwrap();
        urls.extend(local_links(&page).into_iter().filter(|l| l.starts_with("/dossiers/")));
        urls.push(case);
    }
    urls.sort();
    urls.dedup();
    assert!(urls.len() >= 10, "{urls:?}");
    for u in &urls {
        assert_eq!(marie.get(u).await.status(), 200, "Marie reads {u}");
    }
    let sophie = Browser::new(&app);
    sophie.login_as("265123306300142").await;
    let audited_before = app.count("audit_log").await;
    for u in &urls {
        let r = sophie.get(u).await;
        assert_eq!(r.status(), 404, "{u}");
        assert!(r.text().await.unwrap().contains("Page introuvable"));
    }
    assert_eq!(app.count("audit_log").await - audited_before, urls.len() as i64, "each attempt audited");
    let anonymous = Browser::new(&app);
    for u in &urls {
        assert_eq!(anonymous.get(u).await.status(), 303, "{u}: to the login page");
    }
    // A made-up identifier is just as unknown.
    assert_eq!(marie.get("/dossiers/AAAAAAAAAAAAAAAAAAAAAA").await.status(), 404);
}

#[tokio::test]
async fn the_csv_export_opens_in_a_french_spreadsheet() {
    let (_app, browser) = marie_with_her_cases().await;
    let r = browser.get("/mon-espace/export.csv?statut=en_cours").await;
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "UTF-8 BOM");
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_reader(&bytes[3..]);
    let headers: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(headers[0], "N° de dossier");
    assert_eq!(headers[8], "Date de saisine");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2, "the filter applies");
    let guide = rows.iter().find(|r| &r[0] == "DB3Z-W-B7C-DFW5").unwrap();
    assert_eq!(&guide[5], "Dossier en cours");
    assert_eq!(&guide[6], "Demandeur");
    assert_eq!(&guide[9], "21/01/2027 14:00");
}

#[tokio::test]
async fn the_agenda_holds_every_hearing_to_come_in_each_courts_zone() {
    let (_app, browser) = marie_with_her_cases().await;
    let r = browser.get("/mon-espace/agenda.ics").await;
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/calendar"));
    let ics = r.text().await.unwrap().replace("\r\n ", "");
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 2);
    assert!(ics.contains("DTSTART;TZID=Indian/Reunion:20270121T140000"));
    assert!(ics.contains("TZID:Indian/Reunion"));
    assert!(ics.contains("SUMMARY:Audience — Mises en état"));

    let html = browser.get(&guide_case_url(&browser).await).await.text().await.unwrap();
    let one = local_links(&html).into_iter().find(|l| l.contains("/agenda/")).unwrap();
    // Long lines are folded (RFC 5545): unfold before reading.
    let single = browser.get(&one).await.text().await.unwrap().replace("\r\n ", "");
    assert_eq!(single.matches("BEGIN:VEVENT").count(), 1);
    assert!(single.contains("LOCATION:Tribunal judiciaire de Saint-Denis-de-La-Réunion\\, salle 9"));
}

#[tokio::test]
async fn a_cancelled_hearing_is_shown_as_cancelled() {
    let (app, browser) = marie_with_her_cases().await;
    let key = app.key_for("tj-saint-denis-reunion").await;
    let r = app
        .put_json_with(
            &key,
            "/api/v1/cases/2018-01234/events/mise-en-etat",
            &serde_json::json!({"kind": "audience", "starts_at": "2027-01-21T14:00", "label": "Mises en état", "room": "9", "status": "annule"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    app.clock.advance(Duration::seconds(1));
    let html = browser.get(&guide_case_url(&browser).await).await.text().await.unwrap();
    assert!(html.contains("Annulée"));
    assert!(html.contains("Jeudi 21 janvier 2027"), "still shown");
    let list = browser.get("/mon-espace").await.text().await.unwrap();
    assert_eq!(list.matches("Aucun évènement à venir").count(), 2, "a cancelled hearing is not to come");
}
