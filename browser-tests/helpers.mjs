// Shared by the browser tests: Chromium from Debian, axe-core on every page,
// a screenshot of every step.
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';

export const BASE = process.env.PORTALIS_URL ?? 'http://127.0.0.1:8080';
export const OUTPUT = process.env.PORTALIS_TEST_OUTPUT ?? 'test-output/browser';
mkdirSync(OUTPUT, { recursive: true });
// The portal's pages as the server sent them, for the Nu HTML checker
// (scripts/browser-tests runs it on every file here).
export const HTML_OUTPUT = `${OUTPUT}/html`;
mkdirSync(HTML_OUTPUT, { recursive: true });

export const SOPHIE = { nir: '265123306300142', code: '123456' };
export const MARIE = { nir: '280079741123418', code: '123456', greeting: 'Bienvenue Mme Marie DELESTABLE née le 15/07/1980.' };

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// 1024 px: a 1280 px screen zoomed to 125 %, where the signed-in header is
// the widest.
export const WIDTHS = [1280, 1024, 320];

export async function newPage(browser, width) {
  const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'fr-FR' });
  const page = await context.newPage();
  keepDocuments(page);
  return page;
}

// Keeps the body of the last HTML document the page received from the
// portal (a page answering a form too), as the server sent it.
function keepDocuments(page) {
  page.on('response', (response) => {
    const type = response.headers()['content-type'] ?? '';
    if (response.request().isNavigationRequest() && response.frame() === page.mainFrame()
      && response.url().startsWith(BASE) && type.startsWith('text/html')) {
      page.lastDocument = response.text().catch(() => null);
    }
  });
}

// A step of a journey: a screenshot, no WCAG 2.1 A/AA violation, nothing
// wider than the window (320 px is the RGAA's smallest width).
export async function check(page, name) {
  await page.screenshot({ path: `${OUTPUT}/${name}.png`, fullPage: true });
  if (page.url().startsWith(BASE)) {
    const html = await page.lastDocument;
    assert.ok(html, `${name}: the page's HTML was kept for the Nu HTML checker`);
    writeFileSync(`${HTML_OUTPUT}/${name}.html`, html);
  }
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const violations = results.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
  assert.deepEqual(violations, [], `axe-core on ${name} (${page.url()})`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  const culprits = overflow <= 0 ? [] : await page.evaluate(() => [...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 5)
    .map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${[...e.classList].join('.')}`));
  assert.ok(overflow <= 0, `${name}: the page is ${overflow}px wider than the window: ${culprits.join(', ')}`);
  // WCAG 1.4.12 / RGAA 10.12: with the text spacing a reader may impose,
  // nothing becomes wider than the window. Set through the CSSOM, which the
  // Content-Security-Policy allows, and taken off again.
  const spaced = await page.evaluate(() => {
    const all = [...document.querySelectorAll('body, body *')];
    for (const e of all) {
      e.style.setProperty('line-height', '1.5', 'important');
      e.style.setProperty('letter-spacing', '0.12em', 'important');
      e.style.setProperty('word-spacing', '0.16em', 'important');
      if (e.tagName === 'P') e.style.setProperty('margin-bottom', '2em', 'important');
    }
    const wider = document.documentElement.scrollWidth - window.innerWidth;
    const culprits = wider <= 0 ? [] : all.filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
      .slice(0, 5).map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`);
    for (const e of all) e.removeAttribute('style');
    return { wider, culprits };
  });
  assert.ok(spaced.wider <= 0, `${name}: with larger text spacing the page is ${spaced.wider}px wider than the window: ${spaced.culprits.join(', ')}`);
}

// Logs in as Marie through the simulator; ends in her space.
export async function loginAsMarie(page) {
  await loginAs(page, MARIE);
}

// Logs in as one of the simulator's people (ameli.fr); ends in his space.
export async function loginAs(page, person) {
  await page.goto(`${BASE}/connexion`);
  await page.getByRole('button', { name: 'S’identifier avec FranceConnect' }).click();
  await page.getByRole('button', { name: 'ameli.fr' }).click();
  await page.getByLabel('Mon numéro de sécurité sociale').fill(person.nir);
  await page.getByLabel('Mon code confidentiel').fill(person.code);
  await page.getByRole('button', { name: 'ME CONNECTER' }).click();
  await page.getByRole('button', { name: 'Continuer sur Ministère de la justice' }).click();
  await page.getByRole('heading', { level: 1 }).waitFor();
}

// The development outbox, newest first.
export async function outbox(page) {
  const response = await page.request.get(`${BASE}/_dev/outbox.json`);
  assert.equal(response.status(), 200);
  return response.json();
}

// Presses Tab until the focused element's accessible text matches, then
// checks that the focus can be seen.
export async function tabTo(page, text, max = 80) {
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const e = document.activeElement;
      if (!e || e === document.body || e === document.documentElement || (e.textContent ?? '').length > 200) return '';
      const label = e.labels && e.labels[0] ? e.labels[0].textContent : '';
      return `${e.textContent ?? ''} ${e.getAttribute('aria-label') ?? ''} ${label} ${e.value ?? ''}`.replace(/\s+/g, ' ').trim();
    });
    if (text instanceof RegExp ? text.test(focused) : focused.includes(text)) {
      const visible = await page.evaluate(() => {
        const s = getComputedStyle(document.activeElement);
        return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
      });
      assert.ok(visible, `the focus on « ${focused} » is visible`);
      return;
    }
  }
  assert.fail(`Tab never reached « ${text} » on ${page.url()}`);
}
