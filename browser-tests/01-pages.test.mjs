// Every public page: axe-core finds no violation, at desktop width and 320 px,
// and the keyboard reaches the content through the skip link.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, WIDTHS, launch, newPage, check } from './helpers.mjs';

const PAGES = {
  accueil: '/',
  connexion: '/connexion',
  aide: '/aide',
  annuaire: '/annuaire',
  'annuaire-recherche': '/annuaire?recherche=saint+denis',
  juridiction: '/annuaire/tj-saint-denis-reunion',
  'numero-perdu': '/aide/numero-perdu',
  cookies: '/cookies',
  accessibilite: '/accessibilite',
  'mentions-legales': '/mentions-legales',
  'donnees-personnelles': '/donnees-personnelles',
  'plan-du-site': '/plan-du-site',
  'page-introuvable': '/nulle-part',
  'juridiction-connexion': '/juridiction/connexion',
};

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser.close(); });

for (const width of WIDTHS) {
  test(`every public page passes axe-core at ${width} px`, async () => {
    const page = await newPage(browser, width);
    for (const [name, path] of Object.entries(PAGES)) {
      await page.goto(`${BASE}${path}`);
      await check(page, `page-${width}-${name}`);
    }
    await page.context().close();
  });
}

test('the skip link is the first stop of the keyboard and leads to the content', async () => {
  const page = await newPage(browser, 1280);
  await page.goto(`${BASE}/aide`);
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement.textContent.trim());
  assert.equal(focused, 'Aller au contenu');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'contenu');
  await page.context().close();
});
