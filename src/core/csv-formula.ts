/**
 * The one CSV formula neutraliser (OWASP's advice against CSV injection): a cell a spreadsheet would run as a
 * formula (starting with =, +, -, @, tab or CR) gets a leading quote. Reports carry attacker-chosen URLs, file names
 * and labels. Quotes already in front of such a character count as part of the value, so `'=x` becomes `''=x`:
 * restoreFormula then gives every value back exactly, whatever it was.
 */
const FORMULA = /^'*[=+\-@\t\r]/;
const NEUTRALISED = /^'+[=+\-@\t\r]/;

export function neutraliseFormula(value: string): string {
  return FORMULA.test(value) ? `'${value}` : value;
}

/** The value neutraliseFormula was given: for reading back CSV that Vigie (or a tool doing the same) wrote. */
export function restoreFormula(value: string): string {
  return NEUTRALISED.test(value) ? value.slice(1) : value;
}
