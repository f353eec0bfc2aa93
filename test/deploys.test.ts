// Deploys end to end: the HTTP API (both auth schemes, idempotency, every refusal, GitHub's webhook),
// announcements, ticket ↔ deploy links with their buttons, open-ticket notes, rollbacks, the
// suspect-deploy warning and /support deploy — against the running app and the fake Slack.
import type { Doc } from './support/doc.js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { changeFailures } from '../src/services/reports.js';
import {
  ago,
  announcements,
  blocksOf,
  deploy,
  githubStatusPayload,
  MIN,
  send,
  sign,
  threadOf,
  type Auth,
  type GithubStatus,
} from './support/deployApi.js';
import { fileTicket, startHarness, type Harness } from './support/harness.js';

/** Services of their own per test, so tests sharing the bot do not see each other's tickets. */
function configure(doc: Doc) {
  for (const id of [
    'auth',
    'cart',
    'ledger',
    'pricing',
    'orders',
    'emails',
    'reports',
    'busy',
    'quiet',
    'catalog',
    'inventory',
    'shipping',
    'tax',
    'search',
  ]) {
    doc.services[id] = { name: id[0]!.toUpperCase() + id.slice(1), squad: 'payments' };
  }
  doc.services.checkout.repositories = ['acme/checkout'];
  doc.deploys = { lookbackMinutes: 60, gitLogins: { octocat: 'UOCTO' } };
}

