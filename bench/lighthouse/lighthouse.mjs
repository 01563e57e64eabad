// Lighthouse 12.2.3 (mobile, its default simulated slow 4G) on the pages of
// the accessibility audit's sample, against a running `portalis demo`
// (PORTALIS_URL). Signed-in pages are measured in the same browser after
// signing in through the simulator: Sophie MARTIN for an empty Mes
// dossiers, Marie DELESTABLE, who first attaches her case as she would,
// for the others. A 404 page is not measured: Lighthouse refuses pages
// that answer an error status.
// Writes the scores and the page weights as JSON to the file named by
// LIGHTHOUSE_OUT, and each full report beside it.
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { chromium } from 'playwright-core';
import { BASE, MARIE, SOPHIE, loginAs, outbox } from '../../browser-tests/helpers.mjs';

const OUT = process.env.LIGHTHOUSE_OUT ?? 'test-output/lighthouse/scores.json';
mkdirSync(dirname(OUT), { recursive: true });

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
// Lighthouse keeps the browser's cookies: people sign in through the
// simulator in this very browser, driven by Playwright.
const driver = await chromium.connectOverCDP(`http://127.0.0.1:${chrome.port}`);
const context = driver.contexts()[0];

// Signs `person` in (after signing out whoever was), attaching
// `caseNumber` when given; answers the address of his first case.
async function signIn(person, caseNumber) {
  await context.clearCookies();
  const page = await context.newPage();
  await loginAs(page, person);
  if (caseNumber) {
    const mail = (await outbox(page)).find((m) => m.channel === 'email' && m.body.includes(caseNumber)
      && m.body.includes('Votre numéro d\'identification'));
    const number = mail.body.match(/Votre numéro d'identification : ([A-Z0-9]{12})/)[1];
    await page.goto(`${BASE}/mon-espace/ajouter`);
    await page.getByLabel('Numéro d\'identification').fill(number);
    await page.getByRole('button', { name: 'Obtenir le code par SMS' }).click();
    await page.getByRole('status').waitFor();
    const sms = (await outbox(page)).find((m) => m.channel === 'sms' && /votre code est \d{7}/.test(m.body));
    await page.locator('#code').fill(sms.body.match(/\d{7}/)[0]);
    await page.getByRole('button', { name: 'Ajouter le dossier' }).click();
    await page.getByRole('heading', { name: 'Mes Dossiers' }).waitFor();
  }
  const caseHref = await page.locator('a[href^="/dossiers/"]').first().getAttribute('href', { timeout: 1000 }).catch(() => null);
  await page.close();
  return caseHref;
}

const SAMPLE = [
  ['Accueil', '/'],
  ['Connexion', '/connexion'],
  ['Aide', '/aide'],
  ['Annuaire', '/annuaire'],
  ['Une juridiction', '/annuaire/tj-saint-denis-reunion'],
  ['Accessibilité', '/accessibilite'],
  ['Page introuvable', '/nulle-part'],
  ['Mes dossiers (vide)', '/mon-espace', () => signIn(SOPHIE, null)],
  ['Mes dossiers', '/mon-espace', async () => { caseHref = await signIn(MARIE, 'DB3Z-W-B7C-DFW5'); }],
  ['Un dossier', () => caseHref],
  ['Ajouter un dossier', '/mon-espace/ajouter'],
];
let caseHref = null;
let signedIn = false;

const results = [];
try {
  for (const [name, where, before] of SAMPLE) {
    if (before) { await before(); signedIn = true; }
    const path = typeof where === 'function' ? where() : where;
    const flags = { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'] };
    const { lhr, report } = await lighthouse(`${BASE}${path}`, flags);
    const slug = name.normalize('NFD').replace(/[^A-Za-z]+/g, '-').toLowerCase().replace(/^-|-$/g, '');
    writeFileSync(OUT.replace(/\.json$/, `-${slug}.json`), report);
    const score = (c) => Math.round((lhr.categories[c]?.score ?? 0) * 100);
    const failed = Object.values(lhr.audits)
      .filter((a) => a.score !== null && a.score < 1 && ['binary', 'numeric'].includes(a.scoreDisplayMode) && a.score < 0.9)
      .map((a) => a.id);
    if (lhr.runtimeError) {
      const entry = { page: name, path, signedIn, error: lhr.runtimeError.message };
      console.log(JSON.stringify(entry));
      results.push(entry);
      continue;
    }
    if (new URL(lhr.finalDisplayedUrl).pathname !== new URL(`${BASE}${path}`).pathname) {
      throw new Error(`${name}: Lighthouse measured ${lhr.finalDisplayedUrl}, not ${path}`);
    }
    const entry = {
      page: name, path: path.startsWith('/dossiers/') ? '/dossiers/…' : path, signedIn,
      performance: score('performance'), accessibility: score('accessibility'), bestPractices: score('best-practices'), seo: score('seo'),
      fcpMs: Math.round(lhr.audits['first-contentful-paint'].numericValue),
      lcpMs: Math.round(lhr.audits['largest-contentful-paint'].numericValue),
      tbtMs: Math.round(lhr.audits['total-blocking-time'].numericValue),
      cls: lhr.audits['cumulative-layout-shift'].numericValue,
      bytes: lhr.audits['total-byte-weight'].numericValue,
      failed,
    };
    console.log(JSON.stringify(entry));
    results.push(entry);
  }
} finally {
  await driver.close().catch(() => {});
  await chrome.kill();
}
writeFileSync(OUT, JSON.stringify({ lighthouse: '12.2.3', results }, null, 2));
