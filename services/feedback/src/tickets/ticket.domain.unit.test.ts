import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { feedbackEventRegistry, workingCalendar, type SealedValue } from '@asn/contracts';
import { DEFAULT_RULES } from '../rules/rules';
import {
  decideTicket,
  escalationKey,
  evolveTicket,
  initialTicket,
  TicketDecisionError,
  type Seal,
  type Ticket,
  type TicketCommand,
  type TicketContext,
  type TicketEvent,
  type TicketState,
} from './ticket.domain';

type EventOf<T extends TicketEvent['type']> = Extract<TicketEvent, { type: T }>;
type DataOf<T extends TicketEvent['type']> = EventOf<T>['data'];
type CommandOf<T extends TicketCommand['type']> = Extract<TicketCommand, { type: T }>;

// A recognisable seal: the "ciphertext" is the key, the event index and the value, so a test can read back
// what was sealed with which key for which event, while the plain text never appears in the event.
const fakeSeal: Seal = (key, eventIndex, value) => ({
  alg: 'A256GCM',
  iv: Buffer.alloc(12, eventIndex + 1).toString('base64url'),
  ct: Buffer.from(JSON.stringify([key, eventIndex, value]), 'utf8').toString('base64url'),
  tag: Buffer.alloc(16, 0xa5).toString('base64url'),
});
const opened = (sealed: SealedValue | undefined): unknown =>
  sealed === undefined ? undefined : JSON.parse(Buffer.from(sealed.ct, 'base64url').toString('utf8'));

const TICKET_NUMBER = 'LPR-7K2M9Q4T8W';
const TOKEN_HASH = createHash('sha256').update('the capability token the submitter holds').digest('hex');
const NAMED_UNIT = '3f1c2a9e-4b7d-4e2a-8c5f-0a1b2c3d4e5f';
const INTAKE_UNIT = '5a7e9c1b-2d4f-4a6c-9e8b-7f6e5d4c3b2a';
const OTHER_UNIT = '9d8c7b6a-5f4e-4d3c-a2b1-0f1e2d3c4b5a';
const EMPLOYEE = 'c0ffee00-1234-4abc-8def-0123456789ab';
const HEAD = 'b16b00b5-4321-4cba-bfed-ba9876543210';
const OFFICER = { subject: 'officer-1' };

/** The submitter's words: none of them may appear in clear in an event. */
const TEXT = {
  description: 'Petugas loket meminta uang Rp 50.000 untuk KTP-el',
  service: 'Penerbitan KTP-el',
  contact: { name: 'Siti Rahayu', phone: '+62 812 3456 7890', email: 'siti.rahayu@example.id' },
  answer: 'Kami sedang memeriksa laporan Anda',
  question: 'Pada tanggal berapa kejadian itu?',
  information: 'Senin pagi, 23 November',
  dismissal: 'Laporan tidak dapat diverifikasi',
  resolution: 'Petugas telah diberi sanksi dan uang dikembalikan',
  reopening: 'Uang belum dikembalikan',
};
const PLAIN_TEXTS = [
  TEXT.description,
  TEXT.service,
  TEXT.contact.name,
  TEXT.contact.phone,
  TEXT.contact.email,
  TEXT.answer,
  TEXT.question,
  TEXT.information,
  TEXT.dismissal,
  TEXT.resolution,
  TEXT.reopening,
];

// Friday 27 November 2026, 19:00 WIB: the first response is due at the end of Wednesday 2 December, the
// resolution of a complaint at the end of Friday 4 December (see packages/contracts/src/feedback/deadlines.unit.test.ts).
const RECEIVED_AT = '2026-11-27T12:00:00.000Z';
const FIRST_RESPONSE_DUE = '2026-12-02T16:59:59.999Z';
const RESOLUTION_DUE = '2026-12-04T16:59:59.999Z';
const LATER = '2026-11-30T02:00:00.000Z';
const LATER_STILL = '2026-12-01T02:00:00.000Z';
// Tuesday 8 December 2026, 10:00 WIB: both deadlines have passed.
const NOW = '2026-12-08T03:00:00.000Z';

const calendar = workingCalendar(DEFAULT_RULES);
/** The context as the handler builds it: the clock, the local date of the clock, the seal. */
const contextAt = (now: string): TicketContext => {
  const at = new Date(now);
  return { now: at, today: calendar.localDate(at), seal: fakeSeal };
};

const expectContract = (event: TicketEvent): void => {
  expect(feedbackEventRegistry.parse(event.type, feedbackEventRegistry.latestVersion(event.type), event.data)).toEqual(
    event.data,
  );
};

const expectNoPlainText = (events: readonly TicketEvent[]): void => {
  const json = JSON.stringify(events);
  for (const text of PLAIN_TEXTS) expect(json).not.toContain(text);
};

