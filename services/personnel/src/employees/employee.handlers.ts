import { streamId, type Decision, type Decree, type Predicate } from '@asn/contracts';
import { derivedId, newId, WrongExpectedRevisionError, type EventMetadata, type EventStore, type RecordedEvent } from '@asn/event-store';
import { uuidFromKeyedHash } from '@asn/privacy';
import type { SubjectKeyStore } from '@asn/privacy';
import type { PersonnelRules } from '../rules/rules';
import type { EmployeeCodec } from './employee.codec';
import {
  decide,
  EmployeeDecisionError,
  evolve,
  initialState,
  type EmployeeCommand,
  type EmployeeEvent,
  type Employee,
  type Personal,
  type UnitDirectory,
} from './employee.domain';
import type { PersonalData } from './personal';

/** Who acts, for the events' metadata: never personal data of the employee. */
export interface Actor {
  subject: string;
  role: string;
  correlationId: string;
  /** The request's idempotency digest: ids derived from it make a re-run of the same request write nothing new. */
  idSeed?: string;
}

/** An id for `label` within this request: derived from its idempotency digest when there is one, else new. */
export const idFor = (actor: Actor, label: string): string => (actor.idSeed ? derivedId(actor.idSeed, label) : newId());

export interface EmployeeHandlerDeps {
  store: EventStore;
  codec: EmployeeCodec;
  keys: SubjectKeyStore;
  /** Key of the NIP index: the reservation stream of a NIP is named by a keyed hash of it. */
  nipIndexKey: Buffer;
  rules: () => PersonnelRules;
  /** The org chart for the units a command names, as the store holds them now. */
  units: (unitIds: readonly string[]) => Promise<UnitDirectory>;
  /** An employee's final annual appraisals (read from the evaluation service); none when not known. */
  appraisals?: (employeeId: string) => readonly { year: number; predicate: Predicate }[];
  now: () => Date;
  /** The city's date now (the runtime's CITY_UTC_OFFSET_MINUTES): what the rules call today. */
  today: () => string;
  /** Where a load starts from (the roster read model), reading only newer events from the store. */
  cache?: EmployeeCache;
}

/** What a command needs to know of each stored event: enough to answer a retried request. */
export interface LoggedEvent {
  id: string;
  type: string;
  revision: number;
  position: number;
}

export interface LoadedEmployee {
  employeeId: string;
  state: Employee;
  /** Revision of the last event, -1 for an empty stream: the ETag. */
  revision: number;
  log: readonly LoggedEvent[];
}

/**
 * Employees already folded. A load reads only the events after the cached revision (the store stays the
 * authority: a write by another process is read like any new event), so a command on a long career costs one
 * short read instead of a replay, a decryption and a validation of every event.
 */
export interface EmployeeCache {
  get(employeeId: string): LoadedEmployee | undefined;
  set(loaded: LoadedEmployee): void;
}

export interface CommandResult {
  employeeId: string;
  revision: number;
  position: number;
  recorded: readonly { id: string; type: string }[];
}

/** Throws when the caller may not act on the employee in this state. */
export type Authorize = (state: Employee) => void;

export const employeeStreamId = (employeeId: string): string => streamId('employee', employeeId);
const nipStream = (key: Buffer, nip: string): string => streamId('nip', uuidFromKeyedHash(key, nip));


/** Loads an employee: every event, or (bitemporal "as recorded") only those recorded by `recordedBy`. */
export const loadEmployee = async (
  deps: Pick<EmployeeHandlerDeps, 'store' | 'codec' | 'cache'>,
  employeeId: string,
  options: { recordedBy?: Date } = {},
): Promise<LoadedEmployee> => {
  const stream = employeeStreamId(employeeId);
  const cached = options.recordedBy ? undefined : deps.cache?.get(employeeId);
  let state = cached?.state ?? initialState();
  let revision = cached?.revision ?? -1;
  const log: LoggedEvent[] = cached ? [...cached.log] : [];
  for await (const event of deps.store.readStream(stream, revision >= 0 ? { fromRevision: revision + 1 } : {})) {
    if (options.recordedBy && event.recordedAt > options.recordedBy) break;
    state = evolve(state, deps.codec.open(employeeId, event));
    revision = event.revision;
    log.push({ id: event.id, type: event.type, revision: event.revision, position: event.position });
  }
  const loaded = { employeeId, state, revision, log };
  if (!options.recordedBy && revision >= 0) deps.cache?.set(loaded);
  return loaded;
};

