// Generates both Prisma clients. `prisma generate` never runs the native schema engine, but the CLI
// looks for one first and tries to download it where it is missing; any existing file satisfies it.
import { execFileSync } from 'node:child_process';

const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath };
for (const schema of ['prisma/schema.prisma', 'prisma/postgres/schema.prisma']) {
  execFileSync(process.execPath, ['node_modules/prisma/build/index.js', 'generate', '--schema', schema], { stdio: 'inherit', env });
}
