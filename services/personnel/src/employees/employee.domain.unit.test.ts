import { describe, expect, it } from '@jest/globals';
import { deciderSpec } from '@asn/testing';
import { careerOf, decide, EmployeeDecisionError, evolve, initialState, runningSanction, type EmployeeEvent } from './employee.domain';
import {
  aDecisionId,
  aDecree,
  anAppointedPns,
  aPerson,
  APPROVER,
  context,
  cpnsAppointment,
  decided,
  propose,
  STAFF,
  UNIT_A,
  UNIT_B,
  UNIT_DISSOLVED,
} from './employee.fixtures';

const spec = deciderSpec({ decide, evolve, initialState, context: context() });

const refusal = (kind: EmployeeDecisionError['kind'], code: string) => (error: EmployeeDecisionError) => error.kind === kind && error.code === code;

const fold = (events: readonly EmployeeEvent[]) => events.reduce(evolve, initialState());

describe('when an appointment is proposed', () => {
  it('records the proposal with the unit, the decree and the personal data', () => {
    const decisionId = aDecisionId();
    const command = propose(cpnsAppointment(), '2015-03-01', { decisionId, personal: aPerson() });
    spec
      .given([])
      .when(command)
      .then([
        {
          type: 'DecisionProposed',
          data: { decisionId, unitId: UNIT_A, proposedBy: STAFF, decision: cpnsAppointment(), decree: aDecree('2015-03-01'), personal: aPerson() },
        },
      ]);
  });

  it('refuses a NIP whose birth segment does not match the date of birth', () => {
    spec
      .given([])
      .when(propose(cpnsAppointment(), '2015-03-01', { personal: aPerson({ birthDate: '1990-03-16' }) }))
      .thenThrows(EmployeeDecisionError, (e) => e.code === 'nip-invalid' && e.reasons.length > 0 && !e.message.includes('1990'));
  });

  it('refuses an appointment without personal data', () => {
    spec.given([]).when(propose(cpnsAppointment(), '2015-03-01')).thenThrows(EmployeeDecisionError, refusal('invalid', 'personal-data-required'));
  });

  it('refuses a CPNS starting above the rank of their education', () => {
    spec
      .given([])
      .when(propose(cpnsAppointment({ golongan: 'III/b' }), '2015-03-01', { personal: aPerson() }))
      .thenThrows(EmployeeDecisionError, refusal('invalid', 'starting-rank'));
  });

  it('refuses a PPPK without the end of the work agreement, or with a golongan', () => {
    const pppk = { ...aPerson({ nip: '199003152021212001' }) };
    spec
      .given([])
      .when(propose(cpnsAppointment({ employeeType: 'PPPK', golongan: undefined, pppkGrade: 'IX' }), '2021-06-01', { personal: pppk }))
      .thenThrows(EmployeeDecisionError, refusal('invalid', 'contract-required'));
    spec
      .given([])
      .when(propose(cpnsAppointment({ employeeType: 'PPPK', pppkGrade: 'IX', contractUntil: '2026-06-01' }), '2021-06-01', { personal: pppk }))
      .thenThrows(EmployeeDecisionError, refusal('invalid', 'pppk-grade'));
  });

  it('accepts a PPPK with an NI PPPK whose code is not a month', () => {
    const pppk = aPerson({ nip: '199003152021212001' });
    const command = propose(cpnsAppointment({ employeeType: 'PPPK', golongan: undefined, pppkGrade: 'IX', contractUntil: '2026-06-01' }), '2021-06-01', { personal: pppk });
    expect(decide(command, initialState(), context())).toHaveLength(1);
  });

  it('refuses a unit that did not exist on the TMT', () => {
    spec
      .given([])
      .when(propose(cpnsAppointment({ unitId: UNIT_DISSOLVED }), '2021-03-01', { personal: aPerson() }))
      .thenThrows(EmployeeDecisionError, refusal('refused', 'unit-not-found'));
  });

  it('refuses a second appointment while one awaits approval', () => {
    const [proposed] = decided(cpnsAppointment(), '2015-03-01', { personal: aPerson() });
    spec
      .given([proposed!])
      .when(propose(cpnsAppointment(), '2015-03-01', { personal: aPerson() }))
      .thenThrows(EmployeeDecisionError, refusal('refused', 'appointment-pending'));
  });
});

