// What people type reaches Slack as words, never as markup: every place a person's text can appear
// is fed mentions, broadcasts, a disguised link, formatting and a direction override, and every Web
// API call the fake Slack recorded is searched for a live one. Lengths count what people see, and
// control characters are refused in the form, on both databases.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ticketMessage } from '../src/messages/ticketMessage.js';
import { escapeMrkdwn, userText } from '../src/messages/text.js';
import { assertWithinLimits } from './support/blockKit.js';

type Block = { block_id?: string; text: { type: string; text: string } };
import { ask } from './support/commands.js';
import { DEPLOY_SECRET, fileTicket, startHarness, ticketFormValues, type Harness } from './support/harness.js';

const RLO = '\u202E';
/** Everything Slack would read as markup, plus formatting and a right-to-left override. */
const PAYLOAD = `fixed <!channel> <!here> <!subteam^S123> <@U0123456700> <https://evil.test/login|Log in again here> *b* _i_ ~s~ \`c\` & ${RLO}gnp.exe`;
/** The same without spaces, for fields that refuse them (a ticket's link, words of a command). */
const WORD = '<!channel><!here><!subteam^S123><@U0123456700><https://evil.test/login|Log-in>&';
const LIVE = ['<!channel>', '<!here>', '<!subteam^S123', '<@U0123456700>', '<https://evil.test', RLO];

/** Every string anywhere in a value, with where it was found. */
function strings(value: unknown, where: string, out: Array<{ where: string; text: string }> = []) {
  if (typeof value === 'string') {
    out.push({ where, text: value });
    // Some arguments arrive JSON-encoded (blocks, views); read inside them too.
    if (/^[[{]/.test(value)) {
      try {
        strings(JSON.parse(value), `${where}(json)`, out);
      } catch {}
    }
  } else if (Array.isArray(value)) for (const [i, v] of value.entries()) strings(v, `${where}[${i}]`, out);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) strings(v, `${where}.${k}`, out);
  return out;
}

function assertNothingLive(found: Array<{ where: string; text: string }>) {
  const hits = found.flatMap(({ where, text }) =>
    LIVE.filter((live) => text.includes(live)).map((live) => `${where} carries ${JSON.stringify(live)}`),
  );
  assert.deepEqual(hits, []);
}

const MIN = 60_000;

async function postDeploy(h: Harness, body: Record<string, unknown>) {
  const res = await fetch(`${h.baseUrl}/api/deploys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${DEPLOY_SECRET}` },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 201, await res.clone().text());
  await h.settle();
  return ((await res.json()) as { deploy: { id: number } }).deploy.id;
}

