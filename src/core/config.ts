import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ExitCode, VigieError } from './errors.js';

/**
 * One configuration layer for the whole toolkit. Each domain declares its settings (key, default, parser, the
 * command options bound to it) with defineSetting, in a light `settings.ts` next to the code that uses the default;
 * core merges the layers, highest first: command-line flags > `VIGIE_*` environment > config file > defaults.
 */
export type SettingSource = 'flag' | 'env' | 'file' | 'default';

export interface SettingSpec<T> {
  /** Dotted key, as written in the config file (`dns.timeoutMs` is `dns: { timeoutMs: … }`). */
  key: string;
  description: string;
  /** The default, written here once; the domain's code and the CLI option both read it from the setting. */
  default: T;
  /** Turns a value from the environment (text) or a file (YAML scalar) into T; throws an Error saying why not. */
  parse(value: unknown): T;
  /** Command options that set it: command path (`resolve`, `hashset import`) → option attribute (`dnsTimeout`). */
  options?: Record<string, string>;
}

export interface Setting<T> extends SettingSpec<T> {
  /** Environment variable: `VIGIE_` + the key in upper snake case (`dns.timeoutMs` → `VIGIE_DNS_TIMEOUT_MS`). */
  env: string;
}

const registry = new Map<string, Setting<unknown>>();

export function envNameFor(key: string): string {
  return `VIGIE_${key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/\./g, '_').toUpperCase()}`;
}

/** Declares a setting (once per key, at module load) and returns it; `Configuration.get` reads its value. */
export function defineSetting<T>(spec: SettingSpec<T>): Setting<T> {
  if (!/^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*)+$/.test(spec.key)) throw new Error(`bad setting key "${spec.key}"`);
  if (registry.has(spec.key)) throw new Error(`setting "${spec.key}" is declared twice`);
  const setting = { ...spec, env: envNameFor(spec.key) };
  registry.set(spec.key, setting as Setting<unknown>);
  return setting;
}

/** Every declared setting, by key. */
export function registeredSettings(): Setting<unknown>[] {
  return [...registry.values()].sort((a, b) => a.key.localeCompare(b.key));
}

/** Parsers for defineSetting. */
export function integerValue(min: number, max = Number.MAX_SAFE_INTEGER): (value: unknown) => number {
  return (value) => {
    const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(number) || number < min || number > max) {
      throw new Error(`must be a whole number ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`}`);
    }
    return number;
  };
}

export function textValue(value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number') throw new Error('must be text');
  return String(value);
}

export function booleanValue(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  const text = String(value).trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(text)) return true;
  if (['0', 'false', 'no', 'off'].includes(text)) return false;
  throw new Error('must be true or false');
}

/** Where the value in effect came from: `origin` is the flag, variable or file (with the key) that set it. */
export interface ResolvedSetting {
  key: string;
  value: unknown;
  source: SettingSource;
  origin?: string;
  /** The environment variable that would set it. */
  env: string;
  description: string;
}

export interface ConfigFile {
  path: string;
  /** Flattened to dotted keys. */
  values: Record<string, unknown>;
}

export interface ConfigLayers {
  /** Values given on the command line, by setting key, with the flag that gave each. */
  flags?: Record<string, { value: unknown; flag: string }>;
  env?: NodeJS.ProcessEnv;
  file?: ConfigFile;
}

/** The merged configuration. Values from the environment and the file are parsed (and refused) when built. */
export class Configuration {
  private readonly resolved = new Map<string, ResolvedSetting>();

  constructor(private readonly layers: ConfigLayers = {}) {
    if (layers.file) {
      for (const key of Object.keys(layers.file.values)) {
        if (!registry.has(key)) {
          throw new VigieError('bad-config', `${layers.file.path}: unknown setting "${key}" (run "vigie config show" for the list)`, ExitCode.usage);
        }
      }
    }
    for (const setting of registry.values()) this.resolved.set(setting.key, this.resolveOne(setting));
  }

  get<T>(setting: Setting<T>): T {
    return (this.resolved.get(setting.key) ?? this.resolveOne(setting)).value as T;
  }

  describe(setting: Setting<unknown>): ResolvedSetting {
    return this.resolved.get(setting.key) ?? this.resolveOne(setting);
  }

  /** Every declared setting with its value and source, by key (`vigie config show`). */
  entries(): ResolvedSetting[] {
    return registeredSettings().map((setting) => this.describe(setting));
  }

  private resolveOne(setting: Setting<unknown>): ResolvedSetting {
    const { key, description, env: variable } = setting;
    const flag = this.layers.flags?.[key];
    if (flag !== undefined) return { key, value: flag.value, source: 'flag', origin: flag.flag, env: variable, description };
    const env = this.layers.env?.[variable];
    if (env !== undefined && env !== '') {
      return { key, value: parseOrRefuse(setting, env, `$${variable}`), source: 'env', origin: variable, env: variable, description };
    }
    const file = this.layers.file;
    if (file && Object.hasOwn(file.values, key)) {
      const origin = `${file.path}: ${key}`;
      return { key, value: parseOrRefuse(setting, file.values[key], origin), source: 'file', origin: file.path, env: variable, description };
    }
    return { key, value: setting.default, source: 'default', env: variable, description };
  }
}

function parseOrRefuse(setting: Setting<unknown>, value: unknown, where: string): unknown {
  try {
    return setting.parse(value);
  } catch (error) {
    throw new VigieError('bad-config', `${where}: ${setting.key} ${(error as Error).message}, not "${String(value)}"`, ExitCode.usage);
  }
}

/** `$XDG_CONFIG_HOME/vigie/config.yaml`, else `~/.config/vigie/config.yaml`. */
export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(env.HOME || homedir(), '.config');
  return join(base, 'vigie', 'config.yaml');
}

/**
 * Reads a YAML config file: nested maps become dotted keys. A missing default file is no file (undefined); a
 * missing file that was asked for (`--config`, `$VIGIE_CONFIG`) or a malformed one is refused (exit 2). The YAML
 * parser is loaded only when there is a file, so that commands start fast without one.
 */
export async function readConfigFile(path: string, required: boolean): Promise<ConfigFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new VigieError('bad-config', `cannot read the config file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, ExitCode.usage);
  }
  const { parse } = await import('yaml');
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new VigieError('bad-config', `${path}: not valid YAML: ${(error as Error).message.split('\n', 1)[0]}`, ExitCode.usage);
  }
  if (document === null || document === undefined) return { path, values: {} };
  if (typeof document !== 'object' || Array.isArray(document)) {
    throw new VigieError('bad-config', `${path}: the config file must be a map of settings`, ExitCode.usage);
  }
  const values: Record<string, unknown> = {};
  const flatten = (node: Record<string, unknown>, prefix: string) => {
    for (const [name, value] of Object.entries(node)) {
      const key = prefix ? `${prefix}.${name}` : name;
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) flatten(value as Record<string, unknown>, key);
      else values[key] = value;
    }
  };
  flatten(document as Record<string, unknown>, '');
  return { path, values };
}