describe('POST /api/deploys', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-24T10:00:00Z', config: configure });
  });
  after(() => h.stop());

  it('accepts the shared secret as a Bearer token (201, stored, JSON answer)', async () => {
    const res = await send(h, { service: 'auth', version: '1.0.0' });
    assert.equal(res.status, 201);
    const body = await res.json();
    assert.equal(body.result, 'created');
    assert.equal(body.deploy.service, 'auth');
    assert.equal(body.deploy.environment, 'production');
    assert.equal(body.deploy.status, 'succeeded');
    assert.equal(body.deploy.deployedAt, h.clock.now().toISOString(), 'deployedAt defaults to the bot clock');
    assert.ok(await h.db.deploy.findUnique({ where: { id: body.deploy.id } }));
  });

  it('accepts an HMAC-SHA256 signature of the raw body in X-Supportbot-Signature', async () => {
    const res = await send(h, { service: 'auth', version: '1.0.1' }, { auth: 'hmac' });
    assert.equal(res.status, 201, await res.clone().text());
  });

  it('401 for a wrong token, a wrong signature, a signature of another body, or no credentials — nothing stored', async () => {
    const before = await h.db.deploy.count();
    const cases: Array<[Auth, string]> = [
      [{ bearer: 'not-the-secret-at-all' }, 'Wrong secret or signature.'],
      [{ signature: sign('{"service":"auth","version":"9"}', 'another-secret-0123456789') }, 'Wrong secret or signature.'],
      [{ signature: sign('{"service":"auth","version":"other"}') }, 'Wrong secret or signature.'],
      ['none', 'Missing credentials'],
    ];
    for (const [auth, message] of cases) {
      const res = await send(h, { service: 'auth', version: '9' }, { auth });
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('www-authenticate'), 'Bearer');
      assert.ok((await res.text()).startsWith(message));
    }
    assert.equal(await h.db.deploy.count(), before);
  });

  it('the same id twice is stored once and announced once: 201, then 200 with the existing deploy', async () => {
    const first = await deploy(h, { id: 'run-1', service: 'cart', version: '2.0.0', author: 'UANN' });
    const again = await deploy(h, { id: 'run-1', service: 'cart', version: '2.0.0', author: 'UANN' }, 200);
    assert.equal(again.result, 'duplicate');
    assert.equal(again.deploy.id, first.deploy.id);
    assert.equal(await h.db.deploy.count({ where: { service: 'cart' } }), 1);
    assert.equal(announcements(h, 'Cart').length, 1);
  });

  it('the same service + version + environment + status without an id is the same deploy', async () => {
    await deploy(h, { service: 'cart', version: '2.1.0' });
    const again = await deploy(h, { service: 'cart', version: '2.1.0', id: 'another-run' }, 200);
    assert.equal(again.result, 'duplicate');
    // Another environment or status is another deploy.
    await deploy(h, { service: 'cart', version: '2.1.0', environment: 'staging' }, 201);
    await deploy(h, { service: 'cart', version: '2.1.0', status: 'failed' }, 201);
    assert.equal(await h.db.deploy.count({ where: { service: 'cart', version: '2.1.0' } }), 3);
  });

  it('duplicates arriving at the same moment are stored and announced once', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => send(h, { service: 'ledger', version: '3.0.0' })));
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 200, 200, 200, 201]);
    await h.settle();
    assert.equal(await h.db.deploy.count({ where: { service: 'ledger' } }), 1);
    assert.equal(announcements(h, 'Ledger').length, 1);
  });

  it('400 for malformed JSON, an empty body, a non-object and each invalid field, naming it', async () => {
    const cases: Array<[string | unknown, RegExp]> = [
      ['{"service": "auth", ', /^Malformed JSON body\.$/],
      ['', /^Empty body/],
      ['[1,2]', /must be a JSON object/],
      [{ version: '1' }, /"service" is required/],
      [{ service: 'auth' }, /"version" is required/],
      [{ service: 'auth', version: '1', status: 'done' }, /"status" must be one of succeeded, failed, rolled_back/],
      [{ service: 'auth', version: '1', url: 'javascript:alert(1)' }, /"url" must be an http\(s\) URL/],
      [{ service: 'auth', version: '1', deployedAt: '24/11/2026' }, /"deployedAt" must be an ISO 8601 time/],
      [{ service: 'auth', version: '1', deployedAt: '2026-12-24T10:00:00Z' }, /"deployedAt" is in the future/],
      [{ service: 'auth', version: '1', merged_by: 'x' }, /unknown field "merged_by" \(fields are camelCase: .*mergedBy/],
      [{ service: 'auth', version: 'x'.repeat(101) }, /"version" must be at most 100 characters/],
    ];
    for (const [body, message] of cases) {
      const res = await send(h, body);
      const text = await res.text();
      assert.equal(res.status, 400, `${JSON.stringify(body)} → ${text}`);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
      assert.match(text, message);
      assert.ok(!/\n\s+at /.test(text), 'no stack trace');
    }
  });

  it('422 for an unknown service, naming the known ones', async () => {
    const res = await send(h, { service: 'warehouse', version: '1' });
    assert.equal(res.status, 422);
    const text = await res.text();
    assert.match(text, /Unknown service "warehouse"\. Known services: checkout, billing, search, auth/);
  });

  it('413 for a body over 64 KB, 2xx just under it', async () => {
    const padding = (n: number) => JSON.stringify({ service: 'auth', version: '1.9', commit: 'c', author: 'a'.repeat(n) });
    const over = await send(h, padding(64 * 1024));
    assert.equal(over.status, 413);
    assert.equal(await over.text(), 'Body too large');
    // Under the size limit the body is read and judged on its fields (the author is too long).
    const under = await send(h, padding(60 * 1024));
    assert.equal(under.status, 400);
  });
});

describe('POST /api/deploys without DEPLOY_WEBHOOK_SECRET', () => {
  it('answers 503 and names the variable to set', async () => {
    const h = await startHarness({ env: { DEPLOY_WEBHOOK_SECRET: '' } });
    try {
      const res = await send(h, { service: 'checkout', version: '1' });
      assert.equal(res.status, 503);
      assert.match(await res.text(), /set DEPLOY_WEBHOOK_SECRET/);
    } finally {
      await h.stop();
    }
  });
});

