// Rollout stages, compare links and deploy windows end to end: the deploy API and GitHub reporting
// the same deploy at each stage, the announcement edited in place at the fake Slack, tickets filed
// mid-rollout, a stalled rollout under the manual clock, and deploys outside their window at DST.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { changeFailures } from '../src/services/reports.js';
import { announcements, blocksOf, deploy, githubStatusPayload, MIN, send, type GithubStatus } from './support/deployApi.js';
import { fileTicket, startHarness, type testConfigDoc, type Harness } from './support/harness.js';
import { bearer, getStatus } from './support/statusPage.js';

const HOUR = 60 * MIN;
const COMPARE = 'https://grafana.example.com/d/abc?var-old={previous}&var-new={version}';

function configure(doc: ReturnType<typeof testConfigDoc>) {
  for (const id of ['cart', 'ledger', 'orders', 'emails', 'tax'])
    doc.services[id] = { name: id[0]!.toUpperCase() + id.slice(1), squad: 'payments' };
  doc.services.cart.compare = COMPARE;
  doc.services.checkout.compare = 'https://github.com/acme/checkout/compare/{previousCommit}...{commit}';
  doc.deploys = { rolloutStallHours: 6 };
}

/** The one announcement of a service's deploys in the channel, as it reads now (after edits). */
function announcement(h: Harness, service: string) {
  const all = announcements(h, service);
  assert.equal(all.length, 1, `one announcement of ${service}`);
  return all[0]!;
}
const announcementThread = (h: Harness, ts: string) => h.fake.posted('C0DEPLOYS').filter((m) => m.thread_ts === ts);
const edits = (h: Harness, ts: string) => h.fake.callsTo('chat.update').filter((c) => c.args.ts === ts);
type Element = { action_id?: string; url?: string };
const compareUrls = (m: { blocks?: unknown }) =>
  ((m.blocks ?? []) as Array<{ elements?: Element[] }>)
    .flatMap((b) => b.elements ?? [])
    .filter((e) => e.action_id === 'deploy_compare')
    .map((e) => e.url);

