import {
  type Decision,
  type Decree,
  type Education,
  GOLONGAN,
  type Golongan,
  isCalendarDate,
  type Position,
  type PppkGrade,
} from '@asn/contracts';
import {
  decide,
  EmployeeDecisionError,
  evolve,
  initialState,
  runningSanction,
  type Career,
  type DecideContext,
  type Employee,
  type EmployeeCommand,
  type EmployeeEvent,
  type EmployeeStatus,
  type UnitDirectory,
} from '../employees/employee.domain';
import type { PersonalData } from '../employees/personal';
import { addMonths, nextGolongan, promotionEligibility, retirementDate, transferTenure } from '../rules/eligibility';
import { DEFAULT_RULES, type PersonnelRules } from '../rules/rules';
import { decideUnit, evolveUnit, initialUnit, type Unit, type UnitCommand, type UnitEvent } from '../units/unit.domain';
import { address, correctedName, ETHNICITIES, personName, type Sex } from './names';
import {
  FEMALE_ONLY_FAMILIES,
  KEAHLIAN_LEVELS,
  KETERAMPILAN_LEVELS,
  OPD_CATALOGUE,
  type OpdTemplate,
  type Track,
} from './opd';
import { createRandom, mixSeed, type Random } from './random';

/**
 * A synthetic city: the units (OPD) of Kota Tanjungbalai and employees with whole careers, for demos,
 * reports and benchmarks. Pure and deterministic: the same options give the same city, event for event.
 * Every decision is proposed and approved through the real decider (`decide` + `evolve`), so a career the
 * rules refuse cannot be produced; a refusal is a bug of this generator and throws.
 */
export interface CityOptions {
  seed: number;
  employees: number;
  /** How many units, from the catalogue (at most {@link MAX_UNITS}). */
  units: number;
  /** YYYY-MM-DD: no decision takes effect, and no decree is signed, after it. */
  today: string;
  rules?: PersonnelRules;
}

export interface CityUnit {
  unitId: string;
  code: string;
  name: string;
  /** The unit's stream: established, maybe renamed, its position map. */
  events: UnitEvent[];
}

export interface CityEmployee {
  employeeId: string;
  /** The personal data as last recorded (an appointment, then maybe a correction). */
  personal: PersonalData;
  /** The employee's stream: a proposal and its approval for every decision. */
  events: EmployeeEvent[];
  /** Decisions approved (each is two events). */
  decisions: number;
  status: EmployeeStatus;
}

export interface City {
  seed: number;
  today: string;
  /** Version of the rule set every decision was checked against (recorded in the decisions' metadata). */
  rulesVersion: string;
  units: CityUnit[];
  employees: CityEmployee[];
  /** Events of every unit and employee stream (NIP reservations not counted). */
  events: number;
}

export class SyntheticCityError extends Error {
  override readonly name = 'SyntheticCityError';
}

export const MAX_UNITS = OPD_CATALOGUE.length;
export const MIN_DECISIONS = 10;
export const MAX_DECISIONS = 40;

// The city's units as the generator knows them: established long before anyone was appointed; the
// position maps (peta jabatan) came with the 2017 reorganisation (PP 18/2016).
const ESTABLISHED = '1983-01-01';
const REORGANISED = '2017-01-01';
const FIRST_APPOINTMENT = '1984-01-01';
const BORN_FROM = '1965-01-01';
const BORN_UNTIL = '2002-12-31';
/** A PNS has served at least this long by `today`, so that a career holds at least 10 decisions. */
const MIN_CAREER_MONTHS = 72;
const OPTIONAL_CAP = MAX_DECISIONS - 2;
const ATTEMPTS = 16;

// ---------------------------------------------------------------------------------------------------
// Dates: plain YYYY-MM-DD strings, computed on the calendar.

const ms = (date: string): number =>
  Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
const iso = (time: number): string => new Date(time).toISOString().slice(0, 10);
const addDays = (date: string, days: number): string => iso(ms(date) + days * 86_400_000);
/** The first of the month on or after the date. */
const monthStart = (date: string): string => (date.endsWith('-01') ? date : `${addMonths(date, 1).slice(0, 7)}-01`);
const minDate = (a: string, b: string): string => (a < b ? a : b);
const maxDate = (a: string, b: string): string => (a > b ? a : b);
const year = (date: string): number => Number(date.slice(0, 4));
/** A first of the month between two dates (both firsts of a month), uniformly, or skewed to the start. */
const monthBetween = (random: Random, from: string, to: string, skew = 1): string => {
  const span = (year(to) - year(from)) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7));
  return addMonths(from, Math.floor(Math.pow(random.next(), skew) * (span + 1)));
};
const dayBetween = (random: Random, from: string, to: string): string =>
  iso(ms(from) + random.int(0, Math.round((ms(to) - ms(from)) / 86_400_000)) * 86_400_000);

// ---------------------------------------------------------------------------------------------------
// Units and their position maps

interface Slot {
  positionId: string;
  position: Position;
  track: Track | 'managerial';
  /** The JF family, or the pelaksana title. */
  family: string;
  level: number;
}

interface UnitPlan {
  unitId: string;
  template: OpdTemplate;
  slots: Slot[];
  /** Where staff are placed (schools, puskesmas, sub-divisions): named in position titles. */
  placements: readonly string[];
}

const functional = (track: 'keahlian' | 'keterampilan', family: string, level: number): Position => {
  const levels = track === 'keahlian' ? KEAHLIAN_LEVELS : KETERAMPILAN_LEVELS;
  const [code, label] = levels[Math.min(level, levels.length - 1)]!;
  return { kind: 'functional', level: code, title: `${family} ${label}` };
};

const planUnits = (seed: number, count: number): UnitPlan[] => {
  const random = createRandom(mixSeed(seed, 0x0d1));
  return OPD_CATALOGUE.slice(0, count).map((template) => {
    const unitId = random.uuid7(ms(ESTABLISHED));
    const slots: Slot[] = [];
    const slot = (position: Position, track: Slot['track'], family: string, level: number): void => {
      slots.push({ positionId: random.uuid7(ms(REORGANISED)), position, track, family, level });
    };
    for (const position of template.managerial)
      slot({ kind: 'managerial', level: position.level, title: position.title }, 'managerial', position.title, 0);
    for (const track of ['keahlian', 'keterampilan'] as const) {
      for (const family of template[track])
        for (let level = 0; level < 3; level++) slot(functional(track, family, level), track, family, level);
    }
    for (const title of template.pelaksana) slot({ kind: 'pelaksana', title }, 'pelaksana', title, 0);
    const placements =
      template.placements ??
      template.managerial
        .slice(1)
        .map((p) => p.title)
        .filter((title) => title.startsWith('Kepala '))
        .map((title) => title.slice('Kepala '.length));
    return { unitId, template, slots, placements };
  });
};

