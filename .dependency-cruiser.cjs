// The layering rule (docs/architecture.md): slack/, http/ → services/ → messages/, outbox/queue,
// repos/, jobs/ → domain/. `npm run check` fails naming the rule a wrong import breaks.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'domain/ holds pure rules: it imports only other domain modules (and libraries such as zod or date-fns).',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: '^src/domain/' },
    },
    {
      name: 'messages-are-pure',
      severity: 'error',
      comment: 'messages/ builds Block Kit from plain data: domain/, config types and other messages/ only.',
      from: { path: '^src/messages/' },
      to: { path: '^src/', pathNot: ['^src/messages/', '^src/domain/', '^src/config/'] },
    },
    {
      name: 'no-slack-sdk-below-adapters',
      severity: 'error',
      comment: 'Only slack/ (listeners), outbox/relay and app/ talk to Bolt or the Web API.',
      from: { path: '^src/(services|domain|messages|repos|jobs|http)/' },
      to: { path: 'node_modules/@slack/(bolt|web-api|socket-mode)/' },
    },
    {
      name: 'only-repos-touch-the-database',
      severity: 'error',
      comment: 'Prisma and the db client are used by repos/ only (app/ opens the database, db/ is the client).',
      from: { path: '^src/', pathNot: ['^src/(repos|db|app|generated)/'] },
      to: { path: ['^src/db/client', '^src/generated/', 'node_modules/@prisma/', 'node_modules/(better-sqlite3|pg)/'] },
    },
    {
      name: 'services-below-adapters',
      severity: 'error',
      comment: 'services/ are use cases: they never import listeners, HTTP routes, the relay or the composition root.',
      from: { path: '^src/services/' },
      to: { path: '^src/(slack|http|app)/|^src/outbox/relay' },
    },
    {
      name: 'lower-layers-do-not-call-up',
      severity: 'error',
      comment: 'messages/, repos/, outbox/ and jobs/ sit below services/: they never import services/, slack/, http/ or app/.',
      from: { path: '^src/(messages|repos|outbox|jobs)/' },
      to: { path: '^src/(services|slack|http|app)/' },
    },
    {
      name: 'adapters-do-not-import-each-other',
      severity: 'error',
      comment: 'slack/ and http/ are separate adapters; app/ composes them.',
      from: { path: '^src/(slack|http)/' },
      to: { path: '^src/(app)/' },
    },
    {
      name: 'only-relay-sends',
      severity: 'error',
      comment: 'The relay is the bot\'s one sender; only app/ builds it.',
      from: { path: '^src/', pathNot: ['^src/app/', '^src/outbox/'] },
      to: { path: '^src/outbox/relay' },
    },
    {
      name: 'demo-through-use-cases',
      severity: 'error',
      comment: 'src/demo/ plays the demo month through services/ (with domain/ and config/): never the database, Slack, the outbox or the routes.',
      from: { path: '^src/demo/' },
      to: { path: '^src/(repos|db|generated|slack|http|outbox|jobs|app)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/generated/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
