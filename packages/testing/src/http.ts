import { expect } from '@jest/globals';
import request from 'supertest';
import type { Response, Test } from 'supertest';

/** What supertest can drive: an express app (any request listener) or a running server. */
export type HttpTarget = Parameters<typeof request>[0];

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** supertest, with the headers of one caller applied to every request. */
export interface HttpClient {
  get(path: string): Test;
  post(path: string): Test;
  put(path: string): Test;
  patch(path: string): Test;
  delete(path: string): Test;
  /** The same client with a bearer token. */
  withToken(token: string): HttpClient;
  /** The same client with extra headers (they replace headers of the same name). */
  withHeaders(headers: Record<string, string>): HttpClient;
  /** The same client with a token for `role`, minted by the `tokenFor` given to {@link http}. */
  asRole(role: string): Promise<HttpClient>;
}

export interface HttpOptions {
  /** Mints a bearer token for a role, e.g. with the service kit's local issuer. */
  tokenFor?: (role: string) => string | Promise<string>;
}

/**
 * A supertest client for a service's int tests:
 * `const staff = await http(app, { tokenFor }).asRole('hr-staff'); await staff.post('/employees').send(body).expect(201);`
 */
export const http = (target: HttpTarget, options: HttpOptions = {}): HttpClient => client(target, options, {});

const client = (target: HttpTarget, options: HttpOptions, headers: Record<string, string>): HttpClient => {
  const send = (method: Method) => (path: string) => request(target)[method](path).set(headers);
  const withHeaders = (extra: Record<string, string>) => client(target, options, { ...headers, ...extra });
  const withToken = (token: string) => withHeaders({ Authorization: `Bearer ${token}` });
  return {
    get: send('get'),
    post: send('post'),
    put: send('put'),
    patch: send('patch'),
    delete: send('delete'),
    withToken,
    withHeaders,
    asRole: async (role) => {
      if (!options.tokenFor) throw new Error('asRole needs http(app, { tokenFor }) to mint tokens');
      return withToken(await options.tokenFor(role));
    },
  };
};

/** An RFC 9457 problem details body. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

/**
 * Asserts that a response is `application/problem+json` with `status` and RFC 9457 members, and
 * returns the problem for further checks. `expected` members (type, title, extensions...) must match too.
 */
export const expectProblem = (res: Response, status: number, expected: Partial<Problem> = {}): Problem => {
  expect({ status: res.status, contentType: res.headers['content-type'] }).toEqual({
    status,
    contentType: expect.stringMatching(/^application\/problem\+json(;|$)/),
  });
  const body: unknown = res.body;
  expect(body).toEqual(
    expect.objectContaining({
      // `type` is a URI reference; "about:blank" when the status says it all.
      type: expect.stringMatching(/^(about:blank|[a-z][a-z0-9+.-]*:\S+|\/\S*)$/),
      title: expect.stringMatching(/\S/),
      // The body repeats the status so that it survives proxies that rewrite the response line.
      status,
    }),
  );
  const problem = body as Problem;
  for (const member of ['detail', 'instance'] as const) {
    if (member in problem) expect(typeof problem[member]).toBe('string');
  }
  expect(problem).toMatchObject(expected);
  return problem;
};
