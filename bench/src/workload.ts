/**
 * The seeded workload every engine is measured on: careers of civil servants as events.
 *
 * Streams are named `employee-<uuid>`; each holds `perStream` events. The global order is interleaved
 * round-robin: event k of the workload is revision floor(k / streams) of stream k % streams, so one
 * stream's events are spread over the whole log (like real careers, one event now and then).
 * Everything derives from the seed: the same seed gives the same ids, types, payloads, in any engine.
 */

/** sfc32: a small, fast, well-distributed 32-bit PRNG. */
export const sfc32 = (a: number, b: number, c: number, d: number): (() => number) => () => {
  a >>>= 0;
  b >>>= 0;
  c >>>= 0;
  d >>>= 0;
  let t = (a + b) | 0;
  a = b ^ (b >>> 9);
  b = (c + (c << 3)) | 0;
  c = (c << 21) | (c >>> 11);
  d = (d + 1) | 0;
  t = (t + d) | 0;
  c = (c + t) | 0;
  return t >>> 0;
};

/** splitmix32 step: mixes keys into seeds for independent PRNGs. */
const mix = (x: number): number => {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
};

/**
 * A PRNG determined by the seed and a tuple of keys (e.g. stream index, revision). Its 128-bit state comes
 * from four independent hash chains over the keys: one 32-bit chain would give only 2^32 sequences, and
 * a million events would then share ids (birthday collisions).
 */
export const prng = (seed: number, ...keys: number[]): (() => number) => {
  const state = [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344].map((lane) => {
    let h = mix(seed ^ lane);
    for (const k of keys) h = mix(h ^ mix(k ^ lane));
    return h;
  });
  const next = sfc32(state[0] as number, state[1] as number, state[2] as number, state[3] as number);
  for (let i = 0; i < 4; i++) next();
  return next;
};

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A version-4-shaped UUID drawn from the PRNG. */
export const uuidFrom = (next: () => number): string => {
  const w0 = next();
  const w1 = next();
  const w2 = next();
  const w3 = next();
  const b = (w: number, i: number): string => HEX[(w >>> (i * 8)) & 0xff] as string;
  return (
    b(w0, 0) + b(w0, 1) + b(w0, 2) + b(w0, 3) + '-' +
    b(w1, 0) + b(w1, 1) + '-' +
    HEX[0x40 | ((w1 >>> 16) & 0x0f)] + b(w1, 3) + '-' +
    HEX[0x80 | (w2 & 0x3f)] + b(w2, 1) + '-' +
    b(w2, 2) + b(w2, 3) + b(w3, 0) + b(w3, 1) + b(w3, 2) + b(w3, 3)
  );
};

export const EVENT_TYPES = [
  'EmployeeHired',
  'EmployeeTransferred',
  'EmployeePromoted',
  'RankRaised',
  'SalaryAdjusted',
  'PositionAssigned',
  'TrainingCompleted',
  'PerformanceAppraised',
  'LeaveGranted',
  'EmployeeSeconded',
] as const;

const ROLES = ['hr-officer', 'hr-supervisor', 'bkn-verifier', 'unit-admin'] as const;
const UNITS = ['Kementerian Keuangan', 'Kementerian Dalam Negeri', 'Badan Kepegawaian Negara', 'Pemerintah Provinsi Jawa Barat', 'Pemerintah Kota Surabaya', 'Kementerian Kesehatan', 'Badan Pusat Statistik', 'Kementerian Pendidikan'] as const;
const POSITIONS = ['Analis Kebijakan Ahli Muda', 'Pranata Komputer Ahli Pertama', 'Auditor Ahli Madya', 'Perencana Ahli Muda', 'Analis SDM Aparatur Ahli Pertama', 'Statistisi Ahli Madya', 'Dokter Ahli Utama', 'Guru Ahli Muda'] as const;
const GRADES = ['III/a', 'III/b', 'III/c', 'III/d', 'IV/a', 'IV/b', 'IV/c'] as const;
const FILLER = 'Pertimbangan teknis telah diverifikasi sesuai ketentuan peraturan perundang-undangan yang berlaku dan dokumen pendukung lengkap. ';

/** Target size of an event's `data` once serialized as JSON. */
export const PAYLOAD_BYTES = 520;

export interface WorkloadEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: { actor: { subject: string; role: string }; correlationId: string };
}

