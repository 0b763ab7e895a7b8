import { Education, FUNCTIONAL_LEVELS, MANAGERIAL_LEVELS, type Golongan, type Position } from '@asn/contracts';
import { compareGolongan } from './eligibility';

/** What the rank seniority list (Daftar Urut Kepangkatan) orders a PNS by. */
export interface DukFacts {
  employeeId: string;
  golongan: Golongan;
  /** TMT of the current rank. */
  rankSince: string;
  position: Position;
  /** TMT of the current position. */
  positionSince: string;
  /** TMT of the first appointment (CPNS): the start of the years of service. */
  appointedOn: string;
  /** Undefined when not recorded or erased: ranked after every known education. */
  education?: Education;
  /** Undefined when erased: ranked after every known age. */
  birthDate?: string;
}

const EDUCATION: readonly Education[] = Education.options;
/** Managerial levels first (JPT utama highest), then functional levels (ahli utama highest, pemula lowest), then pelaksana. */
const positionRank = (position: Position): number =>
  position.kind === 'managerial'
    ? MANAGERIAL_LEVELS.indexOf(position.level)
    : position.kind === 'functional'
      ? MANAGERIAL_LEVELS.length + (FUNCTIONAL_LEVELS.length - 1 - FUNCTIONAL_LEVELS.indexOf(position.level))
      : MANAGERIAL_LEVELS.length + FUNCTIONAL_LEVELS.length;

const earlierFirst = (a: string | undefined, b: string | undefined): number => (a === b ? 0 : a === undefined ? 1 : b === undefined ? -1 : a < b ? -1 : 1);

/**
 * The DUK order (PP 15/1979, as BKN keeps it): the higher rank first, in the same rank the earlier rank TMT;
 * then the higher position (managerial levels, then functional levels, then pelaksana), in the same the earlier
 * position TMT; then the longer service (the earlier appointment); then the higher education; then the older
 * employee. Training (latihan jabatan) is a criterion too, between service and education, but its record
 * lives in the training service: it is not applied here. Last, the employee id, so that the order is total.
 */
export const compareDuk = (a: DukFacts, b: DukFacts): number =>
  compareGolongan(b.golongan, a.golongan) ||
  earlierFirst(a.rankSince, b.rankSince) ||
  positionRank(a.position) - positionRank(b.position) ||
  earlierFirst(a.positionSince, b.positionSince) ||
  earlierFirst(a.appointedOn, b.appointedOn) ||
  (b.education === undefined ? -1 : EDUCATION.indexOf(b.education)) - (a.education === undefined ? -1 : EDUCATION.indexOf(a.education)) ||
  earlierFirst(a.birthDate, b.birthDate) ||
  (a.employeeId < b.employeeId ? -1 : a.employeeId > b.employeeId ? 1 : 0);
