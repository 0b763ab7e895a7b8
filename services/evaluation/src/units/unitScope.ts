import { NotFoundError, type Principal } from '@asn/service-kit';

/**
 * An official of one unit (token claim `opd`) stays within it, as in personnel: the unit's appraisals, its
 * distribution, nothing of another unit. Without the claim the role spans the city.
 */
export const inUnitScope = (principal: Principal | undefined, unitId: string | undefined): boolean =>
  !principal?.unit || unitId === principal.unit;

/**
 * The unit a query is limited to: the official's own (asking for another is 404, as if it did not exist), or
 * the one asked for by a city-wide role.
 */
export const unitScope = (principal: Principal | undefined, unitId: string | undefined): string | undefined => {
  if (!principal?.unit) return unitId;
  if (unitId !== undefined && unitId !== principal.unit) throw new NotFoundError('No such unit.');
  return principal.unit;
};
