// Routing by rotation: in business hours a new ticket's thread mentions the owning squad's gardener.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ask } from './support/commands.js';
import { fileTicket, startHarness, type Harness } from './support/harness.js';

const gardenerReplies = (h: Harness, rootTs: string | null) =>
  h.fake.posted('C0SUPPORT').filter((m) => m.thread_ts === rootTs && /gardener/.test(m.text ?? ''));

describe('gardener routing of new tickets', () => {
  let h: Harness;
  before(async () => {
    // Tuesday 10:00 in London: business hours; UGARD1 is the Payments gardener this week.
    h = await startHarness({ now: '2026-11-24T10:00:00Z' });
  });
  after(() => h.stop());

  it("mentions the owning squad's gardener in the ticket's thread in business hours", async () => {
    const ticket = await fileTicket(h, { service: 'billing', priority: 'P3' });
    const [reply, ...more] = gardenerReplies(h, ticket.rootTs);
    assert.equal(more.length, 0);
    assert.equal(reply!.text, '<@UGARD1> you are the Payments gardener: please triage this ticket.');
  });

  it('mentions whoever covers the gardener', async () => {
    // UCOVER is not a gardener, so an admin sets the cover up (test/permissions.test.ts).
    await ask(h, 'cover <@UCOVER> now 2026-11-24 12:00 payments', 'UADMIN');
    const ticket = await fileTicket(h, { service: 'checkout' });
    assert.match(gardenerReplies(h, ticket.rootTs)[0]!.text!, /^<@UCOVER> you are the Payments gardener/);
  });

  it('mentions nobody for a squad without a gardener rotation, or for "Not sure"', async () => {
    for (const service of ['search', 'not_sure']) {
      const ticket = await fileTicket(h, { service });
      assert.deepEqual(gardenerReplies(h, ticket.rootTs), [], service);
    }
  });

  it('mentions nobody out of hours (paging is escalation’s job)', async () => {
    h.clock.set('2026-11-24T19:00:00Z');
    const ticket = await fileTicket(h, { service: 'checkout', priority: 'P3' });
    assert.deepEqual(gardenerReplies(h, ticket.rootTs), []);
  });
});
