import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openLocalIssuer } from '@asn/service-kit';
import { log } from '../common';
import { REPO_ROOT, runTs, type Server, startService } from './processes';

/** The service's entry script, relative to the repository root; BENCH_HTTP_MAIN runs a variant of it instead. */
const MAIN = process.env.BENCH_HTTP_MAIN || join('services', 'personnel', 'src', 'main.ts');
const SEEDER = join('services', 'personnel', 'src', 'synthetic', 'seed.cli.ts');

/** Tokens of the local issuer in the service's DATA_DIR: staff propose, a different subject approves. */
export interface Tokens {
  staff: string;
  approver: string;
}

export const issueTokens = async (dataDir: string): Promise<Tokens> => {
  const issuer = await openLocalIssuer({ dataDir });
  const issue = (subject: string, role: 'hr-staff' | 'hr-approver') =>
    issuer.issue({ subject, roles: [role], audience: 'personnel', ttl: '1h' });
  return { staff: await issue('bench-staff', 'hr-staff'), approver: await issue('bench-approver', 'hr-approver') };
};

/**
 * The personnel service as it runs in production (its main.ts: telemetry, SQLite store with
 * synchronous=FULL and group commit, idempotency store, key store, audit log), on `dataDir`, logging nothing.
 * `nodeArgs` (e.g. `--cpu-prof`) go to its node process.
 */
export const startPersonnel = (dataDir: string, nodeArgs: readonly string[] = []): Promise<Server> =>
  startService(
    'personnel',
    MAIN,
    { DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    { readyPath: '/readyz', timeoutMs: 90_000, nodeArgs },
  );

/** Whether the synthetic-city seeder is in this checkout. */
export const hasSeeder = (): boolean => existsSync(join(REPO_ROOT, SEEDER));

/** Seeds `employees` employees with the synthetic-city seeder, into the store file the service will open. */
export const seedWithSeeder = (dataDir: string, employees: number): Promise<void> =>
  runTs(SEEDER, ['--employees', String(employees), '--data-dir', dataDir], 180_000);

const call = async (
  url: string,
  token: string,
  method: 'GET' | 'POST',
  body?: unknown,
  idempotencyKey?: string,
): Promise<unknown> => {
  const res = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok)
    throw new Error(`${method} ${new URL(url).pathname} answered ${String(res.status)}: ${text.slice(0, 400)}`);
  return text === '' ? undefined : (JSON.parse(text) as unknown);
};

let setupKey = 0;
const key = (): string => `bench-setup-${String(process.pid)}-${String(++setupKey)}`;

/** Establishes a unit effective since 2000 (so it exists on any TMT the bench uses); returns its id. */
export const establishUnit = async (service: Server, tokens: Tokens, name: string, code: string): Promise<string> => {
  const body = await call(
    `${service.url}/v1/units`,
    tokens.approver,
    'POST',
    { name, code, tmt: '2000-01-01', legalBasis: 'Perwali benchmark 1/2000' },
    key(),
  );
  return (body as { unitId: string }).unitId;
};

const FIRST = ['Budi', 'Siti', 'Agus', 'Dewi', 'Made', 'Putu', 'Rina', 'Hendra', 'Nur', 'Yusuf', 'Ayu', 'Rudi'];
const LAST = [
  'Santoso',
  'Lestari',
  'Siregar',
  'Nasution',
  'Wijaya',
  'Hasibuan',
  'Saputra',
  'Harahap',
  'Kusuma',
  'Lubis',
];

/** The i-th synthetic CPNS: born on a day of its own from 1982 on, appointed 2015-03, so its NIP is unique and valid. */
const person = (i: number) => {
  const day = i % 5_000;
  const birth = new Date(Date.UTC(1982, 0, 1 + day)).toISOString().slice(0, 10);
  const gender = i % 2 === 0 ? 'male' : 'female';
  const sequence = String(1 + Math.floor(i / 5_000)).padStart(3, '0');
  return {
    name: `${FIRST[i % FIRST.length] ?? 'Budi'} ${LAST[Math.floor(i / FIRST.length) % LAST.length] ?? 'Santoso'}`,
    nip: `${birth.replaceAll('-', '')}201503${gender === 'male' ? '1' : '2'}${sequence}`,
    birthDate: birth,
    gender,
    education: 'S1',
  };
};

/**
 * Seeds through the API (when the seeder is absent): each employee's appointment is proposed by staff and
 * approved by an approver, `concurrency` at a time.
 */
export const seedThroughApi = async (
  service: Server,
  tokens: Tokens,
  employees: number,
  concurrency = 16,
): Promise<void> => {
  const unitId = await establishUnit(service, tokens, 'Badan Kepegawaian Benchmark', 'BENCH-ASAL');
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < employees; i = next++) {
      const proposed = (await call(
        `${service.url}/v1/employees`,
        tokens.staff,
        'POST',
        {
          decision: {
            kind: 'appointment',
            employeeType: 'CPNS',
            golongan: 'III/a',
            unitId,
            position: { kind: 'pelaksana', title: 'Analis Kepegawaian' },
          },
          decree: {
            skNumber: `800/${String(i)}/BKPSDM/2015`,
            skDate: '2015-02-20',
            tmt: '2015-03-01',
            signedBy: 'Wali Kota Tanjungbalai',
            legalBasis: 'UU 20/2023 tentang ASN',
          },
          personal: person(i),
        },
        key(),
      )) as { employeeId: string; decisionId: string };
      await call(
        `${service.url}/v1/employees/${proposed.employeeId}/proposals/${proposed.decisionId}/approval`,
        tokens.approver,
        'POST',
        undefined,
        key(),
      );
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
};

/** Every active employee and its unit, from the service's list (a page of 200 at a time). */
export const activeEmployees = async (
  service: Server,
  tokens: Tokens,
): Promise<{ employeeId: string; unitId: string | null }[]> => {
  const all: { employeeId: string; unitId: string | null }[] = [];
  let after: string | null = null;
  do {
    const query: string = `status=active&limit=200${after === null ? '' : `&after=${after}`}`;
    const page = (await call(`${service.url}/v1/employees?${query}`, tokens.staff, 'GET')) as {
      items: { employeeId: string; unitId: string | null }[];
      next: string | null;
    };
    all.push(...page.items.map((item) => ({ employeeId: item.employeeId, unitId: item.unitId })));
    after = page.next;
  } while (after !== null);
  log(`personnel: ${all.length.toLocaleString('en-US')} active employees`);
  return all;
};
