import { feedbackEventRegistry } from '@asn/contracts';
import type { EventStore } from '@asn/event-store';
import { ERASED, type FieldCipher } from '@asn/privacy';
import type { TicketEvent } from './ticket.domain';
import { caseSubject, contactSubject, sealContext, ticketStreamId } from './ticket.handlers';

/** One step of a ticket as read back: texts opened, contact details opened or marked erased. */
export interface TicketStep {
  type: TicketEvent['type'];
  at: string;
  /** Who took the step (an officer's subject, `system`, or `submitter`); not shown to the public. */
  by?: string;
  text?: string;
  details?: Record<string, unknown>;
}

export interface TicketRecord {
  description: string;
  service?: string;
  /** The submitter's contact details; `erased` once the contact key is gone; absent when none were given. */
  contact?: Record<string, string> | 'erased';
  steps: TicketStep[];
}

/** Which steps the submitter sees: what the city tells them and what they said, not the internal routing. */
const PUBLIC_STEPS = new Set<TicketEvent['type']>(['TicketSubmitted', 'TicketResponded', 'InformationRequested', 'InformationProvided', 'TicketResolved', 'TicketDismissed', 'TicketReopened', 'ContactErased']);

/**
 * Reads a ticket's stream and opens its sealed texts (each bound to its event). `audience: 'public'` keeps
 * only the steps the submitter is told about and drops the officers' subjects.
 */
export const readTicketRecord = async (store: EventStore, cipher: FieldCipher, ticketId: string, audience: 'officer' | 'public'): Promise<TicketRecord> => {
  const record: TicketRecord = { description: '', steps: [] };
  for await (const recorded of store.readStream(ticketStreamId(ticketId))) {
    const event = feedbackEventRegistry.parseEvent(recorded) as TicketEvent;
    const context = sealContext(ticketId, recorded.id);
    const open = (sealed: Parameters<FieldCipher['open']>[2]): string => {
      const value = cipher.open(caseSubject(ticketId), context, sealed);
      return value === ERASED ? '[erased]' : String(value);
    };
    const step = ((): TicketStep => {
      switch (event.type) {
        case 'TicketSubmitted': {
          record.description = open(event.data.description);
          if (event.data.service) record.service = open(event.data.service);
          if (event.data.contact) {
            const contact = cipher.open(contactSubject(ticketId), context, event.data.contact);
            record.contact = contact === ERASED ? 'erased' : (contact as Record<string, string>);
          }
          return { type: event.type, at: event.data.receivedAt, by: 'submitter', details: { kind: event.data.kind, category: event.data.category } };
        }
        case 'TicketRouted':
          return { type: event.type, at: event.data.routedAt, by: event.data.routedBy, details: { unitId: event.data.unitId, reason: event.data.reason, ...(event.data.note ? { note: event.data.note } : {}) } };
        case 'TicketClassified':
          return { type: event.type, at: event.data.classifiedAt, by: event.data.classifiedBy, details: { kind: event.data.kind, category: event.data.category, fieldCheck: event.data.fieldCheck } };
        case 'TicketResponded':
          return { type: event.type, at: event.data.respondedAt, by: event.data.respondedBy, text: open(event.data.message) };
        case 'InformationRequested':
          return { type: event.type, at: event.data.requestedAt, by: event.data.requestedBy, text: open(event.data.question) };
        case 'InformationProvided':
          return { type: event.type, at: event.data.providedAt, by: 'submitter', text: open(event.data.message) };
        case 'ComplaintSubstantiated':
          return { type: event.type, at: recorded.recordedAt.toISOString(), by: event.data.substantiatedBy, details: { substantiatedOn: event.data.substantiatedOn, unitId: event.data.unitId } };
        case 'TicketDismissed':
          return { type: event.type, at: event.data.dismissedAt, by: event.data.dismissedBy, text: open(event.data.reason) };
        case 'TicketResolved':
          return { type: event.type, at: event.data.resolvedAt, by: event.data.resolvedBy, text: open(event.data.resolution) };
        case 'TicketReopened':
          return { type: event.type, at: event.data.reopenedAt, by: event.data.reopenedBy, text: open(event.data.reason) };
        case 'TicketEscalated':
          return { type: event.type, at: event.data.escalatedAt, by: 'system', details: { deadline: event.data.deadline, dueAt: event.data.dueAt, unitId: event.data.unitId, ...(event.data.headId ? { headId: event.data.headId } : {}) } };
        case 'ContactErased':
          return { type: event.type, at: event.data.erasedAt, by: event.data.reason === 'retention' ? 'system' : 'submitter', details: { reason: event.data.reason } };
      }
    })();
    if (audience === 'officer') record.steps.push(step);
    else if (PUBLIC_STEPS.has(step.type)) {
      const { by: _by, details: _details, ...shown } = step;
      record.steps.push(shown);
    }
  }
  return record;
};
