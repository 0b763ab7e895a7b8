import { DECIDED_EVENT_TYPE, personnelEventRegistry, unitEventRegistry, type Decision, type Position } from '@asn/contracts';
import { newId, type EventStore } from '@asn/event-store';

/**
 * Personnel events as the personnel service records them, appended straight into the shared store file so
 * that the evaluation service's org chart fills through the real local bus. Each one is checked against its
 * contract before it is written.
 */
export const managerial = (level: 'jpt-pratama' | 'administrator' | 'pengawas', title = `Kepala (${level})`): Position => ({ kind: 'managerial', level, title });
export const pelaksana = (title = 'Pengadministrasi Umum'): Position => ({ kind: 'pelaksana', title });

const decree = (tmt: string) => ({ skNumber: `800/${tmt.slice(0, 4)}/BKPSDM`, skDate: tmt, tmt, signedBy: 'Wali Kota Tanjungbalai', legalBasis: 'UU 20/2023 tentang ASN' });

const append = async (store: EventStore, stream: string, type: string, data: unknown): Promise<void> => {
  if (stream.startsWith('unit-')) unitEventRegistry.parse(type as never, 1, data);
  else personnelEventRegistry.parse(type as never, 1, data);
  await store.appendToStream(stream, [{ id: newId(), type, schemaVersion: 1, data }], { expectedRevision: 'any' });
};

export const establishUnit = (store: EventStore, unitId: string, name: string, parentUnitId?: string): Promise<void> =>
  append(store, `unit-${unitId}`, 'UnitEstablished', { name, code: name.slice(0, 10).toUpperCase(), ...(parentUnitId ? { parentUnitId } : {}), tmt: '2010-01-01', legalBasis: 'Perda 1/2016' });

const decide = (store: EventStore, employeeId: string, decision: Decision, tmt: string): Promise<void> =>
  append(store, `employee-${employeeId}`, DECIDED_EVENT_TYPE[decision.kind], { decisionId: newId(), proposedBy: 'staff-1', approvedBy: 'approver-1', decision, decree: decree(tmt) });

export const appoint = (store: EventStore, employeeId: string, unitId: string, position: Position, tmt = '2015-01-01'): Promise<void> =>
  decide(store, employeeId, { kind: 'appointment', employeeType: 'PNS', golongan: 'III/a', unitId, position }, tmt);

export const transfer = (store: EventStore, employeeId: string, toUnitId: string, tmt: string): Promise<void> =>
  decide(store, employeeId, { kind: 'transfer', transferKind: 'within-city', toUnitId }, tmt);

export const dismiss = (store: EventStore, employeeId: string, tmt: string): Promise<void> =>
  decide(store, employeeId, { kind: 'dismissal', dismissalKind: 'honourable', ground: 'unfit-for-duty' }, tmt);

/** A substantiated complaint as the feedback service records it (stream `feedback-<ticketId>`). */
export const substantiate = async (store: EventStore, ticketId: string, unitId: string, employeeId: string | undefined, substantiatedOn: string): Promise<void> => {
  await store.appendToStream(
    `feedback-${ticketId}`,
    [{ id: newId(), type: 'ComplaintSubstantiated', schemaVersion: 1, data: { unitId, ...(employeeId ? { employeeId } : {}), category: 'illegal-levy', substantiatedOn, substantiatedBy: 'officer-1' } }],
    { expectedRevision: 'any' },
  );
};
