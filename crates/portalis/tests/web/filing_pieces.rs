//! « Pièces justificatives »: a litigant attaches files to his draft,
//! checked by their content and bounded in size and number, removes them
//! while it is a draft; their stored copies go when they are removed or the
//! draft is deleted, and never while a row names them.

use crate::filings::{a_jaf_request_to_review, location, token};
use crate::support::{Browser, MARIE_NIR, NICOLAS_NIR, TestApp, pdf};
use reqwest::multipart::{Form, Part};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

/// The form of « Joindre la pièce »: the token first, as the page sends it.
fn upload(csrf: &str, piece: &str, name: &str, bytes: Vec<u8>) -> Form {
    // File names as browsers send them: UTF-8, not percent-encoded.
    Form::new()
        .percent_encode_noop()
        .text("csrf", csrf.to_owned())
        .text("piece", piece.to_owned())
        .part("fichier", Part::bytes(bytes).file_name(name.to_owned()).mime_str("application/octet-stream").unwrap())
}

/// Marie's JAF draft at its attachments' page: (that page, its token).
async fn pieces_of_a_draft(app: &TestApp) -> (Browser, String, String) {
    let marie = Browser::new(app);
    marie.login_as(MARIE_NIR).await;
    let pieces = a_jaf_request_to_review(&marie).await.replace("/verification", "/pieces");
    let csrf = token(&marie, &pieces).await;
    (marie, pieces, csrf)
}

#[tokio::test]
async fn a_litigant_attaches_files_finds_them_on_the_review_and_removes_one_while_a_draft() {
    let app = TestApp::spawn().await;
    let (marie, pieces, csrf) = pieces_of_a_draft(&app).await;
    let page = marie.get(&pieces).await.text().await.unwrap();
    assert!(page.contains("Étape 8 sur 8") && page.contains("Aucune pièce jointe"), "the stepper's last page");

    let birth = pdf(1);
    let r = marie.post_multipart(&pieces, upload(&csrf, "acte_naissance", "scans/acte Léa.pdf", birth.clone())).await;
    assert_eq!(r.status(), 303);
    let page = marie.get(&location(&r)).await.text().await.unwrap();
    assert!(page.contains("La pièce « acte Léa.pdf » est jointe"), "its last name component, accents kept");
    assert!(page.contains("1 pièce jointe sur 20 au plus"));
    let r = marie.post_multipart(&pieces, upload(&csrf, "revenus", "avis.png", PNG.to_vec())).await;
    assert_eq!(r.status(), 303);

    assert_eq!(stored_files(&app).len(), 2, "each in the store, under filings/");
    let r = marie.post_multipart(&pieces, upload(&csrf, "autre", "page.html", pdf(9))).await;
    assert_eq!(r.status(), 303);
    let page = marie.get(&pieces).await.text().await.unwrap();
    assert!(page.contains("page.pdf"), "a PDF is named as one, whatever its name said");
    let r = marie.post(&format!("{pieces}/3/retrait"), &[("csrf", &csrf)]).await;
    assert_eq!(r.status(), 303);
    let download = marie.get(&format!("{pieces}/1")).await;
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["content-type"], "application/pdf");
    assert!(download.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert_eq!(download.bytes().await.unwrap().to_vec(), birth, "the very bytes");

    let review = pieces.replace("/pieces", "/verification");
    let page = marie.get(&review).await.text().await.unwrap();
    assert!(page.contains("acte Léa.pdf — Acte de naissance d&#39;un enfant (de moins de 3 mois), PDF"), "{page}");
    assert!(page.contains("avis.png — Justificatif de revenus, PNG"));

    let r = marie.post(&format!("{pieces}/1/retrait"), &[("csrf", &csrf)]).await;
    assert_eq!(r.status(), 303);
    assert!(marie.get(&location(&r)).await.text().await.unwrap().contains("La pièce a été retirée"));
    assert_eq!(app.count("filing_attachments").await, 1);
    assert_eq!(app.count("file_deletions").await, 2, "the removed files' stored copies are queued for deletion");
    assert_eq!(marie.get(&format!("{pieces}/1")).await.status(), 404);

    let csrf = token(&marie, &review).await;
    let r = marie.post(&review.replace("/verification", "/envoi"), &[("csrf", &csrf), ("certifie", "1")]).await;
    assert_eq!(r.status(), 303);
    let receipt = marie.get(&location(&r)).await.text().await.unwrap();
    assert!(receipt.contains("avis.png"), "the receipt lists the files sent");
    assert_eq!(marie.get(&pieces).await.status(), 303, "a sent filing's files are not changed");
    let r = marie.post(&format!("{pieces}/2/retrait"), &[("csrf", &csrf)]).await;
    assert_eq!(r.status(), 303);
    let r = marie.post_multipart(&pieces, upload(&csrf, "autre", "late.pdf", pdf(2))).await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.count("filing_attachments").await, 1, "neither removed nor added once sent");
    assert_eq!(marie.get(&format!("{pieces}/2")).await.status(), 200, "still downloadable by its author");
}

