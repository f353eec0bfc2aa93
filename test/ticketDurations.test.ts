// The durations stored on the ticket for the reports (resolveMs, firstResponseMs: docs/reports.md)
// follow every change of the instants they are measured to, through the real bot: a reply or Take
// it, resolve, reopen, take and resolve again, mark as a duplicate. After each step the stored duration is
// checked against its instants, so a path that changes one without the other fails here.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileTicket, startHarness, type Harness } from './support/harness.js';

const MIN = 60_000;

describe('stored durations follow the ticket', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-24T10:00:00Z' });
  });
  after(() => h.stop());

  type Filed = Awaited<ReturnType<typeof fileTicket>>;
  const at = (iso: string) => h.clock.set(iso);
  const click = async (actionId: string, t: Filed, userId: string) => {
    const res = await h.slack.clickButton({ actionId, value: String(t.id), userId, messageTs: t.rootTs! });
    assert.equal(res.status, 200);
    await h.settle();
  };
  const submit = async (callbackId: string, t: Filed, userId: string, values: Record<string, Record<string, unknown>>) => {
    const res = await h.slack.submitView({ callbackId, userId, privateMetadata: JSON.stringify({ ticketId: t.id }), values });
    assert.equal(await res.text(), '');
    await h.settle();
  };
  const resolve = (t: Filed) =>
    submit('ticket_resolve', t, 'UENG', {
      resolution: { value: { type: 'plain_text_input', value: 'Fixed' } },
      codeChange: { value: { type: 'radio_buttons', selected_option: { value: 'no' } } },
    });
  /** The stored durations in minutes, after checking each against the instants it is measured between. */
  const durations = async (t: Filed) => {
    const row = await h.db.ticket.findUniqueOrThrow({ where: { id: t.id } });
    const since = (end: Date | null) => (end === null ? null : BigInt(end.getTime() - row.createdAt.getTime()));
    assert.equal(row.resolveMs, since(row.resolvedAt), 'resolveMs = resolvedAt − createdAt');
    assert.equal(row.firstResponseMs, since(row.firstResponseAt), 'firstResponseMs = firstResponseAt − createdAt');
    const minutes = (ms: bigint | null) => (ms === null ? null : Number(ms) / MIN);
    return { resolve: minutes(row.resolveMs), firstResponse: minutes(row.firstResponseMs) };
  };

  it('Take it, resolve, reopen, resolve again: the duration runs to the final resolution', async () => {
    at('2026-11-24T10:00:00Z');
    const t = await fileTicket(h, { priority: 'P2', service: 'checkout' });
    assert.deepEqual(await durations(t), { resolve: null, firstResponse: null });
    at('2026-11-24T10:07:00Z');
    await click('ticket_take', t, 'UENG');
    assert.deepEqual(await durations(t), { resolve: null, firstResponse: 7 });
    at('2026-11-24T11:00:00Z');
    await resolve(t);
    assert.deepEqual(await durations(t), { resolve: 60, firstResponse: 7 });
    at('2026-11-24T12:00:00Z');
    await click('ticket_reopen', t, 'UREPORTER');
    assert.deepEqual(await durations(t), { resolve: null, firstResponse: 7 });
    at('2026-11-24T13:00:00Z');
    await click('ticket_take', t, 'UENG');
    at('2026-11-24T13:30:00Z');
    await resolve(t);
    assert.deepEqual(await durations(t), { resolve: 210, firstResponse: 7 });
  });

  it('a thread reply is the first response; marking as a duplicate resolves it', async () => {
    at('2026-11-24T14:00:00Z');
    const original = await fileTicket(h, { priority: 'P3', service: 'checkout' });
    const t = await fileTicket(h, { priority: 'P3', service: 'checkout' });
    at('2026-11-24T14:12:00Z');
    await h.slack.threadReply({ threadTs: t.rootTs!, userId: 'UENG', text: 'looking', eventId: 'EvDurations' });
    await h.settle();
    assert.deepEqual(await durations(t), { resolve: null, firstResponse: 12 });
    at('2026-11-24T14:30:00Z');
    await submit('ticket_duplicate', t, 'UREPORTER', { original: { value: { type: 'plain_text_input', value: `#${original.id}` } } });
    assert.deepEqual(await durations(t), { resolve: 30, firstResponse: 12 });
  });
});
