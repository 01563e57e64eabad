//! Static files, prepared once when the portal starts and kept in memory:
//! the one stylesheet of the pages (`dsfr.rs`: assembled from the DSFR's
//! npm package, never from a third-party CDN, and the portal's own
//! `static/portalis.css`), the icons and fonts it references, and the
//! DSFR's favicon set. Each file is served under
//! `/static/<name>.<hash>.<ext>` — its name carries a hash of its content —
//! with `Cache-Control: public, max-age=31536000, immutable`, compressed
//! beforehand with brotli and gzip and sent in the coding the browser
//! prefers (`encoding.rs`). `/favicon.ico`, whose address browsers know,
//! is cached for a day.

pub mod css;
pub mod dsfr;
pub mod encoding;

use axum::Router;
use axum::extract::Path as UrlPath;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;
use encoding::Coding;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// The portal's own rules, appended to the DSFR's.
const PORTALIS_CSS: &str = include_str!("../../static/portalis.css");

/// Every DSFR class (`fr-…`) in a `class` attribute of a template, listed
/// by the build script.
pub const TEMPLATE_CLASSES: &[&str] = include!(concat!(env!("OUT_DIR"), "/template_classes.rs"));

/// The icons the templates use (`download-line` for `fr-icon-download-line`;
/// not the size modifiers, `fr-icon--sm`).
pub fn template_icons() -> Vec<&'static str> {
    TEMPLATE_CLASSES.iter().filter_map(|c| c.strip_prefix("fr-icon-")).filter(|name| !name.starts_with('-')).collect()
}

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// One file, with its compressed forms when they are smaller.
pub struct Asset {
    content_type: &'static str,
    identity: Bytes,
    gzip: Option<Bytes>,
    brotli: Option<Bytes>,
}

impl Asset {
    fn new(content_type: &'static str, bytes: Vec<u8>) -> Self {
        let compressible = !matches!(content_type, "font/woff2" | "font/woff" | "image/png");
        let smaller = |c: Vec<u8>| (c.len() * 10 < bytes.len() * 9).then(|| Bytes::from(c));
        let (gzip, brotli) = if compressible {
            (smaller(encoding::gzip(&bytes)), smaller(encoding::brotli(&bytes)))
        } else {
            (None, None)
        };
        Self { content_type, identity: Bytes::from(bytes), gzip, brotli }
    }

    /// The form of the file the client accepts best.
    fn body(&self, request: &HeaderMap) -> (Coding, &Bytes) {
        match encoding::choose(request, self.brotli.is_some(), self.gzip.is_some()) {
            Coding::Brotli => (Coding::Brotli, self.brotli.as_ref().unwrap_or(&self.identity)),
            Coding::Gzip => (Coding::Gzip, self.gzip.as_ref().unwrap_or(&self.identity)),
            Coding::Identity => (Coding::Identity, &self.identity),
        }
    }

    fn response(&self, request: &HeaderMap, cache: &'static str) -> Response {
        let (coding, body) = self.body(request);
        let mut response = (StatusCode::OK, body.clone()).into_response();
        let h = response.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(self.content_type));
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        if self.gzip.is_some() || self.brotli.is_some() {
            h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
        if let Some(value) = coding.header_value() {
            h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(value));
        }
        response
    }

    /// The file as it is (tests, and the sizes the weight budget counts).
    pub fn bytes(&self) -> &[u8] {
        &self.identity
    }

    /// Its size once compressed with brotli (or as it is).
    pub fn brotli_len(&self) -> usize {
        self.brotli.as_ref().map_or(self.identity.len(), Bytes::len)
    }
}

/// The addresses the page shell links to.
#[derive(Default)]
pub struct Links {
    pub stylesheet: String,
    /// The Marianne face preloaded (none without the DSFR).
    pub font: Option<String>,
    pub icon_svg: Option<String>,
    pub apple_touch_icon: Option<String>,
    pub manifest: Option<String>,
}

/// The static files of the portal.
pub struct Assets {
    files: HashMap<String, Asset>,
    favicon_ico: Option<Asset>,
    pub links: Links,
    /// Icons the templates use that the DSFR has not (a test keeps it empty).
    pub unknown_icons: Vec<String>,
}

impl Assets {
    /// The files built from the DSFR's `dist` directory (or the portal's
    /// stylesheet alone without it), once a process: the tests' portals
    /// share them.
    pub fn load(dist: Option<&Path>) -> Arc<Assets> {
        static BUILT: OnceLock<Mutex<HashMap<Option<PathBuf>, Arc<Assets>>>> = OnceLock::new();
        let mut built = BUILT.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
        built.entry(dist.map(Path::to_path_buf)).or_insert_with(|| Arc::new(Self::build(dist))).clone()
    }

