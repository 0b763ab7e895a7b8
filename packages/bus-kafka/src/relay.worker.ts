// The relay on a thread of its own (see relayThread.ts): its own SQLite connection and Kafka producer, so
// that reading, encoding and producing do not compete with the service's requests for the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { startRelay } from '@asn/bus';
import { openSqliteEventStore } from '@asn/event-store-sqlite';
import { startTelemetry } from '@asn/service-kit/telemetry';
import { openKafkaBus } from './kafkaBus';
import type { RelayThreadData, RelayThreadReply, RelayThreadRequest } from './relayThread';

const data = workerData as RelayThreadData;
const port = parentPort!;
const post = (reply: RelayThreadReply): void => port.postMessage(reply);

// A thread has its own OpenTelemetry globals: the relay's producer spans are exported from here. Its metrics
// are read by the main thread through the relay's status, so none are kept here.
const stopTelemetry = process.env['OTEL_EXPORTER_OTLP_ENDPOINT']
  ? startTelemetry({ serviceName: data.kafka.clientId, metrics: false })
  : undefined;
const store = openSqliteEventStore({ path: data.storePath, ...(data.mmapBytes ? { mmapBytes: data.mmapBytes } : {}) });
const bus = openKafkaBus(data.kafka);
const relay = startRelay({
  store,
  checkpoint: store.checkpoints(data.checkpoint),
  context: data.context,
  publisher: bus,
  ...(data.batchSize === undefined ? {} : { batchSize: data.batchSize }),
  logger: {
    info: (fields, message) => post({ type: 'log', level: 'info', fields, message }),
    warn: (fields, message) => post({ type: 'log', level: 'warn', fields, message }),
  },
  afterPublish: (events) => {
    // The fault point kills the whole process, as a crash would.
    if (data.killAfterPublish) process.kill(process.pid, 'SIGKILL');
    if (data.reportAcks) {
      post({
        type: 'acked',
        first: events[0]!.position,
        last: events.at(-1)!.position,
        at: performance.timeOrigin + performance.now(),
      });
    }
  },
});
void relay.caughtUp.then(() => post({ type: 'caughtUp' }));

port.on('message', (request: RelayThreadRequest) => {
  if (request.type === 'status') {
    relay.status().then(
      (status) => post({ type: 'status', id: request.id, status }),
      (error: unknown) =>
        post({ type: 'status', id: request.id, error: error instanceof Error ? error.name : 'Error' }),
    );
  } else {
    void (async () => {
      await relay.stop();
      await bus.close();
      await store.close();
      await stopTelemetry?.();
      post({ type: 'stopped' });
    })();
  }
});
