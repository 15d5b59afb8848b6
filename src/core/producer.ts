import { readFileSync } from 'node:fs';

let producer: string | undefined;

/** What records say produced them: `vigie <version>` (package.json, read once). */
export function toolProducer(): string {
  producer ??= `vigie ${(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version}`;
  return producer;
}