describe('rollout stages through the deploy API', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-24T10:00:00Z', config: configure });
  });
  after(() => h.stop());

  it('one record and one announcement, edited in place to show each stage and when it began', async () => {
    const first = await deploy(h, { id: 'run-7', service: 'ledger', version: '3.0.0', stage: 'canary' });
    assert.equal(first.result, 'created');
    assert.equal(first.deploy.stage, 'canary');
    const posted = announcement(h, 'Ledger');
    assert.match(blocksOf(posted), /Rollout: \*canary\* <!date\^1795514400\^/);

    h.clock.advanceMinutes(30);
    const ten = await deploy(h, { id: 'run-7', service: 'ledger', version: '3.0.0', stage: '10 %' }, 200);
    assert.equal(ten.result, 'staged');
    assert.equal(ten.deploy.id, first.deploy.id);
    assert.equal(ten.deploy.stage, '10%');
    assert.equal(edits(h, posted.ts).length, 1);
    assert.match(blocksOf(announcement(h, 'Ledger')), /Rollout: canary <!date\^1795514400\^[^>]*> → \*10%\* <!date\^1795516200\^/);

    // Without the id, the same service + version + environment is the same deploy too.
    h.clock.advanceMinutes(30);
    const all = await deploy(h, { service: 'ledger', version: '3.0.0', stage: '100%' }, 200);
    assert.equal(all.result, 'staged');
    assert.equal(edits(h, posted.ts).length, 2);
    assert.match(blocksOf(announcement(h, 'Ledger')), /canary .* → 10% .* → \*100%\* /);
    assert.equal(await h.db.deploy.count({ where: { service: 'ledger' } }), 1);
    assert.deepEqual(
      (await h.db.deployStage.findMany({ where: { deployId: first.deploy.id }, orderBy: { at: 'asc' } })).map((s) => s.stage),
      ['canary', '10%', '100%'],
    );
  });

  it('a stage reported again changes nothing (200 duplicate, no edit)', async () => {
    const posted = announcement(h, 'Ledger');
    const before = edits(h, posted.ts).length;
    const again = await deploy(h, { id: 'run-7', service: 'ledger', version: '3.0.0', stage: '10%' }, 200);
    assert.equal(again.result, 'duplicate');
    assert.equal(edits(h, posted.ts).length, before);
  });

  it('an invalid stage is a 400 naming the field', async () => {
    const res = await send(h, { service: 'ledger', version: '3.0.1', stage: 'half' });
    assert.equal(res.status, 400);
    assert.equal(await res.text(), 'Invalid deploy: "stage" must be "canary", a percentage such as "10%" or "100%", or "rolled_back".');
  });

  it('a ticket filed mid-rollout records and shows the stage the deploy was at', async () => {
    await deploy(h, { id: 'run-8', service: 'orders', version: '1.0.0', stage: 'canary' });
    h.clock.advanceMinutes(10);
    await deploy(h, { id: 'run-8', service: 'orders', version: '1.0.0', stage: '25%' }, 200);
    h.clock.advanceMinutes(5);
    const ticket = await fileTicket(h, { service: 'orders', title: 'Orders slow' });
    const link = await h.db.deployLink.findFirstOrThrow({ where: { ticketId: ticket.id } });
    assert.equal(link.stage, '25%');
    const listing = h.fake.posted('C0SUPPORT').find((m) => m.thread_ts === ticket.rootTs && blocksOf(m).includes('Did one of them'));
    assert.ok(listing);
    assert.ok(blocksOf(listing).includes(`rollout at *25%* when #${ticket.id} was filed`));
    // Later stages do not rewrite what the ticket recorded.
    h.clock.advanceMinutes(5);
    await deploy(h, { id: 'run-8', service: 'orders', version: '1.0.0', stage: '100%' }, 200);
    assert.equal((await h.db.deployLink.findFirstOrThrow({ where: { ticketId: ticket.id } })).stage, '25%');
  });

  it('rolled_back as a stage is a rollback: a change failure, counted once however many stages the deploy had', async () => {
    const staged = await deploy(h, { id: 'run-9', service: 'emails', version: '5.0.0', stage: 'canary' });
    h.clock.advanceMinutes(10);
    await deploy(h, { id: 'run-9', service: 'emails', version: '5.0.0', stage: '50%' }, 200);
    h.clock.advanceMinutes(10);
    const back = await deploy(h, { id: 'run-9', service: 'emails', version: '5.0.0', stage: 'rolled_back' }, 200);
    assert.equal(back.result, 'rolled_back');
    assert.equal(back.deploy.id, staged.deploy.id);
    assert.equal(back.deploy.status, 'rolled_back');
    assert.equal(back.deploy.stage, 'rolled_back');
    assert.equal(back.deploy.changeFailure, true);
    const posted = announcement(h, 'Emails');
    assert.match(blocksOf(posted), /canary .* → 50% .* → \*rolled back\* /);
    assert.ok(announcementThread(h, posted.ts).some((m) => /was rolled back .*counts as a change failure/.test(m.text ?? '')));
    // A second version that rolled out fully: two deploys, one failure.
    await deploy(h, { id: 'run-10', service: 'emails', version: '5.0.1', stage: 'canary' });
    await deploy(h, { id: 'run-10', service: 'emails', version: '5.0.1', stage: '100%' }, 200);
    const rate = await changeFailures(h.bot.database, { from: new Date(0), to: new Date(h.clock.now().getTime() + MIN) });
    assert.deepEqual(rate.byService.emails, { deploys: 2, failures: 1, outside: 0 });
  });
});

