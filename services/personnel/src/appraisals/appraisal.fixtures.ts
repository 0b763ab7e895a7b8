import { randomUUID } from 'node:crypto';
import type { AppraisalPeriod, Predicate } from '@asn/contracts';
import { newId, type NewEvent } from '@asn/event-store';

// Evaluation events as the evaluation service writes them (stream `evaluation-<uuid>`), valid under the
// contracts' schemas, for tests that feed personnel's appraisal read model.

const annual = (year: number): AppraisalPeriod => ({ kind: 'annual', year });

export const anAppraisalFinalised = (
  employeeId: string,
  period: AppraisalPeriod | number,
  predicate: Predicate,
  id = newId(),
): NewEvent => {
  const p = typeof period === 'number' ? annual(period) : period;
  return {
    id,
    type: 'AppraisalFinalised',
    data: {
      employeeId,
      unitId: randomUUID(),
      period: p,
      results: predicate === 'baik' || predicate === 'sangat-baik' ? 'meets' : 'below',
      behaviour: predicate === 'sangat-baik' ? 'above' : predicate === 'baik' ? 'meets' : 'below',
      predicate,
      finalisedBy: 'reviewer-1',
      finalisedOn: `${p.year + 1}-01-15`,
      objectionUntil: `${p.year + 1}-01-29`,
    },
  };
};

export const anObjectionDecided = (
  employeeId: string,
  year: number,
  outcome: 'upheld' | 'rejected',
  predicate: Predicate,
): NewEvent => ({
  id: newId(),
  type: 'ObjectionDecided',
  data: {
    employeeId,
    period: annual(year),
    decidedBy: 'reviewer-2',
    outcome,
    results: 'meets',
    behaviour: 'meets',
    predicate,
  },
});

/** An evaluation event that does not bear on promotion. */
export const anAppraisalClosed = (): NewEvent => ({
  id: newId(),
  type: 'AppraisalClosed',
  data: { reason: 'employee-left', tmt: '2026-03-01' },
});
