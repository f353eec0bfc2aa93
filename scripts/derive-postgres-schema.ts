// Derives prisma/postgres/schema.prisma from prisma/schema.prisma; `--check` fails when they differ.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { derivePostgresSchema } from '../src/db/deriveSchema.js';

const source = readFileSync('prisma/schema.prisma', 'utf8');
const derived = derivePostgresSchema(source);
const target = 'prisma/postgres/schema.prisma';
if (process.argv.includes('--check')) {
  const current = (() => {
    try {
      return readFileSync(target, 'utf8');
    } catch {
      return '';
    }
  })();
  if (current !== derived) {
    console.error(`${target} is out of date: run npm run db:derive`);
    process.exit(1);
  }
} else {
  mkdirSync('prisma/postgres', { recursive: true });
  writeFileSync(target, derived);
}
