import { readFileSync } from 'node:fs';
import type { Request, RequestHandler } from 'express';
import { createLocalJWKSet, createRemoteJWKSet, errors as joseErrors, jwtVerify, type JSONWebKeySet } from 'jose';
import { z } from 'zod';
import { UnauthorizedError } from '../errors';
import { isRole, setPrincipal, type Principal, type Role } from './principal';

export interface TokenVerifierOptions {
  readonly issuer: string;
  /** This service's audience: a token minted for another service is refused. */
  readonly audience: string;
  /** Pinned algorithms; anything else (including `none`) is refused. */
  readonly algorithms?: readonly string[];
  /** Verification keys: a JWKS object, a path to a JWKS JSON file, or the provider's JWKS URL. */
  readonly jwks: JSONWebKeySet | { readonly file: string } | URL;
  readonly clockToleranceSeconds?: number;
  /** The clock (ms since the epoch); for tests. */
  readonly now?: () => number;
}

/** Verifies a bearer token and returns the principal; throws 401 for any invalid token. */
export type TokenVerifier = (token: string) => Promise<Principal>;

const Claims = z.object({
  sub: z.string().min(1).max(256),
  roles: z.array(z.string().max(64)).max(32).default([]),
  opd: z.string().min(1).max(64).optional(),
});

const keySource = (jwks: TokenVerifierOptions['jwks']) => {
  if (jwks instanceof URL) return createRemoteJWKSet(jwks);
  if ('file' in jwks) return createLocalJWKSet(JSON.parse(readFileSync(jwks.file, 'utf8')) as JSONWebKeySet);
  return createLocalJWKSet(jwks);
};

/**
 * A verifier with issuer, audience and algorithms pinned; `exp` and `sub` are required. Roles come from
 * the `roles` claim only; unknown role names are dropped.
 */
export const createTokenVerifier = ({
  issuer,
  audience,
  algorithms = ['ES256'],
  jwks,
  clockToleranceSeconds = 5,
  now = Date.now,
}: TokenVerifierOptions): TokenVerifier => {
  const keys = keySource(jwks);
  // A verified token is remembered until it expires: an official's client sends the same token with every
  // request, and an ES256 verification costs more than the rest of a small request. Only valid tokens are
  // kept, each with its own validity window, which is checked again on every use.
  const verified = new Map<string, { principal: Principal; notBefore: number; expires: number }>();
  const toleranceMs = clockToleranceSeconds * 1000;
  return async (token) => {
    const hit = verified.get(token);
    if (hit) {
      const at = now();
      if (at < hit.expires + toleranceMs && at >= hit.notBefore - toleranceMs) return hit.principal;
      verified.delete(token);
    }
    const principal = await verifyOnce(token);
    if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
    verified.set(token, principal);
    return principal.principal;
  };

  async function verifyOnce(token: string): Promise<{ principal: Principal; notBefore: number; expires: number }> {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer,
        audience,
        algorithms: [...algorithms],
        requiredClaims: ['exp', 'sub'],
        clockTolerance: clockToleranceSeconds,
        currentDate: new Date(now()),
      }));
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) throw new UnauthorizedError();
      throw error;
    }
    const claims = Claims.safeParse(payload);
    if (!claims.success) throw new UnauthorizedError();
    const roles = [...new Set(claims.data.roles)].filter(isRole) satisfies Role[];
    const times = payload as { exp: number; nbf?: number };
    return {
      principal: { subject: claims.data.sub, roles, ...(claims.data.opd === undefined ? {} : { unit: claims.data.opd }) },
      notBefore: (times.nbf ?? 0) * 1000,
      expires: times.exp * 1000,
    };
  }
};

const VERIFIED_CACHE_SIZE = 10_000;

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

/** The token of an `Authorization: Bearer <jwt>` header, or undefined. */
export const bearerTokenOf = (req: Request): string | undefined => BEARER.exec(req.headers.authorization ?? '')?.[1];

/** Middleware for plain routers: requires a valid bearer token and stores the principal. */
export const authenticate = (verify: TokenVerifier): RequestHandler => async (req, res, next) => {
  const token = bearerTokenOf(req);
  if (token === undefined) throw new UnauthorizedError();
  setPrincipal(res, await verify(token));
  next();
};
