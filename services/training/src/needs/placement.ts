import { DuplicateEventIdError, derivedId } from '@asn/event-store';
import type { Logger } from '@asn/service-kit';
import { employmentOf } from '../employees/employment';
import { activeEnrollmentOf, ProgrammeDecisionError, seatsLeft, type Programme } from '../programmes/programme.domain';
import { handleProgrammeCommand, loadProgramme, type ProgrammeHandlerDeps } from '../programmes/programme.handlers';
import type { NeedRow, TrainingReadModel } from '../readModel';

/** The actor recorded on what the service writes by itself. */
export const SERVICE_ACTOR = { subject: 'training', role: 'service' } as const;

/** The enrolment a training need leads to: one id per need, whichever programme it ends up in. */
export const needEnrollmentId = (needId: string): string => derivedId(needId, 'enrollment');
/** The id of that enrolment's event: the same in every programme, so the store refuses a second one anywhere. */
export const needEnrollmentEventId = (needEventId: string): string => derivedId(needEventId, 'enrollment-event');

export interface Candidate {
  programmeId: string;
  state: Programme;
}

/**
 * Where a need goes: among programmes of its area, not cancelled, starting after `day`, not already
 * holding the employee and on whose first day the employee is still in service (`activeOn`, from the org
 * chart), the earliest with a free seat, else the earliest (its waitlist). Candidates come in start order.
 */
export const choosePlacement = (
  candidates: readonly Candidate[],
  employeeId: string,
  day: string,
  activeOn: (day: string) => boolean = () => true,
): { programmeId: string; seat: boolean } | undefined => {
  const open = candidates.filter(
    (c) =>
      c.state.status === 'scheduled' &&
      c.state.details.startsOn > day &&
      activeOn(c.state.details.startsOn) &&
      activeEnrollmentOf(c.state, employeeId) === undefined,
  );
  const withSeat = open.find((c) => c.state.status === 'scheduled' && seatsLeft(c.state) > 0);
  if (withSeat) return { programmeId: withSeat.programmeId, seat: true };
  const first = open[0];
  return first && { programmeId: first.programmeId, seat: false };
};

export type PlacementOutcome = 'enrolled' | 'waitlisted' | 'already-placed' | 'no-programme' | 'not-active';

export interface PlacementDeps extends ProgrammeHandlerDeps {
  readModel: TrainingReadModel;
  logger: Logger;
}

const startOrder = (a: Candidate, b: Candidate): number => {
  const as = a.state.status === 'unscheduled' ? '' : a.state.details.startsOn;
  const bs = b.state.status === 'unscheduled' ? '' : b.state.details.startsOn;
  return as < bs ? -1 : as > bs ? 1 : a.programmeId < b.programmeId ? -1 : 1;
};

/**
 * Enrols a training need into a matching programme, idempotently: the enrolment id derives from the need id
 * and its event id from the need event's id, so whatever is redelivered or raced (the need consumer and the
 * scheduling of a programme), the store holds at most one enrolment per need. `also` adds programmes the
 * read model may not show yet (one just scheduled).
 */
export const placeNeed = async (deps: PlacementDeps, need: Omit<NeedRow, 'status'>, also: readonly string[] = []): Promise<PlacementOutcome> => {
  const known = deps.readModel.need(need.needId);
  if (known && known.status !== 'open') return 'already-placed';
  // The need's day is the day it is handled (the injected clock): a programme must start after it.
  const day = deps.today();
  // Only someone in service today, and on the programme's first day, is placed: the org chart says so. The
  // same facts go into the command, so the decider refuses what the choice below should never pick.
  const employment = employmentOf(deps.readModel.orgChart, need.employeeId, day);
  if (!employment.activeToday) return 'not-active';
  const ids = [...new Set([...deps.readModel.candidateProgrammes(need.competencyArea, day), ...also])];
  const candidates: Candidate[] = [];
  for (const programmeId of ids) {
    const { state } = await loadProgramme(deps.store, programmeId);
    if (state.status === 'scheduled' && state.details.competencyArea === need.competencyArea) candidates.push({ programmeId, state });
  }
  candidates.sort(startOrder);
  const eventId = needEnrollmentEventId(need.needEventId);
  // Each refusal (a seat taken meanwhile is not one: the handler retries on fresh state) removes a candidate.
  while (candidates.length > 0) {
    const choice = choosePlacement(candidates, need.employeeId, day, employment.activeOn);
    if (!choice) return 'no-programme';
    try {
      const outcome = await handleProgrammeCommand(
        deps,
        choice.programmeId,
        {
          type: 'EnrollParticipant',
          enrollmentId: needEnrollmentId(need.needId),
          employeeId: need.employeeId,
          basis: {
            kind: 'training-need',
            needId: need.needId,
            appraisalId: need.appraisalId,
            period: need.period,
            source: need.source,
            ...(need.predicate ? { predicate: need.predicate } : {}),
          },
          employeeActive: employment.activeToday,
          ...(employment.leavesOn === undefined ? {} : { employeeLeavesOn: employment.leavesOn }),
        },
        { actor: SERVICE_ACTOR, causationId: need.needEventId, eventId: () => eventId },
      );
      if (outcome.replayed) return 'already-placed';
      const written = outcome.events[0];
      deps.logger.info({ needId: need.needId, programmeId: choice.programmeId, outcome: written?.type }, 'training need placed');
      return written?.type === 'ParticipantWaitlisted' ? 'waitlisted' : 'enrolled';
    } catch (error) {
      if (error instanceof DuplicateEventIdError) return 'already-placed';
      if (error instanceof ProgrammeDecisionError) {
        const index = candidates.findIndex((c) => c.programmeId === choice.programmeId);
        candidates.splice(index, 1);
        continue;
      }
      throw error;
    }
  }
  return 'no-programme';
};

/** Places the open needs of the programme's area (after it was scheduled), oldest need first. */
export const placeOpenNeeds = async (deps: PlacementDeps, programmeId: string): Promise<number> => {
  const { state } = await loadProgramme(deps.store, programmeId);
  if (state.status !== 'scheduled') return 0;
  let placed = 0;
  for (let offset = 0; ; offset += 500) {
    const page = deps.readModel.needs({ status: 'open', area: state.details.competencyArea, limit: 500, offset });
    for (const need of page) {
      const outcome = await placeNeed(deps, need, [programmeId]);
      if (outcome === 'enrolled' || outcome === 'waitlisted') placed += 1;
    }
    if (page.length < 500) return placed;
  }
};
