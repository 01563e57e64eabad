//! The files a litigant attaches to an online filing (a birth certificate,
//! a proof of income, a previous decision): PDF, JPEG or PNG as their
//! content says, whatever name or type the browser gave; at most 10 MB
//! each, 20 per filing and 50 MB in all.

use crate::Invalid;

pub const MAX_ATTACHMENT_BYTES: u64 = 10 * 1024 * 1024;
pub const MAX_ATTACHMENTS: usize = 20;
pub const MAX_TOTAL_BYTES: u64 = 50 * 1024 * 1024;
/// The most characters kept of a file's name.
pub const NAME_MAX: usize = 120;

/// What a file is, by its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    Jpeg,
    Png,
}

impl FileKind {
    /// By the first bytes: `%PDF-` at the start (after blanks or a byte
    /// order mark at most: a file that begins as HTML or a program and
    /// says `%PDF-` further on is not taken for a PDF), JPEG's `FF D8 FF`,
    /// PNG's eight-byte signature.
    pub fn of(bytes: &[u8]) -> Option<FileKind> {
        const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
        let after_blanks = {
            let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            let start = b.iter().take(1024).position(|c| !matches!(c, b' ' | b'\t' | b'\r' | b'\n' | 0));
            &b[start.unwrap_or(b.len())..]
        };
        if bytes.starts_with(PNG) {
            Some(FileKind::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileKind::Jpeg)
        } else if after_blanks.starts_with(b"%PDF-") {
            Some(FileKind::Pdf)
        } else {
            None
        }
    }

    /// The extensions a file of this kind may bear, the usual one first.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            FileKind::Pdf => &["pdf"],
            FileKind::Jpeg => &["jpg", "jpeg"],
            FileKind::Png => &["png"],
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
        }
    }
}

/// Why a file is refused, as the litigant reads it next to the field.
pub mod refusal {
    use crate::Invalid;

    pub const EMPTY: Invalid = Invalid::new("the file is empty", "Le fichier est vide.");
    pub const TOO_LARGE: Invalid =
        Invalid::new("a file holds at most 10 MB", "Le fichier dépasse 10 Mo : réduisez-le ou numérisez-le à nouveau.");
    pub const NOT_ALLOWED: Invalid =
        Invalid::new("only PDF, JPEG and PNG files are accepted", "Seuls les fichiers PDF, JPEG et PNG sont acceptés.");
    pub const TOO_MANY: Invalid =
        Invalid::new("a filing holds at most 20 files", "Une demande comporte au plus 20 pièces jointes.");
    pub const TOTAL_TOO_LARGE: Invalid = Invalid::new(
        "a filing's files hold at most 50 MB in all",
        "Les pièces jointes d'une demande ne peuvent dépasser 50 Mo au total.",
    );
}

/// What a filing already holds: how many files, how many bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Holding {
    pub files: usize,
    pub bytes: u64,
}

/// Checks a new file against its content and what the filing holds; its
/// kind when it may be added.
///
/// # Errors
/// The first of: empty, over 10 MB, not a PDF/JPEG/PNG, a 21st file, over
/// 50 MB in all.
pub fn check(bytes: &[u8], holding: Holding) -> Result<FileKind, Invalid> {
    let size = bytes.len() as u64;
    if size == 0 {
        return Err(refusal::EMPTY);
    }
    if size > MAX_ATTACHMENT_BYTES {
        return Err(refusal::TOO_LARGE);
    }
    let kind = FileKind::of(bytes).ok_or(refusal::NOT_ALLOWED)?;
    if holding.files >= MAX_ATTACHMENTS {
        return Err(refusal::TOO_MANY);
    }
    if holding.bytes + size > MAX_TOTAL_BYTES {
        return Err(refusal::TOTAL_TOO_LARGE);
    }
    Ok(kind)
}

/// A file's name as kept and shown: its last path component (browsers of
/// old sent the whole path), control and bidirectional characters
/// removed, at most [`NAME_MAX`] characters keeping the extension; a name
/// that comes out empty is `pièce-jointe`.
pub fn display_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String =
        last.chars().filter(|c| !c.is_control() && !crate::text::deceptive(*c)).collect::<String>().trim().to_owned();
    if clean.is_empty() || clean == "." || clean == ".." {
        return "pièce-jointe".to_owned();
    }
    if clean.chars().count() <= NAME_MAX {
        return clean;
    }
    let extension: String = match clean.rsplit_once('.') {
        Some((_, e)) if e.chars().count() <= 5 => format!(".{e}"),
        _ => String::new(),
    };
    let keep = NAME_MAX - extension.chars().count();
    clean.chars().take(keep).collect::<String>() + &extension
}

