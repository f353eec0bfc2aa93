// Resolving asks whether a linked deploy caused the ticket (SPEC 2); naming one confirms it as the
// cause, exactly like its "This caused it" button.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEPLOY_SECRET, fileTicket, startHarness, type Harness } from './support/harness.js';

describe('resolve form and linked deploys', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-24T10:00:00Z' });
  });
  after(() => h.stop());

  async function openResolveForm(ticketId: number) {
    await h.slack.clickButton({ actionId: 'ticket_resolve_open', value: String(ticketId), userId: 'UADMIN' });
    await h.settle();
    return h.fake.callsTo('views.open').at(-1)!.args.view;
  }

  const resolveValues = (causedBy?: string) => ({
    resolution: { value: { type: 'plain_text_input', value: 'Rolled back' } },
    codeChange: { value: { type: 'radio_buttons', selected_option: { value: 'yes' } } },
    ...(causedBy ? { causedBy: { value: { type: 'static_select', selected_option: { value: causedBy } } } } : {}),
  });

  it('without linked deploys the question is not asked', async () => {
    const t = await fileTicket(h, { service: 'search' });
    const view = await openResolveForm(t.id);
    assert.ok(!JSON.stringify(view).includes('Did a linked deploy cause it?'));
  });

  it('names the linked deploys; choosing one marks the deploy a change failure and the ticket an incident', async () => {
    const res = await fetch(`${h.baseUrl}/api/deploys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${DEPLOY_SECRET}` },
      body: JSON.stringify({
        service: 'checkout',
        version: '2.4.0',
        author: 'UAUTHOR',
        mergedBy: 'UMERGER',
        deployedAt: new Date(h.clock.now().getTime() - 20 * 60_000).toISOString(),
      }),
    });
    assert.equal(res.status, 201);
    const deployId = ((await res.json()) as { deploy: { id: number } }).deploy.id;
    const t = await fileTicket(h, { service: 'checkout' });
    const view = await openResolveForm(t.id);
    const block = view.blocks.find((b: { block_id?: string }) => b.block_id === 'causedBy');
    assert.ok(block, 'question asked');
    assert.deepEqual(
      block.element.options.map((o: { value: string }) => o.value),
      ['none', String(deployId)],
    );
    assert.match(block.element.options[1].text.text, /Checkout 2\.4\.0/);

    const submit = await h.slack.submitView({
      callbackId: 'ticket_resolve',
      userId: 'UADMIN',
      privateMetadata: view.private_metadata,
      values: resolveValues(String(deployId)),
    });
    assert.equal(await submit.text(), '');
    await h.settle();
    const ticket = (await h.db.ticket.findUnique({ where: { id: t.id } }))!;
    assert.equal(ticket.status, 'resolved');
    assert.equal(ticket.incident, true);
    assert.equal((await h.db.deploy.findUnique({ where: { id: deployId } }))!.changeFailure, true);
    const types = (await h.db.ticketEvent.findMany({ where: { ticketId: t.id }, orderBy: { id: 'asc' } })).map((e) => e.type);
    assert.deepEqual(types.slice(-3), ['resolved', 'deploy_caused', 'incident_marked']);
    const root = h.fake.posted('C0SUPPORT').find((m) => m.ts === ticket.rootTs)!;
    assert.ok(JSON.stringify(root.blocks).includes('*Incident*'));
  });

  it('"No, none of them" changes no deploy', async () => {
    const t = await fileTicket(h, { service: 'checkout' });
    const view = await openResolveForm(t.id);
    await h.slack.submitView({
      callbackId: 'ticket_resolve',
      userId: 'UADMIN',
      privateMetadata: view.private_metadata,
      values: resolveValues('none'),
    });
    await h.settle();
    const ticket = (await h.db.ticket.findUnique({ where: { id: t.id } }))!;
    assert.equal(ticket.status, 'resolved');
    assert.equal(ticket.incident, false);
    assert.equal(await h.db.deployLink.count({ where: { ticketId: t.id, verdict: 'caused' } }), 0);
  });
});
