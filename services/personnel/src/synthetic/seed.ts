import { nipEventRegistry, streamId, unitEventRegistry } from '@asn/contracts';
import {
  newId,
  WrongExpectedRevisionError,
  type EventMetadata,
  type EventStore,
  type NewEvent,
} from '@asn/event-store';
import { uuidFromKeyedHash, type SubjectKeyStore } from '@asn/privacy';
import type { EmployeeCodec } from '../employees/employee.codec';
import type { EmployeeEvent } from '../employees/employee.domain';
import { employeeStreamId, metadataOf, type Actor } from '../employees/employee.handlers';
import { unitStreamId } from '../units/unit.handlers';
import type { City, CityEmployee } from './city';

export interface SeedDeps {
  store: EventStore;
  codec: EmployeeCodec;
  keys: SubjectKeyStore;
  /** Key of the NIP index: the reservation stream of a NIP is named by a keyed hash of it. */
  nipIndexKey: Buffer;
}

export interface SeedOptions {
  /** Appends in flight at once: the SQLite engine commits the appends of one turn together. */
  concurrency?: number;
  /** Correlation id of every event written; a fresh id when absent. */
  correlationId?: string;
}

export type SeedReport =
  | {
      status: 'seeded';
      units: number;
      /** Units whose stream was already in the store (a run that stopped half-way), left as they were. */
      unitsPresent: number;
      employees: number;
      /** Events appended: units, employees and NIP reservations. */
      events: number;
      correlationId: string;
      seconds: number;
    }
  | { status: 'skipped'; reason: string; seconds: number };

/** The role each event is recorded under, as the HTTP API records it (employee.http.ts). */
const ROLE = { proposal: 'hr-staff', decision: 'hr-approver' } as const;
/** Who establishes the units and their position maps (unit.http.ts records an hr-approver). */
const ORGANISATION_ACTOR = { subject: 'kepala-bkpsdm', role: 'hr-approver' } as const;

/** Who recorded the event, as the HTTP API records it: the proposer for a proposal, else the approver. */
const actorOf = (event: EmployeeEvent, correlationId: string): Actor => {
  const data = event.data as { proposedBy?: string; approvedBy?: string };
  return event.type === 'DecisionProposed'
    ? { subject: data.proposedBy ?? 'unknown', role: ROLE.proposal, correlationId }
    : { subject: data.approvedBy ?? 'unknown', role: ROLE.decision, correlationId };
};

/** Whether any employee stream exists: the seed then writes nothing. */
export const storeHoldsEmployees = async (store: EventStore): Promise<boolean> => {
  for await (const event of store.readAll({ categories: ['employee'], maxCount: 1 })) {
    void event;
    return true;
  }
  return false;
};

/** Reserves the employee's NIP (the stream the handlers check before an appointment); a reservation left by an earlier run for the same employee stands. */
const reserveNip = async (
  deps: SeedDeps,
  employee: CityEmployee,
  actor: EventMetadata['actor'],
  correlationId: string,
): Promise<number> => {
  const stream = streamId('nip', uuidFromKeyedHash(deps.nipIndexKey, employee.personal.nip));
  const event: NewEvent = {
    id: newId(),
    type: 'NipReserved',
    schemaVersion: nipEventRegistry.latestVersion('NipReserved'),
    data: { employeeId: employee.employeeId },
    metadata: { actor, correlationId },
  };
  try {
    await deps.store.appendToStream(stream, [event], { expectedRevision: 'no_stream' });
    return 1;
  } catch (error) {
    if (!(error instanceof WrongExpectedRevisionError)) throw error;
    for await (const held of deps.store.readStream(stream, { direction: 'backwards', maxCount: 1 })) {
      if ((held.data as { employeeId?: string }).employeeId === employee.employeeId) return 0;
    }
    // The message names the employee id only: the NIP is personal data.
    throw new Error(
      `the NIP of synthetic employee ${employee.employeeId} is already reserved for someone else in this store`,
      { cause: error },
    );
  }
};

const seedEmployee = async (
  deps: SeedDeps,
  city: City,
  employee: CityEmployee,
  correlationId: string,
): Promise<number> => {
  const { employeeId } = employee;
  const stream = employeeStreamId(employeeId);
  // The key exists (durably) before anything sealed with it is appended.
  deps.keys.keyFor(employeeId);
  const events: NewEvent[] = employee.events.map((event) => {
    const id = newId();
    return {
      id,
      ...deps.codec.seal(employeeId, stream, id, event),
      metadata: metadataOf(actorOf(event, correlationId), event, city.rulesVersion),
    };
  });
  const appointment = employee.events[0];
  const proposer = appointment?.type === 'DecisionProposed' ? appointment.data.proposedBy : 'unknown';
  const reserved = await reserveNip(deps, employee, { subject: proposer, role: ROLE.proposal }, correlationId);
  // One append per employee: the whole history, or nothing.
  await deps.store.appendToStream(stream, events, { expectedRevision: 'no_stream' });
  return reserved + events.length;
};

/**
 * Writes a generated city into the store: each unit's stream in one append, each employee's whole
 * history in one append (personal data sealed with the employee's key) and the NIP reservations, many
 * appends in flight so that the engine commits them in groups. A store that already holds employees is
 * left alone (reported as skipped), so running the seed twice writes nothing the second time.
 */
export const seedCity = async (deps: SeedDeps, city: City, options: SeedOptions = {}): Promise<SeedReport> => {
  const started = performance.now();
  const seconds = (): number => Math.round((performance.now() - started) / 100) / 10;
  if (await storeHoldsEmployees(deps.store)) {
    return { status: 'skipped', reason: 'the store already holds employees', seconds: seconds() };
  }
  const correlationId = options.correlationId ?? newId();
  const concurrency = Math.max(1, Math.trunc(options.concurrency ?? 32));

  let events = 0;
  let unitsPresent = 0;
  await Promise.all(
    city.units.map(async (unit) => {
      const batch: NewEvent[] = unit.events.map((event) => ({
        id: newId(),
        type: event.type,
        schemaVersion: unitEventRegistry.latestVersion(event.type),
        data: event.data,
        metadata: { actor: ORGANISATION_ACTOR, correlationId },
      }));
      try {
        await deps.store.appendToStream(unitStreamId(unit.unitId), batch, { expectedRevision: 'no_stream' });
        events += batch.length;
      } catch (error) {
        // Left by a run that stopped before its employees: the unit ids come from the seed, so it is this unit.
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        unitsPresent += 1;
      }
    }),
  );

  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < city.employees.length) {
      const employee = city.employees[next++]!;
      try {
        const written = await seedEmployee(deps, city, employee, correlationId);
        events += written;
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const workers = Array.from({ length: Math.min(concurrency, city.employees.length) }, worker);
  const outcomes = await Promise.allSettled(workers);
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failure) throw failure.reason;

  return {
    status: 'seeded',
    units: city.units.length,
    unitsPresent,
    employees: city.employees.length,
    events,
    correlationId,
    seconds: seconds(),
  };
};
