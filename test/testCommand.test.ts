// The test command's children keep every verdict: under --test-force-exit node 20 can drop the last
// ones of a file and still exit 0 (nodejs/node#64833), so the suite would count fewer tests than
// ran. scripts/blockingStdout.mjs, preloaded by scripts/test.mjs, makes the children's stdout blocking.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';

const TESTS = 5000;
/** Without the preload, at least one of three runs of this file lost verdicts in each try on the 2-core machine. */
const RUNS = 3;

describe('the test command', () => {
  it('preloads the blocking stdout in every test child', () => {
    assert.match(
      readFileSync('scripts/test.mjs', 'utf8'),
      /'--import',\s*'\.\/scripts\/blockingStdout\.mjs',\s*'--test',\s*'--test-force-exit'/,
    );
  });

  it(`counts all ${TESTS} tests of a file under --test-force-exit, run after run`, () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'supportbot-testcommand-'));
    try {
      const file = path.join(dir, 'many.test.cjs');
      const body = Array.from({ length: TESTS }, (_, i) => `test('t${i}', () => {});`).join('\n');
      writeFileSync(file, `const { test } = require('node:test');\n${body}\n`);
      const preload = path.resolve('scripts/blockingStdout.mjs');
      // This file runs as a test child itself: the runner started here must not think it is one.
      const { NODE_TEST_CONTEXT: _, ...env } = process.env;
      const counts: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        // Written to a file, as the runner's output is in CI.
        const out = path.join(dir, `run${run}.tap`);
        const fd = openSync(out, 'w');
        try {
          spawnSync(process.execPath, ['--import', preload, '--test', '--test-force-exit', file], {
            env,
            stdio: ['ignore', fd, 'inherit'],
          });
        } finally {
          closeSync(fd);
        }
        counts.push(Number(/^# tests (\d+)$/m.exec(readFileSync(out, 'utf8'))?.[1]));
      }
      assert.deepEqual(counts, Array(RUNS).fill(TESTS));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
