import { periodBounds, type AppraisalPeriod, type CompetencyArea, type EvaluationEventData, type FeedbackCategory, type Predicate, type Rating, type SealedValue } from '@asn/contracts';
import { predicateOf, type EvaluationRules } from '../rules/rules';
import { distributionOf } from './distribution';

/** The events of one appraisal stream (`evaluation-<appraisalId>`). */
export type AppraisalEvent = Exclude<EvaluationEventData, { type: 'UnitRated' }>;

export type AppraisalStatus = 'none' | 'draft' | 'submitted' | 'reviewed' | 'final' | 'closed';

export interface AspectRatings {
  competence: Rating;
  discipline: Rating;
  integrity: Rating;
}

/** The evaluator's free-text notes about the employee: personal data, sealed in events. */
export interface RatingNotes {
  competence?: string;
  discipline?: string;
  integrity?: string;
  gaps?: string;
}

export interface Ratings {
  results: Rating;
  behaviour: Rating;
  aspects: AspectRatings;
  competencyGaps: readonly CompetencyArea[];
}

export interface Appraisal {
  status: AppraisalStatus;
  employeeId?: string;
  unitId?: string;
  period?: AppraisalPeriod;
  evaluatorId?: string;
  /** Set on submission: the evaluator's own supervisor. */
  reviewerId?: string;
  ratings?: Ratings;
  /** Of the current ratings (set on submission, finalisation and an upheld objection). */
  predicate?: Predicate;
  finalisedOn?: string;
  objectionUntil?: string;
  objection: 'none' | 'filed' | 'decided';
  objectionOutcome?: 'upheld' | 'rejected';
  distributionWarning?: string;
  /** Tickets of substantiated complaints noted on this appraisal. */
  complaints: string[];
  /** Areas whose training need was published: never twice. */
  trainingNeedAreas: CompetencyArea[];
  closedOn?: string;
  events: number;
}

export const initialAppraisal = (): Appraisal => ({ status: 'none', objection: 'none', complaints: [], trainingNeedAreas: [], events: 0 });

export type AppraisalCommand =
  | {
      type: 'OpenAppraisal';
      employeeId: string;
      period: AppraisalPeriod;
      openedBy: string;
      /**
       * The org chart as of min(period end, today): the employee's standing, unit and direct supervisor; and
       * the TMT of a leaving already decided that takes effect by the period's end (possibly still ahead).
       */
      org: { active: boolean; unitId?: string; supervisorId?: string; leavesOn?: string };
    }
  | ({ type: 'RateAppraisal'; by: string; notes?: RatingNotes } & Ratings)
  | { type: 'SubmitAppraisal'; by: string; /** The evaluator's supervisor per org chart, if any. */ reviewerId?: string }
  | { type: 'ReturnAppraisal'; by: string; note?: string }
  | { type: 'ReviewAppraisal'; by: string }
  | {
      type: 'FinaliseAppraisal';
      by: string;
      on: string;
      /** Predicates of the unit's other final appraisals of the same period. */
      unitPredicates: readonly Predicate[];
      /** The unit's own rating for the period's year, when set. */
      unitRating?: Predicate;
    }
  | { type: 'FileObjection'; by: string; on: string; reason: string }
  | { type: 'DecideObjection'; by: string; outcome: 'upheld' | 'rejected'; results?: Rating; behaviour?: Rating; note?: string }
  /** The employee left (or will leave) on the TMT. */
  | { type: 'CloseAppraisal'; tmt: string }
  | { type: 'NoteComplaint'; ticketId: string; category: FeedbackCategory; substantiatedOn: string };

/** What decide needs besides the state: the rules, the sealing of notes (the employee's key) and the need ids. */
export interface AppraisalContext {
  rules: EvaluationRules;
  /** Seals a note with the employee's key; pure as far as decide is concerned. */
  seal: (value: unknown) => SealedValue;
  /** The id of the appraisal's training need in an area (derived from the appraisal id and the area). */
  needIdOf: (area: CompetencyArea) => string;
}

export type RefusalKind = 'refused' | 'conflict' | 'forbidden' | 'not-found';

