// Deploy notes in an open ticket's thread are combined: the deploys reported while the last note is
// still unsent join it (one message listing them all), and a later deploy starts a new note.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_NOTED } from '../src/messages/deployMessages.js';
import { send } from './support/deployApi.js';
import { fileTicket, startHarness, type Harness } from './support/harness.js';

describe('combined deploy notes', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-24T10:00:00Z' });
  });
  after(() => h.stop());

  const report = async (version: string, extra: Record<string, unknown> = {}) => {
    const res = await send(h, { service: 'billing', version, author: 'UDEV', ...extra });
    assert.ok(res.ok, await res.text());
  };
  const notesIn = (rootTs: string) =>
    h.fake.posted('C0SUPPORT').filter((m) => m.thread_ts === rootTs && m.text?.includes('while this ticket is open'));

  it('5 deploys while Slack makes the bot wait: one note listing all 5; the next deploy starts a new note', async () => {
    const t = await fileTicket(h, { title: 'Billing is slow', service: 'billing' });
    const other = await fileTicket(h, { title: 'Also on billing', service: 'billing' });
    h.clock.advanceMinutes(5);
    // Slack answers a reply in the support channel with 429 Retry-After 30: the channel is paused, so
    // no note is sent (nor tried) there for 30 s.
    h.fake.fail('chat.postMessage', { status: 429, retryAfter: 30 }, 1, (args) => args.channel === 'C0SUPPORT');
    await h.slack.clickButton({ actionId: 'ticket_take', value: String(other.id), userId: 'UENG', messageTs: other.rootTs! });
    await h.settle();
    for (const v of ['5.1', '5.2', '5.3', '5.4', '5.5']) await report(v);
    await h.settle();
    assert.equal(notesIn(t.rootTs!).length, 0, 'nothing sent while paused');
    h.clock.advance(30_000);
    await h.settle();

    for (const ticket of [t, other]) {
      const notes = notesIn(ticket.rootTs!);
      assert.equal(notes.length, 1, 'one note per ticket');
      const text = `${notes[0]!.text} ${JSON.stringify(notes[0]!.blocks)}`;
      assert.match(notes[0]!.text!, /5 deploys of Billing while this ticket is open/);
      for (const v of ['5.1', '5.2', '5.3', '5.4', '5.5']) assert.ok(text.includes(`\`${v}\``), `lists ${v}`);
    }
    assert.equal(h.fake.posted('C0DEPLOYS').filter((m) => /Billing\* `5\.\d`/.test(m.text ?? '')).length, 5, 'each deploy is announced');

    // Sent: the next deploy is a note of its own, reading as one deploy.
    await report('5.6');
    await h.settle();
    const notes = notesIn(t.rootTs!);
    assert.equal(notes.length, 2);
    assert.ok(notes[1]!.text!.includes('`5.6`') && !notes[1]!.text!.includes('`5.5`'));
    assert.doesNotMatch(notes[1]!.text!, /deploys of/);
  });

  it('a rollback reported while the note is unsent joins it; a ticket reply queued after a note is not overtaken', async () => {
    const t = await fileTicket(h, { title: 'Billing again', service: 'billing' });
    const other = await fileTicket(h, { title: 'Checkout hiccup', service: 'checkout' });
    h.clock.advanceMinutes(5);
    // The support channel is paused first (a 429 to another ticket's reply), so the note is not tried
    // before the rollback is reported: a note the relay has tried is never rewritten.
    h.fake.fail('chat.postMessage', { status: 429, retryAfter: 30 }, 1, (args) => args.channel === 'C0SUPPORT');
    await h.slack.clickButton({ actionId: 'ticket_take', value: String(other.id), userId: 'UENG', messageTs: other.rootTs! });
    await h.settle();
    await report('6.0');
    await report('6.0', { status: 'rolled_back' });
    // Someone takes the ticket (interactive), then another deploy: it may not go before the take.
    const take = await h.slack.clickButton({ actionId: 'ticket_take', value: String(t.id), userId: 'UENG', messageTs: t.rootTs! });
    assert.equal(take.status, 200);
    await h.settle();
    await report('6.1');
    await h.settle();
    h.clock.advance(30_000);
    await h.settle();
    const thread = h.fake.posted('C0SUPPORT').filter((m) => m.thread_ts === t.rootTs);
    const texts = thread.map((m) => m.text ?? '');
    const rolledBack = texts.findIndex((x) => x.includes('`6.0`'));
    const took = texts.findIndex((x) => /took #/.test(x));
    const later = texts.findIndex((x) => x.includes('`6.1`'));
    assert.ok(rolledBack >= 0 && took > rolledBack && later > took, texts.join('\n'));
    assert.equal(texts.filter((x) => x.includes('`6.0`')).length, 1, 'the deploy and its rollback share one note');
    assert.match(texts[rolledBack]!, /was rolled back in/);
  });

  it('deploys reported at the same moment all make it into the notes, each once', async () => {
    const t = await fileTicket(h, { title: 'Billing under a burst', service: 'billing' });
    h.clock.advanceMinutes(5);
    // Slack answers this ticket's first note 429: it is tried and waits for its retry, so every deploy
    // of the burst finds a note it may not rewrite, and between them they must start just one more.
    h.fake.fail('chat.postMessage', { status: 429, retryAfter: 30 }, 1, (args) => args.thread_ts === t.rootTs);
    await report('7.0');
    await h.settle();
    const versions = Array.from({ length: MAX_NOTED - 1 }, (_, i) => `7.${i + 1}`);
    await Promise.all(versions.map((v) => report(v)));
    await h.settle();
    h.clock.advance(30_000);
    await h.settle();
    const notes = notesIn(t.rootTs!).map((m) => JSON.stringify(m.blocks));
    assert.equal(notes.length, 2, 'the tried note and one for the burst');
    for (const v of ['7.0', ...versions]) assert.equal(notes.filter((n) => n.includes(`\`${v}\``)).length, 1, `${v} is noted once`);
  });
});
