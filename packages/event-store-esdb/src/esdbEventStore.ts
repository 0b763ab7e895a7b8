import {
  assertAppendable,
  DuplicateEventIdError,
  eventHash,
  GENESIS_HASH,
  revisionMatches,
  startSubscription,
  verifyStore,
  waitForSignal,
  WrongExpectedRevisionError,
  type AppendOptions,
  type AppendResult,
  type CheckpointStore,
  type EventMetadata,
  type EventStore,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StoredForm,
  type StreamHead,
  type SubscribeOptions,
  type Subscription,
  type VerifiableEvent,
  type VerifiableStore,
  type VerifyReport,
  sleep,
  tracedAppend,
  type EventCheck,
} from '@asn/event-store';
import type { EsdbAllSubscription, EsdbClient, EsdbEventData, EsdbRecordedEvent } from './client';
import {
  backoffMs,
  esdbExpectedRevision,
  isStreamNotFound,
  isWrongExpectedVersion,
  readStartFor,
  retryTransient,
  streamNames,
  toConcurrencyError,
  toPortPosition,
  type BackoffOptions,
  type StreamNames,
} from './mapping';

export interface EsdbEventStoreOptions {
  client: EsdbClient;
  /** How long a claim on event ids by an append that never completed blocks other appends; 60 s by default. */
  claimLeaseMs?: number;
  /** How often a live subscription looks again even without a signal from its wake-up subscription. */
  pollMs?: number;
  /** Backoff of reads and subscriptions after a dropped connection. */
  backoff?: BackoffOptions;
  /** Told about each retry after a transient error (for logs). */
  onRetry?: (error: unknown, delayMs: number) => void;
  /**
   * This ledger's namespace on a shared server (lowercase letters and digits): its streams are
   * `<namespace>.<stream>` there, and it sees no other's. None by default: the streams keep their names.
   */
  namespace?: string;
  /** Each event before it is appended: the data to store, or a throw that refuses the append (the runtime's contract check). */
  checkEvent?: EventCheck;
}

/** What this engine keeps in an ESDB event's metadata beside the caller's metadata text. */
interface Envelope {
  /** Schema version. */
  v: number;
  /** Recorded at, ms since the epoch: chosen by the engine so that it can be hashed before the write. */
  t: number;
  /** The caller's metadata as stored JSON text. */
  m: string;
  /** This event's chain hash, hex. */
  h: string;
}

interface Claim {
  stream: string;
  ids: string[];
  /** The stream's head revision when the claim was made: the events are after it. */
  after: number;
  at: number;
  released?: boolean;
}

type ClaimOutcome =
  | { kind: 'fresh'; id: string; revision: bigint }
  | { kind: 'ours'; claim: Claim }
  | { kind: 'taken'; id: string };

const CLAIM_PREFIX = '_asn_id-';
const CHECKPOINT_PREFIX = '_asn_checkpoint-';
const CLAIM_CONCURRENCY = 64;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

const text = (value: unknown): string =>
  value instanceof Uint8Array ? decoder.decode(value) : typeof value === 'string' ? value : JSON.stringify(value);
const json = (value: unknown): unknown => (value instanceof Uint8Array ? JSON.parse(decoder.decode(value)) : value);
const bytes = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value));

/** Opens the event store on EventStoreDB. */
export const openEsdbEventStore = (options: EsdbEventStoreOptions): EsdbEventStore => new EsdbEventStore(options);

/**
 * The event store port on EventStoreDB (ADR 0009). Streams keep their ledger names; each event carries its
 * hash chain in its metadata; every append is made at an explicit expected revision; event ids are claimed
 * in `_asn_id-<id>` streams so that a retry writes nothing twice, forever, and an id is used by one append only.
 */
export class EsdbEventStore implements EventStore, VerifiableStore {
  private readonly client: EsdbClient;
  private readonly claimLeaseMs: number;
  private readonly pollMs: number;
  private readonly closing = new AbortController();
  private readonly names: StreamNames;

