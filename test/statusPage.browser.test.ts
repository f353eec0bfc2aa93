// The status page in a real headless Chromium (Debian's package, driven by playwright-core) against
// the running bot: 401 without the token, the sign-in form and ?token= flows with their cookie, a
// hostile ticket title shown as text and never run, the page's own refresh picking up a ticket
// filed after it loaded (the page's clock is fast-forwarded, nothing sleeps 30 s), the layout on a
// phone, and the screenshots in docs/img.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ACTION } from '../src/messages/ids.js';
import { fileTicket, STATUS_TOKEN, startHarness, type Harness } from './support/harness.js';
import { reportDeploy } from './support/statusPage.js';

const CHROMIUM = '/usr/bin/chromium';
const HOSTILE = '<script>window.pwned = true</script> Checkout down for EU cards';
const present = existsSync(CHROMIUM);
// CI installs Chromium (.ci/run); there a missing browser is a failure, not a skip.
if (!present && process.env.CI) throw new Error(`${CHROMIUM} is missing; CI must install it (apt-get install -y chromium).`);
const skip = present ? false : `${CHROMIUM} is not installed (apt-get install -y chromium); skipping the browser tests`;

describe('status page in Chromium', { skip }, () => {
  let h: Harness;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  async function newPage(viewport = { width: 1100, height: 900 }): Promise<Page> {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (m) => m.type() === 'error' && !/401|favicon/.test(m.text()) && pageErrors.push(m.text()));
    return page;
  }

  async function signIn(page: Page): Promise<void> {
    await page.goto(`${h.baseUrl}/status`);
    await page.fill('#token', STATUS_TOKEN);
    // The form is served at /status too, so waiting for that URL would return before the POST's
    // redirect lands; the summary exists only on the signed-in page.
    await page.click('button[type=submit]');
    await page.locator('main .summary').waitFor();
    assert.equal(page.url(), `${h.baseUrl}/status`);
  }

  before(async () => {
    h = await startHarness();
    await reportDeploy(h, { service: 'billing', version: '7.0.0', status: 'rolled_back', author: 'UDEV2', mergedBy: 'UDEV3' });
    await reportDeploy(h, {
      service: 'checkout',
      version: '2.4.1',
      author: 'UDEV1',
      mergedBy: 'octocat',
      url: 'https://github.com/acme/checkout/compare/a1...b2',
    });
    await fileTicket(h, { title: HOSTILE, priority: 'P1', service: 'checkout' });
    await fileTicket(h, { title: 'Refund button missing in admin', priority: 'P2', service: 'billing' });
    const waiting = await fileTicket(h, { title: 'Search ignores accents', priority: 'P3', service: 'search', reporter: 'UREP2' });
    await h.slack.clickButton({ actionId: ACTION.wait, value: String(waiting.id), userId: 'UREP2', messageTs: waiting.rootTs! });
    await h.settle();
    h.clock.advanceMinutes(48);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });
  after(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await h?.stop();
  });

  it('answers 401 with only the sign-in form without the token', async () => {
    const page = await newPage();
    const res = await page.goto(`${h.baseUrl}/status`);
    assert.equal(res?.status(), 401);
    assert.equal(await page.locator('input#token[type=password]').count(), 1);
    const text = (await page.locator('body').textContent()) ?? '';
    assert.ok(!text.includes('Checkout'), text);
    assert.ok(!text.includes('change failure'), text);
  });

  it('signs in through the form: HttpOnly SameSite=Strict cookie, hostile title shown as text and not run', async () => {
    const page = await newPage();
    await signIn(page);
    const cookies = await page.context().cookies();
    assert.equal(cookies.length, 1);
    assert.equal(cookies[0]!.httpOnly, true);
    assert.equal(cookies[0]!.sameSite, 'Strict');
    assert.ok(!cookies[0]!.value.includes(STATUS_TOKEN));
    assert.equal(await page.evaluate(() => document.cookie), '', 'invisible to scripts');

    assert.equal(await page.locator('.ticket .title').first().textContent(), HOSTILE);
    assert.equal(await page.evaluate(() => (window as { pwned?: boolean }).pwned), undefined);
    assert.equal(await page.locator('main script').count(), 0);
    const text = (await page.locator('main').textContent()) ?? '';
    assert.match(text, /SLA at risk, 12 min left/);
    assert.match(text, /SLA paused \(waiting on reporter\)/);
    assert.match(text, /SLA on track/);
    assert.match(text, /Payments gardener/);
    assert.match(text, /On call/);
    assert.match(text, /Checkout 2\.4\.1 succeeded/);
    assert.match(text, /Billing 7\.0\.0 rolled back change failure/);
    assert.match(text, /change failure rate 50 % \(1 of 2 deploys\)/);
  });

  it('?token= signs in once and the redirect drops the token from the URL', async () => {
    const page = await newPage();
    const res = await page.goto(`${h.baseUrl}/status?token=${STATUS_TOKEN}`);
    assert.equal(res?.status(), 200);
    assert.equal(page.url(), `${h.baseUrl}/status`);
    assert.match((await page.locator('main').textContent()) ?? '', /Refund button missing in admin/);
  });

  it('refreshes itself every 30 s without reloading, picking up a ticket filed after it loaded', async () => {
    const page = await newPage();
    // Page time stands still except when the test moves it, however slowly the machine runs.
    await page.clock.install({ time: new Date('2026-11-24T10:00:00Z') });
    await page.clock.pauseAt(new Date('2026-11-24T10:00:01Z'));
    await signIn(page);
    await page.evaluate(() => {
      (window as { loadedMain?: Element | null }).loadedMain = document.querySelector('main');
    });
    const newTicket = page.locator('.ticket .title', { hasText: 'Webhooks arrive twice' });
    assert.equal(await newTicket.count(), 0);

    const refreshes: string[] = [];
    page.on('request', (r) => refreshes.push(r.url()));

    await fileTicket(h, { title: 'Webhooks arrive twice', priority: 'P2', service: 'checkout' });
    await page.clock.runFor(29_000);
    await page.evaluate(() => document.title);
    assert.deepEqual(refreshes, [], 'no refresh before 30 s');
    await page.clock.runFor(1_500);
    await newTicket.waitFor({ timeout: 10_000 });
    assert.equal(
      await page.evaluate(() => (window as { loadedMain?: Element | null }).loadedMain === document.querySelector('main')),
      true,
      'the same document: no reload, no flash',
    );
    assert.deepEqual(refreshes, [`${h.baseUrl}/status?part=main`]);
    assert.match((await page.locator('.summary').textContent()) ?? '', /2\s+P2 open/);
    assert.deepEqual(pageErrors, [], 'no script errors or CSP violations');
    mkdirSync('docs/img', { recursive: true });
    await page.screenshot({ path: 'docs/img/status-page.png', fullPage: true });
  });

  it('fits a phone screen without sideways scrolling', async () => {
    const page = await newPage({ width: 390, height: 844 });
    await signIn(page);
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    assert.ok(scrollWidth <= innerWidth, `page is ${scrollWidth} px wide on a ${innerWidth} px screen`);
    await page.screenshot({ path: 'docs/img/status-page-phone.png', fullPage: true });
  });
});
