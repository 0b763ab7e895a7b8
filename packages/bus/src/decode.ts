import { parseCloudEventType, type CloudEvent, type EventDefinition, type EventRegistry } from '@asn/contracts';
import type { DeliveryContext } from './types';

/** A CloudEvent whose data was validated (and upcast to the latest version) by a contract registry. */
export type DecodedEvent = CloudEvent & { eventType: string; data: unknown };

/**
 * Wraps a handler so that it receives only data its registry accepts, upcast to the latest schema version.
 * An unknown type, a version newer than the registry knows (the producer was upgraded first) or data that
 * breaks its schema throws an EventContractError, which the bus dead-letters with the reason: the stream
 * then waits in the dead letters (later revisions arrive out of order) until the consumer is upgraded and
 * the dead letters are replayed, rather than being applied with a hole.
 */
export const decodeWith =
  (registry: EventRegistry<EventDefinition>, handle: (event: DecodedEvent, context: DeliveryContext) => void | Promise<void>, options: DecodeOptions = {}) =>
  (event: CloudEvent, context: DeliveryContext): void | Promise<void> => {
    const { eventType, schemaVersion } = parseCloudEventType(event.type);
    const data: unknown = options.fromStore
      ? registry.upcastStored(eventType as never, schemaVersion, event.data)
      : registry.parse(eventType as never, schemaVersion, event.data);
    return handle({ ...event, eventType, data }, context);
  };

export interface DecodeOptions {
  /**
   * The events are read from the event store itself, which checked each one against its contract when it was
   * appended (ADR 0010), not received from a bus: data at the latest version is taken as it is, older data is
   * validated and upcast. A replay of the store uses this; a consumer of messages never does.
   */
  fromStore?: boolean;
}
