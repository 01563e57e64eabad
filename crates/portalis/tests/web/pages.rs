use crate::support::{Browser, TestApp, MARIE_NIR};

const PUBLIC_PAGES: &[&str] = &["/", "/connexion", "/aide", "/annuaire", "/accessibilite", "/mentions-legales", "/donnees-personnelles"];

fn title(html: &str) -> String {
    let start = html.find("<title>").unwrap() + 7;
    let end = html.find("</title>").unwrap();
    html[start..end].to_owned()
}

#[tokio::test]
async fn every_page_is_french_with_a_unique_title_a_skip_link_and_landmarks() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    let mut titles = Vec::new();
    for path in PUBLIC_PAGES {
        let r = browser.get(path).await;
        assert_eq!(r.status(), 200, "{path}");
        let html = r.text().await.unwrap();
        assert!(html.contains("<html lang=\"fr\""), "{path}");
        assert!(html.contains("href=\"#contenu\""), "{path}: skip link");
        for landmark in ["<header", "<main id=\"contenu\"", "<footer"] {
            assert!(html.contains(landmark), "{path}: {landmark}");
        }
        assert!(html.contains("Accessibilité : partiellement conforme"), "{path}");
        titles.push(title(&html));
    }
    let mut unique = titles.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), titles.len(), "{titles:?}");
}

#[tokio::test]
async fn the_home_page_leads_to_the_personal_space() {
    let app = TestApp::spawn().await;
    let html = Browser::new(&app).get("/").await.text().await.unwrap();
    assert!(html.contains("MON ESPACE PERSONNEL"));
    assert!(html.contains("href=\"/mon-espace\""));
    for link in ["Accessibilité", "Aide", "Annuaire"] {
        assert!(html.contains(link), "{link}");
    }
}

#[tokio::test]
async fn the_login_page_has_the_official_franceconnect_button() {
    let app = TestApp::spawn().await;
    let html = Browser::new(&app).get("/connexion").await.text().await.unwrap();
    assert!(html.contains("<button type=\"submit\" class=\"fr-connect\">"));
    assert!(html.contains("S’identifier avec</span>"));
    assert!(html.contains("<span class=\"fr-connect__brand\">FranceConnect</span>"));
    assert!(html.contains("Qu’est-ce que FranceConnect ?"));
    assert!(html.contains("target=\"_blank\" rel=\"noopener\" title=\"Qu’est-ce que FranceConnect ? - nouvelle fenêtre\""));
}

#[tokio::test]
async fn the_state_brand_is_on_by_default_and_off_when_neutral() {
    let app = TestApp::spawn().await;
    let html = Browser::new(&app).get("/").await.text().await.unwrap();
    assert!(html.contains("<p class=\"fr-logo\">République<br>Française</p>"));
    let neutral = TestApp::spawn_with(&[("PORTALIS_BRANDING", "neutre")]).await;
    let html = Browser::new(&neutral).get("/").await.text().await.unwrap();
    assert!(!html.contains("fr-logo"));
    assert!(!html.contains("République"));
    assert!(html.contains("class=\"portalis-neutre\""));
}

#[tokio::test]
async fn an_unknown_page_is_a_french_404_in_the_shell() {
    let app = TestApp::spawn().await;
    let r = Browser::new(&app).get("/nulle-part").await;
    assert_eq!(r.status(), 404);
    let html = r.text().await.unwrap();
    assert!(html.contains("Page introuvable"));
    assert!(html.contains("Portail du justiciable"));
}

#[tokio::test]
async fn the_header_names_the_signed_in_user_on_every_page() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    browser.login_as(MARIE_NIR).await;
    for path in ["/", "/aide", "/annuaire", "/nulle-part"] {
        let html = browser.get(path).await.text().await.unwrap();
        assert!(html.contains("Marie DELESTABLE"), "{path}");
        assert!(html.contains("Se déconnecter"), "{path}");
    }
}

#[tokio::test]
async fn the_directory_lists_the_courts_with_their_time_zones() {
    let app = TestApp::spawn().await;
    let html = Browser::new(&app).get("/annuaire").await.text().await.unwrap();
    assert!(html.contains("Tribunal judiciaire de Saint-Denis-de-La-Réunion"));
    assert!(html.contains("Indian/Reunion"));
    assert!(html.contains("Parvis du Tribunal de Paris, 75017 Paris"));
}

#[tokio::test]
async fn the_dsfr_and_the_portals_stylesheet_are_served_by_the_portal() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    let css = browser.get("/static/portalis.css").await;
    assert_eq!(css.status(), 200);
    assert!(css.headers()["content-type"].to_str().unwrap().starts_with("text/css"));
    let dsfr = browser.get("/static/dsfr/dsfr.min.css").await;
    assert_eq!(dsfr.status(), 200, "npm ci installs @gouvfr/dsfr, the portal serves it");
    let html = browser.get("/").await.text().await.unwrap();
    assert!(!html.contains("https://cdn"), "no third-party CDN");
}

#[tokio::test]
async fn pages_carry_the_security_headers() {
    let app = TestApp::spawn().await;
    let r = Browser::new(&app).get("/connexion").await;
    let csp = r.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"));
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
}
