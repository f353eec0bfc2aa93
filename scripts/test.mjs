// The test command: typecheck, then the whole suite on SQLite, then again on PostgreSQL when
// TEST_POSTGRES_URL names a server (each test file creates and drops its own database there).
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'bench' || name.startsWith('.') ? [] : files(full);
    return name.endsWith('.test.ts') ? [full] : [];
  });
}

const TEST_TIMEOUT_MS = 180_000;
const only = process.argv.slice(2);
const suite = only.length ? only : files('test').sort();
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.'], { stdio: 'inherit' });
// test/build.test.ts starts the compiled bot: build it first, outside the per-file time limit.
if (suite.some((f) => f.endsWith('build.test.ts'))) {
  execFileSync(process.execPath, ['scripts/build.mjs', '--outDir', 'test/.tmp/dist'], { stdio: 'inherit' });
}

const runs = [['sqlite', {}]];
if (process.env.TEST_POSTGRES_URL) runs.push(['postgresql', { TEST_DATABASE: 'postgresql' }]);
let failed = false;
for (const [name, extra] of runs) {
  console.log(`\n# suite on ${name}`);
  // --test-force-exit: Socket Mode's client leaves a 30 s ping timer behind after disconnecting
  // (blockingStdout.mjs keeps it from losing the children's verdicts).
  // --test-timeout: each test file fails after 3 minutes instead of hanging the suite; the
  // harness's own waits fail sooner and say what they waited for.
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      './scripts/blockingStdout.mjs',
      '--test',
      '--test-force-exit',
      '--test-concurrency=2',
      `--test-timeout=${TEST_TIMEOUT_MS}`,
      ...suite,
    ],
    {
      stdio: 'inherit',
      env: { ...process.env, ...extra },
    },
  );
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
