export type {
  AppendOptions,
  AppendResult,
  CheckpointStore,
  EventMetadata,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from './types';
export { DuplicateEventIdError, InvalidAppendError, WrongExpectedRevisionError } from './errors';
export { eventHash, GENESIS_HASH, type StoredEvent } from './hash';
export { assertAppendable, categoryOf, revisionMatches } from './names';
export { sleep, startSubscription, waitForSignal, type SubscriptionSource } from './subscription';
export {
  verifyEvents,
  verifyStore,
  type StoredForm,
  type StreamHead,
  type VerifiableStore,
  type VerifiableEvent,
  type VerifyProblem,
  type VerifyProblemKind,
  type VerifyReport,
} from './verify';
export {
  checkAgainstDigest,
  headsAt,
  keyIdOf,
  makeDigest,
  privateKeyFromPem,
  publicKeyFromPem,
  StoreDoesNotVerifyError,
  type DigestCheck,
  type DigestProblemKind,
  type HeadsDigest,
  type SignedDigest,
} from './digest';
export { loadOrCreateDigestKey, type DigestKey } from './digestKey';
export { storeVerifyTarget, verifyCommand, verifyMain, type VerifyTarget } from './verdict';
export { APPEND_CHANNEL, tracedAppend, type AppendMessage, type EventCheck } from './appendChannel';
export { InMemoryEventStore } from './inMemory';
export { derivedId, newId } from './ids';
