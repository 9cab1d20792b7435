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
    const plain = plainName(key);
    if (!plain || Object.hasOwn(raw, plain.base)) continue;
    if (!plain.split) {
      out[plain.base] = value;
      continue;
    }
    folded ??= new Map();
    const parts = folded.get(plain.base) ?? [];
    parts.push(value);
    folded.set(plain.base, parts);
  }
  if (folded) {
    for (const [base, parts] of folded) {
      out[base] = parts.find((p) => p !== undefined && p !== null && p !== '') ?? parts[0] ?? null;
    }
  }
  return out;
}

/**
 * The plain name a portal-suffixed (`X [UTC]`) or type-split (`X_string`) column stands for. Never
 * `__proto__`: assigning it would replace the view's prototype, and with it what a schema reads.
 */
function plainName(key: string): { readonly base: string; readonly split: boolean } | undefined {
  let found: { base: string; split: boolean } | undefined;
  if (key.endsWith(' [UTC]')) found = { base: key.replace(UTC_SUFFIX, ''), split: false };
  else if (key.includes('_')) {
    const m = SPLIT_SUFFIX.exec(key);
    if (m) found = { base: m[1]!, split: true };
  }
  return found?.base === '__proto__' ? undefined : found;
}

/** Whether any column is suffixed, split or `__proto__` (most records have none). */
function needsView(raw: Record<string, unknown>): boolean {
  for (const key in raw) if (key === '__proto__' || plainName(key)) return true;
  return false;
}
