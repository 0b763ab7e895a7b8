import { beforeEach, describe, expect, it } from '@jest/globals';
import { SealedValue } from '@asn/contracts';
import { InMemoryEventStore, type RecordedEvent } from '@asn/event-store';
import { createFieldCipher, createMemoryKeyStore, PrivacyIntegrityError, type FieldCipher } from '@asn/privacy';
import { DEFAULT_RULES } from '../rules/rules';
import { appraisalIdOf, appraisalStreamId, handleAppraisalCommand, openSealed, type Actor, type AppraisalHandlerDeps } from './appraisal.handlers';

const EMPLOYEE = '0190c000-0000-7000-8000-000000000001';
const EVALUATOR = '0190c000-0000-7000-8000-000000000002';
const UNIT = '0190a000-0000-7000-8000-000000000001';
const annual = { kind: 'annual', year: 2026 } as const;
const quarter = { kind: 'quarterly', year: 2026, quarter: 4 } as const;
const hr: Actor = { subject: 'hr-1', role: 'hr', correlationId: 'req-1' };
const evaluator: Actor = { subject: EVALUATOR, role: 'evaluator', correlationId: 'req-2' };
const aspects = { competence: 'meets', discipline: 'meets', integrity: 'above' } as const;

let store: InMemoryEventStore;
let cipher: FieldCipher;
let deps: AppraisalHandlerDeps;

const openAndRate = async (period: typeof annual | typeof quarter, notes: readonly string[]): Promise<RecordedEvent[]> => {
  const appraisalId = appraisalIdOf(EMPLOYEE, period);
  await handleAppraisalCommand(deps, appraisalId, { type: 'OpenAppraisal', employeeId: EMPLOYEE, period, openedBy: 'hr-1', org: { active: true, unitId: UNIT, supervisorId: EVALUATOR } }, hr);
  for (const integrity of notes) {
    await handleAppraisalCommand(
      deps,
      appraisalId,
      { type: 'RateAppraisal', by: EVALUATOR, results: 'meets', behaviour: 'meets', aspects, competencyGaps: [], notes: { integrity } },
      evaluator,
    );
  }
  const recorded: RecordedEvent[] = [];
  for await (const event of store.readStream(appraisalStreamId(appraisalId))) if (event.type === 'AppraisalRated') recorded.push(event);
  return recorded;
};

const notesOf = (recorded: RecordedEvent | undefined): SealedValue => SealedValue.parse((recorded?.data as { notes?: unknown }).notes);

beforeEach(() => {
  store = new InMemoryEventStore();
  cipher = createFieldCipher(createMemoryKeyStore());
  deps = { store, cipher, rules: () => DEFAULT_RULES };
});

describe("an appraisal's notes in the store", () => {
  it('are sealed (no plain text) and open with their own event', async () => {
    const [rated] = await openAndRate(annual, ['Jujur dan teliti']);
    expect(JSON.stringify(rated?.data)).not.toContain('Jujur');
    expect(openSealed(cipher, EMPLOYEE, rated!, notesOf(rated))).toEqual({ integrity: 'Jujur dan teliti' });
  });

  it('do not open when moved to another event of the same appraisal (bound to the event, not only the stream)', async () => {
    const [first, second] = await openAndRate(annual, ['Jujur', 'Kurang teliti']);
    expect(openSealed(cipher, EMPLOYEE, second!, notesOf(second))).toEqual({ integrity: 'Kurang teliti' });
    expect(() => openSealed(cipher, EMPLOYEE, first!, notesOf(second))).toThrow(PrivacyIntegrityError);
  });

  it("do not open when moved to another appraisal of the employee, nor under another employee's key", async () => {
    const [ofYear] = await openAndRate(annual, ['Jujur']);
    const [ofQuarter] = await openAndRate(quarter, ['Teliti']);
    expect(() => openSealed(cipher, EMPLOYEE, ofQuarter!, notesOf(ofYear))).toThrow(PrivacyIntegrityError);
    cipher.seal(UNIT, 'a key for another subject', 'x');
    expect(() => openSealed(cipher, UNIT, ofYear!, notesOf(ofYear))).toThrow(PrivacyIntegrityError);
  });
});
