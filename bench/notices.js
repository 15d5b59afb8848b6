// Notice bundle speed, after `npm run build`:
//   node --expose-gc bench/notices.js [--recipients 1000] [--flat 1000,10000] [--flat-formats txt,json]
// A bundle of N recipients × every format (the host notice of samples/case-example.yaml, one per recipient, each with
// its own name, address, id and reference, streamed from a generator as triage would): the time spent in each
// renderer gives notices/s per format; the baseline writes the same bytes, read beforehand from that bundle, through
// the same writer (folders, SHA-256, manifest). Then zips of 1,000 and 10,000 recipients show whether memory grows
// with the number of recipients (with the fast formats by default: 10,000 PDFs take over 10 minutes): peak RSS, and
// the largest heap still live after a full GC, sampled every 500 notices.
// Each measurement runs in a child process so that its peak memory (maxRSS) is its own.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from './lib.js';

const library = new URL('../dist/notices/index.js', import.meta.url).href;
const core = new URL('../dist/core/notice.js', import.meta.url).href;
const self = fileURLToPath(import.meta.url);
const NOW = '2026-12-01T10:00:00Z';

/** `n` notices for `n` recipients, made one at a time (a generator: the input is streamed as triage would). */
async function noticeSource(n) {
  const { prepareNotices, formatsFor } = await import(library);
  const { deriveNoticeId } = await import(core);
  const { notices } = await prepareNotices({ casePath: join(REPO_ROOT, 'samples', 'case-example.yaml'), now: NOW });
  const base = notices.find((notice) => formatsFor(notice).length === 5) ?? notices[0];
  return function* () {
    for (let i = 0; i < n; i++) {
      const email = `abuse@host-${i}.example`;
      yield {
        ...base,
        id: deriveNoticeId(base.caseRef, email, base.kind),
        reference: `${base.caseRef}-H${i + 1}`,
        recipient: { ...base.recipient, name: `Hébergeur ${i} SAS`, abuseContact: { ...base.recipient.abuseContact, email } },
      };
    }
  };
}

/** Writes a bundle of `n` recipients; with `from`, the baseline: the bytes of the bundle `from`, read beforehand. */
async function child(job, formatList, n, output, from) {
  const { writeBundle, renderNotice, formatsFor } = await import(library);
  const formats = formatList.split(',');
  const source = await noticeSource(n);
  const renderSeconds = Object.fromEntries(formats.map((f) => [f, 0]));
  let liveMb = 0;
  let render;
  if (job === 'baseline') {
    // Read before the clock starts; the writer then only names, hashes and writes them.
    const { readFile } = await import('node:fs/promises');
    const manifest = JSON.parse(await readFile(join(from, 'manifest.json'), 'utf8'));
    const bytes = new Map();
    for (const file of manifest.files) bytes.set(`${file.noticeId} ${file.format}`, await readFile(join(from, file.path)));
    render = async (notice, f) => bytes.get(`${notice.id} ${f}`);
  } else {
    // The shipped renderers, timed per format; every 500 notices a full GC measures what stays live.
    let rendered = 0;
    render = async (notice, f) => {
      if (f === formats[0] && ++rendered % 500 === 0) {
        globalThis.gc?.();
        liveMb = Math.max(liveMb, process.memoryUsage().heapUsed / 2 ** 20);
      }
      if (!formatsFor(notice).includes(f)) return undefined;
      const started = performance.now();
      const result = await renderNotice(notice, f);
      renderSeconds[f] += (performance.now() - started) / 1000;
      return result;
    };
  }
  globalThis.gc?.();
  const started = performance.now();
  const summary = await writeBundle(source(), { output, formats, now: new Date(NOW), render });
  const seconds = (performance.now() - started) / 1000;
  const result = { seconds, renderSeconds, maxRssMb: process.resourceUsage().maxRSS / 1024, liveMb, files: summary.files, bytes: summary.bytes };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function measure(job, formats, n, output, from = '') {
  const run = spawnSync(process.execPath, ['--expose-gc', self, '--child', job, formats, String(n), output, from], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.status !== 0) throw new Error(`${job} ${formats} ${n} failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

function argument(name, fallback) {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
}

async function main() {
  const recipients = Number(argument('--recipients', '1000'));
  const flat = argument('--flat', '1000,10000').split(',').filter(Boolean).map(Number);
  const flatFormats = argument('--flat-formats', 'txt,json');
  const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-notices-'));
  const rows = [];
  const line = (...cells) => rows.push(cells);
  try {
    const all = 'txt,eml,pdf,json,xarf';
    if (recipients > 0) allFormats(all);
    for (const count of flat) {
      const zip = join(dir, `flat-${count}.zip`);
      const result = measure('bundle', flatFormats, count, zip);
      line(`${count.toLocaleString('en')} recipients × ${flatFormats} (zip)`, `${(count / result.seconds).toFixed(0)} notices/s`, `${result.seconds.toFixed(1)} s`, `${result.maxRssMb.toFixed(0)} MB (live heap ${result.liveMb.toFixed(0)} MB)`, '');
      rmSync(zip, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  printRows(rows);

  function allFormats(all) {
    const bundled = measure('bundle', all, recipients, join(dir, 'all'));
    const baseline = measure('baseline', all, recipients, join(dir, 'baseline'), join(dir, 'all'));
    const n = recipients.toLocaleString('en');
    for (const [format, seconds] of Object.entries(bundled.renderSeconds)) {
      if (seconds > 0) line(`${n} recipients: render ${format}`, `${(recipients / seconds).toFixed(0)} notices/s`, `${seconds.toFixed(2)} s`, '', '');
    }
    line(
      `${n} recipients × all formats (folder, ${bundled.files.toLocaleString('en')} files, ${(bundled.bytes / 1e6).toFixed(1)} MB)`,
      `${(recipients / bundled.seconds).toFixed(0)} notices/s`,
      `${bundled.seconds.toFixed(2)} s`,
      `${bundled.maxRssMb.toFixed(0)} MB (live heap ${bundled.liveMb.toFixed(0)} MB)`,
      `same bytes pre-rendered: ${(recipients / baseline.seconds).toFixed(0)} notices/s, ${baseline.seconds.toFixed(2)} s (${(bundled.seconds / baseline.seconds).toFixed(1)}x)`,
    );
    rmSync(join(dir, 'all'), { recursive: true, force: true });
    rmSync(join(dir, 'baseline'), { recursive: true, force: true });
  }
}

function printRows(rows) {
  const headers = ['notice bundles', 'rate', 'time', 'peak RSS', 'baseline (same run)'];
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const row of [headers, widths.map((w) => '─'.repeat(w)), ...rows]) {
    console.log(row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
  }
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4], Number(process.argv[5]), process.argv[6], process.argv[7]);
else await main();
