import { EventEmitter } from 'node:events';
import type { AppendExpectedRevision } from '@eventstore/db-client';
import type { EsdbAllSubscription, EsdbClient, EsdbEventData, EsdbRecordedEvent } from '../client';
import type { EsdbPosition } from '../mapping';

/**
 * An in-memory EventStoreDB behind the engine's {@link EsdbClient} surface, as faithful as the engine needs
 * (ADR 0009, "What the fake proves"), checked against @eventstore/db-client 6.2 and the server's AllReader:
 *
 * - **One log, byte offsets.** Every record, system records included, gets a commit position equal to its
 *   prepare position: the byte offset where the record starts, after a header and its bytes, so positions
 *   grow per event but never 1, 2, 3. Appends return the last event's position. `$all` carries system events
 *   too: `$$<stream>` `$metadata` records, `$stats-…` records every few appends, the `$settings`/`$users`
 *   records a fresh server starts with.
 * - **Expected revisions** `any`, `no_stream`, `stream_exists` and exact bigints, refused with an error of
 *   `type: 'wrong-expected-version'` and `actualVersion` (bigint, or 'no_stream'), as the client's
 *   WrongExpectedVersionError. A retry of the same ids at the same exact revision is idempotent (the server
 *   answers with the original result and writes nothing).
 * - **Stream reads** fail while iterating with `type: 'stream-not-found'` for a stream never written;
 *   `$maxCount` (setMaxCount writes `$$<stream>`) hides all but the newest events from stream reads, not
 *   from `$all` (until a scavenge, which the fake never runs). Stream reads carry positions (24.10).
 * - **$all**: readAllBackwards from a position is exclusive of the record at it; subscribeToAll from a
 *   position delivers only records after it, and refuses a position that is not a record's start. Prefix
 *   and regex filters apply on the "server". A subscription delivers what exists asynchronously, then
 *   'caughtUp', then live records as they are appended, until unsubscribed, dropped or disposed.
 *
 * Fault injection ({@link FakeEsdbFaults}): drop live subscriptions ('error' then 'end', or just 'end'),
 * cut the next subscription after a number of events, make the next calls fail with a transient error
 * (optionally after the append went through: an ambiguous failure), add latency.
 */
export interface FakeEsdbClient extends EsdbClient {
  readonly faults: FakeEsdbFaults;
  /** The server's log in $all order: live records, for tests that tamper with them. */
  readonly log: readonly FakeRecord[];
  /** Open subscriptions (catch-up and live). */
  openSubscriptions(): number;
  /** Calls made per operation. */
  readonly calls: Record<FakeOperation, number>;
  /** Replaces a stored event's data bytes, as an attacker with disk access would. */
  tamper(streamId: string, revision: number, data: Uint8Array): void;
}

export type FakeOperation = 'appendToStream' | 'readStream' | 'readAllBackwards' | 'subscribeToAll' | 'setMaxCount';

export interface FakeEsdbFaults {
  /**
   * The next `count` calls of `operations` (all by default), or those whose stream `matches`, fail with an
   * error of `type` ('unavailable' by default). With `afterWrite` an append is written first and then fails:
   * the client cannot tell whether it happened.
   */
  failNext(count: number, options?: { operations?: FakeOperation[]; type?: string; afterWrite?: boolean; matches?: (stream: string) => boolean }): void;
  /** Drops every subscription that has caught up: 'error' (unavailable) then 'end', or only 'end'. Returns how many. */
  dropLiveSubscriptions(options?: { withError?: boolean }): number;
  /** The next subscription ends (with an 'unavailable' error first, or not) after delivering `afterEvents` events. */
  cutNextSubscription(afterEvents: number, options?: { withError?: boolean }): void;
  /** Every call waits this long first (0 to stop). */
  delay(ms: number): void;
}

export interface FakeRecord {
  streamId: string;
  id: string;
  type: string;
  revision: bigint;
  contentType: 'application/octet-stream' | 'application/json';
  data: Uint8Array;
  metadata: Uint8Array;
  position: EsdbPosition;
}

export interface FakeEsdbOptions {
  /** A `$stats-…` record joins the log after every this many appends; 3 by default, 0 for never. */
  statsEvery?: number;
  /** Events a subscription delivers per turn of the event loop; 16 by default. */
  deliveryChunk?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STATS_STREAM = '$stats-127.0.0.1:2113';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

const esdbError = (type: string, message: string, extra: Record<string, unknown> = {}): Error =>
  Object.assign(new Error(message), { type, ...extra });

interface Stream {
  records: FakeRecord[];
  /** Stream reads see revisions from here on ($maxCount). */
  visibleFrom: bigint;
  maxCount?: number;
}

interface Fault {
  remaining: number;
  operations?: FakeOperation[];
  type: string;
  afterWrite: boolean;
  matches?: (stream: string) => boolean;
}

class FakeSubscription extends EventEmitter implements EsdbAllSubscription {
  /** Index into the log of the next record to look at. */
  cursor: number;
  caughtUp = false;
  closed = false;
  delivered = 0;
  pumping = false;
  cut?: { afterEvents: number; withError: boolean };