const UNIT_LEGAL_BASIS = 'Perda Kota Tanjungbalai tentang Pembentukan Organisasi dan Tata Kerja Perangkat Daerah';
const REORGANISATION_BASIS =
  'PP 18/2016 tentang Perangkat Daerah; Perda Kota Tanjungbalai tentang Pembentukan dan Susunan Perangkat Daerah';
const POSITION_MAP_BASIS = 'Peraturan Wali Kota Tanjungbalai tentang Analisis Jabatan dan Peta Jabatan';

/** The unit streams, through the unit decider; quotas sized to the staff holding each position today. */
const unitStreams = (plans: readonly UnitPlan[], holders: ReadonlyMap<string, number>): CityUnit[] => {
  const states = new Map<string, Unit>();
  const context = {
    unitExistsOn: (unitId: string, date: string) => (states.get(unitId)?.establishedOn ?? '9999') <= date,
  };
  const byCode = new Map(plans.map((p) => [p.template.code, p.unitId]));
  return plans.map((plan) => {
    const { template } = plan;
    const parentUnitId = template.parentCode ? byCode.get(template.parentCode) : undefined;
    const commands: UnitCommand[] = [
      {
        type: 'EstablishUnit',
        name: template.formerName ?? template.name,
        code: template.code,
        tmt: ESTABLISHED,
        legalBasis: UNIT_LEGAL_BASIS,
        ...(parentUnitId ? { parentUnitId } : {}),
      },
      ...(template.formerName
        ? [{ type: 'RenameUnit' as const, name: template.name, tmt: REORGANISED, legalBasis: REORGANISATION_BASIS }]
        : []),
      ...plan.slots.map((slot) => ({
        type: 'CreatePosition' as const,
        positionId: slot.positionId,
        position: slot.position,
        quota: slot.track === 'managerial' ? 1 : Math.max(2, Math.ceil((holders.get(slot.positionId) ?? 0) * 1.2)),
        tmt: REORGANISED,
        legalBasis: POSITION_MAP_BASIS,
      })),
    ];
    let state = initialUnit();
    const events: UnitEvent[] = [];
    for (const command of commands) {
      for (const event of decideUnit(command, state, context)) {
        state = evolveUnit(state, event);
        events.push(event);
      }
    }
    states.set(plan.unitId, state);
    return { unitId: plan.unitId, code: template.code, name: template.name, events };
  });
};

const directoryOf = (plans: readonly UnitPlan[]): UnitDirectory => {
  const byId = new Map(plans.map((p) => [p.unitId, p]));
  return {
    existsOn: (unitId, date) => byId.has(unitId) && date >= ESTABLISHED,
    hasPositionOn: (unitId, positionId, date) =>
      date >= REORGANISED && (byId.get(unitId)?.slots.some((s) => s.positionId === positionId) ?? false),
  };
};

// ---------------------------------------------------------------------------------------------------
// Who the employees are

const MIN_AGE: Record<Education, number> = {
  SD: 18,
  SLTP: 18,
  SLTA: 18,
  'D-I': 19,
  'D-II': 20,
  'D-III': 21,
  S1: 22,
  'D-IV': 22,
  S2: 25,
  S3: 29,
};
const PPPK_GRADE: Record<Education, PppkGrade> = {
  SD: 'I',
  SLTP: 'III',
  SLTA: 'V',
  'D-I': 'V',
  'D-II': 'VI',
  'D-III': 'VII',
  S1: 'IX',
  'D-IV': 'IX',
  S2: 'X',
  S3: 'XI',
};
const MAX_CPNS_AGE = 35;

const EDUCATION: Record<
  OpdTemplate['sector'],
  { pns: readonly (readonly [Education, number])[]; pppk: readonly (readonly [Education, number])[] }
> = {
  education: {
    pns: [
      ['S1', 70],
      ['S2', 9],
      ['D-IV', 2],
      ['D-II', 4],
      ['D-III', 3],
      ['SLTA', 9],
      ['SLTP', 2],
      ['SD', 1],
    ],
    pppk: [
      ['S1', 88],
      ['D-III', 4],
      ['SLTA', 8],
    ],
  },
  health: {
    pns: [
      ['D-III', 44],
      ['S1', 28],
      ['D-IV', 8],
      ['S2', 5],
      ['SLTA', 11],
      ['SLTP', 3],
      ['SD', 1],
    ],
    pppk: [
      ['D-III', 58],
      ['S1', 34],
      ['SLTA', 8],
    ],
  },
  general: {
    pns: [
      ['S1', 44],
      ['S2', 12],
      ['S3', 0.4],
      ['D-IV', 2],
      ['D-III', 12],
      ['D-II', 0.6],
      ['D-I', 0.6],
      ['SLTA', 24],
      ['SLTP', 2.4],
      ['SD', 2],
    ],
    pppk: [
      ['S1', 50],
      ['D-III', 14],
      ['SLTA', 36],
    ],
  },
  territorial: {
    pns: [
      ['S1', 38],
      ['S2', 5],
      ['D-III', 10],
      ['SLTA', 40],
      ['SLTP', 4],
      ['SD', 3],
    ],
    pppk: [
      ['S1', 40],
      ['D-III', 10],
      ['SLTA', 50],
    ],
  },
};

const PPPK_SHARE: Record<OpdTemplate['sector'], number> = {
  education: 0.3,
  health: 0.22,
  general: 0.08,
  territorial: 0.06,
};

interface Identity {
  index: number;
  employeeId: string;
  employeeType: 'CPNS' | 'PPPK';
  personal: PersonalData;
  appointedOn: string;
  unit: UnitPlan;
  track: Track;
  family: string;
  placement: string;
}

const trackOf = (random: Random, education: Education): Track => {
  switch (education) {
    case 'S1':
    case 'D-IV':
    case 'S2':
    case 'S3':
      return random.chance(0.8) ? 'keahlian' : 'pelaksana';
    case 'D-I':
    case 'D-II':
    case 'D-III':
      return random.chance(0.72) ? 'keterampilan' : 'pelaksana';
    case 'SLTA':
      return random.chance(0.12) ? 'keterampilan' : 'pelaksana';
    default:
      return 'pelaksana';
  }
};

/** A family of the track in the unit that the person may hold (women only for "Bidan"). */
const familyIn = (random: Random, unit: UnitPlan, track: Track, sex: Sex, preferred?: string): string | undefined => {
  const families = (track === 'pelaksana' ? unit.template.pelaksana : unit.template[track]).filter(
    (family) => sex === 'female' || !FEMALE_ONLY_FAMILIES.has(family),
  );
  if (preferred && families.includes(preferred)) return preferred;
  // Bidan are many where they work at all.
  const weighted = families.map((family) => [family, FEMALE_ONLY_FAMILIES.has(family) ? 3 : 1] as const);
  return weighted.length === 0 ? undefined : random.weighted(weighted);
};

