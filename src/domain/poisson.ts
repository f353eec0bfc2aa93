// Is a burst of tickets after a deploy more than bad luck? Tickets on a service arrive roughly as a
// Poisson process; we compare the count since the deploy with what the service's usual rate predicts.

/** ln(n!) by summation: exact enough for the counts we see (tickets per service, not millions). */
function logFactorial(n: number): number {
  let sum = 0;
  for (let i = 2; i <= n; i += 1) sum += Math.log(i);
  return sum;
}

/**
 * P(X ≥ k) for X ~ Poisson(mean). Sums the upper tail directly from term k upwards, so tiny
 * probabilities (the interesting ones) do not vanish in `1 - (almost 1)`; below the mean, where the
 * answer is large, the complement of the short lower sum is exact enough.
 */
export function poissonTailAtLeast(k: number, mean: number): number {
  if (!Number.isFinite(mean) || mean < 0) throw new RangeError(`mean must be a finite number ≥ 0, got ${mean}`);
  if (k <= 0) return 1;
  if (mean === 0) return 0;
  const n = Math.ceil(k);
  if (n <= mean) {
    let term = Math.exp(-mean);
    let below = term;
    for (let i = 1; i < n; i += 1) {
      term *= mean / i;
      below += term;
    }
    return Math.min(1, Math.max(0, 1 - below));
  }
  let term = Math.exp(-mean + n * Math.log(mean) - logFactorial(n));
  let sum = 0;
  // Terms shrink by mean/(i+1) < 1 from here on; stop once they no longer change the sum.
  for (let i = n; term > sum * 1e-17 && term > 0; i += 1) {
    sum += term;
    term *= mean / (i + 1);
  }
  return Math.min(1, sum);
}

export interface SuspectInput {
  /** Tickets on the service filed since the deploy (including the one just filed). */
  ticketsSince: number;
  /** Minutes from the deploy to now. */
  minutesSince: number;
  /** Tickets on the service in the baseline period before the deploy. */
  baselineTickets: number;
  /** Length of the baseline period in minutes (30 days). */
  baselineMinutes: number;
}

export interface SuspectVerdict {
  suspect: boolean;
  /** Minutes the expectation covers: since the deploy, but at least an hour. */
  spanMinutes: number;
  /** Tickets the usual rate predicts for that span. */
  expected: number;
  /** Chance of at least this many tickets by coincidence. */
  probability: number;
  /** The usual rate, tickets per day. */
  perDay: number;
}

/** Below this chance of coincidence a burst is called out (about 1 in 1000). */
export const SUSPECT_P = 0.001;
/** One or two tickets are never a pattern, however quiet the service usually is. */
export const SUSPECT_MIN_TICKETS = 3;
/**
 * Early tickets are judged against at least an hour of the usual rate: three tickets in the first
 * five minutes of a quiet service should warn, but not on the strength of a five-minute window.
 */
export const SUSPECT_MIN_SPAN_MINUTES = 60;

/**
 * Whether the tickets since a deploy are far above the service's usual rate. The baseline gets one
 * extra ticket (a standard pseudo-count) so a service with no history does not make every ticket
 * look infinitely unlikely.
 */
export function suspectDeploy(input: SuspectInput): SuspectVerdict {
  const perMinute = (input.baselineTickets + 1) / Math.max(input.baselineMinutes, 1);
  const spanMinutes = Math.max(input.minutesSince, SUSPECT_MIN_SPAN_MINUTES);
  const expected = perMinute * spanMinutes;
  const probability = poissonTailAtLeast(input.ticketsSince, expected);
  return {
    suspect: input.ticketsSince >= SUSPECT_MIN_TICKETS && probability < SUSPECT_P,
    spanMinutes,
    expected,
    probability,
    perDay: (input.baselineTickets / Math.max(input.baselineMinutes, 1)) * 1440,
  };
}