describe('when a proposal awaits approval', () => {
  const decisionId = aDecisionId();
  const [proposed, appointed] = decided(cpnsAppointment(), '2015-03-01', { decisionId, personal: aPerson() });

  it('records the decision naming both the proposer and the approver', () => {
    spec.given([proposed!]).when({ type: 'ApproveDecision', decisionId, approvedBy: APPROVER }).then([appointed!]);
  });

  it('refuses approval by the person who proposed it', () => {
    spec.given([proposed!]).when({ type: 'ApproveDecision', decisionId, approvedBy: STAFF }).thenThrows(EmployeeDecisionError, refusal('forbidden', 'own-proposal'));
  });

  it('refuses a second approval', () => {
    spec.given([proposed!, appointed!]).when({ type: 'ApproveDecision', decisionId, approvedBy: APPROVER }).thenThrows(EmployeeDecisionError, refusal('refused', 'proposal-approved'));
  });

  it('records a rejection with its reason, after which it cannot be approved', () => {
    const rejected: EmployeeEvent = { type: 'DecisionRejected', data: { decisionId, rejectedBy: APPROVER, reason: 'SK number is wrong' } };
    spec.given([proposed!]).when({ type: 'RejectDecision', decisionId, rejectedBy: APPROVER, reason: 'SK number is wrong' }).then([rejected]);
    spec.given([proposed!, rejected]).when({ type: 'ApproveDecision', decisionId, approvedBy: APPROVER }).thenThrows(EmployeeDecisionError, refusal('refused', 'proposal-rejected'));
    expect(fold([proposed!, rejected]).status).toBe('rejected');
  });

  it('answers not found for an unknown proposal', () => {
    spec.given([proposed!]).when({ type: 'ApproveDecision', decisionId: aDecisionId(), approvedBy: APPROVER }).thenThrows(EmployeeDecisionError, refusal('not-found', 'proposal-not-found'));
  });

  it('checks the rules again at approval: a proposal the state no longer allows is refused', () => {
    const promotion = propose({ kind: 'promotion', promotionKind: 'pengabdian', golongan: 'III/b' }, '2020-03-01');
    const [proposal] = decide(promotion, fold(anAppointedPns()), context());
    const dismissed = decided({ kind: 'dismissal', dismissalKind: 'own-request', ground: 'own-request' }, '2019-01-01');
    spec
      .given([...anAppointedPns(), proposal!, ...dismissed])
      .when({ type: 'ApproveDecision', decisionId: (promotion as { decisionId: string }).decisionId, approvedBy: APPROVER })
      .thenThrows(EmployeeDecisionError, refusal('refused', 'employee-dismissed'));
  });
});

describe('when the employee is a CPNS', () => {
  const cpns = decided(cpnsAppointment(), '2015-03-01', { personal: aPerson() });

  it('confirms them as PNS after the year of probation', () => {
    const state = fold([...cpns, ...decided({ kind: 'confirmation' }, '2016-03-01')]);
    expect(state.career).toMatchObject({ employeeType: 'PNS', confirmedOn: '2016-03-01', golongan: 'III/a' });
  });

  it('refuses confirmation before the probation ends', () => {
    spec.given(cpns).when(propose({ kind: 'confirmation' }, '2016-02-29')).thenThrows(EmployeeDecisionError, refusal('refused', 'probation-running'));
  });

  it('refuses a promotion in rank', () => {
    spec.given(cpns).when(propose({ kind: 'promotion', promotionKind: 'regular', golongan: 'III/b' }, '2019-03-01')).thenThrows(EmployeeDecisionError, refusal('refused', 'not-pns'));
  });
});

