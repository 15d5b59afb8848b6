import { Agent, request } from 'undici';
import { ExitCode, VigieError } from '../core/errors.js';
import { readCapped } from './body.js';

export interface LimitedFetchOptions {
  dispatcher: Agent;
  /** Whole exchange, redirects and body included. */
  timeoutMs: number;
  maxBytes: number;
  accept: string;
  maxRedirects?: number;
}

export interface LimitedResponse {
  status: number;
  /** The URL that answered, after redirects (RIRs redirect an address to the registry that holds it). */
  url: string;
  text: string;
}

/**
 * GET with the limits a client of untrusted servers needs: a deadline for the whole exchange, a body size cap checked
 * while reading (a server may lie in Content-Length or send none), and at most a few http(s) redirects.
 */
export async function fetchLimited(url: string, options: LimitedFetchOptions): Promise<LimitedResponse> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  let current = url;
  try {
    for (let hop = 0; hop <= (options.maxRedirects ?? 5); hop++) {
      const response = await request(current, {
        method: 'GET',
        dispatcher: options.dispatcher,
        headers: { accept: options.accept, 'user-agent': 'vigie (hotline toolkit)' },
        signal,
      });
      const location = response.headers.location;
      if (response.statusCode >= 300 && response.statusCode < 400 && typeof location === 'string') {
        await response.body.dump();
        const next = new URL(location, current);
        if (next.protocol !== 'https:' && next.protocol !== 'http:') {
          throw new VigieError('bad-redirect', `${current}: redirect to unsupported scheme ${next.protocol}`);
        }
        current = next.href;
        continue;
      }
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > options.maxBytes) {
        response.body.destroy();
        throw tooLarge(current, options.maxBytes);
      }
      const { data, exceeded } = await readCapped(response.body, options.maxBytes);
      if (exceeded) throw tooLarge(current, options.maxBytes);
      return { status: response.statusCode, url: current, text: data.toString('utf8') };
    }
    throw new VigieError('redirect-loop', `${url}: more than ${options.maxRedirects ?? 5} redirects`);
  } catch (error) {
    if (error instanceof VigieError) throw error;
    if (signal.aborted) throw new VigieError('timeout', `${current}: no complete answer within ${options.timeoutMs} ms`);
    throw new VigieError('http-error', `${current}: ${(error as Error).message}`, ExitCode.input, { cause: error });
  }
}

function tooLarge(url: string, maxBytes: number): VigieError {
  return new VigieError('too-large', `${url}: answer larger than ${(maxBytes / 1e6).toFixed(1)} MB`);
}
