// Who may read the status page: the holder of STATUS_PAGE_TOKEN, shown as a Bearer header, as the
// password of basic auth, or through the session cookie the sign-in form (or ?token=) sets.
// The cookie carries an HMAC of the token, never the token itself: it cannot be turned back into
// the token, every replica computes the same value, and changing the token signs everyone out.
import { createHmac } from 'node:crypto';
import { sameSecret } from './sameSecret.js';

export const STATUS_COOKIE = 'supportbot_status';
/** How long the browser keeps the session cookie. */
export const SESSION_DAYS = 30;

export type StatusAuth = 'ok' | 'missing' | 'wrong';

export function sessionValue(token: string): string {
  return createHmac('sha256', token).update('supportbot status page session v1').digest('base64url');
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) cookies[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return cookies;
}

/** The password of `Authorization: Basic base64(user:password)`; any user name is accepted. */
function basicPassword(value: string): string | null {
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 ? decoded.slice(colon + 1) : null;
}

/** Checks every credential presented; any one that matches lets the request in. */
export function authenticateStatus(headers: { authorization?: string; cookie?: string }, token: string): StatusAuth {
  const presented: boolean[] = [];
  const auth = headers.authorization?.trim();
  if (auth) {
    const [, scheme = '', value = ''] = /^(Bearer|Basic)\s+(\S+)$/i.exec(auth) ?? [];
    const secret = scheme.toLowerCase() === 'bearer' ? value : scheme.toLowerCase() === 'basic' ? basicPassword(value) : null;
    presented.push(secret !== null && sameSecret(secret, token));
  }
  const cookie = parseCookies(headers.cookie)[STATUS_COOKIE];
  if (cookie !== undefined) presented.push(sameSecret(cookie, sessionValue(token)));
  if (!presented.length) return 'missing';
  return presented.some(Boolean) ? 'ok' : 'wrong';
}

/** The Set-Cookie value after a successful sign-in; Secure whenever the page is served over HTTPS. */
export function sessionCookie(token: string, opts: { secure: boolean }): string {
  const attrs = [
    `${STATUS_COOKIE}=${sessionValue(token)}`,
    'Path=/status',
    `Max-Age=${SESSION_DAYS * 86_400}`,
    'HttpOnly',
    'SameSite=Strict',
  ];
  if (opts.secure) attrs.push('Secure');
  return attrs.join('; ');
}