describe('user text in every Slack message', () => {
  let h: Harness;
  before(async () => {
    // Tue 17:00: UONCALL3 is on call until 18:00, then UONCALL1; UGARD1 is the Payments gardener.
    h = await startHarness({ now: '2026-11-24T17:00:00Z' });
  });
  after(() => h.stop());

  it('no broadcast, mention, disguised link or direction override gets through, wherever it was typed', async () => {
    await h.bot.checkHandoffs();
    const answers: unknown[] = [];
    answers.push(await ask(h, `handoff-note ${PAYLOAD}`, 'UONCALL3'));

    // A deploy whose every reported field carries the payload (the url is a real URL with it inside).
    const deployId = await postDeploy(h, {
      service: 'checkout',
      version: PAYLOAD.slice(0, 100),
      commit: WORD.slice(0, 40),
      author: `Eve ${PAYLOAD}`.slice(0, 200),
      mergedBy: WORD,
      url: `https://ci.test/compare?${WORD}`,
      deployedAt: new Date(h.clock.now().getTime() - 10 * MIN).toISOString(),
    });

    // A ticket after it: root message, confirmation, the deploy listed in its thread, the gardener.
    const ticket = await fileTicket(h, { title: PAYLOAD, description: `${PAYLOAD}\n${PAYLOAD}`, link: `https://shop.test/${WORD}` });
    // A hand-recorded deploy while it is open: a note in its thread, its title in the announcement.
    answers.push(await ask(h, `deploy checkout v-${WORD} <https://ci.test/${WORD}>`, 'UENG'));
    answers.push(await ask(h, `deploy ${WORD} 1.0`, 'UENG'));

    await h.slack.clickButton({
      actionId: 'deploy_caused',
      value: `${deployId}:${ticket.id}`,
      userId: 'UADMIN',
      messageTs: ticket.rootTs!,
    });
    await h.settle();
    await h.slack.clickButton({ actionId: 'ticket_resolve_open', value: String(ticket.id), userId: 'UADMIN' });
    await h.settle();
    const resolveForm = h.fake.callsTo('views.open').at(-1)!.args.view;
    const resolved = await h.slack.submitView({
      callbackId: 'ticket_resolve',
      userId: 'UADMIN',
      privateMetadata: typeof resolveForm === 'string' ? JSON.parse(resolveForm).private_metadata : resolveForm.private_metadata,
      values: {
        resolution: { value: { type: 'plain_text_input', value: PAYLOAD } },
        codeChange: { value: { type: 'radio_buttons', selected_option: { value: 'yes' } } },
      },
    });
    assert.equal(await resolved.text(), '');
    await h.settle();

    // Out of hours: an unowned P1 pages on call by DM; then the 18:00 handoff shows the notes and it.
    h.clock.set('2026-11-24T18:30:00Z');
    const p1 = await fileTicket(h, { title: PAYLOAD, priority: 'P1', service: 'search' });
    assert.ok(
      h.fake.posted('UONCALL1').some((m) => m.text!.includes(`#${p1.id}`)),
      'paged',
    );
    await h.bot.checkHandoffs();
    await h.settle();
    await h.slack.event({ type: 'app_home_opened', user: 'UREPORTER', tab: 'home', channel: 'D1' }, { eventId: 'Ev1' });
    await h.settle();
    for (const command of [WORD, `cover <@UONCALL1> now 2026-11-25 ${WORD}`, `cover ${WORD} now 2026-11-25`, `gardener ${WORD}`])
      answers.push(await ask(h, command, 'UADMIN'));

    const calls = h.fake.calls.flatMap((c, i) => strings(c.args, `${i}:${c.method}`));
    assertNothingLive(calls);
    assertNothingLive(strings(answers, 'answers'));

    // And the text is there, as words: in each kind of place it went.
    const all = (method: string) => JSON.stringify(h.fake.callsTo(method).map((c) => c.args));
    const root = h.fake.posted('C0SUPPORT').find((m) => m.ts === ticket.rootTs)!;
    assert.ok(root.text!.includes('fixed &lt;!channel&gt; &lt;!here&gt;'), 'title in the notification text');
    const thread = h.fake.posted('C0SUPPORT').filter((m) => m.thread_ts === ticket.rootTs);
    assert.ok(
      thread.some((m) => m.text!.includes('&lt;https://evil.test/login|Log in again here&gt;')),
      'resolution in the thread',
    );
    assert.ok(all('chat.postMessage').includes('Eve fixed &lt;!channel&gt;'), 'deploy author');
    assert.ok(all('chat.postMessage').includes('&lt;!subteam^S123&gt;'), 'handoff note / version');
    assert.ok(all('views.publish').includes('&lt;@U0123456700&gt;'), 'App Home');
    assert.ok(
      h.fake.posted('UONCALL1').some((m) => m.text!.includes('&lt;!here&gt;')),
      'page DM',
    );
    // The description shows exactly as typed: plain_text keeps *, _, ~ and backticks as characters.
    const description = (root.blocks as Block[]).find((b) => b.block_id === 'description')!;
    assert.equal(description.text.type, 'plain_text');
    assert.ok(description.text.text.includes('*b* _i_ ~s~ `c` &amp; gnp.exe'));
  });
});

describe('lengths as people see them', () => {
  it('a description of 3,000 "<" shows all 3,000, spread over sections within Block Kit limits', () => {
    const msg = ticketMessage({
      id: 1,
      title: '<'.repeat(150),
      description: '<'.repeat(3000),
      priority: 'P2',
      status: 'resolved',
      reporterId: 'U1',
      ownerId: null,
      serviceName: 'Checkout',
      link: null,
      sla: { dueAt: null, state: 'on_track', minutesLeft: 10 },
      firstResponse: null,
      firstResponseDue: null,
      resolution: '&'.repeat(3000),
      codeChangeNeeded: false,
      incident: false,
      timeZone: 'Europe/London',
    });
    assertWithinLimits(msg.blocks, 50);
    const text = (prefix: string) =>
      (msg.blocks as Block[])
        .filter((b) => new RegExp(`^${prefix}(_\\d+)?$`).test(b.block_id ?? ''))
        .map((b) => b.text.text)
        .join('');
    assert.equal(text('description'), '&lt;'.repeat(3000));
    assert.equal(text('resolution'), '&amp;'.repeat(3000));
    assert.ok(msg.text.includes('&lt;'.repeat(150)), 'the whole title in the notification text');
  });

  it('cuts escaped text by visible characters, never inside an entity or an emoji', () => {
    assert.equal(userText('<'.repeat(10), 5), `${'&lt;'.repeat(4)}…`);
    assert.equal(userText('<'.repeat(10), 100, 10), '&lt;&lt;…');
    assert.equal(userText('👍🏽'.repeat(3), 2), '👍🏽…');
    assert.equal(userText('👍🏽'.repeat(3), 3), '👍🏽'.repeat(3));
    assert.equal(escapeMrkdwn(`a${RLO}b\u2066c\u2069`), 'abc');
    assert.equal(escapeMrkdwn('👨‍👩‍👧'), '👨‍👩‍👧', 'joiners inside emoji stay');
  });
});