/** A command the appraisal does not accept; `code` names the rule. */
export class AppraisalDecisionError extends Error {
  override readonly name = 'AppraisalDecisionError';
  constructor(
    readonly kind: RefusalKind,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const fail = (kind: RefusalKind, code: string, message: string): never => {
  throw new AppraisalDecisionError(kind, code, message);
};

const OPEN: readonly AppraisalStatus[] = ['draft', 'submitted', 'reviewed'];

/** Whether the appraisal is still open (not final, not closed). */
export const isOpen = (state: Appraisal): boolean => OPEN.includes(state.status);

const requireExisting = (state: Appraisal): void => {
  if (state.status === 'none') fail('not-found', 'appraisal-not-found', 'No such appraisal.');
  if (state.status === 'closed') fail('conflict', 'appraisal-closed', 'The appraisal was closed: the employee left.');
};

const requireStatus = (state: Appraisal, status: AppraisalStatus, code: string, message: string): void => {
  requireExisting(state);
  if (state.status !== status) fail('conflict', code, message);
};

const requireEvaluator = (state: Appraisal, by: string): void => {
  if (by !== state.evaluatorId) fail('forbidden', 'not-the-evaluator', "Only the appraisal's evaluator may do this.");
};

const requireReviewer = (state: Appraisal, by: string): void => {
  if (by !== state.reviewerId) fail('forbidden', 'not-the-reviewer', "Only the appraisal's reviewer may do this.");
};

const addDays = (date: string, days: number): string => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

/** Whether a leaving on `tmt` ends the employee's service before the period does (the period contains or follows the TMT). */
const leavesWithin = (period: AppraisalPeriod, tmt: string): boolean => tmt <= periodBounds(period).to;

const hasNotes = (notes: RatingNotes | undefined): notes is RatingNotes =>
  notes !== undefined && Object.values(notes).some((note) => note !== undefined);

/**
 * The training needs that ratings call for, one per area not yet published: a poor predicate calls for the
 * area of each rating that is below expectations, a recorded competency gap for its own area.
 */
const trainingNeeds = (state: Appraisal, ratings: Pick<Ratings, 'results' | 'behaviour' | 'competencyGaps'>, predicate: Predicate, context: AppraisalContext): AppraisalEvent[] => {
  const { rules } = context;
  const wanted = new Map<CompetencyArea, 'predicate' | 'competency-gap'>();
  if (rules.trainingNeeds.poorPredicates.includes(predicate)) {
    if (ratings.results === 'below') wanted.set(rules.trainingNeeds.areaForBelow.results, 'predicate');
    if (ratings.behaviour === 'below' && !wanted.has(rules.trainingNeeds.areaForBelow.behaviour)) wanted.set(rules.trainingNeeds.areaForBelow.behaviour, 'predicate');
  }
  for (const area of ratings.competencyGaps) if (!wanted.has(area)) wanted.set(area, 'competency-gap');
  const { employeeId, unitId, period } = state;
  if (employeeId === undefined || unitId === undefined || period === undefined) return [];
  return [...wanted]
    .filter(([area]) => !state.trainingNeedAreas.includes(area))
    .map(([area, source]) => ({
      type: 'TrainingNeedIdentified',
      data: { needId: context.needIdOf(area), employeeId, unitId, period, competencyArea: area, source, ...(source === 'predicate' ? { predicate } : {}) },
    }));
};

export const decide = (command: AppraisalCommand, state: Appraisal, context: AppraisalContext): AppraisalEvent[] => {
  switch (command.type) {
    case 'OpenAppraisal': {
      // Opening twice is the same appraisal (its id derives from employee and period): nothing new.
      if (state.status !== 'none') return [];
      const { org } = command;
      if (!org.active || org.unitId === undefined) {
        return fail('refused', 'employee-not-active', 'Only employees active on the appraisal date are appraised.');
      }
      if (org.leavesOn !== undefined && leavesWithin(command.period, org.leavesOn)) {
        return fail('refused', 'employee-leaving', `The employee leaves on ${org.leavesOn}, before the period ends: its appraisal would be closed.`);
      }
      if (org.supervisorId === undefined) {
        return fail('refused', 'no-supervisor', 'The employee has no direct supervisor in the org chart on the appraisal date.');
      }
      return [
        {
          type: 'AppraisalOpened',
          data: { employeeId: command.employeeId, unitId: org.unitId, period: command.period, evaluatorId: org.supervisorId, openedBy: command.openedBy },
        },
      ];
    }
    case 'RateAppraisal': {
      requireExisting(state);
      requireEvaluator(state, command.by);
      if (state.status !== 'draft') fail('conflict', 'not-draft', 'Ratings change only while the appraisal is a draft.');
      const { results, behaviour, aspects, competencyGaps, notes } = command;
      return [
        {
          type: 'AppraisalRated',
          data: { results, behaviour, aspects: { ...aspects }, competencyGaps: [...competencyGaps], ...(hasNotes(notes) ? { notes: context.seal(notes) } : {}), ratedBy: command.by },
        },
      ];
    }
    case 'SubmitAppraisal': {
      requireExisting(state);
      requireEvaluator(state, command.by);
      requireStatus(state, 'draft', 'not-draft', 'Only a draft is submitted.');
      if (!state.ratings) return fail('refused', 'not-rated', 'Rate work results and behaviour before submitting.');
      if (command.reviewerId === undefined) {
        return fail('refused', 'no-reviewer', "The evaluator has no supervisor in the org chart to review the appraisal.");
      }
      return [
        {
          type: 'AppraisalSubmitted',
          data: { submittedBy: command.by, reviewerId: command.reviewerId, predicate: predicateOf(context.rules, state.ratings.results, state.ratings.behaviour) },
        },
      ];
    }
    case 'ReturnAppraisal':
      requireExisting(state);
      requireReviewer(state, command.by);
      requireStatus(state, 'submitted', 'not-submitted', 'Only a submitted appraisal is returned.');
      return [{ type: 'AppraisalReturned', data: { returnedBy: command.by, ...(command.note === undefined ? {} : { note: context.seal(command.note) }) } }];
    case 'ReviewAppraisal':
      requireExisting(state);
      requireReviewer(state, command.by);
      requireStatus(state, 'submitted', 'not-submitted', 'Only a submitted appraisal is reviewed.');
      return [{ type: 'AppraisalReviewed', data: { reviewedBy: command.by } }];
    case 'FinaliseAppraisal': {
      requireExisting(state);
      requireEvaluator(state, command.by);
      requireStatus(state, 'reviewed', 'not-reviewed', 'Only a reviewed appraisal is finalised.');
      const { ratings, employeeId, unitId, period } = state;
      if (!ratings || employeeId === undefined || unitId === undefined || period === undefined) {
        return fail('refused', 'not-rated', 'The appraisal has no ratings.');
      }
      const predicate = predicateOf(context.rules, ratings.results, ratings.behaviour);
      const distribution = distributionOf(context.rules, [...command.unitPredicates, predicate], command.unitRating);
      const finalised: AppraisalEvent = {
        type: 'AppraisalFinalised',
        data: {
          employeeId,
          unitId,
          period,
          results: ratings.results,
          behaviour: ratings.behaviour,
          predicate,
          finalisedBy: command.by,
          finalisedOn: command.on,
          objectionUntil: addDays(command.on, context.rules.objection.windowDays),
          ...(distribution.warning === undefined ? {} : { distributionWarning: distribution.warning }),
        },
      };
      return [finalised, ...trainingNeeds(state, ratings, predicate, context)];
    }
    case 'FileObjection': {
      requireExisting(state);
      if (command.by !== state.employeeId) fail('forbidden', 'not-the-employee', 'Only the appraised employee may object.');
      requireStatus(state, 'final', 'not-final', 'An objection is filed against a final appraisal.');
      if (state.objection !== 'none') fail('refused', 'objection-exists', 'An objection was already filed against this appraisal.');
      if (state.objectionUntil !== undefined && command.on > state.objectionUntil) {
        fail('refused', 'objection-window-closed', `The objection window closed on ${state.objectionUntil}.`);
      }
      return [{ type: 'ObjectionFiled', data: { filedBy: command.by, filedOn: command.on, reason: context.seal(command.reason) } }];
    }
    case 'DecideObjection': {
      requireExisting(state);
      requireReviewer(state, command.by);
      requireStatus(state, 'final', 'not-final', 'Objections concern final appraisals.');
      if (state.objection !== 'filed') fail('conflict', 'no-objection-pending', 'No objection waits for a decision.');
      const { ratings, employeeId, period } = state;
      if (!ratings || employeeId === undefined || period === undefined) return fail('refused', 'not-rated', 'The appraisal has no ratings.');
      let { results, behaviour } = ratings;
      if (command.outcome === 'upheld') {
        if (command.results === undefined || command.behaviour === undefined) {
          return fail('refused', 'ratings-required', 'An upheld objection sets new ratings of results and behaviour.');
        }
        ({ results, behaviour } = command);
      } else if (command.results !== undefined || command.behaviour !== undefined) {
        return fail('refused', 'ratings-not-allowed', 'A rejected objection keeps the ratings.');
      }
      const predicate = predicateOf(context.rules, results, behaviour);
      return [
        {
          type: 'ObjectionDecided',
          data: {
            employeeId,
            period,
            decidedBy: command.by,
            outcome: command.outcome,
            results,
            behaviour,
            predicate,
            ...(command.note === undefined ? {} : { note: context.seal(command.note) }),
          },
        },
        ...(command.outcome === 'upheld' ? trainingNeeds(state, { results, behaviour, competencyGaps: [] }, predicate, context) : []),
      ];
    }
    case 'CloseAppraisal':
      if (!isOpen(state)) return [];
      // The employee works until the TMT: the appraisal of a period that ends before it stays open to be completed.
      if (state.period !== undefined && !leavesWithin(state.period, command.tmt)) return [];
      return [{ type: 'AppraisalClosed', data: { reason: 'employee-left', tmt: command.tmt } }];
    case 'NoteComplaint':
      // Shown on open appraisals only, once per ticket; it never changes a rating.
      if (!isOpen(state) || state.complaints.includes(command.ticketId)) return [];
      return [{ type: 'ComplaintNoted', data: { ticketId: command.ticketId, category: command.category, substantiatedOn: command.substantiatedOn } }];
    default:
      return command satisfies never;
  }
};

export const evolve = (state: Appraisal, event: AppraisalEvent): Appraisal => {
  const events = state.events + 1;
  switch (event.type) {
    case 'AppraisalOpened': {
      const { employeeId, unitId, period, evaluatorId } = event.data;
      return { ...state, events, status: 'draft', employeeId, unitId, period, evaluatorId };
    }
    case 'AppraisalRated': {
      const { results, behaviour, aspects, competencyGaps } = event.data;
      return { ...state, events, ratings: { results, behaviour, aspects, competencyGaps } };
    }
    case 'AppraisalSubmitted':
      return { ...state, events, status: 'submitted', reviewerId: event.data.reviewerId, predicate: event.data.predicate };
    case 'AppraisalReturned':
      return { ...state, events, status: 'draft' };
    case 'AppraisalReviewed':
      return { ...state, events, status: 'reviewed' };
    case 'AppraisalFinalised': {
      const { predicate, finalisedOn, objectionUntil, distributionWarning } = event.data;
      return { ...state, events, status: 'final', predicate, finalisedOn, objectionUntil, ...(distributionWarning === undefined ? {} : { distributionWarning }) };
    }
    case 'ObjectionFiled':
      return { ...state, events, objection: 'filed' };
    case 'ObjectionDecided': {
      const { results, behaviour, predicate, outcome } = event.data;
      const ratings = state.ratings && { ...state.ratings, results, behaviour };
      return { ...state, events, objection: 'decided', objectionOutcome: outcome, predicate, ...(ratings ? { ratings } : {}) };
    }
    case 'AppraisalClosed':
      return { ...state, events, status: 'closed', closedOn: event.data.tmt };
    case 'ComplaintNoted':
      return { ...state, events, complaints: [...state.complaints, event.data.ticketId] };
    case 'TrainingNeedIdentified':
      return { ...state, events, trainingNeedAreas: [...state.trainingNeedAreas, event.data.competencyArea] };
    default:
      return event satisfies never;
  }
};
