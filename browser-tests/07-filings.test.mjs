// « Saisir la justice en ligne »: Marie files each of the three procedures
// from her space to the avis de réception, sees the error summary and
// fixes it, goes through a step with the keyboard alone, and finds her
// filings in « Mes démarches ». Every page is checked (axe, width).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, check, loginAsMarie, outbox } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser.close(); });

// Fills a step: text by field id, radios and boxes by clicking their label
// (the DSFR draws the box on the label, as a person sees it).
async function fill(page, fields) {
  for (const [id, value] of Object.entries(fields)) {
    if (value === true) await page.locator(`label[for="${id}"]`).click();
    else await page.locator(`#${id}`).fill(value);
  }
}

async function next(page, name, fields) {
  await fill(page, fields);
  const before = page.url();
  await page.getByRole('button', { name: 'Continuer' }).click();
  await page.waitForURL((url) => url.toString() !== before);
  await check(page, name);
}

// A date a week ahead, as people write it.
function inAWeek() {
  const d = new Date(Date.now() + 7 * 86400e3);
  return `${String(d.getDate()).padStart(2, '0')}/${String(d.getMonth() + 1).padStart(2, '0')}/${d.getFullYear()}`;
}

// A small PDF, as a scanner writes one.
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

// The attachments' page: a file is attached (the kind chosen first, the
// error shown when it is missing), then « Continuer » to the review.
async function pieces(page, name, piece, fileName) {
  await page.getByRole('heading', { name: 'Ajouter une pièce' }).waitFor();
  await check(page, `${name}-pieces`);
  if (piece) {
    await page.locator('#fichier').setInputFiles({ name: fileName, mimeType: 'application/pdf', buffer: PDF });
    await page.getByRole('button', { name: 'Joindre la pièce' }).click();
    await page.getByText('Le formulaire contient 1 erreur').waitFor();
    await check(page, `${name}-pieces-erreur`);
    await page.getByRole('link', { name: /Type de pièce/ }).click();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'piece', 'the summary leads to the field');
    await page.locator('#piece').selectOption(piece);
    await page.locator('#fichier').setInputFiles({ name: fileName, mimeType: 'application/pdf', buffer: PDF });
    await page.getByRole('button', { name: 'Joindre la pièce' }).click();
    await page.getByText(`La pièce « ${fileName} » est jointe à votre demande.`).waitFor();
    await check(page, `${name}-pieces-jointe`);
  }
  await page.getByRole('link', { name: 'Continuer' }).click();
}

async function send(page, name) {
  await page.getByRole('heading', { name: 'Vérifier votre demande' }).waitFor();
  await check(page, `${name}-verification`);
  await page.getByRole('button', { name: 'Envoyer ma demande' }).click();
  await page.getByText('Le formulaire contient 1 erreur').waitFor();
  await check(page, `${name}-declaration-manquante`);
  await page.locator('label[for="certifie"]').click();
  await page.getByRole('button', { name: 'Envoyer ma demande' }).click();
  await page.getByRole('heading', { name: 'Avis électronique de réception' }).waitFor();
  await check(page, `${name}-avis`);
}

for (const width of [1280, 320]) {
  test(`Marie files a request to the family judge, fixing the errors shown (${width} px)`, async () => {
    const page = await newPage(browser, width);
    const step = (n, fields) => next(page, `filings-${width}-jaf-${n}`, fields);
    await loginAsMarie(page);
    await page.getByRole('link', { name: 'Saisir la justice en ligne' }).first().click();
    await page.getByRole('heading', { name: 'Saisir la justice en ligne' }).waitFor();
    await check(page, `filings-${width}-procedures`);
    await page.getByRole('button', { name: 'Commencer' }).first().click();
    await page.getByText('Étape 1 sur 8').waitFor();
    await check(page, `filings-${width}-jaf-01-vous`);

    // An error: the summary links to the field, the message is next to it.
    await fill(page, { adresse: '12 rue des Lilas', code_postal: '9740', commune: 'Saint-Denis', courriel: 'marie.delestable@exemple.fr' });
    await page.getByRole('button', { name: 'Continuer' }).click();
    await page.getByText('Le formulaire contient 1 erreur').waitFor();
    await check(page, `filings-${width}-jaf-01-erreur`);
    await page.getByRole('link', { name: /Le code postal doit comporter 5 chiffres/ }).click();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'code_postal', 'the summary leads to the field');
    assert.equal(await page.locator('#adresse').inputValue(), '12 rue des Lilas', 'nothing typed is lost');

    await step('02-autre-parent', { code_postal: '97400' });
    await step('03-enfants', { nom: 'DUPONT', prenoms: 'Nicolas', adresse_connue__non: true });
    await page.getByRole('button', { name: 'Ajouter un enfant' }).click();
    await page.getByRole('heading', { name: 'Enfant 2' }).waitFor();
    await check(page, `filings-${width}-jaf-03-deux-enfants`);
    await step('04-tribunal', {
      nom_1: 'DUPONT', prenoms_1: 'Léa', naissance_1: '04/06/2019', vit_1__chez_vous: true,
      nom_2: 'DUPONT', prenoms_2: 'Tom', naissance_2: '12/02/2021', vit_2__alternee: true,
    });
    await step('05-demandes', { code_postal_enfants: '97400', existe__non: true });
    await step('06-ressources', {
      demandes__residence: true, demandes__pension: true, montant_pension: '150',
      precisions: 'La résidence des enfants chez moi.', motifs: 'Les enfants vivent avec moi depuis la séparation.',
    });
    await step('07-mediation', { revenus: '1850' });
    await fill(page, { mediation__dispense: true, motif__motif_legitime: true, aide__non_demandee: true });
    await page.getByRole('button', { name: 'Continuer' }).click();
    await pieces(page, `filings-${width}-jaf`, 'acte_naissance', 'acte de naissance de Léa.pdf');
    await send(page, `filings-${width}-jaf`);
    assert.ok(await page.getByText('acte de naissance de Léa.pdf').isVisible(), 'the receipt lists the file');
    assert.ok(await page.getByText('Tribunal judiciaire de Saint-Denis-de-La-Réunion').isVisible(), 'the court of 97400');
    const mails = await outbox(page);
    assert.ok(mails.some((m) => m.subject?.startsWith('Avis de réception de votre demande')), 'the avis is e-mailed');

    await page.getByRole('link', { name: 'Mes démarches' }).click();
    await page.getByRole('heading', { name: 'Mes démarches' }).waitFor();
    await check(page, `filings-${width}-mes-demarches`);
    await page.context().close();
  });
}

