import { describe, expect, it } from '@jest/globals';
import type { AppraisalPeriod, CompetencyArea, Predicate, SealedValue } from '@asn/contracts';
import { deciderSpec } from '@asn/testing';
import { DEFAULT_RULES, predicateOf } from '../rules/rules';
import { AppraisalDecisionError, decide, evolve, initialAppraisal, type AppraisalContext, type AppraisalEvent } from './appraisal.domain';
import { distributionOf } from './distribution';

const EMPLOYEE = '0190c000-0000-7000-8000-000000000001';
const EVALUATOR = '0190c000-0000-7000-8000-000000000002';
const REVIEWER = '0190c000-0000-7000-8000-000000000003';
const UNIT = '0190a000-0000-7000-8000-000000000001';
const period = { kind: 'annual', year: 2026 } as const;

/** A stand-in for the cipher: the value readable in the test, in the sealed shape. */
const seal = (value: unknown): SealedValue => ({
  alg: 'A256GCM',
  iv: 'AAAAAAAAAAAAAAAA',
  ct: Buffer.from(JSON.stringify(value)).toString('base64url'),
  tag: 'AAAAAAAAAAAAAAAAAAAAAA',
});
const context: AppraisalContext = { rules: DEFAULT_RULES, seal, needIdOf: (area: CompetencyArea) => `need-${area}` };
const spec = deciderSpec({ decide, evolve, initialState: initialAppraisal, context });

const refused = (code: string) => (error: AppraisalDecisionError) => error.code === code;

const opened: AppraisalEvent = { type: 'AppraisalOpened', data: { employeeId: EMPLOYEE, unitId: UNIT, period, evaluatorId: EVALUATOR, openedBy: 'hr-1' } };
const aspects = { competence: 'meets', discipline: 'meets', integrity: 'above' } as const;
const rated = (results: 'above' | 'meets' | 'below' = 'meets', behaviour: 'above' | 'meets' | 'below' = 'meets', competencyGaps: CompetencyArea[] = []): AppraisalEvent => ({
  type: 'AppraisalRated',
  data: { results, behaviour, aspects, competencyGaps, ratedBy: EVALUATOR },
});
const submitted = (predicate: Predicate = 'baik'): AppraisalEvent => ({
  type: 'AppraisalSubmitted',
  data: { submittedBy: EVALUATOR, reviewerId: REVIEWER, predicate },
});
const reviewed: AppraisalEvent = { type: 'AppraisalReviewed', data: { reviewedBy: REVIEWER } };
const finalised = (results: 'above' | 'meets' | 'below' = 'meets', behaviour: 'above' | 'meets' | 'below' = 'meets'): AppraisalEvent => ({
  type: 'AppraisalFinalised',
  data: {
    employeeId: EMPLOYEE,
    unitId: UNIT,
    period,
    results,
    behaviour,
    predicate: predicateOf(DEFAULT_RULES, results, behaviour),
    finalisedBy: EVALUATOR,
    finalisedOn: '2027-01-10',
    objectionUntil: '2027-01-24',
  },
});
const objected: AppraisalEvent = { type: 'ObjectionFiled', data: { filedBy: EMPLOYEE, filedOn: '2027-01-12', reason: seal('Target tidak sesuai') } };
const finalise = { type: 'FinaliseAppraisal', by: EVALUATOR, on: '2027-01-10', unitPredicates: [] } as const;

describe('the predicate grid (PermenPANRB 6/2022)', () => {
  it.each([
    ['above', 'above', 'sangat-baik'],
    ['above', 'meets', 'baik'],
    ['meets', 'above', 'baik'],
    ['meets', 'meets', 'baik'],
    ['above', 'below', 'kurang'],
    ['meets', 'below', 'kurang'],
    ['below', 'above', 'butuh-perbaikan'],
    ['below', 'meets', 'butuh-perbaikan'],
    ['below', 'below', 'sangat-kurang'],
  ] as const)('results %s and behaviour %s give %s', (results, behaviour, predicate) => {
    expect(predicateOf(DEFAULT_RULES, results, behaviour)).toBe(predicate);
  });
});

