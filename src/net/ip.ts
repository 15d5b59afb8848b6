import { isIP } from 'node:net';

/** IP addresses as integers, for range checks (is this address inside a cached network?) and CIDR arithmetic. */
export function ipToBigInt(address: string): bigint {
  return isIP(address) === 4 ? ipv4ToBigInt(address) : ipv6ToBigInt(address);
}

function ipv4ToBigInt(address: string): bigint {
  return address.split('.').reduce((sum, part) => (sum << 8n) | BigInt(Number(part) & 255), 0n);
}

function ipv6ToBigInt(address: string): bigint {
  let text = address.toLowerCase().replace(/%.*$/, '');
  const ipv4Tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (ipv4Tail) {
    const value = ipv4ToBigInt(ipv4Tail[1]);
    text = `${text.slice(0, -ipv4Tail[1].length)}${(value >> 16n).toString(16)}:${(value & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  const groups =
    tail === undefined ? headParts : [...headParts, ...Array(8 - headParts.length - tailParts.length).fill('0'), ...tailParts];
  return groups.reduce((sum, group) => (sum << 16n) | BigInt(parseInt(group, 16)), 0n);
}

export function bigIntToIp(value: bigint, family: 4 | 6): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((value >> BigInt((7 - i) * 16)) & 0xffffn).toString(16));
  // The longest run of two or more zero groups becomes "::" (RFC 5952).
  let best = { start: -1, length: 1 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  if (best.start < 0) return groups.join(':');
  return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.length).join(':')}`;
}

export function familyOf(address: string): 4 | 6 {
  return isIP(address) === 4 ? 4 : 6;
}

/** The first address of the network of `prefixLength` bits that holds `address`. */
export function networkAddress(address: string, prefixLength: number): string {
  const family = familyOf(address);
  const hostBits = BigInt((family === 4 ? 32 : 128) - prefixLength);
  return bigIntToIp((ipToBigInt(address) >> hostBits) << hostBits, family);
}

/** The smallest list of CIDR blocks that covers exactly first…last. */
export function rangeToCidrs(first: string, last: string): string[] {
  const family = familyOf(first);
  const width = family === 4 ? 32 : 128;
  let start = ipToBigInt(first);
  const end = ipToBigInt(last);
  const blocks: string[] = [];
  while (start <= end && blocks.length < 64) {
    let bits = 0;
    while (bits < width && (start & ((1n << BigInt(bits + 1)) - 1n)) === 0n && start + (1n << BigInt(bits + 1)) - 1n <= end) {
      bits++;
    }
    blocks.push(`${bigIntToIp(start, family)}/${width - bits}`);
    start += 1n << BigInt(bits);
  }
  return blocks;
}

/** First and last address of a CIDR block, e.g. from `CIDR: 74.125.0.0/16` or LACNIC's abbreviated `200.57.128/19`. */
export function cidrRange(cidr: string): { start: string; end: string } | undefined {
  const match = /^([0-9a-fA-F:.]+)\/(\d{1,3})$/.exec(cidr.trim());
  if (!match) return undefined;
  let base = match[1];
  if (!base.includes(':')) {
    const parts = base.split('.');
    while (parts.length < 4) parts.push('0');
    base = parts.join('.');
  }
  if (isIP(base) === 0) return undefined;
  const family = familyOf(base);
  const prefix = Number(match[2]);
  const width = family === 4 ? 32 : 128;
  if (prefix > width) return undefined;
  const hostBits = BigInt(width - prefix);
  const start = (ipToBigInt(base) >> hostBits) << hostBits;
  return { start: bigIntToIp(start, family), end: bigIntToIp(start + (1n << hostBits) - 1n, family) };
}

/** Normalises zero-padded IPv4 (`074.125.000.000`, an old ARIN quirk) and a trailing `/32` (old RIPE). */
export function cleanAddress(text: string): string | undefined {
  const bare = text.trim().replace(/\/\d+$/, '');
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(bare)) return bare.split('.').map((part) => String(Number(part))).join('.');
  return isIP(bare) === 6 ? bigIntToIp(ipToBigInt(bare), 6) : undefined;
}