interface NipRegistry {
  /** The next sequence number per birth date, start and gender (digits 1–15). */
  sequences: Map<string, number>;
  used: Set<string>;
}

const allocateNip = (random: Random, registry: NipRegistry, prefix: string): string => {
  const last = registry.sequences.get(prefix) ?? 0;
  const sequence = last + (last === 0 ? random.int(1, 4) : random.int(1, 3));
  if (sequence > 999) throw new SyntheticCityError('no NIP sequence left for a birth date, start and gender');
  registry.sequences.set(prefix, sequence);
  const nip = `${prefix}${String(sequence).padStart(3, '0')}`;
  if (registry.used.has(nip)) throw new SyntheticCityError('a NIP was generated twice');
  registry.used.add(nip);
  return nip;
};

const drawIdentity = (
  seed: number,
  index: number,
  plans: readonly UnitPlan[],
  today: string,
  registry: NipRegistry,
): Identity => {
  const random = createRandom(mixSeed(seed, index, 0x1d));
  const unit = random.weighted(plans.map((plan) => [plan, plan.template.weight] as const));
  const sector = unit.template.sector;
  const pppk = random.chance(PPPK_SHARE[sector]);
  const education = random.weighted(EDUCATION[sector][pppk ? 'pppk' : 'pns']);
  const femaleShare = sector === 'health' ? 0.72 : sector === 'education' ? 0.66 : 0.42;
  const sex: Sex = random.chance(femaleShare) ? 'female' : 'male';
  const ethnicity = random.weighted(ETHNICITIES);
  const minAge = MIN_AGE[education];

  let birthDate: string;
  let appointedOn: string;
  if (pppk) {
    // The first PPPK were appointed in 2019–2020, on contracts renewed every year.
    const latest = minDate('2020-12-01', `${addMonths(today, -MIN_CAREER_MONTHS).slice(0, 7)}-01`);
    appointedOn = monthBetween(random, '2019-03-01', maxDate('2019-03-01', latest));
    birthDate = dayBetween(random, '1970-01-01', addMonths(appointedOn, -12 * minAge - 1));
  } else {
    const latestStart = `${addMonths(today, -MIN_CAREER_MONTHS).slice(0, 7)}-01`;
    const bornUntil = minDate(BORN_UNTIL, addMonths(latestStart, -12 * minAge));
    for (;;) {
      birthDate = dayBetween(random, BORN_FROM, bornUntil);
      const from = maxDate(FIRST_APPOINTMENT, monthStart(addMonths(birthDate, 12 * minAge)));
      const until = minDate(latestStart, `${addMonths(birthDate, 12 * MAX_CPNS_AGE).slice(0, 7)}-01`);
      if (from <= until) {
        appointedOn = monthBetween(random, from, until, 1.6);
        break;
      }
    }
  }

  const wanted = trackOf(random, education);
  const jf = wanted === 'pelaksana' ? undefined : familyIn(random, unit, wanted, sex);
  const track: Track = jf ? wanted : 'pelaksana';
  const family = jf ?? familyIn(random, unit, 'pelaksana', sex)!;
  const gender = sex === 'male' ? '1' : '2';
  const birth = birthDate.replace(/-/g, '');
  const prefix = pppk
    ? `${birth}${appointedOn.slice(0, 4)}21${gender}`
    : `${birth}${appointedOn.slice(0, 4)}${appointedOn.slice(5, 7)}${gender}`;
  const nip = allocateNip(random, registry, prefix);
  return {
    index,
    employeeId: random.uuid7(ms(appointedOn)),
    employeeType: pppk ? 'PPPK' : 'CPNS',
    personal: {
      name: personName(random, ethnicity, sex),
      nip,
      birthDate,
      gender: sex,
      address: address(random),
      education,
    },
    appointedOn,
    unit,
    track,
    family,
    placement: random.pick(unit.placements),
  };
};

// ---------------------------------------------------------------------------------------------------
// Decrees

const PROPOSERS = [
  'staf-mutasi-01',
  'staf-mutasi-02',
  'staf-kepangkatan-01',
  'staf-kepangkatan-02',
  'staf-pengadaan-01',
  'staf-disiplin-01',
] as const;
const APPROVERS = ['kabid-mutasi-bkpsdm', 'kepala-bkpsdm', 'sekretaris-daerah'] as const;
const MAYOR = 'Wali Kota Tanjungbalai';
const BY_SECRETARY = 'Sekretaris Daerah Kota Tanjungbalai a.n. Wali Kota Tanjungbalai';

/** Archive classification codes of personnel letters (Permendagri 78/2012). */
const CLASSIFICATION: Record<Decision['kind'], string> = {
  appointment: '813.3',
  confirmation: '813.3',
  promotion: '823.3',
  transfer: '824',
  'position-assignment': '821.2',
  sanction: '862',
  dismissal: '888',
  retirement: '882',
  'contract-renewal': '813.4',
  'contract-end': '888',
  correction: '800',
  'personal-data-correction': '800',
};

const era = <T>(date: string, eras: readonly (readonly [until: string, value: T])[], latest: T): T =>
  eras.find(([until]) => date < until)?.[1] ?? latest;

