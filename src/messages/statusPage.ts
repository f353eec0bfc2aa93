// The internal status page (GET /status) and its sign-in form, as HTML strings: pure functions of
// plain data. Every text that is not ours (titles, versions, people, service names) goes through
// `esc`. The page refreshes itself by fetching /status again and swapping <main>, so it never
// flashes; the inline script and style carry the response's CSP nonce.
import { isSlackUserId, type DeployStatus } from '../domain/deploy.js';
import { PRIORITIES, type Priority } from '../domain/priority.js';
import { formatDuration, type SlaState } from '../domain/sla.js';
import { STATUS_WORDS, type TicketStatus } from '../domain/ticket.js';
import type { DeployView } from './deployMessages.js';
import { SLA_WORDS } from './ticketMessage.js';
import { localTime } from './text.js';
import { esc, safeLink } from './html.js';
import { changeFailureLine } from './report.js';

export const REFRESH_SECONDS = 30;

export interface StatusTicket {
  id: number;
  title: string;
  priority: Priority;
  status: TicketStatus;
  serviceName: string;
  ownerId: string | null;
  openedAt: Date;
  sla: { state: SlaState; minutesLeft: number };
}

export interface StatusDuty {
  /** "Payments gardener", "On call". */
  title: string;
  userId: string | null;
  /** On call during business hours: who is paged once business closes, when that is someone else. */
  outOfHours?: { from: Date; userId: string | null };
}

export interface StatusDeploy extends DeployView {
  changeFailure: boolean;
  /** The support windows it went out of ("Mon–Thu 10:00–16:00"), or null when it went out inside them. */
  outsideWindow: string | null;
  tickets: Array<{ id: number; title: string; verdict: 'suggested' | 'caused' }>;
}

export interface FailureCount {
  failures: number;
  deploys: number;
}

export interface StatusPageData {
  now: Date;
  timeZone: string;
  /** Counts cover every open ticket; `tickets` may be cut to the oldest few hundred. */
  open: { counts: Record<Priority, number>; tickets: StatusTicket[] };
  duty: StatusDuty[];
  deploys: StatusDeploy[];
  changeFailure: FailureCount & { days: number };
}

const DEPLOY_STATUS_WORDS: Record<DeployStatus, string> = { succeeded: 'succeeded', failed: 'failed', rolled_back: 'rolled back' };

/** `change failure rate 12 % (3 of 25 deploys)`: the report's wording (messages/report.ts). */
export { changeFailureLine };

export function slaText(t: Pick<StatusTicket, 'sla'>): string {
  const { state, minutesLeft } = t.sla;
  if (state === 'breached') return `SLA breached, overdue by ${formatDuration(Math.min(minutesLeft, 0))}`;
  if (state === 'paused') return `SLA paused (waiting on reporter), ${formatDuration(Math.max(minutesLeft, 0))} left`;
  return `SLA ${SLA_WORDS[state]}, ${formatDuration(minutesLeft)} left`;
}

function time(at: Date, timeZone: string): string {
  return `<time datetime="${at.toISOString()}">${esc(localTime(at, timeZone))}</time>`;
}

/** Slack ids as @U123 (the page has no Slack to resolve them), anything else verbatim. */
function who(stored: string | null, none = 'nobody'): string {
  if (!stored) return `<span class="none">${none}</span>`;
  return `<span class="person">${esc(isSlackUserId(stored) ? `@${stored}` : stored)}</span>`;
}

function ticketItem(t: StatusTicket, now: Date): string {
  const age = formatDuration((now.getTime() - t.openedAt.getTime()) / 60_000);
  return `<li class="ticket sla-${t.sla.state}">
<div class="headline"><span class="num">#${t.id}</span> <span class="title">${esc(t.title)}</span></div>
<div class="meta"><span class="badge sla-${t.sla.state}">${esc(slaText(t))}</span> <span>open for ${age}</span> <span>${STATUS_WORDS[t.status]}</span> <span>${esc(t.serviceName)}</span> <span>owner ${who(t.ownerId)}</span></div>
</li>`;
}

function ticketsSection(data: StatusPageData): string {
  const { counts, tickets } = data.open;
  const total = PRIORITIES.reduce((n, p) => n + counts[p], 0);
  if (total === 0) return '<section><h2>Open tickets</h2><p class="empty">No open tickets.</p></section>';
  const groups = PRIORITIES.filter((p) => counts[p] > 0).map((p) => {
    const shown = tickets.filter((t) => t.priority === p);
    const cut = shown.length < counts[p] ? `<p class="more">Showing the oldest ${shown.length} of ${counts[p]}.</p>` : '';
    return `<h3 class="prio-${p}">${p} · ${counts[p]} open</h3>\n<ul class="tickets">${shown.map((t) => ticketItem(t, data.now)).join('\n')}</ul>${cut}`;
  });
  return `<section><h2>Open tickets</h2>\n${groups.join('\n')}</section>`;
}

