// The status page as data: the HTML renderer (escaping, wording, empty states) and the credential checks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { esc, safeLink } from '../src/messages/html.js';
import {
  changeFailureLine,
  loginPageHtml,
  slaText,
  statusPageHtml,
  type StatusDeploy,
  type StatusPageData,
} from '../src/messages/statusPage.js';
import { sameSecret } from '../src/http/sameSecret.js';
import { authenticateStatus, parseCookies, sessionCookie, sessionValue, STATUS_COOKIE } from '../src/http/statusAuth.js';

const NOW = new Date('2026-11-24T10:00:00Z');
const EVIL = `<script>alert("x")</script> & 'quoted'`;
const EVIL_ESCAPED = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;';

function deploy(over: Partial<StatusDeploy> = {}): StatusDeploy {
  return {
    id: 1,
    serviceName: 'Checkout',
    version: '1.0.0',
    commit: null,
    author: 'UAUTHOR',
    mergedBy: 'UAUTHOR',
    url: null,
    environment: 'production',
    status: 'succeeded',
    deployedAt: new Date('2026-11-24T09:30:00Z'),
    timeZone: 'Europe/London',
    changeFailure: false,
    outsideWindow: null,
    tickets: [],
    ...over,
  };
}

function data(over: Partial<StatusPageData> = {}): StatusPageData {
  return {
    now: NOW,
    timeZone: 'Europe/London',
    open: { counts: { P1: 0, P2: 0, P3: 0 }, tickets: [] },
    duty: [],
    deploys: [],
    changeFailure: { failures: 0, deploys: 0, days: 7 },
    ...over,
  };
}

describe('status page wording', () => {
  it('names the change failure rate with numerator and denominator', () => {
    assert.equal(changeFailureLine({ failures: 3, deploys: 25 }), 'change failure rate 12 % (3 of 25 deploys)');
    assert.equal(changeFailureLine({ failures: 1, deploys: 1 }), 'change failure rate 100 % (1 of 1 deploy)');
    assert.equal(changeFailureLine({ failures: 0, deploys: 0 }), 'change failure rate: no production deploys');
  });

  it('says each SLA state in words with the time left or overdue', () => {
    assert.equal(slaText({ sla: { state: 'on_track', minutesLeft: 125 } }), 'SLA on track, 2 h 5 min left');
    assert.equal(slaText({ sla: { state: 'at_risk', minutesLeft: 10 } }), 'SLA at risk, 10 min left');
    assert.equal(slaText({ sla: { state: 'paused', minutesLeft: 90 } }), 'SLA paused (waiting on reporter), 1 h 30 min left');
    assert.equal(slaText({ sla: { state: 'breached', minutesLeft: -75 } }), 'SLA breached, overdue by 1 h 15 min');
  });
});

describe('statusPageHtml', () => {
  it('escapes every text that is not ours', () => {
    const html = statusPageHtml(
      data({
        timeZone: 'Europe/London',
        open: {
          counts: { P1: 1, P2: 0, P3: 0 },
          tickets: [
            {
              id: 7,
              title: EVIL,
              priority: 'P1',
              status: 'in_progress',
              serviceName: EVIL,
              ownerId: EVIL,
              openedAt: new Date('2026-11-24T08:00:00Z'),
              sla: { state: 'breached', minutesLeft: -60 },
            },
          ],
        },
        duty: [{ title: EVIL, userId: EVIL }],
        deploys: [
          deploy({ serviceName: EVIL, version: EVIL, author: EVIL, mergedBy: null, tickets: [{ id: 7, title: EVIL, verdict: 'caused' }] }),
        ],
      }),
      'n0nce',
    );
    assert.ok(!html.includes('<script>alert'), 'no raw script tag from data');
    // Ticket title, service, owner, duty title and person, deploy service, version, author, linked ticket.
    assert.equal(html.split(EVIL_ESCAPED).length - 1, 9);
    assert.match(
      html,
      /<span class="badge sla-breached">SLA breached, overdue by 1 h<\/span> <span>open for 2 h<\/span> <span>in progress<\/span>/,
    );
    assert.match(html, /caused by this deploy/);
  });

  it('links only http(s) deploy URLs', () => {
    assert.equal(safeLink('javascript:alert(1)', 'diff'), 'diff');
    assert.equal(
      safeLink('https://x.test/?a="b"', 'diff'),
      '<a href="https://x.test/?a=&quot;b&quot;" rel="noreferrer noopener" target="_blank">diff</a>',
    );
    const html = statusPageHtml(data({ deploys: [deploy({ url: 'javascript:alert(1)' })] }), 'n');
    assert.ok(!html.includes('javascript:'));
  });

  it('carries the nonce on its one inline script and style, and refreshes every 30 s by swapping <main>', () => {
    const html = statusPageHtml(data(), 'abc123');
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.ok(html.includes('<script nonce="abc123">'));
    assert.ok(html.includes('<style nonce="abc123">'));
    assert.ok(html.includes('setTimeout(refresh, 30000)'));
    assert.ok(html.includes('main.replaceChildren(...next.childNodes)'));
    assert.ok(html.includes('<meta name="viewport" content="width=device-width, initial-scale=1">'));
  });

  it('says so when there is nothing to show', () => {
    const html = statusPageHtml(data(), 'n');
    assert.ok(html.includes('No open tickets.'));
    assert.ok(html.includes('No rotations are configured.'));
    assert.ok(html.includes('No production deploys yet.'));
    assert.ok(html.includes('change failure rate: no production deploys <small>last 7 days</small>'));
  });

  it('counts every open ticket and says when the list is cut', () => {
    const ticket = { id: 1, title: 't', priority: 'P2' as const, status: 'open' as const, serviceName: 's', ownerId: null, openedAt: NOW };
    const html = statusPageHtml(
      data({ open: { counts: { P1: 0, P2: 5, P3: 0 }, tickets: [{ ...ticket, sla: { state: 'on_track', minutesLeft: 60 } }] } }),
      'n',
    );
    assert.ok(html.includes('<h3 class="prio-P2">P2 · 5 open</h3>'));
    assert.ok(html.includes('Showing the oldest 1 of 5.'));
    assert.ok(html.includes('owner <span class="none">nobody</span>'));
  });

  it('shows on call in business hours with who is paged from closing time', () => {
    const html = statusPageHtml(
      data({ duty: [{ title: 'On call', userId: 'UDAY', outOfHours: { from: new Date('2026-11-24T18:00:00Z'), userId: null } }] }),
      'n',
    );
    assert.ok(
      html.includes(
        '<span class="person">@UDAY</span> <span class="later">out of hours from <time datetime="2026-11-24T18:00:00.000Z">Tue 24 Nov 18:00 GMT</time>: <span class="none">nobody</span>',
      ),
    );
  });
});

