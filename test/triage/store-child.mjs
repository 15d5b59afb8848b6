// A separate process on a case, for the store's multi-process tests (runs the built library in dist/).
//   worker <location> <name> <leaseMs> <hangAfter>: claims and finishes reports until none is left; with hangAfter
//     >= 0 it stops finishing after that many and holds its claim (the test kills it), printing {"holding": [...]}.
//   hold <location> <ms>: holds the case's write lock for ms (an open write transaction), printing {"locked": true}.
// One JSON object per line on stdout.
import { openCaseStore } from '../../dist/triage/store/index.js';

const [mode, location, ...args] = process.argv.slice(2);
const out = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const store = await openCaseStore(location, { busyTimeoutMs: 20_000 });
if (mode === 'hold') {
  await store.transaction(async (tx) => {
    await tx.markStepDone('none', 'lock', 'hold');
    out({ locked: true });
    await sleep(Number(args[0]));
  });
} else if (mode === 'worker') {
  const [name, leaseMs, hangAfter] = [args[0], Number(args[1]), Number(args[2])];
  let completed = 0;
  while (true) {
    const ids = await store.claimReports(name, { limit: 4, leaseMs });
    if (ids.length === 0) {
      if ((await store.workRemaining()) === 0) break;
      await sleep(100);
      continue;
    }
    for (const [index, id] of ids.entries()) {
      if (hangAfter >= 0 && completed >= hangAfter) {
        out({ holding: ids.slice(index) });
        setInterval(() => undefined, 60_000);
        await new Promise(() => undefined);
      }
      await store.transaction((tx) => tx.markStepDone(id, 'work', name));
      await sleep(5);
      if (await store.completeReport(id, name)) {
        completed++;
        out({ completed: id });
      } else {
        out({ lost: id });
      }
    }
  }
  out({ done: completed });
}
await store.close();
