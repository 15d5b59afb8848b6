import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface FakeHttpServer {
  base: string;
  /** Paths requested, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** A loopback HTTP server answering each request with `handler`; started on a random free port. */
export async function startHttpServer(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<FakeHttpServer> {
  const requests: string[] = [];
  const server = createHttpServer((request, response) => {
    requests.push(request.url ?? '');
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface FakeWhoisServer {
  /** `127.0.0.1:port`, for a WHOIS server map. */
  address: string;
  /** Query lines received, without CRLF. */
  queries: string[];
  close(): Promise<void>;
}

/**
 * A loopback port-43 server: reads one query line, then lets `respond` write the answer; `respond` ends the socket
 * itself (or never does, to play a hostile server).
 */
export async function startWhoisServer(respond: (query: string, socket: Socket) => void): Promise<FakeWhoisServer> {
  const queries: string[] = [];
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      const end = buffered.indexOf('\n');
      if (end < 0) return;
      const query = buffered.slice(0, end).replace(/\r$/, '');
      queries.push(query);
      respond(query, socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    queries,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * One loopback WHOIS server per server name, each answering from its own table (query → text); an unknown query
 * gets a Verisign-style "No match". Returns the name → `host:port` map a WhoisClient takes.
 */
export async function startWhoisServers(
  tables: Record<string, Record<string, string>>,
): Promise<{ servers: Record<string, string>; fakes: Record<string, FakeWhoisServer>; close(): Promise<void> }> {
  const fakes: Record<string, FakeWhoisServer> = {};
  for (const [name, table] of Object.entries(tables)) {
    fakes[name] = await startWhoisServer((query, socket) => socket.end(table[query] ?? `No match for "${query.toUpperCase()}".\r\n`));
  }
  return {
    servers: Object.fromEntries(Object.entries(fakes).map(([name, fake]) => [name, fake.address])),
    fakes,
    close: async () => {
      await Promise.all(Object.values(fakes).map((fake) => fake.close()));
    },
  };
}
