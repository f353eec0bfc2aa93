// How a listener answers the person when the work behind a click or a form fails on our side (the
// database, Slack): one sentence naming what could not be done, and one log line carrying the
// ticket and the Slack request, so that the complaint "it did nothing" can be found in the logs.
import type { AckFn, ViewResponseAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';

export interface EphemeralAnswer {
  channel: string | undefined;
  user: string;
  text: string;
  thread_ts?: string;
}

/** Tells one person something in the channel they acted in; failing to tell them is logged, never thrown. */
export async function tellEphemeral(client: WebClient, log: Logger, answer: EphemeralAnswer): Promise<void> {
  const { channel, ...rest } = answer;
  if (!channel) return;
  await client.chat.postEphemeral({ channel, ...rest }).then(
    () => undefined,
    (err: unknown) => log.warn({ err, user: answer.user, channel }, 'could not send an ephemeral answer'),
  );
}

/** What the person reads: "Could not take #12 just now — please try again." */
export function failureSentence(doing: string, ticketId: number | null, retry = 'please try again'): string {
  return `Could not ${doing}${ticketId === null ? '' : ` #${ticketId}`} just now — ${retry}.`;
}

export interface FailureContext {
  log: Logger;
  /** The verb phrase for the sentence and the log, e.g. "take", "resolve", "record the verdict on". */
  doing: string;
  ticketId: number | null;
  /** Slack's id of this interaction (a click's trigger id, a form's view id), to find it in the logs. */
  requestId: string | undefined;
  userId: string;
}

function logFailure(ctx: FailureContext, err: unknown): void {
  ctx.log.error(
    { err, ticket: ctx.ticketId, requestId: ctx.requestId, user: ctx.userId },
    `listener failed: could not ${ctx.doing}${ctx.ticketId === null ? '' : ` #${ctx.ticketId}`}`,
  );
}

/**
 * Runs the work behind an acknowledged click. A failure of ours becomes an ephemeral sentence to
 * the person who clicked and a log line; it never escapes to Bolt, which would only log it.
 */
export async function answerClickFailure(
  ctx: FailureContext & { client: WebClient; channel: string | undefined },
  work: () => Promise<unknown>,
): Promise<void> {
  try {
    await work();
  } catch (err) {
    logFailure(ctx, err);
    await tellEphemeral(ctx.client, ctx.log, { channel: ctx.channel, user: ctx.userId, text: failureSentence(ctx.doing, ctx.ticketId) });
  }
}

/** Slack's answer to a form: close it (undefined), or show sentences under its fields. */
export type FormAnswer = undefined | { response_action: 'errors'; errors: Record<string, string> };

/**
 * Runs the work behind a submitted form and acknowledges it once with the work's answer. A failure
 * of ours keeps the form open with the sentence under `field`, so nothing typed is lost.
 */
export async function answerFormFailure(
  ctx: FailureContext & { ack: AckFn<void> | AckFn<ViewResponseAction>; field: string },
  work: () => Promise<FormAnswer>,
): Promise<void> {
  let answer: FormAnswer;
  try {
    answer = await work();
  } catch (err) {
    logFailure(ctx, err);
    answer = { response_action: 'errors', errors: { [ctx.field]: failureSentence(ctx.doing, ctx.ticketId, 'please submit again') } };
  }
  await (answer ? ctx.ack(answer) : ctx.ack());
}
