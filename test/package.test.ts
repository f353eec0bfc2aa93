// What a team installing the package relies on: a licence, and engines that say which Node versions
// really run it (Prisma's own range is the narrowest of our dependencies).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { license: string; engines: { node: string } };

describe('package', () => {
  it('is MIT licensed, with the licence text in LICENSE', () => {
    assert.equal(pkg.license, 'MIT');
    assert.match(readFileSync('LICENSE', 'utf8'), /^MIT License\n/);
  });

  it("engines.node is Prisma's supported range (Node 20.19 or later)", () => {
    const prisma = JSON.parse(readFileSync('node_modules/prisma/package.json', 'utf8')) as { engines: { node: string } };
    assert.equal(pkg.engines.node, prisma.engines.node);
    assert.match(pkg.engines.node, /\^20\.19/);
  });
});
