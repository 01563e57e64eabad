//! Documents made available to parties, and what a stored file must be.

use crate::Invalid;
use crate::enums::french_enum;

french_enum! {
    /// What a document is.
    DocumentKind, "document kind", "Le type de document" {
        Convocation => ("convocation", "Convocation"),
        Avis => ("avis", "Avis"),
        Recepisse => ("recepisse", "Récépissé"),
        Decision => ("decision", "Décision"),
        Autre => ("autre", "Document"),
    }
}

/// The largest document the portal accepts.
pub const MAX_DOCUMENT_BYTES: usize = 20 * 1024 * 1024;

/// The only content type the portal stores.
pub const PDF_CONTENT_TYPE: &str = "application/pdf";

/// Why a file is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRefusal {
    Empty,
    TooLarge,
    NotPdf,
}

/// Checks a file's bytes: not empty, at most [`MAX_DOCUMENT_BYTES`], and a
/// PDF by its magic bytes (`%PDF-`, which the format allows within the first
/// 1024 bytes), whatever type the sender declared.
pub fn check_pdf(bytes: &[u8]) -> Result<(), FileRefusal> {
    if bytes.is_empty() {
        return Err(FileRefusal::Empty);
    }
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(FileRefusal::TooLarge);
    }
    let head = &bytes[..bytes.len().min(1024)];
    if head.windows(5).any(|w| w == b"%PDF-") { Ok(()) } else { Err(FileRefusal::NotPdf) }
}

/// The most characters a document's title holds.
pub const TITLE_MAX: usize = 200;

/// A document title: one line of 1 to 200 characters once trimmed
/// ([`crate::text::single_line`]).
pub fn parse_title(input: &str) -> Result<String, Invalid> {
    crate::text::single_line(TITLE_MAX)(input)
        .map_err(|_| Invalid::new("1 to 200 printable characters", "Le titre doit comporter de 1 à 200 caractères."))
}

/// "145 Ko": a size as the guide shows it.
pub fn human_size(bytes: u64) -> String {
    if bytes < 1024 {
        format!("{bytes} o")
    } else if bytes < 1024 * 1024 {
        format!("{} Ko", bytes.div_ceil(1024))
    } else {
        let tenths = (bytes * 10).div_ceil(1024 * 1024);
        format!("{},{} Mo", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pdf_is_known_by_its_magic_bytes() {
        assert_eq!(check_pdf(b"%PDF-1.7\n..."), Ok(()));
        assert_eq!(check_pdf(b"GIF89a"), Err(FileRefusal::NotPdf));
        assert_eq!(check_pdf(b""), Err(FileRefusal::Empty));
    }

    #[test]
    fn a_file_over_twenty_megabytes_is_refused() {
        let mut big = b"%PDF-1.4\n".to_vec();
        big.resize(MAX_DOCUMENT_BYTES + 1, b' ');
        assert_eq!(check_pdf(&big), Err(FileRefusal::TooLarge));
    }

    #[test]
    fn sizes_read_as_in_the_guide() {
        assert_eq!(human_size(145 * 1024), "145 Ko");
        assert_eq!(human_size(1_572_864), "1,5 Mo");
        assert_eq!(human_size(300), "300 o");
    }
}
