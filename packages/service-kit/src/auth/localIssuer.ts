import { randomUUID } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JSONWebKeySet, type JWK } from 'jose';
import type { Role } from './principal';

/** Issuer name of tokens minted by the local issuer of the embedded default. */
export const LOCAL_ISSUER = 'urn:asn-ledger:local-issuer';
const ALG = 'ES256';
const KEY_FILE = 'local-issuer.private.jwk.json';

export interface TokenRequest {
  readonly subject: string;
  readonly roles: readonly Role[];
  readonly audience: string;
  /** A jose time span such as `1h`, `30m`, `3600s`. */
  readonly ttl: string;
  readonly unit?: string;
}

/** Stands in for the city's OIDC provider: signs tokens with a key pair kept in the data dir. */
export interface LocalIssuer {
  readonly issuer: string;
  readonly algorithm: string;
  /** Public keys only: what services verify with. */
  readonly jwks: JSONWebKeySet;
  issue(request: TokenRequest): Promise<string>;
}

/** Writes the key so that no reader ever sees a partial file and a concurrent first start keeps one key. */
const createKeyFile = async (path: string): Promise<void> => {
  const { privateKey } = await generateKeyPair(ALG, { extractable: true });
  const jwk: JWK = { ...(await exportJWK(privateKey)), alg: ALG, use: 'sig', kid: randomUUID() };
  const tmp = `${path}.${process.pid}.${randomUUID()}.tmp`;
  writeFileSync(tmp, JSON.stringify(jwk), { mode: 0o600, flag: 'wx' });
  try {
    linkSync(tmp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(tmp);
  }
};

const readKeyFile = (path: string): JWK => {
  // Like ssh: a private key others can read is not trusted.
  if ((statSync(path).mode & 0o077) !== 0) {
    throw new Error(`${path} is readable by other users; run chmod 600 on it`);
  }
  return JSON.parse(readFileSync(path, 'utf8')) as JWK;
};

/**
 * Opens the local issuer in `dataDir`, creating its key pair (file mode 0600, directory 0700) on first use.
 */
export const openLocalIssuer = async ({ dataDir, issuer = LOCAL_ISSUER }: { dataDir: string; issuer?: string }): Promise<LocalIssuer> => {
  const dir = join(dataDir, 'auth');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const path = join(dir, KEY_FILE);
  try {
    statSync(path);
  } catch {
    await createKeyFile(path);
  }
  const privateJwk = readKeyFile(path);
  const { d: _secret, ...publicJwk } = privateJwk;
  const signingKey = await importJWK(privateJwk, ALG);
  const kid = privateJwk.kid;
  return {
    issuer,
    algorithm: ALG,
    jwks: { keys: [publicJwk] },
    issue: ({ subject, roles, audience, ttl, unit }) =>
      new SignJWT({ roles: [...roles], ...(unit === undefined ? {} : { opd: unit }) })
        .setProtectedHeader({ alg: ALG, typ: 'JWT', ...(kid === undefined ? {} : { kid }) })
        .setIssuer(issuer)
        .setSubject(subject)
        .setAudience(audience)
        .setIssuedAt()
        .setJti(randomUUID())
        .setExpirationTime(ttl)
        .sign(signingKey),
  };
};
