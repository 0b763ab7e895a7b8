import type { Movement, MovementKind, RecordAsOf } from './careers';

/**
 * Aggregate figures for the public: headcount as of a date and movements per month, no personal data.
 *
 * Small cells are suppressed: a count from 1 to 4 is published as "<5". One-dimensional counts still single
 * people out: a unit with 2 PPPK, or the only promotion to IV/c in a month, names them to anyone who knows the
 * unit, and with the open roster of a small unit anyone can. Zero is published as is (it names nobody). A
 * breakdown with a single hidden cell would give it away (the total minus the others), so its smallest published
 * cell is withheld too ("withheld"); a total below 5 is "<5" as well.
 *
 * Disciplinary sanctions are left out of the public movements: PP 94/2021 sanctions are treated as specific
 * (sensitive) personal data, and even a suppressed monthly count of them next to a local news story can name
 * someone.
 */

export const SMALL_CELL_THRESHOLD = 5;
export type Count = number | '<5' | 'withheld';

export const suppressed = (n: number): Count => (n > 0 && n < SMALL_CELL_THRESHOLD ? '<5' : n);

export const PUBLIC_MOVEMENT_KINDS: readonly MovementKind[] = [
  'appointment',
  'confirmation',
  'promotion',
  'transfer',
  'position-assignment',
  'dismissal',
  'retirement',
  'contract-renewal',
  'contract-end',
];

export interface PublicFigures {
  asOf: string;
  smallCells: string;
  headcount: {
    total: Count;
    byUnit: { unitName: string; count: Count }[];
    byGolongan: Record<string, Count>;
    byPppkGrade: Record<string, Count>;
    byEmployeeType: Record<string, Count>;
    byPositionKind: Record<string, Count>;
  };
  movements: {
    year: number;
    /** 1 January of the year to `asOf`: nothing after the date counts yet. */
    from: string;
    to: string;
    total: Count;
    byMonth: { month: string; total: Count; byKind: Partial<Record<MovementKind, Count>> }[];
  };
}

const tally = <T>(items: readonly T[], keyOf: (item: T) => string | undefined): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const item of items) {
    const key = keyOf(item);
    if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return new Map([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
};
/** Suppresses the small cells of one breakdown, and the smallest other one when only one would be hidden. */
export const protect = (cells: readonly (readonly [string, number])[]): [string, Count][] => {
  const out = cells.map(([key, n]): [string, Count] => [key, suppressed(n)]);
  if (out.filter(([, c]) => c === '<5').length === 1) {
    let smallest = -1;
    out.forEach(([, c], i) => {
      const current = smallest < 0 ? undefined : out[smallest]?.[1];
      if (typeof c === 'number' && c > 0 && (typeof current !== 'number' || c < current)) smallest = i;
    });
    const cell = out[smallest];
    if (cell) out[smallest] = [cell[0], 'withheld'];
  }
  return out;
};
const suppressAll = (counts: Map<string, number>): Record<string, Count> => Object.fromEntries(protect([...counts]));

const UNKNOWN_UNIT = '(unit not in the org chart)';

/** The figures from the roster on `asOf` and the movements from 1 January of its year to `asOf`. */
export const publicFigures = (
  asOf: string,
  roster: readonly RecordAsOf[],
  movements: readonly Movement[],
): PublicFigures => {
  const year = Number(asOf.slice(0, 4));
  const from = `${asOf.slice(0, 4)}-01-01`;
  const counted = movements.filter((m) => m.tmt >= from && m.tmt <= asOf && PUBLIC_MOVEMENT_KINDS.includes(m.kind));
  const months = Array.from(
    { length: Number(asOf.slice(5, 7)) },
    (_, i) => `${asOf.slice(0, 4)}-${String(i + 1).padStart(2, '0')}`,
  );
  return {
    asOf,
    smallCells: `Counts from 1 to ${SMALL_CELL_THRESHOLD - 1} are shown as "<${SMALL_CELL_THRESHOLD}" so that nobody can be singled out; where that would hide a single cell of a breakdown, its smallest other cell is "withheld" too, so that the total cannot give it away.`,
    headcount: {
      total: suppressed(roster.length),
      byUnit: protect([...tally(roster, (r) => r.unit.name ?? UNKNOWN_UNIT)]).map(([unitName, count]) => ({ unitName, count })),
      byGolongan: suppressAll(tally(roster, (r) => r.rank?.golongan)),
      byPppkGrade: suppressAll(tally(roster, (r) => r.rank?.pppkGrade)),
      byEmployeeType: suppressAll(tally(roster, (r) => r.employeeType)),
      byPositionKind: suppressAll(tally(roster, (r) => r.position.position.kind)),
    },
    movements: {
      year,
      from,
      to: asOf,
      total: suppressed(counted.length),
      byMonth: months.map((month) => {
        const inMonth = counted.filter((m) => m.tmt.startsWith(month));
        return { month, total: suppressed(inMonth.length), byKind: suppressAll(tally(inMonth, (m) => m.kind)) };
      }),
    },
  };
};
