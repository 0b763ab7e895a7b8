import { SubjectErasedError } from '@asn/privacy';
import { HttpProblem, InvalidStateError, ServiceUnavailableError, type ErrorMapper } from '@asn/service-kit';
import { AppraisalDecisionError } from './appraisals/appraisal.domain';
import { IndexLagError } from './appraisals/appraisals.projection';

const STATUS = { refused: 422, conflict: 409, forbidden: 403, 'not-found': 404 } as const;
const TITLE = { refused: 'Refused by a rule', conflict: 'Conflict', forbidden: 'Forbidden', 'not-found': 'Not found' } as const;

/** The decider's refusals as problems: the status by kind, and the rule's code for the client to act on. */
export const evaluationErrorMapper: ErrorMapper = (error) => {
  if (error instanceof AppraisalDecisionError) {
    return new HttpProblem(STATUS[error.kind], error.code, TITLE[error.kind], error.message, { code: error.code });
  }
  if (error instanceof SubjectErasedError) return new InvalidStateError("This employee's personal data was erased.");
  if (error instanceof IndexLagError) return new ServiceUnavailableError('The read model is catching up; retry shortly.');
  return undefined;
};
