export { openKafkaBus, DeadLetterHeaders, type KafkaBus, type KafkaBusOptions } from './kafkaBus';
