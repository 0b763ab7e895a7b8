import { SubjectErasedError } from '@asn/privacy';
import { HttpProblem, InvalidStateError, ServiceUnavailableError, type ErrorMapper } from '@asn/service-kit';
import { EmployeeDecisionError } from './employees/employee.domain';
import { RosterLagError } from './employees/roster.projection';
import { UnitDecisionError } from './units/unit.domain';

const STATUS = { invalid: 400, refused: 409, forbidden: 403, 'not-found': 404 } as const;
const TITLE = { invalid: 'Invalid decision', refused: 'Decision refused', forbidden: 'Forbidden', 'not-found': 'Not found' } as const;

/**
 * The deciders' refusals as problems: the status by kind, the refusal's code and (for rules) every unmet
 * rule with its regulation, so that an official sees why and under which regulation.
 */
export const personnelErrorMapper: ErrorMapper = (error) => {
  if (error instanceof EmployeeDecisionError || error instanceof UnitDecisionError) {
    const reasons = error instanceof EmployeeDecisionError && error.reasons.length > 0 ? { reasons: error.reasons } : {};
    return new HttpProblem(STATUS[error.kind], error.code, TITLE[error.kind], error.message, { code: error.code, ...reasons });
  }
  if (error instanceof SubjectErasedError) return new InvalidStateError("This employee's personal data was erased.");
  if (error instanceof RosterLagError) return new ServiceUnavailableError('The read model is catching up; retry shortly.');
  return undefined;
};
