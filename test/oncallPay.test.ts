// /support oncall-pay against a hand-computed month, with its CSV as uploaded to Slack.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ask } from './support/commands.js';
import { startHarness, type Harness } from './support/harness.js';

/*
 * December 2026, Europe/London (GMT all month, so local = UTC). Business hours Mon–Fri 09:00–18:00;
 * 25 Dec (Friday) is a holiday. A working day has 15 out-of-hours (OOH) hours.
 * Rates: 5 EUR/h, weekend ×1.5 (7.50/h), holiday ×2 (10/h), callout 50 EUR.
 * On call: UPAYA and UPAYB alternate weekly, handoff Mon 18:00, UPAYA from Mon 2 Nov:
 *   UPAYA Nov 30 → Dec 7, UPAYB → Dec 14, UPAYA → Dec 21, UPAYB → Dec 28, UPAYA → Jan 4.
 * UPAYC covers Thu 24 Dec 18:00 → end of Sun 27 Dec (from UPAYB, set up by an admin).
 *
 * UPAYA  Dec 1 00:00 → Dec 7 18:00: Tue–Fri 4 × 15 = 60, Sat+Sun 48, Mon 00–09 = 9  → 69 wd, 48 we
 *        Dec 14 18:00 → Dec 21 18:00: 6 + Tue–Fri 60 + 9 = 75 wd, 48 we
 *        Dec 28 18:00 → Jan 1 00:00: 6 + Tue–Thu 45 = 51 wd
 *        = 195 weekday + 96 weekend = 291 h (96 premium), 3 shifts
 *        pay 195 × 5 + 96 × 7.5 + 1 callout × 50 = 975 + 720 + 50 = 1745
 * UPAYB  Dec 7 18:00 → Dec 14 18:00: 75 wd, 48 we
 *        Dec 21 18:00 → Dec 24 18:00: 6 + 15 + 15 + 9 = 45 wd
 *        Dec 28 00:00 → Dec 28 18:00 (after the cover): 9 wd
 *        = 129 weekday + 48 weekend = 177 h (48 premium), 3 shifts, pay 645 + 360 = 1005
 * UPAYC  Dec 24 18:00 → Dec 28 00:00: 6 wd, 25th 24 holiday, 26th–27th 48 weekend
 *        = 78 h (72 premium), 1 shift, pay 30 + 240 + 360 + 1 callout × 50 = 680
 * Check: 291 + 177 + 78 = 546 = 744 h in December − 22 working days × 9 h.
 */
const EXPECTED_CSV =
  'user,out_of_hours_hours,weekend_or_holiday_hours,shifts,pages,pay,currency\r\n' +
  'UPAYA,291,96,3,1,1745.00,EUR\r\n' +
  'UPAYB,177,48,3,0,1005.00,EUR\r\n' +
  'UPAYC,78,72,1,1,680.00,EUR\r\n';

