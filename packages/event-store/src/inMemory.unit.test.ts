import { describeEventStoreConformance } from './conformance';
import { InMemoryEventStore } from './inMemory';

describeEventStoreConformance('in memory', async () => ({ store: new InMemoryEventStore() }), {
  gapFreePositions: true,
  longStreamEvents: 100_000,
});