  constructor(private readonly options: EsdbEventStoreOptions) {
    this.client = options.client;
    this.names = streamNames(options.namespace);
    this.claimLeaseMs = options.claimLeaseMs ?? 60_000;
    this.pollMs = options.pollMs ?? 500;
  }

  appendToStream(stream: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    // Timed and traced by whoever listens on the append channel, as the SQLite engine's.
    return tracedAppend(events, (traced) => this.append(stream, traced, options), this.options.checkEvent);
  }

  private async append(stream: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    assertAppendable(stream, events, expected);
    const rows = events.map((event) => ({
      id: event.id.toLowerCase(),
      type: event.type,
      schemaVersion: event.schemaVersion ?? 1,
      data: JSON.stringify(event.data),
      metadata: JSON.stringify(event.metadata ?? {}),
    }));
    const ids = rows.map((row) => row.id);
    const head = await this.head(stream);

    const outcomes = await this.claimAll(stream, ids, head.revision === 'no_stream' ? -1 : head.revision);
    const fresh = outcomes.filter((o): o is Extract<ClaimOutcome, { kind: 'fresh' }> => o.kind === 'fresh');
    const taken = outcomes.find((o): o is Extract<ClaimOutcome, { kind: 'taken' }> => o.kind === 'taken');
    const refuse = async (error: Error): Promise<never> => {
      await this.release(fresh);
      throw error;
    };
    if (taken) return refuse(new DuplicateEventIdError(taken.id));
    const ours = outcomes.find((o): o is Extract<ClaimOutcome, { kind: 'ours' }> => o.kind === 'ours');
    if (ours) {
      // A retry: answer as the first time if the first time got through; go on if it never did.
      const earlier = await this.findAppend(stream, ids, ours.claim.after);
      if (earlier === 'partial') return refuse(new DuplicateEventIdError(ids[0]!));
      if (earlier) return earlier;
    }

    let current = head;
    for (let attempt = 0; ; attempt++) {
      if (!revisionMatches(expected, current.revision)) {
        return refuse(new WrongExpectedRevisionError(stream, expected, current.revision));
      }
      let previous = current.hash;
      const base = current.revision === 'no_stream' ? -1 : current.revision;
      const recordedAt = Date.now();
      const data: EsdbEventData[] = rows.map((row, i) => {
        const hash = eventHash(previous, { stream, revision: base + 1 + i, recordedAt, ...row });
        previous = hash;
        const envelope: Envelope = { v: row.schemaVersion, t: recordedAt, m: row.metadata, h: hash.toString('hex') };
        return { id: row.id, type: row.type, data: encoder.encode(row.data), metadata: bytes(envelope) };
      });
      try {
        const result = await this.client.appendToStream(this.names.toEsdb(stream), data, esdbExpectedRevision(current.revision));
        return { nextExpectedRevision: Number(result.nextExpectedRevision), position: toPortPosition(result.position) };
      } catch (error) {
        if (!isWrongExpectedVersion(error)) throw error; // ambiguous: the claims stay, a retry finds out
        // Another writer got in between. Our own earlier attempt? Then this is the answer.
        const earlier = await this.findAppend(stream, ids, base);
        if (earlier && earlier !== 'partial') return earlier;
        // The caller asked for an exact state: that is a conflict. 'any'/'exists': read the head again.
        if (typeof expected === 'number' || expected === 'no_stream' || attempt >= 20) {
          return refuse(toConcurrencyError(stream, expected, error));
        }
        current = await this.head(stream);
      }
    }
  }

  /** The stream's last revision and chain hash. */
  private async head(stream: string): Promise<{ revision: number | 'no_stream'; hash: Buffer }> {
    for await (const event of this.readRaw(stream, 'backwards', 'end', 1)) {
      return { revision: Number(event.revision), hash: Buffer.from(envelopeOf(event).h, 'hex') };
    }
    return { revision: 'no_stream', hash: GENESIS_HASH };
  }

