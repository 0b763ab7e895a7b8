export { connectEsdb, type EsdbAllSubscription, type EsdbClient, type EsdbEventData, type EsdbRecordedEvent } from './client';
export { openEsdbForCommand } from './command';
export { EsdbEventStore, openEsdbEventStore, type EsdbEventStoreOptions } from './esdbEventStore';
export { backoffMs, readStartFor, streamFilterFor, toPortPosition, type BackoffOptions, type EsdbPosition } from './mapping';
