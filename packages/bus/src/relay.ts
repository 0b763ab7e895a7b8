import { publishedCategories, toCloudEvent, Topics, type Context } from '@asn/contracts';
import type { CloudEvent } from '@asn/contracts';
import { sleep, type CheckpointStore, type EventStore, type RecordedEvent, type Subscription } from '@asn/event-store';
import { propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { describeError, traceContextOf } from './deliver';
import { isTransient } from './types';
import type { EncodedBatch, Publisher } from './types';

export interface RelayLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface RelayOptions {
  readonly store: EventStore;
  /** Where the relay keeps the position it has published up to; moved only after the broker's ack. */
  readonly checkpoint: CheckpointStore;
  /** The context whose categories are published, on its topic. */
  readonly context: Context;
  readonly publisher: Publisher;
  /** Events per publish request; default 1,000. */
  readonly batchSize?: number;
  /** First retry delay after a failed publish (default 200 ms), doubling up to `maxRetryDelayMs` (5 s). */
  readonly retryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
  readonly logger?: RelayLogger;
  /** Test fault point: runs after the broker acknowledged a batch and before the checkpoint moves. */
  readonly afterPublish?: (events: readonly RecordedEvent[]) => void;
  readonly now?: () => number;
}

export interface RelayStatus {
  readonly topic: string;
  /** `publishing` while it follows the log; `retrying` while the broker refuses or does not answer. */
  readonly state: 'publishing' | 'retrying' | 'stopped';
  /** Global position of the last event the broker acknowledged. */
  readonly position: number;
  /** Global position of the store's last committed event. */
  readonly head: number;
  /** Committed events of the relay's categories not yet acknowledged (counted up to {@link LAG_COUNT_LIMIT}). */
  readonly lag: number;
  /** Age in milliseconds of the oldest committed event not yet acknowledged; 0 when none waits. */
  readonly lagMs: number;
  /** Milliseconds from the store's commit of the last acknowledged event to its acknowledgement. */
  readonly lastCommitToAckMs?: number;
  readonly published: number;
  readonly failedAttempts: number;
  /** Error class of the last failed publish while retrying. */
  readonly lastError?: string;
}

/** `status()` counts the relay's backlog up to this many events. */
export const LAG_COUNT_LIMIT = 10_000;

export interface Relay {
  /** Resolves once the relay has published everything committed before it started. */
  readonly caughtUp: Promise<void>;
  status(): Promise<RelayStatus>;
  stop(): Promise<void>;
}

/**
 * The relay of one service (P7): reads its context's categories from the store's global log after its
 * checkpoint, publishes a page at a time, and moves the checkpoint only after the broker acknowledged the
 * page. A publish that fails is retried with backoff, for as long as it takes: a broker outage pauses the
 * relay, and it resumes from the same event when the broker returns. Nothing uncommitted is ever read, so
 * nothing uncommitted is ever published; a crash between ack and checkpoint publishes a page twice, which
 * consumers absorb through their inbox.
 */
export const startRelay = (options: RelayOptions): Relay => {
  const topic = Topics[options.context];
  const categories = publishedCategories[options.context];
  const now = options.now ?? Date.now;
  const abort = new AbortController();
  let state: RelayStatus['state'] = 'publishing';
  let position = 0;
  let published = 0;
  let failedAttempts = 0;
  let lastError: string | undefined;
  let lastCommitToAckMs: number | undefined;

  // A producer span per event that carries a trace (a command's), the child of that context and the parent
  // the message's `traceparent` names, so that the consumers' spans continue the trace through the broker.
  // Events without one (imports, replays) are sent as they are rather than each starting a trace.
  const tracer = trace.getTracer('@asn/bus');
  const traced = (events: readonly RecordedEvent[]): { cloudEvents: CloudEvent[]; spans: Span[] } => {
    const spans: Span[] = [];
    const cloudEvents = events.map((event) => {
      const cloudEvent = toCloudEvent(event);
      if (cloudEvent.traceparent === undefined) return cloudEvent;
      const parent = traceContextOf(cloudEvent.traceparent);
      const span = tracer.startSpan(
        `send ${topic}`,
        {
          kind: SpanKind.PRODUCER,
          attributes: {
            'messaging.operation.type': 'send',
            'messaging.destination.name': topic,
            'messaging.message.id': cloudEvent.id,
            'asn.event.type': cloudEvent.type,
          },
        },
        parent,
      );
      spans.push(span);
      const carrier: { traceparent?: string } = {};
      propagation.inject(trace.setSpan(parent, span), carrier);
      return carrier.traceparent === undefined ? cloudEvent : { ...cloudEvent, traceparent: carrier.traceparent };
    });
    return { cloudEvents, spans };
  };
  const endSpans = (spans: readonly Span[], error?: unknown): void => {
    for (const span of spans) {
      if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(error).errorClass });
      span.end();
    }
  };

  const publishPage = async (
    events: readonly RecordedEvent[],
    batch: EncodedBatch,
    spans: readonly Span[],
  ): Promise<void> => {
    try {
      await sendPage(events, batch, spans);
      endSpans(spans);
    } catch (error) {
      endSpans(spans, error);
      throw error;
    }
  };

  const sendPage = async (
    events: readonly RecordedEvent[],
    batch: EncodedBatch,
    spans: readonly Span[],
  ): Promise<void> => {
    let delay = options.retryDelayMs ?? 200;
    for (;;) {
      try {
        await options.publisher.send(batch);
        break;
      } catch (error) {
        for (const span of spans) span.addEvent('retry', { 'error.type': describeError(error).errorClass });
        if (abort.signal.aborted) throw error;
        failedAttempts += 1;
        lastError = describeError(error).errorClass;
        if (state !== 'retrying')
          options.logger?.warn({ topic, position, errorClass: lastError }, 'relay: publish failed, retrying');
        state = 'retrying';
        await sleep(delay, abort.signal);
        if (abort.signal.aborted) throw error;
        delay = Math.min(delay * 2, options.maxRetryDelayMs ?? 5_000);
      }
    }
    if (state === 'retrying')
      options.logger?.info({ topic, position, failedAttempts }, 'relay: the broker is back, publishing');
    state = 'publishing';
    options.afterPublish?.(events);
    const last = events[events.length - 1]!;
    lastCommitToAckMs = now() - last.recordedAt.getTime();
    position = last.position;
    published += events.length;
    await options.checkpoint.save(last.position);
  };

  // One page in flight: page n+1 is read and encoded while page n waits for its ack, and is sent only after
  // that ack and checkpoint, so pages reach the broker in log order and the checkpoint never runs ahead.
  let inflight: Promise<void> = Promise.resolve();
  const handleBatch = async (events: readonly RecordedEvent[]): Promise<void> => {
    const { cloudEvents, spans } = traced(events);
    const batch = options.publisher.encode(topic, cloudEvents);
    await inflight.catch((error: unknown) => {
      endSpans(spans, error);
      throw error;
    });
    inflight = publishPage(events, batch, spans);
    // Awaited by the next page or by stop(); this branch only keeps an idle relay's failure from going unhandled.
    inflight.catch(() => undefined);
  };

  const follow = (): Subscription =>
    options.store.subscribe({
      checkpoint: {
        load: async () => {
          position = (await options.checkpoint.load()) ?? 0;
          return position;
        },
        // The relay saves its checkpoint itself, after each ack (publishPage).
        save: async () => undefined,
      },
      categories,
      batchSize: options.batchSize ?? 1_000,
      handleBatch,
    });

  // A failure outside the publish retries (reading the store, saving the checkpoint, encoding): a transient
  // one (a locked or busy database, I/O) restarts the relay from its checkpoint after a backoff; any other ends
  // it, and its status says so (which makes the service unready) rather than pretending to publish.
  let subscription = follow();
  const watch = (running: Subscription, delay: number): void => {
    running.done.then(
      () => undefined,
      async (error: unknown) => {
        if (abort.signal.aborted) return;
        lastError = describeError(error).errorClass;
        if (!isTransient(error)) {
          state = 'stopped';
          options.logger?.warn({ topic, ...describeError(error) }, 'relay: stopped by an error');
          return;
        }
        state = 'retrying';
        failedAttempts += 1;
        options.logger?.warn(
          { topic, errorClass: lastError },
          'relay: reading the store failed, restarting from the checkpoint',
        );
        await inflight.catch(() => undefined);
        inflight = Promise.resolve();
        await sleep(delay, abort.signal);
        if (abort.signal.aborted) return;
        subscription = follow();
        watch(subscription, Math.min(delay * 2, options.maxRetryDelayMs ?? 5_000));
      },
    );
  };
  watch(subscription, options.retryDelayMs ?? 200);

  return {
    caughtUp: subscription.caughtUp.then(() => inflight).catch(() => undefined),
    status: async () => {
      const head = await options.store.headPosition();
      let lag = 0;
      let oldest: Date | undefined;
      for await (const event of options.store.readAll({ after: position, categories, maxCount: LAG_COUNT_LIMIT })) {
        oldest ??= event.recordedAt;
        lag += 1;
      }
      return {
        topic,
        state,
        position,
        head,
        lag,
        lagMs: oldest === undefined ? 0 : Math.max(0, now() - oldest.getTime()),
        ...(lastCommitToAckMs === undefined ? {} : { lastCommitToAckMs }),
        published,
        failedAttempts,
        ...(lastError === undefined ? {} : { lastError }),
      };
    },
    stop: async () => {
      abort.abort();
      state = 'stopped';
      await subscription.stop();
      await inflight.catch(() => undefined);
    },
  };
};