describe('/support oncall-pay', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      now: '2026-12-01T10:00:00Z',
      config: (doc) => (doc.oncall = { members: ['UPAYA', 'UPAYB'], start: '2026-11-02 18:00', handoffs: ['mon 18:00'] }),
    });
    await ask(h, 'cover <@UPAYC> 2026-12-24 18:00 2026-12-27', 'UADMIN');
    h.clock.set('2027-01-04T10:00:00Z');
    const page = (userId: string, at: string, ticketId: number) => h.db.page.create({ data: { userId, at: new Date(at), ticketId } });
    await page('UPAYA', '2026-12-05T03:00:00Z', 1);
    await page('UPAYA', '2026-12-05T03:10:00Z', 1); // paged again for the same ticket: one callout
    await page('UPAYC', '2026-12-25T02:00:00Z', 2);
    await page('UPAYB', '2026-11-30T23:30:00Z', 3); // November
    await page('UPAYA', '2027-01-01T00:00:00Z', 4); // January
  });
  after(() => h.stop());

  it('is refused to anyone but an admin, even the people on call', async () => {
    for (const user of ['UPAYA', 'UOTHER']) {
      const answer = await ask(h, 'oncall-pay 2026-12', user);
      assert.match(answer.text, /^Sorry, only admins can see the on-call pay report/);
    }
    assert.equal(h.fake.callsTo('files.completeUploadExternal').length, 0);
  });

  it('answers an admin with the per-person table and DMs the same numbers as CSV', async () => {
    const answer = await ask(h, 'oncall-pay 2026-12', 'UADMIN');
    const lines = answer.text.split('\n');
    assert.equal(lines[0], '*On-call pay, December 2026*');
    assert.deepEqual(lines.slice(1, 5), [
      '• <@UPAYA>: 291 h out of hours (96 h weekend/holiday), 3 shifts, 1 page → *1745.00 EUR*',
      '• <@UPAYB>: 177 h out of hours (48 h weekend/holiday), 3 shifts, 0 pages → *1005.00 EUR*',
      '• <@UPAYC>: 78 h out of hours (72 h weekend/holiday), 1 shift, 1 page → *680.00 EUR*',
      'Total: *3430.00 EUR*',
    ]);
    assert.match(answer.text, /The CSV is in your DMs\.$/);
    assert.match(JSON.stringify(answer.blocks), /5\.00 EUR per out-of-hours hour \+ 50\.00 EUR per callout; weekends ×1\.5, holidays ×2/);

    const complete = h.fake.callsTo('files.completeUploadExternal').at(-1)!;
    assert.equal(complete.args.channel_id, 'DADMIN', "the admin's DM, never the channel");
    const [file] = complete.args.files as Array<{ id: string }>;
    // The fake keeps the multipart body as posted; the file is its one part.
    const body = h.fake.uploads.get(file!.id)!.toString('utf8');
    assert.equal(/\r\n\r\n([\s\S]*)\r\n--/.exec(body)?.[1], EXPECTED_CSV);
    assert.equal(h.fake.callsTo('files.getUploadURLExternal').at(-1)!.args.filename, 'oncall-pay-2026-12.csv');
  });

  it('defaults to the last complete month', async () => {
    const answer = await ask(h, 'oncall-pay', 'UADMIN');
    assert.ok(answer.text.startsWith('*On-call pay, December 2026*\n• <@UPAYA>: 291 h'));
  });

  it('reports a running month so far, and refuses one not started', async () => {
    // 1 Jan 00:00 → 4 Jan 10:00 (now), all UPAYA: Fri 1 Jan (a working day in this config) 9 + 6,
    // Sat+Sun 48, Mon 00–09 9 → 24 × 5 + 48 × 7.5 + the 1 Jan page 50 = 530.
    const running = await ask(h, 'oncall-pay 2027-01', 'UADMIN');
    assert.match(running.text, /^\*On-call pay, January 2027\* \(so far, up to <!date\^/);
    assert.match(running.text, /<@UPAYA>: 72 h out of hours \(48 h weekend\/holiday\), 1 shift, 1 page → \*530\.00 EUR\*/);
    assert.match((await ask(h, 'oncall-pay 2027-02', 'UADMIN')).text, /2027-02 has not started yet/);
  });

  it('answers a bad month with the usage', async () => {
    assert.match(
      (await ask(h, 'oncall-pay december', 'UADMIN')).text,
      /`december` is not a month; use `YYYY-MM`.*\nUsage: `\/support oncall-pay \[YYYY-MM\]`/,
    );
  });
});

describe('/support oncall-pay when the CSV upload fails', () => {
  it('still answers with the table and says the CSV is missing', async () => {
    const h = await startHarness({
      now: '2026-12-10T10:00:00Z',
      beforeStart: (fake) => fake.fail('files.getUploadURLExternal', { error: 'not_allowed_token_type' }),
    });
    try {
      const answer = await ask(h, 'oncall-pay 2026-11', 'UADMIN');
      assert.match(answer.text, /^\*On-call pay, November 2026\*\n• <@UONCALL/);
      assert.match(answer.text, /The CSV could not be uploaded this time; the numbers above are the same\.$/);
    } finally {
      await h.stop();
    }
  });
});
