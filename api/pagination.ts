/**
 * Cursor pagination. A page is `{ items, nextCursor }`; the cursor is opaque to clients:
 * base64url of the JSON sort key of the last item returned. Sort keys must be unique
 * (end them with an id), so "after this key" is exact even as data arrives between pages.
 * `limit` defaults to 50 and may not exceed 500.
 */
import { z } from 'zod';
import { IdgraphError } from '../src/errors.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** One component of a sort key. */
export type SortKeyPart = string | number | null;
export type SortKey = readonly SortKeyPart[];

const SortKeySchema = z.array(z.union([z.string(), z.number(), z.null()])).min(1).max(16);

/** Query parameters of every paginated list; merge into a route's query schema with `.extend(pageQuery.shape)`. */
export const pageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(DEFAULT_PAGE_SIZE)
    .meta({ description: `Page size, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})` }),
  cursor: z
    .string()
    .min(1)
    .max(2048)
    .optional()
    .meta({ description: 'Opaque cursor from the previous page’s nextCursor' }),
});
export type PageQuery = z.output<typeof pageQuery>;

/** The response schema of a page of `item`. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` to get the next page; null on the last page' }),
  });
}
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The cursor for a sort key. */
export function encodeCursor(key: SortKey): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The sort key in a cursor; throws BAD_INPUT (details name query.cursor) when it is not one of ours. */
export function decodeCursor(cursor: string): SortKey {
  const invalid = () =>
    new IdgraphError('BAD_INPUT', 'invalid cursor; pass nextCursor from a previous page unchanged', [
      { path: ['query', 'cursor'], message: 'invalid cursor' },
    ]);
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const parsed = SortKeySchema.safeParse(json);
  if (!parsed.success) throw invalid();
  return parsed.data;
}

function comparePart(a: SortKeyPart, b: SortKeyPart): number {
  if (a === b) return 0;
  // null sorts first; numbers before strings, so mixed keys still have one total order.
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : 1;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : 1;
}

/** Lexicographic comparison of sort keys (component by component; a shorter prefix first). */
export function compareSortKeys(a: SortKey, b: SortKey): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = comparePart(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/**
 * One page of an in-memory list. `items` need not be sorted: they are ordered by
 * `keyOf` (ascending, or descending with `order: 'desc'`), and the page starts after the
 * cursor's key. Store-backed lists do the same in their query with `decodeCursor`.
 */
export function paginate<T>(
  items: readonly T[],
  page: { limit: number; cursor?: string | undefined },
  keyOf: (item: T) => SortKey,
  order: 'asc' | 'desc' = 'asc',
): Page<T> {
  if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > MAX_PAGE_SIZE) {
    throw new IdgraphError('BAD_INPUT', `limit must be an integer from 1 to ${MAX_PAGE_SIZE}`, [
      { path: ['query', 'limit'], message: `must be 1..${MAX_PAGE_SIZE}` },
    ]);
  }
  const sign = order === 'asc' ? 1 : -1;
  const keyed = items.map((item) => ({ item, key: keyOf(item) }));
  keyed.sort((a, b) => sign * compareSortKeys(a.key, b.key));
  const after = page.cursor !== undefined ? decodeCursor(page.cursor) : undefined;
  const rest = after === undefined ? keyed : keyed.filter((k) => sign * compareSortKeys(k.key, after) > 0);
  const slice = rest.slice(0, page.limit);
  const last = slice[slice.length - 1];
  return {
    items: slice.map((k) => k.item),
    nextCursor: rest.length > page.limit && last !== undefined ? encodeCursor(last.key) : null,
  };
}
