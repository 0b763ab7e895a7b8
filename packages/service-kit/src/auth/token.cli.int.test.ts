import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openLocalIssuer } from './localIssuer';
import { createTokenVerifier } from './verifier';
import { tempDir } from '../testing/fixtures';

const run = promisify(execFile);
const root = join(__dirname, '..', '..', '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const cli = join(__dirname, 'token.cli.ts');

let dir: ReturnType<typeof tempDir>;
beforeAll(() => {
  dir = tempDir();
});
afterAll(() => dir.remove());

describe('pnpm token', () => {
  it('prints a token for the role that the services accept', async () => {
    const { stdout } = await run(tsx, [cli, 'hr-staff,auditor', '--sub', 'alice', '--aud', 'personnel', '--ttl', '1h', '--data-dir', dir.dir, '--opd', 'dinas-pendidikan']);
    const issuer = await openLocalIssuer({ dataDir: dir.dir });
    const verify = createTokenVerifier({ issuer: issuer.issuer, audience: 'personnel', jwks: issuer.jwks });
    await expect(verify(stdout.trim())).resolves.toEqual({ subject: 'alice', roles: ['hr-staff', 'auditor'], unit: 'dinas-pendidikan' });
  }, 30_000);

  it('refuses an unknown role with exit code 2 and usage', async () => {
    const failure = await run(tsx, [cli, 'superuser', '--sub', 'alice', '--aud', 'personnel', '--data-dir', dir.dir]).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toMatch(/usage: pnpm token/);
  }, 30_000);
});