describe("GitHub's deployment_status webhook", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-24T10:00:00Z', config: configure });
  });
  after(() => h.stop());

  const github = (event: string, body: unknown, auth: Auth = 'github') =>
    send(h, body, { auth, headers: { 'x-github-event': event, 'x-github-delivery': 'd-1' } });
  const statusPayload = (o: GithubStatus) => githubStatusPayload(h, o);

  it('ping → 200 when signed with the secret; other events → 202 ignored', async () => {
    const ping = await github('ping', { zen: 'Keep it logically awesome.', hook_id: 1 });
    assert.equal(ping.status, 200);
    assert.match(await ping.text(), /^pong/);
    const push = await github('push', { ref: 'refs/heads/main' });
    assert.equal(push.status, 202);
    assert.match(await push.text(), /Ignored: supportbot reads deployment_status events, not push/);
  });

  it('a wrongly signed delivery is refused with 401', async () => {
    const res = await github('deployment_status', statusPayload({ statusId: 1, state: 'success', sha: 'a'.repeat(40) }), {
      signature: 'sha256=00',
    });
    assert.equal(res.status, 401);
  });

  it('a delivery whose X-Hub-Signature-256 is wrong is refused with 401 and nothing is stored or announced', async () => {
    const payload = statusPayload({ statusId: 90, state: 'success', sha: 'b'.repeat(40) });
    const deploys = await h.db.deploy.count();
    const posted = h.fake.posted('C0DEPLOYS').length;
    const wrong = [
      sign(JSON.stringify(payload), 'another-secret-0123456789'),
      sign(JSON.stringify({ ...payload, action: 'edited' })),
      'sha256=00',
      'not-a-signature',
    ];
    for (const githubSignature of wrong) {
      const res = await github('deployment_status', payload, { githubSignature });
      assert.equal(res.status, 401, githubSignature);
      assert.equal(await res.text(), 'Wrong secret or signature.');
    }
    await h.settle();
    assert.equal(await h.db.deploy.count(), deploys);
    assert.equal(h.fake.posted('C0DEPLOYS').length, posted);
  });

  it('success → a deploy of the mapped service: author from the mapped login, compare link against the previous commit', async () => {
    const first = await github(
      'deployment_status',
      statusPayload({ statusId: 2, state: 'success', sha: '1111111aaaaaaa', at: ago(h, 30) }),
    );
    assert.equal(first.status, 201, await first.clone().text());
    const firstBody = await first.json();
    assert.equal(firstBody.deploy.service, 'checkout');
    assert.equal(firstBody.deploy.version, 'main@1111111');
    assert.equal(firstBody.deploy.author, 'UOCTO', 'git login mapped through deploys.gitLogins');
    assert.equal(firstBody.deploy.url, 'https://github.com/acme/checkout/commit/1111111aaaaaaa');

    const second = await github('deployment_status', statusPayload({ statusId: 3, state: 'success', sha: '2222222bbbbbbb' }));
    assert.equal(second.status, 201);
    assert.equal((await second.json()).deploy.url, 'https://github.com/acme/checkout/compare/1111111aaaaaaa...2222222bbbbbbb');
    await h.settle();
    const note = announcements(h, 'Checkout').at(-1)!;
    assert.ok(
      blocksOf(note).includes('<https://github.com/acme/checkout/compare/1111111aaaaaaa...2222222bbbbbbb|Compare current and new version>'),
    );
    assert.ok(blocksOf(note).includes('<@UOCTO>'));
  });

  it('a redelivery is stored once (200); progress states are ignored (202); failure is a failed deploy', async () => {
    const again = await github('deployment_status', statusPayload({ statusId: 3, state: 'success', sha: '2222222bbbbbbb' }));
    assert.equal(again.status, 200);
    assert.equal((await again.json()).result, 'duplicate');
    const progress = await github('deployment_status', statusPayload({ statusId: 4, state: 'in_progress', sha: '3333333ccccccc' }));
    assert.equal(progress.status, 202);
    assert.match(await progress.text(), /Ignored: deployment state "in_progress" is not final/);
    const failed = await github('deployment_status', statusPayload({ statusId: 5, state: 'failure', sha: '3333333ccccccc' }));
    assert.equal(failed.status, 201);
    const body = await failed.json();
    assert.equal(body.deploy.status, 'failed');
    assert.equal(body.deploy.changeFailure, true);
  });

  it('an unmapped repository is 422 naming the mapping; a payload that is not a deployment_status is 400', async () => {
    const res = await github('deployment_status', statusPayload({ statusId: 6, state: 'success', sha: '4444444', repo: 'acme/unknown' }));
    assert.equal(res.status, 422);
    assert.match(await res.text(), /Repository acme\/unknown is not mapped to a service.*acme\/checkout → checkout/);
    const bad = await github('deployment_status', { hello: 'world' });
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /Not a deployment_status payload: "deployment_status"/);
  });
});

