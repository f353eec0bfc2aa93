// Start-up that says what is wrong: each problem a newcomer meets is tested by starting the real
// process (src/main.ts) from a folder of its own and reading the one line it prints.
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { connectSlack, type SlackStep, SlackTokenRefused } from '../src/app/lifecycle.js';
import { FakeSlack } from './support/fakeSlack.js';
import { SIGNING_SECRET } from './support/harness.js';
import { listeningPort, REPO, startMain, workFolder } from './support/mainProcess.js';

const STACK = /\n\s+at /;

/** A loopback port nothing listens on (connection refused). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** stderr is exactly one line, and it matches every pattern. */
function oneLine(stderr: string, ...patterns: RegExp[]): void {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line expected, got:\n${stderr}`);
  for (const p of patterns) assert.match(lines[0]!, p);
}

// Each test has its own fake Slack and folder, so they run side by side (process starts are slow).
describe('start-up errors (the real process)', { concurrency: 2 }, () => {
  const fakes: FakeSlack[] = [];
  after(() => Promise.all(fakes.map((f) => f.stop())));
  async function slack(): Promise<FakeSlack> {
    const fake = await new FakeSlack().start();
    fakes.push(fake);
    return fake;
  }

  function slackEnv(fake: FakeSlack, extra: Record<string, string> = {}) {
    return { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fake.apiUrl, ...extra };
  }

  it('.env.example copied as it is: the placeholders fail, naming each variable; Socket Mode stays off', async () => {
    const { dir, env } = workFolder();
    copyFileSync(path.join(REPO, '.env.example'), path.join(dir, '.env'));
    const bot = startMain({ cwd: dir, env });
    const { code } = await bot.exit();
    assert.equal(code, 1);
    assert.match(bot.stderr, /SLACK_BOT_TOKEN: is still a placeholder \("xoxb-\.\.\."\)/);
    assert.match(bot.stderr, /SLACK_SIGNING_SECRET: is still a placeholder/);
    assert.doesNotMatch(bot.stderr, /SLACK_APP_TOKEN/);
    assert.doesNotMatch(bot.stderr, STACK);
  });

  for (const value of ['xapp-...']) {
    it(`SLACK_APP_TOKEN=${value} is refused as a placeholder, naming the variable`, async () => {
      const fake = await slack();
      const { dir, env } = workFolder();
      const bot = startMain({ cwd: dir, env: { ...env, ...slackEnv(fake, { SLACK_APP_TOKEN: value }) } });
      assert.equal((await bot.exit()).code, 1);
      assert.match(bot.stderr, /SLACK_APP_TOKEN: is still a placeholder/);
      assert.doesNotMatch(bot.stderr, STACK);
      assert.equal(fake.callsTo('apps.connections.open').length, 0);
    });
  }

  for (const answer of ['invalid_auth']) {
    it(`a bot token Slack refuses (${answer}) exits 1 with one line naming SLACK_BOT_TOKEN and Slack's answer`, async () => {
      const fake = await slack();
      fake.fail('auth.test', { error: answer });
      const { dir, env } = workFolder();
      const bot = startMain({ cwd: dir, env: { ...env, ...slackEnv(fake) } });
      assert.equal((await bot.exit()).code, 1);
      oneLine(bot.stderr, /^supportbot cannot start: SLACK_BOT_TOKEN was refused by Slack/, new RegExp(`auth\\.test answered "${answer}"`));
    });
  }

  it('Socket Mode: an app token Slack refuses names SLACK_APP_TOKEN; no signing secret is needed', async () => {
    const fake = await slack();
    fake.fail('apps.connections.open', { error: 'invalid_auth' });
    const { dir, env } = workFolder();
    const bot = startMain({
      cwd: dir,
      env: { ...env, SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_APP_TOKEN: 'xapp-1-A0-123-abc', SLACK_API_URL: fake.apiUrl },
    });
    assert.equal((await bot.exit()).code, 1);
    oneLine(bot.stderr, /SLACK_APP_TOKEN was refused by Slack \(apps\.connections\.open answered "invalid_auth"\)/);
    assert.doesNotMatch(bot.stderr, /SLACK_SIGNING_SECRET/);
  });

  it('Slack not reachable: keeps running and retrying, one warning line each time without a stack, not ready', async () => {
    const fake = await slack();
    const { dir, env } = workFolder();
    const bot = startMain({
      cwd: dir,
      env: { ...env, ...slackEnv(fake, { SLACK_API_URL: `http://127.0.0.1:${await closedPort()}/api/` }) },
    });
    try {
      await bot.waitForStdout(/supportbot is listening/);
      const ready = await fetch(`http://127.0.0.1:${listeningPort(bot.stdout)}/readyz`);
      assert.equal(ready.status, 503);
      assert.deepEqual((await ready.json()).checks, { database: 'ok', slack: 'not connected yet' });
      const warning = bot.stdout.split('\n').find((l) => l.includes('Slack did not answer auth.test'));
      assert.ok(warning, bot.stdout);
      assert.match(warning, /ECONNREFUSED/);
      assert.doesNotMatch(bot.stdout, /"stack"/);
      assert.equal(bot.stderr, '');
    } finally {
      bot.child.kill('SIGTERM');
      assert.equal((await bot.exit()).code, 0);
    }
  });

  it('Slack answering 5xx at first, then refusing the token: exits 1 after the retry, naming SLACK_BOT_TOKEN', async () => {
    const fake = await slack();
    fake.fail('auth.test', { status: 503 });
    fake.fail('auth.test', { error: 'account_inactive' });
    const { dir, env } = workFolder();
    const bot = startMain({ cwd: dir, env: { ...env, ...slackEnv(fake) } });
    assert.equal((await bot.exit()).code, 1);
    oneLine(bot.stderr, /SLACK_BOT_TOKEN was refused by Slack \(auth\.test answered "account_inactive"\)/);
    assert.match(bot.stdout, /Slack did not answer auth\.test; retrying in 5 s/);
  });

  it('an unknown config key is refused, naming its path and the nearest known key', async () => {
    const fake = await slack();
    const { dir, env } = workFolder((doc) => {
      doc.admns = doc.admins;
      delete doc.admins;
      doc.oncall.memebrs = doc.oncall.members;
    });
    const bot = startMain({ cwd: dir, env: { ...env, ...slackEnv(fake) } });
    assert.equal((await bot.exit()).code, 1);
    assert.match(bot.stderr, /^ {2}admns: unknown key; did you mean "admins"\?$/m);
    assert.match(bot.stderr, /^ {2}oncall\.memebrs: unknown key; did you mean "members"\?$/m);
    assert.doesNotMatch(bot.stderr, STACK);
  });

  it('digest.cron must be a cron expression', async () => {
    const fake = await slack();
    const { dir, env } = workFolder((doc) => (doc.digest = { cron: 'every monday' }));
    const bot = startMain({ cwd: dir, env: { ...env, ...slackEnv(fake) } });
    assert.equal((await bot.exit()).code, 1);
    assert.match(bot.stderr, /digest\.cron: must be a cron expression such as "0 9 \* \* 1"/);
  });

  it("says what is wrong in sentences, never in zod's wording", async () => {
    const fake = await slack();
    const { dir, env } = workFolder((doc) => {
      delete doc.services;
      doc.squads = ['payments'];
      doc.escalation = { chainLength: 'three' };
    });
    const bot = startMain({ cwd: dir, env: { ...env, ...slackEnv(fake) } });
    assert.equal((await bot.exit()).code, 1);
    assert.match(bot.stderr, /^ {2}services: is required$/m);
    assert.match(bot.stderr, /^ {2}squads: must be a mapping \(key: value\), not a list$/m);
    assert.match(bot.stderr, /^ {2}escalation\.chainLength: must be a number, not "three"$/m);
    assert.doesNotMatch(bot.stderr, /Invalid input|expected \w+, received|Invalid option/);
    const envBot = startMain({ cwd: dir, env: { ...env, ...slackEnv(fake, { PORT: 'eighty' }) } });
    assert.equal((await envBot.exit()).code, 1);
    assert.match(envBot.stderr, /PORT: must be a port number from 0 to 65535/);
  });
});

