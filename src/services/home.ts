// App Home, the live dashboard: published at once when someone opens the tab, and republished for
// the people who opened it lately when tickets change. A ticket change plans one refresh job per
// debounce bucket (the dedupKey names the bucket), so a burst of changes, on any number of replicas,
// republishes once; the job queues the views.publish calls through the outbox, whose relay retries
// 429s and 5xx. The numbers are explained in docs/app-home.md.
import type { KnownBlock } from '@slack/types';
import type { Clock } from '../clock.js';
import type { SupportConfig } from '../config/supportConfig.js';
import type { Provider } from '../db/provider.js';
import { insertJobOnce, type JobHandler, type JobHandlers, scheduledKeys } from '../jobs/scheduler.js';
import { HOME_LISTED, type HomeTicket, homeTeamBlocks, homeView } from '../messages/home.js';
import { enqueue, type OutboxKind } from '../outbox/queue.js';
import { type Db, inTransaction, type Tx } from '../repos/db.js';
import { recentHomeViewers, recordHomeViewer } from '../repos/homeViewers.js';
import { countOpenTickets, openTickets, openTicketsOf } from '../repos/tickets.js';
import { buildReport } from './reports.js';
import { dutyReports } from './rotations.js';
import { type Ticket, type TicketHooks, ticketView } from './tickets.js';

export const HOME_REFRESH = 'home.refresh';
/** A bucket's refresh, recorded as done by the one pass that ran it. */
const HOME_REFRESH_RUN = 'home.refresh.run';

export const HOME_REFRESH_LIMITS = {
  /** Changes within one bucket share one refresh, run when the bucket ends. */
  debounceMs: 30_000,
  /** Who opened Home this recently is republished for. */
  viewerDays: 7,
  /**
   * views.publish is Tier 4 (100+ a minute per workspace). Two buckets a minute at most, 40 each:
   * 80 refreshes a minute, leaving room for people opening the tab.
   */
  publishesPerRun: 40,
  /** Open tickets read for the team counts (the rest are counted, not classified). */
  teamTickets: 1000,
} as const;

export interface HomeDeps {
  db: Db;
  provider: Provider;
  config: SupportConfig;
  clock: Clock;
  kick(): void;
}

/** What building the dashboard reads through: the database, or the transaction of a job. */
type HomeReader = Pick<HomeDeps, 'provider' | 'config'> & { db: Db | Tx };

function homeTicket(config: SupportConfig, t: Ticket, now: Date): HomeTicket {
  return { view: ticketView(config, t, now), permalink: t.rootPermalink, openedAt: t.createdAt };
}

/** The shared part: team counts and the oldest unowned, who is on duty, this week's figures. */
async function teamPart(r: HomeReader, now: Date): Promise<KnownBlock[]> {
  const [open, openTotal, duty, week] = await Promise.all([
    openTickets(r.db, { take: HOME_REFRESH_LIMITS.teamTickets }),
    countOpenTickets(r.db),
    dutyReports({ db: r.db, config: r.config, clock: { now: () => now } }),
    buildReport(r, { period: 7, now }),
  ]);
  return homeTeamBlocks({ open: open.map((t) => homeTicket(r.config, t, now)), openTotal, duty, week, timeZone: r.config.timeZone });
}

/** Each person's most urgent open tickets, filed or owned, and how many they have. */
async function ticketsOf(r: HomeReader, userIds: string[], now: Date): Promise<Map<string, { yours: HomeTicket[]; total: number }>> {
  const lists = await Promise.all(
    userIds.map(async (u) => {
      const { tickets, total } = await openTicketsOf(r.db, u, HOME_LISTED.yours);
      return [u, { yours: tickets.map((t) => homeTicket(r.config, t, now)), total }] as const;
    }),
  );
  return new Map(lists);
}

/** The views.publish calls for these people; each person's go out in the order queued. */
async function publishes(r: HomeReader, userIds: string[], now: Date): Promise<Array<{ userId: string; call: OutboxKind }>> {
  const [team, yours] = await Promise.all([teamPart(r, now), ticketsOf(r, userIds, now)]);
  return userIds.map((userId) => {
    const { yours: mine, total } = yours.get(userId) ?? { yours: [], total: 0 };
    const view = homeView({ userId, yours: mine, yoursTotal: total, team, now, timeZone: r.config.timeZone });
    return { userId, call: { kind: 'call', method: 'views.publish', args: { user_id: userId, view } } };
  });
}

