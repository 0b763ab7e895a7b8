import { EventEmitter } from 'node:events';
import { DuplicateEventIdError, WrongExpectedRevisionError } from './errors';
import { eventHash, GENESIS_HASH } from './hash';
import { assertAppendable, categoryOf, revisionMatches } from './names';
import { startSubscription, waitForSignal } from './subscription';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from './types';
import type { StoredForm, StreamHead, VerifiableEvent, VerifiableStore } from './verify';

interface MemoryStream {
  revision: number;
  hash: Buffer;
  positions: number[];
}

/**
 * The event store in memory, for unit tests. It keeps events as JSON text, as a database would, so that what
 * a reader gets is never the object the writer handed in.
 */
export class InMemoryEventStore implements EventStore, VerifiableStore {
  private readonly log: VerifiableEvent[] = [];
  private readonly streams = new Map<string, MemoryStream>();
  private readonly ids = new Map<string, number>();
  private readonly changes = new EventEmitter();

  async appendToStream(stream: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    assertAppendable(stream, events, expected);
    const replay = this.previousAppend(stream, events);
    if (replay) return replay;
    const current = this.streams.get(stream);
    const actual = current ? current.revision : 'no_stream';
    if (!revisionMatches(expected, actual)) throw new WrongExpectedRevisionError(stream, expected, actual);

    const target = current ?? { revision: -1, hash: GENESIS_HASH, positions: [] };
    const recordedAt = Date.now();
    for (const event of events) {
      const stored = {
        stream,
        revision: target.revision + 1,
        id: event.id.toLowerCase(),
        type: event.type,
        schemaVersion: event.schemaVersion ?? 1,
        recordedAt,
        data: JSON.stringify(event.data),
        metadata: JSON.stringify(event.metadata ?? {}),
      };
      const hash = eventHash(target.hash, stored);
      const position = this.log.length + 1;
      this.log.push({ ...stored, position, hash });
      this.ids.set(stored.id, position);
      target.revision = stored.revision;
      target.hash = hash;
      target.positions.push(position);
    }
    this.streams.set(stream, target);
    this.changes.emit('append');
    return { nextExpectedRevision: target.revision, position: this.log.length };
  }

  /** P4: the same event ids again are the same append: answer as the first time, write nothing. */
  private previousAppend(stream: string, events: readonly NewEvent[]): AppendResult | undefined {
    const positions = events.map((event) => this.ids.get(event.id.toLowerCase()));
    if (positions.every((position) => position === undefined)) return undefined;
    const first = positions[0] === undefined ? undefined : this.log[positions[0] - 1];
    const original = first?.stream === stream && this.streams.get(stream);
    const same =
      original &&
      positions.every((position, i) => position !== undefined && original.positions[first.revision + i] === position);
    if (!same) throw new DuplicateEventIdError(events[positions.findIndex((p) => p !== undefined)]!.id);
    const last = this.log[positions[positions.length - 1]! - 1]!;
    return { nextExpectedRevision: last.revision, position: last.position };
  }

  async *readStream(stream: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    const positions = this.streams.get(stream)?.positions ?? [];
    const backwards = options.direction === 'backwards';
    let revision = options.fromRevision ?? (backwards ? positions.length - 1 : 0);
    for (let n = 0; n < (options.maxCount ?? Infinity); n++, revision += backwards ? -1 : 1) {
      const position = positions[revision];
      if (position === undefined) return;
      yield toRecorded(this.log[position - 1]!);
    }
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    let n = 0;
    for (let i = options.after ?? 0; i < this.log.length && n < (options.maxCount ?? Infinity); i++) {
      const event = this.log[i]!;
      if (options.categories && !options.categories.includes(categoryOf(event.stream))) continue;
      n++;
      yield toRecorded(event);
    }
  }

  subscribe(options: SubscribeOptions): Subscription {
    return startSubscription(
      {
        readPage: async (after, categories, limit) => {
          const page: RecordedEvent[] = [];
          for await (const event of this.readAll({ after, categories, maxCount: limit })) page.push(event);
          return page;
        },
        changeCounter: () => this.log.length,
        waitForChange: (seen, signal) =>
          waitForSignal(
            (wake) => {
              this.changes.once('append', wake);
              return () => this.changes.off('append', wake);
            },
            () => this.log.length !== seen,
            1000,
            signal,
          ),
      },
      options,
    );
  }

  async headPosition(): Promise<number> {
    return this.log.length;
  }

  async close(): Promise<void> {}

  /** The stored rows, for verify and for tests that tamper with them. */
  storedEvents(): VerifiableEvent[] {
    return this.log;
  }

  /** The stored form as of now: a copy of the log and the heads. */
  storedForm(): StoredForm {
    return { events: [...this.log], heads: this.streamHeads(), gapFreePositions: true };
  }

  streamHeads(): StreamHead[] {
    return [...this.streams].map(([stream, s]) => ({ stream, revision: s.revision, hash: s.hash }));
  }
}

const toRecorded = (event: VerifiableEvent): RecordedEvent => ({
  id: event.id,
  type: event.type,
  schemaVersion: event.schemaVersion,
  stream: event.stream,
  revision: event.revision,
  position: event.position,
  recordedAt: new Date(event.recordedAt),
  data: JSON.parse(event.data) as unknown,
  metadata: JSON.parse(event.metadata) as RecordedEvent['metadata'],
});
