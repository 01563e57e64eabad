//! A minimal PDF writer: A4 pages of text in Helvetica (WinAnsiEncoding, so
//! French accents print), lines cut to the page's width and continued on
//! the next page, with a title in the document information. Enough for a
//! real, valid PDF that any reader opens: the request and the avis de
//! réception of an online filing, the demo's and the benchmarks' documents.

/// A line of the page: bold or not, and its text.
pub struct Line<'a> {
    pub bold: bool,
    pub size: u32,
    pub text: &'a str,
}

/// Encodes text for a PDF string in WinAnsiEncoding: Latin-1 letters as
/// themselves, typographic signs at their WinAnsi codes, another letter as
/// its base letter without its accent (« Ł » aside, which has none), and
/// anything else `?`.
fn win_ansi(text: &str) -> Vec<u8> {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    let mut out = Vec::new();
    // Composed first: « e » followed by a combining acute is « é ».
    for c in text.nfc() {
        if is_combining_mark(c) {
            continue;
        }
        match win_ansi_char(c) {
            Some(b'(' | b')' | b'\\') => {
                out.push(b'\\');
                out.push(c as u8);
            }
            Some(b) => out.push(b),
            None => {
                let base = std::iter::once(c).nfd().next().and_then(win_ansi_char).filter(|b| b.is_ascii_alphabetic());
                out.push(base.unwrap_or(b'?'));
            }
        }
    }
    out
}

/// A character's WinAnsi code, if it has one.
fn win_ansi_char(c: char) -> Option<u8> {
    Some(match c {
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        '\u{a0}' | '\u{202f}' => b' ',
        c if (c as u32) < 0x7F && !c.is_control() => c as u8,
        c if (0xA0..=0xFF).contains(&(c as u32)) => c as u32 as u8,
        _ => return None,
    })
}

/// The page: A4 in points, its margins, the space between lines.
const PAGE_WIDTH: u32 = 595;
const PAGE_HEIGHT: u32 = 842;
const MARGIN: u32 = 56;
const LEADING: u32 = 4;

/// How many characters of Helvetica at `size` points fit the text's width:
/// the average lower-case glyph is about half an em wide, capitals about
/// two thirds; a line is cut at 0.6 em a character to stay within the
/// margin (a line of capitals alone may come close to it).
fn chars_per_line(size: u32) -> usize {
    ((PAGE_WIDTH - 2 * MARGIN) as f32 / (size.max(6) as f32 * 0.6)) as usize
}

/// A line cut at word boundaries to fit the page's width (a word longer
/// than a line, such as a checksum, is cut where the line ends).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut current = String::new();
        for word in paragraph.split(' ') {
            let mut word = word.to_owned();
            loop {
                let len = current.chars().count();
                let needed = word.chars().count() + usize::from(len > 0);
                if len + needed <= width {
                    if len > 0 {
                        current.push(' ');
                    }
                    current.push_str(&word);
                    break;
                }
                if len > 0 {
                    lines.push(std::mem::take(&mut current));
                    continue;
                }
                // A word alone wider than the line.
                let head: String = word.chars().take(width).collect();
                word = word.chars().skip(width).collect();
                lines.push(head);
                if word.is_empty() {
                    break;
                }
            }
        }
        lines.push(current);
    }
    lines
}

/// A document composed a line at a time: a title, headings, text; then its
/// PDF ([`document`]).
#[derive(Debug, Default)]
pub struct Composer(Vec<(bool, u32, String)>);

impl Composer {
    pub fn title(&mut self, text: impl Into<String>) {
        self.0.push((true, 16, text.into()));
    }

    /// A heading, after a blank line.
    pub fn heading(&mut self, text: impl Into<String>) {
        self.0.push((false, 6, String::new()));
        self.0.push((true, 12, text.into()));
    }

    pub fn subheading(&mut self, text: impl Into<String>) {
        self.0.push((true, 10, text.into()));
    }

    pub fn text(&mut self, text: impl Into<String>) {
        self.0.push((false, 10, text.into()));
    }

    /// The PDF, with `title` in its document information.
    pub fn pdf(&self, title: &str) -> Vec<u8> {
        let lines: Vec<Line<'_>> =
            self.0.iter().map(|(bold, size, text)| Line { bold: *bold, size: *size, text: text.as_str() }).collect();
        document(title, &lines)
    }
}

