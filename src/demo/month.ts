// A month of support played through the real use cases on a manual clock: tickets filed mostly in
// business hours (P1 few, P3 many), taken by the squad's gardener on duty, some waiting on the
// reporter, some reopened, resolved with or without a code change; deploys inside their windows,
// one failed, one outside its window, one bad deploy that several tickets blame ("This caused it")
// and that is rolled back; an out-of-hours P1 that pages on call and escalates; a cover and a swap.
// The SLA reminders, breaches and pages come from the scheduler's own jobs as the clock moves.
// Everything random comes from one seeded generator, so each run gives the same month.
import { TZDate } from '@date-fns/tz';
import type { ManualClock } from '../clock.js';
import type { SupportConfig } from '../config/supportConfig.js';
import { addBusinessMinutes } from '../domain/businessHours.js';
import type { DeployStatus } from '../domain/deploy.js';
import type { Priority } from '../domain/priority.js';
import type { Result } from '../domain/result.js';
import type { TicketAction } from '../domain/ticket.js';
import { decideLink, type DeployDeps, recordDeploy } from '../services/deploys.js';
import { cover, dutyReport, gardenerRef, oncallRef, type RotationDeps, swap } from '../services/rotations.js';
import { actOnTicket, createTicket, isAdmin, type TicketDeps } from '../services/tickets.js';
import { PEOPLE, SQUAD_OF } from './config.js';
import { Random } from './random.js';

/** What the month is played on: the use cases' dependencies and a clock that moves only when told. */
export interface DemoWorld {
  clock: ManualClock;
  config: SupportConfig;
  tickets: TicketDeps;
  deploys: DeployDeps;
  rotations: RotationDeps;
  /** Moves the clock to `at`, running on the way the jobs (SLA timers, pages) that come due. */
  advanceTo(at: Date): Promise<void>;
  /** What the bot's minute cron does: announce handoffs, plan shift reminders and rotation gap notices. */
  handoffs(): Promise<void>;
}

/** The 30 days before Monday 30 November 2026, 09:00 in London: the instant the last weekly digest is due. */
export const DEMO_MONTH = { from: new Date('2026-10-31T09:00:00Z'), to: new Date('2026-11-30T09:00:00Z') };
export const DEMO_SEED = 20261130;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
type Squad = 'payments' | 'search' | 'identity';

const TITLES: Record<string, string[]> = {
  checkout: [
    'Discount code rejected at checkout',
    'Customer cannot change delivery address',
    'Order confirmation email missing',
    'Basket empties after login',
    'Gift card balance shown wrong',
    'Checkout slow for large baskets',
  ],
  billing: [
    'Invoice shows the wrong VAT rate',
    'Refund not visible on the statement',
    'Customer billed after cancelling',
    'Credit note PDF will not open',
    'Annual plan renewed at the old price',
  ],
  search: [
    'Search returns no results for "winter jacket"',
    'Filters reset when paging',
    'New products missing from search',
    'Autocomplete suggests discontinued items',
    'Sorting by price is wrong',
  ],
  accounts: [
    'Customer locked out after password change',
    'Two accounts with the same email',
    'Cannot delete account (GDPR request)',
    'Two-factor codes arrive late',
    'Profile page shows another language',
  ],
};
const FIXES = [
  'Explained the expected behaviour to the customer',
  'Corrected the data by hand in the admin console',
  'Cleared the cache and asked the customer to retry',
  'Config flag corrected',
];
const CODE_FIXES = ['Fixed in the next release', 'Hotfix deployed', 'Patched the query and added a test'];

const SLOTS = {
  // minutes to take a ticket, then to resolve it after taking (business minutes except P1: wall clock)
  take: { P1: [3, 15], P2: [5, 45], P3: [20, 240] },
  resolve: { P1: [15, 60], P2: [20, 200], P3: [60, 1500] },
} as const satisfies Record<string, Record<Priority, readonly [number, number]>>;

interface Step {
  at: number;
  seq: number;
  run: () => Promise<void>;
}

const hhmm = (h: number, m: number) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;

