import { decodeWith, openSqliteInbox, type Bus, type Consumer, type DecodedEvent } from '@asn/bus';
import { UnknownEventTypeError, type EventDefinition, type EventRegistry, type Topic } from '@asn/contracts';
import { inSpan, inSpanAsync } from '@asn/service-kit';
import type { Database } from 'better-sqlite3';

type AnyRegistry = EventRegistry<EventDefinition>;

/**
 * One registry over several (a topic may carry the events of more than one registry: asn.personnel.v1 has
 * employee and unit events). A type is looked up in the first registry that has it.
 */
export const combineRegistries = (...registries: readonly AnyRegistry[]): AnyRegistry => {
  const owner = (type: string): AnyRegistry => {
    const found = registries.find((registry) => registry.has(type));
    if (!found) throw new UnknownEventTypeError(type);
    return found;
  };
  return {
    parse: (type, version, data) => owner(type).parse(type, version, data),
    parseEvent: (event) => owner(event.type).parseEvent(event),
    check: (type, version, data) => owner(type).check(type, version, data),
    upcastStored: (type, version, data) => owner(type).upcastStored(type, version, data),
    has: (type): type is string => registries.some((registry) => registry.has(type)),
    latestVersion: (type) => owner(type).latestVersion(type),
    jsonSchemas: () => registries.flatMap((registry) => registry.jsonSchemas()),
  };
};

export interface ProjectionOptions {
  readonly bus: Bus;
  /** The consumer group, also the inbox's name in `db`. */
  readonly group: string;
  readonly topics: readonly Topic[];
  /** The contracts of the events on `topics`; an event none of them accepts is dead-lettered with the reason. */
  readonly registry: AnyRegistry | readonly AnyRegistry[];
  /** The read model's database: `apply` and the inbox share its transactions. */
  readonly db: Database;
  /**
   * Updates the read model, synchronously, inside the inbox's transaction: a redelivered event is not
   * applied again, and when `apply` throws nothing of it is written and the event is dead-lettered (or
   * retried, when the error is transient).
   */
  readonly apply: (event: DecodedEvent) => void;
  /**
   * Runs before `apply`, for reactions that append to the event store (e.g. enrol from a training need). It
   * must be idempotent (derive its event ids from the event's id: a retried append writes nothing): it is
   * skipped for events the inbox has already applied, but runs again when `apply` failed after it.
   */
  readonly react?: (event: DecodedEvent) => void | Promise<void>;
}

/**
 * Subscribes a read model (and optional reactions) to topics: each event is decoded with the registry
 * (upcast to the latest version), reacted to, then applied through the group's inbox in `db` exactly once
 * and in per-stream order, each step in a span of the event's trace. Returns the consumer: `caughtUp` for readiness, `stop` on shutdown.
 */
export const project = (options: ProjectionOptions): Promise<Consumer> => {
  const inbox = openSqliteInbox(options.db, options.group);
  const registry = Array.isArray(options.registry)
    ? combineRegistries(...(options.registry as readonly AnyRegistry[]))
    : (options.registry as AnyRegistry);
  const { react, apply } = options;
  return options.bus.subscribe({
    group: options.group,
    topics: options.topics,
    handle: decodeWith(registry, async (event) => {
      const applied = inbox.revisionOf(event.subject);
      // Spans under the delivery's consumer span, which continues the producer's trace (docs/observability.md).
      const attributes = { 'messaging.consumer.group.name': options.group, 'asn.event.type': event.type };
      if (react && (applied === undefined || event.streamrevision > applied))
        await inSpanAsync(`react ${options.group}`, attributes, async () => react(event));
      inSpan(`apply ${options.group}`, attributes, () => inbox.apply(event, () => apply(event)));
    }),
  });
};
