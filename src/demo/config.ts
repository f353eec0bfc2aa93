// The demo's company: four services in three squads, weekly gardeners, a paid on-call rotation,
// London business hours, deploy windows — the shape of supportbot.example.yml, with made-up Slack
// ids (nothing is sent to Slack). People are named in their ids so the report and the status page
// read as a team.
import { parseSupportConfig, type SupportConfig } from '../config/supportConfig.js';

export const PEOPLE = {
  /** Support staff: they file the tickets. */
  support: ['U0SAM', 'U0PRIYA', 'U0LEO'],
  payments: ['U0ANA', 'U0BEN', 'U0CHLOE'],
  search: ['U0DAN', 'U0ELIF'],
  identity: ['U0FARID', 'U0GRACE'],
  oncall: ['U0ANA', 'U0DAN', 'U0FARID', 'U0HUGO'],
  admin: 'U0MARTA',
} as const;

export const DEMO_CONFIG_DOC = {
  timezone: 'Europe/London',
  channels: { support: 'C0SUPPORT', deploys: 'C0DEPLOYS', managers: 'C0MANAGERS' },
  businessHours: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '18:00', holidays: ['2026-12-25', '2026-12-26'] },
  deploys: { lookbackMinutes: 60, windows: ['mon-thu 10:00-16:00', 'fri 10:00-12:00'] },
  admins: [PEOPLE.admin],
  squads: {
    payments: { name: 'Payments', gardener: { members: [...PEOPLE.payments], start: '2026-01-05 09:00', handoffs: ['mon 09:00'] } },
    search: { name: 'Search', gardener: { members: [...PEOPLE.search], start: '2026-01-05 09:00', handoffs: ['mon 09:00'] } },
    identity: { name: 'Identity', gardener: { members: [...PEOPLE.identity], start: '2026-01-05 09:00', handoffs: ['mon 09:00'] } },
  },
  services: {
    checkout: { name: 'Checkout', squad: 'payments', repositories: ['acme/checkout'] },
    billing: { name: 'Billing', squad: 'payments', deployWindows: ['mon-fri 09:00-17:00'] },
    search: { name: 'Search', squad: 'search', repositories: ['acme/search'] },
    accounts: { name: 'Accounts', squad: 'identity' },
  },
  oncall: {
    members: [...PEOPLE.oncall],
    start: '2026-01-05 18:00',
    handoffs: ['mon 18:00', 'tue 18:00', 'wed 18:00', 'thu 18:00', 'fri 18:00'],
  },
  pay: { currency: 'EUR', hourlyRate: 5, calloutFee: 50, weekendMultiplier: 1.5, holidayMultiplier: 2 },
  digest: { cron: '0 9 * * 1', enabled: true },
};

/** Which squad answers for each service, for picking who takes a ticket. */
export const SQUAD_OF: Record<string, 'payments' | 'search' | 'identity'> = {
  checkout: 'payments',
  billing: 'payments',
  search: 'search',
  accounts: 'identity',
};

export function demoConfig(): SupportConfig {
  return parseSupportConfig(DEMO_CONFIG_DOC, 'demo config');
}