function dutySection(data: StatusPageData): string {
  if (!data.duty.length) return '<section><h2>On duty now</h2><p class="empty">No rotations are configured.</p></section>';
  const items = data.duty.map((d) => {
    const later = d.outOfHours
      ? ` <span class="later">out of hours from ${time(d.outOfHours.from, data.timeZone)}: ${who(d.outOfHours.userId)}</span>`
      : '';
    return `<li><span class="role">${esc(d.title)}</span> ${who(d.userId)}${later}</li>`;
  });
  return `<section><h2>On duty now</h2>\n<ul class="duty">${items.join('\n')}</ul></section>`;
}

function deployItem(d: StatusDeploy, timeZone: string): string {
  const people =
    d.author && d.author === d.mergedBy
      ? `author and merger ${who(d.author)}`
      : `author ${who(d.author, 'unknown')}${d.mergedBy ? `, merged by ${who(d.mergedBy)}` : ''}`;
  const links = d.tickets.map(
    (t) =>
      `<li><span class="num">#${t.id}</span> ${esc(t.title)} <span class="verdict">${t.verdict === 'caused' ? 'caused by this deploy' : 'linked'}</span></li>`,
  );
  return `<li class="deploy${d.changeFailure ? ' failure' : ''}">
<div class="headline"><span class="service">${esc(d.serviceName)}</span> <span class="version">${esc(d.version)}</span> <span class="badge deploy-${d.status}">${DEPLOY_STATUS_WORDS[d.status]}</span>${d.changeFailure ? ' <span class="badge failure">change failure</span>' : ''}${d.outsideWindow ? ` <span class="badge outside">outside the support window ${esc(d.outsideWindow)}</span>` : ''}</div>
<div class="meta"><span>${time(d.deployedAt, timeZone)}</span> <span>${people}</span>${d.url ? ` <span>${safeLink(d.url, 'diff')}</span>` : ''}</div>
${links.length ? `<ul class="linked">${links.join('')}</ul>` : '<p class="none">No linked tickets.</p>'}
</li>`;
}

function deploysSection(data: StatusPageData): string {
  if (!data.deploys.length) return '<section><h2>Recent deploys</h2><p class="empty">No production deploys yet.</p></section>';
  return `<section><h2>Recent deploys</h2>\n<ul class="deploys">${data.deploys.map((d) => deployItem(d, data.timeZone)).join('\n')}</ul></section>`;
}

/** The query that asks for <main> alone: what each refresh fetches and swaps in. */
export const MAIN_ONLY_QUERY = 'part=main';

export function statusMainHtml(data: StatusPageData): string {
  return `<main id="status">\n${mainContent(data)}\n</main>`;
}

function mainContent(data: StatusPageData): string {
  const cards = PRIORITIES.map((p) => `<div class="card prio-${p}"><span class="n">${data.open.counts[p]}</span> ${p} open</div>`);
  const cfr = `<div class="card cfr">${changeFailureLine(data.changeFailure)} <small>last ${data.changeFailure.days} days</small></div>`;
  return `<p class="updated">Updated ${time(data.now, data.timeZone)} · refreshes every ${REFRESH_SECONDS} s</p>
<section class="summary">${cards.join('')}${cfr}</section>
${ticketsSection(data)}
${dutySection(data)}
${deploysSection(data)}`;
}

