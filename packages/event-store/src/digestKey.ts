import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { privateKeyFromPem, publicKeyFromPem } from './digest';

/** The digest signing key: `<path>` (PKCS#8 PEM, 0600) and `<path>.pub` (SPKI PEM, for auditors to keep). */
export interface DigestKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPath: string;
  created: boolean;
}

/**
 * Loads the Ed25519 digest signing key, or creates it (with its public half beside it) when absent. A private
 * key file that others can read is refused: whoever holds it can sign a digest of a forged store.
 */
export const loadOrCreateDigestKey = (path: string): DigestKey => {
  const publicKeyPath = `${path}.pub`;
  if (existsSync(path)) {
    if ((statSync(path).mode & 0o077) !== 0) throw new Error(`${path} can be read by others; chmod 600 it`);
    const privateKey = privateKeyFromPem(readFileSync(path, 'utf8'));
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${path} is not an Ed25519 private key`);
    const publicKey = publicKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    if (!existsSync(publicKeyPath)) writeFileSync(publicKeyPath, publicKey.export({ type: 'spki', format: 'pem' }));
    return { privateKey, publicKey, publicKeyPath, created: false };
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  writeFileSync(publicKeyPath, publicKey.export({ type: 'spki', format: 'pem' }));
  return { privateKey, publicKey, publicKeyPath, created: true };
};