/** Every event of the employee with its data opened (personal data included): for the history. */
export const readEmployeeEvents = async (
  deps: Pick<EmployeeHandlerDeps, 'store' | 'codec'>,
  employeeId: string,
): Promise<{ recorded: RecordedEvent; event: EmployeeEvent }[]> => {
  const out: { recorded: RecordedEvent; event: EmployeeEvent }[] = [];
  for await (const recorded of deps.store.readStream(employeeStreamId(employeeId))) out.push({ recorded, event: deps.codec.open(employeeId, recorded) });
  return out;
};

/** The units a decision refers to: the ones decide will ask the directory about. */
const unitsOf = (decision: Decision | undefined, state: Employee): string[] => {
  switch (decision?.kind) {
    case 'appointment':
      return [decision.unitId];
    case 'transfer':
      return decision.toUnitId ? [decision.toUnitId] : [];
    case 'position-assignment':
      return state.career?.unitId ? [state.career.unitId] : [];
    case 'correction':
      return unitsOf(decision.replacement, state);
    default:
      return [];
  }
};

const decisionOf = (command: EmployeeCommand, state: Employee): Decision | undefined =>
  command.type === 'ProposeDecision' ? command.decision : command.type === 'ApproveDecision' ? state.proposals[command.decisionId]?.decision : undefined;

/**
 * Load → decide → append, with the stream revision as the optimistic lock. With `If-Match` the caller's
 * revision is the lock (a stale one fails); without it, a concurrent change is retried on fresh state, and
 * the rules are checked again.
 */
export const handleEmployeeCommand = async (
  deps: EmployeeHandlerDeps,
  employeeId: string,
  command: EmployeeCommand,
  actor: Actor,
  expectedRevision?: number | 'exists',
  /** Checks the caller may act on this employee (unit scope), on the state loaded for the command. */
  authorize?: Authorize,
): Promise<CommandResult> => {
  const stream = employeeStreamId(employeeId);
  for (let attempt = 1; ; attempt++) {
    const loaded = await loadEmployee(deps, employeeId);
    if (loaded.revision >= 0) authorize?.(loaded.state);
    // The same request ran before (its response was lost with a crashed process): answer what it wrote.
    const firstId = actor.idSeed ? idFor(actor, 'event-0') : undefined;
    const earlier = firstId === undefined ? -1 : loaded.log.findIndex((e) => e.id === firstId);
    if (earlier >= 0) {
      const written = loaded.log.slice(earlier).filter((e, i) => e.id === idFor(actor, `event-${i}`));
      const last = written.at(-1)!;
      return { employeeId, revision: last.revision, position: last.position, recorded: written.map((e) => ({ id: e.id, type: e.type })) };
    }
    if (loaded.revision < 0 && !(command.type === 'ProposeDecision' && command.decision.kind === 'appointment')) {
      throw new EmployeeDecisionError('not-found', 'employee-not-found', 'No such employee.');
    }
    const units = await deps.units(unitsOf(decisionOf(command, loaded.state), loaded.state));
    const rules = deps.rules();
    const appraisals = deps.appraisals?.(employeeId) ?? [];
    const events = decide(command, loaded.state, { today: deps.today(), rules, units, appraisals });
    if (events.length === 0) {
      return { employeeId, revision: loaded.revision, position: 0, recorded: [] };
    }
    if (events.some((e) => 'personal' in e.data && e.data.personal !== undefined)) deps.keys.keyFor(employeeId);
    const toAppend = events.map((event, i) => {
      const id = idFor(actor, `event-${i}`);
      return { id, ...deps.codec.seal(employeeId, stream, id, event), metadata: metadataOf(actor, event, rules.version) };
    });
    const expected = expectedRevision ?? (loaded.revision < 0 ? 'no_stream' : loaded.revision);
    try {
      const result = await deps.store.appendToStream(stream, toAppend, { expectedRevision: expected });
      return {
        employeeId,
        revision: result.nextExpectedRevision,
        position: result.position,
        recorded: toAppend.map((e) => ({ id: e.id, type: e.type })),
      };
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError && expectedRevision === undefined && attempt < 3) continue;
      throw error;
    }
  }
};