  constructor(
    private readonly server: FakeServer,
    cursor: number,
    readonly accepts: (stream: string) => boolean,
  ) {
    super();
    this.cursor = cursor;
  }

  async unsubscribe(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.server.subscriptions.delete(this);
    this.emit('close');
  }

  /** Ends the subscription as a dropped connection does in client v6. */
  drop(withError: boolean): void {
    if (this.closed) return;
    this.closed = true;
    this.server.subscriptions.delete(this);
    if (withError) this.emit('error', esdbError('unavailable', '14 UNAVAILABLE: Connection dropped'));
    this.emit('end');
    this.emit('close');
  }

  /** Delivers what the log holds past the cursor, a chunk per turn, then 'caughtUp' the first time. */
  pump(): void {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    setImmediate(() => {
      this.pumping = false;
      if (this.closed) return;
      const log = this.server.log;
      let sent = 0;
      while (this.cursor < log.length && sent < this.server.deliveryChunk) {
        const record = log[this.cursor++]!;
        if (!this.accepts(record.streamId)) continue;
        sent++;
        this.delivered++;
        this.emit('data', { event: toRecorded(record) });
        if (this.closed) return;
        if (this.cut && this.delivered >= this.cut.afterEvents) return this.drop(this.cut.withError);
      }
      if (this.cursor < log.length) return this.pump();
      if (!this.caughtUp) {
        this.caughtUp = true;
        this.emit('caughtUp');
      }
    });
  }
}

const toRecorded = (record: FakeRecord): EsdbRecordedEvent => {
  let metadata: unknown;
  if (record.metadata.length > 0) {
    try {
      metadata = JSON.parse(decoder.decode(record.metadata));
    } catch {
      metadata = new Uint8Array(record.metadata);
    }
  }
  const text = decoder.decode(record.data);
  return {
    streamId: record.streamId,
    id: record.id,
    type: record.type,
    revision: record.revision,
    // As client v6: parsed for JSON content, the bytes otherwise (a copy: callers must not reach the log).
    data: record.contentType === 'application/json' ? (JSON.parse(text) as unknown) : new Uint8Array(record.data),
    metadata,
    position: { ...record.position },
  };
};

class FakeServer {
  readonly log: FakeRecord[] = [];
  readonly streams = new Map<string, Stream>();
  readonly subscriptions = new Set<FakeSubscription>();
  readonly faults: Fault[] = [];
  readonly deliveryChunk: number;
  private nextOffset = 0n;
  private appends = 0;
  private statsSeq = 0;
  latencyMs = 0;
  disposed = false;
  cutNext?: { afterEvents: number; withError: boolean };

  constructor(private readonly options: FakeEsdbOptions) {
    this.deliveryChunk = options.deliveryChunk ?? 16;
    // What a fresh server writes before any client does.
    this.system('$settings', '$settings', { $userStreamAcl: { $r: '$all' } });
    this.system('$users', '$User', { loginName: 'admin' });
    this.system('$user-admin', '$user', { loginName: 'admin', fullName: 'Event Store Administrator' });
  }

  private write(streamId: string, events: Array<{ id: string; type: string; data: Uint8Array; metadata: Uint8Array; json?: boolean }>): FakeRecord[] {
    let stream = this.streams.get(streamId);
    if (!stream) this.streams.set(streamId, (stream = { records: [], visibleFrom: 0n }));
    const written = events.map((event) => {
      const commit = this.nextOffset;
      // A prepare record: a header, the stream name, the type, the id, data and metadata, with a suffix.
      this.nextOffset += BigInt(88 + streamId.length + event.type.length + 16 + event.data.length + event.metadata.length + 4);
      const record: FakeRecord = {
        streamId,
        id: event.id.toLowerCase(),
        type: event.type,
        revision: BigInt(stream.records.length),
        contentType: event.json ? 'application/json' : 'application/octet-stream',
        data: new Uint8Array(event.data),
        metadata: new Uint8Array(event.metadata),
        position: { commit, prepare: commit },
      };
      stream.records.push(record);
      this.log.push(record);
      return record;
    });
    if (stream.maxCount !== undefined) {
      const floor = BigInt(stream.records.length - stream.maxCount);
      if (floor > stream.visibleFrom) stream.visibleFrom = floor;
    }
    for (const subscription of this.subscriptions) subscription.pump();
    return written;
  }

