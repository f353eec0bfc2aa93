// The benchmarks run the bot as production does: compiled JavaScript started with `npm start`'s node
// flags, not TypeScript through tsx's loader. The repo's TypeScript (src/ and the test support the
// bot processes start from) is compiled once per `npm run bench` into test/.tmp/bench-build.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { REPO } from '../support/mainProcess.js';

const OUT = path.join(REPO, 'test/.tmp/bench-build');

/** node's flags in `npm start` (`exec node <flags> dist/main.js`). */
export const START_FLAGS = (
  JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { scripts: { start: string } }
).scripts.start
  .replace(/^exec node /, '')
  .replace(/ ?dist\/main\.js$/, '')
  .split(' ')
  .filter(Boolean);

let built = false;

/** The compiled JavaScript of `source` (a .ts path relative to the repo), compiling the repo first if this run has not. */
export function compiled(source: string): string {
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