describe('a stalled rollout', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-24T10:00:00Z', config: configure });
  });
  after(() => h.stop());

  const stalledNotes = (ts: string) => announcementThread(h, ts).filter((m) => /has not reached 100%/.test(m.text ?? ''));

  it('is noted once in its thread when it has not reached 100% within deploys.rolloutStallHours', async () => {
    await deploy(h, { service: 'tax', version: '7.0.0', stage: 'canary', author: 'UDEV' });
    h.clock.advanceMinutes(60);
    await deploy(h, { service: 'tax', version: '7.0.0', stage: '10%' }, 200);
    const posted = announcement(h, 'Tax');
    h.clock.set(new Date(Date.parse('2026-11-24T10:00:00Z') + 6 * HOUR - MIN));
    await h.settle();
    assert.equal(stalledNotes(posted.ts).length, 0, 'not before the stall time');
    h.clock.advanceMinutes(1);
    await h.settle();
    const notes = stalledNotes(posted.ts);
    assert.equal(notes.length, 1);
    assert.match(
      notes[0]!.text!,
      /The rollout of \*Tax\* `7\.0\.0` has not reached 100% within 6 h: it is at 10% since <!date\^1795518000\^.*cc author <@UDEV>/,
    );
    // Later passes and a restart say nothing more.
    h.clock.advanceMinutes(24 * 60);
    await h.restart();
    await h.settle();
    assert.equal(stalledNotes(posted.ts).length, 1);
    assert.equal(await h.db.job.count({ where: { kind: 'deploy.rollout_stalled' } }), 1);
  });

  it('says nothing for a rollout that reached 100% in time, or a deploy reported without stages', async () => {
    await deploy(h, { service: 'cart', version: '9.0.0', stage: 'canary' });
    h.clock.advanceMinutes(60);
    await deploy(h, { service: 'cart', version: '9.0.0', stage: '100%' }, 200);
    await deploy(h, { service: 'orders', version: '9.0.0' });
    h.clock.advanceMinutes(7 * 60);
    await h.settle();
    assert.equal(stalledNotes(announcement(h, 'Cart').ts).length, 0);
    assert.equal(stalledNotes(announcement(h, 'Orders').ts).length, 0);
    assert.equal(
      await h.db.job.count({ where: { kind: 'deploy.rollout_stalled', status: 'done' } }),
      2,
      'the Cart check ran and found it done',
    );
  });
});

describe("rollout stages from GitHub's deployment_status", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-24T10:00:00Z', config: configure });
  });
  after(() => h.stop());

  const github = (o: GithubStatus) =>
    send(h, githubStatusPayload(h, o), { auth: 'github', headers: { 'x-github-event': 'deployment_status', 'x-github-delivery': 'd-1' } });

  it('in_progress with a stage in the deployment payload, then success: one deploy, its announcement edited', async () => {
    const sha = '5555555eeeeeee';
    const canary = await github({ statusId: 11, state: 'in_progress', sha, payload: { stage: 'canary' } });
    assert.equal(canary.status, 201, await canary.clone().text());
    const created = await canary.json();
    assert.equal(created.deploy.stage, 'canary');
    assert.equal(created.deploy.status, 'succeeded');
    await h.settle();
    const posted = announcement(h, 'Checkout');

    h.clock.advanceMinutes(20);
    const half = await github({ statusId: 12, state: 'in_progress', sha, payload: { stage: '50%' } });
    assert.equal(half.status, 200);
    assert.equal((await half.json()).result, 'staged');
    h.clock.advanceMinutes(20);
    const done = await github({ statusId: 13, state: 'success', sha, payload: { stage: '100%' } });
    assert.equal(done.status, 200);
    const body = await done.json();
    assert.equal(body.result, 'staged');
    assert.equal(body.deploy.id, created.deploy.id);
    await h.settle();
    assert.equal(edits(h, posted.ts).length, 2);
    assert.match(blocksOf(announcement(h, 'Checkout')), /canary .* → 50% .* → \*100%\* /);
    assert.equal(await h.db.deploy.count({ where: { service: 'checkout' } }), 1);
  });

  it('an invalid stage in the deployment payload is a 400 naming it', async () => {
    const res = await github({ statusId: 14, state: 'in_progress', sha: '6666666', payload: { stage: 'most' } });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /The deployment payload's "stage" must be "canary", a percentage/);
  });
});

