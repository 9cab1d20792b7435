/**
 * Renders detector rows for the terminal or for other tools: an aligned text
 * table, JSON keyed by detector id, NDJSON (one row per line with its
 * detector), or CSV (RFC 4180; one block per detector).
 */
import type { Value } from '../detect/expr/ast.js';

export const ROW_FORMATS = ['table', 'json', 'ndjson', 'csv'] as const;
export type RowFormat = (typeof ROW_FORMATS)[number];

/** Rows of each detector, in the order detectors ran, with their column order. */
export type RowsByDetector = ReadonlyArray<{ readonly id: string; readonly columns: readonly string[]; readonly rows: readonly Record<string, Value>[] }>;

const cellText = (v: Value | undefined): string => (v === null || v === undefined ? '' : Array.isArray(v) ? JSON.stringify(v) : String(v));

function csvCell(v: Value | undefined): string {
  const s = cellText(v);
  // Cells a spreadsheet would run as formulas are prefixed, since log values are attacker-controlled.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function table(columns: readonly string[], rows: readonly Record<string, Value>[]): string {
  const cap = 60;
  const cells = rows.map((r) => columns.map((c) => cellText(r[c]).replace(/\s+/g, ' ')));
  const widths = columns.map((c, i) => Math.min(cap, Math.max(c.length, ...cells.map((r) => r[i]!.length))));
  const fmt = (vals: readonly string[]) =>
    vals.map((v, i) => (v.length > widths[i]! ? `${v.slice(0, widths[i]! - 1)}…` : v.padEnd(widths[i]!))).join('  ').trimEnd();
  return [fmt(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(fmt)].join('\n');
}

/** Renders rows of one or more detectors in the chosen format. */
export function renderRows(results: RowsByDetector, format: RowFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(Object.fromEntries(results.map((r) => [r.id, r.rows])), null, 2)}\n`;
    case 'ndjson':
      return results.flatMap((r) => r.rows.map((row) => `${JSON.stringify({ detector: r.id, ...row })}\n`)).join('');
    case 'csv':
      return results
        .map((r) => [r.columns.map(csvCell).join(','), ...r.rows.map((row) => r.columns.map((c) => csvCell(row[c])).join(','))].join('\r\n') + '\r\n')
        .join(results.length > 1 ? '\r\n' : '');
    case 'table':
      return results
        .map((r) => `${r.id}: ${r.rows.length} row${r.rows.length === 1 ? '' : 's'}\n${r.rows.length ? `${table(r.columns, r.rows)}\n` : ''}`)
        .join('\n');
  }
}
