export type { Bus, Consumer, DeadLetter, DeliveryContext, EncodedBatch, Handler, Publisher, SubscribeOptions } from './types';
export { TransientError, isTransient } from './types';
export { deliver, describeError, DeliveryAbortedError, type DeliveryOutcome, type DeliveryPolicy } from './deliver';
export { openSqliteInbox, withInbox, OutOfOrderError, ConflictingEventError, type Inbox, type InboxOutcome } from './inbox';
export { openLocalBus, type LocalBus, type LocalBusOptions } from './local';
export { startRelay, LAG_COUNT_LIMIT, type Relay, type RelayLogger, type RelayOptions, type RelayStatus } from './relay';
export { decodeWith, type DecodedEvent, type DecodeOptions } from './decode';