const legalBasis = (decision: Decision, tmt: string, pppk: boolean): string => {
  const MANAGEMENT = 'PP 11/2017 jo. PP 17/2020 tentang Manajemen PNS';
  const PPPK = 'PP 49/2018 tentang Manajemen PPPK';
  const AUTHORITY = era(
    tmt,
    [['2003-04-01', 'PP 96/2000 tentang Wewenang Pengangkatan, Pemindahan dan Pemberhentian PNS']],
    'PP 9/2003 tentang Wewenang Pengangkatan, Pemindahan dan Pemberhentian PNS',
  );
  switch (decision.kind) {
    case 'appointment':
    case 'confirmation':
      if (pppk) return PPPK;
      return era(
        tmt,
        [
          ['2000-11-01', 'PP 6/1976 tentang Pengadaan Pegawai Negeri Sipil'],
          ['2017-04-01', 'PP 98/2000 jo. PP 11/2002 tentang Pengadaan Pegawai Negeri Sipil'],
        ],
        MANAGEMENT,
      );
    case 'promotion':
      return era(
        tmt,
        [
          ['2000-11-01', 'PP 3/1980 tentang Kenaikan Pangkat Pegawai Negeri Sipil'],
          ['2017-04-01', 'PP 99/2000 jo. PP 12/2002 tentang Kenaikan Pangkat Pegawai Negeri Sipil'],
          ['2025-10-01', MANAGEMENT],
        ],
        `${MANAGEMENT}; Peraturan BKN 4/2025`,
      );
    case 'transfer':
      return tmt < '2019-04-01' ? AUTHORITY : 'Peraturan BKN 5/2019 tentang Tata Cara Pelaksanaan Mutasi';
    case 'position-assignment':
      if (pppk) return PPPK;
      if (tmt >= '2017-04-01') return MANAGEMENT;
      if (tmt >= REORGANISED)
        return 'PP 18/2016 tentang Perangkat Daerah; Peraturan Wali Kota Tanjungbalai tentang Peta Jabatan';
      switch (decision.position.kind) {
        case 'managerial':
          return era(
            tmt,
            [['2000-11-01', 'PP 15/1994 tentang Pengangkatan PNS dalam Jabatan Struktural']],
            'PP 100/2000 jo. PP 13/2002 tentang Pengangkatan PNS dalam Jabatan Struktural',
          );
        case 'functional':
          return 'PP 16/1994 tentang Jabatan Fungsional Pegawai Negeri Sipil';
        case 'pelaksana':
          return AUTHORITY;
        default:
          return decision.position satisfies never;
      }
    case 'sanction':
      return era(
        tmt,
        [
          ['2010-06-06', 'PP 30/1980 tentang Peraturan Disiplin PNS'],
          ['2021-08-31', 'PP 53/2010 tentang Disiplin PNS'],
        ],
        'PP 94/2021 tentang Disiplin PNS',
      );
    case 'dismissal':
      if (pppk) return PPPK;
      return era(
        tmt,
        [
          ['2017-04-01', 'PP 32/1979 tentang Pemberhentian PNS'],
          ['2023-10-31', MANAGEMENT],
        ],
        'UU 20/2023 tentang ASN; PP 11/2017 jo. PP 17/2020',
      );
    case 'retirement':
      return era(
        tmt,
        [
          ['2014-01-15', 'UU 43/1999 tentang Pokok-Pokok Kepegawaian; PP 32/1979'],
          ['2023-10-31', 'UU 5/2014 tentang ASN; PP 11/2017 jo. PP 17/2020'],
        ],
        'UU 20/2023 tentang ASN; PP 11/2017 jo. PP 17/2020',
      );
    case 'contract-renewal':
    case 'contract-end':
      return PPPK;
    case 'correction':
      return 'UU 30/2014 tentang Administrasi Pemerintahan (pembetulan keputusan)';
    case 'personal-data-correction':
      return tmt < '2022-10-17' ? 'Pemutakhiran Data Mandiri ASN (BKN)' : 'UU 27/2022 tentang Pelindungan Data Pribadi';
    default:
      return decision satisfies never;
  }
};

// ---------------------------------------------------------------------------------------------------
// A career, decision by decision, through the decider

type StepKind =
  | 'retirement'
  | 'end'
  | 'renewal'
  | 'confirmation'
  | 'reorganisation'
  | 'correction'
  | 'promotion'
  | 'transfer'
  | 'level-up'
  | 'rotation'
  | 'sanction'
  | 'pdm';
const PRIORITY: readonly StepKind[] = [
  'retirement',
  'end',
  'renewal',
  'confirmation',
  'reorganisation',
  'correction',
  'promotion',
  'transfer',
  'level-up',
  'rotation',
  'sanction',
  'pdm',
];
const MANDATORY: ReadonlySet<StepKind> = new Set(['retirement', 'end', 'renewal', 'confirmation']);

type Ending =
  | {
      kind: 'dismissal';
      dismissalKind: 'own-request' | 'honourable' | 'dishonourable';
      ground: Extract<Decision, { kind: 'dismissal' }>['ground'];
    }
  | { kind: 'transfer-out'; transferKind: 'to-other-region' | 'to-central-agency' }
  | { kind: 'contract-end' };

interface Holding {
  positionId: string;
  from: string;
  to?: string;
}

/** Managerial posts held over time, by everyone generated so far: one holder per post at a time. */
type Occupancy = Map<string, Holding[]>;

interface CareerResult {
  events: EmployeeEvent[];
  decisions: number;
  personal: PersonalData;
  state: Employee;
  holdings: Holding[];
}

/** Ids handed out so far: every id in the city is unique. */
interface IdRegistry {
  has(id: string): boolean;
  add(id: string): void;
}

class CareerBuilder {
  state: Employee = initialState();
  readonly events: EmployeeEvent[] = [];
  decisions = 0;
  personal: PersonalData;
  unit: UnitPlan;
  track: Track;
  family: string;
  level = 0;
  placement: string;
  managerial: Slot | undefined;
  readonly holdings: Holding[] = [];
  at: string;
  private readonly schedule = new Map<StepKind, string>();
  /** A decision to correct: replaced by `replacement`, or revoked without one. */
  private pendingCorrection:
    { decisionId: string; replacement?: Extract<Decision, { kind: 'position-assignment' }>; tmt: string } | undefined;
  private ending: Ending | undefined;
  private promotionMisses = 0;

  constructor(
    private readonly identity: Identity,
    private readonly random: Random,
    private readonly context: DecideContext,
    private readonly plans: readonly UnitPlan[],
    private readonly occupancy: Occupancy,
    private readonly ids: IdRegistry,
    /** 1 is the city's usual pace; higher packs position changes and transfers closer together. */
    private readonly pace: number,
    private readonly label: string,
  ) {
    this.personal = identity.personal;
    this.unit = identity.unit;
    this.track = identity.track;
    this.family = identity.family;
    this.placement = identity.placement;
    this.at = identity.appointedOn;
  }

  private get today(): string {
    return this.context.today;
  }

  private get rules(): PersonnelRules {
    return this.context.rules;
  }

  private get pppk(): boolean {
    return this.identity.employeeType === 'PPPK';
  }

  private career(): Career {
    const career = this.state.career;
    if (!career) throw new SyntheticCityError(`${this.label}: no career in force`);
    return career;
  }

  private months(min: number, max: number): number {
    return Math.max(1, Math.round(this.random.int(min, max) / this.pace));
  }

  private decree(decision: Decision, tmt: string, options: { signedBy?: string; skDate?: string } = {}): Decree {
    const skDate = options.skDate ?? maxDate(addDays(tmt, -this.random.int(0, 40)), this.identity.personal.birthDate);
    const office = skDate < REORGANISED ? 'BKD' : 'BKPSDM';
    return {
      skNumber: `${CLASSIFICATION[decision.kind]}/${this.random.int(1, 2999)}/${office}/${skDate.slice(0, 4)}`,
      skDate,
      tmt,
      signedBy: options.signedBy ?? MAYOR,
      legalBasis: legalBasis(decision, tmt, this.pppk),
    };
  }

