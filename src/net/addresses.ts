import { BlockList, isIP } from 'node:net';
import type { AddressScope } from '../core/resolution.js';

/** Special-purpose ranges (IANA registries, RFC 6890), most specific meaning first. */
const RANGES: [AddressScope, [string, number, 'ipv4' | 'ipv6'][]][] = [
  ['loopback', [['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']]],
  ['unspecified', [['0.0.0.0', 8, 'ipv4'], ['::', 128, 'ipv6']]],
  [
    'private',
    [
      ['10.0.0.0', 8, 'ipv4'],
      ['172.16.0.0', 12, 'ipv4'],
      ['192.168.0.0', 16, 'ipv4'],
      ['100.64.0.0', 10, 'ipv4'],
      ['fc00::', 7, 'ipv6'],
    ],
  ],
  ['link-local', [['169.254.0.0', 16, 'ipv4'], ['fe80::', 10, 'ipv6']]],
  [
    'reserved',
    [
      ['192.0.0.0', 24, 'ipv4'],
      ['192.0.2.0', 24, 'ipv4'],
      ['198.18.0.0', 15, 'ipv4'],
      ['198.51.100.0', 24, 'ipv4'],
      ['203.0.113.0', 24, 'ipv4'],
      ['224.0.0.0', 3, 'ipv4'],
      ['2001:db8::', 32, 'ipv6'],
      ['ff00::', 8, 'ipv6'],
    ],
  ],
];

const LISTS = RANGES.map(([scope, ranges]) => {
  const list = new BlockList();
  for (const [network, prefix, family] of ranges) list.addSubnet(network, prefix, family);
  return [scope, list] as const;
});

/** Where an address lives: `public`, or a special range an analyst must notice (the URL points inward). */
export function classifyAddress(address: string): AddressScope {
  const family = isIP(address);
  if (family === 0) return 'reserved';
  // An IPv4-mapped IPv6 address is the IPv4 address for routing purposes.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const [value, type] = mapped ? [mapped[1], 'ipv4' as const] : [address, family === 4 ? ('ipv4' as const) : ('ipv6' as const)];
  for (const [scope, list] of LISTS) if (list.check(value, type)) return scope;
  return 'public';
}
