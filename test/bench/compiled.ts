// The benchmarks run the bot as production does: compiled JavaScript started with `npm start`'s
// environment and node flags, not TypeScript through tsx's loader. The repo's TypeScript (src/ and
// the test support the bot processes start from) is compiled once per `npm run bench` into
// test/.tmp/bench-build.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { REPO } from '../support/mainProcess.js';

const OUT = path.join(REPO, 'test/.tmp/bench-build');

/**
 * The environment and node flags of `npm start` (`VAR=value … exec node <flags> dist/main.js`), to
 * start the benchmarks' processes with.
 */
export const START = startCommand(
  (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start,
);

function startCommand(script: string): { env: Record<string, string>; flags: string[] } {
  const parts = /^((?:\w+=\S+ )*)exec node ((?:\S+ )*)dist\/main\.js$/.exec(script);
  if (!parts) throw new Error(`npm start is not "VAR=value … exec node <flags> dist/main.js": ${script}`);
  const words = (s: string) => s.split(' ').filter(Boolean);
  return {
    env: Object.fromEntries(words(parts[1]!).map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)])),
    flags: words(parts[2]!),
  };
}

let built = false;

/** The compiled JavaScript of `source` (a .ts path relative to the repo), compiling the repo first if this run has not. */
function compiled(source: string): string {
  if (!built) {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--noEmit', 'false', '--sourceMap', 'false', '--outDir', OUT], {
      cwd: REPO,
      stdio: 'inherit',
    });
    built = true;
  }
  return path.join(OUT, source.replace(/\.ts$/, '.js'));
}

const BOT_MAIN = 'test/support/botMain.ts';

/**
 * BotProcess.start's options for `source` (the bot's test/support/botMain.ts or the floor's
 * test/bench/bareBolt.ts) run as the service runs: compiled, with `npm start`'s environment and
 * flags, polling for due work as the service does; the bot, not the floor, profiled under
 * BOT_CPU_PROF_DIR.
 */
export function asService(source: string) {
  return { main: compiled(source), start: START, servicePoll: true, profiled: source === BOT_MAIN };
}