  private async *readRaw(
    stream: string,
    direction: 'forwards' | 'backwards',
    from: bigint | 'start' | 'end',
    maxCount: number,
  ): AsyncIterable<EsdbRecordedEvent> {
    try {
      for await (const resolved of this.client.readStream(this.names.toEsdb(stream), { direction, fromRevision: from, maxCount })) {
        if (resolved.event) yield resolved.event;
      }
    } catch (error) {
      if (isStreamNotFound(error)) return;
      throw error;
    }
  }

  /** Claims every id for this append, a few at a time. */
  private async claimAll(stream: string, ids: string[], after: number): Promise<ClaimOutcome[]> {
    const outcomes: ClaimOutcome[] = [];
    for (let i = 0; i < ids.length; i += CLAIM_CONCURRENCY) {
      const slice = ids.slice(i, i + CLAIM_CONCURRENCY);
      outcomes.push(...(await Promise.all(slice.map((id) => this.claimOne(id, { stream, ids, after, at: Date.now() })))));
    }
    return outcomes;
  }

  /**
   * One id's claim stream: created for a new id; for a known id, ours when it names the same append (same
   * stream, same ids), taken over when released or when its append never happened within the lease.
   */
  private async claimOne(id: string, claim: Claim, retake = true): Promise<ClaimOutcome> {
    const claimStream = `${CLAIM_PREFIX}${id}`;
    const write = async (revision: bigint | 'no_stream'): Promise<ClaimOutcome | undefined> => {
      try {
        const result = await this.client.appendToStream(this.names.toEsdb(claimStream), [{ id: crypto.randomUUID(), type: 'IdClaimed', data: bytes(claim), metadata: bytes({}) }], revision);
        return { kind: 'fresh', id, revision: result.nextExpectedRevision };
      } catch (error) {
        if (isWrongExpectedVersion(error)) return undefined;
        throw error;
      }
    };
    const created = await write('no_stream');
    if (created) return created;
    let last: EsdbRecordedEvent | undefined;
    for await (const event of this.readRaw(claimStream, 'backwards', 'end', 1)) last = event;
    if (!last) return retake ? this.claimOne(id, claim, false) : { kind: 'taken', id };
    const existing = json(last.data) as Claim;
    if (existing.stream === claim.stream && sameIds(existing.ids, claim.ids)) return { kind: 'ours', claim: existing };
    const abandoned =
      existing.released === true ||
      (Date.now() - existing.at > this.claimLeaseMs && !(await this.findAppend(existing.stream, existing.ids, existing.after)));
    if (abandoned && retake) return (await write(last.revision)) ?? this.claimOne(id, claim, false);
    return { kind: 'taken', id };
  }

  /** Gives back the ids this append claimed, so that a corrected retry may use them. */
  private async release(claims: ReadonlyArray<Extract<ClaimOutcome, { kind: 'fresh' }>>): Promise<void> {
    await Promise.all(
      claims.map(async ({ id, revision }) => {
        try {
          await this.client.appendToStream(
            this.names.toEsdb(`${CLAIM_PREFIX}${id}`),
            [{ id: crypto.randomUUID(), type: 'IdReleased', data: bytes({ released: true, stream: '', ids: [], after: -1, at: 0 }), metadata: bytes({}) }],
            revision,
          );
        } catch (error) {
          if (!isWrongExpectedVersion(error)) throw error;
        }
      }),
    );
  }

  /** Where an earlier append of exactly these ids landed in the stream (after revision `after`), if it did. */
  private async findAppend(stream: string, ids: string[], after: number): Promise<AppendResult | 'partial' | undefined> {
    let index = 0;
    let last: EsdbRecordedEvent | undefined;
    for await (const event of this.readRaw(stream, 'forwards', BigInt(after + 1), Number.MAX_SAFE_INTEGER)) {
      if (index === 0 && event.id.toLowerCase() !== ids[0]) continue;
      if (event.id.toLowerCase() !== ids[index]) return 'partial';
      last = event;
      if (++index === ids.length) break;
    }
    if (index === 0) return undefined;
    if (index < ids.length) return 'partial';
    return { nextExpectedRevision: Number(last!.revision), position: toPortPosition(last!.position) };
  }