describe('opening an appraisal', () => {
  const open = (org: { active: boolean; unitId?: string; supervisorId?: string; leavesOn?: string }) => ({ type: 'OpenAppraisal', employeeId: EMPLOYEE, period, openedBy: 'hr-1', org }) as const;

  it('opens with the direct supervisor as the evaluator', () => {
    spec.given([]).when(open({ active: true, unitId: UNIT, supervisorId: EVALUATOR })).then([opened]);
  });
  it('records nothing when the appraisal is already open', () => {
    spec.given([opened]).when(open({ active: true, unitId: UNIT, supervisorId: REVIEWER })).thenNothingHappened();
  });
  it('refuses an employee who is not active on the appraisal date', () => {
    spec.given([]).when(open({ active: false, unitId: UNIT, supervisorId: EVALUATOR })).thenThrows(AppraisalDecisionError, refused('employee-not-active'));
  });
  it('refuses an employee without a supervisor', () => {
    spec.given([]).when(open({ active: true, unitId: UNIT })).thenThrows(AppraisalDecisionError, refused('no-supervisor'));
  });

  describe('when a leaving is already decided', () => {
    it('refuses the appraisal of a period the employee leaves in, even with the TMT still ahead', () => {
      spec.given([]).when(open({ active: true, unitId: UNIT, supervisorId: EVALUATOR, leavesOn: '2026-12-01' })).thenThrows(AppraisalDecisionError, refused('employee-leaving'));
      spec.given([]).when(open({ active: true, unitId: UNIT, supervisorId: EVALUATOR, leavesOn: '2026-12-31' })).thenThrows(AppraisalDecisionError, refused('employee-leaving'));
    });
    it('opens the appraisal of a period that ends before the TMT', () => {
      spec.given([]).when(open({ active: true, unitId: UNIT, supervisorId: EVALUATOR, leavesOn: '2027-01-01' })).then([opened]);
    });
  });
});

describe('rating', () => {
  const rate = { type: 'RateAppraisal', by: EVALUATOR, results: 'meets', behaviour: 'meets', aspects, competencyGaps: [] } as const;

  it('records the ratings of a draft', () => {
    spec.given([opened]).when(rate).then([rated()]);
  });
  it('re-rates a draft', () => {
    spec.given([opened, rated()]).when({ ...rate, results: 'above' }).then([rated('above')]);
  });
  it('seals the notes', () => {
    spec
      .given([opened])
      .when({ ...rate, competencyGaps: ['managerial'], notes: { integrity: 'Jujur', gaps: 'Perlu pelatihan kepemimpinan' } })
      .then([{ type: 'AppraisalRated', data: { ...rated('meets', 'meets', ['managerial']).data, notes: seal({ integrity: 'Jujur', gaps: 'Perlu pelatihan kepemimpinan' }) } } as AppraisalEvent]);
  });
  it('refuses another evaluator', () => {
    spec.given([opened]).when({ ...rate, by: REVIEWER }).thenThrows(AppraisalDecisionError, (e) => e.kind === 'forbidden' && e.code === 'not-the-evaluator');
  });
  it('refuses once submitted', () => {
    spec.given([opened, rated(), submitted()]).when(rate).thenThrows(AppraisalDecisionError, refused('not-draft'));
  });
  it('refuses an appraisal that does not exist', () => {
    spec.given([]).when(rate).thenThrows(AppraisalDecisionError, (e) => e.kind === 'not-found');
  });
});

describe('submitting', () => {
  const submit = { type: 'SubmitAppraisal', by: EVALUATOR, reviewerId: REVIEWER } as const;

  it('submits to the reviewer with the predicate of the ratings', () => {
    spec.given([opened, rated('above', 'above')]).when(submit).then([submitted('sangat-baik')]);
  });
  it('refuses an unrated draft', () => {
    spec.given([opened]).when(submit).thenThrows(AppraisalDecisionError, refused('not-rated'));
  });
  it('refuses when the evaluator has no supervisor to review', () => {
    spec.given([opened, rated()]).when({ type: 'SubmitAppraisal', by: EVALUATOR }).thenThrows(AppraisalDecisionError, refused('no-reviewer'));
  });
  it('refuses another evaluator', () => {
    spec.given([opened, rated()]).when({ ...submit, by: EMPLOYEE }).thenThrows(AppraisalDecisionError, refused('not-the-evaluator'));
  });
});

