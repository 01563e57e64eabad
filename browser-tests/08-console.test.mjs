// The court's console, as its agents use it in the demo: Nathalie PAYET
// (SAUJ of the Tribunal judiciaire de Saint-Denis-de-La-Réunion) signs in
// through the ProConnect simulator, finds Marie DELESTABLE, re-sends her
// identification number (it reaches the outbox) and prints her letter;
// Thierry HOARAU (greffe) registers the request Sophie MARTIN filed online
// by opening its case in the portal; Isabelle GRONDIN (administrator) reads
// the journal of views, manages the keys, the agents and the court's entry
// of the directory; the search
// with the keyboard alone. axe-core and the 320 px checks on every page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { BASE, launch, newPage, check, outbox, tabTo } from './helpers.mjs';

const PASSWORD = 'justice974';
const NATHALIE = 'nathalie.payet@justice.example.org';
const ISABELLE = 'isabelle.grondin@justice.example.org';
const THIERRY = 'thierry.hoarau@justice.example.org';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser.close(); });

// From the console's sign-in page, through the simulator, to the console.
async function signIn(page, email, step) {
  await page.goto(`${BASE}/juridiction`);
  await page.getByRole('heading', { name: 'Espace juridiction' }).waitFor();
  await step?.('01', 'connexion');
  await page.getByRole('button', { name: 'S’identifier avec ProConnect' }).click();
  await page.getByLabel('Adresse e-mail professionnelle').fill(email);
  await step?.('02', 'proconnect-adresse');
  await page.getByRole('button', { name: 'Continuer' }).click();
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await step?.('03', 'annuaire');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByText('Bonjour').waitFor();
}

const identificationMails = async (page) => (await outbox(page))
  .filter((m) => m.channel === 'email' && m.to === 'marie.delestable@example.org' && m.body.includes('Votre numéro d\'identification'));

