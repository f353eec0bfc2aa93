import { readFileSync } from 'node:fs';
import cron from 'node-cron';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import type { BusinessCalendar } from '../domain/calendar.js';
import { DEFAULT_FIRST_RESPONSE, DEFAULT_SLA, PRIORITIES, type Priority } from '../domain/priority.js';
import { localInstant, parseHandoff } from '../domain/rotation.js';
import type { SlaPolicy } from '../domain/sla.js';
import type { DeployWindow } from '../domain/deployWindow.js';
import { isDigestCron } from '../domain/digestPeriod.js';
import { compareTemplateSchema, deployWindowsSchema, rolloutStallHoursSchema } from './deploySchemas.js';
import { ConfigError } from './env.js';
import { issueLines, sentences } from './issues.js';

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const slackChannel = z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'must be a Slack channel id such as C0123456789');
const slackUser = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id such as U0123456789');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time "HH:mm"');
function succeeds(check: () => unknown): boolean {
  try {
    check();
    return true;
  } catch {
    return false;
  }
}
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date "YYYY-MM-DD"')
  .refine((date) => succeeds(() => localInstant(date, 'UTC')), 'must be a real date, e.g. not 2026-02-30');
const timeZone = z
  .string()
  .refine((tz) => succeeds(() => new Intl.DateTimeFormat('en', { timeZone: tz })), 'must be an IANA time zone such as Europe/London');
// Validated by the parser the rotation maths uses, so the config accepts exactly what it can run.
const handoff = z.string().refine((spec) => succeeds(() => parseHandoff(spec)), 'must be a weekly handoff such as "mon 09:00"');
// node-cron triggers the digest and croner works out the latest instant it was due: both must read it.
const digestCron = z
  .string()
  .refine(
    (expr) => cron.validate(expr) && isDigestCron(expr),
    'must be a cron expression such as "0 9 * * 1" (minute hour day month weekday)',
  );
const id = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lower-case letters, digits, "-" or "_"');

const rotationSchema = z.strictObject({
  members: z
    .array(
      z.union([slackUser, z.strictObject({ user: slackUser, from: isoDate.optional(), until: isoDate.optional() })], {
        error: 'must be a Slack user id, or { user, from, until } with dates "YYYY-MM-DD"',
      }),
    )
    .default([]),
  start: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2} ([01]\d|2[0-3]):[0-5]\d$/, 'must be "YYYY-MM-DD HH:mm" (local time)')
    .refine((start) => succeeds(() => localInstant(start, 'UTC')), 'must be a real date, e.g. not 2026-02-30'),
  handoffs: z.array(handoff).min(1).default(['mon 09:00']),
  usergroup: z
    .string()
    .regex(/^S[A-Z0-9]{2,}$/, 'must be a Slack user group id such as S0123456789')
    .optional(),
  timezone: timeZone.optional(),
  /** Hours before a shift its incoming person is reminded; 0 turns the reminder off. */
  reminderHours: z.number().min(0).max(168).optional(),
});

const slaPolicySchema = z.strictObject({
  minutes: z.number().int().positive(),
  businessHours: z.boolean(),
});

