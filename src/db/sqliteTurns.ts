// Prisma's better-sqlite3 adapter has one connection and runs a statement made outside a transaction
// on it at once, even while a transaction is open there: that statement then reads the transaction's
// uncommitted rows, and its writes are rolled back with it (the relay's "sent" mark undone by a
// ticket insert that failed, and the message sent twice). A second connection would wait for the
// writer instead, and block the event loop doing so. This wrapper makes the one connection take
// turns: a statement outside a transaction waits until the open transaction has ended, and a
// transaction starts once the statements queued before it have run.
import type {
  IsolationLevel,
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
  Transaction,
} from '@prisma/driver-adapter-utils';

/** A first-come, first-served lock: `take` resolves with the function that hands the turn on. */
class Turns {
  private last: Promise<void> = Promise.resolve();

  take(): Promise<() => void> {
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const ready = this.last.then(() => release);
    this.last = mine;
    return ready;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.take();
    try {
      return await work();
    } finally {
      release();
    }
  }
}

/** The adapter's transaction, holding the connection's turn until it commits or rolls back. */
function holdingTurn(tx: Transaction, release: () => void): Transaction {
  const end = (finish: () => Promise<void>) => async () => {
    try {
      await finish();
    } finally {
      release();
    }
  };
  return {
    provider: tx.provider,
    adapterName: tx.adapterName,
    options: tx.options,
    queryRaw: (query) => tx.queryRaw(query),
    executeRaw: (query) => tx.executeRaw(query),
    commit: end(() => tx.commit()),
    rollback: end(() => tx.rollback()),
    ...(tx.createSavepoint ? { createSavepoint: (name: string) => tx.createSavepoint!(name) } : {}),
    ...(tx.rollbackToSavepoint ? { rollbackToSavepoint: (name: string) => tx.rollbackToSavepoint!(name) } : {}),
    ...(tx.releaseSavepoint ? { releaseSavepoint: (name: string) => tx.releaseSavepoint!(name) } : {}),
  };
}

function takingTurns(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const turns = new Turns();
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query: SqlQuery): Promise<SqlResultSet> => turns.run(() => adapter.queryRaw(query)),
    executeRaw: (query: SqlQuery): Promise<number> => turns.run(() => adapter.executeRaw(query)),
    executeScript: (script: string): Promise<void> => turns.run(() => adapter.executeScript(script)),
    startTransaction: async (isolationLevel?: IsolationLevel): Promise<Transaction> => {
      const release = await turns.take();
      try {
        return holdingTurn(await adapter.startTransaction(isolationLevel), release);
      } catch (err) {
        release();
        throw err;
      }
    },
    ...(adapter.getConnectionInfo ? { getConnectionInfo: () => adapter.getConnectionInfo!() } : {}),
    dispose: () => adapter.dispose(),
  };
}

/** `factory`'s connections, each taking turns between its transactions and the statements outside them. */
export function sqliteTakingTurns(factory: SqlMigrationAwareDriverAdapterFactory): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => takingTurns(await factory.connect()),
    connectToShadowDb: async () => takingTurns(await factory.connectToShadowDb()),
  };
}
