// manifest.yml (Socket Mode) and manifest.http.yml (HTTP mode) must be valid Slack app manifests
// and declare exactly what the code uses: the command, the events it listens to, and the scopes of
// the Web API methods it calls. The HTTP one differs only in its request URLs and Socket Mode off.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { parse } from 'yaml';

const manifest = parse(readFileSync('manifest.yml', 'utf8'));
const httpManifest = parse(readFileSync('manifest.http.yml', 'utf8'));
// Slack's published schema (MIT, see its LICENSE), kept in the repository so a clone tests alone.
const schema = JSON.parse(readFileSync('test/fixtures/slack-manifest-schema/manifest.schema.1.0.0.json', 'utf8'));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'generated' ? [] : sources(full);
    return full.endsWith('.ts') ? [full] : [];
  });
}
const code = sources('src')
  .map((f) => readFileSync(f, 'utf8'))
  .join('\n');

/** Bot scopes each Web API method needs (https://api.slack.com/methods). */
const METHOD_SCOPES: Record<string, string[]> = {
  'auth.test': [],
  // Socket Mode's connection, made with the app-level token (its connections:write is not a bot scope).
  'apps.connections.open': [],
  'chat.postMessage': ['chat:write', 'chat:write.public'],
  'chat.update': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'chat.getPermalink': [],
  'conversations.history': ['channels:history', 'groups:history'],
  'conversations.replies': ['channels:history', 'groups:history'],
  'views.open': [],
  'views.push': [],
  'views.update': [],
  'views.publish': [],
  'users.lookupByEmail': ['users:read', 'users:read.email'],
  'users.info': ['users:read'],
  'conversations.open': ['im:write'],
  'usergroups.users.update': ['usergroups:write'],
  'files.uploadV2': ['files:write'],
  'files.getUploadURLExternal': ['files:write'],
  'files.completeUploadExternal': ['files:write'],
};
const EVENT_SCOPES: Record<string, string[]> = {
  'message.channels': ['channels:history'],
  'message.groups': ['groups:history'],
  app_home_opened: [],
  reaction_added: ['reactions:read'],
};

function methodsUsed(): string[] {
  const found = new Set<string>();
  // Digits too: files.uploadV2.
  for (const m of code.matchAll(/client\.([a-z]+)\.([a-zA-Z0-9]+(?:\.[a-zA-Z0-9]+)?)\(/g)) found.add(`${m[1]}.${m[2]}`);
  for (const m of code.matchAll(/(?:apiCall\(|method: )'([a-z]+\.[a-zA-Z.]+)'/g)) found.add(m[1]!);
  // Messages the outbox sends are posted with chat.postMessage / chat.update.
  if (/kind: 'ticket\.root'|kind: 'post'/.test(code)) found.add('chat.postMessage').add('chat.update');
  return [...found].sort();
}

function eventsUsed(): string[] {
  const found = new Set<string>();
  for (const m of code.matchAll(/app\.event\('([a-z_]+)'/g)) {
    if (m[1] === 'message') found.add('message.channels').add('message.groups');
    else found.add(m[1]!);
  }
  return [...found].sort();
}

describe('manifest.yml', () => {
  for (const [file, doc] of [
    ['manifest.yml', manifest],
    ['manifest.http.yml', httpManifest],
  ] as const) {
    it(`${file} validates against Slack's published manifest schema`, () => {
      const ajv = new Ajv({ strict: false, allErrors: true });
      const validate = ajv.compile(schema);
      assert.ok(validate(doc), JSON.stringify(validate.errors, null, 2));
    });
  }

  it('manifest.yml is Socket Mode, with no request URLs', () => {
    assert.equal(manifest.settings.socket_mode_enabled, true);
    assert.equal(manifest.settings.event_subscriptions.request_url, undefined);
    assert.equal(manifest.settings.interactivity.request_url, undefined);
    assert.equal(manifest.features.slash_commands[0].url, undefined);
  });

  it('manifest.http.yml is HTTP mode: the three request URLs point at /slack/events, the rest is manifest.yml', () => {
    assert.equal(httpManifest.settings.socket_mode_enabled, false);
    const urls = [
      httpManifest.settings.event_subscriptions.request_url,
      httpManifest.settings.interactivity.request_url,
      ...httpManifest.features.slash_commands.map((c: { url: string }) => c.url),
    ];
    assert.equal(urls.length, 3);
    for (const url of urls) assert.match(url, /^https:\/\/[^/]+\/slack\/events$/);
    const withoutUrls = structuredClone(httpManifest);
    delete withoutUrls.settings.event_subscriptions.request_url;
    delete withoutUrls.settings.interactivity.request_url;
    for (const c of withoutUrls.features.slash_commands) delete c.url;
    withoutUrls.settings.socket_mode_enabled = true;
    assert.deepEqual(withoutUrls, manifest);
  });

  it('declares the one slash command the code registers', () => {
    const registered = [...code.matchAll(/app\.command\('([^']+)'/g)].map((m) => m[1]);
    assert.deepEqual(
      manifest.features.slash_commands.map((c: { command: string }) => c.command),
      registered,
    );
  });

  it('declares exactly the shortcuts the code registers, by callback id', () => {
    const ids = Object.fromEntries([...code.matchAll(/^\s+([a-zA-Z]+): '([a-z_]+)',$/gm)].map((m) => [m[1], m[2]]));
    const registered = [...code.matchAll(/app\.shortcut(?:<\w+>)?\(SHORTCUT\.([a-zA-Z]+)/g)].map((m) => ids[m[1]!]);
    assert.deepEqual(
      manifest.features.shortcuts.map((s: { callback_id: string }) => s.callback_id),
      registered,
    );
    assert.deepEqual(
      manifest.features.shortcuts.map((s: { type: string; name: string }) => [s.type, s.name]),
      [['message', 'Create support ticket']],
    );
  });

  it('subscribes to exactly the events the code listens to', () => {
    assert.deepEqual([...manifest.settings.event_subscriptions.bot_events].sort(), eventsUsed());
  });

  it('asks for exactly the scopes the called methods and events need', () => {
    const methods = methodsUsed();
    const unknown = methods.filter((m) => !(m in METHOD_SCOPES));
    assert.deepEqual(unknown, [], 'add these methods and their scopes to METHOD_SCOPES');
    const needed = new Set(['commands']);
    for (const m of methods) for (const s of METHOD_SCOPES[m]!) needed.add(s);
    for (const e of eventsUsed()) for (const s of EVENT_SCOPES[e] ?? []) needed.add(s);
    assert.deepEqual([...manifest.oauth_config.scopes.bot].sort(), [...needed].sort());
  });

  it('has interactivity and the App Home tab on', () => {
    assert.equal(manifest.settings.interactivity.is_enabled, true);
    assert.equal(manifest.features.app_home.home_tab_enabled, true);
  });
});
