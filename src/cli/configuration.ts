import type { Command } from 'commander';
import { Configuration, defaultConfigPath, readConfigFile, registeredSettings } from '../core/config.js';
// Every domain's settings, so that the file's keys can be checked and `config show` lists them all. These modules
// are light (no decoder, no network client): loading them costs nothing at start-up.
import '../hashing/settings.js';
import '../matching/settings.js';
import '../net/settings.js';

/** `hashset import` for the import subcommand: the path settings bind options under. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current?.parent; current = current.parent) names.unshift(current.name());
  return names.join(' ');
}

/**
 * Builds the run's configuration (flags > `VIGIE_*` environment > config file > defaults) and sets the options of
 * `action` that are bound to a setting and were not given on the command line. The file is `--config`, else
 * `$VIGIE_CONFIG`, else the XDG default (which may be absent).
 */
export async function applyConfiguration(program: Command, action: Command, env: NodeJS.ProcessEnv = process.env): Promise<Configuration> {
  const asked = (program.opts().config as string | undefined) ?? (env.VIGIE_CONFIG || undefined);
  const file = await readConfigFile(asked ?? defaultConfigPath(env), asked !== undefined);
  const path = commandPath(action);
  const bound = registeredSettings().flatMap((setting) => {
    const attribute = setting.options?.[path];
    const option = attribute ? action.options.find((candidate) => candidate.attributeName() === attribute) : undefined;
    return option && attribute ? [{ setting, attribute, flag: option.long ?? attribute }] : [];
  });
  const flags: Record<string, { value: unknown; flag: string }> = {};
  for (const { setting, attribute, flag } of bound) {
    if (action.getOptionValueSource(attribute) === 'cli') flags[setting.key] = { value: action.getOptionValue(attribute), flag };
  }
  const configuration = new Configuration({ flags, env, file });
  for (const { setting, attribute } of bound) {
    const { source, value } = configuration.describe(setting);
    if (source === 'env' || source === 'file') action.setOptionValueWithSource(attribute, value, source === 'env' ? 'env' : 'config');
  }
  return configuration;
}
