import autocannon from 'autocannon';
import { now } from '../common';
import type { CommandRequest } from './command';

/** What one timed load of a server gave. */
export interface LoadResult {
  /** Responses received in the window (every status). */
  responses: number;
  /** 2xx responses. */
  ok: number;
  /** Wall-clock length of the window, ms. */
  ms: number;
  /** Per-response latency, ms (from the request's write to its response's end), of the 2xx responses. */
  latencies: number[];
  /** Responses by status code. */
  statuses: Record<string, number>;
  /** Connection errors and timeouts (no response at all). */
  errors: number;
  timeouts: number;
  /** The first non-2xx response, status and the start of its body, to tell what went wrong. */
  firstFailure?: string;
}

export interface LoadOptions {
  url: string;
  connections: number;
  seconds: number;
  token?: string;
  /** The n-th request of the run (n counts across warm-up and measurement, so ids stay unique). */
  request: (n: number) => CommandRequest;
  /** Where n starts. */
  from: number;
}

/**
 * Drives `url` with autocannon for `seconds`: `connections` keep-alive connections, one request in flight
 * on each (pipelining 1), every request built by `request(n)` (own path, body and Idempotency-Key). Runs in
 * this process: the servers are processes of their own.
 */
export const load = async (options: LoadOptions): Promise<LoadResult & { next: number }> => {
  let n = options.from;
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  let responses = 0;
  let ok = 0;
  let firstFailure: string | undefined;
  const auth = options.token === undefined ? {} : { authorization: `Bearer ${options.token}` };

  const started = now();
  const instance = autocannon(
    {
      url: options.url,
      connections: options.connections,
      pipelining: 1,
      duration: options.seconds,
      timeout: 10,
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => {
            const next = options.request(n++);
            return {
              ...request,
              method: 'POST',
              path: next.path,
              headers: { 'content-type': 'application/json', 'idempotency-key': next.idempotencyKey, ...auth },
              body: next.body,
            };
          },
          onResponse: (status, body) => {
            if ((status < 200 || status >= 300) && firstFailure === undefined)
              firstFailure = `${String(status)} ${body.slice(0, 400)}`;
          },
        },
      ],
    },
    () => undefined,
  );
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    responses++;
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    if (statusCode >= 200 && statusCode < 300) {
      ok++;
      latencies.push(responseTime);
    }
  });
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    instance.once('done', resolve);
    instance.once('error', reject);
  });
  const ms = now() - started;
  return {
    responses,
    ok,
    ms,
    latencies,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    ...(firstFailure === undefined ? {} : { firstFailure }),
    next: n,
  };
};