describe('announcements, people and open tickets', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-24T10:00:00Z', config: configure });
  });
  after(() => h.stop());

  it('announces a production deploy: service, version, author and merger as mentions, compare link, open tickets', async () => {
    h.fake.emails.set('ann@acme.com', 'UANN');
    const open = await fileTicket(h, { service: 'pricing', title: 'Prices <wrong>', priority: 'P1' });
    const resolved = await fileTicket(h, { service: 'pricing', title: 'Old one' });
    await h.db.ticket.update({ where: { id: resolved.id }, data: { status: 'resolved', resolvedAt: h.clock.now() } });
    const res = await deploy(h, {
      service: 'pricing',
      version: '4.2.0',
      commit: 'abc1234',
      author: 'ann@acme.com',
      mergedBy: '@OctoCat',
      url: 'https://github.com/acme/pricing/compare/v4.1.0...v4.2.0',
    });
    assert.equal(res.deploy.author, 'UANN', 'email resolved through users.lookupByEmail');
    assert.equal(res.deploy.mergedBy, 'UOCTO', 'git login resolved through the config');
    const [a] = announcements(h, 'Pricing');
    assert.ok(a, 'announced in the deploys channel');
    const all = blocksOf(a);
    for (const part of [
      '*Pricing* `4.2.0`',
      'deployed to production',
      'author <@UANN>',
      'merged by <@UOCTO>',
      'commit `abc1234`',
      '<https://github.com/acme/pricing/compare/v4.1.0...v4.2.0|Compare current and new version>',
      `#${open.id} P1 Prices &lt;wrong&gt;`,
    ]) {
      assert.ok(all.includes(part), `announcement shows ${part}: ${all}`);
    }
    assert.ok(!all.includes(`#${resolved.id} `), 'resolved tickets are not listed');
  });

  it('unresolved people are shown as text, never dropped; email answers are cached', async () => {
    const lookups = () => h.fake.callsTo('users.lookupByEmail').length;
    const before = lookups();
    const res = await deploy(h, { service: 'orders', version: '1.0', author: 'nobody@acme.com', mergedBy: 'Jane Doe <jane>' });
    assert.equal(res.deploy.author, 'nobody@acme.com');
    assert.equal(res.deploy.mergedBy, 'Jane Doe <jane>');
    const all = blocksOf(announcements(h, 'Orders')[0]!);
    assert.ok(all.includes('author nobody@acme.com') && all.includes('merged by Jane Doe &lt;jane&gt;'), all);
    await deploy(h, { service: 'orders', version: '1.1', author: 'nobody@acme.com' });
    await deploy(h, { service: 'orders', version: '1.2', author: 'NOBODY@acme.com' });
    assert.equal(lookups() - before, 1, 'one Slack lookup for the same email');
  });

  it('a deploy of S while tickets on S are open is noted in their threads, not in others', async () => {
    const t1 = await fileTicket(h, { service: 'emails' });
    const other = await fileTicket(h, { service: 'reports' });
    h.clock.advanceMinutes(5);
    await deploy(h, { service: 'emails', version: '7.0', author: 'UDEV' });
    const note = threadOf(h, t1.rootTs!).find((m) => blocksOf(m).includes('`7.0`'));
    assert.ok(note, 'note in the open ticket thread');
    assert.ok(blocksOf(note).includes('while this ticket is open') && blocksOf(note).includes('<@UDEV>'));
    assert.ok(!blocksOf(note).includes('This caused it'), 'a deploy after the ticket cannot have caused it');
    assert.ok(!threadOf(h, other.rootTs!).some((m) => blocksOf(m).includes('`7.0`')));
  });

  it('staging deploys are stored but not announced nor noted', async () => {
    const t = await fileTicket(h, { service: 'catalog' });
    await deploy(h, { service: 'catalog', version: '1.0-rc', environment: 'staging' });
    assert.equal(announcements(h, 'Catalog').length, 0);
    assert.ok(!threadOf(h, t.rootTs!).some((m) => blocksOf(m).includes('1.0-rc')));
  });
});

