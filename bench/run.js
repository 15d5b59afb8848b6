// `npm run bench`: every area's bench in one process, or only those named: `npm run bench -- hashing`.
import { availableParallelism, cpus } from 'node:os';
import { benchHashing } from './hashing.js';

const benches = { hashing: benchHashing };
const wanted = process.argv.slice(2);
console.log(`# Vigie bench — Node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'})`);
for (const [name, bench] of Object.entries(benches)) {
  if (wanted.length === 0 || wanted.includes(name)) await bench();
}