test('Marie files a constitution de partie civile with the keyboard alone', async () => {
  const page = await newPage(browser, 1280);
  await loginAsMarie(page);
  await page.goto(`${page.url().split('/mon-espace')[0]}/demarches`);
  await page.getByRole('button', { name: 'Commencer' }).nth(1).focus();
  await page.keyboard.press('Enter');
  await page.getByText('Étape 1 sur 5').waitFor();
  await check(page, 'filings-partie-civile-01-affaire');
  await page.locator('#juridiction').focus();
  await page.keyboard.press('ArrowDown');
  for (const [id, value] of [['numero_parquet', '23123000045'], ['date_audience', inAWeek()], ['heure_audience', '14:00']]) {
    await page.keyboard.press('Tab');
    for (let i = 0; i < 10 && await page.evaluate(() => document.activeElement.id) !== id; i++) {
      await page.keyboard.press('Tab');
    }
    assert.equal(await page.evaluate(() => document.activeElement.id), id, `Tab reaches ${id}`);
    await page.keyboard.type(value);
  }
  await page.keyboard.press('Enter');
  await page.getByText('Étape 2 sur 5').waitFor();
  await check(page, 'filings-partie-civile-02-vous');
  await next(page, 'filings-partie-civile-03-prejudice', {
    qualite__victime: true, adresse: '12 rue des Lilas', code_postal: '97400', commune: 'Saint-Denis',
    courriel: 'marie.delestable@exemple.fr',
  });
  await next(page, 'filings-partie-civile-04-restitution', { chefs__materiel: true, montant_materiel: '850' });
  await fill(page, { restitution__non: true });
  await page.getByRole('button', { name: 'Continuer' }).click();
  await page.getByRole('heading', { name: 'Ajouter une pièce' }).waitFor();
  await check(page, 'filings-partie-civile-05-pieces');
  // The file chosen and attached with the keyboard: Tab to each control.
  await page.locator('#piece').focus();
  await page.keyboard.press('ArrowDown');
  await page.locator('#fichier').setInputFiles({ name: 'certificat médical.pdf', mimeType: 'application/pdf', buffer: PDF });
  await page.locator('#fichier').focus();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), 'Joindre la pièce');
  await page.keyboard.press('Enter');
  await page.getByText('La pièce « certificat médical.pdf » est jointe à votre demande.').waitFor();
  await page.getByRole('link', { name: 'Continuer' }).focus();
  await page.keyboard.press('Enter');
  await send(page, 'filings-partie-civile');
  await page.context().close();
});

test('Marie files a request within a protection measure, saving it for later first', async () => {
  const page = await newPage(browser, 320);
  await loginAsMarie(page);
  await page.goto(`${page.url().split('/mon-espace')[0]}/demarches`);
  await page.getByRole('button', { name: 'Commencer' }).nth(2).click();
  await page.getByText('Étape 1 sur 4').waitFor();
  await fill(page, { role__tuteur: true, adresse: '12 rue des Lilas' });
  await page.getByRole('button', { name: 'Enregistrer et reprendre plus tard' }).click();
  await page.getByText(/Votre brouillon est enregistré/).waitFor();
  await check(page, 'filings-protection-brouillon');
  await page.getByRole('link', { name: 'Reprendre' }).click();
  await page.getByText('Étape 1 sur 4').waitFor();
  assert.equal(await page.locator('#adresse').inputValue(), '12 rue des Lilas');
  await next(page, 'filings-protection-02-personne', {
    code_postal: '97400', commune: 'Saint-Denis', courriel: 'marie.delestable@exemple.fr',
  });
  // The court is chosen from the list.
  await page.locator('#juridiction').selectOption('tj-saint-denis-reunion');
  await next(page, 'filings-protection-03-acte', {
    nom: 'DELESTABLE', prenoms: 'Jeanne', naissance: '02/03/1940', mesure__tutelle: true, reference: '21/00042',
  });
  await fill(page, {
    acte__vente: true, montant: '180000', motifs: 'La maison est inoccupée depuis l’entrée en établissement.',
  });
  await page.getByRole('button', { name: 'Continuer' }).click();
  await pieces(page, 'filings-protection', 'estimation', 'estimation de la maison.pdf');
  await send(page, 'filings-protection');
  await page.context().close();
});
