/**
 * One engine's measurements, run by main.ts in a process of its own: an engine measured after another in the
 * same process would inherit that engine's heap, and a large heap alone halves the rate of a promise-based
 * engine's single appends here (measured: 2,700 → 1,350 ev/s with 580 MB of unrelated live objects).
 * Writes the EngineResult as JSON to the file named by its second argument; progress goes to stderr.
 */
import { writeFileSync } from 'node:fs';
import { type EngineResult, loadConfig, removeDir } from './common';
import { Workload } from './workload';

const engines = {
  raw: async () => (await import('./raw')).runRaw,
  ours: async () => (await import('./ours')).runOurs,
  emmett: async () => (await import('./emmett')).runEmmett,
  http: async () => (await import('./http/run')).runHttp,
  kafka: async () => (await import('./kafka')).runKafka,
  rebuild: async () => (await import('./rebuild')).runRebuild,
} as const;

const main = async (): Promise<void> => {
  const name = process.argv[2] as keyof typeof engines;
  const load = engines[name];
  if (!load) throw new Error(`unknown engine ${String(name)}`);
  const cfg = loadConfig();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      removeDir(cfg.dir);
      process.exit(130);
    });
  }
  try {
    const workload = new Workload(cfg.seed, 0, cfg.streams, cfg.perStream);
    const batch = new Workload(cfg.seed, 1, Math.max(1, Math.round(workload.total / cfg.batchStreamLength)), cfg.batchStreamLength);
    const result: EngineResult = await (await load())(cfg, workload, batch);
    writeFileSync(process.argv[3]!, JSON.stringify(result));
  } finally {
    removeDir(cfg.dir);
  }
};

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
