// Rotation and pay settings in the YAML config: what is accepted, and errors that name the YAML path.
import type { Doc } from './support/doc.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../src/config/env.js';
import { parseSupportConfig } from '../src/config/supportConfig.js';
import { testConfigDoc } from './support/harness.js';

const parse = (mutate: (doc: Doc) => void) => {
  const doc = testConfigDoc();
  mutate(doc);
  return parseSupportConfig(doc, 'supportbot.yml');
};

describe('rotation config', () => {
  it('accepts handoffs as the rotation maths reads them, and members with join and leave dates', () => {
    const config = parse((d) => {
      d.oncall.handoffs = ['Fri 18:00', 'mon 9:30'];
      d.oncall.members = ['UONCALL1', { user: 'UONCALL2', from: '2026-12-01' }, { user: 'UONCALL3', until: '2027-01-01' }];
      d.oncall.timezone = 'America/New_York';
    });
    assert.deepEqual(config.oncall?.handoffs, ['Fri 18:00', 'mon 9:30']);
    assert.deepEqual(config.oncall?.members, [
      { user: 'UONCALL1' },
      { user: 'UONCALL2', from: '2026-12-01' },
      { user: 'UONCALL3', until: '2027-01-01' },
    ]);
    assert.equal(config.oncall?.timeZone, 'America/New_York');
    assert.equal(config.squads.payments?.gardener?.timeZone, 'Europe/London', 'the company zone by default');
  });

  const broken: Array<[string, (doc: Doc) => void, RegExp]> = [
    [
      'an impossible start date',
      (d) => (d.squads.payments.gardener.start = '2026-02-30 09:00'),
      /squads\.payments\.gardener\.start: must be a real date/,
    ],
    ['a start without a time', (d) => (d.oncall.start = '2026-01-05'), /oncall\.start: must be "YYYY-MM-DD HH:mm"/],
    [
      'a handoff on no weekday',
      (d) => (d.oncall.handoffs = ['mon 18:00', 'someday 18:00']),
      /oncall\.handoffs\.1: must be a weekly handoff such as "mon 09:00"/,
    ],
    ['a handoff at 24:00', (d) => (d.oncall.handoffs = ['mon 24:00']), /oncall\.handoffs\.0: must be a weekly handoff/],
    ['a member who is not a Slack user id', (d) => (d.oncall.members = ['jane']), /oncall\.members\.0/],
    ['a user group that is not an id', (d) => (d.oncall.usergroup = '@oncall'), /oncall\.usergroup: must be a Slack user group id/],
    ['an impossible holiday', (d) => (d.businessHours.holidays = ['2026-13-01']), /businessHours\.holidays\.0: must be a real date/],
    ['both an hourly and a shift rate', (d) => (d.pay.shiftRate = 40), /pay: set either hourlyRate or shiftRate, not both/],
    [
      'an on-call rotation without a rate',
      (d) => delete d.pay.hourlyRate,
      /pay: the oncall rotation is paid; set pay\.hourlyRate or pay\.shiftRate/,
    ],
    ['a negative callout fee', (d) => (d.pay.calloutFee = -1), /pay\.calloutFee/],
  ];
  for (const [what, mutate, message] of broken) {
    it(`rejects ${what}, naming the YAML path`, () => {
      assert.throws(
        () => parse(mutate),
        (err: Error) => err instanceof ConfigError && message.test(err.message),
        what,
      );
    });
  }

  it('needs no rate when there is no on-call rotation', () => {
    const config = parse((d) => {
      delete d.oncall;
      d.pay = { currency: 'GBP' };
    });
    assert.equal(config.oncall, undefined);
  });

  it('accepts a per-shift rate instead of an hourly one', () => {
    const config = parse((d) => (d.pay = { currency: 'GBP', shiftRate: 40, calloutFee: 25 }));
    assert.equal(config.pay.shiftRate, 40);
    assert.equal(config.pay.hourlyRate, undefined);
  });
});
