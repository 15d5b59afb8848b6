/** HTTP peers that misbehave on purpose (and two small proxies), on loopback, for the HTTP client's tests. */
import { createServer as createHttpServer, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';

export interface Peer {
  port: number;
  close(): Promise<void>;
}

async function listen(server: Server | TcpServer, sockets: Set<Socket>): Promise<Peer> {
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function endless(response: import('node:http').ServerResponse, contentType: string): void {
  response.writeHead(200, { 'content-type': contentType });
  const chunk = Buffer.alloc(16 * 1024, 'a');
  const pump = () => {
    while (response.write(chunk));
  };
  response.on('drain', pump);
  pump();
}

/** /hop/N → /hop/N+1 up to /hop/`last` (200), /big-location, /endless-html, /endless-media, /silent. */
export function startHostileHttp(): Promise<Peer> {
  const server = createHttpServer((request, response) => {
    const url = request.url ?? '/';
    const hop = /^\/hop\/(\d+)\/(\d+)$/.exec(url);
    if (hop) {
      const [n, last] = [Number(hop[1]), Number(hop[2])];
      if (n >= last) response.writeHead(200, { 'content-type': 'text/plain' }).end('done');
      else response.writeHead(302, { location: `/hop/${n + 1}/${last}` }).end();
    } else if (url === '/big-location') {
      response.writeHead(302, { location: `/${'x'.repeat(100 * 1024)}` }).end();
    } else if (url === '/endless-html') {
      endless(response, 'text/html; charset=utf-8');
    } else if (url === '/endless-media') {
      endless(response, 'video/mp4');
    } else if (url === '/self-refresh') {
      response.writeHead(200, { 'content-type': 'text/html' }).end('<meta http-equiv=refresh content="5; url=/self-refresh">');
    } else if (url !== '/silent') {
      response.writeHead(404).end();
    }
  });
  return listen(server, new Set());
}

/** An HTTP proxy that only does CONNECT, counting the tunnels it opened. */
export async function startConnectProxy(): Promise<Peer & { tunnels: string[] }> {
  const tunnels: string[] = [];
  const server = createHttpServer((_, response) => response.writeHead(405).end());
  server.on('connect', (request, client: Socket) => {
    tunnels.push(request.url ?? '');
    const [host, port] = (request.url ?? '').split(':');
    const upstream = connect({ host: host === 'localhost' ? '127.0.0.1' : host, port: Number(port) }, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client).pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  return { ...(await listen(server, new Set())), tunnels };
}

/** A SOCKS5 proxy (RFC 1928, no authentication, CONNECT only) that resolves nothing: names map to 127.0.0.1. */
export async function startSocks5(): Promise<Peer & { destinations: string[] }> {
  const destinations: string[] = [];
  const server = createTcpServer((client) => {
    client.on('error', () => undefined);
    client.once('data', () => {
      client.write(Buffer.from([5, 0]));
      client.once('data', (request: Buffer) => {
        const type = request[3];
        const host = type === 3 ? request.subarray(5, 5 + request[4]).toString() : [...request.subarray(4, 8)].join('.');
        const port = request.readUInt16BE(request.length - 2);
        destinations.push(`${host}:${port}`);
        const upstream = connect({ host: '127.0.0.1', port }, () => {
          client.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]));
          upstream.pipe(client).pipe(upstream);
        });
        upstream.on('error', () => client.destroy());
      });
    });
  });
  return { ...(await listen(server, new Set())), destinations };
}
