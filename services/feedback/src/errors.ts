import { HttpProblem, type ErrorMapper } from '@asn/service-kit';
import { TicketDecisionError } from './tickets/ticket.domain';

const STATUS = { invalid: 422, refused: 409, 'not-found': 404 } as const;
const TITLE = { invalid: 'Invalid command', refused: 'Refused in this state', 'not-found': 'Not found' } as const;

/** The decider's refusals as problems: the status by kind, and the rule's code for clients. */
export const feedbackErrorMapper: ErrorMapper = (error) => {
  if (error instanceof TicketDecisionError) {
    return new HttpProblem(STATUS[error.kind], error.code, TITLE[error.kind], error.message, { code: error.code });
  }
  return undefined;
};
