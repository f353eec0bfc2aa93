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
import { levenshtein, nearest } from '../src/config/issues.js';
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

  it('Socket Mode needs no signing secret; HTTP mode does', () => {
    const env = loadEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1-A0-1-abc' });
    assert.equal(env.SLACK_SIGNING_SECRET, undefined);
    assert.throws(() => loadEnv({ SLACK_BOT_TOKEN: 'xoxb-1' }), /Missing Slack settings: SLACK_SIGNING_SECRET\./);
  });

  it('a missing variable and a placeholder are both told at once', () => {
    assert.throws(
      () => loadEnv({ SLACK_BOT_TOKEN: 'xoxb-…' }),
      (err: Error) =>
        /Missing Slack settings: SLACK_SIGNING_SECRET\./.test(err.message) && /SLACK_BOT_TOKEN: is still a placeholder/.test(err.message),
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
    ['PORT', 'eighty', /PORT: must be a port number from 0 to 65535/],
    ['METRICS_PORT', '70000', /METRICS_PORT: must be a port number from 0 to 65535/],
    ['SLACK_BOT_TOKEN', 'xoxb-<your token>', /SLACK_BOT_TOKEN: is still a placeholder \("xoxb-<your token>"\)/],
    ['SLACK_SIGNING_SECRET', '...', /SLACK_SIGNING_SECRET: is still a placeholder/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL: must be one of "fatal", "error"/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL: must start with "file:"/],
    ['SLACK_API_URL', 'not a url', /SLACK_API_URL:/],
    ['SHUTDOWN_DRAIN_MS', '10000', /SHUTDOWN_DRAIN_MS: must be less than SHUTDOWN_TIMEOUT_MS/],
  ] as const) {
    it(`rejects a bad ${name}, naming it`, () => {
      assert.throws(() => loadEnv({ ...slackEnv, [name]: value }), message);
    });
  }
});

describe('nearest known key', () => {
  it('suggests a key within a typo or two, and nothing past that', () => {
    assert.equal(levenshtein('admns', 'admins'), 1);
    assert.equal(levenshtein('', 'abc'), 3);
    assert.equal(nearest('admns', ['admins', 'squads']), 'admins');
    assert.equal(nearest('Timezone', ['timezone']), 'timezone');
    assert.equal(nearest('xyz', ['admins', 'squads']), undefined);
  });
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
    ['an unknown top-level key', (d) => (d.admns = ['UADMIN']), /^ {2}admns: unknown key; did you mean "admins"\?$/m],
    [
      'an unknown nested key',
      (d) => (d.sla.P1 = { minutes: 60, busnessHours: false }),
      /sla\.P1\.busnessHours: unknown key; did you mean "businessHours"\?/,
    ],
    [
      'a key nothing is close to',
      (d) => (d.channels.zzz = 'C0X'),
      /channels\.zzz: unknown key; the keys known here are support, deploys, managers/,
    ],
    ['a digest schedule that is not cron', (d) => (d.digest = { cron: 'every monday' }), /digest\.cron: must be a cron expression/],
    ['a list where a mapping belongs', (d) => (d.squads = ['payments']), /squads: must be a mapping \(key: value\), not a list/],
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

  it("accepts the README's minimal config of four keys", () => {
    const readme = readFileSync('README.md', 'utf8');
    const quickStart = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('## Create the Slack app'));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(quickStart)![1]!;
    const doc = parse(yaml) as Doc;
    assert.deepEqual(Object.keys(doc), ['timezone', 'channels', 'services', 'admins']);
    const config = parseSupportConfig(doc, 'README');
    assert.equal(config.channels.support, 'C0123456789');
    assert.deepEqual(Object.keys(config.services), ['checkout']);
  });

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
