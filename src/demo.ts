// `npm run demo [-- --no-serve] [--db <file>] [--out <dir>]`: the product without a Slack
// workspace (app/demo.ts). Seeds a month into a fresh SQLite file (./data/demo.db), writes the
// digest charts (./demo/), prints the report, then serves /status on $PORT (default 3000, on $HOST,
// default 127.0.0.1) until Ctrl-C. `--no-serve` or DEMO_NO_SERVE=1 exits after printing.
import { parseArgs } from 'node:util';
import { runDemo } from './app/demo.js';

const { values } = parseArgs({
  options: {
    'no-serve': { type: 'boolean', default: false },
    db: { type: 'string', default: './data/demo.db' },
    out: { type: 'string', default: './demo' },
  },
});
const serve = !values['no-serve'] && !['1', 'true'].includes(process.env.DEMO_NO_SERVE ?? '');
try {
  const demo = await runDemo({
    dbFile: values.db,
    outDir: values.out,
    serve,
    port: Number(process.env.PORT ?? 3000),
    host: process.env.HOST ?? '127.0.0.1',
    ...(process.env.STATUS_PAGE_TOKEN ? { token: process.env.STATUS_PAGE_TOKEN } : {}),
    ...(process.env.LOG_LEVEL ? { logLevel: process.env.LOG_LEVEL } : {}),
    print: (text) => process.stdout.write(`${text}\n`),
  });
  if (serve) {
    const stop = () => void demo.stop().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
} catch (err) {
  process.stderr.write(`supportbot demo failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
}