describe('when a PNS is promoted', () => {
  it('accepts a regular promotion after four years in rank', () => {
    expect(decide(propose({ kind: 'promotion', promotionKind: 'regular', golongan: 'III/b' }, '2019-03-01'), fold(anAppointedPns()), context())).toHaveLength(1);
  });

  it('refuses a regular promotion before four years, naming the rule and its regulation', () => {
    spec
      .given(anAppointedPns())
      .when(propose({ kind: 'promotion', promotionKind: 'regular', golongan: 'III/b' }, '2019-02-01'))
      .thenThrows(EmployeeDecisionError, (e) => e.code === 'not-eligible' && e.reasons.some((r) => r.rule.includes('minYearsInRank') && r.regulation.length > 0));
  });

  it('accepts a promotion pilihan before four years', () => {
    expect(decide(propose({ kind: 'promotion', promotionKind: 'pilihan', golongan: 'III/b' }, '2017-03-01'), fold(anAppointedPns()), context())).toHaveLength(1);
  });

  it('refuses a promotion that skips a rank', () => {
    spec.given(anAppointedPns()).when(propose({ kind: 'promotion', promotionKind: 'pilihan', golongan: 'III/c' }, '2019-03-01')).thenThrows(EmployeeDecisionError, refusal('invalid', 'not-next-rank'));
  });

  it('refuses a regular promotion above the education ceiling (S1: III/d)', () => {
    const events = [
      ...anAppointedPns(),
      ...decided({ kind: 'promotion', promotionKind: 'pilihan', golongan: 'III/b' }, '2017-03-01'),
      ...decided({ kind: 'promotion', promotionKind: 'pilihan', golongan: 'III/c' }, '2018-03-01'),
      ...decided({ kind: 'promotion', promotionKind: 'pilihan', golongan: 'III/d' }, '2019-03-01'),
    ];
    spec
      .given(events)
      .when(propose({ kind: 'promotion', promotionKind: 'regular', golongan: 'IV/a' }, '2024-03-01'))
      .thenThrows(EmployeeDecisionError, (e) => e.code === 'not-eligible' && e.reasons.some((r) => r.rule.includes('educationCeiling')));
  });

  it('refuses any promotion past IV/e', () => {
    const top = [
      ...decided(cpnsAppointment({ employeeType: 'PNS', golongan: 'IV/e' }), '2015-03-01', { personal: aPerson({ education: 'S3' }) }),
    ];
    spec.given(top).when(propose({ kind: 'promotion', promotionKind: 'pilihan', golongan: 'IV/e' }, '2020-03-01')).thenThrows(EmployeeDecisionError, refusal('refused', 'highest-rank'));
  });

  it('refuses a regular promotion while a discipline sanction runs', () => {
    const sanctioned = [...anAppointedPns(), ...decided({ kind: 'sanction', severity: 'medium', sanction: 'allowance-cut-25-percent', months: 12 }, '2018-09-01')];
    spec
      .given(sanctioned)
      .when(propose({ kind: 'promotion', promotionKind: 'regular', golongan: 'III/b' }, '2019-03-01'))
      .thenThrows(EmployeeDecisionError, (e) => e.code === 'not-eligible' && e.reasons.some((r) => r.rule.toLowerCase().includes('sanction')));
    expect(runningSanction(fold(sanctioned).career!, '2019-03-01')).toMatchObject({ until: '2019-09-01' });
    expect(runningSanction(fold(sanctioned).career!, '2019-09-01')).toBeUndefined();
  });
});

describe('when a PNS is transferred', () => {
  const transfer = (tmt: string, extra: Record<string, unknown> = {}) => propose({ kind: 'transfer', transferKind: 'within-city', toUnitId: UNIT_B, ...extra }, tmt);

  it('moves them to the receiving unit after two years in post', () => {
    const events = [...anAppointedPns(), ...decided({ kind: 'transfer', transferKind: 'within-city', toUnitId: UNIT_B }, '2017-03-01')];
    expect(decide(transfer('2017-03-01'), fold(anAppointedPns()), context())).toHaveLength(1);
    expect(fold(events).career).toMatchObject({ unitId: UNIT_B, unitSince: '2017-03-01' });
  });

  it('refuses a transfer before two years in post unless a reason is recorded', () => {
    spec.given(anAppointedPns()).when(transfer('2016-06-01')).thenThrows(EmployeeDecisionError, refusal('refused', 'tenure-too-short'));
    expect(decide(transfer('2016-06-01', { tenureOverrideReason: 'Reorganisasi OPD' }), fold(anAppointedPns()), context())).toHaveLength(1);
  });

  it('refuses a transfer to the unit they are in, or to a unit that did not exist', () => {
    spec.given(anAppointedPns()).when(propose({ kind: 'transfer', transferKind: 'within-city', toUnitId: UNIT_A }, '2018-01-01')).thenThrows(EmployeeDecisionError, refusal('invalid', 'same-unit'));
    spec.given(anAppointedPns()).when(propose({ kind: 'transfer', transferKind: 'within-city', toUnitId: UNIT_DISSOLVED }, '2021-01-01')).thenThrows(EmployeeDecisionError, refusal('refused', 'unit-not-found'));
  });

  it("requires BKN's technical approval for a move out of the city, which ends the career here", () => {
    spec.given(anAppointedPns()).when(propose({ kind: 'transfer', transferKind: 'to-other-region' }, '2018-01-01')).thenThrows(EmployeeDecisionError, refusal('invalid', 'pertek-required'));
    const out = fold([...anAppointedPns(), ...decided({ kind: 'transfer', transferKind: 'to-other-region', pertekNumber: 'PERTEK-1' }, '2018-01-01')]);
    expect(out.status).toBe('transferred-out');
    expect(out.career?.unitId).toBeUndefined();
  });
});

