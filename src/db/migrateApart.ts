// Migrations applied by a child process that exits. Prisma's schema engine is WebAssembly, and the
// memory it takes stays with the process that ran it for as long as that lives: 11–16 MB of the
// bot's RSS after a first start in the memory bench (docs/benchmarks.md, "Memory"). A worker thread
// shares the process and was worse; a process that exits gives it all back.
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
// The compiled entry beside this one, or the TypeScript source when run through tsx.
const entry = path.join(path.dirname(here), `applyMigrationsMain${path.extname(here)}`);

/** Applies the migrations not yet recorded, in a process of its own; their names, or its error's message. */
export function applyMigrationsApart(url: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    // The URL goes by the environment, not the command line, where `ps` would show its password.
    const child = fork(entry, [], {
      env: { ...process.env, DATABASE_URL: url },
      // A debugger's or profiler's port and files are this process's, not the child's.
      execArgv: process.execArgv.filter((arg) => !/^--(inspect|cpu-prof|heap-prof)/.test(arg)),
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    let applied: string[] | undefined;
    let stderr = '';
    child.on('message', (names) => {
      applied = names as string[];
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0 && applied) resolve(applied);
      else reject(new Error(stderr.trim() || `the migration process ended with ${signal ?? `exit code ${code}`}`));
    });
  });
}
