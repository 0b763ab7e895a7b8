import { tracingChannel } from 'node:diagnostics_channel';
import type { AppendResult, NewEvent } from './types';

/**
 * The diagnostics channel every engine announces its appends on, for telemetry to time and trace them
 * (`@asn/service-kit`'s instrumentEventStore): free while nobody listens. The message carries the number of
 * events, never the stream; a listener may set `traceparent` when the append starts.
 */
export const APPEND_CHANNEL = 'asn:event-store:append';

export interface AppendMessage {
  readonly events: number;
  /** Set by a listener at the start of the append (its span's context): stamped on the events that carry none. */
  traceparent?: string;
}

const channel = tracingChannel<unknown, AppendMessage>(APPEND_CHANNEL);

/**
 * An engine's check of each event before it is appended: returns the data to store (e.g. as its contract
 * reads it) or throws, and then nothing of the append is written. The runtime checks every event against its
 * contract this way (ADR 0010), so that a replay of the store need not validate it again.
 */
export type EventCheck = (event: NewEvent) => unknown;

/**
 * Runs an engine's append under the channel, after `check` (when given) accepted every event. Events whose
 * metadata has no `traceparent` get the one a listener set (the append's own span), so that whatever the
 * caller, the relay's and consumers' spans continue the trace of the command (or reaction) that appended them.
 * Before hashing: the stamp is part of the stored event.
 */
export const tracedAppend = (events: readonly NewEvent[], append: (events: readonly NewEvent[]) => Promise<AppendResult>, check?: EventCheck): Promise<AppendResult> => {
  if (check) {
    try {
      events = events.map((event) => ({ ...event, data: check(event) }));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
  if (!channel.hasSubscribers) return append(events);
  const message: AppendMessage = { events: events.length };
  return channel.tracePromise(() => {
    const traceparent = message.traceparent;
    return append(traceparent === undefined ? events : events.map((event) => (event.metadata?.traceparent ? event : { ...event, metadata: { ...event.metadata, traceparent } })));
  }, message);
};
