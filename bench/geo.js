// vigie geo throughput: 10,000 lookups of addresses spread over 300 distinct networks held by 5 registries, against
// local RDAP (HTTP) and WHOIS (TCP) servers. Cold cache vs warm (on-disk) cache, and how many requests each registry
// received (must equal the number of distinct networks it holds). Run: npm run build && node bench/geo.js
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mapOrdered } from '../dist/core/concurrency.js';
import { createHostingLookup } from '../dist/net/geo.js';

const LOOKUPS = 10_000;
const NETWORKS = 300;
const REGISTRIES = 5;
const CONCURRENCY = 16;

const firstOctet = (registry) => 20 + registry;
const networkOf = (address) => address.split('.').slice(0, 3).join('.');
const registryOf = (address) => Number(address.split('.')[0]) - 20;

// Deterministic addresses: network i is <20+i%5>.<i/5>.7.0/24.
let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const networks = Array.from({ length: NETWORKS }, (_, i) => `${firstOctet(i % REGISTRIES)}.${Math.floor(i / REGISTRIES)}.7`);
const addresses = Array.from({ length: LOOKUPS }, () => `${networks[Math.floor(random() * NETWORKS)]}.${1 + Math.floor(random() * 254)}`);

const rdapRequests = new Map();
const rdapServer = createHttpServer((request, response) => {
  const match = /^\/r(\d)\/ip\/([\d.]+)$/.exec(request.url ?? '');
  if (!match) return response.writeHead(404).end();
  rdapRequests.set(match[1], (rdapRequests.get(match[1]) ?? 0) + 1);
  const net = networkOf(match[2]);
  response.setHeader('content-type', 'application/rdap+json');
  response.end(
    JSON.stringify({
      objectClassName: 'ip network',
      handle: `NET-${net}`,
      name: `BENCH-${net.replaceAll('.', '-')}`,
      startAddress: `${net}.0`,
      endAddress: `${net}.255`,
      country: 'FR',
      entities: [{ objectClassName: 'entity', handle: `ABUSE-${net}`, roles: ['abuse'], vcardArray: ['vcard', [['version', {}, 'text', '4.0'], ['email', {}, 'text', `abuse@${net}.example`]]] }],
    }),
  );
});
await new Promise((resolve) => rdapServer.listen(0, '127.0.0.1', resolve));
const rdapBase = `http://127.0.0.1:${rdapServer.address().port}`;

const whoisQueries = new Map();
const whoisServer = createTcpServer((socket) => {
  socket.once('data', (chunk) => {
    const query = chunk.toString().trim();
    const registry = registryOf(query);
    const asked = whoisPorts.get(socket.localPort);
    whoisQueries.set(asked, (whoisQueries.get(asked) ?? 0) + 1);
    if (asked === 'whois.iana.org') {
      return socket.end(`inetnum: ${firstOctet(registry)}.0.0.0 - ${firstOctet(registry)}.255.255.255\nrefer: whois.r${registry}.test\n`);
    }
    const net = networkOf(query);
    socket.end(`inetnum: ${net}.0 - ${net}.255\nnetname: BENCH-${net}\ncountry: FR\nabuse-mailbox: abuse@${net}.example\n`);
  });
  socket.on('error', () => undefined);
});
// One listening port per server name, so that the fake knows which name was asked.
const whoisPorts = new Map();
const whoisNames = ['whois.iana.org', ...Array.from({ length: REGISTRIES }, (_, k) => `whois.r${k}.test`)];
const listeners = [];
for (const name of whoisNames) {
  const server = createTcpServer((socket) => whoisServer.emit('connection', socket));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  whoisPorts.set(server.address().port, name);
  listeners.push(server);
}
const whoisMap = Object.fromEntries([...whoisPorts].map(([port, name]) => [name, `127.0.0.1:${port}`]));

