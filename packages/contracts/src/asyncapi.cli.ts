// Writes docs/asyncapi.yaml from the contracts; with --check, only compares and exits 1 when it is stale.
//   node --import tsx packages/contracts/src/asyncapi.cli.ts [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { asyncApiYaml } from './asyncapi';

const target = join(__dirname, '..', '..', '..', 'docs', 'asyncapi.yaml');
const shown = relative(process.cwd(), target);
const generated = asyncApiYaml();

if (process.argv.includes('--check')) {
  let committed: string | undefined;
  try {
    committed = readFileSync(target, 'utf8');
  } catch {
    committed = undefined;
  }
  if (committed !== generated) {
    process.stderr.write(`${shown} is out of date: run \`pnpm --filter @asn/contracts asyncapi\` and commit it\n`);
    process.exit(1);
  }
  process.stdout.write(`${shown} is up to date\n`);
} else {
  writeFileSync(target, generated);
  process.stdout.write(`wrote ${shown}\n`);
}
