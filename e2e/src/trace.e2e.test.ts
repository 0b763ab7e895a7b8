// Issue 8's trace end to end, with the real processes of personnel and evaluation exporting their spans over
// OTLP (HTTP, JSON) to a receiver in this test: one command to personnel (a unit established over HTTP) gives one
// connected trace through the append, (on Kafka: the relay's producer span and the broker) and evaluation's
// consumer span to its read model's apply. Once on the local bus, once on the real Kafka broker.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { describeWithInfra, waitUntil } from '@asn/testing';
import { openCity, type City } from './city';

interface Span {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
}

// OTLP/JSON: resourceSpans[].resource.attributes (service.name), scopeSpans[].spans[] with hex ids.
interface OtlpJson {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: { stringValue?: string } }[] };
    scopeSpans?: { spans?: { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number }[] }[];
  }[];
}

const spans: Span[] = [];
let receiver: Server;
let endpoint: string;
let city: City | undefined;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const parsed = JSON.parse(body) as OtlpJson;
        for (const resource of parsed.resourceSpans ?? []) {
          const service = resource.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '?';
          for (const scope of resource.scopeSpans ?? [])
            for (const s of scope.spans ?? []) spans.push({ service, traceId: s.traceId, spanId: s.spanId, ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}), name: s.name, kind: s.kind });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(async () => new Promise<void>((resolve) => receiver.close(() => resolve())));
afterEach(async () => {
  await city?.close();
  city = undefined;
});

const TELEMETRY = (): Record<string, string> => ({
  OTEL_SDK_DISABLED: 'false',
  OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
  OTEL_BSP_SCHEDULE_DELAY: '100',
  OTEL_METRICS_EXPORTER: 'none',
  OTEL_LOGS_EXPORTER: 'none',
});

/** The chain of parents from a span up to the root of its trace, as far as the receiver has them. */
const ancestry = (span: Span): Span[] => {
  const chain = [span];
  for (let parent = span.parentSpanId; parent !== undefined; ) {
    const found = spans.find((s) => s.spanId === parent && s.traceId === span.traceId);
    if (!found) break;
    chain.push(found);
    parent = found.parentSpanId;
  }
  return chain;
};

const KIND = { SERVER: 2, PRODUCER: 4, CONSUMER: 5 } as const;

const traceOneCommand = async (open: () => City, through: 'local' | 'kafka'): Promise<void> => {
  spans.length = 0; // a previous test's processes are stopped and flushed: only this command's spans from here on
  city = open();
  try {
    await city.start('personnel', TELEMETRY());
    await city.start('evaluation', TELEMETRY());
    const code = `T${randomUUID().slice(0, 6)}`;
    const established = await city.call('personnel', 'POST', '/v1/units', { role: 'hr-approver', sub: 'approver-1' }, { name: `Dinas Uji ${code}`, code, tmt: '2020-01-01', legalBasis: 'Perwali 1/2020' });
    expect(established.status).toBe(201);

    // The evaluation service's apply of that event, in the trace of personnel's HTTP span of this command.
    const request = () => spans.find((s) => s.service === 'personnel' && s.kind === KIND.SERVER && s.name === 'POST /v1/units');
    const apply = () => spans.find((s) => s.service === 'evaluation' && s.name === 'apply evaluation.personnel' && s.traceId === request()?.traceId && ancestry(s).at(-1)?.spanId === request()?.spanId);
    await waitUntil('evaluation exported the apply span of the command', () => apply() !== undefined, 60_000);
    // apply ← process ← (send ←) append ← the HTTP request: one trace, each span the child of the one before.
    const chain = ancestry(apply()!);
    expect(new Set(chain.map((s) => s.traceId)).size).toBe(1);
    expect(chain.map((s) => `${s.service}: ${s.name.replace(/ .*asn\.personnel\.v1$/, ' asn.personnel.v1')}`)).toEqual([
      'evaluation: apply evaluation.personnel',
      'evaluation: process asn.personnel.v1',
      ...(through === 'kafka' ? ['personnel: send asn.personnel.v1'] : []),
      'personnel: append',
      'personnel: POST /v1/units',
    ]);
    expect(chain.map((s) => s.kind)).toEqual([1, KIND.CONSUMER, ...(through === 'kafka' ? [KIND.PRODUCER] : []), 1, KIND.SERVER]);
  } catch (error) {
    throw new Error(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n--- spans ---\n${spans.map((s) => `${s.service} ${s.name} ${s.traceId.slice(0, 8)} ${s.spanId} <- ${s.parentSpanId ?? '-'}`).join('\n')}\n--- logs ---\n${city.logs().slice(-10_000)}`);
  }
};

describe('one command, one trace, on the local bus', () => {
  it('connects personnel’s HTTP span, its append, and evaluation’s consumer and read-model spans', async () => {
    await traceOneCommand(() => openCity({ bus: 'local' }, '2026-01-05T09:00:00+07:00'), 'local');
  }, 180_000);
});

describeWithInfra('kafka', (getInfra) => {
  it('connects them through the relay’s producer span and the broker (traceparent in the Kafka headers)', async () => {
    await traceOneCommand(() => openCity({ bus: 'kafka', brokers: getInfra().brokers.join(','), topicPrefix: `trace-${randomUUID().slice(0, 8)}.` }, '2026-01-05T09:00:00+07:00'), 'kafka');
  }, 240_000);
});
