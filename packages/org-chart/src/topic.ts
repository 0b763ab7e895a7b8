import { createEventRegistry, PersonnelEvents, UnitEvents } from '@asn/contracts';

/** One registry for everything on asn.personnel.v1 (employee and unit events), for `decodeWith`. */
export const personnelTopicRegistry = createEventRegistry([
  ...Object.values(PersonnelEvents),
  ...Object.values(UnitEvents),
]);
