/**
 * What a format reader yields before table resolution: a record with its line
 * (or element number), or an error for that line. `tableHint` is a table the
 * container names (a Log Analytics table name, a Graph API endpoint); `text`
 * is the record's own JSON text, as UTF-8 bytes, when it is a whole NDJSON line.
 */
export type RawItem =
  | { readonly line: number; readonly record: Record<string, unknown>; readonly tableHint?: string; readonly text?: Buffer }
  | { readonly line: number; readonly error: string };

/** Whether an item is an error. */
export function isRawError(item: RawItem): item is { readonly line: number; readonly error: string } {
  return 'error' in item;
}