    fn build(dist: Option<&Path>) -> Assets {
        let mut registry =
            Registry { dist: dist.map(Path::to_path_buf), files: HashMap::new(), by_source: HashMap::new() };
        let mut unknown_icons = Vec::new();
        let sheet = match dist {
            Some(dir) => match dsfr::assemble(dir, &template_icons(), PORTALIS_CSS, &mut |p| registry.add_file(p)) {
                Ok(assembled) => {
                    unknown_icons = assembled.unknown_icons;
                    assembled.css
                }
                Err(e) => {
                    tracing::error!(error = %e, dir = %dir.display(), "the DSFR's files cannot be read: pages will be unstyled");
                    PORTALIS_CSS.to_owned()
                }
            },
            None => PORTALIS_CSS.to_owned(),
        };
        if !unknown_icons.is_empty() {
            tracing::warn!(icons = ?unknown_icons, "icons used by the templates are not in the DSFR");
        }
        let stylesheet = registry.add("portalis", "css", sheet.into_bytes());
        let font = registry.by_source.get(Path::new(dsfr::PRELOADED_FONT)).cloned();
        let icon_svg = registry.add_file(Path::new("favicon/favicon.svg"));
        let apple_touch_icon = registry.add_file(Path::new("favicon/apple-touch-icon.png"));
        let manifest = registry.manifest();
        let favicon_ico = registry.read(Path::new("favicon/favicon.ico")).map(|b| Asset::new("image/x-icon", b));
        Assets {
            files: registry.files,
            favicon_ico,
            links: Links { stylesheet, font, icon_svg, apple_touch_icon, manifest },
            unknown_icons,
        }
    }

    /// The file served at `href` (`/static/…`).
    pub fn get(&self, href: &str) -> Option<&Asset> {
        self.files.get(href.strip_prefix("/static/")?)
    }

    /// The assembled stylesheet's text.
    pub fn stylesheet(&self) -> &str {
        self.get(&self.links.stylesheet).map_or("", |a| std::str::from_utf8(a.bytes()).unwrap_or(""))
    }
}

/// The files being prepared, by their name under `/static/`.
struct Registry {
    dist: Option<PathBuf>,
    files: HashMap<String, Asset>,
    /// The URL given to each file of the package already added.
    by_source: HashMap<PathBuf, String>,
}

impl Registry {
    fn read(&self, relative: &Path) -> Option<Vec<u8>> {
        std::fs::read(self.dist.as_ref()?.join(relative)).ok()
    }

    /// Adds a file of the package (a path relative to `dist`); its URL.
    fn add_file(&mut self, relative: &Path) -> Option<String> {
        if let Some(href) = self.by_source.get(relative) {
            return Some(href.clone());
        }
        let bytes = self.read(relative)?;
        let stem = relative.file_stem()?.to_str()?;
        let ext = relative.extension()?.to_str()?;
        let href = self.add(stem, ext, bytes);
        self.by_source.insert(relative.to_path_buf(), href.clone());
        Some(href)
    }

    /// Adds `bytes` as `<stem>.<hash>.<ext>`; its URL.
    fn add(&mut self, stem: &str, ext: &str, bytes: Vec<u8>) -> String {
        let hash = hex::encode(&Sha256::digest(&bytes)[..8]);
        let name = format!("{stem}.{hash}.{ext}");
        let href = format!("/static/{name}");
        self.files.entry(name).or_insert_with(|| Asset::new(content_type(ext), bytes));
        href
    }

    /// The web app manifest: the portal's name and the DSFR's Android icons.
    fn manifest(&mut self) -> Option<String> {
        let mut icons = Vec::new();
        for size in ["192x192", "512x512"] {
            let src = self.add_file(Path::new(&format!("favicon/android-chrome-{size}.png")))?;
            icons.push(serde_json::json!({ "src": src, "sizes": size, "type": "image/png" }));
        }
        let manifest = serde_json::json!({
            "name": "Portail du justiciable",
            "short_name": "Justiciable",
            "lang": "fr",
            "start_url": "/",
            "display": "browser",
            "background_color": "#ffffff",
            "theme_color": "#000091",
            "icons": icons,
        });
        Some(self.add("manifest", "webmanifest", manifest.to_string().into_bytes()))
    }
}

fn content_type(ext: &str) -> &'static str {
    match ext {
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "png" => "image/png",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

/// `/static/{name}`, and `/favicon.ico` when the portal wears the State's
/// brand (`state_brand`): the DSFR's favicon is Marianne's, and no other
/// deployment may show it (its pages link no icon either).
pub fn router<S: Clone + Send + Sync + 'static>(assets: Arc<Assets>, state_brand: bool) -> Router<S> {
    let files = assets.clone();
    let router = Router::new().route(
        "/static/{name}",
        get(move |UrlPath(name): UrlPath<String>, headers: HeaderMap| async move {
            match files.files.get(&name) {
                Some(asset) => asset.response(&headers, IMMUTABLE),
                None => StatusCode::NOT_FOUND.into_response(),
            }
        }),
    );
    if !state_brand {
        return router;
    }
    router.route(
        "/favicon.ico",
        get(move |headers: HeaderMap| async move {
            match &assets.favicon_ico {
                Some(asset) => asset.response(&headers, "public, max-age=86400"),
                None => StatusCode::NOT_FOUND.into_response(),
            }
        }),
    )
}

/// Finds the DSFR's `dist` directory: `node_modules/@gouvfr/dsfr/dist` in
/// `start` or one of its parents (the repository root when run from a
/// crate's directory, as tests are).
pub fn find_dsfr(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|d| d.join("node_modules/@gouvfr/dsfr/dist"))
        .find(|d| d.join("core/core.main.min.css").is_file())
}
