// Runs test/support/botMain.ts as a child process the test can SIGKILL, with a clock file the test
// writes (atomically, so the bot never reads half a timestamp).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SIGNING_SECRET } from './harness.js';
import { SlackRequests } from './slackRequests.js';

const MAIN = fileURLToPath(new URL('./botMain.ts', import.meta.url));
/** Clock ticks per second, the unit of /proc/<pid>/stat's CPU times; asked once, when first needed. */
let clockTicks: number | undefined;
const ticksPerSecond = () => (clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })));

export function writeClock(file: string, iso: string): void {
  writeFileSync(`${file}.tmp`, iso);
  renameSync(`${file}.tmp`, file);
}

export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export class BotProcess {
  readonly slack: SlackRequests;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    this.slack = new SlackRequests(`http://127.0.0.1:${port}`, SIGNING_SECRET);
  }

  /**
   * `config`: top-level keys replacing the test config's (e.g. `{ digest: { enabled: true } }`);
   * `digestTickMs`: the process checks for a due digest that often, as if its cron ticked;
   * `main`: the script to run instead of botMain.ts, printing "ready <port>" like it (the benchmarks'
   * compiled botMain.js and bare Bolt app): TypeScript runs through tsx, JavaScript as it is;
   * `start`: node's own flags and environment variables for it (the benchmarks pass `npm start`'s);
   * `profiled`: whether BOT_CPU_PROF_DIR applies (by default only to botMain.ts);
   * `servicePoll`: poll for due work as often as the service does, not every 20 ms (the benchmarks).
   */
  static async start(opts: {
    databaseUrl: string;
    slackApiUrl: string;
    clockFile?: string;
    jobBatchSize?: number;
    /** Pace chat.postMessage per channel as in production (SLACK_PACE). */
    pace?: boolean;
    config?: Record<string, unknown>;
    digestTickMs?: number;
    main?: string;
    start?: { flags: string[]; env: Record<string, string> };
    profiled?: boolean;
    servicePoll?: boolean;
  }): Promise<BotProcess> {
    const main = opts.main ?? MAIN;
    // BOT_CPU_PROF_DIR: each bot process writes a CPU profile there when it stops (benchmarks' profiling).
    const profile =
      process.env.BOT_CPU_PROF_DIR && (opts.profiled ?? !opts.main) ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BOT_CPU_PROF_DIR}`] : [];
    const loader = main.endsWith('.ts') ? ['--import', 'tsx'] : [];
    const child = spawn(process.execPath, [...(opts.start?.flags ?? []), ...profile, ...loader, main], {
      env: {
        ...process.env,
        ...opts.start?.env,
        TEST_DATABASE_URL: opts.databaseUrl,
        TEST_SLACK_API_URL: opts.slackApiUrl,
        ...(opts.clockFile ? { TEST_CLOCK_FILE: opts.clockFile } : {}),
        ...(opts.jobBatchSize ? { TEST_JOB_BATCH: String(opts.jobBatchSize) } : {}),
        ...(opts.pace ? { TEST_PACE: '1' } : {}),
        ...(opts.servicePoll ? { TEST_SERVICE_POLL: '1' } : {}),
        ...(opts.config ? { TEST_CONFIG: JSON.stringify(opts.config) } : {}),
        ...(opts.digestTickMs ? { TEST_DIGEST_TICK_MS: String(opts.digestTickMs) } : {}),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const ready = /ready (\d+)/.exec(out);
        if (ready) resolve(Number(ready[1]));
      });
      child.once('exit', (code) => reject(new Error(`bot process exited with ${code} before it was ready`)));
    });
    return new BotProcess(child, port);
  }

  /** CPU time (user and system) the process has used so far, in ms, from /proc (Linux). */
  cpuMs(): number {
    const stat = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8');
    // After the command name in parentheses: state is field 3, utime 14 and stime 15, in clock ticks.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond();
  }

  /** Sends the signal and waits until the process is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise((r) => this.child.once('exit', r));
    this.child.kill(signal);
    await gone;
  }
}
