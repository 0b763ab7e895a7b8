export { openOrgChart } from './orgChart';
export type { LeftBy, OrgChange, OrgChart, OrgChartOptions, OrgEmployee, OrgUnit, PersonnelTopicEvent } from './orgChart';
export { personnelTopicRegistry } from './topic';
export { assignmentsOf, decisionsInForce, type Assignment, type DecisionInForce, type DecisionStanding, type StoredDecision } from './career';
