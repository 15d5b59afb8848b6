import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * External readers the renderer tests check outputs with: Python's standard `email` package for `.eml`, poppler's
 * pdfinfo/pdftotext for PDF (Debian poppler-utils, installed by .ci/run). Missing tools make the suites skip with a
 * message, never pass silently.
 */
export function popplerAvailable(): boolean {
  const ok = ['pdfinfo', 'pdftotext', 'pdffonts'].every((tool) => spawnSync(tool, ['-v'], { stdio: 'ignore' }).status === 0);
  if (!ok) process.stderr.write('skipping PDF tests: pdfinfo/pdftotext not found (apt-get install poppler-utils)\n');
  return ok;
}

export function pythonAvailable(): boolean {
  const ok = spawnSync('python3', ['-c', 'import email.policy'], { stdio: 'ignore' }).status === 0;
  if (!ok) process.stderr.write('skipping .eml parsing tests: python3 not found\n');
  return ok;
}

export interface ParsedEmail {
  headers: [string, string][];
  defects: string[];
  body: string;
  bodyContentType: string;
  attachments: { filename: string | null; contentType: string; content: string }[];
  /** The addresses (addr-spec) of To and From as Python reads them: one each, whatever the display names hold. */
  to: string[];
  from: string[];
}

const PARSE_EMAIL = `
import email, email.policy, json, sys
message = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
defects = [type(d).__name__ for part in message.walk() for d in part.defects]
body = message.get_body(preferencelist=('plain',))
attachments = []
for part in message.iter_attachments():
    payload = part.get_content()
    attachments.append({'filename': part.get_filename(), 'contentType': part.get_content_type(),
                        'content': payload if isinstance(payload, str) else payload.decode('utf-8')})
print(json.dumps({'headers': [[k, str(v)] for k, v in message.items()], 'defects': defects,
                  'body': body.get_content() if body is not None else '',
                  'bodyContentType': body.get_content_type() if body is not None else '',
                  'attachments': attachments,
                  'to': [a.addr_spec for a in message['To'].addresses] if message['To'] else [],
                  'from': [a.addr_spec for a in message['From'].addresses] if message['From'] else []}))
`;

/** Parses a message with Python's `email` package (policy `default`: RFC 5322 + RFC 2047 decoding). */
export function parseEmail(eml: Uint8Array): ParsedEmail {
  const result = spawnSync('python3', ['-c', PARSE_EMAIL], { input: eml, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`python3 email parsing failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as ParsedEmail;
}

export function headerValues(parsed: ParsedEmail, name: string): string[] {
  return parsed.headers.filter(([key]) => key.toLowerCase() === name.toLowerCase()).map(([, value]) => value);
}

/** Runs a poppler tool on the PDF written to a temporary file (removed afterwards); the file's path is the last argument. */
function run(tool: string, args: string[], pdf: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-pdf-'));
  try {
    const path = join(dir, 'notice.pdf');
    writeFileSync(path, pdf);
    const result = spawnSync(tool, [...args, path, ...(tool === 'pdftotext' ? ['-'] : [])], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${tool} failed (${result.status}): ${result.stderr}`);
    return result.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** pdfinfo's fields (`Pages`, `Title`…); throws when pdfinfo rejects the file. */
export function pdfInfo(pdf: Uint8Array): Record<string, string> {
  const out = run('pdfinfo', ['-enc', 'UTF-8'], pdf);
  return Object.fromEntries(
    out
      .split('\n')
      .map((line) => /^([^:]+):\s*(.*)$/.exec(line))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => [match[1].trim(), match[2]]),
  );
}

/** The text poppler extracts, of one page when given (1-based). */
export function pdfText(pdf: Uint8Array, page?: number): string {
  const range = page === undefined ? [] : ['-f', String(page), '-l', String(page)];
  return run('pdftotext', ['-enc', 'UTF-8', ...range], pdf);
}

export function pdfFonts(pdf: Uint8Array): string {
  return run('pdffonts', [], pdf);
}
