export { Topics, deadLetterTopic } from './topics';
export type { Context, Topic } from './topics';
export { StreamCategories, contextOfCategory, streamId, parseStreamId, InvalidStreamIdError } from './streams';
export type { StreamCategory } from './streams';
export {
  cloudEventType,
  parseCloudEventType,
  cloudEventSource,
  toCloudEvent,
  toKafkaMessage,
  fromKafkaMessage,
  InvalidCloudEventError,
} from './cloudEvents';
export type { CloudEvent, CloudEventKafkaMessage, KafkaHeaders, KafkaHeaderValue } from './cloudEvents';
export {
  defineEvent,
  createEventRegistry,
  EventContractError,
  UnknownEventTypeError,
  UnknownEventVersionError,
  FutureEventVersionError,
  EventSchemaError,
} from './registry';
export type {
  EventSchema,
  EventDefinition,
  EventData,
  EventRegistry,
  EventJsonSchema,
  LatestEvent,
  VersionedEvent,
} from './registry';
