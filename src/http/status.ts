// GET /status: the internal status page, for the holder of STATUS_PAGE_TOKEN (see statusAuth.ts).
// Without valid credentials it answers 401 with the sign-in form and no data at all. With the token
// unset the page is switched off: 404 and a sentence saying how to switch it on.
import { randomBytes } from 'node:crypto';
import express, { type Express, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { loginPageHtml, statusMainHtml, statusPageHtml } from '../messages/statusPage.js';
import { statusPageData, type StatusPageDeps } from '../services/statusPage.js';
import { sameSecret } from './sameSecret.js';
import { authenticateStatus, sessionCookie } from './statusAuth.js';

export const STATUS_PATH = '/status';
export const LOGIN_PATH = '/status/login';
export const DISABLED_MESSAGE = 'The status page is disabled: set STATUS_PAGE_TOKEN (at least 16 characters) on the bot to enable it.';

export interface StatusRouteDeps extends StatusPageDeps {
  /** Unset → the page is disabled. */
  token: string | undefined;
  log: Logger;
}

/** Per response: the nonce lets exactly our inline script and style run. */
function securityHeaders(res: Response, nonce: string): void {
  res.set({
    'Content-Security-Policy': [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src 'nonce-${nonce}'`,
      "connect-src 'self'",
      "form-action 'self'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
}

const nonceOf = (res: Response): string => res.locals.nonce as string;

function loginForm(res: Response, status: number, error?: string): void {
  if (status === 401) res.set('WWW-Authenticate', 'Bearer realm="supportbot status"');
  res
    .status(status)
    .type('html')
    .send(loginPageHtml({ nonce: nonceOf(res), action: LOGIN_PATH, ...(error ? { error } : {}) }));
}

// Behind a TLS-terminating proxy req.secure is false; the proxy's header still marks the cookie Secure.
const isHttps = (req: Request) => req.secure || req.get('x-forwarded-proto') === 'https';

/** Sets the session cookie and sends the browser to the bare page, dropping any token from the URL. */
function signIn(req: Request, res: Response, token: string): void {
  res.set('Set-Cookie', sessionCookie(token, { secure: isHttps(req) }));
  res.redirect(303, STATUS_PATH);
}

export function registerStatusRoutes(http: Express, deps: StatusRouteDeps): void {
  http.use(STATUS_PATH, (_req, res, next) => {
    res.locals.nonce = randomBytes(16).toString('base64');
    securityHeaders(res, nonceOf(res));
    if (!deps.token) return void res.status(404).type('text/plain').send(DISABLED_MESSAGE);
    next();
  });

  http.get(STATUS_PATH, async (req, res) => {
    const token = deps.token!;
    const fromQuery = req.query.token;
    if (fromQuery !== undefined) {
      if (typeof fromQuery === 'string' && sameSecret(fromQuery, token)) return signIn(req, res, token);
      deps.log.warn('status page: wrong token in the URL');
      return loginForm(res, 401, 'That token is not right.');
    }
    const auth = authenticateStatus(req.headers, token);
    if (auth === 'missing') return loginForm(res, 401);
    if (auth === 'wrong') return loginForm(res, 401, 'Those credentials are not valid (the token may have changed): sign in again.');
    const data = await statusPageData(deps);
    res.type('html').send(req.query.part === 'main' ? statusMainHtml(data) : statusPageHtml(data, nonceOf(res)));
  });

  http.post(LOGIN_PATH, express.urlencoded({ extended: false, limit: '4kb' }), (req, res) => {
    const given: unknown = req.body?.token;
    if (typeof given !== 'string' || !given.trim()) return loginForm(res, 400, 'Enter the status page token.');
    if (!sameSecret(given.trim(), deps.token!)) {
      deps.log.warn('status page: wrong token in the sign-in form');
      return loginForm(res, 401, 'That token is not right.');
    }
    deps.log.info('status page: signed in with the form');
    signIn(req, res, deps.token!);
  });
}
