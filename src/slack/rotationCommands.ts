// The rotation subcommands of /support: oncall, gardener, cover, swap, handoff-note, oncall-pay.
// Each reads its words, calls a use case and answers the caller (ephemerally, via the router);
// bad input gets the reason and the usage line, never an exception.
import type { Logger } from 'pino';
import { isAdmin } from '../services/tickets.js';
import {
  addHandoffNote,
  cover,
  dutyReport,
  gardenerRef,
  onCallPayReport,
  oncallRef,
  resolveRotation,
  swap,
  type RotationDeps,
  type RotationRef,
} from '../services/rotations.js';
import type { CommandContext, CommandReply, Subcommand } from './commands.js';
import { parseCover, parseMonth, parseSwap } from './rotationArgs.js';
import { dutyReportMessage, monthLabel, payReportMessage } from '../messages/rotationViews.js';
import { mrkdwn, slackDate } from '../messages/text.js';

export interface RotationCommandDeps extends RotationDeps {
  log: Logger;
}

export function usageReply(sub: { usage: string }, problem: string, timeZone: string, example: string): CommandReply {
  return {
    text: `${problem}\nUsage: \`/support ${sub.usage}\`. Times are \`now\`, \`YYYY-MM-DD\` or \`YYYY-MM-DD HH:mm\` (${timeZone}).\nExample: \`${example}\``,
  };
}

function rotationStatus(deps: RotationCommandDeps, refs: RotationRef[]): Promise<CommandReply> {
  return Promise.all(refs.map((ref) => dutyReport(deps, ref))).then(dutyReportMessage);
}

/** Sends the CSV to the caller's DM: pay is personal data, never posted where the command ran. */
async function uploadCsv(ctx: CommandContext, month: string, csv: string): Promise<string> {
  const dm = await ctx.client.conversations.open({ users: ctx.userId });
  await ctx.client.files.uploadV2({
    channel_id: dm.channel!.id!,
    file: Buffer.from(csv, 'utf8'),
    filename: `oncall-pay-${month}.csv`,
    title: `On-call pay ${month}`,
    initial_comment: `On-call pay for ${monthLabel(month)} as CSV.`,
  });
  return 'The CSV is in your DMs.';
}

export function rotationSubcommands(deps: RotationCommandDeps): Subcommand[] {
  const { config } = deps;
  const tz = config.timeZone;

  const oncall: Subcommand = {
    name: 'oncall',
    usage: 'oncall',
    summary: 'who is paged out of hours now, and the next 3 handoffs.',
    async run() {
      const ref = oncallRef(config);
      return ref ? rotationStatus(deps, [ref]) : { text: 'No on-call rotation is configured (`oncall` in the config).' };
    },
  };

  const gardener: Subcommand = {
    name: 'gardener',
    usage: 'gardener [squad]',
    summary: "who is each squad's gardener now (or that squad's), and the next 3 handoffs.",
    async run(ctx) {
      const squad = ctx.args.trim().toLowerCase();
      if (squad) {
        const ref = resolveRotation(config, squad);
        return ref.ok ? rotationStatus(deps, [ref.value]) : { text: ref.error };
      }
      const refs = Object.keys(config.squads).flatMap((id) => gardenerRef(config, id) ?? []);
      return refs.length
        ? rotationStatus(deps, refs)
        : { text: 'No squad has a gardener rotation (`squads.<squad>.gardener` in the config).' };
    },
  };

  const announced = (message: { text: string }) => ({ text: `Done, and announced in <#${config.channels.support}>: ${message.text}` });

  const coverCommand: Subcommand = {
    name: 'cover',
    usage: 'cover @person <from> <to> [squad]',
    summary: "someone holds on call (or the squad's gardener rotation) for a while; admins and the people involved.",
    async run(ctx) {
      const now = deps.clock.now();
      const args = parseCover(ctx.args, now, tz);
      if (!args.ok) return usageReply(coverCommand, args.error, tz, '/support cover @jane 2026-12-24 18:00 2026-12-27');
      const ref = resolveRotation(config, args.value.squad);
      if (!ref.ok) return { text: ref.error };
      const done = await cover(deps, {
        actorId: ctx.userId,
        userId: args.value.userId,
        from: args.value.from,
        to: args.value.to,
        ref: ref.value,
      });
      return done.ok ? announced(done.value.announcement) : { text: done.error };
    },
  };

  const swapCommand: Subcommand = {
    name: 'swap',
    usage: 'swap @a @b <date> [squad]',
    summary: "two people trade shifts: the one on that date and the other's next one; admins and the two people.",
    async run(ctx) {
      const now = deps.clock.now();
      const args = parseSwap(ctx.args, now, tz);
      if (!args.ok) return usageReply(swapCommand, args.error, tz, '/support swap @jane @joe 2026-12-24');
      const ref = resolveRotation(config, args.value.squad);
      if (!ref.ok) return { text: ref.error };
      const done = await swap(deps, { actorId: ctx.userId, a: args.value.a, b: args.value.b, at: args.value.at, ref: ref.value });
      return done.ok ? announced(done.value.announcement) : { text: done.error };
    },
  };

  const handoffNote: Subcommand = {
    name: 'handoff-note',
    usage: 'handoff-note <text>',
    summary: 'a note for whoever takes over from you, shown at your next handoff.',
    async run(ctx) {
      const done = await addHandoffNote(deps, { authorId: ctx.userId, text: ctx.args });
      if (!done.ok) return { text: done.error };
      const when = done.value.map(({ ref, handoffAt }) => `${ref.role}${handoffAt ? ` (${slackDate(handoffAt, tz)})` : ''}`);
      return { text: `Noted. It will be shown at your next handoff as ${when.join(' and as ')}.` };
    },
  };

  const oncallPay: Subcommand = {
    name: 'oncall-pay',
    usage: 'oncall-pay [YYYY-MM]',
    summary: '(admins) out-of-hours hours, shifts, pages and pay per person for a month (default: last month), with a CSV.',
    async run(ctx) {
      if (!isAdmin(config, ctx.userId)) return { text: 'Sorry, only admins can see the on-call pay report (`admins` in the config).' };
      const month = parseMonth(ctx.args, deps.clock.now(), tz);
      if (!month.ok) return { text: `${month.error}\nUsage: \`/support ${oncallPay.usage}\`` };
      const report = await onCallPayReport(deps, month.value);
      if (!report.ok) return { text: report.error };
      const message = payReportMessage({ ...report.value, rates: config.pay, timeZone: tz });
      const csvNote = await uploadCsv(ctx, month.value, report.value.csv).catch((err: unknown) => {
        deps.log.error({ err }, 'on-call pay CSV upload failed');
        return 'The CSV could not be uploaded this time; the numbers above are the same.';
      });
      return { text: `${message.text}\n${csvNote}`, blocks: [...message.blocks, { type: 'context', elements: [mrkdwn(csvNote)] }] };
    },
  };

  return [oncall, gardener, coverCommand, swapCommand, handoffNote, oncallPay];
}
