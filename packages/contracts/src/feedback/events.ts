import { z } from 'zod';
import { createEventRegistry, defineEvent, type EventData } from '../registry';
import { Text } from '../personnel/events';
import { CalendarDate } from '../personnel/vocabulary';
import { FeedbackCategory } from '../evaluation/vocabulary';

const Uuid = z.uuid().toLowerCase();

/**
 * Events of one public feedback ticket: stream `feedback-<ticketId>`. Only the substantiation that other
 * contexts consume is defined so far (the evaluation service shows it to the evaluator); the ticket's own
 * lifecycle comes with the feedback service.
 */
export const FeedbackEvents = {
  ComplaintSubstantiated: defineEvent({
    type: 'ComplaintSubstantiated',
    version: 1,
    schema: z.strictObject({
      unitId: Uuid,
      /** The employee the complaint is about, by opaque id; absent for a complaint about a unit or service. */
      employeeId: Uuid.optional(),
      category: FeedbackCategory,
      substantiatedOn: CalendarDate,
      substantiatedBy: Text(1, 200),
    }),
  }),
} as const;

export type FeedbackEventData = { [T in keyof typeof FeedbackEvents]: { type: T; data: EventData<(typeof FeedbackEvents)[T]> } }[keyof typeof FeedbackEvents];

export const feedbackEventRegistry = createEventRegistry(Object.values(FeedbackEvents));