const orderingKey = (userId: string) => `home:${userId}`;

/** Someone opened their Home tab: remember them, and publish their dashboard now (built before the write). */
export async function openHome(deps: HomeDeps, userId: string): Promise<void> {
  const now = deps.clock.now();
  const [publish] = await publishes(deps, [userId], now);
  await inTransaction(deps.db, async (tx) => {
    await recordHomeViewer(tx, userId, now);
    await enqueue(tx, publish!.call, { now, orderingKey: orderingKey(userId) });
  });
  deps.kick();
}

const bucketEnd = (now: Date) => {
  const { debounceMs } = HOME_REFRESH_LIMITS;
  return new Date((Math.floor(now.getTime() / debounceMs) + 1) * debounceMs);
};

/**
 * Plans the refresh of the bucket `now` falls in, keyed by the ticket as well: a change waits on no
 * other ticket's transaction for the key (on PostgreSQL a shared key would make concurrent changes
 * queue behind each other, and deadlock with one that goes on to lock a second ticket). The job
 * handler makes the bucket's jobs one refresh. Cheap when the ticket planned it already.
 */
export async function planHomeRefresh(tx: Tx, ticketId: number, now: Date): Promise<void> {
  const job = homeRefreshJob(ticketId, now);
  if ((await scheduledKeys(tx, [job.dedupKey])).length) return;
  await insertJobOnce(tx, job);
}

function homeRefreshJob(ticketId: number, now: Date) {
  const dueAt = bucketEnd(now);
  return { kind: HOME_REFRESH, dueAt, dedupKey: `${HOME_REFRESH}:${dueAt.toISOString()}:${ticketId}` };
}

/** Every ticket change plans a refresh, in the change's transaction (a new ticket has none to look up). */
export function homeRefreshHooks(): TicketHooks {
  return {
    created: async (tx, ticket, now) => {
      await insertJobOnce(tx, homeRefreshJob(ticket.id, now));
    },
    changed: (tx, _before, after, _eventType, now) => planHomeRefresh(tx, after.id, now),
    answered: (tx, ticket, now) => planHomeRefresh(tx, ticket.id, now),
  };
}

/**
 * Job handlers whose jobs change what the dashboard shows outside the ticket hooks (an SLA reminder
 * turns a ticket "due soon", a breach marks it) plan the refresh of their tickets too.
 */
export function refreshingHome(handlers: JobHandlers): JobHandlers {
  return Object.fromEntries(
    Object.entries(handlers).map(([kind, run]): [string, JobHandler] => [
      kind,
      async (tx, jobs, now, afterCommit) => {
        await run(tx, jobs, now, afterCommit);
        for (const ticketId of new Set(jobs.flatMap((j) => (j.ticketId === null ? [] : [j.ticketId]))))
          await planHomeRefresh(tx, ticketId, now);
      },
    ]),
  );
}

export function homeJobHandlers(deps: Pick<HomeDeps, 'provider' | 'config'>): JobHandlers {
  return {
    // The jobs of a bucket (one per ticket changed) and of several buckets (the bot was down) make one
    // refresh; another replica's pass that claimed some of the same buckets' jobs finds them taken.
    async [HOME_REFRESH](tx, jobs, now) {
      let won = false;
      for (const dueAt of new Set(jobs.map((j) => j.dueAt.toISOString())))
        if (
          await insertJobOnce(tx, { kind: HOME_REFRESH_RUN, dueAt: new Date(dueAt), dedupKey: `${HOME_REFRESH_RUN}:${dueAt}`, done: now })
        )
          won = true;
      if (!won) return;
      const { viewerDays, publishesPerRun } = HOME_REFRESH_LIMITS;
      const viewers = await recentHomeViewers(tx, new Date(now.getTime() - viewerDays * 86_400_000), publishesPerRun);
      if (!viewers.length) return;
      // Bulk: a refresh nobody is waiting for goes after ticket messages and answers to clicks.
      for (const { userId, call } of await publishes({ ...deps, db: tx }, viewers, now))
        await enqueue(tx, call, { now, bulk: true, orderingKey: orderingKey(userId) });
    },
  };
}