const ticketOf = (state: TicketState): Ticket => {
  if (state.status === 'none') throw new Error('no ticket in this state');
  return state;
};

/** The stream so far, folded from the initial state; every given event must satisfy its contract too. */
const given = (events: readonly TicketEvent[]) => {
  for (const event of events) expectContract(event);
  const state = events.reduce(evolveTicket, initialTicket());
  return {
    state,
    when: (command: TicketCommand, context: TicketContext = contextAt(NOW)) => {
      const decide = () => decideTicket(command, state, context);
      return {
        /** The events produced, each valid under its contract and free of plain text; returns them and the state after. */
        then: (expected: readonly TicketEvent[]) => {
          const produced = decide();
          for (const event of produced) expectContract(event);
          expectNoPlainText(produced);
          expect(produced).toEqual(expected);
          return { events: produced, state: ticketOf(produced.reduce(evolveTicket, state)) };
        },
        thenNothingHappened: () => {
          expect(decide()).toEqual([]);
        },
        thenRefused: (kind: TicketDecisionError['kind'], code: string) => {
          let error: unknown;
          try {
            decide();
          } catch (caught) {
            error = caught;
          }
          expect(error).toBeInstanceOf(TicketDecisionError);
          expect(error).toMatchObject({ kind, code });
        },
      };
    },
  };
};

// Events as the stream holds them.
const submitted = (data: Partial<DataOf<'TicketSubmitted'>> = {}): EventOf<'TicketSubmitted'> => ({
  type: 'TicketSubmitted',
  data: {
    ticketNumber: TICKET_NUMBER,
    kind: 'complaint',
    category: 'illegal-levy',
    unitId: NAMED_UNIT,
    service: fakeSeal('case', 0, TEXT.service),
    employeeId: EMPLOYEE,
    description: fakeSeal('case', 0, TEXT.description),
    contact: fakeSeal('contact', 0, TEXT.contact),
    anonymous: false,
    tokenHash: TOKEN_HASH,
    receivedAt: RECEIVED_AT,
    ...data,
  },
});
const anonymouslySubmitted = (): EventOf<'TicketSubmitted'> => ({
  type: 'TicketSubmitted',
  data: {
    ticketNumber: TICKET_NUMBER,
    kind: 'complaint',
    category: 'service-quality',
    description: fakeSeal('case', 0, TEXT.description),
    anonymous: true,
    tokenHash: TOKEN_HASH,
    receivedAt: RECEIVED_AT,
  },
});
/** Routed by the system on submission. */
const routed = (
  unitId = NAMED_UNIT,
  reason: DataOf<'TicketRouted'>['reason'] = 'named-unit',
  at = RECEIVED_AT,
): EventOf<'TicketRouted'> => ({
  type: 'TicketRouted',
  data: { unitId, reason, routedBy: 'system', routedAt: at },
});
/** Routed elsewhere by an officer. */
const rerouted = (unitId: string, at = LATER): EventOf<'TicketRouted'> => ({
  type: 'TicketRouted',
  data: { unitId, reason: 'officer', routedBy: OFFICER.subject, routedAt: at },
});
const classified = (
  kind: DataOf<'TicketClassified'>['kind'],
  category: DataOf<'TicketClassified'>['category'],
  fieldCheck = false,
  at = LATER,
): EventOf<'TicketClassified'> => ({
  type: 'TicketClassified',
  data: { kind, category, fieldCheck, classifiedBy: OFFICER.subject, classifiedAt: at },
});
const responded = (at = LATER): EventOf<'TicketResponded'> => ({
  type: 'TicketResponded',
  data: { message: fakeSeal('case', 0, TEXT.answer), respondedBy: OFFICER.subject, respondedAt: at },
});
const informationRequested = (at = LATER): EventOf<'InformationRequested'> => ({
  type: 'InformationRequested',
  data: { question: fakeSeal('case', 0, TEXT.question), requestedBy: OFFICER.subject, requestedAt: at },
});
const informationProvided = (at = LATER_STILL): EventOf<'InformationProvided'> => ({
  type: 'InformationProvided',
  data: { message: fakeSeal('case', 0, TEXT.information), providedAt: at },
});
const substantiated = (): EventOf<'ComplaintSubstantiated'> => ({
  type: 'ComplaintSubstantiated',
  data: {
    unitId: NAMED_UNIT,
    employeeId: EMPLOYEE,
    category: 'illegal-levy',
    substantiatedOn: '2026-12-01',
    substantiatedBy: OFFICER.subject,
  },
});
const dismissed = (at = LATER_STILL): EventOf<'TicketDismissed'> => ({
  type: 'TicketDismissed',
  data: { reason: fakeSeal('case', 0, TEXT.dismissal), dismissedBy: OFFICER.subject, dismissedAt: at },
});
const resolved = (at = LATER_STILL): EventOf<'TicketResolved'> => ({
  type: 'TicketResolved',
  data: { resolution: fakeSeal('case', 0, TEXT.resolution), resolvedBy: OFFICER.subject, resolvedAt: at },
});
const reopened = (at: string): EventOf<'TicketReopened'> => ({
  type: 'TicketReopened',
  data: { reason: fakeSeal('case', 0, TEXT.reopening), reopenedBy: OFFICER.subject, reopenedAt: at },
});
const escalated = (
  deadline: DataOf<'TicketEscalated'>['deadline'],
  dueAt: string,
  unitId = NAMED_UNIT,
  at = NOW,
): EventOf<'TicketEscalated'> => ({
  type: 'TicketEscalated',
  data: { deadline, dueAt, unitId, headId: HEAD, escalatedAt: at },
});
const contactErased = (at = NOW): EventOf<'ContactErased'> => ({
  type: 'ContactErased',
  data: { reason: 'retention', erasedAt: at },
});