export interface PlacedEvent {
  streamIndex: number;
  stream: string;
  revision: number;
  event: WorkloadEvent;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const LONG_FILLER = FILLER.repeat(8);
/** JSON size of a payload whose string values are all empty. */
const SKELETON_BYTES = JSON.stringify({
  employeeId: '', nip: '', sequence: '', unit: '', unitCode: '', position: '', grade: '', effectiveDate: '',
  decree: { skNumber: '', signedBy: '' }, notes: '',
}).length;

const pick = <T>(list: readonly T[], next: () => number): T => list[next() % list.length] as T;

/** One stream set: `streams` streams of `perStream` events, generated on demand from the seed. */
export class Workload {
  readonly total: number;
  private readonly names: string[];

  constructor(
    readonly seed: number,
    /** Distinguishes independent stream sets drawn from the same seed. */
    readonly salt: number,
    readonly streams: number,
    readonly perStream: number,
  ) {
    this.total = streams * perStream;
    this.names = Array.from({ length: streams }, (_, i) => `employee-${uuidFrom(prng(seed, salt, i, -1))}`);
  }

  streamName(streamIndex: number): string {
    return this.names[streamIndex] as string;
  }

  /** The event at revision `revision` of stream `streamIndex`. */
  eventOf(streamIndex: number, revision: number): WorkloadEvent {
    const next = prng(this.seed, this.salt, streamIndex, revision);
    const type = revision === 0 ? 'EmployeeHired' : pick(EVENT_TYPES, next);
    const employeeId = this.names[streamIndex] as string;
    const nip = `19${pad(next() % 100_000_000, 8)}${pad(next() % 100_000_000, 8)}`;
    const sequence = String(revision);
    const unit = pick(UNITS, next);
    const unitCode = `U-${pad(next() % 100_000, 5)}`;
    const position = pick(POSITIONS, next);
    const grade = pick(GRADES, next);
    const effectiveDate = `20${String(10 + (next() % 15))}-${pad(1 + (next() % 12), 2)}-01`;
    const skNumber = `SK-${String(next() % 1_000_000)}/${String(next() % 100)}`;
    const signedBy = pick(ROLES, next);
    // Every value is plain ASCII without quotes or backslashes, so the JSON size is the skeleton plus the values.
    const used =
      SKELETON_BYTES + employeeId.length + nip.length + sequence.length + unit.length + unitCode.length +
      position.length + grade.length + effectiveDate.length + skNumber.length + signedBy.length;
    const offset = next() % 64;
    const notes = LONG_FILLER.slice(offset, offset + Math.max(0, PAYLOAD_BYTES - used));
    return {
      id: uuidFrom(next),
      type,
      data: { employeeId, nip, sequence, unit, unitCode, position, grade, effectiveDate, decree: { skNumber, signedBy }, notes },
      metadata: {
        actor: { subject: `user-${String(next() % 5000)}`, role: pick(ROLES, next) },
        correlationId: uuidFrom(next),
      },
    };
  }

  /** Event k of the interleaved global order. */
  at(k: number): PlacedEvent {
    const streamIndex = k % this.streams;
    const revision = Math.floor(k / this.streams);
    return { streamIndex, stream: this.names[streamIndex] as string, revision, event: this.eventOf(streamIndex, revision) };
  }

  /** Pre-generates events k in [from, to) so that generation stays out of the timed loops. */
  range(from: number, to: number): PlacedEvent[] {
    const out: PlacedEvent[] = [];
    for (let k = from; k < Math.min(to, this.total); k++) out.push(this.at(k));
    return out;
  }

  /** Events of one stream, in order (for batched appends: one stream per batch). */
  streamEvents(streamIndex: number): PlacedEvent[] {
    const stream = this.names[streamIndex] as string;
    return Array.from({ length: this.perStream }, (_, revision) => ({ streamIndex, stream, revision, event: this.eventOf(streamIndex, revision) }));
  }
}

let appendSequence = 0;
/**
 * A UUIDv7 minted at append time, as our services mint event ids (RFC 9562: a millisecond timestamp first,
 * so ids recorded later sort later). The workload's own ids are random (v4-shaped); an engine that keeps a
 * unique index on event ids pays for random ids with scattered index writes, which v7 ids avoid.
 */
export const nextUuidV7 = (): string => {
  const n = appendSequence++;
  const time = (1_700_000_000_000 + n).toString(16).padStart(12, '0');
  const a = (Math.imul(n ^ 0x5bd1e995, 0x27d4eb2d) >>> 0).toString(16).padStart(8, '0');
  const b = (Math.imul(n ^ 0x165667b1, 0x9e3779b1) >>> 0).toString(16).padStart(8, '0');
  return `${time.slice(0, 8)}-${time.slice(8)}-7${a.slice(0, 3)}-${(0x8 | (n & 3)).toString(16)}${a.slice(3, 6)}-${a.slice(6)}${b}00`;
};
