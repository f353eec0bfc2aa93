// The migration process (migrateApart.ts): applies what is pending on DATABASE_URL, sends the names
// of what it applied to its parent, and exits, taking the schema engine's memory with it.
import { setFlagsFromString } from 'node:v8';

// As in main.ts: the engine's WebAssembly compiled once, by V8's baseline tier (before it loads).
setFlagsFromString('--liftoff-only');
const { applyMigrations } = await import('./migrate.js');

try {
  const names = await applyMigrations(process.env.DATABASE_URL ?? '');
  process.send!(names, () => process.disconnect());
} catch (err) {
  process.stderr.write(`${(err as Error).message ?? String(err)}\n`);
  process.exitCode = 1;
  process.disconnect();
}