/** A complaint received and routed to the unit it names. */
const received = (): TicketEvent[] => [submitted(), routed()];

// Commands.
const submit = (overrides: Partial<CommandOf<'SubmitTicket'>> = {}): CommandOf<'SubmitTicket'> => ({
  type: 'SubmitTicket',
  ticketNumber: TICKET_NUMBER,
  kind: 'complaint',
  category: 'illegal-levy',
  unitId: NAMED_UNIT,
  service: TEXT.service,
  employeeId: EMPLOYEE,
  description: TEXT.description,
  contact: TEXT.contact,
  anonymous: false,
  tokenHash: TOKEN_HASH,
  routing: { unitId: NAMED_UNIT, reason: 'named-unit' },
  ...overrides,
});
const submitAnonymously: CommandOf<'SubmitTicket'> = {
  type: 'SubmitTicket',
  ticketNumber: TICKET_NUMBER,
  kind: 'information-request',
  category: 'procedure',
  description: TEXT.description,
  anonymous: true,
  tokenHash: TOKEN_HASH,
  routing: { unitId: INTAKE_UNIT, reason: 'intake-desk' },
};
const route = (unitId: string, note?: string): TicketCommand => ({
  type: 'RouteTicket',
  unitId,
  ...(note ? { note } : {}),
  by: OFFICER,
});
const classify = (
  kind: CommandOf<'ClassifyTicket'>['kind'],
  category: CommandOf<'ClassifyTicket'>['category'],
  fieldCheck = false,
): TicketCommand => ({
  type: 'ClassifyTicket',
  kind,
  category,
  fieldCheck,
  by: OFFICER,
});
const respond: TicketCommand = { type: 'RespondToTicket', message: TEXT.answer, by: OFFICER };
const requestInformation: TicketCommand = { type: 'RequestInformation', question: TEXT.question, by: OFFICER };
const provideInformation: TicketCommand = { type: 'ProvideInformation', message: TEXT.information };
const substantiate: TicketCommand = { type: 'SubstantiateComplaint', by: OFFICER };
const dismiss: TicketCommand = { type: 'DismissTicket', reason: TEXT.dismissal, by: OFFICER };
const resolve: TicketCommand = { type: 'ResolveTicket', resolution: TEXT.resolution, by: OFFICER };
const reopen: TicketCommand = { type: 'ReopenTicket', reason: TEXT.reopening, by: OFFICER };
const escalate = (
  deadline: CommandOf<'EscalateTicket'>['deadline'],
  dueAt: string,
  headId: string | null = HEAD,
): TicketCommand => ({
  type: 'EscalateTicket',
  deadline,
  dueAt,
  ...(headId ? { headId } : {}),
});
const eraseContact = (reason: CommandOf<'EraseContact'>['reason'] = 'retention'): TicketCommand => ({
  type: 'EraseContact',
  reason,
});

