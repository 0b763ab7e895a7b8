import { context, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';

const tracer = () => trace.getTracer('@asn/service-kit');

/**
 * Runs `work` synchronously in a span of its own, a child of the active one (a consumer's delivery, a
 * request), and ends it; a throw marks the span as failed (its error class only: messages may hold data)
 * and is rethrown. For the steps a trace should show, e.g. a read model's apply.
 */
export const inSpan = <T>(name: string, attributes: Attributes, work: () => T): T => {
  const span = tracer().startSpan(name, { attributes });
  try {
    return context.with(trace.setSpan(context.active(), span), work);
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : typeof error });
    throw error;
  } finally {
    span.end();
  }
};

/** {@link inSpan} for asynchronous work: the span ends when the promise settles. */
export const inSpanAsync = async <T>(name: string, attributes: Attributes, work: () => Promise<T>): Promise<T> => {
  const span = tracer().startSpan(name, { attributes });
  try {
    return await context.with(trace.setSpan(context.active(), span), work);
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : typeof error });
    throw error;
  } finally {
    span.end();
  }
};
