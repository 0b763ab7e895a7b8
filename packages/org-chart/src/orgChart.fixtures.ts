import {
  DECIDED_EVENT_TYPE,
  type CorrectableDecision,
  type Decision,
  type Decree,
  type EmployeeType,
  type Position,
} from '@asn/contracts';
import { newId, type EventStore } from '@asn/event-store';
import Database from 'better-sqlite3';
import { openOrgChart, type OrgChange, type OrgChart, type PersonnelTopicEvent } from './orgChart';
import { personnelTopicRegistry } from './topic';

const uuid = (group: string, n: number): string => `0190${group}-0000-7000-8000-${String(n).padStart(12, '0')}`;

export const aUnitId = (n: number): string => uuid('a000', n);
export const anEmployeeId = (n: number): string => uuid('c000', n);

let sequence = 0;
/** A fresh decision id per call, deterministic across runs. */
export const aDecisionId = (): string => uuid('b000', ++sequence);

export const aDecree = (tmt: string): Decree => ({
  skNumber: `800/${tmt.slice(0, 4)}/BKPSDM`,
  skDate: tmt,
  tmt,
  signedBy: 'Wali Kota Tanjungbalai',
  legalBasis: 'UU 20/2023 tentang ASN',
});

export const pelaksana = (title = 'Pengadministrasi Umum'): Position => ({ kind: 'pelaksana', title });
export const functional = (title = 'Analis Kebijakan Ahli Pertama'): Position => ({
  kind: 'functional',
  level: 'ahli-pertama',
  title,
});
export const managerial = (
  level: Extract<Position, { kind: 'managerial' }>['level'],
  title = `Kepala (${level})`,
): Position => ({
  kind: 'managerial',
  level,
  title,
});

/** An event on the personnel topic, with the decision id when it records a decision. */
export type TopicEvent = PersonnelTopicEvent & { decisionId?: string };

const employeeEvent = (employeeId: string, eventType: string, data: unknown): TopicEvent => ({
  subject: `employee-${employeeId}`,
  eventType,
  data,
});

/** The event a decision is recorded as once approved (proposer and approver as the service writes them). */
export const decided = (
  employeeId: string,
  decision: Decision,
  tmt: string,
  decisionId = aDecisionId(),
): TopicEvent => ({
  ...employeeEvent(employeeId, DECIDED_EVENT_TYPE[decision.kind], {
    decisionId,
    proposedBy: 'staff-1',
    approvedBy: 'approver-1',
    decision,
    decree: aDecree(tmt),
  }),
  decisionId,
});

export const appointed = (
  employeeId: string,
  tmt: string,
  extra: { unitId: string; position?: Position; employeeType?: EmployeeType; contractUntil?: string },
): TopicEvent => {
  const employeeType = extra.employeeType ?? 'PNS';
  return decided(
    employeeId,
    {
      kind: 'appointment',
      employeeType,
      ...(employeeType === 'PPPK' ? { pppkGrade: 'IX' } : { golongan: 'III/a' }),
      unitId: extra.unitId,
      position: extra.position ?? pelaksana(),
      ...(extra.contractUntil ? { contractUntil: extra.contractUntil } : {}),
    },
    tmt,
  );
};

export const transferred = (employeeId: string, tmt: string, toUnitId?: string): TopicEvent =>
  decided(
    employeeId,
    { kind: 'transfer', transferKind: toUnitId ? 'within-city' : 'to-other-region', ...(toUnitId ? { toUnitId } : {}) },
    tmt,
  );

export const assigned = (employeeId: string, tmt: string, position: Position, positionId?: string): TopicEvent =>
  decided(employeeId, { kind: 'position-assignment', position, ...(positionId ? { positionId } : {}) }, tmt);

export const corrected = (
  employeeId: string,
  tmt: string,
  correctsDecisionId: string,
  replacement?: CorrectableDecision,
): TopicEvent =>
  decided(
    employeeId,
    { kind: 'correction', correctsDecisionId, reason: 'Salah ketik pada SK', ...(replacement ? { replacement } : {}) },
    tmt,
  );

export const proposed = (
  employeeId: string,
  decision: Decision,
  tmt: string,
  unitId: string,
  decisionId = aDecisionId(),
): TopicEvent => ({
  ...employeeEvent(employeeId, 'DecisionProposed', {
    decisionId,
    unitId,
    proposedBy: 'staff-1',
    decision,
    decree: aDecree(tmt),
  }),
  decisionId,
});

export const rejected = (employeeId: string, decisionId: string): TopicEvent =>
  employeeEvent(employeeId, 'DecisionRejected', {
    decisionId,
    rejectedBy: 'approver-1',
    reason: 'Berkas belum lengkap',
  });

export const established = (unitId: string, name: string, tmt: string, parentUnitId?: string): TopicEvent => ({
  subject: `unit-${unitId}`,
  eventType: 'UnitEstablished',
  data: {
    name,
    code: name.slice(0, 10).toUpperCase(),
    ...(parentUnitId ? { parentUnitId } : {}),
    tmt,
    legalBasis: 'Perda 1/2016',
  },
});

export const renamed = (unitId: string, name: string, tmt: string): TopicEvent => ({
  subject: `unit-${unitId}`,
  eventType: 'UnitRenamed',
  data: { name, tmt, legalBasis: 'Perwali 5/2024' },
});

export const dissolved = (unitId: string, tmt: string): TopicEvent => ({
  subject: `unit-${unitId}`,
  eventType: 'UnitDissolved',
  data: { tmt, legalBasis: 'Perwali 6/2024' },
});

/** The event as a consumer receives it after `decodeWith`: its data validated by the topic's registry. */
export const decoded = (event: TopicEvent): PersonnelTopicEvent => {
  if (!personnelTopicRegistry.has(event.eventType)) throw new Error(`not a personnel-topic event: ${event.eventType}`);
  return {
    subject: event.subject,
    eventType: event.eventType,
    data: personnelTopicRegistry.parse(event.eventType, 1, event.data),
  };
};

/** An org chart in a fresh in-memory database that has applied the events, and its database. */
export const given = (
  ...events: TopicEvent[]
): { chart: OrgChart; db: Database.Database; when: (event: TopicEvent) => OrgChange | undefined } => {
  const db = new Database(':memory:');
  const chart = openOrgChart(db);
  for (const event of events) chart.apply(decoded(event));
  return { chart, db, when: (event) => chart.apply(decoded(event)) };
};

/**
 * Appends the events to their streams in `store` as the personnel service records them, each checked against
 * its contract first: a consumer's org chart then fills through the real bus.
 */
export const record = async (store: EventStore, ...events: TopicEvent[]): Promise<void> => {
  for (const event of events) {
    const { data } = decoded(event);
    await store.appendToStream(event.subject, [{ id: newId(), type: event.eventType, data }]);
  }
};

/** Records a unit's establishment in `store` (see {@link record}); returns its id. */
export const establishUnit = async (
  store: EventStore,
  unitId = newId(),
  name = 'Dinas Kesehatan',
  parentUnitId?: string,
): Promise<string> => {
  await record(store, established(unitId, name, '2010-01-01', parentUnitId));
  return unitId;
};

/** Records an appointment into the unit in `store` (see {@link record}), by default of a new PNS pelaksana; returns their id. */
export const appointEmployee = async (
  store: EventStore,
  unitId: string,
  options: { employeeId?: string; employeeType?: EmployeeType; position?: Position; tmt?: string } = {},
): Promise<string> => {
  const { employeeId = newId(), tmt = '2020-03-01', ...extra } = options;
  await record(store, appointed(employeeId, tmt, { unitId, ...extra }));
  return employeeId;
};
