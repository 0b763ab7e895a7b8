import { HttpProblem, type ErrorMapper } from '@asn/service-kit';
import { ProgrammeDecisionError } from './programmes/programme.domain';

const STATUS = { invalid: 400, refused: 422, 'not-found': 404 } as const;
const TITLE = { invalid: 'Invalid command', refused: 'Refused by a rule', 'not-found': 'Not found' } as const;

/** The decider's refusals as problems: the status by kind, and the rule's code for clients. */
export const trainingErrorMapper: ErrorMapper = (error) => {
  if (error instanceof ProgrammeDecisionError) {
    return new HttpProblem(STATUS[error.kind], error.code, TITLE[error.kind], error.message, { code: error.code });
  }
  return undefined;
};
