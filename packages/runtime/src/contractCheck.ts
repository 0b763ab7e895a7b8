import {
  evaluationEventRegistry,
  feedbackEventRegistry,
  nipEventRegistry,
  personnelEventRegistry,
  trainingEventRegistry,
  unitEventRegistry,
} from '@asn/contracts';
import type { EventCheck } from '@asn/event-store';
import { combineRegistries } from './project';

/** Every event contract of the ledger. */
const contracts = combineRegistries(personnelEventRegistry, unitEventRegistry, nipEventRegistry, evaluationEventRegistry, trainingEventRegistry, feedbackEventRegistry);

/**
 * The check every service's event store runs before an append (ADR 0010): an event of a type with a contract is
 * stored as its contract reads it at its own version (never upcast), or refused with the contract's error
 * (paths and rules, never values), nothing of the append written. So the store holds only events that meet
 * their contracts, and a replay of it (the reporting rebuild) upcasts them without validating them again.
 * Events of a type without a contract are the service's own business and pass as they are.
 */
export const contractCheck: EventCheck = (event) => (contracts.has(event.type) ? contracts.check(event.type, event.schemaVersion ?? 1, event.data) : event.data);
