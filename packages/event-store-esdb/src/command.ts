import { connectEsdb } from './client';
import { openEsdbEventStore, type EsdbEventStore } from './esdbEventStore';

/** Reads retried after a dropped connection before a command gives up. */
const MAX_RETRIES = 5;

/**
 * The ledger on an EventStoreDB server for a one-off command (`./ledger verify --esdb`, `./ledger audit --esdb`):
 * each retry is said on stderr under the command's `name`, and after a few the store is closed, so that the read
 * fails instead of waiting for a server that does not answer.
 */
export const openEsdbForCommand = (connectionString: string, name: string): EsdbEventStore => {
  let retries = 0;
  const store = openEsdbEventStore({
    client: connectEsdb(connectionString),
    onRetry: (error, delayMs) => {
      process.stderr.write(`${name}: ${(error as Error).message}; trying again in ${delayMs} ms\n`);
      if (++retries >= MAX_RETRIES) void store.close();
    },
  });
  return store;
};
