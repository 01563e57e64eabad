// The guide from start to end, as a litigant goes through it: once with the
// mouse (Nicolas LARRET), once with the keyboard alone (Sophie MARTIN), with
// a visible focus at every step, axe-core and a screenshot on every page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { BASE, launch, newPage, check, outbox, tabTo } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser.close(); });

async function numberFor(page, email, caseNumber) {
  const mail = (await outbox(page)).find((m) => m.channel === 'email' && m.to === email && m.body.includes(caseNumber) && m.body.includes('Votre numéro d\'identification'));
  assert.ok(mail, `the identification e-mail to ${email} for ${caseNumber}`);
  return mail.body.match(/Votre numéro d'identification : ([A-Z0-9]{12})/)[1];
}

async function lastCode(page) {
  return (await outbox(page)).find((m) => m.channel === 'sms' && /votre code est \d{7}/.test(m.body)).body.match(/\d{7}/)[0];
}

test('the guide with the mouse: Nicolas LARRET, from the home page to logout', async () => {
  const page = await newPage(browser, 1280);
  const step = (n, name) => check(page, `guide-souris-${n}-${name}`);
  await page.goto(BASE);
  await step('01', 'accueil');
  await page.getByRole('link', { name: 'MON ESPACE PERSONNEL' }).click();
  await step('02', 'connexion');
  await page.getByRole('button', { name: 'S’identifier avec FranceConnect' }).click();
  await step('03', 'franceconnect');
  await page.getByRole('button', { name: 'ameli.fr' }).click();
  await page.getByLabel('Mon numéro de sécurité sociale').fill('175057511234534');
  await page.getByLabel('Mon code confidentiel').fill('123456');
  await page.getByRole('button', { name: 'ME CONNECTER' }).click();
  await page.getByRole('heading', { name: 'Bienvenue M. Nicolas LARRET né le 03/05/1975.' }).waitFor();
  await step('04', 'confirmation');
  await page.getByRole('button', { name: 'Continuer sur Ministère de la justice' }).click();
  await page.getByText('Votre espace est encore vide.').waitFor();
  await step('05', 'espace-vide');
  await page.getByRole('link', { name: 'Ajouter un dossier' }).click();
  await page.getByLabel('Numéro d\'identification').fill(await numberFor(page, 'nicolas.larret@example.org', 'DB3Z-W-B7C-DFW5'));
  await page.getByRole('button', { name: 'Obtenir le code par SMS' }).click();
  await page.getByRole('status').filter({ hasText: 'Un code vous a été envoyé' }).waitFor();
  await step('06', 'code');
  await page.locator('#code').fill(await lastCode(page));
  await page.getByRole('button', { name: 'Ajouter le dossier' }).click();
  await page.getByRole('heading', { name: 'Mes Dossiers' }).waitFor();
  await step('07', 'liste');
  await page.getByRole('link', { name: /^Détail/ }).click();
  await page.getByRole('heading', { name: 'Vie du dossier' }).waitFor();
  await step('08', 'detail');
  await page.getByText('Voir le détail des parties').click();
  await page.getByText('Voir le détail des documents').click();
  await step('09', 'parties-documents');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: /^Télécharger Convocation du défendeur/ }).click(),
  ]);
  assert.equal((await readFile(await download.path())).subarray(0, 5).toString(), '%PDF-');
  assert.equal(await page.getByText('Convocation Marie Delestable').count(), 0, 'never Marie\'s own documents');
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await page.getByRole('heading', { name: 'Déconnexion effectuée' }).waitFor();
  await step('10', 'deconnexion');
  await page.context().close();
});

test('the guide with the keyboard alone: Sophie MARTIN attaches and opens her case', async () => {
  const page = await newPage(browser, 320);
  const step = (n, name) => check(page, `guide-clavier-${n}-${name}`);
  await page.goto(BASE);
  await tabTo(page, 'MON ESPACE PERSONNEL');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Connectez-vous' }).waitFor();
  await step('01', 'connexion');
  await tabTo(page, 'S’identifier avec FranceConnect');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: /Je choisis un compte/ }).waitFor();
  await tabTo(page, 'ameli.fr');
  await page.keyboard.press('Enter');
  await page.getByLabel('Mon numéro de sécurité sociale').waitFor();
  await tabTo(page, 'Mon numéro de sécurité sociale');
  await page.keyboard.type('265123306300142');
  await tabTo(page, 'Mon code confidentiel');
  await page.keyboard.type('123456');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: /Bienvenue Mme Sophie MARTIN/ }).waitFor();
  await tabTo(page, 'Continuer sur Ministère de la justice');
  await page.keyboard.press('Enter');
  await page.getByText('Votre espace est encore vide.').waitFor();
  await step('02', 'espace');
  await tabTo(page, 'Ajouter un dossier');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Ajouter un dossier' }).waitFor();
  await tabTo(page, 'Numéro d\'identification');
  await page.keyboard.type(await numberFor(page, 'sophie.martin@example.org', 'DBBX-W-B7K-D7T2'));
  await tabTo(page, 'Obtenir le code par SMS');
  await page.keyboard.press('Enter');
  await page.getByRole('status').filter({ hasText: 'Un code vous a été envoyé' }).waitFor();
  await step('03', 'code-envoye');
  await tabTo(page, /^Code reçu par SMS/);
  await page.keyboard.type(await lastCode(page));
  await tabTo(page, 'Ajouter le dossier');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Mes Dossiers' }).waitFor();
  await step('04', 'liste');
  await tabTo(page, /^Détail/);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Vie du dossier' }).waitFor();
  await tabTo(page, 'Voir le détail des parties');
  await page.keyboard.press('Enter');
  await page.getByText(/Thomas MARTIN — Défendeur/).waitFor();
  await step('05', 'detail');
  await tabTo(page, 'Se déconnecter');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Déconnexion effectuée' }).waitFor();
  await page.context().close();
});
