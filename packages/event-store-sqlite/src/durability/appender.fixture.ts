// Child process of durability.e2e.test.ts: appends without pause, 8 appends in flight at a time, and prints
// one line per acknowledged append. The test kills it with SIGKILL at a random moment.
import { randomUUID } from 'node:crypto';
import { openSqliteEventStore } from '../sqliteEventStore';

const [path, round] = process.argv.slice(2) as [string, string];
const store = openSqliteEventStore({ path });
let batch = 0;

const appendForever = async (worker: number): Promise<void> => {
  for (;;) {
    const id = `${round}.${worker}.${batch++}`;
    const size = 1 + (batch % 5);
    const stream = `employee-s${batch % 16}`;
    const events = Array.from({ length: size }, (_, index) => ({
      id: randomUUID(),
      type: 'Appended',
      data: { batch: id, index, size, padding: 'p'.repeat(400) },
    }));
    const result = await store.appendToStream(stream, events);
    process.stdout.write(`ack ${stream} ${result.nextExpectedRevision} ${events.map((e) => e.id).join(',')}\n`);
  }
};

process.stdout.write('ready\n');
for (let worker = 0; worker < 8; worker++) void appendForever(worker);