describe('the ticket form counts and checks what people typed', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.stop());

  async function submit(f: Record<string, string>) {
    const res = await h.slack.submitView({
      callbackId: 'ticket_create',
      userId: 'UREPORTER',
      values: ticketFormValues({ title: 'Checkout fails', description: 'It fails', priority: 'P2', service: 'checkout', ...f }),
    });
    assert.equal(res.status, 200);
    const body = await res.text();
    await h.settle();
    return body ? (JSON.parse(body) as { response_action: string; errors: Record<string, string> }) : null;
  }

  it('150 emoji are a 150-character title; 151 are one too many, counted as 151', async () => {
    assert.equal(await submit({ title: '🚀'.repeat(150) }), null);
    assert.equal((await h.db.ticket.findFirst({ orderBy: { id: 'desc' } }))!.title, '🚀'.repeat(150));
    const refused = await submit({ title: '🚀'.repeat(151) });
    assert.equal(refused?.errors.title, 'Keep the title to 150 characters (it has 151).');
    assert.equal(await submit({ description: '👍🏽'.repeat(3000) }), null);
  });

  const refusals: Array<[string, Record<string, string>, string, RegExp]> = [
    [
      'U+0000 in the title',
      { title: 'Checkout\u0000fails' },
      'title',
      /^The title cannot contain a control character \(U\+0000\); remove it/,
    ],
    ['a line break in the title', { title: 'Checkout\nfails' }, 'title', /^The title cannot contain a line break/],
    ['DEL in the title', { title: 'Checkout\u007Ffails' }, 'title', /control character \(U\+007F\)/],
    [
      'a bell in the description',
      { description: 'It\u0007fails' },
      'description',
      /^The description cannot contain a control character \(U\+0007\)/,
    ],
    ['U+0000 in the link', { link: 'ORDER-1\u0000' }, 'link', /^The link cannot contain a control character \(U\+0000\)/],
  ];
  for (const [what, fields, field, message] of refusals) {
    it(`refuses ${what} in the form, storing nothing`, async () => {
      const before = await h.db.ticket.count();
      const answer = await submit(fields);
      assert.equal(answer?.response_action, 'errors');
      assert.match(answer!.errors[field]!, message);
      assert.equal(await h.db.ticket.count(), before);
    });
  }

  it('keeps line breaks and tabs in a description', async () => {
    assert.equal(await submit({ description: 'Steps:\n\t1. pay\r\n\t2. fail' }), null);
    assert.equal((await h.db.ticket.findFirst({ orderBy: { id: 'desc' } }))!.description, 'Steps:\n\t1. pay\n\t2. fail');
  });

  it('refuses U+0000 in a resolution', async () => {
    const t = await fileTicket(h);
    const res = await h.slack.submitView({
      callbackId: 'ticket_resolve',
      userId: 'UADMIN',
      privateMetadata: JSON.stringify({ ticketId: t.id }),
      values: {
        resolution: { value: { type: 'plain_text_input', value: 'Fixed\u0000' } },
        codeChange: { value: { type: 'radio_buttons', selected_option: { value: 'no' } } },
      },
    });
    assert.match(JSON.parse(await res.text()).errors.resolution, /^The resolution cannot contain a control character \(U\+0000\)/);
    assert.equal((await h.db.ticket.findUnique({ where: { id: t.id } }))!.status, 'open');
  });

  it('the deploy API refuses control characters with a 400 naming the field', async () => {
    const res = await fetch(`${h.baseUrl}/api/deploys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${DEPLOY_SECRET}` },
      body: JSON.stringify({ service: 'checkout', version: '1.0\u0000' }),
    });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /"version" must not contain control characters/);
  });
});
