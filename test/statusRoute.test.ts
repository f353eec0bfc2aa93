// GET /status over HTTP against the running bot: every way in (Bearer, basic auth, ?token=, the
// sign-in form, the session cookie), 401 revealing nothing, the security headers, what the page
// shows from real tickets, deploys and rotations, and the page switched off without a token.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dutyAt } from '../src/domain/rotation.js';
import { STATUS_COOKIE } from '../src/http/statusAuth.js';
import { ACTION } from '../src/messages/ids.js';
import { fileTicket, STATUS_TOKEN, startHarness, type Harness } from './support/harness.js';
import { bearer, getStatus, reportDeploy } from './support/statusPage.js';

const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
const TITLE = 'Card <b>payments</b> & "refunds" fail';

function assertSecurityHeaders(res: Response): void {
  const csp = res.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.match(csp, /script-src 'nonce-[A-Za-z0-9+/=]{20,}'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.equal(res.headers.get('x-frame-options'), 'DENY');
  assert.equal(res.headers.get('cache-control'), 'no-store');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
}

/** The cookie pair ("name=value") a Set-Cookie header sets. */
const cookiePair = (res: Response) => (res.headers.get('set-cookie') ?? '').split(';')[0]!;

describe('GET /status', () => {
  let h: Harness;
  let deployId: number;
  before(async () => {
    h = await startHarness();
    await reportDeploy(h, {
      service: 'billing',
      version: '7.0.0',
      status: 'failed',
      deployedAt: new Date(h.clock.now().getTime() - 2 * 3_600_000),
    });
    deployId = await reportDeploy(h, {
      service: 'checkout',
      version: '2.4.1',
      author: 'UAUTHOR',
      mergedBy: 'octocat',
      url: 'https://github.com/acme/checkout/compare/a1...b2',
      deployedAt: new Date(h.clock.now().getTime() - 30 * 60_000),
    });
    await fileTicket(h, { title: TITLE, priority: 'P1', service: 'checkout' });
    const waiting = await fileTicket(h, { title: 'Search results are stale', priority: 'P2', service: 'search', reporter: 'UREP2' });
    const res = await h.slack.clickButton({
      actionId: ACTION.wait,
      value: String(waiting.id),
      userId: 'UREP2',
      messageTs: waiting.rootTs!,
    });
    assert.equal(res.status, 200);
    await h.settle();
    h.clock.advanceMinutes(50);
  });
  after(() => h.stop());

  it('answers 401 with the sign-in form and nothing else without credentials', async () => {
    const res = await getStatus(h);
    assert.equal(res.status, 401);
    assertSecurityHeaders(res);
    assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
    const body = await res.text();
    assert.match(body, /<form method="post" action="\/status\/login">/);
    for (const secret of ['payments', 'Search results', '2.4.1', 'UGARD', 'UONCALL', 'change failure', 'P1 open'])
      assert.ok(!body.includes(secret), `401 page reveals "${secret}"`);
  });

  it('shows open tickets with SLA state and age, duty, deploys with their tickets, and the failure rate', async () => {
    const res = await getStatus(h, bearer);
    assert.equal(res.status, 200);
    assertSecurityHeaders(res);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    const body = await res.text();
    assert.ok(body.includes('Card &lt;b&gt;payments&lt;/b&gt; &amp; &quot;refunds&quot; fail'), 'title escaped');
    assert.ok(!body.includes('<b>payments'), 'no raw markup from the title');
    assert.match(body, /<span class="n">1<\/span> P1 open/);
    assert.match(body, /<span class="n">1<\/span> P2 open/);
    assert.match(body, /<span class="n">0<\/span> P3 open/);
    assert.match(body, /SLA at risk, 10 min left<\/span> <span>open for 50 min<\/span> <span>open<\/span> <span>Checkout<\/span>/);
    assert.match(
      body,
      /SLA paused \(waiting on reporter\), 3 h left<\/span> <span>open for 50 min<\/span> <span>waiting<\/span> <span>Search<\/span>/,
    );

    const now = h.clock.now();
    const gardener = dutyAt(h.config.squads.payments!.gardener!, [], now).user!;
    const oncallNow = dutyAt(h.config.oncall!, [], now).user!;
    const oncallTonight = dutyAt(h.config.oncall!, [], new Date('2026-11-24T18:00:00Z')).user!;
    assert.notEqual(oncallNow, oncallTonight);
    assert.ok(body.includes(`<span class="role">Payments gardener</span> <span class="person">@${gardener}</span>`));
    assert.ok(
      body.includes(
        `<span class="role">On call</span> <span class="person">@${oncallNow}</span> <span class="later">out of hours from <time datetime="2026-11-24T18:00:00.000Z">Tue 24 Nov 18:00 GMT</time>: <span class="person">@${oncallTonight}</span>`,
      ),
    );

    assert.match(
      body,
      /<span class="service">Checkout<\/span> <span class="version">2\.4\.1<\/span> <span class="badge deploy-succeeded">succeeded<\/span>/,
    );
    assert.ok(body.includes('author <span class="person">@UAUTHOR</span>, merged by <span class="person">octocat</span>'));
    assert.ok(
      body.includes('<a href="https://github.com/acme/checkout/compare/a1...b2" rel="noreferrer noopener" target="_blank">diff</a>'),
    );
    const linked = await h.db.deployLink.findMany({ where: { deployId } });
    assert.equal(linked.length, 1);
    assert.ok(body.includes(`<li><span class="num">#${linked[0]!.ticketId}</span> Card &lt;b&gt;payments`));
    assert.match(body, /<span class="badge deploy-failed">failed<\/span> <span class="badge failure">change failure<\/span>/);
    assert.ok(body.includes('change failure rate 50 % (1 of 2 deploys) <small>last 7 days</small>'));
  });

  it('gives each response its own nonce, and only the inline script and style carry it', async () => {
    const a = await getStatus(h, bearer);
    const b = await getStatus(h, bearer);
    const nonce = (res: Response) => /'nonce-([^']+)'/.exec(res.headers.get('content-security-policy') ?? '')![1]!;
    assert.notEqual(nonce(a), nonce(b));
    const body = await a.text();
    assert.equal(body.split(`nonce="${nonce(a)}"`).length - 1, 2);
    assert.equal((body.match(/<script/g) ?? []).length, 1);
  });

  it('accepts basic auth with the token as password and any user name', async () => {
    assert.equal((await getStatus(h, basic('anyone', STATUS_TOKEN))).status, 200);
    assert.equal((await getStatus(h, basic('', STATUS_TOKEN))).status, 200);
    const wrong = await getStatus(h, basic('admin', 'not-the-token'));
    assert.equal(wrong.status, 401);
    assert.match(await wrong.text(), /Those credentials are not valid/);
  });

  it('refuses a wrong Bearer token, an unknown scheme and a forged cookie', async () => {
    for (const headers of <Array<Record<string, string>>>[
      { authorization: 'Bearer status-token-0123456789abcdeX' },
      { authorization: `Token ${STATUS_TOKEN}` },
      { cookie: `${STATUS_COOKIE}=${STATUS_TOKEN}` },
    ]) {
      const res = await getStatus(h, headers);
      assert.equal(res.status, 401, JSON.stringify(headers));
      assert.ok(!(await res.text()).includes('Search results'));
    }
  });

  it('?token= sets an HttpOnly, SameSite=Strict cookie and redirects to drop the token from the URL', async () => {
    const res = await getStatus(h, {}, `?token=${STATUS_TOKEN}`);
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/status');
    assertSecurityHeaders(res);
    const cookie = res.headers.get('set-cookie') ?? '';
    assert.match(cookie, /; HttpOnly/);
    assert.match(cookie, /; SameSite=Strict/);
    assert.match(cookie, /; Path=\/status/);
    assert.doesNotMatch(cookie, /Secure/, 'plain HTTP: a Secure cookie would never come back');
    assert.ok(!cookie.includes(STATUS_TOKEN), 'the cookie does not carry the token');
    const page = await getStatus(h, { cookie: cookiePair(res) });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Search results are stale/);

    const behindTls = await getStatus(h, { 'x-forwarded-proto': 'https' }, `?token=${STATUS_TOKEN}`);
    assert.match(behindTls.headers.get('set-cookie') ?? '', /; Secure/);
  });

  it('a wrong ?token= gets 401 and no cookie', async () => {
    const res = await getStatus(h, {}, '?token=guess-guess-guess-guess');
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('set-cookie'), null);
    assert.match(await res.text(), /That token is not right/);
  });

  it('the sign-in form sets the cookie for the right token and says what is wrong otherwise', async () => {
    const post = (body: string, type = 'application/x-www-form-urlencoded') =>
      fetch(`${h.baseUrl}/status/login`, { method: 'POST', headers: { 'content-type': type }, body, redirect: 'manual' });
    const good = await post(`token=${encodeURIComponent(STATUS_TOKEN)}`);
    assert.equal(good.status, 303);
    assert.equal(good.headers.get('location'), '/status');
    assertSecurityHeaders(good);
    assert.equal((await getStatus(h, { cookie: cookiePair(good) })).status, 200);

    const wrong = await post('token=nope-nope-nope-nope');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers.get('set-cookie'), null);
    assert.match(await wrong.text(), /That token is not right/);
    for (const [body, type] of [
      ['token=', undefined],
      ['{"token":"x"}', 'application/json'],
    ] as const) {
      const empty = await post(body, type);
      assert.equal(empty.status, 400);
      assert.match(await empty.text(), /Enter the status page token/);
    }
  });
});

describe('GET /status without STATUS_PAGE_TOKEN', () => {
  it('is switched off: 404 with a sentence saying how to switch it on, for the page and the form', async () => {
    const h = await startHarness({ env: { STATUS_PAGE_TOKEN: '' } });
    try {
      for (const res of [
        await getStatus(h, bearer),
        await fetch(`${h.baseUrl}/status/login`, {
          method: 'POST',
          body: 'token=x',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
      ]) {
        assert.equal(res.status, 404);
        assertSecurityHeaders(res);
        assert.equal(
          await res.text(),
          'The status page is disabled: set STATUS_PAGE_TOKEN (at least 16 characters) on the bot to enable it.',
        );
      }
    } finally {
      await h.stop();
    }
  });
});