describe('when a discipline sanction is imposed', () => {
  it.each([
    [{ severity: 'light', sanction: 'oral-warning', months: 6 }, 'light-no-duration'],
    [{ severity: 'medium', sanction: 'allowance-cut-25-percent', months: 7 }, 'medium-duration'],
    [{ severity: 'heavy', sanction: 'demotion', months: 6 }, 'heavy-duration'],
    [{ severity: 'light', sanction: 'demotion' }, 'sanction-severity'],
    [{ severity: 'heavy', sanction: 'dismissal', months: 12 }, 'use-dismissal'],
  ])('refuses %j', (sanction, code) => {
    spec.given(anAppointedPns()).when(propose({ kind: 'sanction', ...sanction } as never, '2018-01-01')).thenThrows(EmployeeDecisionError, refusal('invalid', code));
  });
});

describe('when the employee is dismissed', () => {
  const dismissed = [...anAppointedPns(), ...decided({ kind: 'dismissal', dismissalKind: 'dishonourable', ground: 'crime-related-to-office' }, '2020-01-01')];

  it('refuses a ground that does not belong to the kind', () => {
    spec.given(anAppointedPns()).when(propose({ kind: 'dismissal', dismissalKind: 'honourable', ground: 'crime-related-to-office' }, '2020-01-01')).thenThrows(EmployeeDecisionError, refusal('invalid', 'dismissal-ground'));
  });

  it.each([
    { kind: 'promotion', promotionKind: 'pengabdian', golongan: 'III/b' },
    { kind: 'transfer', transferKind: 'within-city', toUnitId: UNIT_B },
    { kind: 'sanction', severity: 'light', sanction: 'oral-warning' },
    { kind: 'dismissal', dismissalKind: 'own-request', ground: 'own-request' },
    { kind: 'retirement' },
  ])('refuses %j: nothing happens to a dismissed employee', (decision) => {
    spec.given(dismissed).when(propose(decision as never, '2021-01-01')).thenThrows(EmployeeDecisionError, refusal('refused', 'employee-dismissed'));
  });

  it('still accepts a correction that revokes the dismissal', () => {
    const dismissalId = (dismissed.at(-1)!.data as { decisionId: string }).decisionId;
    const revoked = fold([...dismissed, ...decided({ kind: 'correction', correctsDecisionId: dismissalId, reason: 'Putusan PTUN membatalkan SK' }, '2021-01-01')]);
    expect(revoked.status).toBe('active');
  });
});

describe('when a PNS reaches retirement age', () => {
  it('refuses retirement before the BUP (58 for a pelaksana: born 1990-03-15, due 2048-04-01)', () => {
    spec.given(anAppointedPns()).when(propose({ kind: 'retirement' }, '2048-03-01')).thenThrows(EmployeeDecisionError, refusal('refused', 'before-retirement-age'));
    expect(decide(propose({ kind: 'retirement' }, '2048-04-01'), fold(anAppointedPns()), context())).toHaveLength(1);
  });
});

