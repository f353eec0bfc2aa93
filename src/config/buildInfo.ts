// What is running, for /metrics' build info: the package's version and the Node version. Read from
// the package.json above this file, so it is the same from src/ (tsx) and from a compiled build.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BuildInfo {
  version: string;
  node: string;
}

export function buildInfo(): BuildInfo {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'supportbot') return { version: pkg.version ?? 'unknown', node: process.versions.node };
    } catch {
      // no package.json here: look further up
    }
    const parent = path.dirname(dir);
    if (parent === dir) return { version: 'unknown', node: process.versions.node };
    dir = parent;
  }
}
