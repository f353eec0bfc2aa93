import type { Doc } from './support/doc.js';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { ConfigError, loadEnv } from '../src/config/env.js';
import { loadSupportConfig, parseSupportConfig } from '../src/config/supportConfig.js';
import { testConfigDoc } from './support/harness.js';

const slackEnv = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret-0123456789' };

describe('environment', () => {
  it('names every missing Slack variable at once and points at manifest.yml', () => {
    assert.throws(
      () => loadEnv({ SLACK_SIGNING_SECRET: '' }),
      (err: Error) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET/);
        assert.match(err.message, /manifest\.yml/);
        return true;
      },
    );
  });

  it('defaults: HTTP mode, port 3000, SQLite under ./data', () => {
    const env = loadEnv(slackEnv);
    assert.equal(env.PORT, 3000);
    assert.equal(env.DATABASE_URL, 'file:./data/supportbot.db');
    assert.equal(env.SLACK_APP_TOKEN, undefined);
  });

  for (const [name, value, message] of [
    ['SLACK_BOT_TOKEN', 'xapp-wrong', /SLACK_BOT_TOKEN: must be a bot token/],
    ['SLACK_APP_TOKEN', 'xoxb-wrong', /SLACK_APP_TOKEN: must be an app-level token/],
    ['PORT', 'eighty', /PORT:/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL: must start with "file:"/],
    ['SLACK_API_URL', 'not a url', /SLACK_API_URL:/],
  ] as const) {
    it(`rejects a bad ${name}, naming it`, () => {
      assert.throws(() => loadEnv({ ...slackEnv, [name]: value }), message);
    });
  }
});

describe('YAML config', () => {
  it('accepts the shipped example', () => {
    const config = loadSupportConfig('supportbot.example.yml');
    assert.equal(config.channels.support, 'C0123456789');
    assert.equal(config.sla.P2.targetMinutes, 180);
    assert.deepEqual(config.calendar.workingDays, [1, 2, 3, 4, 5]);
    assert.equal(config.squads.payments?.gardener?.id, 'gardener:payments');
  });

  const broken: Array<[string, (doc: Doc) => void, RegExp]> = [
    ['a missing support channel', (d) => delete d.channels.support, /channels\.support:/],
    ['a channel that is not an id', (d) => (d.channels.support = '#support'), /channels\.support: must be a Slack channel id/],
    ['an unknown time zone', (d) => (d.timezone = 'Mars/Olympus'), /timezone: must be an IANA time zone/],
    ['a service owned by an unknown squad', (d) => (d.services.search.squad = 'ghosts'), /services\.search\.squad: unknown squad "ghosts"/],
    ['business hours ending before they start', (d) => (d.businessHours.end = '08:00'), /businessHours\.end: end must be after start/],
    ['a bad handoff', (d) => (d.oncall.handoffs = ['monday 18h']), /oncall\.handoffs\.0: must be a weekly handoff/],
    ['a non-positive SLA', (d) => (d.sla = { P1: { minutes: 0, businessHours: false } }), /sla\.P1\.minutes/],
    ['no services', (d) => (d.services = {}), /services: must list at least one service/],
  ];
  for (const [what, mutate, message] of broken) {
    it(`rejects ${what}, naming the YAML path`, () => {
      const doc = testConfigDoc();
      mutate(doc);
      assert.throws(
        () => parseSupportConfig(doc, 'supportbot.yml'),
        (err: Error) => err instanceof ConfigError && message.test(err.message),
      );
    });
  }

  it('names the file when it is missing or not YAML', () => {
    assert.throws(() => loadSupportConfig('/nonexistent/supportbot.yml'), /SUPPORT_CONFIG: cannot read "\/nonexistent\/supportbot.yml"/);
    assert.throws(() => loadSupportConfig('test/fixtures/broken.yml'), /not valid YAML at line/);
  });
});

describe('npm start', () => {
  // Run from an empty folder so a developer's own .env cannot leak into the check.
  const emptyDir = mkdtempSync(path.join(tmpdir(), 'supportbot-start-'));
  const startArgs = ['--import', import.meta.resolve('tsx'), fileURLToPath(new URL('../src/main.ts', import.meta.url))];

  it('without Slack credentials exits non-zero at once with one readable message, no stack trace', () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SLACK_')));
    const r = spawnSync(process.execPath, startArgs, { env, encoding: 'utf8', timeout: 30_000, cwd: emptyDir });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET/);
    assert.match(r.stderr, /manifest\.yml/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });

  it('with credentials but no config file names SUPPORT_CONFIG', () => {
    const r = spawnSync(process.execPath, startArgs, {
      env: { ...process.env, ...slackEnv, SUPPORT_CONFIG: '/nonexistent.yml' },
      cwd: emptyDir,
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /SUPPORT_CONFIG: cannot read/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it('the example config documents every top-level key the schema knows', () => {
    const doc = parse(readFileSync('supportbot.example.yml', 'utf8')) as Record<string, unknown>;
    for (const key of [
      'timezone',
      'channels',
      'businessHours',
      'sla',
      'escalation',
      'deploys',
      'admins',
      'squads',
      'services',
      'oncall',
      'pay',
      'digest',
    ]) {
      assert.ok(key in doc, key);
    }
  });
});
