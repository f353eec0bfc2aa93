// A failure of ours behind a click or a form (here: the database refusing a write, as a deadlock or
// a lost connection would) ends in a clear answer to the person and a log line naming the ticket —
// never in silence. The fault is real: a trigger in the real database (SQLite or PostgreSQL).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { deploy } from './support/deployApi.js';
import type { Doc } from './support/doc.js';
import { fileTicket, startHarness, ticketFormValues, type Harness } from './support/harness.js';

const postgres = process.env.TEST_DATABASE === 'postgresql';

/** Makes every `op` (INSERT / UPDATE) on `table` fail inside the database until `heal()`. */
async function breakWrites(h: Harness, table: string, op: 'INSERT' | 'UPDATE'): Promise<void> {
  const name = `forced_${table}_${op}`.toLowerCase();
  if (postgres) {
    await h.db.$executeRawUnsafe(
      `CREATE OR REPLACE FUNCTION forced_failure() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'forced failure'; END $$ LANGUAGE plpgsql`,
    );
    await h.db.$executeRawUnsafe(`CREATE TRIGGER ${name} BEFORE ${op} ON "${table}" FOR EACH ROW EXECUTE FUNCTION forced_failure()`);
  } else {
    await h.db.$executeRawUnsafe(`CREATE TRIGGER ${name} BEFORE ${op} ON "${table}" BEGIN SELECT RAISE(ABORT, 'forced failure'); END`);
  }
  broken.push(postgres ? `DROP TRIGGER ${name} ON "${table}"` : `DROP TRIGGER ${name}`);
}
let broken: string[] = [];
async function heal(h: Harness): Promise<void> {
  for (const sql of broken) await h.db.$executeRawUnsafe(sql);
  broken = [];
}

const resolveValues = (causedBy?: string) => ({
  resolution: { value: { type: 'plain_text_input', value: 'Rotated the key' } },
  codeChange: { value: { type: 'radio_buttons', selected_option: { value: 'no' } } },
  ...(causedBy ? { causedBy: { value: { type: 'static_select', selected_option: { value: causedBy } } } } : {}),
});

