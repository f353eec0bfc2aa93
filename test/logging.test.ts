// The bot's log as an operator reads it: one JSON line per event, the lines of a click naming its
// ticket, Slack request and user, expected retries (a 5xx, a 429) as warnings without stacks, and
// no credential anywhere, also when a deploy webhook or the status page is called with a wrong one.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { send } from './support/deployApi.js';
import { DEPLOY_SECRET, fileTicket, SIGNING_SECRET, STATUS_TOKEN, startHarness, type Harness } from './support/harness.js';
import { getStatus } from './support/statusPage.js';

type Line = Record<string, unknown> & { level: number; msg: string };

describe('structured logs', () => {
  let h: Harness;
  const lines: string[] = [];
  let ticketId: number;
  before(async () => {
    h = await startHarness({ now: '2026-11-24T10:00:00Z', log: { level: 'debug', lines } });
    const t = await fileTicket(h, { title: 'logged ticket' });
    ticketId = t.id;
    // The answer to the click fails with a 5xx, then a 429, then goes.
    h.fake.fail('chat.postMessage', { status: 500 }, 1);
    h.fake.fail('chat.postMessage', { status: 429, retryAfter: 1 }, 1);
    const res = await h.slack.clickButton({ actionId: 'ticket_take', value: String(t.id), userId: 'UENG', messageTs: t.rootTs! });
    assert.equal(res.status, 200);
    await h.settle();
    for (let i = 0; i < 3; i++) {
      h.clock.advance(1000);
      await h.settle();
    }
    assert.equal((await send(h, { service: 'checkout', version: 'v1' }, { auth: { bearer: 'not-the-secret' } })).status, 401);
    assert.equal((await getStatus(h, { authorization: 'Bearer not-the-token' })).status, 401);
  });
  after(() => h.stop());

  const parsed = () => lines.map((l) => JSON.parse(l) as Line);

  it('writes every line as one JSON object', () => {
    assert.ok(lines.length > 10, `${lines.length} lines`);
    for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), line);
  });

  it("names the click's ticket, Slack request and user on its lines", () => {
    const handled = parsed().filter((l) => l.msg === 'Slack request handled' && l.type === 'block_actions');
    assert.equal(handled.length, 1);
    assert.equal(handled[0]!.ticket, ticketId);
    assert.equal(handled[0]!.user, 'UENG');
    assert.equal(typeof handled[0]!.requestId, 'string');
    const form = parsed().find((l) => l.msg === 'Slack request handled' && l.type === 'view_submission');
    assert.equal(form?.user, 'UREPORTER');
    assert.match(String(form?.requestId), /^V/);
  });

  it('logs the expected retries as warnings naming the ticket, without a stack', () => {
    const retries = parsed().filter((l) => l.msg === 'Slack call failed; will retry');
    assert.deepEqual(
      retries.map((l) => [l.error, l.ticket, l.method, l.level]),
      [
        ['http_500', ticketId, 'chat.postMessage', 40],
        ['ratelimited', ticketId, 'chat.postMessage', 40],
      ],
    );
    assert.ok(retries.every((l) => l.err === undefined));
    assert.deepEqual(h.loggedErrors, []);
  });

  it('never logs a credential', () => {
    const log = lines.join('');
    for (const [name, secret] of Object.entries({
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      DEPLOY_WEBHOOK_SECRET: DEPLOY_SECRET,
      STATUS_PAGE_TOKEN: STATUS_TOKEN,
    }))
      assert.ok(!log.includes(secret), `${name} is in the log`);
    assert.ok(!log.includes('not-the-secret') && !log.includes('not-the-token'), 'nor a wrong one offered');
  });
});