describe('ticket ↔ deploy links', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-24T10:00:00Z', config: configure });
  });
  after(() => h.stop());

  const suggestion = (h: Harness, rootTs: string) => threadOf(h, rootTs).find((m) => blocksOf(m).includes('This caused it'));

  it('a new ticket lists the deploys of its service from the last 60 minutes, newest first, paging author and merger (59 min in, 61 out)', async () => {
    await deploy(h, { service: 'shipping', version: 'v61', author: 'UOLD', deployedAt: ago(h, 61) });
    await deploy(h, { service: 'shipping', version: 'v59', author: 'UAUTHOR', mergedBy: 'UMERGER', deployedAt: ago(h, 59) });
    await deploy(h, { service: 'shipping', version: 'v10', author: 'UNEW', mergedBy: 'UNEW', deployedAt: ago(h, 10) });
    await deploy(h, { service: 'billing', version: 'other-service', author: 'UOTHER', deployedAt: ago(h, 5) });
    const ticket = await fileTicket(h, { service: 'shipping' });
    const reply = suggestion(h, ticket.rootTs!);
    assert.ok(reply, 'deploy list in the ticket thread');
    const all = blocksOf(reply);
    assert.ok(all.includes('`v59`') && all.includes('`v10`'));
    assert.ok(!all.includes('`v61`') && !all.includes('<@UOLD>'), '61 minutes is outside the window');
    assert.ok(!all.includes('other-service'), 'only deploys of the ticket service');
    assert.ok(all.indexOf('`v10`') < all.indexOf('`v59`'), 'newest first');
    // The page: author and merger are mentioned in the message text (what notifies them).
    assert.ok(reply.text!.includes('<@UAUTHOR>') && reply.text!.includes('<@UMERGER>') && reply.text!.includes('<@UNEW>'));
    assert.ok(all.includes('author and merger <@UNEW>'), 'one person in both roles is named once');
    assert.equal((all.match(/Not related/g) ?? []).length, 2);
    const links = await h.db.deployLink.findMany({ where: { ticketId: ticket.id } });
    assert.equal(links.length, 2);
    assert.ok(links.every((l) => l.verdict === 'suggested'));
  });

  it('a ticket with no recent deploys of its service gets no deploy message', async () => {
    const ticket = await fileTicket(h, { service: 'tax' });
    assert.equal(suggestion(h, ticket.rootTs!), undefined);
  });

  it('This caused it → change failure + incident, both ticket events; Undo takes both back; Not related after confirm too', async () => {
    const d = await deploy(h, { service: 'inventory', version: '5.0', author: 'UAUTHOR', mergedBy: 'UENG', deployedAt: ago(h, 20) });
    const t1 = await fileTicket(h, { service: 'inventory', title: 'Stock is wrong' });
    const t2 = await fileTicket(h, { service: 'inventory', title: 'Stock is wrong again' });
    const value = (t: { id: number }) => `${d.deploy.id}:${t.id}`;
    const click = async (actionId: string, t: { id: number; rootTs: string | null }, userId = 'UENG') => {
      const res = await h.slack.clickButton({ actionId, value: value(t), userId, messageTs: t.rootTs! });
      assert.equal(res.status, 200);
      await h.settle();
    };
    const state = async (t: { id: number }) => ({
      verdict: (await h.db.deployLink.findUnique({ where: { deployId_ticketId: { deployId: d.deploy.id, ticketId: t.id } } }))!.verdict,
      changeFailure: (await h.db.deploy.findUnique({ where: { id: d.deploy.id } }))!.changeFailure,
      incident: (await h.db.ticket.findUnique({ where: { id: t.id } }))!.incident,
    });
    const events = async (t: { id: number }) =>
      (await h.db.ticketEvent.findMany({ where: { ticketId: t.id }, orderBy: { id: 'asc' } }))
        .map((e) => e.type)
        .filter((e) => e !== 'created');
    const period = { from: new Date(h.clock.now().getTime() - 24 * 3600_000), to: new Date(h.clock.now().getTime() + MIN) };

    await click('deploy_caused', t1);
    assert.deepEqual(await state(t1), { verdict: 'caused', changeFailure: true, incident: true });
    assert.deepEqual(await events(t1), ['deploy_caused', 'incident_marked']);
    const confirmed = threadOf(h, t1.rootTs!).at(-1)!;
    assert.ok(blocksOf(confirmed).includes(`<@UENG> confirmed that *Inventory* \`5.0\` caused #${t1.id}`));
    assert.ok(blocksOf(confirmed).includes('"Undo"'));

    // A second click (double-click, or the deploy's author) changes nothing and says so privately.
    const ephemerals = h.fake.callsTo('chat.postEphemeral').length;
    await click('deploy_caused', t1, 'UAUTHOR');
    assert.deepEqual(await events(t1), ['deploy_caused', 'incident_marked']);
    assert.match(h.fake.callsTo('chat.postEphemeral').slice(ephemerals)[0]!.args.text, /already recorded/);

    // The same deploy causing a second ticket is still one change failure.
    await click('deploy_caused', t2);
    let rate = await changeFailures(h.bot.database, period);
    assert.deepEqual(rate.byService.inventory, { deploys: 1, failures: 1, outside: 0 });

    await click('deploy_undo', t1);
    assert.deepEqual(
      await state(t1),
      { verdict: 'suggested', changeFailure: true, incident: false },
      'still a change failure: it caused t2',
    );
    assert.deepEqual(await events(t1), ['deploy_caused', 'incident_marked', 'deploy_verdict_undone', 'incident_cleared']);

    await click('deploy_unrelated', t2);
    assert.deepEqual(await state(t2), { verdict: 'unrelated', changeFailure: false, incident: false });
    assert.deepEqual(await events(t2), ['deploy_caused', 'incident_marked', 'deploy_not_related', 'incident_cleared']);
    rate = await changeFailures(h.bot.database, period);
    assert.deepEqual(rate.byService.inventory, { deploys: 1, failures: 0, outside: 0 });

    await click('deploy_undo', t2);
    assert.equal((await state(t2)).verdict, 'suggested');
    const before = h.fake.callsTo('chat.postEphemeral').length;
    await click('deploy_undo', t2);
    assert.match(h.fake.callsTo('chat.postEphemeral').slice(before)[0]!.args.text, /nothing to undo/);
  });

  it('simultaneous clicks on two deploys and on the same button leave one consistent record', async () => {
    const a = await deploy(h, { service: 'auth', version: 'a', author: 'UENG', mergedBy: 'UENG2', deployedAt: ago(h, 30) });
    const b = await deploy(h, { service: 'auth', version: 'b', author: 'UENG3', deployedAt: ago(h, 20) });
    const t = await fileTicket(h, { service: 'auth' });
    const click = (d: { deploy: { id: number } }, userId: string) =>
      h.slack.clickButton({ actionId: 'deploy_caused', value: `${d.deploy.id}:${t.id}`, userId, messageTs: t.rootTs! });
    await Promise.all([click(a, 'UENG'), click(a, 'UENG2'), click(b, 'UENG3')]);
    await h.settle();
    const events = await h.db.ticketEvent.findMany({ where: { ticketId: t.id } });
    assert.equal(events.filter((e) => e.type === 'deploy_caused').length, 2, 'one per deploy');
    assert.equal(events.filter((e) => e.type === 'incident_marked').length, 1);
    assert.equal((await h.db.ticket.findUnique({ where: { id: t.id } }))!.incident, true);
    assert.equal(await h.db.deploy.count({ where: { id: { in: [a.deploy.id, b.deploy.id] }, changeFailure: true } }), 2);
  });

  it('a deploy reported after a ticket it may have caused (slow CI) asks the question in that thread', async () => {
    const ticket = await fileTicket(h, { service: 'quiet' });
    h.clock.advanceMinutes(3);
    await deploy(h, { service: 'quiet', version: 'late-1', author: 'ULATE', deployedAt: ago(h, 10) });
    const reply = suggestion(h, ticket.rootTs!);
    assert.ok(reply && reply.text!.includes('<@ULATE>') && blocksOf(reply).includes('`late-1`'));
    assert.equal(await h.db.deployLink.count({ where: { ticketId: ticket.id } }), 1);
  });

  it('a rollback report turns the succeeded deploy into one rolled-back change failure, said once in the announcement thread', async () => {
    const t = await fileTicket(h, { service: 'busy' });
    const first = await deploy(h, { service: 'busy', version: '9.0', author: 'UDEV' });
    const rolled = await deploy(h, { service: 'busy', version: '9.0', status: 'rolled_back' }, 200);
    assert.equal(rolled.result, 'rolled_back');
    assert.equal(rolled.deploy.id, first.deploy.id);
    assert.equal(rolled.deploy.status, 'rolled_back');
    assert.equal(rolled.deploy.changeFailure, true);
    const again = await deploy(h, { service: 'busy', version: '9.0', status: 'rolled_back' }, 200);
    assert.equal(again.result, 'duplicate');
    assert.equal(await h.db.deploy.count({ where: { service: 'busy' } }), 1, 'one deploy, not two');
    const rate = await changeFailures(h.bot.database, { from: new Date(0), to: new Date(h.clock.now().getTime() + MIN) });
    assert.deepEqual(rate.byService.busy, { deploys: 1, failures: 1, outside: 0 });
    const [announcement] = announcements(h, 'Busy');
    const threaded = h.fake.posted('C0DEPLOYS').filter((m) => m.thread_ts === announcement!.ts);
    assert.equal(threaded.length, 1);
    assert.match(threaded[0]!.text!, /\*Busy\* `9\.0` was rolled back/);
    assert.ok(threadOf(h, t.rootTs!).some((m) => blocksOf(m).includes('was rolled back in production while this ticket is open')));
  });
});