  /** Proposes and approves one decision through the decider; a refusal is a bug of the generator. */
  issue(decision: Decision, decree: Decree, personal?: PersonalData): string {
    const decisionId = this.random.uuid7(ms(decree.skDate));
    if (this.ids.has(decisionId)) throw new SyntheticCityError(`${this.label}: a decision id was generated twice`);
    this.ids.add(decisionId);
    const proposedBy = this.random.pick(PROPOSERS);
    const approvedBy = this.random.pick(APPROVERS);
    const commands: EmployeeCommand[] = [
      { type: 'ProposeDecision', decisionId, proposedBy, decision, decree, ...(personal ? { personal } : {}) },
      { type: 'ApproveDecision', decisionId, approvedBy },
    ];
    for (const command of commands) {
      let events: EmployeeEvent[];
      try {
        events = decide(command, this.state, this.context);
      } catch (error) {
        const reason = error instanceof EmployeeDecisionError ? `${error.code}: ${error.message}` : String(error);
        throw new SyntheticCityError(
          `${this.label}: the decider refused a ${decision.kind} with TMT ${decree.tmt} (${reason})`,
          { cause: error },
        );
      }
      for (const event of events) {
        this.state = evolve(this.state, event);
        this.events.push(event);
      }
    }
    this.decisions += 1;
    this.at = maxDate(this.at, decree.tmt);
    return decisionId;
  }

  private position(date: string): { position: Position; positionId?: string } {
    if (this.managerial) {
      return {
        position: this.managerial.position,
        ...(date >= REORGANISED ? { positionId: this.managerial.positionId } : {}),
      };
    }
    const base =
      this.track === 'pelaksana'
        ? ({ kind: 'pelaksana', title: this.family } as const)
        : functional(this.track, this.family, this.level);
    const slot = this.unit.slots.find(
      (s) =>
        s.track === this.track && s.family === this.family && s.level === (this.track === 'pelaksana' ? 0 : this.level),
    );
    const title = `${base.title} pada ${this.placement}`;
    return { position: { ...base, title }, ...(slot && date >= REORGANISED ? { positionId: slot.positionId } : {}) };
  }

  private assign(date: string, signedBy?: string): void {
    const { position, positionId } = this.position(date);
    const intended: Extract<Decision, { kind: 'position-assignment' }> = {
      kind: 'position-assignment',
      position,
      ...(positionId ? { positionId } : {}),
    };
    // Now and then the decree misspells the title, and a correction follows a few months later.
    const misspelt =
      !this.pendingCorrection &&
      date >= '2010-01-01' &&
      this.random.chance(0.02) &&
      /[aiu]/.test(position.title.slice(1));
    const decision: Decision = misspelt
      ? { ...intended, position: { ...position, title: misspell(position.title) } }
      : intended;
    const decree = this.decree(decision, date, signedBy ? { signedBy } : {});
    const decisionId = this.issue(decision, decree);
    if (misspelt) {
      this.pendingCorrection = { decisionId, replacement: intended, tmt: date };
      this.schedule.set('correction', addMonths(monthStart(decree.skDate), this.random.int(1, 4)));
    }
  }

  private hold(slot: Slot | undefined, date: string): void {
    const current = this.holdings.at(-1);
    if (current && current.to === undefined) current.to = date;
    if (slot) this.holdings.push({ positionId: slot.positionId, from: date });
  }

  private vacant(slot: Slot, date: string): boolean {
    const taken = (this.occupancy.get(slot.positionId) ?? []).some((h) => h.to === undefined || h.to > date);
    return !taken;
  }

  // --- the steps ------------------------------------------------------------------------------------

  private appoint(): void {
    const { appointedOn, employeeType, personal } = this.identity;
    const { position } = this.position(appointedOn);
    const contractUntil = addMonths(appointedOn, Math.max(12, this.rules.contract.minMonths));
    const decision: Decision = {
      kind: 'appointment',
      employeeType,
      ...(employeeType === 'PPPK'
        ? { pppkGrade: PPPK_GRADE[personal.education], contractUntil }
        : { golongan: this.rules.promotion.startingRank[personal.education] }),
      unitId: this.unit.unitId,
      position,
    };
    this.issue(
      decision,
      this.decree(decision, appointedOn, { skDate: addDays(appointedOn, -this.random.int(10, 75)) }),
      personal,
    );
    if (employeeType === 'PPPK') this.schedule.set('renewal', contractUntil);
    else
      this.schedule.set(
        'confirmation',
        addMonths(
          appointedOn,
          this.rules.probation.cpnsMonths +
            this.random.weighted([
              [0, 6],
              [1, 1],
              [3, 1],
              [6, 1],
            ]),
        ),
      );
    this.schedule.set('rotation', addMonths(appointedOn, this.months(18, 60)));
    // The 2017 reorganisation placed everyone in the new position maps.
    if (appointedOn < REORGANISED) this.schedule.set('reorganisation', REORGANISED);
    this.schedule.set('transfer', addMonths(appointedOn, this.transferAfter()));
    this.schedule.set('sanction', addMonths(appointedOn, this.sanctionAfter()));
    if (appointedOn < '2022-01-01' && this.random.chance(0.55))
      this.schedule.set(
        'pdm',
        monthBetween(this.random, maxDate('2021-03-01', addMonths(appointedOn, 1)), '2022-06-01'),
      );
    this.ending = this.drawEnding();
    if (this.ending && this.ending.kind !== 'contract-end') {
      const from = addMonths(appointedOn, this.pppk ? 36 : 96);
      if (from < this.today) this.schedule.set('end', monthBetween(this.random, from, `${this.today.slice(0, 7)}-01`));
    }
  }

  private drawEnding(): Ending | undefined {
    if (this.pppk) {
      if (!this.random.chance(0.05)) return undefined;
      return this.random.weighted<Ending>([
        [{ kind: 'contract-end' }, 5],
        [{ kind: 'dismissal', dismissalKind: 'own-request', ground: 'own-request' }, 3],
        [{ kind: 'dismissal', dismissalKind: 'honourable', ground: 'death' }, 2],
      ]);
    }
    if (!this.random.chance(0.035)) return undefined;
    return this.random.weighted<Ending>([
      [{ kind: 'dismissal', dismissalKind: 'own-request', ground: 'own-request' }, 36],
      [{ kind: 'dismissal', dismissalKind: 'honourable', ground: 'death' }, 28],
      [{ kind: 'dismissal', dismissalKind: 'honourable', ground: 'unfit-for-duty' }, 7],
      [{ kind: 'dismissal', dismissalKind: 'honourable', ground: 'not-performing' }, 4],
      [{ kind: 'dismissal', dismissalKind: 'dishonourable', ground: 'sentence-2-years-or-more' }, 6],
      [{ kind: 'dismissal', dismissalKind: 'dishonourable', ground: 'crime-related-to-office' }, 4],
      [{ kind: 'transfer-out', transferKind: 'to-other-region' }, 12],
      [{ kind: 'transfer-out', transferKind: 'to-central-agency' }, 3],
    ]);
  }