const fileSchema = z.strictObject({
  timezone: timeZone,
  channels: z.strictObject({
    support: slackChannel,
    deploys: slackChannel.optional(),
    managers: slackChannel.optional(),
  }),
  businessHours: z
    .object({
      days: z.array(z.enum(WEEKDAYS)).min(1).default(['mon', 'tue', 'wed', 'thu', 'fri']),
      start: hhmm.default('09:00'),
      end: hhmm.default('18:00'),
      holidays: z.array(isoDate).default([]),
    })
    .refine((b) => b.end > b.start, { message: 'end must be after start', path: ['end'] })
    .prefault({}),
  sla: z
    .object({
      P1: slaPolicySchema.optional(),
      P2: slaPolicySchema.optional(),
      P3: slaPolicySchema.optional(),
      reminderAt: z.number().gt(0).lt(1).default(0.75),
      firstResponse: z
        .object({ P1: slaPolicySchema.optional(), P2: slaPolicySchema.optional(), P3: slaPolicySchema.optional() })
        .prefault({}),
    })
    .prefault({}),
  escalation: z
    .object({
      pageTimeoutMinutes: z.number().int().positive().default(10),
      chainLength: z.number().int().min(1).max(10).default(3),
    })
    .prefault({}),
  deploys: z
    .object({
      lookbackMinutes: z.number().int().positive().default(60),
      gitLogins: z.record(z.string(), slackUser).default({}),
      windows: deployWindowsSchema.default([]),
      rolloutStallHours: rolloutStallHoursSchema,
    })
    .prefault({}),
  admins: z.array(slackUser).default([]),
  squads: z.record(id, z.strictObject({ name: z.string().min(1), gardener: rotationSchema.optional() })).default({}),
  services: z
    .record(
      id,
      z.strictObject({
        name: z.string().min(1).max(60),
        squad: id.optional(),
        repositories: z.array(z.string()).default([]),
        deployWindows: deployWindowsSchema.optional(),
        compare: compareTemplateSchema.optional(),
      }),
    )
    .refine((s) => Object.keys(s).length > 0, 'must list at least one service')
    .refine((s) => Object.keys(s).length <= 99, 'at most 99 services fit in the form'),
  oncall: rotationSchema.optional(),
  rotations: z.strictObject({ reminderHours: z.number().min(0).max(168).default(24) }).prefault({}),
  pay: z
    .object({
      currency: z.string().min(1).default('EUR'),
      hourlyRate: z.number().nonnegative().optional(),
      shiftRate: z.number().nonnegative().optional(),
      calloutFee: z.number().nonnegative().default(0),
      weekendMultiplier: z.number().positive().default(1),
      holidayMultiplier: z.number().positive().default(1),
    })
    .prefault({}),
  digest: z
    .strictObject({
      /** false: no weekly digest (a workspace that reads `/support report` only). */
      enabled: z.boolean().default(true),
      cron: digestCron.default('0 9 * * 1'),
    })
    .prefault({}),
});

type FileConfig = z.infer<typeof fileSchema>;

export interface RotationConfig {
  id: string;
  timeZone: string;
  members: Array<{ user: string; from?: string; until?: string }>;
  start: string;
  handoffs: string[];
  usergroupId?: string;
  /** Hours before a shift its incoming person is DMed; 0: never. */
  reminderHours: number;
}

export interface Service {
  id: string;
  name: string;
  squad?: string;
  repositories: string[];
  /** Overrides `deploys.windows` for this service. */
  deployWindows?: DeployWindow[];
  /** Compare URL template (see domain/compareUrl.ts). */
  compare?: string;
}

export interface SupportConfig {
  timeZone: string;
  channels: { support: string; deploys: string; managers: string };
  calendar: BusinessCalendar;
  sla: Record<Priority, SlaPolicy>;
  /** Time to the first response by someone other than the reporter, on the same clock rules. */
  firstResponse: Record<Priority, SlaPolicy>;
  reminderFraction: number;
  escalation: { pageTimeoutMinutes: number; chainLength: number };
  deploys: { lookbackMinutes: number; gitLogins: Record<string, string>; windows: DeployWindow[]; rolloutStallHours: number };
  admins: string[];
  squads: Record<string, { id: string; name: string; gardener?: RotationConfig }>;
  services: Record<string, Service>;
  oncall?: RotationConfig;
  pay: FileConfig['pay'];
  /** The weekly digest to `channels.managers`, on `cron` in `timeZone`. */
  digest: { enabled: boolean; cron: string };
}

function rotation(id: string, raw: z.infer<typeof rotationSchema>, zone: string, reminderHours: number): RotationConfig {
  return {
    id,
    timeZone: raw.timezone ?? zone,
    members: raw.members.map((m) => (typeof m === 'string' ? { user: m } : m)),
    start: raw.start,
    handoffs: raw.handoffs,
    reminderHours: raw.reminderHours ?? reminderHours,
    ...(raw.usergroup ? { usergroupId: raw.usergroup } : {}),
  };
}