describe('suspect-deploy warning', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-24T10:00:00Z', config: configure });
  });
  after(() => h.stop());

  /** Tickets from the last month, written straight to the database (history, not behaviour under test). */
  async function history(service: string, count: number) {
    const now = h.clock.now().getTime();
    for (let i = 0; i < count; i += 1) {
      const at = new Date(now - ((i + 1) * 29 * 86_400_000) / (count + 1));
      await h.db.ticket.create({
        data: {
          title: 'old',
          description: 'old',
          priority: 'P3',
          service,
          reporterId: 'UREPORTER',
          channelId: 'C0SUPPORT',
          status: 'resolved',
          createdAt: at,
          updatedAt: at,
          slaStartedAt: at,
        },
      });
    }
  }
  const warnings = (h: Harness, threadTs: string) =>
    h.fake.posted('C0DEPLOYS').filter((m) => m.thread_ts === threadTs && m.text!.includes('Suspect deploy'));

  it('3 tickets within the hour after a deploy on a quiet service → one warning with the numbers in the announcement thread', async () => {
    await history('quiet', 6);
    await deploy(h, { service: 'quiet', version: '2.0', author: 'UAUTHOR', mergedBy: 'UMERGER' });
    const [announcement] = announcements(h, 'Quiet');
    const filed = [];
    for (let i = 0; i < 2; i += 1) {
      h.clock.advanceMinutes(10);
      filed.push(await fileTicket(h, { service: 'quiet' }));
    }
    assert.equal(warnings(h, announcement!.ts).length, 0, 'two tickets are not a pattern');
    h.clock.advanceMinutes(10);
    filed.push(await fileTicket(h, { service: 'quiet' }));
    const [warning, ...more] = warnings(h, announcement!.ts);
    assert.ok(warning, 'warned in the announcement thread');
    assert.equal(more.length, 0);
    const text = warning.text!;
    assert.match(
      text,
      new RegExp(`3 tickets on Quiet in the 30 min since \\*Quiet\\* \`2\\.0\` \\(#${filed[0]!.id}, #${filed[1]!.id}, #${filed[2]!.id}\\)`),
    );
    // 6 in 30 days = 0.2 a day; expected in (at least) an hour: (6 + 1) / 43200 min × 60 min ≈ 0.0097.
    assert.match(text, /Usual rate: 0\.2 a day \(6 in the 30 days before\); expected in 1 h: 0\.0097\./);
    assert.match(text, /Chance of 3 or more by coincidence: 1 in \d{1,3}(,\d{3})+\./);
    assert.match(text, /cc author <@UAUTHOR>, merged by <@UMERGER>/);

    h.clock.advanceMinutes(5);
    await fileTicket(h, { service: 'quiet' });
    assert.equal(warnings(h, announcement!.ts).length, 1, 'warned once');
  });

  it('a burst past the look-back window is still blamed on the deploy, and the tickets list no deploy', async () => {
    await history('search', 6);
    await deploy(h, { service: 'search', version: '3.0' });
    const [announcement] = announcements(h, 'Search');
    h.clock.advanceMinutes(90);
    const filed = [];
    for (let i = 0; i < 3; i += 1) {
      h.clock.advanceMinutes(5);
      filed.push(await fileTicket(h, { service: 'search' }));
    }
    assert.equal(warnings(h, announcement!.ts).length, 1, 'warned: the deploy is 1.5 h old, inside the 24 h window');
    const links = await h.db.deployLink.count({ where: { ticketId: { in: filed.map((t) => t.id) } } });
    assert.equal(links, 0, 'the deploy is past the 60 min look-back: no ticket links it');
  });

  it('the same burst on a service that usually has 10 tickets a day is not suspect', async () => {
    await history('busy', 300);
    await deploy(h, { service: 'busy', version: '2.0' });
    const [announcement] = announcements(h, 'Busy');
    for (let i = 0; i < 3; i += 1) {
      h.clock.advanceMinutes(5);
      await fileTicket(h, { service: 'busy' });
    }
    assert.equal(warnings(h, announcement!.ts).length, 0);
  });
});

