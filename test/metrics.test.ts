// /metrics as an operator's Prometheus reads it: the series the dashboards need, and an exposition
// that passes `promtool check metrics` (Debian's `prometheus` package; CI installs it).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileTicket, startHarness, type Harness } from './support/harness.js';

const PROMTOOL = '/usr/bin/promtool';
const present = existsSync(PROMTOOL);
if (!present && process.env.CI) throw new Error(`${PROMTOOL} is missing; CI must install it (apt-get install -y prometheus).`);

describe('/metrics', () => {
  let h: Harness;
  let text: string;
  let lagText: string;
  before(async () => {
    h = await startHarness({ now: '2026-11-24T10:00:00Z' });
    const ticket = await fileTicket(h, { priority: 'P2' });
    await fileTicket(h, { priority: 'P3' });
    // The answer to the click is rate limited once, then retried.
    h.fake.fail('chat.postMessage', { status: 429, retryAfter: 1 }, 1);
    await h.slack.clickButton({ actionId: 'ticket_take', value: String(ticket.id), userId: 'UENG', messageTs: ticket.rootTs! });
    await h.settle();
    // The App Home refreshes these changes planned run when their 30 s bucket ends, in a pass of their own.
    h.clock.advance(60_000);
    await h.settle();
    // The P2's reminder comes due at 12:15 (45 min before its 13:00 deadline): the scheduler runs
    // it 5 minutes late.
    h.clock.set('2026-11-24T12:20:00Z');
    await h.settle();
    // Read now: the App Home refresh the reminder planned runs in a later pass, with a lag of its own.
    lagText = await (await fetch(`${h.baseUrl}/metrics`)).text();
    // One message waits: Slack is down for it.
    h.fake.fail('chat.postMessage', { status: 500 }, 100);
    await fileTicket(h, { priority: 'P3', title: 'queued' });
    h.clock.advance(90_000);
    text = await (await fetch(`${h.baseUrl}/metrics`)).text();
  });
  after(() => h.stop());

  it('counts tickets by priority and state, read from the database', () => {
    assert.match(text, /^supportbot_tickets\{priority="P2",status="in_progress"\} 1$/m);
    assert.match(text, /^supportbot_tickets\{priority="P3",status="open"\} 2$/m);
  });

  it('counts the jobs run by kind (SLA reminders), with the pass duration and lag', () => {
    assert.match(text, /^supportbot_jobs_run_total\{kind="sla.reminder"\} 1$/m);
    assert.match(lagText, /^supportbot_scheduler_lag_seconds 300$/m);
    assert.match(text, /^supportbot_scheduler_pass_seconds_count [1-9]\d*$/m);
  });

  it('shows the outbox backlog and the age of its oldest message', () => {
    const depth = Number(/^supportbot_outbox_depth (\d+)$/m.exec(text)?.[1]);
    assert.ok(depth >= 1, `depth ${depth}`);
    assert.match(text, /^supportbot_outbox_oldest_age_seconds 90$/m);
  });

  it('times the acks of Slack requests and says which build runs', () => {
    assert.match(text, /^supportbot_slack_ack_seconds_count [1-9]\d*$/m);
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    assert.ok(text.split('\n').includes(`supportbot_build_info{version="${version}",node="${process.versions.node}"} 1`));
  });

  it('counts Slack API calls by method and outcome, the retries and the 429s', () => {
    const ok = Number(/^supportbot_slack_api_calls_total\{method="chat.postMessage",outcome="ok"\} (\d+)$/m.exec(text)?.[1]);
    assert.ok(ok >= 4, `${ok} posts`);
    assert.match(text, /^supportbot_slack_api_calls_total\{method="chat.postMessage",outcome="ratelimited"\} 1$/m);
    assert.match(text, /^supportbot_slack_api_calls_total\{method="chat.postMessage",outcome="server_error"\} [1-9]\d*$/m);
    assert.match(text, /^supportbot_slack_api_calls_total\{method="auth.test",outcome="ok"\} 1$/m);
    assert.match(text, /^supportbot_slack_rate_limited_total\{method="chat.postMessage"\} 1$/m);
    const retries = Number(/^supportbot_slack_retries_total\{method="chat.postMessage"\} (\d+)$/m.exec(text)?.[1]);
    assert.ok(retries >= 2, `${retries} retries (the 429, and the 5xx)`);
  });

  it('passes promtool check metrics', { skip: present ? false : `${PROMTOOL} not installed` }, () => {
    const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.equal(`${r.stdout}${r.stderr}`.trim(), '', 'no lint findings');
    assert.equal(r.status, 0);
  });
});
