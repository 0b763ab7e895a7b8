import { z } from 'zod';
import { createEventRegistry, defineEvent, type EventData } from '../registry';
import { SealedValue } from '../sealed';
import { Text } from '../personnel/events';
import { CalendarDate } from '../personnel/vocabulary';
import { FeedbackCategory } from '../evaluation/vocabulary';

const Uuid = z.uuid().toLowerCase();
const Actor = Text(1, 200);
const Instant = z.iso.datetime({ offset: false });

/** What the submitter asks for; the resolution deadline follows from it (an officer may reclassify). */
export const TicketKind = z.enum(['complaint', 'information-request', 'dispute']);
export type TicketKind = z.infer<typeof TicketKind>;

/** Why a ticket went to a unit ("no wrong door": every ticket lands somewhere). */
export const RoutingReason = z.enum(['named-unit', 'employee-unit', 'intake-desk', 'officer']);
export type RoutingReason = z.infer<typeof RoutingReason>;

/** Which deadline a step concerns. */
export const TicketDeadline = z.enum(['first-response', 'resolution']);
export type TicketDeadline = z.infer<typeof TicketDeadline>;

/** A ticket number as the submitter reads it over the phone: `LPR-` and 10 Crockford base32 characters. */
export const TicketNumber = z.string().regex(/^LPR-[0-9A-HJKMNP-TV-Z]{10}$/, 'A ticket number is LPR- and 10 characters.');

/**
 * Events of one public feedback ticket: stream `feedback-<ticketId>`. The text of the ticket (description,
 * messages) is sealed with the ticket's case key (`<ticketId>`), the submitter's contact details with the
 * ticket's contact key (`contact:<ticketId>`): erasing the contact key (the submitter's request, or the
 * retention setting) erases the contact everywhere while the case stays on record. No event carries a
 * personal value in clear; the capability token is kept only as its SHA-256.
 */
export const FeedbackEvents = {
  TicketSubmitted: defineEvent({
    type: 'TicketSubmitted',
    version: 1,
    schema: z.strictObject({
      ticketNumber: TicketNumber,
      kind: TicketKind,
      category: FeedbackCategory,
      /** The unit the submitter named, if any (the routing decides where the ticket goes). */
      unitId: Uuid.optional(),
      /** The service concerned in the submitter's words, sealed with the case key. */
      service: SealedValue.optional(),
      /** The employee the ticket is about, by opaque id (never a NIP). */
      employeeId: Uuid.optional(),
      description: SealedValue,
      /** Name, phone, email as given, sealed with the contact key; absent when anonymous or not given. */
      contact: SealedValue.optional(),
      anonymous: z.boolean(),
      /** SHA-256 (hex) of the capability token; the token itself is only ever in the submitter's hands. */
      tokenHash: z.string().regex(/^[0-9a-f]{64}$/),
      receivedAt: Instant,
    }),
  }),
  TicketRouted: defineEvent({
    type: 'TicketRouted',
    version: 1,
    schema: z.strictObject({ unitId: Uuid, reason: RoutingReason, routedBy: Actor, note: Text(1, 500).optional(), routedAt: Instant }),
  }),
  TicketClassified: defineEvent({
    type: 'TicketClassified',
    version: 1,
    schema: z.strictObject({
      kind: TicketKind,
      category: FeedbackCategory,
      /** A dispute that needs a check in the field has the longer deadline. */
      fieldCheck: z.boolean(),
      classifiedBy: Actor,
      classifiedAt: Instant,
    }),
  }),
  TicketResponded: defineEvent({
    type: 'TicketResponded',
    version: 1,
    schema: z.strictObject({ message: SealedValue, respondedBy: Actor, respondedAt: Instant }),
  }),
  InformationRequested: defineEvent({
    type: 'InformationRequested',
    version: 1,
    schema: z.strictObject({ question: SealedValue, requestedBy: Actor, requestedAt: Instant }),
  }),
  InformationProvided: defineEvent({
    type: 'InformationProvided',
    version: 1,
    schema: z.strictObject({ message: SealedValue, providedAt: Instant }),
  }),
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
  TicketDismissed: defineEvent({
    type: 'TicketDismissed',
    version: 1,
    schema: z.strictObject({ reason: SealedValue, dismissedBy: Actor, dismissedAt: Instant }),
  }),
  TicketResolved: defineEvent({
    type: 'TicketResolved',
    version: 1,
    schema: z.strictObject({ resolution: SealedValue, resolvedBy: Actor, resolvedAt: Instant }),
  }),
  TicketReopened: defineEvent({
    type: 'TicketReopened',
    version: 1,
    schema: z.strictObject({ reason: SealedValue, reopenedBy: Actor, reopenedAt: Instant }),
  }),
  /** A deadline passed unmet: the ticket goes to the head of its unit (once per deadline and unit). */
  TicketEscalated: defineEvent({
    type: 'TicketEscalated',
    version: 1,
    schema: z.strictObject({
      deadline: TicketDeadline,
      dueAt: Instant,
      unitId: Uuid,
      /** The unit's head by the org chart, by opaque id; absent when the unit has no head on record. */
      headId: Uuid.optional(),
      escalatedAt: Instant,
    }),
  }),
  /** The contact key was destroyed: the contact details read as erased everywhere, for good. */
  ContactErased: defineEvent({
    type: 'ContactErased',
    version: 1,
    schema: z.strictObject({ reason: z.enum(['submitter-request', 'retention']), erasedAt: Instant }),
  }),
} as const;

export type FeedbackEventData = { [T in keyof typeof FeedbackEvents]: { type: T; data: EventData<(typeof FeedbackEvents)[T]> } }[keyof typeof FeedbackEvents];

export const feedbackEventRegistry = createEventRegistry(Object.values(FeedbackEvents));
