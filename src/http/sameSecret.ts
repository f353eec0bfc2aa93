// Constant-time comparison of a presented secret with the expected one (deploy API, status page, Slack's
// request signature).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// Comparing HMACs of both sides under a per-process key makes the comparison constant-time and
// blind to the lengths of the inputs (timingSafeEqual itself needs equal lengths).
const compareKey = randomBytes(32);

export function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHmac('sha256', compareKey).update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
