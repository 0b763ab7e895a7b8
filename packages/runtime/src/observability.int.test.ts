import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deliver, startRelay, type Consumer, type Relay } from '@asn/bus';
import { evaluationEventRegistry, streamId, Topics, type CloudEvent } from '@asn/contracts';
import { newId } from '@asn/event-store';
import { defineRoute } from '@asn/service-kit';
import { startTestTelemetry, type TestTelemetry } from '@asn/service-kit/testing/telemetry';
import { waitUntil } from '@asn/testing';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { project } from './project';
import { serviceApp } from './serviceApp';
import { openTestRuntime, type TestRuntime } from './testing';

// @opentelemetry/api's SpanKind (the runtime reaches OpenTelemetry only through service-kit).
const SpanKind = { SERVER: 1, PRODUCER: 3, CONSUMER: 4 } as const;

// One command's trace and the metrics it leaves, on the local bus, with the relay publishing to a publisher
// that keeps what it was given (the Kafka engine's part is in packages/bus-kafka's trace e2e test).
describe('a command on the local bus, with telemetry', () => {
  let telemetry: TestTelemetry;
  let runtime: TestRuntime;
  let server: Server;
  let base: string;
  let consumer: Consumer;
  let relay: Relay;
  let readModel: Database.Database;
  const published: CloudEvent[] = [];

  beforeAll(async () => {
    telemetry = startTestTelemetry('evaluation');
    // jest loads modules past Node's require, where the HTTP instrumentation hooks in: `http` required the
    // Node way once more lets it patch the server, as it does in a service started by main.ts.
    createRequire(__filename)('http');
    runtime = await openTestRuntime('evaluation', { pollMs: 10 });
    relay = startRelay({
      store: runtime.store,
      checkpoint: runtime.store.checkpoints('relay:evaluation'),
      context: 'evaluation',
      publisher: {
        encode: (topic, events) => ({ topic, size: events.length, events }) as never,
        send: async (batch) => {
          published.push(...(batch as unknown as { events: CloudEvent[] }).events);
        },
        publish: async () => undefined,
        close: async () => undefined,
      },
    });
    const route = defineRoute({
      method: 'post',
      path: '/v1/appraisals/:employeeId',
      summary: 'Finalises an appraisal (test)',
      access: 'public',
      idempotent: false,
      params: z.object({ employeeId: z.string() }),
      body: z.object({ predicate: z.string() }),
      responses: { 201: { description: 'Finalised' } },
      // As the services' handlers do: the request's traceparent goes into the events' metadata.
      handler: async ({ params, body, req }) => {
        const traceparent = typeof req.headers.traceparent === 'string' ? req.headers.traceparent : undefined;
        await runtime.store.appendToStream(streamId('evaluation', newId()), [
          {
            id: newId(),
            type: 'AppraisalFinalised',
            data: {
              employeeId: params.employeeId,
              unitId: randomUUID(),
              period: { kind: 'annual', year: 2024 },
              results: 'meets',
              behaviour: 'meets',
              predicate: body.predicate,
              finalisedBy: 'reviewer-1',
              finalisedOn: '2025-01-15',
              objectionUntil: '2025-01-29',
            },
            metadata: { correlationId: 'c-1', ...(traceparent ? { traceparent } : {}) },
          },
        ]);
        return { status: 201 };
      },
    });
    const app = serviceApp(
      { store: runtime.store, logger: runtime.logger, auth: runtime.auth, idempotency: runtime.idempotency, relay },
      { service: { name: 'test', version: '1' }, routes: [route], readiness: [], errorMapper: () => undefined },
    );
    readModel = new Database(':memory:');
    readModel.exec('CREATE TABLE model (stream TEXT PRIMARY KEY, predicate TEXT NOT NULL)');
    consumer = await project({
      bus: runtime.bus,
      group: 'reporting',
      topics: [Topics.evaluation],
      registry: evaluationEventRegistry,
      db: readModel,
      apply: (event) => {
        const { predicate } = event.data as { predicate: string };
        // A read model's refusal: the event goes to the dead letters.
        if (predicate === 'refused') throw new Error('the read model refuses it');
        readModel.prepare('INSERT INTO model (stream, predicate) VALUES (?, ?)').run(event.subject, predicate);
      },
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await consumer.stop();
    await relay.stop();
    readModel.close();
    await runtime.close();
    await telemetry.stop();
  });

  // The caller's span (a gateway, another service): the trace the request continues.
  const CALLER = { traceId: randomUUID().replaceAll('-', ''), spanId: randomUUID().replaceAll('-', '').slice(0, 16) };
  const post = (employeeId: string, predicate: string) =>
    fetch(`${base}/v1/appraisals/${employeeId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${CALLER.traceId}-${CALLER.spanId}-01` },
      body: JSON.stringify({ predicate }),
    });
  const count = (sql: string) => (readModel.prepare(sql).get() as { n: number }).n;

  it('makes one trace of the request, the append, the publish and the read model apply', async () => {
    telemetry.spans.reset();
    expect((await post(randomUUID(), 'baik')).status).toBe(201);
    await waitUntil(
      'the read model applied the event',
      () => count('SELECT count(*) AS n FROM model') === 1,
      10_000,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)} ${JSON.stringify(runtime.bus.deadLetters('reporting'))}`);
    });
    await waitUntil('the relay published the event', () => published.length === 1, 10_000);

    const spans = telemetry.spans.getFinishedSpans();
    const one = (test: (span: (typeof spans)[number]) => boolean, what: string) => {
      const found = spans.filter(test);
      expect({ what, count: found.length }).toEqual({ what, count: 1 });
      return found[0]!;
    };
    // Where the HTTP instrumentation runs (a service started by main.ts with an OTLP endpoint), its server span
    // is the request's context and the parent of all below; jest loads `http` past the instrumentation's
    // hook, so here the caller's context is, as for a service without an endpoint.
    expect(spans.filter((span) => Number(span.kind) === SpanKind.SERVER)).toHaveLength(0);
    const append = one((span) => span.name === 'append', 'append span');
    const send = one((span) => Number(span.kind) === SpanKind.PRODUCER, 'producer span');
    const process = one((span) => Number(span.kind) === SpanKind.CONSUMER, 'consumer span');
    const apply = one((span) => span.name === 'apply reporting', 'apply span');
    const { traceId } = CALLER;
    for (const span of [send, process, apply]) expect(span.spanContext().traceId).toBe(traceId);
    expect(append.attributes['asn.event_store.events']).toBe(1);
    expect(send.parentSpanContext?.spanId).toBe(CALLER.spanId);
    // The local bus: the commit is the publication, the consumer continues the context in the metadata.
    expect(process.parentSpanContext?.spanId).toBe(CALLER.spanId);
    expect(apply.parentSpanContext?.spanId).toBe(process.spanContext().spanId);
    // What the relay hands the broker names its producer span; a consumer of it is that span's child.
    expect(published[0]!.traceparent).toBe(`00-${traceId}-${send.spanContext().spanId}-01`);
    await deliver(
      () => undefined,
      published[0]!,
      { group: 'elsewhere', topic: Topics.evaluation },
      {},
      new AbortController().signal,
    );
    const remote = telemetry.spans
      .getFinishedSpans()
      .find(
        (span) =>
          Number(span.kind) === SpanKind.CONSUMER && span.attributes['messaging.consumer.group.name'] === 'elsewhere',
      );
    expect(remote?.parentSpanContext?.spanId).toBe(send.spanContext().spanId);
    expect(remote?.spanContext().traceId).toBe(traceId);
  });

  it('serves the metrics in the Prometheus format, with no id or personal data in any label', async () => {
    const employeeId = randomUUID();
    expect((await post(employeeId, 'refused')).status).toBe(201);
    expect((await fetch(`${base}/v1/nowhere/${employeeId}`)).status).toBe(404);
    await waitUntil('the dead letter', () => runtime.bus.deadLetters('reporting').length === 1, 10_000);
    await waitUntil('the relay published both events', () => published.length === 2, 10_000);

    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    const series = (name: string) => text.split('\n').filter((line) => line.startsWith(name));
    expect(series('asn_http_server_request_duration_seconds_count{')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/method="POST",route="\/v1\/appraisals\/:employeeId",status_class="2xx"[^}]*} 2$/),
        expect.stringMatching(/method="GET",route="unmatched",status_class="4xx"[^}]*} 1$/),
      ]),
    );
    expect(series('asn_event_store_append_duration_seconds_count{')).toEqual([
      expect.stringMatching(/outcome="ok"[^}]*} 2$/),
    ]);
    expect(series('asn_relay_lag_events{')).toEqual([expect.stringMatching(/topic="asn\.evaluation\.v1"[^}]*} 0$/)]);
    expect(series('asn_relay_publishing{')).toEqual([expect.stringMatching(/} 1$/)]);
    expect(series('asn_relay_lag_age_seconds{')).toHaveLength(1);
    expect(series('asn_bus_consumer_lag_events{')).toEqual([expect.stringMatching(/group="reporting"[^}]*} 0$/)]);
    expect(series('asn_bus_dead_letters_total{')).toEqual([
      expect.stringMatching(/group="reporting",topic="asn\.evaluation\.v1",error_class="[A-Za-z]+"[^}]*} 1$/),
    ]);
    // No label carries the path's id, a stream or event id, or anything from a body.
    expect(text).not.toContain(employeeId);
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
    expect(text).not.toContain('refused');
    expect(text).not.toContain('target_info');
    // Scrapes and probes are not requests of the service's own.
    expect(text).not.toContain('route="/metrics"');
  });
});