  private transferAfter(): number {
    const sector = this.unit.template.sector;
    const settled = (sector === 'education' || sector === 'health') && this.track !== 'pelaksana';
    return settled ? this.months(48, 180) : this.months(26, 72);
  }

  private sanctionAfter(): number {
    // About one employee in thirty gets a sanction in a given year.
    const u = this.random.next();
    return Math.max(1, Math.ceil(Math.log(1 - u) / Math.log(1 - 0.0028)));
  }

  private confirm(date: string): void {
    this.issue({ kind: 'confirmation' }, this.decree({ kind: 'confirmation' }, date));
    this.schedule.delete('confirmation');
    this.schedule.set('promotion', this.promotionDate(this.career().rankSince ?? this.identity.appointedOn));
  }

  private promotionDate(rankSince: string): string {
    const due = addMonths(rankSince, this.rules.promotion.minYearsInRank * 12);
    const delayed = this.random.chance(0.25) ? addMonths(due, this.random.int(1, 12)) : due;
    return this.period(delayed);
  }

  /** The first promotion date on or after the date: April and October until the monthly periods began. */
  private period(date: string): string {
    const first = monthStart(date);
    if (this.rules.promotion.periods === 'monthly' && first >= '2025-10-01') return first;
    const month = Number(first.slice(5, 7));
    const y = year(first);
    if (month <= 4) return `${y}-04-01`;
    if (month <= 10) return `${y}-10-01`;
    return `${y + 1}-04-01`;
  }

  private promote(date: string): void {
    const career = this.career();
    const running = runningSanction(career, date);
    const verdict = promotionEligibility(
      {
        employeeType: career.employeeType,
        status: career.status,
        golongan: career.golongan!,
        rankSince: career.rankSince ?? career.appointedOn,
        education: this.personal.education,
        ...(running?.until ? { runningSanctionUntil: running.until } : {}),
        appraisals: [],
      },
      date,
      this.rules,
    );
    if (!verdict.eligible) {
      this.promotionMisses += 1;
      if (running?.until) this.schedule.set('promotion', this.period(running.until));
      else if (this.promotionMisses < 3) this.schedule.set('promotion', this.period(addMonths(date, 6)));
      else this.schedule.delete('promotion');
      return;
    }
    const golongan = nextGolongan(career.golongan!)!;
    const decision: Decision = { kind: 'promotion', promotionKind: 'regular', golongan };
    const signedBy = golongan === 'IV/d' || golongan === 'IV/e' ? 'Presiden Republik Indonesia' : MAYOR;
    this.issue(
      decision,
      this.decree(decision, date, { signedBy, skDate: maxDate(addDays(date, -this.random.int(0, 60)), this.at) }),
    );
    this.promotionMisses = 0;
    this.schedule.set('promotion', this.promotionDate(date));
    if (!this.managerial && this.track !== 'pelaksana' && this.level < levelFor(this.track, golongan)) {
      this.schedule.set('level-up', addMonths(date, this.random.int(2, 9)));
    }
  }

  private levelUp(date: string): void {
    this.schedule.delete('level-up');
    const golongan = this.career().golongan;
    if (this.managerial || this.track === 'pelaksana' || !golongan || this.level >= levelFor(this.track, golongan))
      return;
    this.level += 1;
    if (!this.bupAllows(this.position(date).position, date)) {
      this.level -= 1;
      return;
    }
    this.assign(date);
  }

  /** Whether the person can take the position on the date without being past its retirement age soon. */
  private bupAllows(position: Position, date: string): boolean {
    return retirementDate(this.personal.birthDate, position, this.rules) > addMonths(date, 12);
  }

  /** A new post in the unit: a managerial one when the person is ready and a post is vacant, else another placement. */
  private rotate(date: string): void {
    this.schedule.set('rotation', addMonths(date, this.months(20, 66)));
    const career = this.career();
    const slot = this.managerialStep(career, date);
    if (slot && this.bupAllows(slot.position, date)) {
      this.hold(slot, date);
      this.managerial = slot;
      this.assign(
        date,
        slot.position.kind === 'managerial' && slot.position.level === 'pengawas' ? BY_SECRETARY : MAYOR,
      );
      this.schedule.delete('level-up');
      return;
    }
    if (this.managerial) return;
    const others = this.unit.placements.filter((p) => p !== this.placement);
    if (others.length === 0) return;
    this.placement = this.random.pick(others);
    if (this.bupAllows(this.position(date).position, date)) this.assign(date, BY_SECRETARY);
  }

  private managerialStep(career: Career, date: string): Slot | undefined {
    if (this.pppk || career.employeeType !== 'PNS' || !career.golongan) return undefined;
    const education = this.personal.education;
    if (!['S1', 'D-IV', 'S2', 'S3'].includes(education) || date > addMonths(this.personal.birthDate, 12 * 54))
      return undefined;
    const rank = GOLONGAN_RANK(career.golongan);
    const current = this.managerial?.position.kind === 'managerial' ? this.managerial.position.level : undefined;
    const wanted =
      current === undefined
        ? rank >= GOLONGAN_RANK('III/b') && this.random.chance(0.28)
          ? 'pengawas'
          : undefined
        : current === 'pengawas'
          ? rank >= GOLONGAN_RANK('III/d') && this.random.chance(0.35)
            ? 'administrator'
            : undefined
          : current === 'administrator'
            ? rank >= GOLONGAN_RANK('IV/b') && this.random.chance(0.25)
              ? 'jpt-pratama'
              : undefined
            : undefined;
    if (!wanted) return undefined;
    const vacant = this.unit.slots.filter(
      (s) =>
        s.track === 'managerial' &&
        s.position.kind === 'managerial' &&
        s.position.level === wanted &&
        this.vacant(s, date),
    );
    return vacant.length === 0 ? undefined : this.random.pick(vacant);
  }

