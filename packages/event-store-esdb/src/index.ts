export { connectEsdb, type EsdbAllSubscription, type EsdbClient, type EsdbEventData, type EsdbRecordedEvent } from './client';
export { EsdbEventStore, openEsdbEventStore, type EsdbEventStoreOptions } from './esdbEventStore';
export { backoffMs, readStartFor, streamFilterFor, toPortPosition, type BackoffOptions, type EsdbPosition } from './mapping';
