import type { Bus, Consumer, DecodedEvent } from '@asn/bus';
import { type EvaluationEvents, evaluationEventRegistry, parseStreamId, Topics, trainingEventRegistry, type EventData } from '@asn/contracts';
import { derivedId } from '@asn/event-store';
import { personnelTopicRegistry } from '@asn/org-chart';
import { project } from '@asn/runtime';
import type { Logger } from '@asn/service-kit';
import { placeNeed, placeOpenNeeds, SERVICE_ACTOR, type PlacementDeps } from '../needs/placement';
import { ProgrammeDecisionError } from '../programmes/programme.domain';
import { handleProgrammeCommand, today } from '../programmes/programme.handlers';
import type { NeedRow } from '../readModel';

export const CONSUMER_GROUP = 'training';

export interface TrainingConsumer {
  readonly consumer: Consumer;
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
 * One consumer group over the three topics the service needs, so that they are handled one at a time in the
 * bus's order: the org chart (asn.personnel.v1), training needs (asn.evaluation.v1) and the service's own
 * events (asn.training.v1) for its read models.
 *
 * Reactions that append run before the inbox records the event, with event ids derived from the triggering
 * event's id: a need is placed (or a programme just scheduled takes the open needs) before the event is
 * applied. Who left is only known once the org chart applied the event, so that reaction is recorded as a
 * pending row in the same transaction as the inbox (it cannot be lost) and carried out right after.
 */
export const startTrainingConsumer = async (deps: PlacementDeps & { bus: Bus; logger: Logger }): Promise<TrainingConsumer> => {
  const { readModel } = deps;
  let stopped = false;
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
          if (outcome.events.length > 0) deps.logger.info({ programmeId, cancelled: outcome.events.length }, 'leaver withdrawn from a programme');
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
        deps.logger.error({ err: error }, 'withdrawing leavers failed; retrying');
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

  const react = async (event: DecodedEvent): Promise<void> => {
    const { category, id } = parseStreamId(event.subject);
    if (category === 'evaluation' && event.eventType === 'TrainingNeedIdentified') {
      const need = needOf(event);
      // Someone who has left is not enrolled; the need stays on record (and open) for the audit trail.
      if (readModel.orgChart.employeeOn(need.employeeId, today(deps.now))?.status === 'left') return;
      await placeNeed(deps, need);
    } else if (category === 'programme' && event.eventType === 'ProgrammeScheduled') {
      await placeOpenNeeds(deps, id);
    }
  };

  const apply = (event: DecodedEvent): void => {
    const { category } = parseStreamId(event.subject);
    if (category === 'employee' || category === 'unit') {
      const change = readModel.orgChart.apply(event);
      if (change?.kind === 'employee-left') {
        readModel.addPendingLeaver({ triggerEventId: event.id, employeeId: change.employeeId, tmt: change.tmt });
        // After this transaction commits: the handler returns first, then the reaction runs.
        setImmediate(() => void drain());
      }
    } else if (category === 'evaluation') {
      if (event.eventType === 'TrainingNeedIdentified') readModel.recordNeed(needOf(event));
    } else {
      readModel.applyTraining(event);
    }
  };

  const consumer = await project({
    bus: deps.bus,
    group: CONSUMER_GROUP,
    topics: [Topics.personnel, Topics.evaluation, Topics.training],
    registry: [personnelTopicRegistry, evaluationEventRegistry, trainingEventRegistry],
    db: readModel.db,
    react,
    apply,
  });
  // Reactions left pending by a stop or crash.
  void drain();
  return {
    consumer,
    settled: async () => {
      while (draining || readModel.pendingLeavers().length > 0) await (draining ?? drain());
    },
    stop: async () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      await consumer.stop();
      await draining;
    },
  };
};