  private transfer(date: string): void {
    const career = this.career();
    const tenure = transferTenure(career.unitSince, date, this.rules);
    if (tenure.reason === 'too-short') {
      this.schedule.set('transfer', addMonths(date, 6));
      return;
    }
    this.schedule.set('transfer', addMonths(date, this.transferAfter()));
    if (this.decisions > MAX_DECISIONS - 4) return;
    const sex = this.personal.gender;
    const sector = this.unit.template.sector;
    const settled = (sector === 'education' || sector === 'health') && this.track !== 'pelaksana';
    const candidates = this.plans.filter((plan) => {
      if (plan.unitId === this.unit.unitId) return false;
      if (settled) return plan.template.sector === sector;
      return plan.template.sector === 'general' || plan.template.sector === 'territorial';
    });
    if (candidates.length === 0) return;
    const target = this.random.weighted(candidates.map((plan) => [plan, Math.sqrt(plan.template.weight)] as const));
    // A manager moves to a vacant post of the same level, or leaves management.
    let managerial: Slot | undefined;
    if (this.managerial) {
      const level = this.managerial.position.kind === 'managerial' ? this.managerial.position.level : undefined;
      const vacant = target.slots.filter(
        (s) =>
          s.track === 'managerial' &&
          s.position.kind === 'managerial' &&
          s.position.level === level &&
          this.vacant(s, date),
      );
      managerial = vacant.length === 0 ? undefined : this.random.pick(vacant);
    }
    const track: Track = this.track;
    const family = managerial ? this.family : familyIn(this.random, target, track, sex, this.family);
    const previous = {
      unit: this.unit,
      managerial: this.managerial,
      track: this.track,
      family: this.family,
      placement: this.placement,
      level: this.level,
    };
    this.unit = target;
    this.managerial = managerial;
    if (!managerial && family === undefined) {
      this.track = 'pelaksana';
      this.family = familyIn(this.random, target, 'pelaksana', sex)!;
    } else if (family !== undefined) {
      this.family = family;
    }
    if (!managerial && previous.managerial) {
      // Out of management into the expert track of the new unit (managers are graduates), at the level the rank allows.
      const expert = familyIn(this.random, target, 'keahlian', sex);
      this.track = expert ? 'keahlian' : 'pelaksana';
      this.family = expert ?? familyIn(this.random, target, 'pelaksana', sex)!;
      this.level = levelFor(this.track, career.golongan ?? 'III/a');
    }
    this.placement = this.random.pick(target.placements);
    if (!this.bupAllows(this.position(date).position, date)) {
      Object.assign(this, previous);
      return;
    }
    const decision: Decision = { kind: 'transfer', transferKind: 'within-city', toUnitId: target.unitId };
    this.issue(decision, this.decree(decision, date));
    this.hold(managerial, date);
    this.assign(date);
    this.schedule.set('rotation', addMonths(date, this.months(18, 60)));
  }

  private sanction(date: string): void {
    this.schedule.set('sanction', addMonths(date, this.sanctionAfter()));
    const medium = date >= '2021-09-01' && this.random.chance(0.3);
    const decision: Decision = medium
      ? {
          kind: 'sanction',
          severity: 'medium',
          sanction: 'allowance-cut-25-percent',
          months: this.random.pick([6, 9, 12]),
        }
      : {
          kind: 'sanction',
          severity: 'light',
          sanction: this.random.pick(['oral-warning', 'written-warning', 'statement-of-dissatisfaction'] as const),
        };
    const head = this.unit.template.managerial[0]?.title ?? MAYOR;
    const decisionId = this.issue(decision, this.decree(decision, date, { signedBy: medium ? MAYOR : head }));
    // An objection (keberatan) upheld now and then revokes a light sanction.
    if (!medium && !this.pendingCorrection && this.random.chance(0.12)) {
      this.pendingCorrection = { decisionId, tmt: date };
      this.schedule.set('correction', addMonths(date, this.random.int(1, 3)));
    }
  }

  private correct(date: string): void {
    this.schedule.delete('correction');
    const pending = this.pendingCorrection;
    this.pendingCorrection = undefined;
    if (!pending) return;
    const decision: Decision = pending.replacement
      ? {
          kind: 'correction',
          correctsDecisionId: pending.decisionId,
          reason: 'Kekeliruan penulisan nama jabatan dalam keputusan; dibetulkan sesuai peta jabatan.',
          replacement: pending.replacement,
        }
      : {
          kind: 'correction',
          correctsDecisionId: pending.decisionId,
          reason: 'Keberatan pegawai diterima; hukuman disiplin dibatalkan.',
        };
    this.issue(decision, {
      ...this.decree(decision, pending.tmt),
      skDate: maxDate(addDays(date, -this.random.int(0, 20)), pending.tmt),
    });
  }

  private updatePersonalData(date: string): void {
    this.schedule.delete('pdm');
    const name = this.random.chance(0.6) ? correctedName(this.personal.name) : undefined;
    const personal: PersonalData = { ...this.personal, address: address(this.random), ...(name ? { name } : {}) };
    const decision: Decision = { kind: 'personal-data-correction' };
    this.issue(decision, this.decree(decision, date, { signedBy: 'Kepala BKPSDM Kota Tanjungbalai' }), personal);
    this.personal = personal;
  }

  private renew(date: string): void {
    const career = this.career();
    const next = addMonths(maxDate(career.contractUntil ?? date, date), Math.max(12, this.rules.contract.minMonths));
    const atAge = retirementDate(this.personal.birthDate, career.position, this.rules) <= next;
    const ending = this.ending?.kind === 'contract-end' && this.decisions >= MIN_DECISIONS - 1;
    if (atAge || ending) {
      const decision: Decision = { kind: 'contract-end' };
      this.issue(decision, this.decree(decision, date));
      return;
    }
    const decision: Decision = { kind: 'contract-renewal', contractUntil: next };
    this.issue(decision, this.decree(decision, date));
    this.schedule.set('renewal', next);
  }

  private retire(date: string): void {
    const decision: Decision = { kind: 'retirement' };
    this.issue(
      decision,
      this.decree(decision, date, {
        signedBy: 'Kepala Kantor Regional VI BKN Medan',
        skDate: addDays(date, -this.random.int(30, 120)),
      }),
    );
  }

  private end(date: string): void {
    const ending = this.ending;
    this.schedule.delete('end');
    if (!ending || ending.kind === 'contract-end') return;
    if (this.decisions < MIN_DECISIONS - 1) {
      const later = addMonths(date, 12);
      if (later <= this.today) this.schedule.set('end', later);
      return;
    }
    if (ending.kind === 'transfer-out') {
      const decision: Decision = {
        kind: 'transfer',
        transferKind: ending.transferKind,
        pertekNumber: `${this.random.int(100, 9999)}/PTK/KR.VI/${date.slice(0, 4)}`,
      };
      if (transferTenure(this.career().unitSince, date, this.rules).reason === 'too-short') return;
      this.issue(decision, this.decree(decision, date));
      return;
    }
    const decision: Decision = { kind: 'dismissal', dismissalKind: ending.dismissalKind, ground: ending.ground };
    this.issue(decision, this.decree(decision, date));
  }