describe('when the employee is a PPPK', () => {
  const pppk = decided(cpnsAppointment({ employeeType: 'PPPK', golongan: undefined, pppkGrade: 'IX', contractUntil: '2026-06-01' }), '2021-06-01', {
    personal: aPerson({ nip: '199003152021212001' }),
  });

  it('renews the work agreement to a later end, and ends it', () => {
    const renewed = fold([...pppk, ...decided({ kind: 'contract-renewal', contractUntil: '2031-06-01' }, '2026-06-01')]);
    expect(renewed.career?.contractUntil).toBe('2031-06-01');
    spec.given(pppk).when(propose({ kind: 'contract-renewal', contractUntil: '2025-06-01' }, '2024-06-01')).thenThrows(EmployeeDecisionError, refusal('invalid', 'renewal-not-later'));
    expect(fold([...pppk, ...decided({ kind: 'contract-end' }, '2026-06-01')]).status).toBe('contract-ended');
  });

  it('refuses a promotion in rank and a retirement', () => {
    spec.given(pppk).when(propose({ kind: 'promotion', promotionKind: 'pilihan', golongan: 'III/b' }, '2025-01-01')).thenThrows(EmployeeDecisionError, refusal('refused', 'not-pns'));
    spec.given(pppk).when(propose({ kind: 'retirement' }, '2050-01-01')).thenThrows(EmployeeDecisionError, refusal('refused', 'not-pns'));
  });
});

describe('when a decision is corrected', () => {
  const transferId = aDecisionId();
  const transferred = [...anAppointedPns(), ...decided({ kind: 'transfer', transferKind: 'within-city', toUnitId: UNIT_B }, '2018-01-01', { decisionId: transferId })];

  it('replaces the decision it names, keeping the original in the record', () => {
    const corrected = fold([
      ...transferred,
      ...decided({ kind: 'correction', correctsDecisionId: transferId, reason: 'TMT salah ketik', replacement: { kind: 'transfer', transferKind: 'within-city', toUnitId: UNIT_B } }, '2018-02-01'),
    ]);
    expect(corrected.decided).toHaveLength(4);
    expect(corrected.career).toMatchObject({ unitId: UNIT_B });
  });

  it('revokes it without a replacement', () => {
    const revoked = fold([...transferred, ...decided({ kind: 'correction', correctsDecisionId: transferId, reason: 'SK dibatalkan' }, '2018-02-01')]);
    expect(revoked.career?.unitId).toBe(UNIT_A);
  });

  it('refuses a replacement of another kind, and a correction of an unknown decision', () => {
    spec
      .given(transferred)
      .when(propose({ kind: 'correction', correctsDecisionId: transferId, reason: 'wrong kind', replacement: { kind: 'retirement' } }, '2018-02-01'))
      .thenThrows(EmployeeDecisionError, refusal('invalid', 'replacement-kind'));
    spec.given(transferred).when(propose({ kind: 'correction', correctsDecisionId: aDecisionId(), reason: 'unknown one' }, '2018-02-01')).thenThrows(EmployeeDecisionError, refusal('refused', 'decision-not-found'));
  });

  it('refuses revoking the appointment itself', () => {
    const events = anAppointedPns();
    const id = (events[1]!.data as { decisionId: string }).decisionId; // EmployeeAppointed
    spec.given(events).when(propose({ kind: 'correction', correctsDecisionId: id, reason: 'never appointed' }, '2018-02-01')).thenThrows(EmployeeDecisionError, refusal('refused', 'timeline-conflict'));
  });
});

describe('when the record is read as of a date', () => {
  it('shows the career as effective on that date, by TMT', () => {
    const events = [
      ...anAppointedPns(),
      ...decided({ kind: 'transfer', transferKind: 'within-city', toUnitId: UNIT_B }, '2018-01-01'),
      ...decided({ kind: 'promotion', promotionKind: 'regular', golongan: 'III/b' }, '2019-03-01'),
    ];
    const { decided: decisions } = fold(events);
    expect(careerOf(decisions, '2014-12-31')).toBeUndefined();
    expect(careerOf(decisions, '2015-06-01')).toMatchObject({ employeeType: 'CPNS', unitId: UNIT_A, golongan: 'III/a' });
    expect(careerOf(decisions, '2018-06-01')).toMatchObject({ employeeType: 'PNS', unitId: UNIT_B, golongan: 'III/a' });
    expect(careerOf(decisions, '2019-03-01')).toMatchObject({ golongan: 'III/b', rankSince: '2019-03-01' });
  });

  it('applies a back-dated decision in TMT order', () => {
    const events = [
      ...anAppointedPns(),
      ...decided({ kind: 'promotion', promotionKind: 'regular', golongan: 'III/b' }, '2019-03-01'),
      ...decided({ kind: 'transfer', transferKind: 'within-city', toUnitId: UNIT_B }, '2018-01-01'),
    ];
    expect(careerOf(fold(events).decided, '2018-06-01')).toMatchObject({ unitId: UNIT_B, golongan: 'III/a' });
  });
});

