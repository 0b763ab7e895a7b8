// Issue 5's closed loop with the real processes of personnel, evaluation and training: once on the local bus
// (one DATA_DIR, the store file is the bus) and once on the real Kafka broker (a DATA_DIR per service, the
// relays publish and the consumers read the topics).
import { randomUUID } from 'node:crypto';
import { afterEach, describe, it } from '@jest/globals';
import { describeWithInfra } from '@asn/testing';
import { openCity, type City } from './city';
import { CLOCK_PHASE_1, runClosedLoop } from './closedLoop';

const SERVICES = ['personnel', 'evaluation', 'training'] as const;
let city: City | undefined;

const run = async (open: () => City): Promise<void> => {
  city = open();
  try {
    for (const service of SERVICES) await city.start(service);
    await runClosedLoop(city, 60_000);
  } catch (error) {
    throw new Error(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n--- service logs (last 20,000 characters) ---\n${city.logs().slice(-20_000)}`);
  }
};

afterEach(async () => {
  await city?.close();
  city = undefined;
});

describe('the closed loop on the local bus', () => {
  it('appraised poorly → training need → enrolled → completed → JP tally; two baik years → promotion-eligible', async () => {
    await run(() => openCity({ bus: 'local' }, CLOCK_PHASE_1));
  }, 240_000);
});

describeWithInfra('kafka', (getInfra) => {
  it('closes the same loop through the topics of a real Kafka broker', async () => {
    await run(() => openCity({ bus: 'kafka', brokers: getInfra().brokers.join(','), topicPrefix: `loop-${randomUUID().slice(0, 8)}.` }, CLOCK_PHASE_1));
  }, 300_000);
});