  /** The whole career, from the appointment to today or to its end. */
  run(): CareerResult {
    this.appoint();
    for (;;) {
      const career = this.state.career;
      if (!career || career.status !== 'active') break;
      if (!this.pppk && career.employeeType === 'PNS')
        this.schedule.set('retirement', retirementDate(this.personal.birthDate, career.position, this.rules));
      const next = this.nextStep();
      if (!next) break;
      const [kind, date] = next;
      switch (kind) {
        case 'retirement':
          this.retire(date);
          break;
        case 'end':
          this.end(date);
          break;
        case 'renewal':
          this.renew(date);
          break;
        case 'confirmation':
          this.confirm(date);
          break;
        case 'correction':
          this.correct(date);
          break;
        case 'promotion':
          this.promote(date);
          break;
        case 'transfer':
          this.transfer(date);
          break;
        case 'level-up':
          this.levelUp(date);
          break;
        case 'rotation':
          this.rotate(date);
          break;
        case 'sanction':
          this.sanction(date);
          break;
        case 'pdm':
          this.updatePersonalData(date);
          break;
        case 'reorganisation':
          this.assign(date, MAYOR);
          break;
        default:
          kind satisfies never;
      }
    }
    const ended = this.state.career?.ended?.on;
    const last = this.holdings.at(-1);
    if (last && last.to === undefined && ended) last.to = ended;
    return {
      events: this.events,
      decisions: this.decisions,
      personal: this.personal,
      state: this.state,
      holdings: this.holdings,
    };
  }

  private nextStep(): [StepKind, string] | undefined {
    let best: [StepKind, string] | undefined;
    for (const kind of PRIORITY) {
      const scheduled = this.schedule.get(kind);
      if (scheduled === undefined) continue;
      // Nothing takes effect before the last decision; a promotion only on a promotion date.
      const date = scheduled >= this.at ? scheduled : kind === 'promotion' ? this.period(this.at) : this.at;
      if (date > this.today) continue;
      if (!MANDATORY.has(kind) && this.decisions >= OPTIONAL_CAP) continue;
      if (!best || date < best[1]) best = [kind, date];
    }
    if (best) this.schedule.delete(best[0]);
    return best;
  }
}

const GOLONGAN_RANK = (golongan: Golongan): number => GOLONGAN.indexOf(golongan);

/** The JF level a rank allows: Ahli Muda from III/c, Ahli Madya from IV/a; Mahir from III/a, Penyelia from III/c. */
const levelFor = (track: Track, golongan: Golongan): number => {
  const rank = GOLONGAN_RANK(golongan);
  if (track === 'keahlian') return rank >= GOLONGAN_RANK('IV/a') ? 2 : rank >= GOLONGAN_RANK('III/c') ? 1 : 0;
  if (track === 'keterampilan') return rank >= GOLONGAN_RANK('III/c') ? 2 : rank >= GOLONGAN_RANK('III/a') ? 1 : 0;
  return 0;
};

/** A title with one vowel dropped: the kind of slip a correction fixes. */
const misspell = (title: string): string => {
  const at = title.slice(1).search(/[aiu]/) + 1;
  return `${title.slice(0, at)}${title.slice(at + 1)}`;
};

// ---------------------------------------------------------------------------------------------------

const validate = (options: CityOptions): void => {
  const { seed, employees, units, today } = options;
  if (!Number.isSafeInteger(seed)) throw new RangeError('the seed must be an integer');
  if (!Number.isSafeInteger(employees) || employees < 1 || employees > 200_000)
    throw new RangeError('employees must be an integer from 1 to 200000');
  if (!Number.isSafeInteger(units) || units < 1 || units > MAX_UNITS)
    throw new RangeError(`units must be an integer from 1 to ${MAX_UNITS}`);
  if (!isCalendarDate(today) || today < '2025-01-01')
    throw new RangeError('today must be a YYYY-MM-DD date from 2025-01-01 on');
};

/** Generates the city: pure and deterministic (no clock, no global randomness). */
export const generateCity = (options: CityOptions): City => {
  validate(options);
  const { seed, today } = options;
  const rules = options.rules ?? DEFAULT_RULES;
  const plans = planUnits(seed, options.units);
  const context: DecideContext = { today, rules, units: directoryOf(plans) };
  const registry: NipRegistry = { sequences: new Map(), used: new Set() };
  const ids = new Set<string>(plans.flatMap((p) => [p.unitId, ...p.slots.map((s) => s.positionId)]));
  const occupancy: Occupancy = new Map();
  const employees: CityEmployee[] = [];
  const holders = new Map<string, number>();

  for (let index = 0; index < options.employees; index++) {
    const identity = drawIdentity(seed, index, plans, today, registry);
    if (ids.has(identity.employeeId))
      throw new SyntheticCityError(`employee #${index}: an employee id was generated twice`);
    ids.add(identity.employeeId);
    let result: CareerResult | undefined;
    // A short career packs its decisions closer together, or it would not reach ten.
    const years = year(today) - year(identity.appointedOn);
    const pace = years < 11 ? 1 + (11 - years) * 0.18 : 1;
    for (let attempt = 0; attempt < ATTEMPTS && !result; attempt++) {
      const label = `employee #${index} (seed ${seed}, attempt ${attempt})`;
      const attemptIds = new Set<string>();
      const view: IdRegistry = { has: (id) => ids.has(id) || attemptIds.has(id), add: (id) => void attemptIds.add(id) };
      const career = new CareerBuilder(
        identity,
        createRandom(mixSeed(seed, index, attempt, 0xca)),
        context,
        plans,
        occupancy,
        view,
        pace + attempt * 0.4,
        label,
      ).run();
      if (career.decisions >= MIN_DECISIONS && career.decisions <= MAX_DECISIONS) {
        result = career;
        for (const id of attemptIds) ids.add(id);
      }
    }
    if (!result)
      throw new SyntheticCityError(
        `employee #${index} (seed ${seed}): no career of ${MIN_DECISIONS}–${MAX_DECISIONS} decisions in ${ATTEMPTS} attempts`,
      );
    for (const holding of result.holdings) {
      const list = occupancy.get(holding.positionId) ?? [];
      list.push(holding);
      occupancy.set(holding.positionId, list);
    }
    const held = result.state.career?.status === 'active' ? result.state.career.positionId : undefined;
    if (held) holders.set(held, (holders.get(held) ?? 0) + 1);
    employees.push({
      employeeId: identity.employeeId,
      personal: result.personal,
      events: result.events,
      decisions: result.decisions,
      status: result.state.status,
    });
  }

  const units = unitStreams(plans, holders);
  const events = units.reduce((n, u) => n + u.events.length, 0) + employees.reduce((n, e) => n + e.events.length, 0);
  return { seed, today, rulesVersion: rules.version, units, employees, events };
};