describe('submitting a ticket', () => {
  it('records it with its texts sealed with the case key and the contact with the contact key, then routes it', () => {
    const { events } = given([])
      .when(submit())
      .then([submitted({ receivedAt: NOW }), routed(NAMED_UNIT, 'named-unit', NOW)]);
    const data = (events[0] as EventOf<'TicketSubmitted'>).data;
    expect(opened(data.description)).toEqual(['case', 0, TEXT.description]);
    expect(opened(data.service)).toEqual(['case', 0, TEXT.service]);
    expect(opened(data.contact)).toEqual(['contact', 0, TEXT.contact]);
  });

  it('records an anonymous ticket that names no unit, service or employee without them, routed to the intake desk', () => {
    const { events } = given([])
      .when(submitAnonymously)
      .then([
        {
          type: 'TicketSubmitted',
          data: {
            ticketNumber: TICKET_NUMBER,
            kind: 'information-request',
            category: 'procedure',
            description: fakeSeal('case', 0, TEXT.description),
            anonymous: true,
            tokenHash: TOKEN_HASH,
            receivedAt: NOW,
          },
        },
        routed(INTAKE_UNIT, 'intake-desk', NOW),
      ]);
    expect(Object.keys(events[0]?.data ?? {})).toEqual(
      expect.not.arrayContaining(['unitId', 'service', 'employeeId', 'contact']),
    );
  });

  it('records a named submitter who left no contact details without a contact', () => {
    const { contact: _none, ...withoutContact } = submit();
    const { contact: _sealed, ...expected } = submitted({ receivedAt: NOW }).data;
    const { events } = given([])
      .when(withoutContact)
      .then([{ type: 'TicketSubmitted', data: expected }, routed(NAMED_UNIT, 'named-unit', NOW)]);
    expect('contact' in (events[0]?.data ?? {})).toBe(false);
  });

  it('routes by the routing decision, not by the unit the submitter named', () => {
    given([])
      .when(submit({ routing: { unitId: OTHER_UNIT, reason: 'employee-unit' } }))
      .then([submitted({ receivedAt: NOW }), routed(OTHER_UNIT, 'employee-unit', NOW)]);
  });

  it('refuses an anonymous ticket that carries contact details, as a command that can never succeed', () => {
    given([])
      .when(submit({ anonymous: true }))
      .thenRefused('invalid', 'anonymous-with-contact');
  });

  it('refuses a ticket submitted twice', () => {
    given(received()).when(submit()).thenRefused('refused', 'ticket-exists');
  });
});

describe('routing a ticket', () => {
  it('moves it to another unit, by the officer, with the note', () => {
    const { state } = given(received())
      .when(route(OTHER_UNIT, 'Wrong department'))
      .then([
        {
          type: 'TicketRouted',
          data: {
            unitId: OTHER_UNIT,
            reason: 'officer',
            routedBy: OFFICER.subject,
            note: 'Wrong department',
            routedAt: NOW,
          },
        },
      ]);
    expect(state.unitId).toBe(OTHER_UNIT);
  });

  it('moves it without a note', () => {
    given(received())
      .when(route(OTHER_UNIT))
      .then([
        {
          type: 'TicketRouted',
          data: { unitId: OTHER_UNIT, reason: 'officer', routedBy: OFFICER.subject, routedAt: NOW },
        },
      ]);
  });

  it('does nothing when the ticket is already at that unit', () => {
    given(received()).when(route(NAMED_UNIT)).thenNothingHappened();
    given([...received(), rerouted(OTHER_UNIT)])
      .when(route(OTHER_UNIT))
      .thenNothingHappened();
  });
});

describe('classifying a ticket', () => {
  it('records a new kind and category', () => {
    const { state } = given(received())
      .when(classify('dispute', 'procedure'))
      .then([
        {
          type: 'TicketClassified',
          data: {
            kind: 'dispute',
            category: 'procedure',
            fieldCheck: false,
            classifiedBy: OFFICER.subject,
            classifiedAt: NOW,
          },
        },
      ]);
    expect(state).toMatchObject({ kind: 'dispute', category: 'procedure', fieldCheck: false });
  });

  it('records that a dispute needs a field check', () => {
    const { state } = given([...received(), classified('dispute', 'procedure')])
      .when(classify('dispute', 'procedure', true))
      .then([
        {
          type: 'TicketClassified',
          data: {
            kind: 'dispute',
            category: 'procedure',
            fieldCheck: true,
            classifiedBy: OFFICER.subject,
            classifiedAt: NOW,
          },
        },
      ]);
    expect(state.fieldCheck).toBe(true);
  });

  it('does nothing when kind, category and field check are unchanged', () => {
    given(received()).when(classify('complaint', 'illegal-levy')).thenNothingHappened();
    given([...received(), classified('dispute', 'procedure', true)])
      .when(classify('dispute', 'procedure', true))
      .thenNothingHappened();
  });

  it('refuses a field check on anything but a dispute, as a command that can never succeed', () => {
    given(received())
      .when(classify('complaint', 'illegal-levy', true))
      .thenRefused('invalid', 'field-check-not-dispute');
    given(received())
      .when(classify('information-request', 'procedure', true))
      .thenRefused('invalid', 'field-check-not-dispute');
  });

  it('refuses to turn a substantiated complaint into an information request', () => {
    given([...received(), substantiated()])
      .when(classify('information-request', 'illegal-levy'))
      .thenRefused('refused', 'ticket-substantiated');
  });

  it('still reclassifies a substantiated complaint as another complaint category or a dispute', () => {
    given([...received(), substantiated()])
      .when(classify('dispute', 'abuse-of-authority'))
      .then([
        {
          type: 'TicketClassified',
          data: {
            kind: 'dispute',
            category: 'abuse-of-authority',
            fieldCheck: false,
            classifiedBy: OFFICER.subject,
            classifiedAt: NOW,
          },
        },
      ]);
  });
});

