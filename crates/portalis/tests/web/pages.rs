use crate::support::{Browser, MARIE_NIR, TestApp};

const PUBLIC_PAGES: &[&str] = &[
    "/",
    "/connexion",
    "/aide",
    "/aide/numero-perdu",
    "/annuaire",
    "/annuaire/tj-saint-denis-reunion",
    "/accessibilite",
    "/mentions-legales",
    "/donnees-personnelles",
    "/cookies",
    "/plan-du-site",
];

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
    assert!(
        html.contains("target=\"_blank\" rel=\"noopener\" title=\"Qu’est-ce que FranceConnect ? - nouvelle fenêtre\"")
    );
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
async fn the_directory_lists_the_courts_and_each_has_its_page() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    let html = browser.get("/annuaire").await.text().await.unwrap();
    assert!(html.contains("2 juridictions"));
    assert!(html.contains("Parvis du Tribunal de Paris, 75017 Paris"));
    assert!(html.contains("href=\"/annuaire/tj-saint-denis-reunion\""));
    let court = browser.get("/annuaire/tj-saint-denis-reunion").await.text().await.unwrap();
    assert!(court.contains("<h1>Tribunal judiciaire de Saint-Denis-de-La-Réunion</h1>"));
    assert!(court.contains("Indian/Reunion"));
    assert!(court.contains("Il juge les litiges civils"));
    assert_eq!(browser.get("/annuaire/tj-atlantide").await.status(), 404);
}

#[tokio::test]
async fn the_directory_search_ignores_accents_case_and_hyphens() {
    let app = TestApp::spawn().await;
    portalis::demo::load(&app.services).await.unwrap();
    let browser = Browser::new(&app);
    let search = |q: &'static str| {
        let b = &browser;
        async move { b.get(&format!("/annuaire?{q}")).await.text().await.unwrap() }
    };
    let saint_denis = search("recherche=saint+denis").await;
    assert!(saint_denis.contains("Tribunal judiciaire de Saint-Denis-de-La-Réunion"));
    assert!(
        saint_denis.contains("Cour d&#39;appel de Saint-Denis") || saint_denis.contains("Cour d'appel de Saint-Denis")
    );
    assert!(!saint_denis.contains("Tribunal judiciaire de Paris"));
    assert!(search("recherche=REUNION").await.contains("2 juridictions"));
    assert!(search("recherche=pointe+a+pitre").await.contains("Pointe-à-Pitre"));
    assert!(search("recherche=33000").await.contains("Tribunal judiciaire de Bordeaux"));
    assert!(search("recherche=974").await.contains("2 juridictions"));
    let appeal = search("type=cour_d_appel").await;
    assert!(appeal.contains("1 juridiction") && !appeal.contains("Tribunal judiciaire de Paris"));
    assert!(search("recherche=atlantide").await.contains("Aucune juridiction ne correspond à votre recherche."));
}

#[tokio::test]
async fn every_page_is_reachable_from_the_header_or_the_footer() {
    let app = TestApp::spawn().await;
    let html = Browser::new(&app).get("/").await.text().await.unwrap();
    for link in ["/accessibilite", "/aide", "/annuaire", "/mentions-legales", "/donnees-personnelles", "/cookies"] {
        assert!(html.contains(&format!("href=\"{link}\"")), "{link}");
    }
    let help = Browser::new(&app).get("/aide").await.text().await.unwrap();
    assert!(help.contains("href=\"/aide/numero-perdu\""));
}

#[tokio::test]
async fn the_cookies_page_lists_every_cookie_the_portal_sets() {
    let app = TestApp::spawn().await;
    let page = Browser::new(&app).get("/cookies").await.text().await.unwrap();
    // Every cookie name the web crate can set, wherever it is declared.
    fn sources(dir: &std::path::Path, into: &mut String) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, into);
            } else if path.extension().is_some_and(|e| e == "rs") {
                into.push_str(&std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    let mut text = String::new();
    sources(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../portalis-web/src")), &mut text);
    let sources = text;
    for line in sources.lines().filter(|l| l.contains("_COOKIE: &str = \"")) {
        let name = line.split('"').nth(1).unwrap();
        assert!(page.contains(&format!("portalis-{name}")), "the cookie {name} is declared on the page");
    }
}

#[tokio::test]
async fn a_failure_of_ours_shows_a_reference_that_is_in_the_logs() {
    let app = TestApp::spawn().await;
    // A row no version of the portal could have written.
    let mut tx = app.services.db.begin().await.unwrap();
    sqlx::query("INSERT INTO courts (code, name, kind, time_zone, created_at, updated_at) VALUES ('zz-bad', 'X', 'chateau', 'Europe/Paris', '', '')")
        .execute(&mut *tx)
        .await
        .unwrap();
    portalis_storage::commit(tx).await.unwrap();
    let r = Browser::new(&app).get("/annuaire").await;
    assert_eq!(r.status(), 500);
    let id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    let html = r.text().await.unwrap();
    assert!(html.contains("Le service rencontre une difficulté"));
    assert!(html.contains(&format!("indiquez cette référence : <strong>{id}</strong>")));
}

#[tokio::test]
async fn a_database_that_cannot_be_reached_shows_the_503_page() {
    let app = TestApp::spawn().await;
    app.services.db.close().await;
    let r = Browser::new(&app).get("/annuaire").await;
    assert_eq!(r.status(), 503);
    assert!(r.headers().contains_key("retry-after"));
    assert!(r.text().await.unwrap().contains("Le service est momentanément indisponible"));
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