  private system(streamId: string, type: string, data: unknown): void {
    this.write(streamId, [{ id: crypto.randomUUID(), type, data: encoder.encode(JSON.stringify(data)), metadata: new Uint8Array(), json: true }]);
  }

  async enter(operation: FakeOperation, stream?: string): Promise<Fault | undefined> {
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    if (this.disposed) throw new Error('the client was disposed');
    const fault = this.faults.find(
      (f) => f.remaining > 0 && (!f.operations || f.operations.includes(operation)) && (!f.matches || (stream !== undefined && f.matches(stream))),
    );
    if (!fault) return undefined;
    fault.remaining--;
    if (fault.remaining === 0) this.faults.splice(this.faults.indexOf(fault), 1);
    return fault;
  }

  append(streamId: string, events: EsdbEventData[], expected: AppendExpectedRevision): { nextExpectedRevision: bigint; position: EsdbPosition } {
    if (streamId.length === 0) throw esdbError('invalid-argument', 'a stream name is required');
    if (events.length === 0) throw esdbError('invalid-argument', 'no events');
    for (const event of events) if (!UUID.test(event.id)) throw esdbError('invalid-argument', `event id ${event.id} is not a UUID`);
    const stream = this.streams.get(streamId);
    const current = stream && stream.records.length > 0 ? BigInt(stream.records.length - 1) : ('no_stream' as const);
    const wrong = (): Error =>
      esdbError('wrong-expected-version', `Expected version ${String(expected)} for ${streamId}, actual ${String(current)}`, {
        streamName: streamId,
        expectedVersion: expected,
        actualVersion: current,
      });
    if (expected !== 'any') {
      const first = expected === 'no_stream' ? 0n : expected === 'stream_exists' ? undefined : expected + 1n;
      // Idempotency: the same ids at the same exact revision answer with the original result.
      if (first !== undefined && stream && current !== 'no_stream' && current >= first) {
        const earlier = stream.records.slice(Number(first), Number(first) + events.length);
        const same = earlier.length === events.length && earlier.every((record, i) => record.id === events[i]!.id.toLowerCase());
        if (same) return { nextExpectedRevision: earlier.at(-1)!.revision, position: { ...earlier.at(-1)!.position } };
        throw wrong();
      }
      if (expected === 'no_stream' && current !== 'no_stream') throw wrong();
      if (expected === 'stream_exists' && current === 'no_stream') throw wrong();
      if (typeof expected === 'bigint' && expected !== (current === 'no_stream' ? -1n : current)) throw wrong();
    }
    const written = this.write(streamId, events);
    this.appends++;
    const statsEvery = this.options.statsEvery ?? 3;
    if (statsEvery > 0 && this.appends % statsEvery === 0) this.system(STATS_STREAM, '$statsCollected', { seq: ++this.statsSeq, 'proc-mem': 123456 });
    const last = written.at(-1)!;
    return { nextExpectedRevision: last.revision, position: { ...last.position } };
  }

  setMaxCount(streamId: string, maxCount: number): void {
    this.system(`$$${streamId}`, '$metadata', { $maxCount: maxCount });
    let stream = this.streams.get(streamId);
    if (!stream) this.streams.set(streamId, (stream = { records: [], visibleFrom: 0n }));
    stream.maxCount = maxCount;
    const floor = BigInt(Math.max(0, stream.records.length - maxCount));
    if (floor > stream.visibleFrom) stream.visibleFrom = floor;
  }

  /** Index of the first record after `from` ('start': 0; 'end': the log's end). */
  indexAfter(from: EsdbPosition | 'start' | 'end'): number {
    if (from === 'start') return 0;
    if (from === 'end') return this.log.length;
    const index = this.indexOf(from);
    return index + 1;
  }

  /** The record at a position; a position inside a record or past the end is not one the server handed out. */
  indexOf(position: EsdbPosition): number {
    let low = 0;
    let high = this.log.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const commit = this.log[mid]!.position.commit;
      if (commit === position.commit) return mid;
      if (commit < position.commit) low = mid + 1;
      else high = mid - 1;
    }
    throw esdbError('invalid-position', `position ${position.commit}/${position.prepare} is not the start of a record`);
  }
}

const compileFilter = (filter: { prefixes: string[] } | { regex: string }): ((stream: string) => boolean) => {
  if ('prefixes' in filter) return (stream) => filter.prefixes.some((prefix) => stream.startsWith(prefix));
  const regex = new RegExp(filter.regex); // the server's IsMatch: a search, not anchored unless the pattern is
  return (stream) => regex.test(stream);
};

