// Bolt leaves a request that no listener acknowledged unanswered: Slack's person then waits 3 s for
// Bolt's 404 and sees a vague error. This wraps the receiver, so that once every listener has run
// without acknowledging — a button or form from an older version of the bot, an unknown command —
// the request is answered at once and the person is told what happened.
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import type { Logger } from 'pino';
import { STALE_BUTTON_TEXT, staleFormView } from '../messages/staleInteraction.js';

type Body = ReceiverEvent['body'];
const RESPONSE_URL_TIMEOUT_MS = 10_000;

/** A click's response_url takes an ephemeral answer in the place the button was, even in a DM. */
async function tellByResponseUrl(body: Body, log: Logger): Promise<void> {
  if (typeof body.response_url !== 'string') return;
  try {
    const res = await fetch(body.response_url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text: STALE_BUTTON_TEXT }),
      signal: AbortSignal.timeout(RESPONSE_URL_TIMEOUT_MS),
    });
    if (!res.ok) log.warn({ status: res.status }, 'response_url refused the answer to a stale button');
  } catch (err) {
    log.warn({ err }, 'could not answer a stale button through its response_url');
  }
}

async function answerUnacknowledged(body: Body, ack: ReceiverEvent['ack'], log: Logger): Promise<void> {
  const type = typeof body?.type === 'string' ? body.type : undefined;
  log.warn(
    {
      type,
      actionId: body?.actions?.[0]?.action_id,
      callbackId: body?.view?.callback_id,
      command: body?.command,
    },
    'a Slack request no listener handled was answered as stale',
  );
  if (type === 'view_submission') return ack({ response_action: 'update', view: staleFormView() });
  await ack();
  if (type === 'block_actions') await tellByResponseUrl(body, log);
}

export function answerUnhandled(receiver: Receiver, log: Logger): Receiver {
  return {
    init(app: App) {
      const processEvent = async (event: ReceiverEvent) => {
        let acknowledged = false;
        const ack: ReceiverEvent['ack'] = (response) => {
          acknowledged = true;
          return event.ack(response);
        };
        await app.processEvent({ ...event, ack });
        if (!acknowledged) await answerUnacknowledged(event.body, event.ack, log);
      };
      // The receiver only ever calls processEvent on the app it is given.
      receiver.init({ processEvent } as unknown as App);
    },
    start: (...args) => receiver.start(...args),
    stop: (...args) => receiver.stop(...args),
  };
}