function must<T>(result: Result<T>, what: string): T {
  if (!result.ok) throw new Error(`demo: ${what} was refused: ${result.error}`);
  return result.value;
}

class Month {
  private readonly steps: Step[] = [];
  private seq = 0;
  private readonly versions: Record<string, number> = { checkout: 40, billing: 12, search: 7, accounts: 21 };

  constructor(
    private readonly w: DemoWorld,
    private readonly rng: Random,
  ) {}

  private get now(): Date {
    return this.w.clock.now();
  }

  /** A local time in the config's zone: day "YYYY-MM-DD", time "HH:mm". */
  local(day: string, time: string): Date {
    const [y, m, d] = day.split('-').map(Number);
    const [hh, mm] = time.split(':').map(Number);
    return new Date(new TZDate(y!, m! - 1, d!, hh!, mm!, this.w.config.timeZone).getTime());
  }

  at(t: Date, run: () => Promise<void>): void {
    this.steps.push({ at: t.getTime(), seq: this.seq++, run });
  }

  after(minutes: number, run: () => Promise<void>): void {
    this.at(new Date(this.now.getTime() + minutes * MINUTE), run);
  }

  /** After `minutes` of business time (from the next opening when out of hours). */
  afterWorking(minutes: number, run: () => Promise<void>): void {
    this.at(addBusinessMinutes(this.w.config.calendar, this.now, minutes), run);
  }

  /** Runs the steps in time order up to `until`; what would happen later stays undone (tickets still open). */
  async play(until: Date): Promise<void> {
    for (;;) {
      let next = -1;
      for (let i = 0; i < this.steps.length; i++) {
        const s = this.steps[i]!;
        const best = this.steps[next];
        if (!best || s.at < best.at || (s.at === best.at && s.seq < best.seq)) next = i;
      }
      const step = this.steps[next];
      if (!step || step.at >= until.getTime()) break;
      this.steps.splice(next, 1);
      await this.w.advanceTo(new Date(step.at));
      await step.run();
    }
    await this.w.advanceTo(until);
  }

  // People

  private async gardener(service: string): Promise<string> {
    const squad: Squad = SQUAD_OF[service]!;
    const report = await dutyReport(this.w.rotations, gardenerRef(this.w.config, squad)!);
    // Mostly the gardener on duty; now and then a squad-mate who saw it first.
    if (report.holder && this.rng.chance(0.8)) return report.holder;
    return this.rng.pick(PEOPLE[squad]);
  }

  private async onCall(): Promise<string> {
    return (await dutyReport(this.w.rotations, oncallRef(this.w.config)!)).holder ?? PEOPLE.admin;
  }

  // Use cases

  private async act(ticketId: number, action: TicketAction, userId: string): Promise<void> {
    const actor = { userId, isAdmin: isAdmin(this.w.config, userId) };
    must(await actOnTicket(this.w.tickets, { ticketId, action, actor }), `${action.type} on #${ticketId}`);
  }

  private resolution(): { type: 'resolve'; resolution: string; codeChangeNeeded: boolean } {
    const code = this.rng.chance(0.35);
    return { type: 'resolve', resolution: this.rng.pick(code ? CODE_FIXES : FIXES), codeChangeNeeded: code };
  }

  /** Waits `[min, max]` minutes, of the wall clock for a P1 and of business time otherwise. */
  private later(priority: Priority, [min, max]: readonly [number, number], run: () => Promise<void>): void {
    const minutes = this.rng.int(min, max);
    if (priority === 'P1') this.after(minutes, run);
    else this.afterWorking(minutes, run);
  }

  /** Files a ticket at `at`; `script` decides what happens to it (default: an ordinary life). */
  ticket(
    at: Date,
    spec: { priority: Priority; service: string; title: string; reporter?: string },
    script?: (id: number, reporter: string) => void,
  ): void {
    this.at(at, async () => {
      const reporter = spec.reporter ?? this.rng.pick(PEOPLE.support);
      const form = {
        title: spec.title,
        description: `Reported by a customer through chat. ${spec.title}; they tried again and it still happens.`,
        priority: spec.priority,
        service: spec.service,
        link: this.rng.chance(0.4) ? `ORDER-${this.rng.int(10000, 99999)}` : null,
      };
      const ticket = await createTicket(this.w.tickets, { form, reporterId: reporter });
      (script ?? ((id, r) => this.ordinaryLife(id, r, spec.priority, spec.service)))(ticket.id, reporter);
    });
  }