describe('Compare old vs new', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-24T10:00:00Z', config: configure });
  });
  after(() => h.stop());

  it('the announcement and the ticket deploy link carry the button, filled from the previous deploy in the same environment', async () => {
    await deploy(h, { service: 'cart', version: '1.0 beta', commit: 'aaa' });
    assert.deepEqual(compareUrls(announcements(h, 'Cart')[0]!), [], 'a first deploy has no previous version to compare with');
    await deploy(h, { service: 'cart', version: '2.0', environment: 'staging' });
    h.clock.advanceMinutes(5);
    const second = await deploy(h, { service: 'cart', version: '1.1', commit: 'bbb' });
    const url = 'https://grafana.example.com/d/abc?var-old=1.0%20beta&var-new=1.1';
    assert.equal(second.deploy.compareUrl, url);
    assert.deepEqual(compareUrls(announcements(h, 'Cart').at(-1)!), [url]);
    assert.match(JSON.stringify(announcements(h, 'Cart').at(-1)!.blocks), /"text":"Compare old vs new"/);

    const ticket = await fileTicket(h, { service: 'cart', title: 'Cart empty' });
    const listing = h.fake.posted('C0SUPPORT').find((m) => m.thread_ts === ticket.rootTs && blocksOf(m).includes('Did one of them'));
    assert.deepEqual(compareUrls(listing!), [url]);
  });

  it('{commit} and {previousCommit} from GitHub deploys; a click on the link button is acknowledged', async () => {
    const github = (statusId: number, sha: string) =>
      send(h, githubStatusPayload(h, { statusId, state: 'success', sha }), {
        auth: 'github',
        headers: { 'x-github-event': 'deployment_status', 'x-github-delivery': `d-${statusId}` },
      });
    assert.equal((await github(21, '1111111aaaa')).status, 201);
    h.clock.advanceMinutes(5);
    const res = await github(22, '2222222bbbb');
    assert.equal((await res.json()).deploy.compareUrl, 'https://github.com/acme/checkout/compare/1111111aaaa...2222222bbbb');
    await h.settle();
    const click = await h.slack.clickButton({ actionId: 'deploy_compare', value: '', userId: 'UENG', channel: 'C0DEPLOYS' });
    assert.equal(click.status, 200);
  });
});

