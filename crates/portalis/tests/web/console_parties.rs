//! The SAUJ at the console: it finds a party of any court by name (either
//! order, accents forgiven) or number, reads its page, acts on its own
//! court's parties only, and every view is in the administrator's journal.

use crate::support::{Browser, CONSOLE_SETTINGS, TestApp, form_value};
use portalis_core::staff::Role;
use serde_json::json;

const NATHALIE: &str = "nathalie.payet@justice.example.org";

/// The guide's case at Saint-Denis, and a namesake of Marie's at Paris.
async fn two_courts_with_parties() -> TestApp {
    let app = TestApp::spawn_with(CONSOLE_SETTINGS).await;
    app.publish_the_guides_case().await;
    let paris = app.key_for("tj-paris").await;
    let case = json!({"portalis_number": "75A1-W-B7C-0001", "rg_number": "26/00042",
                      "nature": {"code": "50A", "label": "Demande en paiement du prix"}, "status": "en_cours",
                      "filed_on": "2026-03-02"});
    assert_eq!(app.put_json_with(&paris, "/api/v1/cases/2026-0042", &case).await.status(), 201);
    let namesake = json!({"kind": "person", "given_names": "Marie-Hélène", "family_name": "DÉLESTABLE",
                          "role": "defendeur"});
    assert_eq!(app.put_json_with(&paris, "/api/v1/cases/2026-0042/parties/mh", &namesake).await.status(), 201);
    let company = json!({"kind": "organisation", "organisation_name": "SCI Les Lilas", "role": "demandeur"});
    assert_eq!(app.put_json_with(&paris, "/api/v1/cases/2026-0042/parties/sci", &company).await.status(), 201);
    app
}

async fn search(agent: &Browser, q: &str) -> (u16, String) {
    let url =
        format!("/juridiction/recherche?q={}", url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>());
    let r = agent.get(&url).await;
    (r.status().as_u16(), r.text().await.unwrap())
}