/** The actor, the request and, for a decision, its decree and the version of the rules it was checked against. */
export const metadataOf = (actor: Actor, event: EmployeeEvent, rulesVersion: string): EventMetadata => {
  const decree = 'decree' in event.data ? (event.data.decree) : undefined;
  return {
    actor: { subject: actor.subject, role: actor.role },
    correlationId: actor.correlationId,
    ...(decree
      ? {
          decree: {
            skNumber: decree.skNumber,
            skDate: decree.skDate,
            tmt: decree.tmt,
            signedBy: decree.signedBy,
            legalBasis: decree.legalBasis,
          },
          rulesVersion,
        }
      : {}),
  };
};

// ---------------------------------------------------------------------------------------------------
// NIP uniqueness: one reservation stream per NIP, named by a keyed hash, appended with `no_stream`, so the
// store itself lets exactly one of two concurrent registrations through.

export class NipTakenError extends EmployeeDecisionError {
  constructor() {
    super('refused', 'nip-registered', 'This NIP is already registered to another employee.');
  }
}

/** The employee holding the NIP, if any, with the reservation stream's revision. */
interface NipHolder {
  employeeId: string;
  revision: number;
  reservedAt: Date;
}

const nipHolder = async (store: EventStore, stream: string): Promise<NipHolder | undefined> => {
  let holder: NipHolder | undefined;
  for await (const event of store.readStream(stream, { direction: 'backwards', maxCount: 1 })) {
    holder = { employeeId: (event.data as { employeeId: string }).employeeId, revision: event.revision, reservedAt: event.recordedAt };
  }
  return holder;
};

/**
 * How long a reservation whose proposal was never written (the process died between the two appends)
 * blocks the NIP. Within it, the holder is taken to be writing its proposal right now.
 */
const ABANDONED_RESERVATION_MS = 60_000;

/** Whether the employee's record, or one of their pending proposals, carries the NIP. */
const carriesNip = (state: Employee, nip: string): boolean => {
  const carries = (personal: Personal | undefined) => personal !== undefined && personal !== 'erased' && personal.nip === nip;
  if (state.career && carries(state.personal)) return true;
  return Object.values(state.proposals).some((p) => p.status === 'pending' && carries(p.personal));
};

/**
 * A holder keeps a NIP while its record or a pending proposal carries it, and forever once erased (a NIP is
 * never reused). A fresh reservation is held whatever the holder's record says: its proposal may be being
 * written right now. A rejected proposal, a corrected NIP or an abandoned reservation releases it.
 */
const holdsNip = async (deps: Pick<EmployeeHandlerDeps, 'store' | 'codec' | 'now'>, holder: NipHolder, nip: string): Promise<boolean> => {
  const { state } = await loadEmployee(deps, holder.employeeId);
  if (state.erased || carriesNip(state, nip)) return true;
  const proposed = Object.values(state.proposals).some((p) => p.personal !== undefined && p.personal !== 'erased' && p.personal.nip === nip);
  // No proposal with this NIP yet: the reservation's proposal may be being written right now.
  return !proposed && deps.now().getTime() - holder.reservedAt.getTime() < ABANDONED_RESERVATION_MS;
};

/** Reserves the NIP for the employee; idempotent for the same employee; NipTakenError when another holds it. */
export const reserveNip = async (
  deps: Pick<EmployeeHandlerDeps, 'store' | 'codec' | 'nipIndexKey' | 'now'>,
  nip: string,
  employeeId: string,
  actor: Actor,
): Promise<void> => {
  const stream = nipStream(deps.nipIndexKey, nip);
  for (let attempt = 1; attempt <= 3; attempt++) {
    const holder = await nipHolder(deps.store, stream);
    if (holder?.employeeId === employeeId) return;
    if (holder && (await holdsNip(deps, holder, nip))) throw new NipTakenError();
    try {
      await deps.store.appendToStream(
        stream,
        [{ id: idFor(actor, `nip-reservation-${attempt}`), type: 'NipReserved', data: { employeeId }, metadata: { actor: { subject: actor.subject, role: actor.role }, correlationId: actor.correlationId } }],
        { expectedRevision: holder ? holder.revision : 'no_stream' },
      );
      return;
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
    }
  }
  throw new NipTakenError();
};