const STYLE = `
:root{color-scheme:light dark;--bg:#f6f7f9;--fg:#1d1f23;--muted:#5f6672;--card:#fff;--line:#dde1e6;--red:#c62828;--amber:#b26a00;--blue:#1565c0;--green:#2e7d32}
@media (prefers-color-scheme:dark){:root{--bg:#16181c;--fg:#e8eaed;--muted:#a0a6b0;--card:#202329;--line:#343941;--red:#ef6b6b;--amber:#f0a840;--blue:#6fa8ff;--green:#6cc070}}
*{box-sizing:border-box}body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;background:var(--bg);color:var(--fg)}
header,main{max-width:60rem;margin:0 auto;padding:0 1rem}header{display:flex;flex-wrap:wrap;align-items:baseline;justify-content:space-between;gap:.5rem}
h1{font-size:1.4rem;margin:1rem 0 .25rem}h2{font-size:1.15rem;margin:1.5rem 0 .5rem}h3{font-size:1rem;margin:1rem 0 .4rem}
.updated,.meta,.more,.none,.empty,#refresh-note,small{color:var(--muted);font-size:.9rem}
.summary{display:grid;grid-template-columns:repeat(auto-fit,minmax(7rem,1fr));gap:.5rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:.6rem .8rem}.card .n{font-size:1.6rem;font-weight:700;display:block}
.card.cfr{grid-column:1/-1}
ul{list-style:none;margin:0;padding:0}.tickets>li,.deploys>li{background:var(--card);border:1px solid var(--line);border-left-width:4px;border-radius:.5rem;padding:.6rem .8rem;margin:.4rem 0}
.headline{font-weight:600;overflow-wrap:anywhere}.num{color:var(--muted)}.meta{display:flex;flex-wrap:wrap;gap:.25rem .9rem;margin-top:.2rem}
.badge{font-weight:600}.sla-breached{border-left-color:var(--red)}.badge.sla-breached,.badge.failure,.badge.deploy-failed,.badge.deploy-rolled_back{color:var(--red)}
.sla-at_risk{border-left-color:var(--amber)}.badge.sla-at_risk,.badge.outside{color:var(--amber)}.sla-paused{border-left-color:var(--blue)}.badge.sla-paused{color:var(--blue)}
.sla-on_track{border-left-color:var(--green)}.badge.sla-on_track,.badge.deploy-succeeded{color:var(--green)}.deploy.failure{border-left-color:var(--red)}
.prio-P1 .n,h3.prio-P1{color:var(--red)}.prio-P2 .n,h3.prio-P2{color:var(--amber)}.prio-P3 .n,h3.prio-P3{color:var(--blue)}
.duty li{padding:.35rem 0;border-bottom:1px solid var(--line)}.role{font-weight:600;margin-right:.4rem}.later{display:block;color:var(--muted);font-size:.9rem}
.linked{margin-top:.35rem;font-size:.95rem}.linked li{overflow-wrap:anywhere}.verdict{color:var(--muted)}a{color:var(--blue)}
form{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:1rem;max-width:24rem}label{display:block;margin-bottom:.4rem}
input{width:100%;font:inherit;padding:.5rem;margin-bottom:.8rem}button{font:inherit;padding:.5rem 1rem}.error{color:var(--red)}
`;

// Fetches <main> again with the same credentials (cookie or the browser's cached basic auth) and
// swaps it in; parsed nodes are inert, so nothing in them runs. Only <main> is fetched: a whole
// page would bring a <style> with another response's nonce, which the CSP reports as blocked.
const REFRESH_SCRIPT = `(() => {
  const main = document.querySelector('main');
  const note = document.getElementById('refresh-note');
  const refresh = async () => {
    try {
      const res = await fetch(location.pathname + '?${MAIN_ONLY_QUERY}', { credentials: 'same-origin', cache: 'no-store' });
      if (res.status === 401) { note.textContent = 'Signed out: reload the page to sign in again.'; return; }
      if (!res.ok) throw new Error(String(res.status));
      const next = new DOMParser().parseFromString(await res.text(), 'text/html').querySelector('main');
      if (next) main.replaceChildren(...next.childNodes);
      note.textContent = '';
    } catch {
      note.textContent = 'Could not refresh; showing older data, trying again.';
    }
    setTimeout(refresh, ${REFRESH_SECONDS * 1000});
  };
  setTimeout(refresh, ${REFRESH_SECONDS * 1000});
})();`;

function page(args: { nonce: string; title: string; head?: string; body: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(args.title)}</title>
<style nonce="${esc(args.nonce)}">${STYLE}</style>${args.head ?? ''}
</head>
<body>
${args.body}
</body>
</html>
`;
}

export function statusPageHtml(data: StatusPageData, nonce: string): string {
  return page({
    nonce,
    title: 'Support status',
    // Without JavaScript the page still updates, by reloading.
    head: `\n<noscript><meta http-equiv="refresh" content="${REFRESH_SECONDS}"></noscript>`,
    body: `<header><h1>Support status</h1><p id="refresh-note" role="status" aria-live="polite"></p></header>
${statusMainHtml(data)}
<script nonce="${esc(nonce)}">${REFRESH_SCRIPT}</script>`,
  });
}

/** What a visitor without the token sees: the form and nothing else. */
export function loginPageHtml(args: { nonce: string; action: string; error?: string }): string {
  return page({
    nonce: args.nonce,
    title: 'Support status: sign in',
    body: `<header><h1>Support status</h1></header>
<main>
<form method="post" action="${esc(args.action)}">
<label for="token">Status page token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
${args.error ? `<p class="error" role="alert">${esc(args.error)}</p>` : ''}<button type="submit">Sign in</button>
</form>
</main>`,
  });
}
