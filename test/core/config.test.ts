import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  booleanValue,
  Configuration,
  defaultConfigPath,
  defineSetting,
  envNameFor,
  integerValue,
  readConfigFile,
  registeredSettings,
} from '../../src/core/config.js';
import { DNS_TIMEOUT_MS, REGISTRY_TIMEOUT_MS } from '../../src/net/settings.js';
import { jsonLines, runVigie } from '../helpers/cli.js';

const LEVEL = defineSetting({ key: 'test.level', description: 'a test setting', default: 5, parse: integerValue(0, 9) });
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-config-'));
});

describe('Configuration precedence: flags > VIGIE_* environment > file > defaults', () => {
  const file = { path: '/etc/vigie.yaml', values: { 'test.level': 3 } };
  const env = { VIGIE_TEST_LEVEL: '7' };
  const flags = { 'test.level': { value: 9, flag: '--level' } };

  it('each layer wins over the ones below it', () => {
    expect(new Configuration().describe(LEVEL)).toMatchObject({ value: 5, source: 'default' });
    expect(new Configuration({ file }).describe(LEVEL)).toMatchObject({ value: 3, source: 'file', origin: '/etc/vigie.yaml' });
    expect(new Configuration({ file, env }).describe(LEVEL)).toMatchObject({ value: 7, source: 'env', origin: 'VIGIE_TEST_LEVEL' });
    expect(new Configuration({ file, env, flags }).describe(LEVEL)).toMatchObject({ value: 9, source: 'flag', origin: '--level' });
    expect(new Configuration({ file, env: { VIGIE_TEST_LEVEL: '' } }).get(LEVEL)).toBe(3);
  });

  it('refuses a bad value from the environment or the file, naming where it came from', () => {
    expect(() => new Configuration({ env: { VIGIE_TEST_LEVEL: 'ten' } })).toThrow(
      expect.objectContaining({ code: 'bad-config', exitCode: 2, message: '$VIGIE_TEST_LEVEL: test.level must be a whole number from 0 to 9, not "ten"' }),
    );
    expect(() => new Configuration({ file: { path: 'c.yaml', values: { 'test.level': 12 } } })).toThrow(/c.yaml: test.level: test.level must be/);
  });

  it('refuses an unknown key in the file (a typo must not be ignored)', () => {
    expect(() => new Configuration({ file: { path: 'c.yaml', values: { 'dns.timeotMs': 5 } } })).toThrow(/unknown setting "dns.timeotMs"/);
  });

  it('names variables from keys, and refuses a key declared twice', () => {
    expect(envNameFor('dns.timeoutMs')).toBe('VIGIE_DNS_TIMEOUT_MS');
    expect(envNameFor('match.minPdqQuality')).toBe('VIGIE_MATCH_MIN_PDQ_QUALITY');
    expect(() => defineSetting({ key: 'test.level', description: '', default: 1, parse: Number })).toThrow(/twice/);
    expect(() => defineSetting({ key: 'Bad', description: '', default: 1, parse: Number })).toThrow(/bad setting key/);
    expect(booleanValue('yes')).toBe(true);
    expect(() => booleanValue('maybe')).toThrow();
  });

  it('each default is written once: the code and the setting agree', async () => {
    const { RDAP_DEFAULTS } = await import('../../src/net/rdap.js');
    const { WHOIS_DEFAULTS } = await import('../../src/net/whois.js');
    expect(RDAP_DEFAULTS.timeoutMs).toBe(REGISTRY_TIMEOUT_MS.default);
    expect(WHOIS_DEFAULTS.timeoutMs).toBe(REGISTRY_TIMEOUT_MS.default);
    expect(registeredSettings().map((s) => s.key)).toContain('dns.timeoutMs');
    expect(DNS_TIMEOUT_MS.default).toBe(3000);
  });
});

describe('the config file', () => {
  it('is $XDG_CONFIG_HOME/vigie/config.yaml, else ~/.config/vigie/config.yaml', () => {
    expect(defaultConfigPath({ XDG_CONFIG_HOME: '/x', HOME: '/home/a' })).toBe('/x/vigie/config.yaml');
    expect(defaultConfigPath({ HOME: '/home/a' })).toBe('/home/a/.config/vigie/config.yaml');
    expect(defaultConfigPath({ XDG_CONFIG_HOME: 'relative', HOME: '/home/a' })).toBe('/home/a/.config/vigie/config.yaml');
  });

  it('flattens nested YAML maps into dotted keys; a missing default file is no file; a missing asked one is an error', async () => {
    const path = join(dir, 'config.yaml');
    writeFileSync(path, 'dns:\n  timeoutMs: 1500\n  resolver: 9.9.9.9\nhash.jobs: 3\n');
    expect(await readConfigFile(path, true)).toEqual({ path, values: { 'dns.timeoutMs': 1500, 'dns.resolver': '9.9.9.9', 'hash.jobs': 3 } });
    expect(await readConfigFile(join(dir, 'none.yaml'), false)).toBeUndefined();
    await expect(readConfigFile(join(dir, 'none.yaml'), true)).rejects.toMatchObject({ code: 'bad-config', exitCode: 2 });
    writeFileSync(join(dir, 'bad.yaml'), 'dns: [unclosed\n');
    await expect(readConfigFile(join(dir, 'bad.yaml'), true)).rejects.toThrow(/not valid YAML/);
    writeFileSync(join(dir, 'list.yaml'), '- a\n');
    await expect(readConfigFile(join(dir, 'list.yaml'), true)).rejects.toThrow(/must be a map/);
  });
});

