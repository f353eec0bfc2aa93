// What a log line about one Slack request names: the ticket it is about (a ticket button's value, a
// ticket form's metadata), Slack's id for it (a click's trigger id, a form's view id, an event's
// event id) and the person who sent it.
import type { RequestFields } from '../logger.js';
import { metadataTicketId, ticketIdFrom } from './ticketListeners.js';

interface SlackBody {
  type?: string;
  event_id?: string;
  trigger_id?: string;
  user?: { id?: string } | string;
  user_id?: string;
  event?: { user?: string };
  actions?: Array<{ action_id?: string; value?: string }>;
  view?: { id?: string; private_metadata?: string };
}

export function requestFields(raw: unknown): RequestFields {
  const body = (raw ?? {}) as SlackBody;
  const user = typeof body.user === 'string' ? body.user : (body.user?.id ?? body.user_id ?? body.event?.user);
  const action = body.actions?.[0];
  const ticket =
    action?.action_id?.startsWith('ticket_') && action.value
      ? ticketIdFrom(action.value)
      : body.view?.private_metadata
        ? metadataTicketId(body.view.private_metadata)
        : null;
  const requestId = body.type === 'view_submission' ? body.view?.id : body.trigger_id;
  return {
    ...(ticket !== null ? { ticket } : {}),
    ...(requestId ? { requestId } : {}),
    ...(body.event_id ? { eventId: body.event_id } : {}),
    ...(user ? { user } : {}),
  };
}
