// Routing by rotation: in business hours a new ticket mentions the owning squad's gardener in its
// thread, so one named person looks at it first. Out of hours, P1 paging belongs to escalation.
import type { SupportConfig } from '../config/supportConfig.js';
import { isBusinessTime } from '../domain/businessHours.js';
import { gardenerCall } from '../messages/ticketReplies.js';
import { enqueue } from '../outbox/queue.js';
import { onDuty } from './duty.js';
import { gardenerRef } from './rotations.js';
import type { TicketHooks } from './tickets.js';

export function gardenerRouting(config: SupportConfig): TicketHooks {
  return {
    async created(tx, ticket, now) {
      const squad = config.services[ticket.service]?.squad;
      const ref = squad ? gardenerRef(config, squad) : undefined;
      if (!ref || !isBusinessTime(config.calendar, now)) return;
      const { user } = await onDuty(tx, ref.rotation, now);
      await enqueue(tx, { kind: 'ticket.reply', ticketId: ticket.id, text: gardenerCall({ ...ref, user }) }, { now });
    },
  };
}
