import type { CloudEvent } from '@asn/contracts';
import { sleep } from '@asn/event-store';
import {
  context as otelContext,
  metrics,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context as OtelContext,
} from '@opentelemetry/api';
import { isTransient, type DeliveryContext, type Handler } from './types';

export type DeliveryOutcome = { kind: 'handled' } | { kind: 'dead-letter'; errorClass: string; reason: string };

export interface DeliveryPolicy {
  readonly isTransient?: (error: unknown) => boolean;
  readonly retryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
}

/** The delivery was given up because the consumer is stopping: nothing may be committed for it. */
export class DeliveryAbortedError extends Error {
  override readonly name = 'DeliveryAbortedError';
}


/** The dead letter's reason for an error: its class and message, never a stack (it may hold data). */
export const describeError = (error: unknown): { errorClass: string; reason: string } =>
  error instanceof Error
    ? { errorClass: error.name, reason: error.message.slice(0, 1_000) }
    : { errorClass: typeof error, reason: String(error).slice(0, 1_000) };

/**
 * The trace context an event carries (its W3C `traceparent`: the Kafka header, or on the local bus the
 * metadata the command's handler stored), for the spans that continue its trace.
 */
export const traceContextOf = (traceparent: string | undefined): OtelContext =>
  traceparent === undefined ? ROOT_CONTEXT : propagation.extract(ROOT_CONTEXT, { traceparent });

/**
 * Hands one event to the handler: transient failures are retried with capped exponential backoff until
 * they pass or the consumer stops; any other failure becomes a dead letter, so the messages behind it go on.
 * The delivery, retries included, is a consumer span, the child of the event's trace context, and the
 * handler runs inside it.
 * @throws DeliveryAbortedError when `signal` aborts while retrying.
 */
export const deliver = async (
  handle: Handler,
  event: CloudEvent,
  context: Omit<DeliveryContext, 'attempt'>,
  policy: DeliveryPolicy,
  signal: AbortSignal,
): Promise<DeliveryOutcome> => {
  const span = trace.getTracer('@asn/bus').startSpan(
    `process ${context.topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.operation.type': 'process',
        'messaging.destination.name': context.topic,
        'messaging.consumer.group.name': context.group,
        'messaging.message.id': event.id,
        'asn.event.type': event.type,
      },
    },
    traceContextOf(event.traceparent),
  );
  try {
    const outcome = await otelContext.with(trace.setSpan(otelContext.active(), span), () =>
      attempt(handle, event, context, policy, signal),
    );
    if (outcome.kind === 'dead-letter')
      span.setStatus({ code: SpanStatusCode.ERROR, message: `dead-lettered: ${outcome.errorClass}` });
    return outcome;
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : typeof error });
    throw error;
  } finally {
    span.end();
  }
};

const attempt = async (
  handle: Handler,
  event: CloudEvent,
  context: Omit<DeliveryContext, 'attempt'>,
  policy: DeliveryPolicy,
  signal: AbortSignal,
): Promise<DeliveryOutcome> => {
  const transient = policy.isTransient ?? isTransient;
  let delay = policy.retryDelayMs ?? 100;
  const maxDelay = policy.maxRetryDelayMs ?? 10_000;
  for (let attempt = 0; ; attempt += 1) {
    try {
      const handled = handle(event, { ...context, attempt });
      if (handled) await handled;
      return { kind: 'handled' };
    } catch (error) {
      if (!transient(error)) return { kind: 'dead-letter', ...describeError(error) };
      if (signal.aborted) throw new DeliveryAbortedError('the consumer stopped while retrying a delivery');
      await sleep(delay, signal);
      if (signal.aborted) throw new DeliveryAbortedError('the consumer stopped while retrying a delivery');
      delay = Math.min(delay * 2, maxDelay);
    }
  }
};

/** Counts a dead letter (`asn_bus_dead_letters_total`); labels are names, never ids or data. */
export const countDeadLetter = (group: string, topic: string, errorClass: string): void => {
  metrics
    .getMeter('@asn/bus')
    .createCounter('asn.bus.dead_letters', {
      description: 'Messages a consumer group could not handle, sent to its dead letters',
    })
    .add(1, { group, topic, error_class: errorClass });
};
