/**
 * Loads a synthetic city into the data dir, for demos, reports and benchmarks (what `./ledger seed` runs):
 *   node --import tsx services/personnel/src/synthetic/seed.cli.ts [--employees 5000] [--units 30] [--seed 1]
 *     [--data-dir ./data] [--master-key FILE] [--today YYYY-MM-DD] [--concurrency 32]
 * Deterministic for the same seed, size and date. A store that already holds employees is left alone.
 * Prints one line of counts and seconds, never personal data.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { openSqliteEventStore } from '@asn/event-store-sqlite';
import { contractCheck } from '@asn/runtime';
import { createFieldCipher, deriveKey, loadOrCreateMasterKey, openSqliteKeyStore } from '@asn/privacy';
import { z } from 'zod';
import { isCalendarDate } from '@asn/contracts';
import { createEmployeeCodec } from '../employees/employee.codec';
import { generateCity, MAX_UNITS } from './city';
import { seedCity, storeHoldsEmployees } from './seed';

const count = (max: number) => z.coerce.number().int().min(1).max(max);

const Args = z.strictObject({
  employees: count(200_000),
  units: count(MAX_UNITS),
  seed: z.coerce
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1),
  dataDir: z.string().min(1),
  masterKey: z.string().min(1).optional(),
  today: z
    .string()
    .refine(isCalendarDate, 'use a date as YYYY-MM-DD')
    .refine((d) => d >= '2025-01-01', 'must be 2025-01-01 or later'),
  concurrency: count(1_024),
});

const usage = `usage: seed [--employees 5000] [--units 30] [--seed 1] [--data-dir ./data] [--master-key FILE]
            [--today YYYY-MM-DD] [--concurrency 32]
  Writes a deterministic synthetic city (units of Kota Tanjungbalai, employees with whole careers) into
  DATA_DIR/asn.db, personal data sealed with keys in DATA_DIR/personnel.keys.db under the master key
  (default DATA_DIR/privacy.master.key; pass the service's PRIVACY_MASTER_KEY_FILE when it is elsewhere).
  Units: at most ${MAX_UNITS}. Nothing is written when the store already holds employees.`;

const OPTIONS = {
  employees: { type: 'string', default: '5000' },
  units: { type: 'string', default: '30' },
  seed: { type: 'string', default: '1' },
  'data-dir': { type: 'string', default: './data' },
  'master-key': { type: 'string' },
  today: { type: 'string', default: new Date().toISOString().slice(0, 10) },
  concurrency: { type: 'string', default: '32' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

const main = async (): Promise<number> => {
  let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];
  try {
    // `pnpm run seed -- --employees 10` passes the `--` on.
    const args = process.argv.slice(2);
    ({ values } = parseArgs({ args: args[0] === '--' ? args.slice(1) : args, options: OPTIONS }));
  } catch (error) {
    process.stderr.write(`seed: ${error instanceof Error ? error.message : String(error)}\n${usage}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const parsed = Args.safeParse({
    employees: values.employees,
    units: values.units,
    seed: values.seed,
    dataDir: values['data-dir'],
    masterKey: values['master-key'],
    today: values.today,
    concurrency: values.concurrency,
  });
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `  ${i.path.length > 0 ? `--${i.path.join('.')}` : 'arguments'}: ${i.message}`)
      .join('\n');
    process.stderr.write(`${problems}\n${usage}\n`);
    return 2;
  }
  const { employees, units, seed, today, concurrency } = parsed.data;
  const dataDir = resolve(parsed.data.dataDir);
  const storePath = join(dataDir, 'asn.db');

  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // The services' own check (ADR 0010): the city holds only events that meet their contracts.
  const store = openSqliteEventStore({ path: storePath, checkEvent: contractCheck });
  try {
    // Checked before generating, which takes seconds; seedCity checks again before it writes.
    if (await storeHoldsEmployees(store)) {
      process.stdout.write(`seed: nothing written: the store already holds employees (${storePath})\n`);
      return 0;
    }
    const generating = performance.now();
    const city = generateCity({ seed, employees, units, today });
    const generated = (performance.now() - generating) / 1000;
    const masterKey = loadOrCreateMasterKey(parsed.data.masterKey ?? join(dataDir, 'privacy.master.key'));
    const keys = openSqliteKeyStore({ path: join(dataDir, 'personnel.keys.db'), masterKey });
    try {
      const codec = createEmployeeCodec(createFieldCipher(keys));
      const nipIndexKey = deriveKey(masterKey, 'nip-index');
      const report = await seedCity({ store, codec, keys, nipIndexKey }, city, { concurrency });
      if (report.status === 'skipped') {
        process.stdout.write(`seed: nothing written: ${report.reason} (${storePath})\n`);
        return 0;
      }
      const present = report.unitsPresent > 0 ? ` (${report.unitsPresent} already present)` : '';
      process.stdout.write(
        `seed: ${report.employees} employees, ${report.units} units${present}, ${report.events} events ` +
          `in ${(generated + report.seconds).toFixed(1)} s (generated in ${generated.toFixed(1)} s, written in ${report.seconds.toFixed(1)} s); ` +
          `seed ${seed}, as of ${today}, correlation id ${report.correlationId}\n`,
      );
      return 0;
    } finally {
      keys.close();
    }
  } finally {
    await store.close();
  }
};

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Messages of the generator and the stores name ids and counts, never personal data.
    process.stderr.write(`seed: failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