describe('reviewing', () => {
  it('the reviewer reviews a submitted appraisal', () => {
    spec.given([opened, rated(), submitted()]).when({ type: 'ReviewAppraisal', by: REVIEWER }).then([reviewed]);
  });
  it('the reviewer returns it to draft with a sealed note', () => {
    spec
      .given([opened, rated(), submitted()])
      .when({ type: 'ReturnAppraisal', by: REVIEWER, note: 'Lengkapi bukti kinerja' })
      .then([{ type: 'AppraisalReturned', data: { returnedBy: REVIEWER, note: seal('Lengkapi bukti kinerja') } }]);
  });
  it('a returned appraisal can be rated again', () => {
    const returned: AppraisalEvent = { type: 'AppraisalReturned', data: { returnedBy: REVIEWER } };
    spec.given([opened, rated(), submitted(), returned]).when({ type: 'RateAppraisal', by: EVALUATOR, results: 'above', behaviour: 'meets', aspects, competencyGaps: [] }).then([rated('above')]);
  });
  it('refuses the evaluator as reviewer', () => {
    spec.given([opened, rated(), submitted()]).when({ type: 'ReviewAppraisal', by: EVALUATOR }).thenThrows(AppraisalDecisionError, refused('not-the-reviewer'));
  });
  it('refuses a draft', () => {
    spec.given([opened, rated()]).when({ type: 'ReviewAppraisal', by: REVIEWER }).thenThrows(AppraisalDecisionError, (e) => e.kind === 'forbidden');
  });
  it('refuses a second review', () => {
    spec.given([opened, rated(), submitted(), reviewed]).when({ type: 'ReviewAppraisal', by: REVIEWER }).thenThrows(AppraisalDecisionError, refused('not-submitted'));
  });
});

describe('finalising', () => {
  it('finalises a reviewed appraisal with the objection window', () => {
    spec.given([opened, rated(), submitted(), reviewed]).when(finalise).then([finalised()]);
  });
  it('refuses before the review', () => {
    spec.given([opened, rated(), submitted()]).when(finalise).thenThrows(AppraisalDecisionError, refused('not-reviewed'));
  });
  it('refuses the reviewer', () => {
    spec.given([opened, rated(), submitted(), reviewed]).when({ ...finalise, by: REVIEWER }).thenThrows(AppraisalDecisionError, refused('not-the-evaluator'));
  });
  it('warns when the unit breaks the cap of its rating', () => {
    const unitPredicates = ['baik', 'baik', 'baik', 'sangat-baik'] as const;
    const warning = distributionOf(DEFAULT_RULES, [...unitPredicates, 'baik'], 'baik').warning;
    expect(warning).toBe('Unit rated baik: sangat-baik 1 of 5 (20%) above the cap of 10%; baik 4 of 5 (80%) above the cap of 70%.');
    spec
      .given([opened, rated(), submitted(), reviewed])
      .when({ ...finalise, unitPredicates, unitRating: 'baik' })
      .then([{ type: 'AppraisalFinalised', data: { ...(finalised().data as object), distributionWarning: warning } } as AppraisalEvent]);
  });
  it('does not warn within the cap', () => {
    spec.given([opened, rated(), submitted(), reviewed]).when({ ...finalise, unitPredicates: ['butuh-perbaikan', 'kurang'], unitRating: 'baik' }).then([finalised()]);
  });
  it('publishes a training need per area of a poor predicate', () => {
    spec
      .given([opened, rated('below', 'below'), submitted('sangat-kurang'), reviewed])
      .when(finalise)
      .then([
        finalised('below', 'below'),
        { type: 'TrainingNeedIdentified', data: { needId: 'need-technical', employeeId: EMPLOYEE, unitId: UNIT, period, competencyArea: 'technical', source: 'predicate', predicate: 'sangat-kurang' } },
        { type: 'TrainingNeedIdentified', data: { needId: 'need-socio-cultural', employeeId: EMPLOYEE, unitId: UNIT, period, competencyArea: 'socio-cultural', source: 'predicate', predicate: 'sangat-kurang' } },
      ]);
  });
  it('publishes a training need per recorded competency gap, once per area', () => {
    spec
      .given([opened, rated('meets', 'below', ['socio-cultural', 'managerial']), submitted('kurang'), reviewed])
      .when(finalise)
      .then([
        finalised('meets', 'below'),
        { type: 'TrainingNeedIdentified', data: { needId: 'need-socio-cultural', employeeId: EMPLOYEE, unitId: UNIT, period, competencyArea: 'socio-cultural', source: 'predicate', predicate: 'kurang' } },
        { type: 'TrainingNeedIdentified', data: { needId: 'need-managerial', employeeId: EMPLOYEE, unitId: UNIT, period, competencyArea: 'managerial', source: 'competency-gap' } },
      ]);
  });
});