describe('listener failures get a clear answer', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-24T10:00:00Z' });
  });
  beforeEach(async () => {
    await heal(h);
    h.loggedErrors.length = 0;
  });
  after(async () => {
    await heal(h);
    await h.stop();
  });

  async function openResolveForm(ticketId: number): Promise<Doc> {
    await h.slack.clickButton({ actionId: 'ticket_resolve_open', value: String(ticketId), userId: 'UADMIN' });
    await h.settle();
    return h.fake.callsTo('views.open').at(-1)!.args.view as Doc;
  }
  const submitResolve = (view: Doc, causedBy?: string) =>
    h.slack.submitView({
      callbackId: 'ticket_resolve',
      userId: 'UADMIN',
      privateMetadata: view.private_metadata,
      values: resolveValues(causedBy),
    });
  const lastEphemeral = () => h.fake.callsTo('chat.postEphemeral').at(-1)?.args as Doc | undefined;

  it('Take it when the database refuses: an ephemeral sentence naming the ticket, a log line, nothing changed; a retry works', async () => {
    const ticket = await fileTicket(h, { priority: 'P3' });
    await breakWrites(h, 'Ticket', 'UPDATE');
    const before = h.fake.callsTo('chat.postEphemeral').length;
    const res = await h.slack.clickButton({ actionId: 'ticket_take', value: String(ticket.id), userId: 'UENG', messageTs: ticket.rootTs! });
    assert.equal(res.status, 200);
    await h.settle();
    assert.equal(h.fake.callsTo('chat.postEphemeral').length, before + 1, 'one answer');
    const eph = lastEphemeral()!;
    assert.equal(eph.user, 'UENG');
    assert.equal(eph.channel, 'C0SUPPORT');
    assert.equal(eph.text, `Could not take #${ticket.id} just now — please try again.`);
    assert.deepEqual(h.loggedErrors, [`listener failed: could not take #${ticket.id}`]);
    assert.equal((await h.db.ticket.findUnique({ where: { id: ticket.id } }))!.status, 'open');

    await heal(h);
    await h.slack.clickButton({ actionId: 'ticket_take', value: String(ticket.id), userId: 'UENG', messageTs: ticket.rootTs! });
    await h.settle();
    assert.equal((await h.db.ticket.findUnique({ where: { id: ticket.id } }))!.ownerId, 'UENG');
  });

  it('the resolve form when the database refuses: the form stays open with the sentence under the resolution', async () => {
    const ticket = await fileTicket(h);
    const view = await openResolveForm(ticket.id);
    await breakWrites(h, 'Ticket', 'UPDATE');
    const res = await submitResolve(view);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      response_action: 'errors',
      errors: { resolution: `Could not resolve #${ticket.id} just now — please submit again.` },
    });
    await h.settle();
    assert.deepEqual(h.loggedErrors, [`listener failed: could not resolve #${ticket.id}`]);
    assert.equal((await h.db.ticket.findUnique({ where: { id: ticket.id } }))!.status, 'open');

    await heal(h);
    const again = await submitResolve(view);
    assert.equal(await again.text(), '', 'the same form, submitted again, closes');
    await h.settle();
    assert.equal((await h.db.ticket.findUnique({ where: { id: ticket.id } }))!.status, 'resolved');
  });

  it('the ticket form when the database refuses: the form stays open, nothing is stored', async () => {
    const count = await h.db.ticket.count();
    await breakWrites(h, 'Ticket', 'INSERT');
    const res = await h.slack.submitView({
      callbackId: 'ticket_create',
      userId: 'UREPORTER',
      values: ticketFormValues({ title: 'Search is slow', description: 'Very', priority: 'P2', service: 'search' }),
    });
    assert.deepEqual(await res.json(), {
      response_action: 'errors',
      errors: { title: 'Could not save the ticket just now — please submit again.' },
    });
    assert.deepEqual(h.loggedErrors, ['listener failed: could not save the ticket']);
    assert.equal(await h.db.ticket.count(), count);
  });

  it('the priority form when the database refuses: the sentence under the priority', async () => {
    const ticket = await fileTicket(h);
    await breakWrites(h, 'Ticket', 'UPDATE');
    const res = await h.slack.submitView({
      callbackId: 'ticket_priority',
      userId: 'UADMIN',
      privateMetadata: JSON.stringify({ ticketId: ticket.id }),
      values: { priority: { value: { type: 'static_select', selected_option: { value: 'P1' } } } },
    });
    assert.deepEqual(await res.json(), {
      response_action: 'errors',
      errors: { priority: `Could not change the priority of #${ticket.id} just now — please submit again.` },
    });
    assert.equal((await h.db.ticket.findUnique({ where: { id: ticket.id } }))!.priority, ticket.priority);
  });

  it('a deploy verdict when the database refuses: an ephemeral sentence naming the ticket', async () => {
    const d = await deploy(h, { service: 'checkout', version: '9.9.1', author: 'UAUTHOR' });
    const ticket = await fileTicket(h, { service: 'checkout' });
    await breakWrites(h, 'DeployLink', 'UPDATE');
    await h.slack.clickButton({ actionId: 'deploy_caused', value: `${d.deploy.id}:${ticket.id}`, userId: 'UADMIN' });
    await h.settle();
    assert.equal(lastEphemeral()!.text, `Could not name the deploy as the cause of #${ticket.id} just now — please try again.`);
    assert.deepEqual(h.loggedErrors, [`listener failed: could not name the deploy as the cause of #${ticket.id}`]);
  });

  it('naming the cause fails after the resolve succeeded: the form says the ticket is resolved and what to do', async () => {
    const d = await deploy(h, { service: 'billing', version: '3.1.0', author: 'UAUTHOR' });
    const ticket = await fileTicket(h, { service: 'billing' });
    const view = await openResolveForm(ticket.id);
    await breakWrites(h, 'DeployLink', 'UPDATE');
    const res = await submitResolve(view, String(d.deploy.id));
    const body = (await res.json()) as Doc;
    assert.equal(body.response_action, 'errors');
    assert.match(body.errors.causedBy, new RegExp(`^#${ticket.id} is resolved, but the deploy could not be named as its cause just now`));
    await h.settle();
    assert.equal((await h.db.ticket.findUnique({ where: { id: ticket.id } }))!.status, 'resolved');
  });
});
