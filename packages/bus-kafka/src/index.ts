export { openKafkaBus, type KafkaBus, type KafkaBusOptions } from './kafkaBus';
// Where a department finds the dead-letter header names too.
export { DeadLetterHeaders } from '@asn/contracts';
export { startRelayThread, type RelayThreadOptions } from './relayThread';
