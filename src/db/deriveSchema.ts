/** The PostgreSQL schema is the SQLite one with another provider and client output; nothing else may differ. */
export function derivePostgresSchema(sqliteSchema: string): string {
  const header = '// GENERATED from prisma/schema.prisma by `npm run db:derive`; do not edit.\n';
  const body = sqliteSchema
    .replace(/^\/\/ The one schema source\.[^\n]*\n(\/\/[^\n]*\n)*/m, '')
    .replace(/provider(\s*)= "sqlite"/, 'provider$1= "postgresql"')
    .replace(/output(\s*)= "\.\.\/src\/generated\/sqlite"/, 'output$1= "../../src/generated/postgres"');
  if (body === sqliteSchema) throw new Error('prisma/schema.prisma: expected the sqlite provider and client output lines');
  return header + body;
}
