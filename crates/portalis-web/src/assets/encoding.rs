//! Content codings: which one a client accepts best (`Accept-Encoding`),
//! and the precompressed forms of a file.

use axum::http::HeaderMap;
use axum::http::header::ACCEPT_ENCODING;
use std::io::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Brotli,
    Gzip,
    Identity,
}

impl Coding {
    pub fn header_value(self) -> Option<&'static str> {
        match self {
            Coding::Brotli => Some("br"),
            Coding::Gzip => Some("gzip"),
            Coding::Identity => None,
        }
    }
}

/// The quality (0 to 1000) the client gives each coding: `br` and `gzip`
/// by name or through `*`; 0 when it does not list them.
fn qualities(headers: &HeaderMap) -> (u16, u16) {
    let (mut br, mut gzip, mut star) = (None, None, None);
    for value in headers.get_all(ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q=").or_else(|| p.trim().strip_prefix("Q=")))
                .map(parse_q)
                .next()
                .unwrap_or(Some(1000));
            let Some(q) = q else { continue };
            match name.as_str() {
                "br" => br = Some(q),
                "gzip" | "x-gzip" => gzip = Some(q),
                "*" => star = Some(q),
                _ => {}
            }
        }
    }
    (br.or(star).unwrap_or(0), gzip.or(star).unwrap_or(0))
}

/// A quality value (`0`, `0.5`, `1.000`) in thousandths; `None` if it is
/// not one.
fn parse_q(q: &str) -> Option<u16> {
    let (int, frac) = q.split_once('.').unwrap_or((q, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths: u16 = format!("{frac:0<3}").parse().ok()?;
    match int {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// The coding to send among the forms a file has: brotli or gzip,
/// whichever the client prefers (brotli on a tie), identity when it
/// accepts none of those the file has.
pub fn choose(headers: &HeaderMap, has_brotli: bool, has_gzip: bool) -> Coding {
    let (br, gzip) = qualities(headers);
    let (br, gzip) = (if has_brotli { br } else { 0 }, if has_gzip { gzip } else { 0 });
    match (br, gzip) {
        (0, 0) => Coding::Identity,
        (br, gzip) if br >= gzip => Coding::Brotli,
        _ => Coding::Gzip,
    }
}

/// `bytes` compressed with brotli at its best quality (files are
/// compressed once, at start).
pub fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() / 4);
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).expect("compressing in memory cannot fail");
    out
}

/// `bytes` compressed with gzip at its best level.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    gzip_with(bytes, 9)
}

/// `bytes` compressed with gzip at `level` (1 fastest to 9 smallest).
pub fn gzip_with(bytes: &[u8], level: u32) -> Vec<u8> {
    let mut encoder =
        flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 3), flate2::Compression::new(level));
    encoder.write_all(bytes).expect("compressing in memory cannot fail");
    encoder.finish().expect("compressing in memory cannot fail")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    /// The coding chosen for a file that has both forms.
    fn preferred(headers: &HeaderMap) -> Coding {
        choose(headers, true, true)
    }

    fn with(lines: &[&'static str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for l in lines {
            h.append(ACCEPT_ENCODING, HeaderValue::from_static(l));
        }
        h
    }

    #[test]
    fn a_browser_gets_brotli_and_an_old_client_gzip() {
        assert_eq!(preferred(&with(&["gzip, deflate, br, zstd"])), Coding::Brotli);
        assert_eq!(preferred(&with(&["gzip, deflate"])), Coding::Gzip);
        assert_eq!(preferred(&with(&[])), Coding::Identity);
        assert_eq!(preferred(&with(&["identity"])), Coding::Identity);
    }

    #[test]
    fn a_form_the_client_did_not_ask_for_is_never_sent() {
        assert_eq!(choose(&with(&["br"]), false, true), Coding::Identity, "gzip was not accepted");
        assert_eq!(choose(&with(&["gzip, br"]), false, true), Coding::Gzip);
        assert_eq!(choose(&with(&["gzip, br"]), true, false), Coding::Brotli);
        assert_eq!(choose(&with(&["gzip"]), true, false), Coding::Identity);
    }

    #[test]
    fn qualities_and_several_lines_are_read() {
        assert_eq!(preferred(&with(&["br;q=0.5, gzip;q=0.8"])), Coding::Gzip);
        assert_eq!(preferred(&with(&["br;q=0", "gzip"])), Coding::Gzip);
        assert_eq!(preferred(&with(&["*;q=0.1", "br;q=0"])), Coding::Gzip);
        assert_eq!(preferred(&with(&["*"])), Coding::Brotli);
        assert_eq!(preferred(&with(&["br;q=0, gzip;q=0"])), Coding::Identity);
        assert_eq!(preferred(&with(&["br;q=2, gzip;q=0.0001"])), Coding::Identity, "invalid qualities are ignored");
    }

    #[test]
    fn compressed_forms_decompress_to_the_file() {
        let text = "a{color:red}".repeat(100);
        let mut out = Vec::new();
        brotli::BrotliDecompress(&mut &brotli(text.as_bytes())[..], &mut out).unwrap();
        assert_eq!(out, text.as_bytes());
        let gzipped = gzip(text.as_bytes());
        let mut d = flate2::read::GzDecoder::new(&gzipped[..]);
        let mut s = String::new();
        std::io::Read::read_to_string(&mut d, &mut s).unwrap();
        assert_eq!(s, text);
    }
}
