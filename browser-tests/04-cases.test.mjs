// Mes Dossiers and the case page, after Marie attached her cases
// (03-attach): the list, "Afficher les filtres", "Détail", "Voir le détail
// des parties", "Télécharger", "Ajouter à mon agenda".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, newPage, check, loginAsMarie, WIDTHS } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser.close(); });

const GUIDE = 'Demande en réparation des dommages causés par des véhicules terrestres à moteur';

for (const width of WIDTHS) {
  test(`Marie follows her case: list, filters, detail, download, agenda (${width} px)`, async () => {
    const page = await newPage(browser, width);
    const step = (n, name) => check(page, `cases-${width}-${n}-${name}`);
    await loginAsMarie(page);
    await page.getByRole('heading', { name: 'Mes Dossiers' }).waitFor();
    assert.ok(await page.getByText('2 dossiers affichés sur 2 rattachés').isVisible());
    await step('01', 'liste');

    await page.getByText('Afficher les filtres').click();
    await page.getByLabel('Statut').selectOption('en_cours');
    await page.getByLabel('Rechercher').fill('larret');
    await step('02', 'filtres');
    await page.getByRole('button', { name: 'Appliquer les filtres' }).click();
    await page.getByText('1 dossier affiché sur 2 rattachés').waitFor();
    assert.ok(page.url().includes('recherche=larret'), 'the filters are in the URL');
    await step('03', 'filtres-appliques');

    await page.getByRole('link', { name: /^Détail/ }).click();
    await page.getByRole('heading', { name: 'Vie du dossier' }).waitFor();
    assert.ok(await page.getByText('Dans 1 mois et 26 jours').isVisible());
    assert.ok(await page.getByText('14:00 - Mises en état').isVisible());
    await step('04', 'detail');

    await page.getByText('Voir le détail des parties').click();
    await page.getByText(/Avocat : Maître Jeanne FONTAINE/).waitFor();
    await step('05', 'parties');

    const [pdf] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /^Télécharger Convocation Marie Delestable/ }).first().click(),
    ]);
    const bytes = await readFile(await pdf.path());
    assert.equal(bytes.subarray(0, 5).toString(), '%PDF-', 'a valid PDF arrives');
    assert.match(pdf.suggestedFilename(), /\.pdf$/);

    const [ics] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Ajouter à mon agenda' }).first().click(),
    ]);
    const calendar = (await readFile(await ics.path())).toString();
    assert.ok(calendar.startsWith('BEGIN:VCALENDAR'));
    assert.ok(calendar.includes('DTSTART;TZID=Indian/Reunion:'));

    await page.getByText('Voir le détail des documents').click();
    await step('06', 'documents');

    await page.getByRole('link', { name: 'Mes préférences' }).click();
    await page.getByRole('heading', { name: 'Mes préférences' }).waitFor();
    // The DSFR draws the box on the label: a person clicks the label.
    const reminders = page.getByLabel('Un SMS de rappel quelques jours avant chaque audience');
    const before = await reminders.isChecked();
    await page.locator('label[for="rappels"]').click();
    assert.equal(await reminders.isChecked(), !before);
    await page.getByRole('button', { name: 'Enregistrer mes préférences' }).click();
    await page.getByText('Vos préférences sont enregistrées.').waitFor();
    await step('07', 'preferences');
    await page.context().close();
  });
}