describe('loginPageHtml', () => {
  it('is a form and nothing else; the error is escaped', () => {
    const html = loginPageHtml({ nonce: 'n', action: '/status/login', error: EVIL });
    assert.ok(html.includes('<form method="post" action="/status/login">'));
    assert.ok(html.includes('type="password"'));
    assert.ok(html.includes(EVIL_ESCAPED));
    assert.ok(!html.includes('<script'));
  });
});

describe('status page credentials', () => {
  const TOKEN = 'status-token-0123456789abcdef';
  const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;

  it('accepts the token as Bearer, as the basic-auth password with any user, or the session cookie', () => {
    assert.equal(authenticateStatus({ authorization: `Bearer ${TOKEN}` }, TOKEN), 'ok');
    assert.equal(authenticateStatus({ authorization: `bearer   ${TOKEN}` }, TOKEN), 'ok');
    assert.equal(authenticateStatus({ authorization: basic(`whoever:${TOKEN}`) }, TOKEN), 'ok');
    assert.equal(authenticateStatus({ authorization: basic(`:${TOKEN}`) }, TOKEN), 'ok');
    assert.equal(authenticateStatus({ cookie: `other=1; ${STATUS_COOKIE}=${sessionValue(TOKEN)}` }, TOKEN), 'ok');
  });

  it('tells missing from wrong credentials', () => {
    assert.equal(authenticateStatus({}, TOKEN), 'missing');
    assert.equal(authenticateStatus({ cookie: 'other=1' }, TOKEN), 'missing');
    assert.equal(authenticateStatus({ authorization: `Bearer ${TOKEN}x` }, TOKEN), 'wrong');
    assert.equal(authenticateStatus({ authorization: basic(TOKEN) }, TOKEN), 'wrong', 'no colon: no password');
    assert.equal(authenticateStatus({ authorization: basic(`${TOKEN}:x`) }, TOKEN), 'wrong', 'the token as user name is not the password');
    assert.equal(authenticateStatus({ authorization: `Digest ${TOKEN}` }, TOKEN), 'wrong');
    assert.equal(
      authenticateStatus({ cookie: `${STATUS_COOKIE}=${TOKEN}` }, TOKEN),
      'wrong',
      'the cookie holds the session value, not the token',
    );
    assert.equal(authenticateStatus({ cookie: `${STATUS_COOKIE}=${sessionValue('another-token-0123456789')}` }, TOKEN), 'wrong');
  });

  it('compares secrets of any length', () => {
    assert.equal(sameSecret(TOKEN, TOKEN), true);
    assert.equal(sameSecret('', TOKEN), false);
    assert.equal(sameSecret(`${TOKEN}${TOKEN}`, TOKEN), false);
  });

  it('sets an HttpOnly, SameSite=Strict cookie on /status that does not contain the token', () => {
    const cookie = sessionCookie(TOKEN, { secure: false });
    assert.equal(cookie, `${STATUS_COOKIE}=${sessionValue(TOKEN)}; Path=/status; Max-Age=2592000; HttpOnly; SameSite=Strict`);
    assert.ok(!cookie.includes(TOKEN));
    assert.match(sessionCookie(TOKEN, { secure: true }), /; Secure$/);
    assert.deepEqual(parseCookies(' a=1; b = two ;junk'), { a: '1', b: 'two' });
  });

  it('escapes the five HTML specials', () => {
    assert.equal(esc(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});
