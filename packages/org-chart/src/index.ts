export { openOrgChart } from './orgChart';
export type { LeftBy, OrgChange, OrgChart, OrgEmployee, OrgUnit, PersonnelTopicEvent } from './orgChart';
export { personnelTopicRegistry } from './topic';
