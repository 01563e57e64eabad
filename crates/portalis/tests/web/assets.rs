//! The files a page needs: one stylesheet assembled from the DSFR's npm
//! package, fonts and icons, each under a hashed name, precompressed and
//! cached for good; pages compressed on the fly; what search engines may
//! index.

use crate::support::{Browser, TestApp, link, marie_with_her_cases};
use portalis_web::assets::{Assets, TEMPLATE_CLASSES, css, find_dsfr, template_icons};
use std::io::Read;

fn assets() -> std::sync::Arc<Assets> {
    let dist = find_dsfr(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).expect("npm ci installs @gouvfr/dsfr");
    Assets::load(Some(&dist))
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::BrotliDecompress(&mut &bytes[..], &mut out).unwrap();
    out
}

fn ungzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).unwrap();
    out
}

#[test]
fn every_dsfr_class_a_template_uses_is_in_the_assembled_stylesheet() {
    let assets = assets();
    let sheet = assets.stylesheet();
    assert!(TEMPLATE_CLASSES.len() > 50, "the build script found the templates' classes");
    // The DSFR's markup has a few classes that no rule of its own styles.
    const MARKUP_ONLY: &[&str] = &["fr-header__body", "fr-summary__list"];
    let missing: Vec<&str> = TEMPLATE_CLASSES
        .iter()
        .copied()
        .filter(|c| !css::defines_class(sheet, c) && !MARKUP_ONLY.contains(c))
        .collect();
    assert_eq!(
        missing,
        Vec::<&str>::new(),
        "classes no part of the sheet styles: add their component to assets/dsfr.rs"
    );
    let dist = find_dsfr(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    let whole = std::fs::read_to_string(dist.join("dsfr.main.min.css")).unwrap();
    for class in MARKUP_ONLY {
        assert!(!css::defines_class(&whole, class), "the DSFR now styles {class}: it must come from its part");
    }
    assert!(template_icons().contains(&"download-line"));
    assert_eq!(assets.unknown_icons, Vec::<String>::new(), "icons the DSFR has not");
}

#[test]
fn the_stylesheet_holds_the_parts_the_pages_use_and_not_the_others() {
    let assets = assets();
    let sheet = assets.stylesheet();
    assert!(sheet.starts_with("/*!\n * DSFR v1."), "the DSFR's license banner, once");
    assert!(css::defines_class(sheet, "fr-icon-download-line"));
    assert!(!css::defines_class(sheet, "fr-icon-zoom-in-line"), "an icon no template uses");
    assert!(!css::defines_class(sheet, "fr-accordion"), "a component no template uses");
    assert!(css::defines_class(sheet, "portalis-tools"), "the portal's own rules");
    let faces: Vec<String> = css::top_level_rules(sheet).into_iter().filter(|r| r.starts_with("@font-face")).collect();
    assert_eq!(faces.len(), 2, "Marianne regular and bold only: {faces:?}");
    assert!(!sheet.contains("Spectral-") && !sheet.contains("_Italic"));
    assert!(!sheet.contains("../"), "every relative URL is rewritten");
    // Every file the sheet references is served.
    let mut referenced = 0;
    for piece in sheet.split("url(/static/").skip(1) {
        let name = &piece[..piece.find(')').unwrap()];
        assert!(assets.get(&format!("/static/{name}")).is_some(), "{name} is referenced and not served");
        referenced += 1;
    }
    assert!(referenced > 5);
    let css_bytes = assets.get(&assets.links.stylesheet).unwrap().brotli_len();
    assert!(css_bytes < 60 * 1024, "the stylesheet weighs {css_bytes} bytes compressed; the budget is 60 KB");
}

#[tokio::test]
async fn the_stylesheet_is_served_under_a_hashed_name_compressed_as_the_browser_prefers_and_cached_for_good() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    let html = browser.get("/").await.text().await.unwrap();
    let href = link(&html, "stylesheet");
    let name = href.strip_prefix("/static/portalis.").unwrap();
    assert!(name.len() == "0123456789abcdef.css".len() && name.ends_with(".css"), "{href}");

    let plain = browser.client.get(app.url(&href)).send().await.unwrap();
    assert_eq!(plain.status(), 200);
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(plain.headers()["vary"], "accept-encoding");
    assert!(plain.headers()["content-type"].to_str().unwrap().starts_with("text/css"));
    let plain = plain.bytes().await.unwrap();

    let br =
        browser.client.get(app.url(&href)).header("accept-encoding", "gzip, deflate, br, zstd").send().await.unwrap();
    assert_eq!(br.headers()["content-encoding"], "br");
    let br = br.bytes().await.unwrap();
    assert!(br.len() * 5 < plain.len());
    assert_eq!(unbrotli(&br), plain);

    let gzip = browser.client.get(app.url(&href)).header("accept-encoding", "gzip;q=1, br;q=0").send().await.unwrap();
    assert_eq!(gzip.headers()["content-encoding"], "gzip");
    assert_eq!(ungzip(&gzip.bytes().await.unwrap()), plain);

    let font = link(&html, "preload");
    assert!(font.starts_with("/static/Marianne-Regular.") && font.ends_with(".woff2"));
    let font = browser.client.get(app.url(&font)).header("accept-encoding", "br").send().await.unwrap();
    assert_eq!(font.headers()["content-type"], "font/woff2");
    assert!(font.headers().get("content-encoding").is_none(), "a woff2 is compressed already");

    let stale = browser.client.get(app.url("/static/portalis.0000000000000000.css")).send().await.unwrap();
    assert_eq!(stale.status(), 404);
    assert!(!html.contains("https://cdn") && !html.contains("/static/dsfr/"), "no third-party CDN, no whole bundle");
}