describe('when personal data is erased', () => {
  it('records the erasure once; repeating it changes nothing', () => {
    const erased: EmployeeEvent = { type: 'PersonalDataErased', data: { erasedBy: 'dpo-1', reason: 'Permintaan subjek data' } };
    spec.given(anAppointedPns()).when({ type: 'ErasePersonalData', erasedBy: 'dpo-1', reason: 'Permintaan subjek data' }).then([erased]);
    spec.given([...anAppointedPns(), erased]).when({ type: 'ErasePersonalData', erasedBy: 'dpo-1', reason: 'Permintaan subjek data' }).thenNothingHappened();
    const state = fold([...anAppointedPns(), erased]);
    expect(state.personal).toBe('erased');
    expect(state.career).toMatchObject({ golongan: 'III/a' });
  });

  it('refuses an erasure of an employee that does not exist', () => {
    spec.given([]).when({ type: 'ErasePersonalData', erasedBy: 'dpo-1', reason: 'Permintaan subjek data' }).thenThrows(EmployeeDecisionError, refusal('not-found', 'employee-not-found'));
  });
});

describe('a decided event', () => {
  it('names both the proposer and the approver, who differ', () => {
    for (const event of anAppointedPns().filter((e) => e.type !== 'DecisionProposed')) {
      const data = event.data as { proposedBy: string; approvedBy: string };
      expect(data.proposedBy).toBe(STAFF);
      expect(data.approvedBy).toBe(APPROVER);
    }
  });
});

describe('when decisions do not arrive in TMT order', () => {
  it('refuses a decision dated before the appointment', () => {
    spec
      .given(anAppointedPns())
      .when(propose({ kind: 'dismissal', dismissalKind: 'dishonourable', ground: 'crime-related-to-office' }, '2014-01-01'))
      .thenThrows(EmployeeDecisionError, refusal('refused', 'not-appointed'));
  });

  it('refuses a back-dated promotion that would make a later one skip a rank', () => {
    const promoted = [...anAppointedPns(), ...decided({ kind: 'promotion', promotionKind: 'regular', golongan: 'III/b' }, '2019-04-01')];
    spec
      .given(promoted)
      .when(propose({ kind: 'promotion', promotionKind: 'pilihan', golongan: 'III/b' }, '2018-01-01'))
      .thenThrows(EmployeeDecisionError, refusal('refused', 'timeline-conflict'));
  });

  it('accepts a decision dated before a retirement decided ahead of its TMT', () => {
    const retiring = [...anAppointedPns(), ...decided({ kind: 'retirement' }, '2048-04-01')];
    expect(fold(retiring).status).toBe('retired');
    expect(decide(propose({ kind: 'sanction', severity: 'light', sanction: 'written-warning' }, '2030-02-01'), fold(retiring), context())).toHaveLength(1);
    expect(careerOf(fold(retiring).decided, '2030-02-01')?.status).toBe('active');
  });

  it('refuses a dismissal on the ground of retirement age before that age', () => {
    spec
      .given(anAppointedPns())
      .when(propose({ kind: 'dismissal', dismissalKind: 'honourable', ground: 'retirement-age' }, '2026-02-01'))
      .thenThrows(EmployeeDecisionError, refusal('refused', 'before-retirement-age'));
  });
});