describe('connectSlack (what start-up does with Slack answers)', () => {
  const log = pino({ level: 'silent' });
  const platform = (error: string) => Object.assign(new Error(error), { code: 'slack_webapi_platform_error', data: { error } });

  for (const answer of ['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked']) {
    it(`"${answer}" is definitive: thrown at once, naming the token`, async () => {
      let calls = 0;
      const step: SlackStep = {
        variable: 'SLACK_BOT_TOKEN',
        method: 'auth.test',
        run: async () => {
          calls += 1;
          throw platform(answer);
        },
      };
      await assert.rejects(
        connectSlack([step], log, () => {}),
        (err: Error) => {
          assert.ok(err instanceof SlackTokenRefused);
          assert.match(err.message, new RegExp(`^SLACK_BOT_TOKEN was refused by Slack \\(auth\\.test answered "${answer}"\\)`));
          return true;
        },
      );
      assert.equal(calls, 1, 'not retried');
    });
  }

  it('a network error is retried; a refusal on a retry goes to onRefused', async () => {
    const answers = [
      Object.assign(new Error('A request error occurred'), { code: 'slack_webapi_request_error' }),
      platform('token_revoked'),
    ];
    const step: SlackStep = {
      variable: 'SLACK_APP_TOKEN',
      method: 'apps.connections.open',
      run: async () => {
        throw answers.shift();
      },
    };
    let onRefused: (err: SlackTokenRefused) => void = () => {};
    const refused = new Promise<SlackTokenRefused>((resolve) => (onRefused = resolve));
    // The retry timer is unref'd (it must not keep a stopping bot alive): hold the loop open meanwhile.
    const keepAlive = setInterval(() => {}, 1000);
    const connection = await connectSlack([step], log, (err) => onRefused(err), 10);
    assert.equal(connection.ready(), false, 'still retrying after the network error');
    const answer = await refused.finally(() => clearInterval(keepAlive));
    assert.match(answer.message, /^SLACK_APP_TOKEN was refused by Slack \(apps\.connections\.open answered "token_revoked"\)/);
  });
});