#[tokio::test]
async fn a_file_refused_says_why_next_to_its_field_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let (marie, pieces, csrf) = pieces_of_a_draft(&app).await;
    let cases: [(&str, &str, Vec<u8>, &str); 4] = [
        (
            "acte_naissance",
            "photo.gif",
            b"GIF89a\x01\0\x01\0".to_vec(),
            "Fichier : seuls les fichiers PDF, JPEG et PNG sont acceptés.",
        ),
        ("acte_naissance", "", Vec::new(), "Fichier : choisissez le fichier à joindre."),
        ("", "acte.pdf", pdf(1), "Type de pièce : choisissez ce que contient le fichier."),
        ("un_autre_type", "acte.pdf", pdf(1), "Type de pièce : choisissez ce que contient le fichier."),
    ];
    for (piece, name, bytes, message) in cases {
        let r = marie.post_multipart(&pieces, upload(&csrf, piece, name, bytes)).await;
        assert_eq!(r.status(), 422, "{name}");
        let page = r.text().await.unwrap();
        assert!(page.contains(message), "{message}");
        assert!(page.contains("aria-invalid=\"true\""), "the field says it is in error");
    }
    // A file over 10 MB: refused by the size the request carries, the
    // message next to the field.
    let big = [pdf(1), vec![b' '; 10 * 1024 * 1024 + 100 * 1024]].concat();
    let r = marie.post_multipart(&pieces, upload(&csrf, "revenus", "gros.pdf", big)).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("Fichier : le fichier dépasse 10 Mo"), "{page}");
    assert!(page.contains("<option value=\"revenus\" selected>"), "the kind chosen is kept");
    assert_eq!(app.count("filing_attachments").await, 0);
    assert_eq!(app.count("file_deletions").await, 0);
    assert!(stored_files(&app).is_empty(), "nothing was stored");
}

/// The files under the document store's `filings/`.
fn stored_files(app: &TestApp) -> Vec<std::path::PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() { walk(&path, out) } else { out.push(path) }
        }
    }
    let mut out = Vec::new();
    walk(&app.dir.join("documents").join("filings"), &mut out);
    out
}

#[tokio::test]
async fn a_file_without_the_visitors_token_first_is_refused_unread() {
    let app = TestApp::spawn().await;
    let (marie, pieces, csrf) = pieces_of_a_draft(&app).await;
    let no_token = Form::new().text("piece", "autre").part("fichier", Part::bytes(pdf(1)).file_name("a.pdf"));
    assert_eq!(marie.post_multipart(&pieces, no_token).await.status(), 403);
    let token_last = Form::new()
        .text("piece", "autre")
        .part("fichier", Part::bytes(pdf(1)).file_name("a.pdf"))
        .text("csrf", csrf.clone());
    assert_eq!(marie.post_multipart(&pieces, token_last).await.status(), 403, "the token comes first");
    let wrong = upload("not-the-token", "autre", "a.pdf", pdf(1));
    assert_eq!(marie.post_multipart(&pieces, wrong).await.status(), 403);
    let r = marie.post(&pieces, &[("csrf", &csrf), ("piece", "autre")]).await;
    assert_eq!(r.status(), 403, "a form without its file part is not an upload");
    assert_eq!(app.count("filing_attachments").await, 0);
}