#[tokio::test]
async fn the_favicon_set_and_the_manifest_are_served() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    let html = browser.get("/").await.text().await.unwrap();
    let ico = browser.client.get(app.url("/favicon.ico")).send().await.unwrap();
    assert_eq!(ico.status(), 200);
    assert_eq!(ico.headers()["content-type"], "image/x-icon");
    assert_eq!(ico.headers()["cache-control"], "public, max-age=86400", "a fixed address is not immutable");
    for rel in ["apple-touch-icon", "manifest"] {
        let r = browser.client.get(app.url(&link(&html, rel))).send().await.unwrap();
        assert_eq!(r.status(), 200, "{rel}");
    }
    let manifest: serde_json::Value =
        browser.client.get(app.url(&link(&html, "manifest"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(manifest["name"], "Portail du justiciable");
    for icon in manifest["icons"].as_array().unwrap() {
        let r = browser.client.get(app.url(icon["src"].as_str().unwrap())).send().await.unwrap();
        assert_eq!(r.headers()["content-type"], "image/png");
    }
}

#[tokio::test]
async fn pages_are_compressed_when_the_browser_accepts_it_and_files_are_not_compressed_twice() {
    let (app, browser) = marie_with_her_cases().await;
    let plain = browser.get("/aide").await;
    assert!(plain.headers().get("content-encoding").is_none());
    let plain = plain.text().await.unwrap();
    let gzip = browser
        .client
        .get(app.url("/aide"))
        .header("accept-encoding", "gzip, deflate, br, zstd")
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(
        gzip.headers()["content-encoding"],
        "gzip",
        "pages are gzipped: as small as brotli for a page, and cheaper"
    );
    let gzip = gzip.bytes().await.unwrap();
    assert!(gzip.len() * 2 < plain.len());
    let text = String::from_utf8(ungzip(&gzip)).unwrap();
    assert!(text.contains("<h1>Aide</h1>") || text.contains("Aide"));

    // A document is a PDF: sent as it is.
    let case = browser.get("/mon-espace").await.text().await.unwrap();
    let case_url = crate::support::local_links(&case).into_iter().find(|l| l.starts_with("/dossiers/")).unwrap();
    let page = browser.get(&case_url).await.text().await.unwrap();
    let pdf = crate::support::local_links(&page).into_iter().find(|l| l.contains("/documents/")).unwrap();
    let r = browser.client.get(app.url(&pdf)).header("accept-encoding", "gzip, br").send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(r.headers().get("content-encoding").is_none());
}

#[tokio::test]
async fn a_form_token_changes_with_every_page_and_each_is_accepted() {
    let (_app, browser) = marie_with_her_cases().await;
    let token = |html: &str| crate::support::form_value(html, "csrf").unwrap();
    let first = token(&browser.get("/mon-espace/preferences").await.text().await.unwrap());
    let second = token(&browser.get("/mon-espace/preferences").await.text().await.unwrap());
    assert_ne!(first, second, "a compressed page repeats no constant secret (BREACH)");
    let forged = browser.post("/mon-espace/preferences", &[("csrf", "AAAA")]).await;
    assert_eq!(forged.status(), 403);
    let older = browser.post("/mon-espace/preferences", &[("csrf", first.as_str())]).await;
    assert_ne!(older.status(), 403, "an earlier page's token of this session is accepted");
    let r = browser.post("/deconnexion", &[("csrf", second.as_str())]).await;
    assert_eq!(r.status(), 303);
}

#[tokio::test]
async fn public_pages_are_described_and_private_ones_kept_out_of_search_engines() {
    let (app, browser) = marie_with_her_cases().await;
    let visitor = Browser::new(&app);
    let mut descriptions = std::collections::HashSet::new();
    for path in [
        "/",
        "/connexion",
        "/aide",
        "/aide/numero-perdu",
        "/annuaire",
        "/accessibilite",
        "/mentions-legales",
        "/donnees-personnelles",
        "/cookies",
        "/plan-du-site",
    ] {
        let r = visitor.get(path).await;
        assert!(r.headers().get("x-robots-tag").is_none(), "{path} may be indexed");
        let html = r.text().await.unwrap();
        let marker = "<meta name=\"description\" content=\"";
        let start = html.find(marker).unwrap_or_else(|| panic!("{path} has no description")) + marker.len();
        let description = &html[start..start + html[start..].find('"').unwrap()];
        assert!(description.len() > 50, "{path}: {description}");
        assert!(descriptions.insert(description.to_owned()), "{path} repeats another page's description");
    }
    for path in ["/mon-espace", "/mon-espace/ajouter", "/mon-espace/preferences"] {
        let r = browser.get(path).await;
        assert_eq!(r.headers()["x-robots-tag"], "noindex, nofollow", "{path}");
    }
    let robots = browser.client.get(app.url("/robots.txt")).send().await.unwrap().text().await.unwrap();
    assert!(robots.starts_with("User-agent: *\n"));
    for private in ["Disallow: /mon-espace", "Disallow: /dossiers/", "Disallow: /api/"] {
        assert!(robots.lines().any(|l| l == private), "{private}");
    }
    assert!(!robots.lines().any(|l| l == "Disallow: /" || l == "Disallow: /annuaire"));
}

#[tokio::test]
async fn a_signed_in_page_another_site_asks_for_is_not_compressed() {
    let (app, marie) = marie_with_her_cases().await;
    let fetch = |browser: &Browser, site: Option<&str>| {
        let mut request =
            browser.client.get(app.url("/mon-espace?statut=DEVINE")).header("accept-encoding", "gzip, deflate, br");
        if let Some(site) = site {
            request = request.header("sec-fetch-site", site).header("sec-fetch-mode", "navigate");
        }
        request.send()
    };
    let encoding = |r: &reqwest::Response| r.headers().get("content-encoding").map(|v| v.to_str().unwrap().to_owned());
    let own = fetch(&marie, Some("same-origin")).await.unwrap();
    assert_eq!(encoding(&own).as_deref(), Some("gzip"), "her own navigation is compressed");
    let typed = fetch(&marie, Some("none")).await.unwrap();
    assert_eq!(encoding(&typed).as_deref(), Some("gzip"), "an address she typed too");
    for site in [Some("cross-site"), Some("same-site"), None] {
        let r = fetch(&marie, site).await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(encoding(&r), None, "{site:?}: what another site put in the address sits next to her data (BREACH)");
        assert!(r.text().await.unwrap().contains("DEVINE"), "the page is the same, uncompressed");
    }
    // Anonymous pages hold no one's data: compressed whoever asks.
    let visitor = Browser::new(&app);
    let r = fetch(&visitor, Some("cross-site")).await.unwrap();
    assert!(r.status().is_redirection());
    let r = visitor
        .client
        .get(app.url("/aide"))
        .header("accept-encoding", "gzip, br")
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(encoding(&r).as_deref(), Some("gzip"));
}

#[tokio::test]
async fn a_small_answer_is_not_compressed() {
    let app = TestApp::spawn().await;
    let r = app.client.get(app.url("/robots.txt")).header("accept-encoding", "gzip").send().await.unwrap();
    assert!(r.headers().get("content-encoding").is_none(), "robots.txt is under 512 bytes");
    let problem = app.client.get(app.url("/api/v1/cases/x")).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(problem.status(), 401);
    assert!(problem.headers().get("content-encoding").is_none());
}

#[tokio::test]
async fn a_neutral_portal_shows_no_state_favicon() {
    let app = TestApp::spawn_with(&[("PORTALIS_BRANDING", "neutre")]).await;
    let browser = Browser::new(&app);
    let html = browser.get("/").await.text().await.unwrap();
    assert!(html.contains("<link rel=\"icon\" href=\"data:,\">"), "no request for an icon");
    assert!(
        !html.contains("apple-touch-icon") && !html.contains("rel=\"manifest\"") && !html.contains("rel=\"preload\"")
    );
    assert_eq!(browser.client.get(app.url("/favicon.ico")).send().await.unwrap().status(), 404);
}