  /** Taken, perhaps re-prioritised or set waiting on the reporter, resolved, sometimes reopened. */
  private ordinaryLife(id: number, reporter: string, priority: Priority, service: string): void {
    this.later(priority, SLOTS.take[priority], async () => {
      const owner = await this.gardener(service);
      await this.act(id, { type: 'take' }, owner);
      const roll = this.rng.next();
      if (priority === 'P3' && roll < 0.05) {
        this.afterWorking(this.rng.int(10, 60), async () => {
          await this.act(id, { type: 'change_priority', priority: 'P2' }, owner);
          this.resolveLater(id, owner, reporter, 'P2', true);
        });
      } else if (priority !== 'P1' && roll < 0.17) {
        this.afterWorking(this.rng.int(15, 60), async () => {
          await this.act(id, { type: 'wait' }, owner);
          // The reporter answers a few working hours later, perhaps the next day.
          this.afterWorking(this.rng.int(60, 480), async () => {
            await this.act(id, { type: 'unwait' }, reporter);
            this.resolveLater(id, owner, reporter, priority, true);
          });
        });
      } else {
        this.resolveLater(id, owner, reporter, priority, true);
      }
    });
  }

  private resolveLater(id: number, owner: string, reporter: string, priority: Priority, mayReopen: boolean): void {
    this.later(priority, SLOTS.resolve[priority], async () => {
      await this.act(id, this.resolution(), owner);
      if (!mayReopen || !this.rng.chance(0.07)) return;
      // "It is back": the reporter reopens it; the same person takes it again.
      this.afterWorking(this.rng.int(60, 900), async () => {
        await this.act(id, { type: 'reopen' }, reporter);
        this.afterWorking(this.rng.int(10, 120), async () => {
          await this.act(id, { type: 'take' }, owner);
          this.resolveLater(id, owner, reporter, priority, false);
        });
      });
    });
  }

  private nextVersion(service: string): string {
    const minor = (this.versions[service] ?? 0) + 1;
    this.versions[service] = minor;
    return `${service === 'checkout' ? 2 : 1}.${minor}.0`;
  }

  /** A production deploy (or its rollback) reported as CI reports it, received now. */
  private report(service: string, version: string, author: string, status: DeployStatus) {
    return recordDeploy(this.w.deploys, {
      externalId: null,
      service,
      version,
      commit: null,
      author,
      mergedBy: null,
      url: null,
      environment: 'production',
      status,
      deployedAt: null,
      source: 'api',
    });
  }

  /** Records a production deploy at `at`; `then` gets its id. */
  deploy(
    at: Date,
    service: string,
    author: string,
    status: DeployStatus = 'succeeded',
    then?: (deployId: number, version: string) => void,
  ) {
    this.at(at, async () => {
      const version = this.nextVersion(service);
      const recorded = await this.report(service, version, author, status);
      if (recorded.kind !== 'created') throw new Error(`demo: deploy ${service} ${version} was ${recorded.kind}`);
      then?.(recorded.deploy.id, version);
    });
  }

  /** "This caused it" by whoever may say so (the ticket's owner). */
  private async caused(deployId: number, ticketId: number, actorId: string, verdict: 'caused' | 'unrelated' = 'caused') {
    must(await decideLink(this.w.deploys, { deployId, ticketId, verdict, actorId }), `verdict on #${ticketId}`);
  }

  // The month

