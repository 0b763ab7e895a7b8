// Run by sqliteKeyStore.int.test.ts in a process of its own: opens the key store at argv[2] with the master key
// (hex) in argv[3], says "ready", waits for a line on stdin, asks for the key of every subject in argv[4]
// (comma-separated, in that order) and prints one JSON object, subject -> key (hex).
import { createInterface } from 'node:readline';
import { openSqliteKeyStore } from './sqliteKeyStore';

const [path, masterHex, subjectList] = process.argv.slice(2) as [string, string, string];
const store = openSqliteKeyStore({ path, masterKey: Buffer.from(masterHex, 'hex'), busyTimeoutMs: 20_000 });
const lines = createInterface({ input: process.stdin });
lines.once('line', () => {
  const keys: Record<string, string> = {};
  for (const subject of subjectList.split(',')) keys[subject] = store.keyFor(subject).toString('hex');
  store.close();
  process.stdout.write(`${JSON.stringify(keys)}\n`);
  lines.close();
});
process.stdout.write('ready\n');
