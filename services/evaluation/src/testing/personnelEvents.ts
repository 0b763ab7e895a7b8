import type { Position } from '@asn/contracts';
import { newId, type EventStore } from '@asn/event-store';
import { appointEmployee, decided, record, transferred } from '@asn/org-chart/testing';

/**
 * Personnel events as the personnel service records them (the org chart's fixtures), appended straight into
 * the shared store file so that the evaluation service's org chart fills through the real local bus.
 */
export { establishUnit, managerial, pelaksana } from '@asn/org-chart/testing';

export const appoint = async (store: EventStore, employeeId: string, unitId: string, position: Position, tmt = '2015-01-01'): Promise<void> => {
  await appointEmployee(store, unitId, { employeeId, position, tmt });
};

export const transfer = (store: EventStore, employeeId: string, toUnitId: string, tmt: string): Promise<void> => record(store, transferred(employeeId, tmt, toUnitId));

export const dismiss = (store: EventStore, employeeId: string, tmt: string): Promise<void> =>
  record(store, decided(employeeId, { kind: 'dismissal', dismissalKind: 'honourable', ground: 'unfit-for-duty' }, tmt));

/** A substantiated complaint as the feedback service records it (stream `feedback-<ticketId>`). */
export const substantiate = async (store: EventStore, ticketId: string, unitId: string, employeeId: string | undefined, substantiatedOn: string): Promise<void> => {
  await store.appendToStream(
    `feedback-${ticketId}`,
    [{ id: newId(), type: 'ComplaintSubstantiated', schemaVersion: 1, data: { unitId, ...(employeeId ? { employeeId } : {}), category: 'illegal-levy', substantiatedOn, substantiatedBy: 'officer-1' } }],
    { expectedRevision: 'any' },
  );
};
