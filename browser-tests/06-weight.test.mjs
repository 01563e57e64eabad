// What a litigant's phone downloads (issue "Pages as a litigant's phone
// meets them"): each page of the audited sample loaded with an empty cache
// stays under 200 KB transferred in all, 60 KB of it stylesheet; loaded
// again, only the page itself travels (15 KB at most), every file coming
// from the cache. Chromium's own count of the bytes on the wire (DevTools
// protocol), compressed as the browser asked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { BASE, OUTPUT, SOPHIE, launch, newPage, loginAs, loginAsMarie } from './helpers.mjs';

const KB = 1024;
const BUDGET = { total: 200 * KB, css: 60 * KB, repeat: 15 * KB };
const figures = [];

let browser;
before(async () => { browser = await launch(); });
after(async () => {
  writeFileSync(`${OUTPUT}/weight.json`, JSON.stringify(figures, null, 2));
  await browser.close();
});

// Runs `load` and answers the bytes transferred, by resource type.
async function transferred(page, load) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const types = new Map();
  const bytes = {};
  const files = [];
  cdp.on('Network.responseReceived', (e) => types.set(e.requestId, { type: e.type, url: e.response.url }));
  cdp.on('Network.loadingFinished', (e) => {
    const { type, url } = types.get(e.requestId) ?? { type: 'Other', url: '?' };
    bytes[type] = (bytes[type] ?? 0) + e.encodedDataLength;
    files.push({ type, url: url.replace(BASE, ''), bytes: e.encodedDataLength });
  });
  await load();
  await page.waitForLoadState('load');
  await page.evaluate(() => document.fonts.ready.then(() => true));
  await page.waitForLoadState('networkidle');
  await cdp.detach();
  const total = Object.values(bytes).reduce((a, b) => a + b, 0);
  return { total, bytes, files };
}

async function emptyCache(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.clearBrowserCache');
  await cdp.detach();
}

// The first and the repeat visit of `path`, checked against the budget.
async function weigh(page, name, path, { repeat = true, load } = {}) {
  await emptyCache(page);
  const first = await transferred(page, load ?? (() => page.goto(`${BASE}${path}`)));
  const entry = { page: name, path, first: first.total, css: first.bytes.Stylesheet ?? 0, fonts: first.bytes.Font ?? 0, files: first.files };
  const listing = first.files.map((f) => `${f.type} ${f.url} ${f.bytes}`).join('\n');
  assert.ok(first.total <= BUDGET.total, `${name}: ${first.total} bytes on a first visit (budget ${BUDGET.total}):\n${listing}`);
  assert.ok(entry.css <= BUDGET.css, `${name}: ${entry.css} bytes of stylesheet (budget ${BUDGET.css})`);
  assert.ok(entry.fonts > 0, `${name}: Marianne is loaded:\n${listing}`);
  if (repeat) {
    const again = await transferred(page, () => page.goto(`${BASE}${path}`));
    const others = again.files.filter((f) => f.type !== 'Document' && f.bytes > 0);
    assert.deepEqual(others.map((f) => f.url), [], `${name}: a repeat visit fetches files again`);
    const html = again.bytes.Document ?? 0;
    assert.ok(html > 0 && html <= BUDGET.repeat, `${name}: the page weighs ${html} bytes on a repeat visit (budget ${BUDGET.repeat})`);
    entry.repeat = again.total;
  }
  figures.push(entry);
}

test('the public pages of the sample stay within the budget', async () => {
  const page = await newPage(browser, 412);
  for (const [name, path] of [['accueil', '/'], ['connexion', '/connexion'], ['aide', '/aide'], ['annuaire', '/annuaire'],
    ['juridiction', '/annuaire/tj-saint-denis-reunion'], ['accessibilite', '/accessibilite'], ['erreur', '/nulle-part']]) {
    await weigh(page, name, path);
  }
  await page.context().close();
});

test('an empty Mes dossiers stays within the budget', async () => {
  const page = await newPage(browser, 412);
  await loginAs(page, SOPHIE);
  await weigh(page, 'mes-dossiers-vide', '/mon-espace');
  await page.context().close();
});

test('Mes dossiers, a case and the attach form with its errors stay within the budget', async () => {
  const page = await newPage(browser, 412);
  await loginAsMarie(page);
  await weigh(page, 'mes-dossiers', '/mon-espace');
  const href = await page.locator('a[href^="/dossiers/"]').first().getAttribute('href');
  await weigh(page, 'dossier', href);
  await page.goto(`${BASE}/mon-espace/ajouter`);
  await page.getByLabel('Numéro d\'identification').fill('PJTK5');
  await weigh(page, 'ajouter-erreurs', '/mon-espace/ajouter', {
    repeat: false,
    load: () => Promise.all([
      page.waitForResponse((r) => r.request().isNavigationRequest() && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Obtenir le code par SMS' }).click(),
    ]),
  });
  await page.locator('#numero-erreur').getByText('Le numéro d\'identification comporte 12 caractères', { exact: false }).waitFor();
  await page.context().close();
});
