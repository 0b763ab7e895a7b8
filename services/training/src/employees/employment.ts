import type { LeftBy, OrgChart } from '@asn/org-chart';

/** The last day the org chart is asked about: a leaving recorded ahead of its TMT shows on it. */
const LAST_DAY = '2199-12-31';

/** What the org chart says about an employee's service, for enrolment and placement. */
export interface Employment {
  /** Active today. */
  activeToday: boolean;
  /** The TMT of a recorded dismissal, retirement or contract end, also one in the future. */
  leavesOn?: string;
  leftBy?: LeftBy;
  /** Whether the employee is in service on `day` (appointed by then, not left by then). */
  activeOn: (day: string) => boolean;
}

export const employmentOf = (orgChart: OrgChart, employeeId: string, today: string): Employment => {
  const last = orgChart.employeeOn(employeeId, LAST_DAY);
  return {
    activeToday: orgChart.employeeOn(employeeId, today)?.status === 'active',
    ...(last?.status === 'left' && last.leftOn !== undefined ? { leavesOn: last.leftOn, ...(last.leftBy ? { leftBy: last.leftBy } : {}) } : {}),
    activeOn: (day) => orgChart.employeeOn(employeeId, day)?.status === 'active',
  };
};
