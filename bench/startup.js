// Start-up: each command loads only the modules it uses. Whole-process wall time of a few commands against a bare
// `node -e 0`, interleaved rounds, best of each (the machine is shared: the best run is the one least disturbed).
// Goals (issue 11): `vigie --version` within 1.5x of bare Node, `vigie hashset verify` on a small set within 2.5x.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { printTable, REPO_ROOT } from './lib.js';

const vigie = join(REPO_ROOT, 'bin', 'vigie.js');
const cases = [
  { name: 'node -e 0 (baseline)', args: ['-e', '0'] },
  { name: 'vigie --version', args: [vigie, '--version'], goal: 1.5 },
  { name: 'vigie --help', args: [vigie, '--help'], goal: 1.5 },
  { name: 'vigie hashset verify hashsets/samples.vhs', args: [vigie, 'hashset', 'verify', join(REPO_ROOT, 'hashsets', 'samples.vhs')], goal: 2.5 },
  { name: 'vigie hash --help', args: [vigie, 'hash', '--help'] },
];
const rounds = Number(process.env.VIGIE_BENCH_ROUNDS ?? 15);
const best = cases.map(() => Infinity);
for (let round = 0; round < rounds; round++) {
  cases.forEach((entry, i) => {
    const start = performance.now();
    const result = spawnSync(process.execPath, entry.args, { stdio: 'ignore' });
    const elapsed = performance.now() - start;
    if (result.status !== 0 && entry.name !== cases[0].name) throw new Error(`${entry.name} exited ${result.status}`);
    best[i] = Math.min(best[i], elapsed);
  });
}
let missed = false;
printTable(
  `Start-up, best of ${rounds} interleaved rounds`,
  ['command', 'ms', 'x bare node', 'goal'],
  cases.map((entry, i) => {
    const ratio = best[i] / best[0];
    if (entry.goal && ratio > entry.goal) missed = true;
    return [entry.name, best[i].toFixed(0), ratio.toFixed(2), entry.goal ? `<= ${entry.goal}x` : ''];
  }),
);
if (missed) console.log('\nA start-up goal was missed: some command loads a module it does not use.');