for (const width of [1280, 320]) {
  test(`the SAUJ finds Marie DELESTABLE, re-sends her number and prints her letter (${width} px)`, async () => {
    const page = await newPage(browser, width);
    const step = (n, name) => check(page, `console-${width}-${n}-${name}`);
    await signIn(page, NATHALIE, step);
    assert.ok(await page.getByText('Accueil du justiciable (SAUJ)').isVisible());
    await step('04', 'accueil');

    await page.getByRole('link', { name: 'Rechercher une partie' }).click();
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await page.getByText('Saisissez un nom, un N° Portalis').first().waitFor();
    await step('05', 'recherche-vide');
    await page.getByLabel('Nom ou numéro').fill('delestable marie');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await page.getByRole('status').filter({ hasText: /trouvée|Résultats/ }).waitFor();
    await step('06', 'resultats');

    await page.getByRole('link', { name: 'Marie DELESTABLE' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Marie DELESTABLE' }).waitFor();
    assert.ok(await page.getByText('marie.delestable@example.org').first().isVisible());
    await step('07', 'fiche');

    const before = (await identificationMails(page)).length;
    await page.getByRole('link', { name: 'Renvoyer le numéro d\'identification' }).click();
    await page.getByRole('heading', { name: 'Renvoyer le numéro d\'identification' }).waitFor();
    await step('08', 'renvoi-confirmation');
    await page.getByRole('button', { name: 'Renvoyer le numéro' }).click();
    await page.getByText('Le numéro d\'identification a été renvoyé').waitFor();
    assert.ok(await page.getByRole('cell', { name: 'Numéro d\'identification renvoyé' }).first().isVisible());
    await step('09', 'renvoi-fait');
    assert.equal((await identificationMails(page)).length, before + 1, 'the number reached the outbox');

    await page.getByRole('link', { name: 'Imprimer un courrier' }).click();
    await page.getByRole('heading', { name: 'Imprimer un courrier' }).waitFor();
    await step('10', 'courrier-confirmation');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Télécharger le courrier (PDF)' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^courrier-.+\.pdf$/);
    assert.equal((await readFile(await download.path())).subarray(0, 5).toString(), '%PDF-');

    // The form to change her details, refused next to its field (then
    // left: the demo's Marie keeps hers for the other tests).
    await page.getByRole('link', { name: 'Annuler' }).click();
    await page.getByRole('link', { name: 'Modifier les coordonnées' }).click();
    await page.getByRole('heading', { level: 1, name: 'Modifier les coordonnées' }).waitFor();
    assert.equal(await page.getByLabel('Adresse électronique').inputValue(), 'marie.delestable@example.org');
    await step('10a', 'coordonnees');
    await page.getByLabel('Téléphone mobile').fill('01 23 45 67 89');
    await page.getByRole('button', { name: 'Enregistrer les coordonnées' }).click();
    await page.locator('#mobile-erreur').waitFor();
    await step('10b', 'coordonnees-erreurs');
    await page.getByRole('link', { name: 'Annuler' }).click();
    await page.getByRole('heading', { level: 1, name: 'Marie DELESTABLE' }).waitFor();

    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.getByRole('heading', { name: 'Déconnexion effectuée' }).waitFor();
    await step('11', 'deconnexion');
    await page.context().close();
  });
}

for (const width of [1280, 320]) {
  test(`the greffe reads the request Sophie MARTIN filed online and registers it (${width} px)`, async () => {
    const page = await newPage(browser, width);
    const step = (n, name) => check(page, `console-greffe-${width}-${n}-${name}`);
    await signIn(page, THIERRY);
    await page.getByRole('link', { name: 'Demandes en ligne' }).click();
    await page.getByRole('heading', { level: 1, name: 'Demandes en ligne' }).waitFor();
    await step('01', 'demandes');
    if (width === 320) {
      // Registered at 1280 px: listed among all.
      await page.getByLabel('Statut').selectOption('toutes');
      await page.getByRole('button', { name: 'Afficher' }).click();
      await page.getByRole('cell', { name: 'Enregistrée' }).first().waitFor();
      await step('02', 'toutes');
      await page.context().close();
      return;
    }
    await page.getByRole('row', { name: /Sophie MARTIN/ }).getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: /Demande n°/ }).waitFor();
    await step('02', 'demande');
    // A court whose software does not publish: the case is opened in the
    // portal from the request, with the numbers its software gave.
    await page.getByRole('button', { name: 'Ouvrir l\'affaire et enregistrer la demande', exact: true }).click();
    await page.getByText('Le numéro de dossier doit ressembler').first().waitFor();
    await step('03', 'enregistrement-erreurs');
    await page.getByLabel('N° Portalis').fill('RUN9-W-B7C-0101');
    await page.getByLabel('N° RG').fill('26/00101');
    await page.getByLabel('Code de nature d\'affaire (NAC)').fill('23Z');
    await page.getByLabel('Nature de l\'affaire').fill('Autorisation d\'un acte dans une mesure de protection');
    await page.getByRole('button', { name: 'Ouvrir l\'affaire et enregistrer la demande', exact: true }).click();
    await page.getByText('La demande est enregistrée').waitFor();
    await step('04', 'enregistree');
    await page.context().close();
  });
}

