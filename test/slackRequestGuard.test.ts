// What reaches /slack/events before any listener runs: the signature's timestamp checked both ways,
// a body cap that refuses before reading on, malformed payloads answered with a 400 (after the
// signature), and clicks or forms no listener knows answered at once rather than after Bolt's 3 s.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { MAX_SLACK_BODY_BYTES } from '../src/http/slackRequestGuard.js';
import { startHarness, ticketFormValues, type Harness } from './support/harness.js';

const FORM = 'application/x-www-form-urlencoded';
const DAY = 24 * 60 * 60;

/**
 * Streams `total` bytes to /slack/events (with Content-Length, or chunked without it), honouring
 * back-pressure, and stops as soon as the answer arrives. Resolves with the status and how many
 * bytes had been handed to the socket by then.
 */
function streamBody(baseUrl: string, total: number, chunked: boolean): Promise<{ status: number; text: string; sent: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const url = new URL('/slack/events', baseUrl);
    const req = request(url, {
      method: 'POST',
      headers: {
        'content-type': FORM,
        'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)),
        'x-slack-signature': 'v0=00',
        ...(chunked ? {} : { 'content-length': String(total) }),
      },
    });
    req.on('response', (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, sent }));
    });
    // The server closes the connection after refusing; writes still under way may then fail.
    req.on('error', (err) => (answered ? undefined : reject(err)));
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const pump = () => {
      while (!answered && sent < total) {
        const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
        sent += piece.length;
        if (!req.write(piece)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

describe('requests to /slack/events are checked before Bolt', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.stop());

  const submitTicket = (timestamp: number, headers?: Record<string, string>) =>
    h.slack.submitView(
      {
        callbackId: 'ticket_create',
        userId: 'UREPORTER',
        values: ticketFormValues({ title: 't', description: 'd', priority: 'P1', service: 'checkout' }),
      },
      { timestamp, ...(headers ? { headers } : {}) },
    );

  it('refuses a signed request whose timestamp is more than 5 minutes off either way, or not a number (401, nothing stored)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const before = await h.db.ticket.count();
    const cases: Array<[string, number, Record<string, string>?]> = [
      ['a day ahead', now + DAY],
      ['a year ahead', now + 365 * DAY],
      ['six minutes ahead', now + 6 * 60],
      ['six minutes behind', now - 6 * 60],
      ['not a number', now, { 'x-slack-request-timestamp': 'soon' }],
      ['in exponent notation', now, { 'x-slack-request-timestamp': `${now / 1e9}e9` }],
      ['empty', now, { 'x-slack-request-timestamp': '' }],
    ];
    for (const [what, ts, headers] of cases) {
      const res = await submitTicket(ts, headers);
      assert.equal(res.status, 401, what);
      assert.match(await res.text(), /X-Slack-Request-Timestamp/, what);
    }
    await h.settle();
    assert.equal(await h.db.ticket.count(), before);
  });

  it('accepts a timestamp a few minutes off, as clocks drift', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const ts of [now + 4 * 60, now - 4 * 60]) {
      const res = await h.slack.command('help', 'UREPORTER', { timestamp: ts });
      assert.equal(res.status, 200);
      assert.equal((await res.json()).response_type, 'ephemeral');
    }
  });

  // Sizes between the cap and Bolt's own 4 MB limit, which is all Bolt refused before; and a 64 MB
  // body, of which far less than all is sent before the answer comes and the connection is closed.
  const MB = 1024 * 1024;
  for (const chunked of [false, true]) {
    const how = chunked ? 'a chunked body without Content-Length' : 'a body with Content-Length';
    it(`refuses ${how} over ${MAX_SLACK_BODY_BYTES / 1024} kB with 413, without reading it all`, async () => {
      for (const total of [Math.round(3.9 * MB), 2 * MAX_SLACK_BODY_BYTES]) {
        const res = await streamBody(h.baseUrl, total, chunked);
        assert.equal(res.status, 413, `${total} bytes`);
        assert.match(res.text, /^Body too large/);
      }
      const huge = await streamBody(h.baseUrl, 64 * MB, chunked);
      assert.equal(huge.status, 413);
      assert.ok(huge.sent < 16 * MB, `the answer came after ${huge.sent} bytes of 64 MB`);
    });
  }

  it('a large body under the cap is still handled', async () => {
    const res = await h.slack.command(`frobnicate ${'x'.repeat(MAX_SLACK_BODY_BYTES / 2)}`);
    assert.equal(res.status, 200);
    assert.match((await res.json()).text, /I don't know `frobnicate`/);
  });
});