  /** Ordinary days: tickets (Poisson, mostly in business hours) and deploys inside the windows. */
  ordinaryDay(day: string): void {
    const weekday = ![0, 6].includes(new Date(`${day}T12:00:00Z`).getUTCDay());
    const count = this.rng.poisson(weekday ? 5.2 : 0.5);
    for (let i = 0; i < count; i++) {
      const outOfHours = !weekday || this.rng.chance(0.07);
      const time = outOfHours ? hhmm(this.rng.int(18, 22), this.rng.int(0, 59)) : hhmm(this.rng.int(9, 17), this.rng.int(0, 59));
      const service = this.rng.weighted({ checkout: 35, billing: 20, search: 25, accounts: 20 });
      // P1s come from the scripted incidents and now and then in the day; nights bring P2 and P3 only.
      const priority: Priority = !outOfHours && this.rng.chance(0.02) ? 'P1' : this.rng.chance(0.27) ? 'P2' : 'P3';
      this.ticket(this.local(day, time), { priority, service, title: this.rng.pick(TITLES[service]!) });
    }
    if (!weekday) return;
    const friday = new Date(`${day}T12:00:00Z`).getUTCDay() === 5;
    for (const service of ['checkout', 'billing', 'search', 'accounts']) {
      if (!this.rng.chance(0.55)) continue;
      const hour = friday ? this.rng.int(10, 11) : this.rng.int(10, 15);
      const squad: Squad = SQUAD_OF[service]!;
      this.deploy(this.local(day, hhmm(hour, this.rng.int(0, 59))), service, this.rng.pick(PEOPLE[squad]));
    }
  }

  /** The bad checkout deploy: four tickets within the hour, three blamed on it, rolled back. */
  badDeploy(day: string): void {
    this.deploy(this.local(day, '11:00'), 'checkout', 'U0BEN', 'succeeded', (deployId, version) => {
      const blamed = (id: number, takeIn: number, resolveIn: number, verdict: 'caused' | 'unrelated') => {
        this.after(takeIn, async () => {
          const owner = await this.gardener('checkout');
          await this.act(id, { type: 'take' }, owner);
          this.after(10, () => this.caused(deployId, id, owner, verdict));
          this.after(resolveIn, () =>
            this.act(id, { type: 'resolve', resolution: 'Fixed by the rollback', codeChangeNeeded: true }, owner),
          );
        });
      };
      this.ticket(this.local(day, '11:08'), { priority: 'P1', service: 'checkout', title: 'Card payments fail with HTTP 500' }, (id) =>
        blamed(id, 4, 48, 'caused'),
      );
      this.ticket(this.local(day, '11:15'), { priority: 'P2', service: 'checkout', title: 'Apple Pay button spins forever' }, (id) =>
        blamed(id, 12, 95, 'caused'),
      );
      this.ticket(this.local(day, '11:31'), { priority: 'P2', service: 'checkout', title: 'Orders stuck in "pending payment"' }, (id) =>
        blamed(id, 9, 140, 'caused'),
      );
      this.ticket(this.local(day, '11:52'), { priority: 'P3', service: 'checkout', title: 'Customer says they were charged twice' }, (id) =>
        blamed(id, 30, 400, 'unrelated'),
      );
      this.at(this.local(day, '11:45'), async () => void (await this.report('checkout', version, 'U0BEN', 'rolled_back')));
    });
  }

  /** A succeeded accounts deploy that a ticket's owner later names as its cause, fixed forward. */
  blamedDeploy(day: string): void {
    this.deploy(this.local(day, '13:00'), 'accounts', 'U0GRACE', 'succeeded', (deployId) => {
      this.ticket(this.local(day, '13:20'), { priority: 'P2', service: 'accounts', title: 'Password reset emails not arriving' }, (id) => {
        this.after(15, async () => {
          const owner = await this.gardener('accounts');
          await this.act(id, { type: 'take' }, owner);
          this.after(20, () => this.caused(deployId, id, owner));
          this.at(this.local(day, '15:25'), () =>
            this.act(id, { type: 'resolve', resolution: 'Fixed forward in the next deploy', codeChangeNeeded: true }, owner),
          );
        });
      });
    });
    this.deploy(this.local(day, '15:10'), 'accounts', 'U0GRACE');
  }

