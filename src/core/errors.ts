/** Process exit codes, the same for every command (documented in README.md). */
export const ExitCode = {
  ok: 0,
  /** Findings, when the caller asked to fail on them (`--fail-on-match`, `verify`). */
  findings: 1,
  usage: 2,
  input: 3,
  environment: 4,
  /** A bug: anything thrown that is not a VigieError. */
  internal: 70,
  /** Stopped by SIGINT (Ctrl-C): 128 + 2, as shells report it. */
  interruptedInt: 130,
  /** Stopped by SIGTERM: 128 + 15. */
  interruptedTerm: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * Every error code Vigie reports, in records (`error.code`) and on stderr, with whether the same call may succeed
 * later (`retryable`): what a resumed batch tries again. The one list: a code not here does not type-check.
 */
export const ERROR_CODES = {
  // Usage and environment
  usage: { retryable: false },
  internal: { retryable: false },
  'unsupported-platform': { retryable: false },
  'pdq-kernel-missing': { retryable: false },
  'ffmpeg-missing': { retryable: false },
  'geoip-missing': { retryable: false },
  'geoip-corrupt': { retryable: false },
  'bootstrap-missing': { retryable: false },
  'bad-bootstrap': { retryable: false },
  'bootstrap-download': { retryable: true },
  'bad-config': { retryable: false },
  'worker-crashed': { retryable: true },
  /** The run was stopped (SIGINT/SIGTERM) or a caller's AbortSignal fired before the item finished. */
  interrupted: { retryable: true },
  aborted: { retryable: true },
  // Files
  'not-found': { retryable: false },
  /** The paths given hold no file at all (`vigie hash emptydir/`). */
  'nothing-found': { retryable: false },
  unreadable: { retryable: false },
  unwritable: { retryable: false },
  'permission-denied': { retryable: false },
  'not-a-file': { retryable: false },
  'is-a-directory': { retryable: false },
  'not-a-directory': { retryable: false },
  'symlink-loop': { retryable: false },
  'unsafe-output': { retryable: false },
  'no-space': { retryable: true },
  'too-many-open-files': { retryable: true },
  'read-only-filesystem': { retryable: false },
  'system-error': { retryable: false },
  exists: { retryable: false },
  // Input content
  'bad-input': { retryable: false },
  /** data/recheck/follow-up.yaml is unreadable or holds a bad value (`vigie recheck`). */
  'bad-follow-up-data': { retryable: false },
  'bad-csv': { retryable: false },
  'bad-list-line': { retryable: false },
  'line-too-long': { retryable: false },
  'bad-record': { retryable: false },
  'bad-hash': { retryable: false },
  'bad-key': { retryable: false },
  'bad-manifest': { retryable: false },
  'bad-quality': { retryable: false },
  'bad-pixels': { retryable: false },
  'bad-vpdq': { retryable: false },
  'bad-target': { retryable: false },
  'invalid-json': { retryable: false },
  'invalid-address': { retryable: false },
  'invalid-name': { retryable: false },
  'too-large': { retryable: false },
  'too-deep': { retryable: false },
  'too-many-hashes': { retryable: false },
  strict: { retryable: false },
  'not-comparable': { retryable: false },
  // Hash sets
  'corrupt-hashset': { retryable: false },
  'no-manifest': { retryable: false },
  'empty-set': { retryable: false },
  'nothing-imported': { retryable: false },
  'unknown-signal': { retryable: false },
  'unsupported-version': { retryable: false },
  // Media
  'corrupt-image': { retryable: false },
  'corrupt-video': { retryable: false },
  'not-a-video': { retryable: false },
  'no-video-stream': { retryable: false },
  timeout: { retryable: true },
  // URLs
  'invalid-url': { retryable: false },
  'url-too-long': { retryable: false },
  'unsupported-scheme': { retryable: false },
  'wrong-family': { retryable: false },
  'no-address': { retryable: true },
  // DNS (one prefix everywhere: the same failure has the same code in dns, resolve and geo)
  'dns-nxdomain': { retryable: false },
  'dns-servfail': { retryable: true },
  'dns-refused': { retryable: true },
  'dns-error': { retryable: true },
  'dns-timeout': { retryable: true },
  'dns-network': { retryable: true },
  'dns-no-address': { retryable: true },
  'dns-mismatch': { retryable: true },
  'dns-malformed-reply': { retryable: true },
  'dns-too-many-records': { retryable: false },
  'dns-cname-loop': { retryable: false },
  'bad-resolver': { retryable: false },
  // HTTP and connections
  'connect-failed': { retryable: true },
  'tls-failed': { retryable: true },
  'connection-closed': { retryable: true },
  'header-too-large': { retryable: false },
  'bad-response': { retryable: true },
  'bad-location': { retryable: false },
  'bad-redirect': { retryable: false },
  'redirect-loop': { retryable: false },
  'too-many-redirects': { retryable: false },
  /** The host is (or redirects to) a loopback, private, link-local or reserved address: not requested. */
  'private-address': { retryable: false },
  'bad-proxy': { retryable: false },
  'proxy-failed': { retryable: true },
  'http-error': { retryable: true },
  'http-failed': { retryable: true },
  network: { retryable: true },
  // Registries
  'rdap-error': { retryable: true },
  'whois-error': { retryable: true },
  'whois-no-server': { retryable: false },
  'no-server': { retryable: false },
  'referral-loop': { retryable: false },
  'too-many-referrals': { retryable: false },
  /** Every DNS, RDAP and WHOIS lookup of a geo target failed: only the local GeoIP answer is known. */
  'lookups-failed': { retryable: true },
  // Case store
  'case-not-file': { retryable: false },
  'case-not-sqlite': { retryable: false },
  'case-not-vigie': { retryable: false },
  'case-bad-version': { retryable: false },
  'case-newer-schema': { retryable: false },
  'case-open-failed': { retryable: false },
  /** Another process holds the case file's write lock past the busy timeout. */
  'case-busy': { retryable: true },
  'case-unreachable': { retryable: true },
  'case-no-analyst': { retryable: false },
  'case-no-category': { retryable: false },
  'case-unknown-report': { retryable: false },
  'case-unknown-url': { retryable: false },
  'case-unknown-media': { retryable: false },
  // Notices and bundles
  'bad-case': { retryable: false },
  'bad-data-file': { retryable: false },
  'bad-format': { retryable: false },
  'bad-now': { retryable: false },
  'bad-rules': { retryable: false },
  'bad-sent-log': { retryable: false },
  'bad-smtp-url': { retryable: false },
  'bad-zip': { retryable: false },
  'bundle-unsound': { retryable: false },
  'case-too-large': { retryable: false },
  'mixed-cases': { retryable: false },
  'no-input': { retryable: false },
  'no-notices': { retryable: false },
  'not-a-bundle': { retryable: false },
  'not-a-case': { retryable: false },
  'not-json': { retryable: false },
  'not-yaml': { retryable: false },
  'notice-bad-address': { retryable: false },
  'notice-language': { retryable: false },
  'notice-no-address': { retryable: false },
  'notice-template': { retryable: false },
  'notice-templates-dir': { retryable: false },
  'notice-templates-none': { retryable: false },
  'notice-time': { retryable: false },
  'notice-time-zone': { retryable: false },
  'notice-xarf-target': { retryable: false },
  'notice-xarf-type': { retryable: false },
  'send-locked': { retryable: true },
  'smtp': { retryable: true },
  'smtp-credentials': { retryable: false },
  'yaml-aliases': { retryable: false },
  // Triage
  'bad-report-file': { retryable: false },
  'bad-notifier': { retryable: false },
  'bad-date': { retryable: false },
  'bad-hashes': { retryable: false },
  'bad-id': { retryable: false },
  'bad-json': { retryable: false },
  'media-refused': { retryable: false },
  'no-id': { retryable: false },
  'no-source': { retryable: false },
  'no-url': { retryable: false },
  'offline-no-ip': { retryable: false },
} as const satisfies Record<string, { retryable: boolean }>;
export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

/** Whether an item that failed with this code is worth trying again later (network trouble, interruption…). */
export function isRetryable(code: ErrorCode): boolean {
  return ERROR_CODES[code].retryable;
}

/**
 * An error the user can act on: a stable machine-readable code, one clear sentence, and the exit code it maps to.
 * Anything that is not a VigieError reaching the CLI is a bug and is reported as such.
 */
export class VigieError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly exitCode: ExitCode = ExitCode.input,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'VigieError';
  }
}

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}

