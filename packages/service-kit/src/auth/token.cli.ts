/**
 * Prints a token from the local issuer, for the embedded default and for trying the API by hand:
 *   pnpm token hr-staff --sub alice --aud personnel --ttl 1h --data-dir ./data [--opd dinas-kesehatan]
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { openLocalIssuer } from './localIssuer';
import { ROLES } from './principal';

const Args = z.strictObject({
  roles: z.array(z.enum(ROLES)).min(1),
  sub: z.string().min(1).max(256),
  aud: z.string().min(1).max(128),
  ttl: z.string().regex(/^\d{1,6}\s?[smhd]$/, 'use a span such as 30m, 1h, 8h, 1d'),
  dataDir: z.string().min(1),
  opd: z.string().min(1).max(64).optional(),
});

const usage = `usage: pnpm token <role>[,<role>...] --sub <subject> --aud <service> [--ttl 1h] [--data-dir ./data] [--opd <unit>]
roles: ${ROLES.join(', ')}`;

const main = async (): Promise<void> => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      sub: { type: 'string' },
      aud: { type: 'string' },
      ttl: { type: 'string', default: '1h' },
      'data-dir': { type: 'string', default: './data' },
      opd: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const parsed = Args.safeParse({
    roles: positionals.flatMap((p) => p.split(',')).filter((p) => p !== ''),
    sub: values.sub,
    aud: values.aud,
    ttl: values.ttl,
    dataDir: values['data-dir'],
    opd: values.opd,
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.') || 'arguments'}: ${i.message}`).join('\n');
    process.stderr.write(`${problems}\n${usage}\n`);
    process.exitCode = 2;
    return;
  }
  const { roles, sub, aud, ttl, dataDir, opd } = parsed.data;
  const issuer = await openLocalIssuer({ dataDir });
  const token = await issuer.issue({ subject: sub, roles, audience: aud, ttl, ...(opd === undefined ? {} : { unit: opd }) });
  process.stdout.write(`${token}\n`);
};

main().catch((error: unknown) => {
  process.stderr.write(`token: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
