import { InvalidStreamIdError, UnknownEventTypeError } from '@asn/contracts';
import { describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { openOrgChart } from './orgChart';
import {
  aDecisionId,
  anEmployeeId,
  appointed,
  assigned,
  aUnitId,
  corrected,
  decided,
  decoded,
  dissolved,
  established,
  functional,
  given,
  managerial,
  pelaksana,
  proposed,
  rejected,
  renamed,
  transferred,
  type TopicEvent,
} from './orgChart.fixtures';
import { personnelTopicRegistry } from './topic';

// A small city: the Setda at the top, a dinas under it, a bidang under the dinas, and a second dinas.
const PEMKOT = aUnitId(1);
const DINAS = aUnitId(2);
const BIDANG = aUnitId(3);
const DINAS_2 = aUnitId(4);
const units: TopicEvent[] = [
  established(PEMKOT, 'Sekretariat Daerah', '2016-01-01'),
  established(DINAS, 'Dinas Pendidikan', '2016-01-01', PEMKOT),
  established(BIDANG, 'Bidang Pembinaan SD', '2016-01-01', DINAS),
  established(DINAS_2, 'Dinas Kesehatan', '2016-01-01', PEMKOT),
];

const SEKDA = anEmployeeId(1);
const KADIS = anEmployeeId(2);
const KABID = anEmployeeId(3);
const KASI = anEmployeeId(4);
const STAFF = anEmployeeId(5);
const KADIS_2 = anEmployeeId(6);
const ANALIS = anEmployeeId(7);

const city: TopicEvent[] = [
  ...units,
  appointed(SEKDA, '2016-01-01', { unitId: PEMKOT, position: managerial('jpt-pratama', 'Sekretaris Daerah') }),
  appointed(KADIS, '2016-01-01', { unitId: DINAS, position: managerial('jpt-pratama', 'Kepala Dinas Pendidikan') }),
  appointed(KABID, '2016-01-01', {
    unitId: BIDANG,
    position: managerial('administrator', 'Kepala Bidang Pembinaan SD'),
  }),
  appointed(KASI, '2016-01-01', { unitId: BIDANG, position: managerial('pengawas', 'Kepala Seksi Kurikulum') }),
  appointed(STAFF, '2016-01-01', { unitId: BIDANG }),
  appointed(KADIS_2, '2016-01-01', { unitId: DINAS_2, position: managerial('jpt-pratama', 'Kepala Dinas Kesehatan') }),
];

const NEW = anEmployeeId(100);

describe('an appointment', () => {
  it('makes the employee exist from the TMT, not before', () => {
    const { chart, when } = given(...units);

    const change = when(appointed(NEW, '2020-03-01', { unitId: BIDANG, employeeType: 'CPNS', position: functional() }));

    expect(change).toEqual({ kind: 'employee-changed', employeeId: NEW });
    expect(chart.employeeOn(NEW, '2020-02-29')).toBeUndefined();
    expect(chart.employeeOn(NEW, '2020-03-01')).toEqual({
      employeeId: NEW,
      employeeType: 'CPNS',
      unitId: BIDANG,
      position: functional(),
      status: 'active',
      appointedOn: '2020-03-01',
    });
    expect(chart.membersOf(BIDANG, '2020-02-29').map((e) => e.employeeId)).not.toContain(NEW);
    expect(chart.membersOf(BIDANG, '2020-03-01').map((e) => e.employeeId)).toContain(NEW);
  });

  it('of a PPPK keeps the end of the work agreement', () => {
    const { chart } = given(
      ...units,
      appointed(NEW, '2022-01-01', { unitId: BIDANG, employeeType: 'PPPK', contractUntil: '2027-01-01' }),
    );

    expect(chart.employeeOn(NEW, '2023-01-01')).toMatchObject({ employeeType: 'PPPK', contractUntil: '2027-01-01' });
  });

  it('is unknown for an employee never appointed', () => {
    const { chart } = given(...city);

    expect(chart.employeeOn(NEW, '2024-01-01')).toBeUndefined();
    expect(chart.supervisorOf(NEW, '2024-01-01')).toBeUndefined();
  });
});

describe('the direct supervisor', () => {
  it('of a pengawas is the administrator heading the unit', () => {
    const { chart } = given(...city);

    expect(chart.supervisorOf(KASI, '2024-01-01')).toBe(KABID);
  });

  it('of a non-managerial employee is the highest managerial holder of the unit', () => {
    const { chart } = given(...city);

    expect(chart.supervisorOf(STAFF, '2024-01-01')).toBe(KABID);
  });

  it('of the head of a unit is the head of the parent unit', () => {
    const { chart } = given(...city);

    expect(chart.supervisorOf(KABID, '2024-01-01')).toBe(KADIS);
    expect(chart.supervisorOf(KADIS, '2024-01-01')).toBe(SEKDA);
  });

  it('skips a parent unit without a managerial holder and takes the head further up', () => {
    const { chart } = given(...city, transferred(KADIS, '2023-01-01', DINAS_2));

    expect(chart.supervisorOf(KABID, '2022-12-31')).toBe(KADIS);
    expect(chart.supervisorOf(KABID, '2023-01-01')).toBe(SEKDA);
  });

  it('of a non-managerial employee in a unit without managers is the head of the parent unit', () => {
    const { chart } = given(...city, transferred(STAFF, '2023-01-01', DINAS));

    expect(chart.supervisorOf(STAFF, '2023-01-01')).toBe(KADIS);
  });

  it('does not exist at the top', () => {
    const { chart } = given(...city);

    expect(chart.supervisorOf(SEKDA, '2024-01-01')).toBeUndefined();
  });

  it('is never the employee themselves', () => {
    const { chart } = given(
      ...units,
      appointed(NEW, '2020-01-01', { unitId: PEMKOT, position: managerial('pengawas') }),
    );

    expect(chart.supervisorOf(NEW, '2024-01-01')).toBeUndefined();
  });

  it('is not an equal: a second pengawas is supervised by the administrator, not the first pengawas', () => {
    const { chart } = given(
      ...city,
      appointed(NEW, '2020-01-01', { unitId: BIDANG, position: managerial('pengawas', 'Kepala Seksi Sarpras') }),
    );

    expect(chart.supervisorOf(NEW, '2024-01-01')).toBe(KABID);
  });

  it('among holders of the same level is the one who held the position longest, then the lowest id', () => {
    const second = anEmployeeId(201);
    const first = anEmployeeId(202);
    const same = anEmployeeId(200);
    const { chart } = given(
      ...units,
      appointed(second, '2019-01-01', { unitId: BIDANG, position: managerial('administrator') }),
      appointed(first, '2018-01-01', { unitId: BIDANG, position: managerial('administrator') }),
      appointed(NEW, '2020-01-01', { unitId: BIDANG }),
    );
    expect(chart.supervisorOf(NEW, '2024-01-01')).toBe(first);

    const tie = given(
      ...units,
      appointed(second, '2018-01-01', { unitId: BIDANG, position: managerial('administrator') }),
      appointed(same, '2018-01-01', { unitId: BIDANG, position: managerial('administrator') }),
      appointed(NEW, '2020-01-01', { unitId: BIDANG }),
    );
    expect(tie.chart.supervisorOf(NEW, '2024-01-01')).toBe(same);
  });

  it('of someone not active on the date does not exist', () => {
    const { chart } = given(...city, decided(STAFF, { kind: 'retirement' }, '2024-01-01'));

    expect(chart.supervisorOf(STAFF, '2023-12-31')).toBe(KABID);
    expect(chart.supervisorOf(STAFF, '2024-01-01')).toBeUndefined();
    expect(chart.supervisorOf(STAFF, '2015-12-31')).toBeUndefined();
  });

  it('follows a new head from their TMT', () => {
    const { chart, when } = given(...city, decided(KABID, { kind: 'retirement' }, '2024-06-01'));

    expect(chart.supervisorOf(STAFF, '2024-06-01')).toBe(KASI);

    when(appointed(NEW, '2024-07-01', { unitId: BIDANG, position: managerial('administrator') }));

    expect(chart.supervisorOf(STAFF, '2024-06-30')).toBe(KASI);
    expect(chart.supervisorOf(STAFF, '2024-07-01')).toBe(NEW);
    expect(chart.supervisorOf(KASI, '2024-06-30')).toBe(KADIS);
  });
});

describe('a transfer', () => {
  it('changes the unit, and so the supervisor, from its TMT on but not before', () => {
    const { chart, when } = given(...city);

    const change = when(transferred(STAFF, '2023-07-01', DINAS_2));

    expect(change).toEqual({ kind: 'employee-changed', employeeId: STAFF });
    expect(chart.employeeOn(STAFF, '2023-06-30')?.unitId).toBe(BIDANG);
    expect(chart.supervisorOf(STAFF, '2023-06-30')).toBe(KABID);
    expect(chart.employeeOn(STAFF, '2023-07-01')?.unitId).toBe(DINAS_2);
    expect(chart.supervisorOf(STAFF, '2023-07-01')).toBe(KADIS_2);
    expect(chart.membersOf(BIDANG, '2023-07-01').map((e) => e.employeeId)).not.toContain(STAFF);
    expect(chart.membersOf(DINAS_2, '2023-07-01').map((e) => e.employeeId)).toContain(STAFF);
  });

  it('leaves the slot of the old unit behind', () => {
    const slot = '0190d000-0000-7000-8000-000000000001';
    const { chart } = given(
      ...city,
      assigned(STAFF, '2020-01-01', functional(), slot),
      transferred(STAFF, '2023-07-01', DINAS_2),
    );

    expect(chart.employeeOn(STAFF, '2023-06-30')).toMatchObject({ position: functional(), positionId: slot });
    expect(chart.employeeOn(STAFF, '2023-07-01')).toMatchObject({ position: functional() });
    expect(chart.employeeOn(STAFF, '2023-07-01')?.positionId).toBeUndefined();
  });

  it('out of the city makes the employee leave, by transfer-out', () => {
    const { chart, when } = given(...city);

    const change = when(transferred(STAFF, '2023-07-01'));

    expect(change).toEqual({ kind: 'employee-left', employeeId: STAFF, tmt: '2023-07-01', by: 'transfer-out' });
    expect(chart.employeeOn(STAFF, '2023-07-01')).toMatchObject({
      status: 'left',
      leftOn: '2023-07-01',
      leftBy: 'transfer-out',
      unitId: BIDANG,
    });
  });

  it('recorded after a later decision still takes effect at its own TMT', () => {
    const { chart } = given(
      ...city,
      assigned(STAFF, '2024-01-01', functional()),
      transferred(STAFF, '2023-01-01', DINAS_2),
    );

    expect(chart.employeeOn(STAFF, '2022-12-31')).toMatchObject({ unitId: BIDANG, position: pelaksana() });
    expect(chart.employeeOn(STAFF, '2023-01-01')).toMatchObject({ unitId: DINAS_2, position: pelaksana() });
    expect(chart.employeeOn(STAFF, '2024-01-01')).toMatchObject({ unitId: DINAS_2, position: functional() });
  });
});

describe.each([
  ['dismissal', { kind: 'dismissal', dismissalKind: 'own-request', ground: 'own-request' }],
  ['retirement', { kind: 'retirement' }],
  ['contract-end', { kind: 'contract-end' }],
] as const)('a %s', (by, decision) => {
  it('makes the employee leave from its TMT and is reported as employee-left', () => {
    const { chart, when } = given(...city);

    const change = when(decided(STAFF, decision, '2025-01-01'));

    expect(change).toEqual({ kind: 'employee-left', employeeId: STAFF, tmt: '2025-01-01', by });
    expect(chart.employeeOn(STAFF, '2024-12-31')?.status).toBe('active');
    expect(chart.employeeOn(STAFF, '2025-01-01')).toEqual({
      employeeId: STAFF,
      employeeType: 'PNS',
      unitId: BIDANG,
      position: pelaksana(),
      status: 'left',
      leftOn: '2025-01-01',
      leftBy: by,
      appointedOn: '2016-01-01',
    });
  });

  it('takes the employee off the unit from its TMT', () => {
    const { chart } = given(...city, decided(STAFF, decision, '2025-01-01'));

    expect(chart.membersOf(BIDANG, '2024-12-31').map((e) => e.employeeId)).toEqual([KABID, KASI, STAFF]);
    expect(chart.membersOf(BIDANG, '2025-01-01').map((e) => e.employeeId)).toEqual([KABID, KASI]);
  });
});

describe('an appointment after leaving', () => {
  it('makes the employee active again from its TMT, left in between', () => {
    const { chart, when } = given(
      ...city,
      decided(STAFF, { kind: 'dismissal', dismissalKind: 'own-request', ground: 'own-request' }, '2020-01-01'),
    );

    const change = when(
      appointed(STAFF, '2022-01-01', { unitId: DINAS_2, employeeType: 'PPPK', contractUntil: '2027-01-01' }),
    );

    expect(change).toEqual({ kind: 'employee-changed', employeeId: STAFF });
    expect(chart.employeeOn(STAFF, '2021-01-01')).toMatchObject({
      status: 'left',
      leftOn: '2020-01-01',
      unitId: BIDANG,
      appointedOn: '2016-01-01',
    });
    expect(chart.employeeOn(STAFF, '2022-01-01')).toMatchObject({
      status: 'active',
      unitId: DINAS_2,
      employeeType: 'PPPK',
      appointedOn: '2022-01-01',
    });
    expect(chart.supervisorOf(STAFF, '2022-01-01')).toBe(KADIS_2);
  });
});

describe('a correction', () => {
  it('revoking a transfer puts the employee back in the old unit', () => {
    const transfer = transferred(STAFF, '2023-07-01', DINAS_2);
    const { chart, when } = given(...city, transfer);

    const change = when(corrected(STAFF, '2023-08-01', transfer.decisionId!));

    expect(change).toEqual({ kind: 'employee-changed', employeeId: STAFF });
    expect(chart.employeeOn(STAFF, '2024-01-01')?.unitId).toBe(BIDANG);
    expect(chart.supervisorOf(STAFF, '2024-01-01')).toBe(KABID);
    expect(chart.membersOf(DINAS_2, '2024-01-01').map((e) => e.employeeId)).toEqual([KADIS_2]);
  });

  it("replacing a transfer moves the employee to the replacement's unit, from the correction's TMT", () => {
    const transfer = transferred(STAFF, '2023-07-01', DINAS_2);
    const { chart } = given(
      ...city,
      transfer,
      corrected(STAFF, '2023-07-15', transfer.decisionId!, {
        kind: 'transfer',
        transferKind: 'within-city',
        toUnitId: DINAS,
      }),
    );

    expect(chart.employeeOn(STAFF, '2023-07-01')?.unitId).toBe(BIDANG);
    expect(chart.employeeOn(STAFF, '2023-07-15')?.unitId).toBe(DINAS);
    expect(chart.supervisorOf(STAFF, '2023-07-15')).toBe(KADIS);
    expect(chart.membersOf(DINAS_2, '2023-07-15').map((e) => e.employeeId)).toEqual([KADIS_2]);
  });

  it('revoking a dismissal brings the employee back, and is not reported as leaving', () => {
    const dismissal = decided(
      STAFF,
      { kind: 'dismissal', dismissalKind: 'honourable', ground: 'not-performing' },
      '2024-01-01',
    );
    const { chart, when } = given(...city, dismissal);

    const change = when(corrected(STAFF, '2024-02-01', dismissal.decisionId!));

    expect(change).toEqual({ kind: 'employee-changed', employeeId: STAFF });
    expect(chart.employeeOn(STAFF, '2024-06-01')?.status).toBe('active');
  });

  it('moving the TMT of a retirement is reported as leaving on the new TMT', () => {
    const retirement = decided(STAFF, { kind: 'retirement' }, '2024-01-01');
    const { chart, when } = given(...city, retirement);

    const change = when(corrected(STAFF, '2024-03-01', retirement.decisionId!, { kind: 'retirement' }));

    expect(change).toEqual({ kind: 'employee-left', employeeId: STAFF, tmt: '2024-03-01', by: 'retirement' });
    expect(chart.employeeOn(STAFF, '2024-02-01')?.status).toBe('active');
  });
});

describe('a confirmation', () => {
  it('makes a CPNS a PNS from its TMT', () => {
    const { chart } = given(
      ...units,
      appointed(NEW, '2020-03-01', { unitId: BIDANG, employeeType: 'CPNS' }),
      decided(NEW, { kind: 'confirmation' }, '2021-03-01'),
    );

    expect(chart.employeeOn(NEW, '2021-02-28')?.employeeType).toBe('CPNS');
    expect(chart.employeeOn(NEW, '2021-03-01')?.employeeType).toBe('PNS');
  });
});

describe('a change of position', () => {
  it('by assignment changes the position and its slot from the TMT', () => {
    const slot = '0190d000-0000-7000-8000-000000000002';
    const { chart } = given(
      ...city,
      assigned(STAFF, '2022-01-01', managerial('pengawas', 'Kepala Seksi Sarpras'), slot),
    );

    expect(chart.employeeOn(STAFF, '2022-01-01')).toMatchObject({
      position: managerial('pengawas', 'Kepala Seksi Sarpras'),
      positionId: slot,
    });
    expect(chart.supervisorOf(STAFF, '2022-01-01')).toBe(KABID);
  });

  it('by a demoting sanction makes a head a subordinate', () => {
    const { chart } = given(
      ...city,
      decided(
        KABID,
        { kind: 'sanction', severity: 'heavy', sanction: 'removal-to-pelaksana', months: 12, position: pelaksana() },
        '2024-01-01',
      ),
    );

    expect(chart.supervisorOf(KABID, '2023-12-31')).toBe(KADIS);
    expect(chart.supervisorOf(KABID, '2024-01-01')).toBe(KASI);
    expect(chart.supervisorOf(STAFF, '2024-01-01')).toBe(KASI);
  });

  it('is not made by a sanction without a position, nor by a promotion in rank', () => {
    const { chart, when } = given(...city);

    expect(
      when(decided(STAFF, { kind: 'sanction', severity: 'light', sanction: 'oral-warning' }, '2024-01-01')),
    ).toBeUndefined();
    expect(
      when(decided(STAFF, { kind: 'promotion', promotionKind: 'regular', golongan: 'III/b' }, '2024-04-01')),
    ).toBeUndefined();
    expect(chart.employeeOn(STAFF, '2024-06-01')).toMatchObject({ position: pelaksana(), unitId: BIDANG });
  });
});

describe('a contract renewal', () => {
  it('extends the work agreement from its TMT', () => {
    const { chart } = given(
      ...units,
      appointed(NEW, '2022-01-01', { unitId: BIDANG, employeeType: 'PPPK', contractUntil: '2025-01-01' }),
      decided(NEW, { kind: 'contract-renewal', contractUntil: '2030-01-01' }, '2024-12-01'),
    );

    expect(chart.employeeOn(NEW, '2024-11-30')?.contractUntil).toBe('2025-01-01');
    expect(chart.employeeOn(NEW, '2024-12-01')?.contractUntil).toBe('2030-01-01');
  });
});

describe('applying the same event twice', () => {
  it('changes nothing', () => {
    const transfer = transferred(STAFF, '2023-07-01', DINAS_2);
    const { chart, db, when } = given(...city, transfer);
    const dump = () => ({
      assignments: db.prepare('SELECT * FROM org_assignments ORDER BY employee_id, from_tmt').all(),
      decisions: db.prepare('SELECT * FROM org_decisions ORDER BY seq').all(),
      units: db.prepare('SELECT * FROM org_units ORDER BY unit_id').all(),
    });
    const before = dump();

    expect(when(transfer)).toBeUndefined();
    expect(when(city[0]!)).toBeUndefined();
    expect(dump()).toEqual(before);
    expect(chart.employeeOn(STAFF, '2023-07-01')?.unitId).toBe(DINAS_2);
  });

  it('keeps the order in which decisions were first recorded', () => {
    const first = assigned(STAFF, '2024-01-01', functional('Analis Pertama'));
    const second = assigned(STAFF, '2024-01-01', functional('Analis Kedua'));
    const { chart, when } = given(...city, first, second);

    when(first);

    expect(chart.employeeOn(STAFF, '2024-01-01')?.position).toEqual(functional('Analis Kedua'));
  });
});

describe('the members of a unit', () => {
  it('are those active in it on the date, highest position first, without those who left', () => {
    const { chart } = given(
      ...city,
      appointed(ANALIS, '2020-01-01', { unitId: BIDANG, position: functional() }),
      decided(ANALIS, { kind: 'dismissal', dismissalKind: 'own-request', ground: 'own-request' }, '2023-01-01'),
    );

    expect(chart.membersOf(BIDANG, '2022-12-31').map((e) => e.employeeId)).toEqual([KABID, KASI, STAFF, ANALIS]);
    expect(chart.membersOf(BIDANG, '2023-01-01').map((e) => e.employeeId)).toEqual([KABID, KASI, STAFF]);
    expect(chart.membersOf(BIDANG, '2023-01-01').every((e) => e.status === 'active')).toBe(true);
    expect(chart.membersOf(BIDANG, '2015-12-31')).toEqual([]);
  });
});

describe('everyone', () => {
  it('is each employee appointed by the date, as of the date, including those who left', () => {
    const { chart } = given(
      ...units,
      appointed(ANALIS, '2020-01-01', { unitId: BIDANG, employeeType: 'CPNS' }),
      decided(ANALIS, { kind: 'confirmation' }, '2021-01-01'),
      appointed(STAFF, '2020-01-01', { unitId: DINAS, employeeType: 'PPPK', contractUntil: '2025-01-01' }),
      decided(STAFF, { kind: 'contract-end' }, '2025-01-01'),
      appointed(NEW, '2026-01-01', { unitId: DINAS }),
    );

    expect(chart.employees('2019-12-31')).toEqual([]);
    expect(chart.employees('2025-06-01').map((e) => [e.employeeId, e.employeeType, e.unitId, e.status])).toEqual([
      [STAFF, 'PPPK', DINAS, 'left'],
      [ANALIS, 'PNS', BIDANG, 'active'],
    ]);
    expect(chart.employees('2026-01-01').map((e) => e.employeeId)).toEqual([STAFF, ANALIS, NEW]);
  });
});

describe('events that decide nothing', () => {
  it('are ignored: proposals, rejections, erasure of personal data and position maps', () => {
    const proposal = proposed(
      NEW,
      { kind: 'appointment', employeeType: 'PNS', golongan: 'III/a', unitId: BIDANG, position: pelaksana() },
      '2024-01-01',
      BIDANG,
    );
    const { chart, db, when } = given(...units);

    expect(when(proposal)).toBeUndefined();
    expect(when(rejected(NEW, proposal.decisionId!))).toBeUndefined();
    expect(
      when({
        subject: `employee-${NEW}`,
        eventType: 'PersonalDataErased',
        data: { erasedBy: 'admin-1', reason: 'Permintaan penghapusan' },
      }),
    ).toBeUndefined();
    expect(
      when({
        subject: `unit-${BIDANG}`,
        eventType: 'PositionCreated',
        data: {
          positionId: aDecisionId(),
          position: pelaksana(),
          quota: 3,
          tmt: '2024-01-01',
          legalBasis: 'Perwali 7/2024',
        },
      }),
    ).toBeUndefined();
    expect(chart.employeeOn(NEW, '2024-06-01')).toBeUndefined();
    expect(db.prepare('SELECT count(*) AS n FROM org_decisions').get()).toEqual({ n: 0 });
  });

  it('include the decisions of someone never appointed', () => {
    const { chart, when } = given(...units);

    expect(when(transferred(NEW, '2024-01-01', DINAS))).toBeUndefined();
    expect(chart.employeeOn(NEW, '2024-06-01')).toBeUndefined();
  });
});

describe('a unit', () => {
  it('is known once established, with its parent, renamed and dissolved as recorded', () => {
    const { chart, when } = given(...units);

    expect(chart.unit(BIDANG)).toEqual({ unitId: BIDANG, name: 'Bidang Pembinaan SD', parentUnitId: DINAS });
    expect(chart.unit(PEMKOT)).toEqual({ unitId: PEMKOT, name: 'Sekretariat Daerah' });
    expect(when(renamed(BIDANG, 'Bidang Sekolah Dasar', '2024-01-01'))).toEqual({
      kind: 'unit-changed',
      unitId: BIDANG,
    });
    expect(when(dissolved(BIDANG, '2025-01-01'))).toEqual({ kind: 'unit-changed', unitId: BIDANG });
    expect(chart.unit(BIDANG)).toEqual({
      unitId: BIDANG,
      name: 'Bidang Sekolah Dasar',
      parentUnitId: DINAS,
      dissolvedOn: '2025-01-01',
    });
    expect(chart.unit(aUnitId(99))).toBeUndefined();
  });
});

describe('the units', () => {
  it('are listed by name, dissolved ones too, each as unit() reads it', () => {
    const { chart, when } = given(...units);
    when(dissolved(BIDANG, '2025-01-01'));

    const listed = chart.units();
    expect(listed.map((u) => u.name)).toEqual([...listed.map((u) => u.name)].sort());
    expect(listed).toHaveLength(4);
    for (const unit of listed) expect(chart.unit(unit.unitId)).toEqual(unit);
    expect(listed.find((u) => u.unitId === BIDANG)?.dissolvedOn).toBe('2025-01-01');
  });
});

describe('an event that does not fit', () => {
  it('is refused: on the wrong stream or of an unknown type', () => {
    const { chart } = given(...units);
    const appointment = decoded(appointed(NEW, '2024-01-01', { unitId: BIDANG }));

    expect(() => chart.apply({ ...appointment, subject: `unit-${NEW}` })).toThrow(InvalidStreamIdError);
    expect(() => chart.apply({ ...appointment, subject: `nip-${NEW}` })).toThrow(InvalidStreamIdError);
    expect(() => chart.apply({ ...appointment, eventType: 'EmployeeTeleported' })).toThrow(UnknownEventTypeError);
    expect(chart.employeeOn(NEW, '2024-06-01')).toBeUndefined();
  });
});

describe('the topic registry', () => {
  it('knows the employee and the unit events', () => {
    expect(personnelTopicRegistry.has('EmployeeAppointed')).toBe(true);
    expect(personnelTopicRegistry.has('UnitEstablished')).toBe(true);
    expect(personnelTopicRegistry.has('NipReserved')).toBe(false);
  });
});

describe('lazy refolding', () => {
  const history: TopicEvent[] = [
    ...city,
    transferred(STAFF, '2023-07-01', DINAS_2),
    assigned(KASI, '2022-01-01', functional('Analis Kebijakan')),
    appointed(ANALIS, '2020-01-01', { unitId: BIDANG, position: functional() }),
    decided(ANALIS, { kind: 'dismissal', dismissalKind: 'own-request', ground: 'own-request' }, '2023-01-01'),
    renamed(DINAS, 'Dinas Pendidikan dan Kebudayaan', '2024-01-01'),
  ];
  const lazily = (...events: TopicEvent[]) => {
    const db = new Database(':memory:');
    const chart = openOrgChart(db, { refold: 'lazy' });
    return { db, chart, changes: events.map((event) => chart.apply(decoded(event))) };
  };
  const tables = (db: Database.Database) => ({
    assignments: db.prepare('SELECT * FROM org_assignments ORDER BY employee_id, from_tmt').all(),
    decisions: db.prepare('SELECT * FROM org_decisions ORDER BY seq').all(),
    units: db.prepare('SELECT * FROM org_units ORDER BY unit_id').all(),
  });

  it('answers every query as the eager chart does, and reports no change of an employee (units change at once)', () => {
    const eager = given(...history);
    const lazy = lazily(...history);
    expect(lazy.changes.filter((change) => change !== undefined).every((change) => change.kind === 'unit-changed')).toBe(true);
    for (const date of ['2016-01-01', '2022-06-01', '2023-07-01', '2026-01-01']) {
      expect(lazy.chart.employees(date)).toEqual(eager.chart.employees(date));
      expect(lazy.chart.membersOf(BIDANG, date)).toEqual(eager.chart.membersOf(BIDANG, date));
      expect(lazy.chart.supervisorOf(STAFF, date)).toEqual(eager.chart.supervisorOf(STAFF, date));
      expect(lazy.chart.employeeOn(ANALIS, date)).toEqual(eager.chart.employeeOn(ANALIS, date));
    }
    expect(tables(lazy.db)).toEqual(tables(eager.db));
  });

  it('keeps what is left to refold in the database, so that another connection (or a restart) settles it', () => {
    const { db, chart } = lazily(...history);
    expect(db.prepare('SELECT count(*) AS n FROM org_pending').get()).toEqual({ n: 7 });
    const reopened = openOrgChart(db, { refold: 'lazy' });
    reopened.settle();
    expect(db.prepare('SELECT count(*) AS n FROM org_pending').get()).toEqual({ n: 0 });
    expect(tables(db)).toEqual(tables(given(...history).db));
    expect(chart.employeeOn(STAFF, '2024-01-01')?.unitId).toBe(DINAS_2);
  });
});
