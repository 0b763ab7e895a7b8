import type { RequestHandler, Response } from 'express';
import { ForbiddenError, UnauthorizedError } from '../errors';

/** The roles of the staffing system; a token's other role names are ignored. */
export const ROLES = [
  'hr-staff',
  'hr-approver',
  'evaluator',
  'training-officer',
  'feedback-officer',
  'auditor',
  'operator',
  'data-protection-officer',
  /** A civil servant acting on their own record (their appraisal, their training): `sub` is their employee id. */
  'employee',
] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

/** Who is calling, taken only from a verified token. */
export interface Principal {
  /** The token's `sub`. */
  readonly subject: string;
  readonly roles: readonly Role[];
  /** The organisational unit (OPD) the official belongs to, from the `opd` claim; absent for city-wide roles. */
  readonly unit?: string;
}

const PRINCIPAL_LOCAL = 'principal';

export const setPrincipal = (res: Response, principal: Principal): void => {
  res.locals[PRINCIPAL_LOCAL] = principal;
};

/** The verified caller, or undefined on a public route. */
export const principalOf = (res: Response): Principal | undefined => res.locals[PRINCIPAL_LOCAL] as Principal | undefined;

/** The verified caller; throws 401 when the request was not authenticated. */
export const requirePrincipal = (res: Response): Principal => {
  const principal = principalOf(res);
  if (!principal) throw new UnauthorizedError();
  return principal;
};

/** Throws 403 unless the principal holds at least one of `roles`. */
export const assertRole = (principal: Principal, roles: readonly Role[]): void => {
  if (!roles.some((role) => principal.roles.includes(role))) throw new ForbiddenError();
};

/** Middleware: 401 without a verified caller, 403 unless the caller holds one of `roles`. */
export const requireRole = (...roles: Role[]): RequestHandler => (_req, res, next) => {
  assertRole(requirePrincipal(res), roles);
  next();
};
