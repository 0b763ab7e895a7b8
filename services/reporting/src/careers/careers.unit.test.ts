import { randomUUID } from 'node:crypto';
import type { DecodedEvent } from '@asn/bus';
import { cloudEventType, type CorrectableDecision, type Decision, type Golongan } from '@asn/contracts';
import { openOrgChart } from '@asn/org-chart';
import {
  aDecisionId,
  anEmployeeId,
  appointed,
  assigned,
  aUnitId,
  corrected,
  decided,
  decoded,
  established,
  functional,
  managerial,
  pelaksana,
  proposed,
  rejected,
  transferred,
  type TopicEvent,
} from '@asn/org-chart/testing';
import { describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { openCareers, type Careers } from './careers';

// The careers read model fed as the consumer feeds it: decoded personnel-topic events, each with its own
// event id and recording time (one minute apart, in the order given), through the org chart and the careers.

const DINAS = aUnitId(901);
const BAPENDA = aUnitId(902);
const units = [established(DINAS, 'Dinas Pendidikan', '2010-01-01'), established(BAPENDA, 'Badan Pendapatan Daerah', '2010-01-01')];

const T0 = Date.parse('2024-05-01T08:00:00.000Z');

/** A personnel-topic event as the bus delivers it after `decodeWith`. */
const delivered = (event: TopicEvent, time: string, id: string = randomUUID()): DecodedEvent => {
  const { subject, eventType, data } = decoded(event);
  return {
    specversion: '1.0',
    id,
    source: '/asn/personnel',
    type: cloudEventType('personnel', eventType, 1),
    time,
    subject,
    datacontenttype: 'application/json',
    schemaversion: 1,
    streamrevision: 0,
    globalposition: 0,
    eventType,
    data,
  };
};

interface Given {
  careers: Careers;
  db: Database.Database;
  /** Delivers more events, recorded after the ones before. */
  when(...events: TopicEvent[]): DecodedEvent[];
  /** Delivers an event as delivered before (same id), again. */
  redeliver(event: DecodedEvent): void;
  /** When the event was recorded. */
  recordedAt(event: TopicEvent): string;
  /** A millisecond before the event was recorded. */
  justBefore(event: TopicEvent): Date;
}

const given = (...events: TopicEvent[]): Given => {
  const db = new Database(':memory:');
  const orgChart = openOrgChart(db);
  const careers = openCareers(db, orgChart);
  const times = new Map<TopicEvent, string>();
  let n = 0;
  const deliver = (event: DecodedEvent) => {
    orgChart.apply(event);
    careers.apply(event);
  };
  const when = (...more: TopicEvent[]) =>
    more.map((event) => {
      const time = new Date(T0 + ++n * 60_000).toISOString();
      times.set(event, time);
      const d = delivered(event, time);
      deliver(d);
      return d;
    });
  when(...units, ...events);
  const recordedAt = (event: TopicEvent) => {
    const time = times.get(event);
    if (!time) throw new Error('not delivered');
    return time;
  };
  return { careers, db, when, redeliver: deliver, recordedAt, justBefore: (event) => new Date(Date.parse(recordedAt(event)) - 1) };
};

const decisionIdOf = (event: TopicEvent): string => event.decisionId ?? '';
const promotion = (golongan: Golongan): Extract<CorrectableDecision, { kind: 'promotion' }> => ({ kind: 'promotion', promotionKind: 'regular', golongan });

describe('an appointment', () => {
  it('gives a CPNS their unit, position and golongan from the TMT, each decided by the appointment, and nothing before', () => {
    const E = anEmployeeId(1);
    const appointment = appointed(E, '2015-03-01', { unitId: DINAS, employeeType: 'CPNS', position: functional() });
    const { careers, recordedAt } = given(appointment);

    const decidedBy = {
      decisionId: decisionIdOf(appointment),
      eventType: 'EmployeeAppointed',
      skNumber: '800/2015/BKPSDM',
      skDate: '2015-03-01',
      tmt: '2015-03-01',
      signedBy: 'Wali Kota Tanjungbalai',
      legalBasis: 'UU 20/2023 tentang ASN',
      proposedBy: 'staff-1',
      approvedBy: 'approver-1',
      recordedAt: recordedAt(appointment),
    };
    expect(careers.recordOf(E, '2015-03-01')).toEqual({
      employeeId: E,
      asOf: '2015-03-01',
      status: 'active',
      employeeType: 'CPNS',
      rank: { golongan: 'III/a', decidedBy },
      unit: { unitId: DINAS, name: 'Dinas Pendidikan', decidedBy },
      position: { position: functional(), since: '2015-03-01', decidedBy },
      appointedOn: '2015-03-01',
    });
    expect(careers.recordOf(E, '2015-02-28')).toBeUndefined();
    expect(careers.recordOf(anEmployeeId(999), '2020-01-01')).toBeUndefined();
  });

  it('gives a PPPK their grade (no golongan) and the end of the work agreement', () => {
    const E = anEmployeeId(2);
    const { careers } = given(appointed(E, '2021-03-01', { unitId: BAPENDA, employeeType: 'PPPK', contractUntil: '2024-03-01' }));

    const record = careers.recordOf(E, '2022-01-01');
    expect(record).toMatchObject({ status: 'active', employeeType: 'PPPK', rank: { pppkGrade: 'IX' }, unit: { unitId: BAPENDA }, contractUntil: '2024-03-01' });
    expect(record?.rank).not.toHaveProperty('golongan');
  });

  it('names when the decision was proposed when its proposal was recorded', () => {
    const E = anEmployeeId(3);
    const decision: Decision = { kind: 'appointment', employeeType: 'PNS', golongan: 'III/a', unitId: DINAS, position: pelaksana() };
    const id = aDecisionId();
    const proposal = proposed(E, decision, '2015-03-01', DINAS, id);
    const { careers, recordedAt } = given(proposal, decided(E, decision, '2015-03-01', id));

    expect(careers.recordOf(E, '2016-01-01')?.unit.decidedBy).toMatchObject({ decisionId: id, proposedBy: 'staff-1', proposedAt: recordedAt(proposal), approvedBy: 'approver-1' });
  });

  it('is not in service as recorded before the appointment was recorded', () => {
    const E = anEmployeeId(4);
    const appointment = appointed(E, '2015-03-01', { unitId: DINAS });
    const { careers, justBefore, recordedAt } = given(appointment);

    expect(careers.recordOf(E, '2020-01-01', justBefore(appointment))).toBeUndefined();
    expect(careers.recordOf(E, '2020-01-01', new Date(recordedAt(appointment)))).toMatchObject({ status: 'active', recordedBy: recordedAt(appointment) });
  });
});

describe('confirmation and promotions', () => {
  const E = anEmployeeId(10);
  const appointment = appointed(E, '2015-03-01', { unitId: DINAS, employeeType: 'CPNS' });
  const confirmation = decided(E, { kind: 'confirmation' }, '2016-03-01');
  const first = decided(E, promotion('III/b'), '2019-04-01');
  const second = decided(E, promotion('III/c'), '2023-04-01');
  const { careers } = given(appointment, confirmation, first, second);

  it('makes the CPNS a PNS from the confirmation TMT', () => {
    expect(careers.recordOf(E, '2016-02-29')?.employeeType).toBe('CPNS');
    expect(careers.recordOf(E, '2016-03-01')?.employeeType).toBe('PNS');
  });

  it('gives the golongan of the latest promotion on or before the date, decided by it', () => {
    expect(careers.recordOf(E, '2019-03-31')?.rank).toMatchObject({ golongan: 'III/a', decidedBy: { decisionId: decisionIdOf(appointment) } });
    expect(careers.recordOf(E, '2019-04-01')?.rank).toMatchObject({ golongan: 'III/b', decidedBy: { decisionId: decisionIdOf(first), eventType: 'EmployeePromoted', tmt: '2019-04-01' } });
    expect(careers.recordOf(E, '2024-01-01')?.rank).toMatchObject({ golongan: 'III/c', decidedBy: { decisionId: decisionIdOf(second) } });
  });

  it('leaves unit and position decided by the appointment', () => {
    const record = careers.recordOf(E, '2024-01-01');
    expect(record?.unit.decidedBy.decisionId).toBe(decisionIdOf(appointment));
    expect(record?.position).toMatchObject({ since: '2015-03-01', decidedBy: { decisionId: decisionIdOf(appointment) } });
  });
});

describe('a transfer', () => {
  it('within the city moves the employee to the receiving unit from the TMT, decided by the transfer', () => {
    const E = anEmployeeId(20);
    const appointment = appointed(E, '2015-03-01', { unitId: DINAS });
    const transfer = transferred(E, '2020-07-01', BAPENDA);
    const { careers } = given(appointment, transfer);

    expect(careers.recordOf(E, '2020-06-30')?.unit).toMatchObject({ unitId: DINAS, name: 'Dinas Pendidikan', decidedBy: { decisionId: decisionIdOf(appointment) } });
    const after = careers.recordOf(E, '2020-07-01');
    expect(after?.unit).toMatchObject({ unitId: BAPENDA, name: 'Badan Pendapatan Daerah', decidedBy: { decisionId: decisionIdOf(transfer), eventType: 'EmployeeTransferred', tmt: '2020-07-01' } });
    expect(after).toMatchObject({ status: 'active', position: { position: pelaksana(), since: '2020-07-01' } });
  });

  it('out of the city makes the employee left from the TMT, from the unit they were in', () => {
    const E = anEmployeeId(21);
    const { careers } = given(appointed(E, '2015-03-01', { unitId: DINAS }), transferred(E, '2021-01-01'));

    expect(careers.recordOf(E, '2020-12-31')).toMatchObject({ status: 'active' });
    expect(careers.recordOf(E, '2020-12-31')).not.toHaveProperty('leftBy');
    expect(careers.recordOf(E, '2021-01-01')).toMatchObject({ status: 'left', leftBy: 'transfer-out', leftOn: '2021-01-01', unit: { unitId: DINAS } });
    expect(careers.roster('2021-01-01').map((r) => r.employeeId)).not.toContain(E);
  });
});

describe('a position assignment', () => {
  it('gives the position, since the TMT, decided by the assignment', () => {
    const E = anEmployeeId(30);
    const slot = randomUUID();
    const assignment = assigned(E, '2018-01-02', managerial('pengawas', 'Kepala Seksi Kurikulum'), slot);
    const { careers } = given(appointed(E, '2015-03-01', { unitId: DINAS }), assignment);

    expect(careers.recordOf(E, '2018-01-01')?.position).toMatchObject({ position: pelaksana(), since: '2015-03-01' });
    expect(careers.recordOf(E, '2018-01-02')?.position).toEqual({
      position: managerial('pengawas', 'Kepala Seksi Kurikulum'),
      positionId: slot,
      since: '2018-01-02',
      decidedBy: expect.objectContaining({ decisionId: decisionIdOf(assignment), eventType: 'EmployeeAssignedToPosition', tmt: '2018-01-02' }),
    });
  });
});

describe('a discipline sanction', () => {
  const E = anEmployeeId(40);
  const assignment = assigned(E, '2018-01-02', managerial('pengawas', 'Kepala Seksi Kurikulum'));
  const light = decided(E, { kind: 'sanction', severity: 'light', sanction: 'written-warning' }, '2021-01-04');
  const heavy = decided(E, { kind: 'sanction', severity: 'heavy', sanction: 'removal-to-pelaksana', months: 12, position: pelaksana('Pengadministrasi Umum') }, '2022-02-01');
  const { careers } = given(appointed(E, '2015-03-01', { unitId: DINAS }), assignment, light, heavy);

  it('without a position leaves the position as it was', () => {
    expect(careers.recordOf(E, '2021-06-01')?.position).toMatchObject({ position: { kind: 'managerial' }, since: '2018-01-02', decidedBy: { decisionId: decisionIdOf(assignment) } });
  });

  it('that is heavy and carries a position puts the employee in it from the TMT, decided by the sanction', () => {
    expect(careers.recordOf(E, '2022-02-01')).toMatchObject({
      status: 'active',
      position: { position: pelaksana('Pengadministrasi Umum'), since: '2022-02-01', decidedBy: { decisionId: decisionIdOf(heavy), eventType: 'DisciplinarySanctionImposed' } },
    });
  });
});

describe('leaving the service', () => {
  it.each([
    ['dismissal', { kind: 'dismissal', dismissalKind: 'dishonourable', ground: 'crime-related-to-office' }],
    ['retirement', { kind: 'retirement' }],
  ] as const)('by %s makes the employee left on the TMT, active the day before', (leftBy, decision) => {
    const E = anEmployeeId(50);
    const { careers } = given(appointed(E, '2000-03-01', { unitId: BAPENDA }), decided(E, decision, '2024-04-01'));

    expect(careers.recordOf(E, '2024-03-31')).toMatchObject({ status: 'active' });
    expect(careers.recordOf(E, '2024-04-01')).toMatchObject({ status: 'left', leftBy, leftOn: '2024-04-01', unit: { unitId: BAPENDA } });
    expect(careers.recordOf(E, '2030-01-01')).toMatchObject({ status: 'left', leftBy, leftOn: '2024-04-01' });
    expect(careers.roster('2024-03-31').map((r) => r.employeeId)).toEqual([E]);
    expect(careers.roster('2024-04-01')).toEqual([]);
  });

  it("extends a PPPK's work agreement by a renewal and ends it by a contract end", () => {
    const E = anEmployeeId(51);
    const renewal = decided(E, { kind: 'contract-renewal', contractUntil: '2027-03-01' }, '2024-03-01');
    const { careers } = given(appointed(E, '2021-03-01', { unitId: DINAS, employeeType: 'PPPK', contractUntil: '2024-03-01' }), renewal, decided(E, { kind: 'contract-end' }, '2025-07-01'));

    expect(careers.recordOf(E, '2024-02-29')).toMatchObject({ status: 'active', contractUntil: '2024-03-01' });
    expect(careers.recordOf(E, '2024-03-01')).toMatchObject({ status: 'active', contractUntil: '2027-03-01' });
    expect(careers.recordOf(E, '2025-07-01')).toMatchObject({ status: 'left', leftBy: 'contract-end', leftOn: '2025-07-01' });
  });
});

describe('a correction', () => {
  it('with a replacement puts the replacement in force and names the correction; as recorded before it, the original', () => {
    const E = anEmployeeId(60);
    const promoted = decided(E, promotion('III/b'), '2019-04-01');
    const correction = corrected(E, '2019-04-01', decisionIdOf(promoted), promotion('III/c'));
    const { careers, justBefore, recordedAt } = given(appointed(E, '2015-03-01', { unitId: DINAS }), promoted, correction);

    expect(careers.recordOf(E, '2021-03-01')?.rank).toEqual({
      golongan: 'III/c',
      decidedBy: expect.objectContaining({
        decisionId: decisionIdOf(promoted),
        eventType: 'EmployeePromoted',
        correctedBy: expect.objectContaining({ decisionId: decisionIdOf(correction), eventType: 'DecisionCorrected', recordedAt: recordedAt(correction) }),
      }),
    });
    const before = careers.recordOf(E, '2021-03-01', justBefore(correction));
    expect(before?.rank).toMatchObject({ golongan: 'III/b', decidedBy: { decisionId: decisionIdOf(promoted) } });
    expect(before?.rank?.decidedBy).not.toHaveProperty('correctedBy');
  });

  it("with a replacement of another TMT makes the replacement effective from the correction's TMT", () => {
    const E = anEmployeeId(61);
    const transfer = transferred(E, '2020-07-01', BAPENDA);
    const { careers } = given(appointed(E, '2015-03-01', { unitId: DINAS }), transfer, corrected(E, '2020-09-01', decisionIdOf(transfer), { kind: 'transfer', transferKind: 'within-city', toUnitId: BAPENDA }));

    expect(careers.recordOf(E, '2020-08-01')?.unit.unitId).toBe(DINAS);
    expect(careers.recordOf(E, '2020-09-01')?.unit).toMatchObject({ unitId: BAPENDA, decidedBy: { decisionId: decisionIdOf(transfer), correctedBy: { tmt: '2020-09-01' } } });
  });

  it('without a replacement revokes the decision: a revoked transfer leaves the employee in the old unit', () => {
    const E = anEmployeeId(62);
    const appointment = appointed(E, '2015-03-01', { unitId: DINAS });
    const transfer = transferred(E, '2020-07-01', BAPENDA);
    const revocation = corrected(E, '2020-07-01', decisionIdOf(transfer));
    const { careers, justBefore } = given(appointment, transfer, revocation);

    expect(careers.recordOf(E, '2021-01-01')?.unit).toMatchObject({ unitId: DINAS, decidedBy: { decisionId: decisionIdOf(appointment) } });
    expect(careers.recordOf(E, '2021-01-01', justBefore(revocation))?.unit).toMatchObject({ unitId: BAPENDA, decidedBy: { decisionId: decisionIdOf(transfer) } });
    expect(careers.roster('2021-01-01').map((r) => [r.employeeId, r.unit.unitId])).toEqual([[E, DINAS]]);
  });

  it('twice: the latest correction wins, as recorded by any time', () => {
    const E = anEmployeeId(63);
    const promoted = decided(E, promotion('III/b'), '2019-04-01');
    const first = corrected(E, '2019-04-01', decisionIdOf(promoted), promotion('III/c'));
    const second = corrected(E, '2019-04-01', decisionIdOf(promoted), promotion('III/d'));
    const { careers, justBefore } = given(appointed(E, '2015-03-01', { unitId: DINAS }), promoted, first, second);

    expect(careers.recordOf(E, '2020-01-01')?.rank).toMatchObject({ golongan: 'III/d', decidedBy: { correctedBy: { decisionId: decisionIdOf(second) } } });
    expect(careers.recordOf(E, '2020-01-01', justBefore(second))?.rank).toMatchObject({ golongan: 'III/c', decidedBy: { correctedBy: { decisionId: decisionIdOf(first) } } });
    expect(careers.timeline(E).map((e) => e.standing)).toEqual(['in-force', 'replaced', 'correction', 'correction']);
  });

  it('of a promotion that revokes it leaves the golongan of the appointment', () => {
    const E = anEmployeeId(64);
    const appointment = appointed(E, '2015-03-01', { unitId: DINAS });
    const promoted = decided(E, promotion('III/b'), '2019-04-01');
    const { careers } = given(appointment, promoted, corrected(E, '2019-04-01', decisionIdOf(promoted)));

    expect(careers.recordOf(E, '2020-01-01')?.rank).toMatchObject({ golongan: 'III/a', decidedBy: { decisionId: decisionIdOf(appointment) } });
  });
});

describe('a decision recorded late with an earlier TMT', () => {
  const E = anEmployeeId(70);
  const appointment = appointed(E, '2015-03-01', { unitId: DINAS });
  const transfer = transferred(E, '2020-07-01', BAPENDA);
  const latePromotion = decided(E, promotion('III/b'), '2019-04-01');
  const lateTransfer = transferred(E, '2018-01-01', BAPENDA);
  const { careers, justBefore, recordedAt } = given(appointment, transfer, latePromotion);

  it('counts from its TMT once recorded', () => {
    expect(careers.recordOf(E, '2019-03-31')?.rank?.golongan).toBe('III/a');
    expect(careers.recordOf(E, '2019-04-01')?.rank).toMatchObject({ golongan: 'III/b', decidedBy: { recordedAt: recordedAt(latePromotion) } });
  });

  it('is left out as recorded before its recording', () => {
    const before = careers.recordOf(E, '2021-01-01', justBefore(latePromotion));
    expect(before).toMatchObject({ rank: { golongan: 'III/a' }, unit: { unitId: BAPENDA }, recordedBy: justBefore(latePromotion).toISOString() });
    expect(careers.recordOf(E, '2021-01-01', new Date(recordedAt(latePromotion)))?.rank?.golongan).toBe('III/b');
  });

  it('moves the employee back in time only as recorded after it', () => {
    const world = given(appointed(E, '2015-03-01', { unitId: DINAS }), lateTransfer);
    expect(world.careers.recordOf(E, '2019-01-01')?.unit.unitId).toBe(BAPENDA);
    expect(world.careers.recordOf(E, '2019-01-01', world.justBefore(lateTransfer))?.unit.unitId).toBe(DINAS);
    expect(world.careers.roster('2019-01-01', world.justBefore(lateTransfer)).map((r) => r.unit.unitId)).toEqual([DINAS]);
  });
});

describe('the timeline', () => {
  const E = anEmployeeId(80);
  const appointment: Decision = { kind: 'appointment', employeeType: 'CPNS', golongan: 'II/a', unitId: DINAS, position: pelaksana() };
  const A = aDecisionId();
  const P1 = aDecisionId();
  const P2 = aDecisionId();
  const promotedP2 = decided(E, promotion('II/b'), '2019-04-01', P2);
  const transfer = transferred(E, '2020-07-01', BAPENDA);
  const erased: TopicEvent = { subject: `employee-${E}`, eventType: 'PersonalDataErased', data: { erasedBy: 'dpo-1', reason: 'Permintaan subjek data' } };
  const events: TopicEvent[] = [
    proposed(E, appointment, '2015-03-01', DINAS, A),
    decided(E, appointment, '2015-03-01', A),
    proposed(E, promotion('II/b'), '2019-04-01', DINAS, P1),
    rejected(E, P1),
    proposed(E, promotion('II/b'), '2019-04-01', DINAS, P2),
    promotedP2,
    transfer,
    corrected(E, '2020-07-01', decisionIdOf(transfer)),
    corrected(E, '2019-04-01', P2, promotion('II/c')),
    decided(E, { kind: 'personal-data-correction' }, '2022-01-01'),
    erased,
  ];
  const { careers, recordedAt } = given(...events);

  it('lists proposals, rejections, decisions, corrections and erasures in recording order, each decision with its standing', () => {
    const timeline = careers.timeline(E);
    expect(timeline.map((e) => [e.eventType, e.decisionId, e.standing])).toEqual([
      ['DecisionProposed', A, undefined],
      ['EmployeeAppointed', A, 'in-force'],
      ['DecisionProposed', P1, undefined],
      ['DecisionRejected', P1, undefined],
      ['DecisionProposed', P2, undefined],
      ['EmployeePromoted', P2, 'replaced'],
      ['EmployeeTransferred', decisionIdOf(transfer), 'revoked'],
      ['DecisionCorrected', decisionIdOf(events[7]!), 'correction'],
      ['DecisionCorrected', decisionIdOf(events[8]!), 'correction'],
      ['PersonalDataCorrected', decisionIdOf(events[9]!), 'not-career'],
      ['PersonalDataErased', undefined, undefined],
    ]);
    expect(timeline.map((e) => e.recordedAt)).toEqual(events.map(recordedAt));
  });

  it('names who proposed, approved or rejected and why, with the decree and TMT', () => {
    const timeline = careers.timeline(E);
    expect(timeline[3]).toEqual({ eventId: expect.any(String), eventType: 'DecisionRejected', recordedAt: recordedAt(events[3]!), decisionId: P1, rejectedBy: 'approver-1', reason: 'Berkas belum lengkap' });
    expect(timeline[5]).toMatchObject({ kind: 'promotion', tmt: '2019-04-01', proposedBy: 'staff-1', approvedBy: 'approver-1', decree: { skNumber: '800/2019/BKPSDM', tmt: '2019-04-01' }, decision: promotion('II/b') });
    expect(timeline[7]).toMatchObject({ kind: 'correction', decision: { correctsDecisionId: decisionIdOf(transfer), reason: 'Salah ketik pada SK' } });
    expect(timeline[10]).toMatchObject({ eventType: 'PersonalDataErased', erasedBy: 'dpo-1', reason: 'Permintaan subjek data' });
  });

  it('gives the record the corrections make of it', () => {
    expect(careers.recordOf(E, '2021-01-01')).toMatchObject({ rank: { golongan: 'II/c' }, unit: { unitId: DINAS }, employeeType: 'CPNS' });
  });

  it('is empty for an unknown employee', () => {
    expect(careers.timeline(anEmployeeId(998))).toEqual([]);
  });
});

describe('personal data', () => {
  it('is never stored: the sealed personal field is dropped from every row', () => {
    const E = anEmployeeId(90);
    const sealed = {
      alg: 'A256GCM',
      iv: Buffer.alloc(12, 7).toString('base64url'),
      ct: Buffer.from('Siti Aminah 198609262015052001').toString('base64url'),
      tag: Buffer.alloc(16, 9).toString('base64url'),
    };
    const withPersonal = (event: TopicEvent): TopicEvent => ({ ...event, data: { ...(event.data as object), personal: sealed } });
    const decision: Decision = { kind: 'appointment', employeeType: 'PNS', golongan: 'III/a', unitId: DINAS, position: pelaksana() };
    const id = aDecisionId();
    const { careers, db } = given(
      withPersonal(proposed(E, decision, '2015-03-01', DINAS, id)),
      withPersonal(decided(E, decision, '2015-03-01', id)),
      withPersonal(decided(E, { kind: 'personal-data-correction' }, '2016-01-01')),
    );

    const rows = db.prepare('SELECT * FROM career_events WHERE employee_id = ?').all(E);
    expect(rows).toHaveLength(3);
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain('personal"');
    expect(stored).not.toContain(sealed.ct);
    expect(stored).not.toContain(sealed.iv);
    expect(JSON.stringify(careers.timeline(E))).not.toContain(sealed.ct);
    expect(careers.recordOf(E, '2016-01-01')).toMatchObject({ status: 'active' });
  });
});

describe('a redelivered event (P8)', () => {
  it('is stored once and changes nothing', () => {
    const E = anEmployeeId(100);
    const transfer = transferred(E, '2020-07-01', BAPENDA);
    const world = given(appointed(E, '2015-03-01', { unitId: DINAS }));
    const [first] = world.when(transfer);
    const timeline = world.careers.timeline(E);
    const record = world.careers.recordOf(E, '2021-01-01');
    const roster = world.careers.roster('2021-01-01');

    for (let i = 0; i < 4; i++) world.redeliver(first!);

    expect(world.db.prepare('SELECT COUNT(*) AS n FROM career_events WHERE employee_id = ?').get(E)).toEqual({ n: 2 });
    expect(world.careers.timeline(E)).toEqual(timeline);
    expect(world.careers.recordOf(E, '2021-01-01')).toEqual(record);
    expect(world.careers.roster('2021-01-01')).toEqual(roster);
  });
});

describe('events that are not careers', () => {
  it('are ignored: unit events, and an employee event type on a unit stream, write no rows', () => {
    const { db, careers } = given();
    const stray = { ...decoded(appointed(anEmployeeId(101), '2015-03-01', { unitId: DINAS })), subject: `unit-${anEmployeeId(101)}` };
    careers.apply(delivered(stray, new Date(T0).toISOString()));
    expect(db.prepare('SELECT COUNT(*) AS n FROM career_events').get()).toEqual({ n: 0 });
    expect(careers.employeeIds()).toEqual([]);
  });
});

describe('the roster', () => {
  // Appointed out of id order, so that the order comes from the sort.
  const [E1, E2, E3, E4, E5] = [anEmployeeId(111), anEmployeeId(112), anEmployeeId(113), anEmployeeId(114), anEmployeeId(115)];
  const moveOfE3 = transferred(E3, '2020-07-01', BAPENDA);
  const { careers, justBefore } = given(
    appointed(E5, '2021-01-01', { unitId: DINAS }),
    appointed(E4, '2015-03-01', { unitId: BAPENDA }),
    appointed(E3, '2015-03-01', { unitId: DINAS }),
    appointed(E2, '2015-03-01', { unitId: DINAS, employeeType: 'PPPK' }),
    appointed(E1, '2015-03-01', { unitId: BAPENDA }),
    decided(E4, { kind: 'dismissal', dismissalKind: 'honourable', ground: 'unfit-for-duty' }, '2019-01-01'),
    moveOfE3,
  );
  const rosterOn = (asOf: string, recordedBy?: Date) => careers.roster(asOf, recordedBy).map((r) => [r.unit.unitId === DINAS ? 'DINAS' : 'BAPENDA', r.employeeId]);

  it('lists those active on the date, by unit then id', () => {
    expect(DINAS < BAPENDA).toBe(true);
    expect(rosterOn('2018-01-01')).toEqual([
      ['DINAS', E2],
      ['DINAS', E3],
      ['BAPENDA', E1],
      ['BAPENDA', E4],
    ]);
  });

  it('moves people across units by TMT, leaves out those who left and those not yet appointed', () => {
    expect(rosterOn('2020-06-30')).toEqual([
      ['DINAS', E2],
      ['DINAS', E3],
      ['BAPENDA', E1],
    ]);
    expect(rosterOn('2021-01-01')).toEqual([
      ['DINAS', E2],
      ['DINAS', E5],
      ['BAPENDA', E1],
      ['BAPENDA', E3],
    ]);
    expect(rosterOn('2014-12-31')).toEqual([]);
  });

  it('as recorded by a time leaves out what was recorded after it', () => {
    expect(rosterOn('2021-01-01', justBefore(moveOfE3))).toEqual([
      ['DINAS', E2],
      ['DINAS', E3],
      ['DINAS', E5],
      ['BAPENDA', E1],
    ]);
    expect(careers.roster('2021-01-01', justBefore(moveOfE3)).every((r) => r.recordedBy === justBefore(moveOfE3).toISOString())).toBe(true);
  });

  it('carries each one’s record: type and rank', () => {
    const e2 = careers.roster('2021-01-01').find((r) => r.employeeId === E2);
    expect(e2).toMatchObject({ employeeType: 'PPPK', rank: { pppkGrade: 'IX' } });
  });

  it('knows every appointed employee', () => {
    expect(careers.employeeIds()).toEqual([E1, E2, E3, E4, E5]);
  });
});

describe('the movements of a period', () => {
  it('list each decision in force with TMT in the period by TMT then employee: kind, unit (from and to of a transfer), golongan, SK, proposer, approver, recording time', () => {
    const [E, F] = [anEmployeeId(80), anEmployeeId(81)];
    const promoted = decided(F, promotion('III/b'), '2021-04-01');
    const transfer = transferred(E, '2021-04-01', BAPENDA);
    const dismissal = decided(E, { kind: 'dismissal', dismissalKind: 'honourable', ground: 'death' }, '2021-09-01');
    const { careers, recordedAt } = given(appointed(F, '2015-03-01', { unitId: DINAS }), appointed(E, '2021-01-04', { unitId: DINAS }), promoted, transfer, dismissal);

    expect(careers.movements('2021-01-01', '2021-12-31')).toEqual([
      expect.objectContaining({ employeeId: E, kind: 'appointment', tmt: '2021-01-04', unitId: DINAS, unitName: 'Dinas Pendidikan', golongan: 'III/a' }),
      {
        employeeId: E,
        decisionId: decisionIdOf(transfer),
        kind: 'transfer',
        tmt: '2021-04-01',
        unitId: DINAS,
        unitName: 'Dinas Pendidikan',
        toUnitId: BAPENDA,
        toUnitName: 'Badan Pendapatan Daerah',
        skNumber: '800/2021/BKPSDM',
        proposedBy: 'staff-1',
        approvedBy: 'approver-1',
        recordedAt: recordedAt(transfer),
      },
      { employeeId: F, decisionId: decisionIdOf(promoted), kind: 'promotion', tmt: '2021-04-01', unitId: DINAS, unitName: 'Dinas Pendidikan', golongan: 'III/b', skNumber: '800/2021/BKPSDM', proposedBy: 'staff-1', approvedBy: 'approver-1', recordedAt: recordedAt(promoted) },
      expect.objectContaining({ employeeId: E, kind: 'dismissal', tmt: '2021-09-01', unitId: BAPENDA }),
    ]);
  });

  it('include both ends of the period and nothing outside it', () => {
    const E = anEmployeeId(82);
    const { careers } = given(appointed(E, '2020-12-31', { unitId: DINAS }), decided(E, promotion('III/b'), '2021-01-01'), decided(E, promotion('III/c'), '2021-12-31'), decided(E, promotion('III/d'), '2022-01-01'));

    expect(careers.movements('2021-01-01', '2021-12-31').map((m) => [m.tmt, m.golongan])).toEqual([
      ['2021-01-01', 'III/b'],
      ['2021-12-31', 'III/c'],
    ]);
  });

  it('leave out a revoked decision', () => {
    const E = anEmployeeId(83);
    const transfer = transferred(E, '2021-07-01', BAPENDA);
    const { careers } = given(appointed(E, '2015-03-01', { unitId: DINAS }), transfer, corrected(E, '2021-07-01', decisionIdOf(transfer)));

    expect(careers.movements('2021-01-01', '2021-12-31')).toEqual([]);
  });

  it("count a replaced decision as its replacement, at the correction's TMT, naming the correction; as recorded before it, the original", () => {
    const E = anEmployeeId(84);
    const promoted = decided(E, promotion('III/b'), '2021-04-01');
    const correction = corrected(E, '2021-10-01', decisionIdOf(promoted), promotion('III/c'));
    const { careers, recordedAt, justBefore } = given(appointed(E, '2015-03-01', { unitId: DINAS }), promoted, correction);

    expect(careers.movements('2021-01-01', '2021-12-31')).toEqual([
      expect.objectContaining({
        decisionId: decisionIdOf(promoted),
        kind: 'promotion',
        tmt: '2021-10-01',
        golongan: 'III/c',
        recordedAt: recordedAt(promoted),
        correctedBy: { decisionId: decisionIdOf(correction), skNumber: '800/2021/BKPSDM', proposedBy: 'staff-1', approvedBy: 'approver-1', recordedAt: recordedAt(correction) },
      }),
    ]);
    expect(careers.movements('2021-01-01', '2021-09-30')).toEqual([]);
    const before = careers.movements('2021-01-01', '2021-12-31', justBefore(correction));
    expect(before.map((m) => [m.tmt, m.golongan])).toEqual([['2021-04-01', 'III/b']]);
    expect(before[0]).not.toHaveProperty('correctedBy');
  });

  it("agree with the record as of each movement's TMT (the same decisions in force)", () => {
    const E = anEmployeeId(85);
    const first = transferred(E, '2019-01-01', BAPENDA);
    const promoted = decided(E, promotion('III/b'), '2020-04-01');
    const { careers } = given(
      appointed(E, '2015-03-01', { unitId: DINAS }),
      first,
      promoted,
      transferred(E, '2022-01-01', DINAS),
      corrected(E, '2019-06-01', decisionIdOf(first), { kind: 'transfer', transferKind: 'within-city', toUnitId: BAPENDA }),
      corrected(E, '2020-04-01', decisionIdOf(promoted), promotion('III/c')),
    );

    const movements = careers.movements('2000-01-01', '2099-12-31');
    expect(movements.map((m) => `${m.tmt} ${m.kind}`)).toEqual(['2015-03-01 appointment', '2019-06-01 transfer', '2020-04-01 promotion', '2022-01-01 transfer']);
    for (const m of movements) {
      const record = careers.recordOf(E, m.tmt);
      expect([m.tmt, record?.unit.unitId]).toEqual([m.tmt, m.toUnitId ?? m.unitId]);
      if (m.golongan) expect([m.tmt, record?.rank?.golongan]).toEqual([m.tmt, m.golongan]);
    }
    const dayBefore = careers.recordOf(E, '2019-05-31');
    expect(dayBefore?.unit.unitId).toBe(movements[1]?.unitId);
  });

  it('name no unit to go to when a transfer leaves the city', () => {
    const E = anEmployeeId(86);
    const { careers } = given(appointed(E, '2015-03-01', { unitId: DINAS }), transferred(E, '2021-03-01'));

    const [transfer] = careers.movements('2021-01-01', '2021-12-31');
    expect(transfer).toMatchObject({ kind: 'transfer', unitId: DINAS });
    expect(transfer).not.toHaveProperty('toUnitId');
  });
});
