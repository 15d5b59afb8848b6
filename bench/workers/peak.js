// Preloaded into a bench child (`node --import ./bench/workers/peak.js …`): when the child exits, writes its wall time
// since the process started, its CPU time and its peak RSS to the file named by VIGIE_BENCH_PEAK, so that a real
// `vigie` command and a baseline script are measured the same way (start-up and module loading included in both).
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const usage = process.resourceUsage();
  const result = {
    seconds: performance.now() / 1000,
    cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
    maxRssMb: usage.maxRSS / 1024,
  };
  if (process.env.VIGIE_BENCH_PEAK) writeFileSync(process.env.VIGIE_BENCH_PEAK, JSON.stringify(result));
});