describe('responding to the submitter', () => {
  it('records the answer sealed with the case key for the first event', () => {
    const { events } = given(received())
      .when(respond)
      .then([
        {
          type: 'TicketResponded',
          data: { message: fakeSeal('case', 0, TEXT.answer), respondedBy: OFFICER.subject, respondedAt: NOW },
        },
      ]);
    expect(opened((events[0] as EventOf<'TicketResponded'>).data.message)).toEqual(['case', 0, TEXT.answer]);
  });

  it('may respond again', () => {
    given([...received(), responded()])
      .when(respond)
      .then([responded(NOW)]);
  });
});

describe('asking the submitter for information', () => {
  it('records the question sealed with the case key and waits for the answer', () => {
    const { events, state } = given(received())
      .when(requestInformation)
      .then([informationRequested(NOW)]);
    expect(opened((events[0] as EventOf<'InformationRequested'>).data.question)).toEqual(['case', 0, TEXT.question]);
    expect(state.status).toBe('awaiting-information');
  });

  it('refuses a second question while the first is unanswered', () => {
    given([...received(), informationRequested()])
      .when(requestInformation)
      .thenRefused('refused', 'information-already-requested');
  });

  it('may ask again once the submitter answered', () => {
    given([...received(), informationRequested(), informationProvided()])
      .when(requestInformation)
      .then([informationRequested(NOW)]);
  });
});

describe('the submitter providing information', () => {
  it('records the answer sealed with the case key and reopens the work', () => {
    const { events, state } = given([...received(), informationRequested()])
      .when(provideInformation)
      .then([informationProvided(NOW)]);
    expect(opened((events[0] as EventOf<'InformationProvided'>).data.message)).toEqual(['case', 0, TEXT.information]);
    expect(state.status).toBe('open');
  });

  it('is refused when nothing was asked, or the question was already answered', () => {
    given(received()).when(provideInformation).thenRefused('refused', 'no-information-requested');
    given([...received(), informationRequested(), informationProvided()])
      .when(provideInformation)
      .thenRefused('refused', 'no-information-requested');
  });

  it('is refused once the ticket was closed while waiting', () => {
    given([...received(), informationRequested(), resolved()])
      .when(provideInformation)
      .thenRefused('refused', 'no-information-requested');
  });
});

describe('substantiating a complaint', () => {
  it('records the unit the ticket is routed to now, the employee, the category and the local date of today', () => {
    // 01:30 WIB on Wednesday 9 December: still Tuesday 8 December in UTC.
    const lateEvening = contextAt('2026-12-08T18:30:00.000Z');
    expect(lateEvening.today).toBe('2026-12-09');
    const { state } = given([...received(), rerouted(OTHER_UNIT), classified('complaint', 'abuse-of-authority')])
      .when(substantiate, lateEvening)
      .then([
        {
          type: 'ComplaintSubstantiated',
          data: {
            unitId: OTHER_UNIT,
            employeeId: EMPLOYEE,
            category: 'abuse-of-authority',
            substantiatedOn: '2026-12-09',
            substantiatedBy: OFFICER.subject,
          },
        },
      ]);
    expect(state.substantiated).toBe(true);
  });

  it('names no employee for a complaint about a unit or service', () => {
    const { events } = given([submitted({ employeeId: undefined }), routed()])
      .when(substantiate)
      .then([
        {
          type: 'ComplaintSubstantiated',
          data: {
            unitId: NAMED_UNIT,
            category: 'illegal-levy',
            substantiatedOn: '2026-12-08',
            substantiatedBy: OFFICER.subject,
          },
        },
      ]);
    expect('employeeId' in (events[0]?.data ?? {})).toBe(false);
  });

  it('substantiates a dispute too', () => {
    given([...received(), classified('dispute', 'procedure')])
      .when(substantiate)
      .then([
        {
          type: 'ComplaintSubstantiated',
          data: {
            unitId: NAMED_UNIT,
            employeeId: EMPLOYEE,
            category: 'procedure',
            substantiatedOn: '2026-12-08',
            substantiatedBy: OFFICER.subject,
          },
        },
      ]);
  });

  it('refuses an information request', () => {
    given([submitted({ kind: 'information-request' }), routed()])
      .when(substantiate)
      .thenRefused('refused', 'not-a-complaint');
    given([...received(), classified('information-request', 'procedure')])
      .when(substantiate)
      .thenRefused('refused', 'not-a-complaint');
  });

  it('refuses a complaint substantiated already', () => {
    given([...received(), substantiated()])
      .when(substantiate)
      .thenRefused('refused', 'already-substantiated');
  });
});

