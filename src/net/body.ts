/** An HTTP response body as undici gives it. */
export interface ResponseBody extends AsyncIterable<Buffer> {
  on(event: 'error', listener: () => void): unknown;
  destroy(): void;
}

/** Stops a body we will not read; a late socket error on it must not surface as an unhandled one. */
export function discardBody(body: ResponseBody): void {
  body.on('error', () => undefined);
  body.destroy();
}

/**
 * Reads at most `cap` bytes of an untrusted body, which may lie in Content-Length or never end: once more arrives the
 * rest is discarded and `exceeded` is set. Callers decide whether that is an error (RDAP, DoH) or a truncation (HTML).
 */
export async function readCapped(body: ResponseBody, cap: number): Promise<{ data: Buffer; exceeded: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > cap) {
      discardBody(body);
      return { data: Buffer.concat(chunks).subarray(0, cap), exceeded: true };
    }
  }
  return { data: Buffer.concat(chunks), exceeded: false };
}
