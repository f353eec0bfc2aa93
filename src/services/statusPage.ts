// Gathers what the status page shows at `now`: open tickets with their SLA state (the same rules
// as the ticket's root message), who is on duty (the same rules as /support oncall), the latest
// production deploys with their tickets, and the change failure rate of the last 7 days.
import type { Clock } from '../clock.js';
import type { SupportConfig } from '../config/supportConfig.js';
import type { Provider } from '../db/provider.js';
import type { Db } from '../repos/db.js';
import type { StatusDuty, StatusPageData, StatusTicket } from '../messages/statusPage.js';
import { oldestOpenTickets, openTicketCounts, recentProductionDeploys } from '../repos/statusPage.js';
import { deployView } from './deploys.js';
import { windowsLabel } from './deployWindows.js';
import { changeFailures } from './reports.js';
import { dutyReports } from './rotations.js';
import { ticketView, type Ticket } from './tickets.js';

export interface StatusPageDeps {
  db: Db;
  provider: Provider;
  config: SupportConfig;
  clock: Clock;
}

/** More than this many open tickets are counted, not listed. */
export const LISTED_TICKETS = 200;
export const RECENT_DEPLOYS = 10;
export const FAILURE_RATE_DAYS = 7;

function statusTicket(config: SupportConfig, t: Ticket, now: Date): StatusTicket {
  const v = ticketView(config, t, now);
  return {
    id: v.id,
    title: v.title,
    priority: v.priority,
    status: v.status,
    serviceName: v.serviceName,
    ownerId: v.ownerId,
    openedAt: t.createdAt,
    sla: { state: v.sla.state, minutesLeft: v.sla.minutesLeft },
  };
}

async function dutyNow(deps: StatusPageDeps): Promise<StatusDuty[]> {
  return (await dutyReports(deps)).map((report) => {
    // On call in business hours: the report names who is paged from closing time, and who holds it until then.
    if (report.untilThen === undefined || report.untilThen === report.holder) return { title: report.title, userId: report.holder };
    return { title: report.title, userId: report.untilThen, outOfHours: { from: report.from, userId: report.holder } };
  });
}

export async function statusPageData(deps: StatusPageDeps): Promise<StatusPageData> {
  const { db, config } = deps;
  const now = deps.clock.now();
  const [counts, tickets, deploys, failures, duty] = await Promise.all([
    openTicketCounts(db),
    oldestOpenTickets(db, LISTED_TICKETS),
    recentProductionDeploys(db, RECENT_DEPLOYS),
    changeFailures(deps, { from: new Date(now.getTime() - FAILURE_RATE_DAYS * 86_400_000), to: now }),
    dutyNow(deps),
  ]);
  return {
    now,
    timeZone: config.timeZone,
    open: { counts, tickets: tickets.map((t) => statusTicket(config, t, now)) },
    duty,
    deploys: deploys.map(({ deploy, tickets }) => ({
      ...deployView(config, deploy),
      changeFailure: deploy.changeFailure,
      // Judged when it was recorded; labelled with the windows configured now.
      outsideWindow: deploy.outsideWindow ? windowsLabel(config, deploy.service) : null,
      tickets,
    })),
    changeFailure: { failures: failures.failures, deploys: failures.deploys, days: FAILURE_RATE_DAYS },
  };
}
