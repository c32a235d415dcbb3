/**
 * CSV for people's spreadsheets: RFC 4180 quoting, CRLF lines, and cells a
 * spreadsheet would run as a formula (=, +, -, @, tab, CR first) prefixed with
 * an apostrophe, so an exported name can never become a command.
 */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'string' ? value : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvDocument(header: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string {
  return `${[header.join(','), ...rows.map((row) => row.map(csvCell).join(','))].join('\r\n')}\r\n`;
}