describe('replies in the announcement thread when the announcement is late or lost', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-24T10:00:00Z', config: configure });
  });
  after(() => h.stop());
  const rollbackNotes = (h: Harness, service: string) =>
    h.fake.posted('C0DEPLOYS').filter((m) => m.text!.includes(`*${service}*`) && m.text!.includes('was rolled back'));

  it('waits for the announcement to be posted, then replies in its thread', async () => {
    // Only the announcement fails: the shift reminder the start-up rotation check queued goes out too.
    h.fake.fail('chat.postMessage', { status: 500 }, 1, (args) => args.channel === 'C0DEPLOYS');
    await deploy(h, { service: 'cart', version: '1.0' });
    assert.equal(announcements(h, 'Cart').length, 0, 'the announcement is waiting for its retry');
    await deploy(h, { service: 'cart', version: '1.0', status: 'rolled_back' }, 200);
    assert.equal(rollbackNotes(h, 'Cart').length, 0, 'the reply does not go out before its parent');
    for (let i = 0; i < 3; i += 1) {
      h.clock.advance(5000);
      await h.settle();
    }
    const [announcement] = announcements(h, 'Cart');
    const [note, ...more] = rollbackNotes(h, 'Cart');
    assert.ok(announcement && note);
    assert.equal(note.thread_ts, announcement.ts);
    assert.equal(more.length, 0);
  });

  it('posts to the channel when Slack refused the announcement for good', async () => {
    h.fake.fail('chat.postMessage', { error: 'invalid_blocks' });
    await deploy(h, { service: 'ledger', version: '1.0' });
    await deploy(h, { service: 'ledger', version: '1.0', status: 'rolled_back' }, 200);
    const [note] = rollbackNotes(h, 'Ledger');
    assert.ok(note, 'said, even without a thread to say it in');
    assert.equal(note.thread_ts, undefined);
  });
});