test('the administrator reads who viewed which party', async () => {
  const page = await newPage(browser, 320);
  await signIn(page, ISABELLE);
  await page.getByRole('link', { name: 'Journal des consultations' }).click();
  await page.getByRole('heading', { level: 1, name: 'Journal des consultations' }).waitFor();
  assert.ok(await page.getByText(NATHALIE).first().isVisible(), 'the SAUJ agent\'s views are in the journal');
  await check(page, 'console-journal');

  // A key for the court's system, shown once, then revoked.
  await page.getByRole('link', { name: 'Clés d\'API' }).click();
  await page.getByRole('heading', { level: 1, name: 'Clés d\'API' }).waitFor();
  await check(page, 'console-cles');
  await page.getByRole('button', { name: 'Créer une clé' }).click();
  await page.getByRole('heading', { name: 'Nouvelle clé : copiez-la maintenant' }).waitFor();
  const key = await page.locator('code.portalis-key').textContent();
  assert.match(key, /^ptl_[0-9a-f]{64}$/);
  await check(page, 'console-cle-creee');
  const api = (k) => page.request.get(`${BASE}/api/v1/filings`, { headers: { authorization: `Bearer ${k}` } });
  assert.equal((await api(key)).status(), 200, 'the new key works');
  await page.getByRole('link', { name: `Révoquer la clé ${key.slice(0, 12)}…` }).click();
  await page.getByRole('heading', { name: 'Révoquer une clé d\'API' }).waitFor();
  await check(page, 'console-cle-revocation');
  await page.getByRole('button', { name: 'Révoquer la clé' }).click();
  await page.getByText('La clé est révoquée').waitFor();
  assert.equal((await api(key)).status(), 401, 'refused from the next request');

  // The court's agents: a role granted, the form's errors first.
  await page.getByRole('link', { name: 'Agents', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Agents de la juridiction' }).waitFor();
  await check(page, 'console-agents');
  await page.getByRole('button', { name: 'Attribuer le rôle' }).click();
  await page.getByText('Choisissez un rôle.').first().waitFor();
  await check(page, 'console-agents-erreurs');
  await page.getByLabel('Adresse électronique professionnelle').fill('camille.nouvel@justice.example.org');
  await page.getByLabel('Rôle').selectOption('sauj');
  await page.getByRole('button', { name: 'Attribuer le rôle' }).click();
  await page.getByText('Le rôle est attribué').waitFor();
  assert.ok(await page.getByRole('cell', { name: 'camille.nouvel@justice.example.org', exact: true }).isVisible());

  // The court's entry of the directory: saved as it is, then a wrong
  // telephone refused next to its field.
  await page.getByRole('link', { name: 'Fiche de la juridiction' }).click();
  await page.getByRole('heading', { level: 1, name: 'Fiche de la juridiction' }).waitFor();
  await check(page, 'console-fiche-juridiction');
  await page.getByRole('button', { name: 'Enregistrer la fiche' }).click();
  await page.getByText('La fiche est enregistrée').waitFor();
  await page.getByLabel('Téléphone').fill('02 62');
  await page.getByRole('button', { name: 'Enregistrer la fiche' }).click();
  await page.locator('#phone-erreur').waitFor();
  await check(page, 'console-fiche-juridiction-erreurs');
  await page.context().close();
});

test('an agent the portal grants no role is told so, and may sign out', async () => {
  const page = await newPage(browser, 1280);
  await page.goto(`${BASE}/juridiction`);
  await page.getByRole('button', { name: 'S’identifier avec ProConnect' }).click();
  await page.getByLabel('Adresse e-mail professionnelle').fill('julien.fontaine@justice.example.org');
  await page.getByRole('button', { name: 'Continuer' }).click();
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByText('aucun rôle ne lui est attribué').waitFor();
  await check(page, 'console-sans-role');
  await page.context().close();
});

test('the SAUJ searches and opens a party with the keyboard alone', async () => {
  const page = await newPage(browser, 320);
  await signIn(page, NATHALIE);
  await tabTo(page, 'Rechercher une partie');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Rechercher une partie' }).waitFor();
  await tabTo(page, 'Nom ou numéro');
  await page.keyboard.type('DB3Z-W-B7C-DFW5');
  await page.keyboard.press('Enter');
  await page.getByRole('status').filter({ hasText: /trouvée/ }).waitFor();
  await tabTo(page, 'Marie DELESTABLE');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Marie DELESTABLE' }).waitFor();
  await check(page, 'console-clavier-fiche');
  await page.context().close();
});
