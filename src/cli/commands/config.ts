import type { Command } from 'commander';
import type { ResolvedSetting } from '../../core/config.js';
import { applyConfiguration } from '../configuration.js';
import { createRecordWriter, resolveFormat, type Column } from '../output.js';

const show = (value: unknown) => (value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value));

const columns: Column<ResolvedSetting>[] = [
  { header: 'key', value: (r) => r.key },
  { header: 'value', value: (r) => show(r.value) },
  { header: 'source', value: (r) => r.source },
  { header: 'origin', value: (r) => r.origin },
  { header: 'env', value: (r) => r.env },
  { header: 'description', value: (r) => r.description },
];

export function registerConfig(program: Command): void {
  program
    .command('config')
    .command('show')
    .description(
      'Print every setting with the value in effect and its source: a flag, a VIGIE_* environment variable, the config ' +
        'file (--config, $VIGIE_CONFIG, or $XDG_CONFIG_HOME/vigie/config.yaml, else ~/.config/vigie/config.yaml), or ' +
        'the default. Precedence: flags > environment > file > defaults.',
    )
    .option('-f, --format <format>', 'jsonl, csv or table (default: table on a terminal, jsonl otherwise)')
    .addHelpText(
      'after',
      `
Config file (YAML), keys as shown, nested or dotted:
  dns:
    resolver: 9.9.9.9
    timeoutMs: 2000
  hash.jobs: 4

Examples:
  vigie config show                       the table
  VIGIE_DNS_TIMEOUT_MS=500 vigie config show -f jsonl
  vigie --config ./case.yaml config show`,
    )
    .action(async (options: { format?: string }, command: Command) => {
      const configuration = await applyConfiguration(program, command);
      const writer = createRecordWriter(resolveFormat(options.format, false), columns);
      for (const entry of configuration.entries()) writer.write(entry);
      await writer.close();
    });
}
