import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  streamNameFilter,
  type AppendExpectedRevision,
} from '@eventstore/db-client';
import type { EsdbPosition } from './mapping';

/** An event as this engine writes it: bytes, so that what is hashed is exactly what is stored. */
export interface EsdbEventData {
  id: string;
  type: string;
  data: Uint8Array;
  metadata: Uint8Array;
}

/** An event as this engine reads it back. */
export interface EsdbRecordedEvent {
  streamId: string;
  id: string;
  type: string;
  revision: bigint;
  data: unknown;
  metadata: unknown;
  position?: EsdbPosition;
}

/** A live or catch-up read of $all: events as 'data', 'caughtUp' once it reached the head. */
export interface EsdbAllSubscription {
  on(event: 'data', listener: (resolved: { event?: EsdbRecordedEvent }) => void): unknown;
  on(event: 'caughtUp' | 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  unsubscribe(): Promise<void>;
}

/** The small part of @eventstore/db-client this engine uses, so that its logic can be tested with a fake. */
export interface EsdbClient {
  appendToStream(
    stream: string,
    events: EsdbEventData[],
    expectedRevision: AppendExpectedRevision,
  ): Promise<{ nextExpectedRevision: bigint; position?: EsdbPosition }>;
  /** Throws an error of type 'stream-not-found' when the stream does not exist. */
  readStream(
    stream: string,
    options: { direction: 'forwards' | 'backwards'; fromRevision: bigint | 'start' | 'end'; maxCount: number },
  ): AsyncIterable<{ event?: EsdbRecordedEvent }>;
  /** $all backwards from the end: for the head position. */
  readAllBackwards(maxCount: number, from: EsdbPosition | 'end'): AsyncIterable<{ event?: EsdbRecordedEvent }>;
  /** subscribeToAll with a server-side stream-name filter. */
  subscribeToAll(
    from: EsdbPosition | 'start' | 'end',
    filter: { prefixes: string[] } | { regex: string },
  ): EsdbAllSubscription;
  setMaxCount(stream: string, maxCount: number): Promise<void>;
  dispose(): Promise<void>;
}

/** The engine's client surface over a real connection (`esdb://host:2113?tls=false`, see ADR 0009). */
export const connectEsdb = (connectionString: string): EsdbClient => {
  const client = EventStoreDBClient.connectionString(connectionString);
  const position = (from: EsdbPosition | 'start' | 'end') => (from === 'start' ? START : from === 'end' ? END : from);
  return {
    appendToStream: async (stream, events, expectedRevision) => {
      const result = await client.appendToStream(
        stream,
        events.map((e) => ({ id: e.id, type: e.type, contentType: 'application/octet-stream' as const, data: e.data, metadata: e.metadata })),
        { expectedRevision },
      );
      return { nextExpectedRevision: result.nextExpectedRevision, position: result.position };
    },
    readStream: (stream, options) =>
      client.readStream(stream, {
        direction: options.direction === 'forwards' ? FORWARDS : BACKWARDS,
        fromRevision: options.fromRevision === 'start' ? START : options.fromRevision === 'end' ? END : options.fromRevision,
        maxCount: options.maxCount,
      }),
    readAllBackwards: (maxCount, from) => client.readAll({ direction: BACKWARDS, fromPosition: position(from), maxCount }),
    subscribeToAll: (from, filter) =>
      client.subscribeToAll({
        fromPosition: position(from),
        filter: 'regex' in filter ? streamNameFilter({ regex: filter.regex }) : streamNameFilter({ prefixes: filter.prefixes }),
      }),
    setMaxCount: async (stream, maxCount) => void (await client.setStreamMetadata(stream, { maxCount })),
    dispose: () => client.dispose(),
  };
};
