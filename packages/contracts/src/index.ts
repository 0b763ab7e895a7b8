export { Topics, contextOfTopic, deadLetterTopic, DeadLetterHeaders } from './topics';
export type { Context, Topic } from './topics';
export { StreamCategories, contextOfCategory, publishedCategories, streamId, parseStreamId, InvalidStreamIdError } from './streams';
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
export {
  CalendarDate,
  DISMISSAL_GROUNDS,
  DismissalKind,
  Education,
  EmployeeType,
  FUNCTIONAL_LEVELS,
  GOLONGAN,
  Gender,
  Golongan,
  isCalendarDate,
  MANAGERIAL_LEVELS,
  Position,
  PPPK_GRADES,
  PppkGrade,
  Predicate,
  PromotionKind,
  SANCTIONS,
  SanctionSeverity,
  TransferKind,
} from './personnel/vocabulary';
export type { PositionKind } from './personnel/vocabulary';
export {
  CorrectableDecision,
  DECIDED_EVENT_TYPE,
  Decision,
  DecisionProposedData,
  DecisionRejectedData,
  Decree,
  NipEvents,
  nipEventRegistry,
  PersonalDataErasedData,
  PersonnelEvents,
  personnelEventRegistry,
  Text,
  UnitEvents,
  unitEventRegistry,
} from './personnel/events';
export type { DecidedEventType, DecisionKind, EmployeeEventData, UnitEventData } from './personnel/events';
export { SealedValue } from './sealed';
export { ASPECTS, AppraisalPeriod, Aspect, CompetencyArea, FeedbackCategory, periodBounds, periodName, Rating } from './evaluation/vocabulary';
export { EvaluationEvents, evaluationEventRegistry } from './evaluation/events';
export type { EvaluationEventData } from './evaluation/events';
export { DeliveryMode, EnrollmentBasis, TrainingEvents, trainingEventRegistry } from './training/events';
export type { TrainingEventData } from './training/events';
export { FeedbackEvents, feedbackEventRegistry, RoutingReason, TicketDeadline, TicketKind, TicketNumber } from './feedback/events';
export type { FeedbackEventData } from './feedback/events';
export { DEFAULT_FEEDBACK_RULES, FeedbackRules } from './feedback/rules';
export { DEFAULT_TRAINING_RULES, TrainingRules, type Entitlement } from './training/rules';
export { cityDate, WIB_UTC_OFFSET_MINUTES } from './cityClock';
export { dueAfter, resolutionRule, workingCalendar } from './feedback/deadlines';
export type { WorkingCalendar } from './feedback/deadlines';
export { generateAsyncApi } from './asyncapi';
