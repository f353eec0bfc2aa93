// Each feature's wiring: its use cases' dependencies, the hooks it adds to ticket changes, its job
// handlers, its /support subcommands, its Slack listeners and its HTTP routes.
import { ListenerIndex } from '../slack/listenerIndex.js';
import type { App } from '@slack/bolt';
import type { Express } from 'express';
import type { Clock } from '../clock.js';
import type { Env } from '../config/env.js';
import type { SupportConfig } from '../config/supportConfig.js';
import { registerDeployRoutes } from '../http/deploys.js';
import { registerStatusRoutes } from '../http/status.js';
import type { JobHandlers } from '../jobs/scheduler.js';
import type { Logger } from '../logger.js';
import type { Provider } from '../db/provider.js';
import type { Db } from '../repos/db.js';
import { causeCandidates, decideLink, type DeployDeps, deployTicketHooks, mayJudgeLink, recordDeploy } from '../services/deploys.js';
import { coverRequestJobHandlers } from '../services/coverRequests.js';
import { sendDueDigest } from '../services/digest.js';
import { firstResponseHooks, firstResponseJobHandlers } from '../services/firstResponseTimers.js';
import { checkHandoffs } from '../services/handoffs.js';
import { homeJobHandlers, homeRefreshHooks, refreshingHome } from '../services/home.js';
import { planRotationGapNotices, rotationGapJobHandlers } from '../services/rotationGaps.js';
import { planRetentionPrune, retentionJobHandlers } from '../services/retention.js';
import { planShiftReminders, shiftReminderJobHandlers } from '../services/shiftReminders.js';
import { pagingHooks, pagingJobHandlers } from '../services/paging.js';
import { type EmailLookup, PeopleResolver } from '../services/people.js';
import { rolloutJobHandlers } from '../services/rollouts.js';
import { gardenerRouting } from '../services/routing.js';
import { type SlaObserver, slaJobHandlers, slaTimerHooks } from '../services/slaTimers.js';
import type { TicketDeps } from '../services/tickets.js';
import { helpSubcommand, registerSupportCommand, type Subcommand } from '../slack/commands.js';
import { coverMeSubcommand, registerCoverRequestListeners } from '../slack/coverRequests.js';
import { deploySubcommand, registerDeployListeners } from '../slack/deployListeners.js';
import { registerHome } from '../slack/home.js';
import { rotationSubcommands } from '../slack/rotationCommands.js';
import { registerIntakeListeners } from '../slack/intakeListeners.js';
import { exportSubcommand, registerReportListeners, reportSubcommand } from '../slack/reportCommands.js';
import { openTicketForm, registerTicketListeners } from '../slack/ticketListeners.js';

export interface FeatureDeps {
  db: Db;
  provider: Provider;
  clock: Clock;
  config: SupportConfig;
  /** What the HTTP routes need of the environment. */
  env: Pick<Env, 'DEPLOY_WEBHOOK_SECRET' | 'STATUS_PAGE_TOKEN'>;
  log: Logger;
  kick(): void;
  /** Finds the Slack user of a deploy author's email (users.lookupByEmail). */
  lookupEmail: EmailLookup;
  /** SLA reminders and breaches as they are queued (metrics). */
  sla?: SlaObserver;
}

export interface Features {
  /** The ticket and deploy use cases' dependencies, hooks included (what the listeners and `npm run demo` call them with). */
  useCases: { tickets: TicketDeps; deploys: DeployDeps };
  jobHandlers: JobHandlers;
  /** Announces duty changes up to the clock's now, and plans shift reminders and rotation gap notices. */
  checkHandoffs(): Promise<boolean>;
  /**
   * Sends the weekly digest of the latest period due unless it was sent (what the digest cron and
   * the start run). A failed attempt is logged and tried again by the next checkHandoffs (every minute).
   */
  checkDigest(): Promise<void>;
  /** Registers every listener and route; `afterRotationChange` runs the handoff check at once. */
  register(app: App, http: Express, afterRotationChange: () => Promise<void>): void;
}