/// The bytes of a PDF of the lines, cut to the width of an A4 page and
/// continued on as many pages as they need, each numbered « Page n sur N ».
pub fn document(title: &str, lines: &[Line<'_>]) -> Vec<u8> {
    padded(title, lines, 0)
}

/// The same, of at least `size` bytes: the last page's content stream
/// carries comment lines until the file is that large (the weight of
/// scanned or font-embedding documents, for benchmarks).
pub fn padded(title: &str, lines: &[Line<'_>], size: usize) -> Vec<u8> {
    let mut pages: Vec<Vec<u8>> = vec![Vec::new()];
    let mut y = (PAGE_HEIGHT - MARGIN) as i32;
    for line in lines {
        let font = if line.bold { "F2" } else { "F1" };
        for part in wrap(line.text, chars_per_line(line.size)) {
            let step = (line.size + LEADING) as i32;
            if y - step < MARGIN as i32 {
                pages.push(Vec::new());
                y = (PAGE_HEIGHT - MARGIN) as i32;
            }
            y -= step;
            let content = pages.last_mut().expect("a page");
            content.extend_from_slice(format!("BT /{font} {} Tf {MARGIN} {y} Td (", line.size).as_bytes());
            content.extend_from_slice(&win_ansi(&part));
            content.extend_from_slice(b") Tj ET\n");
        }
    }
    let count = pages.len();
    if count > 1 {
        for (i, content) in pages.iter_mut().enumerate() {
            let footer = format!("Page {} sur {count}", i + 1);
            content.extend_from_slice(format!("BT /F1 8 Tf {MARGIN} {} Td (", MARGIN / 2).as_bytes());
            content.extend_from_slice(&win_ansi(&footer));
            content.extend_from_slice(b") Tj ET\n");
        }
    }
    const COMMENT: &[u8] = b"% Portalis: contenu de remplissage pour les mesures de performance.\n";
    let last = pages.last_mut().expect("a page");
    while last.len() + 1024 < size {
        last.extend_from_slice(COMMENT);
    }
    let mut title_bytes = b"(".to_vec();
    title_bytes.extend_from_slice(&win_ansi(title));
    title_bytes.push(b')');

    // 1 catalog, 2 pages, 3 and 4 the fonts, 5 the information, then a
    // page and its content for each page.
    let kids: Vec<String> = (0..count).map(|i| format!("{} 0 R", 6 + 2 * i)).collect();
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!("<< /Type /Pages /Kids [{}] /Count {count} >>", kids.join(" ")).into_bytes(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>".to_vec(),
    ];
    let mut info = b"<< /Title ".to_vec();
    info.extend_from_slice(&title_bytes);
    info.extend_from_slice(b" /Producer (Portalis) >>");
    objects.push(info);
    for (i, content) in pages.iter().enumerate() {
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] \
                 /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
                7 + 2 * i
            )
            .into_bytes(),
        );
        let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        stream.extend_from_slice(content);
        stream.extend_from_slice(b"endstream");
        objects.push(stream);
    }

    let mut pdf = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        pdf.extend_from_slice(body);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let xref = pdf.len();
    pdf.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1)
            .as_bytes(),
    );
    pdf
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_is_a_pdf_with_a_correct_cross_reference_table() {
        let pdf = document("Convocation", &[Line { bold: true, size: 14, text: "Tribunal judiciaire (Réunion)" }]);
        assert!(portalis_core::document::check_pdf(&pdf).is_ok());
        let text = String::from_utf8_lossy(&pdf);
        let startxref: usize = text.rsplit("startxref\n").next().unwrap().lines().next().unwrap().parse().unwrap();
        assert!(pdf[startxref..].starts_with(b"xref"));
        let obj3: usize =
            text.split("0000000000 65535 f \n").nth(1).unwrap().lines().nth(2).unwrap()[..10].parse().unwrap();
        assert!(pdf[obj3..].starts_with(b"3 0 obj"));
        assert!(text.contains("/Count 1 >>") && !text.contains("Page 1 sur"), "one page, not numbered");
        assert!(pdf.windows(3).any(|w| w == b"R\xE9u"), "accents in WinAnsi");
        assert!(text.contains("\\(R"), "parentheses escaped");
    }

    #[test]
    fn typographic_signs_print_and_other_letters_lose_only_their_accent() {
        assert_eq!(win_ansi("terrain…"), b"terrain\x85");
        assert_eq!(win_ansi("‘Štěpán’"), b"\x91\x8Atep\xE1n\x92", "ě is e, á is Latin-1");
        assert_eq!(win_ansi("Łódź"), b"?\xF3dz", "Ł has no base letter: ó is Latin-1, ź is z");
        assert_eq!(win_ansi("a(b)\\"), b"a\\(b\\)\\\\");
        assert_eq!(win_ansi("日本"), b"??");
        assert_eq!(win_ansi("releve\u{301}.pdf"), b"relev\xE9.pdf", "a decomposed accent composed");
        assert_eq!(win_ansi("s\u{327}\u{30c}a"), b"sa", "marks that compose to nothing WinAnsi has are dropped");
    }

    #[test]
    fn long_text_is_cut_to_the_width_and_continued_on_numbered_pages() {
        let sentence = "Les enfants vivent avec moi depuis la séparation, et leur père ne les voit plus. ".repeat(40);
        let checksum = "0123456789abcdef".repeat(8);
        let lines: Vec<Line<'_>> = (0..60)
            .map(|_| Line { bold: false, size: 10, text: &sentence })
            .chain([Line { bold: false, size: 10, text: &checksum }])
            .collect();
        let pdf = document("Requête", &lines);
        assert!(portalis_core::document::check_pdf(&pdf).is_ok());
        let text = String::from_utf8_lossy(&pdf);
        let pages: usize = text.split("/Count ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
        assert!(pages > 10, "{pages} pages");
        assert!(text.contains(&format!("(Page {pages} sur {pages})")));
        let width = chars_per_line(10);
        for shown in text.split(") Tj").filter_map(|s| s.rsplit_once("Td (").map(|(_, t)| t)) {
            assert!(shown.chars().count() <= width, "{shown}");
        }
        assert!(wrap(&checksum, width).iter().all(|l| l.chars().count() <= width), "a long word is cut");
        assert_eq!(wrap("", width), [""], "an empty line stays a line");
    }
}
