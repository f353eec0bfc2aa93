import type { SlaPolicy } from './sla.js';

export const PRIORITIES = ['P1', 'P2', 'P3'] as const;
export type Priority = (typeof PRIORITIES)[number];

export function isPriority(value: unknown): value is Priority {
  return typeof value === 'string' && (PRIORITIES as readonly string[]).includes(value);
}

/** What each priority means to the people choosing it (SPEC 1). */
export const PRIORITY_INFO: Record<Priority, { label: string; examples: string }> = {
  P1: { label: 'Business critical', examples: 'customers cannot use the site, platform down, security' },
  P2: { label: 'Business affected', examples: 'admin blocked, business not delayed' },
  P3: { label: 'Business update', examples: 'cosmetic issues, small changes' },
};

export const DEFAULT_SLA: Record<Priority, SlaPolicy> = {
  P1: { targetMinutes: 60, businessHoursOnly: false },
  P2: { targetMinutes: 180, businessHoursOnly: true },
  P3: { targetMinutes: 1440, businessHoursOnly: true },
};

/** SPEC 3: P1 within 15 minutes around the clock, P2 within 1 and P3 within 4 business hours. */
export const DEFAULT_FIRST_RESPONSE: Record<Priority, SlaPolicy> = {
  P1: { targetMinutes: 15, businessHoursOnly: false },
  P2: { targetMinutes: 60, businessHoursOnly: true },
  P3: { targetMinutes: 240, businessHoursOnly: true },
};
