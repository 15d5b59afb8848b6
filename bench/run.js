// `npm run bench`: every area's bench, one after the other, each in its own process (so that one area's memory and
// worker threads do not skew the next); or only those named: `npm run bench -- hashing resolve`.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const areas = readdirSync(here)
  .filter((name) => name.endsWith('.js') && !['run.js', 'lib.js'].includes(name))
  .map((name) => name.replace(/\.js$/, ''));
const wanted = process.argv.slice(2);
console.log(`# Vigie bench — Node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'})`);
let failed = false;
for (const area of areas.filter((name) => wanted.length === 0 || wanted.includes(name))) {
  console.log(`\n# ${area}`);
  const result = spawnSync(process.execPath, ['--expose-gc', `${here}${area}.js`], { stdio: 'inherit' });
  failed ||= result.status !== 0;
}
process.exitCode = failed ? 1 : 0;