describe('dismissing a ticket', () => {
  it('records the reason sealed with the case key and closes the ticket', () => {
    const { events, state } = given(received())
      .when(dismiss)
      .then([dismissed(NOW)]);
    expect(opened((events[0] as EventOf<'TicketDismissed'>).data.reason)).toEqual(['case', 0, TEXT.dismissal]);
    expect(state).toMatchObject({ status: 'dismissed', closedAt: NOW });
  });

  it('refuses a substantiated complaint: it is resolved, not dismissed', () => {
    given([...received(), substantiated()])
      .when(dismiss)
      .thenRefused('refused', 'ticket-substantiated');
  });
});

describe('resolving a ticket', () => {
  it('records the resolution sealed with the case key and closes the ticket', () => {
    const { events, state } = given([...received(), substantiated()])
      .when(resolve)
      .then([resolved(NOW)]);
    expect(opened((events[0] as EventOf<'TicketResolved'>).data.resolution)).toEqual(['case', 0, TEXT.resolution]);
    expect(state).toMatchObject({ status: 'resolved', closedAt: NOW });
  });
});

describe('reopening a ticket', () => {
  it('reopens a resolved or a dismissed ticket, with the reason sealed with the case key', () => {
    for (const closing of [resolved(), dismissed()]) {
      const { events } = given([...received(), closing])
        .when(reopen)
        .then([reopened(NOW)]);
      expect(opened((events[0] as EventOf<'TicketReopened'>).data.reason)).toEqual(['case', 0, TEXT.reopening]);
    }
  });

  it('refuses a ticket that is still open or waiting for information', () => {
    given(received()).when(reopen).thenRefused('refused', 'ticket-open');
    given([...received(), informationRequested()])
      .when(reopen)
      .thenRefused('refused', 'ticket-open');
  });
});

describe('escalating a missed deadline', () => {
  it('sends a late first response to the head of the unit the ticket is at', () => {
    const { state } = given(received())
      .when(escalate('first-response', FIRST_RESPONSE_DUE))
      .then([escalated('first-response', FIRST_RESPONSE_DUE)]);
    expect(state.escalations).toEqual([escalationKey('first-response', NAMED_UNIT, FIRST_RESPONSE_DUE)]);
  });

  it('names no head when the unit has none on record', () => {
    given(received())
      .when(escalate('first-response', FIRST_RESPONSE_DUE, null))
      .then([
        {
          type: 'TicketEscalated',
          data: { deadline: 'first-response', dueAt: FIRST_RESPONSE_DUE, unitId: NAMED_UNIT, escalatedAt: NOW },
        },
      ]);
  });

  it('escalates a late resolution of a ticket that was answered', () => {
    given([...received(), responded()])
      .when(escalate('resolution', RESOLUTION_DUE))
      .then([escalated('resolution', RESOLUTION_DUE)]);
  });

  it('refuses a deadline that has not passed: due at this very instant is not late, a millisecond earlier is', () => {
    given(received())
      .when(escalate('first-response', FIRST_RESPONSE_DUE), contextAt(LATER))
      .thenRefused('refused', 'not-late');
    given(received())
      .when(escalate('first-response', FIRST_RESPONSE_DUE), contextAt(FIRST_RESPONSE_DUE))
      .thenRefused('refused', 'not-late');
    given(received())
      .when(escalate('first-response', FIRST_RESPONSE_DUE), contextAt('2026-12-02T17:00:00.000Z'))
      .then([escalated('first-response', FIRST_RESPONSE_DUE, NAMED_UNIT, '2026-12-02T17:00:00.000Z')]);
  });

  it('does nothing the second time for the same deadline, unit and due time', () => {
    given([...received(), escalated('first-response', FIRST_RESPONSE_DUE)])
      .when(escalate('first-response', FIRST_RESPONSE_DUE))
      .thenNothingHappened();
  });

  it('escalates again for the new unit after the ticket was routed elsewhere', () => {
    const { state } = given([
      ...received(),
      escalated('first-response', FIRST_RESPONSE_DUE),
      rerouted(OTHER_UNIT, '2026-12-07T02:00:00.000Z'),
    ])
      .when(escalate('first-response', FIRST_RESPONSE_DUE))
      .then([escalated('first-response', FIRST_RESPONSE_DUE, OTHER_UNIT)]);
    expect(state.escalations).toEqual([
      escalationKey('first-response', NAMED_UNIT, FIRST_RESPONSE_DUE),
      escalationKey('first-response', OTHER_UNIT, FIRST_RESPONSE_DUE),
    ]);
  });

  it('escalates again for the new due time of a reopened ticket', () => {
    // Reopened on Monday 7 December, 09:00 WIB: the resolution is due again at the end of Monday 14 December.
    const dueAgain = '2026-12-14T16:59:59.999Z';
    given([
      ...received(),
      responded(),
      escalated('resolution', RESOLUTION_DUE),
      resolved('2026-12-05T02:00:00.000Z'),
      reopened('2026-12-07T02:00:00.000Z'),
    ])
      .when(escalate('resolution', dueAgain), contextAt('2026-12-15T02:00:00.000Z'))
      .then([escalated('resolution', dueAgain, NAMED_UNIT, '2026-12-15T02:00:00.000Z')]);
  });

  it('does nothing for a closed ticket, however late', () => {
    given([...received(), resolved()])
      .when(escalate('resolution', RESOLUTION_DUE))
      .thenNothingHappened();
    given([...received(), dismissed()])
      .when(escalate('first-response', FIRST_RESPONSE_DUE))
      .thenNothingHappened();
  });

  it('does nothing for the first response once the submitter heard back', () => {
    for (const answer of [responded(), informationRequested()]) {
      given([...received(), answer])
        .when(escalate('first-response', FIRST_RESPONSE_DUE))
        .thenNothingHappened();
    }
  });
});