describe('malformed and unknown Slack payloads get an answer at once', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.stop());

  const timed = async (send: () => Promise<Response>) => {
    const started = Date.now();
    const res = await send();
    const text = await res.text();
    return { status: res.status, text, ms: Date.now() - started };
  };

  const malformed: Array<[string, string, string]> = [
    ['payload=null', 'payload=null', FORM],
    ['a payload without type', `payload=${encodeURIComponent(JSON.stringify({ user: { id: 'U1' }, actions: [] }))}`, FORM],
    ['a payload that is not JSON', 'payload=%7B%22type', FORM],
    ['block_actions without actions', `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions' }))}`, FORM],
    ['a view_submission without its view', `payload=${encodeURIComponent(JSON.stringify({ type: 'view_submission' }))}`, FORM],
    ['a form that is neither command nor payload', 'hello=world', FORM],
    ['an Events API body without type', JSON.stringify({ event: { type: 'message' } }), 'application/json'],
    ['an Events API body that is not JSON', '{"type":', 'application/json'],
  ];
  for (const [what, body, type] of malformed) {
    it(`signed ${what}: 400 with a short sentence`, async () => {
      const res = await timed(() => h.slack.send(body, type));
      assert.equal(res.status, 400);
      assert.match(res.text, /^Malformed Slack request: .+\.$/);
      assert.ok(res.text.length < 200);
      assert.ok(res.ms < 1500, `answered in ${res.ms} ms`);
    });
  }

  it('the signature is checked first: unsigned malformed requests are 401', async () => {
    for (const [, body, type] of malformed) {
      const res = await h.slack.send(body, type, { secret: 'not-the-signing-secret' });
      assert.equal(res.status, 401);
    }
  });

  it('a button no listener knows is acknowledged at once and the person is told, through the response_url', async () => {
    const responseUrl = `${h.fake.apiUrl}response_url.stale`;
    const res = await timed(() => h.slack.clickButton({ actionId: 'ticket_escalate_v0', value: '1', userId: 'UENG', responseUrl }));
    assert.equal(res.status, 200);
    assert.equal(res.text, '');
    assert.ok(res.ms < 1500, `answered in ${res.ms} ms, not after Bolt's 3 s`);
    await h.settle();
    const told = h.fake.callsTo('response_url.stale');
    assert.equal(told.length, 1);
    assert.equal(told[0]!.args.response_type, 'ephemeral');
    assert.equal(told[0]!.args.replace_original, false);
    assert.match(told[0]!.args.text, /older version of supportbot .* open the ticket again/);
  });

  it('a form no listener knows is answered at once with a modal that says so', async () => {
    const res = await timed(() => h.slack.submitView({ callbackId: 'ticket_escalate_v0', userId: 'UENG', values: {} }));
    assert.equal(res.status, 200);
    assert.ok(res.ms < 1500, `answered in ${res.ms} ms, not after Bolt's 3 s`);
    const body = JSON.parse(res.text);
    assert.equal(body.response_action, 'update');
    assert.equal(body.view.type, 'modal');
    assert.match(JSON.stringify(body.view.blocks), /older version of supportbot/);
  });

  it('known buttons and forms are not answered as stale', async () => {
    const stale = h.fake.callsTo('response_url.stale').length;
    const click = await h.slack.clickButton({ actionId: 'ticket_take', value: '99999', userId: 'UENG' });
    assert.equal(click.status, 200);
    await h.settle();
    assert.match(h.fake.callsTo('chat.postEphemeral').at(-1)!.args.text, /#99999 does not exist/);
    assert.equal(h.fake.callsTo('response_url.stale').length, stale);
  });
});