type RawPolicies = Partial<Record<Priority, z.infer<typeof slaPolicySchema>>>;

function policies(raw: RawPolicies, defaults: Record<Priority, SlaPolicy>): Record<Priority, SlaPolicy> {
  return Object.fromEntries(
    PRIORITIES.map((p) => {
      const custom = raw[p];
      return [p, custom ? { targetMinutes: custom.minutes, businessHoursOnly: custom.businessHours } : defaults[p]];
    }),
  ) as Record<Priority, SlaPolicy>;
}

function toConfig(raw: FileConfig): SupportConfig {
  const services = Object.fromEntries(Object.entries(raw.services).map(([sid, s]) => [sid, { id: sid, ...s }]));
  return {
    timeZone: raw.timezone,
    channels: {
      support: raw.channels.support,
      deploys: raw.channels.deploys ?? raw.channels.support,
      managers: raw.channels.managers ?? raw.channels.support,
    },
    calendar: {
      timeZone: raw.timezone,
      workingDays: raw.businessHours.days.map((d) => WEEKDAYS.indexOf(d) + 1),
      start: raw.businessHours.start,
      end: raw.businessHours.end,
      holidays: raw.businessHours.holidays,
    },
    sla: policies(raw.sla, DEFAULT_SLA),
    firstResponse: policies(raw.sla.firstResponse, DEFAULT_FIRST_RESPONSE),
    reminderFraction: raw.sla.reminderAt,
    escalation: raw.escalation,
    deploys: raw.deploys,
    admins: raw.admins,
    squads: Object.fromEntries(
      Object.entries(raw.squads).map(([sid, s]) => [
        sid,
        {
          id: sid,
          name: s.name,
          ...(s.gardener ? { gardener: rotation(`gardener:${sid}`, s.gardener, raw.timezone, raw.rotations.reminderHours) } : {}),
        },
      ]),
    ),
    services,
    ...(raw.oncall ? { oncall: rotation('oncall', raw.oncall, raw.timezone, raw.rotations.reminderHours) } : {}),
    pay: raw.pay,
    digest: raw.digest,
  };
}

/** Validates a parsed YAML document; every error names its YAML path. */
export function parseSupportConfig(doc: unknown, source = 'SUPPORT_CONFIG'): SupportConfig {
  const parsed = fileSchema.safeParse(doc ?? {}, { error: sentences });
  if (!parsed.success) throw new ConfigError(`Invalid config in ${source}:\n${issueLines(parsed.error.issues).join('\n')}`);
  const raw = parsed.data;
  const problems: string[] = [];
  for (const [sid, s] of Object.entries(raw.services)) {
    if (s.squad && !raw.squads[s.squad])
      problems.push(`  services.${sid}.squad: unknown squad "${s.squad}" (known: ${Object.keys(raw.squads).join(', ') || 'none'})`);
  }
  // One pay basis, so a report never pays hours and shifts for the same time by accident.
  if (raw.pay.hourlyRate !== undefined && raw.pay.shiftRate !== undefined) {
    problems.push('  pay: set either hourlyRate or shiftRate, not both');
  }
  if (raw.oncall && raw.pay.hourlyRate === undefined && raw.pay.shiftRate === undefined) {
    problems.push('  pay: the oncall rotation is paid; set pay.hourlyRate or pay.shiftRate');
  }
  if (problems.length) throw new ConfigError(`Invalid config in ${source}:\n${problems.join('\n')}`);
  return toConfig(raw);
}

export function loadSupportConfig(path: string): SupportConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(
      `SUPPORT_CONFIG: cannot read "${path}". Copy supportbot.example.yml to supportbot.yml (or point SUPPORT_CONFIG at your file).`,
    );
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    const where = e instanceof YAMLParseError && e.linePos ? ` at line ${e.linePos[0].line}` : '';
    throw new ConfigError(`SUPPORT_CONFIG: "${path}" is not valid YAML${where}: ${(e as Error).message.split('\n')[0]}`);
  }
  return parseSupportConfig(doc, path);
}
