// Config pieces for deploys: windows and compare templates are checked by the same pure parsers
// that use them, so the config accepts exactly what the bot can run and errors name the key.
import { z } from 'zod';
import { checkCompareTemplate } from '../domain/compareUrl.js';
import type { Result } from '../domain/result.js';
import { parseDeployWindow } from '../domain/deployWindow.js';
import { DEFAULT_STALL_HOURS } from '../domain/rollout.js';

function checked<T>(parse: (s: string) => Result<T>) {
  return z.string().transform((s, ctx) => {
    const r = parse(s);
    if (r.ok) return r.value;
    ctx.addIssue({ code: 'custom', message: r.error });
    return z.NEVER;
  });
}

/** `deploys.windows` / `services.<id>.deployWindows`: ["mon-thu 10:00-16:00", "fri 10:00-12:00"]. */
export const deployWindowsSchema = z.array(checked(parseDeployWindow));

/** `services.<id>.compare`: "https://grafana.example.com/d/abc?var-old={previous}&var-new={version}". */
export const compareTemplateSchema = checked(checkCompareTemplate);

/** `deploys.rolloutStallHours`: a rollout not at 100% this long after its first stage is noted once. */
export const rolloutStallHoursSchema = z
  .number()
  .positive()
  .max(24 * 30)
  .default(DEFAULT_STALL_HOURS);
