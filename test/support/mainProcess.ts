// Runs the real entry point (src/main.ts through tsx, or the compiled dist/main.js) as its own
// process, the way an operator starts it: from a folder of its own, with only the environment given
// (never the developer's .env or SLACK_* variables), and its output kept for the test to read.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { Doc } from './doc.js';
import { SIGNING_SECRET, testConfigDoc } from './harness.js';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const SOURCE_MAIN = [process.execPath, '--import', import.meta.resolve('tsx'), path.join(REPO, 'src/main.ts')];

export interface MainProcess {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves when the process has exited (at once when it already has). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once stdout (JSON log lines) matches; rejects when the process exits first or after `ms`. */
  waitForStdout(pattern: RegExp, ms?: number): Promise<void>;
  /** Resolves with the exit, or rejects after `ms` (the process is then killed). */
  exit(ms?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A folder of its own with a supportbot.yml (the tests' config, changed by `change`) and an SQLite URL in it. */
export function workFolder(change?: (doc: Doc) => void): { dir: string; env: Record<string, string> } {
  const dir = mkdtempSync(path.join(tmpdir(), 'supportbot-main-'));
  const doc = testConfigDoc();
  change?.(doc);
  writeFileSync(path.join(dir, 'supportbot.yml'), stringify(doc));
  return { dir, env: { SUPPORT_CONFIG: path.join(dir, 'supportbot.yml'), DATABASE_URL: `file:${path.join(dir, 'supportbot.db')}` } };
}

/** A work folder for a bot in HTTP mode on `databaseUrl`, calling the fake Slack at `slackApiUrl`. */
export function httpModeFolder(databaseUrl: string, slackApiUrl: string): { dir: string; env: Record<string, string> } {
  const { dir, env } = workFolder();
  return {
    dir,
    env: {
      ...env,
      DATABASE_URL: databaseUrl,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slackApiUrl,
    },
  };
}

export function startMain(opts: { env: Record<string, string>; cwd: string; command?: string[] }): MainProcess {
  const [file, ...args] = opts.command ?? SOURCE_MAIN;
  const child = spawn(file!, args, {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info', PORT: '0', HOST: '127.0.0.1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  let done = false;
  void exited.then(() => (done = true));
  const run: MainProcess = {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
    async waitForStdout(pattern, ms = 120_000) {
      const deadline = Date.now() + ms;
      while (!pattern.test(stdout)) {
        if (done) throw new Error(`the process exited before printing ${pattern}:\n${stdout}\n${stderr}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${stdout}\n${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async exit(ms = 120_000) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`the process did not exit within ${ms / 1000} s:\n${stdout}\n${stderr}`));
        }, ms);
      });
      try {
        return await Promise.race([exited, late]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
  return run;
}

/** The port the bot logged in "supportbot is listening". */
export function listeningPort(stdout: string): number {
  const line = stdout.split('\n').find((l) => l.includes('supportbot is listening'));
  if (!line) throw new Error('the bot has not said it is listening');
  return (JSON.parse(line) as { port: number }).port;
}
