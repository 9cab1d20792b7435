/**
 * One view of a record's columns whatever the export did to them, applied
 * before a table schema validates (the raw record is kept untouched):
 * - the portal's ` [UTC]` header suffix is dropped (`TimeGenerated [UTC]`);
 * - columns split by type in union exports (`X_dynamic` / `X_string`,
 *   `ReportId_long` / `ReportId_string`) fold back into X, taking the first
 *   non-empty part;
 * - a `__proto__` column is left out of the view (it stays in raw), so no
 *   later copy of the view can reach a prototype.
 * A column already present under its plain name always wins. A record with
 * none of these is its own view (table schemas are strict objects that read
 * only their own columns, so nothing copies the rest).
 */
import { isJsonObject } from '../formats/own-keys.js';

const UTC_SUFFIX = / \[UTC\]$/;
const SPLIT_SUFFIX = /^(.+)_(dynamic|string|long|int|real|bool|datetime|guid|decimal|timespan)$/;

/** The record with suffixed and split columns under their plain names (not a record: returned as is). */
export function normalizeColumns(raw: unknown): unknown {
  if (!isJsonObject(raw) || !needsView(raw)) return raw;
  // Plain assignment is safe here: the only key that could reach a prototype is skipped.
  const out: Record<string, unknown> = {};
  let folded: Map<string, unknown[]> | undefined;
  for (const key in raw) {
    if (!Object.hasOwn(raw, key) || key === '__proto__') continue;
    const value = raw[key];
    out[key] = value;
    if (key.endsWith(' [UTC]')) {
      const base = key.replace(UTC_SUFFIX, '');
      if (!Object.hasOwn(raw, base)) out[base] = value;
      continue;
    }
    if (!key.includes('_')) continue;
    const m = SPLIT_SUFFIX.exec(key);
    if (m && !Object.hasOwn(raw, m[1]!)) {
      folded ??= new Map();
      const parts = folded.get(m[1]!) ?? [];
      parts.push(value);
      folded.set(m[1]!, parts);
    }
  }
  if (folded) {
    for (const [base, parts] of folded) {
      if (base === '__proto__') continue;
      out[base] = parts.find((p) => p !== undefined && p !== null && p !== '') ?? parts[0] ?? null;
    }
  }
  return out;
}

/** Whether any column is suffixed, split or `__proto__` (most records have none). */
function needsView(raw: Record<string, unknown>): boolean {
  for (const key in raw) {
    if (key === '__proto__' || key.endsWith(' [UTC]') || (key.includes('_') && SPLIT_SUFFIX.test(key))) return true;
  }
  return false;
}
