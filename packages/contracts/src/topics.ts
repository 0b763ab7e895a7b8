/** Kafka topics, one per bounded context. The `.v1` suffix names the topic contract, not an event's schema version. */
export const Topics = {
  personnel: 'asn.personnel.v1',
  evaluation: 'asn.evaluation.v1',
  training: 'asn.training.v1',
  feedback: 'asn.feedback.v1',
} as const;

/** A bounded context that publishes events. */
export type Context = keyof typeof Topics;
export type Topic = (typeof Topics)[Context];

/** The context that publishes on a topic. @throws RangeError for a topic that is not one of {@link Topics}. */
export const contextOfTopic = (topic: string): Context => {
  const context = (Object.keys(Topics) as Context[]).find((name) => Topics[name] === topic);
  if (context === undefined) throw new RangeError(`unknown topic "${topic}"; known: ${Object.values(Topics).join(', ')}`);
  return context;
};

// Kafka's own limits for topic names.
const TOPIC_PART = /^[a-zA-Z0-9._-]+$/;
const MAX_TOPIC_LENGTH = 249;

/**
 * The dead-letter topic of one consumer group on one topic: `<topic>.dlq.<group>`.
 *
 * Per group, not per topic, because a message one consumer cannot handle may suit another, and
 * replaying dead letters must reach only the consumer that failed.
 */
export const deadLetterTopic = (topic: Topic, consumerGroup: string): string => {
  if (!TOPIC_PART.test(consumerGroup)) {
    throw new RangeError('a consumer group in a topic name may only use letters, digits, ".", "_" and "-"');
  }
  const name = `${topic}.dlq.${consumerGroup}`;
  if (name.length > MAX_TOPIC_LENGTH) throw new RangeError(`topic name longer than ${MAX_TOPIC_LENGTH}`);
  return name;
};

/** Headers a dead letter carries besides the original message's own key, value and headers. */
export const DeadLetterHeaders = {
  reason: 'asn_dlq_reason',
  errorClass: 'asn_dlq_error_class',
  group: 'asn_dlq_group',
  topic: 'asn_dlq_topic',
  partition: 'asn_dlq_partition',
  offset: 'asn_dlq_offset',
} as const;