export function wireFeatures(deps: FeatureDeps): Features {
  const { db, clock, config, kick, log } = deps;
  const deployDeps: DeployDeps = {
    db,
    clock,
    config,
    kick,
    people: new PeopleResolver(deps.lookupEmail, clock, config.deploys.gitLogins),
  };
  // Every hook is known before the ticket use cases get them: SLA and first-response timers, out-of-hours paging,
  // deploy links and gardener mentions, then the App Home refresh, in that order, inside each ticket change's transaction.
  const ticketDeps: TicketDeps = {
    db,
    clock,
    config,
    kick,
    hooks: [
      slaTimerHooks(config),
      firstResponseHooks(config),
      pagingHooks(config),
      deployTicketHooks(deployDeps),
      gardenerRouting(config),
      homeRefreshHooks(),
    ],
  };
  const handoffDeps = { db, config, clock, log: log.child({ component: 'handoffs' }), kick };
  const digestDeps = {
    db,
    provider: deps.provider,
    clock,
    config,
    kick,
    log: log.child({ component: 'digest' }),
  };
  let digestFailed = false;
  const checkDigest = async () => {
    try {
      await sendDueDigest(digestDeps);
      digestFailed = false;
    } catch (err) {
      digestFailed = true;
      digestDeps.log.error({ err }, 'weekly digest failed; trying again in a minute');
    }
  };
  return {
    useCases: { tickets: ticketDeps, deploys: deployDeps },
    checkDigest,
    jobHandlers: {
      ...refreshingHome(slaJobHandlers(config, deps.sla)),
      ...firstResponseJobHandlers(config, deps.sla),
      ...pagingJobHandlers(config),
      ...coverRequestJobHandlers(config),
      ...shiftReminderJobHandlers(config),
      ...rotationGapJobHandlers(config),
      ...rolloutJobHandlers(config),
      ...retentionJobHandlers(log.child({ component: 'retention' })),
      ...homeJobHandlers({ provider: deps.provider, config }),
    },
    // The periodic rotation check: handoffs now, then the reminders and gap notices ahead, and the next prune.
    async checkHandoffs() {
      const announced = await checkHandoffs(handoffDeps);
      const now = clock.now();
      for (const plan of [planShiftReminders, planRotationGapNotices, planRetentionPrune]) {
        await plan({ db, config }, now).catch((err: unknown) =>
          handoffDeps.log.error({ err }, 'planning rotation reminders or the prune failed'),
        );
      }
      if (digestFailed) await checkDigest();
      return announced;
    },
    register(bolt, http, afterRotationChange) {
      const listeners = new ListenerIndex();
      const app = listeners.app;
      const subcommands: Subcommand[] = [helpSubcommand(() => subcommands), deploySubcommand(deployDeps)];
      const rotationDeps = { db, clock, config, kick, afterChange: afterRotationChange, log };
      const reportDeps = { db, provider: deps.provider, config, clock, log, kick };
      subcommands.push(
        ...rotationSubcommands(rotationDeps),
        coverMeSubcommand(rotationDeps),
        reportSubcommand(reportDeps),
        exportSubcommand(reportDeps),
      );
      registerSupportCommand(app, { subcommands, openTicketForm: openTicketForm(ticketDeps), log });
      registerTicketListeners(app, {
        ...ticketDeps,
        log,
        deployCauses: {
          linked: (ticketId) => causeCandidates(deployDeps, ticketId),
          confirm: ({ deployId, ticketId, actorId }) => decideLink(deployDeps, { deployId, ticketId, actorId, verdict: 'caused' }),
          mayConfirm: (input) => mayJudgeLink(deployDeps, input),
        },
      });
      registerIntakeListeners(app, { ...ticketDeps, log });
      registerDeployListeners(app, { ...deployDeps, log });
      registerCoverRequestListeners(app, rotationDeps);
      registerReportListeners(app, reportDeps);
      registerHome(app, { db, provider: deps.provider, config, clock, kick, openTicketForm: openTicketForm(ticketDeps) });
      listeners.install(bolt);
      registerDeployRoutes(http, {
        secret: deps.env.DEPLOY_WEBHOOK_SECRET,
        config,
        clock,
        log,
        record: (input, o) => recordDeploy(deployDeps, input, o),
      });
      registerStatusRoutes(http, { token: deps.env.STATUS_PAGE_TOKEN, db, provider: deps.provider, config, clock, log });
    },
  };
}
