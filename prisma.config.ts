import { defineConfig } from 'prisma/config';

// Prisma 7 reads the datasource URL from here (only CLI commands need it; the app builds its own
// driver adapter from DATABASE_URL, see src/db/client.ts).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  datasource: { url: process.env.DATABASE_URL ?? 'file:./data/supportbot.db' },
});
