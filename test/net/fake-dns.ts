/** A scriptable DNS server over UDP and TCP on loopback, for replies no real server would send. */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import * as dnsPacket from 'dns-packet';
import type { Packet } from 'dns-packet';

/** What to send back for a query over `transport`; undefined sends nothing. */
export type Behaviour = (query: Packet, raw: Buffer, transport: 'udp' | 'tcp') => Buffer | undefined;

export interface FakeDns {
  host: string;
  port: number;
  /** The behaviour for the next queries. */
  behave(behaviour: Behaviour): void;
  /** Send UDP replies from another socket (another source port) instead. */
  spoofSource(on: boolean): void;
  close(): Promise<void>;
}

export function answer(query: Packet, patch: Partial<Packet> & { rcode?: string }): Buffer {
  return dnsPacket.encode({ id: query.id, type: 'response', flags: dnsPacket.RECURSION_AVAILABLE, questions: query.questions, ...patch } as Packet);
}

export async function startFakeDns(host = '127.0.0.1'): Promise<FakeDns> {
  let behaviour: Behaviour = () => undefined;
  let spoof = false;
  const udp: UdpSocket = createSocket('udp4');
  const other: UdpSocket = createSocket('udp4');
  await new Promise<void>((resolve) => udp.bind(0, host, () => resolve()));
  await new Promise<void>((resolve) => other.bind(0, host, () => resolve()));
  const port = udp.address().port;
  udp.on('message', (raw, remote) => {
    let query: Packet;
    try {
      query = dnsPacket.decode(raw);
    } catch {
      return;
    }
    const reply = behaviour(query, raw, 'udp');
    if (reply) (spoof ? other : udp).send(reply, remote.port, remote.address);
  });
  const tcp: Server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', (data) => {
      const raw = data.subarray(2, 2 + data.readUInt16BE(0));
      const reply = behaviour(dnsPacket.decode(raw), raw, 'tcp');
      if (reply) socket.end(Buffer.concat([Buffer.from([reply.length >> 8, reply.length & 0xff]), reply]));
    });
  });
  await new Promise<void>((resolve) => tcp.listen(port, host, () => resolve()));
  return {
    host,
    port,
    behave: (next) => (behaviour = next),
    spoofSource: (on) => (spoof = on),
    close: async () => {
      udp.close();
      other.close();
      await new Promise((resolve) => tcp.close(resolve));
    },
  };
}
