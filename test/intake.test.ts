// Tickets from anywhere in Slack, end to end through signed requests against the fake Slack: the
// "Create support ticket" message shortcut, 👀 / ✅ reactions, Mark as duplicate, and quiet replies.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { visibleLength as graphemeLength } from '../src/domain/typedText.js';
import { fileTicket, startHarness, ticketFormValues, type Harness } from './support/harness.js';

const GENERAL = 'C0GENERAL';
let sourceCounter = 0;
const sourceTs = () => `1699990000.${String(++sourceCounter).padStart(6, '0')}`;
/** The parts of a Block Kit payload these tests read. */
interface Block {
  type: string;
  block_id?: string;
  element?: { initial_value?: string };
  elements?: Array<{ text: { text: string }; value: string }>;
}
interface View {
  callback_id: string;
  private_metadata: string;
  blocks: Block[];
}
const permalinkOf = (channel: string, ts: string) => `https://acme.slack.com/archives/${channel}/p${ts.replace('.', '')}`;

describe('tickets from messages, reactions and duplicates', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-24T10:00:00Z' });
  });
  after(() => h.stop());
  beforeEach(() => h.fake.reset());

  const stored = async (id: number) => (await h.db.ticket.findUnique({ where: { id } }))!;
  const thread = (rootTs: string, channel = 'C0SUPPORT') => h.fake.posted(channel).filter((m) => m.thread_ts === rootTs);
  const root = (t: { rootTs: string | null }) => h.fake.posted('C0SUPPORT').find((m) => m.ts === t.rootTs)!;
  const ephemerals = () => h.fake.callsTo('chat.postEphemeral').map((c) => c.args);
  /** What chat.postMessage was asked to post, before any edit: what notified people. */
  const postedTexts = () => h.fake.callsTo('chat.postMessage').map((c) => String(c.args.text) + JSON.stringify(c.args.blocks ?? ''));

  /** Uses the shortcut on a message, then submits the form it opened as pre-filled. */
  async function fileFromMessage(args: { text: string; channel?: string; reporter?: string; threadTs?: string; ts?: string }) {
    const ts = args.ts ?? sourceTs();
    const res = await h.slack.messageShortcut({
      userId: args.reporter ?? 'USUPPORT',
      channel: args.channel ?? GENERAL,
      message: { ts, text: args.text, ...(args.threadTs ? { thread_ts: args.threadTs } : {}) },
    });
    assert.equal(res.status, 200);
    await h.settle();
    const view = h.fake.callsTo('views.open').at(-1)!.args.view as View;
    const initial = (block: string) => view.blocks.find((b) => b.block_id === block)?.element?.initial_value;
    const submitted = await h.slack.submitView({
      callbackId: view.callback_id,
      userId: args.reporter ?? 'USUPPORT',
      privateMetadata: view.private_metadata,
      values: ticketFormValues({
        title: initial('title'),
        description: initial('description'),
        link: initial('link'),
        priority: 'P2',
        service: 'checkout',
      }),
    });
    assert.equal(await submitted.text(), '', 'the form was accepted');
    await h.settle();
    const ticket = (await h.db.ticket.findFirst({ orderBy: { id: 'desc' } }))!;
    return { ticket, view, initial, ts };
  }

  describe('the Create support ticket shortcut', () => {
    it('opens the form pre-filled: first line as title (cut by graphemes), whole text, link to the message', async () => {
      const firstLine = `${'🔥'.repeat(160)} checkout`;
      const text = `${firstLine}\nCustomers see <https://shop.example/err|an error> &amp; <@U0CUST> says it is &lt;bad&gt;`;
      const { view, initial, ts } = await fileFromMessage({ text });
      assert.equal(view.callback_id, 'ticket_create');
      const asked = h.fake.callsTo('chat.getPermalink')[0]!.args;
      assert.deepEqual([asked.channel, asked.message_ts], [GENERAL, ts], 'asked Slack for the link');
      const title = initial('title')!;
      assert.equal(graphemeLength(title), 150, 'cut to the limit as people count it');
      assert.ok(title.endsWith('…') && title.startsWith('🔥🔥'));
      assert.ok(title.length > 150, 'emoji take two UTF-16 units each, and still fit');
      assert.equal(
        initial('description'),
        `${firstLine}\nCustomers see an error (https://shop.example/err) & @U0CUST says it is <bad>`,
        'the whole text, as a person reads it',
      );
      assert.equal(initial('link'), permalinkOf(GENERAL, ts));
    });

    it('files the ticket with its source, links the root to the message, and answers under the message', async () => {
      const { ticket, ts } = await fileFromMessage({ text: 'Invoices are missing\nSince this morning, for all EU accounts.' });
      assert.equal(ticket.title, 'Invoices are missing');
      assert.equal(ticket.description, 'Invoices are missing\nSince this morning, for all EU accounts.');
      assert.equal(ticket.sourceChannelId, GENERAL);
      assert.equal(ticket.sourceTs, ts);
      assert.equal(ticket.sourcePermalink, permalinkOf(GENERAL, ts));
      assert.ok(
        JSON.stringify(root(ticket).blocks).includes(`<${permalinkOf(GENERAL, ts)}|a message> in <#${GENERAL}>`),
        'root links back',
      );
      const answer = thread(ts, GENERAL);
      assert.equal(answer.length, 1, 'one threaded reply on the source');
      assert.ok(answer[0]!.text!.includes(`<${permalinkOf('C0SUPPORT', ticket.rootTs!)}|#${ticket.id}>`), 'it links the ticket thread');
      assert.equal((await h.db.ticketEvent.findMany({ where: { ticketId: ticket.id } })).map((e) => e.type).join(), 'created');
    });

    it('answers in the thread of a message that is itself a reply', async () => {
      const parent = sourceTs();
      const { ticket, ts } = await fileFromMessage({ text: 'Search is slow', threadTs: parent });
      assert.equal(ticket.sourceTs, ts);
      assert.equal(thread(parent, GENERAL).length, 1);
    });

    it('builds the link from the channel and ts when chat.getPermalink fails', async () => {
      h.fake.fail('chat.getPermalink', { error: 'channel_not_found' });
      const { ticket, initial, ts } = await fileFromMessage({ text: 'Refunds stuck' });
      assert.equal(initial('link'), permalinkOf(GENERAL, ts));
      assert.equal(ticket.sourcePermalink, permalinkOf(GENERAL, ts));
    });

    it('when the bot may not post under the message (not_in_channel), the reporter is told why by DM', async () => {
      h.fake.fail('chat.postMessage', { error: 'not_in_channel' }, 1, (args) => args.channel === 'C0PRIVATE');
      const { ticket } = await fileFromMessage({ text: 'Login loops', channel: 'C0PRIVATE', reporter: 'USUPPORT2' });
      assert.equal(h.fake.posted('C0PRIVATE').length, 0);
      const dms = h.fake.posted('USUPPORT2').map((m) => m.text!);
      const told = dms.find((t) => t.includes('could not reply under the message'));
      assert.ok(told, `told why: ${dms.join(' | ')}`);
      assert.ok(told.includes('<#C0PRIVATE>') && told.includes('not a member of that channel'));
      assert.ok(told.includes(`|#${ticket.id}>`), 'with the link to the ticket');
      const row = await h.db.outboxMessage.findFirstOrThrow({ where: { ticketId: ticket.id, method: 'ticket.sourceReply' } });
      assert.equal(row.status, 'failed');
      assert.equal(row.lastError, 'not_in_channel');
    });

    it('validates a title of 150 emoji as 150 characters, and still refuses 151', async () => {
      const ok = await fileTicket(h, { title: '🚀'.repeat(150) });
      assert.equal(ok.title, '🚀'.repeat(150));
      const res = await h.slack.submitView({
        callbackId: 'ticket_create',
        userId: 'UREPORTER',
        values: ticketFormValues({ title: '🚀'.repeat(151), description: 'd', priority: 'P3', service: 'checkout' }),
      });
      const body = await res.json();
      assert.equal(body.response_action, 'errors');
      assert.match(body.errors.title, /150 characters \(it has 151\)/);
    });
  });

  describe('reactions on a ticket root message', () => {
    it('👀 takes the ticket, once despite Slack retries of the event', async () => {
      const t = await fileTicket(h);
      const deliveries = [undefined, 1, 2].map((retryNum) =>
        h.slack.reactionAdded({
          userId: 'UENG',
          reaction: 'eyes',
          messageTs: t.rootTs!,
          eventId: 'EvEyes1',
          ...(retryNum ? { retryNum } : {}),
        }),
      );
      assert.deepEqual(
        (await Promise.all(deliveries)).map((r) => r.status),
        [200, 200, 200],
      );
      await h.settle();
      const s = await stored(t.id);
      assert.equal(s.ownerId, 'UENG');
      assert.equal(s.status, 'in_progress');
      assert.equal((await h.db.ticketEvent.findMany({ where: { ticketId: t.id, type: 'taken' } })).length, 1);
      assert.equal(thread(t.rootTs!).filter((m) => m.text!.includes(' took #')).length, 1);
      assert.deepEqual(ephemerals(), [], 'nobody is refused');
    });

    it('👀 on a message someone other than the bot wrote is let go without looking for a ticket', async () => {
      const t = await fileTicket(h);
      // Slack names the message's author (item_user); only the bot writes ticket roots. Sent at a
      // ticket root's ts, which Slack would not do, so a lookup would find the ticket and take it.
      await h.slack.reactionAdded({ userId: 'UENG', reaction: 'eyes', messageTs: t.rootTs!, eventId: 'EvEyesOther', itemUser: 'UALICE' });
      await h.settle();
      assert.equal((await stored(t.id)).ownerId, null);
      assert.deepEqual(ephemerals(), []);
    });

    it('👀 by someone else on an owned ticket is refused ephemerally, in the thread, with the button rule', async () => {
      const t = await fileTicket(h);
      await h.slack.reactionAdded({ userId: 'UENG', reaction: 'eyes', messageTs: t.rootTs!, eventId: 'EvEyes2' });
      await h.settle();
      await h.slack.reactionAdded({ userId: 'UENG2', reaction: 'eyes', messageTs: t.rootTs!, eventId: 'EvEyes3' });
      await h.settle();
      assert.equal((await stored(t.id)).ownerId, 'UENG');
      const [refusal] = ephemerals();
      assert.equal(refusal?.user, 'UENG2');
      assert.equal(refusal?.channel, 'C0SUPPORT');
      assert.equal(refusal?.thread_ts, t.rootTs);
      assert.match(refusal?.text, /owned by <@UENG>; only they or an admin can hand it over/);
    });

    it('✅ by the owner posts the Resolve button in the thread (once per delivery); by others it is refused', async () => {
      const t = await fileTicket(h);
      await h.slack.clickButton({ actionId: 'ticket_take', value: String(t.id), userId: 'UENG', messageTs: t.rootTs! });
      await h.settle();
      const prompts = () => thread(t.rootTs!).filter((m) => JSON.stringify(m.blocks ?? '').includes('ticket_resolve_open'));

      await h.slack.reactionAdded({ userId: 'UENG2', reaction: 'white_check_mark', messageTs: t.rootTs!, eventId: 'EvCheck1' });
      await h.settle();
      assert.equal(prompts().length, 0);
      assert.match(ephemerals()[0]!.text, /Only the owner's :white_check_mark: .* <@UENG> owns it/);

      await h.slack.reactionAdded({ userId: 'UENG', reaction: 'white_check_mark', messageTs: t.rootTs!, eventId: 'EvCheck2' });
      await h.slack.reactionAdded({ userId: 'UENG', reaction: 'white_check_mark', messageTs: t.rootTs!, eventId: 'EvCheck2', retryNum: 1 });
      await h.settle();
      assert.equal(prompts().length, 1, 'a retried event counts once');
      const button = (prompts()[0]!.blocks as Block[]).find((b) => b.type === 'actions')!.elements![0]!;
      assert.deepEqual([button.text.text, button.value], ['Resolve', String(t.id)]);
      assert.ok(!postedTexts().some((x) => x.includes('Ready to resolve') && x.includes('<@UENG>')), 'the owner is not pinged for it');

      await h.slack.reactionAdded({ userId: 'UENG', reaction: 'heavy_check_mark', messageTs: t.rootTs!, eventId: 'EvCheck3' });
      await h.settle();
      assert.equal(prompts().length, 2, 'heavy_check_mark works too');
      assert.equal((await stored(t.id)).status, 'in_progress', 'a reaction alone resolves nothing');
    });

    it('✅ on an unowned ticket says to take it first; other reactions and other messages are ignored', async () => {
      const t = await fileTicket(h);
      await h.slack.reactionAdded({ userId: 'UENG', reaction: 'white_check_mark', messageTs: t.rootTs!, eventId: 'EvCheck4' });
      await h.settle();
      assert.match(ephemerals()[0]!.text, /Nobody owns #\d+ yet: take it first/);
      h.fake.reset();
      await h.slack.reactionAdded({ userId: 'UENG', reaction: 'tada', messageTs: t.rootTs!, eventId: 'EvTada' });
      await h.slack.reactionAdded({ userId: 'UENG', reaction: 'eyes', messageTs: '1600000000.000001', eventId: 'EvElsewhere' });
      await h.settle();
      assert.deepEqual(ephemerals(), []);
      assert.equal((await stored(t.id)).ownerId, null);
    });
  });

  describe('Mark as duplicate', () => {
    const openModal = async (ticketId: number, userId: string, rootTs: string) => {
      await h.slack.clickButton({ actionId: 'ticket_duplicate_open', value: String(ticketId), userId, messageTs: rootTs });
      await h.settle();
      return h.fake.callsTo('views.open').at(-1)!.args.view as View;
    };
    const submit = async (view: View, userId: string, original: string) => {
      const res = await h.slack.submitView({
        callbackId: view.callback_id,
        userId,
        privateMetadata: view.private_metadata,
        values: { original: { value: { type: 'plain_text_input', value: original } } },
      });
      const body = await res.text();
      await h.settle();
      return body ? (JSON.parse(body) as { response_action: string; errors: Record<string, string> }) : null;
    };

    it('resolves the ticket as a duplicate, calls its reporter in the original, and links both roots', async () => {
      const original = await fileTicket(h, { title: 'Checkout down', reporter: 'UREP1' });
      const dup = await fileTicket(h, { title: 'Cannot pay', reporter: 'UREP2' });
      const view = await openModal(dup.id, 'UENG', dup.rootTs!);
      assert.equal(view.callback_id, 'ticket_duplicate');
      assert.ok(JSON.stringify(root(dup).blocks).includes('Mark as duplicate'), 'the root offers it');

      const refused = await submit(view, 'UENG', `#${original.id}`);
      assert.match(refused!.errors.original!, /Only the owner, the reporter or an admin can mark a ticket as a duplicate/);

      assert.equal(await submit(view, 'UREP2', `#${original.id}`), null, 'the modal closes');
      const s = await stored(dup.id);
      assert.equal(s.status, 'resolved');
      assert.equal(s.duplicateOfId, original.id);
      assert.equal(s.codeChangeNeeded, false);
      assert.equal(s.resolution, `Duplicate of #${original.id}`);
      const event = await h.db.ticketEvent.findFirstOrThrow({ where: { ticketId: dup.id, type: 'marked_duplicate' } });
      assert.equal(event.actorId, 'UREP2');
      assert.equal(JSON.parse(event.data).originalId, original.id);

      const o = await stored(original.id);
      const notice = thread(original.rootTs!).find((m) => m.text!.includes('is a duplicate of this one'));
      assert.ok(notice, 'told in the original thread');
      assert.ok(notice.text!.includes(`<${s.rootPermalink}|#${dup.id}>`));
      assert.ok(thread(dup.rootTs!).some((m) => m.text!.includes(`as a duplicate of #${original.id}`)));
      assert.ok(JSON.stringify(root(dup).blocks).includes(`*Duplicate of*\\n<${o.rootPermalink}|#${original.id}>`), 'duplicate → original');
      assert.ok(JSON.stringify(root(original).blocks).includes(`*Duplicates*\\n<${s.rootPermalink}|#${dup.id}>`), 'original → duplicate');
      assert.ok(root(dup).text!.includes('resolved'));
      // The reporter marked their own ticket: the notice names them but did not ping them.
      assert.ok(!postedTexts().some((x) => x.includes('is a duplicate of this one') && x.includes('<@UREP2>')));
      assert.ok(notice.text!.includes('<@UREP2>'), 'shown as a mention once edited');
    });

    it('answers bad numbers inside the modal: not a number, unknown, itself, a chain, a ticket with duplicates', async () => {
      const a = await fileTicket(h, { title: 'A' });
      const b = await fileTicket(h, { title: 'B' });
      const c = await fileTicket(h, { title: 'C' });
      const viewB = await openModal(b.id, 'UADMIN', b.rootTs!);
      const errorOf = async (view: View, text: string) => (await submit(view, 'UADMIN', text))?.errors.original;
      assert.match((await errorOf(viewB, 'abc'))!, /Type the number of the original ticket/);
      assert.match((await errorOf(viewB, '99999'))!, /There is no ticket #99999/);
      assert.match((await errorOf(viewB, `#${b.id}`))!, /That is #\d+ itself/);
      assert.equal(await errorOf(viewB, String(a.id)), undefined, 'B is a duplicate of A');

      const viewC = await openModal(c.id, 'UADMIN', c.rootTs!);
      assert.equal(
        await errorOf(viewC, String(b.id)),
        `#${b.id} is itself a duplicate of #${a.id}; mark this one as a duplicate of #${a.id}.`,
      );
      const viewA = await openModal(a.id, 'UADMIN', a.rootTs!);
      assert.match(
        (await errorOf(viewA, String(c.id)))!,
        new RegExp(`#${b.id} is a duplicate of #${a.id}; a ticket with duplicates cannot become one`),
      );
      assert.match((await errorOf(viewB, String(c.id)))!, /is already resolved; reopen it first/);
      assert.equal((await stored(c.id)).duplicateOfId, null);

      // Reopening a duplicate makes it a ticket of its own again.
      await h.slack.clickButton({ actionId: 'ticket_reopen', value: String(b.id), userId: 'UADMIN', messageTs: b.rootTs! });
      await h.settle();
      assert.equal((await stored(b.id)).duplicateOfId, null);
    });
  });

  describe('quiet by default', () => {
    it('names the person who acted without pinging them, and still pings the others', async () => {
      const t = await fileTicket(h, { reporter: 'UQUIET' });
      const rootPost = h.fake.callsTo('chat.postMessage').find((c) => c.args.channel === 'C0SUPPORT' && !c.args.thread_ts)!;
      assert.ok(!JSON.stringify(rootPost.args).includes('<@UQUIET>'), 'filing does not ping the reporter in the channel');
      assert.ok(root(t).text!.includes('<@UQUIET>'), 'the root shows the reporter as a mention once edited');

      h.fake.reset();
      await h.slack.clickButton({ actionId: 'ticket_take', value: String(t.id), userId: 'UENG', messageTs: t.rootTs! });
      await h.settle();
      assert.ok(!postedTexts().some((x) => x.includes('<@UENG>')), 'the taker is not pinged');
      assert.ok(
        thread(t.rootTs!).some((m) => m.text === `<@UENG> took #${t.id}.`),
        'the reply names them',
      );

      h.fake.reset();
      await h.slack.clickButton({ actionId: 'ticket_take', value: String(t.id), userId: 'UADMIN', messageTs: t.rootTs! });
      await h.settle();
      assert.ok(!postedTexts().some((x) => x.includes('<@UADMIN>')), 'the admin taking it over is not pinged');
      assert.ok(thread(t.rootTs!).some((m) => m.text === `<@UADMIN> handed #${t.id} to <@UADMIN>.`));

      h.fake.reset();
      await h.slack.clickButton({ actionId: 'ticket_wait', value: String(t.id), userId: 'UADMIN', messageTs: t.rootTs! });
      await h.settle();
      const waiting = postedTexts().find((x) => x.includes('is waiting on'))!;
      assert.ok(waiting.includes('<@UQUIET>') && !waiting.includes('<@UADMIN>'), 'the reporter waited on is pinged, the actor is not');
    });
  });
});
