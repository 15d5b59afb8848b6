import type { EventEmitter } from 'node:events';
import { Help, type Command } from 'commander';

const HELP_EVENTS = ['beforeAllHelp', 'beforeHelp', 'afterHelp', 'afterAllHelp'] as const;
/** An example's description goes under it, indented this much more, when the two do not fit on one line. */
const EXAMPLE_NOTE_INDENT = 4;
const wrapper = new Help();

/**
 * Lays out the texts commands add to their help (`addHelpText`: examples, exit codes, notes) at the width commander
 * wraps the rest of the help at (the terminal's, else 80 columns), so that they are written once, in plain lines,
 * by their authors, and never overflow a narrow terminal nor stay narrow on a wide one. Applied to `command` and
 * its subcommands.
 */
export function layOutHelpTexts(command: Command): void {
  // commander's Command is an EventEmitter; addHelpText listens to these events.
  const emitter = command as unknown as EventEmitter;
  for (const event of HELP_EVENTS) {
    const listeners = emitter.listeners(event) as ((context: HelpEventContext) => void)[];
    if (listeners.length === 0) continue;
    emitter.removeAllListeners(event);
    emitter.on(event, (context: HelpEventContext) => {
      let text = '';
      for (const listener of listeners) listener({ ...context, write: (chunk: string) => (text += chunk) });
      context.write(layOutHelpText(text, helpWidth(context)));
    });
  }
  for (const subcommand of command.commands) layOutHelpTexts(subcommand);
}

interface HelpEventContext {
  error: boolean;
  command: Command;
  write(text: string): void;
}

/** The width commander lays the help out at: the terminal's when the help goes to one, else 80. */
function helpWidth(context: HelpEventContext): number {
  const output = context.command.configureOutput();
  const width = context.error ? output.getErrHelpWidth?.() : output.getOutHelpWidth?.();
  return width && width > 0 ? width : 80;
}

/**
 * `text` at `width` columns:
 * - prose (lines at the margin) is joined and wrapped; a line starts a new paragraph when it begins with a capital
 *   after a line ending a sentence or a label (`.`, `:`), or after a blank line;
 * - indented lines (examples, a YAML sample) keep their layout; in a block where one is too wide, each example's
 *   description (after a gap of 2+ spaces) goes on the next line, and a command still too wide is continued with
 *   ` \` (still a valid shell line when pasted).
 */
export function layOutHelpText(text: string, width: number): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    if (lines[i].trim() === '') {
      out.push('');
      i++;
    } else if (/^\s/.test(lines[i])) {
      const block: string[] = [];
      while (i < lines.length && /^\s/.test(lines[i]) && lines[i].trim() !== '') block.push(lines[i++]);
      out.push(...layOutIndented(block, width));
    } else {
      const paragraph = [lines[i++]];
      while (i < lines.length && /^\S/.test(lines[i]) && !(/[.:]$/.test(paragraph.at(-1)!) && /^[A-Z]/.test(lines[i]))) {
        paragraph.push(lines[i++]);
      }
      out.push(wrapper.boxWrap(paragraph.join(' '), width));
    }
  }
  return out.join('\n');
}

function layOutIndented(block: string[], width: number): string[] {
  if (block.every((line) => line.length <= width)) return block;
  return block.flatMap((line) => {
    const indent = /^\s*/.exec(line)![0];
    const example = /^(\s*)(\S.*?\S)\s{2,}(\S.*)$/.exec(line);
    const command = example ? example[2] : line.trim();
    const lines = continued(command, indent, width);
    if (example) {
      const noteIndent = `${indent}${' '.repeat(EXAMPLE_NOTE_INDENT)}`;
      lines.push(...wrapper.boxWrap(example[3], width - noteIndent.length).split('\n').map((note) => `${noteIndent}${note}`));
    }
    return lines;
  });
}

/**
 * A command line cut between words to fit (never inside quotes, where a backslash-newline is not a continuation),
 * each cut line ending with ` \` and the next indented further.
 */
function continued(command: string, indent: string, width: number): string[] {
  const lines: string[] = [];
  let current = indent;
  for (const word of command.match(/(?:[^\s'"]+|'[^']*'|"[^"]*")+/g) ?? []) {
    const start = current.trim() === '';
    if (!start && current.length + 1 + word.length + 2 > width) {
      lines.push(`${current} \\`);
      current = `${indent}  ${word}`;
    } else {
      current = start ? `${current}${word}` : `${current} ${word}`;
    }
  }
  lines.push(current);
  return lines;
}