/** An in-memory EventStoreDB for the engine's int tests: see {@link FakeEsdbClient}. */
export const fakeEsdbClient = (options: FakeEsdbOptions = {}): FakeEsdbClient => {
  const server = new FakeServer(options);
  const calls: Record<FakeOperation, number> = { appendToStream: 0, readStream: 0, readAllBackwards: 0, subscribeToAll: 0, setMaxCount: 0 };
  const failure = (fault: Fault, what: string): Error => esdbError(fault.type, `14 ${fault.type.toUpperCase()}: ${what} failed (injected)`);

  const faults: FakeEsdbFaults = {
    failNext: (count, o = {}) => {
      server.faults.push({ remaining: count, operations: o.operations, type: o.type ?? 'unavailable', afterWrite: o.afterWrite ?? false, matches: o.matches });
    },
    dropLiveSubscriptions: ({ withError = true } = {}) => {
      const live = [...server.subscriptions].filter((s) => s.caughtUp);
      for (const subscription of live) subscription.drop(withError);
      return live.length;
    },
    cutNextSubscription: (afterEvents, { withError = true } = {}) => {
      server.cutNext = { afterEvents, withError };
    },
    delay: (ms) => {
      server.latencyMs = ms;
    },
  };

  return {
    faults,
    log: server.log,
    calls,
    openSubscriptions: () => server.subscriptions.size,
    tamper: (streamId, revision, data) => {
      const record = server.streams.get(streamId)?.records[revision];
      if (!record) throw new Error(`no event ${streamId}@${revision}`);
      record.data = new Uint8Array(data);
    },

    appendToStream: async (stream, events, expectedRevision) => {
      calls.appendToStream++;
      const fault = await server.enter('appendToStream', stream);
      if (fault && !fault.afterWrite) throw failure(fault, 'append');
      const result = server.append(stream, events, expectedRevision);
      if (fault) throw failure(fault, 'append (after it was written)');
      return result;
    },

    readStream: (stream, o) =>
      (async function* () {
        calls.readStream++;
        const fault = await server.enter('readStream', stream);
        if (fault) throw failure(fault, 'read');
        const found = server.streams.get(stream);
        if (!found || found.records.length === 0) throw esdbError('stream-not-found', `${stream} not found`, { streamName: stream });
        const last = BigInt(found.records.length - 1);
        const from = o.fromRevision === 'start' ? 0n : o.fromRevision === 'end' ? last : o.fromRevision;
        const forwards = o.direction === 'forwards';
        // $maxCount: older events are gone for stream reads (a forwards read starts at the oldest kept one).
        const start = forwards && from < found.visibleFrom ? found.visibleFrom : from;
        let left = o.maxCount;
        // The read ends at the head it saw when it started.
        for (let revision = start; left > 0 && revision >= found.visibleFrom && revision <= last; revision += forwards ? 1n : -1n) {
          const record = found.records[Number(revision)]!;
          left--;
          yield { event: toRecorded(record) };
        }
      })(),

    readAllBackwards: (maxCount, from) =>
      (async function* () {
        calls.readAllBackwards++;
        const fault = await server.enter('readAllBackwards');
        if (fault) throw failure(fault, 'read $all');
        // Backwards from a position: the records before it (the one at it was the previous page's last).
        let index = from === 'end' ? server.log.length - 1 : server.indexOf(from) - 1;
        for (let left = maxCount; left > 0 && index >= 0; left--, index--) yield { event: toRecorded(server.log[index]!) };
      })(),

    subscribeToAll: (from, filter) => {
      calls.subscribeToAll++;
      const accepts = compileFilter(filter);
      const subscription = new FakeSubscription(server, 0, accepts);
      const cut = server.cutNext;
      server.cutNext = undefined;
      subscription.cut = cut;
      // The client opens the call asynchronously and reports failures as 'error' events.
      void server.enter('subscribeToAll').then(
        (fault) => {
          if (subscription.closed) return;
          if (fault) {
            subscription.closed = true;
            subscription.emit('error', failure(fault, 'subscribe'));
            subscription.emit('end');
            return;
          }
          try {
            subscription.cursor = server.indexAfter(from);
          } catch (error) {
            subscription.closed = true;
            subscription.emit('error', error);
            return;
          }
          server.subscriptions.add(subscription);
          subscription.pump();
        },
        (error: Error) => {
          subscription.closed = true;
          subscription.emit('error', error);
        },
      );
      return subscription;
    },

    setMaxCount: async (stream, maxCount) => {
      calls.setMaxCount++;
      const fault = await server.enter('setMaxCount', stream);
      if (fault) throw failure(fault, 'set stream metadata');
      server.setMaxCount(stream, maxCount);
    },

    dispose: async () => {
      server.disposed = true;
      for (const subscription of [...server.subscriptions]) subscription.drop(false);
    },
  };
};