/** Node's errno codes in our vocabulary; others become `system-error` with the errno kept in the message. */
const ERRNO_CODES: Record<string, ErrorCode> = {
  ENOENT: 'not-found',
  EACCES: 'permission-denied',
  EPERM: 'permission-denied',
  ELOOP: 'symlink-loop',
  EISDIR: 'is-a-directory',
  ENOTDIR: 'not-a-directory',
  EEXIST: 'exists',
  ENOSPC: 'no-space',
  EDQUOT: 'no-space',
  EMFILE: 'too-many-open-files',
  ENFILE: 'too-many-open-files',
  EROFS: 'read-only-filesystem',
  ECONNREFUSED: 'connect-failed',
  ECONNRESET: 'connection-closed',
  EPIPE: 'connection-closed',
  ETIMEDOUT: 'timeout',
  ENOTFOUND: 'dns-nxdomain',
  ABORT_ERR: 'aborted',
};

/** Turns anything thrown into a code and a one-line message, without a stack trace. */
export function describeError(error: unknown): ErrorInfo {
  if (error instanceof VigieError) return { code: error.code, message: error.message };
  const nodeCode = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof nodeCode === 'string') return { code: ERRNO_CODES[nodeCode] ?? 'system-error', message: firstLine(message) };
  if (error instanceof Error && error.name === 'AbortError') return { code: 'aborted', message: firstLine(message) };
  return { code: 'internal', message: firstLine(message) };
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}
