//! A minimal PDF writer for the demo's documents: one A4 page of text in
//! Helvetica (WinAnsiEncoding, so French accents print), with a title in the
//! document information. Enough for a real, valid PDF that any reader opens.

/// A line of the page: bold or not, and its text.
pub struct Line<'a> {
    pub bold: bool,
    pub size: u32,
    pub text: &'a str,
}

/// Encodes text for a PDF string in WinAnsiEncoding: Latin-1 letters as
/// themselves, typographic signs at their WinAnsi codes, anything else `?`.
fn win_ansi(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for c in text.chars() {
        let b = match c {
            '(' | ')' | '\\' => {
                out.push(b'\\');
                c as u8
            }
            '€' => 0x80,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            'œ' => 0x9C,
            'Œ' => 0x8C,
            '\u{a0}' | '\u{202f}' => b' ',
            c if (c as u32) < 0x7F && !c.is_control() => c as u8,
            c if (0xA0..=0xFF).contains(&(c as u32)) => c as u32 as u8,
            _ => b'?',
        };
        out.push(b);
    }
    out
}

/// The bytes of a one-page PDF.
pub fn document(title: &str, lines: &[Line<'_>]) -> Vec<u8> {
    padded(title, lines, 0)
}

/// The bytes of a one-page PDF of at least `size` bytes: the page's content
/// stream carries comment lines until the file is that large (the weight of
/// scanned or font-embedding documents, for benchmarks).
pub fn padded(title: &str, lines: &[Line<'_>], size: usize) -> Vec<u8> {
    let mut content = Vec::new();
    let mut y = 790;
    for line in lines {
        let font = if line.bold { "F2" } else { "F1" };
        content.extend_from_slice(format!("BT /{font} {} Tf 56 {y} Td (", line.size).as_bytes());
        content.extend_from_slice(&win_ansi(line.text));
        content.extend_from_slice(b") Tj ET\n");
        y -= line.size as i32 + 10;
    }
    const COMMENT: &[u8] = b"% Portalis: contenu de remplissage pour les mesures de performance.\n";
    while content.len() + 1024 < size {
        content.extend_from_slice(COMMENT);
    }
    let mut title_bytes = b"(".to_vec();
    title_bytes.extend_from_slice(&win_ansi(title));
    title_bytes.push(b')');

    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>".to_vec(),
    ];
    let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
    stream.extend_from_slice(&content);
    stream.extend_from_slice(b"endstream");
    objects.push(stream);
    let mut info = b"<< /Title ".to_vec();
    info.extend_from_slice(&title_bytes);
    info.extend_from_slice(b" /Producer (Portalis) >>");
    objects.push(info);

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
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info {} 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1,
            objects.len()
        )
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
        assert!(pdf.windows(3).any(|w| w == b"R\xE9u"), "accents in WinAnsi");
        assert!(text.contains("\\(R"), "parentheses escaped");
    }
}
