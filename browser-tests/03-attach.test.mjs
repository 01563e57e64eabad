// "Ajouter un dossier" as Marie does it in the demo: the identification
// number from the court's e-mail (read in the development outbox), the code
// from the SMS, then her case in the list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, check, loginAsMarie, outbox } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser.close(); });

async function numberFor(page, caseNumber) {
  const mail = (await outbox(page)).find((m) => m.channel === 'email'
    && m.to === 'marie.delestable@example.org' && m.body.includes(caseNumber) && m.body.includes('Votre numéro d\'identification'));
  assert.ok(mail, `the identification e-mail for ${caseNumber} is in the outbox`);
  return mail.body.match(/Votre numéro d'identification : ([A-Z0-9]{12})/)[1];
}

const JOURNEYS = [
  { width: 1280, caseNumber: 'DB3Z-W-B7C-DFW5', nature: 'Demande en réparation des dommages causés par des véhicules terrestres à moteur' },
  { width: 320, caseNumber: 'DB3Z-W-B7K-F2M4', nature: 'Demande en paiement des charges ou des contributions (copropriété)' },
];

for (const { width, caseNumber, nature } of JOURNEYS) {
  test(`Marie attaches case ${caseNumber} with her number and the SMS code (${width} px)`, async () => {
    const page = await newPage(browser, width);
    const step = (n, name) => check(page, `attach-${width}-${n}-${name}`);
    await loginAsMarie(page);
    await step('01', 'mon-espace');

    await page.getByRole('link', { name: 'Ajouter un dossier' }).click();
    await page.getByRole('heading', { name: 'Ajouter un dossier' }).waitFor();
    await step('02', 'formulaire');

    const number = await numberFor(page, caseNumber);
    // Typed as people do: lower case, with spaces.
    await page.getByLabel('Numéro d\'identification').fill(`${number.slice(0, 4)} ${number.slice(4, 8)} ${number.slice(8)}`.toLowerCase());
    await page.getByRole('button', { name: 'Obtenir le code par SMS' }).click();
    await page.getByRole('status').filter({ hasText: 'Un code vous a été envoyé au 06 •• •• •• 42.' }).waitFor();
    assert.equal(await page.getByLabel('Numéro d\'identification').inputValue(), number);
    await step('03', 'code-envoye');

    const sms = (await outbox(page)).find((m) => m.channel === 'sms' && /votre code est \d{7}/.test(m.body));
    const code = sms.body.match(/\d{7}/)[0];
    await page.getByLabel('Code', { exact: false }).and(page.locator('#code')).fill(code);
    await page.getByRole('button', { name: 'Ajouter le dossier' }).click();
    await page.getByRole('heading', { name: 'Mes Dossiers' }).waitFor();
    assert.ok(await page.getByRole('heading', { name: nature }).isVisible());
    assert.ok(await page.getByText('Ce dossier vient d\'être rattaché à votre compte').first().isVisible());
    await step('04', 'mes-dossiers');
    await page.context().close();
  });
}

test('a malformed number is explained next to the field', async () => {
  const page = await newPage(browser, 1280);
  await loginAsMarie(page);
  await page.goto(`${BASE}/mon-espace/ajouter`);
  await page.getByLabel('Numéro d\'identification').fill('PJTK5');
  await page.getByRole('button', { name: 'Obtenir le code par SMS' }).click();
  const message = 'Le numéro d\'identification comporte 12 caractères, lettres et chiffres, par exemple PJTK5SY2ZZPJ.';
  await page.locator('#numero-erreur').getByText(message).waitFor();
  await check(page, 'attach-erreur-numero');
  // The summary at the top leads to the field, by the keyboard.
  await page.getByRole('alert').getByRole('link', { name: message }).focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'numero');
  await page.context().close();
});

test('the lost-number page and the development outbox pass axe-core', async () => {
  const page = await newPage(browser, 320);
  await page.goto(`${BASE}/aide/numero-perdu`);
  await check(page, 'page-320-numero-perdu');
  await page.goto(`${BASE}/_dev/outbox`);
  await check(page, 'page-320-outbox');
  await page.context().close();
});
