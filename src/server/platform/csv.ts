/**
 * Text a spreadsheet would run as a formula (or, for tab and carriage return, split into cells that
 * then start one): `=`, `+`, `-`, `@`, tab, CR at the start.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote, line break or edge space. Text that
 * a spreadsheet would take as a formula gets a leading apostrophe (OWASP's CSV-injection advice), so
 * an export opened in Excel shows what someone typed instead of running it; numbers stay numbers,
 * negative ones included.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return "";
  const text = typeof value === "number" ? String(value) : FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
