// The guide's first screens, as Marie DELESTABLE goes through them: home,
// MON ESPACE PERSONNEL, FranceConnect, ameli, confirmation, her empty space,
// logout through FranceConnect, home again. At desktop width and at 320 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, MARIE, WIDTHS, launch, newPage, check } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser.close(); });

for (const width of WIDTHS) {
  test(`Marie logs in with FranceConnect and logs out (${width} px)`, async () => {
    const page = await newPage(browser, width);
    const step = (n, name) => check(page, `login-${width}-${n}-${name}`);

    await page.goto(BASE);
    await page.getByRole('heading', { name: 'Bienvenue sur le portail du Justiciable.' }).waitFor();
    await step('01', 'accueil');

    await page.getByRole('link', { name: 'MON ESPACE PERSONNEL' }).click();
    await page.getByRole('heading', { name: 'Connectez-vous' }).waitFor();
    assert.ok(await page.getByText('Pour pouvoir vous connecter, utilisez le service FranceConnect.').isVisible());
    assert.ok(await page.getByRole('link', { name: 'Qu’est-ce que FranceConnect ?' }).isVisible());
    await step('02', 'connexion');

    await page.getByRole('button', { name: 'S’identifier avec FranceConnect' }).click();
    await page.getByRole('heading', { name: 'Je choisis un compte pour me connecter sur : justice.fr' }).waitFor();
    assert.ok(await page.getByText('Se souvenir de mon choix').isVisible());
    await step('03', 'franceconnect-choix');

    await page.getByRole('button', { name: 'ameli.fr' }).click();
    await page.getByLabel('Mon numéro de sécurité sociale').fill(MARIE.nir);
    await page.getByLabel('Mon code confidentiel').fill(MARIE.code);
    await step('04', 'ameli');

    await page.getByRole('button', { name: 'ME CONNECTER' }).click();
    await page.getByRole('heading', { name: MARIE.greeting }).waitFor();
    assert.ok(await page.getByRole('link', { name: 'Ce n\'est pas vous ?' }).isVisible());
    await step('05', 'confirmation');

    await page.getByRole('button', { name: 'Continuer sur Ministère de la justice' }).click();
    await page.getByRole('heading', { name: 'Mes affaires' }).waitFor();
    assert.ok(await page.getByText('Votre espace est encore vide.').isVisible());
    assert.ok(await page.getByRole('link', { name: 'Marie DELESTABLE' }).isVisible(), 'her name in the header');
    await step('06', 'mon-espace');

    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.getByRole('heading', { name: 'Déconnexion effectuée' }).waitFor();
    assert.equal(await page.getByText('Marie DELESTABLE').count(), 0);
    await step('07', 'deconnexion');

    await page.getByRole('link', { name: 'Revenir à l\'accueil' }).click();
    await page.getByRole('heading', { name: 'Bienvenue sur le portail du Justiciable.' }).waitFor();
    await page.goto(`${BASE}/mon-espace`);
    await page.getByRole('heading', { name: 'Connectez-vous' }).waitFor();
    await page.context().close();
  });
}

test('wrong ameli credentials get the provider\'s message', async () => {
  const page = await newPage(browser, 1280);
  await page.goto(`${BASE}/connexion`);
  await page.getByRole('button', { name: 'S’identifier avec FranceConnect' }).click();
  await page.getByRole('button', { name: 'ameli.fr' }).click();
  await page.getByLabel('Mon numéro de sécurité sociale').fill(MARIE.nir);
  await page.getByLabel('Mon code confidentiel').fill('000000');
  await page.getByRole('button', { name: 'ME CONNECTER' }).click();
  await page.getByRole('alert').filter({ hasText: 'Numéro de sécurité sociale ou code confidentiel incorrect.' }).waitFor();
  await check(page, 'login-erreur-ameli');
  await page.context().close();
});