/// A file's name as kept and shown, with an extension that says what its
/// content is: the name cleaned by [`display_name`], its extension kept
/// when it is one of the kind's (any case), replaced when it is another
/// (`facture.html` read as a PDF is `facture.pdf`), added when there is
/// none (`relevé 03.2024` is `relevé 03.2024.pdf`); within [`NAME_MAX`]
/// characters.
pub fn file_name(name: &str, kind: FileKind) -> String {
    let clean = display_name(name);
    let (stem, ext) = match clean.rsplit_once('.') {
        // An extension names a format: a few letters or digits, a letter
        // among them (« relevé 03.2024 » has none).
        Some((stem, ext))
            if !stem.is_empty()
                && (1..=5).contains(&ext.len())
                && ext.bytes().all(|b| b.is_ascii_alphanumeric())
                && ext.bytes().any(|b| b.is_ascii_alphabetic()) =>
        {
            (stem.to_owned(), Some(ext))
        }
        _ => (clean.clone(), None),
    };
    if ext.is_some_and(|e| kind.extensions().iter().any(|k| e.eq_ignore_ascii_case(k))) {
        return clean;
    }
    let ext = kind.extensions()[0];
    let stem: String = stem.chars().take(NAME_MAX - ext.len() - 1).collect();
    format!("{stem}.{ext}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.7\n...";
    const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10];
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[test]
    fn a_file_is_what_its_content_says() {
        assert_eq!(FileKind::of(PDF), Some(FileKind::Pdf));
        assert_eq!(FileKind::of(&[b"\xEF\xBB\xBF\r\n ".as_slice(), PDF].concat()), Some(FileKind::Pdf), "blanks first");
        assert_eq!(FileKind::of(JPEG), Some(FileKind::Jpeg));
        assert_eq!(FileKind::of(PNG), Some(FileKind::Png));
        assert_eq!(FileKind::of(b"GIF89a"), None);
        assert_eq!(FileKind::of(b"<html>%PDF-"), None, "a page that says %PDF- further on");
        assert_eq!(FileKind::of(&[b"MZ\x90\0".as_slice(), PDF].concat()), None, "a program");
        let late = [vec![b' '; 1024], PDF.to_vec()].concat();
        assert_eq!(FileKind::of(&late), None, "a PDF says so within its first kilobyte");
        assert_eq!(FileKind::Png.content_type(), "image/png");
    }

    #[test]
    fn a_filing_holds_twenty_files_of_ten_megabytes_and_fifty_in_all() {
        let none = Holding::default();
        assert_eq!(check(PDF, none), Ok(FileKind::Pdf));
        assert_eq!(check(b"", none), Err(refusal::EMPTY));
        assert_eq!(check(b"MZ\x90\0", none), Err(refusal::NOT_ALLOWED));
        let ten = [PDF, &vec![0u8; MAX_ATTACHMENT_BYTES as usize - PDF.len()]].concat();
        assert_eq!(check(&ten, none), Ok(FileKind::Pdf), "10 MB exactly");
        assert_eq!(check(&[ten.as_slice(), b"x"].concat(), none), Err(refusal::TOO_LARGE));
        assert_eq!(check(PDF, Holding { files: 19, bytes: 0 }), Ok(FileKind::Pdf));
        assert_eq!(check(PDF, Holding { files: 20, bytes: 0 }), Err(refusal::TOO_MANY));
        let full = Holding { files: 4, bytes: MAX_TOTAL_BYTES - PDF.len() as u64 };
        assert_eq!(check(PDF, full), Ok(FileKind::Pdf), "50 MB exactly");
        assert_eq!(check(PDF, Holding { bytes: full.bytes + 1, ..full }), Err(refusal::TOTAL_TOO_LARGE));
        assert!(refusal::TOO_LARGE.fr.contains("10 Mo"));
    }

    #[test]
    fn a_files_name_says_what_its_content_is() {
        assert_eq!(file_name("acte.PDF", FileKind::Pdf), "acte.PDF");
        assert_eq!(file_name("photo.jpeg", FileKind::Jpeg), "photo.jpeg");
        assert_eq!(file_name("facture.html", FileKind::Pdf), "facture.pdf");
        assert_eq!(file_name("setup.exe", FileKind::Png), "setup.png");
        assert_eq!(file_name("scan", FileKind::Jpeg), "scan.jpg");
        assert_eq!(file_name(".pdf", FileKind::Pdf), ".pdf.pdf", "a name that is only an extension");
        assert_eq!(file_name("relevé 03.2024", FileKind::Pdf), "relevé 03.2024.pdf", "a date is no extension");
        let long = format!("{}.exe", "é".repeat(200));
        let kept = file_name(&long, FileKind::Pdf);
        assert!(kept.ends_with(".pdf") && kept.chars().count() <= NAME_MAX, "{kept}");
    }

    #[test]
    fn a_files_name_is_its_last_component_cleaned_and_bounded() {
        assert_eq!(display_name("C:\\Users\\marie\\acte de naissance.pdf"), "acte de naissance.pdf");
        assert_eq!(display_name("../../etc/passwd"), "passwd");
        assert_eq!(display_name("facture\u{202e}fdp.exe"), "facturefdp.exe");
        assert_eq!(display_name("  \u{7}  "), "pièce-jointe");
        assert_eq!(display_name(".."), "pièce-jointe");
        let long = format!("{}.jpeg", "é".repeat(200));
        let kept = display_name(&long);
        assert_eq!(kept.chars().count(), NAME_MAX);
        assert!(kept.ends_with(".jpeg"));
    }
}