/// The party pages a result page links to, in order.
fn party_links(html: &str) -> Vec<String> {
    html.match_indices("href=\"/juridiction/parties/")
        .map(|(i, _)| html[i + 6..].split('"').next().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_name_is_found_in_either_order_without_accents_in_every_court() {
    let app = two_courts_with_parties().await;
    let nathalie = app.agent(NATHALIE, "tj-saint-denis-reunion", Role::Sauj).await;
    for (q, found) in [
        ("delestable", "2 parties trouvées."),
        ("Délestable marie", "2 parties trouvées."),
        ("MARIE DELEST", "2 parties trouvées."),
        ("hélène", "1 partie trouvée."),
        ("marie-hélène", "1 partie trouvée."),
        ("  dél  ", "2 parties trouvées."),
    ] {
        let (status, html) = search(&nathalie, q).await;
        assert_eq!(status, 200, "{q}");
        assert!(html.contains(found), "{q}: {html}");
    }
    let (_, html) = search(&nathalie, "delestable").await;
    assert!(html.contains("2 parties trouvées."), "{html}");
    assert!(html.contains("Marie DELESTABLE") && html.contains("Marie-Hélène DÉLESTABLE"));
    assert!(html.contains("Tribunal judiciaire de Paris") && html.contains("Tribunal judiciaire de Saint-Denis"));
    assert!(html.contains("N° Portalis DB3Z-W-B7C-DFW5") && html.contains("N° RG 18/01234"));
    let (_, html) = search(&nathalie, "marie helene").await;
    assert!(html.contains("1 partie trouvée.") && html.contains("Marie-Hélène DÉLESTABLE"), "{html}");
    for q in ["lilas", "sci les", "les lil"] {
        let (_, html) = search(&nathalie, q).await;
        assert!(html.contains("SCI Les Lilas") && html.contains("1 partie trouvée."), "{q}: {html}");
    }
    let (_, html) = search(&nathalie, "estable").await;
    assert!(html.contains("Aucune partie ne correspond à cette recherche."), "never the middle of a word");
}

#[tokio::test]
async fn a_compound_name_is_found_by_each_of_its_words_and_every_word_typed_must_match() {
    let app = two_courts_with_parties().await;
    let party = json!({"kind": "person", "given_names": "Marie Josée", "family_name": "GRONDIN-PAYET",
                       "role": "defendeur"});
    assert_eq!(app.put_json("/api/v1/cases/2018-01234/parties/mjg", &party).await.status(), 201);
    let nathalie = app.agent(NATHALIE, "tj-saint-denis-reunion", Role::Sauj).await;
    for q in ["payet", "grondin", "josee payet", "marie grondin", "Payet-Grondin Marie Josée", "jos gro pay"] {
        let (_, html) = search(&nathalie, q).await;
        assert!(html.contains("Marie Josée GRONDIN-PAYET") && html.contains("1 partie trouvée."), "{q}: {html}");
    }
    let (_, html) = search(&nathalie, "marie payet delestable").await;
    assert!(html.contains("Aucune partie"), "every word typed must start a word of the name: {html}");
    // A name corrected by the court is found by its new words only.
    let renamed =
        json!({"kind": "person", "given_names": "Marie Josée", "family_name": "GRONDIN", "role": "defendeur"});
    assert_eq!(app.put_json("/api/v1/cases/2018-01234/parties/mjg", &renamed).await.status(), 200);
    for q in ["payet", "payet marie", "marie grondin payet"] {
        let (_, html) = search(&nathalie, q).await;
        assert!(html.contains("Aucune partie"), "{q}: {html}");
    }
    let (_, html) = search(&nathalie, "grondin marie").await;
    assert!(html.contains("Marie Josée GRONDIN") && html.contains("1 partie trouvée."), "{html}");
}

#[tokio::test]
async fn a_number_finds_its_party_or_its_cases_parties_first() {
    let app = two_courts_with_parties().await;
    let nathalie = app.agent(NATHALIE, "tj-saint-denis-reunion", Role::Sauj).await;
    let number = app.number_of("marie").await;
    let grouped = format!("{}-{}-{}", &number[..4], &number[4..8], &number[8..]).to_lowercase();
    for q in [number.as_str(), grouped.as_str(), "DB3Z-W-B7C-DFW5", "db3zwb7cdfw5", "18/01234"] {
        let (status, html) = search(&nathalie, q).await;
        assert_eq!(status, 200, "{q}");
        assert!(html.contains("Marie DELESTABLE") && html.contains("1 partie trouvée."), "{q}: {html}");
    }
    let (_, html) = search(&nathalie, "26/00042").await;
    assert!(html.contains("2 parties trouvées.") && html.contains("SCI Les Lilas"), "{html}");
}

#[tokio::test]
async fn a_search_that_says_too_little_is_refused_next_to_its_field_in_french() {
    let app = two_courts_with_parties().await;
    let nathalie = app.agent(NATHALIE, "tj-saint-denis-reunion", Role::Sauj).await;
    for (q, message) in [
        ("", "Saisissez un nom, un N° Portalis, un N° RG ou un numéro d"),
        ("é", "Saisissez au moins deux lettres d"),
        ("a z", "Saisissez au moins deux lettres d"),
        (&"a".repeat(201), "La recherche comporte au plus 200 caractères."),
    ] {
        let (status, html) = search(&nathalie, q).await;
        assert_eq!(status, 422, "{q:?}");
        assert!(html.contains(message), "{q:?}: {html}");
        assert!(html.contains("aria-invalid=\"true\"") && html.contains("id=\"q-erreur\""));
    }
    let r = nathalie.get("/juridiction/recherche?q=delestable&page=26").await;
    assert_eq!(r.status(), 422);
    let r = nathalie.get("/juridiction/recherche").await;
    assert_eq!(r.status(), 200, "the empty form, before any search");
}

#[tokio::test]
async fn results_come_twenty_a_page_in_a_stable_order() {
    let app = TestApp::spawn_with(CONSOLE_SETTINGS).await;
    app.publish_the_guides_case().await;
    for n in 0..45 {
        let party = json!({"kind": "person", "given_names": format!("Jean {n:02}"), "family_name": "Martin",
                           "role": "defendeur"});
        let path = format!("/api/v1/cases/2018-01234/parties/p{n}");
        assert_eq!(app.put_json(&path, &party).await.status(), 201);
    }
    let nathalie = app.agent(NATHALIE, "tj-saint-denis-reunion", Role::Sauj).await;
    let (_, first) = search(&nathalie, "martin jean").await;
    assert!(first.contains("Résultats 1 à 20 :"), "{first}");
    assert!(first.contains("Jean 00 MARTIN") && !first.contains("Jean 20 MARTIN"));
    assert!(first.contains("page=2"));
    let third = nathalie.get("/juridiction/recherche?q=martin+jean&page=3").await.text().await.unwrap();
    assert!(third.contains("Résultats 41 à 45 :") && third.contains("Jean 44 MARTIN"), "{third}");
    assert!(!third.contains("Résultats suivants"));
    let (_, given_first) = search(&nathalie, "jean 4").await;
    assert_eq!(party_links(&given_first).len(), 5, "Jean 40 to 44, given name first");
    let (_, one) = search(&nathalie, "41 martin").await;
    assert!(one.contains("1 partie trouvée.") && one.contains("Jean 41 MARTIN"), "{one}");
}

#[tokio::test]
async fn a_partys_page_shows_what_the_court_needs_and_each_view_is_journaled() {
    let app = two_courts_with_parties().await;
    let nathalie = app.agent(NATHALIE, "tj-saint-denis-reunion", Role::Sauj).await;
    let (_, html) = search(&nathalie, "marie delestable").await;
    let marie = party_links(&html).remove(0);
    let page = nathalie.get(&marie).await;
    assert_eq!(page.status(), 200);
    assert!(page.headers()["cache-control"].to_str().unwrap().contains("no-store"));
    let html = page.text().await.unwrap();
    for expected in [
        "Marie DELESTABLE",
        "Demandeur",
        "marie.delestable@example.org",
        "+262692000042",
        "DB3Z-W-B7C-DFW5",
        "Aucun compte n'est rattaché à cette partie.",
        "Numéro d'identification",
        "Renvoyer le numéro d'identification",
        "Imprimer un courrier",
    ] {
        assert!(html.contains(expected) || html.contains(&expected.replace('\'', "&#39;")), "{expected}: {html}");
    }
    let number = app.number_of("marie").await;
    assert!(!html.contains(&number), "the page never shows the number itself");
    let views = app.count_where("staff_views", "party_id IS NOT NULL").await;
    assert_eq!(views, 1, "one view, journaled");
    assert!(
        html.contains("Envoyé le") || html.contains("En attente d&#39;envoi") || html.contains("En attente d'envoi")
    );

    let admin = app.agent("isabelle.grondin@justice.example.org", "tj-saint-denis-reunion", Role::Admin).await;
    let journal = admin.get("/juridiction/journal").await.text().await.unwrap();
    assert!(journal.contains("Fiche de Marie DELESTABLE, affaire DB3Z-W-B7C-DFW5"), "{journal}");
    assert!(journal.contains("Recherche : « marie delestable »"), "the search too: {journal}");
    assert!(journal.contains(NATHALIE));
    let number = app.number_of("marie").await;
    search(&nathalie, &number.to_lowercase()).await;
    let journal = admin.get("/juridiction/journal").await.text().await.unwrap();
    let masked = format!("Recherche : « numéro d&#39;identification se terminant par {} »", &number[9..]);
    assert!(journal.contains(&masked), "{journal}");
    assert!(!journal.contains(&number) && !journal.contains(&number.to_lowercase()), "never the number itself");
    assert_eq!(nathalie.get("/juridiction/journal").await.status(), 404, "the journal is the administrator's");
    assert_eq!(nathalie.get("/juridiction/parties/999999").await.status(), 404);
    assert_eq!(nathalie.get("/juridiction/parties/x").await.status(), 404);
}

#[tokio::test]
async fn the_sauj_resends_the_number_after_confirming_and_the_action_is_audited_and_listed() {
    let app = two_courts_with_parties().await;
    let nathalie = app.agent(NATHALIE, "tj-saint-denis-reunion", Role::Sauj).await;
    let (_, html) = search(&nathalie, "marie delestable").await;
    let marie = party_links(&html).remove(0);
    let before = app.outbox_of_kind("identification_number").await.len();

    let confirm = nathalie.get(&format!("{marie}/renvoyer-numero")).await;
    assert_eq!(confirm.status(), 200);
    let html = confirm.text().await.unwrap();
    assert!(html.contains("marie.delestable@example.org") && html.contains("Renvoyer le numéro"));
    assert_eq!(app.outbox_of_kind("identification_number").await.len(), before, "nothing sent before confirming");

    let r = nathalie.post(&format!("{marie}/renvoyer-numero"), &[("csrf", "forged")]).await;
    assert_eq!(r.status(), 403, "a form without its token");
    let csrf = form_value(&html, "csrf").unwrap();
    let done = nathalie.post(&format!("{marie}/renvoyer-numero"), &[("csrf", &csrf)]).await;
    assert_eq!(done.status(), 303);
    let page = nathalie.follow(done).await.text().await.unwrap();
    assert!(
        page.contains("Le numéro d&#39;identification a été renvoyé")
            || page.contains("Le numéro d'identification a été renvoyé"),
        "{page}"
    );
    assert!(page.contains("Numéro d&#39;identification renvoyé") || page.contains("Numéro d'identification renvoyé"));
    let sent = app.outbox_of_kind("identification_number").await;
    assert_eq!(sent.len(), before + 1);
    assert!(sent.last().unwrap().2.contains(&app.number_of("marie").await), "the same number");

    let mut conn = app.services.db.read().await.unwrap();
    let (actor, action, target): (String, String, String) =
        sqlx::query_as("SELECT actor, action, target FROM audit_log ORDER BY id DESC LIMIT 1")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    assert_eq!(actor, format!("agent:{NATHALIE}"));
    assert_eq!(action, "party.number_resent");
    assert_eq!(target, "court:tj-saint-denis-reunion/case:2018-01234/party:marie");
}

#[tokio::test]
async fn the_letter_gives_the_number_and_the_guides_steps_as_a_pdf() {
    let app = two_courts_with_parties().await;
    let nathalie = app.agent(NATHALIE, "tj-saint-denis-reunion", Role::Sauj).await;
    let (_, html) = search(&nathalie, "marie delestable").await;
    let marie = party_links(&html).remove(0);
    let html = nathalie.get(&format!("{marie}/courrier")).await.text().await.unwrap();
    let csrf = form_value(&html, "csrf").unwrap();
    let r = nathalie.post(&format!("{marie}/courrier"), &[("csrf", &csrf)]).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(r.headers()["content-disposition"].to_str().unwrap().contains("courrier-DB3Z-W-B7C-DFW5.pdf"));
    let pdf = String::from_utf8_lossy(&r.bytes().await.unwrap()).into_owned();
    assert!(pdf.starts_with("%PDF-"));
    let number = app.number_of("marie").await;
    let grouped = format!("{} {} {}", &number[..4], &number[4..8], &number[8..]);
    assert!(pdf.contains(&grouped), "the number, in groups of four");
    assert!(pdf.contains("Ajouter un dossier") && pdf.contains("FranceConnect"));
    assert_eq!(app.count_where("audit_log", "action = 'party.letter_printed'").await, 1);
}

#[tokio::test]
async fn an_agent_of_another_court_reads_but_may_not_act_and_no_role_no_access() {
    let app = two_courts_with_parties().await;
    let julien = app.agent("julien.fontaine@justice.example.org", "tj-paris", Role::Greffe).await;
    let (_, html) = search(&julien, "marie delestable").await;
    let marie = party_links(&html).remove(0);
    let page = julien.get(&marie).await.text().await.unwrap();
    assert!(page.contains("réservées aux agents de la juridiction saisie"));
    assert!(!page.contains("renvoyer-numero"));
    assert_eq!(julien.get(&format!("{marie}/renvoyer-numero")).await.status(), 403);
    let csrf = form_value(&page, "csrf").unwrap();
    let before = app.outbox_of_kind("identification_number").await.len();
    for action in ["renvoyer-numero", "courrier", "nouveau-numero", "detacher", "consentement", "debloquer"] {
        assert_eq!(julien.get(&format!("{marie}/{action}")).await.status(), 403, "{action}");
        let r = julien.post(&format!("{marie}/{action}"), &[("csrf", &csrf)]).await;
        assert_eq!(r.status(), 403, "{action}");
    }
    assert_eq!(app.outbox_of_kind("identification_number").await.len(), before);
    assert_eq!(app.count_where("audit_log", "actor LIKE 'agent:%'").await, 0);

    let signed_out = Browser::new(&app);
    let r = signed_out.get("/juridiction/recherche?q=marie").await;
    assert_eq!(r.status(), 303, "signed out: to the console's sign-in");
    let r = signed_out.get(&marie).await;
    assert_eq!(r.status(), 303);
}

#[tokio::test]
async fn a_link_from_another_site_opens_nothing_and_journals_nothing_until_the_agent_clicks() {
    let app = two_courts_with_parties().await;
    let nathalie = app.agent(NATHALIE, "tj-saint-denis-reunion", Role::Sauj).await;
    let (_, html) = search(&nathalie, "marie delestable").await;
    let marie = party_links(&html).remove(0);
    for site in ["cross-site", "same-site"] {
        let r = nathalie.get_from(&marie, site).await;
        assert_eq!(r.status(), 200);
        let page = r.text().await.unwrap();
        assert!(page.contains("Ouvrir la fiche") && !page.contains("marie.delestable@example.org"), "{site}: {page}");
    }
    assert_eq!(app.count_where("staff_views", "party_id IS NOT NULL").await, 0);
    let page = nathalie.get(&marie).await.text().await.unwrap();
    assert!(page.contains("marie.delestable@example.org"), "the agent's own click");
    assert_eq!(app.count_where("staff_views", "party_id IS NOT NULL").await, 1);
}

#[tokio::test]
async fn a_withdrawn_party_is_read_but_no_action_is_taken_on_it() {
    let app = two_courts_with_parties().await;
    let nathalie = app.agent(NATHALIE, "tj-saint-denis-reunion", Role::Sauj).await;
    let (_, html) = search(&nathalie, "marie delestable").await;
    let marie = party_links(&html).remove(0);
    let confirm = nathalie.get(&format!("{marie}/renvoyer-numero")).await.text().await.unwrap();
    let csrf = form_value(&confirm, "csrf").unwrap();
    assert_eq!(app.delete("/api/v1/cases/2018-01234/parties/marie").await.status(), 204);

    let page = nathalie.get(&marie).await.text().await.unwrap();
    assert!(page.contains("Cette partie a été retirée de l"), "{page}");
    assert!(!page.contains("renvoyer-numero") && !page.contains("/courrier"));
    let before = app.outbox_of_kind("identification_number").await.len();
    for action in ["renvoyer-numero", "courrier", "nouveau-numero", "detacher", "consentement", "debloquer"] {
        let confirm = nathalie.get(&format!("{marie}/{action}")).await.text().await.unwrap();
        assert!(confirm.contains("aucune action n&#39;est possible sur elle"), "{confirm}");
        assert!(!confirm.contains("Renvoyer le numéro</button>") && !confirm.contains("Télécharger le courrier"));
        // The form of a confirmation shown before the withdrawal.
        let r = nathalie.post(&format!("{marie}/{action}"), &[("csrf", &csrf)]).await;
        assert_eq!(r.status(), 409, "{action}");
    }
    assert_eq!(app.outbox_of_kind("identification_number").await.len(), before);
    assert_eq!(app.count_where("audit_log", "actor LIKE 'agent:%'").await, 0);
}

#[tokio::test]
async fn a_search_linked_from_another_site_is_neither_run_nor_journaled_until_the_agent_clicks() {
    let app = two_courts_with_parties().await;
    let nathalie = app.agent(NATHALIE, "tj-saint-denis-reunion", Role::Sauj).await;
    let r = nathalie.get_from("/juridiction/recherche?q=delestable", "cross-site").await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("Lancer la recherche") && !html.contains("Marie DELESTABLE"), "{html}");
    assert_eq!(app.count("staff_views").await, 0);
    let (_, html) = search(&nathalie, "delestable").await;
    assert!(html.contains("Marie DELESTABLE"));
    assert_eq!(app.count("staff_views").await, 1);
}

/// Confirms and does an action on the party's page `party`: the page after.
async fn act(agent: &Browser, party: &str, action: &str) -> String {
    let confirm = agent.get(&format!("{party}/{action}")).await;
    assert_eq!(confirm.status(), 200, "{action}");
    let csrf = form_value(&confirm.text().await.unwrap(), "csrf").unwrap();
    let done = agent.post(&format!("{party}/{action}"), &[("csrf", &csrf)]).await;
    assert_eq!(done.status(), 303, "{action}");
    agent.follow(done).await.text().await.unwrap()
}

#[tokio::test]
async fn a_new_number_replaces_the_old_one_and_the_accounts_attached_with_it_lose_the_case() {
    let (app, marie) = crate::support::marie_with_her_cases_with(CONSOLE_SETTINGS).await;
    let nathalie = app.agent(NATHALIE, "tj-saint-denis-reunion", Role::Sauj).await;
    let old = app.numbers_of("marie-delestable").await.remove(0);
    let (_, html) = search(&nathalie, &old).await;
    let page_of_marie = party_links(&html).remove(0);
    let before = app.outbox_of_kind("identification_number").await.len();
    let cases_before = marie.get("/mon-espace").await.text().await.unwrap().matches("href=\"/dossiers/").count();

    let page = act(&nathalie, &page_of_marie, "nouveau-numero").await;
    assert!(page.contains("Un nouveau numéro d"), "{page}");
    assert!(
        page.contains("Nouveau numéro d&#39;identification généré")
            || page.contains("Nouveau numéro d'identification généré")
    );
    let numbers = app.numbers_of("marie-delestable").await;
    assert!(!numbers.contains(&old), "the old number is gone");
    let sent = app.outbox_of_kind("identification_number").await;
    assert_eq!(sent.len(), before + 1);
    assert!(!sent.last().unwrap().2.contains(&old));
    let (_, html) = search(&nathalie, &old).await;
    assert!(html.contains("Aucune partie"), "the old number finds nothing");
    let cases_after = marie.get("/mon-espace").await.text().await.unwrap().matches("href=\"/dossiers/").count();
    assert!(cases_after < cases_before, "Marie lost the case attached with the old number");
    let ended = app.count_where("ended_attachments", "reason = 'number_reissued'").await;
    assert_eq!(ended, 1);
}

#[tokio::test]
async fn the_accounts_are_detached_and_the_number_kept() {
    let (app, _marie) = crate::support::marie_with_her_cases_with(CONSOLE_SETTINGS).await;
    let nathalie = app.agent(NATHALIE, "tj-saint-denis-reunion", Role::Sauj).await;
    let number = app.numbers_of("marie-delestable").await.remove(0);
    let (_, html) = search(&nathalie, &number).await;
    let page_of_marie = party_links(&html).remove(0);
    let page = nathalie.get(&page_of_marie).await.text().await.unwrap();
    assert!(page.contains("Toujours rattaché") && page.contains("/detacher"), "{page}");

    let page = act(&nathalie, &page_of_marie, "detacher").await;
    assert!(page.contains("Les comptes ont été détachés"), "{page}");
    assert!(!page.contains("Toujours rattaché") && !page.contains("/detacher"));
    assert!(page.contains("détaché par la juridiction"));
    assert_eq!(app.numbers_of("marie-delestable").await[0], number, "the number is kept");

    let audited =
        app.count_where("audit_log", &format!("actor = 'agent:{NATHALIE}' AND action = 'party.detach'")).await;
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn a_consent_given_at_the_counter_is_recorded_once() {
    let app = two_courts_with_parties().await;
    let nathalie = app.agent(NATHALIE, "tj-saint-denis-reunion", Role::Sauj).await;
    let (_, html) = search(&nathalie, "marie delestable").await;
    let marie = party_links(&html).remove(0);
    let page = nathalie.get(&marie).await.text().await.unwrap();
    assert!(page.contains("Non recueilli") && page.contains("/consentement"), "{page}");
    let page = act(&nathalie, &marie, "consentement").await;
    assert!(page.contains("Le consentement à la communication électronique est enregistré."), "{page}");
    assert!(page.contains("Déclaré par la juridiction, le jeudi 26 novembre 2026"), "{page}");
    assert!(!page.contains("/consentement\""), "offered once");
    assert!(page.contains("Consentement enregistré"));
    let (source,): (String,) = {
        let mut conn = app.services.db.read().await.unwrap();
        sqlx::query_as("SELECT consent_source FROM parties WHERE party_ref = 'marie'")
            .fetch_one(&mut *conn)
            .await
            .unwrap()
    };
    assert_eq!(source, "court");
}

#[tokio::test]
async fn the_sauj_lifts_a_partys_hourly_limit_of_codes_for_a_litigant_who_reached_it() {
    let app = two_courts_with_parties().await;
    let marie = Browser::new(&app);
    marie.login_as(crate::support::MARIE_NIR).await;
    let number = app.number_of("marie").await;
    for _ in 0..3 {
        assert_eq!(marie.attach_form("code", &number, "").await.0, 200);
        app.clock.advance(chrono::Duration::seconds(61));
    }
    let (status, page) = marie.attach_form("code", &number, "").await;
    assert_eq!(status, 429);
    assert!(page.contains("Trop de codes ont été demandés."));

    let nathalie = app.agent(NATHALIE, "tj-saint-denis-reunion", Role::Sauj).await;
    let (_, html) = search(&nathalie, &number).await;
    let page_of_marie = party_links(&html).remove(0);
    let page = act(&nathalie, &page_of_marie, "debloquer").await;
    assert!(
        page.contains("L&#39;envoi des codes est débloqué") || page.contains("L'envoi des codes est débloqué"),
        "{page}"
    );
    assert!(page.contains("Envoi des codes débloqué"), "listed among the actions");
    let active: (i64,) = {
        let mut conn = app.services.db.read().await.unwrap();
        sqlx::query_as("SELECT COUNT(*) FROM attach_codes WHERE voided_at IS NULL AND used_at IS NULL")
            .fetch_one(&mut *conn)
            .await
            .unwrap()
    };
    assert_eq!(active.0, 0, "the codes still usable are voided");

    assert_eq!(marie.attach_form("code", &number, "").await.0, 200, "a new code, at once");
    let code = app.last_code().await;
    let (status, _) = marie.attach_form("ajouter", &number, &code).await;
    assert!(status == 200 || status == 303, "{status}");
    assert_eq!(app.count("attachments").await, 1, "and it attaches the case");
}
