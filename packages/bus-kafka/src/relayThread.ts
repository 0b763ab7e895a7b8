import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import type { Relay, RelayLogger, RelayStatus } from '@asn/bus';
import type { Context } from '@asn/contracts';
import type { KafkaBusOptions } from './kafkaBus';

export interface RelayThreadOptions {
  /** The SQLite event store file; the thread opens its own connection to it. */
  readonly storePath: string;
  readonly mmapBytes?: number;
  readonly context: Context;
  /** Name of the relay's checkpoint in the store file. */
  readonly checkpoint: string;
  readonly kafka: Pick<KafkaBusOptions, 'brokers' | 'clientId' | 'topicPrefix' | 'partitions'>;
  readonly batchSize?: number;
  readonly logger?: RelayLogger;
  /** Test fault point: kill the process after a broker ack, before the checkpoint. */
  readonly killAfterPublish?: boolean;
  /**
   * Told of every acknowledged page: its first and last global positions and when (`performance.timeOrigin
   * + performance.now()`, a clock both threads share). For measurements.
   */
  readonly onAck?: (first: number, last: number, atMs: number) => void;
}

export type RelayThreadData = Omit<RelayThreadOptions, 'logger' | 'onAck'> & { reportAcks: boolean };
export type RelayThreadRequest = { type: 'status'; id: number } | { type: 'stop' };
export type RelayThreadReply =
  | { type: 'caughtUp' }
  | { type: 'stopped' }
  | { type: 'status'; id: number; status?: RelayStatus; error?: string }
  | { type: 'acked'; first: number; last: number; at: number }
  | { type: 'log'; level: 'info' | 'warn'; fields: object; message: string };

/**
 * The relay of `@asn/bus` on a worker thread, for the SQLite store and Kafka: the same relay (checkpoint
 * after each ack, retries through outages), with its own store connection and producer, so that under a
 * heavy commit load it does not share the main thread with the service's requests (docs/benchmarks.md,
 * relay line).
 */
export const startRelayThread = (options: RelayThreadOptions): Relay => {
  const { logger, onAck, ...rest } = options;
  const data: RelayThreadData = { ...rest, reportAcks: onAck !== undefined };
  // Packages are TypeScript source (ADR 0001) and a worker inherits no loader hooks: the bootstrap registers
  // tsx's CommonJS hook in the thread, then loads the worker module.
  const file = join(__dirname, 'relay.worker.ts');
  const bootstrap = `require(require.resolve('tsx/cjs/api', { paths: [${JSON.stringify(__dirname)}] })).register(); require(${JSON.stringify(file)});`;
  const worker = new Worker(bootstrap, { eval: true, workerData: data });
  const pending = new Map<number, { resolve: (status: RelayStatus) => void; reject: (error: Error) => void }>();
  let next = 0;
  let stopped = false;
  let markCaughtUp!: () => void;
  const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));
  let markStopped!: () => void;
  const stoppedReply = new Promise<void>((resolve) => (markStopped = resolve));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let last: RelayStatus | undefined;

  worker.on('message', (reply: RelayThreadReply) => {
    if (reply.type === 'caughtUp') markCaughtUp();
    else if (reply.type === 'stopped') markStopped();
    else if (reply.type === 'log') logger?.[reply.level](reply.fields, reply.message);
    else if (reply.type === 'acked') onAck?.(reply.first, reply.last, reply.at);
    else {
      const waiting = pending.get(reply.id);
      pending.delete(reply.id);
      if (reply.status) {
        last = reply.status;
        waiting?.resolve(reply.status);
      } else waiting?.reject(new Error(`relay thread: status failed (${reply.error ?? 'unknown'})`));
    }
  });
  worker.on('error', (error) => logger?.warn({ errorClass: error.name }, 'relay thread: failed'));
  void exited.then(() => {
    stopped = true;
    markCaughtUp();
    markStopped();
    for (const waiting of pending.values()) waiting.reject(new Error('relay thread: exited'));
    pending.clear();
  });

  return {
    caughtUp,
    status: () => {
      if (stopped) return Promise.resolve({ ...(last ?? emptyStatus(options.context)), state: 'stopped' as const });
      const id = (next += 1);
      worker.postMessage({ type: 'status', id } satisfies RelayThreadRequest);
      return new Promise<RelayStatus>((resolve, reject) => pending.set(id, { resolve, reject }));
    },
    stop: async () => {
      if (stopped) return;
      worker.postMessage({ type: 'stop' } satisfies RelayThreadRequest);
      const timer = setTimeout(() => void worker.terminate(), 10_000);
      await Promise.race([stoppedReply, exited]);
      clearTimeout(timer);
      stopped = true;
      await worker.terminate();
    },
  };
};

const emptyStatus = (context: Context): RelayStatus => ({
  topic: `asn.${context}.v1`,
  state: 'stopped',
  position: 0,
  head: 0,
  lag: 0,
  lagMs: 0,
  published: 0,
  failedAttempts: 0,
});
