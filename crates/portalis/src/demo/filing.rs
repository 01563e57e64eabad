//! The online filing the demo court has received: Sophie MARTIN, tutrice
//! of her mother, asks leave to sell the house, with the two estimations;
//! sent the day before. So the court's intake (`GET /api/v1/filings`, the
//! console to come) has one to read, and Sophie finds it in « Mes
//! démarches » when she signs in with the simulator. Written through the
//! same engine and use cases as a filing typed in the pages; loaded once.

use crate::app::Services;
use anyhow::Context;
use bytes::Bytes;
use portalis_core::attachment;
use portalis_core::filing::answers::{Answers, read_step};
use portalis_core::filing::{Procedure, procedures};
use portalis_documents::pdf::{self, Line};
use portalis_storage::filing_attachments::{self, NewAttachment};
use portalis_storage::{courts, filings, users};
use std::collections::BTreeMap;

const SOPHIE_NIR: &str = "265123306300142";
const COURT: &str = "tj-saint-denis-reunion";

/// Each step as Sophie typed it.
const ANSWERS: &[(&str, &[(&str, &str)])] = &[
    (
        "vous",
        &[
            ("role", "tuteur"),
            ("adresse", "8 chemin des Filaos"),
            ("code_postal", "97400"),
            ("commune", "Saint-Denis"),
            ("courriel", "sophie.martin@example.org"),
            ("mobile", "0692 11 22 33"),
        ],
    ),
    (
        "personne_protegee",
        &[
            ("nom", "MARTIN"),
            ("prenoms", "Paulette"),
            ("naissance", "02/03/1938"),
            ("mesure", "tutelle"),
            ("reference", "21/00042"),
            ("juridiction", COURT),
        ],
    ),
    (
        "acte",
        &[
            ("acte", "vente"),
            ("montant", "180000"),
            (
                "motifs",
                "Ma mère vit en établissement depuis deux ans ; la maison est inoccupée et se dégrade. \
                 Le prix de vente couvrira les frais d'hébergement.",
            ),
        ],
    ),
];

/// Loads Sophie's filing unless she has one already.
pub async fn load(services: &Services) -> anyhow::Result<()> {
    let Some(issuer) = services.config.franceconnect.issuer.clone() else { return Ok(()) };
    let person = portalis_fc_sim::IDENTITIES.iter().find(|p| p.nir == SOPHIE_NIR).context("Sophie's identity")?;
    let subject = portalis_fc_sim::subject(&services.config.franceconnect.client_id, SOPHIE_NIR);
    let now = services.clock.now();
    let sent_at = now - chrono::Duration::days(1);
    let claims = users::Claims {
        given_name: Some(person.given_name.into()),
        family_name: Some(person.family_name.into()),
        preferred_username: None,
        birthdate: Some(person.birthdate.into()),
        email: Some(person.email.into()),
    };
    let mut tx = services.db.begin().await?;
    let user = users::upsert(&mut tx, &issuer, &subject, &claims, sent_at).await?;
    let loaded = !filings::list_of_user(&mut tx, user.id).await?.is_empty();
    let court = courts::by_code(&mut tx, COURT).await?.context("the demo court")?;
    portalis_storage::commit(tx).await?;
    if loaded {
        return Ok(());
    }
    let today = sent_at.with_timezone(&court.details.time_zone).date_naive();
    let form = procedures::form(Procedure::ProtectionMajeur);
    let mut answers = Answers::default();
    for (slug, typed) in ANSWERS {
        let (_, step) = form.step(slug).context("a step of the declaration")?;
        let submitted: BTreeMap<String, String> =
            typed.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        let (kept, errors) = read_step(step, &submitted, 0, today);
        anyhow::ensure!(errors.is_empty(), "the demo filing's step {slug}: {errors:?}");
        answers.steps.insert((*slug).to_owned(), kept);
    }
    let public_id = services.random.hex(16);
    // The files, queued for deletion before they are stored, as the pages
    // do: if the filing is not recorded, they go.
    let mut files = Vec::new();
    for (n, agency) in ["Agence du Barachois", "Étude de Maître Payet, notaire"].iter().enumerate() {
        let body = [
            Line { bold: true, size: 16, text: "Estimation d'un bien immobilier" },
            Line { bold: false, size: 11, text: agency },
            Line { bold: false, size: 11, text: "Maison de 95 m², 14 rue des Jamroses, 97400 Saint-Denis" },
            Line {
                bold: true,
                size: 11,
                text: if n == 0 { "Valeur estimée : 175 000 €" } else { "Valeur estimée : 185 000 €" },
            },
        ];
        let bytes = Bytes::from(pdf::document("Estimation", &body));
        let key = format!("filings/{public_id}/{}", services.random.hex(16));
        let mut queue = services.db.begin().await?;
        let pending = filing_attachments::queue_upload(&mut queue, &key, sent_at).await?;
        portalis_storage::commit(queue).await?;
        let stored = services.documents.put_at(&key, bytes.clone()).await?;
        files.push((format!("estimation {}.pdf", n + 1), bytes, stored, pending));
    }
    let mut tx = services.db.begin().await?;
    let draft = filings::start(&mut tx, user.id, Procedure::ProtectionMajeur, &public_id, sent_at).await?;
    filings::save_draft(&mut tx, user.id, draft.id, &answers.to_json(), Some(court.id), sent_at).await?;
    for (name, bytes, stored, pending) in &files {
        let file = NewAttachment {
            piece: "estimation",
            name,
            content_type: "application/pdf",
            size: stored.size,
            sha256: &stored.sha256,
            storage_key: &stored.key,
        };
        filing_attachments::add(&mut tx, user.id, draft.id, &file, *pending, sent_at, |held| {
            attachment::check(bytes, held).map(|_| ())
        })
        .await?
        .map_err(|e| anyhow::anyhow!("the demo filing's file: {}", e.en))?
        .context("the demo draft")?;
    }
    let draft = filings::of_user(&mut tx, user.id, &public_id).await?.context("the demo draft")?;
    let ctx = portalis_usecases::Context {
        now: sent_at,
        random: services.random.as_ref(),
        portal_url: services.config.server.public_url.as_str().trim_end_matches('/'),
    };
    let url = portalis_usecases::filings::page_url(ctx.portal_url, &draft);
    portalis_usecases::filings::send(&mut tx, ctx, &draft, &court, person.email, &claims, &url)
        .await?
        .context("the demo filing sent")?;
    portalis_storage::commit(tx).await?;
    Ok(())
}