describe('vigie config show and the commands', () => {
  const home = () => ({ HOME: dir, XDG_CONFIG_HOME: join(dir, 'xdg') });

  it('prints every setting with its value and source, in jsonl, csv and table', async () => {
    const path = join(dir, 'show.yaml');
    writeFileSync(path, 'dns:\n  timeoutMs: 1234\nhttp.maxHops: 7\n');
    const result = await runVigie(['--config', path, 'config', 'show', '-f', 'jsonl'], { env: { ...home(), VIGIE_HTTP_MAX_HOPS: '9' } });
    expect(result.code).toBe(0);
    const rows = jsonLines<{ key: string; value?: unknown; source: string; origin?: string }>(result.stdout);
    const byKey = Object.fromEntries(rows.map((row) => [row.key, row]));
    expect(byKey['dns.timeoutMs']).toMatchObject({ value: 1234, source: 'file', origin: path });
    expect(byKey['http.maxHops']).toMatchObject({ value: 9, source: 'env', origin: 'VIGIE_HTTP_MAX_HOPS' });
    expect(byKey['registry.timeoutMs']).toMatchObject({ value: 15000, source: 'default' });
    const csv = await runVigie(['config', 'show', '-f', 'csv'], { env: home() });
    expect(csv.stdout.split('\n')[0]).toBe('key,value,source,origin,env,description');
    const table = await runVigie(['config', 'show', '-f', 'table'], { env: home() });
    expect(table.stdout).toMatch(/^key +value +source/);
  });

  it('reads the XDG default file, and VIGIE_CONFIG', async () => {
    const xdg = join(dir, 'xdg2');
    await import('node:fs').then(({ mkdirSync }) => mkdirSync(join(xdg, 'vigie'), { recursive: true }));
    writeFileSync(join(xdg, 'vigie', 'config.yaml'), 'geo.jobs: 3\n');
    const result = await runVigie(['config', 'show', '-f', 'jsonl'], { env: { HOME: dir, XDG_CONFIG_HOME: xdg } });
    expect(jsonLines(result.stdout).find((row) => row.key === 'geo.jobs')).toMatchObject({ value: 3, source: 'file' });
    const other = join(dir, 'env.yaml');
    writeFileSync(other, 'geo.jobs: 4\n');
    const viaEnv = await runVigie(['config', 'show', '-f', 'jsonl'], { env: { HOME: dir, XDG_CONFIG_HOME: xdg, VIGIE_CONFIG: other } });
    expect(jsonLines(viaEnv.stdout).find((row) => row.key === 'geo.jobs')).toMatchObject({ value: 4, origin: other });
  });

  it('a bad config is one line and exit 2, for any command', async () => {
    const path = join(dir, 'typo.yaml');
    writeFileSync(path, 'dns.timeotMs: 5\n');
    const result = await runVigie(['--config', path, 'hash', '-a', 'md5', path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`vigie: ${path}: unknown setting "dns.timeotMs" (run "vigie config show" for the list)\n`);
  });

  it('a command takes its option from the environment or the file, and a flag overrides both', async () => {
    const path = join(dir, 'jobs.yaml');
    writeFileSync(path, 'hash.jobs: 4000\n');
    const target = join(dir, 'jobs.yaml');
    // The -j clamp warning shows which value reached the command.
    const fromFile = await runVigie(['--config', path, 'hash', '-a', 'md5', target], { env: home() });
    expect(fromFile.stderr).toContain('-j 4000 is more');
    const fromEnv = await runVigie(['--config', path, 'hash', '-a', 'md5', target], { env: { ...home(), VIGIE_HASH_JOBS: '5000' } });
    expect(fromEnv.stderr).toContain('-j 5000 is more');
    const fromFlag = await runVigie(['--config', path, 'hash', '-j', '6000', '-a', 'md5', target], { env: { ...home(), VIGIE_HASH_JOBS: '5000' } });
    expect(fromFlag.stderr).toContain('-j 6000 is more');
    const defaults = await runVigie(['hash', '-a', 'md5', target], { env: home() });
    expect(defaults.stderr).toBe('');
  });
});