  async *readStream(stream: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    const direction = options.direction ?? 'forwards';
    const from = options.fromRevision === undefined ? (direction === 'forwards' ? 'start' : 'end') : BigInt(options.fromRevision);
    if ((options.maxCount ?? 1) <= 0) return;
    for await (const event of this.readRaw(stream, direction, from, options.maxCount ?? Number.MAX_SAFE_INTEGER)) {
      yield toRecorded(event, this.names);
    }
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    let remaining = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    let after = options.after ?? 0;
    while (remaining > 0) {
      const limit = Math.min(512, remaining);
      const page = await this.page(after, options.categories, limit, this.closing.signal);
      for (const event of page) yield event;
      if (page.length < limit) return;
      remaining -= page.length;
      after = page[page.length - 1]!.position;
    }
  }

  /**
   * Up to `limit` ledger events after `after`: a catch-up subscription to $all with the server-side
   * stream-name filter, ended at `limit` or when it has caught up (v6 has no filtered readAll).
   */
  private page(after: number, categories: readonly string[] | undefined, limit: number, signal: AbortSignal): Promise<RecordedEvent[]> {
    return retryTransient(() => this.pageOnce(after, categories, limit), signal, { ...this.options.backoff, onRetry: this.options.onRetry });
  }

  private async pageOnce(after: number, categories: readonly string[] | undefined, limit: number): Promise<RecordedEvent[]> {
    const events = await this.scanOnce(after, categories, limit);
    return events.map((event) => toRecorded(event, this.names));
  }

  /**
   * Up to `limit` raw ledger events (of `categories`) after `after`, through a filtered catch-up subscription
   * that ends at `limit` or at the server's `caughtUp`. A subscription that ends before either was cut (client
   * v6 may end a dropped call without an error): that is a transient failure, never the end of the log.
   */
  private scanOnce(after: number, categories: readonly string[] | undefined, limit: number): Promise<EsdbRecordedEvent[]> {
    return new Promise<EsdbRecordedEvent[]>((resolve, reject) => {
      const page: EsdbRecordedEvent[] = [];
      let finished = false;
      let caughtUp = false;
      const subscription = this.client.subscribeToAll(readStartFor(after), this.names.filter(categories));
      const finish = (error?: Error): void => {
        if (finished) return;
        finished = true;
        subscription.unsubscribe().catch(() => undefined);
        if (error) reject(error);
        else resolve(page);
      };
      subscription.on('data', ({ event }) => {
        if (finished || !event || !this.names.isLedger(event.streamId, categories)) return;
        try {
          if (toPortPosition(event.position) <= after) return;
          page.push(event);
          if (page.length >= limit) finish();
        } catch (error) {
          finish(error as Error);
        }
      });
      // Events the server sent before it said "caught up" may still sit in the stream's buffer: let them through.
      subscription.on('caughtUp', () => {
        caughtUp = true;
        setImmediate(() => finish());
      });
      subscription.on('end', () => finish(caughtUp ? undefined : cutShort()));
      subscription.on('error', (error) => finish(error));
    });
  }

  subscribe(options: SubscribeOptions): Subscription {
    const wake = new WakeUp(this.client, this.names.filter(options.categories), this.options.backoff ?? {}, this.pollMs);
    const stopping = new AbortController();
    const inner = startSubscription(
      {
        readPage: (after, categories, limit) => this.page(after, categories, limit, stopping.signal),
        changeCounter: () => wake.counter,
        waitForChange: (seen, signal) => wake.wait(seen, signal),
      },
      options,
    );
    void inner.done.catch(() => undefined).finally(() => wake.close());
    return {
      caughtUp: inner.caughtUp,
      done: inner.done,
      position: () => inner.position(),
      stop: async () => {
        stopping.abort();
        await inner.stop();
        wake.close();
      },
    };
  }