#[tokio::test]
async fn another_litigant_can_neither_see_nor_add_nor_remove_a_drafts_files() {
    let app = TestApp::spawn().await;
    let (marie, pieces, csrf) = pieces_of_a_draft(&app).await;
    let r = marie.post_multipart(&pieces, upload(&csrf, "autre", "a.pdf", pdf(1))).await;
    assert_eq!(r.status(), 303);

    let nicolas = Browser::new(&app);
    nicolas.login_as(NICOLAS_NIR).await;
    let his = token(&nicolas, "/demarches").await;
    assert_eq!(nicolas.get(&pieces).await.status(), 404);
    assert_eq!(nicolas.get(&format!("{pieces}/1")).await.status(), 404);
    let r = nicolas.post_multipart(&pieces, upload(&his, "autre", "b.pdf", pdf(2))).await;
    assert_eq!(r.status(), 404);
    assert_eq!(nicolas.post(&format!("{pieces}/1/retrait"), &[("csrf", &his)]).await.status(), 404);
    assert_eq!(app.count("filing_attachments").await, 1, "hers, untouched");
    assert_eq!(app.count("file_deletions").await, 0);
}

#[tokio::test]
async fn the_twentieth_file_is_the_last_even_when_two_arrive_at_once() {
    let app = TestApp::spawn().await;
    let (marie, pieces, csrf) = pieces_of_a_draft(&app).await;
    for n in 0..19 {
        let r = marie.post_multipart(&pieces, upload(&csrf, "autre", &format!("{n}.pdf"), pdf(n))).await;
        assert_eq!(r.status(), 303);
    }
    let (a, b) = tokio::join!(
        marie.post_multipart(&pieces, upload(&csrf, "autre", "a.pdf", pdf(100))),
        marie.post_multipart(&pieces, upload(&csrf, "autre", "b.pdf", pdf(101))),
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [303, 422], "one is the twentieth, the other is refused");
    assert_eq!(app.count("filing_attachments").await, 20);
    let refused = if a.status() == 422 { a } else { b };
    assert!(refused.text().await.unwrap().contains("Fichier : une demande comporte au plus 20 pièces jointes."));
}

#[tokio::test]
async fn a_deleted_drafts_files_leave_the_store_at_the_next_housekeeping() {
    let app = TestApp::spawn().await;
    let (marie, pieces, csrf) = pieces_of_a_draft(&app).await;
    let bytes = pdf(7);
    let r = marie.post_multipart(&pieces, upload(&csrf, "autre", "a.pdf", bytes.clone())).await;
    assert_eq!(r.status(), 303);
    let (key, sha256): (String, String) = {
        let mut conn = app.services.db.read().await.unwrap();
        sqlx::query_as("SELECT storage_key, sha256 FROM filing_attachments").fetch_one(&mut *conn).await.unwrap()
    };
    let stored = || app.services.documents.get(&key, &sha256, bytes.len() as u64);
    assert!(stored().await.is_ok());

    let draft = pieces.trim_end_matches("/pieces");
    let r = marie.post(&format!("{draft}/suppression"), &[("csrf", &csrf)]).await;
    assert_eq!(r.status(), 303);
    assert_eq!((app.count("filings").await, app.count("file_deletions").await), (0, 1));
    app.schedule().await;
    assert!(stored().await.is_ok(), "left an hour: an upload is queued a moment before it is recorded");

    app.clock.advance(chrono::Duration::minutes(61));
    app.schedule().await;
    assert!(matches!(stored().await, Err(portalis_documents::DocumentError::Missing { .. })), "deleted from the store");
    assert_eq!(app.count("file_deletions").await, 0);
}
