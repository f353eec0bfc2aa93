// The production package: `npm run build` compiles to JavaScript, and the compiled bot starts from
// it (finding prisma/migrations from the package root), stops gracefully on SIGTERM within its bound
// (also through `npm start`, leaving no orphan), `npm run backup` makes a copy that restores, and
// `npm run demo` seeds and reports from it.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '../src/db/client.js';
import { migrateIfNeeded } from '../src/db/migrate.js';
import { waitFor } from './support/botProcess.js';
import { FakeSlack } from './support/fakeSlack.js';
import { SIGNING_SECRET, ticketFormValues } from './support/harness.js';
import { listeningPort, type MainProcess, REPO, startMain, workFolder } from './support/mainProcess.js';
import { SlackRequests } from './support/slackRequests.js';

// Built by scripts/test.mjs (`npm run build` with --outDir) before the suite, outside the per-file
// time limit. Inside the repository, so that it finds node_modules and the package root as dist/ does.
const OUT = path.join(REPO, 'test/.tmp/dist');
const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Pids of the processes whose parent is `pid` (from /proc). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]!.split(' ')[1] === String(pid);
      } catch {
        return false;
      }
    })
    .map(Number);
}

// Each test has its own fake Slack and folder, so they run side by side (process starts are slow).
describe('the compiled build', { concurrency: 2 }, () => {
  const fakes: FakeSlack[] = [];
  before(() =>
    assert.ok(existsSync(path.join(OUT, 'main.js')), `no build in ${OUT}: run this file through npm test or node scripts/test.mjs`),
  );
  after(() => Promise.all(fakes.map((f) => f.stop())));
  async function slack(): Promise<FakeSlack> {
    const fake = await new FakeSlack().start();
    fakes.push(fake);
    return fake;
  }

  function compiled(script: string, env: Record<string, string>, cwd: string): MainProcess {
    return startMain({ cwd, env, command: [process.execPath, path.join(OUT, script)] });
  }

  function botEnv(fake: FakeSlack, env: Record<string, string>, extra: Record<string, string> = {}) {
    return { ...env, SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fake.apiUrl, ...extra };
  }

  async function fileTicket(port: number, title: string): Promise<void> {
    const res = await new SlackRequests(`http://127.0.0.1:${port}`, SIGNING_SECRET).submitView({
      callbackId: 'ticket_create',
      userId: 'UREPORTER',
      values: ticketFormValues({ title, description: 'Card payments fail', priority: 'P2', service: 'checkout' }),
    });
    assert.equal(res.status, 200);
  }

  it('npm run build compiles src/ (with the generated Prisma clients) to JavaScript', () => {
    assert.ok(existsSync(path.join(OUT, 'main.js')));
    assert.ok(existsSync(path.join(OUT, 'backup.js')));
    assert.ok(existsSync(path.join(OUT, 'generated/sqlite/client.js')));
    assert.ok(existsSync(path.join(OUT, 'generated/postgres/client.js')));
    assert.equal(pkg.scripts.build, 'node scripts/build.mjs');
    assert.equal(pkg.scripts.start, 'MALLOC_MMAP_THRESHOLD_=131072 exec node --heap-growing-percent=20 dist/main.js');
  });

  it('starts from the build in a folder of its own: migrations found, ready, then SIGTERM finishes in-flight work and exits 0', async () => {
    const fake = await slack();
    const { dir, env } = workFolder();
    const bot = compiled('main.js', botEnv(fake, env), dir);
    await bot.waitForStdout(/supportbot is listening/);
    const port = listeningPort(bot.stdout);
    assert.equal((await fetch(`http://127.0.0.1:${port}/readyz`)).status, 200);
    assert.equal((await fetch(`http://127.0.0.1:${port}/livez`)).status, 200);
    // Slack is slow: the root message's post is in flight when the signal comes.
    fake.fail('chat.postMessage', { delayMs: 1500 }, 1);
    const before = fake.callsTo('chat.postMessage').length;
    await fileTicket(port, 'filed just before SIGTERM');
    await waitFor('the root post to be in flight', () => fake.callsTo('chat.postMessage').length > before);
    const signalled = Date.now();
    bot.child.kill('SIGTERM');
    const { code } = await bot.exit(60_000);
    assert.equal(code, 0, bot.stdout + bot.stderr);
    assert.ok(Date.now() - signalled < 30_000, 'well within the supervisor stop timeout');
    assert.match(bot.stdout, /"signal":"SIGTERM".*shutting down/);
    assert.equal(bot.stderr, '');
    // The post it was waiting for finished, and its result was recorded before the exit.
    const db = await openDatabase(env.DATABASE_URL!);
    try {
      const ticket = await db.db.ticket.findFirstOrThrow({ where: { title: 'filed just before SIGTERM' } });
      assert.ok(ticket.rootTs, 'the root message ts was stored');
    } finally {
      await db.close();
    }
  });

  it('past SHUTDOWN_TIMEOUT_MS (a Slack call hanging) it exits anyway, saying so', async () => {
    const fake = await slack();
    const { dir, env } = workFolder();
    const bot = compiled('main.js', botEnv(fake, env, { SHUTDOWN_TIMEOUT_MS: '1500' }), dir);
    await bot.waitForStdout(/supportbot is listening/);
    fake.fail('chat.postMessage', { hang: true }, 1);
    await fileTicket(listeningPort(bot.stdout), 'hangs');
    await new Promise((r) => setTimeout(r, 300));
    const signalled = Date.now();
    bot.child.kill('SIGTERM');
    const { code } = await bot.exit(60_000);
    const took = Date.now() - signalled;
    // Without the bound the hung call would end at the 10 s Web API timeout and the exit be 0.
    assert.equal(code, 1);
    assert.match(bot.stdout, /graceful stop took too long/);
    assert.ok(took >= 1400, `exited after ${took} ms`);
  });

  it('npm start: SIGTERM to npm reaches node (exec), and no process is left behind', async () => {
    const fake = await slack();
    // A package whose dist/ is this build: `npm start` there runs the real script.
    const pkgDir = mkdtempSync(path.join(tmpdir(), 'supportbot-npm-'));
    writeFileSync(
      path.join(pkgDir, 'package.json'),
      JSON.stringify({ name: 'supportbot-start', type: 'module', scripts: { start: pkg.scripts.start } }),
    );
    symlinkSync(OUT, path.join(pkgDir, 'dist'));
    const { env } = workFolder();
    const npm = startMain({ cwd: pkgDir, env: botEnv(fake, env), command: ['npm', 'start', '--silent'] });
    await npm.waitForStdout(/supportbot is listening/);
    const children = childrenOf(npm.child.pid!);
    assert.equal(children.length, 1, 'npm runs node itself, no shell in between');
    const node = children[0]!;
    assert.match(readFileSync(`/proc/${node}/cmdline`, 'utf8'), /node\0--heap-growing-percent=20\0dist\/main\.js/);
    assert.ok(
      readFileSync(`/proc/${node}/environ`, 'utf8').split('\0').includes('MALLOC_MMAP_THRESHOLD_=131072'),
      'glibc reads it at start',
    );
    npm.child.kill('SIGTERM');
    await npm.exit(15_000);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(alive(node), false, 'node exited with npm');
    assert.match(npm.stdout, /"signal":"SIGTERM".*shutting down/);
  });

  it('npm run backup copies the SQLite database while the bot runs; the copy restores with its rows', async () => {
    const fake = await slack();
    const { dir, env } = workFolder();
    const bot = compiled('main.js', botEnv(fake, env), dir);
    try {
      await bot.waitForStdout(/supportbot is listening/);
      await fileTicket(listeningPort(bot.stdout), 'kept in the backup');
      const target = path.join(dir, 'backups/copy.db');
      // Only DATABASE_URL: a backup needs no Slack settings.
      const run = startMain({
        cwd: dir,
        env: { DATABASE_URL: env.DATABASE_URL! },
        command: [process.execPath, path.join(OUT, 'backup.js'), target],
      });
      assert.equal((await run.exit(30_000)).code, 0, run.stderr);
      assert.match(run.stdout, /^backed up .*supportbot\.db to .*copy\.db \(\d+ pages, integrity ok\)\n$/);
      // Restore: the copy is a database of its own, up to date, with the ticket in it.
      const restored = path.join(dir, 'restored/supportbot.db');
      mkdirSync(path.dirname(restored), { recursive: true });
      writeFileSync(restored, readFileSync(target));
      assert.deepEqual(await migrateIfNeeded(`file:${restored}`), []);
      const db = await openDatabase(`file:${restored}`);
      try {
        const tickets = await db.db.ticket.findMany();
        assert.deepEqual(
          tickets.map((t) => t.title),
          ['kept in the backup'],
        );
      } finally {
        await db.close();
      }
    } finally {
      bot.child.kill('SIGTERM');
      await bot.exit(15_000);
    }
  });

  it('npm run demo runs from the build in a folder of its own: ./data/demo.db, three PNGs in ./demo/, the report on stdout', async () => {
    assert.equal(pkg.scripts.demo, 'exec node dist/demo.js');
    const dir = mkdtempSync(path.join(tmpdir(), 'supportbot-demo-'));
    const run = startMain({ cwd: dir, env: { LOG_LEVEL: 'warn' }, command: [process.execPath, path.join(OUT, 'demo.js'), '--no-serve'] });
    assert.equal((await run.exit(120_000)).code, 0, run.stderr);
    assert.equal(run.stderr, '');
    assert.match(run.stdout, /^supportbot demo: /);
    assert.match(run.stdout, /\nchange failure rate \d+ % \(\d+ of \d+ deploys\)/);
    assert.ok(existsSync(path.join(dir, 'data/demo.db')));
    assert.equal(readdirSync(path.join(dir, 'demo')).filter((f) => f.endsWith('.png')).length, 3);
  });

  it('npm run backup of a PostgreSQL URL points at pg_dump', async () => {
    const run = startMain({
      cwd: tmpdir(),
      env: { DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/db' },
      command: [process.execPath, path.join(OUT, 'backup.js')],
    });
    assert.equal((await run.exit(30_000)).code, 1);
    assert.match(run.stderr, /^supportbot backup failed: DATABASE_URL is PostgreSQL: back it up with pg_dump/);
  });
});