describe('when a correction replaces a decision', () => {
  const promotionId = aDecisionId();
  const promoted = [...anAppointedPns(), ...decided({ kind: 'promotion', promotionKind: 'regular', golongan: 'III/b' }, '2019-03-01', { decisionId: promotionId })];

  it('checks the replacement by the rules of its kind', () => {
    spec
      .given(promoted)
      .when(propose({ kind: 'correction', correctsDecisionId: promotionId, reason: 'Golongan salah', replacement: { kind: 'promotion', promotionKind: 'regular', golongan: 'IV/e' } }, '2019-03-01'))
      .thenThrows(EmployeeDecisionError, refusal('invalid', 'not-next-rank'));
  });

  it('takes the TMT of the correcting decree', () => {
    const corrected = fold([
      ...promoted,
      ...decided({ kind: 'correction', correctsDecisionId: promotionId, reason: 'TMT salah', replacement: { kind: 'promotion', promotionKind: 'regular', golongan: 'III/b' } }, '2019-04-01'),
    ]);
    expect(corrected.career?.rankSince).toBe('2019-04-01');
    expect(careerOf(corrected.decided, '2019-03-15')?.golongan).toBe('III/a');
  });

  it('can revoke a transfer out of the city, listed under the unit the employee left', () => {
    const transferId = aDecisionId();
    const left = [...anAppointedPns(), ...decided({ kind: 'transfer', transferKind: 'to-other-region', pertekNumber: 'PERTEK-9' }, '2018-01-01', { decisionId: transferId })];
    const [proposal] = decide(propose({ kind: 'correction', correctsDecisionId: transferId, reason: 'Pertek dibatalkan' }, '2018-01-01'), fold(left), context());
    expect(proposal).toMatchObject({ type: 'DecisionProposed', data: { unitId: UNIT_A } });
  });
});

describe('when an employee holding a mapped position is transferred', () => {
  it('no longer holds the position of the old unit', () => {
    const positionId = '0190e000-0000-7000-8000-000000000001';
    const events = [
      ...anAppointedPns(),
      ...decided({ kind: 'position-assignment', position: { kind: 'functional', level: 'ahli-pertama', title: 'Analis SDM Aparatur' }, positionId }, '2017-01-01'),
      ...decided({ kind: 'transfer', transferKind: 'within-city', toUnitId: UNIT_B }, '2019-01-01'),
    ];
    expect(fold(events).career).toMatchObject({ unitId: UNIT_B });
    expect(fold(events).career?.positionId).toBeUndefined();
  });
});

describe('when a heavy sanction changes the position (PP 94/2021)', () => {
  const analyst = { kind: 'functional' as const, level: 'ahli-muda' as const, title: 'Analis SDM Aparatur Ahli Muda' };
  const withPosition = [...anAppointedPns(), ...decided({ kind: 'position-assignment', position: analyst }, '2018-01-01')];

  it('moves the employee to the pelaksana position named, and keeps it after the 12 months until a new assignment', () => {
    const removed = fold([
      ...withPosition,
      ...decided({ kind: 'sanction', severity: 'heavy', sanction: 'removal-to-pelaksana', months: 12, position: { kind: 'pelaksana', title: 'Pengadministrasi Umum' } }, '2020-01-01'),
    ]);
    expect(careerOf(removed.decided, '2019-12-31')?.position).toEqual(analyst);
    expect(careerOf(removed.decided, '2020-06-01')?.position).toEqual({ kind: 'pelaksana', title: 'Pengadministrasi Umum' });
    expect(runningSanction(removed.career!, '2020-06-01')).toMatchObject({ sanction: 'removal-to-pelaksana', until: '2021-01-01' });
    expect(careerOf(removed.decided, '2021-06-01')?.position.kind).toBe('pelaksana');
  });

  it.each([
    [{ severity: 'heavy', sanction: 'removal-to-pelaksana', months: 12 }, 'sanction-position-required'],
    [{ severity: 'heavy', sanction: 'removal-to-pelaksana', months: 12, position: analyst }, 'sanction-position-pelaksana'],
    [{ severity: 'heavy', sanction: 'demotion', months: 12, position: { ...analyst, level: 'ahli-madya' } }, 'sanction-position-not-lower'],
    [{ severity: 'medium', sanction: 'allowance-cut-25-percent', months: 6, position: analyst }, 'sanction-position-not-allowed'],
  ])('refuses %j', (sanction, code) => {
    spec.given(withPosition).when(propose({ kind: 'sanction', ...sanction } as never, '2020-01-01')).thenThrows(EmployeeDecisionError, refusal('invalid', code));
  });

  it('accepts a demotion to a lower level of the same kind', () => {
    const demotion = propose({ kind: 'sanction', severity: 'heavy', sanction: 'demotion', months: 12, position: { ...analyst, level: 'ahli-pertama' } }, '2020-01-01');
    expect(decide(demotion, fold(withPosition), context())).toHaveLength(1);
  });
});