  /** A checkpoint kept in the ESDB stream `_asn_checkpoint-<name>` (its last 10 values are kept). */
  checkpoints(name: string): CheckpointStore {
    const stream = `${CHECKPOINT_PREFIX}${name}`;
    let capped = false;
    return {
      load: async () => {
        for await (const event of this.readRaw(stream, 'backwards', 'end', 1)) return (json(event.data) as { position: number }).position;
        return undefined;
      },
      save: async (position) => {
        if (!capped) {
          await this.client.setMaxCount(this.names.toEsdb(stream), 10);
          capped = true;
        }
        await this.client.appendToStream(this.names.toEsdb(stream), [{ id: crypto.randomUUID(), type: 'CheckpointSaved', data: bytes({ position }), metadata: bytes({}) }], 'any');
      },
    };
  }

  /** Commit position of the last ledger event, 0 when there is none: $all read backwards past bookkeeping. */
  async headPosition(): Promise<number> {
    let from: Parameters<EsdbClient['readAllBackwards']>[1] = 'end';
    for (;;) {
      let seen = 0;
      for await (const { event } of this.client.readAllBackwards(100, from)) {
        if (!event) continue;
        seen++;
        if (this.names.isLedger(event.streamId)) return toPortPosition(event.position);
        if (event.position) from = event.position;
      }
      if (seen < 100) return 0;
    }
  }

  /** Every ledger event in global order with its recorded hash: what verify reads. */
  async *storedEvents(): AsyncIterable<VerifiableEvent> {
    let after = 0;
    for (;;) {
      const page = await this.rawPage(after);
      for (const event of page) yield event;
      if (page.length < 512) return;
      after = page[page.length - 1]!.position;
    }
  }

  private async rawPage(after: number): Promise<VerifiableEvent[]> {
    // readAll hands over parsed events; verify needs the stored text, so it reads the raw form through the same filter.
    const recorded = await retryTransient(() => this.scanOnce(after, undefined, 512), this.closing.signal, {
      ...this.options.backoff,
      onRetry: this.options.onRetry,
    });
    return recorded.map((event) => {
      const envelope = envelopeOf(event);
      return {
        position: toPortPosition(event.position),
        stream: this.names.fromEsdb(event.streamId),
        revision: Number(event.revision),
        id: event.id.toLowerCase(),
        type: event.type,
        schemaVersion: envelope.v,
        recordedAt: envelope.t,
        data: text(event.data),
        metadata: envelope.m,
        hash: Buffer.from(envelope.h, 'hex'),
      };
    });
  }

  /**
   * The stored form as of the last ledger event when it is first read: `$all` up to that position, then each stream's
   * head as the stream index reads it (its last event at or before that position, read backwards), so that appends
   * made meanwhile are left out of both. ESDB keeps no separate stream head: the heads check that `$all` and the
   * stream index agree, not a second record as on SQLite. Positions are byte offsets, never gap-free.
   */
  storedForm(): StoredForm {
    let cut = 0;
    const streams = new Set<string>();
    const events = async function* (store: EsdbEventStore): AsyncIterable<VerifiableEvent> {
      cut = await store.headPosition();
      for await (const event of store.storedEvents()) {
        if (event.position > cut) return;
        streams.add(event.stream);
        yield event;
      }
    };
    const heads = async function* (store: EsdbEventStore): AsyncIterable<StreamHead> {
      for (const stream of streams) {
        for await (const event of store.readRaw(stream, 'backwards', 'end', Number.MAX_SAFE_INTEGER)) {
          if (toPortPosition(event.position) > cut) continue;
          yield { stream, revision: Number(event.revision), hash: Buffer.from(envelopeOf(event).h, 'hex') };
          break;
        }
      }
    };
    return { events: events(this), heads: heads(this), gapFreePositions: false };
  }

