// What a team installing the package relies on: a licence, and engines that say which Node versions
// really run it (Prisma's own range is the narrowest of our dependencies).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import type { Doc } from './support/doc.js';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { license: string; engines: { node: string } };

describe('package', () => {
  it('is MIT licensed, with the licence text in LICENSE', () => {
    assert.equal(pkg.license, 'MIT');
    assert.match(readFileSync('LICENSE', 'utf8'), /^MIT License\n/);
  });

  it('every page the README links to exists, under the stable heading "More documentation"', () => {
    const readme = readFileSync('README.md', 'utf8');
    assert.match(readme, /^## More documentation$/m);
    const links = [...readme.matchAll(/\]\(((?:docs\/|LICENSE)[^)#]*)/g)].map((m) => m[1]!);
    assert.ok(links.length >= 10);
    for (const link of links) assert.ok(existsSync(link), link);
  });

  it("engines.node is Prisma's supported range (Node 20.19 or later)", () => {
    const prisma = JSON.parse(readFileSync('node_modules/prisma/package.json', 'utf8')) as { engines: { node: string } };
    assert.equal(pkg.engines.node, prisma.engines.node);
    assert.match(pkg.engines.node, /\^20\.19/);
  });
});

// No Docker engine runs here: the Dockerfile is checked against the repository instead.
describe('Dockerfile', () => {
  const lines = readFileSync('Dockerfile', 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
  const ignored = readFileSync('.dockerignore', 'utf8').split('\n').filter(Boolean);

  it('is multi-stage and runs as a non-root user, with a healthcheck', () => {
    assert.equal(lines.filter((l) => l.startsWith('FROM ')).length, 2);
    assert.match(lines.find((l) => l.startsWith('FROM '))!, / AS build$/);
    assert.deepEqual(
      lines.filter((l) => l.startsWith('USER ')),
      ['USER node'],
    );
    assert.match(lines.find((l) => l.startsWith('HEALTHCHECK '))!, /\/livez/);
  });

  it("copies only files that exist and that .dockerignore does not drop; the runtime stage takes the build's output", () => {
    for (const line of lines.filter((l) => l.startsWith('COPY '))) {
      const parts = line.split(/\s+/).slice(1);
      if (parts[0]!.startsWith('--from=')) {
        assert.ok(['/app/package.json', '/app/node_modules', '/app/prisma', '/app/dist'].includes(parts[1]!), line);
        continue;
      }
      for (const source of parts.slice(0, -1)) {
        assert.ok(existsSync(source), `${line}: ${source} does not exist`);
        assert.ok(!ignored.includes(source), `${line}: ${source} is in .dockerignore`);
      }
    }
  });

  it('runs npm scripts that exist, builds the native module in the build stage', () => {
    const runs = lines.filter((l) => l.startsWith('RUN '));
    for (const run of runs) for (const m of run.matchAll(/npm run (\S+)/g)) assert.ok(scripts[m[1]!], `npm run ${m[1]} is not a script`);
    const buildStage = lines.slice(
      0,
      lines.findIndex((l, i) => i > 0 && l.startsWith('FROM ')),
    );
    assert.ok(
      buildStage.some((l) => /apt-get install .*python3 make g\+\+/.test(l)),
      'node-gyp toolchain in the build stage',
    );
    assert.ok(buildStage.includes('RUN npm ci --no-audit --no-fund'));
    assert.ok(buildStage.some((l) => l.startsWith('RUN npm prune --omit=dev')));
  });

  it('starts the documented service command, the one npm start execs and the systemd unit runs', () => {
    // The V8 flag and glibc's mmap threshold are part of the command (docs/benchmarks.md, "Memory"):
    // every way of starting it passes them.
    assert.equal(lines.at(-1), 'CMD ["node", "--heap-growing-percent=20", "dist/main.js"]');
    assert.ok(
      lines.some((l) => /^ENV .*\bMALLOC_MMAP_THRESHOLD_=131072\b/.test(l)),
      'the image sets the threshold',
    );
    assert.equal(scripts.start, 'MALLOC_MMAP_THRESHOLD_=131072 exec node --heap-growing-percent=20 dist/main.js');
    const unit = readFileSync('docs/deploy/supportbot.service', 'utf8');
    assert.match(unit, /^ExecStart=\/usr\/bin\/node --heap-growing-percent=20 dist\/main\.js$/m);
    assert.match(unit, /^Environment=MALLOC_MMAP_THRESHOLD_=131072$/m);
    assert.match(readFileSync('docs/operations.md', 'utf8'), /MALLOC_MMAP_THRESHOLD_=131072 node --heap-growing-percent=20 dist\/main\.js/);
  });

  it('compose.yaml runs the image with PostgreSQL', () => {
    const compose = parse(readFileSync('compose.yaml', 'utf8')) as Doc;
    assert.equal(compose.services.supportbot.build, '.');
    assert.match(compose.services.supportbot.environment.DATABASE_URL, /^postgresql:\/\/.*@postgres:5432\//);
    assert.match(compose.services.postgres.image, /^postgres:/);
    assert.equal(compose.services.supportbot.depends_on.postgres.condition, 'service_healthy');
  });
});