describe('objections', () => {
  const file = { type: 'FileObjection', by: EMPLOYEE, on: '2027-01-12', reason: 'Target tidak sesuai' } as const;

  it('the employee objects within the window', () => {
    spec.given([opened, rated(), submitted(), reviewed, finalised()]).when(file).then([objected]);
  });
  it('on the last day of the window', () => {
    spec.given([opened, rated(), submitted(), reviewed, finalised()]).when({ ...file, on: '2027-01-24' }).then([{ ...objected, data: { ...(objected.data as object), filedOn: '2027-01-24' } } as AppraisalEvent]);
  });
  it('refuses after the window', () => {
    spec.given([opened, rated(), submitted(), reviewed, finalised()]).when({ ...file, on: '2027-01-25' }).thenThrows(AppraisalDecisionError, refused('objection-window-closed'));
  });
  it('refuses someone else', () => {
    spec.given([opened, rated(), submitted(), reviewed, finalised()]).when({ ...file, by: EVALUATOR }).thenThrows(AppraisalDecisionError, refused('not-the-employee'));
  });
  it('refuses before finalisation', () => {
    spec.given([opened, rated(), submitted(), reviewed]).when(file).thenThrows(AppraisalDecisionError, refused('not-final'));
  });
  it('refuses a second objection', () => {
    spec.given([opened, rated(), submitted(), reviewed, finalised(), objected]).when(file).thenThrows(AppraisalDecisionError, refused('objection-exists'));
  });

  const history = [opened, rated(), submitted(), reviewed, finalised(), objected];
  it('the reviewer upholds it with new ratings and a new predicate', () => {
    spec
      .given(history)
      .when({ type: 'DecideObjection', by: REVIEWER, outcome: 'upheld', results: 'above', behaviour: 'above' })
      .then([{ type: 'ObjectionDecided', data: { employeeId: EMPLOYEE, period, decidedBy: REVIEWER, outcome: 'upheld', results: 'above', behaviour: 'above', predicate: 'sangat-baik' } }]);
  });
  it('an upheld objection that makes the predicate poor publishes the training need', () => {
    spec
      .given(history)
      .when({ type: 'DecideObjection', by: REVIEWER, outcome: 'upheld', results: 'below', behaviour: 'meets', note: 'Dikoreksi' })
      .then([
        { type: 'ObjectionDecided', data: { employeeId: EMPLOYEE, period, decidedBy: REVIEWER, outcome: 'upheld', results: 'below', behaviour: 'meets', predicate: 'butuh-perbaikan', note: seal('Dikoreksi') } },
        { type: 'TrainingNeedIdentified', data: { needId: 'need-technical', employeeId: EMPLOYEE, unitId: UNIT, period, competencyArea: 'technical', source: 'predicate', predicate: 'butuh-perbaikan' } },
      ]);
  });
  it('rejects it, keeping the predicate', () => {
    spec
      .given(history)
      .when({ type: 'DecideObjection', by: REVIEWER, outcome: 'rejected' })
      .then([{ type: 'ObjectionDecided', data: { employeeId: EMPLOYEE, period, decidedBy: REVIEWER, outcome: 'rejected', results: 'meets', behaviour: 'meets', predicate: 'baik' } }]);
  });
  it('an upheld objection needs ratings', () => {
    spec.given(history).when({ type: 'DecideObjection', by: REVIEWER, outcome: 'upheld' }).thenThrows(AppraisalDecisionError, refused('ratings-required'));
  });
  it('only the reviewer decides', () => {
    spec.given(history).when({ type: 'DecideObjection', by: EVALUATOR, outcome: 'rejected' }).thenThrows(AppraisalDecisionError, refused('not-the-reviewer'));
  });
  it('refuses without a pending objection', () => {
    spec.given([opened, rated(), submitted(), reviewed, finalised()]).when({ type: 'DecideObjection', by: REVIEWER, outcome: 'rejected' }).thenThrows(AppraisalDecisionError, refused('no-objection-pending'));
  });
});