  /** An out-of-hours P1: on call is paged, nobody answers in time, the page escalates, then it is taken. */
  nightPage(day: string, nextDay: string): void {
    this.ticket(
      this.local(day, '22:40'),
      { priority: 'P1', service: 'billing', title: 'Invoices not generated since 22:00', reporter: 'U0LEO' },
      (id) => {
        this.after(17, async () => {
          const owner = await this.onCall();
          await this.act(id, { type: 'take' }, owner);
          this.at(this.local(nextDay, '00:15'), () =>
            this.act(id, { type: 'resolve', resolution: 'Restarted the invoice worker; queue drained', codeChangeNeeded: false }, owner),
          );
        });
      },
    );
  }

  /** A weekend hotfix outside the billing deploy window, for a ticket filed that evening. */
  weekendHotfix(day: string): void {
    this.ticket(this.local(day, '19:05'), { priority: 'P2', service: 'billing', title: 'Invoice PDFs are empty' }, (id) => {
      this.after(20, async () => {
        await this.act(id, { type: 'take' }, 'U0CHLOE');
        this.at(this.local(day, '20:10'), () =>
          this.act(id, { type: 'resolve', resolution: 'Hotfix deployed', codeChangeNeeded: true }, 'U0CHLOE'),
        );
      });
    });
    this.deploy(this.local(day, '19:50'), 'billing', 'U0CHLOE');
  }

  /** The admin hands an on-call shift to someone else; two payments gardeners swap their weeks. */
  rotationChanges(coverDay: string, swapDay: string): void {
    this.at(this.local(coverDay, '10:00'), async () => {
      const ref = oncallRef(this.w.config)!;
      const [, shift, end] = (await dutyReport(this.w.rotations, ref)).upcoming;
      const userId = PEOPLE.oncall.find((u) => u !== shift!.user)!;
      must(await cover(this.w.rotations, { actorId: PEOPLE.admin, userId, from: shift!.at, to: end!.at, ref }), 'cover');
    });
    this.at(this.local(swapDay, '15:00'), async () => {
      const ref = gardenerRef(this.w.config, 'payments')!;
      const [mine, theirs] = (await dutyReport(this.w.rotations, ref)).upcoming;
      const [a, b] = [mine!.user!, theirs!.user!];
      must(await swap(this.w.rotations, { actorId: a, a, b, at: { at: mine!.at }, ref }), 'swap');
    });
  }

  /** A failed search deploy, retried half an hour later. */
  failedDeploy(day: string): void {
    this.deploy(this.local(day, '14:20'), 'search', 'U0DAN', 'failed');
    this.deploy(this.local(day, '14:50'), 'search', 'U0DAN');
  }

  /**
   * The bot checks handoffs every minute; the demo checks at 09:00 and 18:00 each day, the demo
   * config's handoff times, which is when a check finds something to do. (The weekly digests of
   * the month are not queued: the demo writes the last one's charts instead.)
   */
  handoffChecks(days: string[]): void {
    for (const day of days) for (const time of ['09:00', '18:00']) this.at(this.local(day, time), () => this.w.handoffs());
  }
}

function daysOf(from: Date, to: Date): string[] {
  const days: string[] = [];
  for (let t = from.getTime(); t < to.getTime(); t += 24 * HOUR) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/** Plays the demo's month on `world`, whose clock stands at DEMO_MONTH.from; leaves it at DEMO_MONTH.to. */
export async function playMonth(world: DemoWorld, seed = DEMO_SEED): Promise<void> {
  const month = new Month(world, new Random(seed));
  const { from, to } = DEMO_MONTH;
  const days = daysOf(from, to);
  month.handoffChecks([...days, to.toISOString().slice(0, 10)]);
  for (const day of days) month.ordinaryDay(day);
  month.rotationChanges('2026-11-02', '2026-11-11');
  month.failedDeploy('2026-11-05');
  month.badDeploy('2026-11-17');
  month.weekendHotfix('2026-11-21');
  month.blamedDeploy('2026-11-24');
  month.nightPage('2026-11-25', '2026-11-26');
  await month.play(to);
}
