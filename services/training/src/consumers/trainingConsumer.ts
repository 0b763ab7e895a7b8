import { decodeWith, type Bus, type Consumer, type DecodedEvent } from '@asn/bus';
import { type EvaluationEvents, evaluationEventRegistry, parseStreamId, Topics, toCloudEvent, trainingEventRegistry, type EventData } from '@asn/contracts';
import { derivedId, sleep, type RecordedEvent } from '@asn/event-store';
import { personnelTopicRegistry } from '@asn/org-chart';
import { project } from '@asn/runtime';
import type { Logger } from '@asn/service-kit';
import { employmentOf } from '../employees/employment';
import { placeNeed, placeOpenNeeds, SERVICE_ACTOR, type PlacementDeps } from '../needs/placement';
import { lostOnLeaving, ProgrammeDecisionError } from '../programmes/programme.domain';
import { handleProgrammeCommand } from '../programmes/programme.handlers';
import { INBOX, type NeedRow } from '../readModel';

/** The bus's consumer group, also the inbox's name (`project`), which the own events share. */
export const CONSUMER_GROUP = INBOX;

/** The service's own category: read from its own store, not from the bus. */
export const OWN_CATEGORY = 'programme';
const OWN_CHECKPOINT = `own:${OWN_CATEGORY}`;

/** A part of the consumer that can be held back (tests use it to choose which side is handled first). */
export interface Pausable {
  pause(): void;
  resume(): void;
}