/** The employee a NIP belongs to, through the keyed-hash index, read from the store; undefined when none (or erased). */
export const employeeIdByNip = async (
  deps: Pick<EmployeeHandlerDeps, 'store' | 'codec' | 'nipIndexKey'>,
  nip: string,
): Promise<{ employeeId: string; state: Employee } | undefined> => {
  const holder = await nipHolder(deps.store, nipStream(deps.nipIndexKey, nip));
  if (!holder) return undefined;
  const { state } = await loadEmployee(deps, holder.employeeId);
  if (state.erased || !carriesNip(state, nip)) return undefined;
  return { employeeId: holder.employeeId, state };
};

// ---------------------------------------------------------------------------------------------------
// The commands as the HTTP edge calls them

/** Proposes the appointment of a new employee: reserves the NIP, then records the proposal. */
export const proposeAppointment = async (
  deps: EmployeeHandlerDeps,
  input: { decision: Extract<Decision, { kind: 'appointment' }>; decree: Decree; personal: PersonalData },
  actor: Actor,
): Promise<CommandResult & { decisionId: string }> => {
  const employeeId = idFor(actor, 'employee');
  const decisionId = idFor(actor, 'decision');
  const command: EmployeeCommand = { type: 'ProposeDecision', decisionId, proposedBy: actor.subject, ...input };
  // Decide once before reserving, so that an invalid proposal does not reserve the NIP.
  decide(command, initialState(), { today: deps.today(), rules: deps.rules(), units: await deps.units([input.decision.unitId]) });
  await reserveNip(deps, input.personal.nip, employeeId, actor);
  const result = await handleEmployeeCommand(deps, employeeId, command, actor);
  return { ...result, decisionId };
};

/** Proposes a decision about an existing employee; a personal-data correction with a new NIP reserves it first. */
export const proposeDecision = async (
  deps: EmployeeHandlerDeps,
  employeeId: string,
  input: { decision: Decision; decree: Decree; personal?: PersonalData },
  actor: Actor,
  expectedRevision?: number | 'exists',
  authorize?: Authorize,
): Promise<CommandResult & { decisionId: string }> => {
  if (input.decision.kind === 'appointment') {
    throw new EmployeeDecisionError('invalid', 'use-appointment', 'An appointment creates a new employee: POST /v1/employees.');
  }
  const decisionId = idFor(actor, 'decision');
  const command: EmployeeCommand = { type: 'ProposeDecision', decisionId, proposedBy: actor.subject, ...input };
  if (input.personal) {
    const loaded = await loadEmployee(deps, employeeId);
    if (loaded.revision < 0) throw new EmployeeDecisionError('not-found', 'employee-not-found', 'No such employee.');
    authorize?.(loaded.state);
    // A stale If-Match must change nothing, not even the reservation of a new NIP.
    if (typeof expectedRevision === 'number' && expectedRevision !== loaded.revision) {
      throw new WrongExpectedRevisionError(employeeStreamId(employeeId), expectedRevision, loaded.revision < 0 ? 'no_stream' : loaded.revision);
    }
    decide(command, loaded.state, { today: deps.today(), rules: deps.rules(), units: await deps.units(unitsOf(input.decision, loaded.state)) });
    const current = loaded.state.personal;
    if (current === undefined || current === 'erased' || current.nip !== input.personal.nip) {
      await reserveNip(deps, input.personal.nip, employeeId, actor);
    }
  }
  const result = await handleEmployeeCommand(deps, employeeId, command, actor, expectedRevision, authorize);
  return { ...result, decisionId };
};

/**
 * Erases the employee's personal data: records the erasure, then deletes the key. A retry after a crash
 * between the two finds the erasure recorded and deletes the key then.
 */
export const erasePersonalData = async (
  deps: EmployeeHandlerDeps,
  employeeId: string,
  reason: string,
  actor: Actor,
): Promise<CommandResult> => {
  const result = await handleEmployeeCommand(deps, employeeId, { type: 'ErasePersonalData', erasedBy: actor.subject, reason }, actor);
  deps.keys.erase(employeeId);
  return result;
};