const work = await mkdtemp(join(tmpdir(), 'vigie-bench-geo-'));
const bootstrapDir = join(work, 'bootstrap');
await mkdir(bootstrapDir);
const services = Array.from({ length: REGISTRIES }, (_, k) => [[`${firstOctet(k)}.0.0.0/8`], [`${rdapBase}/r${k}/`]]);
await writeFile(join(bootstrapDir, 'ipv4.json'), JSON.stringify({ version: '1.0', services }));
for (const name of ['ipv6.json', 'asn.json', 'dns.json']) await writeFile(join(bootstrapDir, name), JSON.stringify({ version: '1.0', services: [] }));

async function run(label, options) {
  const lookup = await createHostingLookup({ bootstrapDir, whoisServers: whoisMap, rateLimitMs: 0, resolve: undefined, ...options });
  global.gc?.();
  const started = performance.now();
  let located = 0;
  for await (const info of mapOrdered(addresses, CONCURRENCY, (address) => lookup.lookup(address))) {
    if (info.abuseContacts[0]?.email === `abuse@${networkOf(info.target)}.example`) located++;
  }
  const seconds = (performance.now() - started) / 1000;
  await lookup.close();
  const registries = options.rdap !== false || options.whois !== false;
  if (registries && located !== LOOKUPS) throw new Error(`${label}: only ${located} of ${LOOKUPS} lookups found the right abuse contact`);
  return { label, seconds, rate: LOOKUPS / seconds };
}

const rows = [];
rows.push(await run('GeoIP only (baseline, no registry)', { cacheDir: false, rdap: false, whois: false }));
const rdapCache = join(work, 'cache-rdap');
rows.push(await run('RDAP, cold cache', { cacheDir: rdapCache, whois: false }));
const rdapCold = new Map(rdapRequests);
rows.push(await run('RDAP, warm cache (new process state, same dir)', { cacheDir: rdapCache, whois: false }));
const whoisCache = join(work, 'cache-whois');
rows.push(await run('WHOIS, cold cache', { cacheDir: whoisCache, rdap: false }));
const whoisCold = new Map(whoisQueries);
rows.push(await run('WHOIS, warm cache', { cacheDir: whoisCache, rdap: false }));

const baseline = rows[0].rate;
console.log(`vigie geo: ${LOOKUPS} lookups over ${NETWORKS} networks held by ${REGISTRIES} registries, ${CONCURRENCY} in parallel`);
console.log('mode                                             lookups/s   seconds  vs GeoIP-only');
for (const row of rows) {
  console.log(`${row.label.padEnd(48)} ${row.rate.toFixed(0).padStart(9)} ${row.seconds.toFixed(2).padStart(9)} ${(row.rate / baseline).toFixed(3).padStart(14)}`);
}
const distinct = (k) => networks.filter((_, i) => i % REGISTRIES === k && addresses.some((a) => networkOf(a) === networks[i])).length;
console.log('\nrequests received per registry (cold run; warm run added):');
console.log('registry   distinct networks   RDAP requests   WHOIS queries');
for (let k = 0; k < REGISTRIES; k++) {
  const rdapWarm = (rdapRequests.get(String(k)) ?? 0) - (rdapCold.get(String(k)) ?? 0);
  const whoisWarm = (whoisQueries.get(`whois.r${k}.test`) ?? 0) - (whoisCold.get(`whois.r${k}.test`) ?? 0);
  console.log(`r${k}         ${String(distinct(k)).padStart(17)}   ${String(rdapCold.get(String(k)) ?? 0).padStart(8)} (+${rdapWarm})   ${String(whoisCold.get(`whois.r${k}.test`) ?? 0).padStart(8)} (+${whoisWarm})`);
}
console.log(`whois.iana.org: ${whoisCold.get('whois.iana.org') ?? 0} queries (one per /8 block), +${(whoisQueries.get('whois.iana.org') ?? 0) - (whoisCold.get('whois.iana.org') ?? 0)} warm`);

rdapServer.close();
for (const server of listeners) server.close();
await rm(work, { recursive: true, force: true });
