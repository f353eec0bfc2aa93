// The PostgreSQL pool's settings. pg-pool takes its idle-error listener off a connection as it hands
// the connection out, and Prisma's adapter puts its own on a promise tick later. A connection ended
// by the server in between (a restart, a failover, pg_terminate_backend) emitted its error with no
// listener, and an unhandled 'error' ends the process. It was seen: the server's ReadyForQuery and
// its "terminating connection" arrived in one read, during the scheduler's BEGIN.
import pg from 'pg';

/** Connections to a replica's database at most (three replicas stay well inside PostgreSQL's default 100). */
const MAX_CONNECTIONS = 10;

/**
 * A connection that always has an error listener. It only keeps the process up: the error still
 * reaches whoever uses the connection, as its query fails (pg refuses a connection that has had an
 * error), and the pool drops it when it comes back.
 */
export class ListenedClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    this.on('error', () => {});
  }
}

export function pgPoolConfig(url: string): pg.PoolConfig {
  return { connectionString: url, max: MAX_CONNECTIONS, Client: ListenedClient };
}
