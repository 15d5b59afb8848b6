import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareNotices } from '../../src/notices/index.js';
import { runVigie } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/shared.js';

const SAMPLES = join(REPO_ROOT, 'samples', 'notices');
const FILES = ['--resolve', join(SAMPLES, 'resolve.jsonl'), '--geo', join(SAMPLES, 'geo.jsonl')];
const DOWN = '\u001b[B';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigie-new-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `vigie notice new` in a pseudo-terminal (test/helpers/pty-driver.py), answering each prompt in turn. */
async function inPty(args: string[], steps: [RegExp, string][]): Promise<{ code: number; transcript: string }> {
  const stepsFile = join(dir, `steps-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(stepsFile, JSON.stringify(steps.map(([pattern, answer]) => [pattern.source, answer])));
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [join(REPO_ROOT, 'test/helpers/pty-driver.py'), stepsFile, process.execPath, join(REPO_ROOT, 'bin/vigie.js'), ...args], {
      cwd: REPO_ROOT,
    });
    let transcript = '';
    child.stdout.on('data', (chunk) => (transcript += chunk));
    child.stderr.on('data', (chunk) => (transcript += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, transcript }));
  });
}

const NOTIFIER_ANSWERS: [RegExp, string][] = [
  [/Case reference/, 'PDC-TEST-1\r'],
  [/Notifier organisation/, 'Hotline Test\r'],
  [/Notifier domain/, 'hotline.example\r'],
  [/Notifier contact e-mail/, 'report@hotline.example\r'],
  [/Notifier country/, 'FR\r'],
  [/Analyst pseudonym/, 'analyst-1\r'],
];

describe('vigie notice new without a terminal or with --no-input: never prompts, lists what is missing, exit 3', () => {
  it.each([
    ['--no-input', ['--no-input']],
    ['no TTY (pipes)', []],
  ])('%s', async (_name, extra) => {
    const out = join(dir, `never-${extra.length}.yaml`);
    const result = await runVigie(['notice', 'new', ...FILES, '-o', out, ...extra]);
    expect(result.code).toBe(3);
    expect(existsSync(out)).toBe(false);
    expect(result.stderr).toContain('missing fields');
    for (const path of ['caseRef', 'notifier.organisation', 'notifier.organisationDomain', 'notifier.contactEmail', 'notifier.country', 'notifier.analystRef', 'category', 'reasoning']) {
      expect(result.stderr).toMatch(new RegExp(`^  ${path.replace('.', '\\.')}: is required`, 'm'));
    }
    expect(result.stderr).not.toMatch(/\?\s/); // no question was asked
  });

  it('a complete case is written as is, without a question', async () => {
    const out = join(dir, 'complete.yaml');
    const result = await runVigie(['notice', 'new', join(REPO_ROOT, 'samples/case-example.yaml'), '-o', out]);
    expect(result.code).toBe(0);
    const { notices } = await prepareNotices({ casePath: out, now: '2026-12-01T09:00:00Z' });
    const original = await prepareNotices({ casePath: join(REPO_ROOT, 'samples/case-example.yaml'), now: '2026-12-01T09:00:00Z' });
    expect(notices.map((n) => n.id)).toEqual(original.notices.map((n) => n.id));
    // Sources are written relative to the new file, as a hand-written case has them.
    expect(await readFile(out, 'utf8')).toContain(`resolve: ${relative(dir, join(SAMPLES, 'resolve.jsonl'))}\n`);
  });

  it('an output folder that does not exist is an input error before any question', async () => {
    const result = await runVigie(['notice', 'new', join(REPO_ROOT, 'samples/case-example.yaml'), '-o', join(dir, 'no/such/dir/case.yaml')]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/is not a folder/);
  });
});

describe.skipIf(!process.env.PATH?.split(':').some((p) => existsSync(join(p, 'python3'))))('vigie notice new in a pseudo-terminal', () => {
  it('asks for what is missing (category from the list, the recipient among several contacts with provenance), previews, writes', async () => {
    const out = join(dir, 'asked.yaml');
    const { code, transcript } = await inPty(
      ['notice', 'new', ...FILES, '-o', out],
      [
        ...NOTIFIER_ANSWERS,
        [/Legal category of the case[\s\S]*csam — Child sexual abuse material/, '\r'],
        [/illegal \(reasoning\)/, 'Baseline material.\r'],
        [/Several abuse contacts for https:\/\/cdn\.bildhost\.example[\s\S]*abuse@bildhost\.example \(role; rdap:ripe entity ABUSE-BH1-RIPE\)[\s\S]*noc@bildhost\.example \(contact; whois:whois\.ripe\.net e-mail\)/, `${DOWN}\r`],
        [/PDC-TEST-1-H1 · host → Hébergeur FR Exemple SAS[\s\S]*Write the case \(8 notices\)/, 'y\r'],
      ],
    );
    expect(code, transcript).toBe(0);
    const { notices } = await prepareNotices({ casePath: out, now: '2026-12-01T09:00:00Z' });
    expect(notices).toHaveLength(8);
    expect(notices[0]).toMatchObject({ caseRef: 'PDC-TEST-1', notifier: { organisation: 'Hotline Test', analystRef: 'analyst-1' }, legal: { category: 'csam', reasoning: 'Baseline material.' } });
    const nl = notices.find((n) => n.kind === 'host' && n.recipient.country === 'NL')!;
    expect(nl.recipient.abuseContact?.email).toBe('noc@bildhost.example');
    expect(nl.recipient.abuseContact?.provenance).toEqual([`case:${out} targets[1].recipient`]);
  }, 60_000);

  it('asks for a description only when the category is not CSAM, and for a manual recipient when none was found', async () => {
    const geo = join(dir, 'no-contacts.jsonl');
    await writeFile(geo, `${JSON.stringify({ target: 'https://images.hebergeur-fr.example/galerie/a1b2.jpg', kind: 'url', host: 'images.hebergeur-fr.example', addresses: [{ address: '192.0.2.10', family: 4, country: 'FR', geoip: [] }], abuseContacts: [], disagreements: [], lookups: [], credits: [] })}\n`);
    const resolve = join(dir, 'one.jsonl');
    await writeFile(resolve, `${(await readFile(join(SAMPLES, 'resolve.jsonl'), 'utf8')).split('\n')[0]}\n`);
    const out = join(dir, 'manual.yaml');
    const { code, transcript } = await inPty(
      ['notice', 'new', '--resolve', resolve, '--geo', geo, '-o', out, '--category', 'terrorism', '--reasoning', 'Apologie.'],
      [
        ...NOTIFIER_ANSWERS,
        [/Factual description of the case/, 'Une vidéo de propagande.\r'],
        [/needs a manual recipient/, 'not-an-email\r'],
        [/not an e-mail address/, '\u0015Legal@Hebergeur-FR.example\r'],
        [/Write the case/, 'y\r'],
      ],
    );
    expect(code, transcript).toBe(0);
    const { input, notices } = await prepareNotices({ casePath: out, now: '2026-12-01T09:00:00Z' });
    expect(input.description).toBe('Une vidéo de propagande.');
    const host = notices.find((n) => n.targets[0]!.url === 'https://images.hebergeur-fr.example/galerie/a1b2.jpg' && n.kind === 'host')!;
    expect(host.recipient.abuseContact?.email).toBe('legal@hebergeur-fr.example');
  }, 60_000);

  it('writes nothing when the analyst declines at the preview', async () => {
    const out = join(dir, 'declined.yaml');
    const { code, transcript } = await inPty(['notice', 'new', join(REPO_ROOT, 'samples/case-example.yaml'), '-o', out], [
      [/Several abuse contacts/, '\r'],
      [/Write the case/, 'n\r'],
    ]);
    expect(code, transcript).toBe(0);
    expect(transcript).toContain('nothing written');
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});