describe('erasing the contact details', () => {
  it('records the erasure with its reason, on an open or a closed ticket', () => {
    const { state } = given(received())
      .when(eraseContact('submitter-request'))
      .then([{ type: 'ContactErased', data: { reason: 'submitter-request', erasedAt: NOW } }]);
    expect(state.contactErased).toBe(true);
    given([...received(), resolved()])
      .when(eraseContact('retention'))
      .then([contactErased()]);
  });

  it('does nothing the second time', () => {
    given([...received(), resolved(), contactErased()])
      .when(eraseContact('submitter-request'))
      .thenNothingHappened();
  });

  it('does nothing on a ticket that has no contact details (anonymous)', () => {
    given([anonymouslySubmitted(), routed()])
      .when(eraseContact('retention'))
      .thenNothingHappened();
  });
});

describe('a ticket that was never submitted', () => {
  const commands: TicketCommand[] = [
    route(OTHER_UNIT),
    classify('dispute', 'procedure'),
    respond,
    requestInformation,
    provideInformation,
    substantiate,
    dismiss,
    resolve,
    reopen,
    escalate('first-response', FIRST_RESPONSE_DUE),
    eraseContact(),
  ];

  it.each(commands.map((command) => [command.type, command] as const))('refuses %s as not found', (_type, command) => {
    given([]).when(command).thenRefused('not-found', 'ticket-not-found');
  });
});

describe('a closed ticket', () => {
  const commands: TicketCommand[] = [
    route(OTHER_UNIT),
    classify('dispute', 'procedure'),
    respond,
    requestInformation,
    substantiate,
    dismiss,
    resolve,
  ];
  const cases = [resolved(), dismissed()].flatMap((closing) =>
    commands.map((command) => [closing.type, command.type, closing, command] as const),
  );

  it.each(cases)('once %s refuses %s until reopened', (_closing, _type, closing, command) => {
    given([...received(), closing])
      .when(command)
      .thenRefused('refused', 'ticket-closed');
  });

  it('takes the commands again once reopened', () => {
    given([...received(), resolved(), reopened(LATER_STILL)])
      .when(respond)
      .then([responded(NOW)]);
  });
});

