import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VigieError } from '../../src/core/errors.js';
import { parseColumnMapping, parseHashes, parseReportedAt, readReports, type ReadItem } from '../../src/triage/reports.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigie-reports-'));
  await mkdir(join(dir, 'media'));
  await writeFile(join(dir, 'media', 'a.png'), 'x');
  await writeFile(join(tmpdir(), 'vigie-outside.png'), 'x');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function read(name: string, text: string, options = {}): Promise<ReadItem[]> {
  const path = join(dir, name);
  await writeFile(path, text);
  const items: ReadItem[] = [];
  for await (const item of readReports(path, options)) items.push(item);
  return items;
}
const reports = (items: ReadItem[]) => items.flatMap((item) => ('report' in item ? [item.report] : []));
const problems = (items: ReadItem[]) => items.flatMap((item) => ('problem' in item ? [item.problem] : []));

const HEADER = 'id,url,reported_at,source,category_claimed,ip,media,hashes\n';

describe('readReports', () => {
  it('reads CSV rows into reports with their line, batch and UTC time', async () => {
    const items = await read('a.csv', `${HEADER}R1,hxxp://a[.]example/x,2026-11-02T09:00:00+01:00,public-form,csam,192.0.2.1,media/a.png,\n`);
    const [report] = reports(items);
    expect(report).toMatchObject({ id: 'R1', url: 'hxxp://a[.]example/x', reportedAt: '2026-11-02T08:00:00.000Z', source: 'public-form', categoryClaimed: 'csam', ip: '192.0.2.1', media: 'media/a.png', line: 2 });
    expect(report.mediaPath).toBe(join(dir, 'media', 'a.png'));
    expect(report.batch).toMatch(/^a\.csv sha256:[0-9a-f]{16}$/);
    expect(report.invalid).toBeUndefined();
  });

  it("takes the reporter's e-mail address (for the outcome message after removal) from reporter_email", async () => {
    const items = await read('m.csv', 'id,url,reported_at,source,reporter_email\nR1,https://a.example/,2026-11-02,public-form, someone@mail.example \nR2,https://b.example/,2026-11-02,public-form,\n');
    expect(reports(items).map((r) => r.reporterEmail)).toEqual(['someone@mail.example', undefined]);
  });

  it('gives the line number of broken quoting and reads the other lines', async () => {
    const items = await read('b.csv', `${HEADER}R1,https://a.example/,2026-11-02,f\nR2,"https://b.example/,2026-11-02,f\nR3,https://c.example/,2026-11-02,f\n`);
    expect(reports(items).map((r) => r.id)).toEqual(['R1', 'R3']);
    expect(problems(items)).toEqual([expect.objectContaining({ line: 3, error: expect.objectContaining({ code: 'bad-csv' }) })]);
  });

  it('maps columns with --map and refuses an unknown field or a column the file lacks', async () => {
    const items = await read('c.csv', 'Ref,Link,Date,Channel\nR1,https://a.example/,2026-11-02T10:00:00Z,form\n', {
      map: parseColumnMapping('id=Ref,url=Link,reported_at=Date,source=Channel'),
    });
    expect(reports(items)[0]).toMatchObject({ id: 'R1', url: 'https://a.example/', source: 'form' });
    expect(() => parseColumnMapping('link=Link')).toThrow(/unknown report field "link"/);
    await expect(read('d.csv', 'Ref,url,reported_at,source\n', { map: { id: 'Nope' } })).rejects.toThrow(/has no column "Nope"/);
    await expect(read('e.csv', 'url,reported_at\n')).rejects.toThrow(/no column for id, source/);
  });

  it('refuses media that escapes the report folder, by .. or by a link, unless --media-root allows it', async () => {
    await symlink(join(tmpdir(), 'vigie-outside.png'), join(dir, 'media', 'link.png')).catch(() => undefined);
    const text = `${HEADER}R1,https://a.example/,2026-11-02,f,,,../vigie-outside.png,\nR2,https://a.example/,2026-11-02,f,,,media/link.png,\n`;
    const items = await read('f.csv', text);
    expect(reports(items).map((r) => r.invalid?.code)).toEqual(['media-refused', 'media-refused']);
    expect(reports(items)[0].invalid?.message).toMatch(/is outside/);
    const allowed = await read('g.csv', `${HEADER}R1,https://a.example/,2026-11-02,f,,,${join(tmpdir(), 'vigie-outside.png')},\n`, { mediaRoot: tmpdir() });
    expect(reports(allowed)[0].invalid).toBeUndefined();
  });

  it('refuses a 100 KB URL on its report, echoing only the start', async () => {
    const url = `https://a.example/${'a'.repeat(100_000)}`;
    const [report] = reports(await read('h.csv', `${HEADER}R1,${url},2026-11-02,f\n`));
    expect(report.invalid?.code).toBe('url-too-long');
    expect(report.url.length).toBeLessThan(2100);
  });

  it('reads JSON Lines, with snake_case or camelCase keys and a hashes object', async () => {
    const sha = 'a'.repeat(64);
    const items = await read('i.jsonl', `{"id":"J1","url":"https://a.example/","reportedAt":"2026-11-02T10:00:00Z","source":"inhope:X","hashes":{"sha256":"${sha}"},"note":"n"}\nnot json\n`);
    expect(reports(items)[0]).toMatchObject({ id: 'J1', hashes: { sha256: sha }, extra: { note: 'n' } });
    expect(problems(items)[0]).toMatchObject({ line: 2, error: { code: 'bad-json' } });
  });

  it('keeps duplicate ids for the store to judge (memory does not grow with the batch)', async () => {
    const items = await read('j.csv', `${HEADER}R1,https://a.example/,2026-11-02,f\nR1,https://b.example/,2026-11-02,f\n`);
    expect(reports(items).map((r) => r.line)).toEqual([2, 3]);
  });

  it('marks rows without a date or source invalid, and rows without an id as problems', async () => {
    const items = await read('k.csv', `${HEADER}R1,https://a.example/,yesterday,f\n,https://a.example/,2026-11-02,f\n`);
    expect(reports(items)[0].invalid?.code).toBe('bad-date');
    expect(problems(items)[0]).toMatchObject({ line: 3, error: { code: 'no-id' } });
  });

  it('parses hashes and dates strictly', () => {
    expect(parseHashes(`sha256:${'B'.repeat(64)};md5=${'c'.repeat(32)}`)).toEqual({ hashes: { sha256: 'b'.repeat(64), md5: 'c'.repeat(32) } });
    expect(parseHashes('sha256:xyz')).toHaveProperty('error');
    expect(parseHashes('crc32:00')).toHaveProperty('error');
    expect(parseReportedAt('2026-11-02 10:00:00Z')).toBe('2026-11-02T10:00:00.000Z');
    expect(parseReportedAt('2026-11-02T10:00:00')).toBeUndefined();
  });

  it('refuses a missing file as an input error', async () => {
    const error = await (async () => {
      for await (const _ of readReports(join(dir, 'none.csv'))) void _;
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VigieError);
    expect((error as VigieError).exitCode).toBe(3);
  });
});

describe('readReports on a million lines', () => {
  it('reads them in flat memory', async () => {
    const path = join(dir, 'million.csv');
    const { createWriteStream } = await import('node:fs');
    const out = createWriteStream(path);
    out.write(HEADER);
    for (let n = 0; n < 1_000_000; n++) out.write(`M${n},https://h${n % 500}.example/p/${n},2026-11-02T10:00:00Z,public-form\n`);
    await new Promise((resolve) => out.end(resolve));
    let count = 0;
    let early = 0;
    let peak = 0;
    for await (const item of readReports(path)) {
      if (!('report' in item)) continue;
      count++;
      if (count === 100_000) {
        global.gc?.();
        early = process.memoryUsage().heapUsed;
      }
      if (count % 100_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    expect(count).toBe(1_000_000);
    expect(peak - early).toBeLessThan(64 * 1024 * 1024);
  }, 120_000);
});