export interface TrainingConsumer {
  /** Both parts as one: caught up once both are, paused, resumed and stopped together. */
  readonly consumer: Consumer;
  /** The bus part: asn.personnel.v1 (org chart) and asn.evaluation.v1 (training needs). */
  readonly others: Consumer;
  /** The part that reads the service's own `programme` events from the store. */
  readonly own: Pausable;
  /** Resolves once no leaver reaction is pending or running. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

type NeedData = EventData<typeof EvaluationEvents.TrainingNeedIdentified>;

const needOf = (event: DecodedEvent): Omit<NeedRow, 'status'> => {
  const data = event.data as NeedData;
  return {
    needId: data.needId,
    needEventId: event.id,
    appraisalId: parseStreamId(event.subject).id,
    employeeId: data.employeeId,
    unitId: data.unitId,
    competencyArea: data.competencyArea,
    period: data.period,
    source: data.source,
    ...(data.predicate ? { predicate: data.predicate } : {}),
    identifiedOn: event.time.slice(0, 10),
  };
};

/**
 * Feeds the read model and runs the service's reactions, one event at a time:
 * - the org chart (asn.personnel.v1) and training needs (asn.evaluation.v1) from the bus, one consumer group;
 * - the service's own events (`programme` streams) straight from its own store, as personnel's roster and
 *   evaluation's appraisal index do: on Kafka they would otherwise reach the read model only after a round
 *   trip through the relay and the broker. Their checkpoint is kept in the read model's file.
 *
 * Both parts go through one queue, so that a handler (its reaction and its transaction) never overlaps
 * another. The placement relies on that: a need's reaction looks for programmes in the read model and a
 * newly scheduled programme's reaction looks for open needs there; handled one after the other, the later
 * of the two always sees the earlier, whichever part delivers first. Every stream still arrives in order
 * (the bus per key, the store in its global order) and is applied once through the same inbox.
 *
 * Reactions that append run before the inbox records the event, with event ids derived from the triggering
 * event's id: a need is placed (or a programme just scheduled takes the open needs) before the event is
 * applied. Who left is only known once the org chart applied the event, so that reaction is recorded as a
 * pending row in the same transaction as the inbox (it cannot be lost) and carried out right after.
 *
 * An enrolment committed after a leaving but before this consumer handled it (the officer's request or a
 * placement read an org chart that was behind) is caught here, whatever order the two arrive in: when the
 * leaving is applied first, the enrolment's own event finds the org chart saying the employee left and
 * records a pending withdrawal, triggered by the enrolment event; when the enrolment is applied first, the
 * withdrawal triggered by the leaving finds it in the read model. Both are rows written in the transaction
 * that applies the event, so neither order nor a crash lets the enrolment escape. (Refusing at the request
 * instead cannot be made exact: on Kafka the leaving may still be in the broker when the request runs.)
 */
export const startTrainingConsumer = async (deps: PlacementDeps & { bus: Bus; logger: Logger }): Promise<TrainingConsumer> => {
  const { readModel, logger } = deps;
  let stopped = false;
  const stopping = new AbortController();
  let draining: Promise<void> | undefined;
  let retry: NodeJS.Timeout | undefined;

  const withdraw = async (): Promise<void> => {
    for (const leaver of readModel.pendingLeavers()) {
      const programmes = new Set(
        readModel
          .enrollmentsOf(leaver.employeeId)
          .filter((e) => e.status === 'enrolled' || e.status === 'waitlisted')
          .map((e) => e.programmeId),
      );
      for (const programmeId of programmes) {
        try {
          const outcome = await handleProgrammeCommand(
            deps,
            programmeId,
            { type: 'WithdrawLeaver', employeeId: leaver.employeeId, tmt: leaver.tmt, cancelledBy: SERVICE_ACTOR.subject },
            { actor: SERVICE_ACTOR, causationId: leaver.triggerEventId, eventId: (i) => derivedId(leaver.triggerEventId, `left:${programmeId}:${i}`) },
          );
          if (outcome.events.length > 0) logger.info({ programmeId, cancelled: outcome.events.length }, 'leaver withdrawn from a programme');
        } catch (error) {
          if (!(error instanceof ProgrammeDecisionError)) throw error;
        }
      }
      readModel.removePendingLeaver(leaver.triggerEventId);
    }
  };

  const drain = (): Promise<void> => {
    draining ??= withdraw()
      .catch((error: unknown) => {
        logger.error({ err: error }, 'withdrawing leavers failed; retrying');
        if (!stopped)
          retry = setTimeout(() => {
            retry = undefined;
            void drain();
          }, 1_000);
      })
      .finally(() => {
        draining = undefined;
        if (!stopped && readModel.pendingLeavers().length > 0 && retry === undefined) queueMicrotask(() => void drain());
      });
    return draining;
  };

  // One handler at a time, from either part (see above).
  let queue: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(run: () => Promise<T>): Promise<T> => {
    const next = queue.then(run, run);
    queue = next.catch(() => undefined);
    return next;
  };

  const leavingOf = (employeeId: string) => employmentOf(readModel.orgChart, employeeId, deps.today());

  const react = async (event: DecodedEvent): Promise<void> => {
    const { category, id } = parseStreamId(event.subject);
    if (category === 'evaluation' && event.eventType === 'TrainingNeedIdentified') {
      const need = needOf(event);
      // Someone whose leaving is recorded is not placed: `apply` closes the need.
      if (leavingOf(need.employeeId).leavesOn !== undefined) return;
      await placeNeed(deps, need);
    } else if (category === OWN_CATEGORY && event.eventType === 'ProgrammeScheduled') {
      await placeOpenNeeds(deps, id);
    }
  };

  const apply = (event: DecodedEvent): void => {
    const { category, id } = parseStreamId(event.subject);
    if (category === 'employee' || category === 'unit') {
      const change = readModel.orgChart.apply(event);
      if (change?.kind === 'employee-left') {
        // Needs still waiting for a programme are closed with the reason; enrolments are withdrawn below.
        readModel.closeOpenNeedsOf(change.employeeId, { reason: 'employee-left', leftOn: change.tmt, leftBy: change.by, triggerEventId: event.id });
        readModel.addPendingLeaver({ triggerEventId: event.id, employeeId: change.employeeId, tmt: change.tmt });
        // After this transaction commits: the handler returns first, then the reaction runs.
        setImmediate(() => void drain());
      }
    } else if (category === 'evaluation') {
      if (event.eventType === 'TrainingNeedIdentified') {
        const need = needOf(event);
        readModel.recordNeed(need);
        // A need that arrives after its employee's leaving is closed at once.
        const leaving = leavingOf(need.employeeId);
        if (leaving.leavesOn !== undefined && leaving.leftBy !== undefined) {
          readModel.closeOpenNeedsOf(need.employeeId, { reason: 'employee-left', leftOn: leaving.leavesOn, leftBy: leaving.leftBy, triggerEventId: event.id });
        }
      }
    } else {
      readModel.applyTraining(event);
      if (event.eventType === 'ParticipantEnrolled' || event.eventType === 'ParticipantWaitlisted') {
        // The leaving may have been applied before this enrolment (see above): withdraw it now.
        const { employeeId } = event.data as { employeeId: string };
        const { leavesOn } = leavingOf(employeeId);
        const programme = readModel.programme(id);
        const status = event.eventType === 'ParticipantEnrolled' ? 'enrolled' : 'waitlisted';
        if (leavesOn !== undefined && programme && lostOnLeaving(status, programme.startsOn, leavesOn)) {
          readModel.addPendingLeaver({ triggerEventId: event.id, employeeId, tmt: leavesOn });
          setImmediate(() => void drain());
        }
      }
    }
  };

  const others = await project({
    // The bus's handler, queued with the own events' handler.
    bus: {
      subscribe: (options) =>
        deps.bus.subscribe({
          ...options,
          handle: (event, context) =>
            oneAtATime(async () => {
              await options.handle(event, context);
            }),
        }),
      close: () => deps.bus.close(),
    },
    group: CONSUMER_GROUP,
    topics: [Topics.personnel, Topics.evaluation],
    registry: [personnelTopicRegistry, evaluationEventRegistry],
    db: readModel.db,
    react,
    apply,
  });

  // The own events, as `project` handles the bus's: react unless already applied, then apply through the inbox.
  const handleOwn = decodeWith(trainingEventRegistry, async (event) => {
    const applied = readModel.inbox.revisionOf(event.subject);
    if (applied === undefined || event.streamrevision > applied) await react(event);
    readModel.inbox.apply(event, () => apply(event));
  });
  let held: { promise: Promise<void>; release: () => void } | undefined;
  const own = deps.store.subscribe({
    categories: [OWN_CATEGORY],
    checkpoint: readModel.checkpoint(OWN_CHECKPOINT),
    handle: async (recorded: RecordedEvent) => {
      for (let attempt = 0; ; attempt += 1) {
        while (held && !stopped) await held.promise;
        if (stopped) throw new Error('the training consumer stopped');
        try {
          await oneAtATime(async () => {
            await handleOwn(toCloudEvent(recorded), { group: CONSUMER_GROUP, topic: Topics.training, attempt });
          });
          return;
        } catch (error) {
          // The service's own events were written by its own decider: a failure is the database's (busy, full)
          // or a bug, not the event's. Skipping it would leave a hole that every later event of the stream
          // would be refused for, so it is retried, and logged, until it passes or the service stops.
          logger.error(
            { position: recorded.position, type: recorded.type, attempt, err: error instanceof Error ? error.name : 'unknown', reason: error instanceof Error ? error.message : undefined },
            'applying an own event failed; retrying',
          );
          await sleep(Math.min(100 * 2 ** attempt, 10_000), stopping.signal);
        }
      }
    },
  });
  own.done.catch((error: unknown) => {
    if (!stopped) logger.error({ err: error instanceof Error ? error.message : 'unknown' }, 'the subscription to the own events failed');
  });
  const ownPart: Pausable = {
    pause: () => {
      if (held) return;
      let release!: () => void;
      const promise = new Promise<void>((resolve) => (release = resolve));
      held = { promise, release };
    },
    resume: () => {
      held?.release();
      held = undefined;
    },
  };

  const stop = async (): Promise<void> => {
    stopped = true;
    stopping.abort();
    ownPart.resume();
    if (retry) clearTimeout(retry);
    await others.stop();
    await own.stop();
    await draining;
  };

  const consumer: Consumer = {
    caughtUp: Promise.all([others.caughtUp, own.caughtUp]).then(() => undefined),
    pause: () => {
      others.pause();
      ownPart.pause();
    },
    resume: () => {
      others.resume();
      ownPart.resume();
    },
    stop,
  };

  // Reactions left pending by a stop or crash.
  void drain();
  return {
    consumer,
    others,
    own: ownPart,
    settled: async () => {
      while (draining || readModel.pendingLeavers().length > 0) await (draining ?? drain());
    },
    stop,
  };
};
