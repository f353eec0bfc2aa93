import assert from 'node:assert/strict';
import type { ActionsBlock, Button, InputBlock, StaticSelect } from '@slack/types';
import { describe, it } from 'node:test';
import { parseSupportConfig } from '../src/config/supportConfig.js';
import { DEFAULT_SLA } from '../src/domain/priority.js';
import { changePriorityView, resolveView, ticketFormView } from '../src/messages/ticketForm.js';
import { slaLine, ticketMessage, type TicketView } from '../src/messages/ticketMessage.js';
import { escapeMrkdwn, truncate } from '../src/messages/text.js';
import { assertWithinLimits } from './support/blockKit.js';
import { testConfigDoc } from './support/harness.js';

function view(overrides: Partial<TicketView> = {}): TicketView {
  return {
    id: 142,
    title: 'Checkout fails',
    description: 'Card payments fail',
    priority: 'P1',
    status: 'open',
    reporterId: 'U1',
    ownerId: null,
    serviceName: 'Checkout',
    link: null,
    sla: { dueAt: new Date('2026-11-24T11:00:00Z'), state: 'on_track', minutesLeft: 45 },
    firstResponse: null,
    firstResponseDue: null,
    resolution: null,
    codeChangeNeeded: null,
    incident: false,
    timeZone: 'Europe/London',
    ...overrides,
  };
}

describe('ticket root message', () => {
  it('stays within Block Kit limits whatever the user typed', () => {
    const huge = view({
      title: '<&>'.repeat(50),
      description: '&<>'.repeat(1000),
      link: 'https://x/' + 'a'.repeat(490),
      resolution: '<'.repeat(3000),
      status: 'resolved',
      codeChangeNeeded: true,
    });
    const msg = ticketMessage(huge);
    assertWithinLimits(msg.blocks!, 50);
    assert.ok(msg.text.length <= 4000);
    for (const b of msg.blocks as Array<{ text?: { text?: string } }>)
      if (b.text?.text) assert.doesNotMatch(b.text.text, /&[a-z]{0,3}…/, 'no escape cut in half');
  });

  it('shows the SLA in words: time left, paused, breached, met', () => {
    assert.match(slaLine(view()), /^SLA on track: due <!date\^\d+\^\{date_short_pretty\} \{time\}\|Tue 24 Nov 11:00 GMT>, 45 min left$/);
    assert.match(
      slaLine(view({ sla: { dueAt: null, state: 'paused', minutesLeft: 20 } })),
      /SLA paused \(waiting on reporter\), 20 min left/,
    );
    assert.match(
      slaLine(view({ sla: { dueAt: new Date('2026-11-24T11:00:00Z'), state: 'breached', minutesLeft: -65 } })),
      /SLA breached.*overdue by 1 h 5 min/,
    );
    assert.equal(slaLine(view({ status: 'resolved', sla: { dueAt: null, state: 'on_track', minutesLeft: 3 } })), 'SLA met');
  });

  it('offers Take it only while unowned, and only Reopen once resolved', () => {
    const actions = (v: TicketView) =>
      (ticketMessage(v).blocks.find((b) => b.type === 'actions') as ActionsBlock).elements.map((e) => (e as Button).text.text);
    assert.deepEqual(actions(view()), ['Take it', 'Resolve', 'Change priority', 'Waiting on reporter', 'Mark as duplicate']);
    assert.deepEqual(actions(view({ ownerId: 'U2', status: 'in_progress' })), [
      'Resolve',
      'Change priority',
      'Waiting on reporter',
      'Mark as duplicate',
    ]);
    assert.deepEqual(actions(view({ ownerId: 'U2', status: 'waiting' })), [
      'Resolve',
      'Change priority',
      'Back to open',
      'Mark as duplicate',
    ]);
    assert.deepEqual(actions(view({ status: 'resolved' })), ['Reopen']);
  });

  it('shows people as mentions, never names', () => {
    const text = JSON.stringify(ticketMessage(view({ ownerId: 'U2', firstResponse: { userId: 'U3', minutes: 7 } })));
    assert.ok(text.includes('<@U1>') && text.includes('<@U2>') && text.includes('<@U3> after 7 min'));
  });
});

describe('modals', () => {
  const config = parseSupportConfig(testConfigDoc());
  it('ticket form: titles and options within limits, even with 99 services', () => {
    const services = Array.from({ length: 99 }, (_, i) => ({
      id: `svc${i}`,
      name: `Service with a very long name number ${i} `.repeat(3),
      repositories: [],
    }));
    const v = ticketFormView({ services, sla: DEFAULT_SLA });
    assert.ok(v.title.text.length <= 24 && v.submit!.text.length <= 24);
    assertWithinLimits(v.blocks!, 100);
    const serviceBlock = v.blocks.find((b) => b.block_id === 'service') as InputBlock & { element: StaticSelect };
    assert.equal(serviceBlock.element.options!.length, 100);
    assert.equal(serviceBlock.element.options!.at(-1)!.value, 'not_sure');
  });
  it('resolve and priority modals carry the ticket id and fit their titles', () => {
    const r = resolveView(123456, 'x'.repeat(150));
    assert.ok(r.title.text.length <= 24);
    assert.deepEqual(JSON.parse(r.private_metadata!), { ticketId: 123456 });
    const p = changePriorityView(123456, 'P2', config.sla);
    assert.ok(p.title.text.length <= 24);
    assert.equal((p.blocks[0] as InputBlock & { element: StaticSelect }).element.initial_option!.value, 'P2');
  });
});

describe('text helpers', () => {
  it('escapes Slack markup and truncates with an ellipsis', () => {
    assert.equal(escapeMrkdwn('<@U1> & <!channel>'), '&lt;@U1&gt; &amp; &lt;!channel&gt;');
    assert.equal(truncate('abcdef', 4), 'abc…');
    assert.equal(truncate('ab&amp;cd', 5), 'ab…');
    assert.equal(truncate('short', 10), 'short');
  });
});
