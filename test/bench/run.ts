// `npm run bench`: runs every test/bench/*.bench.ts in turn (or those named on the command line).
// Benchmarks print figures; they assert nothing.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const named = process.argv.slice(2);
const files = named.length
  ? named.map((f) => path.resolve(f))
  : readdirSync(dir)
      .filter((f) => f.endsWith('.bench.ts'))
      .sort()
      .map((f) => path.join(dir, f));
for (const file of files) {
  console.log(`\n## ${path.relative(process.cwd(), file)}`);
  await import(pathToFileURL(file).href);
}
