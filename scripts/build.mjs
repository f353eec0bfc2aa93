// `npm run build`: compiles src/ (generated Prisma clients included) to dist/ with tsconfig.build.json.
// `--if-possible` (npm install's postinstall): skipped without the dev dependencies, as with
// `npm ci --omit=dev` in a production image, which takes dist/ from its build stage instead.
// (TypeScript and @types/node are no sign: Prisma and the Slack SDK bring them into production installs.)
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const args = process.argv.slice(2);
const outDir = args.includes('--outDir') ? args[args.indexOf('--outDir') + 1] : 'dist';
const require = createRequire(import.meta.url);
let tsc;
try {
  require.resolve('@biomejs/biome/package.json'); // a dev dependency nothing in production brings
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  if (args.includes('--if-possible')) {
    console.log(`No dev dependencies (production install): not building; ${existsSync(outDir) ? 'using the' : 'no'} ${outDir}/.`);
    process.exit(0);
  }
  console.error('npm run build needs the dev dependencies (TypeScript): run npm install without --omit=dev.');
  process.exit(1);
}
rmSync(outDir, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir], { stdio: 'inherit' });