describe('evolving a ticket', () => {
  it('starts open at the unit it was routed to, with the resolution clock running from the receipt', () => {
    const state = given([submitted(), routed(OTHER_UNIT)]).state;
    expect(state).toEqual({
      status: 'open',
      ticketNumber: TICKET_NUMBER,
      kind: 'complaint',
      category: 'illegal-levy',
      fieldCheck: false,
      unitId: OTHER_UNIT,
      employeeId: EMPLOYEE,
      anonymous: false,
      hasContact: true,
      contactErased: false,
      tokenHash: TOKEN_HASH,
      receivedAt: RECEIVED_AT,
      resolutionFrom: RECEIVED_AT,
      substantiated: false,
      escalations: [],
    });
  });

  it('knows an anonymous ticket has no contact', () => {
    expect(given([anonymouslySubmitted(), routed(INTAKE_UNIT)]).state).toMatchObject({
      anonymous: true,
      hasContact: false,
      unitId: INTAKE_UNIT,
    });
  });

  it('ignores events before the submission', () => {
    expect(evolveTicket(initialTicket(), routed())).toEqual({ status: 'none' });
  });

  it('sets the first response from the first answer, question, resolution or dismissal, and keeps it', () => {
    const firstAnswers: TicketEvent[] = [
      responded(LATER),
      informationRequested(LATER),
      resolved(LATER),
      dismissed(LATER),
    ];
    for (const answer of firstAnswers) {
      expect(ticketOf(given([...received(), answer]).state).firstResponseAt).toBe(LATER);
    }
    expect(
      ticketOf(given([...received(), responded(LATER), responded(LATER_STILL), resolved(NOW)]).state).firstResponseAt,
    ).toBe(LATER);
  });

  it('sets no first response from anything else', () => {
    const others: TicketEvent[] = [
      rerouted(OTHER_UNIT),
      classified('dispute', 'procedure'),
      substantiated(),
      escalated('first-response', FIRST_RESPONSE_DUE),
      contactErased(),
    ];
    expect(ticketOf(given([...received(), ...others]).state).firstResponseAt).toBeUndefined();
    // Information provided and a reopening do not count either: the first response here is the question.
    expect(
      ticketOf(
        given([...received(), informationRequested(LATER), informationProvided(), resolved(NOW), reopened(NOW)]).state,
      ).firstResponseAt,
    ).toBe(LATER);
  });

  it('restarts the resolution clock on reopening and clears the closing, keeping the first response', () => {
    const reopenedAt = '2026-12-07T02:00:00.000Z';
    const state = ticketOf(given([...received(), responded(LATER), resolved(LATER_STILL), reopened(reopenedAt)]).state);
    expect(state).toMatchObject({
      status: 'open',
      resolutionFrom: reopenedAt,
      receivedAt: RECEIVED_AT,
      firstResponseAt: LATER,
    });
    expect('closedAt' in state).toBe(false);
  });

  it('records escalations by deadline, unit and due time', () => {
    const state = ticketOf(
      given([
        ...received(),
        escalated('first-response', FIRST_RESPONSE_DUE),
        rerouted(OTHER_UNIT, NOW),
        escalated('first-response', FIRST_RESPONSE_DUE, OTHER_UNIT),
      ]).state,
    );
    expect(state.escalations).toEqual([
      `first-response|${NAMED_UNIT}|${FIRST_RESPONSE_DUE}`,
      `first-response|${OTHER_UNIT}|${FIRST_RESPONSE_DUE}`,
    ]);
  });
});

describe('a complaint worked from receipt to reopening through the decider', () => {
  it('produces only events its contracts accept, with no plain text, and the state they describe', () => {
    const steps: [TicketCommand, string][] = [
      [submit(), RECEIVED_AT],
      [route(OTHER_UNIT, 'Handled by the registry office'), '2026-11-28T02:00:00.000Z'],
      [requestInformation, '2026-11-30T02:00:00.000Z'],
      [provideInformation, '2026-11-30T09:00:00.000Z'],
      [classify('complaint', 'abuse-of-authority'), '2026-12-01T02:00:00.000Z'],
      [escalate('resolution', RESOLUTION_DUE), '2026-12-05T02:00:00.000Z'],
      [substantiate, '2026-12-07T02:00:00.000Z'],
      [resolve, '2026-12-07T03:00:00.000Z'],
      [reopen, '2026-12-08T02:00:00.000Z'],
      [eraseContact('submitter-request'), '2026-12-08T03:00:00.000Z'],
    ];
    let stream: TicketEvent[] = [];
    for (const [command, at] of steps) {
      const produced = decideTicket(command, stream.reduce(evolveTicket, initialTicket()), contextAt(at));
      expect(produced.length).toBeGreaterThan(0);
      for (const event of produced) expectContract(event);
      expectNoPlainText(produced);
      stream = [...stream, ...produced];
    }
    expect(stream.map((event) => event.type)).toEqual([
      'TicketSubmitted',
      'TicketRouted',
      'TicketRouted',
      'InformationRequested',
      'InformationProvided',
      'TicketClassified',
      'TicketEscalated',
      'ComplaintSubstantiated',
      'TicketResolved',
      'TicketReopened',
      'ContactErased',
    ]);
    expect(ticketOf(stream.reduce(evolveTicket, initialTicket()))).toMatchObject({
      status: 'open',
      unitId: OTHER_UNIT,
      category: 'abuse-of-authority',
      firstResponseAt: '2026-11-30T02:00:00.000Z',
      resolutionFrom: '2026-12-08T02:00:00.000Z',
      substantiated: true,
      contactErased: true,
      escalations: [escalationKey('resolution', OTHER_UNIT, RESOLUTION_DUE)],
    });
  });
});