describe('deploy windows at a DST change (Europe/Amsterdam)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      now: '2026-03-30T12:00:00Z',
      config: (doc) => {
        configure(doc);
        doc.timezone = 'Europe/Amsterdam';
        doc.deploys.windows = ['mon-thu 10:00-16:00', 'fri 10:00-12:00'];
        doc.services.search.deployWindows = ['mon-fri 14:00-15:00'];
      },
    });
  });
  after(() => h.stop());

  const threadText = (ts: string) => announcementThread(h, ts).map((m) => m.text ?? '');

  it('08:30 UTC is outside on the Monday before the spring change and inside on the Monday after', async () => {
    // 09:30 CET.
    const before = await deploy(h, { service: 'checkout', version: '1.0', deployedAt: '2026-03-23T08:30:00Z' });
    assert.equal(before.deploy.outsideWindow, true);
    const marked = announcements(h, 'Checkout')[0]!;
    assert.ok(blocksOf(marked).includes('outside the support window Mon–Thu 10:00–16:00, Fri 10:00–12:00'));
    const told = threadText(marked.ts);
    assert.equal(told.length, 1, 'the gardener and on-call are told once');
    assert.match(
      told[0]!,
      /went out outside the support window Mon–Thu 10:00–16:00, Fri 10:00–12:00\. <@UGARD\d> \(gardener\), <@UONCALL\d> \(on call\): please keep an eye on it\./,
    );

    // 10:30 CEST.
    const afterChange = await deploy(h, { service: 'checkout', version: '1.1', deployedAt: '2026-03-30T08:30:00Z' });
    assert.equal(afterChange.deploy.outsideWindow, false);
    const plain = announcements(h, 'Checkout')[1]!;
    assert.ok(!blocksOf(plain).includes('outside the support window'));
    assert.deepEqual(threadText(plain.ts), []);

    // A repeated report is the same deploy: told nothing again.
    await deploy(h, { service: 'checkout', version: '1.0', deployedAt: '2026-03-23T08:30:00Z' }, 200);
    assert.equal(threadText(marked.ts).length, 1);

    // The status page marks the one outside its window, not the other.
    const page = await (await getStatus(h, bearer)).text();
    const item = (version: string) => page.split('<li class="deploy').find((li) => li.includes(`<span class="version">${version}</span>`))!;
    assert.match(item('1.0'), /<span class="badge outside">outside the support window Mon–Thu 10:00–16:00, Fri 10:00–12:00<\/span>/);
    assert.ok(!item('1.1').includes('outside the support window'));
  });

  it('14:30 UTC is outside the Monday before the autumn change and inside the Monday after', async () => {
    h.clock.set('2026-10-27T12:00:00Z');
    // 16:30 CEST, then 15:30 CET.
    assert.equal((await deploy(h, { service: 'billing', version: '2.0', deployedAt: '2026-10-19T14:30:00Z' })).deploy.outsideWindow, true);
    assert.equal((await deploy(h, { service: 'billing', version: '2.1', deployedAt: '2026-10-26T14:30:00Z' })).deploy.outsideWindow, false);
  });

  it("a service's own windows override the company's; staging deploys are never outside", async () => {
    // Tue 13:00 CET: inside the company window, outside search's 14:00–15:00.
    const own = await deploy(h, { service: 'search', version: '3.0', deployedAt: '2026-10-27T12:00:00Z' });
    assert.equal(own.deploy.outsideWindow, true);
    assert.ok(blocksOf(announcements(h, 'Search')[0]!).includes('outside the support window Mon–Fri 14:00–15:00'));
    const staging = await deploy(h, { service: 'cart', version: '3.0', environment: 'staging', deployedAt: '2026-10-25T12:00:00Z' });
    assert.equal(staging.deploy.outsideWindow, false);
  });

  it('/support deploy outside the window tells the person recording it', async () => {
    h.clock.set('2026-10-27T16:30:00Z'); // 17:30 CET
    const answer = await (await h.slack.command('deploy checkout 1.2', 'UENG')).json();
    assert.equal(answer.response_type, 'ephemeral');
    assert.match(
      answer.text,
      /Recorded \*Checkout\* `1\.2`.*outside the support window Mon–Thu 10:00–16:00, Fri 10:00–12:00; the gardener and on-call were told in its thread\./,
    );
    h.clock.set('2026-10-28T09:30:00Z'); // Wed 10:30 CET
    const inside = await (await h.slack.command('deploy checkout 1.3', 'UENG')).json();
    assert.doesNotMatch(inside.text, /outside/);
  });

  it('reports count deploys outside the window per service, numerator and denominator', async () => {
    const counts = await changeFailures(h.bot.database, { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2027-01-01T00:00:00Z') });
    const window = (t: { outside: number; deploys: number } | undefined) => t && { outside: t.outside, deploys: t.deploys };
    assert.deepEqual(window(counts.byService.checkout), { outside: 2, deploys: 4 });
    assert.deepEqual(window(counts.byService.billing), { outside: 1, deploys: 2 });
    assert.deepEqual(window(counts.byService.search), { outside: 1, deploys: 1 });
    assert.equal(counts.byService.cart, undefined, 'staging deploys are not counted');
    assert.deepEqual({ outside: counts.outside, deploys: counts.deploys }, { outside: 4, deploys: 7 });
  });
});
