import { describe, expect, it } from 'vitest';
import type { Hop, ResolutionRecord } from '../../src/core/resolution.js';
import { classifyRecheck, type ClassifyOptions } from '../../src/triage/recheck/classify.js';

const AT = '2026-12-01T08:00:00.000Z';

function record(hops: Partial<Hop>[], extra: Partial<ResolutionRecord> = {}): ResolutionRecord {
  const full = hops.map((hop) => ({ url: 'http://host.example/a.jpg', timestamp: AT, ...hop }));
  return {
    input: 'http://host.example/a.jpg',
    url: 'http://host.example/a.jpg',
    flags: [],
    hops: full,
    finalUrl: full.at(-1)?.url,
    observedAt: AT,
    producer: { tool: 'vigie test' },
    ...extra,
  };
}

describe('classifyRecheck', () => {
  it.each<[string, ResolutionRecord, ClassifyOptions, string, string]>([
    ['200 at the reported host', record([{ status: 200 }]), {}, 'online', 'online'],
    ['404', record([{ status: 404 }]), {}, 'removed', 'http-404'],
    ['410 after a redirect', record([{ status: 301, location: '/b' }, { url: 'http://host.example/b', status: 410 }]), {}, 'removed', 'http-410'],
    ['451', record([{ status: 451 }]), {}, 'removed', 'http-451'],
    ['403 (another final status)', record([{ status: 403 }]), {}, 'removed', 'http-403'],
    ['429 says nothing about the content', record([{ status: 429 }]), {}, 'unreachable', 'unreachable'],
    ['503', record([{ status: 503 }]), {}, 'unreachable', 'unreachable'],
    [
      'NXDOMAIN in the DNS records',
      record([], { dns: { name: 'host.example', cnameChain: [], addresses: [], zone: 'host.example', ns: [], mx: [], error: { code: 'dns-nxdomain', message: 'NXDOMAIN' } } }),
      {},
      'removed',
      'dns-name-gone',
    ],
    ['NXDOMAIN on a redirect hop', record([{ status: 302 }, { url: 'http://gone.example/', error: { code: 'dns-nxdomain', message: 'x' } }]), {}, 'removed', 'dns-name-gone'],
    [
      'redirect to another registrable domain',
      record([{ status: 302 }, { url: 'https://elsewhere.test/', status: 200 }]),
      { reportedDomain: 'host.example', finalDomain: 'elsewhere.test' },
      'removed',
      'redirected-elsewhere',
    ],
    ['redirect to a suspension page', record([{ status: 302 }, { url: 'http://host.example/cgi-sys/suspendedpage.cgi', status: 200 }]), {}, 'removed', 'removal-page'],
    ['a path that merely contains "removed"', record([{ url: 'http://host.example/removedpictures/a.jpg', status: 200 }]), {}, 'online', 'online'],
    [
      'a direct media URL whose ETag changed',
      record([{ status: 200 }]),
      { firstValidators: { etag: '"abc"' }, validators: { etag: '"def"' } },
      'removed',
      'content-changed',
    ],
    ['same ETag', record([{ status: 200 }]), { firstValidators: { etag: '"abc"' }, validators: { etag: '"abc"' } }, 'online', 'online'],
    ['connection refused once', record([{ error: { code: 'connect-failed', message: 'ECONNREFUSED' } }]), {}, 'unreachable', 'unreachable'],
    [
      'connection refused for the third check in a row',
      record([{ error: { code: 'connect-failed', message: 'ECONNREFUSED' } }]),
      { unreachableBefore: 2 },
      'removed',
      'unreachable-repeatedly',
    ],
  ])('%s', (_name, input, options, state, evidence) => {
    const verdict = classifyRecheck(input, options);
    expect(verdict.state).toBe(state);
    expect(verdict.evidence).toBe(evidence);
    expect(verdict.detail.length).toBeGreaterThan(0);
  });
});