describe('closing when the employee leaves', () => {
  const close = { type: 'CloseAppraisal', tmt: '2026-06-01' } as const;
  const closeOn = (tmt: string) => ({ type: 'CloseAppraisal', tmt }) as const;
  const closed = (tmt: string): AppraisalEvent => ({ type: 'AppraisalClosed', data: { reason: 'employee-left', tmt } });
  const ofPeriod = (p: AppraisalPeriod): AppraisalEvent => ({ type: 'AppraisalOpened', data: { employeeId: EMPLOYEE, unitId: UNIT, period: p, evaluatorId: EVALUATOR, openedBy: 'hr-1' } });
  const q3: AppraisalPeriod = { kind: 'quarterly', year: 2026, quarter: 3 };

  it('closes an open appraisal of the period the TMT falls in', () => {
    spec.given([opened, rated()]).when(close).then([closed('2026-06-01')]);
  });
  it("closes it when the TMT is the period's last day", () => {
    spec.given([ofPeriod(q3)]).when(closeOn('2026-09-30')).then([closed('2026-09-30')]);
  });
  it('closes an appraisal of a period that follows the TMT', () => {
    spec.given([ofPeriod(q3)]).when(closeOn('2026-06-01')).then([closed('2026-06-01')]);
  });
  it('leaves open the appraisal of a period that ends before the TMT: the employee works until then', () => {
    spec.given([ofPeriod(q3), rated()]).when(closeOn('2026-10-01')).thenNothingHappened();
    spec.given([opened]).when(closeOn('2027-01-01')).thenNothingHappened();
  });
  it('leaves a final appraisal alone', () => {
    spec.given([opened, rated(), submitted(), reviewed, finalised()]).when(close).thenNothingHappened();
  });
  it('closes once', () => {
    spec.given([opened, { type: 'AppraisalClosed', data: { reason: 'employee-left', tmt: '2026-06-01' } }]).when(close).thenNothingHappened();
  });
  it('refuses to rate a closed appraisal', () => {
    spec
      .given([opened, { type: 'AppraisalClosed', data: { reason: 'employee-left', tmt: '2026-06-01' } }])
      .when({ type: 'RateAppraisal', by: EVALUATOR, results: 'meets', behaviour: 'meets', aspects, competencyGaps: [] })
      .thenThrows(AppraisalDecisionError, refused('appraisal-closed'));
  });
});

describe('noting a substantiated complaint', () => {
  const note = { type: 'NoteComplaint', ticketId: '0190f000-0000-7000-8000-000000000001', category: 'illegal-levy', substantiatedOn: '2026-05-02' } as const;
  const noted: AppraisalEvent = { type: 'ComplaintNoted', data: { ticketId: note.ticketId, category: 'illegal-levy', substantiatedOn: '2026-05-02' } };
  it('notes it on an open appraisal', () => {
    spec.given([opened]).when(note).then([noted]);
  });
  it('notes each ticket once', () => {
    spec.given([opened, noted]).when(note).thenNothingHappened();
  });
  it('not on a final appraisal', () => {
    spec.given([opened, rated(), submitted(), reviewed, finalised()]).when(note).thenNothingHappened();
  });
  it('never changes a rating', () => {
    const state = [opened, rated('above', 'above'), noted].reduce(evolve, initialAppraisal());
    expect(state.ratings?.results).toBe('above');
    expect(state.complaints).toEqual([note.ticketId]);
  });
});
