// Cron expressions in the config are checked by the scheduler library that runs them (node-cron),
// so the config accepts exactly what can be scheduled and a typo is named at start.
import cron from 'node-cron';
import { z } from 'zod';

/** A five-field (or six, with seconds) cron expression: "0 9 * * 1" is Mondays at 09:00. */
export const cronExpression = z
  .string()
  .refine((expression) => cron.validate(expression), 'must be a cron expression such as "0 9 * * 1" (minute hour day month weekday)');