  /** Re-computes every chain and checks the heads, as of now (see `storedForm`). */
  verify(): Promise<VerifyReport> {
    return verifyStore(this);
  }

  async close(): Promise<void> {
    if (this.closing.signal.aborted) return;
    this.closing.abort();
    await this.client.dispose();
  }
}

/**
 * The live half of a subscription: a filtered subscribeToAll from the end whose events only bump a
 * counter, so that the catch-up loop reads again. When it drops it is opened again with capped backoff;
 * meanwhile, and as a safety net, the loop also looks every `pollMs`.
 */
class WakeUp {
  counter = 0;
  private subscription: EsdbAllSubscription | undefined;
  private readonly waiters = new Set<() => void>();
  private readonly closed = new AbortController();
  private attempt = 0;

  constructor(
    private readonly client: EsdbClient,
    private readonly filter: ReturnType<StreamNames['filter']>,
    private readonly backoff: BackoffOptions,
    private readonly pollMs: number,
  ) {}

  wait(seen: number, signal: AbortSignal): Promise<void> {
    if (!this.subscription && !this.closed.signal.aborted) this.open();
    return waitForSignal(
      (wake) => {
        this.waiters.add(wake);
        return () => this.waiters.delete(wake);
      },
      () => this.counter !== seen,
      this.pollMs,
      signal,
    );
  }

  private open(): void {
    const subscription = this.client.subscribeToAll('end', this.filter);
    this.subscription = subscription;
    let dropped = false;
    const drop = (): void => {
      if (dropped) return;
      dropped = true;
      this.subscription = undefined;
      subscription.unsubscribe().catch(() => undefined);
      if (this.closed.signal.aborted) return;
      // The pitfall of this client: a dropped subscription just ends. Reopen it, later each time, capped.
      const delay = backoffMs(this.attempt++, this.backoff);
      this.bump();
      void sleep(delay, this.closed.signal).then(() => {
        if (!this.closed.signal.aborted && !this.subscription) this.open();
      });
    };
    subscription.on('data', () => {
      this.attempt = 0;
      this.bump();
    });
    // Live again (first open or a reopen): commits made while it was down sent no signal, so look now.
    subscription.on('caughtUp', () => this.bump());
    subscription.on('error', drop);
    subscription.on('end', drop);
  }

  private bump(): void {
    this.counter++;
    for (const wake of [...this.waiters]) wake();
  }

  close(): void {
    this.closed.abort();
    this.subscription?.unsubscribe().catch(() => undefined);
    this.subscription = undefined;
  }
}

/** A catch-up read that ended before it caught up: read again (transient, as a dropped connection). */
const cutShort = (): Error =>
  Object.assign(new Error('EventStoreDB ended a catch-up read before it caught up'), { type: 'unavailable' });

const sameIds = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((id, i) => id === b[i]);

const envelopeOf = (event: EsdbRecordedEvent): Envelope => {
  const envelope = json(event.metadata) as Partial<Envelope> | undefined;
  if (!envelope || typeof envelope.h !== 'string' || typeof envelope.m !== 'string' || typeof envelope.t !== 'number') {
    throw new Error(`event ${event.id} in ${event.streamId} was not written by this engine`);
  }
  return envelope as Envelope;
};

const toRecorded = (event: EsdbRecordedEvent, names: StreamNames): RecordedEvent => {
  const envelope = envelopeOf(event);
  return {
    id: event.id.toLowerCase(),
    type: event.type,
    schemaVersion: envelope.v,
    stream: names.fromEsdb(event.streamId),
    revision: Number(event.revision),
    position: toPortPosition(event.position),
    recordedAt: new Date(envelope.t),
    data: JSON.parse(text(event.data)) as unknown,
    metadata: JSON.parse(envelope.m) as EventMetadata,
  };
};