describe('/support deploy', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-24T10:00:00Z', config: configure });
  });
  after(() => h.stop());

  it('records a production deploy with the caller as author, announced with the link Slack wrapped', async () => {
    const res = await h.slack.command('deploy checkout 1.2.3 <https://github.com/acme/checkout/compare/v1.2.2...v1.2.3>', 'UENG');
    assert.equal(res.status, 200);
    const answer = await res.json();
    assert.equal(answer.response_type, 'ephemeral');
    assert.match(answer.text, /Recorded \*Checkout\* `1\.2\.3` in production as your deploy; it is announced in <#C0DEPLOYS>/);
    await h.settle();
    const stored = await h.db.deploy.findFirst({ where: { service: 'checkout', version: '1.2.3' } });
    assert.equal(stored?.author, 'UENG');
    assert.equal(stored?.source, 'slack');
    assert.equal(stored?.url, 'https://github.com/acme/checkout/compare/v1.2.2...v1.2.3');
    const all = blocksOf(announcements(h, 'Checkout')[0]!);
    assert.ok(all.includes('author <@UENG>') && all.includes('Compare current and new version'));

    const again = await (await h.slack.command('deploy checkout 1.2.3', 'UENG')).json();
    assert.match(again.text, /already recorded/);
  });

  it('explains usage, unknown services and bad links instead of recording', async () => {
    const before = await h.db.deploy.count();
    const usage = await (await h.slack.command('deploy checkout', 'UENG')).json();
    assert.match(usage.text, /Usage: `\/support deploy <service> <version> \[url\]`/);
    const unknown = await (await h.slack.command('deploy warehouse 1.0', 'UENG')).json();
    assert.match(unknown.text, /Unknown service "warehouse"\. Known services: checkout, billing, search/);
    const link = await (await h.slack.command('deploy checkout 1.3 ftp://x', 'UENG')).json();
    assert.match(link.text, /"url" must be an http\(s\) URL/);
    assert.equal(await h.db.deploy.count(), before);
  });
});
