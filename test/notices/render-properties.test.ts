import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderEml, renderText } from '../../src/notices/render/index.js';
import { hateNotice } from './render-fixtures.js';

/** Header names of a raw message's header section (folded lines joined). */
function headerNames(eml: Buffer): string[] {
  const text = eml.toString('latin1');
  const block = text.slice(0, text.indexOf('\r\n\r\n')).replace(/\r\n[ \t]/g, ' ');
  return block.split('\r\n').map((line) => line.slice(0, line.indexOf(':')).toLowerCase());
}

// Hostile strings: any code point, with line breaks, controls, bidi overrides and template syntax mixed in.
const hostile = fc.string({
  unit: fc.oneof(
    fc.constantFrom('\r', '\n', '\r\n', '\u0000', '\u202e', '\u2028', '{{', '}}', '<b>', '"', '@', ':', 'Bcc: x@y.example'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 40,
});

describe('any hostile string in a notice', () => {
  it('never puts a control character in the text, nor a line of its own into one-line fields', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, hostile, hostile, async (url, name, description) => {
        const base = hateNotice('host');
        const notice = hateNotice('host', {
          recipient: { ...base.recipient, name },
          targets: [{ ...base.targets[0], url: `https://a.example/${url}` }],
          description,
        });
        const text = await renderText(notice);
        // eslint-disable-next-line no-control-regex -- what must not appear
        expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/u);
        // The URL stays on its numbered line: the section that follows it starts where the template puts it.
        const urlLine = text.split('\n').find((line) => line.startsWith('1. https://a.example/'));
        expect(urlLine).toBeDefined();
      }),
      { numRuns: 40 },
    );
  });

  it('never adds or removes a mail header', async () => {
    const expected = headerNames(await renderEml(hateNotice('host')));
    expect(expected).toContain('subject');
    await fc.assert(
      fc.asyncProperty(hostile, hostile, hostile, async (reference, name, organisation) => {
        const base = hateNotice('host');
        const notice = hateNotice('host', {
          reference,
          recipient: { ...base.recipient, name },
          notifier: { ...base.notifier, organisation },
        });
        const names = headerNames(await renderEml(notice));
        expect(names).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });
});
