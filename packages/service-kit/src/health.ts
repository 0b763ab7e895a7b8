import type { Request, Response, Router } from 'express';
import type { Logger } from 'pino';
import { ServiceUnavailableError } from './errors';
import { sendProblem } from './problem';

/** A readiness probe: resolves when the dependency is usable, throws (or times out) when not. */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void> | void;
  /** Default 2000 ms: a hanging dependency must not hang the probe. */
  readonly timeoutMs?: number;
}

const withTimeout = async (check: ReadinessCheck): Promise<void> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), check.timeoutMs ?? 2000);
  });
  try {
    await Promise.race([Promise.resolve().then(() => check.check()), timeout]);
  } finally {
    clearTimeout(timer);
  }
};

/** Runs every check; the results name each check as `ok` or `failed`, never the error text. */
export const runReadiness = async (checks: readonly ReadinessCheck[], logger: Logger): Promise<Record<string, 'ok' | 'failed'>> => {
  const outcomes = await Promise.allSettled(checks.map(withTimeout));
  const results: Record<string, 'ok' | 'failed'> = {};
  outcomes.forEach((outcome, i) => {
    const name = checks[i]?.name ?? `check-${i}`;
    results[name] = outcome.status === 'fulfilled' ? 'ok' : 'failed';
    if (outcome.status === 'rejected') {
      const reason: unknown = outcome.reason;
      logger.warn({ check: name, errorClass: reason instanceof Error ? reason.name : typeof reason }, 'readiness check failed');
    }
  });
  return results;
};

/** Mounts `/healthz` (the process answers) and `/readyz` (every check passes, else 503 naming the failures). */
export const mountHealth = (router: Router, checks: readonly ReadinessCheck[], logger: Logger): void => {
  router.get('/healthz', (_req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    const results = await runReadiness(checks, logger);
    const failed = Object.keys(results).filter((name) => results[name] === 'failed');
    if (failed.length > 0) {
      sendProblem(req, res, new ServiceUnavailableError(`Not ready: ${failed.join(', ')}.`, { checks: results }));
      return;
    }
    res.json({ status: 'ready', checks: results });
  });
};
